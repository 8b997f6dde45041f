# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..tools import selection_label
from .report_lot_trace import QUANTITY, qweb_formatter


class ReportRecallStatus(models.AbstractModel):
    """Values of the recall status report (21 CFR 7.53(b)): consignees notified (how many,
    when, how), responding (how many, quantities on hand at response), not responding (named),
    effectiveness checks made and their results, the estimated completion, and the recall's
    regulatory record.

    Read from the recall's notices, acknowledgments and checks (the stored records, never the
    trace run again), handed to the template as text formatted by Odoo's QWeb converters.
    """

    _name = "report.lot_recall.report_recall_status"
    _description = "Recall Status Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        recalls = self.env["lot.recall"].browse(docids)
        companies = recalls.company_id
        when = qweb_formatter(self.env, "datetime", {"widget": "datetime"})
        return {
            "doc_ids": docids,
            "doc_model": "lot.recall",
            "docs": recalls,
            "status": {recall.id: self._status(recall) for recall in recalls},
            "printed_at": when(fields.Datetime.now()),
            # The company of the page layout, when every recall is of the same one.
            "layout_company": companies.sudo() if len(companies) == 1 else False,
        }

    @api.model
    def _status(self, recall):
        """What the status report says of ``recall``: figures and rows, as text."""
        quantity = qweb_formatter(self.env, "float", QUANTITY)
        when = qweb_formatter(self.env, "datetime", {"widget": "datetime"})
        notices = recall.notice_ids
        reached = notices.filtered(lambda n: n.state in ("sent", "acknowledged"))
        responding = notices.filtered(lambda n: n.state == "acknowledged")
        sent_dates = [date for date in reached.mapped("sent_date") if date]
        checks = recall.effectiveness_check_ids
        recorded = checks.filtered(lambda check: check.state == "done")
        yes, no = self.env._("Yes"), self.env._("No")
        return {
            # This print's place in the recall's series of status reports.
            "number": len(recall.sudo().status_report_ids) + 1,
            "consignee_count": len(notices),
            "notified_count": len(reached),
            "first_notified": when(min(sent_dates)) if sent_dates else "-",
            "last_notified": when(max(sent_dates)) if sent_dates else "-",
            "reminder_count": sum(notices.mapped("reminder_count")),
            "to_call_count": len(
                notices.filtered(lambda n: n.state == "failed" and n.failure_kind == "customer")
            ),
            "unsent_count": len(
                notices.filtered(
                    lambda n: (
                        n.state == "pending"
                        or (n.state == "failed" and n.failure_kind != "customer")
                    )
                )
            ),
            "responding_count": len(responding),
            "quantity_on_hand": quantity(sum(responding.mapped("ack_quantity_on_hand"))),
            "responders": [
                {
                    "partner": notice.partner_id.display_name,
                    "date": when(notice.ack_date) if notice.ack_date else "",
                    "channel": selection_label(notice.ack_ids[-1:], "channel")
                    if notice.ack_ids
                    else "",
                    "delivered": quantity(notice.quantity_delivered),
                    "on_hand": quantity(notice.ack_quantity_on_hand),
                    "action": selection_label(notice, "ack_action"),
                }
                for notice in responding.sorted(lambda n: n.partner_id.display_name or "")
            ],
            "non_responders": [
                {
                    "partner": notice.partner_id.display_name,
                    "state": selection_label(notice, "state"),
                    "sent": when(notice.sent_date) if notice.sent_date else "",
                    "reminders": notice.reminder_count,
                    "contact": notice.email
                    or notice.partner_id.phone
                    or notice.partner_id.email
                    or "",
                }
                for notice in (notices - responding).sorted(
                    lambda n: n.partner_id.display_name or ""
                )
            ],
            "level": self._level_label(recall),
            "check_selected_count": len(checks),
            "check_count": len(recorded),
            "contacted_count": len(recorded.filtered("contacted")),
            "received_count": len(recorded.filtered("received_notice")),
            "followed_count": len(recorded.filtered("followed_instructions")),
            "checks": [
                {
                    "partner": check.partner_id.display_name,
                    "state": selection_label(check, "state"),
                    "method": selection_label(check, "method"),
                    "contacted": (yes if check.contacted else no) if check.state == "done" else "",
                    "received": (yes if check.received_notice else no)
                    if check.state == "done"
                    else "",
                    "followed": (yes if check.followed_instructions else no)
                    if check.state == "done"
                    else "",
                    "recorded": self.env._(
                        "%(user)s, %(date)s",
                        user=check.recorded_by_id.name,
                        date=when(check.recorded_at),
                    )
                    if check.state == "done"
                    else "",
                }
                for check in checks
            ],
        }

    @api.model
    def _level_label(self, recall):
        """The recall's effectiveness check level in words (level B with its percentage)."""
        if not recall.effectiveness_level:
            return self.env._("Not set")
        label = selection_label(recall, "effectiveness_level")
        if recall.effectiveness_level == "B":
            label = self.env._(
                "%(level)s (%(percent)s%%)",
                level=label,
                percent=f"{recall.effectiveness_percent:g}",
            )
        return label
