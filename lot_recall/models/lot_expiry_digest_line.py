# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, fields, models

STAGES = [("expiring", "Expiring"), ("expired", "Expired")]


class LotExpiryDigestLine(models.Model):
    """A lot an expiry digest email announces, waiting for the mail queue to send that email.

    The lot is marked as announced at its stage (``stock.lot.expiry_alert_stage``) only once the
    SMTP server accepted the email (``mail.mail._postprocess_sent_message``): a digest that could
    not be sent leaves its lots unmarked, so the next digest announces them again. The lines of a
    sent digest are deleted; those of a failed one stay with their failed email (and go with it),
    so that sending that email again from Settings > Technical > Emails still marks its lots.

    Technical records, written by the digest and the mail queue in sudo: no user access.
    """

    _name = "lot.expiry.digest.line"
    _description = "Lot Announced by an Expiry Digest"
    _log_access = False

    mail_id = fields.Many2one("mail.mail", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")
    lot_id = fields.Many2one("stock.lot", required=True, ondelete="cascade", index=True)
    stage = fields.Selection(STAGES, required=True)
    expiration_date = fields.Datetime(
        required=True, help="The lot's expiration date the digest announced."
    )

    @api.model
    def _pending_keys(self, lots):
        """(lot id, stage, expiration date) of these lots in a digest still in the mail queue:
        announced already, as far as the next digest is concerned."""
        lines = self.sudo().search([("lot_id", "in", lots.ids), ("mail_id.state", "=", "outgoing")])
        return {(line.lot_id.id, line.stage, line.expiration_date) for line in lines}

    @api.model
    def _on_mails_accepted(self, mails):
        """The SMTP server accepted these emails: mark the lots they announced. (Nothing is
        done for a failed email: its lots stay unmarked, for the next digest.)"""
        lines = self.sudo().search([("mail_id", "in", mails.ids)])
        if lines:
            lines._mark_announced()

    def _mark_announced(self):
        """Mark the lots of these lines as announced at their stage, then delete the lines.

        A lot whose expiration date changed since the digest (its alert was reset), or that a
        later digest already announced as expired, is left as it is.
        """
        lots = self.env["stock.lot"].sudo()
        to_mark = defaultdict(lots.browse)
        for line in self.sudo():
            lot = line.lot_id
            if lot.expiration_date != line.expiration_date:
                continue
            if lot.expiry_alert_stage == "expired" and line.stage == "expiring":
                continue
            if lot.expiry_alert_stage != line.stage:
                to_mark[line.stage] |= lot
        for stage, lots in to_mark.items():
            lots.write({"expiry_alert_stage": stage})
        self.sudo().unlink()
