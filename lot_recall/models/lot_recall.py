# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

CLASSIFICATION_HELP = """FDA recall classes:
Class I: a situation in which there is a reasonable probability that the use of, or exposure to, a
violative product will cause serious adverse health consequences or death.
Class II: a situation in which use of, or exposure to, a violative product may cause temporary or
medically reversible adverse health consequences, or where the probability of serious adverse health
consequences is remote.
Class III: a situation in which use of, or exposure to, a violative product is not likely to cause
adverse health consequences."""


class LotRecall(models.Model):
    _name = "lot.recall"
    _description = "Lot Recall"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference",
        required=True,
        copy=False,
        readonly=True,
        default=lambda self: self.env._("New"),
        index="trigram",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("traced", "Traced"),
            ("notified", "Notified"),
            ("closed", "Closed"),
            ("cancel", "Cancelled"),
        ],
        default="draft",
        required=True,
        copy=False,
        tracking=True,
        index=True,
    )
    reason = fields.Text(required=True, tracking=True)
    classification = fields.Selection(
        [
            ("class_1", "Class I"),
            ("class_2", "Class II"),
            ("class_3", "Class III"),
        ],
        required=True,
        default="class_2",
        tracking=True,
        help=CLASSIFICATION_HELP,
    )
    is_mock = fields.Boolean(
        string="Mock Recall",
        tracking=True,
        help="A recall drill: traces and reports like a real recall but never emails anyone "
        "and never blocks stock.",
    )
    lot_ids = fields.Many2many(
        "stock.lot",
        "lot_recall_stock_lot_rel",
        "recall_id",
        "lot_id",
        string="Recalled Lots",
        required=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        tracking=True,
        domain="[('share', '=', False)]",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", self.env._("New")) == self.env._("New"):
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = self.env["ir.sequence"].with_company(company).next_by_code(
                    "lot.recall"
                ) or self.env._("New")
        return super().create(vals_list)

    def _check_recall_manager(self):
        if not self.env.user.has_group("lot_recall.group_recall_manager"):
            raise AccessError(self.env._("Only a Recall Manager can do this."))

    def action_close(self):
        self._check_recall_manager()
        if self.filtered(lambda r: r.state in ("draft", "cancel")):
            raise UserError(self.env._("Only traced or notified recalls can be closed."))
        self.state = "closed"

    def action_cancel(self):
        self._check_recall_manager()
        if self.filtered(lambda r: r.state == "closed"):
            raise UserError(self.env._("A closed recall cannot be cancelled."))
        self.state = "cancel"
