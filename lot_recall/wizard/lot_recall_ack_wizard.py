# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.lot_recall_acknowledgment import ACK_CHANNELS
from ..models.lot_recall_notice import ACK_ACTIONS


class LotRecallAckWizard(models.TransientModel):
    _name = "lot.recall.ack.wizard"
    _description = "Record a Recall Acknowledgment"

    notice_id = fields.Many2one("lot.recall.notice", required=True, ondelete="cascade")
    partner_id = fields.Many2one(related="notice_id.partner_id", string="Customer")
    channel = fields.Selection(
        [(key, label) for key, label in ACK_CHANNELS if key != "portal"],
        required=True,
        default="phone",
        help="How the customer gave the acknowledgment.",
    )
    quantity_on_hand = fields.Float(
        string="Quantity Still On Hand", digits="Product Unit of Measure", required=True
    )
    action = fields.Selection(ACK_ACTIONS, string="Action Taken", required=True)
    note = fields.Text()

    @api.constrains("notice_id")
    def _check_notice_access(self):
        self.notice_id.check_access("read")

    @api.constrains("quantity_on_hand")
    def _check_quantity(self):
        if any(wizard.quantity_on_hand < 0 for wizard in self):
            raise UserError(self.env._("The quantity still on hand cannot be negative."))

    def action_confirm(self):
        self.ensure_one()
        self.notice_id.check_access("read")
        self.notice_id.recall_id._check_open(self.env._("acknowledged"))
        self.notice_id._acknowledge(
            self.quantity_on_hand, self.action, self.note, channel=self.channel
        )
        return {"type": "ir.actions.act_window_close"}
