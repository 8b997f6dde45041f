from . import lot_margin_report
from . import lot_recall_xlsx
from . import report_recall
