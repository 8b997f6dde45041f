# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..models.stock_lot import VALUATION_GROUP


class LotRecallDestroyWizardLine(models.TransientModel):
    """One quarantined quant the confirmation shows: lot, location, quantity and value."""

    _name = "lot.recall.destroy.wizard.line"
    _description = "Quarantined Stock to Destroy"

    wizard_id = fields.Many2one("lot.recall.destroy.wizard", required=True, ondelete="cascade")
    quant_id = fields.Many2one("stock.quant", required=True, readonly=True)
    lot_id = fields.Many2one(related="quant_id.lot_id")
    product_id = fields.Many2one(related="quant_id.product_id")
    location_id = fields.Many2one(related="quant_id.location_id")
    quantity = fields.Float(digits="Product Unit of Measure", readonly=True)
    uom_id = fields.Many2one(related="quant_id.product_uom_id", string="Unit")
    currency_id = fields.Many2one(related="wizard_id.currency_id")
    unit_cost = fields.Monetary(
        string="Lot Unit Cost", compute="_compute_value", groups=VALUATION_GROUP
    )
    value = fields.Monetary(compute="_compute_value", groups=VALUATION_GROUP)

    @api.depends("quant_id", "quantity")
    def _compute_value(self):
        self.unit_cost = 0.0
        self.value = 0.0
        for company, lines in self.grouped(lambda line: line.quant_id.company_id).items():
            costs = lines.lot_id._lot_recall_costs(company)
            for line in lines:
                line.unit_cost = costs.get(line.lot_id.id, {}).get("unit_cost") or 0.0
                line.value = line.unit_cost * line.quantity
