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
        company = lot.company_id or self.env.company
        lot._lot_recall_check_trace_access(company, group="stock.group_stock_user")
        trace = self.env["lot.trace"]._trace(lot.ids, company.id, include_derived=True)
        Lot = self.env["stock.lot"]
        MoveLine = self.env["stock.move.line"]
        Partner = self.env["res.partner"]
        made_from = MoveLine.search(
            [("lot_id", "=", lot.id), ("state", "=", "done"), ("consume_line_ids", "!=", False)]
        ).consume_line_ids.filtered("lot_id")
        return {
            "receipts": [
                {
                    "partner": Partner.browse(row["partner_id"]),
                    "move_line": MoveLine.browse(row["move_line_id"]),
                    "date": row["date"],
                    "supplier_lot_ref": row["supplier_lot_ref"],
                }
                for row in trace["upstream"]
            ],
            "made_from": made_from.sorted(lambda line: (line.date, line.id)),
            "derived": [
                {
                    "lot": Lot.browse(row["lot_id"]),
                    "depth": row["depth"],
                    "parent": Lot.browse(row["parent_lot_id"]),
                    "via": row["via_reference"],
                }
                for row in trace["lots"]
                if row["depth"]
            ],
            "deliveries": [
                {
                    "partner": Partner.browse(row["partner_id"]),
                    "move_line": MoveLine.browse(row["move_line_id"]),
                    "lot": Lot.browse(row["lot_id"]),
                    "date": row["date"],
                    "quantity": row["quantity"],
                    "returned": row["returned_quantity"],
                }
                for row in trace["deliveries"]
            ],
            "stock": [
                {
                    "lot": Lot.browse(row["lot_id"]),
                    "location": self.env["stock.location"].browse(row["location_id"]),
                    "quantity": row["quantity"],
                }
                for row in trace["stock"]
            ],
        }
