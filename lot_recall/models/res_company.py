# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    recall_reminder_days = fields.Integer(
        string="Recall Reminder Delay (days)",
        default=7,
        help="Send the recall notice again to customers who have not acknowledged it after "
        "this many days. 0 disables reminders.",
    )
    recall_reminder_max = fields.Integer(
        string="Recall Reminders",
        default=2,
        help="At most this many reminders per customer and recall.",
    )
    lot_expiry_alert_enabled = fields.Boolean(
        string="Expiry Digest",
        default=True,
        help="Email a daily digest of the lots in stock that have expired or expire soon.",
    )
    lot_expiry_alert_days = fields.Integer(
        string="Expiry Alert Horizon (days)",
        default=30,
        help="Lots expiring within this many days are announced as expiring.",
    )
    lot_expiry_alert_user_ids = fields.Many2many(
        "res.users",
        "res_company_lot_expiry_alert_user_rel",
        "company_id",
        "user_id",
        string="Expiry Digest Recipients",
        domain=[("share", "=", False)],
        help="Users who receive the expiry digest. Empty: the company's Recall Managers.",
    )
    lot_expiry_auto_quarantine = fields.Boolean(
        string="Quarantine Expired Lots",
        help="Quarantine lots automatically when the expiry digest finds them expired.",
    )
