# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import LotCostCase


@tagged("post_install", "-at_install")
class TestDestroyQuarantined(LotCostCase):
    """Destroy Quarantined Stock: a recall of the second lot (bought at 14.00) scraps the 60
    units it quarantined, valued at 14.00, and leaves the first lot alone."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._deliver(cls.customer_a, cls.oil, cls.oil_1, 30)
        cls._deliver(cls.customer_b, cls.oil, cls.oil_2, 40)

    def setUp(self):
        super().setUp()
        self.recall = self._recall_through_wizard(self.oil_2, user=self.recall_manager)
        self.assertTrue(self.oil_2.quarantined)

    def _open_confirmation(self, user):
        """Destroy Quarantined Stock, from the Actions menu of the recall's form."""
        action = (
            self.env.ref("lot_recall_account.action_server_destroy_quarantined")
            .with_user(user)
            .with_context(
                active_model="lot.recall", active_id=self.recall.id, active_ids=self.recall.ids
            )
            .run()
        )
        self.assertEqual(action["target"], "new")
        return self.env[action["res_model"]].with_user(user).browse(action["res_id"])

    def _receive_return(self):
        """Customer B returns 5 units of the recalled lot: quarantined on arrival."""
        picking = self._picking(
            self.warehouse.in_type_id,
            self.customer_b,
            [(self.oil, 5)],
            location=self.customer_location,
            location_dest=self.stock_location,
        )
        self._set_lot(picking, self.oil_2, 5)
        picking.button_validate()
        return picking

    def test_confirmation_shows_quantities_and_value_then_scraps_at_the_lots_cost(self):
        oil_1_layers = self.oil_1.stock_valuation_layer_ids
        wizard = self._open_confirmation(self.valuation_user)
        self.assertEqual(
            [(line.lot_id, line.location_id, line.quantity) for line in wizard.line_ids],
            [(self.oil_2, self.stock_location, 60.0)],
        )
        self.assertEqual(wizard.line_ids.unit_cost, 14.0)
        self.assertEqual(wizard.total_value, 840.0)
        self.assertTrue(wizard.scrap_location_id.scrap_location)
        wizard.action_confirm()

        scrap = self.env["stock.scrap"].search([("origin", "=", self.recall.name)])
        self.assertEqual(len(scrap), 1)
        self.assertEqual(
            (scrap.state, scrap.lot_id, scrap.scrap_qty, scrap.location_id),
            ("done", self.oil_2, 60.0, self.stock_location),
        )
        layer = scrap.move_ids.stock_valuation_layer_ids
        self.assertEqual((layer.lot_id, layer.quantity, layer.value), (self.oil_2, -60.0, -840.0))
        valuation_account = self.category.property_stock_valuation_account_id
        entry = layer.account_move_id
        self.assertEqual(entry.state, "posted")
        self.assertEqual(
            sum(
                entry.line_ids.filtered(lambda line: line.account_id == valuation_account).mapped(
                    "balance"
                )
            ),
            -840.0,
        )
        self.assertEqual(self._held(self.oil_2), 0.0)
        self.assertEqual(self.oil_2.with_user(self.valuation_user).actual_value, 0.0)
        # The first lot is untouched: its stock, its layers and its cost.
        self.assertEqual(self._held(self.oil_1), 70.0)
        self.assertEqual(self.oil_1.stock_valuation_layer_ids, oil_1_layers)
        self.assertEqual(self.oil_1.with_user(self.valuation_user).actual_value, 700.0)
        self.assertFalse(self.oil_1.quarantined)
        # Logged on the recall.
        log = self.recall.message_ids[:1]
        self.assertIn("Quarantined stock destroyed", log.body)
        self.assertIn(scrap.name, log.body)
        self.assertIn("OIL-2", log.body)
        # Nothing quarantined is left to destroy.
        with self.assertRaisesRegex(UserError, "no quarantined stock"):
            self.recall.with_user(self.valuation_user).action_destroy_quarantined()

    def test_recall_managers_destroy_seeing_quantities_only(self):
        wizard = self._open_confirmation(self.recall_manager)
        with Form(wizard) as confirmation:
            self.assertEqual(len(confirmation.line_ids), 1)
        with self.assertRaises(AccessError):
            wizard.read(["total_value"])
        wizard.action_confirm()
        self.assertEqual(self._held(self.oil_2), 0.0)

    def test_only_recall_managers_destroy(self):
        with self.assertRaises(AccessError):
            self._open_confirmation(self.recall_user)
        with self.assertRaises(AccessError):
            self.recall.with_user(self.recall_user).action_destroy_quarantined()
        wizard = self._open_confirmation(self.recall_manager)
        expected = {line.quant_id.id: line.quantity for line in wizard.line_ids}
        with self.assertRaises(AccessError):
            self.recall.with_user(self.recall_user)._destroy_quarantined(expected)
        self.assertEqual(self._held(self.oil_2), 60.0)

    def test_stock_changed_since_the_confirmation_is_refused(self):
        wizard = self._open_confirmation(self.recall_manager)
        self._receive_return()
        with self.assertRaisesRegex(UserError, "changed since you opened the confirmation"):
            wizard.action_confirm()
        self.assertEqual(self._held(self.oil_2), 65.0)

    def test_mock_recalls_never_destroy(self):
        self.recall.with_user(self.recall_manager).action_cancel()
        self.oil_1._quarantine("QA hold before the drill")
        drill = self._recall_through_wizard(self.oil_1, user=self.recall_manager, is_mock=True)
        self.assertTrue(drill.is_mock)
        with self.assertRaisesRegex(UserError, "mock recall"):
            drill.with_user(self.recall_manager).action_destroy_quarantined()
        with self.assertRaisesRegex(UserError, "mock recall"):
            drill.with_user(self.recall_manager)._destroy_quarantined({})
        self.assertEqual(self._held(self.oil_1), 70.0)
