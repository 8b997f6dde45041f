from . import lot_margin_export
from . import lot_recall_destroy_wizard
from . import lot_recall_destroy_wizard_line
