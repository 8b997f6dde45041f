from . import test_recall_quarantine, test_recall_trace, test_security
