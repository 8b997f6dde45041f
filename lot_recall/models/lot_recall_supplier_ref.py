# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL, index_exists

SUPPLIER_REF_RESULTS = [
    ("found", "Found"),
    ("not_received", "Not Received From This Supplier"),
    ("other_supplier", "Another Supplier's Lot"),
]
# The lot dates a supplier recalls by ("best before between ... and ...", "produced on ...").
SUPPLIER_DATE_FIELDS = [
    ("expiration_date", "Expiration Date"),
    ("use_date", "Best Before Date"),
    ("production_date", "Production Date"),
]
MATCHED_AS = [
    ("vendor", "Vendor"),
    ("manufacturer", "Manufacturer"),
    ("both", "Vendor and Manufacturer"),
]


class LotRecallSupplierRef(models.Model):
    """One reference of a supplier's recall notice and what it resolved to, as the supplier
    recall intake (``lot.recall.wizard``) found it when the recall was created: one of our lots
    received from the supplier, a lot of another supplier with the same reference, or nothing
    (a reference never received from this supplier, kept so that nothing is dropped silently).

    Written by the wizard only (read-only access rights), read by the recall form, the recall
    report and the export.
    """

    _name = "lot.recall.supplier.ref"
    _description = "Recall Supplier Reference"
    _order = "recall_id, sequence, id"

    recall_id = fields.Many2one(
        "lot.recall", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="recall_id.company_id", store=True, index=True)
    sequence = fields.Integer(readonly=True)
    name = fields.Char(
        string="Supplier's Reference",
        required=True,
        readonly=True,
        help="The lot reference as the supplier's notice gives it.",
    )
    result = fields.Selection(SUPPLIER_REF_RESULTS, required=True, readonly=True)
    lot_id = fields.Many2one("stock.lot", string="Our Lot", index="btree_not_null", readonly=True)
    product_id = fields.Many2one(related="lot_id.product_id")
    matched_as = fields.Selection(
        MATCHED_AS,
        string="Supplier Is",
        readonly=True,
        help="Whether the supplier is the vendor we received the lot from, its manufacturer, or "
        "both.",
    )
    lot_supplier_id = fields.Many2one(
        "res.partner",
        string="Lot's Supplier",
        readonly=True,
        help="The vendor (else the manufacturer) of a lot of another supplier with this reference.",
    )
    quantity_received = fields.Float(
        string="Received", digits="Product Unit of Measure", readonly=True
    )
    receipt_date = fields.Datetime(string="Received On", readonly=True)

    def init(self):
        # The intake compares thousands of pasted references with the supplier lot references
        # of lots and receipt lines, ends stripped and case ignored, in one statement: an
        # index on that expression answers it without reading every lot and move line. After
        # every model's columns exist (stock.move.line's column is added after this model).
        self.pool.post_init(self._create_supplier_ref_indexes)

    def _create_supplier_ref_indexes(self):
        for table, name in (
            ("stock_lot", "lot_recall_stock_lot_supplier_ref_key_idx"),
            ("stock_move_line", "lot_recall_stock_move_line_supplier_ref_key_idx"),
        ):
            if not index_exists(self.env.cr, name):
                self.env.cr.execute(
                    SQL(
                        "CREATE INDEX %s ON %s (lower(btrim(supplier_lot_ref)))"
                        " WHERE supplier_lot_ref IS NOT NULL",
                        SQL.identifier(name),
                        SQL.identifier(table),
                    )
                )
