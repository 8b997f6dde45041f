from . import lot_recall
from . import product_template
from . import stock_lot
from . import stock_move_line
from . import stock_picking
from . import stock_quant
