# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    recall_reminder_days = fields.Integer(related="company_id.recall_reminder_days", readonly=False)
    recall_reminder_max = fields.Integer(related="company_id.recall_reminder_max", readonly=False)
    recall_notify_consignees = fields.Boolean(
        related="company_id.recall_notify_consignees", readonly=False
    )
    lot_expiry_alert_enabled = fields.Boolean(
        related="company_id.lot_expiry_alert_enabled", readonly=False
    )
    lot_expiry_alert_days = fields.Integer(
        related="company_id.lot_expiry_alert_days", readonly=False
    )
    lot_expiry_alert_user_ids = fields.Many2many(
        related="company_id.lot_expiry_alert_user_ids", readonly=False
    )
    lot_expiry_auto_quarantine = fields.Boolean(
        related="company_id.lot_expiry_auto_quarantine", readonly=False
    )
    recall_drill_target_hours = fields.Float(
        related="company_id.recall_drill_target_hours", readonly=False
    )
    recall_drill_tolerance_percent = fields.Float(
        related="company_id.recall_drill_tolerance_percent", readonly=False
    )
    recall_drill_last_passed_at = fields.Datetime(related="company_id.recall_drill_last_passed_at")
