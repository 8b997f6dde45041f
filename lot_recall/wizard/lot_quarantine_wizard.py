# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class LotQuarantineWizard(models.TransientModel):
    _name = "lot.quarantine.wizard"
    _description = "Quarantine Lots"

    lot_ids = fields.Many2many("stock.lot", string="Lots", required=True)
    reason = fields.Char(required=True, help="Why these lots are held: logged on each lot.")

    @api.constrains("lot_ids")
    def _check_lot_access(self):
        self.lot_ids.check_access("read")

    def action_confirm(self):
        self.ensure_one()
        self.env["lot.recall"]._check_recall_manager()
        self.lot_ids.check_access("read")
        lots = self.lot_ids.filtered(lambda lot: not lot.quarantined)
        lots._quarantine(
            self.env._(
                "Quarantined by %(user)s: %(reason)s", user=self.env.user.name, reason=self.reason
            )
        )
        return {"type": "ir.actions.act_window_close"}
