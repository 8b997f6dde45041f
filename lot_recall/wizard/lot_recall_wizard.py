# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import formatLang

from ..models.lot_recall import CLASSIFICATION_HELP, CLASSIFICATIONS

PREVIEW_CUSTOMERS = 10


class LotRecallWizard(models.TransientModel):
    _name = "lot.recall.wizard"
    _description = "Recall Lots"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self._default_company()
    )
    lot_ids = fields.Many2many(
        "stock.lot", string="Lots to Recall", required=True, check_company=True
    )
    reason = fields.Text(help="What is wrong with these lots: required to create a recall.")
    classification = fields.Selection(
        CLASSIFICATIONS,
        required=True,
        default="class_2",
        help=CLASSIFICATION_HELP,
    )
    is_mock = fields.Boolean(
        string="Mock Recall (drill)",
        help="Trace and report like a real recall, but never email anyone nor block stock.",
    )
    include_derived = fields.Boolean(
        string="Include Derived Lots",
        default=True,
        help="Also recall every lot manufactured from these lots, at any depth.",
    )
    quarantine = fields.Boolean(
        string="Quarantine Stock Held",
        default=True,
        help="Block the affected stock still in our warehouses from reservation and delivery.",
    )
    send_notices = fields.Boolean(
        string="Email Customers Now",
        help="Queue each affected customer's recall notice as soon as the recall is created "
        "(Recall Managers only; never for mock recalls).",
    )
    active_recall_ids = fields.Many2many(
        "lot.recall",
        string="Already Under Recall",
        compute="_compute_active_recall_ids",
        help="Active real recalls of some of these lots: add the lots to that recall instead of "
        "opening a second one.",
    )
    preview_lot_count = fields.Integer(string="Affected Lots", compute="_compute_preview")
    preview_partner_count = fields.Integer(string="Customers", compute="_compute_preview")
    preview_delivery_count = fields.Integer(string="Deliveries", compute="_compute_preview")
    preview_customers = fields.Html(
        string="First Customers",
        compute="_compute_preview",
        sanitize=False,
        help="The customers who received the most of these lots.",
    )
    preview_stock_quantity = fields.Float(
        string="Quantity Held", digits="Product Unit of Measure", compute="_compute_preview"
    )

    @api.model
    def _default_company(self):
        lots = self.env["stock.lot"].browse(self.env.context.get("default_lot_ids") or [])
        return lots.company_id[:1] or self.env.company

    @api.depends("lot_ids")
    def _compute_active_recall_ids(self):
        for wizard in self:
            recalls = wizard.lot_ids._origin._lot_recall_active_recalls()
            wizard.active_recall_ids = recalls.with_env(self.env)._filtered_access("read")

    @api.depends("lot_ids", "include_derived", "company_id")
    def _compute_preview(self):
        for wizard in self:
            if wizard.lot_ids:
                wizard.lot_ids._origin._lot_recall_check_trace_access(wizard.company_id)
            if not wizard.lot_ids:
                wizard.update(
                    {
                        "preview_lot_count": 0,
                        "preview_partner_count": 0,
                        "preview_delivery_count": 0,
                        "preview_stock_quantity": 0.0,
                        "preview_customers": False,
                    }
                )
                continue
            result = self.env["lot.trace"]._trace(
                wizard.lot_ids._origin.ids, wizard.company_id.id, wizard.include_derived
            )
            deliveries = result["deliveries"]
            wizard.update(
                {
                    "preview_lot_count": len(result["lots"]),
                    "preview_partner_count": len({row["partner_id"] for row in deliveries}),
                    "preview_delivery_count": len(
                        {row["picking_id"] or row["move_line_id"] for row in deliveries}
                    ),
                    "preview_stock_quantity": sum(row["quantity"] for row in result["stock"]),
                    "preview_customers": wizard._preview_customers(deliveries),
                }
            )

    def _preview_customers(self, deliveries):
        """The customers who received the most, by name: an HTML table of the first
        ``PREVIEW_CUSTOMERS`` (deliveries, quantity still at the customer)."""
        totals = defaultdict(lambda: [set(), 0.0])
        for row in deliveries:
            total = totals[row["partner_id"]]
            total[0].add(row["picking_id"] or row["move_line_id"])
            total[1] += row["quantity"] - row["returned_quantity"]
        first = sorted(totals.items(), key=lambda item: -item[1][1])[:PREVIEW_CUSTOMERS]
        if not first:
            return False
        names = dict(
            self.env["res.partner"]
            .browse([partner_id for partner_id, _total in first])
            .sudo()
            .mapped(lambda partner: (partner.id, partner.display_name))
        )
        rows = Markup().join(
            Markup("<tr><td>%s</td><td class='text-end'>%s</td><td class='text-end'>%s</td></tr>")
            % (names.get(partner_id) or "-", len(pickings), formatLang(self.env, quantity))
            for partner_id, (pickings, quantity) in first
        )
        more = len(totals) - len(first)
        return Markup(
            "<table class='table table-sm mb-0'><thead><tr><th>%s</th>"
            "<th class='text-end'>%s</th><th class='text-end'>%s</th></tr></thead>"
            "<tbody>%s</tbody></table>%s"
        ) % (
            self.env._("Customer"),
            self.env._("Deliveries"),
            self.env._("At Customer"),
            rows,
            Markup("<p class='text-muted mb-0'>%s</p>")
            % self.env._("… and %(count)s more customers.", count=more)
            if more
            else "",
        )

    @api.constrains("lot_ids", "company_id")
    def _check_trace_access(self):
        for wizard in self:
            wizard.lot_ids._lot_recall_check_trace_access(wizard.company_id)

    def action_confirm(self):
        self.ensure_one()
        if not self.lot_ids:
            raise UserError(self.env._("Select at least one lot to recall."))
        if not (self.reason or "").strip():
            raise UserError(self.env._("Say what is wrong with these lots (Reason)."))
        self.lot_ids._lot_recall_check_trace_access(self.company_id)
        if self.active_recall_ids and not self.is_mock:
            raise UserError(
                self.env._(
                    "Some of these lots are already under recall %(recalls)s: add them to that "
                    "recall (Add to That Recall) instead of opening a second one.",
                    recalls=", ".join(self.active_recall_ids.mapped("name")),
                )
            )
        recall = self.env["lot.recall"].create(
            {
                "lot_ids": [fields.Command.set(self.lot_ids.ids)],
                "reason": self.reason,
                "classification": self.classification,
                "is_mock": self.is_mock,
                "include_derived": self.include_derived,
                "company_id": self.company_id.id,
            }
        )
        recall.action_trace()
        if self.quarantine and not self.is_mock:
            recall.action_quarantine()
        if self.send_notices and not self.is_mock:
            recall.action_send_notices()
        return recall._get_records_action(context={})

    def action_add_to_recall(self):
        """Add these lots to the active recall that already holds some of them."""
        self.ensure_one()
        recall = self.active_recall_ids[:1]
        if not recall:
            raise UserError(self.env._("None of these lots is under an active recall."))
        recall.action_add_lots((self.lot_ids - recall.lot_ids).ids)
        return recall._get_records_action(context={})
