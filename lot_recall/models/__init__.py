from . import lot_recall, product_template, stock_lot, stock_move_line, stock_picking, stock_quant
