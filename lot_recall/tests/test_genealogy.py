# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
import xml.etree.ElementTree as ET
from itertools import pairwise

from pypdf import PdfReader

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from ..models.lot_genealogy import CUSTOMERS_PER_LOT
from ..reports.report_genealogy_svg import render_svg
from .common import LotRecallCase, jsonrpc_execute_kw

SVG = "{http://www.w3.org/2000/svg}"


class GenealogyCase(LotRecallCase):
    """A lot received from a supplier and delivered to three customers (one of them twice),
    recalled through the wizard (its stock quarantined)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lot = cls._receive(cls.flour, "GEN-0001", 100, supplier_lot_ref="MILL-G1")
        cls.receipt = (
            cls.env["stock.move.line"]
            .search([("lot_id", "=", cls.lot.id), ("location_id", "=", cls.supplier_location.id)])
            .picking_id
        )
        cls.to_a = cls._deliver(cls.customer_a, cls.flour, cls.lot, 10)
        cls.to_b = cls._deliver(cls.customer_b, cls.flour, cls.lot, 20)
        cls.to_b_again = cls._deliver(cls.customer_b, cls.flour, cls.lot, 5)
        cls.to_c = cls._deliver(cls.customer_c, cls.flour, cls.lot, 30)

    @classmethod
    def _deliver_batch(cls, lot, quantities):
        """One delivery of ``lot`` to each customer of ``quantities`` ({partner: quantity}),
        validated all at once."""
        out_type = cls.warehouse.out_type_id
        pickings = cls.env["stock.picking"].create(
            [
                {
                    "picking_type_id": out_type.id,
                    "partner_id": partner.id,
                    "location_id": cls.stock_location.id,
                    "location_dest_id": cls.customer_location.id,
                    "move_ids": [
                        (
                            0,
                            0,
                            {
                                "name": lot.product_id.name,
                                "product_id": lot.product_id.id,
                                "product_uom_qty": quantity,
                                "product_uom": lot.product_id.uom_id.id,
                                "location_id": cls.stock_location.id,
                                "location_dest_id": cls.customer_location.id,
                            },
                        )
                    ],
                }
                for partner, quantity in quantities.items()
            ]
        )
        pickings.action_confirm()
        for picking, quantity in zip(pickings, quantities.values(), strict=True):
            cls._set_lot(picking, lot, quantity)
        pickings.button_validate()
        return pickings

    @staticmethod
    def _by_id(graph):
        return {node["id"]: node for node in graph["nodes"]}

    @staticmethod
    def _edges(graph):
        return {(edge["source"], edge["target"]): edge for edge in graph["edges"]}


class TestGenealogyGraph(GenealogyCase):
    def test_recall_graph_from_its_rows(self):
        recall = self._recall_through_wizard(self.lot)
        self.assertTrue(self.lot.quarantined)
        graph = recall.with_user(self.recall_user).get_genealogy_graph()
        nodes = self._by_id(graph)
        lot_node = nodes[f"lot_{self.lot.id}"]
        self.assertEqual(
            (lot_node["kind"], lot_node["label"], lot_node["sublabel"], lot_node["quarantined"]),
            ("lot", "GEN-0001", "Flour 25 kg", True),
        )
        self.assertEqual((lot_node["model"], lot_node["res_id"]), ("stock.lot", self.lot.id))
        receipt = nodes[f"receipt_{self.receipt.id}"]
        self.assertEqual(
            (receipt["kind"], receipt["label"], receipt["sublabel"], receipt["model"]),
            ("receipt", self.receipt.name, "Mill Supplies Ltd", "stock.picking"),
        )
        deliveries = self.to_a | self.to_b | self.to_b_again | self.to_c
        self.assertEqual(
            {node["res_id"] for node in nodes.values() if node["kind"] == "delivery"},
            set(deliveries.ids),
        )
        self.assertEqual(
            {node["label"] for node in nodes.values() if node["kind"] == "customer"},
            {"Alpha Foods", "Beta Bakery", "Gamma Grocers"},
        )
        self.assertEqual(len(graph["nodes"]), 1 + 1 + 4 + 3)
        # Columns: suppliers | recalled lots | deliveries | customers.
        self.assertEqual(
            {node["kind"]: node["column"] for node in graph["nodes"]},
            {"receipt": 0, "lot": 1, "delivery": 2, "customer": 3},
        )
        edges = self._edges(graph)
        self.assertEqual(len(edges), 1 + 4 + 4)
        receipt_edge = edges[(receipt["id"], lot_node["id"])]
        self.assertEqual((receipt_edge["quantity"], receipt_edge["label"]), (100.0, "100.00 Units"))
        self.assertTrue(receipt_edge["lineage"])
        for picking, quantity in ((self.to_a, 10), (self.to_b, 20), (self.to_b_again, 5)):
            edge = edges[(lot_node["id"], f"delivery_{picking.id}")]
            self.assertEqual((edge["quantity"], edge["label"]), (quantity, f"{quantity}.00 Units"))
        self.assertIn((f"delivery_{self.to_b_again.id}", f"customer_{self.customer_b.id}"), edges)
        self.assertEqual(
            [(kind["kind"], kind["label"], kind["count"]) for kind in graph["kinds"]],
            [
                ("receipt", "Supplier Receipt", 1),
                ("lot", "Recalled Lot", 1),
                ("delivery", "Delivery", 4),
                ("customer", "Customer", 3),
            ],
        )
        self.assertEqual(graph["title"], recall.name)

    def test_recall_graph_reads_the_stored_rows_not_the_engine(self):
        """A delivery made after the trace shows only once the recall is traced again (a
        drill: a real recall would refuse the delivery)."""
        second = self._receive(self.flour, "GEN-0002", 40)
        recall = self._recall_through_wizard(second, is_mock=True)
        self.assertEqual(
            {n["kind"] for n in recall.get_genealogy_graph()["nodes"]}, {"receipt", "lot"}
        )
        later = self._deliver(self.customer_a, self.flour, second, 4)
        self.assertNotIn(f"delivery_{later.id}", self._by_id(recall.get_genealogy_graph()))
        recall.action_trace()
        self.assertIn(f"delivery_{later.id}", self._by_id(recall.get_genealogy_graph()))

    def test_customers_beyond_the_limit_are_one_node(self):
        lot = self._receive(self.flour, "GEN-WIDE", 1000)
        customers = self.env["res.partner"].create(
            [{"name": f"Shop {number:02}", "is_company": True} for number in range(23)]
        )
        # Shop 00 gets 1, Shop 22 gets 23: the three smallest are collapsed.
        self._deliver_batch(lot, {customer: n + 1 for n, customer in enumerate(customers)})
        recall = self._recall_through_wizard(lot, quarantine=False)
        graph = recall.get_genealogy_graph()
        nodes = self._by_id(graph)
        shown = {node["label"] for node in nodes.values() if node["kind"] == "customer"}
        self.assertEqual(len(shown), CUSTOMERS_PER_LOT)
        self.assertEqual(shown, {f"Shop {number:02}" for number in range(3, 23)})
        collapsed = nodes[f"customers_{lot.id}"]
        self.assertEqual(
            (collapsed["kind"], collapsed["count"], collapsed["label"], collapsed["sublabel"]),
            ("customers", 3, "3 more customers", "3 deliveries"),
        )
        self.assertEqual(
            (collapsed["model"], collapsed["res_ids"]), ("res.partner", customers[:3].ids)
        )
        self.assertEqual(
            self._edges(graph)[(f"lot_{lot.id}", collapsed["id"])]["quantity"], 1 + 2 + 3
        )
        # The collapsed customers' deliveries are not drawn either.
        self.assertEqual(len([n for n in graph["nodes"] if n["kind"] == "delivery"]), 20)

    def test_lot_graph_runs_the_engine_after_the_access_check(self):
        graph = self.lot.with_user(self.recall_user).get_genealogy_graph()
        recall = self._recall_through_wizard(self.lot, quarantine=False)
        recall_graph = recall.get_genealogy_graph()

        def shape(graph):
            return (
                [(n["id"], n["kind"], n["label"], n["column"]) for n in graph["nodes"]],
                [(e["id"], e["quantity"], e["label"]) for e in graph["edges"]],
            )

        self.assertEqual(shape(graph), shape(recall_graph))
        self.assertEqual(graph["kinds"][1]["label"], "Traced Lot")
        stock_user = new_test_user(self.env, login="lr_gen_stock", groups="stock.group_stock_user")
        self.assertEqual(
            len(self.lot.with_user(stock_user).get_genealogy_graph()["nodes"]), len(graph["nodes"])
        )
        internal = new_test_user(self.env, login="lr_gen_internal", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.lot.with_user(internal).get_genealogy_graph()
        with self.assertRaises(AccessError):
            recall.with_user(stock_user).get_genealogy_graph()

    def test_svg_of_the_graph(self):
        recall = self._recall_through_wizard(self.lot)
        graph = recall.get_genealogy_graph()
        svg = render_svg(graph, labels={"quarantined": "Quarantined lot"})
        root = ET.fromstring(str(svg))
        nodes = root.findall(f"{SVG}g[@class='o_node']")
        self.assertEqual(len(nodes), len(graph["nodes"]))
        self.assertEqual(len(root.findall(f"{SVG}path[@class='o_edge']")), len(graph["edges"]))
        texts = [text.text for text in root.iter(f"{SVG}text")]
        for label in ("GEN-0001", self.receipt.name, self.to_c.name, "Gamma Grocers"):
            self.assertIn(label, texts)
        self.assertIn("30.00 Units", texts)
        self.assertIn("Quarantined lot", texts)
        # Each kind in its own column, left to right.
        x_of = {node.get("data-kind"): float(node.find(f"{SVG}rect").get("x")) for node in nodes}
        self.assertLess(x_of["receipt"], x_of["lot"])
        self.assertLess(x_of["lot"], x_of["delivery"])
        self.assertLess(x_of["delivery"], x_of["customer"])
        # No two nodes of a column overlap.
        boxes = sorted(
            (float(rect.get("x")), float(rect.get("y")))
            for rect in (node.find(f"{SVG}rect") for node in nodes)
        )
        for (x1, y1), (x2, y2) in pairwise(boxes):
            if x1 == x2:
                self.assertGreaterEqual(y2 - y1, 30)

    def test_svg_escapes_names(self):
        self.customer_c.name = "Gamma <Grocers> & Sons"
        recall = self._recall_through_wizard(self.lot, quarantine=False)
        root = ET.fromstring(str(render_svg(recall.get_genealogy_graph())))
        self.assertIn("Gamma <Grocers> & Sons", [t.text for t in root.iter(f"{SVG}text")])


@tagged("post_install", "-at_install")
class TestGenealogyHttp(GenealogyCase, HttpCase):
    """Over HTTP: who may read the graph (JSON-RPC, as a browser and as an external client),
    and the recall report PDF with the graph drawn in it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.recall = cls.env["lot.recall"].create(
            {"reason": "Mould found", "lot_ids": [(6, 0, cls.lot.ids)]}
        )
        cls.recall.action_trace()
        cls.recall.action_quarantine()
        cls.users = {
            "portal": new_test_user(cls.env, login="lr_gen_portal", groups="base.group_portal"),
            "internal": new_test_user(cls.env, login="lr_gen_int", groups="base.group_user"),
            "stock_user": new_test_user(
                cls.env, login="lr_gen_stock_user", groups="stock.group_stock_user"
            ),
            "recall_user": cls.recall_user,
        }

    def test_graph_access_over_rpc(self):
        # (model, id): roles allowed; everyone else gets an AccessError.
        expected = {
            ("lot.recall", self.recall.id): {"recall_user"},
            ("stock.lot", self.lot.id): {"recall_user", "stock_user"},
        }
        for role, user in self.users.items():
            self.authenticate(user.login, user.login)
            for (model, res_id), allowed in expected.items():
                with self.subTest(role=role, model=model, door="call_kw"):
                    try:
                        graph = self.make_jsonrpc_request(
                            "/web/dataset/call_kw",
                            {
                                "model": model,
                                "method": "get_genealogy_graph",
                                "args": [[res_id]],
                                "kwargs": {},
                            },
                        )
                    except JsonRpcException as error:
                        self.assertNotIn(role, allowed)
                        self.assertEqual(str(error), "odoo.exceptions.AccessError")
                    else:
                        self.assertIn(role, allowed)
                        self.assertIn(f"lot_{self.lot.id}", self._by_id(graph))
                with self.subTest(role=role, model=model, door="jsonrpc"):
                    answer = jsonrpc_execute_kw(
                        self, user.id, user.login, model, "get_genealogy_graph", [[res_id]]
                    )
                    if role in allowed:
                        self.assertEqual(len(answer["result"]["nodes"]), 9)
                    else:
                        self.assertEqual(
                            answer["error"]["data"]["name"], "odoo.exceptions.AccessError"
                        )
        self.authenticate(None, None)
        with self.assertRaises(JsonRpcException):
            self.make_jsonrpc_request(
                "/web/dataset/call_kw",
                {
                    "model": "stock.lot",
                    "method": "get_genealogy_graph",
                    "args": [[self.lot.id]],
                    "kwargs": {},
                },
            )

    def test_recall_pdf_draws_the_graph(self):
        content, report_format = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("lot_recall.action_report_recall", self.recall.ids)
        )
        self.assertEqual(report_format, "pdf")
        text = " ".join(
            "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split()
        )
        self.assertIn("Genealogy", text)
        for label in (
            "Supplier Receipt (1)",
            "Recalled Lot (1)",
            "Delivery (4)",
            "Customer (3)",
            "Quarantined lot",
            self.receipt.name,
            "Mill Supplies Ltd",
            "30.00 Units",
            self.to_b_again.name,
        ):
            self.assertIn(label, text)
