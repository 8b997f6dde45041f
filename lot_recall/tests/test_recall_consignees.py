# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import csv
import datetime
import io
import re

import openpyxl
from pypdf import PdfReader

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import LotRecallCase, jsonrpc_execute_kw

HEADER = "Name,Email,Country,Quantity,Date"
GOOD_CSV = "\n".join(
    [
        HEADER,
        "Delta Deli,delta@example.com,US,4,2025-03-01",
        "Epsilon Eatery,Epsilon@Example.com,Germany,3.5,2025-03-02",
        "Zeta Zoo,,fr,2,2025-03-03",
    ]
)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ConsigneeCase(LotRecallCase):
    """A lot delivered to Alpha (10) and Beta (20), recalled and traced; the page's helpers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lot = cls._receive(cls.flour, "SUB-0001", 100, supplier_lot_ref="MILL-SUB-1")
        cls.to_a = cls._deliver(cls.customer_a, cls.flour, cls.lot, 10)
        cls.to_b = cls._deliver(cls.customer_b, cls.flour, cls.lot, 20)
        cls.env.company.email = "quality@yourcompany.example.com"

    def _notice(self, recall, partner):
        return recall.notice_ids.filtered(lambda n: n.partner_id == partner)

    def _url(self, notice, token=None, suffix=""):
        token = notice.access_token if token is None else token
        return f"/lot_recall/notice/{notice.id}{suffix}?access_token={token}"

    def _csrf(self, notice):
        page = self.url_open(self._url(notice))
        self.assertEqual(page.status_code, 200)
        return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    def _upload(self, notice, filename, content, token=None):
        """POST the file as the page's upload form does (multipart, with its CSRF token)."""
        if isinstance(content, str):
            content = content.encode()
        return self.url_open(
            f"/lot_recall/notice/{notice.id}/consignees",
            data={
                "csrf_token": self._csrf(notice),
                "access_token": notice.access_token if token is None else token,
            },
            files={"consignee_file": (filename, content, "application/octet-stream")},
        )

    def _type_rows(self, notice, rows):
        data = {"csrf_token": self._csrf(notice), "access_token": notice.access_token}
        for index, row in enumerate(rows):
            data.update({f"consignee_{key}_{index}": value for key, value in row.items()})
        return self.url_open(f"/lot_recall/notice/{notice.id}/consignees", data=data)


@tagged("post_install", "-at_install")
class TestConsigneePortal(ConsigneeCase, HttpCase):
    """The customer lists its own consignees on the notice page: typed or uploaded, checked
    row by row, all or nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.recall = cls.env["lot.recall"].create(
            {"reason": "Glass fragments", "lot_ids": [(6, 0, cls.lot.ids)]}
        )
        cls.recall.action_trace()
        cls.notice_a = cls.recall.notice_ids.filtered(lambda n: n.partner_id == cls.customer_a)
        cls.notice_b = cls.recall.notice_ids - cls.notice_a
        for notice in cls.recall.notice_ids:
            notice._portal_ensure_token()

    def test_csv_upload_of_three_rows(self):
        response = self._upload(self.notice_a, "consignees.csv", GOOD_CSV)
        self.assertEqual(response.status_code, 200)
        self.assertIn("3 consignees were recorded", response.text)
        consignees = self.notice_a.consignee_ids
        self.assertEqual(
            [
                (c.name, c.email, c.country_id.code, c.quantity, c.date, c.source_row)
                for c in consignees
            ],
            [
                ("Delta Deli", "delta@example.com", "US", 4.0, datetime.date(2025, 3, 1), 2),
                ("Epsilon Eatery", "epsilon@example.com", "DE", 3.5, datetime.date(2025, 3, 2), 3),
                ("Zeta Zoo", False, "FR", 2.0, datetime.date(2025, 3, 3), 4),
            ],
        )
        self.assertEqual(consignees.recall_id, self.recall)
        self.assertEqual(set(consignees.mapped("tier")), {2})
        self.assertEqual(set(consignees.mapped("state")), {"listed"})
        self.assertEqual(set(consignees.mapped("source")), {"csv"})
        self.assertEqual(set(consignees.mapped("source_file")), {"consignees.csv"})
        self.assertEqual(consignees.company_id, self.recall.company_id)
        # The setting is off: no contact created, nobody emailed.
        self.assertFalse(consignees.partner_id)
        self.assertFalse(self.recall.consignee_notice_ids)
        self.assertEqual(self.recall.consignee_ids, consignees)
        # The customer's list is in its notice's chatter, authored by the customer.
        message = self.notice_a.message_ids[0]
        self.assertIn("listed 3 second-tier consignees", message.body)
        self.assertIn("Epsilon Eatery", message.body)
        self.assertEqual(message.author_id, self.customer_a)
        # The page shows them (the table and the phone's cards).
        self.assertIn("Zeta Zoo", response.text)
        self.assertEqual(self.recall.tier2_count, 3)
        self.assertEqual(self.recall.tier2_quantity, 9.5)
        self.assertEqual(self.recall.tier2_unreached_count, 2)

    def test_bad_rows_give_each_rows_message_and_save_nothing(self):
        bad = "\n".join(
            [
                HEADER,
                "Delta Deli,delta@example.com,US,4,2025-03-01",
                "Epsilon Eatery,not-an-email,DE,3,2025-03-02",
                ",zeta@example.com,FR,2,2025-03-03",
                "Eta,eta@example.com,Atlantis,2,2025-03-03",
                "Theta,theta@example.com,IT,-1,2025-03-03",
                "Iota,iota@example.com,ES,1,2999-01-01",
                "Kappa,kappa@example.com,ES,1,31/31/2025",
                "Lambda,lambda@example.com,ES,many,",
            ]
        )
        response = self._upload(self.notice_a, "bad.csv", bad)
        self.assertEqual(response.status_code, 400)
        self.assertIn("Nothing was saved", response.text)
        for message in (
            "Row 3: the email address &#39;not-an-email&#39; is not valid.",
            "Row 4: the name is missing.",
            "Row 5: the country &#39;Atlantis&#39; is unknown",
            "Row 6: the quantity must be a positive number.",
            "Row 7: the date 2999-01-01 is in the future.",
            "Row 8: the date &#39;31/31/2025&#39; cannot be read",
            "Row 9: the quantity &#39;many&#39; is not a number.",
            "Row 9: the delivery date is missing.",
        ):
            self.assertIn(message, response.text)
        self.assertNotIn("Row 2:", response.text)
        self.assertFalse(self.notice_a.consignee_ids)
        self.assertFalse(self.recall.consignee_ids)

    def test_typed_rows(self):
        response = self._type_rows(
            self.notice_b,
            [
                {
                    "name": "Mu Market",
                    "email": "",
                    "country": "Belgium",
                    "quantity": "5,5",
                    "date": "2025-04-01",
                },
                {"name": "", "email": "", "country": "", "quantity": "", "date": ""},
                {
                    "name": "Nu Noodles",
                    "email": "nu@example.com",
                    "country": "NL",
                    "quantity": "1",
                    "date": "2025-04-02",
                },
            ],
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("2 consignees were recorded", response.text)
        self.assertEqual(
            [
                (c.name, c.quantity, c.country_id.code, c.source, c.source_row)
                for c in self.notice_b.consignee_ids
            ],
            [("Mu Market", 5.5, "BE", "typed", 1), ("Nu Noodles", 1.0, "NL", "typed", 3)],
        )
        # A typed row with a problem: the rows come back as typed, nothing saved.
        response = self._type_rows(
            self.notice_b,
            [
                {
                    "name": "Xi Express",
                    "email": "xi@",
                    "country": "NL",
                    "quantity": "2",
                    "date": "2025-04-03",
                }
            ],
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("Row 1: the email address &#39;xi@&#39; is not valid.", response.text)
        self.assertIn('value="Xi Express"', response.text)
        self.assertEqual(len(self.notice_b.consignee_ids), 2)
        # Nothing typed at all.
        response = self._type_rows(self.notice_b, [{"name": " "}])
        self.assertEqual(response.status_code, 400)
        self.assertIn("No consignee listed", response.text)

    def test_xlsx_template_filled_and_uploaded(self):
        template = self.url_open(self._url(self.notice_a, suffix="/consignees/template.xlsx"))
        self.assertEqual(template.status_code, 200)
        self.assertEqual(template.headers["Content-Type"], XLSX_TYPE)
        book = openpyxl.load_workbook(io.BytesIO(template.content))
        sheet = book.worksheets[0]
        self.assertEqual(
            [cell.value for cell in sheet[1]], ["Name", "Email", "Country", "Quantity", "Date"]
        )
        self.assertEqual(sheet.max_row, 1)
        # The customer fills it in its spreadsheet: real numbers and dates.
        may_first = datetime.datetime(2025, 5, 1)
        sheet.append(["Omicron Oils", "omicron@example.com", "CA", 12, may_first])
        sheet.append(["Pi Pantry", None, "Canada", 0.5, datetime.datetime(2025, 5, 2)])
        filled = io.BytesIO()
        book.save(filled)
        response = self._upload(self.notice_a, "our consignees.xlsx", filled.getvalue())
        self.assertEqual(response.status_code, 200)
        self.assertIn("2 consignees were recorded", response.text)
        self.assertEqual(
            [
                (c.name, c.email, c.country_id.code, c.quantity, c.date, c.source)
                for c in self.notice_a.consignee_ids
            ],
            [
                (
                    "Omicron Oils",
                    "omicron@example.com",
                    "CA",
                    12.0,
                    datetime.date(2025, 5, 1),
                    "xlsx",
                ),
                ("Pi Pantry", False, "CA", 0.5, datetime.date(2025, 5, 2), "xlsx"),
            ],
        )
        # An XLSX with a bad row: its row number, nothing saved.
        sheet.append(["Rho Rations", "rho@example.com", "CA", -3, datetime.datetime(2025, 5, 3)])
        bad = io.BytesIO()
        book.save(bad)
        response = self._upload(self.notice_a, "bad.xlsx", bad.getvalue())
        self.assertEqual(response.status_code, 400)
        self.assertIn("Row 4: the quantity must be a positive number.", response.text)
        self.assertEqual(len(self.notice_a.consignee_ids), 2)

    def test_csv_template_parses_back(self):
        template = self.url_open(self._url(self.notice_a, suffix="/consignees/template.csv"))
        self.assertEqual(template.status_code, 200)
        self.assertTrue(template.headers["Content-Type"].startswith("text/csv"))
        text = template.content.decode("utf-8-sig")
        self.assertEqual(next(csv.reader(io.StringIO(text))), HEADER.split(","))
        # As it is, it lists nobody.
        response = self._upload(self.notice_a, "template.csv", template.content)
        self.assertEqual(response.status_code, 400)
        self.assertIn("No consignee listed", response.text)
        # Filled in (semicolons, as a European spreadsheet saves it).
        filled = text.replace(",", ";") + "Sigma Sweets;sigma@example.com;PT;7;2025-06-01\n"
        response = self._upload(self.notice_a, "template.csv", filled.encode("utf-8-sig"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.notice_a.consignee_ids.mapped("name"), ["Sigma Sweets"])

    def test_files_that_are_not_lists(self):
        cases = [
            ("list.csv", "Customer;Amount\nDelta;3\n", "Row 1: the columns"),
            ("list.xlsx", b"not a spreadsheet", "Upload the list as an XLSX"),
            ("list.xlsx", b"PK\x03\x04broken", "The XLSX file cannot be read"),
            ("list.csv", b"", "The file is empty"),
        ]
        for filename, content, message in cases:
            response = self._upload(self.notice_a, filename, content)
            self.assertEqual(response.status_code, 400, filename)
            self.assertIn(message, response.text)
        self.assertFalse(self.notice_a.consignee_ids)

    def test_token_is_required(self):
        portal_user = new_test_user(self.env, login="lr_portal_sub", groups="base.group_portal")
        self.authenticate(portal_user.login, portal_user.login)
        for url in (
            f"/lot_recall/notice/{self.notice_a.id}",
            self._url(self.notice_a, token="0" * 36),
            self._url(self.notice_a, token=self.notice_b.access_token),
            f"/lot_recall/notice/{self.notice_a.id}/consignees/template.xlsx",
            self._url(self.notice_a, token="x", suffix="/consignees/template.csv"),
        ):
            self.assertEqual(self.url_open(url).status_code, 404, url)
        # Posting with another customer's token: refused, nothing saved.
        csrf = self._csrf(self.notice_b)
        response = self.url_open(
            f"/lot_recall/notice/{self.notice_a.id}/consignees",
            data={"csrf_token": csrf, "access_token": self.notice_b.access_token},
            files={"consignee_file": ("c.csv", GOOD_CSV.encode(), "text/csv")},
        )
        self.assertEqual(response.status_code, 404)
        # Without the CSRF token, as a cross-site form would post.
        response = self.url_open(
            f"/lot_recall/notice/{self.notice_a.id}/consignees",
            data={"access_token": self.notice_a.access_token},
            files={"consignee_file": ("c.csv", GOOD_CSV.encode(), "text/csv")},
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.recall.consignee_ids)

    def test_closed_recall_takes_no_list(self):
        self.recall.with_user(self.recall_manager)._close("Closing for the test")
        page = self.url_open(self._url(self.notice_a))
        self.assertNotIn("o_lot_recall_consignee_form", page.text)
        response = self._upload(self.notice_a, "c.csv", GOOD_CSV)
        self.assertEqual(response.status_code, 400)
        self.assertIn("This recall is Closed", response.text)
        self.assertFalse(self.notice_a.consignee_ids)

    def test_reported_consignees_are_evidence(self):
        self._upload(self.notice_a, "consignees.csv", GOOD_CSV)
        consignee = self.notice_a.consignee_ids[0]
        manager_consignee = consignee.with_user(self.recall_manager)
        self.assertEqual(manager_consignee.name, "Delta Deli")  # Recall Users read them
        with self.assertRaises(AccessError):
            manager_consignee.write({"partner_id": self.customer_b.id})
        with self.assertRaises(UserError):
            manager_consignee.write({"quantity": 1})
        with self.assertRaises(UserError):
            consignee.sudo().write({"quantity": 1})
        with self.assertRaises(UserError):
            consignee.sudo().unlink()
        with self.assertRaises(AccessError):
            self.env["lot.recall.consignee"].with_user(self.recall_manager).create(
                {
                    "recall_id": self.recall.id,
                    "notice_id": self.notice_a.id,
                    "name": "Forged",
                    "source": "typed",
                }
            )
        stock_user = new_test_user(self.env, login="lr_stock_sub", groups="stock.group_stock_user")
        for user in (stock_user, self.recall_manager):
            answer = jsonrpc_execute_kw(
                self,
                user.id,
                user.login,
                "lot.recall.consignee",
                "write",
                [consignee.ids, {"quantity": 1000}],
            )
            self.assertIn("error", answer, user.login)
        answer = jsonrpc_execute_kw(
            self,
            stock_user.id,
            stock_user.login,
            "lot.recall.consignee",
            "read",
            [consignee.ids, ["name"]],
        )
        self.assertIn("error", answer)
        self.assertIn("AccessError", answer["error"]["data"]["name"])
        answer = jsonrpc_execute_kw(
            self,
            self.recall_user.id,
            self.recall_user.login,
            "lot.recall.consignee",
            "read",
            [consignee.ids, ["name", "quantity"]],
        )
        self.assertEqual(answer["result"][0]["quantity"], 4.0)
        consignee.invalidate_recordset()
        self.assertEqual(consignee.quantity, 4.0)


@tagged("post_install", "-at_install")
class TestConsigneeNotices(ConsigneeCase, HttpCase):
    """With the company setting on, the consignees a customer lists get the notice on its
    behalf, over SMTP, and acknowledge through their own link; the figures roll up per tier.
    HttpCase: wkhtmltopdf fetches the report assets from the test server."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.recall_notify_consignees = True
        # Delta is known already (by its email address): no second contact is made.
        cls.delta = cls.env["res.partner"].create(
            {"name": "Delta Delicatessen Ltd", "email": "Delta@Example.com"}
        )

    def _sent_recall(self, server):
        recall = self._recall_through_wizard(self.lot, quarantine=False).with_user(
            self.recall_manager
        )
        recall.action_send_notices()
        self._process_queue()
        self.assertEqual(len(server.messages), 2)
        server.handler.messages.clear()
        return recall

    def _listed_and_sent(self):
        """Alpha lists GOOD_CSV's three consignees, two with an email address, once its
        notice was sent; the queue sends the consignees' notices. (recall, Alpha's notice,
        the consignees, the messages the SMTP server received)"""
        with self._smtp() as server:
            recall = self._sent_recall(server)
            notice_a = self._notice(recall, self.customer_a)
            response = self._upload(notice_a, "consignees.csv", GOOD_CSV)
            self.assertEqual(response.status_code, 200)
            self.assertIn("on your behalf", response.text)
            tier2 = recall.consignee_notice_ids
            self.assertEqual(len(tier2), 2)
            self.assertTrue(all(tier2.mapped("queued")))
            self._process_queue()
        return recall, notice_a, notice_a.consignee_ids, server.messages

    def test_second_tier_notified_over_smtp(self):
        recall, notice_a, consignees, messages = self._listed_and_sent()
        delta, epsilon, zeta = consignees
        tier2 = recall.consignee_notice_ids
        self.assertEqual(set(tier2.mapped("tier")), {2})
        self.assertEqual(tier2.parent_notice_id, notice_a)
        self.assertEqual(delta.partner_id, self.delta)
        self.assertEqual(epsilon.partner_id.email, "epsilon@example.com")
        self.assertEqual(epsilon.partner_id.country_id.code, "DE")
        self.assertEqual(epsilon.partner_id.company_id, recall.company_id)
        self.assertFalse(zeta.partner_id, "no email address: listed only")
        self.assertFalse(zeta.consignee_notice_id)
        # Tier 1 is unchanged: the customers' notices and the cockpit's progress.
        self.assertEqual(len(recall.notice_ids), 2)
        self.assertEqual(recall.ack_progress, "none")
        by_rcpt = {tuple(rcpt): message for rcpt, message in messages}
        self.assertEqual(set(by_rcpt), {("delta@example.com",), ("epsilon@example.com",)})
        notice = epsilon.consignee_notice_id
        body = by_rcpt[("epsilon@example.com",)].get_body(("html",)).get_content()
        self.assertIn("Alpha Foods", body)
        self.assertIn("told us that it delivered you", body)
        self.assertIn("SUB-0001", body)
        self.assertIn("MILL-SUB-1", body)
        self.assertNotIn(self.to_a.name, body, "the customer's own deliveries are its own")
        self.assertIn(f"/lot_recall/notice/{notice.id}?access_token={notice.access_token}", body)
        [attachment] = list(by_rcpt[("epsilon@example.com",)].iter_attachments())
        text = " ".join(
            " ".join(page.extract_text().split())
            for page in PdfReader(io.BytesIO(attachment.get_content())).pages
        )
        self.assertIn("SUB-0001", text)
        self.assertIn("Alpha Foods told us that it delivered you", text)
        self.assertEqual((notice.state, epsilon.state), ("sent", "notified"))
        self.assertEqual(
            (recall.tier2_count, recall.tier2_notified_count, recall.tier2_acknowledged_count),
            (3, 2, 0),
        )

    def test_second_tier_acknowledges_and_figures_roll_up(self):
        recall, notice_a, consignees, _messages = self._listed_and_sent()
        epsilon = consignees[1]
        notice = epsilon.consignee_notice_id
        # The consignee opens its own link: the recalled lots, on Alpha's behalf, no list of
        # consignees of its own; then it acknowledges.
        page = self.url_open(self._url(notice))
        self.assertEqual(page.status_code, 200)
        self.assertIn("SUB-0001", page.text)
        self.assertIn("Alpha Foods", page.text)
        self.assertNotIn("o_lot_recall_consignee_form", page.text)
        self.assertNotIn(self.to_a.name, page.text)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = self.url_open(
            f"/lot_recall/notice/{notice.id}/acknowledge",
            data={
                "csrf_token": csrf,
                "access_token": notice.access_token,
                "quantity": "0",
                "action": "destroyed",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("your acknowledgment was recorded", response.text)
        self.assertEqual((notice.state, epsilon.state), ("acknowledged", "acknowledged"))
        self.assertEqual(notice.ack_ids.channel, "portal")
        # A consignee lists no consignees of its own (tier 3 is not asked).
        self.assertEqual(self._upload(notice, "c.csv", GOOD_CSV).status_code, 404)
        # Alpha acknowledges too: the roll-up per tier.
        notice_a._acknowledge(1.0, "quarantined", "")
        recall.invalidate_recordset()
        tier1 = ("count", "notified_count", "acknowledged_count", "quantity", "quantity_accounted")
        self.assertEqual([recall[f"tier1_{name}"] for name in tier1], [2, 2, 1, 30.0, 10.0])
        self.assertEqual(
            [recall[f"tier2_{name}"] for name in (*tier1, "unreached_count")],
            [3, 2, 1, 9.5, 3.5, 0],
        )
        self.assertEqual(recall.ack_progress, "partial")
        self.assertEqual(recall.acknowledged_percent, 50.0)
        # The export (as the Recall Manager makes it) has the consignees' sheet.
        xlsx = self.env["lot.recall.xlsx"].with_user(self.recall_manager)._recall_xlsx(recall)
        book = openpyxl.load_workbook(io.BytesIO(xlsx), read_only=True)
        rows = list(book["Second-Tier Consignees"].iter_rows(values_only=True))
        self.assertEqual(
            rows[0][:6],
            ("Listed By (Customer)", "Consignee", "Email", "Country", "Quantity", "Delivered On"),
        )
        self.assertEqual(
            sorted((row[0], row[1], row[4], row[8], row[11]) for row in rows[1:]),
            [
                ("Alpha Foods", "Delta Deli", 4, "Notified", None),
                ("Alpha Foods", "Epsilon Eatery", 3.5, "Acknowledged", "Destroyed"),
                ("Alpha Foods", "Zeta Zoo", 2, "Listed", None),
            ],
        )

    def test_one_notice_per_consignee_and_bad_address_is_a_call(self):
        with self._smtp() as server:
            recall = self._sent_recall(server)
            server.handler.reject_rcpt = {"delta@example.com"}
            self._upload(self._notice(recall, self.customer_a), "a.csv", GOOD_CSV)
            # Beta delivered Delta too: Delta gets one notice, on Alpha's behalf (the first).
            self._upload(
                self._notice(recall, self.customer_b),
                "b.csv",
                f"{HEADER}\nDelta,delta@example.com,US,6,2025-03-05\n",
            )
            with self.assertLogs("odoo.addons.mail.models.mail_mail", level="ERROR"):
                self._process_queue()
        delta_notice = recall.consignee_notice_ids.filtered(lambda n: n.partner_id == self.delta)
        self.assertEqual(len(delta_notice.notified_consignee_ids), 2)
        self.assertEqual(delta_notice.quantity_delivered, 10.0)
        self.assertEqual(delta_notice.state, "failed")
        self.assertEqual(delta_notice.failure_kind, "customer")
        # The responsible is asked to call, with the number of the customer who listed it.
        self.customer_a.phone = "+1 555 0100"
        self.assertIn("second tier", delta_notice._call_note())
        self.assertIn("+1 555 0100", delta_notice._call_note())
        self.assertTrue(delta_notice.call_activity_id)
        self.assertEqual(recall.tier2_unreached_count, 2)
        self.assertEqual([rcpt for rcpt, _message in server.messages], [["epsilon@example.com"]])

    def test_setting_off_then_notify_consignees(self):
        self.env.company.recall_notify_consignees = False
        with self._smtp() as server:
            recall = self._sent_recall(server)
            self._upload(self._notice(recall, self.customer_a), "a.csv", GOOD_CSV)
            self.assertFalse(recall.consignee_notice_ids)
            self.assertFalse(recall.consignee_ids.partner_id)
            with self.assertRaises(UserError):
                recall.action_notify_consignees()
            self.env.company.recall_notify_consignees = True
            with self.assertRaises(AccessError):
                recall.with_user(self.recall_user).action_notify_consignees()
            recall.action_notify_consignees()
            self.assertEqual(len(recall.consignee_notice_ids), 2)
            recall.action_notify_consignees()  # again: nothing sent twice
            self._process_queue()
        self.assertEqual(len(server.messages), 2)
        self.assertEqual(recall.tier2_notified_count, 2)

    def test_drill_never_notifies_consignees(self):
        drill = self._recall_through_wizard(self.lot, is_mock=True)
        drill.action_trace()
        notice = self._notice(drill, self.customer_a)
        notice._portal_ensure_token()
        response = self._upload(notice, "a.csv", GOOD_CSV)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(drill.consignee_ids), 3)
        self.assertFalse(drill.consignee_notice_ids)
        self.assertFalse(drill.consignee_ids.partner_id)


@tagged("post_install", "-at_install")
class TestConsigneePhoneTour(ConsigneeCase, HttpCase):
    """The customer lists its consignees on a phone (Chromium at 390 x 844)."""

    browser_size = "390x844"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        recall = cls.env["lot.recall"].create(
            {"reason": "Glass fragments in some sacks", "lot_ids": [(6, 0, cls.lot.ids)]}
        )
        recall.action_trace()
        cls.notice = recall.notice_ids.filtered(lambda n: n.partner_id == cls.customer_a)
        cls.notice._portal_ensure_token()

    def test_phone_upload_bad_then_good_file_then_typed_rows(self):
        self.start_tour(self.notice.get_portal_url(), "lot_recall_consignee_phone_tour")
        self.assertEqual(
            self.notice.consignee_ids.mapped("name"),
            ["Delta Deli", "Epsilon Eatery", "Zeta Zoo", "Tau Traders", "Upsilon Foods"],
        )
        self.assertEqual(self.notice.consignee_ids.mapped("source"), ["csv"] * 3 + ["typed"] * 2)
        self.assertEqual(self.notice.consignee_ids[4].date, datetime.date(2025, 7, 2))
