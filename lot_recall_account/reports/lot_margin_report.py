# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
from urllib.parse import quote

from odoo import api, fields, models
from odoo.tools import SQL

from ..models.stock_lot import COST_BASES

REVENUE_FIELDS = ("revenue", "margin", "margin_percent", "has_revenue")
REVENUE_FILTERS = ("invoiced", "negative_margin")


class LotMarginReport(models.Model):
    """What each lot sold, what it cost and, with Sales (``sale_stock``), what it earned.

    One row per lot and company with customer deliveries. Its SQL (:meth:`_table_query`) is
    built at each read, one query for the whole report: the deliveries and returns of every
    lot, the lots' actual costs (``stock.lot._lot_recall_cost_query``) and, when
    ``sale_stock`` is installed, the invoiced amounts of the sale lines of the deliveries.
    Whether it is installed is asked of the registry (``stock.move.sale_line_id``), not of
    a stored view: installing or removing Sales needs no upgrade of this module, and the
    revenue columns are left out of the views and the export without it.
    """

    _name = "lot.margin.report"
    _description = "Lot Margin"
    _auto = False
    _rec_name = "lot_id"
    _order = "date desc, id desc"

    lot_id = fields.Many2one("stock.lot", string="Lot/Serial Number", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    product_tmpl_id = fields.Many2one("product.template", string="Product Template", readonly=True)
    categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    uom_id = fields.Many2one("uom.uom", string="Unit", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    date = fields.Datetime(string="Last Delivery", readonly=True)
    cost_basis = fields.Selection(COST_BASES, readonly=True)
    quantity_sold = fields.Float(
        digits="Product Unit of Measure",
        readonly=True,
        help="Quantity delivered to customers, net of their returns.",
    )
    unit_cost = fields.Monetary(
        string="Lot Unit Cost", readonly=True, aggregator=None, help="The lot's actual unit cost."
    )
    cost_of_goods = fields.Monetary(
        string="Cost of Goods Sold",
        readonly=True,
        help="Quantity sold at the lot's actual unit cost.",
    )
    revenue = fields.Monetary(
        readonly=True,
        help="Invoiced amount (untaxed, posted invoices less credit notes) of the sale lines "
        "of the lot's deliveries, shared between their lots by quantity delivered. Empty "
        "when no sale line of its deliveries was invoiced.",
    )
    margin = fields.Monetary(readonly=True, help="Revenue less cost of goods sold.")
    has_revenue = fields.Boolean(
        string="Invoiced", readonly=True, help="A sale line of the lot's deliveries was invoiced."
    )
    margin_percent = fields.Float(string="Margin (%)", readonly=True, aggregator=None)

    @property
    def _table_query(self):
        return self._lot_margin_query(with_revenue=self._lot_margin_has_revenue())

    @api.model
    def _lot_margin_has_revenue(self):
        """Is ``sale_stock`` installed (moves know their sale line)?"""
        return "sale_line_id" in self.env["stock.move"]._fields

    @api.model
    def _get_view(self, view_id=None, view_type="form", **options):
        arch, view = super()._get_view(view_id, view_type, **options)
        if not self._lot_margin_has_revenue():
            for node in arch.xpath(
                "|".join(
                    [f"//field[@name='{fname}']" for fname in REVENUE_FIELDS]
                    + [f"//filter[@name='{fname}']" for fname in REVENUE_FILTERS]
                )
            ):
                node.getparent().remove(node)
            for node in arch.xpath("//list[@decoration-danger]"):
                del node.attrib["decoration-danger"]
        return arch, view

    @api.model
    def _lot_margin_query(self, with_revenue):
        revenue = (
            SQL(
                """,
sale_lines AS (
    -- What each sale line delivered (net of returns) per lot, and in all.
    SELECT move.sale_line_id, cl.lot_id, cl.company_id, SUM(cl.quantity) AS quantity,
           SUM(SUM(cl.quantity)) OVER (PARTITION BY move.sale_line_id) AS total
      FROM customer_lines cl
      JOIN stock_move move ON move.id = cl.move_id
     WHERE move.sale_line_id IS NOT NULL
     GROUP BY move.sale_line_id, cl.lot_id, cl.company_id
),
invoiced AS (
    SELECT rel.order_line_id AS sale_line_id, SUM(-aml.balance) AS amount
      FROM sale_order_line_invoice_rel rel
      JOIN account_move_line aml ON aml.id = rel.invoice_line_id
      JOIN account_move am ON am.id = aml.move_id
     WHERE am.state = 'posted' AND am.move_type IN ('out_invoice', 'out_refund')
     GROUP BY rel.order_line_id
),
revenue AS (
    -- A sale line's invoiced amount shared between its lots by quantity delivered.
    SELECT sale_lines.lot_id, sale_lines.company_id,
           SUM(invoiced.amount * sale_lines.quantity / NULLIF(sale_lines.total, 0)) AS revenue
      FROM sale_lines
      JOIN invoiced ON invoiced.sale_line_id = sale_lines.sale_line_id
     WHERE sale_lines.lot_id IS NOT NULL
     GROUP BY sale_lines.lot_id, sale_lines.company_id
)"""
            )
            if with_revenue
            else SQL()
        )
        revenue_join = (
            SQL(
                "LEFT JOIN revenue"
                " ON revenue.lot_id = sold.lot_id AND revenue.company_id = sold.company_id"
            )
            if with_revenue
            else SQL()
        )
        revenue_value = SQL("revenue.revenue") if with_revenue else SQL("NULL::numeric")
        return SQL(
            """
WITH locations AS (
    SELECT COALESCE(array_agg(id) FILTER (WHERE usage = 'customer'), '{}') AS customer
      FROM stock_location
),
customer_lines AS (
    -- Deliveries to customers (+) and their returns (-): done lines into a customer
    -- location from elsewhere, and out of one to elsewhere.
    SELECT ml.id, ml.lot_id, ml.company_id, ml.product_id, ml.move_id, ml.date,
           CASE WHEN ml.location_dest_id = ANY(locations.customer) THEN ml.quantity_product_uom
                ELSE -ml.quantity_product_uom END AS quantity
      FROM stock_move_line ml
     CROSS JOIN locations
     WHERE ml.state = 'done'
       AND (ml.location_dest_id = ANY(locations.customer))
           <> (ml.location_id = ANY(locations.customer))
),
sold AS (
    SELECT MIN(cl.id) AS id, cl.lot_id, cl.company_id, MIN(cl.product_id) AS product_id,
           MAX(cl.date) AS date, SUM(cl.quantity) AS quantity
      FROM customer_lines cl
     WHERE cl.lot_id IS NOT NULL
     GROUP BY cl.lot_id, cl.company_id
),
costs AS (%(costs)s)%(revenue)s
SELECT sold.id, sold.lot_id, sold.product_id, product.product_tmpl_id, template.categ_id,
       template.uom_id, sold.company_id, company.currency_id, sold.date,
       CASE WHEN costs.unit_cost IS NOT NULL THEN costs.cost_basis END AS cost_basis,
       sold.quantity AS quantity_sold, costs.unit_cost,
       sold.quantity * costs.unit_cost AS cost_of_goods,
       %(revenue_value)s AS revenue, %(revenue_value)s IS NOT NULL AS has_revenue,
       %(revenue_value)s - sold.quantity * COALESCE(costs.unit_cost, 0) AS margin,
       100 * (%(revenue_value)s - sold.quantity * COALESCE(costs.unit_cost, 0))
           / NULLIF(%(revenue_value)s, 0) AS margin_percent
  FROM sold
  JOIN product_product product ON product.id = sold.product_id
  JOIN product_template template ON template.id = product.product_tmpl_id
  JOIN res_company company ON company.id = sold.company_id
  LEFT JOIN costs ON costs.lot_id = sold.lot_id AND costs.company_id = sold.company_id
  %(revenue_join)s
""",
            costs=self.env["stock.lot"]._lot_recall_cost_query(),
            revenue=revenue,
            revenue_join=revenue_join,
            revenue_value=revenue_value,
        )

    def action_export_xlsx(self):
        """Download these rows (none selected: every row the user may read) as a sortable
        spreadsheet."""
        rows = self or self.search([])
        export = self.env["lot.margin.export"].create(
            {"xlsx_file": base64.b64encode(rows._lot_margin_xlsx())}
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/lot.margin.export/{export.id}/xlsx_file/"
            f"{quote(export.xlsx_filename)}?download=true",
            "target": "download",
        }

    def _lot_margin_xlsx(self):
        """The bytes of the spreadsheet of these rows (revenue columns with Sales only)."""
        revenue = self._lot_margin_has_revenue()
        columns = [
            (self.env._("Lot"), "text", 18),
            (self.env._("Product"), "text", 30),
            (self.env._("Company"), "text", 20),
            (self.env._("Last Delivery"), "datetime", 17),
            (self.env._("Quantity Sold"), "number", 12),
            (self.env._("Unit"), "text", 8),
            (self.env._("Cost Basis"), "text", 16),
            (self.env._("Lot Unit Cost"), "number", 12),
            (self.env._("Cost of Goods Sold"), "number", 14),
        ]
        if revenue:
            columns += [
                (self.env._("Revenue"), "number", 14),
                (self.env._("Margin"), "number", 14),
                (self.env._("Margin (%)"), "number", 10),
            ]
        columns.append((self.env._("Currency"), "text", 9))
        bases = dict(self._fields["cost_basis"]._description_selection(self.env))
        xlsx = self.env["lot.recall.xlsx"]
        self.fetch([fname for fname, field in self._fields.items() if field.store])
        rows = []
        for row in self.sorted(lambda row: (row.product_id.display_name, row.lot_id.name)):
            values = [
                row.lot_id.name,
                row.product_id.display_name,
                row.company_id.name,
                xlsx._local(row.date),
                row.quantity_sold,
                row.uom_id.name,
                bases.get(row.cost_basis, ""),
                row.unit_cost if row.cost_basis else None,
                row.cost_of_goods if row.cost_basis else None,
            ]
            if revenue:
                values += [
                    row.revenue if row.has_revenue else None,
                    row.margin if row.has_revenue else None,
                    row.margin_percent if row.has_revenue and row.revenue else None,
                ]
            values.append(row.currency_id.name)
            rows.append(tuple(values))
        return xlsx._workbook([(self.env._("Lot Margins"), columns, rows)])
