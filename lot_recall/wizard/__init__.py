from . import (
    lot_quarantine_wizard,
    lot_recall_ack_wizard,
    lot_recall_check_wizard,
    lot_recall_close_wizard,
    lot_recall_wizard,
)
