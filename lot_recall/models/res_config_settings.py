# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    recall_reminder_days = fields.Integer(related="company_id.recall_reminder_days", readonly=False)
    recall_reminder_max = fields.Integer(related="company_id.recall_reminder_max", readonly=False)
