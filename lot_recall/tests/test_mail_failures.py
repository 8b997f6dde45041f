# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The mail queue never blocks on a recall notice, and says why a notice failed in words."""

import threading
from unittest.mock import patch

from markupsafe import Markup

from odoo import SUPERUSER_ID, api, modules
from odoo.tests import HttpCase, tagged
from odoo.tests.common import TransactionCase

from ..models import lot_recall_notice
from .common import NoticeCase
from .smtp_server import LocalSmtpServer, closed_port
from .test_notice_print import pdf_pages

MAIL_LOGGER = "odoo.addons.mail.models.mail_mail"
OUR_LOGGER = "odoo.addons.lot_recall.models.mail_mail"
NOTICE_LOGGER = "odoo.addons.lot_recall.models.lot_recall_notice"


@tagged("post_install", "-at_install")
class TestMailFailures(NoticeCase, HttpCase):
    """HttpCase: wkhtmltopdf fetches the report assets from the test server."""

    lot_name = "MF-0001"

    def _outgoing(self):
        return self.env["mail.mail"].search([("state", "=", "outgoing")])

    def test_pdf_failure_fails_that_notice_only(self):
        # Beta's country has a broken address layout (a number where its city is): its PDF
        # notice, which prints the customer's address, cannot be rendered.
        country = self.env["res.country"].create(
            {"name": "Broken Layout Land", "code": "XZ", "address_format": "%(city)d"}
        )
        self.customer_b.write({"country_id": country.id, "city": "Bakerstown"})
        with self._smtp() as server:
            self.recall.action_send_notices()
            with self.assertLogs(OUR_LOGGER, level="WARNING") as logs:
                self._process_queue()
            self._process_queue()  # the broken notice does not come back, nor block anything
        self.assertIn("the PDF could not be rendered", logs.output[0])
        by_rcpt = {tuple(rcpt): message for rcpt, message in server.messages}
        self.assertEqual(set(by_rcpt), {("alpha@example.com",), ("gamma@example.com",)})
        for message in by_rcpt.values():
            [attachment] = list(message.iter_attachments())
            self.assertEqual(attachment.get_content_type(), "application/pdf")
            self.assertTrue(attachment.get_content().startswith(b"%PDF"))
        notice_b = self.notices[self.customer_b]
        self.assertEqual((notice_b.state, notice_b.failure_kind), ("failed", "server"))
        self.assertEqual(
            notice_b.failure_reason,
            "The PDF of this notice could not be rendered: %d format: a real number is "
            "required, not str. Send again once fixed.",
        )
        self.assertEqual(notice_b.sudo().mail_id.state, "exception")
        self.assertEqual(
            {self.notices[self.customer_a].state, self.notices[self.customer_c].state}, {"sent"}
        )
        self.assertFalse(self._outgoing())

        # Fixed, sent again by the manager: delivered once, with its PDF.
        country.address_format = "%(city)s"
        with self._smtp() as server:
            self.recall.action_send_notices()
            self._process_queue()
        self.assertEqual([rcpt for rcpt, _message in server.messages], [["beta@example.com"]])
        self.assertEqual(len(list(server.messages[0][1].iter_attachments())), 1)
        self.assertEqual((notice_b.state, notice_b.failure_kind), ("sent", False))

    def test_batches_render_while_the_batch_before_is_sent(self):
        """The queue takes the next batch of notices, prepares its emails and starts its PDFs
        (one wkhtmltopdf run of its own) before it sends the batch before; once sent, it attaches
        them: each email carries its own notice, each sent once. (In a test, the run is waited
        for at once: wkhtmltopdf's requests for the assets share the test's transaction.)"""
        lot = self._receive(self.flour, "MF-BATCHES", 100)
        delta, epsilon = self.env["res.partner"].create(
            [
                {"name": "Delta Deli", "is_company": True, "email": "delta@example.com"},
                {"name": "Epsilon Eats", "is_company": True, "email": "epsilon@example.com"},
            ]
        )
        customers = self.customer_a | self.customer_b | self.customer_c | delta | epsilon
        for quantity, customer in enumerate(customers, start=1):
            self._deliver(customer, self.flour, lot, quantity)
        recall = self._recall_through_wizard(lot, quarantine=False).with_user(self.recall_manager)
        # Batches of two: [a, b] rendered first, [c, delta] while [a, b] is sent, then [epsilon].
        with self._smtp() as server, patch.object(lot_recall_notice, "NOTICE_BATCH", 2):
            recall.action_send_notices()
            self._process_queue()
        received = [rcpt for rcpt, _message in server.messages]
        self.assertEqual(sorted(received), sorted([customer.email] for customer in customers))
        by_rcpt = {rcpt[0]: message for rcpt, message in server.messages}
        for notice in recall.notice_ids:
            [attachment] = list(by_rcpt[notice.email].iter_attachments())
            self.assertEqual(attachment.get_content_type(), "application/pdf")
            text = " ".join(" ".join(pdf_pages(attachment.get_content())).split())
            self.assertIn(notice.partner_id.name, text)
            for other in recall.notice_ids - notice:
                self.assertNotIn(other.partner_id.name, text)
        self.assertEqual(set(recall.notice_ids.mapped("state")), {"sent"})
        self.assertFalse(recall.notice_ids.filtered("queued"))
        self.assertFalse(self._outgoing())

    def test_email_failure_fails_that_notice_only(self):
        # The notice template, edited to print the customer's reference, fails for Beta,
        # who has none: its email cannot be prepared; the batch's others are sent.
        template = self.env.ref("lot_recall.mail_template_recall_notice")
        template.body_html += Markup(
            '<p>Your reference: <t t-out="object.partner_id.ref.upper()"/></p>'
        )
        self.customer_a.ref = "alpha-1"
        self.customer_c.ref = "gamma-3"
        self.customer_b.ref = False
        with self._smtp() as server:
            self.recall.action_send_notices()
            with self.assertLogs(NOTICE_LOGGER, level="WARNING") as logs:
                self._process_queue()
        self.assertIn("its email could not be prepared", logs.output[0])
        by_rcpt = {tuple(rcpt): message for rcpt, message in server.messages}
        self.assertEqual(set(by_rcpt), {("alpha@example.com",), ("gamma@example.com",)})
        html = by_rcpt["alpha@example.com",].get_body(("html",)).get_content()
        self.assertIn("Your reference: ALPHA-1", html)
        notice_b = self.notices[self.customer_b]
        self.assertEqual((notice_b.state, notice_b.failure_kind), ("failed", "server"))
        self.assertTrue(
            notice_b.failure_reason.startswith("The email of this notice could not be prepared")
        )
        self.assertFalse(notice_b.sudo().mail_id)
        self.assertFalse(notice_b.queued)

        # Beta's reference filled in, sent again: delivered once.
        self.customer_b.ref = "beta-2"
        with self._smtp() as server:
            self.recall.action_send_notices()
            self._process_queue()
        self.assertEqual([rcpt for rcpt, _message in server.messages], [["beta@example.com"]])
        self.assertEqual((notice_b.state, notice_b.failure_kind), ("sent", False))

    def test_refused_connection_names_the_server(self):
        port = closed_port()
        with self._smtp() as server:
            self.env["ir.mail_server"].search([("name", "=", "Test SMTP")]).smtp_port = port
            self.recall.action_send_notices()
            self._process_queue()
        self.assertFalse(server.messages)
        for notice in self.notices.values():
            self.assertEqual((notice.state, notice.failure_kind), ("failed", "server"))
            self.assertEqual(
                notice.failure_reason,
                f"Our mail server refused the connection (127.0.0.1:{port}): check Settings > "
                "Technical > Outgoing Mail Servers.",
            )
        self.assertFalse(self._outgoing())

    def test_invalid_and_rejected_addresses_are_for_the_customer(self):
        self.customer_a.email = "foo@"
        with self._smtp() as server:
            server.handler.reject_rcpt = {"beta@example.com"}
            self.recall.action_send_notices()
            with self.assertLogs(MAIL_LOGGER, level="ERROR"):
                self._process_queue()
        self.assertEqual([rcpt for rcpt, _message in server.messages], [["gamma@example.com"]])
        results = {
            partner: (notice.state, notice.failure_kind, notice.failure_reason)
            for partner, notice in self.notices.items()
        }
        self.assertEqual(
            results,
            {
                self.customer_a: (
                    "failed",
                    "customer",
                    "The email address “foo@” is not valid: call the customer.",
                ),
                self.customer_b: (
                    "failed",
                    "customer",
                    "The mail server rejected the address beta@example.com: 550 5.1.1 "
                    "<beta@example.com>: Recipient address rejected: User unknown",
                ),
                self.customer_c: ("sent", False, False),
            },
        )
        for notice in self.recall.notice_ids:
            self.assertNotIn("mail_", notice.failure_reason or "")

    def test_server_dropping_the_connection_fails_the_notice(self):
        with self._smtp() as server:
            server.handler.drop_after_data = {"beta@example.com"}
            self.recall.action_send_notices()
            # Odoo's mail logger and lot_recall's sender of the queued notices report it.
            with self.assertLogs(level="ERROR"):
                self._process_queue()
            # The session was lost: what the batch had left goes with the next run.
            self._process_queue()
        self.assertEqual(
            sorted(rcpt for rcpt, _message in server.messages),
            [["alpha@example.com"], ["gamma@example.com"]],
        )
        notice_b = self.notices[self.customer_b]
        self.assertEqual((notice_b.state, notice_b.failure_kind), ("failed", "server"))
        self.assertRegex(
            notice_b.failure_reason,
            r"^Our mail server \(127\.0\.0\.1:\d+\) closed the connection while sending this "
            r"email: send it again\.",
        )
        self.assertEqual(notice_b.sudo().mail_id.state, "exception")
        self.assertFalse(self._outgoing())

        # The manager (not a Settings admin) sends the failed notice again: delivered once.
        self.assertFalse(self.recall_manager.has_group("base.group_system"))
        failed_mail = notice_b.sudo().mail_id
        with self._smtp() as server:
            self.recall.action_send_notices()
            self._process_queue()
        self.assertEqual([rcpt for rcpt, _message in server.messages], [["beta@example.com"]])
        self.assertEqual(notice_b.state, "sent")
        # The failed email is kept as history, no longer to be retried by hand.
        self.assertNotEqual(notice_b.sudo().mail_id, failed_mail)
        self.assertEqual(failed_mail.state, "cancel")


@tagged("post_install", "-at_install")
class TestMailQueueConcurrency(TransactionCase):
    """Three runs of the mail queue at once, on committed emails: each notice email goes once.

    Not a LotRecallCase, and nothing written by the test transaction: the runs have their own
    database cursors, commit, and must not wait on rows this transaction would hold.
    """

    def _committed(self, function):
        """Run ``function(env)`` in a new transaction of its own, committed."""
        with self.registry.cursor() as cr:
            # The test runner holds the registries' lock, which api.Environment would take to
            # find the registry of a cursor without a transaction: give it one.
            cr.transaction = api.Transaction(self.registry)
            return function(api.Environment(cr, SUPERUSER_ID, {}))

    def _committed_notice_mails(self, server, name, addresses, before_commit=None):
        """Notice emails to ``addresses`` through the local SMTP ``server``, committed (and
        removed at the end of the test); ``before_commit(env, mails)`` runs in the same
        transaction. The model is what matters: no notice behind them, no PDF to render."""

        def create(env):
            mail_server = env["ir.mail_server"].create(
                {
                    "name": name,
                    "smtp_host": "127.0.0.1",
                    "smtp_port": server.port,
                    "smtp_encryption": "none",
                }
            )
            mails = env["mail.mail"].create(
                [
                    {
                        "subject": f"Notice {index}",
                        "body_html": "<p>Recall</p>",
                        "email_from": "quality@example.com",
                        "email_to": address,
                        "model": "lot.recall.notice",
                        "res_id": 0,
                        "mail_server_id": mail_server.id,
                    }
                    for index, address in enumerate(addresses)
                ]
            )
            if before_commit:
                before_commit(env, mails)
            return mail_server.id, mails.ids

        server_id, mail_ids = self._committed(create)

        def cleanup(env):
            env["mail.mail"].browse(mail_ids).exists().unlink()
            env["ir.mail_server"].browse(server_id).unlink()

        self.addCleanup(self._committed, cleanup)
        return mail_ids

    def _run_queues(self, mail_ids, count):
        """Run the mail queue on ``mail_ids`` in ``count`` threads of their own at once, as the
        scheduled action does (each commits as it goes); fails on any error of theirs."""
        errors = []

        def run():
            try:
                self._committed(lambda env: env["mail.mail"].process_email_queue(ids=mail_ids))
            except Exception as error:  # reported by the main thread
                errors.append(error)

        with patch.object(modules.module, "current_test", False):
            runs = [threading.Thread(target=run) for _run in range(count)]
            for thread in runs:
                thread.start()
            for thread in runs:
                thread.join(60)
        self.assertFalse(errors)

    def test_concurrent_queue_runs_send_each_notice_once(self):
        count = 6
        addresses = [f"customer{index}@example.com" for index in range(count)]
        with LocalSmtpServer() as server:
            server.handler.delay = 0.3  # a slow server: the runs overlap on every email
            mail_ids = self._committed_notice_mails(server, "Concurrency SMTP", addresses)
            self._run_queues(mail_ids, 3)
            received = sorted(rcpt[0] for rcpt, _message in server.messages)
        self.assertEqual(received, sorted(addresses))
        states = self._committed(lambda env: env["mail.mail"].browse(mail_ids).mapped("state"))
        self.assertEqual(states, ["sent"] * count)

    def test_email_accepted_before_a_crash_is_not_sent_again(self):
        """A run of the queue crashed after the SMTP server accepted an email and before its
        batch was committed: the email is still outgoing, and recorded as accepted. The next
        run records it as sent and sends only the other one."""

        def crashed_run(env, mails):
            # What the crashed run left: its own transaction recorded the first accepted.
            env["lot.recall.accepted.mail"]._record(env.cr, mails[0].id)

        with LocalSmtpServer() as server:
            mail_ids = self._committed_notice_mails(
                server,
                "Crash SMTP",
                ["crashed0@example.com", "crashed1@example.com"],
                before_commit=crashed_run,
            )
            self._run_queues(mail_ids, 1)
            received = [rcpt[0] for rcpt, _message in server.messages]
        self.assertEqual(received, ["crashed1@example.com"])

        def outcome(env):
            accepted = env["lot.recall.accepted.mail"].search([("mail_id", "in", mail_ids)])
            return env["mail.mail"].browse(mail_ids).mapped("state"), len(accepted)

        # Both sent; once committed, what was accepted is forgotten.
        self.assertEqual(self._committed(outcome), (["sent", "sent"], 0))


@tagged("post_install", "-at_install")
class TestNoticeLocking(TransactionCase):
    """The sender takes the queued notices it can lock: a notice another sender holds is
    skipped, and one changed by another transaction since the sender's snapshot (a reminder,
    an acknowledgment) is left for the next run, without failing the others."""

    _committed = TestMailQueueConcurrency._committed

    def setUp(self):
        super().setUp()

        def create(env):
            product = env["product.product"].create(
                {"name": "Locking Flour", "is_storable": True, "tracking": "lot"}
            )
            lot = env["stock.lot"].create({"name": "LOCK-0001", "product_id": product.id})
            recall = env["lot.recall"].create({"lot_ids": [(6, 0, lot.ids)], "reason": "Lock"})
            partners = env["res.partner"].create(
                [{"name": f"Locking customer {index}"} for index in range(3)]
            )
            notices = env["lot.recall.notice"].create(
                [
                    {"recall_id": recall.id, "partner_id": partner.id, "queued": True}
                    for partner in partners
                ]
            )
            return notices.ids, recall.id, lot.id, product.id, partners.ids

        ids, recall_id, lot_id, product_id, partner_ids = self._committed(create)
        self.notice_ids = ids

        def cleanup(env):
            notices = env["lot.recall.notice"].browse(ids)
            notices.write({"queued": False})  # never sent: out of the queue, then deleted
            notices.unlink()
            env["lot.recall"].browse(recall_id).unlink()
            env["stock.lot"].browse(lot_id).unlink()
            env["product.product"].browse(product_id).unlink()
            env["res.partner"].browse(partner_ids).unlink()

        self.addCleanup(self._committed, cleanup)

    def _sender(self, cr):
        cr.transaction = api.Transaction(self.registry)
        return api.Environment(cr, SUPERUSER_ID, {})["lot.recall.notice"].browse(self.notice_ids)

    def test_changed_and_held_notices_are_left_to_the_next_run(self):
        first, second, third = self.notice_ids
        with self.registry.cursor() as sender_cr, self.registry.cursor() as other_cr:
            notices = self._sender(sender_cr)
            sender_cr.execute("SELECT 1 FROM lot_recall_notice LIMIT 1")  # its snapshot
            # Another transaction records a reminder of the second notice, and commits.
            self._committed(
                lambda env: env["lot.recall.notice"].browse(second).write({"reminder_count": 1})
            )
            # Another sender holds the third.
            other_cr.execute("SELECT id FROM lot_recall_notice WHERE id = %s FOR UPDATE", [third])
            self.assertEqual(notices._lock_queued().ids, [first])
            sender_cr.rollback()
            other_cr.rollback()
        # The next run, with a new snapshot and no other sender, takes all three.
        with self.registry.cursor() as sender_cr:
            self.assertEqual(self._sender(sender_cr)._lock_queued().ids, self.notice_ids)
            sender_cr.rollback()
