# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
from datetime import date, datetime

import lxml.html
from openpyxl import load_workbook
from pypdf import PdfReader

from odoo.tests import HttpCase, new_test_user, tagged

from .common import LotRecallCase

SHIPMENT_HEADERS = [
    "Traceability Lot Code",
    "Product",
    "Product Barcode (GTIN)",
    "Quantity",
    "Unit",
    "Ship Date",
    "Customer",
    "Ship-To Address",
    "Delivery Reference",
    "Ship-From Location",
    "Ship-From Address",
    "Supplier",
    "Supplier Lot",
    "Expiration Date",
    "Production Date",
    "Dye Lot",
    "Returned Quantity",
]


def pdf_text(content):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@tagged("post_install", "-at_install")
class TestRecallReports(LotRecallCase, HttpCase):
    """HttpCase: wkhtmltopdf fetches the report assets from the test server, and the XLSX is
    downloaded over HTTP like a browser does."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.tz = "UTC"
        cls.flour.barcode = "05012345678900"
        cls.lot = cls._receive(cls.flour, "RP-0001", 100, supplier_lot_ref="MILL-RP-1")
        cls.lot.write(
            {
                "expiration_date": datetime(2027, 3, 31, 12, 0),
                "production_date": date(2026, 9, 1),
                "dye_lot": "D7",
                "manufacturer_id": cls.supplier.id,
            }
        )
        cls.customer_a.write(
            {"street": "1 Quay Road", "city": "Hull", "zip": "HU1 1AA", "phone": "+44 1482 000"}
        )
        # A name that a spreadsheet would run as a formula if written carelessly.
        cls.formula_customer = cls.env["res.partner"].create(
            {"name": "=HYPERLINK(1) Traders", "is_company": True, "email": "f@example.com"}
        )
        cls.to_a = cls._deliver(cls.customer_a, cls.flour, cls.lot, 10)
        cls.to_b = cls._deliver(cls.customer_b, cls.flour, cls.lot, 20)
        cls.to_f = cls._deliver(cls.formula_customer, cls.flour, cls.lot, 1)
        cls.to_b_return = cls._return(cls.to_b, 5)
        cls.to_a.date_done = cls.to_a.move_line_ids.date = datetime(2026, 10, 1, 8, 30)
        cls.to_b.date_done = cls.to_b.move_line_ids.date = datetime(2026, 10, 2, 9, 0)
        cls.to_f.date_done = cls.to_f.move_line_ids.date = datetime(2026, 10, 3, 10, 0)

    def _recall(self):
        return self._recall_through_wizard(self.lot, quarantine=False)

    def _workbook(self, content):
        return load_workbook(io.BytesIO(content))

    def test_xlsx_sheets_rows_and_types(self):
        recall = self._recall()
        notice_b = recall.notice_ids.filtered(lambda n: n.partner_id == self.customer_b)
        notice_b._acknowledge(3.0, "quarantined", "In our cold room")
        book = self._workbook(self.env["lot.recall.xlsx"]._recall_xlsx(recall))
        # Ours first; glue addons may add theirs after (lot_recall_account: its cost sheets).
        self.assertEqual(
            book.sheetnames[:6],
            [
                "Shipments",
                "Lots",
                "Stock on hand",
                "Suppliers",
                "Notices",
                "Second-Tier Consignees",
            ],
        )
        sheet = book["Shipments"]
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(list(rows[0]), SHIPMENT_HEADERS)
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertEqual(sheet.auto_filter.ref, "A1:Q4")
        self.assertEqual(len(rows), 4)
        row_a = dict(zip(SHIPMENT_HEADERS, rows[1], strict=True))
        self.assertEqual(
            row_a,
            {
                "Traceability Lot Code": "RP-0001",
                "Product": "Flour 25 kg",
                "Product Barcode (GTIN)": "05012345678900",
                "Quantity": 10,
                "Unit": "Units",
                "Ship Date": datetime(2026, 10, 1, 8, 30),
                "Customer": "Alpha Foods",
                "Ship-To Address": "Alpha Foods, 1 Quay Road, Hull HU1 1AA, +44 1482 000",
                "Delivery Reference": self.to_a.name,
                "Ship-From Location": self.stock_location.complete_name,
                "Ship-From Address": row_a["Ship-From Address"],
                "Supplier": "Mill Supplies Ltd",
                "Supplier Lot": "MILL-RP-1",
                "Expiration Date": datetime(2027, 3, 31),
                "Production Date": datetime(2026, 9, 1),
                "Dye Lot": "D7",
                "Returned Quantity": 0,
            },
        )
        self.assertIn(self.env.company.name, row_a["Ship-From Address"])
        row_b = dict(zip(SHIPMENT_HEADERS, rows[2], strict=True))
        self.assertEqual((row_b["Customer"], row_b["Quantity"]), ("Beta Bakery", 20))
        self.assertEqual(row_b["Returned Quantity"], 5)
        # Real numbers and dates, and text never turned into a formula.
        cells = sheet[4]
        self.assertEqual(cells[3].data_type, "n")
        self.assertTrue(cells[5].is_date)
        self.assertEqual(cells[6].data_type, "s")
        self.assertEqual(cells[6].value, "=HYPERLINK(1) Traders")

        lots = list(book["Lots"].iter_rows(values_only=True))
        self.assertEqual(lots[1][:3], ("RP-0001", "Flour 25 kg", 0))
        stock = list(book["Stock on hand"].iter_rows(values_only=True))
        # 100 received, 31 shipped, 5 returned.
        self.assertEqual(
            stock[1][:5], ("RP-0001", "Flour 25 kg", self.stock_location.complete_name, 74, "Units")
        )
        suppliers = list(book["Suppliers"].iter_rows(values_only=True))
        self.assertEqual(
            suppliers[1][:4], ("Mill Supplies Ltd", "RP-0001", "Flour 25 kg", "MILL-RP-1")
        )
        self.assertEqual(suppliers[1][6], 100)
        notices = {row[0]: row for row in book["Notices"].iter_rows(min_row=2, values_only=True)}
        self.assertEqual(set(notices), {"Alpha Foods", "Beta Bakery", "=HYPERLINK(1) Traders"})
        beta = notices["Beta Bakery"]
        self.assertEqual(beta[2], "Acknowledged")
        self.assertEqual(beta[6:9], ("Quarantined, awaiting instructions", 3, "In our cold room"))
        self.assertIsInstance(beta[5], datetime)
        self.assertEqual(notices["Alpha Foods"][2], "Pending")

    def test_xlsx_download_route_and_access(self):
        recall = self._recall()
        url = f"/lot_recall/recall/{recall.id}/xlsx"
        action = recall.action_export_xlsx()
        self.assertEqual((action["url"], action["target"]), (url, "download"))

        self.authenticate("lr_recall_user", "lr_recall_user")
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("spreadsheetml", response.headers["Content-Type"])
        self.assertIn(".xlsx", response.headers["Content-Disposition"])
        sheet = self._workbook(response.content)["Shipments"]
        self.assertEqual(
            [row[6] for row in sheet.iter_rows(min_row=2, values_only=True)],
            ["Alpha Foods", "Beta Bakery", "=HYPERLINK(1) Traders"],
        )
        self.assertEqual(
            self.url_open(f"/lot_recall/recall/{recall.id + 1000}/xlsx").status_code, 404
        )

        # A stock user without the recall groups, and a recall of a company the user is not in.
        new_test_user(self.env, login="lr_stock_only", groups="stock.group_stock_user")
        self.authenticate("lr_stock_only", "lr_stock_only")
        self.assertEqual(self.url_open(url).status_code, 403)
        other_company = self.env["res.company"].create({"name": "Other Mill"})
        other_lot = self.env["stock.lot"].create(
            {"name": "OTHER-1", "product_id": self.flour.id, "company_id": other_company.id}
        )
        foreign = self.env["lot.recall"].create(
            {"reason": "Other company", "company_id": other_company.id, "lot_ids": other_lot.ids}
        )
        self.authenticate("lr_recall_user", "lr_recall_user")
        self.assertEqual(self.url_open(f"/lot_recall/recall/{foreign.id}/xlsx").status_code, 403)

        self.logout()
        response = self.url_open(url, allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])

    def _pdf(self, report_ref, records):
        content, report_format = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report_ref, records.ids)
        )
        self.assertEqual(report_format, "pdf")
        return pdf_text(content)

    def test_recall_pdf(self):
        recall = self._recall()
        recall.notice_ids[:1].with_user(self.recall_user)._acknowledge(
            4.0, "quarantined", "Pallet set aside", channel="phone"
        )
        # The timeline reads the acknowledgment rows, not the chatter (which can be deleted).
        recall.notice_ids.message_ids.sudo().unlink()
        # Close it in a later transaction, as a user would, with tracking on.
        self.env.flush_all()
        self.env.cr.precommit.run()
        recall.with_user(self.recall_manager).with_context(tracking_disable=False)._close(
            "Customers reached by phone"
        )
        recall.with_user(self.recall_manager).message_post(body="Supplier audit booked")
        self.env.flush_all()
        self.env.cr.precommit.run()  # tracking values are written at commit
        recall.invalidate_recordset(["message_ids"])
        text = " ".join(self._pdf("lot_recall.action_report_recall", recall).split())
        for expected in (
            f"Recall {recall.name}",
            "Class II",
            "Possible contamination",
            "RP-0001",
            "MILL-RP-1",
            "Alpha Foods",
            "Beta Bakery",
            self.to_b.name,
            "Effectiveness",
            "Customers reached 3",
            "Traced in",
            "Supplier audit booked",
            "Traced → Closed",
            "(Phone): 4.0 still on hand",
            "Recorded by",
            "Pallet set aside",
        ):
            self.assertIn(expected, text)

    def test_lot_trace_pdf(self):
        """Printable from any lot, recalled or not."""
        text = " ".join(self._pdf("lot_recall.action_report_lot_trace", self.lot).split())
        for expected in (
            "Lot Trace RP-0001",
            "Mill Supplies Ltd",
            "MILL-RP-1",
            "D7",
            self.to_a.name,
            self.to_b.name,
            "Alpha Foods",
            "Beta Bakery",
            self.stock_location.complete_name,
        ):
            self.assertIn(expected, text)
        receipt_picking = (
            self.env["stock.move.line"]
            .search([("lot_id", "=", self.lot.id), ("location_id", "=", self.supplier_location.id)])
            .picking_id
        )
        self.assertIn(receipt_picking.name, text)

    def test_recall_report_rows_of_many_customers(self):
        """The rows the recall PDF shows are the recall's stored lines, grouped per customer
        and product, every customer in the PDF's text."""
        second_lot = self._receive(self.flour, "RP-0002", 200)
        customers = self.env["res.partner"].create(
            [{"name": f"Retailer {number:02} Ltd", "is_company": True} for number in range(24)]
        )
        for number, customer in enumerate(customers):
            self._deliver(customer, self.flour, second_lot, number + 1)
            if number % 6 == 0:  # a second delivery, of the other lot
                self._deliver(customer, self.flour, self.lot, 2)
        recall = self._recall_through_wizard(self.lot | second_lot, quarantine=False)
        self.assertEqual(recall.partner_count, 27)

        values = self.env["report.lot_recall.report_recall"]._get_report_values(recall.ids)
        rows = values["customer_rows"][recall.id]
        expected = []
        for (partner, product), lines in recall.line_ids.grouped(
            lambda line: (line.partner_id, line.product_id)
        ).items():
            expected.append(
                {
                    "partner": partner.display_name,
                    "product": product.display_name,
                    "product_id": product.id,
                    "lots": ", ".join(sorted(set(lines.lot_id.mapped("name")))),
                    "deliveries": ", ".join(sorted(lines.picking_id.mapped("name"))),
                    "quantity": f"{sum(lines.mapped('quantity')):.2f}",
                    "returned": f"{sum(lines.mapped('returned_quantity')):.2f}",
                    "uom": "Units",
                    "notice_state": "Pending",
                }
            )
        self.assertEqual(
            rows, sorted(expected, key=lambda row: (row["partner"], row["product_id"]))
        )
        retailer_00 = next(row for row in rows if row["partner"] == "Retailer 00 Ltd")
        self.assertEqual(
            (retailer_00["lots"], retailer_00["quantity"]), ("RP-0001, RP-0002", "3.00")
        )
        beta = next(row for row in rows if row["partner"] == "Beta Bakery")
        self.assertEqual((beta["quantity"], beta["returned"]), ("20.00", "5.00"))
        self.assertEqual(
            [row["lot"] for row in values["lot_rows"][recall.id]], ["RP-0001", "RP-0002"]
        )

        content, _report_format = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("lot_recall.action_report_recall", recall.ids)
        )
        self.assertGreater(len(PdfReader(io.BytesIO(content)).pages), 1)
        text = " ".join(pdf_text(content).split())
        for name in recall.line_ids.partner_id.mapped("display_name"):
            self.assertIn(name, text)
        self.assertIn("Customers reached 27", text)

    def test_reports_of_several_records_in_one_document(self):
        """Several recalls, or lots, printed at once are one document: Debian's wkhtmltopdf
        (unpatched Qt) takes one input document per run and prints no page header, so each
        names the company in its body."""
        self.env.company.email = "quality@mill.example.com"
        other_lot = self._receive(self.flour, "RP-0009", 10)
        to_c = self._deliver(self.customer_c, self.flour, other_lot, 3)
        recalls = self._recall() | self._recall_through_wizard(other_lot, quarantine=False)
        text = " ".join(self._pdf("lot_recall.action_report_recall", recalls).split())
        for expected in (
            f"Recall {recalls[0].name}",
            f"Recall {recalls[1].name}",
            "Beta Bakery",
            to_c.name,
        ):
            self.assertIn(expected, text)
        self._assert_identity_in_bodies("lot_recall.action_report_recall", recalls)

        lots = self.lot | other_lot
        text = " ".join(self._pdf("lot_recall.action_report_lot_trace", lots).split())
        for expected in ("Lot Trace RP-0001", "Lot Trace RP-0009", self.to_a.name, to_c.name):
            self.assertIn(expected, text)
        self._assert_identity_in_bodies("lot_recall.action_report_lot_trace", lots)

    def _assert_identity_in_bodies(self, report_ref, records):
        html = self.env["ir.actions.report"]._render_qweb_html(report_ref, records.ids)[0]
        root = lxml.html.fromstring(html)
        self.assertEqual(len(root.xpath("//div[hasclass('article')]")), 1)
        identities = root.xpath("//div[hasclass('page')]/div[@name='company_identity']")
        self.assertEqual(len(identities), len(records))
        for identity in identities:
            text = " ".join(identity.text_content().split())
            self.assertIn(self.env.company.name, text)
            self.assertIn("Email: quality@mill.example.com", text)
