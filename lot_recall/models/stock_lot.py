# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

LOT_REF_MAX_LENGTH = 64
LOT_REF_FIELDS = ("supplier_lot_ref", "dye_lot")


def clean_lot_refs(records, vals):
    """Normalise the supplier lot reference and dye lot in ``vals`` (in place).

    Surrounding whitespace is stripped, empty strings become ``False`` and values longer than
    ``LOT_REF_MAX_LENGTH`` characters raise a ``UserError``.
    """
    for fname in LOT_REF_FIELDS:
        if fname not in vals:
            continue
        value = vals[fname]
        if not value:
            vals[fname] = False
            continue
        value = str(value).strip()
        if len(value) > LOT_REF_MAX_LENGTH:
            raise UserError(
                records.env._(
                    "The %(field)s “%(value)s” is %(length)s characters long; "
                    "at most %(max)s characters are allowed.",
                    field=records._fields[fname].get_description(records.env)["string"],
                    value=value,
                    length=len(value),
                    max=LOT_REF_MAX_LENGTH,
                )
            )
        vals[fname] = value or False
    return vals


class StockLot(models.Model):
    _inherit = "stock.lot"
    _rec_names_search = ["name", "ref", "supplier_lot_ref"]

    supplier_lot_ref = fields.Char(
        string="Supplier Lot",
        index="trigram",
        tracking=True,
        help="The lot number printed by the supplier on the goods received.",
    )
    supplier_id = fields.Many2one(
        "res.partner",
        index="btree_not_null",
        tracking=True,
        help="Vendor this lot was received from: set by its first done receipt.",
    )
    manufacturer_id = fields.Many2one(
        "res.partner",
        index="btree_not_null",
        help="Company that manufactured the goods of this lot.",
    )
    production_date = fields.Date(help="Date on which the goods were manufactured or packed.")
    receipt_date = fields.Datetime(
        readonly=True,
        copy=False,
        help="Date of the first done receipt of this lot from a supplier.",
    )
    dye_lot = fields.Char(
        index=True,
        tracking=True,
        help="Dye lot (colour batch) of the goods: goods of different dye lots may differ "
        "slightly in colour.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            clean_lot_refs(self, vals)
        return super().create(vals_list)

    def write(self, vals):
        clean_lot_refs(self, vals)
        return super().write(vals)

    def _lot_recall_merge_receipt_values(self, values, source):
        """Fill this lot's empty fields with ``values`` received on ``source`` (a move line).

        A non-empty supplier lot reference or dye lot that differs from the one already on the
        lot is a mistake on the receipt: it raises instead of overwriting the lot.
        """
        self.ensure_one()
        to_write = {}
        for fname, value in values.items():
            if not value:
                continue
            current = self[fname]
            if not current:
                to_write[fname] = value
            elif fname in LOT_REF_FIELDS and current != value:
                raise UserError(
                    self.env._(
                        "Lot %(lot)s of %(product)s already has the %(field)s “%(current)s”, "
                        "but %(document)s records “%(new)s”. Correct the receipt line or the lot.",
                        lot=self.name,
                        product=self.product_id.display_name,
                        field=self._fields[fname].get_description(self.env)["string"],
                        current=current,
                        new=value,
                        document=source.picking_id.name or source.reference or source.display_name,
                    )
                )
        if to_write:
            self.write(to_write)
