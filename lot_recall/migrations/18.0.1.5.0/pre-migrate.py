# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.5.0 pre-migration.

A recall's notices read their company from the recall: ``lot.recall.notice.company_id`` is no
longer stored. Odoo keeps the columns of fields that are no longer stored, with their foreign
keys, which the INSERT of a wide recall's notices would still check row by row: the column is
dropped (with its foreign key).
"""

from odoo.tools import SQL


def migrate(cr, version):
    if not version:
        return
    cr.execute(SQL("ALTER TABLE IF EXISTS lot_recall_notice DROP COLUMN IF EXISTS company_id"))
