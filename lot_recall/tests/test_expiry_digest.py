# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time
from openpyxl import load_workbook

from odoo import modules
from odoo.modules.migration import load_script
from odoo.tests import new_test_user, tagged

from .common import LotRecallCase
from .smtp_server import closed_port

NOW = datetime(2026, 11, 2, 6, 0)


@tagged("post_install", "-at_install")
class TestExpiryDigest(LotRecallCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.tz = "UTC"
        # Only the lots of this test: demo lots never expire here, other companies stay quiet.
        cls.env["stock.lot"].search([("expiration_date", "!=", False)]).expiration_date = False
        cls.env["res.company"].search([]).lot_expiry_alert_enabled = False
        cls.env.company.write(
            {
                "lot_expiry_alert_enabled": True,
                "lot_expiry_alert_days": 30,
                "lot_expiry_alert_user_ids": False,
                "lot_expiry_auto_quarantine": False,
                "email": "stock@yourcompany.example.com",
            }
        )
        # Recall Managers by default; these two are the only ones with an email.
        managers = cls.env.ref("lot_recall.group_recall_manager").users
        managers.filtered(lambda user: not user._is_superuser()).email = False
        cls.recall_manager.email = "quality@example.com"
        cls.second_manager = new_test_user(
            cls.env,
            login="lr_second_manager",
            email="qa2@example.com",
            groups="lot_recall.group_recall_manager",
        )
        with freeze_time(NOW - timedelta(days=90)):
            cls.soon = cls._receive(cls.flour, "EX-SOON", 10, supplier_lot_ref="M-SOON")
            cls.gone = cls._receive(cls.flour, "EX-GONE", 20)
            cls.later = cls._receive(cls.flour, "EX-LATER", 30)
            cls.shipped = cls._receive(cls.bread, "EX-SHIPPED", 5)
            cls._deliver(cls.customer_a, cls.bread, cls.shipped, 5)
        cls.soon.expiration_date = NOW + timedelta(days=10)
        cls.gone.expiration_date = NOW - timedelta(days=2)
        cls.later.expiration_date = NOW + timedelta(days=60)
        cls.shipped.expiration_date = NOW - timedelta(days=5)

    def _run_cron(self, at, refuse_connection=False, refuse=False, queue_user=None):
        """Run the digest's scheduled action then the mail queue (as ``queue_user``) at ``at``,
        through an SMTP server that refuses the connection, or every message, on demand."""
        with self._smtp() as server, freeze_time(at):
            if refuse_connection:
                self.env["ir.mail_server"].search(
                    [("name", "=", "Test SMTP")]
                ).smtp_port = closed_port()
            server.handler.refuse = refuse
            self.env.ref("lot_recall.ir_cron_lot_expiry_digest").method_direct_trigger()
            if queue_user:
                with patch.object(modules.module, "current_test", False):
                    self.env["mail.mail"].with_user(queue_user).process_email_queue()
            else:
                self._process_queue()
        return server.messages

    def _xlsx_rows(self, message):
        [attachment] = list(message.iter_attachments())
        self.assertTrue(attachment.get_filename().endswith(".xlsx"))
        sheet = load_workbook(io.BytesIO(attachment.get_content()))["Expiry"]
        return list(sheet.iter_rows(min_row=2, values_only=True))

    def test_digest_once_per_stage(self):
        messages = self._run_cron(NOW)
        self.assertEqual(
            sorted(rcpt for rcpt, _message in messages),
            [["qa2@example.com"], ["quality@example.com"]],
        )
        message = messages[0][1]
        self.assertIn("1 lots expired, 1 expiring", message["Subject"])
        body = message.get_body(("html",)).get_content()
        self.assertIn("EX-SOON", body)
        self.assertIn("EX-GONE", body)
        self.assertNotIn("EX-LATER", body)  # beyond the 30-day horizon
        self.assertNotIn("EX-SHIPPED", body)  # nothing left in stock
        rows = self._xlsx_rows(message)
        self.assertEqual(
            [row[:3] + row[4:7] for row in rows],
            [
                (
                    "Expired",
                    "Flour 25 kg",
                    "EX-GONE",
                    self.stock_location.complete_name,
                    20,
                    "Units",
                ),
                (
                    "Expiring",
                    "Flour 25 kg",
                    "EX-SOON",
                    self.stock_location.complete_name,
                    10,
                    "Units",
                ),
            ],
        )
        self.assertEqual(rows[1][3], datetime(2026, 11, 12))
        self.assertEqual(rows[1][7], "M-SOON")
        self.assertEqual(
            (self.soon.expiry_alert_stage, self.gone.expiry_alert_stage), ("expiring", "expired")
        )
        self.assertFalse(self.later.expiry_alert_stage)

        # The next day: nothing new, nothing sent.
        self.assertEqual(self._run_cron(NOW + timedelta(days=1)), [])

        # Eleven days on, the expiring lot has expired: announced again, alone.
        messages = self._run_cron(NOW + timedelta(days=11))
        self.assertEqual(len(messages), 2)
        self.assertIn("1 lots expired, 0 expiring", messages[0][1]["Subject"])
        self.assertEqual(
            [row[:3] for row in self._xlsx_rows(messages[0][1])],
            [("Expired", "Flour 25 kg", "EX-SOON")],
        )
        self.assertEqual(self.soon.expiry_alert_stage, "expired")

    def test_new_expiration_date_is_announced_again(self):
        self._run_cron(NOW)
        self.gone.expiration_date = NOW + timedelta(days=20)  # extended after a lab test
        self.assertFalse(self.gone.expiry_alert_stage)
        messages = self._run_cron(NOW + timedelta(hours=1))
        self.assertEqual(
            [row[:3] for row in self._xlsx_rows(messages[0][1])],
            [("Expiring", "Flour 25 kg", "EX-GONE")],
        )

    def test_configured_recipients_disable_and_auto_quarantine(self):
        buyer = new_test_user(self.env, login="lr_buyer", email="buyer@example.com")
        self.env.company.write(
            {"lot_expiry_alert_user_ids": buyer.ids, "lot_expiry_auto_quarantine": True}
        )
        self.env.company.lot_expiry_alert_enabled = False
        self.assertEqual(self._run_cron(NOW), [])
        self.assertFalse(self.gone.expiry_alert_stage)

        self.env.company.lot_expiry_alert_enabled = True
        messages = self._run_cron(NOW)
        self.assertEqual([rcpt for rcpt, _message in messages], [["buyer@example.com"]])
        # Expired lots are quarantined; expiring ones are not.
        self.assertTrue(self.gone.quarantined)
        self.assertFalse(self.soon.quarantined)
        self.assertIn("expired", self.gone.message_ids[0].body)
        # A manager releases it: the next runs do not quarantine it again.
        self.gone.with_user(self.recall_manager).action_release_quarantine()
        self._run_cron(NOW + timedelta(days=1))
        self.assertFalse(self.gone.quarantined)

    def test_no_recipient_keeps_the_alert_for_later(self):
        self.recall_manager.email = False
        self.second_manager.email = False
        with self.assertLogs(
            "odoo.addons.lot_recall.models.lot_expiry_digest", level="WARNING"
        ) as logs:
            self.assertEqual(self._run_cron(NOW), [])
        self.assertIn("no recipient", logs.output[0])
        self.assertFalse(self.gone.expiry_alert_stage)
        self.second_manager.email = "qa2@example.com"
        self.assertEqual(len(self._run_cron(NOW)), 1)
        self.assertEqual(self.gone.expiry_alert_stage, "expired")

    def _digest_mails(self):
        return self.env["mail.mail"].search([("subject", "like", "Expiry alert")])

    def test_refused_digest_is_announced_again(self):
        """Lots count as announced once the SMTP server accepted the digest, not when queued."""
        # Our mail server refuses the connection: nothing is marked.
        self.assertEqual(self._run_cron(NOW, refuse_connection=True), [])
        self.assertEqual(self._digest_mails().mapped("state"), ["exception"])
        self.assertEqual((self.soon | self.gone).mapped("expiry_alert_stage"), [False, False])
        # It refuses the message itself (554): nothing is marked either.
        with self.assertLogs("odoo.addons.mail.models.mail_mail", level="ERROR"):
            self.assertEqual(self._run_cron(NOW + timedelta(hours=1), refuse=True), [])
        self.assertEqual((self.soon | self.gone).mapped("expiry_alert_stage"), [False, False])
        # A working server: the same lots are announced, then marked.
        messages = self._run_cron(NOW + timedelta(hours=2))
        self.assertEqual(len(messages), 2)
        self.assertIn("1 lots expired, 1 expiring", messages[0][1]["Subject"])
        self.assertEqual(
            [row[:3] for row in self._xlsx_rows(messages[0][1])],
            [("Expired", "Flour 25 kg", "EX-GONE"), ("Expiring", "Flour 25 kg", "EX-SOON")],
        )
        self.assertEqual(
            (self.soon.expiry_alert_stage, self.gone.expiry_alert_stage), ("expiring", "expired")
        )
        self.assertFalse(
            self.env["lot.expiry.digest.line"].search([("mail_id.state", "=", "sent")])
        )
        self.assertEqual(self._run_cron(NOW + timedelta(hours=3)), [])

    def test_queued_digest_is_not_sent_twice(self):
        cron = self.env.ref("lot_recall.ir_cron_lot_expiry_digest")
        with freeze_time(NOW):
            cron.method_direct_trigger()
            cron.method_direct_trigger()  # the first digest still waits in the queue
        self.assertEqual(len(self._digest_mails()), 1)
        self.assertFalse(self.gone.expiry_alert_stage)
        with self._smtp() as server:
            self._process_queue()
        self.assertEqual(len(server.messages), 2)  # one email, two recipients
        self.assertEqual(self.gone.expiry_alert_stage, "expired")

    def test_digest_sent_by_a_queue_run_as_admin(self):
        admin = self.env.ref("base.user_admin")
        self.assertFalse(admin._is_superuser())
        messages = self._run_cron(NOW, queue_user=admin)
        self.assertEqual(len(messages), 2)
        # Delivered and recorded so: auto-deleted as sent, not kept as failed, lots marked.
        self.assertFalse(self._digest_mails())
        self.assertEqual(
            (self.soon.expiry_alert_stage, self.gone.expiry_alert_stage), ("expiring", "expired")
        )
        self.assertFalse(self.env["lot.expiry.digest.line"].search([]))

    def test_migration_repoints_the_cron(self):
        """Databases installed before 18.0.1.1.0 kept the digest's cron on stock.lot."""
        cron = self.env.ref("lot_recall.ir_cron_lot_expiry_digest")
        cron.model_id = self.env.ref("stock.model_stock_lot")
        self.assertEqual(cron.model_name, "stock.lot")
        reminders = self.env.ref("lot_recall.ir_cron_recall_notice_reminders")
        reminders.model_id = self.env.ref("lot_recall.model_lot_recall")
        script = load_script("lot_recall/migrations/18.0.1.1.0/post-migrate.py", "lot_recall_1_1")
        script.migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertEqual(cron.model_name, "lot.expiry.digest")
        self.assertEqual(cron.code, "model._cron_expiry_digest()")
        self.assertEqual(reminders.model_name, "lot.recall.notice")
        # Done once: running it again changes nothing; a fresh install is left alone.
        self.assertFalse(script.repoint_cron(self.env))
        self.assertEqual(len(self._run_cron(NOW)), 2)
        self.assertEqual(self.gone.expiry_alert_stage, "expired")
