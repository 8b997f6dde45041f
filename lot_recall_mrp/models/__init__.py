from . import lot_recall, lot_trace_request, stock_move_line
