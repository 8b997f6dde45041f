from . import stock_move_line, stock_picking
