from . import lot_recall_wizard
