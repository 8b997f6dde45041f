# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL


class LotRecallAcceptedMail(models.Model):
    """A recall notice email the SMTP server accepted, recorded at once in a transaction of
    its own, while the email's own state waits for the commit of its batch.

    The mail queue sends notice emails a batch at a time and commits the batch once sent (a
    commit per email empties the ORM's cache and doubled the cost of each email). A crash in
    the middle of a batch rolls back the sent state of its emails, not these rows: the next
    run records such an email as sent instead of sending it again
    (``mail.mail._lot_recall_send_notices``). Rows whose email is no longer waiting are
    deleted after each batch.
    """

    _name = "lot.recall.accepted.mail"
    _description = "Recall Notice Email Accepted by the Mail Server"
    _log_access = False

    # No foreign key: the row is written by another transaction while the sending one holds
    # the email's row lock, which a key check would wait for.
    mail_id = fields.Integer(required=True, readonly=True)

    _sql_constraints = [
        ("mail_uniq", "unique(mail_id)", "An email is accepted once."),
    ]

    def _record(self, cr, mail_id):
        """Record that the SMTP server accepted the email ``mail_id``, and commit ``cr`` (a
        cursor of its own)."""
        cr.execute(
            SQL(
                "INSERT INTO lot_recall_accepted_mail (mail_id) VALUES (%s) "
                "ON CONFLICT (mail_id) DO NOTHING",
                mail_id,
            )
        )
        # Its own transaction: the record must outlive a crash of the sending one.
        cr.commit()  # pylint: disable=invalid-commit

    def _accepted_ids(self, cr, mail_ids):
        """Which of the emails ``mail_ids`` were accepted, as ``cr`` sees it now."""
        cr.execute(
            SQL(
                "SELECT mail_id FROM lot_recall_accepted_mail WHERE mail_id = ANY(%s)",
                list(mail_ids),
            )
        )
        return {row[0] for row in cr.fetchall()}

    def _clean(self, cr):
        """Forget the emails no longer waiting to be sent (their state is committed), and
        commit ``cr``."""
        cr.execute(
            SQL(
                "DELETE FROM lot_recall_accepted_mail accepted WHERE NOT EXISTS ("
                "SELECT 1 FROM mail_mail mail WHERE mail.id = accepted.mail_id "
                "AND mail.state = 'outgoing')"
            )
        )
        cr.commit()  # pylint: disable=invalid-commit
