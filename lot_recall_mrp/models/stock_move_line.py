# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    def _lot_recall_consumption_door(self):
        """An unbuild order takes a recalled finished lot apart (nothing new is made of it):
        allowed and logged on its recalls. A manufacturing order consuming it stays refused."""
        if self.move_id.unbuild_id:
            return "log"
        return super()._lot_recall_consumption_door()
