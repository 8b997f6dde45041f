# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class LotGenealogy(models.AbstractModel):
    _inherit = "lot.genealogy"

    @api.model
    def _transformation_nodes(self, lines):
        """The manufacturing (or unbuild) order of each line is its step: one node for every
        lot the order made. Read as superuser: a Recall User who is not a manufacturing user
        sees the order's name (the trace's rows store it already), opening it stays refused."""
        nodes = super()._transformation_nodes(lines)
        for line in lines.sudo():
            order = line.move_id.production_id or line.move_id.unbuild_id
            if order:
                nodes[line.id] = {
                    "id": f"{order._table}_{order.id}",
                    "label": order.name,
                    "sublabel": order.product_id.display_name,
                    "model": order._name,
                    "res_id": order.id,
                }
        return nodes
