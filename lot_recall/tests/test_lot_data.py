# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
from datetime import date, timedelta

from lxml import etree

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged
from odoo.tests.common import TransactionCase


@tagged("post_install", "-at_install")
class TestLotData(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stock_user = new_test_user(
            cls.env,
            login="ld_stock_user",
            groups="stock.group_stock_user,stock.group_production_lot",
        )
        cls.env = cls.env(user=cls.stock_user)
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.supplier_location = cls.env.ref("stock.stock_location_suppliers")
        cls.customer_location = cls.env.ref("stock.stock_location_customers")
        Partner = cls.env["res.partner"].sudo()
        cls.vendor = Partner.create({"name": "Mill & Co", "is_company": True})
        cls.vendor_contact = Partner.create({"name": "Mia Mill", "parent_id": cls.vendor.id})
        cls.other_vendor = Partner.create({"name": "Other Mill", "is_company": True})
        cls.customer = Partner.create({"name": "Knit Shop", "is_company": True})
        Product = cls.env["product.product"].sudo()
        cls.flour = Product.create({"name": "LD Flour", "is_storable": True, "tracking": "lot"})
        cls.yarn = Product.create(
            {
                "name": "LD Yarn",
                "is_storable": True,
                "tracking": "lot",
                "dye_lot_policy": "block",
            }
        )

    # ------------------------------------------------------------------ helpers
    def _receive(self, product, lines, partner=None, picking_type=None, validate=True):
        """Receive ``product`` the way a user does: a receipt form, then the move's detailed
        operations dialog to enter the lots, then Validate. ``lines`` are move line values."""
        picking_type = picking_type or self.warehouse.in_type_id
        picking_form = Form(
            self.env["stock.picking"].with_context(restricted_picking_type_code="incoming")
        )
        picking_form.picking_type_id = picking_type
        picking_form.partner_id = partner or self.vendor_contact
        with picking_form.move_ids_without_package.new() as move_form:
            move_form.product_id = product
            move_form.product_uom_qty = sum(line["quantity"] for line in lines)
        picking = picking_form.save()
        picking.action_confirm()
        move = picking.move_ids
        with Form(move, view="stock.view_stock_move_operations") as ops:
            while len(ops.move_line_ids):
                ops.move_line_ids.remove(index=0)
            for line in lines:
                with ops.move_line_ids.new() as ml_form:
                    for fname, value in line.items():
                        setattr(ml_form, fname, value)
        if validate:
            picking.button_validate()
            self.assertEqual(picking.state, "done")
        return picking

    def _put_in_stock(self, product, lot_vals, qty, in_date=None):
        lot = self.env["stock.lot"].create(dict(lot_vals, product_id=product.id))
        self.env["stock.quant"].sudo()._update_available_quantity(
            product, self.stock_location, qty, lot_id=lot, in_date=in_date
        )
        return lot

    def _delivery(self, product, qty):
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.out_type_id.id,
                "partner_id": self.customer.id,
                "location_id": self.stock_location.id,
                "location_dest_id": self.customer_location.id,
                "move_ids": [
                    fields.Command.create(
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": qty,
                            "product_uom": product.uom_id.id,
                            "location_id": self.stock_location.id,
                            "location_dest_id": self.customer_location.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        return picking

    # ------------------------------------------------------------------ receipts
    def test_receipt_creates_lots_with_supplier_data(self):
        picking = self._receive(
            self.flour,
            [
                {
                    "lot_name": "FL-A",
                    "quantity": 10,
                    "supplier_lot_ref": "  MILL-778 ",
                    "production_date": date(2026, 1, 5),
                },
                {"lot_name": "FL-B", "quantity": 5, "supplier_lot_ref": "MILL-779"},
            ],
        )
        lots = picking.move_line_ids.lot_id.sorted("name")
        self.assertEqual(lots.mapped("name"), ["FL-A", "FL-B"])
        self.assertEqual(lots.mapped("supplier_lot_ref"), ["MILL-778", "MILL-779"])
        self.assertEqual(lots[0].production_date, date(2026, 1, 5))
        self.assertFalse(lots[1].production_date)
        # the supplier is the company of the contact on the receipt
        self.assertEqual(lots.supplier_id, self.vendor)
        self.assertEqual(lots[0].receipt_date, picking.move_line_ids[0].date)
        self.assertTrue(lots[0].receipt_date)

    def test_manufacturer_defaults_from_product(self):
        maker = self.env["res.partner"].sudo().create({"name": "Roller Mills", "is_company": True})
        self.flour.sudo().lot_manufacturer_id = maker
        picking = self._receive(self.flour, [{"lot_name": "FL-MFR", "quantity": 3}])
        self.assertEqual(picking.move_line_ids.lot_id.manufacturer_id, maker)
        # Given explicitly (or cleared) on the lot, it wins.
        other = self.env["stock.lot"].create(
            {"name": "FL-MFR-2", "product_id": self.flour.id, "manufacturer_id": False}
        )
        self.assertFalse(other.manufacturer_id)

    def test_receipt_into_existing_lot_fills_empty_fields(self):
        lot = self.env["stock.lot"].create({"name": "FL-OLD", "product_id": self.flour.id})
        self.assertFalse(lot.supplier_id)
        self._receive(
            self.flour,
            [
                {
                    "lot_name": "FL-OLD",
                    "quantity": 3,
                    "supplier_lot_ref": "MILL-100",
                    "dye_lot": "D1",
                    "production_date": date(2026, 2, 1),
                }
            ],
        )
        self.assertRecordValues(
            lot,
            [
                {
                    "supplier_lot_ref": "MILL-100",
                    "dye_lot": "D1",
                    "production_date": date(2026, 2, 1),
                    "supplier_id": self.vendor.id,
                }
            ],
        )
        first_receipt_date = lot.receipt_date
        self.assertTrue(first_receipt_date)
        # a second receipt with the same values (or none) keeps everything, origin included
        self._receive(
            self.flour,
            [{"lot_name": "FL-OLD", "quantity": 2, "supplier_lot_ref": "MILL-100"}],
            partner=self.other_vendor,
        )
        self.assertEqual(lot.supplier_id, self.vendor)
        self.assertEqual(lot.receipt_date, first_receipt_date)
        self.assertEqual(lot.product_qty, 5)

    def test_receipt_conflicting_supplier_lot_raises(self):
        lot = self.env["stock.lot"].create(
            {"name": "FL-X", "product_id": self.flour.id, "supplier_lot_ref": "MILL-1"}
        )
        picking = self._receive(
            self.flour,
            [{"lot_name": "FL-X", "quantity": 1, "supplier_lot_ref": "MILL-2"}],
            validate=False,
        )
        with self.assertRaisesRegex(UserError, r"FL-X.*MILL-1.*MILL-2"):
            picking.button_validate()
        self.assertEqual(lot.supplier_lot_ref, "MILL-1")

    def test_receipt_conflicting_dye_lot_raises(self):
        self.env["stock.lot"].create({"name": "YR-X", "product_id": self.yarn.id, "dye_lot": "D7"})
        picking = self._receive(
            self.yarn,
            [{"lot_name": "YR-X", "quantity": 1, "dye_lot": "D8"}],
            validate=False,
        )
        with self.assertRaisesRegex(UserError, r"YR-X.*D7.*D8"):
            picking.button_validate()

    def test_two_step_reception(self):
        self.warehouse.sudo().reception_steps = "two_steps"
        picking = self._receive(
            self.flour, [{"lot_name": "FL-2S", "quantity": 4, "supplier_lot_ref": "MILL-2S"}]
        )
        lot = picking.move_line_ids.lot_id
        self.assertEqual(picking.location_dest_id, self.warehouse.wh_input_stock_loc_id)
        self.assertEqual(lot.supplier_id, self.vendor)
        receipt_date = lot.receipt_date
        self.assertTrue(receipt_date)
        internal = picking.move_ids.move_dest_ids.picking_id
        self.assertEqual(internal.picking_type_id, self.warehouse.store_type_id)
        internal.partner_id = self.other_vendor
        internal.action_assign()
        self.assertEqual(internal.move_line_ids.lot_id, lot)
        internal.button_validate()
        self.assertEqual(internal.state, "done")
        self.assertEqual(lot.supplier_id, self.vendor)
        self.assertEqual(lot.receipt_date, receipt_date)
        self.assertEqual(lot.supplier_lot_ref, "MILL-2S")

    def test_internal_move_does_not_set_origin(self):
        lot = self._put_in_stock(self.flour, {"name": "FL-INT"}, 5)
        internal = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.int_type_id.id,
                "partner_id": self.other_vendor.id,
                "location_id": self.stock_location.id,
                "location_dest_id": self.stock_location.id,
                "move_ids": [
                    fields.Command.create(
                        {
                            "name": "internal",
                            "product_id": self.flour.id,
                            "product_uom_qty": 5,
                            "location_id": self.stock_location.id,
                            "location_dest_id": self.stock_location.id,
                        }
                    )
                ],
            }
        )
        internal.action_confirm()
        internal.action_assign()
        internal.button_validate()
        self.assertEqual(internal.state, "done")
        self.assertFalse(lot.supplier_id)
        self.assertFalse(lot.receipt_date)

    # ------------------------------------------------------------------ dye lots
    def test_dye_lot_block_on_delivery(self):
        self._put_in_stock(self.yarn, {"name": "YR-1", "dye_lot": "D1"}, 3)
        self._put_in_stock(self.yarn, {"name": "YR-2", "dye_lot": "D2"}, 3)
        delivery = self._delivery(self.yarn, 5)
        self.assertEqual(set(delivery.move_line_ids.lot_id.mapped("dye_lot")), {"D1", "D2"})
        with self.assertRaisesRegex(UserError, r"D1, D2"):
            delivery.button_validate()
        self.assertNotEqual(delivery.state, "done")

    def test_dye_lot_warn_on_delivery(self):
        self.yarn.sudo().dye_lot_policy = "warn"
        self._put_in_stock(self.yarn, {"name": "YR-1", "dye_lot": "D1"}, 3)
        self._put_in_stock(self.yarn, {"name": "YR-2", "dye_lot": "D2"}, 3)
        delivery = self._delivery(self.yarn, 5)
        delivery.button_validate()
        self.assertEqual(delivery.state, "done")
        warning = delivery.message_ids.filtered(lambda m: "mixes dye lots" in (m.body or ""))
        self.assertEqual(len(warning), 1)
        self.assertIn("D1, D2", warning.body)

    def test_single_dye_lot_delivery_is_fine(self):
        self._put_in_stock(self.yarn, {"name": "YR-1", "dye_lot": "D1"}, 10)
        delivery = self._delivery(self.yarn, 5)
        delivery.button_validate()
        self.assertEqual(delivery.state, "done")

    def test_no_policy_ignores_dye_lots(self):
        self.yarn.sudo().dye_lot_policy = "none"
        self._put_in_stock(self.yarn, {"name": "YR-1", "dye_lot": "D1"}, 3)
        self._put_in_stock(self.yarn, {"name": "YR-2", "dye_lot": "D2"}, 3)
        delivery = self._delivery(self.yarn, 5)
        delivery.button_validate()
        self.assertEqual(delivery.state, "done")
        self.assertFalse(delivery.message_ids.filtered(lambda m: "dye lot" in (m.body or "")))

    def test_reservation_prefers_one_dye_lot(self):
        now = fields.Datetime.now()
        self._put_in_stock(
            self.yarn, {"name": "YR-OLD", "dye_lot": "D1"}, 3, in_date=now - timedelta(days=10)
        )
        big = self._put_in_stock(
            self.yarn, {"name": "YR-NEW", "dye_lot": "D2"}, 8, in_date=now - timedelta(days=1)
        )
        delivery = self._delivery(self.yarn, 5)
        self.assertEqual(delivery.state, "assigned")
        self.assertEqual(delivery.move_line_ids.lot_id, big)
        self.assertEqual(delivery.move_ids.quantity, 5)

    def test_reservation_without_policy_keeps_fifo(self):
        self.yarn.sudo().dye_lot_policy = "none"
        now = fields.Datetime.now()
        old = self._put_in_stock(
            self.yarn, {"name": "YR-OLD", "dye_lot": "D1"}, 3, in_date=now - timedelta(days=10)
        )
        new = self._put_in_stock(
            self.yarn, {"name": "YR-NEW", "dye_lot": "D2"}, 8, in_date=now - timedelta(days=1)
        )
        delivery = self._delivery(self.yarn, 5)
        self.assertEqual(delivery.move_line_ids.lot_id, old | new)

    def test_reservation_falls_back_when_no_dye_lot_covers(self):
        self.yarn.sudo().dye_lot_policy = "warn"
        self._put_in_stock(self.yarn, {"name": "YR-1", "dye_lot": "D1"}, 3)
        self._put_in_stock(self.yarn, {"name": "YR-2", "dye_lot": "D2"}, 3)
        delivery = self._delivery(self.yarn, 5)
        self.assertEqual(delivery.move_ids.quantity, 5)
        self.assertEqual(len(delivery.move_line_ids.lot_id), 2)

    # ------------------------------------------------------------------ search & access
    def test_name_search_by_supplier_lot_ref(self):
        lot = self.env["stock.lot"].create(
            {"name": "FL-SRCH", "product_id": self.flour.id, "supplier_lot_ref": "VEND-XYZ-42"}
        )
        found = self.env["stock.lot"].name_search("XYZ-42")
        self.assertEqual([lot_id for lot_id, _name in found], [lot.id])
        self.assertEqual(self.env["stock.lot"].search([("supplier_lot_ref", "ilike", "xyz")]), lot)

    def test_stock_user_reads_and_fills_fields(self):
        self.assertEqual(self.env.user, self.stock_user)
        lot = self.env["stock.lot"].create({"name": "FL-ACL", "product_id": self.flour.id})
        manufacturer = self.env["res.partner"].sudo().create({"name": "Maker", "is_company": True})
        with Form(lot) as lot_form:
            lot_form.supplier_lot_ref = "S-1"
            lot_form.manufacturer_id = manufacturer
            lot_form.production_date = date(2026, 3, 1)
            lot_form.dye_lot = "D9"
        self.assertRecordValues(
            lot,
            [
                {
                    "supplier_lot_ref": "S-1",
                    "manufacturer_id": manufacturer.id,
                    "production_date": date(2026, 3, 1),
                    "dye_lot": "D9",
                }
            ],
        )
        lot.supplier_id = self.vendor
        self.assertEqual(lot.read(["supplier_id"])[0]["supplier_id"][0], self.vendor.id)

    # ------------------------------------------------------------------ bad input
    def test_strings_are_stripped_and_empty_means_false(self):
        lot = self.env["stock.lot"].create(
            {
                "name": "FL-WS",
                "product_id": self.flour.id,
                "supplier_lot_ref": "   ",
                "dye_lot": "",
            }
        )
        self.assertFalse(lot.supplier_lot_ref)
        self.assertFalse(lot.dye_lot)
        lot.write({"supplier_lot_ref": "\tAB-1 \n", "dye_lot": " D3 "})
        self.assertEqual((lot.supplier_lot_ref, lot.dye_lot), ("AB-1", "D3"))
        picking = self._receive(
            self.flour, [{"lot_name": "FL-WS2", "quantity": 1, "supplier_lot_ref": "  "}]
        )
        self.assertFalse(picking.move_line_ids.supplier_lot_ref)
        self.assertFalse(picking.move_line_ids.lot_id.supplier_lot_ref)

    def test_long_refs_are_refused(self):
        with self.assertRaisesRegex(UserError, r"Supplier Lot.*65 characters.*at most 64"):
            self.env["stock.lot"].create(
                {"name": "FL-LONG", "product_id": self.flour.id, "supplier_lot_ref": "X" * 65}
            )
        lot = self.env["stock.lot"].create(
            {"name": "FL-64", "product_id": self.flour.id, "supplier_lot_ref": "Y" * 64}
        )
        self.assertEqual(len(lot.supplier_lot_ref), 64)
        with self.assertRaisesRegex(UserError, r"Dye Lot.*at most 64"):
            lot.dye_lot = "Z" * 100
        with self.assertRaisesRegex(UserError, r"at most 64"):
            self._receive(
                self.flour, [{"lot_name": "FL-L2", "quantity": 1, "supplier_lot_ref": "W" * 80}]
            )

    # ------------------------------------------------------------------ import
    IMPORT_FIELDS = [
        "name",
        "product_id",
        "supplier_lot_ref",
        "supplier_id",
        "production_date",
        "dye_lot",
        "expiration_date",
    ]

    def _import(self, content, file_type, file_name):
        importer = self.env["base_import.import"].create(
            {
                "res_model": "stock.lot",
                "file": content,
                "file_name": file_name,
                "file_type": file_type,
            }
        )
        options = {
            "has_headers": True,
            "quoting": '"',
            "separator": ",",
            "date_format": "%Y-%m-%d",
            "datetime_format": "%Y-%m-%d %H:%M:%S",
        }
        preview = importer.parse_preview(options)
        self.assertFalse(preview.get("error"), preview)
        result = importer.execute_import(self.IMPORT_FIELDS, self._rows()[0], options)
        self.assertFalse(result["messages"], result["messages"])
        return self.env["stock.lot"].browse(result["ids"])

    def _rows(self):
        return [
            ["Lot", "Product", "Supplier Lot", "Supplier", "Production Date", "Dye Lot", "Exp"],
            ["IMP-1", "LD Flour", " CSV-REF-1 ", "Mill & Co", "2026-01-10", "", ""],
            ["IMP-2", "LD Yarn", "CSV-REF-2", "Other Mill", "2026-01-11", "D5", ""],
        ]

    def _check_imported(self, lots):
        self.assertRecordValues(
            lots.sorted("name"),
            [
                {
                    "name": "IMP-1",
                    "product_id": self.flour.id,
                    "supplier_lot_ref": "CSV-REF-1",
                    "supplier_id": self.vendor.id,
                    "production_date": date(2026, 1, 10),
                    "dye_lot": False,
                },
                {
                    "name": "IMP-2",
                    "product_id": self.yarn.id,
                    "supplier_lot_ref": "CSV-REF-2",
                    "supplier_id": self.other_vendor.id,
                    "production_date": date(2026, 1, 11),
                    "dye_lot": "D5",
                },
            ],
        )

    def test_import_csv(self):
        lines = []
        for row in self._rows():
            lines.append(",".join(f'"{value}"' for value in row))
        lots = self._import("\n".join(lines).encode(), "text/csv", "lots.csv")
        self._check_imported(lots)

    def test_import_xlsx(self):
        import openpyxl

        workbook = openpyxl.Workbook()
        sheet = workbook.active
        for row in self._rows():
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        lots = self._import(
            buffer.getvalue(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "lots.xlsx",
        )
        self._check_imported(lots)

    def test_dropship_sets_origin(self):
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.in_type_id.id,
                "partner_id": self.vendor_contact.id,
                "location_id": self.supplier_location.id,
                "location_dest_id": self.customer_location.id,
                "move_ids": [
                    fields.Command.create(
                        {
                            "name": "dropship",
                            "product_id": self.flour.id,
                            "product_uom_qty": 2,
                            "location_id": self.supplier_location.id,
                            "location_dest_id": self.customer_location.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.move_ids.move_line_ids.write(
            {"lot_name": "FL-DROP", "quantity": 2, "supplier_lot_ref": "DS-1", "picked": True}
        )
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.assertRecordValues(
            picking.move_line_ids.lot_id,
            [{"name": "FL-DROP", "supplier_lot_ref": "DS-1", "supplier_id": self.vendor.id}],
        )
        self.assertTrue(picking.move_line_ids.lot_id.receipt_date)

    def _visible_names(self, model, view_type, view=None):
        """Names of the fields and filters a stock user sees in a view, as the web client gets
        it (``get_views``: groups applied), leaving out what is always invisible."""
        view_id = view and self.env.ref(view).id
        arch = self.env[model].get_views([(view_id, view_type)])["views"][view_type]["arch"]
        return {
            node.get("name")
            for node in etree.fromstring(arch).iter("field", "filter")
            if node.get("invisible") not in ("1", "True")
            and node.get("column_invisible") not in ("1", "True")
        }

    def test_views_show_lot_data(self):
        self.assertLessEqual(
            {
                "supplier_lot_ref",
                "supplier_id",
                "dye_lot",
                "expiring_soon",
                "expired",
                "group_by_supplier",
                "group_by_dye_lot",
            },
            self._visible_names("stock.lot", "search"),
        )
        self.assertLessEqual(
            {"supplier_lot_ref", "dye_lot", "production_date"},
            self._visible_names(
                "stock.move.line", "list", "stock.view_stock_move_line_detailed_operation_tree"
            ),
        )
        self.assertIn(
            "dye_lot_policy",
            self._visible_names("product.template", "form", "stock.view_template_property_form"),
        )
        # The lot form takes the lot data as a user types it.
        with Form(self.env["stock.lot"]) as lot_form:
            lot_form.name = "LD-VIEW-1"
            lot_form.product_id = self.flour
            lot_form.supplier_lot_ref = "  VIEW-REF "
            lot_form.dye_lot = "D-7"
            lot_form.manufacturer_id = self.vendor
            lot_form.production_date = date(2026, 1, 2)
        lot = lot_form.record
        self.assertEqual(
            (lot.supplier_lot_ref, lot.dye_lot, lot.manufacturer_id, lot.production_date),
            ("VIEW-REF", "D-7", self.vendor, date(2026, 1, 2)),
        )
