# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.3.0 pre-migration.

A recall's supplier receipts (``lot.recall.upstream``) now say which affected lot each is
behind (``affected_lot_id``) and whether it is in the recalled lineage (``recalled_lineage``).
The rows stored before were the receipts of the recalled lots themselves: their own affected
lot, in the lineage.
"""

from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column, table_exists

TABLE = "lot_recall_upstream"


def migrate(cr, version):
    if not version or not table_exists(cr, TABLE) or column_exists(cr, TABLE, "affected_lot_id"):
        return
    create_column(cr, TABLE, "affected_lot_id", "int4")
    create_column(cr, TABLE, "recalled_lineage", "bool")
    cr.execute(
        SQL(
            "UPDATE %s SET affected_lot_id = lot_id, recalled_lineage = TRUE",
            SQL.identifier(TABLE),
        )
    )
