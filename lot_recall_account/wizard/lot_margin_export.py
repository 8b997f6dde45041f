# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class LotMarginExport(models.TransientModel):
    """A spreadsheet of the lot margin report, kept for its download only: like every
    transient record, only its creator reads it, and it is vacuumed after a while."""

    _name = "lot.margin.export"
    _description = "Lot Margin Spreadsheet"

    xlsx_file = fields.Binary(string="Spreadsheet", attachment=False, readonly=True)
    xlsx_filename = fields.Char(default=lambda self: self.env._("Lot margins.xlsx"))
