# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import LotCostCase


@tagged("post_install", "-at_install")
class TestLotCost(LotCostCase):
    """The lot's actual cost from real valuation layers: its own for a product valued by lot,
    the receipt's for a product valued FIFO over its lots."""

    def _valuation_account_balance(self, picking):
        """Balance of the stock valuation account in the journal entries of ``picking``."""
        account = self.category.property_stock_valuation_account_id
        lines = picking.move_ids.stock_valuation_layer_ids.account_move_id.line_ids
        return sum(lines.filtered(lambda line: line.account_id == account).mapped("balance"))

    def test_lots_cost_what_they_were_bought_at_not_the_average(self):
        lots = (self.oil_1 | self.oil_2).with_user(self.valuation_user)
        self.assertEqual(lots.mapped("cost_basis"), ["lot", "lot"])
        self.assertEqual(lots.mapped("actual_unit_cost"), [10.0, 14.0])
        self.assertEqual(lots.mapped("actual_value"), [1000.0, 1400.0])
        self.assertEqual(lots.mapped("cost_currency_id"), self.company.currency_id)
        # The product as a whole: 200 units worth 2,400.00, 12.00 a unit on average.
        self.assertEqual((self.oil.quantity_svl, self.oil.value_svl), (200.0, 2400.0))

    def test_a_delivery_of_each_lot_is_valued_at_that_lots_cost(self):
        to_a = self._deliver(self.customer_a, self.oil, self.oil_1, 30)
        to_b = self._deliver(self.customer_b, self.oil, self.oil_2, 40)
        self.assertEqual(to_a.move_ids.stock_valuation_layer_ids.value, -300.0)
        self.assertEqual(to_b.move_ids.stock_valuation_layer_ids.value, -560.0)
        self.assertEqual(self._valuation_account_balance(to_b), -560.0)
        lots = (self.oil_1 | self.oil_2).with_user(self.valuation_user)
        self.assertEqual(lots.mapped("actual_unit_cost"), [10.0, 14.0])
        self.assertEqual(lots.mapped("actual_value"), [700.0, 840.0])

    def test_a_lot_all_shipped_keeps_the_cost_it_left_at(self):
        self._deliver(self.customer_a, self.oil, self.oil_2, 100)
        lot = self.oil_2.with_user(self.valuation_user)
        self.assertEqual((lot.actual_unit_cost, lot.actual_value), (14.0, 0.0))

    def test_product_without_lot_valuation_shows_the_receipts_valued_cost(self):
        lots = (self.rice_1 | self.rice_2).with_user(self.valuation_user)
        self.assertEqual(lots.mapped("cost_basis"), ["receipt", "receipt"])
        self.assertEqual(lots.mapped("actual_unit_cost"), [10.0, 14.0])
        # FIFO over the product values a delivery of the second lot at the first receipt's
        # cost: the lot still shows what its own receipt was valued at, labelled as such.
        delivery = self._deliver(self.customer_a, self.rice, self.rice_2, 20)
        self.assertEqual(delivery.move_ids.stock_valuation_layer_ids.value, -200.0)
        self.assertEqual(self.rice_2.with_user(self.valuation_user).actual_unit_cost, 14.0)
        self.assertEqual(self.rice_2.with_user(self.valuation_user).actual_value, 30 * 14.0)
        form = self.env["stock.lot"].with_user(self.valuation_user).get_views([(False, "form")])
        arch = form["views"]["form"]["arch"]
        self.assertIn('string="Receipt Unit Cost"', arch)
        self.assertIn('string="Lot Unit Cost"', arch)

    def test_cost_button_opens_the_layers_the_cost_comes_from(self):
        action = self.oil_1.with_user(self.valuation_user).action_view_cost_layers()
        layers = self.env["stock.valuation.layer"].search(action["domain"])
        self.assertEqual(layers.mapped("value"), [1000.0])
        self.assertEqual(layers.lot_id, self.oil_1)
        action = self.rice_2.with_user(self.valuation_user).action_view_cost_layers()
        layers = self.env["stock.valuation.layer"].search(action["domain"])
        self.assertEqual((layers.quantity, layers.value), (50.0, 700.0))
        self.assertEqual(layers.stock_move_id.move_line_ids.lot_id, self.rice_2)

    def test_stock_users_see_costs_only_if_they_may_read_valuation(self):
        stock_user = self.recall_manager  # an Inventory User, and a Recall Manager
        self.assertFalse(self.env["stock.valuation.layer"].with_user(stock_user).has_access("read"))
        self.assertTrue(
            self.env["stock.valuation.layer"].with_user(self.valuation_user).has_access("read")
        )
        for fname in ("actual_unit_cost", "actual_value", "cost_basis"):
            with self.assertRaises(AccessError):
                self.oil_1.with_user(stock_user).read([fname])
        with self.assertRaises(AccessError):
            self.oil_1.with_user(stock_user).action_view_cost_layers()
        # The lot form and list still open for them, without the costs.
        with Form(self.oil_1.with_user(stock_user)) as lot_form:
            lot_form.dye_lot = "D-OIL"
        self.assertEqual(self.oil_1.dye_lot, "D-OIL")
        views = self.env["stock.lot"].with_user(stock_user).get_views([(False, "list")])
        self.assertNotIn("actual_unit_cost", views["views"]["list"]["arch"])
        views = self.env["stock.lot"].with_user(self.valuation_user).get_views([(False, "list")])
        self.assertIn("actual_unit_cost", views["views"]["list"]["arch"])
        self.assertEqual(self.oil_1.with_user(self.valuation_user).actual_unit_cost, 10.0)
