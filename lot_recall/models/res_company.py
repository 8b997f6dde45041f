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
