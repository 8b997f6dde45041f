# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class MailMail(models.Model):
    _inherit = "mail.mail"

    @api.model
    def process_email_queue(self, ids=None, batch_size=1000):
        """The mail queue leaves recall notice emails to the jobs that prepared them: a notice's
        email is sent by its job only."""
        filters = [*self.env.context.get("filters", []), ("model", "!=", "lot.recall.notice")]
        return super(MailMail, self.with_context(filters=filters)).process_email_queue(
            ids=ids, batch_size=batch_size
        )
