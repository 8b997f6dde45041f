# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    lot_recall_handling_cost_customer = fields.Monetary(
        string="Recall Handling Cost per Customer",
        currency_field="currency_id",
        help="Default estimate of what a recall costs per customer reached (calls, letters, "
        "collection), for new recalls.",
    )
    lot_recall_handling_cost_unit = fields.Monetary(
        string="Recall Handling Cost per Unit",
        currency_field="currency_id",
        help="Default estimate of what a recall costs per unit recalled (freight back, "
        "storage, destruction), for new recalls.",
    )
