# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

# The keys of an ``upstream`` row of ``lot.trace._trace``, stored as they are.
TRACE_UPSTREAM_KEYS = (
    "lot_id",
    "move_line_id",
    "picking_id",
    "partner_id",
    "date",
    "supplier_lot_ref",
)


class LotRecallUpstream(models.Model):
    """One done receipt of a recalled lot from a supplier, as the recall's last trace found it
    (where the recalled goods came from: the Suppliers sheet of the export).

    Written by the trace only (with sudo, in one create), read by the reports.
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
        move_lines = self.env["stock.move.line"].browse([row["move_line_id"] for row in rows])
        quantities = {line.id: line.quantity_product_uom for line in move_lines}
        return [
            {
                "recall_id": recall.id,
                "quantity": quantities[row["move_line_id"]],
                **{key: row[key] for key in TRACE_UPSTREAM_KEYS},
            }
            for row in rows
        ]

    @api.model
    def _replace_trace_rows(self, recall, rows):
        """Replace the supplier receipts of ``recall`` by ``rows``, in one create, unless they
        are the same; return the recall's supplier receipts. For the recall's trace only: call
        it with sudo."""
        vals_list = self._vals_from_trace(recall, rows)
        stored = self.search([("recall_id", "in", recall.ids)])
        keys = ("quantity", *TRACE_UPSTREAM_KEYS)

        def key(values):
            return tuple(values[fname] or False for fname in keys)

        if {key(vals) for vals in vals_list} == {
            key(vals) for vals in stored.read(keys, load=None)
        }:
            return stored
        stored.unlink()
        return self.create(vals_list)
