# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from .common import LotRecallCase


class DyeLotCase(LotRecallCase):
    @classmethod
    def _yarn(cls, name):
        return cls.env["product.product"].create(
            {"name": name, "is_storable": True, "tracking": "lot", "dye_lot_policy": "block"}
        )

    @classmethod
    def _receive_dyed(cls, product, lot_name, quantity, dye_lot):
        lot = cls._receive(product, lot_name, quantity)
        lot.dye_lot = dye_lot
        return lot


@tagged("post_install", "-at_install")
class TestDyeLotRecall(DyeLotCase):
    """A recall scoped by a dye lot: every lot of the dye batch, whatever its product."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.red = cls._yarn("Merino Yarn, Red")
        cls.blue = cls._yarn("Merino Yarn, Blue")
        cls.red_1 = cls._receive_dyed(cls.red, "RED-1", 20, "DL-7")
        cls.blue_1 = cls._receive_dyed(cls.blue, "BLUE-1", 20, "DL-7")
        cls.red_2 = cls._receive_dyed(cls.red, "RED-2", 20, "DL-8")
        cls.red_3 = cls._receive_dyed(cls.red, "RED-3", 20, "DLX7")
        cls._deliver(cls.customer_a, cls.red, cls.red_1, 5)
        cls._deliver(cls.customer_b, cls.blue, cls.blue_1, 5)
        cls._deliver(cls.customer_c, cls.red, cls.red_2, 5)

    def _wizard_form(self, dye_lot):
        wizard_form = Form(
            self.env["lot.recall.wizard"]
            .with_user(self.recall_user)
            .with_context(default_intake="dye_lot")
        )
        wizard_form.dye_lot = dye_lot
        wizard_form.reason = "The dye washes out"
        return wizard_form

    def test_dye_lot_recall_scope_across_two_products(self):
        wizard = self._wizard_form("  dl-7 ").save()
        self.assertEqual(wizard.lot_ids, self.red_1 | self.blue_1)
        self.assertEqual(
            wizard.dye_lot_summary,
            "2 lots of 2 products: Merino Yarn, Blue (1), Merino Yarn, Red (1)",
        )
        self.assertEqual(wizard.preview_partner_count, 2)
        recall = self.env["lot.recall"].browse(wizard.action_confirm()["res_id"])
        self.assertEqual(recall.lot_ids, self.red_1 | self.blue_1)
        self.assertEqual(recall.dye_lot, "dl-7")
        self.assertEqual(recall.product_ids, self.red | self.blue)
        self.assertEqual(recall.line_ids.partner_id, self.customer_a | self.customer_b)
        self.assertEqual(recall.notice_ids.partner_id, self.customer_a | self.customer_b)
        self.assertTrue(self.red_1.is_recalled and self.blue_1.is_recalled)
        self.assertFalse(self.red_2.is_recalled or self.red_3.is_recalled)
        self.assertTrue(self.red_1.quarantined and self.blue_1.quarantined)

    def test_unknown_dye_lot_or_other_lots_are_refused(self):
        # "_" is no wildcard: DLX7 is not DL_7.
        wizard = self._wizard_form("DL_7").save()
        self.assertFalse(wizard.lot_ids)
        self.assertEqual(wizard.dye_lot_summary, "No lot of dye lot DL_7.")
        with self.assertRaisesRegex(UserError, "no lot of .* has dye lot DL_7"):
            wizard.action_confirm()
        wizard = (
            self.env["lot.recall.wizard"]
            .with_user(self.recall_user)
            .create(
                {
                    "intake": "dye_lot",
                    "dye_lot": "DL-7",
                    "lot_ids": [(6, 0, self.red_1.ids)],
                    "reason": "The dye washes out",
                }
            )
        )
        with self.assertRaisesRegex(UserError, "every lot of it"):
            wizard.action_confirm()
        self.assertFalse(self.env["lot.recall"].search([("lot_ids", "in", self.red_1.ids)]))


@tagged("post_install", "-at_install")
class TestMatchPreviousDyeLot(DyeLotCase):
    """A customer who already received a product gets the dye lot they had, while it lasts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.yarn = cls._yarn("Merino Yarn, Heather")
        # D1 first: without a preference, reservation takes it (first in, first out).
        cls.d1 = cls._receive_dyed(cls.yarn, "YARN-D1", 20, "D1")
        cls.d2 = cls._receive_dyed(cls.yarn, "YARN-D2", 20, "D2")
        cls._deliver(cls.customer_a, cls.yarn, cls.d2, 5)
        cls.shop = cls.env["res.partner"].create(
            {"name": "Alpha Foods, Shop", "parent_id": cls.customer_a.id, "type": "delivery"}
        )

    def _order(self, partner, quantity):
        """A delivery confirmed (and so reserved) as a sales order would make it."""
        return self._picking(
            self.warehouse.out_type_id,
            partner,
            [(self.yarn, quantity)],
            location=self.stock_location,
            location_dest=self.customer_location,
        )

    def _reserved(self, picking):
        return {line.lot_id.dye_lot: line.quantity for line in picking.move_line_ids}

    def test_match_previous_dye_lot_reservation(self):
        to_a = self._order(self.shop, 5)
        self.assertEqual(to_a.move_ids.lot_recall_previous_dye_lot, "D2")
        self.assertEqual(self._reserved(to_a), {"D2": 5})
        to_b = self._order(self.customer_b, 5)
        self.assertFalse(to_b.move_ids.lot_recall_previous_dye_lot)
        self.assertEqual(self._reserved(to_b), {"D1": 5})
        to_a.move_ids.picked = True
        to_a.button_validate()
        self.assertEqual(to_a.state, "done")
        self.assertEqual(to_a.move_ids.lot_recall_previous_dye_lot, False, "done: no hint")

    def test_the_customers_dye_lot_while_stock_of_it_remains(self):
        # 15 of D2 left: an order of 18 is one dye lot, D1; the customer's dye lot is now D1.
        to_a = self._order(self.customer_a, 18)
        self.assertEqual(self._reserved(to_a), {"D1": 18})
        to_a.move_ids.picked = True
        to_a.button_validate()
        # No dye lot covers 16 (D1: 2 left, D2: 15): the customer's own (now D1) first.
        again = self._order(self.customer_a, 16)
        self.assertEqual(again.move_ids.lot_recall_previous_dye_lot, "D1")
        self.assertEqual(self._reserved(again), {"D1": 2, "D2": 14})

    def test_the_delivery_shows_the_customers_dye_lot(self):
        user = new_test_user(
            self.env,
            login="lr_dye_stock_user",
            groups="stock.group_stock_user,stock.group_production_lot",
        )
        arch = self.env["stock.picking"].with_user(user).get_views([(False, "form")])
        self.assertIn('name="lot_recall_previous_dye_lot"', arch["views"]["form"]["arch"])
        to_a = self._order(self.customer_a, 1)
        self.assertEqual(to_a.with_user(user).move_ids.lot_recall_previous_dye_lot, "D2")
