# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import email_normalize

CONTACT_COLUMNS = {
    "partner_id": "int",
    "recipient_id": "int",
    "email": "varchar",
    "phone": "varchar",
    "reachable_by": "varchar",
}


class LotRecallContact(models.Model):
    """Could this affected customer of a recall be reached? Its notice's recipient (the
    contact flagged for recalls, else the customer) and the email or phone number it would be
    reached at: the drill's contact check (a drill sends nothing).

    Written with the recall's mass balance (``lot.recall._refresh_balance``) and frozen with
    it when a drill is reconciled.
    """

    _name = "lot.recall.contact"
    _description = "Recall Customer Contact Check"
    _order = "recall_id, partner_id"
    _rec_name = "partner_id"
    _log_access = False

    recall_id = fields.Many2one("lot.recall", required=True, ondelete="cascade", readonly=True)
    company_id = fields.Many2one(related="recall_id.company_id")
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True)
    recipient_id = fields.Many2one("res.partner", string="Contact", readonly=True)
    email = fields.Char(readonly=True)
    phone = fields.Char(readonly=True)
    reachable_by = fields.Selection(
        [("email", "Email"), ("phone", "Phone only"), ("none", "Cannot be reached")],
        readonly=True,
        required=True,
    )

    _sql_constraints = [
        (
            "recall_partner_uniq",
            "unique(recall_id, partner_id)",
            "A customer is checked once per recall.",
        ),
    ]

    @api.model
    def _rows_for_notices(self, notices):
        """One row (dict of ``CONTACT_COLUMNS``) per notice: its recipient as the notice would
        be sent (``lot.recall.notice._find_recipient``), a usable email address, else a phone
        number of the recipient or the customer."""
        rows = []
        for notice in notices:
            recipient = notice._find_recipient()
            email = email_normalize(recipient.email or "")
            phone = next(
                (
                    number.strip()
                    for number in (
                        recipient.phone,
                        recipient.mobile,
                        notice.partner_id.phone,
                        notice.partner_id.mobile,
                    )
                    if number and number.strip()
                ),
                None,
            )
            rows.append(
                {
                    "partner_id": notice.partner_id.id,
                    "recipient_id": recipient.id,
                    # None, not False: the rows are stored as JSON (lot.recall._replace_rows).
                    "email": email or recipient.email or None,
                    "phone": phone,
                    "reachable_by": "email" if email else "phone" if phone else "none",
                }
            )
        return rows
