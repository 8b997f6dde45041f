from . import test_destroy_quarantined, test_lot_cost, test_lot_margin, test_recall_cost
