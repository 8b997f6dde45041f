# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hashlib
import json
import math
import secrets
import time

from dateutil.relativedelta import relativedelta
from markupsafe import Markup
from psycopg2.errors import LockNotAvailable

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, config, float_compare, float_repr

from ..tools import selection_label, trigger_cron
from .lot_recall_balance import BALANCE_COLUMNS
from .lot_recall_balance_location import BALANCE_LOCATION_COLUMNS
from .lot_recall_contact import CONTACT_COLUMNS
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
# Recalls whose mass balance one run of the scheduled action computes.
BALANCE_BATCH = 20
# The first is the move line: lot.recall._line_rows keys its rows on it.
LINE_COMPARED = ("move_line_id", "partner_id", "quantity", "returned_quantity")
# Columns of the trace's rows stored as they are, with their SQL types.
LINE_COLUMNS = {
    "move_line_id": "int",
    "partner_id": "int",
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


def _format_hours(hours):
    """``hours`` as HH:MM, as Odoo's float_time widget shows them."""
    minutes = round(hours * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# Written only by the recall's own actions (with sudo, after their checks), never directly.
GUARDED_FIELDS = frozenset(
    {
        "ack_progress",
        "days_to_full_ack",
        "full_ack_date",
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
        # FDA paperwork: written by Select Consignees and the status report's printing only.
        "effectiveness_seed",
        "effectiveness_check_ids",
        "status_report_ids",
    }
)
# The drill's clock and the mass balance: written by Start Drill, the recall wizard, the
# trace, Refresh Balance and Reconciled only.
DRILL_GUARDED_FIELDS = frozenset(
    {
        "drill_started_at",
        "drill_completed_at",
        "drill_elapsed_hours",
        "drill_target_hours",
        "drill_result",
        "balance_ids",
        "balance_location_ids",
        "contact_ids",
        "balance_date",
        "balance_outdated",
        "accounted_percent",
        "balance_tolerance_percent",
        "balance_passed",
    }
)
GUARDED_FIELDS |= DRILL_GUARDED_FIELDS
# A company whose last successful drill is older than this is warned on the Recalls dashboard.
DRILL_INTERVAL_MONTHS = 12
# Editable on a draft recall; fixed once traced (lots are then added with action_add_lots).
FROZEN_AFTER_TRACE_FIELDS = frozenset({"company_id", "include_derived", "lot_ids"})
# Without a reminder delay (reminders off), a notice sent this many days ago without an
# acknowledgment is overdue all the same.
OVERDUE_DAYS_DEFAULT = 7
ACK_PROGRESS = [
    ("none", "None Acknowledged"),
    ("partial", "Partly Acknowledged"),
    ("done", "All Acknowledged"),
]
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

# FDA recall paperwork. The effectiveness check levels of 21 CFR 7.42(b)(3): the share of
# consignees to check (level B: a percentage entered on the recall).
EFFECTIVENESS_LEVELS = [
    ("A", "Level A: 100% of consignees"),
    ("B", "Level B: a percentage between 10% and 100%"),
    ("C", "Level C: 10% of consignees"),
    ("D", "Level D: 2% of consignees"),
    ("E", "Level E: no effectiveness checks"),
]
EFFECTIVENESS_SHARES = {"A": 100, "C": 10, "D": 2, "E": 0}
RECALL_DEPTHS = [
    ("consumer", "Consumer or user level"),
    ("retail", "Retail level"),
    ("wholesale", "Wholesale level"),
]
PUBLIC_WARNINGS = [
    ("none", "None"),
    ("general", "General (news media)"),
    ("specialized", "Specialized (trade or professional press, specific segments)"),
]
# The regulatory record (21 CFR 7.42(b), 7.46; EU 178/2002 art. 19): paperwork Recall Users
# keep while the recall is open.
REGULATORY_FIELDS = frozenset(
    {
        "recall_depth",
        "public_warning",
        "authority_id",
        "authority_notified_date",
        "authority_reference",
        "authority_notification",
        "authority_notification_filename",
        "completion_estimate_date",
        "effectiveness_level",
        "effectiveness_percent",
    }
)
# The termination (21 CFR 7.55): the authority's letter usually comes once the recall is closed.
TERMINATION_FIELDS = frozenset({"termination_requested_date", "termination_date"})


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
        "lot.recall.notice",
        "recall_id",
        string="Customer Notices",
        readonly=True,
        copy=False,
        domain=[("tier", "=", 1)],
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
    # FDA recall paperwork: the regulatory record (21 CFR 7.42(b), 7.46, 7.55; EU 178/2002
    # art. 19), the effectiveness check (21 CFR 7.42(b)(3)) and the status reports (7.53).
    recall_depth = fields.Selection(
        RECALL_DEPTHS,
        tracking=True,
        help="How far down the distribution chain the recall goes (21 CFR 7.42(b)(1)): to "
        "consumers or users, to retail level, or to wholesale level.",
    )
    public_warning = fields.Selection(
        PUBLIC_WARNINGS,
        tracking=True,
        help="Whether the public is warned, and how (21 CFR 7.42(b)(2)): through the general "
        "news media, or through specialized news media or to specific segments of the "
        "population.",
    )
    authority_id = fields.Many2one(
        "res.partner",
        string="Authority Notified",
        tracking=True,
        help="The authority told of the recall: the FDA district office, the competent "
        "authority of an EU member state (Regulation (EC) 178/2002 art. 19).",
    )
    authority_notified_date = fields.Date(string="Authority Notified On", tracking=True)
    authority_reference = fields.Char(
        string="Authority's Reference",
        tracking=True,
        help="The authority's own reference of this recall (e.g. the FDA's recall event number).",
    )
    authority_notification = fields.Binary(
        string="Notification Document", attachment=True, copy=False
    )
    authority_notification_filename = fields.Char(copy=False)
    completion_estimate_date = fields.Date(
        string="Estimated Completion",
        tracking=True,
        help="When the recall is expected to be complete (21 CFR 7.53(b)(6)): printed in the "
        "status report.",
    )
    termination_requested_date = fields.Date(
        string="Termination Requested On",
        tracking=True,
        help="When we asked the authority in writing to terminate the recall (21 CFR 7.55(b)).",
    )
    termination_date = fields.Date(
        string="Terminated by Authority On",
        tracking=True,
        help="The date of the authority's written notice that the recall is terminated "
        "(21 CFR 7.55(a)).",
    )
    effectiveness_level = fields.Selection(
        EFFECTIVENESS_LEVELS,
        string="Effectiveness Check Level",
        tracking=True,
        help="The share of consignees to check (21 CFR 7.42(b)(3)): whether they received the "
        "notice and followed its instructions. Select Consignees draws them at random.",
    )
    effectiveness_percent = fields.Float(
        string="Level B Percentage",
        digits=(5, 2),
        tracking=True,
        help="Level B: the percentage of consignees to check, more than 10 and less than 100.",
    )
    effectiveness_seed = fields.Integer(
        string="Sample Seed",
        readonly=True,
        copy=False,
        help="The seed of the random draw of consignees, set by the first Select Consignees: "
        "the same seed draws the same consignees.",
    )
    effectiveness_check_ids = fields.One2many(
        "lot.recall.effectiveness.check",
        "recall_id",
        string="Effectiveness Checks",
        readonly=True,
        copy=False,
    )
    effectiveness_consignee_count = fields.Integer(
        string="Consignees",
        compute="_compute_effectiveness_sample",
        help="The customers notified of the recall, each company once.",
    )
    effectiveness_sample_size = fields.Integer(
        string="Consignees to Check",
        compute="_compute_effectiveness_sample",
        help="How many consignees the effectiveness check level asks to check (rounded up, at "
        "least one).",
    )
    effectiveness_checked_count = fields.Integer(
        string="Checks Recorded", compute="_compute_effectiveness_sample"
    )
    status_report_ids = fields.Many2many(
        "ir.attachment",
        "lot_recall_status_report_rel",
        "recall_id",
        "attachment_id",
        string="Status Reports",
        readonly=True,
        copy=False,
        help="Every status report printed (21 CFR 7.53), dated: kept as evidence.",
    )

    # -- Drills scored by the clock and the mass balance ----------------------------------------
    # The clock of a mock recall: started by the wizard that creates it or by Start Drill,
    # stopped by Reconciled; the mass balance rows are written by the trace, Refresh Balance
    # and, a last time, Reconciled (DRILL_GUARDED_FIELDS).
    drill_started_at = fields.Datetime(
        string="Drill Started",
        readonly=True,
        copy=False,
        tracking=True,
        help="When the drill began: the recall wizard opened, or Start Drill was pressed.",
    )
    drill_completed_at = fields.Datetime(
        string="Drill Reconciled",
        readonly=True,
        copy=False,
        tracking=True,
        help="When the drill was reconciled: its mass balance was frozen then.",
    )
    drill_elapsed_hours = fields.Float(
        string="Drill Time (hours)",
        compute="_compute_drill_elapsed_hours",
        store=True,
        precompute=True,
        aggregator="avg",
        help="From the start of the drill to its reconciliation.",
    )
    drill_target_hours = fields.Float(
        string="Drill Target (hours)",
        readonly=True,
        copy=False,
        aggregator="avg",
        help="The company's target when the drill started.",
    )
    drill_result = fields.Selection(
        [("running", "Running"), ("passed", "Passed"), ("failed", "Failed")],
        compute="_compute_drill_result",
        store=True,
        precompute=True,
        help="Passed: reconciled within the target time with the mass balance within the "
        "tolerance.",
    )
    drill_failure_reason = fields.Char(
        string="Why It Failed", compute="_compute_drill_failure_reason"
    )
    balance_ids = fields.One2many(
        "lot.recall.balance",
        "recall_id",
        string="Mass Balance",
        readonly=True,
        copy=False,
        help="Where each affected lot went, as last computed.",
    )
    balance_location_ids = fields.One2many(
        "lot.recall.balance.location",
        "recall_id",
        string="Stock Counts",
        readonly=True,
        copy=False,
        help="Every location of ours holding an affected lot, with the quantity counted there.",
    )
    contact_ids = fields.One2many(
        "lot.recall.contact",
        "recall_id",
        string="Contact Check",
        readonly=True,
        copy=False,
    )
    balance_date = fields.Datetime(string="Balance Computed", readonly=True, copy=False)
    balance_outdated = fields.Boolean(
        readonly=True,
        copy=False,
        help="Traced since its mass balance was computed: the scheduled action computes it.",
    )
    accounted_percent = fields.Float(
        string="Accounted (%)",
        digits=(16, 2),
        readonly=True,
        copy=False,
        aggregator="avg",
        help="Quantity accounted for (shipped, consumed, scrapped, returned to suppliers, "
        "adjusted, counted on hand) over the quantity in (received and produced), summed over "
        "the recalled lots; with several units of measure, the one furthest from 100%.",
    )
    balance_tolerance_percent = fields.Float(
        string="Tolerance (%)",
        readonly=True,
        copy=False,
        help="The company's mass balance tolerance when the balance was computed.",
    )
    balance_passed = fields.Boolean(
        string="Mass Balance Passed",
        compute="_compute_balance_passed",
        store=True,
        precompute=True,
    )
    contact_count = fields.Integer(string="Customers Checked", compute="_compute_contact_check")
    contact_unreachable_count = fields.Integer(
        string="Customers Not Reachable", compute="_compute_contact_check"
    )
    contact_reachable_percent = fields.Float(
        string="Reachable (%)",
        compute="_compute_contact_check",
        help="Share of the affected customers with a usable email address or phone number.",
    )

    # -- Cockpit: the kanban's cards, the Needs Action filters, the graph and pivot --------------
    product_ids = fields.Many2many(
        "product.product",
        "lot_recall_product_rel",
        "recall_id",
        "product_id",
        string="Products",
        compute="_compute_product_ids",
        store=True,
        help="The products of the recalled lots and of every affected lot.",
    )
    product_categ_ids = fields.Many2many(
        "product.category",
        "lot_recall_product_categ_rel",
        "recall_id",
        "categ_id",
        string="Product Categories",
        compute="_compute_product_categ_ids",
        store=True,
    )
    dye_lot = fields.Char(
        string="Recalled Dye Lot",
        readonly=True,
        copy=False,
        help="The dye lot (colour batch) this recall was started from: every lot of it, of "
        "every product, was recalled.",
    )
    # Written by the acknowledgment code (_update_ack_progress), set-based from the notices.
    ack_progress = fields.Selection(
        ACK_PROGRESS,
        string="Acknowledgment",
        readonly=True,
        copy=False,
        help="Whether none, some or all of the customers reached acknowledged the recall.",
    )
    full_ack_date = fields.Datetime(
        string="Fully Acknowledged On",
        readonly=True,
        copy=False,
        help="When the last customer acknowledged the recall (every notice acknowledged).",
    )
    # Empty (NULL) until every customer acknowledged: the pivot's average is of the fully
    # acknowledged recalls only (the ORM would write 0.0, so _update_ack_progress writes it).
    days_to_full_ack = fields.Float(
        string="Days to 100% Acknowledged",
        readonly=True,
        copy=False,
        aggregator="avg",
        digits=(16, 1),
        help="Days from the recall's opening to its last acknowledgment (every notice "
        "acknowledged); empty until then.",
    )
    days_open = fields.Integer(compute="_compute_days_open")
    call_open_count = fields.Integer(
        string="Open Customer Calls",
        compute="_compute_cockpit",
        search="_search_call_open_count",
        help="Customers the responsible must call (open Call Customer activities): no or a bad "
        "email address, or no acknowledgment after the last reminder.",
    )
    overdue_ack_count = fields.Integer(
        string="Overdue Acknowledgments",
        compute="_compute_cockpit",
        search="_search_overdue_ack_count",
        help="Customers who received the notice and have not acknowledged it after the "
        "company's reminder delay.",
    )
    stock_held = fields.Boolean(
        string="Stock Still Held",
        compute="_compute_cockpit",
        search="_search_stock_held",
        help="Affected lots are still in our warehouses (quarantined or not).",
    )
    needs_action = fields.Boolean(
        compute="_compute_cockpit",
        search="_search_needs_action",
        help="An active real recall with customers to call, overdue acknowledgments or stock "
        "still held.",
    )

    @api.depends("lot_ids.product_id", "affected_lot_ids.product_id")
    def _compute_product_ids(self):
        for recall in self:
            # Of the thousands of affected lots, only the product is read.
            lots = (recall.lot_ids | recall.affected_lot_ids).with_context(prefetch_fields=False)
            recall.product_ids = lots.product_id

    @api.depends("product_ids.categ_id")
    def _compute_product_categ_ids(self):
        # Only the category of each product's template is read (not every field of the
        # templates, names and descriptions in every language): this runs at each trace.
        for recall in self:
            templates = recall.product_ids.with_context(prefetch_fields=False).product_tmpl_id
            recall.product_categ_ids = templates.categ_id

    def _compute_days_open(self):
        today = fields.Date.context_today(self)
        for recall in self:
            opened = recall.create_date and fields.Date.context_today(recall, recall.create_date)
            recall.days_open = (
                (today - opened).days if opened and recall.state in ("draft", *ACTIVE_STATES) else 0
            )

    @api.depends(
        "state",
        "is_mock",
        "affected_lot_ids",
        "company_id.recall_reminder_days",
        "notice_ids.call_activity_id",
        "notice_ids.state",
        "notice_ids.sent_date",
        "notice_ids.reminder_count",
    )
    def _compute_cockpit(self):
        """The cockpit's figures of these recalls in one query (the same conditions as the
        searches, see :meth:`_cockpit_conditions`)."""
        self._cockpit_flush()
        conditions = self._cockpit_conditions()
        rows = {}
        if self.ids:
            rows = {
                row[0]: row[1:]
                for row in self.env.execute_query(
                    SQL(
                        """
                        SELECT r.id,
                               (SELECT count(*) FROM lot_recall_notice n
                                 WHERE n.recall_id = r.id AND %(calls)s),
                               (SELECT count(*) FROM lot_recall_notice n
                                 WHERE n.recall_id = r.id AND %(overdue)s),
                               %(stock)s,
                               %(active)s
                          FROM lot_recall r JOIN res_company c ON c.id = r.company_id
                         WHERE r.id = ANY(%(ids)s)
                        """,
                        ids=list(self.ids),
                        **conditions,
                    )
                )
            }
        for recall in self:
            calls, overdue, stock, active = rows.get(recall.id, (0, 0, False, False))
            recall.call_open_count = calls
            recall.overdue_ack_count = overdue
            recall.stock_held = stock
            recall.needs_action = active and bool(calls or overdue or stock)

    def _search_call_open_count(self, operator, value):
        return self._search_cockpit("calls", operator, value)

    def _search_overdue_ack_count(self, operator, value):
        return self._search_cockpit("overdue", operator, value)

    def _search_stock_held(self, operator, value):
        return self._search_cockpit("stock", operator, value)

    def _search_needs_action(self, operator, value):
        return self._search_cockpit("needs_action", operator, value)

    def _search_cockpit(self, kind, operator, value):
        """``[("id", "in" or "not in", <one SQL query>)]``: the recalls that have (or have
        not) ``kind`` of :meth:`_cockpit_conditions`. Counts are asked as ``> 0`` / ``!= 0``
        (some) or ``= 0`` (none), flags as ``= True`` / ``= False``."""
        if (operator, value) in (("=", True), ("!=", False), (">", 0), ("!=", 0), (">=", 1)):
            positive = True
        elif (operator, value) in (("=", False), ("!=", True), ("=", 0), ("<", 1), ("<=", 0)):
            positive = False
        else:
            raise UserError(
                self.env._(
                    "Search the recalls that have some or none of them, not "
                    "%(operator)s %(value)s.",
                    operator=operator,
                    value=value,
                )
            )
        self._cockpit_flush()
        conditions = self._cockpit_conditions()
        has = {
            name: SQL(
                "EXISTS (SELECT 1 FROM lot_recall_notice n WHERE n.recall_id = r.id AND %s)",
                conditions[name],
            )
            for name in ("calls", "overdue")
        }
        has["stock"] = conditions["stock"]
        if kind == "needs_action":
            condition = SQL("%s AND (%s)", conditions["active"], SQL(" OR ").join(has.values()))
        else:
            condition = has[kind]
        query = SQL(
            "(SELECT r.id FROM lot_recall r JOIN res_company c ON c.id = r.company_id WHERE %s)",
            condition,
        )
        return [("id", "in" if positive else "not in", query)]

    @api.model
    def _cockpit_conditions(self):
        """The SQL conditions of the cockpit, on a recall ``r`` of company ``c`` and, for the
        notices' ones, a notice ``n`` of it:

        - ``calls``: the notice has an open *Call Customer* activity;
        - ``overdue``: the notice was sent and is not acknowledged after the company's
          reminder delay (``OVERDUE_DAYS_DEFAULT`` days when reminders are off), or was
          reminded already;
        - ``stock``: affected lots are still in our internal or transit locations;
        - ``active``: the recall is an active real recall (``needs_action`` asks only those).
        """
        return {
            "calls": SQL("n.call_activity_id IS NOT NULL"),
            "overdue": SQL(
                "n.state = 'sent' AND (n.reminder_count > 0 OR n.sent_date <= %s::timestamp"
                " - make_interval(days => COALESCE(NULLIF(c.recall_reminder_days, 0), %s)))",
                fields.Datetime.now(),
                OVERDUE_DAYS_DEFAULT,
            ),
            "stock": SQL(
                """EXISTS (
                    SELECT 1 FROM lot_recall_affected_lot_rel rel
                      JOIN stock_quant q ON q.lot_id = rel.lot_id
                      JOIN stock_location l ON l.id = q.location_id
                     WHERE rel.recall_id = r.id AND q.company_id = r.company_id
                       AND q.quantity > 0 AND l.usage IN ('internal', 'transit'))"""
            ),
            "active": SQL("(r.state IN %s AND NOT r.is_mock)", ACTIVE_STATES),
        }

    def _cockpit_flush(self):
        """Write what the cockpit's queries read."""
        self.env["lot.recall.notice"].flush_model(
            ["recall_id", "state", "call_activity_id", "reminder_count", "sent_date"]
        )
        self.env["stock.quant"].flush_model(["lot_id", "location_id", "company_id", "quantity"])
        self.env["res.company"].flush_model(["recall_reminder_days"])
        self.flush_model(["state", "is_mock", "company_id", "affected_lot_ids"])

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
            self._check_paperwork_write(vals)
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
            if recall.is_mock and recall.state == "draft" and not recall.drill_started_at:
                # No drill is traced off the clock.
                recall._start_drill()
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
            # One query for thousands of lots; of their fields, only the name is read.
            lots = self.env["stock.lot"].search_fetch(
                [("quant_ids", "any", recall._stock_held_domain()), ("quarantined", "=", False)],
                ["name"],
            )
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
        had_trace = bool(self.trace_date)
        before = self._line_rows() if had_trace else {}
        recall = self.sudo()
        # The trace's rows, written once: every report and export reads them, never the engine.
        # A re-trace that finds the same rows leaves them alone.
        # A first trace has no rows to replace: only the trace writes them.
        if not had_trace or _line_key(result["deliveries"]) != set(before.values()):
            self._replace_rows(
                "lot.recall.line", LINE_COLUMNS, result["deliveries"], replace=had_trace
            )
        upstream = self._upstream_rows(affected_ids)
        for model, columns, rows in (
            ("lot.recall.lot", LOT_COLUMNS, result["lots"]),
            ("lot.recall.upstream", UPSTREAM_COLUMNS, upstream),
        ):
            if not had_trace or _row_key(rows, columns) != _row_key(
                self._stored_rows(model, columns), columns
            ):
                self._replace_rows(model, columns, rows, replace=had_trace)
        self.invalidate_recordset(["line_ids", "trace_lot_ids", "upstream_ids"])
        values = {"trace_date": fields.Datetime.now(), "trace_duration_ms": duration_ms}
        # The state and the affected lots are written only when they change: writing them
        # marks is_recalled of every affected lot to recompute (and write), thousands of lots
        # for a re-trace that found the same.
        if self.state == "draft":
            values["state"] = "traced"
        if not self.is_mock:
            values["balance_outdated"] = True
        recall.write(values)
        self._replace_affected_lots(affected_ids)
        after = {row["move_line_id"]: row for row in result["deliveries"]}
        self._sync_notices(before, after, first_trace=not had_trace)
        self._post_trace_summary(before, after, had_trace, duration_ms, len(affected_ids))
        if self.is_mock:
            # A drill is scored on its mass balance: computed with its trace.
            self._refresh_balance()
        else:
            # A real recall's manager waits for its lines, notices and quarantine, not for its
            # balance (as long again as all of those for 100 lots): the scheduled action
            # computes it just after this transaction.
            trigger_cron(self.env, "lot_recall.ir_cron_lot_recall_balance")

    def _replace_affected_lots(self, lot_ids):
        """Make ``lot_ids`` this recall's affected lots (``affected_lot_ids``) in one DELETE
        and one INSERT ... SELECT: ``Command.set`` of thousands of lots quoted each pair of ids
        in Python. The ORM is then told what its own write tells it: caches invalidated, the
        recall's dependent fields and ``is_recalled`` of the lots that enter or leave it marked
        to recompute (written with the quarantine's flag, if any, in the same flush).

        Nothing is written when they are already those.

        :param lot_ids: ids of ``stock.lot``, the lots of the trace's ``lot.recall.lot`` rows
        """
        self.ensure_one()
        old = set(self.affected_lot_ids._ids)
        new = set(lot_ids)
        if old == new:
            return
        self.modified(["affected_lot_ids"], before=True)
        self.flush_recordset(["affected_lot_ids"])
        if old - new:
            self.env.cr.execute(
                SQL(
                    "DELETE FROM lot_recall_affected_lot_rel WHERE recall_id = %s"
                    " AND lot_id = ANY(%s)",
                    self.id,
                    list(old - new),
                )
            )
        if new - old:
            self.env.cr.execute(
                SQL(
                    "INSERT INTO lot_recall_affected_lot_rel (recall_id, lot_id)"
                    " SELECT %s, unnest(%s::int[])",
                    self.id,
                    list(new - old),
                )
            )
        changed = self.env["stock.lot"].browse(old ^ new)
        self.invalidate_recordset(["affected_lot_ids"])
        changed.invalidate_recordset(["recall_ids"])
        self.modified(["affected_lot_ids"])
        changed.modified(["recall_ids"])

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

    def _replace_rows(self, model, columns, rows, replace=True):
        """Replace this recall's rows of ``model`` (a table with ``recall_id``, whose company
        is the recall's) by ``rows`` (dicts of the trace): one DELETE and one INSERT from the
        rows as JSON, then the ORM cache of ``model`` is invalidated. Thousands of rows through
        the ORM took seconds. For the trace's own rows, which have no stored computed field to
        maintain.

        :param columns: {column: SQL type} of the values taken from each row
        :param replace: False when the recall has no such rows yet (its first trace): no DELETE
        """
        self.ensure_one()
        records = self.env[model]
        records.flush_model()
        table = SQL.identifier(records._table)
        if replace:
            self.env.cr.execute(SQL("DELETE FROM %s WHERE recall_id = %s", table, self.id))
        if rows:
            # The rows' own columns, then those set once for the whole INSERT.
            fixed = {"recall_id": self.id}
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

    def _sync_notices(self, before, after, first_trace=False):
        """One notice per customer reached; notices never sent (nor acknowledged) are dropped
        with their customer, the others are kept for the record. A customer already notified
        who received a delivery the previous trace did not know of is notified again (its
        notice goes back to pending).

        :param first_trace: the recall's first trace, which finds no notice (only the trace
            writes them): nothing is read
        """
        self.ensure_one()
        customer_ids = {row["partner_id"] for row in after.values() if row["partner_id"]}
        if first_trace:
            self._create_notices(self.env["res.partner"].browse(customer_ids))
            self._update_ack_progress(counts={self.id: (len(customer_ids), 0)})
            return
        self.env["lot.recall.notice"].flush_model()
        self.env["lot.recall.acknowledgment"].flush_model()
        notices = self.env.execute_query_dict(
            SQL(
                "SELECT id, partner_id, state, mail_id, EXISTS(SELECT 1 FROM"
                " lot_recall_acknowledgment ack WHERE ack.notice_id = notice.id) AS has_ack"
                " FROM lot_recall_notice notice WHERE recall_id = %s AND tier = 1",
                self.id,
            )
        )
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
        self._update_ack_progress()

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
                    recall_id, partner_id, tier, state, reminder_count,
                    create_uid, create_date, write_uid, write_date)
                SELECT %(recall)s, partner_id, 1, 'pending', 0,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM unnest(%(partners)s) AS partner_id
                """,
                recall=self.id,
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

    # -- Drills scored by the clock and the mass balance ----------------------------------------

    @api.depends("drill_started_at", "drill_completed_at")
    def _compute_drill_elapsed_hours(self):
        for recall in self:
            start, end = recall.drill_started_at, recall.drill_completed_at
            recall.drill_elapsed_hours = (
                (end - start).total_seconds() / 3600 if start and end else 0.0
            )

    @api.depends("balance_date", "accounted_percent", "balance_tolerance_percent")
    def _compute_balance_passed(self):
        for recall in self:
            recall.balance_passed = bool(recall.balance_date) and (
                float_compare(
                    abs(recall.accounted_percent - 100.0),
                    recall.balance_tolerance_percent,
                    precision_digits=6,
                )
                <= 0
            )

    @api.depends(
        "is_mock",
        "drill_started_at",
        "drill_completed_at",
        "drill_elapsed_hours",
        "drill_target_hours",
        "balance_passed",
    )
    def _compute_drill_result(self):
        for recall in self:
            if not (recall.is_mock and recall.drill_started_at):
                recall.drill_result = False
            elif not recall.drill_completed_at:
                recall.drill_result = "running"
            elif recall._drill_on_time() and recall.balance_passed:
                recall.drill_result = "passed"
            else:
                recall.drill_result = "failed"

    @api.depends(
        "drill_result",
        "drill_elapsed_hours",
        "drill_target_hours",
        "accounted_percent",
        "balance_tolerance_percent",
    )
    def _compute_drill_failure_reason(self):
        for recall in self:
            reasons = []
            if recall.drill_result == "failed":
                if not recall._drill_on_time():
                    reasons.append(
                        self.env._(
                            "reconciled in %(elapsed)s h, the target is %(target)s h",
                            elapsed=_format_hours(recall.drill_elapsed_hours),
                            target=_format_hours(recall.drill_target_hours),
                        )
                    )
                if not recall.balance_passed:
                    reasons.append(
                        self.env._(
                            "%(percent)s%% of the quantity accounted for (tolerance "
                            "%(tolerance)s%%)",
                            percent=float_repr(recall.accounted_percent, 2),
                            tolerance=float_repr(recall.balance_tolerance_percent, 2),
                        )
                    )
            recall.drill_failure_reason = "; ".join(reasons)

    @api.depends("contact_ids.reachable_by")
    def _compute_contact_check(self):
        for recall in self:
            contacts = recall.contact_ids
            unreachable = contacts.filtered(lambda contact: contact.reachable_by == "none")
            recall.contact_count = len(contacts)
            recall.contact_unreachable_count = len(unreachable)
            recall.contact_reachable_percent = contacts and 100.0 * (
                len(contacts) - len(unreachable)
            ) / len(contacts)

    def action_start_drill(self):
        """Start the clock of these draft drills: their time runs until they are reconciled.
        Recall Users may start and reconcile drills."""
        self.check_access("write")
        for recall in self:
            if not recall.is_mock:
                raise UserError(
                    self.env._(
                        "%(recall)s is a real recall: it has no drill clock.", recall=recall.name
                    )
                )
            if recall.state != "draft" or recall.drill_started_at:
                raise UserError(
                    self.env._("Drill %(recall)s has already started.", recall=recall.name)
                )
        self._start_drill()
        return True

    def action_refresh_balance(self):
        """Compute the mass balance again: after stock was counted, or moved."""
        self.check_access("write")
        self._check_open(self.env._("balanced again"))
        for recall in self:
            if recall.state == "draft":
                raise UserError(
                    self.env._(
                        "Trace %(recall)s first: its mass balance is that of its affected lots.",
                        recall=recall.name,
                    )
                )
            recall._lock()
            recall._refresh_balance()
        return True

    def action_count_stock(self):
        """Odoo's physical inventory of every location of ours holding an affected lot: the
        user records the Counted Quantity there (without applying it), and the drill's mass
        balance compares it with the system quantity."""
        self.ensure_one()
        self.check_access("read")
        action = self.env["stock.quant"].action_view_inventory()
        context = dict(action["context"])
        context.pop("search_default_my_count", None)
        action.update(
            name=self.env._("Count Stock of %(recall)s", recall=self.name),
            domain=[
                ("lot_id", "in", self.affected_lot_ids.ids),
                ("location_id.usage", "in", ("internal", "transit")),
                ("company_id", "=", self.company_id.id),
            ],
            context=context,
        )
        return action

    def action_reconcile(self):
        """Complete these drills: their mass balance is computed a last time and frozen (the
        drill report never changes afterwards), their clock stops and they are closed.
        Completing a drill is not closing a real recall: Recall Users may do it."""
        self.check_access("write")
        for recall in self:
            recall._lock()
            recall.invalidate_recordset(["state", "drill_started_at", "drill_completed_at"])
            if not recall.is_mock:
                raise UserError(
                    self.env._(
                        "%(recall)s is a real recall: a Recall Manager closes it.",
                        recall=recall.name,
                    )
                )
            if recall.state != "traced":
                raise UserError(
                    self.env._("Trace drill %(recall)s before reconciling it.", recall=recall.name)
                    if recall.state == "draft"
                    else self.env._(
                        "Drill %(recall)s is %(state)s: it cannot be reconciled.",
                        recall=recall.name,
                        state=selection_label(recall, "state"),
                    )
                )
            if not recall.drill_started_at:
                raise UserError(
                    self.env._(
                        "Drill %(recall)s was traced before drills had a clock: cancel it and "
                        "run a new drill.",
                        recall=recall.name,
                    )
                )
            recall._refresh_balance()
            recall.sudo().write({"drill_completed_at": fields.Datetime.now(), "state": "closed"})
            recall._message_log(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Drill reconciled in %(elapsed)s h (target %(target)s h), %(percent)s%% of "
                    "the quantity accounted for: %(result)s.",
                    elapsed=_format_hours(recall.drill_elapsed_hours),
                    target=_format_hours(recall.drill_target_hours),
                    percent=float_repr(recall.accounted_percent, 2),
                    result=selection_label(recall, "drill_result"),
                )
            )
        return True

    @api.readonly
    def action_print_drill_report(self):
        self.ensure_one()
        return self.env.ref("lot_recall.action_report_recall_drill").report_action(self)

    @api.model
    @api.readonly
    def retrieve_drill_dashboard(self):
        """The drill status of the user's companies for the Recalls dashboard: when the last
        drill passed, and whether that is more than 12 months ago (or never)."""
        self.browse().check_access("read")
        limit = fields.Datetime.now() - relativedelta(months=DRILL_INTERVAL_MONTHS)
        companies = self.env.companies
        return [
            {
                "company": company.name if len(companies) > 1 else False,
                "last_passed": company.recall_drill_last_passed_at
                and fields.Date.to_string(
                    fields.Datetime.context_timestamp(self, company.recall_drill_last_passed_at)
                ),
                "overdue": not company.recall_drill_last_passed_at
                or company.recall_drill_last_passed_at < limit,
            }
            for company in companies
        ]

    def _drill_on_time(self):
        self.ensure_one()
        return (
            float_compare(self.drill_elapsed_hours, self.drill_target_hours, precision_digits=6)
            <= 0
        )

    def _start_drill(self, opened_at=None):
        """Start the clock of these drills at ``opened_at`` (when the recall wizard opened),
        never later than now, with the company's target time."""
        now = fields.Datetime.now()
        start = min(opened_at, now) if opened_at else now
        for recall in self:
            recall.sudo().write(
                {
                    "drill_started_at": start,
                    "drill_target_hours": recall.company_id.recall_drill_target_hours,
                }
            )

    @api.model
    def _cron_lot_recall_balance(self, batch_size=BALANCE_BATCH):
        """Compute the mass balance of ``batch_size`` real recalls traced since it was last
        computed (see :meth:`_apply_trace`); the scheduler commits and runs again while some
        are left."""
        domain = [
            ("balance_outdated", "=", True),
            ("state", "not in", ("draft", "cancel")),
            ("drill_completed_at", "=", False),
        ]
        recalls = self.search(domain, order="trace_date, id", limit=batch_size)
        for recall in recalls:
            recall._refresh_balance()
        self.env["ir.cron"]._notify_progress(done=len(recalls), remaining=self.search_count(domain))

    def _refresh_balance(self):
        """Write this recall's mass balance and stock counts (one statement, one INSERT each)
        and, for a drill, its contact check; the recall's headline figures from them. A
        reconciled drill's balance is frozen."""
        self.ensure_one()
        if self.drill_completed_at:
            raise UserError(
                self.env._(
                    "Drill %(recall)s is reconciled: its mass balance is frozen.",
                    recall=self.name,
                )
            )
        # The access check of every reader of stock in raw SQL: the recall, then its lots.
        self.check_access("read")
        self.affected_lot_ids._lot_recall_check_trace_access(self.company_id)
        rows, locations = self.env["lot.recall.balance"]._rows_for_recall(self)
        self._replace_rows("lot.recall.balance", BALANCE_COLUMNS, rows)
        self._replace_rows("lot.recall.balance.location", BALANCE_LOCATION_COLUMNS, locations)
        if self.is_mock:
            self._replace_rows(
                "lot.recall.contact",
                CONTACT_COLUMNS,
                self.env["lot.recall.contact"]._rows_for_notices(self.notice_ids),
            )
        self.invalidate_recordset(["balance_ids", "balance_location_ids", "contact_ids"])
        percents = [total["accounted_percent"] for total in self.balance_ids._totals()]
        self.sudo().write(
            {
                "balance_date": fields.Datetime.now(),
                "balance_outdated": False,
                # With several units, the total furthest from 100% scores the recall.
                "accounted_percent": max(percents, key=lambda p: abs(p - 100.0), default=100.0),
                "balance_tolerance_percent": self.company_id.recall_drill_tolerance_percent,
            }
        )

    # FDA recall paperwork: regulatory record, effectiveness check, status reports.

    @api.depends(
        "notice_ids.partner_id",
        "effectiveness_level",
        "effectiveness_percent",
        "effectiveness_check_ids.state",
    )
    def _compute_effectiveness_sample(self):
        for recall in self:
            count = len(recall._effectiveness_consignees())
            recall.effectiveness_consignee_count = count
            recall.effectiveness_sample_size = recall._effectiveness_sample_size(count)
            recall.effectiveness_checked_count = len(
                recall.effectiveness_check_ids.filtered(lambda check: check.state == "done")
            )

    @api.constrains("effectiveness_level", "effectiveness_percent")
    def _check_effectiveness_percent(self):
        for recall in self.filtered(lambda r: r.effectiveness_level == "B"):
            if not 10 < recall.effectiveness_percent < 100:
                raise ValidationError(
                    self.env._(
                        "Recall %(recall)s: at effectiveness check level B, the percentage of "
                        "consignees to check must be more than 10 and less than 100 (levels C "
                        "and A).",
                        recall=recall.name,
                    )
                )

    def _check_paperwork_write(self, vals):
        """The regulatory record is the Recall Users' paperwork while the recall is open; the
        termination is recorded on a closed recall too (the authority's letter comes last)."""
        fnames = set(vals)
        ended = self.filtered(lambda r: r.state in ("closed", "cancel"))
        refused = ended if REGULATORY_FIELDS & fnames else self.browse()
        if TERMINATION_FIELDS & fnames:
            refused |= ended.filtered(lambda r: r.state == "cancel")
        if refused:
            raise UserError(
                self.env._(
                    "Recall %(recall)s is %(state)s: its regulatory record (%(fields)s) can no "
                    "longer be changed.",
                    recall=refused[0].name,
                    state=selection_label(refused[0], "state"),
                    fields=self._field_labels((REGULATORY_FIELDS | TERMINATION_FIELDS) & fnames),
                )
            )

    def action_select_consignees(self):
        """Draw the consignees to check at the recall's effectiveness check level, at random
        with the recall's seed, and give the recall's responsible an activity for each.

        Safe to run again: the checks already selected are kept (never duplicated, never
        dropped) and the next consignees of the same draw are added only when the sample is
        smaller than the level asks (a higher level, customers found by a later trace).
        """
        self.check_access("write")
        self._check_open(self.env._("checked"))
        for recall in self:
            recall._select_consignees()
        return True

    @api.readonly
    def action_print_status_report(self):
        """Print the status report (21 CFR 7.53); each print is attached to the recall (by the
        printing, a request of its own: this button only opens it)."""
        self.ensure_one()
        self.check_access("read")
        return self.env.ref("lot_recall.action_report_recall_status").report_action(self)

    def _effectiveness_consignees(self):
        """The recall's consignees, de-duplicated: the companies of its notices' customers."""
        self.ensure_one()
        return self.notice_ids.partner_id.commercial_partner_id

    def _effectiveness_sample_size(self, count):
        """How many of ``count`` consignees this recall's level asks to check: rounded up, at
        least one (none at level E or without a level)."""
        self.ensure_one()
        level = self.effectiveness_level
        if not count or not level or level == "E":
            return 0
        share = self.effectiveness_percent if level == "B" else EFFECTIVENESS_SHARES[level]
        # Rounded to 6 places first: 100 consignees at 7.1 % are 7.1 (not 7.1000001) checks.
        return min(count, max(1, math.ceil(round(count * share / 100.0, 6))))

    @api.model
    def _effectiveness_draw(self, partners, seed):
        """``partners`` in the order of a random draw with ``seed``: by the SHA-256 of
        ``"<seed>:<partner id>"``. The same seed draws the same partners in the same order,
        anyone can redo the draw from the seed and the ids, and a partner keeps its place
        among the others whoever else is drawn with it."""
        return partners.sorted(
            lambda partner: hashlib.sha256(f"{seed}:{partner.id}".encode()).digest()
        )

    def _select_consignees(self):
        self.ensure_one()
        if self.state not in ACTIVE_STATES:
            raise UserError(
                self.env._(
                    "Trace %(recall)s before selecting consignees to check.", recall=self.name
                )
            )
        if not self.effectiveness_level:
            raise UserError(
                self.env._(
                    "Set the effectiveness check level of %(recall)s first.", recall=self.name
                )
            )
        if self.effectiveness_level == "E":
            raise UserError(
                self.env._(
                    "%(recall)s is at effectiveness check level E: no consignee is checked.",
                    recall=self.name,
                )
            )
        # Two concurrent draws of one recall would each add the same consignees.
        self._lock()
        self.invalidate_recordset(["effectiveness_seed", "effectiveness_check_ids", "notice_ids"])
        consignees = self._effectiveness_consignees()
        if not consignees:
            raise UserError(self.env._("%(recall)s has no consignee to check.", recall=self.name))
        size = self._effectiveness_sample_size(len(consignees))
        seed = self.effectiveness_seed or secrets.randbelow(2**31 - 1) + 1
        if not self.effectiveness_seed:
            self.sudo().effectiveness_seed = seed
        drawn = self._effectiveness_draw(consignees, seed)
        existing = self.effectiveness_check_ids.partner_id
        missing = max(0, size - len(existing))
        new = (drawn - existing)[:missing]
        rank = {partner: index for index, partner in enumerate(drawn, start=1)}
        checks = self._create_effectiveness_checks(new, rank)
        body = Markup("<p>%s</p>") % self.env._(
            "Select Consignees, %(level)s: %(size)s of %(count)s consignees to check, drawn at "
            "random with seed %(seed)s; %(new)s new checks, %(kept)s already selected.",
            level=selection_label(self, "effectiveness_level"),
            size=size,
            count=len(consignees),
            seed=seed,
            new=len(checks),
            kept=len(existing),
        )
        if checks:
            body += Markup("<p>%s</p>") % ", ".join(checks.partner_id.mapped("display_name"))
        self._message_log(body=body)

    def _create_effectiveness_checks(self, partners, rank):
        """A check of each of ``partners`` (consignees, in draw order) and an activity for the
        recall's responsible to make it; ``rank``: {partner: place in the draw}."""
        self.ensure_one()
        if not partners:
            return self.env["lot.recall.effectiveness.check"]
        activity_type = self.env.ref("mail.mail_activity_data_call")
        deadline = activity_type._get_date_deadline()
        if self.completion_estimate_date and self.completion_estimate_date > deadline:
            deadline = self.completion_estimate_date
        responsible = self.user_id or self.env.user
        # Odoo subscribes the assignee of each activity created, once per activity: a follower
        # already is subscribed once.
        self.message_subscribe(partner_ids=responsible.partner_id.ids)
        # One note in the chatter tells of them all: no email per activity.
        activities = (
            self.env["mail.activity"]
            .with_context(mail_activity_quick_update=True)
            .create(
                [
                    {
                        "res_model_id": self.env["ir.model"]._get_id(self._name),
                        "res_id": self.id,
                        "activity_type_id": activity_type.id,
                        "summary": self.env._(
                            "Effectiveness check: %(consignee)s", consignee=partner.display_name
                        ),
                        "note": Markup("<p>%s</p>")
                        % self.env._(
                            "Did %(consignee)s receive the recall notice of %(recall)s and "
                            "follow its instructions? Phone: %(phone)s, email: %(email)s. "
                            "Record the answer on the recall's Effectiveness Checks tab.",
                            consignee=partner.display_name,
                            recall=self.name,
                            phone=partner.phone or partner.mobile or "-",
                            email=partner.email or "-",
                        ),
                        "user_id": responsible.id,
                        "date_deadline": deadline,
                    }
                    for partner in partners
                ]
            )
        )
        notices = {notice.partner_id.commercial_partner_id: notice for notice in self.notice_ids}
        return (
            self.env["lot.recall.effectiveness.check"]
            .sudo()
            .create(
                [
                    {
                        "recall_id": self.id,
                        "partner_id": partner.id,
                        "notice_id": notices[partner].id,
                        "sample_rank": rank[partner],
                        "activity_id": activity.id,
                    }
                    for partner, activity in zip(partners, activities, strict=True)
                ]
            )
            .with_env(self.env)
        )

    def _status_report_attachment_name(self, when):
        """The name of this recall's status report printed at ``when`` (UTC)."""
        self.ensure_one()
        local = fields.Datetime.context_timestamp(self, when)
        return self.env._(
            "Recall Status Report %(recall)s %(date)s.pdf",
            recall=self.name.replace("/", "-"),
            date=local.strftime("%Y-%m-%d %H.%M.%S"),
        )

    def _attach_status_reports(self, pdfs):
        """Attach the status reports just printed, ``pdfs`` ({recall id: PDF bytes}), each to
        its recall: one more of its dated series, logged in its chatter."""
        now = fields.Datetime.now()
        for recall in self:
            attachment = (
                self.env["ir.attachment"]
                .sudo()
                .create(
                    {
                        "name": recall._status_report_attachment_name(now),
                        "raw": pdfs[recall.id],
                        "mimetype": "application/pdf",
                        "res_model": self._name,
                        "res_id": recall.id,
                    }
                )
            )
            recall.sudo().status_report_ids = [fields.Command.link(attachment.id)]
            recall._message_log(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Status report printed by %(user)s: %(name)s",
                    user=self.env.user.name,
                    name=attachment.name,
                ),
                attachment_ids=attachment.ids,
            )

    # -- Cockpit ------------------------------------------------------------------------------

    def _update_ack_progress(self, counts=None):
        """Write the acknowledgment progress of these real recalls from their customers'
        notices (tier 1, one query): none, some or all acknowledged, and when the last one was
        (cleared when a customer is added or notified again). Asked by the code that
        acknowledges or changes notices. Second-tier consignees have their own figures
        (:meth:`_compute_tier_figures`).

        :param counts: {recall id: (notices, acknowledged)} when the caller knows them (a
            first trace): then nothing is read
        """
        if counts is None and self.ids:
            self.env["lot.recall.notice"].flush_model(["recall_id", "state", "tier"])
            counts = {
                recall_id: (total, acknowledged)
                for recall_id, total, acknowledged in self.env.execute_query(
                    SQL(
                        "SELECT recall_id, count(*), count(*) FILTER (WHERE state = 'acknowledged')"
                        " FROM lot_recall_notice WHERE recall_id = ANY(%s) AND tier = 1"
                        " GROUP BY recall_id",
                        list(self.ids),
                    )
                )
            }
        counts = counts or {}
        now = fields.Datetime.now()
        days = {}
        for recall in self:
            total, acknowledged = counts.get(recall.id, (0, 0))
            if not total or recall.is_mock:  # a drill emails no one: nobody to acknowledge
                progress = False
            elif acknowledged == total:
                progress = "done"
            else:
                progress = "partial" if acknowledged else "none"
            values = {
                "ack_progress": progress,
                "full_ack_date": (recall.full_ack_date or now) if progress == "done" else False,
            }
            changed = {fname: value for fname, value in values.items() if recall[fname] != value}
            if changed:
                recall.sudo().write(changed)
            if "full_ack_date" in changed:
                full = changed["full_ack_date"]
                days[recall.id] = full and round(
                    (full - recall.create_date).total_seconds() / 86400, 1
                )
        if days:
            self.flush_model(["days_to_full_ack"])
            self.env.cr.execute(
                SQL(
                    "UPDATE lot_recall recall SET days_to_full_ack = row.days"
                    " FROM unnest(%s::int[], %s::numeric[]) AS row(id, days)"
                    " WHERE recall.id = row.id",
                    list(days),
                    [value if value is not False else None for value in days.values()],
                )
            )
            self.browse(days).invalidate_recordset(["days_to_full_ack"])

    # -- Sub-recall: second-tier consignees -----------------------------------------------------
    # The consignees our customers (tier 1) list on their notice page (lot.recall.consignee),
    # the notices sent to them on the customers' behalf (tier 2) and the effectiveness figures
    # of each tier.
    consignee_ids = fields.One2many(
        "lot.recall.consignee",
        "recall_id",
        string="Second-Tier Consignees",
        readonly=True,
        copy=False,
        help="Whom our customers say they delivered the recalled products to, as they listed "
        "them on their notice page.",
    )
    consignee_notice_ids = fields.One2many(
        "lot.recall.notice",
        "recall_id",
        string="Consignee Notices",
        readonly=True,
        copy=False,
        domain=[("tier", "=", 2)],
    )
    notify_consignees = fields.Boolean(
        related="company_id.recall_notify_consignees", string="Notify Second-Tier Consignees"
    )
    tier1_count = fields.Integer(string="Customers (Tier 1)", compute="_compute_tier_figures")
    tier1_notified_count = fields.Integer(
        string="Customers Notified",
        compute="_compute_tier_figures",
        help="Customers whose notice reached their mail server (or who acknowledged).",
    )
    tier1_acknowledged_count = fields.Integer(
        string="Customers Acknowledged", compute="_compute_tier_figures"
    )
    tier1_quantity = fields.Float(
        string="Quantity at Customers",
        digits="Product Unit of Measure",
        compute="_compute_tier_figures",
        help="Delivered to the customers, less what they returned.",
    )
    tier1_quantity_accounted = fields.Float(
        string="Quantity Accounted (Tier 1)",
        digits="Product Unit of Measure",
        compute="_compute_tier_figures",
        help="Delivered (less returns) to the customers who acknowledged the notice: they told "
        "us what became of it.",
    )
    tier2_count = fields.Integer(string="Consignees (Tier 2)", compute="_compute_tier_figures")
    tier2_notified_count = fields.Integer(
        string="Consignees Notified",
        compute="_compute_tier_figures",
        help="Second-tier consignees whose notice reached their mail server (or who acknowledged).",
    )
    tier2_acknowledged_count = fields.Integer(
        string="Consignees Acknowledged", compute="_compute_tier_figures"
    )
    tier2_quantity = fields.Float(
        string="Quantity Distributed Further",
        digits="Product Unit of Measure",
        compute="_compute_tier_figures",
        help="What the customers said they delivered to their consignees.",
    )
    tier2_quantity_accounted = fields.Float(
        string="Quantity Accounted (Tier 2)",
        digits="Product Unit of Measure",
        compute="_compute_tier_figures",
        help="Delivered by the customers to the consignees who acknowledged their notice.",
    )
    tier2_unreached_count = fields.Integer(
        string="Consignees Not Reached",
        compute="_compute_tier_figures",
        help="Second-tier consignees with an email address whose notice has not reached them: "
        "not sent yet, or failed.",
    )

    @api.depends(
        "notice_ids.state",
        "line_ids.quantity",
        "line_ids.returned_quantity",
        "consignee_ids.state",
        "consignee_ids.quantity",
    )
    def _compute_tier_figures(self):
        """The effectiveness figures per tier of these recalls, in one query: notified,
        acknowledged and the quantity accounted for, of our customers (tier 1: their notices
        and our deliveries to them) and of their consignees (tier 2: as the customers listed
        them and their notices)."""
        self.env["lot.recall.notice"].flush_model(["recall_id", "partner_id", "state", "tier"])
        self.env["lot.recall.line"].flush_model(
            ["recall_id", "partner_id", "quantity", "returned_quantity"]
        )
        self.env["lot.recall.consignee"].flush_model(["recall_id", "email", "quantity", "state"])
        rows = {}
        if self.ids:
            rows = {
                row[0]: row[1:]
                for row in self.env.execute_query(
                    SQL(
                        """
                        SELECT r.id, t1.*, t2.*
                          FROM lot_recall r
                         CROSS JOIN LATERAL (
                               SELECT count(*) AS total,
                                      count(*) FILTER (WHERE n.state IN ('sent', 'acknowledged'))
                                          AS notified,
                                      count(*) FILTER (WHERE n.state = 'acknowledged')
                                          AS acknowledged,
                                      COALESCE(sum(d.quantity), 0) AS quantity,
                                      COALESCE(sum(d.quantity)
                                               FILTER (WHERE n.state = 'acknowledged'), 0)
                                          AS accounted
                                 FROM lot_recall_notice n
                                 LEFT JOIN (
                                       SELECT l.partner_id,
                                              sum(l.quantity - COALESCE(l.returned_quantity, 0))
                                                  AS quantity
                                         FROM lot_recall_line l
                                        WHERE l.recall_id = r.id
                                        GROUP BY l.partner_id
                                 ) d ON d.partner_id = n.partner_id
                                WHERE n.recall_id = r.id AND n.tier = 1
                         ) t1
                         CROSS JOIN LATERAL (
                               SELECT count(*) AS total,
                                      count(*)
                                          FILTER (WHERE c.state IN ('notified', 'acknowledged'))
                                          AS notified,
                                      count(*) FILTER (WHERE c.state = 'acknowledged')
                                          AS acknowledged,
                                      COALESCE(sum(c.quantity), 0) AS quantity,
                                      COALESCE(sum(c.quantity)
                                               FILTER (WHERE c.state = 'acknowledged'), 0)
                                          AS accounted,
                                      count(*) FILTER (WHERE c.state = 'listed'
                                                         AND c.email IS NOT NULL) AS unreached
                                 FROM lot_recall_consignee c
                                WHERE c.recall_id = r.id
                         ) t2
                         WHERE r.id = ANY(%s)
                        """,
                        list(self.ids),
                    )
                )
            }
        for recall in self:
            (
                recall.tier1_count,
                recall.tier1_notified_count,
                recall.tier1_acknowledged_count,
                tier1_quantity,
                tier1_accounted,
                recall.tier2_count,
                recall.tier2_notified_count,
                recall.tier2_acknowledged_count,
                tier2_quantity,
                tier2_accounted,
                recall.tier2_unreached_count,
            ) = rows.get(recall.id, (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
            recall.tier1_quantity = float(tier1_quantity)
            recall.tier1_quantity_accounted = float(tier1_accounted)
            recall.tier2_quantity = float(tier2_quantity)
            recall.tier2_quantity_accounted = float(tier2_accounted)

    def action_notify_consignees(self):
        """Send the notice to the second-tier consignees not reached yet, on behalf of the
        customers who listed them (Recall Managers; the company sends them notices): those
        listed before the setting was on, and those whose notice failed."""
        self._check_recall_manager()
        self._check_real(self.env._("emails anyone"))
        for recall in self:
            if recall.state not in ACTIVE_STATES:
                raise UserError(self.env._("Only a traced or notified recall notifies anyone."))
            if not recall.notify_consignees:
                raise UserError(
                    self.env._(
                        "%(company)s does not send second-tier consignees the notice: turn on "
                        "Notify Second-Tier Consignees in the settings first.",
                        company=recall.company_id.name,
                    )
                )
            recall._lock(nowait=True)
            notices = recall.consignee_ids._notify()
            again = recall.consignee_notice_ids.filtered(
                lambda n: n.state in ("pending", "failed") and not n._is_queued()
            )
            again._queue()
            recall.message_post(
                body=self.env._(
                    "Second-tier consignees: %(count)s notices queued on behalf of the "
                    "customers who listed them.",
                    count=len(notices | again),
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True
