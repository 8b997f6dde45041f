# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..tools import local_day_start

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EPCIS_MIMETYPE = "application/ld+json"
# Written only by action_export (with sudo, after its checks), never directly.
GUARDED_FIELDS = frozenset({"name", "state", "done_at", "export_attachment_ids"})
# How long a regulator gives us (FDA FSMA 204, 21 CFR 1.1455(c)(3)): 24 hours.
ANSWER_DELAY = timedelta(hours=24)


class LotTraceRequest(models.Model):
    """A traceability request from a regulator or a customer: the products and lots they ask
    about, the dates, and the 24-hour clock. :meth:`action_export` answers it with the FDA
    FSMA 204 spreadsheet and the EPCIS 2.0 document of the same events, attached to it.

    The events are read set-based, one query per kind (:meth:`_trace_events`); manufacturing
    (``lot_recall_mrp``) adds the transformation events.
    """

    _name = "lot.trace.request"
    _description = "Traceability Request"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state, due_at, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference",
        required=True,
        copy=False,
        readonly=True,
        default=lambda self: self.env._("New"),
        index="trigram",
    )
    requester_id = fields.Many2one(
        "res.partner",
        string="Requested By",
        tracking=True,
        help="Who asks: e.g. the FDA district office, the CFIA inspector, the customer's auditor.",
    )
    kind = fields.Selection(
        [
            ("fda_fsma204", "FDA FSMA 204"),
            ("cfia", "CFIA"),
            ("customer_audit", "Customer Audit"),
            ("internal", "Internal"),
        ],
        required=True,
        default="fda_fsma204",
        tracking=True,
    )
    received_at = fields.Datetime(
        string="Received On", required=True, default=fields.Datetime.now, tracking=True
    )
    due_at = fields.Datetime(
        string="Due On",
        compute="_compute_due_at",
        store=True,
        readonly=False,
        tracking=True,
        help="When the answer is due: 24 hours after the request was received, unless the "
        "requester agreed to another date.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    recall_id = fields.Many2one(
        "lot.recall",
        check_company=True,
        help="The recall this request was opened from, if any.",
    )
    product_ids = fields.Many2many(
        "product.product",
        string="Products",
        check_company=True,
        help="The foods asked about. With no product and no lot, every event of the dates.",
    )
    lot_ids = fields.Many2many("stock.lot", string="Lots", check_company=True)
    date_from = fields.Date(string="From", required=True)
    date_to = fields.Date(string="To", required=True)
    note = fields.Text(help="What exactly was asked, and how to send the answer.")
    state = fields.Selection(
        [("draft", "Open"), ("done", "Answered")],
        default="draft",
        required=True,
        copy=False,
        tracking=True,
        index=True,
    )
    done_at = fields.Datetime(
        string="Answered On", readonly=True, copy=False, help="When the files were first exported."
    )
    export_attachment_ids = fields.Many2many(
        "ir.attachment",
        string="Exported Files",
        readonly=True,
        copy=False,
        help="The FSMA 204 spreadsheet and the EPCIS 2.0 document of the last export.",
    )
    hours_left = fields.Float(
        compute="_compute_clock",
        help="Open: hours left until the answer is due (negative when late). Answered: hours "
        "to spare when the files were exported.",
    )
    is_overdue = fields.Boolean(
        string="Overdue", compute="_compute_clock", search="_search_is_overdue"
    )

    @api.depends("received_at")
    def _compute_due_at(self):
        for request in self:
            request.due_at = request.received_at and request.received_at + ANSWER_DELAY

    @api.depends("due_at", "done_at", "state")
    def _compute_clock(self):
        now = fields.Datetime.now()
        for request in self:
            end = request.done_at or now
            request.hours_left = request.due_at and (request.due_at - end).total_seconds() / 3600.0
            request.is_overdue = bool(
                request.state == "draft" and request.due_at and request.due_at < now
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on Overdue."))
        overdue = [("state", "=", "draft"), ("due_at", "<", fields.Datetime.now())]
        if (operator == "=") == value:
            return overdue
        return ["!", "&", *overdue]

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for request in self:
            if request.date_from > request.date_to:
                raise ValidationError(
                    self.env._(
                        "%(request)s: the dates start on %(start)s, after they end (%(end)s).",
                        request=request.name,
                        start=request.date_from,
                        end=request.date_to,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        # Rights first: a refused caller must not draw (and burn) a request number.
        self.check_access("create")
        placeholder = self.env._("New")
        for vals in vals_list:
            numbered = vals.get("name", placeholder) == placeholder
            guarded = set(GUARDED_FIELDS & set(vals))
            if vals.get("state", "draft") == "draft":
                guarded.discard("state")
            if numbered:
                guarded.discard("name")
            if guarded and not self.env.su:
                raise AccessError(self._guarded_fields_message(guarded))
            if numbered:
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = self.env["ir.sequence"].sudo().with_company(company).next_by_code(
                    "lot.trace.request"
                ) or self.env._("New")
        return super().create(vals_list)

    def write(self, vals):
        guarded = GUARDED_FIELDS & set(vals)
        if guarded and not self.env.su:
            raise AccessError(self._guarded_fields_message(guarded))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_answered(self):
        answered = self.filtered(lambda request: request.state == "done")
        if answered:
            raise UserError(
                self.env._(
                    "Traceability requests %(requests)s have been answered: they and their files "
                    "are evidence and cannot be deleted.",
                    requests=", ".join(answered.mapped("name")),
                )
            )

    def action_export(self):
        """Build the FSMA 204 spreadsheet and the EPCIS 2.0 document of the requested events,
        attach them (``<name>.xlsx``, ``<name>.epcis.json``; a new export replaces the files of
        the previous one) and mark the request answered. The first export stops the clock."""
        self.check_access("write")
        for request in self:
            request._check_export_access()
            events = request._trace_events()
            records = request._event_records(events)
            xlsx, gap_count = self.env["lot.trace.request.xlsx"]._request_xlsx(
                request, events, records
            )
            epcis = self.env["lot.trace.request.epcis"]._document(request, events, records)
            request._attach_exports(
                [
                    (f"{request.name}.xlsx", xlsx, XLSX_MIMETYPE),
                    (
                        f"{request.name}.epcis.json",
                        json.dumps(epcis, indent=2, ensure_ascii=False).encode(),
                        EPCIS_MIMETYPE,
                    ),
                ]
            )
            values = {"state": "done"}
            if not request.done_at:
                values["done_at"] = fields.Datetime.now()
            request.sudo().write(values)
            request._message_log(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Exported: %(receiving)s receiving, %(transformation)s transformation and "
                    "%(shipping)s shipping events; %(gaps)s missing key data elements (Gaps tab).",
                    receiving=len(events["receiving"]),
                    transformation=len(events.get("transformation", [])),
                    shipping=len(events["shipping"]),
                    gaps=gap_count,
                )
            )
        return True

    @api.readonly
    def action_view_files(self):
        """The exported files of this request."""
        self.ensure_one()
        return self.export_attachment_ids._get_records_action(
            name=self.env._("Exported Files"),
            views=[(False, "list"), (False, "form")],
            domain=[("id", "in", self.export_attachment_ids.ids)],
            context={"create": False},
        )

    @api.model
    def _prefill_action(self, lots, recall=None):
        """The form of a new request about ``lots`` (of one company), its dates the span of
        their done moves (today when they have none): what the lot and recall buttons open."""
        self.check_access("create")
        lots.check_access("read")
        if len(lots.company_id) > 1:
            raise UserError(self.env._("Ask about lots of one company at a time."))
        company = recall.company_id if recall else lots.company_id or self.env.company
        [(first, last)] = self.env["stock.move.line"]._read_group(
            [("lot_id", "in", lots.ids), ("state", "=", "done"), ("company_id", "=", company.id)],
            aggregates=["date:min", "date:max"],
        )
        today = fields.Date.context_today(self)
        context = {
            "default_lot_ids": lots.ids,
            "default_company_id": company.id,
            "default_date_from": fields.Date.to_string(
                fields.Date.context_today(self, first) if first else today
            ),
            "default_date_to": fields.Date.to_string(
                fields.Date.context_today(self, last) if last else today
            ),
        }
        if recall:
            context |= {"default_recall_id": recall.id, "default_kind": "internal"}
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Traceability Request"),
            "res_model": self._name,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": context,
        }

    def _guarded_fields_message(self, fnames):
        return self.env._(
            "%(fields)s of a traceability request change only through Export, never directly.",
            fields=", ".join(
                sorted(self._fields[f].get_description(self.env)["string"] for f in fnames)
            ),
        )

    def _check_export_access(self):
        """Before the raw SQL of :meth:`_trace_events`: a Recall User of the request's company
        who may read its products and lots."""
        self.ensure_one()
        self.lot_ids._lot_recall_check_trace_access(self.company_id)
        self.product_ids.check_access("read")

    def _utc_bounds(self):
        """The requested dates, from the start of ``date_from`` to the end of ``date_to`` in
        the user's time zone, as naive UTC datetimes (how the database stores dates)."""
        self.ensure_one()
        return tuple(
            local_day_start(self.env, day)
            for day in (self.date_from, self.date_to + timedelta(days=1))
        )

    def _scope_condition(self, alias):
        """SQL: the move line ``alias`` is in the request's scope (one of its lots or one of
        its products; anything without either)."""
        self.ensure_one()
        if not self.lot_ids and not self.product_ids:
            return SQL("TRUE")
        return SQL(
            "(%s = ANY(%s) OR %s = ANY(%s))",
            SQL.identifier(alias, "lot_id"),
            self.lot_ids.ids,
            SQL.identifier(alias, "product_id"),
            self.product_ids.ids,
        )

    def _trace_events(self):
        """The Critical Tracking Events of the request, as plain dicts of ids and values, one
        query per kind: ``{"receiving": [...], "shipping": [...]}`` (``lot_recall_mrp`` adds
        ``"transformation"``). Call :meth:`_check_export_access` first.

        Receiving and shipping rows: ``picking_id`` (or ``move_line_id`` for a move without
        transfer), ``reference``, ``date`` (last line), ``lot_id``, ``product_id``,
        ``quantity`` (product UoM), ``partner_id`` (the other party), ``location_id`` (ours).
        """
        self.ensure_one()
        return {
            "receiving": self._move_events(
                SQL(
                    "src.usage = 'supplier' AND dest.usage IN ('internal', 'transit')"
                    " AND dest.company_id = %s",
                    self.company_id.id,
                ),
                "location_dest_id",
            ),
            # To customers, and to other companies (inter-company transit).
            "shipping": self._move_events(
                SQL(
                    "src.usage <> 'customer' AND (dest.usage = 'customer' OR (dest.usage ="
                    " 'transit' AND dest.company_id IS DISTINCT FROM %s))",
                    self.company_id.id,
                ),
                "location_id",
            ),
        }

    def _move_events(self, condition, our_location):
        """Done move lines of the request's company, scope and dates matching ``condition``
        (on the ``src`` and ``dest`` locations), one row per transfer, lot and product."""
        self.ensure_one()
        start, end = self._utc_bounds()
        self.env["stock.move.line"].flush_model()
        self.env["stock.picking"].flush_model(["partner_id"])
        self.env["stock.move"].flush_model(["partner_id"])
        return self.env.execute_query_dict(
            SQL(
                """
SELECT ml.picking_id,
       CASE WHEN ml.picking_id IS NULL THEN ml.id END AS move_line_id,
       COALESCE(picking.name, MIN(ml.reference)) AS reference,
       MAX(ml.date) AS date, ml.lot_id, ml.product_id,
       SUM(ml.quantity_product_uom) AS quantity,
       COALESCE(picking.partner_id, MIN(move.partner_id)) AS partner_id,
       MIN(ml.%(our_location)s) AS location_id
  FROM stock_move_line ml
  JOIN stock_location src ON src.id = ml.location_id
  JOIN stock_location dest ON dest.id = ml.location_dest_id
  LEFT JOIN stock_picking picking ON picking.id = ml.picking_id
  LEFT JOIN stock_move move ON move.id = ml.move_id
 WHERE ml.state = 'done' AND ml.company_id = %(company)s
   AND ml.date >= %(start)s AND ml.date < %(end)s
   AND %(scope)s AND %(condition)s
 GROUP BY ml.picking_id, picking.name, picking.partner_id, 2, ml.lot_id, ml.product_id
 ORDER BY MAX(ml.date), reference, ml.lot_id
                """,
                our_location=SQL.identifier(our_location),
                company=self.company_id.id,
                start=start,
                end=end,
                scope=self._scope_condition("ml"),
                condition=condition,
            )
        )

    def _event_records(self, events):
        """The records ``events`` refer to, each model browsed once for all rows (read in
        batches by the builders): ``{"request": self, "lots": {id: lot}, "products": ...,
        "partners": ..., "locations": ...}``."""
        self.ensure_one()
        ids = {"lots": set(), "products": set(), "partners": set(), "locations": set()}
        for rows in events.values():
            for row in rows:
                for prefix in ("", "input_", "output_"):
                    ids["lots"].add(row.get(f"{prefix}lot_id"))
                    ids["products"].add(row.get(f"{prefix}product_id"))
                ids["partners"].add(row.get("partner_id"))
                ids["locations"].add(row.get("location_id"))
        models = {
            "lots": "stock.lot",
            "products": "product.product",
            "partners": "res.partner",
            "locations": "stock.location",
        }
        records = {"request": self}
        for key, model in models.items():
            recordset = self.env[model].browse(sorted(ids[key] - {None}))
            records[key] = {record.id: record for record in recordset}
        return records

    def _attach_exports(self, files):
        """Attach ``files`` (``(name, bytes, mimetype)``) to this request, replacing the
        content of its exported files of the same name."""
        self.ensure_one()
        Attachment = self.env["ir.attachment"].sudo()
        existing = {attachment.name: attachment for attachment in self.sudo().export_attachment_ids}
        attachments = Attachment
        for name, content, mimetype in files:
            attachment = existing.get(name)
            if attachment:
                attachment.write({"raw": content, "mimetype": mimetype})
            else:
                attachment = Attachment.create(
                    {
                        "name": name,
                        "raw": content,
                        "mimetype": mimetype,
                        "res_model": self._name,
                        "res_id": self.id,
                    }
                )
            attachments |= attachment
        self.sudo().export_attachment_ids = attachments
