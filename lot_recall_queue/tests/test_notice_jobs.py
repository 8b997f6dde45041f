# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Recall notices sent by queue jobs: one job per batch, on their channel, each email sent by
its job only and once, however often the job runs."""

from unittest.mock import patch

from odoo import modules
from odoo.tests import tagged

from odoo.addons.lot_recall.tests.common import NoticeCase
from odoo.addons.lot_recall_queue.hooks import post_init_hook
from odoo.addons.queue_job.tests.common import trap_jobs


@tagged("post_install", "-at_install")
class TestNoticeJobs(NoticeCase):
    lot_name = "QJ-0001"

    def setUp(self):
        super().setUp()
        self.notices = self.recall.notice_ids

    def _perform(self, trap):
        # Odoo skips SMTP while a test runs: lift that guard so the jobs really deliver.
        with patch.object(modules.module, "current_test", False):
            trap.perform_enqueued_jobs()

    def _assert_one_job_sends(self, trap, queued):
        """One job was enqueued, for the ``queued`` notices; run, it sends each one email."""
        [job] = trap.enqueued_jobs
        self.assertEqual(job.recordset, queued)
        with self._smtp() as server:
            self._perform(trap)
        self.assertEqual(len(server.messages), 3)
        self.assertFalse(self.notices.filtered("queued"))

    def _received(self, server):
        return sorted(rcpt[0] for rcpt, _message in server.messages)

    def test_one_job_per_batch_on_the_channel(self):
        with (
            patch("odoo.addons.lot_recall_queue.models.lot_recall_notice.NOTICE_BATCH", 2),
            trap_jobs() as trap,
        ):
            self.recall.action_send_notices()
            trap.assert_jobs_count(2)
            self.assertEqual({job.channel for job in trap.enqueued_jobs}, {"root.lot_recall"})
            self.assertEqual(sorted(len(job.recordset) for job in trap.enqueued_jobs), [1, 2])
            self.assertEqual(set(self.notices.mapped("queued")), {True})
            with self._smtp() as server:
                self._perform(trap)
        self.assertEqual(
            self._received(server),
            ["alpha@example.com", "beta@example.com", "gamma@example.com"],
        )
        self.assertEqual(set(self.notices.mapped("state")), {"sent"})
        self.assertFalse(self.notices.filtered("queued"))
        self.assertEqual(len(self.notices.mail_id), 3)
        self.assertTrue(all(self.notices.mail_id.mapped("attachment_ids")))

    def test_replayed_job_sends_nothing_twice(self):
        with trap_jobs() as trap:
            self.recall.action_send_notices()
            [job] = trap.enqueued_jobs
            with self._smtp() as server:
                self._perform(trap)
                # At least once: the same job run again (a retry, a replay after a crash).
                with patch.object(modules.module, "current_test", False):
                    job.perform()
        self.assertEqual(len(server.messages), 3)
        self.assertEqual(len(self.env["mail.mail"].search([("res_id", "in", self.notices.ids)])), 3)

    def test_mail_queue_leaves_notice_emails_to_their_job(self):
        with trap_jobs() as trap:
            self.recall.action_send_notices()
            # The job prepared the emails, then its worker died before sending them.
            prepared = self.notices.sudo()._lock_queued()._prepare_mails()
            self.assertEqual(set(prepared.mapped("state")), {"outgoing"})
            other = self.env["mail.mail"].create(
                {
                    "subject": "Not a recall notice",
                    "body_html": "<p>Hello</p>",
                    "email_from": "quality@yourcompany.example.com",
                    "email_to": "someone@example.com",
                }
            )
            with self._smtp() as server:
                self._process_queue()
                self.assertEqual(self._received(server), ["someone@example.com"])
                self.assertEqual(other.state, "sent")
                self.assertEqual(set(prepared.mapped("state")), {"outgoing"})
                # The job runs again: it sends the emails it prepared, and prepares no other.
                self._perform(trap)
        self.assertEqual(
            self._received(server),
            ["alpha@example.com", "beta@example.com", "gamma@example.com", "someone@example.com"],
        )
        self.assertEqual(self.notices.mail_id, prepared)
        self.assertEqual(set(self.notices.mapped("state")), {"sent"})

    def test_without_email_no_job(self):
        self.customer_b.email = False
        with trap_jobs() as trap:
            self.recall.action_send_notices()
            [job] = trap.enqueued_jobs
            self.assertEqual(
                job.recordset,
                self.notices
                - self.notices.filtered(lambda notice: notice.partner_id == self.customer_b),
            )
        self.assertEqual(
            self.notices.filtered(lambda notice: notice.partner_id == self.customer_b).state,
            "failed",
        )

    def test_notices_queued_before_the_install_get_their_jobs(self):
        with trap_jobs():  # queued by the mail queue's lot_recall: no job was ever run
            self.recall.action_send_notices()
        queued = self.notices.filtered("queued")
        self.assertEqual(len(queued), 3)
        with trap_jobs() as trap:
            post_init_hook(self.env)
            self._assert_one_job_sends(trap, queued)

    def test_notices_whose_job_was_lost_get_a_new_one(self):
        with trap_jobs():  # the job gave up, or its worker died: never run
            self.recall.action_send_notices()
        queued = self.notices.filtered("queued")
        with trap_jobs() as trap:
            self._process_queue()  # within the hour: the job may still run
            trap.assert_jobs_count(0)
            self.env.flush_all()
            self.env.cr.execute(
                "UPDATE lot_recall_notice SET write_date = now() - interval '2 hours'"
                " WHERE id = ANY(%s)",
                [queued.ids],
            )
            queued.invalidate_recordset()
            self._process_queue()
            self._assert_one_job_sends(trap, queued)
