from . import (
    epcis,
    lot_recall_xlsx,
    lot_trace_request_xlsx,
    report_lot_trace,
    report_recall,
    report_recall_status,
)
