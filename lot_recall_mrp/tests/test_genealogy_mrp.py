# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import ManufacturingCase


@tagged("post_install", "-at_install")
class TestGenealogyManufacturing(ManufacturingCase):
    """The genealogy graph through real manufacturing orders: each order one node between
    the lots it consumed and the lots it made, with the quantities of both."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sugar = cls.env["product.product"].create(
            {"name": "Sugar 10 kg", "is_storable": True, "tracking": "lot"}
        )
        cls.sugar_co = cls.env["res.partner"].create({"name": "Sugar Co", "is_company": True})
        cls.flour_lot = cls._receive(cls.flour, "GM-FLOUR-1", 500)
        cls.sugar_lot = cls._receive(cls.sugar, "GM-SUGAR-1", 200, partner=cls.sugar_co)
        cls.mo_1 = cls._manufacture(
            cls.bread, [(cls.flour_lot, 100), (cls.sugar_lot, 20)], "GM-BREAD-1", 50
        )
        cls.mo_2 = cls._manufacture(cls.bread, [(cls.flour_lot, 60)], "GM-BREAD-2", 30)
        cls.bread_1 = cls.mo_1.lot_producing_id
        cls.to_a = cls._deliver(cls.customer_a, cls.bread, cls.bread_1, 10)

    def _graph(self, lots):
        recall = self.env["lot.recall"].create(
            {"reason": "Mould", "lot_ids": [(6, 0, lots.ids)], "is_mock": True}
        )
        recall.action_trace()
        graph = recall.with_user(self.recall_user).get_genealogy_graph()
        nodes = {node["id"]: node for node in graph["nodes"]}
        edges = {(edge["source"], edge["target"]): edge for edge in graph["edges"]}
        return graph, nodes, edges

    def test_orders_between_lots(self):
        graph, nodes, edges = self._graph(self.flour_lot)
        flour, bread_1 = f"lot_{self.flour_lot.id}", f"lot_{self.bread_1.id}"
        bread_2 = f"lot_{self.mo_2.lot_producing_id.id}"
        mo_1, mo_2 = f"mrp_production_{self.mo_1.id}", f"mrp_production_{self.mo_2.id}"
        # A Recall User who is not a manufacturing user sees the orders' names.
        self.assertFalse(self.recall_user.has_group("mrp.group_mrp_user"))
        self.assertEqual(
            (nodes[mo_1]["kind"], nodes[mo_1]["label"], nodes[mo_1]["model"]),
            ("production", self.mo_1.name, "mrp.production"),
        )
        self.assertEqual(nodes[mo_1]["res_id"], self.mo_1.id)
        self.assertEqual(
            {node_id: nodes[node_id]["column"] for node_id in (flour, mo_1, bread_1)},
            {flour: 1, mo_1: 2, bread_1: 3},
        )
        self.assertEqual(nodes[bread_1]["kind"], "derived_lot")
        for pair, quantity in (
            ((flour, mo_1), 100),
            ((mo_1, bread_1), 50),
            ((flour, mo_2), 60),
            ((mo_2, bread_2), 30),
            ((bread_1, f"delivery_{self.to_a.id}"), 10),
        ):
            self.assertEqual(edges[pair]["quantity"], quantity, pair)
        self.assertEqual(nodes[f"delivery_{self.to_a.id}"]["column"], 4)
        self.assertEqual(nodes[f"customer_{self.customer_a.id}"]["column"], 5)
        # The sugar is another input of the bread: its receipt goes to the bread lot, named
        # on a dashed (not recalled lineage) edge.
        sugar_receipt = next(node for node in graph["nodes"] if node["sublabel"] == "Sugar Co")
        sugar_edge = edges[(sugar_receipt["id"], bread_1)]
        self.assertEqual(
            (sugar_edge["label"], sugar_edge["lineage"]), ("GM-SUGAR-1 · 200.00 Units", False)
        )
        self.assertNotIn(f"lot_{self.sugar_lot.id}", nodes)

    def test_order_of_two_recalled_lots(self):
        """Both lots an order consumed are recalled: both go into its node, though the bread
        lot's stored parent is only one of them."""
        _graph, nodes, edges = self._graph(self.flour_lot | self.sugar_lot)
        mo_1 = f"mrp_production_{self.mo_1.id}"
        self.assertEqual(edges[(f"lot_{self.flour_lot.id}", mo_1)]["quantity"], 100)
        self.assertEqual(edges[(f"lot_{self.sugar_lot.id}", mo_1)]["quantity"], 20)
        self.assertEqual(nodes[f"lot_{self.sugar_lot.id}"]["kind"], "lot")
        self.assertEqual(
            [target for source, target in edges if source == mo_1],
            [f"lot_{self.bread_1.id}"],
        )
