# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import io

from openpyxl import load_workbook

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import LotCostCase


@tagged("post_install", "-at_install")
class TestLotMargin(LotCostCase):
    """Lot margins: a sale order of 30 cans at 25.00 delivered from both olive oil lots
    (10 of the first, 20 of the second) and invoiced; rice delivered without a sale order,
    partly returned."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer_b.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.oil.id,
                            "product_uom_qty": 30,
                            "price_unit": 25.0,
                            "tax_id": False,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        delivery = order.picking_ids
        delivery.move_ids.move_line_ids.unlink()
        for lot, quantity in ((cls.oil_1, 10), (cls.oil_2, 20)):
            cls.env["stock.move.line"].create(
                {
                    "move_id": delivery.move_ids.id,
                    "picking_id": delivery.id,
                    "product_id": cls.oil.id,
                    "lot_id": lot.id,
                    "quantity": quantity,
                    "location_id": delivery.location_id.id,
                    "location_dest_id": delivery.location_dest_id.id,
                }
            )
        delivery.move_ids.picked = True
        delivery.button_validate()
        cls.invoice = order._create_invoices()
        cls.invoice.action_post()
        rice_delivery = cls._deliver(cls.customer_a, cls.rice, cls.rice_1, 20)
        cls._return(rice_delivery, 5)

    def _rows(self, user=None):
        report = self.env["lot.margin.report"].with_user(user or self.valuation_user)
        return {
            row.lot_id.name: (
                row.quantity_sold,
                row.cost_basis,
                row.unit_cost,
                row.cost_of_goods,
                row.has_revenue,
                row.revenue,
                row.margin,
                row.margin_percent,
            )
            for row in report.search([("product_id", "in", (self.oil | self.rice).ids)])
        }

    def test_margin_rows_per_lot(self):
        self.assertEqual(self.invoice.amount_untaxed, 750.0)
        self.assertTrue(self.env["lot.margin.report"]._lot_margin_has_revenue())
        self.assertEqual(
            self._rows(),
            {
                # The invoiced 750.00 shared by quantity: 250.00 and 500.00.
                "OIL-1": (10.0, "lot", 10.0, 100.0, True, 250.0, 150.0, 60.0),
                "OIL-2": (20.0, "lot", 14.0, 280.0, True, 500.0, 220.0, 44.0),
                # Not sold through a sale order: no revenue, no margin.
                "RICE-1": (15.0, "receipt", 10.0, 150.0, False, 0.0, 0.0, 0.0),
            },
        )
        groups = self.env["lot.margin.report"]._read_group(
            [("product_id", "in", (self.oil | self.rice).ids)],
            ["product_id"],
            ["quantity_sold:sum", "cost_of_goods:sum", "revenue:sum", "margin:sum"],
        )
        self.assertEqual(
            sorted((product.name, *figures) for product, *figures in groups),
            [("Olive Oil 5 L", 30.0, 380.0, 750.0, 370.0), ("Rice 10 kg", 15.0, 150.0, 0, 0)],
        )

    def test_a_credit_note_lowers_the_revenue(self):
        refund = self.invoice._reverse_moves(
            [{"ref": "Five cans damaged", "invoice_date": self.invoice.invoice_date}]
        )
        refund.invoice_line_ids.quantity = 6
        refund.action_post()
        rows = self._rows()
        # 750.00 - 150.00 = 600.00, shared 1/3 - 2/3.
        self.assertEqual(rows["OIL-1"][5:7], (200.0, 100.0))
        self.assertEqual(rows["OIL-2"][5:7], (400.0, 120.0))

    def test_without_sales_the_revenue_is_omitted(self):
        rows = self.env.execute_query_dict(
            self.env["lot.margin.report"]._lot_margin_query(with_revenue=False)
        )
        rows = {row["lot_id"]: row for row in rows}
        oil_1 = rows[self.oil_1.id]
        self.assertEqual((oil_1["quantity_sold"], oil_1["cost_of_goods"]), (10.0, 100.0))
        self.assertEqual(
            (oil_1["revenue"], oil_1["margin"], oil_1["has_revenue"]), (None, None, False)
        )

    def test_spreadsheet_export(self):
        report = self.env["lot.margin.report"].with_user(self.valuation_user)
        rows = report.search([("product_id", "in", (self.oil | self.rice).ids)])
        action = rows.action_export_xlsx()
        self.assertEqual(action["type"], "ir.actions.act_url")
        export_id = int(action["url"].split("/")[4])
        export = self.env["lot.margin.export"].with_user(self.valuation_user).browse(export_id)
        book = load_workbook(io.BytesIO(base64.b64decode(export.xlsx_file)))
        sheet = [list(row) for row in book["Lot Margins"].iter_rows(values_only=True)]
        self.assertEqual(
            sheet[0],
            ["Lot", "Product", "Company", "Last Delivery", "Quantity Sold", "Unit", "Cost Basis",
             "Lot Unit Cost", "Cost of Goods Sold", "Revenue", "Margin", "Margin (%)",
             "Currency"],
        )  # fmt: skip
        company, currency = self.company.name, self.company.currency_id.name
        self.assertEqual(
            [row[:3] + row[4:] for row in sheet[1:]],
            [
                ["OIL-1", "Olive Oil 5 L", company, 10, "Units", "Lot valuation", 10, 100, 250,
                 150, 60, currency],
                ["OIL-2", "Olive Oil 5 L", company, 20, "Units", "Lot valuation", 14, 280, 500,
                 220, 44, currency],
                ["RICE-1", "Rice 10 kg", company, 15, "Units", "Receipt valuation", 10, 150, None,
                 None, None, currency],
            ],
        )  # fmt: skip
        # Only its creator downloads it.
        with self.assertRaises(AccessError):
            export.with_user(self.env.ref("base.user_admin")).read(["xlsx_file"])

    def test_only_those_who_may_read_valuation_see_margins(self):
        with self.assertRaises(AccessError):
            self._rows(user=self.recall_manager)
        menu = self.env.ref("lot_recall_account.menu_lot_margin_report")
        visible = self.env["ir.ui.menu"].with_user(self.recall_manager)._visible_menu_ids()
        self.assertNotIn(menu.id, visible)
        visible = self.env["ir.ui.menu"].with_user(self.valuation_user)._visible_menu_ids()
        self.assertIn(menu.id, visible)
