from . import test_recall_manufacturing, test_trace_depth
