# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class LotRecallLine(models.Model):
    """One customer delivery line reached by a recall's trace.

    Written by the trace only, all in one INSERT (``lot.recall._replace_rows``): a row's
    author and date are its recall's last trace (``trace_date``), so the rows have no log
    access columns, and thousands of rows do not each check two foreign keys to res_users.
    A row stores what the trace found (the line, its customer, the quantities); the line's
    own delivery, product, lot and location are read from it, and its company from the
    recall: each stored foreign key is one more check for each of the thousands of rows of a
    wide recall (five of them were half the time of writing the hot lot's 5,221 lines).
    """

    _name = "lot.recall.line"
    _description = "Recall Affected Delivery"
    _order = "recall_id, partner_id, date, id"
    _log_access = False

    # recall_id is the first column of the unique index below, which serves lookups by
    # recall: each index is one more entry written for each row of a wide recall.
    recall_id = fields.Many2one("lot.recall", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="recall_id.company_id")
    partner_id = fields.Many2one("res.partner", string="Customer", index=True)
    move_line_id = fields.Many2one("stock.move.line", required=True)
    picking_id = fields.Many2one(related="move_line_id.picking_id", string="Delivery")
    product_id = fields.Many2one(related="move_line_id.product_id")
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    lot_id = fields.Many2one(related="move_line_id.lot_id")
    location_id = fields.Many2one(related="move_line_id.location_id", string="Shipped From")
    date = fields.Datetime(string="Ship Date")
    quantity = fields.Float(string="Delivered", digits="Product Unit of Measure")
    returned_quantity = fields.Float(string="Returned", digits="Product Unit of Measure")
    net_quantity = fields.Float(
        string="At Customer", digits="Product Unit of Measure", compute="_compute_net_quantity"
    )

    _sql_constraints = [
        (
            "move_line_uniq",
            "unique(recall_id, move_line_id)",
            "A delivery line appears once per recall.",
        ),
    ]

    @api.depends("quantity", "returned_quantity")
    def _compute_net_quantity(self):
        for line in self:
            line.net_quantity = line.quantity - line.returned_quantity
