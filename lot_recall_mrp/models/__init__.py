from . import lot_recall
