# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import models
from odoo.exceptions import UserError


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _action_done(self):
        self._check_dye_lot_mix()
        return super()._action_done()

    def _check_dye_lot_mix(self):
        """Deliveries must not mix dye lots of a product whose policy is Warn or Block.

        Block raises a ``UserError``; Warn posts a warning on the delivery and notifies the user.
        """
        for picking in self.filtered(lambda p: p.picking_type_code == "outgoing"):
            mixed = picking._mixed_dye_lots()
            if not mixed:
                continue
            lines = [
                self.env._(
                    "%(product)s: dye lots %(dye_lots)s",
                    product=product.display_name,
                    dye_lots=", ".join(sorted(lots)),
                )
                for product, lots in mixed.items()
            ]
            if any(product.dye_lot_policy == "block" for product in mixed):
                raise UserError(
                    self.env._(
                        "%(picking)s ships more than one dye lot of a product that must be "
                        "delivered from a single dye lot:\n%(lines)s",
                        picking=picking.name,
                        lines="\n".join(lines),
                    )
                )
            picking._warn_dye_lot_mix(lines)

    def _mixed_dye_lots(self):
        """{product: its dye lots} for the products with a Warn or Block policy that this
        transfer ships from more than one dye lot."""
        self.ensure_one()
        dye_lots = defaultdict(set)
        for ml in self.move_line_ids:
            policy = ml.product_id.dye_lot_policy
            if policy in ("warn", "block") and ml.picked and ml.quantity and ml.lot_id.dye_lot:
                dye_lots[ml.product_id].add(ml.lot_id.dye_lot)
        return {product: lots for product, lots in dye_lots.items() if len(lots) > 1}

    def _warn_dye_lot_mix(self, lines):
        """Post the mixed dye lots on this delivery and notify the user who validates it."""
        self.ensure_one()
        message = self.env._(
            "Warning: this delivery mixes dye lots, the colours may differ slightly: %(lines)s",
            lines="; ".join(lines),
        )
        self.message_post(body=message, message_type="comment", subtype_xmlid="mail.mt_note")
        self.env.user._bus_send(
            "simple_notification",
            {"type": "warning", "title": self.name, "message": message, "sticky": True},
        )
