from . import lot_recall
from . import res_company
from . import res_config_settings
from . import stock_lot
