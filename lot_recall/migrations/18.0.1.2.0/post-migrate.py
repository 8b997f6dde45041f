# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.2.0 post-migration.

*Send Notices* now only flags the notices ``queued``; their emails are prepared and sent in
batches by the send queue. The notices whose email the previous version had already created
and left waiting in the mail queue join the send queue, so that whoever sends notices (the mail
queue, or lot_recall_queue's jobs) sends those emails, once.
"""

from odoo.tools import SQL


def queue_waiting_notices(cr):
    """Flag ``queued`` the notices whose email is waiting in the mail queue; return them."""
    cr.execute(
        SQL(
            """
            UPDATE lot_recall_notice notice
               SET queued = TRUE
              FROM mail_mail mail
             WHERE mail.id = notice.mail_id
               AND mail.state = 'outgoing'
               AND notice.queued IS NOT TRUE
            RETURNING notice.id
            """
        )
    )
    return [row[0] for row in cr.fetchall()]


def migrate(cr, version):
    if version:
        queue_waiting_notices(cr)
