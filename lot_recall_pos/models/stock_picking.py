# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _create_move_from_pos_order_lines(self, lines):
        """Link the picking to its session before it is done: point_of_sale writes
        ``pos_session_id`` only after ``_action_done``, while the shipping guard needs it to
        tell a till sale (reported) from a delivery (refused), see
        ``stock.move.line._lot_recall_sold_at_till``."""
        session = lines.order_id.session_id
        if not self.pos_session_id and len(session) == 1:
            self.pos_session_id = session
        return super()._create_move_from_pos_order_lines(lines)

    def _prepare_stock_move_vals(self, first_line, order_lines):
        """The session closing's picking has no customer (it gathers the session's orders):
        give the move the customer of its orders when they all have the same one, so that a
        recall traced through this move finds who bought the lot."""
        vals = super()._prepare_stock_move_vals(first_line, order_lines)
        partners = order_lines.order_id.partner_id
        if (
            not self.partner_id
            and len(partners) == 1
            and all(order_lines.order_id.mapped("partner_id"))
        ):
            vals["partner_id"] = partners.id
        return vals
