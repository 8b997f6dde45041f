# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import LotRecallCase


@tagged("post_install", "-at_install")
class TestRecallQuarantine(LotRecallCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lot = cls._receive(cls.flour, "QF-0001", 100)
        cls.good_lot = cls._receive(cls.flour, "QF-0002", 100)

    def test_quarantine_releases_reservations_and_blocks_new_ones(self):
        reserved = self._picking(
            self.warehouse.out_type_id,
            self.customer_a,
            [(self.flour, 30)],
            location=self.stock_location,
            location_dest=self.customer_location,
        )
        reserved.action_assign()
        self.assertIn(self.lot, reserved.move_line_ids.lot_id)
        cron = self.env.ref("lot_recall.ir_cron_lot_recall_reassign")
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        recall = self._recall_through_wizard(self.lot)
        self.assertTrue(self.lot.quarantined)
        self.assertFalse(self.good_lot.quarantined)
        # The reservation of the quarantined lot is released at once; the move is reserved
        # again by the scheduled action, triggered by the quarantine.
        self.assertFalse(reserved.move_line_ids)
        self.assertEqual(reserved.state, "confirmed")
        self.assertTrue(reserved.move_ids.lot_recall_reassign)
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]) - triggers)
        self.env["stock.move"]._cron_lot_recall_reassign()
        # The pending delivery was re-reserved on the good lot.
        self.assertEqual(reserved.move_line_ids.lot_id, self.good_lot)
        self.assertEqual(reserved.state, "assigned")
        self.assertFalse(reserved.move_ids.lot_recall_reassign)
        # Nothing can reserve the quarantined lot any more.
        big = self._picking(
            self.warehouse.out_type_id,
            self.customer_b,
            [(self.flour, 150)],
            location=self.stock_location,
            location_dest=self.customer_location,
        )
        big.action_assign()
        self.assertNotIn(self.lot, big.move_line_ids.lot_id)
        self.assertEqual(sum(big.move_line_ids.mapped("quantity")), 70.0)
        self.assertIn(recall.name, self.lot.message_ids[0].body)

    def test_reserve_again_in_batches_each_in_its_company(self):
        pickings = [
            self._picking(
                self.warehouse.out_type_id,
                customer,
                [(self.flour, 60)],
                location=self.stock_location,
                location_dest=self.customer_location,
            )
            for customer in (self.customer_a, self.customer_b)
        ]
        for picking in pickings:
            picking.action_assign()
        self.lot._quarantine("QA hold")
        moves = pickings[0].move_ids | pickings[1].move_ids
        self.assertEqual(moves.mapped("lot_recall_reassign"), [True, True])
        self.env["stock.move"]._cron_lot_recall_reassign(batch_size=1)
        self.assertEqual(moves.mapped("lot_recall_reassign"), [False, True])
        self.env["stock.move"]._cron_lot_recall_reassign(batch_size=1)
        self.assertFalse(any(moves.mapped("lot_recall_reassign")))
        # The good lot's 100 units went to the first move, then the second; none of the
        # quarantined lot.
        self.assertEqual(moves.move_line_ids.lot_id, self.good_lot)
        self.assertEqual(sum(moves.move_line_ids.mapped("quantity")), 100.0)

    def test_shipping_a_recalled_lot_is_refused(self):
        shipped = self._deliver(self.customer_b, self.flour, self.lot, 8)
        recall = self._recall_through_wizard(self.lot, quarantine=False)
        picking = self._deliver(self.customer_a, self.flour, self.lot, 5, validate=False)
        with self.assertRaisesRegex(UserError, recall.name):
            picking.button_validate()
        self.assertEqual(picking.state, "assigned")
        # A customer return of the recalled lot is still accepted, and quarantined on arrival.
        returned = self._return(shipped, 8)
        self.assertEqual(returned.state, "done")
        self.assertTrue(self.lot.quarantined)

    def test_mock_recall_never_blocks(self):
        recall = self._recall_through_wizard(self.lot, is_mock=True)
        self.assertFalse(self.lot.quarantined)
        self.assertFalse(self.lot.is_recalled)
        with self.assertRaises(UserError):
            recall.action_quarantine()
        picking = self._deliver(self.customer_a, self.flour, self.lot, 5)
        self.assertEqual(picking.state, "done")

    def test_release_needs_a_manager_and_is_logged(self):
        recall = self._recall_through_wizard(self.lot)
        self.assertTrue(self.lot.quarantined)
        with self.assertRaises(AccessError):
            self.lot.with_user(self.recall_user).action_release_quarantine()
        with self.assertRaises(AccessError):
            self.lot.with_user(self.recall_user).write({"quarantined": False})
        self.assertTrue(self.lot.quarantined)
        self.lot.with_user(self.recall_manager).action_release_quarantine()
        self.assertFalse(self.lot.quarantined)
        self.assertIn("Released from quarantine", self.lot.message_ids[0].body)
        # Closing the recall lifts the shipping block.
        recall.with_user(self.recall_manager)._close("Customers reached by phone")
        self.assertFalse(self.lot.is_recalled)
        picking = self._deliver(self.customer_a, self.flour, self.lot, 5)
        self.assertEqual(picking.state, "done")
