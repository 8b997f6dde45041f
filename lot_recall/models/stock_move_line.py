# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from .stock_lot import clean_lot_refs

RECEIPT_LOT_FIELDS = ("supplier_lot_ref", "dye_lot", "production_date")


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    supplier_lot_ref = fields.Char(
        string="Supplier Lot",
        help="The lot number printed by the supplier on the goods; copied onto the lot when "
        "the receipt is validated.",
    )
    dye_lot = fields.Char(
        help="Dye lot (colour batch) of the goods; copied onto the lot when the receipt is "
        "validated.",
    )
    production_date = fields.Date(
        help="Manufacturing or packing date; copied onto the lot when the receipt is validated."
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            clean_lot_refs(self, vals)
        return super().create(vals_list)

    def write(self, vals):
        clean_lot_refs(self, vals)
        return super().write(vals)

    def _lot_recall_receipt_values(self):
        self.ensure_one()
        return {fname: self[fname] for fname in RECEIPT_LOT_FIELDS if self[fname]}

    def _prepare_new_lot_vals(self):
        vals = super()._prepare_new_lot_vals()
        vals.update(self._lot_recall_receipt_values())
        return vals

    def _lot_recall_supplier(self):
        """The vendor of this receipt line: its purchase order's vendor when there is one,
        otherwise the commercial partner of the receipt."""
        self.ensure_one()
        move = self.move_id
        if "purchase_line_id" in move._fields and move.purchase_line_id:
            return move.purchase_line_id.order_id.partner_id.commercial_partner_id
        partner = self.picking_id.partner_id or move.partner_id
        return partner.commercial_partner_id

    def _action_done(self):
        res = super()._action_done()
        for ml in self.exists().filtered("lot_id"):
            lot = ml.lot_id
            lot._lot_recall_merge_receipt_values(ml._lot_recall_receipt_values(), ml)
            if ml.location_id.usage != "supplier":
                continue
            # Only the first done receipt from a supplier sets the origin of the lot.
            origin_vals = {}
            if not lot.receipt_date:
                origin_vals["receipt_date"] = ml.date or fields.Datetime.now()
            if not lot.supplier_id:
                supplier = ml._lot_recall_supplier()
                if supplier:
                    origin_vals["supplier_id"] = supplier.id
            if origin_vals:
                lot.write(origin_vals)
        return res
