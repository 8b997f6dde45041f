from . import (
    lot_genealogy,
    lot_recall,
    lot_recall_yield,
    lot_trace_request,
    mrp_production,
    stock_move_line,
)
