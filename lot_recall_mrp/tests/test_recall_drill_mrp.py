# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
from datetime import datetime, timedelta

from freezegun import freeze_time
from pypdf import PdfReader

from odoo.tests import Form, HttpCase, tagged

from .common import ManufacturingCase

START = datetime(2026, 5, 4, 9, 0)


@tagged("post_install", "-at_install")
class TestRecallDrillManufacturing(ManufacturingCase, HttpCase):
    """A drill of a flour lot made into bread by two manufacturing orders, one of which used
    more flour than its bill of materials says. HttpCase: the drill report is printed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bom = cls.env["mrp.bom"].create(
            {
                "product_tmpl_id": cls.bread.product_tmpl_id.id,
                "product_qty": 1,
                "consumption": "flexible",
                "bom_line_ids": [(0, 0, {"product_id": cls.flour.id, "product_qty": 3})],
            }
        )
        cls.flour_lot = cls._receive(cls.flour, "DM-FLOUR-1", 100)
        cls.over = cls._bake(10, 33, "DM-BREAD-1")
        cls.exact = cls._bake(5, 15, "DM-BREAD-2")
        cls._deliver(cls.customer_a, cls.bread, cls.over.lot_producing_id, 6)
        cls._deliver(cls.customer_b, cls.flour, cls.flour_lot, 20)

    @classmethod
    def _bake(cls, quantity, flour_quantity, lot_name):
        """A done manufacturing order of ``quantity`` bread with the bill of materials that
        consumed ``flour_quantity`` of the flour lot, whatever the bill says."""
        mo_form = Form(cls.env["mrp.production"])
        mo_form.product_id = cls.bread
        mo_form.bom_id = cls.bom
        mo_form.product_qty = quantity
        production = mo_form.save()
        production.action_confirm()
        mo_form = Form(production)
        mo_form.qty_producing = quantity
        mo_form.lot_producing_id = cls.env["stock.lot"].create(
            {"name": lot_name, "product_id": cls.bread.id}
        )
        production = mo_form.save()
        raw = production.move_raw_ids
        raw.move_line_ids.unlink()
        cls.env["stock.move.line"].create(
            {
                "move_id": raw.id,
                "product_id": cls.flour.id,
                "lot_id": cls.flour_lot.id,
                "quantity": flour_quantity,
                "location_id": raw.location_id.id,
                "location_dest_id": raw.location_dest_id.id,
            }
        )
        raw.picked = True
        production.button_mark_done()
        assert production.state == "done", production.state
        return production

    def _drill(self):
        return self._recall_through_wizard(self.flour_lot, is_mock=True)

    def test_balance_of_input_and_derived_lots(self):
        drill = self._drill()
        rows = {row.lot_id.name: row for row in drill.balance_ids}
        self.assertRecordValues(
            rows["DM-FLOUR-1"],
            [
                {
                    "depth": 0,
                    "in_quantity": 100,
                    "shipped_quantity": 20,
                    "consumed_quantity": 48,
                    "on_hand_quantity": 32,
                    "unaccounted_quantity": 0,
                    "accounted_percent": 100,
                }
            ],
        )
        self.assertRecordValues(
            rows["DM-BREAD-1"],
            [
                {
                    "depth": 1,
                    "produced_quantity": 10,
                    "in_quantity": 10,
                    "shipped_quantity": 6,
                    "on_hand_quantity": 4,
                    "accounted_percent": 100,
                }
            ],
        )
        self.assertEqual(rows["DM-BREAD-2"].in_quantity, 5)
        # The totals are of the recalled flour only: the bread is what the flour became.
        [total] = drill.balance_ids._totals()
        self.assertEqual(total["in_quantity"], 100)
        self.assertEqual(total["consumed_quantity"], 48)
        self.assertEqual(drill.accounted_percent, 100)

    def test_yield_per_order_frozen_at_reconciled(self):
        with freeze_time(START):
            drill = self._drill()
        self.assertRecordValues(
            drill.yield_ids.sorted(lambda row: row.production_id.id),
            [
                {
                    "production_id": self.over.id,
                    "product_id": self.flour.id,
                    "expected_quantity": 30,
                    "consumed_quantity": 33,
                    "variance_quantity": 3,
                    "variance_percent": 10,
                },
                {
                    "production_id": self.exact.id,
                    "product_id": self.flour.id,
                    "expected_quantity": 15,
                    "consumed_quantity": 15,
                    "variance_quantity": 0,
                    "variance_percent": 0,
                },
            ],
        )
        with freeze_time(START + timedelta(hours=1)):
            drill.with_user(self.recall_user).action_reconcile()
        self.assertEqual(drill.drill_result, "passed")
        # More bread from the flour after the drill: its yield rows stay as they were.
        self._bake(1, 3, "DM-BREAD-3")
        drill.invalidate_recordset()
        self.assertEqual(drill.yield_ids.production_id, self.over | self.exact)
        self.assertEqual(sum(drill.balance_ids.mapped("consumed_quantity")), 48)

        self.env.user.tz = "UTC"
        content, _format = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("lot_recall.action_report_recall_drill", drill.ids)
        )
        text = " ".join(
            "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split()
        )
        self.assertIn("Manufacturing Yield", text)
        self.assertIn(f"{self.over.name} Flour 25 kg 30.00 33.00 3.00 10.00 %", text)
        self.assertIn(f"{self.exact.name} Flour 25 kg 15.00 15.00 0.00 0.00 %", text)
        self.assertIn("PASSED", text)
