from . import (
    lot_recall,
    lot_recall_line,
    lot_trace,
    product_template,
    stock_lot,
    stock_move_line,
    stock_picking,
    stock_quant,
)
