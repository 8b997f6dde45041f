# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    lot_recall_cost_currency_id = fields.Many2one(
        "res.currency", related="company_id.currency_id", string="Recall Cost Currency"
    )
    lot_recall_handling_cost_customer = fields.Monetary(
        related="company_id.lot_recall_handling_cost_customer",
        currency_field="lot_recall_cost_currency_id",
        readonly=False,
    )
    lot_recall_handling_cost_unit = fields.Monetary(
        related="company_id.lot_recall_handling_cost_unit",
        currency_field="lot_recall_cost_currency_id",
        readonly=False,
    )
