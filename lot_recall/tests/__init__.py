from . import (
    test_access_matrix,
    test_expiry_digest,
    test_lot_data,
    test_notice_portal,
    test_recall_notices,
    test_recall_quarantine,
    test_recall_reports,
    test_recall_trace,
    test_security,
    test_tours,
)
