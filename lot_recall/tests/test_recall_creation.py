# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged
from odoo.tools import SQL

from .common import LotRecallCase

# Columns of a note that differ between two separate _message_log_batch calls.
PER_CALL_COLUMNS = ("id", "res_id", "message_id", "date", "create_date", "write_date")


@tagged("post_install", "-at_install")
class TestRecallCreation(LotRecallCase):
    """Recall creation and quarantine written set-based: the same records as the ORM's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lots = cls.env["stock.lot"]
        for name in ("RC-0001", "RC-0002", "RC-0003"):
            cls.lots |= cls._receive(cls.flour, name, 20)
        cls.reference_lot = cls._receive(cls.flour, "RC-0004", 20)
        cls.deliveries = [
            cls._deliver(customer, cls.flour, lot, 5)
            for customer, lot in zip(
                (cls.customer_a, cls.customer_b, cls.customer_c), cls.lots, strict=True
            )
        ]

    def _notes(self, lots):
        self.env.flush_all()
        return self.env.execute_query_dict(
            SQL(
                "SELECT * FROM mail_message WHERE model = 'stock.lot' AND res_id = ANY(%s)"
                " ORDER BY res_id, id",
                lots.ids,
            )
        )

    def test_quarantine_notes_are_what_message_log_batch_writes(self):
        self.assertFalse(self.lots.message_ids)  # read, so the cache must be invalidated
        recall = self._recall_through_wizard(self.lots)
        reason = f"Quarantined by recall {recall.name}."
        self.assertTrue(all(self.lots.mapped("quarantined")))
        notes = self._notes(self.lots)
        self.assertEqual([note["res_id"] for note in notes], self.lots.ids)
        for lot in self.lots:
            self.assertEqual(len(lot.message_ids), 1)
            self.assertIn(reason, lot.message_ids.body)
        # The note Odoo's batch log writes for the same lot model, user and body.
        reference = (
            self.reference_lot.with_user(self.recall_user)
            ._message_log_batch(bodies={self.reference_lot.id: reason})
            .sudo()
        )
        [expected] = self._notes(self.reference_lot)
        for note in notes:
            self.assertEqual(
                {key: value for key, value in note.items() if key not in PER_CALL_COLUMNS},
                {key: value for key, value in expected.items() if key not in PER_CALL_COLUMNS},
            )
        # As in one batch log: one Message-Id and date for all, the author is the user, an
        # internal note that notifies nobody.
        self.assertEqual(len({(note["message_id"], note["date"]) for note in notes}), 1)
        self.assertEqual(reference.author_id, self.recall_user.partner_id)
        self.assertEqual(reference.subtype_id, self.env.ref("mail.mt_note"))
        self.assertEqual(reference.message_type, "notification")
        messages = self.lots.message_ids
        self.assertFalse(messages.partner_ids)
        self.assertFalse(messages.notification_ids)
        self.assertFalse(messages.attachment_ids)

    def test_retrace_without_change_keeps_the_rows(self):
        recall = self._recall_through_wizard(self.lots, quarantine=False)
        rows = (recall.line_ids, recall.trace_lot_ids, recall.upstream_ids)
        self.assertEqual(len(recall.line_ids), 3)
        self.assertEqual(recall.trace_lot_ids.lot_id, self.lots)
        self.assertEqual(recall.upstream_ids.lot_id, self.lots)
        self.assertTrue(all(self.lots.mapped("is_recalled")))
        recall.with_user(self.recall_user).action_trace()
        recall.invalidate_recordset()
        self.assertEqual((recall.line_ids, recall.trace_lot_ids, recall.upstream_ids), rows)
        self.assertEqual(recall.affected_lot_ids, self.lots)
        self.assertEqual(recall.state, "traced")
        self.assertTrue(all(self.lots.mapped("is_recalled")))
        self.assertIn("No change since the previous trace.", recall.message_ids[0].body)
        # A customer return changes a delivery line: the lines are replaced, the affected
        # lots and supplier receipts stay.
        self._return(self.deliveries[0], 2)
        recall.with_user(self.recall_user).action_trace()
        recall.invalidate_recordset()
        self.assertEqual(len(recall.line_ids), 3)
        self.assertNotEqual(recall.line_ids, rows[0])
        self.assertEqual(sum(recall.line_ids.mapped("returned_quantity")), 2)
        self.assertEqual((recall.trace_lot_ids, recall.upstream_ids), rows[1:])

    def test_is_recalled_follows_each_lots_recalls(self):
        drill = self._recall_through_wizard(self.lots[0], is_mock=True)
        real = self._recall_through_wizard(self.lots[1:], quarantine=False)
        self.assertEqual(
            self.lots.mapped("is_recalled"), [False, True, True], "a drill never recalls a lot"
        )
        self.assertEqual(drill.affected_lot_ids, self.lots[0])
        real.with_user(self.recall_manager).action_cancel()
        self.assertEqual(self.lots.mapped("is_recalled"), [False, False, False])
