# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from .lot_recall_yield import YIELD_COLUMNS


class LotRecall(models.Model):
    _inherit = "lot.recall"

    production_ids = fields.Many2many(
        "mrp.production",
        string="Manufacturing Orders",
        compute="_compute_production_ids",
        help="Done manufacturing orders that consumed an affected lot.",
    )
    production_count = fields.Integer(compute="_compute_production_ids")
    yield_ids = fields.One2many(
        "lot.recall.yield",
        "recall_id",
        string="Manufacturing Yield",
        readonly=True,
        copy=False,
        help="For each manufacturing order that made or consumed an affected lot: the "
        "components it consumed against what its bill of materials expects.",
    )

    @api.depends("affected_lot_ids")
    def _compute_production_ids(self):
        for recall in self:
            productions = (
                self.env["stock.move.line"]
                .search(
                    [
                        ("lot_id", "in", recall.affected_lot_ids.ids),
                        ("state", "=", "done"),
                        ("move_id.raw_material_production_id", "!=", False),
                        ("company_id", "=", recall.company_id.id),
                    ]
                )
                .move_id.raw_material_production_id
            )
            recall.production_ids = productions
            recall.production_count = len(productions)

    @api.readonly
    def action_view_productions(self):
        self.ensure_one()
        return self.production_ids._get_records_action(
            name=self.env._("Manufacturing Orders"), context={"create": False}
        )

    def _refresh_balance(self):
        """The mass balance, and the yield check of the manufacturing orders, frozen with it."""
        result = super()._refresh_balance()
        self._replace_rows(
            "lot.recall.yield", YIELD_COLUMNS, self.env["lot.recall.yield"]._rows_for_recall(self)
        )
        self.invalidate_recordset(["yield_ids"])
        return result
