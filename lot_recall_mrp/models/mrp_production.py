# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import models


class MrpProduction(models.Model):
    _inherit = "mrp.production"

    def _lot_recall_expected_components(self):
        """{component product id: quantity in its unit} that this order's bill of materials
        expects for the quantity the order produced: the bill exploded as Odoo does for the
        order's component moves (kits expanded, only goods)."""
        self.ensure_one()
        expected = defaultdict(float)
        bom = self.bom_id
        if not bom:
            return expected
        factor = (
            self.product_uom_id._compute_quantity(self.qty_produced, bom.product_uom_id)
            / bom.product_qty
        )
        _boms, lines = bom.explode(
            self.product_id,
            factor,
            picking_type=bom.picking_type_id,
            never_attribute_values=self.never_product_template_attribute_value_ids,
        )
        for line, data in lines:
            if (line.child_bom_id and line.child_bom_id.type == "phantom") or (
                line.product_id.type != "consu"
            ):
                continue
            expected[line.product_id.id] += line.product_uom_id._compute_quantity(
                data["qty"], line.product_id.uom_id, round=False
            )
        return expected
