# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from ..models.stock_lot import VALUATION_GROUP


class LotRecallXlsx(models.AbstractModel):
    _inherit = "lot.recall.xlsx"

    def _recall_sheets(self, recall):
        """The recall export gets its cost sheets, for those who may read valuation."""
        sheets = super()._recall_sheets(recall)
        if self.env.su or self.env.user.has_group(VALUATION_GROUP):
            sheets += [self._cost_sheet(recall), self._cost_summary_sheet(recall)]
        return sheets

    def _cost_sheet(self, recall):
        columns = [
            (self.env._("Lot"), "text", 18),
            (self.env._("Product"), "text", 30),
            (self.env._("Cost Basis"), "text", 16),
            (self.env._("Unit Cost"), "number", 12),
            (self.env._("Shipped (Net of Returns)"), "number", 12),
            (self.env._("Shipped Value"), "number", 13),
            (self.env._("Held"), "number", 11),
            (self.env._("Held Value"), "number", 13),
            (self.env._("Unit"), "text", 8),
        ]
        bases = dict(self.env["stock.lot"]._fields["cost_basis"]._description_selection(self.env))
        rows = [
            (
                row["lot"].name,
                row["lot"].product_id.display_name,
                bases.get(row["cost_basis"], ""),
                row["unit_cost"],
                row["shipped_quantity"],
                row["shipped_value"],
                row["held_quantity"],
                row["held_value"],
                row["lot"].product_id.uom_id.name,
            )
            for row in recall._cost_exposure_lots()
        ]
        return self.env._("Cost"), columns, rows

    def _cost_summary_sheet(self, recall):
        columns = [
            (self.env._("Item"), "text", 34),
            (self.env._("Value"), "number", 14),
            (self.env._("Currency"), "text", 9),
        ]
        currency = recall.cost_currency_id.name
        items = [
            "exposure_value_shipped",
            "exposure_value_held",
            "exposure_value_reported_on_hand",
            "exposure_value_returning",
            "handling_cost_per_customer",
            "handling_cost_per_unit",
            "handling_cost_total",
            "estimated_total_cost",
        ]
        if recall.supplier_id:
            items.append("claimable_from_supplier")
        rows = [
            (recall._fields[fname].get_description(self.env)["string"], recall[fname], currency)
            for fname in items
        ]
        return self.env._("Cost Summary"), columns, rows
