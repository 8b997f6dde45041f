# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import Form

from odoo.addons.lot_recall.tests.common import LotRecallCase


class ManufacturingCase(LotRecallCase):
    """Scenario builders that need real manufacturing orders."""

    @classmethod
    def _manufacture(cls, product, components, finished_lot, quantity, lines=1, bom=None):
        """A done manufacturing order of ``quantity`` ``product`` (with ``bom``, else with one
        component move per lot of ``components``) consuming ``components``: ``(lot, quantity)``
        pairs, each lot in ``lines`` move lines; producing ``finished_lot`` (a lot or the name
        of a new one). Returns the production."""
        mo_form = Form(cls.env["mrp.production"])
        mo_form.product_id = product
        if bom:
            mo_form.bom_id = bom
        mo_form.product_qty = quantity
        if not bom:
            for lot, component_quantity in components:
                with mo_form.move_raw_ids.new() as raw:
                    raw.product_id = lot.product_id
                    raw.product_uom_qty = component_quantity
        production = mo_form.save()
        production.action_confirm()
        raws = production.move_raw_ids.sorted("id")
        for lot, component_quantity in components:
            raw = raws.filtered(lambda move, lot=lot: move.product_id == lot.product_id)[:1]
            raws -= raw
            raw.move_line_ids.unlink()
            cls.env["stock.move.line"].create(
                [
                    {
                        "move_id": raw.id,
                        "product_id": raw.product_id.id,
                        "lot_id": lot.id,
                        "quantity": component_quantity / lines,
                        "location_id": raw.location_id.id,
                        "location_dest_id": raw.location_dest_id.id,
                    }
                    for _line in range(lines)
                ]
            )
            raw.picked = True
        mo_form = Form(production)
        mo_form.qty_producing = quantity
        if isinstance(finished_lot, str):
            finished_lot = cls.env["stock.lot"].create(
                {"name": finished_lot, "product_id": product.id}
            )
        mo_form.lot_producing_id = finished_lot
        production = mo_form.save()
        production.button_mark_done()
        assert production.state == "done", production.state
        return production
