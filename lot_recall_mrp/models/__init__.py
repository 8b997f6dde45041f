from . import lot_recall, stock_move_line
