# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class LotRecallCloseWizard(models.TransientModel):
    _name = "lot.recall.close.wizard"
    _description = "Close a Recall"

    recall_id = fields.Many2one("lot.recall", required=True, ondelete="cascade")
    is_mock = fields.Boolean(related="recall_id.is_mock")
    pending_count = fields.Integer(string="Notices Not Sent", compute="_compute_open_items")
    failed_count = fields.Integer(string="Customers Not Reached", compute="_compute_open_items")
    unacknowledged_count = fields.Integer(
        string="Notices Not Acknowledged", compute="_compute_open_items"
    )
    stock_quantity = fields.Float(
        string="Quantity Still Held",
        digits="Product Unit of Measure",
        compute="_compute_open_items",
    )
    reason_required = fields.Boolean(compute="_compute_open_items")
    reason = fields.Text(
        help="Why the recall is closed although some customers were not reached: logged on the "
        "recall."
    )

    @api.depends("recall_id")
    def _compute_open_items(self):
        for wizard in self:
            items = wizard.recall_id._open_items()
            wizard.pending_count = len(items["pending"])
            wizard.failed_count = len(items["failed"])
            wizard.unacknowledged_count = len(items["unacknowledged"])
            wizard.stock_quantity = items["stock_quantity"]
            wizard.reason_required = not wizard.recall_id.is_mock and bool(
                items["pending"] or items["failed"]
            )

    @api.constrains("recall_id")
    def _check_recall_access(self):
        self.recall_id.check_access("read")

    def action_confirm(self):
        self.ensure_one()
        self.recall_id._close(self.reason)
        return {"type": "ir.actions.act_window_close"}
