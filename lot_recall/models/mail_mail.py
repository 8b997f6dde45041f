# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(self, success_pids, failure_reason=False, failure_type=None):
        notice_mails = self.filtered(lambda mail: mail.model == "lot.recall.notice")
        if notice_mails:
            notices = (
                self.env["lot.recall.notice"].sudo().search([("mail_id", "in", notice_mails.ids)])
            )
            for mail in notice_mails:
                notices._on_mail_result(mail, failure_reason=failure_reason or failure_type)
        return super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type
        )
