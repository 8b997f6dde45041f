# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import subprocess

import lxml.html

from odoo.tests import HttpCase, tagged

from ..reports.report_lot_trace import LONG_LIST
from .common import LotRecallCase


@tagged("post_install", "-at_install")
class TestLotTraceReportLongLists(LotRecallCase, HttpCase):
    """A lot shipped in more move lines than ``LONG_LIST``: the lot trace lists its deliveries
    as lines of text (what wkhtmltopdf lays out fast), every one of them.

    HttpCase: wkhtmltopdf fetches the report assets from the test server."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.tz = "UTC"
        cls.lot = cls._receive(cls.flour, "LONG-0001", 500, supplier_lot_ref="MILL-LONG")
        cls.count = LONG_LIST + 1
        cls.delivery = cls._picking(
            cls.warehouse.out_type_id,
            cls.customer_a,
            [(cls.flour, cls.count)],
            location=cls.stock_location,
            location_dest=cls.customer_location,
        )
        move = cls.delivery.move_ids
        move.move_line_ids.unlink()
        cls.env["stock.move.line"].create(
            [
                {
                    "move_id": move.id,
                    "picking_id": cls.delivery.id,
                    "product_id": cls.flour.id,
                    "lot_id": cls.lot.id,
                    "quantity": 1,
                    "location_id": cls.stock_location.id,
                    "location_dest_id": cls.customer_location.id,
                }
                for _line in range(cls.count)
            ]
        )
        move.picked = True
        cls.delivery.button_validate()

    def test_every_delivery_is_a_line(self):
        reports = self.env["ir.actions.report"]
        html = reports._render_qweb_html("lot_recall.action_report_lot_trace", self.lot.ids)[0]
        document = lxml.html.fromstring(html)
        self.assertFalse(document.xpath("//table[@name='deliveries']"))
        [lines] = document.xpath("//div[@name='deliveries']")
        day = self.delivery.move_line_ids[:1].date.strftime("%m/%d/%Y")
        expected = f"Alpha Foods · {self.delivery.name} · {day} · LONG-0001 · 1.00 Units · 0.00"
        self.assertEqual(
            [" ".join(line.text_content().split()) for line in lines],
            ["Customer · Delivery · Date · Lot · Delivered · Returned"] + [expected] * self.count,
        )
        content = reports.with_context(force_report_rendering=True)._render_qweb_pdf(
            "lot_recall.action_report_lot_trace", self.lot.ids
        )[0]
        text = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
        ).stdout.decode()
        printed = [line for line in text.splitlines() if " ".join(line.split()) == expected]
        self.assertEqual(len(printed), self.count, text)
