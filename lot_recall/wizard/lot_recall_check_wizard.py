# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..models.lot_recall_effectiveness_check import CHECK_METHODS


class LotRecallCheckWizard(models.TransientModel):
    _name = "lot.recall.check.wizard"
    _description = "Record a Recall Effectiveness Check"

    check_id = fields.Many2one("lot.recall.effectiveness.check", required=True, ondelete="cascade")
    partner_id = fields.Many2one(related="check_id.partner_id", string="Consignee")
    method = fields.Selection(
        CHECK_METHODS, required=True, default="phone", help="How the consignee was checked."
    )
    contacted = fields.Boolean(default=True, help="The consignee was reached.")
    received_notice = fields.Boolean(help="The consignee received the recall notice.")
    followed_instructions = fields.Boolean(
        help="The consignee followed the notice's instructions (product destroyed, returned or "
        "set aside as asked)."
    )
    note = fields.Text()

    @api.constrains("check_id")
    def _check_check_access(self):
        self.check_id.check_access("read")

    @api.onchange("contacted")
    def _onchange_contacted(self):
        if not self.contacted:
            self.received_notice = self.followed_instructions = False

    def action_confirm(self):
        self.ensure_one()
        self.check_id._record(
            self.method,
            self.contacted,
            self.received_notice,
            self.followed_instructions,
            self.note,
        )
        return {"type": "ir.actions.act_window_close"}
