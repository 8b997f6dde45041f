# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class StockLot(models.Model):
    _inherit = "stock.lot"

    recall_ids = fields.Many2many(
        "lot.recall",
        "lot_recall_affected_lot_rel",
        "lot_id",
        "recall_id",
        string="Recalls",
        readonly=True,
        copy=False,
    )
    is_recalled = fields.Boolean(
        string="Recalled",
        compute="_compute_is_recalled",
        store=True,
        index=True,
        help="The lot is affected by an active (traced or notified) recall that is not a drill.",
    )
    quarantined = fields.Boolean(
        readonly=True,
        copy=False,
        tracking=True,
        help="Quarantined lots cannot be reserved. Only a Recall Manager can release them.",
    )

    @api.depends("recall_ids.state", "recall_ids.is_mock")
    def _compute_is_recalled(self):
        for lot in self:
            lot.is_recalled = any(
                recall.state in ("traced", "notified") and not recall.is_mock
                for recall in lot.recall_ids
            )

    def write(self, vals):
        if (
            "quarantined" in vals
            and not self.env.su
            and not self.env.user.has_group("lot_recall.group_recall_manager")
        ):
            raise AccessError(
                self.env._("Only a Recall Manager can quarantine or release lots directly.")
            )
        return super().write(vals)

    def action_open_recall_wizard(self):
        """Open the recall wizard on these lots (lot form button, list action)."""
        if not self:
            raise UserError(self.env._("Select at least one lot to recall."))
        if len(self.company_id) > 1:
            raise UserError(self.env._("Recall lots of one company at a time."))
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "lot_recall.action_lot_recall_wizard"
        )
        action["context"] = {"default_lot_ids": self.ids}
        return action

    def _quarantine(self, recall):
        """Block these lots from reservation and release what is already reserved."""
        self.sudo().quarantined = True
        reserved = self.env["stock.move.line"].search(
            [
                ("lot_id", "in", self.ids),
                ("state", "not in", ("done", "cancel")),
                ("picked", "=", False),
                ("location_id.usage", "in", ("internal", "transit")),
            ]
        )
        moves = reserved.move_id
        reserved.unlink()
        moves._action_assign()
        for lot in self:
            lot.message_post(
                body=self.env._("Quarantined by recall %(recall)s.", recall=recall.name),
                subtype_xmlid="mail.mt_note",
            )

    def action_release_quarantine(self):
        if not self.env.user.has_group("lot_recall.group_recall_manager"):
            raise AccessError(self.env._("Only a Recall Manager can release a quarantined lot."))
        lots = self.filtered("quarantined")
        lots.write({"quarantined": False})
        for lot in lots:
            lot.message_post(
                body=self.env._("Released from quarantine by %(user)s.", user=self.env.user.name),
                subtype_xmlid="mail.mt_note",
            )
        return True
