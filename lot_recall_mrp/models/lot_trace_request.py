# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.tools import SQL


class LotTraceRequest(models.Model):
    _inherit = "lot.trace.request"

    def _trace_events(self):
        """Add the transformation events: done manufacturing orders of the request's company
        and dates (completion: the date of their finished lines) that consumed or produced a
        product or lot of the request's scope, with all their inputs.

        One row per finished line and component lot: ``production_id``, ``reference`` (the
        order), ``date``, ``location_id`` (where the finished goods went: ours),
        ``output_move_line_id``, ``output_lot_id``, ``output_product_id``,
        ``output_quantity``, ``input_lot_id``, ``input_product_id``, ``input_quantity``
        (product UoM; the component's lines of that lot consumed into that finished line).
        """
        events = super()._trace_events()
        start, end = self._utc_bounds()
        for model in ("stock.move.line", "stock.move", "mrp.production"):
            self.env[model].flush_model()
        events["transformation"] = self.env.execute_query_dict(
            SQL(
                """
SELECT production.id AS production_id, production.name AS reference,
       output.date, output.location_dest_id AS location_id,
       output.id AS output_move_line_id, output.lot_id AS output_lot_id,
       output.product_id AS output_product_id, output.quantity_product_uom AS output_quantity,
       input.lot_id AS input_lot_id, input.product_id AS input_product_id,
       SUM(input.quantity_product_uom) AS input_quantity
  FROM stock_move_line output
  JOIN stock_move finished ON finished.id = output.move_id
  JOIN mrp_production production ON production.id = finished.production_id
  -- stock's consumption links: produce_line_id is the component line, consume_line_id the
  -- finished line made from it (the names read the other way round).
  JOIN stock_move_line_consume_rel rel ON rel.consume_line_id = output.id
  JOIN stock_move_line input ON input.id = rel.produce_line_id AND input.state = 'done'
 WHERE output.state = 'done' AND output.company_id = %(company)s
   AND output.date >= %(start)s AND output.date < %(end)s
   -- Every input of an order that made or consumed something asked about.
   AND (%(output_scope)s OR EXISTS (
        SELECT 1 FROM stock_move_line_consume_rel scoped_rel
          JOIN stock_move_line scoped ON scoped.id = scoped_rel.produce_line_id
         WHERE scoped_rel.consume_line_id = output.id AND %(input_scope)s))
 GROUP BY production.id, output.id, input.lot_id, input.product_id
 ORDER BY output.date, production.name, output.id, input.product_id, input.lot_id
                """,
                company=self.company_id.id,
                start=start,
                end=end,
                output_scope=self._scope_condition("output"),
                input_scope=self._scope_condition("scoped"),
            )
        )
        return events
