# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from odoo.addons.lot_recall.reports.report_lot_trace import QUANTITY, qweb_formatter

from ..models.stock_lot import VALUATION_GROUP

SUMMARY_FIELDS = (
    "exposure_value_shipped",
    "exposure_value_held",
    "exposure_value_reported_on_hand",
    "exposure_value_returning",
    "handling_cost_per_customer",
    "handling_cost_per_unit",
    "handling_cost_total",
    "estimated_total_cost",
)


class ReportRecall(models.AbstractModel):
    _inherit = "report.lot_recall.report_recall"

    @api.model
    def _get_report_values(self, docids, data=None):
        """The recall report gets its cost exposure (section *Cost Exposure*), for those who
        may read valuation only."""
        values = super()._get_report_values(docids, data=data)
        allowed = self.env.su or self.env.user.has_group(VALUATION_GROUP)
        values["cost_exposure"] = (
            {recall.id: self._cost_exposure(recall) for recall in values["docs"]} if allowed else {}
        )
        return values

    @api.model
    def _cost_exposure(self, recall):
        """The recall's cost exposure as text: ``summary`` (label, amount) and ``lots`` (one
        row per affected lot shipped or held)."""
        money = qweb_formatter(
            self.env, "monetary", {"display_currency": recall.company_id.currency_id}
        )
        quantity = qweb_formatter(self.env, "float", QUANTITY)
        bases = dict(self.env["stock.lot"]._fields["cost_basis"]._description_selection(self.env))
        fnames = list(SUMMARY_FIELDS)
        if recall.supplier_id:
            fnames.append("claimable_from_supplier")
        summary = [
            (recall._fields[fname].get_description(self.env)["string"], money(recall[fname]))
            for fname in fnames
        ]
        lots = [
            {
                "lot": row["lot"].name,
                "product": row["lot"].product_id.display_name,
                "basis": bases.get(row["cost_basis"], ""),
                "unit_cost": money(row["unit_cost"]),
                "shipped": quantity(row["shipped_quantity"]),
                "shipped_value": money(row["shipped_value"]),
                "held": quantity(row["held_quantity"]),
                "held_value": money(row["held_value"]),
            }
            for row in recall._cost_exposure_lots()
        ]
        return {"summary": summary, "lots": lots}
