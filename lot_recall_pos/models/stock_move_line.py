# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

# A point-of-sale order in these states was paid at the till: its goods are with the customer.
SOLD_ORDER_STATES = ("paid", "done", "invoiced")


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    def _lot_recall_door(self):
        """A point-of-sale picking records a sale already made at the till (the customer left
        with the goods when the order was paid): a recalled or quarantined lot sold there is
        reported (done, its recalls traced again and their responsible told), not refused, so
        that the picking of the order or of the session closing is done. A point-of-sale
        return (customer → stock) still arrives, and the delivery of a "ship later" order,
        which does leave our warehouse, is still refused."""
        door = super()._lot_recall_door()
        if door == "refuse" and self._lot_recall_sold_at_till():
            return "report"
        return door

    def _lot_recall_sold_at_till(self):
        """Whether this line, to a customer, records the till sale of its lot: its transfer is
        the point-of-sale picking (operation type of the session's shop) of a session in which
        a paid order, not shipped later, sold this lot of this product. Read as superuser: the
        answer must not depend on who validates."""
        self.ensure_one()
        picking = self.sudo().move_id.picking_id
        session = picking.pos_session_id
        if (
            not session
            or self.location_dest_id.usage != "customer"
            or picking.picking_type_id != session.config_id.picking_type_id
        ):
            return False
        orders = picking.pos_order_id or session.order_ids
        return bool(
            self.env["pos.pack.operation.lot"]
            .sudo()
            .search_count(
                [
                    ("lot_name", "=", self.lot_id.name),
                    ("pos_order_line_id.product_id", "=", self.product_id.id),
                    ("pos_order_line_id.order_id", "in", orders.ids),
                    ("pos_order_line_id.order_id.state", "in", SOLD_ORDER_STATES),
                    ("pos_order_line_id.order_id.shipping_date", "=", False),
                ],
                limit=1,
            )
        )
