from . import lot_genealogy, lot_recall, lot_trace_request, stock_move_line
