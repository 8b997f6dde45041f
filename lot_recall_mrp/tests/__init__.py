from . import (
    test_genealogy_mrp,
    test_lot_screens_mrp,
    test_recall_drill_mrp,
    test_recall_lots_mrp,
    test_recall_manufacturing,
    test_trace_depth,
    test_trace_request_mrp,
    test_trace_upstream,
)
