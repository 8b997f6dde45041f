from . import lot_margin_report, lot_recall_xlsx, report_recall
