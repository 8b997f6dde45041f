# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class LotRecallLot(models.Model):
    """One lot affected by a recall, as the recall's last trace found it: a recalled lot
    (depth 0) or a lot made from one (depth n, made from ``parent_lot_id`` by
    ``via_move_line_id``).

    The single source of truth of a recall's lots: written by the trace only (in one INSERT,
    ``lot.recall._replace_rows``), read by every report and export;
    ``lot.recall.affected_lot_ids`` is written from these rows in the same trace. No log
    access columns, as the delivery lines (``lot.recall.line``).
    """

    _name = "lot.recall.lot"
    _description = "Recall Affected Lot"
    _order = "recall_id, depth, lot_id"
    _rec_name = "lot_id"
    _log_access = False

    # recall_id is the first column of the unique index below, which serves lookups by
    # recall: each index is one more entry written for each of the thousands of rows of a
    # wide recall. The company is the recall's, read from it (not one more foreign key
    # checked for each row).
    recall_id = fields.Many2one("lot.recall", required=True, ondelete="cascade", readonly=True)
    company_id = fields.Many2one(related="recall_id.company_id")
    lot_id = fields.Many2one("stock.lot", required=True, index=True, readonly=True)
    product_id = fields.Many2one(related="lot_id.product_id")
    depth = fields.Integer(
        readonly=True,
        help="0 for a recalled lot; n for a lot made, n manufacturing steps down, from one.",
    )
    parent_lot_id = fields.Many2one(
        "stock.lot",
        string="Made From Lot",
        readonly=True,
        help="The lot this lot was made from, on its shortest path from a recalled lot.",
    )
    via_move_line_id = fields.Many2one(
        "stock.move.line",
        string="Made By",
        readonly=True,
        help="The done move line that produced this lot from its parent lot.",
    )
    via_reference = fields.Char(
        string="Via",
        readonly=True,
        help="Reference of that move line (e.g. the manufacturing order).",
    )
    product_qty = fields.Float(related="lot_id.product_qty", string="On Hand")
    quarantined = fields.Boolean(related="lot_id.quarantined")

    _sql_constraints = [
        ("recall_lot_uniq", "unique(recall_id, lot_id)", "A lot appears once per recall."),
    ]
