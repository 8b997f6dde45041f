# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


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

    def _gather(self, product_id, location_id, *args, **kwargs):
        quants = super()._gather(product_id, location_id, *args, **kwargs)
        # Only availability and reservation skip quarantined lots: receipts and returns into
        # a quarantined lot must still find and update its quant.
        if self.env.context.get("lot_recall_skip_quarantined"):
            quants = quants.filtered(lambda quant: not quant.lot_id.quarantined)
        return quants
