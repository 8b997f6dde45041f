# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, fields, models

# The columns of a supplier receipt with their SQL types: the keys of a ``receipts`` row of
# ``lot.trace._trace_upstream``, stored as they are, the affected lot it is behind and whether
# it is in the recalled lineage.
UPSTREAM_COLUMNS = {
    "lot_id": "int",
    "move_line_id": "int",
    "picking_id": "int",
    "partner_id": "int",
    "date": "timestamp",
    "supplier_lot_ref": "varchar",
    "quantity": "numeric",
    "affected_lot_id": "int",
    "recalled_lineage": "bool",
}


class LotRecallUpstream(models.Model):
    """One done receipt from a supplier of a lot behind an affected lot of a recall, as the
    recall's last trace found it: the receipts of the affected lots themselves and of every lot
    that went into them, through all manufacturing levels ("one step back": the Suppliers sheet
    of the export).

    Written by the trace only (in one INSERT, ``lot.recall._replace_rows``), read by the
    reports.
    """

    _name = "lot.recall.upstream"
    _description = "Recall Supplier Receipt"
    _order = "recall_id, date, move_line_id"
    _rec_name = "lot_id"

    # recall_id is the first column of the unique index below, which serves lookups by
    # recall: each index is one more entry written for each of the thousands of rows of a
    # wide recall. The company is the recall's, read from it (not one more foreign key
    # checked for each row).
    recall_id = fields.Many2one("lot.recall", required=True, ondelete="cascade", readonly=True)
    company_id = fields.Many2one(related="recall_id.company_id")
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
    affected_lot_id = fields.Many2one(
        "stock.lot",
        string="Input Of",
        readonly=True,
        help="The affected lot this receipt is behind: the received lot itself when it is "
        "affected, else the nearest affected lot made from it.",
    )
    recalled_lineage = fields.Boolean(
        readonly=True,
        help="The received lot is a recalled lot, went into one, or was made from one; "
        "otherwise it is another input of a lot made from a recalled lot.",
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
        ``lot.trace._trace``: receipts of the recalled lots, each its own affected lot, in
        the recalled lineage), with the received quantity of each receipt line."""
        move_lines = self.env["stock.move.line"].browse([row["move_line_id"] for row in rows])
        move_lines.fetch(["quantity_product_uom"])
        return [
            {
                "recall_id": recall.id,
                **{key: row[key] for key in UPSTREAM_COLUMNS if key in row},
                "quantity": line.quantity_product_uom,
                "affected_lot_id": row["lot_id"],
                "recalled_lineage": True,
            }
            for row, line in zip(rows, move_lines, strict=True)
        ]

    @api.model
    def _rows_behind(self, recalled_ids, affected_ids, company_id):
        """The rows stored for a recall of the lots ``recalled_ids`` whose trace found the
        affected lots ``affected_ids`` (the recalled lots and every lot made from them): the
        receipts of every lot that went into an affected lot, through all manufacturing
        levels (``lot.trace._trace_upstream``), those of the recalled lineage marked. Runs the
        engine: the caller checked the access."""
        upstream = self.env["lot.trace"]._trace_upstream(affected_ids, company_id)
        # The recalled lots are affected lots: every lot that went into one is in the walk,
        # with every link of it; the lineage is what the links reach from the recalled lots.
        inputs = defaultdict(list)
        for made_lot_id, lot_id, *_via in upstream["links"]:
            inputs[made_lot_id].append(lot_id)
        lineage = set(recalled_ids)
        todo = list(lineage)
        while todo:
            for lot_id in inputs[todo.pop()]:
                if lot_id not in lineage:
                    lineage.add(lot_id)
                    todo.append(lot_id)
        return self._rows_from_trace_upstream(upstream, lineage | set(affected_ids))

    @api.model
    def _rows_from_trace_upstream(self, upstream, lineage_lot_ids):
        """The rows stored for a recall (``UPSTREAM_COLUMNS``) from ``upstream``, the answer of
        ``lot.trace._trace_upstream`` for its affected lots: every receipt, with the affected
        lot it is behind, in the recalled lineage when its lot is in ``lineage_lot_ids`` (a
        set: the recalled lots, the lots that went into them and the affected lots)."""
        behind = {row["lot_id"]: row["root_lot_id"] for row in upstream["lots"]}
        return [
            dict(
                row,
                affected_lot_id=behind[row["lot_id"]],
                recalled_lineage=row["lot_id"] in lineage_lot_ids,
            )
            for row in upstream["receipts"]
        ]
