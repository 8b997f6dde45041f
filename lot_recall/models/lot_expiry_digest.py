# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timedelta

from odoo import Command, api, fields, models

_logger = logging.getLogger(__name__)


class LotExpiryDigest(models.AbstractModel):
    """The daily expiry digest: select the lots to announce, render and queue the email.

    The lots are marked as announced when the SMTP server accepts the email
    (``lot.expiry.digest.line``), not when it is queued.
    """

    _name = "lot.expiry.digest"
    _description = "Lot Expiry Digest"

    @api.model
    def _cron_expiry_digest(self):
        """Daily expiry digest (scheduled action ``lot_recall.ir_cron_lot_expiry_digest``).

        For every company with expiry alerts on, email one digest to its recipients listing
        the lots with a positive quantity in its internal locations that have expired or expire
        within the company's horizon, with the same list as an XLSX attachment. A lot is
        announced once per stage ("expiring", then "expired"): a lot counts as announced once
        the SMTP server accepted a digest listing it at its current stage (or while such a
        digest waits in the mail queue); those are left out, and no email is sent when nothing
        is new. With the company's auto-quarantine on, newly expired lots are quarantined.
        """
        companies = self.env["res.company"].search([("lot_expiry_alert_enabled", "=", True)])
        for company in companies:
            self.with_company(company)._send_expiry_digest(company)

    def _expiry_digest_recipients(self, company):
        users = company.lot_expiry_alert_user_ids or self.env["res.users"].search(
            [
                ("groups_id", "in", self.env.ref("lot_recall.group_recall_manager").id),
                ("company_ids", "in", company.id),
                ("share", "=", False),
            ]
        )
        return users.filtered(lambda user: user.email and not user._is_superuser()).partner_id

    def _send_expiry_digest(self, company):
        """Select the lots to announce, queue the digest email, then quarantine newly expired
        lots when the company asks for it."""
        quants, stages = self._select_new(company)
        if not quants:
            return
        recipients = self._expiry_digest_recipients(company)
        if not recipients:
            # Nothing is marked as announced: the lots come again once someone can receive them.
            _logger.warning(
                "Expiry digest of %s not sent: no recipient with an email address.", company.name
            )
            return
        mail = self._queue_digest(company, recipients, quants, stages)
        # The lots are marked as announced once the SMTP server accepted the email (see
        # lot.expiry.digest.line): a digest that could not be sent is announced again.
        self.env["lot.expiry.digest.line"].sudo().create(
            [
                {
                    "mail_id": mail.id,
                    "company_id": company.id,
                    "lot_id": lot.id,
                    "stage": stages[lot.id],
                    "expiration_date": lot.expiration_date,
                }
                for lot in quants.lot_id
            ]
        )
        if company.lot_expiry_auto_quarantine:
            expired = quants.lot_id.filtered(
                lambda lot: stages[lot.id] == "expired" and not lot.quarantined
            )
            expired._quarantine(self.env._("Quarantined automatically: the lot has expired."))

    def _select_new(self, company):
        """The quants of the company's lots in stock whose expiry stage was not announced yet,
        sorted for the email, and {lot id: "expired" | "expiring"}."""
        now = fields.Datetime.now()
        horizon = now + timedelta(days=company.lot_expiry_alert_days)
        quants = self.env["stock.quant"].search(
            [
                ("company_id", "=", company.id),
                ("location_id.usage", "=", "internal"),
                ("quantity", ">", 0),
                ("lot_id.expiration_date", "<=", horizon),
            ]
        )
        stages = {
            lot.id: "expired" if lot.expiration_date <= now else "expiring" for lot in quants.lot_id
        }
        new_lots = quants.lot_id.filtered(lambda lot: lot.expiry_alert_stage != stages[lot.id])
        # Lots of a digest still waiting in the mail queue are not announced twice.
        pending = self.env["lot.expiry.digest.line"]._pending_keys(new_lots)
        new_lot_ids = {
            lot.id
            for lot in new_lots
            if (lot.id, stages[lot.id], lot.expiration_date) not in pending
        }
        quants = quants.filtered(lambda quant: quant.lot_id.id in new_lot_ids).sorted(
            lambda q: (q.product_id.display_name, q.lot_id.expiration_date, q.lot_id.name)
        )
        return quants, stages

    def _queue_digest(self, company, recipients, quants, stages):
        """Render the digest of ``quants`` (email body and XLSX) and queue it; return the mail."""
        lots = quants.lot_id
        expired_count = len(lots.filtered(lambda lot: stages[lot.id] == "expired"))
        values = {
            "company": company,
            "horizon": company.lot_expiry_alert_days,
            "expired_count": expired_count,
            "expiring_count": len(lots) - expired_count,
            "groups": list(quants.grouped("product_id").items()),
            "stages": stages,
        }
        body = self.env["ir.qweb"]._render(
            "lot_recall.lot_expiry_digest_email", values, lang=company.partner_id.lang
        )
        attachment = {
            "name": self.env._("Expiry %(date)s.xlsx", date=fields.Date.context_today(self)),
            "raw": self.env["lot.recall.xlsx"]._expiry_digest_xlsx(quants, stages),
            "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
        return (
            self.env["mail.mail"]
            .sudo()
            .create(
                {
                    "subject": self.env._(
                        "Expiry alert %(company)s: %(expired)s lots expired, %(expiring)s expiring",
                        company=company.name,
                        expired=values["expired_count"],
                        expiring=values["expiring_count"],
                    ),
                    "body_html": body,
                    "email_from": company.email_formatted or self.env.user.email_formatted,
                    "recipient_ids": [Command.set(recipients.ids)],
                    "attachment_ids": [Command.create(attachment)],
                    "auto_delete": True,
                }
            )
        )
