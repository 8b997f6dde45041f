# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
import json
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.pdf import PdfReader, PdfWriter

from ..tools import selection_label

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

    recall_id = fields.Many2one("lot.recall", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="recall_id.company_id", store=True, index=True)
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
    line_ids = fields.Many2many("lot.recall.line", string="Deliveries", compute="_compute_line_ids")
    quantity_delivered = fields.Float(digits="Product Unit of Measure", compute="_compute_line_ids")

    _sql_constraints = [
        (
            "recall_partner_uniq",
            "unique(recall_id, partner_id)",
            "A customer gets one notice per recall.",
        ),
    ]

    @api.depends("recall_id.line_ids", "partner_id")
    def _compute_line_ids(self):
        # Group each recall's lines once: filtering them per notice is quadratic.
        empty = self.env["lot.recall.line"]
        by_recall = {recall: recall.line_ids.grouped("partner_id") for recall in self.recall_id}
        for notice in self:
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
            lambda n: n.state in ("sent", "acknowledged") or n.mail_id or n.ack_ids
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

    def _queue(self, template):
        """Queue these notices' emails in the mail queue, in one batch; never sends twice.

        Notices without an email address fail at once with a reason, to be called instead.
        The PDF notice is rendered when the queue sends the email (``mail.mail._send``), so
        queueing thousands of notices stays fast.
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
        to_queue = self - no_email
        if not to_queue:
            return
        # Thousands of notices: their recipient, address and portal token in one UPDATE.
        self.env["lot.recall.notice"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                UPDATE lot_recall_notice notice
                   SET recipient_id = row.recipient_id, email = row.email,
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
        mails = template.sudo().send_mail_batch(to_queue.ids)
        self.env.cr.execute(
            SQL(
                "UPDATE lot_recall_notice notice SET mail_id = row.mail_id"
                " FROM unnest(%s, %s) AS row(id, mail_id) WHERE notice.id = row.id",
                mails.mapped("res_id"),
                mails.ids,
            )
        )
        to_queue.invalidate_recordset(["mail_id"])
        to_queue._message_log_batch(
            bodies={
                notice.id: self.env._(
                    "Recall notice %(recall)s queued for %(email)s.",
                    recall=notice.recall_id.name,
                    email=recipients[notice.id].email,
                )
                for notice in to_queue
            }
        )

    def _renotify(self, new_lines):
        """These customers were notified, then a re-trace found deliveries to them that their
        notice did not list: back to pending, so the next sending tells them; history kept."""
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
        reminder delay, at most the company's number of reminders."""
        template = self.env.ref("lot_recall.mail_template_recall_notice")
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
                )
            )
            for notice in due:
                notice._queue(template)
                notice.sudo().reminder_count += 1

    def _render_pdfs(self):
        """The PDF notice of each of these notices: {notice id: PDF bytes}, one wkhtmltopdf run
        per notice (a notice that cannot be rendered raises)."""
        reports = self.env["ir.actions.report"].sudo()
        report_name = self.env.ref("lot_recall.action_report_recall_notice").report_name
        return {notice.id: reports._render_qweb_pdf(report_name, notice.ids)[0] for notice in self}

    def _render_pdf_batch(self):
        """The PDF notices of these notices rendered in ONE wkhtmltopdf run, then split into one
        PDF per notice: {notice id: PDF bytes}.

        The report prints the notices one after the other in a single document (Debian's
        wkhtmltopdf takes one input document), each on new pages and each ending with its own
        acknowledgment link (``/lot_recall/notice/<id>?``), which wkhtmltopdf writes as a link
        annotation of its page: a notice's pages are those up to the page linking to it (reading
        annotations is cheap; extracting the text of the pages is not). Odoo's own split reads
        PDF outlines, which unpatched wkhtmltopdf does not write. Raises ``ValueError`` when the
        pages cannot be told apart, so that the caller renders the notices one at a time.
        """
        reports = self.env["ir.actions.report"].sudo()
        report_name = self.env.ref("lot_recall.action_report_recall_notice").report_name
        content = reports._render_qweb_pdf(report_name, self.ids)[0]
        reader = PdfReader(io.BytesIO(content), strict=False)
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
        self.ensure_one()
        return self.sudo().mail_id.state == "outgoing"

    def _on_mail_result(self, mail, failure_kind=False, failure_reason=False):
        """Record what became of our email ``mail`` once the mail queue tried to send it.

        :param failure_kind: ``False`` when the SMTP server accepted the email, else
            ``"customer"`` (no or bad address: call them) or ``"server"`` (our side: retry)
        :param failure_reason: the reason in words a recall manager understands
        """
        for notice in self.filtered(lambda n: n.mail_id == mail):
            if failure_kind:
                notice.sudo().write(
                    {
                        "state": "failed",
                        "failure_kind": failure_kind,
                        "failure_reason": failure_reason,
                    }
                )
            elif notice.state != "acknowledged":
                notice.sudo().write(
                    {
                        "state": "sent",
                        "sent_date": fields.Datetime.now(),
                        "failure_kind": False,
                        "failure_reason": False,
                    }
                )

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
        return ack
