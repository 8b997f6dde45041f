# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.lot_recall.tests.common import LotRecallCase


@tagged("post_install", "-at_install")
class TestRecallPos(LotRecallCase):
    """Sales of a recalled lot made at the till, through real point-of-sale sessions: the
    session's or the order's picking records them (done, the recall traced again, its
    responsible told) instead of being refused; every other door stays shut."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.flour.write({"available_in_pos": True, "list_price": 10.0, "taxes_id": False})
        cls.lot = cls._receive(cls.flour, "PS-0001", 100)
        cls.good_lot = cls._receive(cls.flour, "PS-0002", 100)
        bank_journal = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1
        )
        cls.card = cls.env["pos.payment.method"].create(
            {"name": "Card (recall shop)", "journal_id": bank_journal.id}
        )
        cls.pos_config = cls.env["pos.config"].create(
            {
                "name": "Recall Shop",
                "picking_type_id": cls.warehouse.pos_type_id.id,
                "payment_method_ids": [(6, 0, cls.card.ids)],
            }
        )
        # Selling lot-tracked products at the till needs Inventory User rights (point_of_sale
        # reads the lots), so the cashier has both.
        cls.cashier = new_test_user(
            cls.env,
            login="lr_pos_cashier",
            groups="point_of_sale.group_pos_user,stock.group_stock_user",
        )

    def _open_session(self, update_stock_at_closing):
        self.pos_config.with_user(self.cashier).open_ui()
        session = self.pos_config.current_session_id
        session.update_stock_at_closing = update_stock_at_closing
        return session

    def _sell(self, session, lot, quantity, partner=None, shipping_date=False):
        """Ring up ``quantity`` of ``lot`` at the till (a negative quantity is a return) and
        take its payment by card, as the cashier's till sends it (``sync_from_ui``)."""
        total = self.flour.list_price * quantity
        self._till_orders = getattr(self, "_till_orders", 0) + 1
        uuid = f"lot-recall-pos-{self._till_orders}"
        self.env["pos.order"].with_user(self.cashier).sync_from_ui(
            [
                {
                    "uuid": uuid,
                    "name": f"Order {uuid}",
                    "session_id": session.id,
                    "user_id": self.cashier.id,
                    "partner_id": partner.id if partner else False,
                    "pricelist_id": self.pos_config.pricelist_id.id,
                    "fiscal_position_id": False,
                    "date_order": fields.Datetime.to_string(fields.Datetime.now()),
                    "shipping_date": shipping_date,
                    "sequence_number": self._till_orders,
                    "last_order_preparation_change": "{}",
                    "lines": [
                        (
                            0,
                            0,
                            {
                                "product_id": self.flour.id,
                                "qty": quantity,
                                "price_unit": self.flour.list_price,
                                "price_subtotal": total,
                                "price_subtotal_incl": total,
                                "tax_ids": [(6, 0, [])],
                                "pack_lot_ids": [(0, 0, {"lot_name": lot.name})],
                            },
                        )
                    ],
                    "payment_ids": [
                        (
                            0,
                            0,
                            {
                                "amount": total,
                                "name": fields.Datetime.now(),
                                "payment_method_id": self.card.id,
                            },
                        )
                    ],
                    "amount_tax": 0.0,
                    "amount_total": total,
                    "amount_paid": total,
                    "amount_return": 0.0,
                    "to_invoice": False,
                }
            ]
        )
        order = self.env["pos.order"].search([("uuid", "=", uuid)])
        self.assertEqual(order.state, "paid")
        return order

    def _close(self, session):
        session.with_user(self.cashier).action_pos_session_closing_control()
        self.assertEqual(session.state, "closed")

    def _assert_reported(self, recall, picking, partner):
        """The till sale is done, in the recall's lines, and its responsible has an activity."""
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.move_line_ids.lot_id, self.lot)
        line = recall.line_ids.filtered(lambda rl: rl.picking_id == picking)
        self.assertEqual(line.partner_id, partner)
        self.assertEqual(line.quantity, 3)
        activity = recall.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, recall.user_id)

    def test_session_closing_records_the_till_sale_of_a_recalled_lot(self):
        recall = self._recall_through_wizard(self.lot, quarantine=False)
        self.assertFalse(recall.line_ids)
        session = self._open_session(update_stock_at_closing=True)
        self._sell(session, self.lot, 3, partner=self.customer_c)
        self._sell(session, self.good_lot, 2)  # an anonymous sale of another lot
        self._close(session)
        picking = session.picking_ids
        self.assertEqual(len(picking), 1)
        self.assertEqual(
            picking.move_line_ids.filtered(lambda ml: ml.lot_id == self.lot).state, "done"
        )
        # The session's picking has no customer; its move was sold to one only: Gamma Grocers.
        line = recall.line_ids
        self.assertEqual((line.picking_id, line.partner_id), (picking, self.customer_c))
        self.assertEqual(line.quantity, 3)
        self.assertIn(self.customer_c, recall.notice_ids.partner_id)
        self.assertEqual(recall.activity_ids.user_id, recall.user_id)
        # The till sale is logged on the recall.
        self.assertTrue(
            recall.message_ids.filtered(lambda m: picking.name in (m.body or "")),
        )

    def test_order_picking_in_real_time_records_the_sale_and_the_customer(self):
        recall = self._recall_through_wizard(self.lot, quarantine=False)
        session = self._open_session(update_stock_at_closing=False)
        order = self._sell(session, self.lot, 3, partner=self.customer_c)
        self._assert_reported(recall, order.picking_ids, self.customer_c)
        self.assertIn(self.customer_c, recall.notice_ids.partner_id)
        self._close(session)

    def test_anonymous_till_sale_is_recorded_without_a_customer(self):
        recall = self._recall_through_wizard(self.lot, quarantine=False)
        session = self._open_session(update_stock_at_closing=False)
        order = self._sell(session, self.lot, 3)
        self._assert_reported(recall, order.picking_ids, self.env["res.partner"])

    def test_till_return_of_a_recalled_lot_is_quarantined_on_arrival(self):
        session = self._open_session(update_stock_at_closing=False)
        self._sell(session, self.lot, 3, partner=self.customer_c)
        recall = self._recall_through_wizard(self.lot, quarantine=False)
        self.assertFalse(self.lot.quarantined)
        refund = self._sell(session, self.lot, -3, partner=self.customer_c)
        self.assertEqual(refund.picking_ids.state, "done")
        self.assertEqual(refund.picking_ids.location_dest_id, self.stock_location)
        self.assertTrue(self.lot.quarantined)
        # A return reports nothing new: no activity.
        self.assertFalse(recall.activity_ids)

    def test_other_deliveries_of_the_lot_stay_refused(self):
        recall = self._recall_through_wizard(self.lot, quarantine=False)
        session = self._open_session(update_stock_at_closing=False)
        self._sell(session, self.good_lot, 2, partner=self.customer_a)
        # A normal delivery.
        delivery = self._deliver(self.customer_b, self.flour, self.lot, 5, validate=False)
        with self.assertRaisesRegex(UserError, recall.name):
            delivery.button_validate()
        # A transfer of the point-of-sale type claiming the session, which did not sell
        # this lot.
        claimed = self._picking(
            self.warehouse.pos_type_id,
            self.customer_b,
            [(self.flour, 5)],
            location=self.stock_location,
            location_dest=self.customer_location,
        )
        claimed.pos_session_id = session
        self._set_lot(claimed, self.lot, 5)
        with self.assertRaisesRegex(UserError, recall.name):
            claimed.button_validate()
        # A "ship later" order leaves our warehouse after the sale: its delivery is refused.
        order = self._sell(
            session,
            self.lot,
            4,
            partner=self.customer_b,
            shipping_date=fields.Date.today(),
        )
        later = order.picking_ids
        self.assertEqual(later.pos_order_id, order)
        self._set_lot(later, self.lot, 4)
        with self.assertRaisesRegex(UserError, recall.name):
            later.button_validate()
        self.assertNotEqual(later.state, "done")
        self.assertFalse(recall.line_ids)
        self.assertFalse(recall.activity_ids)

    def test_an_inventory_user_opens_the_lot_form(self):
        """point_of_sale brings stock_account, whose lot form reads valuation layers that only
        Inventory Administrators may read: an Inventory User still opens (and recalls from)
        the lot form."""
        stock_user = new_test_user(
            self.env, login="lr_pos_stock_user", groups="stock.group_stock_user"
        )
        self.assertFalse(self.env["stock.valuation.layer"].with_user(stock_user).has_access("read"))
        with Form(self.lot.with_user(stock_user)) as lot_form:
            lot_form.dye_lot = "D-POS"
        self.assertEqual(self.lot.dye_lot, "D-POS")
