# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io

import lxml.html
from openpyxl import load_workbook

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import LotCostCase


@tagged("post_install", "-at_install")
class TestRecallCost(LotCostCase):
    """What a recall of the second lot (bought at 14.00) costs: 40 units shipped, 60 held."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {"lot_recall_handling_cost_customer": 50.0, "lot_recall_handling_cost_unit": 2.0}
        )
        cls._deliver(cls.customer_a, cls.oil, cls.oil_1, 30)
        cls.to_b = cls._deliver(cls.customer_b, cls.oil, cls.oil_2, 40)

    def setUp(self):
        super().setUp()
        self.recall = self._recall_through_wizard(self.oil_2, user=self.recall_manager)

    def test_exposure_shipped_and_held_at_the_lots_cost(self):
        recall = self.recall.with_user(self.valuation_user)
        self.assertTrue(self.oil_2.quarantined)
        self.assertEqual(recall.exposure_value_shipped, 40 * 14.0)
        self.assertEqual(recall.exposure_value_held, 60 * 14.0)
        self.assertEqual(recall.quantity_held, 60.0)
        # The company's defaults, then the manager's own estimate.
        self.assertEqual(
            (recall.handling_cost_per_customer, recall.handling_cost_per_unit), (50.0, 2.0)
        )
        self.assertEqual(recall.handling_cost_total, 50.0 + (40 + 60) * 2.0)
        self.assertEqual(recall.estimated_total_cost, 560.0 + 840.0 + 250.0)
        self.assertEqual(recall.claimable_from_supplier, 0.0)
        with Form(recall) as recall_form:
            recall_form.handling_cost_per_customer = 80.0
            recall_form.handling_cost_per_unit = 1.5
        self.assertEqual(recall.handling_cost_total, 80.0 + 100 * 1.5)
        self.assertEqual(recall.estimated_total_cost, 560.0 + 840.0 + 230.0)

    def test_handling_cost_defaults_come_from_the_settings(self):
        with Form(self.env["res.config.settings"]) as settings:
            settings.lot_recall_handling_cost_customer = 40.0
            settings.lot_recall_handling_cost_unit = 1.25
        settings.save().execute()
        self.assertEqual(self.company.lot_recall_handling_cost_customer, 40.0)
        self.assertEqual(self.company.lot_recall_handling_cost_unit, 1.25)
        self.recall.with_user(self.recall_manager).action_cancel()
        recall = self._recall_through_wizard(self.oil_2, user=self.recall_manager)
        recall = recall.with_user(self.valuation_user)
        self.assertEqual(
            (recall.handling_cost_per_customer, recall.handling_cost_per_unit), (40.0, 1.25)
        )
        # The recall's own estimate stays as it was set.
        self.assertEqual(self.recall.with_user(self.valuation_user).handling_cost_per_unit, 2.0)

    def test_returns_and_what_customers_report(self):
        self._return(self.to_b, 10)
        self.recall.action_trace()
        recall = self.recall.with_user(self.valuation_user)
        self.assertEqual(recall.exposure_value_shipped, 30 * 14.0)
        # Back in our stock, the returned goods are held (quarantined on arrival).
        self.assertEqual(recall.exposure_value_held, 70 * 14.0)
        notice = self.recall.notice_ids
        self.assertEqual(notice.partner_id, self.customer_b)
        notice._acknowledge(12, "returning", "Twelve cans left, sending them back")
        self.assertEqual(recall.exposure_value_reported_on_hand, 12 * 14.0)
        self.assertEqual(recall.exposure_value_returning, 12 * 14.0)
        notice._acknowledge(5, "destroyed", "Poured away")
        self.assertEqual(recall.exposure_value_reported_on_hand, 5 * 14.0)
        self.assertEqual(recall.exposure_value_returning, 0.0)

    def test_supplier_recall_is_claimable_from_the_supplier(self):
        recall = self.env["lot.recall"].create(
            {
                "reason": "Supplier's recall: rancid oil",
                "lot_ids": [(6, 0, self.oil_1.ids)],
                "supplier_id": self.supplier.id,
                "supplier_recall_ref": "MILL-R-7",
            }
        )
        recall.action_trace()
        recall = recall.with_user(self.valuation_user)
        self.assertEqual(recall.exposure_value_shipped, 30 * 10.0)
        self.assertEqual(recall.exposure_value_held, 70 * 10.0)
        self.assertEqual(recall.estimated_total_cost, 300.0 + 700.0 + 50.0 + 100 * 2.0)
        self.assertEqual(recall.claimable_from_supplier, recall.estimated_total_cost)

    def test_costs_in_the_recall_report_and_spreadsheet(self):
        report = "lot_recall.action_report_recall"
        html = (
            self.env["ir.actions.report"]
            .with_user(self.valuation_user)
            ._render_qweb_html(report, self.recall.ids)[0]
        )
        section = lxml.html.fromstring(html).xpath("//table[@name='cost_exposure']")
        self.assertTrue(section)
        text = " ".join(section[0].text_content().split())
        self.assertIn("Shipped Value", text)
        self.assertIn("560.00", text)
        self.assertIn("1,650.00", text)
        rows = lxml.html.fromstring(html).xpath("//table[@name='cost_lots']/tbody/tr")
        self.assertEqual(
            [[" ".join(td.text_content().split()) for td in row] for row in rows],
            [["OIL-2", "Olive Oil 5 L", "Lot valuation", "$ 14.00", "40.00", "$ 560.00",
              "60.00", "$ 840.00"]],
        )  # fmt: skip
        book = load_workbook(
            io.BytesIO(
                self.env["lot.recall.xlsx"].with_user(self.valuation_user)._recall_xlsx(self.recall)
            )
        )
        cost = [list(row) for row in book["Cost"].iter_rows(values_only=True)]
        self.assertEqual(cost[1], ["OIL-2", "Olive Oil 5 L", "Lot valuation", 14, 40, 560, 60, 840,
                                   "Units"])  # fmt: skip
        summary = dict(
            (row[0], row[1]) for row in book["Cost Summary"].iter_rows(min_row=2, values_only=True)
        )
        self.assertEqual(summary["Estimated Recall Cost"], 1650)
        self.assertEqual(summary["Held Value"], 840)

    def test_recall_managers_without_valuation_see_no_cost(self):
        manager = self.recall_manager
        with self.assertRaises(AccessError):
            self.recall.with_user(manager).read(["exposure_value_shipped"])
        with self.assertRaises(AccessError):
            self.recall.with_user(manager).write({"handling_cost_per_unit": 9.0})
        html = (
            self.env["ir.actions.report"]
            .with_user(manager)
            ._render_qweb_html("lot_recall.action_report_recall", self.recall.ids)[0]
        )
        self.assertFalse(lxml.html.fromstring(html).xpath("//table[@name='cost_exposure']"))
        book = load_workbook(
            io.BytesIO(self.env["lot.recall.xlsx"].with_user(manager)._recall_xlsx(self.recall))
        )
        self.assertNotIn("Cost", book.sheetnames)
        self.assertIn("Shipments", book.sheetnames)
        with Form(self.recall.with_user(manager)) as recall_form:
            recall_form.user_id = manager
        self.assertEqual(self.recall.user_id, manager)
