from . import test_recall_manufacturing
from . import test_trace_depth
