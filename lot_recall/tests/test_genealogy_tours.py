# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, new_test_user, tagged

from .test_genealogy import GenealogyCase


@tagged("post_install", "-at_install")
class TestGenealogyTours(GenealogyCase, HttpCase):
    """The genealogy graph in a real browser (Chromium): drawn, and a click on a node opens
    its record."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        new_test_user(
            cls.env,
            login="lr_genealogy_user",
            groups="stock.group_stock_user,stock.group_production_lot,lot_recall.group_recall_user",
        )
        cls.one, cls.two = cls.env["res.partner"].create(
            [
                {"name": "Tour Customer One", "is_company": True},
                {"name": "Tour Customer Two", "is_company": True},
            ]
        )
        cls.tour_lot = cls._receive(cls.flour, "TOUR-GEN-1", 50)
        cls._deliver(cls.one, cls.flour, cls.tour_lot, 8)
        cls._deliver(cls.two, cls.flour, cls.tour_lot, 12)

    def test_recall_genealogy_tab(self):
        recall = self.env["lot.recall"].create(
            {"reason": "Allergen not declared", "lot_ids": [(6, 0, self.tour_lot.ids)]}
        )
        recall.action_trace()
        self.start_tour(
            f"/odoo/action-lot_recall.action_lot_recall/{recall.id}",
            "lot_recall_genealogy_tour",
            login="lr_genealogy_user",
        )

    def test_lot_genealogy_button(self):
        self.start_tour(
            f"/odoo/action-stock.action_production_lot_form/{self.tour_lot.id}",
            "lot_recall_genealogy_lot_tour",
            login="lr_genealogy_user",
        )

    def test_500_nodes(self):
        """12 lots received, each delivered to 20 customers of its own: 12 receipts, 12 lots,
        240 deliveries and 240 customers. The tour logs the time to first draw."""
        lots = self.env["stock.lot"]
        customers = self.env["res.partner"].create(
            [{"name": f"Wide Customer {number:03}", "is_company": True} for number in range(240)]
        )
        for index in range(12):
            lot = self._receive(self.flour, f"WIDE-{index:02}", 500)
            self._deliver_batch(
                lot, {customer: 1 + index for customer in customers[20 * index : 20 * index + 20]}
            )
            lots |= lot
        recall = self.env["lot.recall"].create(
            {"reason": "Wide recall", "lot_ids": [(6, 0, lots.ids)]}
        )
        recall.action_trace()
        graph = recall.get_genealogy_graph()
        self.assertEqual(len(graph["nodes"]), 504)
        self.assertFalse([node for node in graph["nodes"] if node["kind"] == "customers"])
        self.start_tour(
            f"/odoo/action-lot_recall.action_lot_recall/{recall.id}",
            "lot_recall_genealogy_500_tour",
            login="lr_genealogy_user",
        )
