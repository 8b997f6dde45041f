# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class ReportLotTrace(models.AbstractModel):
    """Values of the lot trace report: where a lot came from (supplier receipts, the lots it
    was made from) and where it went (lots made from it, customer deliveries, stock held)."""

    _name = "report.lot_recall.report_lot_trace"
    _description = "Lot Trace Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        lots = self.env["stock.lot"].browse(docids)
        return {
            "doc_ids": docids,
            "doc_model": "stock.lot",
            "docs": lots,
            "traces": {lot.id: self._lot_trace(lot) for lot in lots},
        }

    @api.model
    def _lot_trace(self, lot):
        """Where ``lot`` came from and where it went, as records for the template."""
        company = lot.company_id or self.env.company
        lot._lot_recall_check_trace_access(company, group="stock.group_stock_user")
        trace = self.env["lot.trace"]._trace(lot.ids, company.id, include_derived=True)
        made_from = (
            self.env["stock.move.line"]
            .search(
                [
                    ("lot_id", "=", lot.id),
                    ("state", "=", "done"),
                    ("consume_line_ids", "!=", False),
                ]
            )
            .consume_line_ids.filtered("lot_id")
        )
        return {
            "receipts": [self._receipt_row(row) for row in trace["upstream"]],
            "made_from": made_from.sorted(lambda line: (line.date, line.id)),
            "derived": [self._derived_row(row) for row in trace["lots"] if row["depth"]],
            "deliveries": [self._delivery_row(row) for row in trace["deliveries"]],
            "stock": [self._stock_row(row) for row in trace["stock"]],
        }

    @api.model
    def _receipt_row(self, row):
        return {
            "partner": self.env["res.partner"].browse(row["partner_id"]),
            "move_line": self.env["stock.move.line"].browse(row["move_line_id"]),
            "date": row["date"],
            "supplier_lot_ref": row["supplier_lot_ref"],
        }

    @api.model
    def _derived_row(self, row):
        lots = self.env["stock.lot"]
        return {
            "lot": lots.browse(row["lot_id"]),
            "depth": row["depth"],
            "parent": lots.browse(row["parent_lot_id"]),
            "via": row["via_reference"],
        }

    @api.model
    def _delivery_row(self, row):
        return {
            "partner": self.env["res.partner"].browse(row["partner_id"]),
            "move_line": self.env["stock.move.line"].browse(row["move_line_id"]),
            "lot": self.env["stock.lot"].browse(row["lot_id"]),
            "date": row["date"],
            "quantity": row["quantity"],
            "returned": row["returned_quantity"],
        }

    @api.model
    def _stock_row(self, row):
        return {
            "lot": self.env["stock.lot"].browse(row["lot_id"]),
            "location": self.env["stock.location"].browse(row["location_id"]),
            "quantity": row["quantity"],
        }
