# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.3.0 post-migration.

The trace's rows (``lot.recall.line``, ``lot.recall.lot``) no longer have log access columns
(``_log_access = False``): their author and date are their recall's last trace. Odoo removes
the fields, not their columns: the columns and their foreign keys to res_users are dropped.

``stock.lot.is_recalled`` is no longer indexed on its own (the partial index of blocked lots
answers ``is_recalled = True``), nor are ``recall_id`` (the first column of each table's unique
index) and ``company_id`` of a recall's rows and notices: Odoo keeps an index a field no
longer asks for, so they are dropped.
"""

from odoo.tools import SQL

TABLES = ("lot_recall_line", "lot_recall_lot")
ROW_TABLES = (*TABLES, "lot_recall_upstream", "lot_recall_notice")
LOG_ACCESS_COLUMNS = ("create_uid", "create_date", "write_uid", "write_date")


def drop_log_access_columns(cr):
    for table in TABLES:
        cr.execute(
            SQL(
                "ALTER TABLE %s %s",
                SQL.identifier(table),
                SQL(", ").join(
                    SQL("DROP COLUMN IF EXISTS %s", SQL.identifier(column))
                    for column in LOG_ACCESS_COLUMNS
                ),
            )
        )


UNUSED_INDEXES = (
    "stock_lot__is_recalled_index",
    *(f"{table}__{column}_index" for table in ROW_TABLES for column in ("recall_id", "company_id")),
)


def drop_unused_indexes(cr):
    for index in UNUSED_INDEXES:
        cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(index)))


def migrate(cr, version):
    if version:
        drop_log_access_columns(cr)
        drop_unused_indexes(cr)
