# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import datetime

from odoo import api, models
from odoo.tools import SQL, index_exists

# The models whose tables the engine's queries read (stock_move_line_consume_rel is a
# many2many of stock.move.line).
TRACED_MODELS = (
    "res.partner",
    "stock.location",
    "stock.lot",
    "stock.move",
    "stock.move.line",
    "stock.picking",
    "stock.quant",
)


class LotTrace(models.AbstractModel):
    """The trace engine: lot ids in, plain rows out.

    The only place of the addon with recursive SQL. It reads, never writes, and calls no other
    model back; callers (the recall) decide what to do with the rows.
    """

    _name = "lot.trace"
    _description = "Lot Trace Engine"

    def init(self):
        # Every step of the walk looks up the done move lines of a set of lots; stock has no
        # index on stock_move_line.lot_id. A partial index keeps it small (done lines with a lot).
        if not index_exists(self.env.cr, "lot_recall_stock_move_line_done_lot_idx"):
            self.env.cr.execute(
                SQL(
                    "CREATE INDEX lot_recall_stock_move_line_done_lot_idx"
                    " ON stock_move_line (lot_id, company_id)"
                    " WHERE lot_id IS NOT NULL AND state = 'done'"
                )
            )

    @api.model
    def _trace(self, lot_ids, company_id, include_derived=True):
        """Trace lots downstream and upstream within one company, in one SQL statement.

        :param lot_ids: ids of the lots to trace (``stock.lot``)
        :param company_id: id of the company whose moves are traced; moves, quants and partners
            of other companies are never read
        :param include_derived: also follow manufacturing (and unbuild) consumption links
            (``stock_move_line_consume_rel``) to the lots made from the input lots, transitively
        :return: a dict of lists of plain dicts (ids, floats, datetimes):

            - ``lots``: ``lot_id``, ``depth`` (0 for an input lot), ``parent_lot_id`` and
              ``via_move_line_id`` (the done move line that produced the lot from its parent,
              e.g. a manufacturing order's finished line), ``via_reference`` (that line's
              reference, e.g. the manufacturing order's name)
            - ``deliveries``: one row per done move line of an affected lot into a customer
              location (so a multi-step delivery counts once, at its last leg; dropship counts;
              internal moves never count): ``move_line_id``, ``picking_id``, ``partner_id``
              (commercial partner), ``product_id``, ``lot_id``, ``quantity`` (product UoM),
              ``returned_quantity`` (customer returns of that lot by that customer, allocated
              to their deliveries oldest first), ``date``, ``location_id`` (ship-from)
            - ``stock``: quants of affected lots still held in internal and transit locations:
              ``lot_id``, ``product_id``, ``location_id``, ``quantity``
            - ``upstream``: done receipts of the input lots from supplier locations:
              ``lot_id``, ``move_line_id``, ``picking_id``, ``partner_id``, ``date``,
              ``supplier_lot_ref`` (as recorded on the receipt line, else on the lot)
        """
        self._flush_traced_models()
        result = self._execute_without_jit(
            self._trace_query(list(lot_ids), company_id, include_derived)
        )
        lots = self._shortest_paths(result.pop("roots"), result.pop("links"))
        for key in ("deliveries", "upstream"):
            for row in result[key]:
                row["date"] = row["date"] and datetime.fromisoformat(row["date"])
        return {"lots": lots, **result}

    @api.model
    def _trace_upstream(self, lot_ids, company_id):
        """Trace lots upstream within one company, in one SQL statement: one step back to the
        suppliers ("where did this come from"), through every manufacturing level.

        Follows the manufacturing (and unbuild) consumption links (``stock_move_line_consume_rel``)
        backwards, from a lot to the lots consumed to make it, transitively; each lot is visited
        once, however many paths or cycles lead to it. Exactly the links of :meth:`_trace` with
        ``include_derived``, walked the other way.

        :param lot_ids: ids of the lots to trace (``stock.lot``)
        :param company_id: id of the company whose moves are traced; moves and partners of
            other companies are never read
        :return: a dict of lists of plain dicts (ids, floats, datetimes):

            - ``lots``: the input lots (``depth`` 0) and every lot that went into them:
              ``lot_id``, ``depth``, ``made_lot_id`` (the lot it went into, one step closer to
              the input lots), ``via_move_line_id`` (the done move line that made
              ``made_lot_id`` from it, e.g. a manufacturing order's finished line),
              ``via_reference`` (that line's reference), ``root_lot_id`` (the input lot it is
              behind, the nearest one); shortest distances and ties broken as in
              :meth:`_trace`; ordered by depth, then lot id
            - ``receipts``: done receipts of all those lots from supplier locations:
              ``lot_id``, ``product_id``, ``move_line_id``, ``picking_id``, ``partner_id``
              (commercial partner), ``date``, ``supplier_lot_ref`` (as recorded on the receipt
              line, else on the lot), ``quantity`` (product UoM); ordered by date, then line
            - ``links``: every consumption link between those lots, ``[made_lot_id, lot_id,
              via_move_line_id, via_reference]`` (``lot_id`` went into ``made_lot_id``), of
              which ``lots`` keeps the shortest paths
        """
        self._flush_traced_models()
        result = self._execute_without_jit(self._trace_upstream_query(list(lot_ids), company_id))
        lots = self._shortest_paths(result["roots"], result["links"])
        root_of = {}
        for row in lots:
            made_lot_id = row.pop("parent_lot_id")
            row["made_lot_id"] = made_lot_id
            row["root_lot_id"] = root_of[made_lot_id] if made_lot_id else row["lot_id"]
            root_of[row["lot_id"]] = row["root_lot_id"]
        for row in result["receipts"]:
            row["date"] = row["date"] and datetime.fromisoformat(row["date"])
        return {"lots": lots, "receipts": result["receipts"], "links": result["links"]}

    @api.model
    def _flush_traced_models(self):
        """Write what is pending on the models the engine reads (``TRACED_MODELS``), as a
        search flushes the fields of its domain. Not every model: the caller's own pending
        computations stay pending (a recall's cockpit columns, which its trace changes again,
        are then computed once, not before and after the trace)."""
        for model in TRACED_MODELS:
            self.env[model].flush_model()

    @api.model
    def _execute_without_jit(self, query):
        """The one value of the one row ``query`` returns, run with PostgreSQL's JIT off: the
        planner's cost estimates of a recursive walk are far too high on large tables, enough
        to trigger JIT compilation, which then costs more than the whole walk.

        Two round trips: the setting is read and turned off in one statement (the row of the
        materialized CTE, read first, is projected with ``set_config``), and put back by
        ``query``'s own statement, planned (and JIT decided) with it off."""
        [[jit, _off]] = self.env.execute_query(
            SQL(
                "WITH previous AS MATERIALIZED (SELECT current_setting('jit') AS jit)"
                " SELECT jit, set_config('jit', 'off', true) FROM previous"
            )
        )
        [[result, _restored]] = self.env.execute_query(
            SQL("SELECT result, set_config('jit', %s, true) FROM (%s) AS query(result)", jit, query)
        )
        return result

    @api.model
    def _shortest_paths(self, roots, links):
        """The ``lots`` rows of :meth:`_trace`: a breadth-first search from the ``roots`` (lot
        ids, depth 0) over the distinct ``links`` ``[parent_lot_id, lot_id, via_move_line_id,
        via_reference]``, each lot and link visited once. A lot gets its shortest distance from
        a root; of the links into it from the previous depth, the one with the smallest
        ``via_move_line_id`` (then the smallest parent) gives its parent and via line.
        Rows are ordered by depth, then lot id."""
        children = defaultdict(list)
        for parent_id, lot_id, via_id, via_reference in links:
            children[parent_id].append((via_id, parent_id, lot_id, via_reference))
        frontier = sorted(set(roots))
        seen = set(frontier)
        lots = [
            {
                "lot_id": lot_id,
                "depth": 0,
                "parent_lot_id": None,
                "via_move_line_id": None,
                "via_reference": None,
            }
            for lot_id in frontier
        ]
        depth = 0
        while frontier:
            depth += 1
            best = {}
            for parent_id in frontier:
                for link in children[parent_id]:
                    lot_id = link[2]
                    if lot_id not in seen and (lot_id not in best or link[:2] < best[lot_id][:2]):
                        best[lot_id] = link
            frontier = sorted(best)
            seen.update(frontier)
            lots.extend(
                {
                    "lot_id": lot_id,
                    "depth": depth,
                    "parent_lot_id": best[lot_id][1],
                    "via_move_line_id": best[lot_id][0],
                    "via_reference": best[lot_id][3],
                }
                for lot_id in frontier
            )
        return lots

    @api.model
    def _trace_query(self, lot_ids, company_id, include_derived):
        return SQL(
            """
WITH RECURSIVE locations AS (
    -- Location usages as id arrays: one cheap membership test per move line instead of two
    -- joins to stock_location.
    SELECT COALESCE(array_agg(id) FILTER (WHERE usage = 'customer'), '{}') AS customer,
           COALESCE(array_agg(id) FILTER (WHERE usage IN ('internal', 'transit')), '{}') AS held,
           COALESCE(array_agg(id) FILTER (WHERE usage = 'supplier'), '{}') AS supplier,
           COALESCE(array_agg(id) FILTER (WHERE usage = 'production'), '{}') AS production
      FROM stock_location
),
roots AS (
    SELECT lot.id AS lot_id FROM stock_lot lot WHERE lot.id = ANY(%(lot_ids)s)
),
walk (lot_id, parent_lot_id, via_move_line_id, via_reference) AS (
    -- Two kinds of rows: a lot (parent_lot_id NULL) and a link from a parent lot to a lot
    -- made from it. UNION (not UNION ALL) drops the rows already found, so each lot is expanded
    -- once, at its first (shortest) step, however many paths, move lines or cycles lead to
    -- it: the cost is one lookup per distinct lot. Links are never expanded; _trace() gives
    -- each lot its depth and parent from them (breadth-first).
    SELECT lot_id, NULL::integer, NULL::integer, NULL::varchar FROM roots
 UNION
    SELECT step.*
      FROM walk
     CROSS JOIN locations
     -- LATERAL ... OFFSET 0: each lot's links through the lot index, whatever the planner
     -- guesses of the number of lots walked.
     CROSS JOIN LATERAL (
           -- A consumed line (into a production location: manufacturing and unbuild orders)
           -- is linked to the lines it produced by stock_move_line_consume_rel.
           SELECT output.lot_id, output.id, output.reference
             FROM stock_move_line input
             JOIN stock_move_line_consume_rel rel ON rel.produce_line_id = input.id
             JOIN stock_move_line output
               ON output.id = rel.consume_line_id AND output.state = 'done'
              AND output.company_id = %(company)s
            WHERE input.lot_id = walk.lot_id AND input.state = 'done'
              AND input.company_id = %(company)s
              AND input.location_dest_id = ANY(locations.production)
              AND output.lot_id IS NOT NULL AND output.lot_id <> walk.lot_id
           OFFSET 0
           ) link
     CROSS JOIN LATERAL (
           VALUES (link.lot_id, NULL::integer, NULL::integer, NULL::varchar),
                  (link.lot_id, walk.lot_id, link.id, link.reference)
           ) step
     WHERE %(include_derived)s
       AND walk.parent_lot_id IS NULL
),
affected AS (
    SELECT lot_id FROM walk WHERE parent_lot_id IS NULL
),
customer_lines AS (
    -- Deliveries (into a customer location, not from one) and returns (from a customer
    -- location into stock) of the affected lots, with the customer of their transfer.
    SELECT ml.id, ml.lot_id, ml.product_id, ml.picking_id, ml.date, ml.location_id,
           ml.quantity_product_uom AS quantity,
           ml.location_id = ANY(locations.customer) AS is_return,
           COALESCE(partner.commercial_partner_id, partner.id) AS partner_id
      FROM affected
     CROSS JOIN locations
     -- LATERAL ... OFFSET 0: each affected lot's lines through the lot index, whatever the
     -- planner guesses of the number of affected lots (a recursive result it cannot know).
     CROSS JOIN LATERAL (
           SELECT * FROM stock_move_line line
            WHERE line.lot_id = affected.lot_id AND line.state = 'done'
              AND line.company_id = %(company)s
           OFFSET 0
           ) ml
      LEFT JOIN stock_picking picking ON picking.id = ml.picking_id
      LEFT JOIN res_partner partner ON partner.id = COALESCE(
           picking.partner_id,
           (SELECT move.partner_id FROM stock_move move WHERE move.id = ml.move_id))
     WHERE (ml.location_dest_id = ANY(locations.customer)
            AND NOT ml.location_id = ANY(locations.customer))
        OR (ml.location_id = ANY(locations.customer) AND ml.location_dest_id = ANY(locations.held))
),
allocated AS (
    -- Returns of a lot by a customer are allocated to that customer's deliveries of the lot,
    -- oldest first: one pass of window sums over the customer's lines of the lot.
    SELECT id AS move_line_id, picking_id, partner_id, product_id, lot_id, quantity, date,
           location_id,
           LEAST(quantity, GREATEST(0, returned_total - delivered_before)) AS returned_quantity
      FROM (
           SELECT customer_lines.*,
                  SUM(quantity) FILTER (WHERE is_return) OVER customer_lot AS returned_total,
                  COALESCE(SUM(quantity) FILTER (WHERE NOT is_return) OVER (
                      customer_lot ORDER BY date, id
                      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS delivered_before
             FROM customer_lines
           WINDOW customer_lot AS (PARTITION BY partner_id, lot_id)
           ) lines
     WHERE NOT is_return
),
stock AS (
    SELECT quant.lot_id, quant.product_id, quant.location_id, SUM(quant.quantity) AS quantity
      FROM affected
     CROSS JOIN locations
     CROSS JOIN LATERAL (
           SELECT * FROM stock_quant held
            WHERE held.lot_id = affected.lot_id AND held.company_id = %(company)s
           OFFSET 0
           ) quant
     WHERE quant.location_id = ANY(locations.held)
     GROUP BY quant.lot_id, quant.product_id, quant.location_id
    HAVING SUM(quant.quantity) > 0
),
upstream AS (
    SELECT ml.lot_id, ml.id AS move_line_id, ml.picking_id, ml.date,
           COALESCE(partner.commercial_partner_id, partner.id) AS partner_id,
           COALESCE(ml.supplier_lot_ref, lot.supplier_lot_ref) AS supplier_lot_ref
      FROM locations
      JOIN stock_move_line ml ON ml.location_id = ANY(locations.supplier)
      JOIN stock_lot lot ON lot.id = ml.lot_id
      LEFT JOIN stock_picking picking ON picking.id = ml.picking_id
      LEFT JOIN res_partner partner ON partner.id = COALESCE(
           picking.partner_id,
           (SELECT move.partner_id FROM stock_move move WHERE move.id = ml.move_id))
     WHERE ml.lot_id = ANY(%(lot_ids)s) AND ml.state = 'done'
       AND ml.company_id = %(company)s
)
SELECT json_build_object(
    'roots', (SELECT COALESCE(json_agg(lot_id), '[]') FROM roots),
    'links', (SELECT COALESCE(json_agg(json_build_array(
                  parent_lot_id, lot_id, via_move_line_id, via_reference)), '[]')
                FROM walk WHERE parent_lot_id IS NOT NULL),
    'deliveries', (SELECT COALESCE(json_agg(allocated ORDER BY date, move_line_id), '[]')
                     FROM allocated),
    'stock', (SELECT COALESCE(json_agg(stock ORDER BY lot_id, location_id), '[]') FROM stock),
    'upstream', (SELECT COALESCE(json_agg(upstream ORDER BY date, move_line_id), '[]')
                   FROM upstream)
)
""",
            lot_ids=lot_ids,
            company=company_id,
            include_derived=bool(include_derived),
        )

    @api.model
    def _trace_upstream_query(self, lot_ids, company_id):
        return SQL(
            """
WITH RECURSIVE locations AS (
    SELECT COALESCE(array_agg(id) FILTER (WHERE usage = 'supplier'), '{}') AS supplier,
           COALESCE(array_agg(id) FILTER (WHERE usage = 'production'), '{}') AS production
      FROM stock_location
),
roots AS (
    SELECT lot.id AS lot_id FROM stock_lot lot WHERE lot.id = ANY(%(lot_ids)s)
),
walk (lot_id, made_lot_id, via_move_line_id, via_reference) AS (
    -- As in _trace: lot rows (made_lot_id NULL), expanded once each (UNION), and link rows
    -- from a lot to a lot consumed to make it, never expanded.
    SELECT lot_id, NULL::integer, NULL::integer, NULL::varchar FROM roots
 UNION
    SELECT step.*
      FROM walk
     CROSS JOIN locations
     CROSS JOIN LATERAL (
           -- The lot's done lines that consumed lines (a manufacturing order's finished line,
           -- an unbuild order's component line), and the lots of the consumed lines: the
           -- links of _trace the other way round.
           SELECT input.lot_id, output.id, output.reference
             FROM stock_move_line output
             JOIN stock_move_line_consume_rel rel ON rel.consume_line_id = output.id
             JOIN stock_move_line input
               ON input.id = rel.produce_line_id AND input.state = 'done'
              AND input.company_id = %(company)s
              AND input.location_dest_id = ANY(locations.production)
            WHERE output.lot_id = walk.lot_id AND output.state = 'done'
              AND output.company_id = %(company)s
              AND input.lot_id IS NOT NULL AND input.lot_id <> walk.lot_id
           OFFSET 0
           ) link
     CROSS JOIN LATERAL (
           VALUES (link.lot_id, NULL::integer, NULL::integer, NULL::varchar),
                  (link.lot_id, walk.lot_id, link.id, link.reference)
           ) step
     WHERE walk.made_lot_id IS NULL
),
receipts AS (
    SELECT ml.lot_id, ml.product_id, ml.id AS move_line_id, ml.picking_id, ml.date,
           ml.quantity_product_uom AS quantity,
           COALESCE(partner.commercial_partner_id, partner.id) AS partner_id,
           COALESCE(ml.supplier_lot_ref, lot.supplier_lot_ref) AS supplier_lot_ref
      FROM walk
     CROSS JOIN locations
     CROSS JOIN LATERAL (
           SELECT * FROM stock_move_line line
            WHERE line.lot_id = walk.lot_id AND line.state = 'done'
              AND line.company_id = %(company)s
           OFFSET 0
           ) ml
      JOIN stock_lot lot ON lot.id = ml.lot_id
      LEFT JOIN stock_picking picking ON picking.id = ml.picking_id
      LEFT JOIN res_partner partner ON partner.id = COALESCE(
           picking.partner_id,
           (SELECT move.partner_id FROM stock_move move WHERE move.id = ml.move_id))
     WHERE walk.made_lot_id IS NULL AND ml.location_id = ANY(locations.supplier)
)
SELECT json_build_object(
    'roots', (SELECT COALESCE(json_agg(lot_id), '[]') FROM roots),
    'links', (SELECT COALESCE(json_agg(json_build_array(
                  made_lot_id, lot_id, via_move_line_id, via_reference)), '[]')
                FROM walk WHERE made_lot_id IS NOT NULL),
    'receipts', (SELECT COALESCE(json_agg(receipts ORDER BY date, move_line_id), '[]')
                   FROM receipts)
)
""",
            lot_ids=lot_ids,
            company=company_id,
        )
