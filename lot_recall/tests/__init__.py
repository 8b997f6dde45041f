from . import test_lot_data, test_security
