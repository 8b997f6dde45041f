from . import test_lot_cost
from . import test_recall_cost
from . import test_destroy_quarantined
from . import test_lot_margin
