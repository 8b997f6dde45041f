# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import time

from markupsafe import Markup
from psycopg2.errors import LockNotAvailable

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, config

from ..tools import selection_label
from .lot_recall_supplier_ref import SUPPLIER_DATE_FIELDS
from .lot_recall_upstream import UPSTREAM_COLUMNS

CLASSIFICATION_HELP = """FDA recall classes:
Class I: a situation in which there is a reasonable probability that the use of, or exposure to, a
violative product will cause serious adverse health consequences or death.
Class II: a situation in which use of, or exposure to, a violative product may cause temporary or
medically reversible adverse health consequences, or where the probability of serious adverse health
consequences is remote.
Class III: a situation in which use of, or exposure to, a violative product is not likely to cause
adverse health consequences."""


CLASSIFICATIONS = [
    ("class_1", "Class I"),
    ("class_2", "Class II"),
    ("class_3", "Class III"),
]

ACTIVE_STATES = ("traced", "notified")
# The first is the move line: lot.recall._line_rows keys its rows on it.
LINE_COMPARED = ("move_line_id", "partner_id", "picking_id", "quantity", "returned_quantity")
# Columns of the trace's rows stored as they are, with their SQL types.
LINE_COLUMNS = {
    "move_line_id": "int",
    "picking_id": "int",
    "partner_id": "int",
    "product_id": "int",
    "lot_id": "int",
    "location_id": "int",
    "date": "timestamp",
    "quantity": "numeric",
    "returned_quantity": "numeric",
}
LOT_COLUMNS = {
    "lot_id": "int",
    "depth": "int",
    "parent_lot_id": "int",
    "via_move_line_id": "int",
    "via_reference": "varchar",
}


def _line_key(rows):
    """What tells two traces' delivery rows apart, as a comparable set."""
    return {tuple(row[key] for key in LINE_COMPARED) for row in rows}


def _row_key(rows, columns):
    """Rows (dicts) of a trace or stored, as a comparable set of their ``columns``."""
    return {tuple(row[column] for column in columns) for row in rows}


# Written only by the recall's own actions (with sudo, after their checks), never directly.
GUARDED_FIELDS = frozenset(
    {
        "name",
        "state",
        "is_mock",
        "affected_lot_ids",
        "line_ids",
        "notice_ids",
        "supplier_ref_ids",
        "trace_date",
        "trace_duration_ms",
        "trace_lot_ids",
        "upstream_ids",
    }
)
# Editable on a draft recall; fixed once traced (lots are then added with action_add_lots).
FROZEN_AFTER_TRACE_FIELDS = frozenset({"company_id", "include_derived", "lot_ids"})
# What a supplier's notice asked for (the intake's scope), fixed once traced like the lots it
# resolved to. The notice's number, date and file stay editable: the paperwork may come later.
SUPPLIER_FROZEN_FIELDS = frozenset(
    {
        "supplier_id",
        "supplier_product_ids",
        "supplier_date_field",
        "supplier_date_from",
        "supplier_date_to",
    }
)


class LotRecall(models.Model):
    _name = "lot.recall"
    _description = "Lot Recall"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference",
        required=True,
        copy=False,
        readonly=True,
        default=lambda self: self.env._("New"),
        index="trigram",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("traced", "Traced"),
            ("notified", "Notified"),
            ("closed", "Closed"),
            ("cancel", "Cancelled"),
        ],
        default="draft",
        required=True,
        copy=False,
        tracking=True,
        index=True,
    )
    reason = fields.Text(required=True, tracking=True)
    classification = fields.Selection(
        CLASSIFICATIONS,
        required=True,
        default="class_2",
        tracking=True,
        help=CLASSIFICATION_HELP,
    )
    is_mock = fields.Boolean(
        string="Mock Recall",
        tracking=True,
        help="A recall drill: traces and reports like a real recall but never emails anyone "
        "and never blocks stock.",
    )
    lot_ids = fields.Many2many(
        "stock.lot",
        "lot_recall_stock_lot_rel",
        "recall_id",
        "lot_id",
        string="Recalled Lots",
        required=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    include_derived = fields.Boolean(
        string="Include Derived Lots",
        default=True,
        help="Also recall every lot manufactured from the recalled lots, at any depth.",
    )
    # The lots of trace_lot_ids, written from those rows by the trace in the same transaction.
    # Not a stored compute over them: stock.lot.is_recalled depends on the inverse recall_ids,
    # and a lazily recomputed many2many would leave is_recalled stale until something read it.
    affected_lot_ids = fields.Many2many(
        "stock.lot",
        "lot_recall_affected_lot_rel",
        "recall_id",
        "lot_id",
        string="Affected Lots",
        readonly=True,
        copy=False,
        help="The recalled lots and every lot made from them, as found by the last trace.",
    )
    trace_lot_ids = fields.One2many(
        "lot.recall.lot",
        "recall_id",
        string="Affected Lots (Genealogy)",
        readonly=True,
        copy=False,
        help="Each affected lot with its depth, the lot it was made from and how, as found by "
        "the last trace.",
    )
    upstream_ids = fields.One2many(
        "lot.recall.upstream",
        "recall_id",
        string="Supplier Receipts",
        readonly=True,
        copy=False,
        help="One step back: the receipts from suppliers of the affected lots and of every lot "
        "that went into them, as found by the last trace.",
    )
    line_ids = fields.One2many(
        "lot.recall.line", "recall_id", string="Affected Deliveries", readonly=True, copy=False
    )
    partner_ids = fields.Many2many(
        "res.partner", string="Customers", compute="_compute_trace_figures"
    )
    partner_count = fields.Integer(string="Customers Reached", compute="_compute_trace_figures")
    delivery_count = fields.Integer(string="Deliveries", compute="_compute_trace_figures")
    affected_lot_count = fields.Integer(compute="_compute_trace_figures")
    quantity_delivered = fields.Float(
        digits="Product Unit of Measure", compute="_compute_trace_figures"
    )
    quantity_returned = fields.Float(
        digits="Product Unit of Measure", compute="_compute_trace_figures"
    )
    stock_quant_count = fields.Integer(string="Stock Held", compute="_compute_stock_quant_count")
    notice_ids = fields.One2many(
        "lot.recall.notice", "recall_id", string="Customer Notices", readonly=True, copy=False
    )
    notice_count = fields.Integer(compute="_compute_effectiveness")
    notice_failed_count = fields.Integer(string="Failed Notices", compute="_compute_effectiveness")
    notice_to_call_count = fields.Integer(
        string="Customers to Call",
        compute="_compute_effectiveness",
        help="Customers with no or a bad email address: call them.",
    )
    notice_send_failed_count = fields.Integer(
        string="Sending Failed on Our Side",
        compute="_compute_effectiveness",
        help="Notices our mail server could not send: fix the server, then retry.",
    )
    notified_percent = fields.Float(
        string="Notified (%)",
        compute="_compute_effectiveness",
        help="Share of customers whose notice reached their mail server (or who acknowledged).",
    )
    acknowledged_percent = fields.Float(string="Acknowledged (%)", compute="_compute_effectiveness")
    quantity_reported_on_hand = fields.Float(
        digits="Product Unit of Measure", compute="_compute_effectiveness"
    )
    quantity_reported_destroyed = fields.Float(
        digits="Product Unit of Measure",
        compute="_compute_effectiveness",
        help="Quantity delivered to the customers who reported they destroyed what they had.",
    )
    quantity_reported_returning = fields.Float(
        digits="Product Unit of Measure",
        compute="_compute_effectiveness",
        help="Quantity customers reported on hand and being returned to us.",
    )
    mail_server_info = fields.Char(
        string="Outgoing Mail Server",
        compute="_compute_mail_server_info",
        help="The server the notices will be sent through: the first outgoing mail server of "
        "Settings > Technical, else the SMTP server of Odoo's configuration.",
    )
    trace_date = fields.Datetime(string="Last Traced", readonly=True, copy=False)
    trace_duration_ms = fields.Integer(
        string="Trace Duration (ms)",
        readonly=True,
        copy=False,
        help="Time the last trace took in the database, in milliseconds.",
    )
    # The supplier's side, when the recall was started from a supplier's recall notice (the
    # supplier intake of lot.recall.wizard).
    supplier_id = fields.Many2one(
        "res.partner",
        string="Recalling Supplier",
        index="btree_not_null",
        tracking=True,
        help="The supplier (vendor or manufacturer of the lots) whose recall notice started "
        "this recall.",
    )
    supplier_recall_ref = fields.Char(
        string="Supplier's Recall Number",
        tracking=True,
        help="The supplier's own reference of its recall or notice.",
    )
    supplier_notice_date = fields.Date(string="Supplier's Notice Date", tracking=True)
    supplier_notice = fields.Binary(string="Supplier's Notice", attachment=True, copy=False)
    supplier_notice_filename = fields.Char(copy=False)
    supplier_product_ids = fields.Many2many(
        "product.product",
        "lot_recall_supplier_product_rel",
        "recall_id",
        "product_id",
        string="Supplier's Products",
        help="The products the supplier's notice is restricted to.",
    )
    supplier_date_field = fields.Selection(
        SUPPLIER_DATE_FIELDS,
        string="Supplier's Date Window On",
        help="Set when the supplier recalled its products by a window of dates instead of "
        "lot references.",
    )
    supplier_date_from = fields.Date(string="Supplier's Window From")
    supplier_date_to = fields.Date(string="Supplier's Window To")
    supplier_ref_ids = fields.One2many(
        "lot.recall.supplier.ref",
        "recall_id",
        string="Supplier's References",
        readonly=True,
        copy=False,
        help="Each reference of the supplier's notice and what it resolved to when the recall "
        "was created.",
    )

    @api.depends(
        "line_ids.partner_id",
        "line_ids.picking_id",
        "line_ids.quantity",
        "line_ids.returned_quantity",
        "affected_lot_ids",
    )
    def _compute_trace_figures(self):
        for recall in self:
            lines = recall.line_ids
            recall.partner_ids = lines.partner_id
            recall.partner_count = len(lines.partner_id)
            recall.delivery_count = len(lines.picking_id)
            recall.affected_lot_count = len(recall.affected_lot_ids)
            recall.quantity_delivered = sum(lines.mapped("quantity"))
            recall.quantity_returned = sum(lines.mapped("returned_quantity"))

    @api.depends(
        "notice_ids.state",
        "notice_ids.failure_kind",
        "notice_ids.ack_action",
        "notice_ids.ack_quantity_on_hand",
        "line_ids.quantity",
    )
    def _compute_effectiveness(self):
        for recall in self:
            notices = recall.notice_ids
            reached = notices.filtered(lambda n: n.state in ("sent", "acknowledged"))
            acknowledged = notices.filtered(lambda n: n.state == "acknowledged")
            total = len(notices)
            recall.notice_count = total
            failed = notices.filtered(lambda n: n.state == "failed")
            recall.notice_failed_count = len(failed)
            recall.notice_send_failed_count = len(
                failed.filtered(lambda n: n.failure_kind == "server")
            )
            recall.notice_to_call_count = len(failed) - recall.notice_send_failed_count
            recall.notified_percent = total and 100.0 * len(reached) / total
            recall.acknowledged_percent = total and 100.0 * len(acknowledged) / total
            recall.quantity_reported_on_hand = sum(acknowledged.mapped("ack_quantity_on_hand"))
            recall.quantity_reported_destroyed = sum(
                acknowledged.filtered(lambda n: n.ack_action == "destroyed").mapped(
                    "quantity_delivered"
                )
            )
            recall.quantity_reported_returning = sum(
                acknowledged.filtered(lambda n: n.ack_action == "returning").mapped(
                    "ack_quantity_on_hand"
                )
            )

    def _compute_mail_server_info(self):
        server = self._notice_mail_server()
        if server:
            info = f"{server.name} ({server.smtp_host}:{server.smtp_port})"
        else:
            info = self.env._(
                "Odoo's configuration (%(host)s:%(port)s)",
                host=config.get("smtp_server"),
                port=config.get("smtp_port"),
            )
        self.mail_server_info = info

    @api.depends("affected_lot_ids")
    def _compute_stock_quant_count(self):
        for recall in self:
            recall.stock_quant_count = self.env["stock.quant"].search_count(
                recall._stock_held_domain()
            )

    @api.constrains("lot_ids", "company_id")
    def _check_lots(self):
        for recall in self:
            if not recall.lot_ids:
                raise UserError(self.env._("A recall needs at least one lot."))
            # Lots the user may not read are refused as such, before anything names them.
            recall.lot_ids.check_access("read")
            foreign = recall.lot_ids.filtered(
                lambda lot, company=recall.company_id: lot.company_id and lot.company_id != company
            )
            if foreign:
                raise UserError(
                    self.env._(
                        "Lots %(lots)s belong to another company than the recall (%(company)s).",
                        lots=", ".join(foreign.mapped("display_name")),
                        company=recall.company_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        # Rights first: a refused caller must not draw (and burn) a recall number.
        self.check_access("create")
        for vals in vals_list:
            guarded = (GUARDED_FIELDS - {"is_mock"}) & set(vals)
            if vals.get("state", "draft") == "draft" and "state" in vals:
                guarded.discard("state")
            if guarded and not self.env.su:
                raise AccessError(self._guarded_fields_message(guarded))
            if vals.get("name", self.env._("New")) == self.env._("New"):
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = self.env["ir.sequence"].sudo().with_company(company).next_by_code(
                    "lot.recall"
                ) or self.env._("New")
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            guarded = GUARDED_FIELDS & set(vals)
            if guarded:
                raise AccessError(self._guarded_fields_message(guarded))
            frozen = (FROZEN_AFTER_TRACE_FIELDS | SUPPLIER_FROZEN_FIELDS) & set(vals)
            traced = self.filtered("trace_date")
            if frozen and traced:
                raise UserError(
                    self.env._(
                        "Recall %(recall)s has been traced: %(fields)s can no longer be changed. "
                        "Use Add Lots to recall more lots; a drill becomes a real recall with "
                        "Start Real Recall.",
                        recall=", ".join(traced.mapped("name")),
                        fields=self._field_labels(frozen),
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_not_draft(self):
        started = self.filtered(lambda recall: recall.state != "draft")
        if started:
            raise UserError(
                self.env._(
                    "Recalls %(recalls)s have been traced: they are evidence and cannot be "
                    "deleted. Cancel them instead.",
                    recalls=", ".join(started.mapped("name")),
                )
            )

    def action_trace(self):
        """Trace the recalled lots again and replace the affected lots and deliveries.

        Safe to run again at any time (new deliveries, returns, manufacturing): what changed
        since the previous trace is posted in the chatter. Concurrent traces of one recall
        are serialised by a row lock, so lines are never duplicated.
        """
        self.check_access("write")
        self._check_open(self.env._("traced again"))
        for recall in self:
            recall._lock()
            recall.invalidate_recordset(["line_ids", "affected_lot_ids", "notice_ids"])
            recall._apply_trace()
        return True

    def action_add_lots(self, lot_ids):
        """Add lots to this recall and trace it again; lots are never removed from a recall.

        :param lot_ids: ids of ``stock.lot`` of the recall's company
        """
        self.ensure_one()
        self.check_access("write")
        self._check_open(self.env._("extended"))
        lots = self.env["stock.lot"].browse(lot_ids).exists()
        lots.check_access("read")
        new_lots = lots - self.lot_ids
        if not new_lots:
            raise UserError(self.env._("These lots are already recalled by %s.", self.name))
        self._lock()
        self.sudo().write({"lot_ids": [fields.Command.link(lot.id) for lot in new_lots]})
        self._check_lots()
        self.message_post(
            body=self.env._("Lots added: %(lots)s.", lots=", ".join(new_lots.mapped("name"))),
            subtype_xmlid="mail.mt_note",
        )
        if self.state != "draft":
            self.invalidate_recordset(["line_ids", "affected_lot_ids", "notice_ids"])
            self._apply_trace()
        return True

    def action_open_add_lots(self):
        """Open the recall wizard on this recall's lots, to add more lots to it."""
        self.ensure_one()
        action = self.lot_ids.action_open_recall_wizard()
        action["name"] = self.env._("Add Lots to %s", self.name)
        return action

    def action_start_real_recall(self):
        """Open the recall wizard with this drill's lots, for a real recall."""
        self.ensure_one()
        if not self.is_mock:
            raise UserError(self.env._("%s is already a real recall.", self.name))
        action = self.lot_ids.action_open_recall_wizard()
        action["context"] = dict(
            action["context"],
            default_reason=self.reason,
            default_classification=self.classification,
            default_include_derived=self.include_derived,
            default_is_mock=False,
        )
        return action

    def action_quarantine(self):
        """Block the affected stock we still hold: no new reservation, no delivery."""
        self.check_access("write")
        self._check_real(self.env._("blocks stock"))
        for recall in self:
            if recall.state not in ACTIVE_STATES:
                raise UserError(self.env._("Trace the recall before quarantining its stock."))
            quants = self.env["stock.quant"].search(recall._stock_held_domain())
            lots = quants.lot_id.filtered(lambda lot: not lot.quarantined)
            lots._quarantine(self.env._("Quarantined by recall %(recall)s.", recall=recall.name))
            recall._message_log(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Quarantined %(count)s lots held in stock: %(lots)s",
                    count=len(lots),
                    lots=", ".join(lots.mapped("name")) or "-",
                )
            )
        return True

    def action_send_notices(self):
        """Queue the notice of every customer not yet reached (pending or failed).

        Safe to run again: a notice already sent, acknowledged or waiting in the send queue is
        never sent twice. Concurrent sends of one recall: the second is told the recall is busy.
        The emails are prepared and sent in batches by the mail queue (or the job workers),
        whose work starts at once.
        """
        self._check_recall_manager()
        self._check_real(self.env._("emails anyone"))
        for recall in self:
            if recall.state not in ACTIVE_STATES:
                raise UserError(self.env._("Trace the recall before sending its notices."))
            recall._lock(nowait=True)
            recall.invalidate_recordset(["notice_ids"])
            recall.notice_ids.invalidate_recordset()
            to_send = recall.notice_ids.filtered(
                lambda n: n.state in ("pending", "failed") and not n._is_queued()
            )
            to_send._queue()
            recall.sudo().state = "notified"
            recall.message_post(
                body=self.env._(
                    "%(queued)s notices queued; %(failed)s customers have no email address "
                    "and must be called.",
                    queued=len(to_send.filtered("queued")),
                    failed=len(to_send.filtered(lambda n: n.state == "failed")),
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_test_mail_server(self):
        """Connect to the outgoing mail server the notices will use, and say how it went."""
        self._check_recall_manager()
        self.check_access("read")
        server = self._notice_mail_server()
        try:
            smtp = self.env["ir.mail_server"].sudo().connect(mail_server_id=server.id or None)
        except Exception as error:  # any failure is shown to the manager, in words
            raise UserError(
                self.env._(
                    "Could not connect to %(server)s: %(error)s. Check Settings > Technical > "
                    "Outgoing Mail Servers.",
                    server=self.mail_server_info or "-",
                    error=error,
                )
            ) from error
        if smtp:
            smtp.quit()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Connected to %(server)s: notices can be sent.", server=self.mail_server_info
                ),
            },
        }

    @api.readonly
    def action_print_notices(self):
        self.ensure_one()
        return self.env.ref("lot_recall.action_report_recall_notice").report_action(self.notice_ids)

    @api.readonly
    def get_genealogy_graph(self):
        """The genealogy graph of this recall (its Genealogy tab), from the rows of its last
        trace: see ``lot.genealogy._graph``."""
        self.ensure_one()
        self.check_access("read")
        return self.env["lot.genealogy"]._recall_graph(self)

    @api.readonly
    def action_export_xlsx(self):
        """Download the spreadsheet of every affected shipment (FDA FSMA 204 sortable list)."""
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_url",
            "url": f"/lot_recall/recall/{self.id}/xlsx",
            "target": "download",
        }

    @api.readonly
    def action_open_trace_request(self):
        """A new traceability request about this recall's lots (the affected lots once
        traced), its dates the span of their moves: the spreadsheet and EPCIS file of the
        recall come from the request's Export."""
        self.ensure_one()
        self.check_access("read")
        return self.env["lot.trace.request"]._prefill_action(
            self.affected_lot_ids or self.lot_ids, recall=self
        )

    @api.readonly
    def action_view_notices(self):
        self.ensure_one()
        return self.notice_ids._get_records_action(
            name=self.env._("Customer Notices"), context={"create": False}
        )

    @api.readonly
    def action_view_customers(self):
        self.ensure_one()
        return self.partner_ids._get_records_action(
            name=self.env._("Customers"), context={"create": False}
        )

    @api.readonly
    def action_view_deliveries(self):
        self.ensure_one()
        return self.line_ids.picking_id._get_records_action(
            name=self.env._("Deliveries"), context={"create": False}
        )

    @api.readonly
    def action_view_affected_lots(self):
        self.ensure_one()
        return self.affected_lot_ids._get_records_action(
            name=self.env._("Affected Lots"), context={"create": False}
        )

    @api.readonly
    def action_view_stock(self):
        self.ensure_one()
        return (
            self.env["stock.quant"]
            .search(self._stock_held_domain())
            ._get_records_action(
                name=self.env._("Stock Held"),
                views=[(False, "list")],
                domain=self._stock_held_domain(),
                context={"create": False},
            )
        )

    def action_close(self):
        """Ask for confirmation, listing what is still open, before closing."""
        self.ensure_one()
        self._check_recall_manager()
        self._check_closable_state()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Close Recall %s", self.name),
            "res_model": "lot.recall.close.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_recall_id": self.id},
        }

    def action_cancel(self):
        self._check_recall_manager()
        if self.filtered(lambda r: r.state == "closed"):
            raise UserError(self.env._("A closed recall cannot be cancelled."))
        self.sudo().state = "cancel"
        return True

    def _field_labels(self, fnames):
        return ", ".join(
            sorted(self._fields[fname].get_description(self.env)["string"] for fname in fnames)
        )

    def _guarded_fields_message(self, fnames):
        return self.env._(
            "%(fields)s of a recall change only through its actions (Trace, Send Notices, "
            "Close, Cancel), never directly.",
            fields=self._field_labels(fnames),
        )

    def _is_active_real(self):
        """Is this recall an active real recall (traced or notified, not a drill)?

        The one definition of "under recall" (lot flag, shipping guard, reservation).
        """
        self.ensure_one()
        return self.state in ACTIVE_STATES and not self.is_mock

    @api.model
    def _check_recall_manager(self):
        """Refuse callers who are not Recall Managers: the one manager check of the addon."""
        if not self.env.su and not self.env.user.has_group("lot_recall.group_recall_manager"):
            raise AccessError(self.env._("Only a Recall Manager can do this."))

    def _lock(self, nowait=False):
        """Lock these recall rows until the end of the transaction.

        A concurrent trace or send of the same recall waits (or, with ``nowait``, is told the
        recall is busy). Under REPEATABLE READ a row changed by a transaction committed since
        ours began raises a serialization error, which Odoo retries: expected, so not logged.
        """
        query = SQL(
            "SELECT id FROM lot_recall WHERE id = ANY(%s) FOR UPDATE%s",
            self.ids,
            SQL(" NOWAIT") if nowait else SQL(),
        )
        if not nowait:
            self.env.cr.execute(query, log_exceptions=False)
            return
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(query, log_exceptions=False)
        except LockNotAvailable:
            raise UserError(
                self.env._(
                    "Recall %(recall)s is being traced or its notices are being sent by someone "
                    "else right now: try again in a moment.",
                    recall=", ".join(self.mapped("name")),
                )
            ) from None

    def _check_open(self, action):
        """Refuse ``action`` (a verb for the message) on closed or cancelled recalls."""
        for recall in self.filtered(lambda r: r.state in ("closed", "cancel")):
            raise UserError(
                self.env._(
                    "Recall %(recall)s is %(state)s: it cannot be %(action)s.",
                    recall=recall.name,
                    state=selection_label(recall, "state"),
                    action=action,
                )
            )

    def _check_real(self, what):
        for recall in self.filtered("is_mock"):
            raise UserError(
                self.env._(
                    "%(recall)s is a mock recall: it never %(what)s.", recall=recall.name, what=what
                )
            )

    def _stock_held_domain(self):
        self.ensure_one()
        return [
            ("lot_id", "in", self.affected_lot_ids.ids),
            ("location_id.usage", "in", ("internal", "transit")),
            ("company_id", "=", self.company_id.id),
            ("quantity", ">", 0),
        ]

    def _check_no_other_real_recall(self):
        """A lot is under at most one active real recall: refuse a second one."""
        self.ensure_one()
        if self.is_mock:
            return
        others = (
            self.sudo()
            .search(
                [
                    ("id", "!=", self.id),
                    ("lot_ids", "in", self.lot_ids.ids),
                    ("state", "in", ACTIVE_STATES),
                    ("is_mock", "=", False),
                ]
            )
            .with_env(self.env)
        )
        if others:
            raise UserError(
                self.env._(
                    "Lots %(lots)s are already under %(recalls)s: add the other lots to that "
                    "recall (Add Lots) instead of opening a second one.",
                    lots=", ".join((others.sudo().lot_ids & self.lot_ids).mapped("name")),
                    recalls=", ".join(others._names_for_user()),
                )
            )

    def _names_for_user(self):
        """How to name these recalls to the current user: "recall RCL/…" for those they may
        read, "a recall you cannot read" for the others."""
        readable = self.sudo(False)._filtered_access("read")
        names = [self.env._("recall %s", name) for name in readable.sudo().mapped("name")]
        if len(readable) < len(self):
            names.append(self.env._("a recall you cannot read"))
        return names

    def _apply_trace(self):
        self.ensure_one()
        self._check_no_other_real_recall()
        start = time.perf_counter()
        result = self.env["lot.trace"]._trace(
            self.lot_ids.ids, self.company_id.id, include_derived=self.include_derived
        )
        duration_ms = round((time.perf_counter() - start) * 1000)
        affected_ids = [row["lot_id"] for row in result["lots"]]
        if not self.is_mock:
            # The recall writes the rows of the lots it starts recalling (_lot_recall_touch),
            # so that a delivery of one validated meanwhile conflicts with it. Those not
            # recalled yet are written by their is_recalled recompute in this transaction (this
            # recall is active once traced): only those recalled by another recall are touched.
            # The lots this active recall already held need none: a delivery of one is refused,
            # and one reported (a dropship) traces this recall again under its row lock, which
            # this trace holds. A second UPDATE of a row in one transaction checks its foreign
            # keys again, and a re-trace of the hot lot touched 1,862 lots: about 50 ms.
            held = set(self.affected_lot_ids._ids) if self.state in ACTIVE_STATES else set()
            Lot = self.env["stock.lot"]
            Lot.browse(
                Lot.sudo()._search(
                    [
                        ("id", "in", [lot_id for lot_id in affected_ids if lot_id not in held]),
                        ("is_recalled", "=", True),
                    ]
                )
            )._lot_recall_touch()
        before = self._line_rows()
        had_trace = bool(self.trace_date)
        recall = self.sudo()
        # The trace's rows, written once: every report and export reads them, never the engine.
        # A re-trace that finds the same rows leaves them alone.
        if _line_key(result["deliveries"]) != set(before.values()):
            self._replace_rows("lot.recall.line", LINE_COLUMNS, result["deliveries"])
        upstream = self._upstream_rows(affected_ids)
        for model, columns, rows in (
            ("lot.recall.lot", LOT_COLUMNS, result["lots"]),
            ("lot.recall.upstream", UPSTREAM_COLUMNS, upstream),
        ):
            if _row_key(rows, columns) != _row_key(self._stored_rows(model, columns), columns):
                self._replace_rows(model, columns, rows)
        self.invalidate_recordset(["line_ids", "trace_lot_ids", "upstream_ids"])
        values = {"trace_date": fields.Datetime.now(), "trace_duration_ms": duration_ms}
        # The state and the affected lots are written only when they change: writing them
        # marks is_recalled of every affected lot to recompute (and write), thousands of lots
        # for a re-trace that found the same.
        if self.state == "draft":
            values["state"] = "traced"
        if set(affected_ids) != set(recall.affected_lot_ids._ids):
            values["affected_lot_ids"] = [fields.Command.set(affected_ids)]
        recall.write(values)
        after = {row["move_line_id"]: row for row in result["deliveries"]}
        self._sync_notices(before, after)
        self._post_trace_summary(before, after, had_trace, duration_ms, len(affected_ids))

    def _upstream_rows(self, affected_ids):
        """The supplier receipts behind the affected lots ``affected_ids`` (one step back),
        as stored rows: the receipts of every lot that went into an affected lot, through all
        manufacturing levels, those of the recalled lots' lineage marked."""
        return self.env["lot.recall.upstream"]._rows_behind(
            self.lot_ids.ids, affected_ids, self.company_id.id
        )

    def _line_rows(self):
        """{move line id: (its ``LINE_COMPARED`` values)} of this recall's stored delivery
        lines, read in one query."""
        self.ensure_one()
        self.env["lot.recall.line"].flush_model()
        rows = self.env.execute_query(
            SQL(
                "SELECT %s FROM lot_recall_line WHERE recall_id = %s",
                SQL(", ").join(SQL.identifier(column) for column in LINE_COMPARED),
                self.id,
            )
        )
        return {row[0]: row for row in rows}

    def _stored_rows(self, model, columns):
        """This recall's stored rows of ``model`` (see :meth:`_replace_rows`), as dicts of
        ``columns``, read in one query."""
        self.ensure_one()
        records = self.env[model]
        records.flush_model()
        return self.env.execute_query_dict(
            SQL(
                "SELECT %s FROM %s WHERE recall_id = %s",
                SQL(", ").join(SQL.identifier(column) for column in columns),
                SQL.identifier(records._table),
                self.id,
            )
        )

    def _replace_rows(self, model, columns, rows):
        """Replace this recall's rows of ``model`` (a table with ``recall_id`` and
        ``company_id``) by ``rows`` (dicts of the trace): one DELETE and one INSERT from the
        rows as JSON, then the ORM cache of ``model`` is invalidated. Thousands of rows through
        the ORM took seconds. For the trace's own rows, which have no stored computed field to
        maintain.

        :param columns: {column: SQL type} of the values taken from each row
        """
        self.ensure_one()
        records = self.env[model]
        records.flush_model()
        table = SQL.identifier(records._table)
        self.env.cr.execute(SQL("DELETE FROM %s WHERE recall_id = %s", table, self.id))
        if rows:
            # The rows' own columns, then those set once for the whole INSERT.
            fixed = {"recall_id": self.id, "company_id": self.company_id.id}
            if records._log_access:
                now = fields.Datetime.now()
                fixed |= {
                    "create_uid": self.env.uid,
                    "create_date": now,
                    "write_uid": self.env.uid,
                    "write_date": now,
                }
            self.env.cr.execute(
                SQL(
                    "INSERT INTO %s (%s) SELECT %s FROM jsonb_to_recordset(%s) AS r(%s)",
                    table,
                    SQL(", ").join(SQL.identifier(column) for column in [*columns, *fixed]),
                    SQL(", ").join(
                        [SQL.identifier(column) for column in columns]
                        + [SQL("%s", value) for value in fixed.values()]
                    ),
                    json.dumps(
                        [{column: row[column] for column in columns} for row in rows], default=str
                    ),
                    SQL(", ").join(
                        SQL("%s %s", SQL.identifier(column), SQL(sql_type))
                        for column, sql_type in columns.items()
                    ),
                )
            )
        records.invalidate_model()

    def _sync_notices(self, before, after):
        """One notice per customer reached; notices never sent (nor acknowledged) are dropped
        with their customer, the others are kept for the record. A customer already notified
        who received a delivery the previous trace did not know of is notified again (its
        notice goes back to pending).
        """
        self.ensure_one()
        self.env["lot.recall.notice"].flush_model()
        self.env["lot.recall.acknowledgment"].flush_model()
        notices = self.env.execute_query_dict(
            SQL(
                "SELECT id, partner_id, state, mail_id, EXISTS(SELECT 1 FROM"
                " lot_recall_acknowledgment ack WHERE ack.notice_id = notice.id) AS has_ack"
                " FROM lot_recall_notice notice WHERE recall_id = %s",
                self.id,
            )
        )
        customer_ids = {row["partner_id"] for row in after.values() if row["partner_id"]}
        Notice = self.env["lot.recall.notice"].sudo()
        Notice.browse(
            row["id"]
            for row in notices
            if row["partner_id"] not in customer_ids
            and row["state"] in ("pending", "failed")
            and not row["mail_id"]
            and not row["has_ack"]
        ).unlink()
        self._create_notices(
            self.env["res.partner"].browse(customer_ids - {row["partner_id"] for row in notices})
        )
        if before:
            new_customer_ids = {
                row["partner_id"] for key, row in after.items() if key not in before
            }
            notified = Notice.browse(
                row["id"]
                for row in notices
                if row["state"] in ("sent", "acknowledged")
                and row["partner_id"] in new_customer_ids
            )
            if notified:
                notified._renotify(
                    self.line_ids.filtered(lambda line: line.move_line_id.id not in before)
                )

    def _create_notices(self, partners):
        """A pending notice for each of ``partners``, in one INSERT: thousands of customers
        through the ORM (mail.thread's creation log and followers) took seconds. The recall's
        chatter summary says how many customers there are; each notice's own chatter starts
        when it is queued."""
        self.ensure_one()
        if not partners:
            return
        notices = self.env["lot.recall.notice"]
        notices.flush_model()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO lot_recall_notice (
                    recall_id, company_id, partner_id, state, reminder_count,
                    create_uid, create_date, write_uid, write_date)
                SELECT %(recall)s, %(company)s, partner_id, 'pending', 0,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM unnest(%(partners)s) AS partner_id
                """,
                recall=self.id,
                company=self.company_id.id,
                uid=self.env.uid,
                now=fields.Datetime.now(),
                partners=partners.ids,
            )
        )
        notices.invalidate_model()
        self.invalidate_recordset(["notice_ids"])

    def _post_trace_summary(self, before, after, had_trace, duration_ms, lot_count):
        """Post what the trace found and, on a re-trace, what changed.

        :param before: {move line id: row} of the lines before the trace
        :param after: {move line id: row} of the trace's delivery rows
        """
        body = Markup("<p>%s</p>") % self.env._(
            "Traced in %(ms)s ms: %(lots)s affected lots, %(customers)s customers, "
            "%(deliveries)s deliveries.",
            ms=duration_ms,
            lots=lot_count,
            customers=len({row["partner_id"] for row in after.values()} - {None}),
            deliveries=len({row["picking_id"] for row in after.values()} - {None}),
        )
        if had_trace:
            added = self.env["lot.recall.line"].search(
                [
                    ("recall_id", "=", self.id),
                    ("move_line_id", "in", list(set(after) - set(before))),
                ]
            )
            removed = set(before) - set(after)
            if added or removed:
                changes = Markup().join(
                    Markup("<li>%s</li>")
                    % self.env._(
                        "New: %(delivery)s to %(customer)s, lot %(lot)s",
                        delivery=line.picking_id.name or line.move_line_id.reference,
                        customer=line.partner_id.display_name or "-",
                        lot=line.lot_id.name,
                    )
                    for line in added
                )
                if removed:
                    changes += Markup("<li>%s</li>") % self.env._(
                        "%(count)s delivery lines found by the previous trace are no longer "
                        "affected.",
                        count=len(removed),
                    )
                body += Markup("<ul>%s</ul>") % changes
            else:
                body += Markup("<p>%s</p>") % self.env._("No change since the previous trace.")
        # A log note (Odoo's own for what the system records): no follower to notify.
        self._message_log(body=body)

    @api.model
    def _notice_mail_server(self):
        """The outgoing mail server notices go through (empty: Odoo's configured SMTP)."""
        return self.env["ir.mail_server"].sudo().search([], order="sequence, id", limit=1)

    def _check_closable_state(self):
        if self.filtered(lambda r: r.state not in ACTIVE_STATES):
            raise UserError(self.env._("Only traced or notified recalls can be closed."))

    def _open_items(self):
        """What is still open on this recall, for the close confirmation."""
        self.ensure_one()
        notices = self.notice_ids
        quants = self.env["stock.quant"].search(self._stock_held_domain())
        return {
            "pending": notices.filtered(lambda n: n.state == "pending"),
            "failed": notices.filtered(lambda n: n.state == "failed"),
            "unacknowledged": notices.filtered(lambda n: n.state == "sent"),
            "stock_quantity": sum(quants.mapped("quantity")),
        }

    def _close(self, reason=False):
        """Close the recall (Recall Managers). A real recall with customers not yet reached
        (notices pending or failed) needs a reason, which is logged."""
        self._check_recall_manager()
        self._check_closable_state()
        for recall in self:
            items = recall._open_items()
            unreached = items["pending"] | items["failed"]
            if unreached and not recall.is_mock and not (reason or "").strip():
                raise UserError(
                    self.env._(
                        "%(count)s customers of %(recall)s have not been reached (notices pending "
                        "or failed): give the reason for closing anyway.",
                        count=len(unreached),
                        recall=recall.name,
                    )
                )
            recall.sudo().state = "closed"
            if reason:
                recall.message_post(
                    body=self.env._(
                        "Closed with %(count)s customers not reached. Reason: %(reason)s",
                        count=len(unreached),
                        reason=reason,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
        return True
