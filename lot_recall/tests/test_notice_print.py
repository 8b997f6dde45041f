# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
from unittest.mock import patch

from pypdf import PdfReader

from odoo.tests import HttpCase, tagged

from .common import LotRecallCase


def pdf_pages(content):
    """The text of each page of a PDF, whitespace collapsed."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages]


@tagged("post_install", "-at_install")
class TestNoticePrint(LotRecallCase, HttpCase):
    """Print Notices gives one PDF of every notice, each naming the recalling firm in its body.

    Real wkhtmltopdf runs: on Debian's build (unpatched Qt) it takes one input document and
    prints no page header or footer, so everything that matters must be in the one body.
    HttpCase: wkhtmltopdf fetches the report assets from the test server.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "name": "Northwind Mills Ltd",
                "street": "12 Harbour Lane",
                "city": "Grimsby",
                "zip": "DN31 1AA",
                "phone": "+44 1472 555 010",
                "email": "quality@northwind.example.com",
            }
        )
        cls.recall_user.write(
            {
                "name": "Rosa Quayle",
                "email": "rosa.quayle@northwind.example.com",
                "phone": "+44 1472 555 099",
            }
        )
        lot = cls._receive(cls.flour, "NP-0001", 100)
        cls.deliveries = {
            customer: cls._deliver(customer, cls.flour, lot, quantity)
            for customer, quantity in (
                (cls.customer_a, 10),
                (cls.customer_b, 20),
                (cls.customer_c, 30),
            )
        }
        cls.lot = lot

    def _recall(self):
        recall = self._recall_through_wizard(self.lot, quarantine=False)
        self.assertEqual(recall.user_id, self.recall_user)
        self.assertEqual(len(recall.notice_ids), 3)
        return recall

    def _pdf(self, report_name, ids, user=None):
        reports = (
            self.env["ir.actions.report"]
            .with_user(user or self.env.user)
            .with_context(force_report_rendering=True)
        )
        content, report_format = reports._render_qweb_pdf(report_name, ids)
        self.assertEqual(report_format, "pdf")
        self.assertTrue(content.startswith(b"%PDF"))
        return content

    def _assert_sender(self, text, company=None):
        company = company or self.company
        for expected in (company.name, company.email):
            self.assertIn(expected, text)

    def _assert_identity(self, text):
        self._assert_sender(text)
        for expected in (
            "12 Harbour Lane",
            "+44 1472 555 010",
            "Rosa Quayle",
            "rosa.quayle@northwind.example.com",
            "+44 1472 555 099",
        ):
            self.assertIn(expected, text)

    def test_print_notices_is_one_pdf_one_customer_per_page(self):
        recall = self._recall()
        action = recall.with_user(self.recall_user).action_print_notices()
        self.assertEqual(action["report_name"], "lot_recall.report_recall_notice")
        notice_ids = action["context"]["active_ids"]
        self.assertEqual(sorted(notice_ids), sorted(recall.notice_ids.ids))

        pages = pdf_pages(self._pdf(action["report_name"], notice_ids, user=self.recall_user))
        self.assertGreaterEqual(len(pages), 3)
        customers = list(self.deliveries)
        pages_of = {
            customer: [i for i, text in enumerate(pages) if customer.name in text]
            for customer in customers
        }
        for customer, numbers in pages_of.items():
            self.assertTrue(numbers, f"{customer.name} is missing from the PDF")
            others = [other for other in customers if other != customer]
            delivery = self.deliveries[customer]
            for number in numbers:
                text = pages[number]
                for other in others:
                    # Each notice on its own page(s): never two customers on one page.
                    self.assertNotIn(other.name, text)
                    self.assertNotIn(self.deliveries[other].name, text)
                self.assertIn(delivery.name, text)
                self.assertIn(recall.name, text)
                # The firm and whom to call, in the notice's body (no page header needed).
                self._assert_identity(text)
        # The notices follow one another: the first page opens a notice.
        self.assertIn(0, [number for numbers in pages_of.values() for number in numbers])

    def test_single_notice_pdf(self):
        recall = self._recall()
        notice_b = recall.notice_ids.filtered(lambda n: n.partner_id == self.customer_b)
        # The PDF attached to the notice's email (Odoo renders HTML in tests unless forced).
        pdfs = notice_b.with_context(force_report_rendering=True)._render_pdfs()
        self.assertEqual(list(pdfs), notice_b.ids)
        text = " ".join(pdf_pages(pdfs[notice_b.id]))
        self.assertIn("Beta Bakery", text)
        self.assertIn(self.deliveries[self.customer_b].name, text)
        self.assertIn("NP-0001", text)
        self.assertNotIn("Alpha Foods", text)
        self.assertNotIn("Gamma Grocers", text)
        self._assert_identity(text)

    def test_batch_render_splits_into_one_pdf_per_notice(self):
        recall = self._recall()
        notices = recall.notice_ids
        pdfs = notices.with_context(force_report_rendering=True)._render_pdf_batch()
        self.assertEqual(sorted(pdfs), sorted(notices.ids))
        for notice in notices:
            text = " ".join(pdf_pages(pdfs[notice.id]))
            self.assertIn(notice.partner_id.name, text)
            self.assertIn(self.deliveries[notice.partner_id].name, text)
            for other in notices - notice:
                self.assertNotIn(other.partner_id.name, text)
            # The same document as the notice rendered alone, page for page.
            alone = notices.browse(notice.id).with_context(force_report_rendering=True)
            self.assertEqual(pdf_pages(pdfs[notice.id]), pdf_pages(alone._render_pdfs()[notice.id]))

    def test_only_our_static_reports_skip_the_javascript_delay(self):
        recall = self._recall()
        picking = self.deliveries[self.customer_a]
        Report = type(self.env["ir.actions.report"])
        build = Report._build_wkhtmltopdf_args
        runs = []

        def record(report, *args, **kwargs):
            runs.append(build(report, *args, **kwargs))
            return runs[-1]

        self.env["ir.config_parameter"].sudo().set_param("report.print_delay", "700")
        with patch.object(Report, "_build_wkhtmltopdf_args", record):
            notices = self._pdf("lot_recall.report_recall_notice", recall.notice_ids.ids)
            slip = self._pdf("stock.report_deliveryslip", picking.ids)
        self.assertTrue(notices.startswith(b"%PDF") and slip.startswith(b"%PDF"))
        delays = [args[args.index("--javascript-delay") + 1] for args in runs]
        # Our notice waits for no script; Odoo's delivery slip keeps the configured wait.
        self.assertEqual(delays, ["0", "700"])

    def test_notices_of_several_companies_print_together(self):
        """Printed from the list of notices: each notice names its own company."""
        recall = self._recall()
        notice_a = recall.notice_ids.filtered(lambda n: n.partner_id == self.customer_a)
        other_company = self.env["res.company"].create(
            {"name": "Southgate Grain Co", "email": "recalls@southgate.example.com"}
        )
        other_lot = self.env["stock.lot"].create(
            {"name": "SG-1", "product_id": self.flour.id, "company_id": other_company.id}
        )
        foreign = self.env["lot.recall"].create(
            {"reason": "Other company", "company_id": other_company.id, "lot_ids": other_lot.ids}
        )
        foreign_notice = self.env["lot.recall.notice"].create(
            {"recall_id": foreign.id, "partner_id": self.customer_c.id}
        )
        pages = pdf_pages(
            self._pdf("lot_recall.report_recall_notice", (notice_a | foreign_notice).ids)
        )
        page_a = [text for text in pages if "Alpha Foods" in text]
        page_c = [text for text in pages if "Gamma Grocers" in text]
        self.assertEqual((len(page_a), len(page_c)), (1, 1))
        self._assert_identity(page_a[0])
        self.assertNotIn("Southgate Grain Co", page_a[0])
        self._assert_sender(page_c[0], other_company)
        self.assertNotIn("Northwind Mills Ltd", page_c[0])

    def test_email_body_names_the_firm_and_the_responsible(self):
        recall = self._recall()
        notice = recall.notice_ids.filtered(lambda n: n.partner_id == self.customer_a)
        template = self.env.ref("lot_recall.mail_template_recall_notice")
        body = template._render_field("body_html", notice.ids)[notice.id]
        for expected in (
            "Northwind Mills Ltd",
            "12 Harbour Lane",
            "Grimsby",
            "+44 1472 555 010",
            "quality@northwind.example.com",
            "Rosa Quayle",
            "rosa.quayle@northwind.example.com",
            "+44 1472 555 099",
        ):
            self.assertIn(expected, body)
