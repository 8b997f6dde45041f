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
    recall_notify_consignees = fields.Boolean(
        string="Notify Second-Tier Consignees",
        help="When a customer lists on its notice page the consignees it delivered the recalled "
        "products to, send each one with an email address the recall notice too, on the "
        "customer's behalf, with its own acknowledgment link.",
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
    # Mock recalls (drills): the rules a drill is scored by, and when one last passed.
    recall_drill_target_hours = fields.Float(
        string="Drill Target (hours)",
        default=4.0,
        help="A mock recall passes only if it is reconciled within this many hours of its "
        "start (BRCGS asks for 4 hours).",
    )
    recall_drill_tolerance_percent = fields.Float(
        string="Mass Balance Tolerance (%)",
        default=0.0,
        help="How far the accounted quantity of a recall may be from 100% of the quantity in. "
        "0: everything must be accounted for, and more than 100% fails as well.",
    )
    recall_drill_last_passed_at = fields.Datetime(
        string="Last Successful Drill",
        compute="_compute_recall_drill_last_passed_at",
        help="When the company's last mock recall that passed was reconciled.",
    )

    def _compute_recall_drill_last_passed_at(self):
        # A date for the settings and the recalls dashboard: read whatever the user's
        # rights on recalls (the date names no recall).
        last = dict(
            self.env["lot.recall"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "in", self.ids),
                    ("is_mock", "=", True),
                    ("drill_result", "=", "passed"),
                ],
                ["company_id"],
                ["drill_completed_at:max"],
            )
        )
        for company in self:
            company.recall_drill_last_passed_at = last.get(company._origin, False)
