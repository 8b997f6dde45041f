# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.exceptions import UserError


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _action_done(self):
        self._check_recalled_lots()
        return super()._action_done()

    def _check_recalled_lots(self):
        """Refuse to ship to customers any lot under an active, real recall."""
        for picking in self:
            lines = picking.move_line_ids.filtered(
                lambda line: (
                    line.lot_id.is_recalled
                    and line.location_dest_id.usage == "customer"
                    and line.quantity
                )
            )
            if not lines:
                continue
            recalls = lines.lot_id.recall_ids.filtered(
                lambda recall: recall.state in ("traced", "notified") and not recall.is_mock
            )
            raise UserError(
                self.env._(
                    "%(picking)s ships lots under recall: %(lots)s (recall %(recalls)s). "
                    "Remove these lots from the transfer.",
                    picking=picking.name,
                    lots=", ".join(lines.lot_id.mapped("name")),
                    recalls=", ".join(recalls.mapped("name")),
                )
            )
