# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import smtplib
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import split_every

from odoo.addons.lot_recall.models.lot_recall_notice import NOTICE_BATCH
from odoo.addons.lot_recall.tools import may_commit
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import identity_exact

# A notice still queued this long after it was last written has lost its job.
STALE_MINUTES = 60
# Seconds before a job whose notices were busy runs again.
RETRY_SECONDS = 10


class LotRecallNotice(models.Model):
    _inherit = "lot.recall.notice"

    def _dispatch_queued(self):
        """One job per batch of notices on the channel ``root.lot_recall``: the job workers
        of every Odoo server share the fan-out, instead of the single mail queue."""
        for batch in split_every(NOTICE_BATCH, sorted(self.ids), self.browse):
            batch.with_delay(
                channel="root.lot_recall",
                description=self.env._(
                    "Send %(count)s recall notices of %(recall)s",
                    count=len(batch),
                    recall=", ".join(batch.recall_id.mapped("name")),
                ),
                identity_key=identity_exact,
            )._send_batch_job()

    @api.model
    def _send_queued(self, deadline):
        """Queued notices are sent by their jobs, not by the mail queue. The mail queue's runs
        give new jobs to the notices still queued an hour after they were last written: their
        job gave up (the mail server down through its retries), or its worker died. Running a
        batch again is safe: each notice and each email is sent under its own lock."""
        stale = self.sudo().search(
            [
                ("queued", "=", True),
                ("write_date", "<", fields.Datetime.now() - timedelta(minutes=STALE_MINUTES)),
            ]
        )
        if stale:
            stale.write({"queued": True})  # their job starts the hour again
            stale._dispatch_queued()

    def _send_batch_job(self):
        """The job of a batch of notices: prepare and send their emails. Run again (a retry, a
        job replayed after a crash), it sends only what was not sent. The emails are committed
        one by one as they are sent (as Odoo's mail queue does): a retry never sends again an
        email the SMTP server accepted, except one accepted in the instant before its commit."""
        try:
            left = self._send_batch(auto_commit=may_commit())
        except (smtplib.SMTPServerDisconnected, ConnectionError) as error:
            raise RetryableJobError(
                self.env._("The mail server dropped the connection: %(error)s", error=error)
            ) from error
        if left:
            raise RetryableJobError(
                self.env._(
                    "%(count)s notices were being written by another transaction: sent later.",
                    count=len(left),
                ),
                seconds=RETRY_SECONDS,
            )
