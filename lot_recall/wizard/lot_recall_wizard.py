# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, escape_psql
from odoo.tools.misc import format_date, format_datetime, formatLang

from ..models.lot_recall import CLASSIFICATION_HELP, CLASSIFICATIONS
from ..models.lot_recall_supplier_ref import SUPPLIER_DATE_FIELDS
from ..tools import local_day_start
from ..tools.gs1 import gs1_lot_ref

PREVIEW_CUSTOMERS = 10
# The wizard's fields of the supplier intake, and what the lots found depend on.
SUPPLIER_MATCH_FIELDS = (
    "intake",
    "supplier_id",
    "supplier_match_by",
    "supplier_lot_refs",
    "supplier_product_ids",
    "supplier_date_field",
    "supplier_date_from",
    "supplier_date_to",
    "company_id",
)


class LotRecallWizard(models.TransientModel):
    _name = "lot.recall.wizard"
    _description = "Recall Lots"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self._default_company()
    )
    intake = fields.Selection(
        [
            ("lots", "Selected Lots"),
            ("supplier", "From a Supplier's Recall"),
            ("dye_lot", "A Whole Dye Lot"),
        ],
        string="Recall From",
        compute="_compute_intake",
        store=True,
        precompute=True,
        readonly=False,
        help="Recall the lots selected, the lots a supplier's recall notice names, or every "
        "lot of a dye lot.",
    )
    lot_ids = fields.Many2many(
        "stock.lot",
        string="Lots to Recall",
        compute="_compute_intake_lots",
        compute_sudo=False,
        store=True,
        readonly=False,
        check_company=True,
        help="From a supplier's recall: filled with our lots the supplier's notice names.",
    )
    supplier_id = fields.Many2one(
        "res.partner",
        string="Recalling Supplier",
        help="The supplier recalling its lots: matched as the vendor we received the lots from "
        "or as their manufacturer.",
    )
    supplier_match_by = fields.Selection(
        [("refs", "Supplier's Lot References"), ("dates", "Products and Dates")],
        string="Supplier Recalls",
        default="refs",
        required=True,
    )
    supplier_lot_refs = fields.Text(
        string="Supplier's Lot References",
        help="The lot references of the supplier's notice, one a line, as pasted from its "
        "email: spaces around them, blank lines and case are ignored.",
    )
    supplier_product_ids = fields.Many2many(
        "product.product",
        "lot_recall_wizard_supplier_product_rel",
        "wizard_id",
        "product_id",
        string="Supplier's Products",
        help="Only lots of these products (all products when empty; required for a date window).",
    )
    supplier_date_field = fields.Selection(
        SUPPLIER_DATE_FIELDS, string="Date", default="expiration_date"
    )
    supplier_date_from = fields.Date(string="From")
    supplier_date_to = fields.Date(string="To")
    supplier_recall_ref = fields.Char(
        string="Supplier's Recall Number", help="The supplier's own reference of its notice."
    )
    supplier_notice_date = fields.Date(string="Supplier's Notice Date")
    supplier_notice = fields.Binary(string="Supplier's Notice")
    supplier_notice_filename = fields.Char()
    # Stored like lot_ids, which the same match fills (a wizard's rows are temporary).
    supplier_preview = fields.Html(
        string="Supplier's References Found",
        compute="_compute_intake_lots",
        compute_sudo=False,
        store=True,
        sanitize=False,
        help="Each reference of the supplier's notice and the lots it resolves to.",
    )
    supplier_unmatched_count = fields.Integer(
        string="Not Received", compute="_compute_intake_lots", compute_sudo=False, store=True
    )
    supplier_other_count = fields.Integer(
        string="Other Supplier's Lots",
        compute="_compute_intake_lots",
        compute_sudo=False,
        store=True,
    )
    dye_lot = fields.Char(
        help="The dye lot (colour batch) to recall: every lot of it, of every product, is "
        "recalled (case and surrounding spaces do not matter).",
    )
    dye_lot_summary = fields.Char(string="Dye Lot Found", compute="_compute_dye_lot_summary")
    reason = fields.Text(help="What is wrong with these lots: required to create a recall.")
    classification = fields.Selection(
        CLASSIFICATIONS,
        required=True,
        default="class_2",
        help=CLASSIFICATION_HELP,
    )
    is_mock = fields.Boolean(
        string="Mock Recall (drill)",
        help="Trace and report like a real recall, but never email anyone nor block stock.",
    )
    drill_opened_at = fields.Datetime(
        default=fields.Datetime.now,
        help="When this wizard opened: the start of a drill's clock.",
    )
    include_derived = fields.Boolean(
        string="Include Derived Lots",
        default=True,
        help="Also recall every lot manufactured from these lots, at any depth.",
    )
    quarantine = fields.Boolean(
        string="Quarantine Stock Held",
        default=True,
        help="Block the affected stock still in our warehouses from reservation and delivery.",
    )
    send_notices = fields.Boolean(
        string="Email Customers Now",
        help="Queue each affected customer's recall notice as soon as the recall is created "
        "(Recall Managers only; never for mock recalls).",
    )
    active_recall_ids = fields.Many2many(
        "lot.recall",
        string="Already Under Recall",
        compute="_compute_active_recall_ids",
        help="Active real recalls of some of these lots: add the lots to that recall instead of "
        "opening a second one.",
    )
    preview_lot_count = fields.Integer(string="Affected Lots", compute="_compute_preview")
    preview_partner_count = fields.Integer(string="Customers", compute="_compute_preview")
    preview_delivery_count = fields.Integer(string="Deliveries", compute="_compute_preview")
    preview_customers = fields.Html(
        string="First Customers",
        compute="_compute_preview",
        sanitize=False,
        help="The customers who received the most of these lots.",
    )
    preview_stock_quantity = fields.Float(
        string="Quantity Held", digits="Product Unit of Measure", compute="_compute_preview"
    )

    @api.model
    def _default_company(self):
        lots = self.env["stock.lot"].browse(self.env.context.get("default_lot_ids") or [])
        return lots.company_id[:1] or self.env.company

    @api.depends("supplier_id")
    def _compute_intake(self):
        for wizard in self:
            wizard.intake = "supplier" if wizard.supplier_id else wizard.intake or "lots"

    @api.depends(*SUPPLIER_MATCH_FIELDS, "dye_lot")
    def _compute_intake_lots(self):
        """The lots to recall and, from a supplier's recall, what each reference of its notice
        resolved to, from one match: selected lots are kept as they are; from a supplier's
        recall, the lots it names; from a dye lot, every lot of it. Computed as the user, so
        that only lots they may read are named."""
        for wizard in self:
            match = wizard._supplier_match() if wizard.intake == "supplier" else None
            rows = match["rows"] if match else []
            if match:
                wizard.lot_ids = match["lots"]
            elif wizard.intake == "dye_lot":
                wizard.lot_ids = wizard._dye_lot_lots()
            wizard.update(
                {
                    "supplier_preview": wizard._supplier_preview_html(rows) if match else False,
                    "supplier_unmatched_count": sum(
                        row["result"] == "not_received" for row in rows
                    ),
                    "supplier_other_count": sum(row["result"] == "other_supplier" for row in rows),
                }
            )

    @api.depends("intake", "lot_ids", "dye_lot")
    def _compute_dye_lot_summary(self):
        for wizard in self:
            lots = wizard.lot_ids
            if wizard.intake != "dye_lot" or not wizard._dye_lot_code():
                wizard.dye_lot_summary = False
            elif not lots:
                wizard.dye_lot_summary = self.env._(
                    "No lot of dye lot %(dye_lot)s.", dye_lot=wizard._dye_lot_code()
                )
            else:
                wizard.dye_lot_summary = self.env._(
                    "%(lots)s lots of %(count)s products: %(products)s",
                    lots=len(lots),
                    count=len(lots.product_id),
                    products=", ".join(
                        f"{product.display_name} ({len(product_lots)})"
                        for product, product_lots in lots.grouped("product_id").items()
                    ),
                )

    @api.depends("lot_ids")
    def _compute_active_recall_ids(self):
        for wizard in self:
            recalls = wizard.lot_ids._origin._lot_recall_active_recalls()
            wizard.active_recall_ids = recalls.with_env(self.env)._filtered_access("read")

    @api.depends("lot_ids", "include_derived", "company_id")
    def _compute_preview(self):
        for wizard in self:
            if wizard.lot_ids:
                wizard.lot_ids._origin._lot_recall_check_trace_access(wizard.company_id)
            if not wizard.lot_ids:
                wizard.update(
                    {
                        "preview_lot_count": 0,
                        "preview_partner_count": 0,
                        "preview_delivery_count": 0,
                        "preview_stock_quantity": 0.0,
                        "preview_customers": False,
                    }
                )
                continue
            result = self.env["lot.trace"]._trace(
                wizard.lot_ids._origin.ids, wizard.company_id.id, wizard.include_derived
            )
            deliveries = result["deliveries"]
            wizard.update(
                {
                    "preview_lot_count": len(result["lots"]),
                    "preview_partner_count": len({row["partner_id"] for row in deliveries}),
                    "preview_delivery_count": len(
                        {row["picking_id"] or row["move_line_id"] for row in deliveries}
                    ),
                    "preview_stock_quantity": sum(row["quantity"] for row in result["stock"]),
                    "preview_customers": wizard._preview_customers(deliveries),
                }
            )

    def _preview_customers(self, deliveries):
        """The customers who received the most, by name: an HTML table of the first
        ``PREVIEW_CUSTOMERS`` (deliveries, quantity still at the customer)."""
        totals = defaultdict(lambda: [set(), 0.0])
        for row in deliveries:
            total = totals[row["partner_id"]]
            total[0].add(row["picking_id"] or row["move_line_id"])
            total[1] += row["quantity"] - row["returned_quantity"]
        first = sorted(totals.items(), key=lambda item: -item[1][1])[:PREVIEW_CUSTOMERS]
        if not first:
            return False
        names = dict(
            self.env["res.partner"]
            .browse([partner_id for partner_id, _total in first])
            .sudo()
            .mapped(lambda partner: (partner.id, partner.display_name))
        )
        rows = Markup().join(
            Markup("<tr><td>%s</td><td class='text-end'>%s</td><td class='text-end'>%s</td></tr>")
            % (names.get(partner_id) or "-", len(pickings), formatLang(self.env, quantity))
            for partner_id, (pickings, quantity) in first
        )
        more = len(totals) - len(first)
        return Markup(
            "<table class='table table-sm mb-0'><thead><tr><th>%s</th>"
            "<th class='text-end'>%s</th><th class='text-end'>%s</th></tr></thead>"
            "<tbody>%s</tbody></table>%s"
        ) % (
            self.env._("Customer"),
            self.env._("Deliveries"),
            self.env._("At Customer"),
            rows,
            Markup("<p class='text-muted mb-0'>%s</p>")
            % self.env._("… and %(count)s more customers.", count=more)
            if more
            else "",
        )

    @api.constrains("lot_ids", "company_id")
    def _check_trace_access(self):
        for wizard in self:
            wizard.lot_ids._lot_recall_check_trace_access(wizard.company_id)

    def action_confirm(self):
        self.ensure_one()
        supplier_rows = self._check_supplier_intake()
        self._check_dye_lot_intake()
        if not self.lot_ids:
            raise UserError(self.env._("Select at least one lot to recall."))
        if not (self.reason or "").strip():
            raise UserError(self.env._("Say what is wrong with these lots (Reason)."))
        self.lot_ids._lot_recall_check_trace_access(self.company_id)
        if self.active_recall_ids and not self.is_mock:
            raise UserError(
                self.env._(
                    "Some of these lots are already under recall %(recalls)s: add them to that "
                    "recall (Add to That Recall) instead of opening a second one.",
                    recalls=", ".join(self.active_recall_ids.mapped("name")),
                )
            )
        # No "Recall created" log: the trace's summary, logged at once, opens the chatter.
        recall = (
            self.env["lot.recall"]
            .with_context(mail_create_nolog=True)
            .create(
                {
                    "lot_ids": [fields.Command.set(self.lot_ids.ids)],
                    "reason": self.reason,
                    "classification": self.classification,
                    "is_mock": self.is_mock,
                    "include_derived": self.include_derived,
                    "company_id": self.company_id.id,
                    "dye_lot": self.intake == "dye_lot" and self._dye_lot_code(),
                    **self._supplier_recall_values(),
                }
            )
            .with_env(self.env)
        )
        if supplier_rows is not None:
            self._record_supplier_notice(recall, supplier_rows)
        if self.is_mock:
            recall._start_drill(self.drill_opened_at)
        recall.action_trace()
        if self.quarantine and not self.is_mock:
            recall.action_quarantine()
        if self.send_notices and not self.is_mock:
            recall.action_send_notices()
        return recall._get_records_action(context={})

    def action_add_to_recall(self):
        """Add these lots to the active recall that already holds some of them."""
        self.ensure_one()
        recall = self.active_recall_ids[:1]
        if not recall:
            raise UserError(self.env._("None of these lots is under an active recall."))
        supplier_rows = self._check_supplier_intake()
        self._check_dye_lot_intake()
        new_lots = self.lot_ids - recall.lot_ids
        if new_lots:
            recall.action_add_lots(new_lots.ids)
        if supplier_rows is not None:
            recall.check_access("write")
            if not recall.supplier_id:
                # A recall we started ourselves, which the supplier's notice now confirms: it
                # becomes that supplier's recall (its notice, its Recalls button).
                values = self._supplier_recall_values()
                del values["supplier_product_ids"]
                recall.sudo().write(values)
            self._record_supplier_notice(recall, supplier_rows)
        elif not new_lots:
            raise UserError(self.env._("These lots are already recalled by %s.", recall.name))
        return recall._get_records_action(context={})

    # -- Dye lot intake -----------------------------------------------------------------------

    def _dye_lot_code(self):
        self.ensure_one()
        return (self.dye_lot or "").strip()

    def _dye_lot_lots(self):
        """Every lot of the dye lot ``dye_lot``, of every product, of the wizard's company (or
        of none) that the user may read; the dye batch is the unit of a colour defect."""
        self.ensure_one()
        Lot = self.env["stock.lot"]
        code = self._dye_lot_code()
        if not code:
            return Lot
        Lot._lot_recall_check_trace_access(self.company_id)
        return Lot.search(
            [
                ("dye_lot", "=ilike", escape_psql(code)),
                ("company_id", "in", [self.company_id.id, False]),
            ],
            order="product_id, name",
        )

    def _check_dye_lot_intake(self):
        """From a dye lot: refuse a missing or unknown dye lot, and lots other than its own."""
        self.ensure_one()
        if self.intake != "dye_lot":
            return
        code = self._dye_lot_code()
        if not code:
            raise UserError(self.env._("Give the dye lot to recall."))
        lots = self._dye_lot_lots()
        if not lots:
            raise UserError(
                self.env._(
                    "Nothing to recall: no lot of %(company)s has dye lot %(dye_lot)s.",
                    company=self.company_id.name,
                    dye_lot=code,
                )
            )
        if set(self.lot_ids.ids) != set(lots.ids):
            raise UserError(
                self.env._(
                    "From a dye lot, the lots to recall are every lot of it (%(lots)s), not "
                    "others: recall Selected Lots instead.",
                    lots=", ".join(lots.mapped("display_name")),
                )
            )

    # -- Supplier recall intake ---------------------------------------------------------------

    def _supplier_refs(self):
        """The supplier's lot references pasted in ``supplier_lot_refs``, cleaned: one a line,
        ends stripped, blank lines dropped, a scanned GS1 barcode read as its batch/lot (AI
        10), each once in the pasted order (references that differ only in case are one; the
        first spelling is kept)."""
        self.ensure_one()
        refs = {}
        # Not splitlines(): it also splits at the group separator (\x1d) of a GS1 scan.
        for line in (self.supplier_lot_refs or "").replace("\r", "\n").split("\n"):
            ref = gs1_lot_ref(line) or line.strip()
            if ref:
                refs.setdefault(ref.lower(), ref)
        return list(refs.values())

    def _check_supplier_access(self):
        """Before the intake's statement reads lots and receipt lines: the caller may trace
        lots of the wizard's company and read receipt lines. AccessError otherwise."""
        self.env["stock.lot"]._lot_recall_check_trace_access(self.company_id)
        self.env["stock.move.line"].check_access("read")

    def _supplier_match(self):
        """The supplier's notice resolved to our lots: ``{"lots": stock.lot, "rows": [...]}``.

        ``rows`` are values of ``lot.recall.supplier.ref``, in the notice's order: by lot
        references, a row per reference and lot with this reference (on the lot or on its
        receipt line), of this supplier (``found``: the supplier is the lot's vendor or its
        manufacturer) or of another (``other_supplier``), and a row per reference that matched
        no lot (``not_received``); by products and dates, a row per lot of this supplier.
        ``lots`` are the lots found. One statement whatever the number of references; only
        lots of the wizard's company (or of none) that the user may read.
        """
        self.ensure_one()
        Lot = self.env["stock.lot"]
        supplier = self.supplier_id.commercial_partner_id
        if not supplier:
            return {"lots": Lot, "rows": []}
        self._check_supplier_access()
        refs = []
        if self.supplier_match_by == "dates":
            hits = self._supplier_window_hits()
        else:
            refs = self._supplier_refs()
            hits = self._supplier_ref_hits(refs)
        if hits is None:
            return {"lots": Lot, "rows": []}
        found = self._supplier_lot_rows(hits)
        lots = Lot.search([("id", "in", list({row["lot_id"] for row in found}))])
        lots.fetch(["name", "product_id", "supplier_id", "manufacturer_id", "receipt_date"])
        (lots.supplier_id | lots.manufacturer_id).fetch(["commercial_partner_id"])
        by_position = defaultdict(list)
        for row in found:
            if row["lot_id"] in lots._ids:
                by_position[row["position"]].append(self._supplier_row(row, lots, supplier))
        if refs:
            rows = []
            for position, ref in enumerate(refs, start=1):
                rows += [dict(row, name=ref) for row in by_position[position]] or [
                    {"name": ref, "result": "not_received", "lot_id": False}
                ]
        else:
            rows = [row for row in by_position[None] if row["result"] == "found"]
        for sequence, row in enumerate(rows, start=1):
            row["sequence"] = sequence
        found_ids = {row["lot_id"] for row in rows if row["result"] == "found"}
        return {"lots": lots.filtered(lambda lot: lot.id in found_ids), "rows": rows}

    def _supplier_row(self, row, lots, supplier):
        """Values of ``lot.recall.supplier.ref`` of ``row`` (a row of
        :meth:`_supplier_lot_rows`) for ``supplier`` (a commercial partner)."""
        lot = lots.browse(row["lot_id"])
        vendor = supplier.id in (row["vendor_ids"] or []) or (
            lot.supplier_id.commercial_partner_id == supplier
        )
        manufacturer = lot.manufacturer_id.commercial_partner_id == supplier
        values = {
            "name": lot.supplier_lot_ref or lot.name,
            "lot_id": lot.id,
            "quantity_received": row["quantity"] or 0.0,
            "receipt_date": lot.receipt_date or row["first_date"],
        }
        if vendor or manufacturer:
            matched_as = (
                "both" if vendor and manufacturer else "vendor" if vendor else "manufacturer"
            )
            return dict(values, result="found", matched_as=matched_as)
        other = lot.supplier_id or lot.manufacturer_id
        if not other and row["vendor_ids"]:
            other = self.env["res.partner"].browse(row["vendor_ids"][0])
        return dict(values, result="other_supplier", lot_supplier_id=other.id)

    def _supplier_ref_hits(self, refs):
        """The SQL of ``(position, lot_id)``: each of ``refs`` (by its 1-based position) and
        the lots whose supplier lot reference, or the reference of one of their done move
        lines, is the same, ends stripped and case ignored."""
        if not refs:
            return None
        return SQL(
            """
            SELECT refs.position, lot.id AS lot_id
              FROM unnest(%(refs)s::varchar[]) WITH ORDINALITY AS refs(ref, position)
              JOIN stock_lot lot
                ON lot.supplier_lot_ref IS NOT NULL
               AND lower(btrim(lot.supplier_lot_ref)) = lower(btrim(refs.ref))
            UNION
            SELECT refs.position, ml.lot_id
              FROM unnest(%(refs)s::varchar[]) WITH ORDINALITY AS refs(ref, position)
              JOIN stock_move_line ml
                ON ml.supplier_lot_ref IS NOT NULL
               AND lower(btrim(ml.supplier_lot_ref)) = lower(btrim(refs.ref))
             WHERE ml.lot_id IS NOT NULL AND ml.state = 'done'
            """,
            refs=refs,
        )

    def _supplier_window_hits(self):
        """The SQL of ``(position, lot_id)`` (no position) of the lots of the supplier's
        products whose date (expiration, best before or production) is in the window; ``None``
        until products and a bound are given."""
        if not self.supplier_product_ids or not (self.supplier_date_from or self.supplier_date_to):
            return None
        fname = self.supplier_date_field or "expiration_date"
        domain = [
            ("product_id", "in", self.supplier_product_ids._origin.ids),
            ("company_id", "in", [self.company_id.id, False]),
        ]
        if self.supplier_date_from:
            domain.append((fname, ">=", self._supplier_bound(fname, self.supplier_date_from)))
        if self.supplier_date_to:
            domain.append(self._supplier_end_bound(fname, self.supplier_date_to))
        lot_ids = self.env["stock.lot"].search(domain).ids
        return SQL("SELECT NULL::bigint AS position, unnest(%s::int[]) AS lot_id", lot_ids)

    def _supplier_bound(self, fname, day):
        """``day`` as the lower bound of lot field ``fname``: the day itself for a date, its
        first moment in the user's time zone for a datetime."""
        if self.env["stock.lot"]._fields[fname].type == "date":
            return day
        return local_day_start(self.env, day)

    def _supplier_end_bound(self, fname, day):
        """The domain leaf of lot field ``fname`` up to the end of ``day`` (the day itself for
        a date; before the next day's first moment in the user's time zone for a datetime)."""
        if self.env["stock.lot"]._fields[fname].type == "date":
            return (fname, "<=", day)
        return (fname, "<", local_day_start(self.env, day + timedelta(days=1)))

    def _supplier_lot_rows(self, hits):
        """``[{position, lot_id, vendor_ids, quantity, first_date}]`` for the lots of ``hits``
        (SQL of ``position, lot_id``) of the wizard's company or of none, of the supplier's
        products when given: the commercial partners of their done receipts from supplier
        locations, the quantity received (product unit) and the first receipt's date. One
        statement, ordered by position, first receipt and lot name."""
        self.env["stock.lot"].flush_model()
        self.env["stock.move.line"].flush_model()
        return self.env.execute_query_dict(
            SQL(
                """
                WITH hits AS (%(hits)s)
                SELECT hits.position, hits.lot_id, receipts.vendor_ids, receipts.quantity,
                       receipts.first_date
                  FROM hits
                  JOIN stock_lot lot ON lot.id = hits.lot_id
                  LEFT JOIN LATERAL (
                       SELECT array_agg(DISTINCT COALESCE(partner.commercial_partner_id,
                                                          partner.id))
                                  FILTER (WHERE partner.id IS NOT NULL) AS vendor_ids,
                              SUM(ml.quantity_product_uom) AS quantity,
                              MIN(ml.date) AS first_date
                         FROM stock_move_line ml
                         JOIN stock_location source ON source.id = ml.location_id
                         LEFT JOIN stock_picking picking ON picking.id = ml.picking_id
                         LEFT JOIN stock_move move ON move.id = ml.move_id
                         LEFT JOIN res_partner partner
                                ON partner.id = COALESCE(picking.partner_id, move.partner_id)
                        WHERE ml.lot_id = hits.lot_id AND ml.state = 'done'
                          AND source.usage = 'supplier'
                       ) receipts ON TRUE
                 WHERE (lot.company_id = %(company)s OR lot.company_id IS NULL)
                   AND (cardinality(%(products)s::int[]) = 0
                        OR lot.product_id = ANY(%(products)s::int[]))
                 ORDER BY hits.position, receipts.first_date, lot.name, lot.id
                """,
                hits=hits,
                company=self.company_id.id,
                products=self.supplier_product_ids._origin.ids,
            )
        )

    def _supplier_preview_html(self, rows):
        """The supplier's references and what each resolves to, as an HTML table: the lots
        found (product, quantity received, when, as vendor or manufacturer), in red the
        references not received from this supplier, as a warning the lots of other
        suppliers."""
        if not rows:
            if self.supplier_match_by != "dates":
                hint = self.env._("Paste the supplier's lot references, one a line.")
            elif self.supplier_product_ids and (self.supplier_date_from or self.supplier_date_to):
                hint = self.env._(
                    "No lot of these products received from this supplier in this window."
                )
            else:
                hint = self.env._("Choose the products and the dates of the supplier's window.")
            return Markup("<p class='text-muted mb-0'>%s</p>") % hint
        lots = self.env["stock.lot"].browse({row["lot_id"] for row in rows if row["lot_id"]})
        lots.fetch(["name", "product_id"])
        partners = self.env["res.partner"].browse(
            {row["lot_supplier_id"] for row in rows if row.get("lot_supplier_id")}
        )
        names = dict(partners.sudo().mapped(lambda partner: (partner.id, partner.display_name)))
        matched_as = dict(
            self.env["lot.recall.supplier.ref"]
            ._fields["matched_as"]
            ._description_selection(self.env)
        )
        cell = Markup("<td>%s</td>")
        body = Markup()
        for row in rows:
            if row["result"] == "not_received":
                body += Markup(
                    "<tr class='table-danger'><td>%s</td><td colspan='5' class='text-danger'>%s"
                    "</td></tr>"
                ) % (row["name"], self.env._("not received from this supplier"))
                continue
            lot = lots.browse(row["lot_id"])
            if row["result"] == "found":
                last, css = matched_as[row["matched_as"]], ""
            else:
                last = self.env._(
                    "lot of %(supplier)s: another supplier's, not recalled",
                    supplier=names.get(row["lot_supplier_id"]) or self.env._("no supplier"),
                )
                css = "table-warning"
            body += (
                Markup("<tr class='%s'>") % css
                + cell % row["name"]
                + cell % lot.name
                + cell % lot.product_id.display_name
                + Markup("<td class='text-end'>%s %s</td>")
                % (
                    formatLang(self.env, row["quantity_received"], dp="Product Unit of Measure"),
                    lot.product_id.uom_id.name,
                )
                + cell % (format_datetime(self.env, row["receipt_date"]) or "")
                + cell % last
                + Markup("</tr>")
            )
        return Markup(
            "<table class='table table-sm mb-0 o_lot_recall_supplier_preview'><thead><tr>"
            "<th>%s</th><th>%s</th><th>%s</th><th class='text-end'>%s</th><th>%s</th><th>%s</th>"
            "</tr></thead><tbody>%s</tbody></table>"
        ) % (
            self.env._("Supplier's Reference"),
            self.env._("Our Lot"),
            self.env._("Product"),
            self.env._("Received"),
            self.env._("Received On"),
            self.env._("Supplier Is"),
            body,
        )

    def _check_supplier_intake(self):
        """From a supplier's recall: refuse incomplete input, else return the rows of what the
        notice resolves to (``None`` for selected lots)."""
        self.ensure_one()
        if self.intake != "supplier":
            return None
        if not self.supplier_id:
            raise UserError(self.env._("Choose the supplier whose recall notice this is."))
        if self.supplier_match_by == "dates":
            if not self.supplier_product_ids:
                raise UserError(self.env._("Choose the products the supplier recalls."))
            if not (self.supplier_date_from or self.supplier_date_to):
                raise UserError(self.env._("Give the dates of the supplier's window."))
            if (
                self.supplier_date_from
                and self.supplier_date_to
                and self.supplier_date_from > self.supplier_date_to
            ):
                raise UserError(self.env._("The supplier's window ends before it starts."))
        elif not self._supplier_refs():
            raise UserError(self.env._("Paste the supplier's lot references, one a line."))
        match = self._supplier_match()
        if not match["lots"]:
            raise UserError(
                self.env._(
                    "Nothing to recall: no lot the supplier's notice names was received from "
                    "%(supplier)s (see the references in red).",
                    supplier=self.supplier_id.display_name,
                )
            )
        # The recall records what each reference resolved to: its lots are those, exactly.
        if set(self.lot_ids.ids) != set(match["lots"].ids):
            raise UserError(
                self.env._(
                    "From a supplier's recall, the lots to recall are those its references "
                    "resolve to (%(lots)s), not others: change the references, or recall "
                    "Selected Lots instead.",
                    lots=", ".join(match["lots"].mapped("display_name")),
                )
            )
        return match["rows"]

    def _supplier_recall_values(self):
        """The supplier's side of the recall to create (none for selected lots)."""
        if self.intake != "supplier":
            return {}
        by_dates = self.supplier_match_by == "dates"
        return {
            "supplier_id": self.supplier_id.id,
            "supplier_recall_ref": self.supplier_recall_ref,
            "supplier_notice_date": self.supplier_notice_date,
            "supplier_notice": self.supplier_notice,
            "supplier_notice_filename": self.supplier_notice_filename,
            "supplier_product_ids": [fields.Command.set(self.supplier_product_ids.ids)],
            "supplier_date_field": by_dates and self.supplier_date_field,
            "supplier_date_from": by_dates and self.supplier_date_from,
            "supplier_date_to": by_dates and self.supplier_date_to,
        }

    def _record_supplier_notice(self, recall, rows):
        """Keep on ``recall`` the supplier's references with what each resolved to (written
        here only: the rows are read-only to users), and post the notice in its chatter."""
        self.env["lot.recall.supplier.ref"].sudo().create(
            [dict(row, recall_id=recall.id) for row in rows]
        )
        self._post_supplier_notice(recall, rows)

    def _post_supplier_notice(self, recall, rows):
        """Post on ``recall`` the supplier's notice (its file attached) and what its
        references resolved to."""
        body = self.env._("Recall notice of %(supplier)s", supplier=self.supplier_id.display_name)
        if self.supplier_recall_ref:
            body += " " + self.env._("(its reference: %(ref)s)", ref=self.supplier_recall_ref)
        if self.supplier_notice_date:
            body += " " + self.env._(
                "dated %(date)s", date=format_date(self.env, self.supplier_notice_date)
            )
        body += ": " + self.env._(
            "%(refs)s references, %(lots)s of our lots found, %(missing)s not received from "
            "this supplier, %(other)s lots of other suppliers.",
            refs=len({row["name"] for row in rows}),
            lots=len({row["lot_id"] for row in rows if row["result"] == "found"}),
            missing=sum(row["result"] == "not_received" for row in rows),
            other=sum(row["result"] == "other_supplier" for row in rows),
        )
        attachments = []
        if self.supplier_notice:
            attachments = [
                (
                    self.supplier_notice_filename or self.env._("Supplier's notice"),
                    base64.b64decode(self.supplier_notice),
                )
            ]
        recall.message_post(body=body, attachments=attachments, subtype_xmlid="mail.mt_note")
