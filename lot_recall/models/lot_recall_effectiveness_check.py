# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import selection_label

CHECK_METHODS = [
    ("phone", "Phone"),
    ("visit", "Visit"),
    ("letter", "Letter"),
    ("email", "Email"),
]
# What a recorded check says: never changed once recorded.
RESULT_FIELDS = frozenset(
    {
        "state",
        "method",
        "contacted",
        "received_notice",
        "followed_instructions",
        "note",
        "recorded_by_id",
        "recorded_at",
    }
)


class LotRecallEffectivenessCheck(models.Model):
    """One consignee of a recall's effectiveness check sample (21 CFR 7.42(b)(3)) and what the
    check found: contacted, received the notice, followed its instructions.

    Created by the recall's *Select Consignees* only, recorded once by *Record Check*
    (``_record``, stamped with the user and the time); evidence: never changed once recorded,
    never deleted.
    """

    _name = "lot.recall.effectiveness.check"
    _description = "Recall Effectiveness Check"
    _order = "recall_id desc, sample_rank, id"
    _rec_name = "partner_id"

    recall_id = fields.Many2one("lot.recall", required=True, ondelete="restrict", readonly=True)
    company_id = fields.Many2one(related="recall_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Consignee",
        required=True,
        index=True,
        ondelete="restrict",
        readonly=True,
    )
    notice_id = fields.Many2one("lot.recall.notice", readonly=True, ondelete="set null")
    sample_rank = fields.Integer(
        readonly=True,
        help="The consignee's place in the recall's seeded draw (1 is drawn first).",
    )
    activity_id = fields.Many2one(
        "mail.activity",
        readonly=True,
        ondelete="set null",
        help="The activity of the recall's responsible to make this check; done when the "
        "check is recorded.",
    )
    state = fields.Selection(
        [("pending", "To Check"), ("done", "Recorded")],
        default="pending",
        required=True,
        readonly=True,
        index=True,
    )
    method = fields.Selection(CHECK_METHODS, readonly=True, help="How the consignee was checked.")
    contacted = fields.Boolean(readonly=True, help="The consignee was reached.")
    received_notice = fields.Boolean(
        readonly=True, help="The consignee received the recall notice."
    )
    followed_instructions = fields.Boolean(
        readonly=True, help="The consignee followed the notice's instructions."
    )
    note = fields.Text(readonly=True)
    recorded_by_id = fields.Many2one("res.users", readonly=True)
    recorded_at = fields.Datetime(string="Recorded On", readonly=True)

    _sql_constraints = [
        (
            "recall_partner_uniq",
            "unique(recall_id, partner_id)",
            "A consignee is checked once per recall.",
        ),
    ]

    def write(self, vals):
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "Effectiveness checks are recorded with Record Check only, never changed "
                    "directly."
                )
            )
        if RESULT_FIELDS & set(vals) and self.filtered(lambda check: check.state == "done"):
            raise UserError(
                self.env._("A recorded effectiveness check is evidence: it cannot be changed.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_recorded(self):
        recorded = self.filtered(lambda check: check.state == "done")
        if recorded:
            raise UserError(
                self.env._(
                    "The effectiveness checks of %(consignees)s are recorded: they are evidence "
                    "and cannot be deleted.",
                    consignees=", ".join(recorded.partner_id.mapped("display_name")),
                )
            )

    def action_record(self):
        """Open the form that records what this check found."""
        self.ensure_one()
        self._check_recordable()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Record Effectiveness Check"),
            "res_model": "lot.recall.check.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_check_id": self.id},
        }

    def _check_recordable(self):
        """Refuse a check the user may not record: not readable, of a closed or cancelled
        recall, or recorded already."""
        self.check_access("read")
        self.recall_id._check_open(self.env._("checked"))
        recorded = self.filtered(lambda check: check.state == "done")
        if recorded:
            raise UserError(
                self.env._(
                    "The effectiveness check of %(consignee)s was recorded by %(user)s on "
                    "%(date)s: it is evidence and is not recorded again.",
                    consignee=recorded[0].partner_id.display_name,
                    user=recorded[0].recorded_by_id.name,
                    date=fields.Datetime.to_string(recorded[0].recorded_at),
                )
            )

    def _record(self, method, contacted, received_notice, followed_instructions, note=False):
        """Record what this check found, stamped with the current user and time; its activity
        is marked done with the result."""
        self.ensure_one()
        self._check_recordable()
        if not contacted and (received_notice or followed_instructions):
            raise UserError(
                self.env._(
                    "%(consignee)s was not contacted: whether they received the notice or "
                    "followed its instructions is not known.",
                    consignee=self.partner_id.display_name,
                )
            )
        self.sudo().write(
            {
                "state": "done",
                "method": method,
                "contacted": contacted,
                "received_notice": received_notice,
                "followed_instructions": followed_instructions,
                "note": note or False,
                "recorded_by_id": self.env.uid,
                "recorded_at": fields.Datetime.now(),
            }
        )
        summary = self._result_summary()
        if self.activity_id:
            self.activity_id.action_feedback(feedback=summary)
        else:
            self.recall_id.message_post(
                body=Markup("<p>%s</p>") % summary, subtype_xmlid="mail.mt_note"
            )
        return True

    def _result_summary(self):
        """What this recorded check found, in one sentence."""
        self.ensure_one()
        yes, no = self.env._("yes"), self.env._("no")
        return self.env._(
            "Effectiveness check of %(consignee)s (%(method)s): contacted %(contacted)s, "
            "received the notice %(received)s, followed its instructions %(followed)s.",
            consignee=self.partner_id.display_name,
            method=selection_label(self, "method") or "-",
            contacted=yes if self.contacted else no,
            received=yes if self.received_notice else no,
            followed=yes if self.followed_instructions else no,
        ) + (f" {self.note}" if self.note else "")
