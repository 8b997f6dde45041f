# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from .lot_recall_notice import ACK_ACTIONS

ACK_CHANNELS = [
    ("portal", "Notice page"),
    ("phone", "Phone"),
    ("email", "Email"),
    ("paper", "Paper"),
    ("visit", "Visit"),
]


class LotRecallAcknowledgment(models.Model):
    """One acknowledgment of a recall notice, as given: the record, not the chatter.

    Written only by ``lot.recall.notice._acknowledge``; nobody edits or deletes it.
    """

    _name = "lot.recall.acknowledgment"
    _description = "Recall Notice Acknowledgment"
    _order = "notice_id, date, id"

    notice_id = fields.Many2one(
        "lot.recall.notice", required=True, index=True, ondelete="restrict", readonly=True
    )
    recall_id = fields.Many2one(related="notice_id.recall_id", store=True, index=True)
    company_id = fields.Many2one(related="notice_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="notice_id.partner_id", string="Customer", store=True)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    channel = fields.Selection(ACK_CHANNELS, required=True, readonly=True)
    quantity_on_hand = fields.Float(
        string="Reported Quantity On Hand", digits="Product Unit of Measure", readonly=True
    )
    action = fields.Selection(ACK_ACTIONS, string="Action Taken", required=True, readonly=True)
    note = fields.Text(readonly=True)
    recorded_by_id = fields.Many2one(
        "res.users",
        readonly=True,
        help="The staff member who recorded an acknowledgment given by phone, email, letter or "
        "visit; empty when the customer answered on the notice page.",
    )

    def write(self, vals):
        if self:
            raise UserError(self.env._("Acknowledgments are evidence: they cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("Acknowledgments are evidence: they cannot be deleted."))
