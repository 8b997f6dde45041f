from . import report_lot_trace, report_recall
