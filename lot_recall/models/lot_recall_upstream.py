# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

# The columns of a supplier receipt with their SQL types: the keys of an ``upstream`` row of
# ``lot.trace._trace``, stored as they are, and the received quantity.
UPSTREAM_COLUMNS = {
    "lot_id": "int",
    "move_line_id": "int",
    "picking_id": "int",
    "partner_id": "int",
    "date": "timestamp",
    "supplier_lot_ref": "varchar",
    "quantity": "numeric",
}


class LotRecallUpstream(models.Model):
    """One done receipt of a recalled lot from a supplier, as the recall's last trace found it
    (where the recalled goods came from: the Suppliers sheet of the export).

    Written by the trace only (in one INSERT, ``lot.recall._replace_rows``), read by the
    reports.
    """

    _name = "lot.recall.upstream"
    _description = "Recall Supplier Receipt"
    _order = "recall_id, date, move_line_id"
    _rec_name = "lot_id"

    recall_id = fields.Many2one(
        "lot.recall", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="recall_id.company_id", store=True, index=True)
    lot_id = fields.Many2one("stock.lot", required=True, index=True, readonly=True)
    product_id = fields.Many2one(related="lot_id.product_id")
    product_uom_id = fields.Many2one(related="lot_id.product_id.uom_id", string="Unit")
    move_line_id = fields.Many2one(
        "stock.move.line", string="Receipt Line", required=True, readonly=True
    )
    picking_id = fields.Many2one("stock.picking", string="Receipt", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Supplier", readonly=True)
    date = fields.Datetime(string="Receipt Date", readonly=True)
    supplier_lot_ref = fields.Char(
        string="Supplier Lot",
        readonly=True,
        help="The supplier's lot number as recorded on the receipt line, else on the lot.",
    )
    quantity = fields.Float(
        string="Received",
        digits="Product Unit of Measure",
        readonly=True,
        help="Quantity of the receipt line in the product's unit, when the recall was traced.",
    )

    _sql_constraints = [
        (
            "recall_move_line_uniq",
            "unique(recall_id, move_line_id)",
            "A supplier receipt line appears once per recall.",
        ),
    ]

    @api.model
    def _vals_from_trace(self, recall, rows):
        """Create values of ``recall``'s rows from ``rows`` (the ``upstream`` rows of
        ``lot.trace._trace``), with the received quantity of each receipt line."""
        return [
            {"recall_id": recall.id, **{key: row[key] for key in UPSTREAM_COLUMNS}}
            for row in self._rows_from_trace(rows)
        ]

    @api.model
    def _rows_from_trace(self, rows):
        """``rows`` (the ``upstream`` rows of ``lot.trace._trace``) with the received quantity
        of each receipt line (``quantity``), as stored."""
        move_lines = self.env["stock.move.line"].browse([row["move_line_id"] for row in rows])
        move_lines.fetch(["quantity_product_uom"])
        return [
            dict(row, quantity=line.quantity_product_uom)
            for row, line in zip(rows, move_lines, strict=True)
        ]
