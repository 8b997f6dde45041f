from . import lot_recall_xlsx, report_lot_trace, report_recall
