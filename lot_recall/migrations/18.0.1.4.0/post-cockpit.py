# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Cockpit post-migration (issue 17; its own file, beside the version's other scripts).

The recalls' acknowledgment progress (``ack_progress``, ``full_ack_date``,
``days_to_full_ack``) is written when a customer acknowledges or a trace changes the notices.
The real recalls notified before the upgrade get theirs from their notices, in one statement:
a fully acknowledged recall was fully acknowledged at its last acknowledgment.
"""

from odoo.tools import SQL


def fill_ack_progress(cr):
    """Write the acknowledgment progress of the real recalls with notices that have none."""
    cr.execute(
        SQL(
            """
            UPDATE lot_recall recall
               SET ack_progress = CASE
                       WHEN notice.acknowledged = notice.total THEN 'done'
                       WHEN notice.acknowledged > 0 THEN 'partial'
                       ELSE 'none' END,
                   full_ack_date = CASE
                       WHEN notice.acknowledged = notice.total THEN notice.last_ack END,
                   days_to_full_ack = CASE
                       WHEN notice.acknowledged = notice.total
                       THEN round((EXTRACT(EPOCH FROM notice.last_ack - recall.create_date)
                                   / 86400)::numeric, 1) END
              FROM (SELECT recall_id, count(*) AS total,
                           count(*) FILTER (WHERE state = 'acknowledged') AS acknowledged,
                           max(ack_date) AS last_ack
                      FROM lot_recall_notice
                     GROUP BY recall_id) AS notice
             WHERE notice.recall_id = recall.id
               AND recall.ack_progress IS NULL
               AND recall.is_mock IS NOT TRUE
            """
        )
    )


def migrate(cr, version):
    if version:
        fill_ack_progress(cr)
