# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
from urllib.parse import quote

from odoo import api, fields, models
from odoo.tools import SQL

from ..models.stock_lot import COST_BASES, COST_FACTS

REVENUE_FIELDS = ("revenue", "margin", "margin_percent", "has_revenue")
REVENUE_FILTERS = ("invoiced", "negative_margin")
NUMBER_FIELDS = (
    "quantity_sold",
    "unit_cost",
    "cost_of_goods",
    "revenue",
    "margin",
    "margin_percent",
)
XLSX_FIELDS = (
    "lot_id",
    "product_id",
    "company_id",
    "date",
    "uom_id",
    "currency_id",
    "cost_basis",
    "has_revenue",
    *NUMBER_FIELDS,
)


class LotMarginReport(models.Model):
    """What each lot sold, what it cost and, with Sales (``sale_stock``), what it earned.

    One row per lot and company with customer deliveries. Its SQL (:meth:`_table_query`) is
    built at each read, one query for the whole report: the deliveries and returns of every
    lot, the lots' actual costs (``stock.lot._lot_recall_cost_columns``) and, when
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
        """The report's rows: one GROUP BY (lot, company) over rows of every source (customer
        lines, the cost facts of ``stock.lot._lot_recall_cost_facts``, revenue shares), then
        the product, its template and the company joined. Filters on the lot, the company or
        the product (the company rule) reach each source's table."""
        revenue = (
            SQL(
                """
 UNION ALL
-- A sale line's invoiced amount (posted invoices less credit notes, untaxed, company
-- currency) shared between its lots by quantity delivered (net of returns).
SELECT sale_lines.lot_id, sale_lines.company_id, NULL, NULL, NULL, NULL,
       invoiced.amount * sale_lines.quantity / NULLIF(sale_lines.total, 0), %(no_costs)s
  FROM (SELECT move.sale_line_id, ml.lot_id, ml.company_id,
               SUM(%(signed)s) AS quantity,
               SUM(SUM(%(signed)s)) OVER (PARTITION BY move.sale_line_id) AS total
          FROM stock_move_line ml
          JOIN stock_move move ON move.id = ml.move_id
         CROSS JOIN locations
         WHERE %(customer_line)s AND move.sale_line_id IS NOT NULL
         GROUP BY move.sale_line_id, ml.lot_id, ml.company_id) sale_lines
  JOIN (SELECT rel.order_line_id AS sale_line_id, SUM(-aml.balance) AS amount
          FROM sale_order_line_invoice_rel rel
          JOIN account_move_line aml ON aml.id = rel.invoice_line_id
          JOIN account_move am ON am.id = aml.move_id
         WHERE am.state = 'posted' AND am.move_type IN ('out_invoice', 'out_refund')
         GROUP BY rel.order_line_id) invoiced ON invoiced.sale_line_id = sale_lines.sale_line_id
 WHERE sale_lines.lot_id IS NOT NULL""",
                signed=self._lot_margin_signed_quantity(),
                customer_line=self._lot_margin_customer_line(),
                no_costs=SQL(", ").join(SQL("NULL") for _column in COST_FACTS),
            )
            if with_revenue
            else SQL()
        )
        return SQL(
            """
WITH locations AS (
    SELECT COALESCE(array_agg(id) FILTER (WHERE usage = 'customer'), '{}') AS customer
      FROM stock_location
)
SELECT sums.id, sums.lot_id, sums.product_id, product.product_tmpl_id, template.categ_id,
       template.uom_id, sums.company_id, company.currency_id, sums.date,
       sums.quantity_sold, sums.revenue, sums.revenue IS NOT NULL AS has_revenue,
       CASE WHEN costs.unit_cost IS NOT NULL THEN costs.cost_basis END AS cost_basis,
       costs.unit_cost,
       sums.quantity_sold * costs.unit_cost AS cost_of_goods,
       sums.revenue - sums.quantity_sold * COALESCE(costs.unit_cost, 0) AS margin,
       100 * (sums.revenue - sums.quantity_sold * COALESCE(costs.unit_cost, 0))
           / NULLIF(sums.revenue, 0) AS margin_percent
  FROM (SELECT facts.lot_id, facts.company_id, MIN(facts.line_id) AS id,
               MIN(facts.product_id) AS product_id, MAX(facts.date) AS date,
               SUM(facts.quantity_sold) AS quantity_sold, SUM(facts.revenue) AS revenue,
               %(sums)s
          FROM (
                -- Deliveries to customers (+) and their returns (-).
                SELECT ml.lot_id, ml.company_id, ml.id AS line_id, ml.product_id, ml.date,
                       %(signed)s AS quantity_sold, NULL::numeric AS revenue, %(no_costs)s
                  FROM stock_move_line ml
                 CROSS JOIN locations
                 WHERE %(customer_line)s AND ml.lot_id IS NOT NULL
                 UNION ALL
                SELECT cost.lot_id, cost.company_id, NULL, NULL, NULL, NULL, NULL,
                       %(cost_fact_columns)s
                  FROM (%(cost_facts)s) cost%(revenue)s
               ) facts
         GROUP BY facts.lot_id, facts.company_id
        HAVING MIN(facts.line_id) IS NOT NULL) sums
  JOIN product_product product ON product.id = sums.product_id
  JOIN product_template template ON template.id = product.product_tmpl_id
  JOIN res_company company ON company.id = sums.company_id
 CROSS JOIN LATERAL (SELECT %(cost_columns)s) costs
""",
            signed=self._lot_margin_signed_quantity(),
            customer_line=self._lot_margin_customer_line(),
            no_costs=SQL(", ").join(
                SQL("NULL::numeric AS %s", SQL.identifier(column)) for column in COST_FACTS
            ),
            cost_fact_columns=SQL(", ").join(
                SQL.identifier("cost", column) for column in COST_FACTS
            ),
            sums=self.env["stock.lot"]._lot_recall_cost_sums("facts"),
            cost_facts=self.env["stock.lot"]._lot_recall_cost_facts(),
            cost_columns=self.env["stock.lot"]._lot_recall_cost_columns("sums"),
            revenue=revenue,
        )

    @api.model
    def _lot_margin_customer_line(self):
        """A done move line (``ml``) to or from a customer location (``locations``), not
        both: a delivery or a customer return."""
        return SQL(
            "ml.state = 'done' AND (ml.location_dest_id = ANY(locations.customer))"
            " <> (ml.location_id = ANY(locations.customer))"
        )

    @api.model
    def _lot_margin_signed_quantity(self):
        """The quantity of a customer line ``ml``: delivered (+) or returned (-)."""
        return SQL(
            "CASE WHEN ml.location_dest_id = ANY(locations.customer)"
            " THEN ml.quantity_product_uom ELSE -ml.quantity_product_uom END"
        )

    def action_export_xlsx(self):
        """Download these rows (none selected: every row the user may read) as a sortable
        spreadsheet."""
        domain = [("id", "in", self.ids)] if self else []
        export = self.env["lot.margin.export"].create(
            {"xlsx_file": base64.b64encode(self._lot_margin_xlsx(domain))}
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/lot.margin.export/{export.id}/xlsx_file/"
            f"{quote(export.xlsx_filename)}?download=true",
            "target": "download",
        }

    @api.model
    def _lot_margin_xlsx(self, domain):
        """The bytes of the spreadsheet of the rows of ``domain`` (revenue columns with Sales
        only), by product and lot. The rows are read in one query of the report (the ORM's
        search: access rights and record rules applied), the lots' names in one more; the
        ORM's reads of 10^5 records and their lots cost seconds more."""
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
        query = self._search(domain)
        records = self.env.execute_query_dict(
            query.select(*(self._field_to_sql(self._table, fname, query) for fname in XLSX_FIELDS))
        )
        for row in records:
            for fname in NUMBER_FIELDS:
                if row[fname] is not None:
                    row[fname] = float(row[fname])
        # The lots of rows the user may read: their company's, or shared.
        self.env["stock.lot"].check_access("read")
        lot_names = dict(
            self.env.execute_query(
                SQL(
                    "SELECT id, name FROM stock_lot WHERE id = ANY(%s)",
                    list({row["lot_id"] for row in records}),
                )
            )
        )
        names = {}
        for model, fname in (
            ("product.product", "product_id"),
            ("res.company", "company_id"),
            ("uom.uom", "uom_id"),
            ("res.currency", "currency_id"),
        ):
            related = self.env[model].browse({row[fname] for row in records} - {None})
            names[fname] = {record.id: record.display_name for record in related}
        bases = dict(self._fields["cost_basis"]._description_selection(self.env))
        local = self.env["lot.recall.xlsx"]._local
        rows = []
        for row in sorted(
            records,
            key=lambda row: (names["product_id"][row["product_id"]], lot_names[row["lot_id"]]),
        ):
            costed = row["unit_cost"] is not None
            values = [
                lot_names[row["lot_id"]],
                names["product_id"][row["product_id"]],
                names["company_id"][row["company_id"]],
                local(row["date"]),
                row["quantity_sold"],
                names["uom_id"][row["uom_id"]],
                bases.get(row["cost_basis"], "") if costed else "",
                row["unit_cost"],
                row["cost_of_goods"],
            ]
            if revenue:
                invoiced = row["has_revenue"]
                values += [
                    row["revenue"] if invoiced else None,
                    row["margin"] if invoiced else None,
                    row["margin_percent"] if invoiced and row["revenue"] else None,
                ]
            values.append(names["currency_id"][row["currency_id"]])
            rows.append(tuple(values))
        return self.env["lot.recall.xlsx"]._workbook([(self.env._("Lot Margins"), columns, rows)])
