from . import test_recall_pos
