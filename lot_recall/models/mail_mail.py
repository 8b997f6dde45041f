# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import ast
import contextlib
import logging
import re
import smtplib
import threading
import time

from odoo import api, fields, models, tools
from odoo.tools import SQL, config, split_every

from ..tools import lock_ids, short_error, trigger_cron

_logger = logging.getLogger(__name__)

NOTICE_MODEL = "lot.recall.notice"
# Notices whose PDFs are rendered in one wkhtmltopdf run, and whose emails are committed
# together: 100 simple notices render in about 1 s (a run costs about 0.25 s more than its pages).
NOTICE_PDF_BATCH = 100
# Seconds one run of the mail queue spends on recall notices before it hands the rest over to
# its next run (triggered at once).
NOTICE_SEND_SECONDS = 60


def _send_deadline():
    """When this thread stops sending recall notices: a worker or cron thread is stopped once
    it has run ``limit_time_real`` seconds (120 by default) since it took up its current work
    (a cron thread: all the jobs due, the mail queue's batches included), so notices go until
    half of it, ``NOTICE_SEND_SECONDS`` at most; the rest is left to the next run."""
    limit = config.get("limit_time_real_cron") or -1
    if limit <= 0:
        limit = config.get("limit_time_real") or 120
    started = getattr(threading.current_thread(), "start_time", None) or time.time()
    return min(started + limit / 2, time.time() + NOTICE_SEND_SECONDS)


def _log_batch_failure(notices):
    """Log (with the exception being handled) that the PDFs of ``notices`` could not be rendered
    in one run: they are rendered one at a time instead."""
    _logger.info(
        "Recall notices %s: batch PDF failed, rendering one at a time", notices.ids, exc_info=True
    )


def _smtp_error(technical):
    """(exception name, arguments) of the smtplib error Odoo wrote in ``technical``: e.g.
    ``"...\\nSMTPRecipientsRefused: {'a@b': (550, b'...')}"`` → ``("SMTPRecipientsRefused",
    {...})``; ``(None, None)`` when there is none."""
    match = re.search(r"\b(SMTP\w+): (.+)$", technical or "", re.S)
    if not match:
        return None, None
    try:
        return match[1], ast.literal_eval(match[2].strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return match[1], None


def _smtp_reply(code, message):
    if isinstance(message, bytes):
        message = message.decode(errors="replace")
    return f"{code} {message}".strip()


class MailMail(models.Model):
    _inherit = "mail.mail"

    @api.model
    def process_email_queue(self, ids=None, batch_size=1000):
        """The mail queue also sends the queued recall notices, a batch at a time, once the
        emails already waiting are sent (not when asked to send given emails only)."""
        result = super().process_email_queue(ids=ids, batch_size=batch_size)
        if not ids:
            try:
                self.env["lot.recall.notice"]._send_queued(_send_deadline())
            except Exception:
                # As Odoo's queue does: logged; what was sent is committed, the rest waits.
                _logger.exception("Failed sending recall notices")
        return result

    def _send(
        self,
        auto_commit=False,
        raise_exception=False,
        smtp_session=None,
        alias_domain_id=False,
        mail_server=False,
        post_send_callback=None,
    ):
        """Send the recall notices one by one, each with its PDF, each under a row lock.

        A notice whose PDF cannot be rendered fails alone (``exception``, notice failed); the
        other emails of the batch still go. An SMTP server dropping the connection while sending
        a notice fails that notice with the reason before the error stops the batch (Odoo's
        behaviour: the session is unusable; the other emails wait for the next run).
        """
        kwargs = {
            "auto_commit": auto_commit,
            "raise_exception": raise_exception,
            "smtp_session": smtp_session,
            "alias_domain_id": alias_domain_id,
            "mail_server": mail_server,
            "post_send_callback": post_send_callback,
        }
        notice_mails = self.browse([mail.id for mail in self.sudo() if mail.model == NOTICE_MODEL])
        digest_mails = self.browse(
            self.env["lot.expiry.digest.line"]
            .sudo()
            .search([("mail_id", "in", self.ids)])
            .mail_id.ids
        )
        others = self - notice_mails - digest_mails
        if others:
            super(MailMail, others)._send(**kwargs)
        # Our own emails are sent, and their outcome recorded, whoever runs the queue: Odoo
        # writes the sent state on their mail.message, which a queue run by a user who is not
        # the author, nor may write the notice, would be refused (sent, yet recorded failed).
        if digest_mails:
            super(MailMail, digest_mails.sudo())._send(**kwargs)
        # In chunks: the PDFs of a chunk are rendered in one wkhtmltopdf run, then its emails go
        # (committed together) before the next chunk is rendered.
        deadline = _send_deadline()
        for chunk in split_every(NOTICE_PDF_BATCH, notice_mails.ids, notice_mails.sudo().browse):
            if time.time() > deadline:
                # Leave the rest to the next run of the queue, triggered at once.
                trigger_cron(self.env, "mail.ir_cron_mail_scheduler_action")
                break
            chunk._lot_recall_send_notices(kwargs)
        return True

    def _lot_recall_send_notices(self, kwargs):
        """Send these recall notice emails, each with its PDF, under row locks; ``kwargs``:
        those of ``_send``.

        With ``auto_commit`` (the mail queue, a job), they are committed together once sent,
        not one by one as Odoo does: a commit empties the ORM's cache, whose refill cost about
        as much as the rest of Odoo's work on an email. Each email the SMTP server accepted is
        recorded at once in a transaction of its own (``lot.recall.accepted.mail``): after a
        crash before the commit, the next run records it as sent instead of sending it again.

        :return: True
        """
        auto_commit = kwargs["auto_commit"] is True
        # Usually prepared with their PDFs already (lot.recall.notice._send_batch).
        without_pdf = set(self.filtered(lambda mail: not mail.attachment_ids).ids)
        pdfs = self._lot_recall_render_batch() if without_pdf else {}
        accepted_log = self.env["lot.recall.accepted.mail"]
        with contextlib.ExitStack() as stack:
            log_cr = stack.enter_context(self.env.registry.cursor()) if auto_commit else self.env.cr
            mails = self._lot_recall_lock()
            # Read once locked: a run that crashed no longer holds them.
            accepted = accepted_log._accepted_ids(log_cr, mails.ids)
            for mail in mails:
                if mail.id in accepted:
                    mail._lot_recall_record_accepted()
                    continue
                # Failures recorded here are committed with the batch, or by the caller (the
                # mail queue's scheduled action commits once done, even after a lost session).
                # A PDF attached before is never removed.
                if mail.id in without_pdf and not mail._lot_recall_attach_pdf(
                    pdfs.get(mail.res_id)
                ):
                    continue
                try:
                    super(MailMail, mail)._send(**{**kwargs, "auto_commit": False})
                except smtplib.SMTPServerDisconnected as error:
                    mail._lot_recall_record_disconnection(error)
                    raise
                if auto_commit and mail.state == "sent":
                    accepted_log._record(log_cr, mail.id)
            if auto_commit:
                # The mail queue's own way (Odoo commits after each email): once a batch here.
                self.env.cr.commit()  # pylint: disable=invalid-commit
                accepted_log._clean(log_cr)
        return True

    def _lot_recall_record_accepted(self):
        """This email was accepted by the SMTP server in a run whose transaction was lost
        before its commit: record it as sent, as Odoo does, without sending it again."""
        self.ensure_one()
        _logger.info("Mail %s accepted before a crash: recorded as sent, not sent again", self.id)
        self.write({"state": "sent", "failure_reason": False})
        self._postprocess_sent_message(success_pids=list(self.recipient_ids))

    def _lot_recall_start_render(self):
        """Start rendering, in one wkhtmltopdf run of its own (``lot.recall.notice.
        _start_pdf_batch``), the PDFs of these notice emails' notices that still need one.

        :return: ``(notices, run)``; ``None`` when fewer than two need one, or when the batch
            cannot be started: each notice is then rendered alone, so that a bad one fails alone
        """
        notices = (
            self.env[NOTICE_MODEL]
            .sudo()
            .browse(
                [
                    mail.res_id
                    for mail in self
                    if mail.state == "outgoing" and not mail.attachment_ids
                ]
            )
            .exists()
        )
        if len(notices) < 2:
            return None
        try:
            with self.env.cr.savepoint():
                return notices, notices._start_pdf_batch()
        except MemoryError:
            raise
        except Exception:  # any failure: render one at a time instead
            _log_batch_failure(notices)
            return None

    def _lot_recall_render_batch(self, rendering=None):
        """The PDFs of these notice emails' notices that still need one, rendered in one run
        (``rendering``: the run started by ``_lot_recall_start_render``, else started now):
        {notice id: PDF bytes}. Empty when the batch fails: each notice is then rendered alone,
        so that a bad notice fails alone."""
        if rendering is None:
            rendering = self._lot_recall_start_render()
        if not rendering:
            return {}
        notices, run = rendering
        try:
            return notices._split_pdf_batch(run.result())
        except MemoryError:
            raise
        except Exception:  # any failure: render one at a time instead
            _log_batch_failure(notices)
            return {}
        finally:
            run.cancel()

    def _lot_recall_attach_pdfs(self, rendering=None):
        """Attach its PDF notice to each of these recall notice emails still waiting without
        one: rendered in one run (``rendering``: the run started by ``_lot_recall_start_render``,
        else started now), or one at a time when the batch fails. An email whose PDF cannot be
        rendered is marked failed (``exception``), and its notice with it.

        The emails are locked first: a run started before the emails were last committed may
        end after another sender took them (sent, or attached their PDF already)."""
        pdfs = self._lot_recall_render_batch(rendering)
        mails = self._lot_recall_lock().sudo().filtered(lambda mail: not mail.attachment_ids)
        rendered = mails.filtered(lambda mail: mail.res_id in pdfs)
        notices = self.env[NOTICE_MODEL].sudo().browse(rendered.mapped("res_id"))
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                [
                    {
                        "name": f"{notice._get_report_base_filename()}.pdf",
                        "raw": pdfs[notice.id],
                        "mimetype": "application/pdf",
                        "res_model": NOTICE_MODEL,
                        "res_id": notice.id,
                    }
                    for notice in notices
                ]
            )
        )
        for mail, attachment in zip(rendered, attachments, strict=True):
            mail.attachment_ids = [fields.Command.link(attachment.id)]
        for mail in mails - rendered:
            mail._lot_recall_attach_pdf()

    def _lot_recall_lock(self):
        """Lock the rows of these emails still outgoing until the end of the transaction, so
        that concurrent runs of the mail queue never send one twice.

        :return: those locked, in order: not those no longer outgoing, nor those another
            transaction locked or changed (Odoo's REPEATABLE READ raises a serialization
            failure on a row updated since our snapshot: someone else sent it)
        """
        self.flush_recordset()
        ids = lock_ids(self, SQL("state = 'outgoing'"))
        if len(ids) < len(self):
            _logger.info(
                "Mails %s skipped: sent or being sent by another run of the queue",
                sorted(set(self.ids) - set(ids)),
            )
        # Whatever the cache says, read the locked rows again.
        self.invalidate_recordset()
        locked = set(ids)
        return self.filtered(lambda mail: mail.id in locked)

    def _lot_recall_attach_pdf(self, pdf=None):
        """Attach its PDF notice to this recall notice email: ``pdf`` when rendered already
        (in a batch), else rendered now, alone.

        :return: False when the PDF could not be rendered: the email is then marked failed
            (``exception``, so the queue skips it) and its notice failed with the reason.
        """
        self.ensure_one()
        mail = self.sudo()
        if mail.attachment_ids:
            return True  # sent again after a failure: the PDF is already attached
        notice = self.env[NOTICE_MODEL].sudo().browse(mail.res_id).exists()
        if not notice:
            return True
        try:
            with self.env.cr.savepoint():
                pdf = pdf or notice._render_pdfs()[notice.id]
                name = notice._get_report_base_filename()
        except MemoryError:
            raise  # as Odoo does: not this notice's fault, the queue run stops
        except Exception as error:  # a broken notice must not block the queue
            _logger.warning(
                "Recall notice %s (mail %s): the PDF could not be rendered",
                notice.id,
                mail.id,
                exc_info=True,
            )
            reason = self.env._(
                "The PDF of this notice could not be rendered: %(error)s. Send again once fixed.",
                error=short_error(error),
            )
            mail.write({"state": "exception", "failure_type": "unknown", "failure_reason": reason})
            notice._on_mail_result(mail, failure_kind="server", failure_reason=reason)
            return False
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": f"{name}.pdf",
                    "raw": pdf,
                    "mimetype": "application/pdf",
                    "res_model": NOTICE_MODEL,
                    "res_id": notice.id,
                }
            )
        )
        mail.attachment_ids = [fields.Command.link(attachment.id)]
        return True

    def _lot_recall_record_disconnection(self, error):
        """The SMTP server dropped the connection while this email was sent: record it as a
        failure (Odoo re-raises that error before recording anything but the ``exception``)."""
        technical = f"SMTPServerDisconnected: {error}"
        self.sudo().write(
            {"state": "exception", "failure_type": "mail_smtp", "failure_reason": technical}
        )
        self._postprocess_sent_message(
            success_pids=[], failure_reason=technical, failure_type="mail_smtp"
        )

    def _postprocess_sent_message(self, success_pids, failure_reason=False, failure_type=None):
        # On behalf of notices and digests: the mail queue may run as any user.
        mails = self.sudo()
        notice_mails = mails.filtered(lambda mail: mail.model == NOTICE_MODEL)
        if notice_mails:
            notices = self.env[NOTICE_MODEL].sudo().search([("mail_id", "in", notice_mails.ids)])
            for mail in notice_mails:
                kind, reason = mail._lot_recall_failure(failure_type, failure_reason)
                notices._on_mail_result(mail, failure_kind=kind, failure_reason=reason)
        # Expiry digests (no model): the lots they list count as announced once accepted, even
        # if one of several recipients' addresses was invalid.
        accepted = mails.filtered(
            lambda mail: not mail.model and (not failure_type or mail.state == "sent")
        )
        if accepted:
            self.env["lot.expiry.digest.line"]._on_mails_accepted(accepted)
        return super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type
        )

    def _lot_recall_failure(self, failure_type, failure_reason):
        """Why this email failed, for a recall manager: ``(kind, reason)``.

        :param failure_type: Odoo's ``failure_type``; falsy when the SMTP server accepted it
        :param failure_reason: Odoo's technical reason (else the one written on the email)
        :return: ``(False, False)`` when accepted, else kind ``"customer"`` (no or bad address:
            call them) or ``"server"`` (our side: fix, then send again) and the reason in words
        """
        self.ensure_one()
        if not failure_type:
            return False, False
        mail = self.sudo()
        technical = failure_reason or mail.failure_reason or ""
        if failure_type in ("mail_email_invalid", "mail_email_missing"):
            address = mail.email_to or ", ".join(filter(None, mail.recipient_ids.mapped("email")))
            if address:
                return "customer", self.env._(
                    "The email address “%(email)s” is not valid: call the customer.", email=address
                )
            return "customer", self.env._("No email address: call the customer.")
        if failure_type in ("mail_from_invalid", "mail_from_missing"):
            return "server", self.env._(
                "Our sender address “%(email)s” is missing or not valid: set the company's email "
                "address, then send again.",
                email=mail.email_from or "",
            )
        if failure_type == "mail_smtp":
            return "server", mail._lot_recall_connection_failure(technical)
        return mail._lot_recall_smtp_failure(technical)

    def _lot_recall_connection_failure(self, technical):
        """The reason of a failure to connect to, or to stay connected with, our SMTP server."""
        error, args = _smtp_error(technical)
        server = self._lot_recall_server_label()
        if error == "SMTPServerDisconnected":
            return self.env._(
                "Our mail server (%(server)s) closed the connection while sending this email: "
                "send it again. If it happens again, check Settings > Technical > Outgoing Mail "
                "Servers.",
                server=server,
            )
        if "refused" in technical.lower() and not args:
            return self.env._(
                "Our mail server refused the connection (%(server)s): check Settings > "
                "Technical > Outgoing Mail Servers.",
                server=server,
            )
        return self.env._(
            "Could not connect to our mail server (%(server)s): %(error)s. Check Settings > "
            "Technical > Outgoing Mail Servers.",
            server=server,
            error=_smtp_reply(*args[:2])
            if isinstance(args, tuple)
            else " ".join(technical.split()),
        )

    def _lot_recall_smtp_failure(self, technical):
        """``(kind, reason)`` of an email our SMTP server refused (or of an unknown failure)."""
        error, args = _smtp_error(technical)
        if error == "SMTPRecipientsRefused" and isinstance(args, dict) and args:
            return "customer", "; ".join(
                self.env._(
                    "The mail server rejected the address %(email)s: %(reply)s",
                    email=address,
                    reply=_smtp_reply(*reply[:2]),
                )
                for address, reply in args.items()
            )
        if error == "SMTPSenderRefused" and isinstance(args, tuple):
            return "server", self.env._(
                "Our mail server refused our sender address %(email)s: %(reply)s",
                email=args[2] if len(args) > 2 else self.email_from,
                reply=_smtp_reply(*args[:2]),
            )
        if error and isinstance(args, tuple):
            return "server", self.env._(
                "Our mail server refused the email: %(reply)s", reply=_smtp_reply(*args[:2])
            )
        lines = technical.strip().splitlines()
        return "server", self.env._(
            "The email could not be sent: %(error)s. Send it again, or ask your administrator.",
            error=lines[-1] if lines else self.env._("unknown error"),
        )

    def _lot_recall_server_label(self):
        """host:port of the outgoing mail server this email goes (or went) through."""
        self.ensure_one()
        mail = self.sudo()
        server = mail.mail_server_id
        if not server:
            server = self.env["ir.mail_server"].sudo()._find_mail_server(mail.email_from)[0]
        if server and server.smtp_authentication != "cli":
            return f"{server.smtp_host}:{server.smtp_port}"
        return f"{tools.config.get('smtp_server')}:{tools.config.get('smtp_port')}"
