# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..models.stock_lot import VALUATION_GROUP


class LotRecallDestroyWizard(models.TransientModel):
    """Confirmation of *Destroy Quarantined Stock*: what will be scrapped, before it is."""

    _name = "lot.recall.destroy.wizard"
    _description = "Destroy Quarantined Stock"

    recall_id = fields.Many2one("lot.recall", required=True, readonly=True, ondelete="cascade")
    line_ids = fields.One2many(
        "lot.recall.destroy.wizard.line", "wizard_id", string="Quarantined Stock", readonly=True
    )
    scrap_location_id = fields.Many2one(
        "stock.location", string="Scrapped To", compute="_compute_scrap_location_id"
    )
    currency_id = fields.Many2one(related="recall_id.company_id.currency_id")
    total_value = fields.Monetary(
        string="Value at Lot Cost",
        compute="_compute_total_value",
        groups=VALUATION_GROUP,
        help="What the scrap orders will take out of the stock valuation, at the lots' cost.",
    )

    @api.depends("recall_id")
    def _compute_scrap_location_id(self):
        for wizard in self:
            wizard.scrap_location_id = self.env["stock.location"].search(
                [
                    ("scrap_location", "=", True),
                    ("company_id", "in", [wizard.recall_id.company_id.id, False]),
                ],
                order="company_id desc, id",
                limit=1,
            )

    @api.depends("line_ids.value")
    def _compute_total_value(self):
        for wizard in self:
            wizard.total_value = sum(wizard.line_ids.mapped("value"))

    def action_confirm(self):
        """Scrap what the confirmation showed (refused if the stock changed meanwhile)."""
        self.ensure_one()
        self.recall_id._destroy_quarantined(
            {line.quant_id.id: line.quantity for line in self.line_ids}
        )
        return {"type": "ir.actions.act_window_close"}
