# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io

from openpyxl import load_workbook

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ManufacturingCase


@tagged("post_install", "-at_install")
class TestRecallManufacturing(ManufacturingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cake = cls.env["product.product"].create(
            {"name": "Cake", "is_storable": True, "tracking": "lot"}
        )
        cls.bread_bom = cls._bom(cls.bread, cls.flour)
        cls.cake_bom = cls._bom(cls.cake, cls.bread)
        cls.flour_lot = cls._receive(cls.flour, "MF-FLOUR-1", 100)
        cls.clean_flour_lot = cls._receive(cls.flour, "MF-FLOUR-2", 100)

    @classmethod
    def _bom(cls, product, component):
        return cls.env["mrp.bom"].create(
            {
                "product_tmpl_id": product.product_tmpl_id.id,
                "product_qty": 1,
                "bom_line_ids": [(0, 0, {"product_id": component.id, "product_qty": 1})],
            }
        )

    def _produce(self, bom, quantity, component_lot, finished_lot):
        """Manufacture ``quantity`` with the BoM (or, without one, from ``component_lot``'s
        product alone), consuming ``component_lot``, into ``finished_lot`` (a lot, or the
        name of a new one)."""
        product = (bom.product_id or bom.product_tmpl_id.product_variant_id) if bom else None
        return self._manufacture(
            product or finished_lot.product_id,
            [(component_lot, quantity)],
            finished_lot,
            quantity,
            bom=bom,
        )

    def test_component_lot_reaches_customers_of_finished_lot(self):
        production = self._produce(self.bread_bom, 20, self.flour_lot, "MF-BREAD-1")
        bread_lot = production.lot_producing_id
        to_a = self._deliver(self.customer_a, self.bread, bread_lot, 8)
        to_b = self._deliver(self.customer_b, self.bread, bread_lot, 12)
        # Bread made from the clean flour lot goes to C and must not be recalled.
        clean = self._produce(self.bread_bom, 5, self.clean_flour_lot, "MF-BREAD-2")
        self._deliver(self.customer_c, self.bread, clean.lot_producing_id, 5)
        # The raw flour itself also went straight to customer C.
        direct = self._deliver(self.customer_c, self.flour, self.flour_lot, 3)

        recall = self._recall_through_wizard(self.flour_lot)
        self.assertEqual(
            self._lines(recall),
            sorted(
                [
                    ("Alpha Foods", to_a.name, "MF-BREAD-1", 8.0, 0.0),
                    ("Beta Bakery", to_b.name, "MF-BREAD-1", 12.0, 0.0),
                    ("Gamma Grocers", direct.name, "MF-FLOUR-1", 3.0, 0.0),
                ]
            ),
        )
        self.assertEqual(recall.affected_lot_ids, self.flour_lot | bread_lot)
        self.assertEqual(recall.production_ids, production)
        lots = self.env["lot.trace"]._trace(self.flour_lot.ids, self.company.id)["lots"]
        self.assertEqual(
            [(row["lot_id"], row["depth"], row["via_reference"]) for row in lots],
            [(self.flour_lot.id, 0, None), (bread_lot.id, 1, production.name)],
        )

    def test_without_derived_lots_only_direct_deliveries(self):
        production = self._produce(self.bread_bom, 20, self.flour_lot, "MF-BREAD-1")
        self._deliver(self.customer_a, self.bread, production.lot_producing_id, 8)
        direct = self._deliver(self.customer_c, self.flour, self.flour_lot, 3)
        recall = self._recall_through_wizard(self.flour_lot, include_derived=False)
        self.assertEqual(
            self._lines(recall), [("Gamma Grocers", direct.name, "MF-FLOUR-1", 3.0, 0.0)]
        )
        self.assertEqual(recall.affected_lot_ids, self.flour_lot)

    def test_two_levels_of_manufacturing(self):
        bread = self._produce(self.bread_bom, 20, self.flour_lot, "MF-BREAD-1")
        cake = self._produce(self.cake_bom, 10, bread.lot_producing_id, "MF-CAKE-1")
        to_b = self._deliver(self.customer_b, self.cake, cake.lot_producing_id, 4)
        recall = self._recall_through_wizard(self.flour_lot)
        self.assertEqual(self._lines(recall), [("Beta Bakery", to_b.name, "MF-CAKE-1", 4.0, 0.0)])
        lots = self.env["lot.trace"]._trace(self.flour_lot.ids, self.company.id)["lots"]
        self.assertEqual(
            {row["lot_id"]: (row["depth"], row["parent_lot_id"]) for row in lots},
            {
                self.flour_lot.id: (0, None),
                bread.lot_producing_id.id: (1, self.flour_lot.id),
                cake.lot_producing_id.id: (2, bread.lot_producing_id.id),
            },
        )
        self.assertEqual(recall.production_ids, bread | cake)

    def test_unbuild_rework_cycle_terminates(self):
        first = self._produce(self.bread_bom, 10, self.flour_lot, "MF-BREAD-1")
        bread_lot = first.lot_producing_id
        unbuild = self.env["mrp.unbuild"].create(
            {
                "product_id": self.bread.id,
                "bom_id": self.bread_bom.id,
                "mo_id": first.id,
                "lot_id": bread_lot.id,
                "product_qty": 4,
            }
        )
        unbuild.action_unbuild()
        self.assertEqual(self.flour_lot.product_qty, 94.0)
        # Rework without a BoM: unsold bread milled back into the same flour lot, a real
        # cycle flour -> bread -> flour in the consumption links.
        self._produce(None, 2, bread_lot, self.flour_lot)
        rebuilt = self._produce(self.bread_bom, 6, self.flour_lot, "MF-BREAD-3")
        to_a = self._deliver(self.customer_a, self.bread, rebuilt.lot_producing_id, 6)
        for start in (self.flour_lot, bread_lot):
            recall = self._recall_through_wizard(start, is_mock=True)
            self.assertEqual(
                self._lines(recall), [("Alpha Foods", to_a.name, "MF-BREAD-3", 6.0, 0.0)]
            )
            self.assertEqual(
                recall.affected_lot_ids, self.flour_lot | bread_lot | rebuilt.lot_producing_id
            )

    def test_lot_trace_report_and_xlsx_show_manufacturing(self):
        bread = self._produce(self.bread_bom, 20, self.flour_lot, "MF-BREAD-1")
        cake = self._produce(self.cake_bom, 10, bread.lot_producing_id, "MF-CAKE-1")
        to_b = self._deliver(self.customer_b, self.cake, cake.lot_producing_id, 4)
        report = self.env["ir.actions.report"]
        # Downstream from the flour: both MOs, the lots they made, the cake delivery.
        html = str(
            report._render_qweb_html("lot_recall.action_report_lot_trace", self.flour_lot.ids)[0]
        )
        for expected in (
            bread.name,
            cake.name,
            "MF-BREAD-1",
            "MF-CAKE-1",
            to_b.name,
            "Beta Bakery",
        ):
            self.assertIn(expected, html)
        # Upstream from the cake: the bread lot it was made from, through the cake MO, and
        # the flour lot that went into the bread, through the bread MO.
        html = str(
            report._render_qweb_html(
                "lot_recall.action_report_lot_trace", cake.lot_producing_id.ids
            )[0]
        )
        for expected in ("Went Into", "MF-BREAD-1", cake.name, "MF-FLOUR-1", bread.name):
            self.assertIn(expected, html)

        recall = self._recall_through_wizard(self.flour_lot)
        book = load_workbook(io.BytesIO(self.env["lot.recall.xlsx"]._recall_xlsx(recall)))
        self.assertEqual(
            [row[:5] for row in book["Lots"].iter_rows(min_row=2, values_only=True)],
            [
                ("MF-FLOUR-1", "Flour 25 kg", 0, None, None),
                ("MF-BREAD-1", "Bread Mix", 1, "MF-FLOUR-1", bread.name),
                ("MF-CAKE-1", "Cake", 2, "MF-BREAD-1", cake.name),
            ],
        )

    def test_manufacturing_order_cannot_consume_a_recalled_lot(self):
        recall = self._recall_through_wizard(self.flour_lot)
        self.assertTrue(self.flour_lot.quarantined)
        with self.assertRaisesRegex(UserError, recall.name):
            self._produce(self.bread_bom, 10, self.flour_lot, "MF-BREAD-BLOCKED")
        # Other flour still makes bread.
        self._produce(self.bread_bom, 10, self.clean_flour_lot, "MF-BREAD-CLEAN")

    def test_quarantined_lot_of_a_closed_recall_is_not_consumed(self):
        recall = self._recall_through_wizard(self.flour_lot)
        recall.with_user(self.recall_manager)._close("Drill over")
        self.assertFalse(self.flour_lot.is_recalled)
        self.assertTrue(self.flour_lot.quarantined)
        with self.assertRaisesRegex(UserError, "quarantined"):
            self._produce(self.bread_bom, 5, self.flour_lot, "MF-BREAD-Q")

    def test_unbuild_of_a_recalled_finished_lot_is_allowed_and_logged(self):
        production = self._produce(self.bread_bom, 20, self.flour_lot, "MF-BREAD-UB")
        bread_lot = production.lot_producing_id
        recall = self._recall_through_wizard(self.flour_lot, quarantine=False)
        self.assertTrue(bread_lot.is_recalled)
        unbuild = self.env["mrp.unbuild"].create(
            {
                "product_id": self.bread.id,
                "bom_id": self.bread_bom.id,
                "product_qty": 5,
                "lot_id": bread_lot.id,
                "mo_id": production.id,
            }
        )
        unbuild.action_unbuild()
        self.assertEqual(unbuild.state, "done")
        logged = " ".join(recall.message_ids.mapped("body"))
        self.assertIn("Lot MF-BREAD-UB: 5.0", logged)
        # The flour taken back out of the bread is a recalled lot back in stock: quarantined.
        self.assertIn("Lot MF-FLOUR-1: 5.0", logged)
        self.assertTrue(self.flour_lot.quarantined)
