# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL, float_is_zero

# The stored columns of a yield row with their SQL types (lot.recall._replace_rows).
YIELD_COLUMNS = {
    "production_id": "int",
    "product_id": "int",
    "uom_id": "int",
    "expected_quantity": "numeric",
    "consumed_quantity": "numeric",
    "variance_quantity": "numeric",
    "variance_percent": "numeric",
}


class LotRecallYield(models.Model):
    """The yield check of one component of a manufacturing order that made or consumed an
    affected lot of a recall: what the order consumed against what its bill of materials
    expects for the quantity it produced ("we recalled 114% of the ingredient").

    Written with the recall's mass balance (``lot.recall._refresh_balance``) and frozen with it
    when a drill is reconciled.
    """

    _name = "lot.recall.yield"
    _description = "Recall Manufacturing Yield"
    _order = "recall_id, production_id, product_id"
    _rec_name = "production_id"
    _log_access = False

    recall_id = fields.Many2one("lot.recall", required=True, ondelete="cascade", readonly=True)
    company_id = fields.Many2one(related="recall_id.company_id")
    production_id = fields.Many2one(
        "mrp.production", string="Manufacturing Order", required=True, readonly=True
    )
    product_id = fields.Many2one(
        "product.product", string="Component", required=True, readonly=True
    )
    uom_id = fields.Many2one("uom.uom", string="Unit", readonly=True)
    expected_quantity = fields.Float(
        string="Expected",
        digits="Product Unit of Measure",
        readonly=True,
        help="What the bill of materials expects for the quantity the order produced.",
    )
    consumed_quantity = fields.Float(
        string="Consumed", digits="Product Unit of Measure", readonly=True
    )
    variance_quantity = fields.Float(
        string="Variance",
        digits="Product Unit of Measure",
        readonly=True,
        help="Consumed minus expected.",
    )
    variance_percent = fields.Float(
        string="Variance (%)",
        digits=(16, 2),
        readonly=True,
        help="The variance over the expected quantity (0 for a component the bill of "
        "materials does not expect).",
    )

    _sql_constraints = [
        (
            "recall_production_product_uniq",
            "unique(recall_id, production_id, product_id)",
            "A component is checked once per manufacturing order and recall.",
        ),
    ]

    @api.model
    def _rows_for_recall(self, recall):
        """The yield rows (dicts of ``YIELD_COLUMNS``) of the done manufacturing orders with a
        bill of materials that consumed or produced an affected lot of ``recall`` (its stored
        ``lot.recall.lot`` rows): the orders and their consumption read in one statement, the
        expectation from each order's bill of materials (exploded as Odoo does for the order's
        components); the caller checked the access to the recall and its lots."""
        self.env.flush_all()
        production_ids = set()
        consumed = defaultdict(lambda: defaultdict(float))
        for production_id, product_id, quantity in self.env.execute_query(
            SQL(
                """
WITH productions AS (
    SELECT DISTINCT COALESCE(move.raw_material_production_id, move.production_id) AS id
      FROM lot_recall_lot affected
     CROSS JOIN LATERAL (
           SELECT * FROM stock_move_line line
            WHERE line.lot_id = affected.lot_id AND line.state = 'done'
              AND line.company_id = %(company)s
           OFFSET 0
           ) ml
      JOIN stock_move move ON move.id = ml.move_id
     WHERE affected.recall_id = %(recall)s
       AND COALESCE(move.raw_material_production_id, move.production_id) IS NOT NULL
)
SELECT production.id, ml.product_id, SUM(ml.quantity_product_uom)
  FROM productions
  JOIN mrp_production production
    ON production.id = productions.id AND production.state = 'done'
       AND production.bom_id IS NOT NULL
  LEFT JOIN stock_move move
    ON move.raw_material_production_id = production.id AND move.state = 'done'
  LEFT JOIN stock_move_line ml ON ml.move_id = move.id AND ml.state = 'done'
 GROUP BY production.id, ml.product_id
                """,
                recall=recall.id,
                company=recall.company_id.id,
            )
        ):
            production_ids.add(production_id)
            if product_id:
                consumed[production_id][product_id] += quantity
        rows = []
        productions = self.env["mrp.production"].browse(sorted(production_ids))
        for production in productions:
            expected = production._lot_recall_expected_components()
            used = consumed[production.id]
            products = self.env["product.product"].browse(sorted(set(expected) | set(used)))
            for product in products:
                expected_quantity = expected.get(product.id, 0.0)
                variance = used.get(product.id, 0.0) - expected_quantity
                if float_is_zero(variance, precision_rounding=product.uom_id.rounding):
                    variance = 0.0
                rows.append(
                    {
                        "production_id": production.id,
                        "product_id": product.id,
                        "uom_id": product.uom_id.id,
                        "expected_quantity": expected_quantity,
                        "consumed_quantity": used.get(product.id, 0.0),
                        "variance_quantity": variance,
                        "variance_percent": 100.0 * variance / expected_quantity
                        if expected_quantity
                        else 0.0,
                    }
                )
        return rows
