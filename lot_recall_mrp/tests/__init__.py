from . import test_recall_manufacturing
