# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL, float_is_zero

# The stored columns of a balance row with their SQL types (lot.recall._replace_rows).
BALANCE_COLUMNS = {
    "lot_id": "int",
    "product_id": "int",
    "uom_id": "int",
    "depth": "int",
    "received_quantity": "numeric",
    "produced_quantity": "numeric",
    "in_quantity": "numeric",
    "delivered_quantity": "numeric",
    "customer_returned_quantity": "numeric",
    "shipped_quantity": "numeric",
    "consumed_quantity": "numeric",
    "scrapped_quantity": "numeric",
    "supplier_returned_quantity": "numeric",
    "adjusted_quantity": "numeric",
    "on_hand_quantity": "numeric",
    "counted_quantity": "numeric",
    "accounted_quantity": "numeric",
    "unaccounted_quantity": "numeric",
    "accounted_percent": "numeric",
    "location_count": "int",
    "uncounted_location_count": "int",
}
# Where the quantity of a lot went, the right-hand side of the balance (quantity in = the sum
# of these + unaccounted).
ACCOUNTED_BUCKETS = (
    "shipped_quantity",
    "consumed_quantity",
    "scrapped_quantity",
    "supplier_returned_quantity",
    "adjusted_quantity",
    "counted_quantity",
)
# Summed per unit of measure in the recall's totals.
TOTAL_FIELDS = (
    "received_quantity",
    "produced_quantity",
    "in_quantity",
    "shipped_quantity",
    "consumed_quantity",
    "scrapped_quantity",
    "supplier_returned_quantity",
    "adjusted_quantity",
    "on_hand_quantity",
    "counted_quantity",
    "accounted_quantity",
    "unaccounted_quantity",
)


def accounted_percent(in_quantity, accounted, unaccounted):
    """Accounted / in, in percent: exactly 100 when nothing is unaccounted (``unaccounted``
    already rounded to the unit), 0 when something is unaccounted of nothing received."""
    if not unaccounted:
        return 100.0
    return 100.0 * accounted / in_quantity if in_quantity else 0.0


class LotRecallBalance(models.Model):
    """The mass balance of one affected lot of a recall: what came in (received from suppliers,
    produced) and where it went (shipped to customers net of their returns, consumed in
    manufacturing, scrapped, returned to suppliers, adjusted out by inventory, still held as
    counted), in the product's unit; the difference is unaccounted.

    Written set-based (``lot.recall._refresh_balance``: one statement, one INSERT) by the trace,
    by *Refresh Balance* and a last time when a drill is reconciled, after which the rows never
    change: the drill report reads them.
    """

    _name = "lot.recall.balance"
    _description = "Recall Mass Balance"
    _order = "recall_id, depth, lot_id"
    _rec_name = "lot_id"
    _log_access = False

    recall_id = fields.Many2one("lot.recall", required=True, ondelete="cascade", readonly=True)
    company_id = fields.Many2one(related="recall_id.company_id")
    lot_id = fields.Many2one("stock.lot", required=True, index=True, readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    uom_id = fields.Many2one("uom.uom", string="Unit", readonly=True)
    depth = fields.Integer(
        readonly=True,
        help="0 for a recalled lot (the recall's totals add these up); n for a lot made, n "
        "manufacturing steps down, from one.",
    )
    received_quantity = fields.Float(
        string="Received", digits="Product Unit of Measure", readonly=True
    )
    produced_quantity = fields.Float(
        string="Produced", digits="Product Unit of Measure", readonly=True
    )
    in_quantity = fields.Float(
        string="In",
        digits="Product Unit of Measure",
        readonly=True,
        help="Received from suppliers plus produced.",
    )
    delivered_quantity = fields.Float(
        string="Delivered", digits="Product Unit of Measure", readonly=True
    )
    customer_returned_quantity = fields.Float(
        string="Returned by Customers", digits="Product Unit of Measure", readonly=True
    )
    shipped_quantity = fields.Float(
        string="Shipped",
        digits="Product Unit of Measure",
        readonly=True,
        help="Delivered to customers, net of their returns.",
    )
    consumed_quantity = fields.Float(
        string="Consumed", digits="Product Unit of Measure", readonly=True
    )
    scrapped_quantity = fields.Float(
        string="Scrapped", digits="Product Unit of Measure", readonly=True
    )
    supplier_returned_quantity = fields.Float(
        string="Returned to Suppliers", digits="Product Unit of Measure", readonly=True
    )
    adjusted_quantity = fields.Float(
        string="Adjusted Out",
        digits="Product Unit of Measure",
        readonly=True,
        help="Net quantity removed by inventory adjustments (negative: found by them).",
    )
    on_hand_quantity = fields.Float(
        string="On Hand (System)",
        digits="Product Unit of Measure",
        readonly=True,
        help="Held in our internal and transit locations, as Odoo knows it.",
    )
    counted_quantity = fields.Float(
        string="On Hand (Counted)",
        digits="Product Unit of Measure",
        readonly=True,
        help="The quantities counted in each location (Counted Quantity of the stock, set but "
        "not applied); a location not counted is taken at its system quantity.",
    )
    accounted_quantity = fields.Float(
        string="Accounted", digits="Product Unit of Measure", readonly=True
    )
    unaccounted_quantity = fields.Float(
        string="Unaccounted",
        digits="Product Unit of Measure",
        readonly=True,
        help="In minus accounted: with Odoo's own records this is the system quantity minus "
        "the counted quantity (negative: more counted than Odoo knows of).",
    )
    accounted_percent = fields.Float(string="Accounted (%)", digits=(16, 2), readonly=True)
    location_count = fields.Integer(string="Locations", readonly=True)
    uncounted_location_count = fields.Integer(string="Not Counted", readonly=True)

    _sql_constraints = [
        ("recall_lot_uniq", "unique(recall_id, lot_id)", "A lot is balanced once per recall."),
    ]

    @api.model
    def _balance_query(self, recall):
        """The mass balance of ``recall``'s affected lots (its stored ``lot.recall.lot`` rows),
        in one statement: each done move line of the recall's company between two kinds of
        location (supplier, customer, production, scrap, inventory, or ours: internal and
        transit) counts as come in from the kind it left and gone out to the kind it reached;
        our quants of the lots give the system and counted quantities by location."""
        return SQL(
            """
WITH kinds AS (
    SELECT id, CASE WHEN scrap_location THEN 'scrap'
                    WHEN usage IN ('internal', 'transit') THEN 'held'
                    ELSE usage END AS kind
      FROM stock_location
),
lots AS (
    SELECT affected.lot_id, affected.depth, lot.product_id, template.uom_id
      FROM lot_recall_lot affected
      JOIN stock_lot lot ON lot.id = affected.lot_id
      JOIN product_product product ON product.id = lot.product_id
      JOIN product_template template ON template.id = product.product_tmpl_id
     WHERE affected.recall_id = %(recall)s
),
flows AS (
    SELECT lots.lot_id, source.kind AS source, dest.kind AS dest,
           SUM(ml.quantity_product_uom) AS quantity
      FROM lots
     -- LATERAL ... OFFSET 0: each lot's done lines through the addon's lot index.
     CROSS JOIN LATERAL (
           SELECT * FROM stock_move_line line
            WHERE line.lot_id = lots.lot_id AND line.state = 'done'
              AND line.company_id = %(company)s
           OFFSET 0
           ) ml
      JOIN kinds source ON source.id = ml.location_id
      JOIN kinds dest ON dest.id = ml.location_dest_id
     WHERE source.kind <> dest.kind
     GROUP BY lots.lot_id, source.kind, dest.kind
),
moved AS (
    SELECT lot_id,
           COALESCE(SUM(quantity) FILTER (WHERE source = 'supplier'), 0) AS received,
           COALESCE(SUM(quantity) FILTER (WHERE source = 'production'), 0) AS produced,
           COALESCE(SUM(quantity) FILTER (WHERE dest = 'customer'), 0) AS delivered,
           COALESCE(SUM(quantity) FILTER (WHERE source = 'customer'), 0) AS customer_returned,
           COALESCE(SUM(quantity) FILTER (WHERE dest = 'production'), 0) AS consumed,
           COALESCE(SUM(quantity) FILTER (WHERE dest = 'scrap'), 0)
             - COALESCE(SUM(quantity) FILTER (WHERE source = 'scrap'), 0) AS scrapped,
           COALESCE(SUM(quantity) FILTER (WHERE dest = 'supplier'), 0) AS supplier_returned,
           COALESCE(SUM(quantity) FILTER (WHERE dest = 'inventory'), 0)
             - COALESCE(SUM(quantity) FILTER (WHERE source = 'inventory'), 0) AS adjusted
      FROM flows
     GROUP BY lot_id
),
held AS (
    -- Every location of ours holding an affected lot, or where one was counted.
    SELECT quant.lot_id, lots.product_id, lots.uom_id, quant.location_id,
           SUM(quant.quantity) AS quantity,
           SUM(CASE WHEN quant.inventory_quantity_set THEN quant.inventory_quantity
                    ELSE quant.quantity END) AS counted_quantity,
           bool_and(quant.inventory_quantity_set) AS is_counted
      FROM lots
     CROSS JOIN LATERAL (
           SELECT * FROM stock_quant held_quant
            WHERE held_quant.lot_id = lots.lot_id AND held_quant.company_id = %(company)s
           OFFSET 0
           ) quant
      JOIN kinds ON kinds.id = quant.location_id AND kinds.kind = 'held'
     GROUP BY quant.lot_id, lots.product_id, lots.uom_id, quant.location_id
    HAVING SUM(quant.quantity) <> 0 OR bool_or(quant.inventory_quantity_set)
),
stock AS (
    SELECT lot_id, SUM(quantity) AS on_hand, SUM(counted_quantity) AS counted,
           COUNT(*) AS locations, COUNT(*) FILTER (WHERE NOT is_counted) AS uncounted
      FROM held
     GROUP BY lot_id
),
balance AS (
    SELECT lots.lot_id, lots.product_id, lots.uom_id, lots.depth,
           COALESCE(moved.received, 0) AS received_quantity,
           COALESCE(moved.produced, 0) AS produced_quantity,
           COALESCE(moved.delivered, 0) AS delivered_quantity,
           COALESCE(moved.customer_returned, 0) AS customer_returned_quantity,
           COALESCE(moved.consumed, 0) AS consumed_quantity,
           COALESCE(moved.scrapped, 0) AS scrapped_quantity,
           COALESCE(moved.supplier_returned, 0) AS supplier_returned_quantity,
           COALESCE(moved.adjusted, 0) AS adjusted_quantity,
           COALESCE(stock.on_hand, 0) AS on_hand_quantity,
           COALESCE(stock.counted, 0) AS counted_quantity,
           COALESCE(stock.locations, 0) AS location_count,
           COALESCE(stock.uncounted, 0) AS uncounted_location_count
      FROM lots
      LEFT JOIN moved ON moved.lot_id = lots.lot_id
      LEFT JOIN stock ON stock.lot_id = lots.lot_id
)
SELECT json_build_object(
    'lots', (SELECT COALESCE(json_agg(balance ORDER BY depth, lot_id), '[]') FROM balance),
    'locations', (SELECT COALESCE(json_agg(held ORDER BY lot_id, location_id), '[]')
                    FROM held)
)
""",
            recall=recall.id,
            company=recall.company_id.id,
        )

    @api.model
    def _rows_for_recall(self, recall):
        """The balance rows (dicts of ``BALANCE_COLUMNS``) and location rows of ``recall``'s
        affected lots, read in one statement; the caller checked the access to the recall and
        its lots. Differences below the unit's rounding are none."""
        self.env.flush_all()
        [[result]] = self.env.execute_query(self._balance_query(recall))
        rows = result["lots"]
        roundings = {
            uom.id: uom.rounding
            for uom in self.env["uom.uom"].browse({row["uom_id"] for row in rows}).sudo()
        }
        for row in rows:
            row["in_quantity"] = row["received_quantity"] + row["produced_quantity"]
            row["shipped_quantity"] = row["delivered_quantity"] - row["customer_returned_quantity"]
            row["accounted_quantity"] = sum(row[bucket] for bucket in ACCOUNTED_BUCKETS)
            unaccounted = row["in_quantity"] - row["accounted_quantity"]
            if float_is_zero(unaccounted, precision_rounding=roundings[row["uom_id"]]):
                unaccounted = 0.0
            row["unaccounted_quantity"] = unaccounted
            row["accounted_percent"] = accounted_percent(
                row["in_quantity"], row["accounted_quantity"], unaccounted
            )
        return rows, result["locations"]

    def _totals(self):
        """These rows' totals per unit of measure, over the recalled lots only (depth 0): a
        lot made from a recalled lot is a transformation of what the recalled lot's balance
        already counts as consumed. ``[{"uom": uom.uom, <TOTAL_FIELDS>, "accounted_percent"}]``,
        by unit name."""
        totals = defaultdict(lambda: dict.fromkeys(TOTAL_FIELDS, 0.0))
        for row in self.filtered(lambda row: row.depth == 0):
            total = totals[row.uom_id]
            for fname in TOTAL_FIELDS:
                total[fname] += row[fname]
        result = []
        for uom, total in sorted(totals.items(), key=lambda item: item[0].name or ""):
            if float_is_zero(total["unaccounted_quantity"], precision_rounding=uom.rounding):
                total["unaccounted_quantity"] = 0.0
            total["accounted_percent"] = accounted_percent(
                total["in_quantity"], total["accounted_quantity"], total["unaccounted_quantity"]
            )
            result.append({"uom": uom, **total})
        return result
