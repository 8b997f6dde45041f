from . import lot_recall, lot_recall_line, lot_trace, stock_lot, stock_picking, stock_quant
