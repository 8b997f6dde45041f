# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

# Who may see what stock is worth: those who may read stock valuation (Odoo 18 gives
# stock.valuation.layer and stock.quant's value to Inventory Administrators only).
VALUATION_GROUP = "stock.group_stock_manager"
COST_BASES = [
    ("lot", "Lot valuation"),
    ("receipt", "Receipt valuation"),
]


class StockLot(models.Model):
    _inherit = "stock.lot"

    cost_currency_id = fields.Many2one(
        "res.currency", compute="_compute_actual_cost", groups=VALUATION_GROUP
    )
    cost_basis = fields.Selection(
        COST_BASES,
        compute="_compute_actual_cost",
        groups=VALUATION_GROUP,
        help="Lot valuation: the product is valued by lot (Valuation by Lot/Serial number), "
        "the cost is the lot's own. Receipt valuation: the product is valued FIFO, average or "
        "standard over all its lots; the cost is the unit cost the lot's receipts were valued "
        "at, not what the stock accounts hold for it. Empty: no valuation found for the lot.",
    )
    actual_unit_cost = fields.Monetary(
        string="Lot Unit Cost",
        compute="_compute_actual_cost",
        currency_field="cost_currency_id",
        groups=VALUATION_GROUP,
        help="For a product valued by lot: what one unit of the lot on hand is worth in its "
        "valuation layers (purchase price, landed costs, revaluations); once none is left, "
        "the average cost its units left at. Otherwise: the unit cost its receipts were "
        "valued at.",
    )
    actual_value = fields.Monetary(
        string="Lot Value",
        compute="_compute_actual_cost",
        currency_field="cost_currency_id",
        groups=VALUATION_GROUP,
        help="Value of the lot on hand: its valuation layers for a product valued by lot, "
        "otherwise the quantity on hand at the receipt unit cost.",
    )

    @api.depends_context("company")
    def _compute_actual_cost(self):
        self.cost_currency_id = False
        self.cost_basis = False
        self.actual_unit_cost = 0.0
        self.actual_value = 0.0
        lots = self.filtered("id")
        for company, company_lots in lots.grouped(
            lambda lot: lot.company_id or self.env.company
        ).items():
            costs = company_lots._lot_recall_costs(company)
            company_lots.cost_currency_id = company.currency_id
            for lot in company_lots:
                cost = costs.get(lot.id)
                if not cost:
                    continue
                lot.cost_basis = cost["cost_basis"]
                lot.actual_unit_cost = cost["unit_cost"]
                if cost["cost_basis"] == "lot":
                    lot.actual_value = cost["value"]
                else:
                    lot.actual_value = cost["unit_cost"] * lot.product_qty

    def action_view_cost_layers(self):
        """The valuation layers the lot's cost comes from: the lot's own for a product valued
        by lot, otherwise those of the receipts of the lot."""
        self.ensure_one()
        layers = self._lot_recall_cost_layers()
        return layers._get_records_action(
            name=self.env._("Valuation of %(lot)s", lot=self.display_name),
            views=[
                (self.env.ref("stock_account.stock_valuation_layer_tree").id, "list"),
                (False, "form"),
            ],
            domain=[("id", "in", layers.ids)],
            context={"create": False, "no_at_date": True},
        )

    def _lot_recall_cost_layers(self):
        self.ensure_one()
        Layer = self.env["stock.valuation.layer"]
        company = self.company_id or self.env.company
        if self.product_id.lot_valuated:
            return Layer.search([("lot_id", "=", self.id), ("company_id", "=", company.id)])
        moves = (
            self.env["stock.move.line"]
            .search(
                [
                    ("lot_id", "=", self.id),
                    ("state", "=", "done"),
                    ("location_id.usage", "!=", "customer"),
                    ("company_id", "=", company.id),
                ]
            )
            .move_id
        )
        return Layer.search(
            [("stock_move_id", "in", moves.ids), ("lot_id", "=", False), ("quantity", ">", 0)]
        )

    def _lot_recall_costs(self, company):
        """{lot id: {"unit_cost", "cost_basis", "value"}} of these lots in ``company``, in
        one query (:meth:`_lot_recall_cost_query`); lots without any valuation are left out.

        Raw SQL over the valuation layers: callers are fields and reports readable only by
        those who may read valuation (``VALUATION_GROUP``), or their own checks.
        """
        if not self:
            return {}
        self.env.flush_all()
        rows = self.env.execute_query_dict(
            self._lot_recall_cost_query(lot_ids=self.ids, company_ids=[company.id])
        )
        return {row["lot_id"]: row for row in rows if row["unit_cost"] is not None}

    @api.model
    def _lot_recall_cost_query(self, lot_ids=None, company_ids=None):
        """The actual unit cost of lots, per lot and company: the one definition of a lot's
        cost, read by the lot's fields, the margin report and the recall's cost exposure.

        Rows ``lot_id``, ``company_id``, ``cost_basis`` (``lot`` or ``receipt``),
        ``unit_cost`` (NULL when nothing values the lot) and ``value`` (the lot's value on
        hand for a product valued by lot, else NULL), for the lots with valuation layers.

        - Product valued by lot (``lot_valuated``): from the lot's own valuation layers. With
          stock on hand, their value over their quantity: what a unit on hand is worth, what
          a delivery or scrap is valued at (purchase price, landed costs and revaluations of
          the stock on hand included). Without, the value that entered the lot (receipts,
          landed costs, revaluations) over the quantity that entered it: the average cost its
          units left at.
        - Otherwise (FIFO, average or standard price over all the product's lots): the unit
          cost of the incoming layers of the moves that brought the lot in (receipts,
          manufacturing, inventory gains; not customer returns), weighted by the lot's
          quantity in each.

        :param lot_ids: restrict to these lots (None: every lot)
        :param company_ids: restrict to these companies (None: every company)
        """
        lot_filter = SQL("AND svl.lot_id = ANY(%s)", lot_ids) if lot_ids is not None else SQL()
        line_filter = SQL("AND ml.lot_id = ANY(%s)", lot_ids) if lot_ids is not None else SQL()
        company_filter = (
            SQL("AND svl.company_id = ANY(%s)", company_ids) if company_ids is not None else SQL()
        )
        line_company_filter = (
            SQL("AND ml.company_id = ANY(%s)", company_ids) if company_ids is not None else SQL()
        )
        # For a few lots, only the layers of their own moves are summed.
        move_filter = (
            SQL(
                "AND svl.stock_move_id IN (SELECT ml.move_id FROM stock_move_line ml"
                " WHERE ml.state = 'done' %s)",
                line_filter,
            )
            if lot_ids is not None
            else SQL()
        )
        return SQL(
            """
WITH lot_layers AS (
    SELECT svl.lot_id, svl.company_id,
           SUM(svl.quantity) AS quantity, SUM(svl.value) AS value,
           SUM(svl.quantity) FILTER (WHERE svl.quantity > 0) AS quantity_in,
           SUM(svl.value) FILTER (WHERE svl.quantity >= 0) AS value_in
      FROM stock_valuation_layer svl
     WHERE svl.lot_id IS NOT NULL %(lot_filter)s %(company_filter)s
     GROUP BY svl.lot_id, svl.company_id
),
move_layers AS (
    SELECT svl.stock_move_id, SUM(svl.value) AS value, SUM(svl.quantity) AS quantity
      FROM stock_valuation_layer svl
     WHERE svl.lot_id IS NULL AND svl.quantity > 0 AND svl.stock_move_id IS NOT NULL
           %(move_filter)s %(company_filter)s
     GROUP BY svl.stock_move_id
),
receipts AS (
    SELECT ml.lot_id, ml.company_id,
           SUM(ml.quantity_product_uom * layer.value / layer.quantity)
               / SUM(ml.quantity_product_uom) AS unit_cost
      FROM stock_move_line ml
      JOIN move_layers layer ON layer.stock_move_id = ml.move_id
      JOIN stock_location source ON source.id = ml.location_id
     WHERE ml.state = 'done' AND ml.lot_id IS NOT NULL AND ml.quantity_product_uom > 0
       AND source.usage <> 'customer' %(line_filter)s %(line_company_filter)s
     GROUP BY ml.lot_id, ml.company_id
),
lot_companies AS (
    SELECT lot_id, company_id FROM lot_layers
     UNION
    SELECT lot_id, company_id FROM receipts
)
SELECT lc.lot_id, lc.company_id,
       CASE WHEN template.lot_valuated IS TRUE THEN 'lot' ELSE 'receipt' END AS cost_basis,
       CASE WHEN template.lot_valuated IS NOT TRUE THEN receipts.unit_cost
            WHEN lot_layers.quantity > 0 THEN lot_layers.value / lot_layers.quantity
            WHEN lot_layers.quantity_in > 0 THEN lot_layers.value_in / lot_layers.quantity_in
       END AS unit_cost,
       CASE WHEN template.lot_valuated IS TRUE THEN lot_layers.value END AS value
  FROM lot_companies lc
  JOIN stock_lot lot ON lot.id = lc.lot_id
  JOIN product_product product ON product.id = lot.product_id
  JOIN product_template template ON template.id = product.product_tmpl_id
  LEFT JOIN lot_layers
         ON lot_layers.lot_id = lc.lot_id AND lot_layers.company_id = lc.company_id
  LEFT JOIN receipts ON receipts.lot_id = lc.lot_id AND receipts.company_id = lc.company_id
""",
            lot_filter=lot_filter,
            line_filter=line_filter,
            company_filter=company_filter,
            line_company_filter=line_company_filter,
            move_filter=move_filter,
        )
