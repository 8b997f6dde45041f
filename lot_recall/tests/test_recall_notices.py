# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
from datetime import timedelta

from freezegun import freeze_time
from pypdf import PdfReader

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.modules.migration import load_script
from odoo.tests import HttpCase, tagged

from .common import LotRecallCase


@tagged("post_install", "-at_install")
class TestRecallNotices(LotRecallCase, HttpCase):
    """HttpCase: wkhtmltopdf fetches the report assets from the test server, which must see
    the test transaction."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lot = cls._receive(cls.flour, "NT-0001", 100, supplier_lot_ref="MILL-NT-1")
        cls.other_lot = cls._receive(cls.flour, "NT-0002", 100)
        cls.dock = cls.env["res.partner"].create(
            {
                "name": "Alpha Recall Desk",
                "parent_id": cls.customer_a.id,
                "email": "recalls@alpha.example.com",
                "recall_contact": True,
            }
        )
        cls.customer_c.email = False
        cls.to_a = cls._deliver(cls.customer_a, cls.flour, cls.lot, 10)
        cls.to_b = cls._deliver(cls.customer_b, cls.flour, cls.lot, 20)
        cls.to_c = cls._deliver(cls.customer_c, cls.flour, cls.lot, 30)
        # Beta also got another lot: it must not appear in Beta's notice.
        cls.other_to_b = cls._deliver(cls.customer_b, cls.flour, cls.other_lot, 4)
        cls.env.company.email = "quality@yourcompany.example.com"

    def _recall(self):
        recall = self._recall_through_wizard(self.lot, quarantine=False)
        return recall.with_user(self.recall_manager)

    def test_notices_delivered_over_smtp_with_pdf(self):
        recall = self._recall()
        self.assertEqual(
            recall.notice_ids.partner_id, self.customer_a | self.customer_b | self.customer_c
        )
        with self._smtp() as server:
            recall.action_send_notices()
            self.assertEqual(recall.state, "notified")
            self.assertFalse(server.messages, "notices are queued, not sent synchronously")
            self._process_queue()
        by_rcpt = {tuple(rcpt): message for rcpt, message in server.messages}
        self.assertEqual(set(by_rcpt), {("recalls@alpha.example.com",), ("beta@example.com",)})
        notice_b = recall.notice_ids.filtered(lambda n: n.partner_id == self.customer_b)
        message = by_rcpt[("beta@example.com",)]
        self.assertIn(recall.name, message["Subject"])
        body = message.get_body(("html",)).get_content()
        self.assertIn(self.to_b.name, body)
        self.assertIn("MILL-NT-1", body)
        self.assertNotIn(self.to_a.name, body)
        self.assertNotIn(self.other_to_b.name, body)
        self.assertIn(
            f"/lot_recall/notice/{notice_b.id}?access_token={notice_b.access_token}", body
        )
        [attachment] = [part for part in message.iter_attachments()]
        self.assertEqual(attachment.get_content_type(), "application/pdf")
        text = "".join(
            page.extract_text() for page in PdfReader(io.BytesIO(attachment.get_content())).pages
        )
        self.assertIn(recall.name, text)
        self.assertIn("NT-0001", text)
        self.assertIn(self.to_b.name, text)
        self.assertNotIn(self.to_a.name, text)
        # States: sent, sent, and the customer without email is to be called.
        states = {n.partner_id: (n.state, n.email) for n in recall.notice_ids}
        self.assertEqual(states[self.customer_a], ("sent", "recalls@alpha.example.com"))
        self.assertEqual(states[self.customer_b][0], "sent")
        self.assertEqual(states[self.customer_c], ("failed", False))
        self.assertEqual(recall.notice_failed_count, 1)
        self.assertAlmostEqual(recall.notified_percent, 200 / 3)
        self.assertIn("queued for beta@example.com", notice_b.message_ids[0].body)

    def test_resend_never_duplicates(self):
        recall = self._recall()
        with self._smtp() as server:
            recall.action_send_notices()
            recall.action_send_notices()  # again while still in the queue
            self._process_queue()
            recall.action_send_notices()  # again after delivery
            self._process_queue()
        self.assertEqual(len(server.messages), 2)
        # The customer without email gets one now: only that notice goes out.
        self.customer_c.email = "gamma@example.com"
        with self._smtp() as server:
            recall.action_send_notices()
            self._process_queue()
        self.assertEqual([rcpt for rcpt, _message in server.messages], [["gamma@example.com"]])
        self.assertEqual(set(recall.notice_ids.mapped("state")), {"sent"})
        self.assertEqual(recall.notified_percent, 100.0)

    def test_refusing_server_fails_then_retry_succeeds_once(self):
        recall = self._recall()
        with self._smtp() as server:
            server.handler.refuse = True
            recall.action_send_notices()
            with self.assertLogs("odoo.addons.mail.models.mail_mail", level="ERROR"):
                self._process_queue()
            self.assertFalse(server.messages)
            failed = recall.notice_ids.filtered(lambda n: n.email)
            self.assertEqual(set(failed.mapped("state")), {"failed"})
            self.assertTrue(all("554" in n.failure_reason for n in failed))
            server.handler.refuse = False
            recall.action_send_notices()
            self._process_queue()
            self._process_queue()
        self.assertEqual(
            sorted(rcpt[0] for rcpt, _message in server.messages),
            ["beta@example.com", "recalls@alpha.example.com"],
        )
        self.assertEqual(set(failed.mapped("state")), {"sent"})

    def test_emails_waiting_before_the_upgrade_are_sent_once(self):
        recall = self._recall()
        notice_b = recall.notice_ids.filtered(lambda n: n.partner_id == self.customer_b)
        # Queued by 18.0.1.1.0: the email was created by the click and waits in the mail queue.
        notice_b.sudo().write(
            {"queued": True, "recipient_id": self.customer_b.id, "email": "beta@example.com"}
        )
        waiting = notice_b.sudo()._prepare_mails()
        notice_b.sudo().queued = False
        self.env.flush_all()
        script = load_script("lot_recall/migrations/18.0.1.2.0/post-migrate.py", "lot_recall_1_2")
        script.migrate(self.env.cr, "18.0.1.1.0")
        notice_b.invalidate_recordset()
        self.assertTrue(notice_b.queued)
        self.assertTrue(notice_b._is_queued())
        with self._smtp() as server:
            recall.action_send_notices()  # the others; Beta's email is not prepared again
            self._process_queue()
        self.assertEqual(
            sorted(rcpt[0] for rcpt, _message in server.messages),
            ["beta@example.com", "recalls@alpha.example.com"],
        )
        self.assertEqual(notice_b.mail_id, waiting)
        self.assertEqual((notice_b.state, notice_b.queued), ("sent", False))

    def test_wizard_sends_at_once_for_a_manager(self):
        recall = self._recall_through_wizard(
            self.lot, user=self.recall_manager, quarantine=False, send_notices=True
        )
        self.assertEqual(recall.state, "notified")
        queued = recall.notice_ids.filtered("queued")
        self.assertEqual(queued.recipient_id, self.dock | self.customer_b)
        self.assertEqual(recall.notice_failed_count, 1)
        # The emails are prepared by the mail queue, whose next run was triggered.
        self.assertFalse(self.env["mail.mail"].search([("model", "=", "lot.recall.notice")]))
        with self._smtp() as server:
            self._process_queue()
        self.assertEqual(
            sorted(rcpt[0] for rcpt, _message in server.messages),
            sorted((self.dock | self.customer_b).mapped("email")),
        )
        self.assertFalse(recall.notice_ids.filtered("queued"))

    def test_mock_recall_and_user_never_send(self):
        recall = self._recall_through_wizard(self.lot, is_mock=True)
        with self.assertRaisesRegex(UserError, "mock recall"):
            recall.with_user(self.recall_manager).action_send_notices()
        real = self._recall()
        with self.assertRaises(AccessError):
            real.with_user(self.recall_user).action_send_notices()
        self.assertFalse(self.env["mail.mail"].search([("model", "=", "lot.recall.notice")]))
        self.assertEqual(set(real.notice_ids.mapped("state")), {"pending"})

    def test_retrace_keeps_sent_notices(self):
        recall = self._recall()
        with self._smtp():
            recall.action_send_notices()
            self._process_queue()
        sent = recall.notice_ids.filtered(lambda n: n.state == "sent")
        self.assertEqual(sent.partner_id, self.customer_a | self.customer_b)
        recall.action_trace()
        self.assertEqual(recall.notice_ids.filtered(lambda n: n.state == "sent"), sent)
        self.assertEqual(len(recall.notice_ids), 3)
        # The recall narrowed to the other lot (only Beta got it): the notices already sent
        # stay on record, the one never delivered (Gamma, no email) goes.
        # Lots are never removed from a traced recall, except by the superuser.
        with self.assertRaises(UserError):
            recall.with_user(self.recall_manager).lot_ids = self.other_lot
        recall.sudo().lot_ids = self.other_lot
        recall.action_trace()
        self.assertEqual(recall.line_ids.partner_id, self.customer_b)
        self.assertEqual(recall.notice_ids, sent)

    def test_retrace_replaces_an_email_prepared_before_it(self):
        recall = self._recall()
        with self._smtp():
            recall.action_send_notices()
            self._process_queue()
        notice_b = recall.notice_ids.filtered(lambda n: n.partner_id == self.customer_b)
        # A reminder is queued and its email prepared; then the recall grows to the other lot,
        # which Beta received too: a new delivery to Beta.
        notice_b.sudo()._queue()
        outdated = notice_b.sudo()._lock_queued()._prepare_mails()
        recall.action_add_lots(self.other_lot.ids)
        self.assertEqual(outdated.state, "cancel")
        self.assertEqual((notice_b.state, notice_b.queued), ("pending", True))
        with self._smtp() as server:
            self._process_queue()
        [(rcpt, message)] = server.messages
        self.assertEqual(rcpt, ["beta@example.com"])
        self.assertIn(self.other_to_b.name, message.get_body(("html",)).get_content())
        self.assertEqual((notice_b.state, notice_b.queued), ("sent", False))

    def test_reminders_after_delay_at_most_k(self):
        self.env.company.write({"recall_reminder_days": 7, "recall_reminder_max": 2})
        recall = self._recall()
        with self._smtp() as server:
            recall.action_send_notices()
            self._process_queue()
            notice_a = recall.notice_ids.filtered(lambda n: n.partner_id == self.customer_a)
            notice_a._acknowledge(2.0, "destroyed", "")
            start = fields.Datetime.now()
            for days in (3, 8, 16, 24, 40):
                with freeze_time(start + timedelta(days=days)):
                    self.env["lot.recall.notice"]._cron_send_reminders()
                    self._process_queue()
        beta = [m for rcpt, m in server.messages if rcpt == ["beta@example.com"]]
        alpha = [m for rcpt, m in server.messages if rcpt == ["recalls@alpha.example.com"]]
        # Beta: first notice + 2 reminders (days 8 and 16); Alpha acknowledged: none.
        self.assertEqual(len(beta), 3)
        self.assertEqual(len(alpha), 1)
        notice_b = recall.notice_ids.filtered(lambda n: n.partner_id == self.customer_b)
        self.assertEqual(notice_b.reminder_count, 2)
