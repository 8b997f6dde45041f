# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
import json
import logging
import time
from datetime import timedelta

from markupsafe import Markup

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, config, format_date
from odoo.tools.pdf import PdfReader, PdfWriter

from ..tools import lock_ids, may_commit, selection_label, short_error, trigger_cron
from .lot_recall import ACTIVE_STATES
from .lot_recall_consignee import ConsigneeRowsError

_logger = logging.getLogger(__name__)

# Notices whose emails are prepared, and whose PDFs are rendered in one wkhtmltopdf run, at a
# time: 100 notices render in about 1 s, and their emails go before the next batch is prepared.
NOTICE_BATCH = 100

ACK_ACTIONS = [
    ("destroyed", "Destroyed"),
    ("returning", "Returning to us"),
    ("quarantined", "Quarantined, awaiting instructions"),
    ("none_left", "None left"),
]


def _page_links(page):
    """The URIs a PDF page links to, as one string."""
    uris = []
    for annotation in page.get("/Annots") or []:
        action = annotation.get_object().get("/A") or {}
        uris.append(str(action.get("/URI", "")))
    return " ".join(uris)


class LotRecallNotice(models.Model):
    """The recall notice of one customer (commercial partner) for one recall."""

    _name = "lot.recall.notice"
    _description = "Recall Customer Notice"
    _inherit = ["portal.mixin", "mail.thread"]
    _order = "recall_id desc, state, partner_id"
    _rec_name = "partner_id"
    # Users read notices and may log notes on them; every field is written by the recall's code.
    _mail_post_access = "read"

    # recall_id is the first column of the unique index below, which serves lookups by
    # recall: each index is one more entry written for each of the thousands of rows of a
    # wide recall. The company is the recall's, read from it (not one more foreign key
    # checked for each of those rows: 19 ms of the hot lot's 5,221 notices).
    recall_id = fields.Many2one("lot.recall", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="recall_id.company_id")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="restrict"
    )
    recipient_id = fields.Many2one(
        "res.partner",
        help="The customer's contact flagged for recalls, otherwise the customer itself.",
    )
    email = fields.Char(help="Address the notice was (or will be) sent to.")
    state = fields.Selection(
        [
            ("pending", "Pending"),
            ("sent", "Sent"),
            ("failed", "Failed"),
            ("acknowledged", "Acknowledged"),
        ],
        default="pending",
        required=True,
        tracking=True,
        index=True,
    )
    failure_kind = fields.Selection(
        [("customer", "Call the customer"), ("server", "Our mail server")],
        readonly=True,
        help="Why the notice could not be emailed: the customer's address (call them), or our own "
        "mail server (fix it, then send again).",
    )
    failure_reason = fields.Char(readonly=True)
    mail_id = fields.Many2one(
        "mail.mail", string="Queued Email", readonly=True, index="btree_not_null"
    )
    queued = fields.Boolean(
        readonly=True,
        copy=False,
        index=True,
        help="Waiting to be emailed: its email is prepared and sent, with its PDF, in batches "
        "by the mail queue.",
    )
    sent_date = fields.Datetime(readonly=True)
    reminder_count = fields.Integer(readonly=True)
    ack_date = fields.Datetime(string="Acknowledged On", readonly=True)
    ack_quantity_on_hand = fields.Float(
        string="Reported Quantity On Hand", digits="Product Unit of Measure", readonly=True
    )
    ack_action = fields.Selection(ACK_ACTIONS, string="Action Taken", readonly=True)
    ack_note = fields.Text(string="Customer Note", readonly=True)
    ack_ids = fields.One2many(
        "lot.recall.acknowledgment",
        "notice_id",
        string="Acknowledgments",
        readonly=True,
        help="Every acknowledgment of this notice, first and later ones, as recorded.",
    )
    # Escalation: a "Call Customer" activity of the recall's responsible, once per notice.
    call_activity_id = fields.Many2one(
        "mail.activity",
        string="Open Call",
        readonly=True,
        copy=False,
        ondelete="set null",
        index="btree_not_null",
        help="The Call Customer activity of the recall's responsible about this customer, while "
        "it is open: it closes itself when the customer acknowledges.",
    )
    call_date = fields.Datetime(
        string="Call Scheduled On",
        readonly=True,
        copy=False,
        help="When the customer was escalated to a phone call: no or a bad email address, or "
        "no acknowledgment after the last reminder. Once per notice.",
    )
    line_ids = fields.Many2many("lot.recall.line", string="Deliveries", compute="_compute_line_ids")
    quantity_delivered = fields.Float(digits="Product Unit of Measure", compute="_compute_line_ids")
    # Sub-recall: tier 1 is a customer we delivered; tier 2 a consignee a customer (the parent
    # notice's) listed on its notice page, sent the notice on the customer's behalf.
    tier = fields.Integer(
        default=1,
        required=True,
        readonly=True,
        help="1: a customer we delivered. 2: a consignee of one of our customers, notified on "
        "the customer's behalf.",
    )
    parent_notice_id = fields.Many2one(
        "lot.recall.notice",
        string="On Behalf Of",
        readonly=True,
        ondelete="restrict",
        index="btree_not_null",
        help="Tier 2: the notice of the customer who listed this consignee.",
    )
    consignee_ids = fields.One2many(
        "lot.recall.consignee",
        "notice_id",
        string="Second-Tier Consignees",
        readonly=True,
        help="The consignees this customer said it delivered the products to.",
    )
    notified_consignee_ids = fields.One2many(
        "lot.recall.consignee",
        "consignee_notice_id",
        string="Listed As",
        readonly=True,
        help="Tier 2: the customers' rows this notice was sent for (what they said they "
        "delivered to this consignee).",
    )

    _sql_constraints = [
        (
            "recall_partner_uniq",
            "unique(recall_id, partner_id, tier)",
            "A customer gets one notice per recall (and a second-tier consignee one more).",
        ),
    ]

    @api.depends("recall_id.line_ids", "partner_id", "tier", "notified_consignee_ids.quantity")
    def _compute_line_ids(self):
        # Group each recall's lines once: filtering them per notice is quadratic.
        empty = self.env["lot.recall.line"]
        by_recall = {recall: recall.line_ids.grouped("partner_id") for recall in self.recall_id}
        for notice in self:
            if notice.tier != 1:
                # We delivered a second-tier consignee nothing: what the customer said.
                notice.line_ids = empty
                notice.quantity_delivered = sum(notice.notified_consignee_ids.mapped("quantity"))
                continue
            lines = by_recall.get(notice.recall_id, {}).get(notice.partner_id, empty)
            notice.line_ids = lines
            notice.quantity_delivered = sum(lines.mapped("net_quantity"))

    def _compute_access_url(self):
        for notice in self:
            notice.access_url = f"/lot_recall/notice/{notice.id}"

    def unlink(self):
        # Checked before mail.thread's unlink, which deletes the record's messages and with
        # them its queued email (mail.mail inherits mail.message), clearing mail_id.
        self._check_unlink_never_sent()
        return super().unlink()

    def _check_unlink_never_sent(self):
        """A notice once sent or acknowledged is evidence: never deleted, by anyone."""
        kept = self.filtered(
            lambda n: n.state in ("sent", "acknowledged") or n.queued or n.mail_id or n.ack_ids
        )
        if kept:
            raise UserError(
                self.env._(
                    "The recall notices of %(customers)s were sent: they are kept as evidence.",
                    customers=", ".join(kept.partner_id.mapped("display_name")),
                )
            )

    def action_record_acknowledgment(self):
        """Record an acknowledgment the customer gave by phone, email, letter or visit."""
        self.ensure_one()
        self.check_access("read")
        self.recall_id._check_open(self.env._("acknowledged"))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Record Acknowledgment"),
            "res_model": "lot.recall.ack.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_notice_id": self.id},
        }

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._(
            "Recall Notice %(recall)s - %(customer)s",
            recall=self.recall_id.name,
            customer=self.partner_id.name,
        )

    def _find_recipient(self):
        """The contact flagged for recalls with an email, else the commercial partner."""
        self.ensure_one()
        contacts = self.partner_id.child_ids.filtered(
            lambda contact: contact.recall_contact and contact.email
        )
        return contacts[:1] or self.partner_id

    def _queue(self):
        """Put these notices in the send queue; never sends twice.

        Notices without an email address fail at once with a reason, to be called instead. The
        others get their recipient, address and portal token in one UPDATE and are flagged
        ``queued``: their emails are prepared and sent, each with its PDF notice, in batches
        (``_send_queued``), by the mail queue or by the deployment's job workers
        (``_dispatch_queued``), so that a click queueing thousands of notices stays fast and
        the first emails go within seconds.
        """
        recipients = {notice.id: notice._find_recipient() for notice in self}
        no_email = self.filtered(lambda notice: not recipients[notice.id].email)
        for notice in no_email:
            notice.sudo().write(
                {
                    "recipient_id": recipients[notice.id].id,
                    "email": False,
                    "state": "failed",
                    "failure_kind": "customer",
                    "failure_reason": self.env._("No email address: call the customer."),
                }
            )
        no_email._schedule_calls()
        to_queue = self - no_email
        if not to_queue:
            return
        self.env["lot.recall.notice"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                UPDATE lot_recall_notice notice
                   SET recipient_id = row.recipient_id, email = row.email, queued = TRUE,
                       failure_kind = NULL, failure_reason = NULL,
                       access_token = COALESCE(notice.access_token, gen_random_uuid()::varchar),
                       write_uid = %(uid)s, write_date = %(now)s
                  FROM jsonb_to_recordset(%(rows)s) AS row(id int, recipient_id int, email varchar)
                 WHERE notice.id = row.id
                """,
                uid=self.env.uid,
                now=fields.Datetime.now(),
                rows=json.dumps(
                    [
                        {
                            "id": notice.id,
                            "recipient_id": recipients[notice.id].id,
                            "email": recipients[notice.id].email,
                        }
                        for notice in to_queue
                    ]
                ),
            )
        )
        to_queue.invalidate_recordset()
        to_queue._dispatch_queued()

    def _dispatch_queued(self):
        """Have these queued notices sent: by the mail queue, whose next run is triggered now
        (``lot_recall_queue`` sends them through job workers instead)."""
        trigger_cron(self.env, "mail.ir_cron_mail_scheduler_action")

    @api.model
    def _send_queued(self, deadline):
        """Send the queued notices, a batch at a time, until ``deadline`` (a ``time.time()``):
        run by the mail queue. What is left is handed over to its next run, triggered at once.

        The PDFs of a batch are rendered by wkhtmltopdf in a process of its own while the emails
        of the batch before are sent (a second core does it meanwhile): the next batch is taken
        and its emails prepared before the current one is sent, and their PDFs are attached
        once it is (committed in between, their emails wait without a PDF: whoever sends one
        renders it then).
        """
        auto_commit = may_commit()
        taken = self.browse()
        ready = self.env["mail.mail"]  # the emails of the batch before, with their PDFs
        while True:
            batch = self.sudo().search(
                [("queued", "=", True), ("id", "not in", taken.ids)],
                limit=NOTICE_BATCH,
                order="id",
            )
            if batch and time.time() > deadline:
                trigger_cron(self.env, "mail.ir_cron_mail_scheduler_action")
                batch = self.browse()
            if not batch:
                ready.send(auto_commit=auto_commit)
                return
            taken |= batch
            left, mails, rendering = batch._prepare_batch()
            if left:
                # Some were being written by someone else: the next run takes them.
                trigger_cron(self.env, "mail.ir_cron_mail_scheduler_action")
            try:
                ready.send(auto_commit=auto_commit)
                mails._lot_recall_attach_pdfs(rendering)
            finally:
                if rendering:
                    rendering[1].cancel()
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
            ready = mails

    def _send_batch(self, auto_commit=False):
        """Prepare and send the emails of these queued notices: one email each from the notice
        template, their PDFs rendered in one wkhtmltopdf run, then sent one by one.

        Safe to run again, and concurrently (job workers, the mail queue): a notice is taken
        under a row lock, an email is sent under its own (``mail.mail._send``), and a notice
        that already has its email waiting is not given a second one.

        :return: the notices of these that are still queued and could not be taken now (locked
            or changed by another transaction since this one started): to be sent later
        """
        left, mails, rendering = self._prepare_batch()
        mails._lot_recall_attach_pdfs(rendering)
        if auto_commit:
            # The emails and their PDFs exist before the first one goes: after a crash, the
            # accepted ones are found again (lot.recall.accepted.mail), not prepared anew.
            self.env.cr.commit()  # pylint: disable=invalid-commit
        mails.send(auto_commit=auto_commit)
        return left

    def _prepare_batch(self):
        """Take these queued notices that no one else is sending (under row locks), prepare
        their emails, and start rendering their PDFs in one wkhtmltopdf run of its own.

        :return: ``(left, mails, rendering)``: the notices still queued that could not be taken
            now, the emails to send (those prepared before included), and the PDF run started
            (``mail.mail._lot_recall_start_render``: give it to ``_lot_recall_attach_pdfs``)
        """
        notices = self.sudo()._lock_queued()
        left = (self - notices).sudo().filtered("queued")
        if not notices:
            return left, self.env["mail.mail"].sudo(), None
        to_prepare = notices.filtered(lambda notice: notice.mail_id.state != "outgoing")
        mails = to_prepare._prepare_mails() | (notices - to_prepare).mail_id
        return left, mails, mails._lot_recall_start_render()

    def _lock_queued(self):
        """These notices, still queued, that no one else is sending: locked until the end of
        the transaction. A notice changed by another transaction since this one started (an
        acknowledgment, a reminder) cannot be locked by it: left out, the others are taken."""
        self.flush_recordset()
        ids = lock_ids(self, SQL("queued"))
        self.invalidate_recordset()
        return self.browse(ids)

    def _prepare_mails(self):
        """The emails of these notices from the notice template, in one batch; a notice whose
        email cannot be prepared fails alone, with the reason."""
        if not self:
            return self.env["mail.mail"].sudo()
        # A previous email that failed stays as history, no longer to be sent again by hand.
        self.mail_id.filtered(lambda mail: mail.state == "exception").write({"state": "cancel"})
        template = self.env.ref("lot_recall.mail_template_recall_notice").sudo()
        try:
            with self.env.cr.savepoint():
                mails = template.send_mail_batch(self.ids)
        except MemoryError:
            raise
        except Exception as error:  # any failure: one at a time, so that a bad one fails alone
            mails = self.env["mail.mail"].sudo()
            if len(self) == 1:
                self._fail_preparation(error)
                return mails
            for notice in self:
                try:
                    with self.env.cr.savepoint():
                        mails |= template.send_mail_batch(notice.ids)
                except MemoryError:
                    raise
                except Exception as error:
                    notice._fail_preparation(error)
            if not mails:
                return mails
        self.env.cr.execute(
            SQL(
                "UPDATE lot_recall_notice notice SET mail_id = row.mail_id"
                " FROM unnest(%s, %s) AS row(id, mail_id) WHERE notice.id = row.id",
                mails.mapped("res_id"),
                mails.ids,
            )
        )
        prepared = self.browse(mails.mapped("res_id"))
        prepared.invalidate_recordset(["mail_id"])
        prepared._message_log_batch(
            bodies={
                notice.id: self.env._(
                    "Recall notice %(recall)s queued for %(email)s.",
                    recall=notice.recall_id.name,
                    email=notice.email,
                )
                for notice in prepared
            }
        )
        return mails

    def _fail_preparation(self, error):
        _logger.warning("Recall notice %s: its email could not be prepared", self.id, exc_info=True)
        self._record_result(
            failure_kind="server",
            failure_reason=self.env._(
                "The email of this notice could not be prepared: %(error)s. Send again once fixed.",
                error=short_error(error),
            ),
        )

    def _renotify(self, new_lines):
        """These customers were notified, then a re-trace found deliveries to them that their
        notice did not list: back to pending, so the next sending tells them; history kept."""
        # An email prepared before this trace, still waiting, lists the old deliveries: it is
        # cancelled; a notice still queued gets a new one.
        self.sudo().mail_id.filtered(lambda mail: mail.state == "outgoing").write(
            {"state": "cancel"}
        )
        for notice in self:
            lines = new_lines.filtered(
                lambda line, notice=notice: line.partner_id == notice.partner_id
            )
            notice.sudo().write(
                {"state": "pending", "failure_kind": False, "failure_reason": False}
            )
            notice.message_post(
                body=self.env._(
                    "New deliveries found by a later trace (%(deliveries)s): the customer will "
                    "be notified again.",
                    deliveries=", ".join(
                        sorted(set(lines.mapped(lambda line: line.picking_id.name or "-")))
                    ),
                ),
                subtype_xmlid="mail.mt_note",
            )

    @api.model
    def _cron_send_reminders(self):
        """Re-send the notice to customers who have not acknowledged it after the company's
        reminder delay, at most the company's number of reminders; once the delay passed
        after the last one, give the recall's responsible a *Call Customer* activity."""
        now = fields.Datetime.now()
        notices = self.search(
            [
                ("recall_id.state", "=", "notified"),
                ("recall_id.is_mock", "=", False),
                ("state", "=", "sent"),
            ]
        )
        for company, company_notices in notices.grouped("company_id").items():
            delay = company.recall_reminder_days
            if not delay:
                continue
            due = company_notices.filtered(
                lambda n, company=company, delay=delay: (
                    n.reminder_count < company.recall_reminder_max
                    and n.sent_date
                    and n.sent_date <= now - timedelta(days=delay)
                    and not n._is_queued()
                )
            )
            due._queue()
            for notice in due:
                notice.sudo().reminder_count += 1
            # After the last reminder, the delay passed again: the responsible calls them.
            company_notices.filtered(
                lambda n, company=company, delay=delay: (
                    n.reminder_count >= company.recall_reminder_max
                    and not n.call_date
                    and n.sent_date
                    and n.sent_date <= now - timedelta(days=delay)
                    and not n._is_queued()
                )
            )._schedule_calls()

    def _render_pdfs(self):
        """The PDF notice of each of these notices: {notice id: PDF bytes}, one wkhtmltopdf run
        per notice (a notice that cannot be rendered raises)."""
        reports = self.env["ir.actions.report"].sudo()
        report_name = self.env.ref("lot_recall.action_report_recall_notice").report_name
        return {notice.id: reports._render_qweb_pdf(report_name, notice.ids)[0] for notice in self}

    def _render_pdf_batch(self):
        """The PDF notices of these notices rendered in ONE wkhtmltopdf run, then split into one
        PDF per notice: {notice id: PDF bytes} (see ``_start_pdf_batch``)."""
        return self._split_pdf_batch(self._start_pdf_batch().result())

    def _start_pdf_batch(self):
        """Start rendering the PDF notices of these notices in ONE wkhtmltopdf run, in a process
        of its own: Odoo's ``_render_qweb_pdf`` up to its wkhtmltopdf run (the same HTML, the
        same command), which is left running while this process goes on, and without the merge
        and split of its result by Odoo (``_split_pdf_batch`` splits it).

        :return: the run (``ir_actions_report.WkhtmltopdfRun``): its ``result()`` is the PDF of
            the batch, to give to ``_split_pdf_batch``
        :raise ValueError: when Odoo would render HTML instead (in tests, unless
            ``force_report_rendering``), so that the caller renders the notices one at a time
        """
        if (config["test_enable"] or config["test_file"]) and not self.env.context.get(
            "force_report_rendering"
        ):
            raise ValueError("The notices would be rendered as HTML, not as a PDF")
        reports = self.env["ir.actions.report"].sudo()
        if reports.get_wkhtmltopdf_state() == "install":
            raise UserError(
                self.env._("Unable to find Wkhtmltopdf on this system. The PDF can not be created.")
            )
        report = self.env.ref("lot_recall.action_report_recall_notice").sudo()
        # As Odoo does: no debug mode (one assets bundle), WebP images as JPEG.
        reports = reports.with_context(debug=False, webp_as_jpg=True)
        html = reports._render_qweb_html(report.id, self.ids, data={"report_type": "pdf"})[0]
        bodies, _ids, header, footer, paperformat_args = report.with_context(
            debug=False
        )._prepare_html(html, report_model=report.model)
        return reports._lot_recall_start_wkhtmltopdf(
            bodies,
            report_ref=report.id,
            header=header,
            footer=footer,
            landscape=self.env.context.get("landscape"),
            specific_paperformat_args=paperformat_args,
            set_viewport_size=self.env.context.get("set_viewport_size"),
        )

    def _split_pdf_batch(self, pdf):
        """Split ``pdf``, these notices printed one after the other in one run, into one PDF per
        notice: {notice id: PDF bytes}.

        The report prints each notice on new pages, each ending with its own acknowledgment link
        (``/lot_recall/notice/<id>?``), which wkhtmltopdf writes as a link annotation of its
        page: a notice's pages are those up to the page linking to it (reading annotations is
        cheap; extracting the text of the pages is not). Odoo's own split reads PDF outlines,
        which unpatched wkhtmltopdf does not write. Raises ``ValueError`` when the pages cannot
        be told apart, so that the caller renders the notices one at a time.
        """
        reader = PdfReader(io.BytesIO(pdf), strict=False)
        pdfs, pages, remaining = {}, [], list(self.ids)
        for page in reader.pages:
            pages.append(page)
            if remaining and f"/lot_recall/notice/{remaining[0]}?" in _page_links(page):
                writer = PdfWriter()
                for notice_page in pages:
                    writer.add_page(notice_page)
                stream = io.BytesIO()
                writer.write(stream)
                pdfs[remaining.pop(0)] = stream.getvalue()
                pages = []
        if remaining or pages:
            raise ValueError(f"{len(remaining)} notices not found in the batch PDF")
        return pdfs

    def _is_queued(self):
        """Waiting in the send queue (its email prepared or not yet)."""
        self.ensure_one()
        return self.queued or self.sudo().mail_id.state == "outgoing"

    def _on_mail_result(self, mail, failure_kind=False, failure_reason=False):
        """Record what became of our email ``mail`` once the mail queue tried to send it.

        :param failure_kind: ``False`` when the SMTP server accepted the email, else
            ``"customer"`` (no or bad address: call them) or ``"server"`` (our side: retry)
        :param failure_reason: the reason in words a recall manager understands
        """
        self.filtered(lambda n: n.mail_id == mail)._record_result(failure_kind, failure_reason)

    def _record_result(self, failure_kind=False, failure_reason=False):
        """These notices left the send queue: sent, or failed with ``failure_reason``."""
        for notice in self:
            if failure_kind:
                values = {
                    "state": "failed",
                    "failure_kind": failure_kind,
                    "failure_reason": failure_reason,
                }
            elif notice.state != "acknowledged":
                values = {
                    "state": "sent",
                    "sent_date": fields.Datetime.now(),
                    "failure_kind": False,
                    "failure_reason": False,
                }
            else:
                values = {}
            # Sent: the email itself is in the notice's chatter, no tracking message besides.
            notice.sudo().with_context(mail_notrack=not failure_kind).write(
                {"queued": False, **values}
            )
        if failure_kind == "customer":
            self._schedule_calls()

    def _acknowledge(self, quantity_on_hand, action, note, channel="portal", author=None):
        """Record an acknowledgment of this notice: by the customer on the notice page
        (``channel="portal"``) or recorded by staff from a call, email, letter or visit.

        Each acknowledgment is kept as a history row; the notice shows the latest.

        :param author: the partner who answered (the customer for the portal; defaults to the
            notice's customer)
        """
        self.ensure_one()
        previous = self.ack_ids
        ack = (
            self.env["lot.recall.acknowledgment"]
            .sudo()
            .create(
                {
                    "notice_id": self.id,
                    "channel": channel,
                    "quantity_on_hand": quantity_on_hand,
                    "action": action,
                    "note": note or False,
                    "recorded_by_id": False if channel == "portal" else self.env.user.id,
                }
            )
        )
        self.sudo().write(
            {
                "state": "acknowledged",
                "ack_date": ack.date,
                "ack_quantity_on_hand": quantity_on_hand,
                "ack_action": action,
                "ack_note": note or False,
            }
        )
        author = author or self.partner_id
        action_label = selection_label(ack, "action")
        channel_label = selection_label(ack, "channel")
        if channel == "portal":
            headline = (
                self.env._("Acknowledgment updated by the customer.")
                if previous
                else self.env._("Acknowledged by the customer.")
            )
        else:
            headline = self.env._(
                "Acknowledgment by %(channel)s recorded by %(user)s.",
                channel=channel_label,
                user=self.env.user.name,
            )
        body = Markup("<p>%s</p><ul><li>%s</li><li>%s</li>%s</ul>") % (
            headline,
            self.env._("Quantity still on hand: %(qty)s", qty=quantity_on_hand),
            self.env._("Action taken: %(action)s", action=action_label),
            Markup("<li>%s</li>") % note if note else "",
        )
        self.sudo().message_post(body=body, subtype_xmlid="mail.mt_note", author_id=author.id)
        self._close_calls(
            self.env._(
                "%(customer)s acknowledged (%(channel)s).",
                customer=self.partner_id.display_name,
                channel=channel_label,
            )
        )
        self.recall_id._update_ack_progress()
        return ack

    # -- Sub-recall: the customer's own consignees ---------------------------------------------

    def _recalled_lots(self):
        """The recalled lots this notice is about: the lots we delivered the customer, or for
        a second-tier consignee those of the customer who listed it."""
        self.ensure_one()
        return (self.parent_notice_id if self.tier != 1 else self).line_ids.lot_id

    def _report_consignees(self, rows, source, filename=False):
        """Record the consignees this customer says it delivered the recalled products to
        (21 CFR 7.49(a)(3)): ``rows`` as ``[(row number, {column: raw value})]``, typed on the
        notice page or read from its file. Every row is checked first; any problem raises
        :class:`ConsigneeRowsError` with every row's message, and nothing is saved. When the
        company sends second-tier consignees the notice, those with an email address get it.

        Called by the notice page once the notice's token was checked: the customer's own
        list, written with sudo (nobody else writes consignees).
        """
        self.ensure_one()
        Consignee = self.env["lot.recall.consignee"]
        if self.tier != 1:
            raise UserError(self.env._("Only our customers list their consignees."))
        if self.recall_id.state not in ACTIVE_STATES:
            raise ConsigneeRowsError(
                [
                    self.env._(
                        "This recall is %(state)s: contact %(company)s about your consignees.",
                        state=selection_label(self.recall_id, "state"),
                        company=self.company_id.name,
                    )
                ]
            )
        vals_list = Consignee._check_rows(rows)
        consignees = Consignee.sudo().create(
            [
                {
                    **vals,
                    "recall_id": self.recall_id.id,
                    "notice_id": self.id,
                    "source": source,
                    "source_file": filename or False,
                }
                for vals in vals_list
            ]
        )
        names = Markup("").join(
            Markup("<li>%s</li>")
            % self.env._(
                "%(name)s (%(country)s): %(quantity)s on %(date)s",
                name=consignee.name,
                country=consignee.country_id.name or "-",
                quantity=consignee.quantity,
                date=format_date(self.env, consignee.date),
            )
            for consignee in consignees
        )
        self.sudo().message_post(
            body=Markup("<p>%s</p><ul>%s</ul>")
            % (
                self.env._(
                    "The customer listed %(count)s second-tier consignees (%(origin)s).",
                    count=len(consignees),
                    origin=filename or selection_label(consignees[:1], "source"),
                ),
                names,
            ),
            subtype_xmlid="mail.mt_note",
            author_id=self.partner_id.id,
        )
        if self.company_id.recall_notify_consignees:
            consignees._notify()
        return consignees

    # -- Escalation ---------------------------------------------------------------------------

    def _schedule_calls(self):
        """Give the recall's responsible a *Call Customer* activity for each of these notices
        not acknowledged and never escalated, with the customer's phone numbers and why: no
        or a bad email address, or no acknowledgment after the last reminder. The activities
        are created in one batch, without an assignment email each (they are in the
        responsible's activities and on the recall's cockpit card), and linked to their
        notices in one UPDATE."""
        notices = self.filtered(lambda n: not n.call_date and n.state != "acknowledged")
        if not notices:
            return
        activity_type = self.env.ref("lot_recall.mail_activity_type_call_customer")
        model_id = self.env["ir.model"]._get_id("lot.recall")
        today = fields.Date.context_today(self)
        activities = (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
            .create(
                [
                    {
                        "res_model_id": model_id,
                        "res_id": notice.recall_id.id,
                        "activity_type_id": activity_type.id,
                        "user_id": (notice.recall_id.user_id or notice.recall_id.create_uid).id,
                        "date_deadline": today,
                        "summary": self.env._(
                            "Call %(customer)s", customer=notice.partner_id.display_name
                        ),
                        "note": notice._call_note(),
                    }
                    for notice in notices
                ]
            )
        )
        self.env.cr.execute(
            SQL(
                "UPDATE lot_recall_notice notice SET call_activity_id = row.activity_id,"
                " call_date = %s FROM unnest(%s, %s) AS row(id, activity_id)"
                " WHERE notice.id = row.id",
                fields.Datetime.now(),
                notices.ids,
                activities.ids,
            )
        )
        notices.invalidate_recordset(["call_activity_id", "call_date"])
        notices.modified(["call_activity_id", "call_date"])

    def _call_note(self):
        """The note of this notice's *Call Customer* activity: why, and the phone numbers of
        the customer and of its recall contact."""
        self.ensure_one()
        if self.state == "failed":
            why = self.failure_reason or self.env._("The notice could not be emailed.")
        else:
            why = self.env._(
                "No acknowledgment after %(count)s reminders (last email on %(date)s).",
                count=self.reminder_count,
                date=format_date(self.env, self.sent_date),
            )
        numbers = Markup()
        for contact in (self.recipient_id | self.partner_id).sudo():
            for number in dict.fromkeys(filter(None, (contact.phone, contact.mobile))):
                numbers += Markup('<li>%s: <a href="tel:%s">%s</a></li>') % (
                    contact.display_name,
                    number,
                    number,
                )
        if not numbers:
            numbers = Markup("<li>%s</li>") % self.env._(
                "No phone number on file for %(customer)s.",
                customer=self.partner_id.display_name,
            )
        if self.tier != 1:
            # A second-tier consignee: the customer who listed it knows how to reach it.
            customer = self.parent_notice_id.partner_id
            why += " " + self.env._(
                "A consignee of %(customer)s (second tier), who listed it.",
                customer=customer.display_name,
            )
            for number in dict.fromkeys(filter(None, (customer.phone, customer.mobile))):
                numbers += Markup('<li>%s: <a href="tel:%s">%s</a></li>') % (
                    customer.display_name,
                    number,
                    number,
                )
        return Markup("<p>%s</p><p>%s</p><ul>%s</ul>") % (
            self.env._(
                "Recall %(recall)s: %(customer)s has not acknowledged the notice.",
                recall=self.recall_id.name,
                customer=self.partner_id.display_name,
            ),
            why,
            numbers,
        )

    def _close_calls(self, feedback):
        """Mark done the open *Call Customer* activities of these notices, with ``feedback``:
        the customer acknowledged. Marked by OdooBot when the customer answered on the
        notice page."""
        activities = self.sudo().call_activity_id
        if not activities:
            return
        if self.env.user._is_public():
            activities = activities.with_user(SUPERUSER_ID)
        activities.action_feedback(feedback=feedback)
        # The links were cleared by the database (ON DELETE SET NULL).
        self.invalidate_recordset(["call_activity_id"])
        self.modified(["call_activity_id"])
