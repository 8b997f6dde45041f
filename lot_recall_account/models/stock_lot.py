# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

# Who may see what stock is worth: those who may read stock valuation (Odoo 18 gives
# stock.valuation.layer and stock.quant's value to Inventory Administrators only).
VALUATION_GROUP = "stock.group_stock_manager"
# The columns of stock.lot._lot_recall_cost_facts summed per lot and company.
COST_FACTS = (
    "layer_quantity",
    "layer_value",
    "layer_quantity_in",
    "layer_value_in",
    "receipt_quantity",
    "receipt_value",
)
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
        """The actual unit cost of lots, per lot and company: rows ``lot_id``,
        ``company_id``, ``cost_basis``, ``unit_cost`` and ``value`` (see
        :meth:`_lot_recall_cost_columns`), for the lots with valuation layers.

        :param lot_ids: restrict to these lots (None: every lot)
        :param company_ids: restrict to these companies (None: every company)
        """
        return SQL(
            """
SELECT costs.lot_id, costs.company_id, %(columns)s
  FROM (SELECT facts.lot_id, facts.company_id, %(sums)s
          FROM (%(facts)s) facts
         GROUP BY facts.lot_id, facts.company_id) costs
  JOIN stock_lot lot ON lot.id = costs.lot_id
  JOIN product_product product ON product.id = lot.product_id
  JOIN product_template template ON template.id = product.product_tmpl_id
""",
            facts=self._lot_recall_cost_facts(lot_ids, company_ids),
            sums=self._lot_recall_cost_sums("facts"),
            columns=self._lot_recall_cost_columns("costs"),
        )

    @api.model
    def _lot_recall_cost_facts(self, lot_ids=None, company_ids=None):
        """What a lot's cost is made of, as rows to sum per lot and company (UNION ALL of one
        SELECT per source; columns ``lot_id``, ``company_id`` and those of ``COST_FACTS``):

        - each valuation layer of a lot (products valued by lot): ``layer_quantity``,
          ``layer_value``, and for incoming ones ``layer_quantity_in``, ``layer_value_in``;
        - each done move line of a lot that brought it in (not from an internal or customer
          location) whose move has incoming valuation layers not per lot: ``receipt_quantity``
          and ``receipt_value`` at the unit cost of those layers.

        Rows, not sums: a report adds its own rows (deliveries, revenue) and sums everything
        in one GROUP BY; joining separately aggregated subqueries on (lot, company) left the
        planner's estimates to multiply, and its plans to degrade, as soon as the company rule
        filtered them.

        :param lot_ids: restrict to these lots (None: every lot)
        :param company_ids: restrict to these companies (None: every company)
        """
        layer_filter = SQL()
        line_filter = SQL()
        move_filter = SQL()
        if lot_ids is not None:
            layer_filter = SQL("AND svl.lot_id = ANY(%s)", lot_ids)
            line_filter = SQL("AND ml.lot_id = ANY(%s)", lot_ids)
            # For a few lots, only the layers of their own moves are summed.
            move_filter = SQL(
                "AND svl.stock_move_id IN (SELECT ml.move_id FROM stock_move_line ml"
                " WHERE ml.state = 'done' %s)",
                line_filter,
            )
        if company_ids is not None:
            layer_filter = SQL("%s AND svl.company_id = ANY(%s)", layer_filter, company_ids)
            line_filter = SQL("%s AND ml.company_id = ANY(%s)", line_filter, company_ids)
        return SQL(
            """
SELECT svl.lot_id, svl.company_id,
       svl.quantity AS layer_quantity, svl.value AS layer_value,
       CASE WHEN svl.quantity > 0 THEN svl.quantity END AS layer_quantity_in,
       CASE WHEN svl.quantity >= 0 THEN svl.value END AS layer_value_in,
       NULL::numeric AS receipt_quantity, NULL::numeric AS receipt_value
  FROM stock_valuation_layer svl
 WHERE svl.lot_id IS NOT NULL %(layer_filter)s
 UNION ALL
SELECT ml.lot_id, ml.company_id, NULL, NULL, NULL, NULL,
       ml.quantity_product_uom, ml.quantity_product_uom * layer.unit_cost
  FROM stock_move_line ml
  JOIN stock_location source ON source.id = ml.location_id
  JOIN (SELECT svl.stock_move_id, SUM(svl.value) / SUM(svl.quantity) AS unit_cost
          FROM stock_valuation_layer svl
         WHERE svl.lot_id IS NULL AND svl.quantity > 0 AND svl.stock_move_id IS NOT NULL
               %(move_filter)s
         GROUP BY svl.stock_move_id) layer ON layer.stock_move_id = ml.move_id
 WHERE ml.state = 'done' AND ml.lot_id IS NOT NULL AND ml.quantity_product_uom > 0
   AND source.usage NOT IN ('internal', 'customer') %(line_filter)s
""",
            layer_filter=layer_filter,
            line_filter=line_filter,
            move_filter=move_filter,
        )

    @api.model
    def _lot_recall_cost_sums(self, alias):
        """The sums per lot and company of the columns of
        :meth:`_lot_recall_cost_facts` (rows ``alias``), for a GROUP BY."""
        return SQL(", ").join(
            SQL("SUM(%s) AS %s", SQL.identifier(alias, column), SQL.identifier(column))
            for column in COST_FACTS
        )

    @api.model
    def _lot_recall_cost_columns(self, alias):
        """The one definition of a lot's cost, read by the lot's fields, the margin report,
        the recall's cost exposure and the destroy confirmation: the columns ``cost_basis``
        (``lot`` or ``receipt``), ``unit_cost`` (NULL when nothing values the lot) and
        ``value`` (the lot's value on hand for a product valued by lot, else NULL), as SQL
        expressions over ``template`` (the lot's ``product_template``) and ``alias``, the
        sums of :meth:`_lot_recall_cost_sums` for the lot and company.

        - Product valued by lot (``lot_valuated``): from the lot's own valuation layers. With
          stock on hand, their value over their quantity: what a unit on hand is worth, what
          a delivery or scrap is valued at (purchase price, landed costs and revaluations of
          the stock on hand included). Without, the value that entered the lot (receipts,
          landed costs, revaluations) over the quantity that entered it: the average cost its
          units left at.
        - Otherwise (FIFO, average or standard price over all the product's lots): the unit
          cost of the incoming layers of the moves that brought the lot in (receipts,
          manufacturing, inventory gains, transit from another company; not customer
          returns), weighted by the lot's quantity in each.
        """
        return SQL(
            """
       CASE WHEN template.lot_valuated IS TRUE THEN 'lot' ELSE 'receipt' END AS cost_basis,
       CASE WHEN template.lot_valuated IS NOT TRUE
                 THEN %(costs)s.receipt_value / NULLIF(%(costs)s.receipt_quantity, 0)
            WHEN %(costs)s.layer_quantity > 0
                 THEN %(costs)s.layer_value / %(costs)s.layer_quantity
            WHEN %(costs)s.layer_quantity_in > 0
                 THEN %(costs)s.layer_value_in / %(costs)s.layer_quantity_in
       END AS unit_cost,
       CASE WHEN template.lot_valuated IS TRUE THEN %(costs)s.layer_value END AS value""",
            costs=SQL.identifier(alias),
        )
