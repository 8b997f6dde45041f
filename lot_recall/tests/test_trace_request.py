# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import io
import json
import re
from datetime import datetime, timedelta

from freezegun import freeze_time
from openpyxl import load_workbook

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from ..reports.epcis import EPCIS_CONTEXT
from .common import LotRecallCase, jsonrpc_execute_kw

PLACE = ("Business Name", "Phone", "Street Address", "City", "State or Region")
PLACE += ("ZIP or Postal Code", "Country")
PRODUCT = ("Product Name", "Brand", "Commodity", "Variety", "Packaging Size", "Packaging Style")


def place_headers(group):
    return [f"{group} - {title}" for title in PLACE]


def ship_or_receive_headers(other, ours, date_title):
    return [
        "Traceability Lot Code",
        "Quantity",
        "Unit of Measure",
        *PRODUCT,
        *place_headers(other),
        *place_headers(ours),
        date_title,
        *place_headers("Traceability Lot Code Source"),
        "Reference Document Type",
        "Reference Document Number",
    ]


RECEIVING_HEADERS = ship_or_receive_headers(
    "Immediate Previous Source", "Receiving Location", "Date Received"
)
SHIPPING_HEADERS = ship_or_receive_headers(
    "Immediate Subsequent Recipient", "Ship-From Location", "Date Shipped"
)
# EPCIS 2.0: timestamps with a time zone, offsets as +HH:MM, GS1 Digital Link of a lot.
EPCIS_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
OFFSET = re.compile(r"^[+-]\d\d:\d\d$")
DIGITAL_LINK_LOT = re.compile(r"^https://id\.gs1\.org/01/(\d{14})/10/([^/]+)$")
CBV_BIZ_STEPS = {"receiving", "shipping", "commissioning"}
CBV_DISPOSITIONS = {"in_progress", "in_transit", "active"}
CBV_BTT = {"recadv", "desadv", "prodorder"}


@tagged("post_install", "-at_install")
class TestTraceRequest(LotRecallCase, HttpCase):
    """Traceability requests over real receipts, deliveries and returns: the FSMA 204
    spreadsheet and the EPCIS 2.0 document read back, the 24-hour clock, the guards and the
    access of each role (also over JSON-RPC)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("web.base.url", "https://odoo.example.com")
        cls.warehouse.partner_id = cls.env["res.partner"].create(
            {
                "name": "Riverside Warehouse",
                "is_company": True,
                "phone": "+1 555 0100",
                "street": "1 Dock Road",
                "city": "Springfield",
                "zip": "62701",
                "country_id": cls.env.ref("base.us").id,
                "state_id": cls.env.ref("base.state_us_14").id,
            }
        )
        # A GTIN-13 with its check digit: the product's lots get GS1 Digital Links.
        cls.flour.write(
            {
                "barcode": "4006381333931",
                "fsma_brand": "Millstone",
                "fsma_commodity": "Wheat flour",
                "fsma_variety": "Soft red winter",
            }
        )
        cls.customer_a.write({"phone": "+1 555 0101", "street": "2 Main St", "city": "Salem"})
        cls.lot = cls._receive(cls.flour, "FL-0001", 100)
        cls.receipt = cls.env["stock.picking"].search(
            [("move_line_ids.lot_id", "=", cls.lot.id), ("picking_type_code", "=", "incoming")]
        )
        cls.delivery_a = cls._deliver(cls.customer_a, cls.flour, cls.lot, 30)
        cls.delivery_b = cls._deliver(cls.customer_b, cls.flour, cls.lot, 20)
        cls._return(cls.delivery_a, 5)
        # Another product, out of the request's scope.
        bread_lot = cls._receive(cls.bread, "BR-0001", 50)
        cls._deliver(cls.customer_c, cls.bread, bread_lot, 10)
        cls.stock_user = new_test_user(
            cls.env, login="lr_trq_stock", groups="stock.group_stock_user"
        )
        cls.other_company = cls.env["res.company"].create({"name": "Trace Request Other Co"})
        cls.other_user = new_test_user(
            cls.env,
            login="lr_trq_other",
            groups="lot_recall.group_recall_user",
            company_id=cls.other_company.id,
            company_ids=[(6, 0, cls.other_company.ids)],
        )

    def _request(self, user=None, **values):
        today = fields.Date.context_today(self.env["lot.trace.request"])
        return (
            self.env["lot.trace.request"]
            .with_user(user or self.recall_user)
            .create(
                {
                    "requester_id": self.customer_c.id,
                    "product_ids": [(6, 0, self.flour.ids)],
                    "date_from": today - timedelta(days=1),
                    "date_to": today,
                }
                | values
            )
        )

    def _files(self, request):
        files = {att.name: base64.b64decode(att.datas) for att in request.export_attachment_ids}
        self.assertEqual(set(files), {f"{request.name}.xlsx", f"{request.name}.epcis.json"})
        workbook = load_workbook(io.BytesIO(files[f"{request.name}.xlsx"]))
        return workbook, json.loads(files[f"{request.name}.epcis.json"])

    def _sheet_rows(self, sheet):
        return [list(row) for row in sheet.iter_rows(values_only=True)]

    def test_export_spreadsheet_tabs_and_rows(self):
        request = self._request()
        self.assertRegex(request.name, r"^TRQ/\d{4}/\d{4}$")
        self.assertEqual(request.due_at, request.received_at + timedelta(hours=24))
        request.action_export()
        self.assertEqual(request.state, "done")
        self.assertTrue(request.done_at)
        workbook, _epcis = self._files(request)
        with_mrp = "mrp.production" in self.env
        expected_tabs = ["Receiving", "Shipping", "Gaps"]
        if with_mrp:
            expected_tabs.insert(1, "Transformation")
        self.assertEqual(workbook.sheetnames, expected_tabs)

        receiving = self._sheet_rows(workbook["Receiving"])
        self.assertEqual(receiving[0], RECEIVING_HEADERS)
        self.assertEqual(len(receiving), 2, "one row per receipt and lot, the bread left out")
        row = dict(zip(RECEIVING_HEADERS, receiving[1], strict=True))
        self.assertEqual(row["Traceability Lot Code"], "FL-0001")
        self.assertEqual(row["Quantity"], 100)
        self.assertEqual(row["Unit of Measure"], "Units")
        self.assertEqual(row["Product Name"], "Flour 25 kg")
        self.assertEqual(row["Brand"], "Millstone")
        self.assertEqual(row["Commodity"], "Wheat flour")
        self.assertEqual(row["Variety"], "Soft red winter")
        self.assertEqual(row["Immediate Previous Source - Business Name"], "Mill Supplies Ltd")
        self.assertIsNone(row["Immediate Previous Source - Phone"])
        self.assertEqual(row["Receiving Location - Business Name"], "Riverside Warehouse")
        self.assertEqual(row["Receiving Location - State or Region"], "Illinois")
        self.assertEqual(row["Receiving Location - Country"], "United States")
        self.assertIsInstance(row["Date Received"], datetime)
        # The lot came from the supplier: it is where its code was assigned.
        self.assertEqual(row["Traceability Lot Code Source - Business Name"], "Mill Supplies Ltd")
        self.assertEqual(row["Reference Document Type"], "Receipt")
        self.assertEqual(row["Reference Document Number"], self.receipt.name)

        shipping = self._sheet_rows(workbook["Shipping"])
        self.assertEqual(shipping[0], SHIPPING_HEADERS)
        by_ref = {line[-1]: dict(zip(SHIPPING_HEADERS, line, strict=True)) for line in shipping[1:]}
        self.assertEqual(set(by_ref), {self.delivery_a.name, self.delivery_b.name})
        ship_a = by_ref[self.delivery_a.name]
        self.assertEqual(ship_a["Quantity"], 30, "the customer's return is no shipment")
        self.assertEqual(ship_a["Immediate Subsequent Recipient - Business Name"], "Alpha Foods")
        self.assertEqual(ship_a["Immediate Subsequent Recipient - Street Address"], "2 Main St")
        self.assertEqual(ship_a["Ship-From Location - Business Name"], "Riverside Warehouse")
        self.assertEqual(ship_a["Reference Document Type"], "Delivery Order")
        self.assertEqual(by_ref[self.delivery_b.name]["Quantity"], 20)
        # Real values, never formulas; dates as dates.
        for line in workbook["Shipping"].iter_rows(min_row=2):
            for cell in line:
                self.assertNotEqual(cell.data_type, "f")
            self.assertEqual(line[1].data_type, "n")
            self.assertTrue(line[SHIPPING_HEADERS.index("Date Shipped")].is_date)
        self.assertEqual(workbook["Shipping"].auto_filter.ref[:2], "A1")

    def test_export_gaps(self):
        request = self._request()
        request.action_export()
        workbook, _epcis = self._files(request)
        gaps = self._sheet_rows(workbook["Gaps"])
        self.assertEqual(gaps[0], ["Tab", "Record", "Key Data Element", "What Is Missing"])
        self.assertIn(
            [
                "Receiving",
                self.receipt.name,
                "Immediate Previous Source - Phone",
                f"receipt {self.receipt.name}: supplier Mill Supplies Ltd has no phone",
            ],
            gaps,
        )
        self.assertIn(
            [
                "Shipping",
                self.delivery_b.name,
                "Immediate Subsequent Recipient - City",
                f"delivery {self.delivery_b.name}: recipient Beta Bakery has no city",
            ],
            gaps,
        )
        complete = [gap for gap in gaps if gap[1] == self.delivery_a.name]
        self.assertNotIn("Immediate Subsequent Recipient - Phone", [gap[2] for gap in complete])
        self.assertNotIn("Ship-From Location - Phone", [gap[2] for gap in gaps])

    def test_export_epcis_document(self):
        request = self._request()
        request.action_export()
        _workbook, document = self._files(request)
        self.assertEqual(document["@context"], [EPCIS_CONTEXT])
        self.assertEqual(
            EPCIS_CONTEXT, "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
        )
        self.assertEqual(document["type"], "EPCISDocument")
        self.assertEqual(document["schemaVersion"], "2.0")
        self.assertRegex(document["creationDate"], EPCIS_TIME)
        events = document["epcisBody"]["eventList"]
        self.assertEqual([event["type"] for event in events], ["ObjectEvent"] * 3)
        self.assertEqual(
            [event["bizStep"] for event in events], ["receiving", "shipping", "shipping"]
        )
        base = "https://odoo.example.com/lot_recall/id"
        company_party = f"{base}/party/{self.warehouse.partner_id.id}"
        for event in events:
            with self.subTest(event=event["bizTransactionList"]):
                self.assertRegex(event["eventTime"], EPCIS_TIME)
                self.assertRegex(event["eventTimeZoneOffset"], OFFSET)
                self.assertEqual(event["action"], "OBSERVE")
                self.assertIn(event["bizStep"], CBV_BIZ_STEPS)
                self.assertIn(event["disposition"], CBV_DISPOSITIONS)
                self.assertNotIn("epcList", event)
                [quantity] = event["quantityList"]
                self.assertEqual(
                    DIGITAL_LINK_LOT.match(quantity["epcClass"]).groups(),
                    ("04006381333931", "FL-0001"),
                )
                self.assertIsInstance(quantity["quantity"], float)
                self.assertNotIn("uom", quantity, "a count of units has no unit")
                [transaction] = event["bizTransactionList"]
                self.assertIn(transaction["type"], CBV_BTT)
                self.assertTrue(transaction["bizTransaction"].startswith(f"{base}/transaction/"))
                self.assertEqual(event["bizLocation"]["id"][: len(base)], base)
        receipt, shipped_a, shipped_b = events
        self.assertEqual(receipt["quantityList"][0]["quantity"], 100.0)
        self.assertEqual(
            receipt["sourceList"],
            [{"type": "owning_party", "source": f"{base}/party/{self.supplier.id}"}],
        )
        self.assertEqual(
            receipt["destinationList"], [{"type": "owning_party", "destination": company_party}]
        )
        self.assertEqual(
            receipt["bizTransactionList"],
            [
                {
                    "type": "recadv",
                    "bizTransaction": f"{base}/transaction/{self.receipt.name.replace('/', '%2F')}",
                }
            ],
        )
        destinations = {
            event["destinationList"][0]["destination"]: event["quantityList"][0]["quantity"]
            for event in (shipped_a, shipped_b)
        }
        self.assertEqual(
            destinations,
            {
                f"{base}/party/{self.customer_a.id}": 30.0,
                f"{base}/party/{self.customer_b.id}": 20.0,
            },
        )
        self.assertEqual(
            shipped_a["sourceList"][0], {"type": "owning_party", "source": company_party}
        )
        self.assertEqual(shipped_a["bizTransactionList"][0]["type"], "desadv")

    def test_identifiers_without_gtin_and_units_with_a_code(self):
        kg = self.env.ref("uom.product_uom_kgm")
        sugar = self.env["product.product"].create(
            {
                "name": "Sugar",
                "is_storable": True,
                "tracking": "lot",
                "uom_id": kg.id,
                "uom_po_id": kg.id,
                "barcode": "12345",  # no GTIN
            }
        )
        lot = self._receive(sugar, "SU 01/A", 12.5)
        request = self._request(product_ids=[(6, 0, sugar.ids)], lot_ids=[(6, 0, lot.ids)])
        request.action_export()
        _workbook, document = self._files(request)
        [event] = document["epcisBody"]["eventList"]
        self.assertEqual(
            event["quantityList"],
            [
                {
                    "epcClass": f"https://odoo.example.com/lot_recall/id/product/{sugar.id}"
                    "/lot/SU%2001%2FA",
                    "quantity": 12.5,
                    "uom": "KGM",
                }
            ],
        )

    def test_reexport_replaces_files(self):
        request = self._request()
        request.action_export()
        first_ids = request.export_attachment_ids.ids
        done_at = request.done_at
        self._deliver(self.customer_c, self.flour, self.lot, 7)
        with freeze_time(fields.Datetime.now() + timedelta(hours=1)):
            request.action_export()
        self.assertEqual(request.export_attachment_ids.ids, first_ids)
        self.assertEqual(
            self.env["ir.attachment"].search_count(
                [("res_model", "=", "lot.trace.request"), ("res_id", "=", request.id)]
            ),
            2,
        )
        self.assertEqual(request.done_at, done_at, "the first export stopped the clock")
        workbook, document = self._files(request)
        self.assertEqual(len(self._sheet_rows(workbook["Shipping"])), 4)
        self.assertEqual(len(document["epcisBody"]["eventList"]), 4)

    def test_clock_and_overdue_filter(self):
        now = fields.Datetime.now()
        with freeze_time(now):
            late = self._request(received_at=now - timedelta(hours=30))
            soon = self._request(received_at=now - timedelta(hours=20))
            Request = self.env["lot.trace.request"].with_user(self.recall_user)
            self.assertTrue(late.is_overdue)
            self.assertAlmostEqual(late.hours_left, -6, places=3)
            self.assertFalse(soon.is_overdue)
            self.assertAlmostEqual(soon.hours_left, 4, places=3)
            overdue = Request.search([("is_overdue", "=", True), ("id", "in", (late | soon).ids)])
            self.assertEqual(overdue, late)
            on_time = Request.search([("is_overdue", "=", False), ("id", "in", (late | soon).ids)])
            self.assertEqual(on_time, soon)
            soon.action_export()
            self.assertAlmostEqual(soon.hours_left, 4, places=3, msg="hours to spare")
            late.action_export()
            self.assertFalse(late.is_overdue)
            self.assertEqual(late.state, "done")

    def test_guards_and_evidence(self):
        request = self._request()
        for values in (
            {"state": "done"},
            {"done_at": fields.Datetime.now()},
            {"name": "TRQ/forged"},
            {"export_attachment_ids": [(5,)]},
        ):
            with self.subTest(values=values), self.assertRaises(AccessError):
                request.write(values)
        with self.assertRaises(AccessError):
            self._request(state="done")
        with self.assertRaises(UserError):
            request.write({"date_from": request.date_to + timedelta(days=1)})
        draft = self._request()
        draft.unlink()
        request.action_export()
        for user in (self.recall_user, self.recall_manager):
            with self.assertRaises(UserError):
                request.with_user(user).unlink()
        with self.assertRaises(UserError):
            request.sudo().unlink()
        self.assertTrue(request.exists())
        # Its files too: neither deleted nor replaced but by Export.
        files = request.export_attachment_ids.with_user(self.recall_manager)
        with self.assertRaises(AccessError):
            files[0].write({"raw": b"forged"})
        with self.assertRaises(UserError):
            files.unlink()
        with self.assertRaises(UserError):
            files.sudo().unlink()
        self.assertEqual(len(request.export_attachment_ids.exists()), 2)
        # Other files of the request (chatter attachments) are the user's.
        note = (
            self.env["ir.attachment"]
            .with_user(self.recall_user)
            .create(
                {
                    "name": "letter.pdf",
                    "raw": b"%PDF",
                    "res_model": request._name,
                    "res_id": request.id,
                }
            )
        )
        note.write({"name": "FDA letter.pdf"})
        note.unlink()

    def test_access_by_role(self):
        request = self._request()
        with self.assertRaises(AccessError):
            self._request(user=self.stock_user)
        with self.assertRaises(AccessError):
            request.with_user(self.stock_user).read(["name"])
        with self.assertRaises(AccessError):
            request.with_user(self.stock_user).action_export()
        other = self.env["lot.trace.request"].with_user(self.other_user)
        self.assertFalse(other.search([("id", "=", request.id)]))
        with self.assertRaises(AccessError):
            request.with_user(self.other_user).read(["name"])
        with self.assertRaises(AccessError):
            request.with_user(self.other_user).action_export()
        # A request of the other company never reads this company's moves.
        theirs = self._request(user=self.other_user, product_ids=[(5,)])
        theirs.action_export()
        workbook, document = self._files(theirs)
        self.assertEqual(len(self._sheet_rows(workbook["Shipping"])), 1)
        self.assertEqual(document["epcisBody"]["eventList"], [])

    def test_rpc_over_http(self):
        request = self._request()
        login = self.recall_user.login
        answer = jsonrpc_execute_kw(
            self, self.recall_user.id, login, "lot.trace.request", "write",
            [request.ids, {"state": "done"}],
        )  # fmt: skip
        self.assertEqual(answer["error"]["data"]["name"], "odoo.exceptions.AccessError")
        answer = jsonrpc_execute_kw(
            self, self.stock_user.id, self.stock_user.login, "lot.trace.request",
            "action_export", [request.ids],
        )  # fmt: skip
        self.assertEqual(answer["error"]["data"]["name"], "odoo.exceptions.AccessError")
        self.assertEqual(request.state, "draft")
        answer = jsonrpc_execute_kw(
            self, self.recall_user.id, login, "lot.trace.request", "action_export", [request.ids]
        )
        self.assertNotIn("error", answer)
        request.invalidate_recordset()
        self.assertEqual(request.state, "done")
        self.assertEqual(len(request.export_attachment_ids), 2)

    def test_from_lot_and_from_recall(self):
        action = self.lot.with_user(self.recall_user).action_open_trace_request()
        self.assertEqual(action["res_model"], "lot.trace.request")
        self.assertEqual(action["context"]["default_lot_ids"], self.lot.ids)
        requests = (
            self.env["lot.trace.request"]
            .with_user(self.recall_user)
            .with_context(**action["context"])
        )
        # The user's today (their time zone, as the form's defaults): between 23:00 and
        # midnight UTC, the administrator's is already tomorrow.
        today = fields.Date.context_today(requests)
        form = Form(requests)
        self.assertEqual(form.date_from, today)
        self.assertEqual(form.date_to, today)
        request = form.save()
        request.action_export()
        workbook, _document = self._files(request)
        self.assertEqual(len(self._sheet_rows(workbook["Receiving"])), 2)
        self.assertEqual(len(self._sheet_rows(workbook["Shipping"])), 3)

        recall = self._recall_through_wizard(self.lot, quarantine=False)
        action = recall.with_user(self.recall_user).action_open_trace_request()
        self.assertEqual(action["context"]["default_recall_id"], recall.id)
        self.assertEqual(
            set(action["context"]["default_lot_ids"]), set(recall.affected_lot_ids.ids)
        )
        request = Form(
            self.env["lot.trace.request"]
            .with_user(self.recall_user)
            .with_context(**action["context"])
        ).save()
        self.assertEqual(request.recall_id, recall)
        self.assertEqual(request.kind, "internal")
        self.assertEqual((request.date_from, request.date_to), (today, today))
