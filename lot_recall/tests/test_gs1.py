# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import xmlrpc.client
from datetime import date, datetime

from odoo.exceptions import UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from ..tools.gs1 import gs1_lot_ref, normalize_gtin, parse_gs1
from .common import LotRecallCase, jsonrpc_execute_kw

# The example GTIN of GS1's Digital Link standard and of the issue (EAN-13 9506000134352), and
# the GTIN-14 of a case of it (indicator digit 1).
GTIN = "09506000134352"
CASE_GTIN = "19506000134359"
GS = "\x1d"


@tagged("post_install", "-at_install")
class TestGs1(LotRecallCase, HttpCase):
    """GS1 barcodes scanned into receipt lines and lots: the reader (biip), the values they
    give, and the inverse that applies them for every caller (ORM, form, import, RPC)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tz="Europe/Brussels"))
        cls.env.user.tz = "Europe/Brussels"
        cls.env.user.groups_id += cls.env.ref("stock.group_production_lot")
        cls.milk = cls.env["product.product"].create(
            {
                "name": "UHT Milk 1 l",
                "is_storable": True,
                "tracking": "lot",
                "use_expiration_date": True,
                "removal_time": 5,
                "alert_time": 7,
                "barcode": GTIN[1:],
                "lot_name_from_supplier": True,
            }
        )
        cls.env["product.packaging"].create(
            {"name": "Case of 12", "product_id": cls.milk.id, "qty": 12, "barcode": CASE_GTIN}
        )
        cls.flour.barcode = "4006381333931"
        cls.pump = cls.env["product.product"].create(
            {"name": "Infusion Pump", "is_storable": True, "tracking": "serial"}
        )
        cls.stock_user = new_test_user(
            cls.env,
            login="lr_gs1_stock",
            groups="stock.group_stock_user,stock.group_production_lot",
            tz="Europe/Brussels",
        )

    def _receipt_line(self, product, quantity=10):
        picking = self._picking(
            self.warehouse.in_type_id,
            self.supplier,
            [(product, quantity)],
            location=self.supplier_location,
            location_dest=self.stock_location,
        )
        return picking.move_line_ids

    # -- The reader ---------------------------------------------------------------------------

    def test_element_strings(self):
        """The GS1 General Specifications' forms of one barcode read alike: AIs in parentheses,
        raw with the FNC1 separator as GS, "#" or "Alt029" (keyboard wedges), after a
        symbology identifier, and as a GS1 Digital Link URI."""
        expected = {
            "gtin": GTIN,
            "lot": "ABC123",
            "expiration_date": date(2027, 12, 31),
            "use_date": date(2027, 11, 30),
            "production_date": date(2026, 1, 15),
        }
        for scan in (
            f"(01){GTIN}(11)260115(15)271130(17)271231(10)ABC123",
            f"01{GTIN}10ABC123{GS}112601151527113017271231",
            f"]C101{GTIN}10ABC123#112601151527113017271231",
            f"]d201{GTIN}10ABC123Alt029112601151527113017271231",
            f"https://id.example.com/01/{GTIN}/10/ABC123?11=260115&15=271130&17=271231",
        ):
            with self.subTest(scan=scan):
                self.assertEqual(parse_gs1(self.env, scan), expected)

    def test_label_without_separator(self):
        """A real label (biip's documentation, GS1 Norway): fixed-length AIs first, the
        variable-length batch last, no separator needed."""
        self.assertEqual(
            parse_gs1(self.env, "010703206980498815210526100329"),
            {"gtin": "07032069804988", "use_date": date(2021, 5, 26), "lot": "0329"},
        )

    def test_day_00_is_end_of_month(self):
        self.assertEqual(
            parse_gs1(self.env, "(17)280200(15)270400")["expiration_date"], date(2028, 2, 29)
        )
        self.assertEqual(parse_gs1(self.env, "(17)280200(15)270400")["use_date"], date(2027, 4, 30))

    def test_invalid_barcodes(self):
        """What GS1 rejects is a clear error naming the fault, never a traceback."""
        for scan, message in (
            (f"(01){GTIN[:-1]}3(10)ABC123", "check digit of GTIN 09506000134353"),
            (f"01{GTIN[:-1]}310ABC123", "check digit of GTIN 09506000134353"),
            (f"https://id.example.com/01/{GTIN[:-1]}3/10/A", "check digit of GTIN"),
            ("(17)270231", "“270231” is not a date for AI \\(17\\)"),
            ("(11)261301", "not a GS1 barcode that can be read"),
            (f"(01){GTIN}(89)X", "Unknown GS1 Application Identifier '89'"),
            (f"01{GTIN}8912", "not a GS1 barcode that can be read"),
            ("(10)A1(10)B2", "AI \\(10\\) BATCH/LOT twice with different values \\(A1, B2\\)"),
            ("SUP-777", "“SUP-777” is not a GS1 barcode that can be read"),
            ("(30)12", "carries no GTIN, batch/lot"),
            ("https://example.com/products/42", "not a GS1 barcode that can be read"),
        ):
            with self.subTest(scan=scan), self.assertRaisesRegex(UserError, message):
                parse_gs1(self.env, scan)

    def test_gs1_lot_ref(self):
        """The supplier recall intake's reader: the AI 10 of a GS1 barcode, None otherwise."""
        for text, lot in (
            (f"(01){GTIN}(10)ABC123", "ABC123"),
            (f"01{GTIN}10ABC123{GS}17271231", "ABC123"),
            (f"https://id.example.com/01/{GTIN}/10/ABC123?17=271231", "ABC123"),
            (f"]C110ABC123{GS}", "ABC123"),
            ("SUP-777", None),
            ("10-2024", None),
            ("1012345", None),
            ("", None),
            (None, None),
            (f"(01){GTIN}(17)271231", None),
            (f"(01){GTIN[:-1]}3(10)ABC123", None),
            ("(17)270231(10)X", None),
            # A label's barcode scanned without separators starts with the GTIN; numeric
            # supplier references that merely read as AIs stay plain references.
            (f"01{GTIN}17271231104711", "4711"),
            ("17240630104711", None),
            ("1125010110123", None),
            ("1524061210A", None),
        ):
            with self.subTest(text=text):
                self.assertEqual(gs1_lot_ref(text), lot)

    def test_normalize_gtin(self):
        self.assertEqual(normalize_gtin("9506000134352"), GTIN)
        self.assertEqual(normalize_gtin("614141123452"), "00614141123452")
        self.assertEqual(normalize_gtin("96385074"), "00000096385074")
        self.assertIsNone(normalize_gtin("FLOUR-25"))
        self.assertIsNone(normalize_gtin("123456789"))

    # -- Receipts -----------------------------------------------------------------------------

    def test_receipt_creates_the_lot_from_the_scan(self):
        """A real receipt: the scan fills the line (EAN-13 barcode of the product = the GTIN-14
        scanned), validating it creates the lot with the supplier's data."""
        line = self._receipt_line(self.milk)
        line.gs1_scan = f"]d201{GTIN}10L2026-07{GS}112601151527113017271231"
        self.assertRecordValues(
            line,
            [
                {
                    "lot_name": "L2026-07",
                    "supplier_lot_ref": "L2026-07",
                    "production_date": date(2026, 1, 15),
                    "expiration_date": datetime(2027, 12, 30, 23),
                    "use_date": datetime(2027, 11, 29, 23),
                }
            ],
        )
        line.picking_id.move_ids.picked = True
        line.picking_id.button_validate()
        self.assertEqual(line.picking_id.state, "done")
        self.assertRecordValues(
            line.lot_id,
            [
                {
                    "name": "L2026-07",
                    "supplier_lot_ref": "L2026-07",
                    "supplier_id": self.supplier.id,
                    "production_date": date(2026, 1, 15),
                    "expiration_date": datetime(2027, 12, 30, 23),
                    "use_date": datetime(2027, 11, 29, 23),
                    # As product_expiry computes them from the expiration date (FEFO, alerts).
                    "removal_date": datetime(2027, 12, 25, 23),
                    "alert_date": datetime(2027, 12, 23, 23),
                }
            ],
        )

    def test_receipt_of_a_case_without_supplier_lot_names(self):
        """A case's GTIN (a packaging barcode) is the product's; without the product setting
        the lot keeps our own number and the supplier's batch is its supplier lot."""
        self.milk.lot_name_from_supplier = False
        line = self._receipt_line(self.milk, 12)
        line.write({"lot_name": "OUR-0001", "gs1_scan": f"(01){CASE_GTIN}(10)SUP-42(17)270600"})
        line.picking_id.move_ids.picked = True
        line.picking_id.button_validate()
        self.assertRecordValues(
            line.lot_id,
            [
                {
                    "name": "OUR-0001",
                    "supplier_lot_ref": "SUP-42",
                    "expiration_date": datetime(2027, 6, 29, 22),
                }
            ],
        )

    def test_line_created_with_a_scan(self):
        """A line created with the scan (an import, an RPC client) keeps the scanned dates over
        the expiration date product_expiry computes for new receipt lines."""
        picking = self._receipt_line(self.milk).picking_id
        picking.move_line_ids.unlink()
        line = self.env["stock.move.line"].create(
            {
                "move_id": picking.move_ids.id,
                "picking_id": picking.id,
                "product_id": self.milk.id,
                "quantity": 10,
                "location_id": self.supplier_location.id,
                "location_dest_id": self.stock_location.id,
                "gs1_scan": f"(01){GTIN}(10)NEW-1(17)271231",
            }
        )
        self.env.flush_all()
        line.invalidate_recordset()
        self.assertRecordValues(
            line,
            [
                {
                    "lot_name": "NEW-1",
                    "supplier_lot_ref": "NEW-1",
                    "expiration_date": datetime(2027, 12, 30, 23),
                    "gs1_scan": False,
                }
            ],
        )

    def test_serial_numbers_name_the_serials(self):
        line = self._receipt_line(self.pump, 1)
        line.gs1_scan = "(01)09506000134352(10)B7(21)SN-0001"
        self.assertRecordValues(line, [{"lot_name": "SN-0001", "supplier_lot_ref": "B7"}])

    def test_wrong_gtin_writes_nothing(self):
        line = self._receipt_line(self.flour)
        line.supplier_lot_ref = "BEFORE"
        with self.assertRaisesRegex(
            UserError,
            "The scanned GTIN 09506000134352 is not a GTIN of Flour 25 kg \\(4006381333931\\)",
        ):
            line.gs1_scan = f"(01){GTIN}(10)ABC123(17)271231"
        self.assertRecordValues(line, [{"supplier_lot_ref": "BEFORE", "lot_name": False}])

    def test_several_lines_are_all_checked_before_any_is_written(self):
        line_milk = self._receipt_line(self.milk)
        line_flour = self._receipt_line(self.flour)
        lines = line_milk | line_flour
        with self.assertRaisesRegex(UserError, "not a GTIN of Flour 25 kg"):
            lines.write({"gs1_scan": f"(01){GTIN}(10)ABC123"})
        self.assertFalse(line_milk.supplier_lot_ref)

    def test_done_line_refuses_a_scan(self):
        line = self._receipt_line(self.milk)
        line.lot_name = "DONE-1"
        line.picking_id.move_ids.picked = True
        line.picking_id.button_validate()
        with self.assertRaisesRegex(UserError, "scan GS1 barcodes before"):
            line.gs1_scan = f"(01){GTIN}(10)LATE"
        self.assertFalse(line.lot_id.supplier_lot_ref)

    def test_line_onchange_shows_the_values_at_once(self):
        """What the detailed operations list calls when the scan is typed: the values come
        back for the form to show, the scan field empty for the next scan."""
        line = self._receipt_line(self.milk)
        result = line.onchange(
            {"gs1_scan": f"(01){GTIN}(10)ON-1(17)271231"},
            ["gs1_scan"],
            {
                "gs1_scan": {},
                "product_id": {},
                "lot_name": {},
                "supplier_lot_ref": {},
                "expiration_date": {},
            },
        )
        self.assertEqual(
            result["value"],
            {
                "gs1_scan": False,
                "lot_name": "ON-1",
                "supplier_lot_ref": "ON-1",
                "expiration_date": datetime(2027, 12, 30, 23),
            },
        )
        self.assertFalse(line.supplier_lot_ref, "an onchange writes nothing")

    # -- Lots ---------------------------------------------------------------------------------

    def test_lot_write(self):
        lot = self.env["stock.lot"].create({"name": "OURS-7", "product_id": self.milk.id})
        self.milk.lot_name_from_supplier = False
        lot.gs1_scan = "(01)09506000134352(10)S-9(11)260301(15)270800"
        self.assertRecordValues(
            lot,
            [
                {
                    "name": "OURS-7",
                    "supplier_lot_ref": "S-9",
                    "production_date": date(2026, 3, 1),
                    "use_date": datetime(2027, 8, 30, 22),
                }
            ],
        )

    def test_received_lot_keeps_its_batch(self):
        """A lot that has moved is the batch it was received as: a scan of another batch is
        refused, one of the same batch only fills what the lot lacks."""
        line = self._receipt_line(self.milk)
        line.gs1_scan = f"(01){GTIN}(10)REC-1(17)271231"
        line.picking_id.move_ids.picked = True
        line.picking_id.button_validate()
        lot = line.lot_id
        with self.assertRaisesRegex(UserError, "REC-1 has moved already: .*OTHER"):
            lot.gs1_scan = f"(01){GTIN}(10)OTHER(17)281231"
        self.assertRecordValues(lot, [{"name": "REC-1", "supplier_lot_ref": "REC-1"}])
        lot.gs1_scan = f"(01){GTIN}(10)REC-1(11)260301(17)281231"
        self.assertRecordValues(
            lot,
            [
                {
                    "name": "REC-1",
                    "production_date": date(2026, 3, 1),
                    "expiration_date": datetime(2027, 12, 30, 23),
                }
            ],
        )

    def test_lot_form(self):
        with Form(self.env["stock.lot"]) as form:
            form.product_id = self.milk
            form.gs1_scan = f"https://id.example.com/01/{GTIN}/10/DL-5?17=280100"
            self.assertEqual(form.name, "DL-5")
            self.assertEqual(form.supplier_lot_ref, "DL-5")
            self.assertEqual(form.expiration_date, datetime(2028, 1, 30, 23))
            self.assertFalse(form.gs1_scan)
        lot = form.record
        self.assertRecordValues(
            lot,
            [
                {
                    "name": "DL-5",
                    "supplier_lot_ref": "DL-5",
                    "expiration_date": datetime(2028, 1, 30, 23),
                }
            ],
        )

    def test_lot_form_needs_the_product_first(self):
        with Form(self.env["stock.lot"]) as form:
            with self.assertRaisesRegex(UserError, "Choose the product before scanning"):
                form.gs1_scan = f"(01){GTIN}(10)NOPROD"
            form.product_id = self.milk
            form.name = "NOPROD-OURS"

    def test_lot_import(self):
        result = self.env["stock.lot"].load(
            ["name", "product_id/.id", "gs1_scan"],
            [["IMP-1", str(self.flour.id), "(01)04006381333931(10)FL-3(11)260201"]],
        )
        self.assertFalse(result["messages"])
        lot = self.env["stock.lot"].browse(result["ids"])
        self.assertRecordValues(
            lot,
            [{"name": "IMP-1", "supplier_lot_ref": "FL-3", "production_date": date(2026, 2, 1)}],
        )

    # -- Every caller: RPC over HTTP as a stock user ------------------------------------------

    def test_rpc_as_stock_user(self):
        """xmlrpc and jsonrpc writes of the scan run the inverse in the server: the line is
        filled; a wrong GTIN is refused with a UserError and writes nothing."""
        line = self._receipt_line(self.milk)
        lot = self.env["stock.lot"].create({"name": "RPC-LOT", "product_id": self.flour.id})
        login = self.stock_user.login
        self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            self.stock_user.id,
            login,
            "stock.move.line",
            "write",
            # XML 1.0 cannot carry the GS character: XML-RPC clients send "#" or "Alt029".
            [line.ids, {"gs1_scan": f"01{GTIN}10X-RPC#17271231"}],
        )
        line.invalidate_recordset()
        self.assertRecordValues(
            line,
            [
                {
                    "lot_name": "X-RPC",
                    "supplier_lot_ref": "X-RPC",
                    "expiration_date": datetime(2027, 12, 30, 23),
                }
            ],
        )
        with self.assertRaisesRegex(xmlrpc.client.Fault, "is not a GTIN of Flour 25 kg"):
            self.xmlrpc_object.execute_kw(
                self.env.cr.dbname,
                self.stock_user.id,
                login,
                "stock.lot",
                "write",
                [lot.ids, {"gs1_scan": f"(01){GTIN}(10)NO"}],
            )
        answer = jsonrpc_execute_kw(
            self,
            self.stock_user.id,
            login,
            "stock.lot",
            "write",
            [lot.ids, {"gs1_scan": f"010400638133393110J-1{GS}15270400"}],
        )
        self.assertNotIn("error", answer)
        lot.invalidate_recordset()
        self.assertRecordValues(
            lot, [{"supplier_lot_ref": "J-1", "use_date": datetime(2027, 4, 29, 22)}]
        )
