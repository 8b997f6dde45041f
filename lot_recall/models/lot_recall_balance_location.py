# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

# The stored columns of a location row with their SQL types (lot.recall._replace_rows): the
# keys of a ``locations`` row of lot.recall.balance._rows_for_recall.
BALANCE_LOCATION_COLUMNS = {
    "lot_id": "int",
    "product_id": "int",
    "uom_id": "int",
    "location_id": "int",
    "quantity": "numeric",
    "counted_quantity": "numeric",
    "is_counted": "bool",
}


class LotRecallBalanceLocation(models.Model):
    """One of our locations holding an affected lot of a recall (or where one was counted),
    with the system quantity and the quantity counted there: Odoo's own count on the stock
    (Counted Quantity, set but not applied). A location not counted keeps its system quantity.

    Written with the recall's mass balance (``lot.recall._refresh_balance``) and frozen with
    it when a drill is reconciled.
    """

    _name = "lot.recall.balance.location"
    _description = "Recall Stock Count by Location"
    _order = "recall_id, lot_id, location_id"
    _rec_name = "location_id"
    _log_access = False

    recall_id = fields.Many2one("lot.recall", required=True, ondelete="cascade", readonly=True)
    company_id = fields.Many2one(related="recall_id.company_id")
    lot_id = fields.Many2one("stock.lot", required=True, readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    uom_id = fields.Many2one("uom.uom", string="Unit", readonly=True)
    location_id = fields.Many2one("stock.location", required=True, readonly=True)
    quantity = fields.Float(string="System", digits="Product Unit of Measure", readonly=True)
    counted_quantity = fields.Float(
        string="Counted",
        digits="Product Unit of Measure",
        readonly=True,
        help="The counted quantity, or the system quantity where nobody counted.",
    )
    is_counted = fields.Boolean(string="Was Counted", readonly=True)
    difference_quantity = fields.Float(
        string="Difference",
        digits="Product Unit of Measure",
        compute="_compute_difference_quantity",
        help="System minus counted: unaccounted for (negative: more counted than known).",
    )

    _sql_constraints = [
        (
            "recall_lot_location_uniq",
            "unique(recall_id, lot_id, location_id)",
            "A lot is counted once per location and recall.",
        ),
    ]

    @api.depends("quantity", "counted_quantity")
    def _compute_difference_quantity(self):
        for row in self:
            row.difference_quantity = row.quantity - row.counted_quantity
