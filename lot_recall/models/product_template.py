# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    dye_lot_policy = fields.Selection(
        [
            ("none", "No Check"),
            ("warn", "Warn"),
            ("block", "Block"),
        ],
        default="none",
        required=True,
        help="What happens when a delivery ships more than one dye lot (colour batch) of this "
        "product:\n"
        "No Check: nothing, dye lots are ignored.\n"
        "Warn: the delivery is validated and a warning is posted on it.\n"
        "Block: the delivery cannot be validated.\n"
        "With Warn or Block, reservation also prefers a single dye lot that covers the whole "
        "demand.",
    )
    lot_manufacturer_id = fields.Many2one(
        "res.partner",
        string="Manufacturer",
        help="Company that manufactures this product: new lots of the product get it as their "
        "manufacturer.",
    )
    lot_name_from_supplier = fields.Boolean(
        string="Supplier's Lot Numbers",
        help="Our lot numbers of this product are the supplier's: a scanned GS1 barcode's "
        "batch/lot (AI 10) also names the lot received, not only its supplier lot.",
    )
    # FSMA 204 product description (21 CFR 1.1310): where they apply, with the product name
    # and its packaging, in the traceability request's spreadsheet.
    fsma_brand = fields.Char(
        string="Brand", help="Brand name, as in the FSMA 204 product description."
    )
    fsma_commodity = fields.Char(
        string="Commodity", help="Commodity (e.g. leafy greens, soft cheese), for FSMA 204."
    )
    fsma_variety = fields.Char(string="Variety", help="Variety (e.g. Romaine), for FSMA 204.")
