# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import SQL, index_exists

from odoo.addons.stock.models.stock_lot import StockLot as StockLotBase

from ..reports.report_lot_trace import QUANTITY, qweb_formatter
from ..tools.gs1 import gs1_receipt_values

LOT_REF_MAX_LENGTH = 64
LOT_REF_FIELDS = ("supplier_lot_ref", "dye_lot")
# Written only by the recall's and the quarantine's own code, never directly.
RECALL_GUARDED_FIELDS = frozenset(
    {"recall_ids", "is_recalled", "quarantined", "quarantine_reason", "expiry_alert_stage"}
)


def clean_lot_refs(records, vals):
    """Normalise the supplier lot reference and dye lot in ``vals`` (in place).

    Surrounding whitespace is stripped, empty strings become ``False`` and values longer than
    ``LOT_REF_MAX_LENGTH`` characters raise a ``UserError``.
    """
    for fname in LOT_REF_FIELDS:
        if fname not in vals:
            continue
        value = vals[fname]
        if not value:
            vals[fname] = False
            continue
        value = str(value).strip()
        if len(value) > LOT_REF_MAX_LENGTH:
            raise UserError(
                records.env._(
                    "The %(field)s “%(value)s” is %(length)s characters long; "
                    "at most %(max)s characters are allowed.",
                    field=records._fields[fname].get_description(records.env)["string"],
                    value=value,
                    length=len(value),
                    max=LOT_REF_MAX_LENGTH,
                )
            )
        vals[fname] = value or False
    return vals


class StockLot(models.Model):
    _inherit = "stock.lot"
    _rec_names_search = ["name", "ref", "supplier_lot_ref"]

    supplier_lot_ref = fields.Char(
        string="Supplier Lot",
        index="trigram",
        tracking=True,
        help="The lot number printed by the supplier on the goods received.",
    )
    supplier_id = fields.Many2one(
        "res.partner",
        index="btree_not_null",
        tracking=True,
        help="Vendor this lot was received from: set by its first done receipt.",
    )
    manufacturer_id = fields.Many2one(
        "res.partner",
        index="btree_not_null",
        help="Company that manufactured the goods of this lot; new lots take the manufacturer of "
        "their product.",
    )
    production_date = fields.Date(help="Date on which the goods were manufactured or packed.")
    receipt_date = fields.Datetime(
        readonly=True,
        copy=False,
        help="Date of the first done receipt of this lot from a supplier.",
    )
    dye_lot = fields.Char(
        index=True,
        tracking=True,
        help="Dye lot (colour batch) of the goods: goods of different dye lots may differ "
        "slightly in colour.",
    )

    recall_ids = fields.Many2many(
        "lot.recall",
        "lot_recall_affected_lot_rel",
        "lot_id",
        "recall_id",
        string="Recalls",
        readonly=True,
        copy=False,
    )
    # No index of its own: lot_recall_stock_lot_blocked_idx (init) answers is_recalled = True,
    # and each index is one more entry to write for every lot a recall marks.
    is_recalled = fields.Boolean(
        string="Recalled",
        compute="_compute_is_recalled",
        store=True,
        help="The lot is affected by an active (traced or notified) recall that is not a drill.",
    )
    quarantined = fields.Boolean(
        readonly=True,
        copy=False,
        tracking=True,
        help="Quarantined lots are never reserved and never leave our warehouse (to a customer, "
        "another company or production). They stay quarantined after their recall closes, "
        "until a Recall Manager releases them.",
    )
    quarantine_reason = fields.Char(readonly=True, copy=False, tracking=True)
    expiry_alert_stage = fields.Selection(
        [("expiring", "Expiring"), ("expired", "Expired")],
        string="Expiry Alert Sent",
        readonly=True,
        copy=False,
        help="Last stage of this lot announced by the daily expiry digest; cleared when the "
        "expiration date changes, so the lot is announced again.",
    )
    gs1_scan = fields.Char(
        string="Scan GS1",
        compute="_compute_gs1_scan",
        inverse="_inverse_gs1_scan",
        help="Scan the supplier's GS1 barcode (GS1-128, GS1 DataMatrix or a GS1 Digital Link "
        "URI) here: its batch/lot fills the supplier lot (and the lot number when the product "
        "takes the supplier's lot numbers), its serial number the serial number, its "
        "expiration, best before and production dates the lot's. Its GTIN must be the "
        "product's or one of its packagings'.",
    )
    origin_html = fields.Html(
        string="Origin",
        compute="_compute_origin_html",
        groups="stock.group_stock_user",
        help="One step back: the receipts of this lot from suppliers and, for a lot we made, "
        "every lot that went into it through all manufacturing levels, with its supplier, "
        "supplier lot and receipt.",
    )

    def init(self):
        # The quarantine looks up the open (reserved) move lines of thousands of lots at once;
        # stock has no index on stock_move_line.lot_id, so this was a scan of every move line.
        # Open lines are few: a partial index on them stays small.
        if not index_exists(self.env.cr, "lot_recall_stock_move_line_open_lot_idx"):
            self.env.cr.execute(
                SQL(
                    "CREATE INDEX lot_recall_stock_move_line_open_lot_idx"
                    " ON stock_move_line (lot_id) WHERE lot_id IS NOT NULL"
                    " AND (state IS NULL OR state NOT IN ('done', 'cancel'))"
                )
            )
        # Reservation asks which lots are blocked (_lot_recall_blocked) at every quant
        # gathering, for all the lots of a product in a location (hundreds): an index of the
        # few blocked lots answers without reading the rows of the others.
        if not index_exists(self.env.cr, "lot_recall_stock_lot_blocked_idx"):
            self.env.cr.execute(
                SQL(
                    "CREATE INDEX lot_recall_stock_lot_blocked_idx ON stock_lot (id)"
                    " WHERE is_recalled OR quarantined"
                )
            )

    @api.depends("recall_ids.state", "recall_ids.is_mock")
    def _compute_is_recalled(self):
        # Thousands of lots at once (a wide recall closed or cancelled): their recalls read in
        # one batch, the active ones selected once (not once per lot).
        lots = self.sudo()
        active_ids = set(lots.recall_ids.filtered(lambda recall: recall._is_active_real())._ids)
        recalled = self.browse(
            lot.id for lot in lots if not active_ids.isdisjoint(lot.recall_ids._ids)
        )
        # One assignment per value, not one per lot.
        recalled.is_recalled = True
        (self - recalled).is_recalled = False

    def _compute_delivery_ids(self):
        """Odoo's answer (``_find_delivery_ids_by_lot``) for the whole recordset in one query.

        Lots it cannot answer set-based are left to Odoo: new (unsaved) lots, and lots whose
        genealogy (consumption links followed by Odoo) holds a cycle of two lots or more, where
        Odoo's answer depends on the order in which its recursion meets the lots.
        """
        if not self._lot_recall_overrides_stock("_compute_delivery_ids"):
            return super()._compute_delivery_ids()
        deliveries = self._lot_recall_delivery_ids_by_lot()
        for lot in self:
            picking_ids = deliveries.get(lot.id)
            if picking_ids is not None:
                lot.delivery_ids = picking_ids
                lot.delivery_count = len(picking_ids)
        rest = self.filtered(lambda lot: lot.id not in deliveries)
        if rest:
            super(StockLot, rest)._compute_delivery_ids()
        return None

    def _compute_last_delivery_partner_id(self):
        """Odoo's answer (partner of the latest delivery, by ``date_done``, of serial numbers)
        from the deliveries of :meth:`_lot_recall_delivery_ids_by_lot` and one read of them.

        Left to Odoo, besides the lots :meth:`_compute_delivery_ids` leaves to it: serial
        numbers whose latest deliveries share their ``date_done`` and differ in partner, or with
        a delivery without ``date_done``, where Odoo's choice depends on the order of a Python
        set (or fails).
        """
        if not self._lot_recall_overrides_stock("_compute_last_delivery_partner_id"):
            return super()._compute_last_delivery_partner_id()
        serials = self.filtered(lambda lot: lot.product_id.tracking == "serial")
        (self - serials).last_delivery_partner_id = False
        deliveries = serials._lot_recall_delivery_ids_by_lot()
        pickings = self.env["stock.picking"].browse(
            sorted({picking_id for ids in deliveries.values() for picking_id in ids})
        )
        pickings.fetch(["date_done", "partner_id"])
        rest = self.browse()
        for lot in serials:
            picking_ids = deliveries.get(lot.id)
            if picking_ids is None:
                rest |= lot
                continue
            lot_pickings = pickings.browse(picking_ids)
            if len(lot_pickings) <= 1:
                lot.last_delivery_partner_id = lot_pickings.partner_id
                continue
            if not all(lot_pickings.mapped("date_done")):
                rest |= lot
                continue
            latest = max(lot_pickings.mapped("date_done"))
            partner_ids = {
                picking.partner_id.id for picking in lot_pickings if picking.date_done == latest
            }
            if len(partner_ids) > 1:
                rest |= lot
                continue
            lot.last_delivery_partner_id = partner_ids.pop()
        if rest:
            super(StockLot, rest)._compute_last_delivery_partner_id()
        return None

    def _compute_gs1_scan(self):
        # A scan is applied to the lot's fields, not kept: the field is the scanner's input.
        self.gs1_scan = False

    def _inverse_gs1_scan(self):
        """Apply the scanned GS1 barcode, whoever writes it (form, import, RPC): every scan is
        read and checked before any lot is written."""
        values = {lot: lot._lot_recall_gs1_values(lot.gs1_scan) for lot in self if lot.gs1_scan}
        for lot, vals in values.items():
            lot.write(vals)

    @api.onchange("gs1_scan")
    def _onchange_gs1_scan(self):
        """Show the scanned values at once; the scan field is emptied for the next scan."""
        if self.gs1_scan:
            self.update(self._lot_recall_gs1_values(self.gs1_scan))
            self.gs1_scan = False

    @api.depends_context("company")
    def _compute_origin_html(self):
        for lot in self:
            if not lot.id:
                lot.origin_html = False
                continue
            lot.origin_html = self.env["ir.qweb"]._render(
                "lot_recall.lot_origin_table", {"rows": lot._lot_recall_origin_rows()}
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            guarded = RECALL_GUARDED_FIELDS & set(vals)
            if guarded and not self.env.su:
                raise AccessError(
                    self.env._(
                        "%(fields)s of a lot are set only by recalls and by the Quarantine / "
                        "Release actions, never directly.",
                        fields=", ".join(sorted(guarded)),
                    )
                )
            clean_lot_refs(self, vals)
            if "manufacturer_id" not in vals and vals.get("product_id"):
                product = self.env["product.product"].browse(vals["product_id"])
                vals["manufacturer_id"] = product.sudo().lot_manufacturer_id.id
        return super().create(vals_list)

    def write(self, vals):
        guarded = RECALL_GUARDED_FIELDS & set(vals)
        if guarded and not self.env.su:
            raise AccessError(
                self.env._(
                    "%(fields)s of lot %(lots)s are set only by recalls and by the Quarantine / "
                    "Release actions, never directly.",
                    fields=", ".join(
                        sorted(self._fields[f].get_description(self.env)["string"] for f in guarded)
                    ),
                    lots=", ".join(self.mapped("display_name")),
                )
            )
        clean_lot_refs(self, vals)
        if "expiration_date" in vals and "expiry_alert_stage" not in vals:
            vals["expiry_alert_stage"] = False
        return super().write(vals)

    @api.model
    def name_search(self, name="", args=None, operator="ilike", limit=100):
        """The lot picker of a transfer that leaves the warehouse (to a customer or another
        company) does not offer lots that could not go: recalled or quarantined."""
        picking = self.env["stock.picking"].browse(self.env.context.get("active_picking_id"))
        if picking.exists() and picking.location_dest_id.usage in ("customer", "transit"):
            args = expression.AND(
                [args or [], [("is_recalled", "=", False), ("quarantined", "=", False)]]
            )
        return super().name_search(name=name, args=args, operator=operator, limit=limit)

    # -- Odoo's delivery screens (lot form button, "Transfer to" column), in one query ---------

    @api.readonly
    def action_open_recall_wizard(self):
        """Open the recall wizard on these lots (lot form button, list action)."""
        self.env["lot.recall.wizard"].check_access("create")
        if not self:
            raise UserError(self.env._("Select at least one lot to recall."))
        if len(self.company_id) > 1:
            raise UserError(self.env._("Recall lots of one company at a time."))
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "lot_recall.action_lot_recall_wizard"
        )
        action["context"] = {"default_lot_ids": self.ids}
        return action

    @api.readonly
    def action_open_trace_request(self):
        """A new traceability request about these lots (lot form button, list action)."""
        return self.env["lot.trace.request"]._prefill_action(self)

    @api.readonly
    def get_genealogy_graph(self):
        """The genealogy graph of this lot as a recall of it would find it now (the engine,
        after the trace access check): see ``lot.genealogy._graph``."""
        self.ensure_one()
        return self.env["lot.genealogy"]._lot_graph(self)

    def action_quarantine(self):
        """Put these lots on a quality hold, with a reason (Recall Managers)."""
        self.env["lot.recall"]._check_recall_manager()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Quarantine Lots"),
            "res_model": "lot.quarantine.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_lot_ids": self.ids},
        }

    def action_release_quarantine(self):
        """Release these lots from quarantine (Recall Managers). A lot under an active real
        recall stays blocked by its recall."""
        self.env["lot.recall"]._check_recall_manager()
        lots = self.filtered("quarantined")
        lots.sudo().write({"quarantined": False, "quarantine_reason": False})
        for lot in lots:
            lot.message_post(
                body=self.env._("Released from quarantine by %(user)s.", user=self.env.user.name),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _lot_recall_merge_receipt_values(self, values, source):
        """Fill this lot's empty fields with ``values`` received on ``source`` (a move line).

        A non-empty supplier lot reference or dye lot that differs from the one already on the
        lot is a mistake on the receipt: it raises instead of overwriting the lot.
        """
        self.ensure_one()
        to_write = {}
        for fname, value in values.items():
            if not value:
                continue
            current = self[fname]
            if not current:
                to_write[fname] = value
            elif fname in LOT_REF_FIELDS and current != value:
                raise UserError(
                    self.env._(
                        "Lot %(lot)s of %(product)s already has the %(field)s “%(current)s”, "
                        "but %(document)s records “%(new)s”. Correct the receipt line or the lot.",
                        lot=self.name,
                        product=self.product_id.display_name,
                        field=self._fields[fname].get_description(self.env)["string"],
                        current=current,
                        new=value,
                        document=source.picking_id.name or source.reference or source.display_name,
                    )
                )
        if to_write:
            self.write(to_write)

    def _lot_recall_gs1_values(self, scan):
        """The values the GS1 barcode ``scan`` gives this lot.

        A lot that has moved already (done move lines) is the supplier's lot it was received
        as: a scan only fills what it lacks, and a scan of another batch (its number, or the
        supplier lot) is refused rather than renaming it.
        """
        self.ensure_one()
        values = gs1_receipt_values(self.product_id, scan)
        if "lot_name" in values:
            values["name"] = values.pop("lot_name")
        lot = self._origin
        if not lot or not self.env["stock.move.line"].sudo().search_count(
            [("lot_id", "=", lot.id), ("state", "=", "done")], limit=1
        ):
            return values
        conflicts = [
            fname
            for fname in ("name", "supplier_lot_ref")
            if fname in values and lot[fname] and lot[fname] != values[fname]
        ]
        if conflicts:
            raise UserError(
                self.env._(
                    "Lot %(lot)s has moved already: this barcode is of another batch "
                    "(%(scanned)s instead of %(current)s). Scan it on the receipt of that batch.",
                    lot=lot.display_name,
                    scanned=", ".join(values[fname] for fname in conflicts),
                    current=", ".join(lot[fname] for fname in conflicts),
                )
            )
        return {fname: value for fname, value in values.items() if not lot[fname]}

    def _lot_recall_active_recalls(self):
        """The active real recalls of these lots ("is this lot under recall"), read as superuser:
        the answer must not depend on who asks."""
        return self.sudo().recall_ids.filtered(lambda recall: recall._is_active_real())

    def _lot_recall_overrides_stock(self, method):
        """Whether the implementation of ``method`` just below this class in the model's MRO is
        stock's: then computing stock's answer is computing Odoo's. When another module also
        overrides it below us (e.g. ``stock_dropshipping``, depending on the loading order), the
        override calls ``super()`` instead, so that module's behaviour is kept."""
        mro = type(self).__mro__
        for cls in mro[mro.index(StockLot) + 1 :]:
            if method in vars(cls):
                return vars(cls)[method] is vars(StockLotBase)[method]
        return False

    def _lot_recall_delivery_ids_by_lot(self):
        """``{lot id: sorted picking ids}``: for each of these lots what
        ``_find_delivery_ids_by_lot()`` answers, for the lots this method can answer set-based
        (saved lots whose genealogy has no cycle of two lots or more); the others are absent.

        Odoo's answer for a lot, without cycles: the pickings of the done move lines of the lot
        matching ``_get_outgoing_domain()`` that produced nothing (no ``produce_line_ids``),
        plus the same, recursively, for every lot those lines produced (lots of their
        ``produce_line_ids``). Same filters as Odoo's: the move lines are read through
        ``stock.move.line._search()`` of that domain (record rules and overrides of the domain
        apply), the produced lines through the record rules of ``stock.move.line``, as a
        Many2many read does.
        """
        lot_ids = [lot_id for lot_id in self._ids if isinstance(lot_id, int)]
        if not lot_ids:
            return {}
        query = self._lot_recall_delivery_query(lot_ids)
        if query is None:  # the outgoing domain matches nothing
            return {lot_id: [] for lot_id in lot_ids}
        result = self.env["lot.trace"]._execute_without_jit(query)
        if isinstance(result, str):
            result = json.loads(result)
        deliveries = result["deliveries"]
        answer = {lot_id: deliveries.get(str(lot_id), []) for lot_id in lot_ids}
        parents, children = result["links"]
        for lot_id in self._lot_recall_cyclic_roots(lot_ids, zip(parents, children, strict=True)):
            del answer[lot_id]
        return answer

    def _lot_recall_delivery_query(self, lot_ids):
        """The one statement of :meth:`_lot_recall_delivery_ids_by_lot` (``None`` when the
        outgoing domain matches nothing): a JSON object with ``deliveries`` (``{root lot id:
        [picking ids]}``) and ``links`` (distinct ``[lot id, lot id produced from it]`` met,
        self-links excluded)."""
        move_line = self.env["stock.move.line"]
        domain = expression.AND([[("state", "=", "done")], self._get_outgoing_domain()])

        def outgoing_lines(lot_id_sql):
            """SELECT id, picking_id of the done outgoing lines of lot ``lot_id_sql``."""
            query = move_line._search(domain)
            if query.is_empty():
                return None
            table = query.table
            query.add_where(SQL("%s = %s", SQL.identifier(table, "lot_id"), lot_id_sql))
            return query.select(SQL.identifier(table, "id"), SQL.identifier(table, "picking_id"))

        def visible(alias):
            """Line ``alias`` is readable (record rules), as in a Many2many read."""
            query = move_line.with_context(active_test=False)._search([])
            if query.is_empty():
                return SQL("FALSE")
            if not query.where_clause.code:
                return SQL("TRUE")
            query.add_where(
                SQL("%s = %s", SQL.identifier(query.table, "id"), SQL.identifier(alias, "id"))
            )
            return SQL("EXISTS(%s)", query.select(SQL("1")))

        lines = outgoing_lines(SQL("walk.lot_id"))
        if lines is None:
            return None
        self.env["stock.move.line"].flush_model(["lot_id", "state", "picking_id"])
        return SQL(
            """
WITH RECURSIVE walk (root, lot_id, parent_id, picking_id) AS (
    -- Three kinds of rows per root lot: a lot reached (lot_id), a link (lot_id made from
    -- parent_id) and a delivery (picking_id). Only lot rows are expanded; UNION drops the rows
    -- found already, so each lot is looked up once per root, however many paths lead to it.
    SELECT root, root, NULL::integer, NULL::integer FROM unnest(%(lot_ids)s::integer[]) AS root
 UNION
    SELECT walk.root, step.lot_id, step.parent_id, step.picking_id
      FROM walk
     CROSS JOIN LATERAL (
           -- The lot's done outgoing lines (OFFSET 0: one index lookup per lot, whatever the
           -- planner's row estimates), each with the lines it produced (produce_line_ids),
           -- if any are readable.
           SELECT line.picking_id, produced.id AS produced_id, produced.lot_id
             FROM (%(lines)s OFFSET 0) line (id, picking_id)
             LEFT JOIN LATERAL (
                   SELECT produced.id, produced.lot_id
                     FROM stock_move_line_consume_rel rel
                     JOIN stock_move_line produced ON produced.id = rel.consume_line_id
                    WHERE rel.produce_line_id = line.id AND %(visible_produced)s
                  ) produced ON TRUE
           ) output
     CROSS JOIN LATERAL (
           -- A line that produced lots leads to them; a line that produced nothing counts
           -- its picking.
           VALUES (output.lot_id, NULL::integer, NULL::integer),
                  (output.lot_id, walk.lot_id, NULL::integer),
                  (NULL::integer, NULL::integer,
                   CASE WHEN output.produced_id IS NULL THEN output.picking_id END)
           ) step (lot_id, parent_id, picking_id)
     WHERE walk.lot_id IS NOT NULL AND walk.parent_id IS NULL
       AND (step.lot_id IS NOT NULL OR step.picking_id IS NOT NULL)
)
SELECT json_build_object(
    'deliveries', (SELECT COALESCE(json_object_agg(root, ids), '{}')
                     FROM (SELECT root, array_agg(picking_id ORDER BY picking_id) AS ids
                             FROM walk WHERE picking_id IS NOT NULL GROUP BY root) per_root),
    'links', (SELECT json_build_array(COALESCE(array_agg(parent_id), '{}'),
                                      COALESCE(array_agg(lot_id), '{}'))
                FROM walk WHERE parent_id IS NOT NULL AND parent_id <> lot_id)
)
""",
            lot_ids=lot_ids,
            lines=lines,
            visible_produced=visible("produced"),
        )

    @api.model
    def _lot_recall_cyclic_roots(self, lot_ids, links):
        """The lots of ``lot_ids`` from which ``links`` (``(parent, child)`` pairs, no
        self-links) reach a cycle."""
        children = defaultdict(set)
        parents = defaultdict(set)
        for parent, child in links:
            children[parent].add(child)
            parents[child].add(parent)
        if not children:
            return set()
        # Peel off the lots no cycle leads to (no parent left), then the lots that lead to no
        # cycle (no child left): what remains lies on a cycle or between two.
        remaining = set(children) | set(parents)
        for incoming, outgoing in ((parents, children), (children, parents)):
            degree = {node: len(incoming[node] & remaining) for node in remaining}
            todo = [node for node, count in degree.items() if not count]
            while todo:
                node = todo.pop()
                remaining.discard(node)
                for other in outgoing[node]:
                    if other in remaining:
                        degree[other] -= 1
                        if not degree[other]:
                            todo.append(other)
        if not remaining:
            return set()
        cyclic = set()
        for root in lot_ids:
            seen = {root}
            todo = [root]
            while todo:
                node = todo.pop()
                if node in remaining:
                    cyclic.add(root)
                    break
                for child in children[node] - seen:
                    seen.add(child)
                    todo.append(child)
        return cyclic

    def _lot_recall_check_trace_access(self, company, group="lot_recall.group_recall_user"):
        """Before a public reader runs the (raw SQL) trace engine on these lots for ``company``:
        the caller is in ``group``, ``company`` is one of the user's allowed companies and the
        user may read these lots. Raises AccessError otherwise."""
        if self.env.su:
            return
        if not self.env.user.has_group(group):
            raise AccessError(
                self.env._(
                    "You are not allowed to trace lots %(lots)s.",
                    lots=", ".join(self.sudo().mapped("name")),
                )
            )
        if company not in self.env.user.company_ids:
            raise AccessError(
                self.env._(
                    "You may not trace lots of company %(company)s.", company=company.sudo().name
                )
            )
        self.check_access("read")

    def _lot_recall_origin_rows(self):
        """The rows of this lot's Origin (its form's tab and the lot trace PDF), after the
        access checks of every public reader of the trace engine: one per receipt from a
        supplier of this lot and of every lot that went into it (``lot.trace._trace_upstream``),
        and one for a lot that went into it without a receipt (a lot made from others, whose
        rows follow). Plain text, formatted as QWeb shows it, nearest lots first."""
        self.ensure_one()
        company = self.company_id or self.env.company
        self._lot_recall_check_trace_access(company, group="stock.group_stock_user")
        upstream = self.env["lot.trace"]._trace_upstream(self.ids, company.id)
        receipts = defaultdict(list)
        for row in upstream["receipts"]:
            receipts[row["lot_id"]].append(row)
        rows = upstream["receipts"]
        lots = self.browse({row["lot_id"] for row in upstream["lots"]})
        lots.fetch(["name", "product_id"])
        partners = self.env["res.partner"].browse({row["partner_id"] for row in rows} - {None})
        pickings = self.env["stock.picking"].browse({row["picking_id"] for row in rows} - {None})
        lines = self.env["stock.move.line"].browse(
            row["move_line_id"] for row in rows if not row["picking_id"]
        )
        lines.fetch(["reference"])
        line_references = {line.id: line.reference for line in lines}
        picking_names = {picking["id"]: picking["name"] for picking in pickings.read(["name"])}
        partner_names = {partner.id: partner.display_name for partner in partners}
        date = qweb_formatter(self.env, "date", {"widget": "date"})
        quantity = qweb_formatter(self.env, "float", QUANTITY)
        result = []
        for lot_row in upstream["lots"]:
            lot = lots.browse(lot_row["lot_id"])
            common = {
                "lot": lot.name,
                "product": lot.product_id.display_name,
                "depth": lot_row["depth"],
                "made_lot": lots.browse(lot_row["made_lot_id"]).name or "",
                "via": lot_row["via_reference"] or "",
            }
            result.extend(
                dict(
                    common,
                    partner=partner_names.get(row["partner_id"], ""),
                    supplier_lot_ref=row["supplier_lot_ref"] or "",
                    receipt=picking_names.get(row["picking_id"])
                    or line_references.get(row["move_line_id"])
                    or "",
                    date=date(row["date"]),
                    quantity=quantity(row["quantity"]),
                    uom=lot.product_id.uom_id.name,
                )
                for row in receipts[lot.id]
            )
            if lot_row["depth"] and not receipts[lot.id]:
                result.append(
                    dict(
                        common,
                        partner="",
                        supplier_lot_ref="",
                        receipt="",
                        date="",
                        quantity="",
                        uom="",
                    )
                )
        return result

    def _lot_recall_blocked(self):
        """These lots that must not leave our warehouse nor be reserved: under an active real
        recall, or quarantined (the one policy of the shipping guard and of reservation).

        Asked at every quant lookup of a reservation: one query reading the two flags only
        (prefetching every field of the lots cost more than the reservation itself at scale).
        """
        if not self:
            return self
        blocked = self.sudo()._search(
            [("id", "in", self.ids), "|", ("is_recalled", "=", True), ("quarantined", "=", True)]
        )
        return self.browse(blocked)

    def _lot_recall_touch(self):
        """Write these lots' rows, so that a recall and a delivery of the same lots running at
        the same time conflict: under REPEATABLE READ the later one fails with a serialization
        error, which Odoo retries, and then sees the other's result."""
        if self:
            self.env.cr.execute(
                SQL("UPDATE stock_lot SET write_date = write_date WHERE id = ANY(%s)", self.ids),
                log_exceptions=False,
            )

    def _lot_recall_log(self, body):
        """Log ``body`` on every active real recall of these lots."""
        for recall in self._lot_recall_active_recalls():
            recall.message_post(body=body, subtype_xmlid="mail.mt_note")

    def _quarantine(self, reason):
        """Block these lots from reservation and release what is already reserved.

        Set-based, for thousands of lots at once (a recall's quarantine): one write of the flag,
        one search and one unlink of the reserved lines, and one chatter note per lot, all
        logged in one batch. Their moves are reserved again, on other lots, right after the
        commit (``stock.move._lot_recall_reassign_later``). The note, which
        gives the reason, is the lot's chatter record of the quarantine: the write does not also
        track ``quarantined`` and ``quarantine_reason`` (a tracking message per lot, created
        one by one at commit, cost most of the time of a large quarantine).

        :param reason: the note logged on each lot
        """
        if not self:
            return
        # Through the ORM: the lots a recall just traced have their is_recalled flag still to
        # write, and one flush writes both in the same row versions (a row written twice in a
        # transaction has its foreign keys checked again: 70 ms for the hot lot's 1,610 lots).
        self.sudo().with_context(tracking_disable=True).write(
            {"quarantined": True, "quarantine_reason": reason}
        )
        reserved = (
            self.env["stock.move.line"]
            .sudo()
            .search(
                [
                    ("lot_id", "in", self.ids),
                    ("state", "not in", ("done", "cancel")),
                    ("picked", "=", False),
                    ("location_id.usage", "in", ("internal", "transit")),
                ]
            )
        )
        moves = reserved.move_id
        reserved.unlink()
        moves._lot_recall_reassign_later()
        self._lot_recall_log_note(reason)

    def _lot_recall_log_note(self, body):
        """Log the note ``body`` on each of these lots: the messages
        ``_message_log_batch(bodies={lot id: body})`` creates, for thousands of lots at once.

        The first lot's note is created by ``_message_log_batch`` itself, through
        ``mail.message.create()`` (its defaults, computed values and overrides); the others are
        copies of that row made by one ``INSERT ... SELECT``, each with its own lot as
        ``res_id``. ``_message_log_batch`` gives every message of a batch the same values but
        the document (author, email and reply-to, date, Message-Id, internal note subtype,
        message type ``notification``, no record name nor company, no recipient, no attachment,
        no tracking value) and notifies nobody, so the copies are the rows it would have
        written. Through the ORM each note cost about 0.5 ms (its body sanitized twice,
        defaults, inverse fields): most of a recall's quarantine of thousands of lots.
        """
        if not self:
            return
        first = self[:1]
        message = first._message_log_batch(bodies={first.id: body})
        rest = self - first
        if not rest:
            return
        message.flush_recordset()
        columns = [
            name
            for name, field in message._fields.items()
            if field.store and field.column_type and name not in ("id", "res_id")
        ]
        self.env.cr.execute(
            SQL(
                "INSERT INTO mail_message (res_id, %s) SELECT lot.id, %s"
                " FROM mail_message message, unnest(%s) AS lot(id) WHERE message.id = %s",
                SQL(", ").join(SQL.identifier(name) for name in columns),
                SQL(", ").join(SQL.identifier("message", name) for name in columns),
                rest.ids,
                message.id,
            )
        )
        # What mail.message.create() invalidates on the documents of new messages.
        rest.invalidate_recordset(
            ["message_ids", "message_needaction", "message_needaction_counter"]
        )
