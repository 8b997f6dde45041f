# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.tools import float_compare


class StockQuant(models.Model):
    _inherit = "stock.quant"

    def _gather(
        self,
        product_id,
        location_id,
        lot_id=None,
        package_id=None,
        owner_id=None,
        strict=False,
        qty=0,
    ):
        """Put first the quants of the first dye lot (in removal order) that can cover ``qty``.

        ``_get_reserve_quantity`` passes the quantity to reserve as ``qty``: for products with a
        dye lot policy, a single dye lot covering the whole demand is preferred over the removal
        strategy's order. The other quants follow, so a demand no dye lot covers is still
        reserved in the usual order.
        """
        quants = super()._gather(
            product_id,
            location_id,
            lot_id=lot_id,
            package_id=package_id,
            owner_id=owner_id,
            strict=strict,
            qty=qty,
        )
        rounding = product_id.uom_id.rounding
        if (
            lot_id
            or product_id.dye_lot_policy == "none"
            or float_compare(qty, 0, precision_rounding=rounding) <= 0
        ):
            return quants
        available = {}
        for quant in quants:
            dye_lot = quant.lot_id.dye_lot
            if dye_lot:
                available.setdefault(dye_lot, 0.0)
                available[dye_lot] += max(quant.quantity - quant.reserved_quantity, 0.0)
        chosen = next(
            (
                dye_lot
                for dye_lot, quantity in available.items()
                if float_compare(quantity, qty, precision_rounding=rounding) >= 0
            ),
            None,
        )
        if not chosen:
            return quants
        preferred = quants.filtered(lambda q: q.lot_id.dye_lot == chosen)
        return preferred + (quants - preferred)
