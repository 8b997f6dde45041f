# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _send(self, *args, **kwargs):
        self._attach_recall_notice_pdfs()
        return super()._send(*args, **kwargs)

    def _attach_recall_notice_pdfs(self):
        """Attach its PDF to each recall notice email about to leave the queue."""
        mails = self.filtered(
            lambda mail: (
                mail.model == "lot.recall.notice"
                and mail.state == "outgoing"
                and not mail.attachment_ids
            )
        )
        if not mails:
            return
        notices = self.env["lot.recall.notice"].sudo().browse(mails.mapped("res_id")).exists()
        pdfs = notices._render_pdfs()
        names = {notice.id: notice._get_report_base_filename() for notice in notices}
        for mail in mails.filtered(lambda m: m.res_id in pdfs):
            attachment = (
                self.env["ir.attachment"]
                .sudo()
                .create(
                    {
                        "name": f"{names[mail.res_id]}.pdf",
                        "raw": pdfs[mail.res_id],
                        "mimetype": "application/pdf",
                        "res_model": "lot.recall.notice",
                        "res_id": mail.res_id,
                    }
                )
            )
            mail.attachment_ids = [fields.Command.link(attachment.id)]

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
