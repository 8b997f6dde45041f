# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.tools import float_compare


class StockQuant(models.Model):
    _inherit = "stock.quant"

    @api.model
    def _get_available_quantity(self, product_id, location_id, *args, **kwargs):
        return super(
            StockQuant, self.with_context(lot_recall_skip_quarantined=True)
        )._get_available_quantity(product_id, location_id, *args, **kwargs)

    @api.model
    def _get_reserve_quantity(self, product_id, location_id, quantity, *args, **kwargs):
        return super(
            StockQuant, self.with_context(lot_recall_skip_quarantined=True)
        )._get_reserve_quantity(product_id, location_id, quantity, *args, **kwargs)

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
        """Leave out quarantined and recalled lots when reserving, and put first the quants of one
        dye lot: the one the customer last received (context key ``lot_recall_dye_lot``, set by
        ``stock.move._update_reserved_quantity``), else the first (in removal order) that can
        cover ``qty``.

        Only availability and reservation (context key ``lot_recall_skip_quarantined``) skip
        quarantined lots: receipts and returns into a quarantined lot must still find its quant.

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
        if self.env.context.get("lot_recall_skip_quarantined"):
            quants = quants._lot_recall_without_blocked()
        if lot_id or product_id.dye_lot_policy == "none":
            return quants
        return quants._lot_recall_single_dye_lot_first(
            product_id, qty, preferred=self.env.context.get("lot_recall_dye_lot")
        )

    def _lot_recall_without_blocked(self):
        """These quants but those of recalled or quarantined lots, in their order.

        Run at every quant gathering of a reservation, over all the quants of a product in a
        location (hundreds): the blocked lots are asked in one query, their quants in another,
        and the quants are filtered on their ids (reading each quant's lot, and membership in a
        recordset, which is linear, cost a quarter of a large re-reservation).
        """
        blocked_lots = self.lot_id._lot_recall_blocked()
        if not blocked_lots:
            return self
        blocked = set(
            self.sudo()._search([("id", "in", self.ids), ("lot_id", "in", blocked_lots.ids)])
        )
        return self.browse(quant_id for quant_id in self._ids if quant_id not in blocked)

    def _lot_recall_single_dye_lot_first(self, product, qty, preferred=None):
        """These quants with first those of one dye lot: the ``preferred`` dye lot (the one the
        customer last received) when its available quantity covers ``qty``, else the first dye
        lot (in their order) that covers it. When no single dye lot covers it, the quants of
        ``preferred`` come first if some of it is available; otherwise the order is unchanged.

        The one dye lot policy of reservation: a single dye lot per delivery, the customer's
        own when it can be."""
        rounding = product.uom_id.rounding
        if float_compare(qty, 0, precision_rounding=rounding) <= 0:
            return self
        available = {}
        for quant in self:
            dye_lot = quant.lot_id.dye_lot
            if dye_lot:
                available.setdefault(dye_lot, 0.0)
                available[dye_lot] += max(quant.quantity - quant.reserved_quantity, 0.0)
        candidates = sorted(available, key=lambda dye_lot: dye_lot != preferred)
        chosen = next(
            (
                dye_lot
                for dye_lot in candidates
                if float_compare(available[dye_lot], qty, precision_rounding=rounding) >= 0
            ),
            None,
        )
        if not chosen and preferred in available:
            if float_compare(available[preferred], 0, precision_rounding=rounding) <= 0:
                return self
            chosen = preferred
        if not chosen:
            return self
        preferred = self.filtered(lambda quant: quant.lot_id.dye_lot == chosen)
        return preferred + (self - preferred)
