# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, models

from ..reports.report_lot_trace import QUANTITY, qweb_formatter
from ..tools.genealogy_layout import layout

# A lot's customers beyond this many (largest quantities first) are drawn as one node that
# counts them: a lot shipped to thousands of customers stays a readable picture.
CUSTOMERS_PER_LOT = 20
# The kinds of nodes, in the order of their columns, and their colours (screen and PDF).
KIND_COLORS = {
    "receipt": "#2e7d32",
    "lot": "#c62828",
    "production": "#6a1b9a",
    "derived_lot": "#ef6c00",
    "delivery": "#1565c0",
    "customer": "#455a64",
    "customers": "#78909c",
}
KIND_ORDER = {kind: index for index, kind in enumerate(KIND_COLORS)}


class LotGenealogy(models.AbstractModel):
    """The genealogy graph of a recall or of a lot, as plain JSON: supplier receipts →
    recalled (or traced) lots → manufacturing steps → derived lots → customer deliveries →
    customers.

    One builder for the three pictures (the recall's Genealogy tab, the lot's Genealogy
    screen, the recall report's SVG), fed by the trace engine's rows: a recall's stored rows
    (its one source of truth), or for a lot the engine itself, after the trace access check.
    It reads, never writes.
    """

    _name = "lot.genealogy"
    _description = "Lot Genealogy Graph"

    @api.model
    def _recall_graph(self, recall):
        """The graph of ``recall`` from the rows its last trace stored: affected lots (depth,
        parent, via line), delivery lines and supplier receipts. The caller checked that the
        user may read the recall; the rows are read through the ORM (access rights, record
        rules)."""
        recall.ensure_one()
        domain = [("recall_id", "=", recall.id)]
        lot_rows = self.env["lot.recall.lot"].search_read(
            domain, ["lot_id", "depth", "parent_lot_id", "via_move_line_id"], load=None
        )
        delivery_rows = self.env["lot.recall.line"].search_read(
            domain,
            ["move_line_id", "picking_id", "partner_id", "lot_id", "quantity", "date"],
            load=None,
        )
        receipt_rows = self.env["lot.recall.upstream"].search_read(
            domain,
            [
                "lot_id",
                "move_line_id",
                "picking_id",
                "partner_id",
                "quantity",
                "affected_lot_id",
                "recalled_lineage",
            ],
            load=None,
        )
        return self._graph(
            lot_rows,
            delivery_rows,
            receipt_rows,
            title=recall.name,
            root_label=self.env._("Recalled Lot"),
        )

    @api.model
    def _lot_graph(self, lot):
        """The graph of ``lot`` as a recall of it would find it now: the engine's walk
        downstream (lots made from it, deliveries) and one step back from every affected lot
        (supplier receipts), after the access check of every public reader of the engine
        (here the lot trace's: stock users)."""
        lot.ensure_one()
        company = lot.company_id or self.env.company
        lot._lot_recall_check_trace_access(company, group="stock.group_stock_user")
        trace = self.env["lot.trace"]._trace(lot.ids, company.id, include_derived=True)
        affected_ids = [row["lot_id"] for row in trace["lots"]]
        receipt_rows = self.env["lot.recall.upstream"]._rows_behind(
            lot.ids, affected_ids, company.id
        )
        return self._graph(
            trace["lots"],
            trace["deliveries"],
            receipt_rows,
            title=lot.display_name,
            root_label=self.env._("Traced Lot"),
        )

    @api.model
    def _kind_labels(self, root_label):
        return {
            "receipt": self.env._("Supplier Receipt"),
            "lot": root_label,
            "production": self.env._("Manufacturing"),
            "derived_lot": self.env._("Derived Lot"),
            "delivery": self.env._("Delivery"),
            "customer": self.env._("Customer"),
            "customers": self.env._("More Customers"),
        }

    @api.model
    def _graph(self, lot_rows, delivery_rows, receipt_rows, title, root_label):
        """Nodes and edges from the trace's rows (plain dicts, as the engine or the recall's
        rows give them).

        :param lot_rows: affected lots: ``lot_id``, ``depth``, ``parent_lot_id``,
            ``via_move_line_id``
        :param delivery_rows: deliveries: ``move_line_id``, ``picking_id``, ``partner_id``,
            ``lot_id``, ``quantity``, ``date``
        :param receipt_rows: supplier receipts: ``lot_id`` (received), ``move_line_id``,
            ``picking_id``, ``partner_id``, ``quantity``, ``affected_lot_id`` (the affected lot
            it went into), ``recalled_lineage``
        :return: ``{"title", "nodes", "edges", "kinds", "customers_per_lot"}``; a node:
            ``id``, ``kind``, ``label``, ``sublabel``, ``column`` (suppliers | lots | steps |
            derived lots | deliveries | customers, steps and derived lots once per depth),
            ``model`` and ``res_id`` (or ``res_ids``) of its records, ``quarantined``,
            ``count``, ``x`` and ``y`` (its top left corner in pixels, placed by
            ``tools/genealogy_layout.py``); an edge: ``id``, ``source``, ``target``,
            ``quantity`` (in the unit of the lot's product, ``None`` when not a quantity of
            one lot), ``label``, ``lineage`` (false for a receipt of another input of a
            derived lot)
        """
        builder = _GraphBuilder(self.env)
        builder.add_lots(lot_rows)
        builder.add_steps(
            [row for row in lot_rows if row["depth"] and row["via_move_line_id"]],
            self._transformation_nodes,
        )
        builder.add_receipts(receipt_rows)
        builder.add_deliveries(delivery_rows)
        graph = builder.result(title, self._kind_labels(root_label))
        layout(graph)
        return graph

    @api.model
    def _transformation_nodes(self, lines):
        """``{move line id: node values}`` of the steps that made lots from others, for the
        done move lines ``lines`` that made them (the trace's ``via`` lines): each line its
        own step, named by its reference. lot_recall_mrp makes the manufacturing (or unbuild)
        order the step, one node for all the lots it made."""
        lines.fetch(["reference", "product_id"])
        return {
            line.id: {
                "id": f"step_{line.id}",
                "label": line.reference or line.display_name,
                "sublabel": line.product_id.display_name,
                "model": "stock.move.line",
                "res_id": line.id,
            }
            for line in lines
        }


class _GraphBuilder:
    """Nodes and edges of one genealogy graph, built in the order of its columns; names and
    quantities formatted once per distinct value, records read in one batch per model."""

    def __init__(self, env):
        self.env = env
        self.nodes = {}
        self.edges = {}
        self.lots = env["stock.lot"]
        self.quantity = qweb_formatter(env, "float", QUANTITY)
        self.day = qweb_formatter(env, "date", {"widget": "date"})
        self.last_lot_column = 1

    def node(self, node_id, kind, column, label, sublabel, model, res_id, **extra):
        node = self.nodes.get(node_id)
        if node is None:
            node = self.nodes[node_id] = {
                "id": node_id,
                "kind": kind,
                "column": column,
                "label": label,
                "sublabel": sublabel or "",
                "model": model,
                "res_id": res_id,
                **extra,
            }
        else:
            node["column"] = min(node["column"], column)
        return node

    def edge(self, source, target, quantity=None, uom="", via="", lineage=True):
        """An edge, its quantity summed over the calls with the same ``source``, ``target``
        and ``via`` (the received lot named on a receipt's edge)."""
        key = (source, target, via)
        edge = self.edges.get(key)
        if edge is None:
            edge = self.edges[key] = {
                "id": f"{source}>{target}" + (f">{via}" if via else ""),
                "source": source,
                "target": target,
                "quantity": None,
                "uom": uom,
                "via": via,
                "lineage": lineage,
            }
        if quantity is not None:
            edge["quantity"] = (edge["quantity"] or 0.0) + quantity
            edge["uom"] = edge["uom"] or uom
        return edge

    def read_lots(self, lot_ids):
        lots = self.env["stock.lot"].browse(sorted(set(lot_ids) - set(self.lots.ids)))
        lots.fetch(["name", "product_id", "quarantined"])
        lots.product_id.fetch(["uom_id"])
        self.lots |= lots

    def uom(self, lot_id):
        return self.lots.browse(lot_id).product_id.uom_id.name or ""

    def add_lots(self, rows):
        self.read_lots(row["lot_id"] for row in rows)
        for row in rows:
            lot = self.lots.browse(row["lot_id"])
            column = 1 + 2 * row["depth"]
            self.last_lot_column = max(self.last_lot_column, column)
            self.node(
                f"lot_{lot.id}",
                "derived_lot" if row["depth"] else "lot",
                column,
                lot.name,
                lot.product_id.display_name,
                "stock.lot",
                lot.id,
                quarantined=lot.quarantined,
            )

    def add_steps(self, rows, step_nodes):
        """The steps (manufacturing orders) that made the derived lots ``rows``: parent lots
        and the other affected lots they consumed → step → lots made."""
        lines = self.env["stock.move.line"].browse(row["via_move_line_id"] for row in rows)
        lines.fetch(["quantity_product_uom", "consume_line_ids"])
        steps = step_nodes(lines)
        inputs = defaultdict(set)
        for row in rows:
            line = lines.browse(row["via_move_line_id"])
            step = dict(steps[line.id])
            node = self.node(step.pop("id"), "production", 2 * row["depth"], **step)
            lot_id = row["lot_id"]
            self.edge(node["id"], f"lot_{lot_id}", line.quantity_product_uom, self.uom(lot_id))
            inputs[node["id"]].update(line.consume_line_ids.ids)
            self.edge(f"lot_{row['parent_lot_id']}", node["id"])
        consumed = self.env["stock.move.line"].browse(
            sorted({line_id for line_ids in inputs.values() for line_id in line_ids})
        )
        consumed.fetch(["lot_id", "quantity_product_uom"])
        for node_id, line_ids in inputs.items():
            for line in consumed.browse(sorted(line_ids)):
                source = f"lot_{line.lot_id.id}"
                if source in self.nodes:
                    self.edge(source, node_id, line.quantity_product_uom, self.uom(line.lot_id.id))

    def add_receipts(self, rows):
        """Supplier receipts → the affected lot they went into (the received lot itself, or
        the nearest affected lot made from it, named on the edge)."""
        rows = [row for row in rows if f"lot_{row['affected_lot_id']}" in self.nodes]
        self.read_lots(row["lot_id"] for row in rows)
        document = self.documents(rows, "receipt")
        partners = self.partners(row["partner_id"] for row in rows)
        for row in rows:
            node_id, model, res_id, label = document(row)
            self.node(node_id, "receipt", 0, label, partners.get(row["partner_id"]), model, res_id)
            lot_id, target_id = row["lot_id"], row["affected_lot_id"]
            self.edge(
                node_id,
                f"lot_{target_id}",
                row["quantity"],
                self.uom(lot_id),
                via=self.lots.browse(lot_id).name if lot_id != target_id else "",
                lineage=bool(row["recalled_lineage"]),
            )

    def add_deliveries(self, rows):
        """Affected lots → deliveries → customers; a lot's customers beyond
        ``CUSTOMERS_PER_LOT`` (its smallest quantities) go to one node of the lot that counts
        them."""
        partners = self.partners(row["partner_id"] for row in rows)
        document = self.documents(rows, "delivery")
        per_lot = defaultdict(lambda: defaultdict(float))
        for row in rows:
            per_lot[row["lot_id"]][row["partner_id"]] += row["quantity"]
        hidden = {}
        for lot_id, quantities in per_lot.items():
            if len(quantities) > CUSTOMERS_PER_LOT:
                ranked = sorted(
                    quantities,
                    key=lambda partner_id, q=quantities: (
                        -q[partner_id],
                        partners.get(partner_id, ""),
                        partner_id or 0,
                    ),
                )
                hidden[lot_id] = set(ranked[CUSTOMERS_PER_LOT:])
        column = self.last_lot_column + 1
        for row in rows:
            lot_id, partner_id = row["lot_id"], row["partner_id"]
            source = f"lot_{lot_id}"
            if source not in self.nodes:
                continue
            if partner_id in hidden.get(lot_id, ()):
                node = self.node(
                    f"customers_{lot_id}",
                    "customers",
                    column + 1,
                    "",
                    "",
                    "res.partner",
                    None,
                    res_ids=set(),
                    deliveries=set(),
                )
                node["res_ids"].add(partner_id)
                node["deliveries"].add(row["picking_id"] or row["move_line_id"])
                self.edge(source, node["id"], row["quantity"], self.uom(lot_id))
                continue
            node_id, model, res_id, label = document(row)
            self.node(node_id, "delivery", column, label, self.day(row["date"]), model, res_id)
            self.edge(source, node_id, row["quantity"], self.uom(lot_id))
            if partner_id:
                customer = self.node(
                    f"customer_{partner_id}",
                    "customer",
                    column + 1,
                    partners[partner_id],
                    "",
                    "res.partner",
                    partner_id,
                )
                self.edge(node_id, customer["id"])

    def documents(self, rows, prefix):
        """``row -> (node id, model, id, name)`` of the transfer of each of ``rows``, else of
        its move line (a move without transfer), read in one batch per model."""
        pickings = self.env["stock.picking"].browse({row["picking_id"] for row in rows} - {None})
        pickings.fetch(["name"])
        lines = self.env["stock.move.line"].browse(
            row["move_line_id"] for row in rows if not row["picking_id"]
        )
        lines.fetch(["reference"])

        def document(row):
            if row["picking_id"]:
                picking = pickings.browse(row["picking_id"])
                return f"{prefix}_{picking.id}", "stock.picking", picking.id, picking.name
            line = lines.browse(row["move_line_id"])
            return f"{prefix}_line_{line.id}", "stock.move.line", line.id, line.reference or ""

        return document

    def partners(self, partner_ids):
        partners = self.env["res.partner"].browse(sorted(set(partner_ids) - {None, False}))
        return {partner.id: partner.display_name for partner in partners}

    def result(self, title, kind_labels):
        env = self.env
        nodes = sorted(
            self.nodes.values(),
            key=lambda node: (node["column"], KIND_ORDER[node["kind"]], node["label"], node["id"]),
        )
        counts = defaultdict(int)
        for node in nodes:
            counts[node["kind"]] += 1
            node.setdefault("quarantined", False)
            if node["kind"] == "customers":
                partner_ids = sorted(node.pop("res_ids") - {None})
                deliveries = len(node.pop("deliveries"))
                node["res_ids"] = partner_ids
                node["count"] = len(partner_ids)
                node["label"] = env._("%(count)s more customers", count=len(partner_ids))
                node["sublabel"] = env._("%(count)s deliveries", count=deliveries)
        edges = []
        for edge in sorted(self.edges.values(), key=lambda edge: edge["id"]):
            via, uom = edge.pop("via"), edge.pop("uom")
            parts = [via] if via else []
            if edge["quantity"] is not None:
                parts.append(f"{self.quantity(edge['quantity'])} {uom}".strip())
            edge["label"] = " · ".join(parts)
            edges.append(edge)
        return {
            "title": title,
            "nodes": nodes,
            "edges": edges,
            "kinds": [
                {
                    "kind": kind,
                    "label": kind_labels[kind],
                    "color": color,
                    "count": counts[kind],
                }
                for kind, color in KIND_COLORS.items()
                if counts[kind]
            ],
            "customers_per_lot": CUSTOMERS_PER_LOT,
        }
