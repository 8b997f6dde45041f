# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.4.0 pre-migration.

A recall's delivery lines read their delivery, product, lot and ship-from location from their
move line, and a recall's rows (delivery lines, affected lots, supplier receipts) their company
from the recall: those fields are no longer stored. Odoo keeps the columns of fields that are no
longer stored, with their NOT NULL constraints and foreign keys, which the trace's INSERT would
then fail or check: they are dropped (with their indexes and foreign keys).
"""

from odoo.tools import SQL

DROPPED = {
    "lot_recall_line": ("company_id", "picking_id", "product_id", "lot_id", "location_id"),
    "lot_recall_lot": ("company_id",),
    "lot_recall_upstream": ("company_id",),
}


def migrate(cr, version):
    if not version:
        return
    for table, columns in DROPPED.items():
        cr.execute(
            SQL(
                "ALTER TABLE IF EXISTS %s %s",
                SQL.identifier(table),
                SQL(", ").join(
                    SQL("DROP COLUMN IF EXISTS %s", SQL.identifier(column)) for column in columns
                ),
            )
        )
