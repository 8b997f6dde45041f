# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import io
import json
from datetime import datetime, timedelta

from openpyxl import load_workbook

from odoo import fields
from odoo.tests import tagged

from .common import ManufacturingCase

PRODUCT = ("Product Name", "Brand", "Commodity", "Variety", "Packaging Size", "Packaging Style")
PLACE = ("Business Name", "Phone", "Street Address", "City", "State or Region")
PLACE += ("ZIP or Postal Code", "Country")
TRANSFORMATION_HEADERS = [
    "Input Traceability Lot Code",
    *(f"Input {title}" for title in PRODUCT),
    "Input Quantity",
    "Input Unit of Measure",
    "New Traceability Lot Code",
    *(f"Transformation Location - {title}" for title in PLACE),
    "Date Transformation Completed",
    *(f"Output {title}" for title in PRODUCT),
    "Output Quantity",
    "Output Unit of Measure",
    "Reference Document Type",
    "Reference Document Number",
]


@tagged("post_install", "-at_install")
class TestTraceRequestMrp(ManufacturingCase):
    """The Transformation tab and the TransformationEvents of a traceability request, from
    real manufacturing orders."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("web.base.url", "https://odoo.example.com")
        cls.flour_lot = cls._receive(cls.flour, "FL-M1", 100)
        cls.salt = cls.env["product.product"].create(
            {"name": "Salt", "is_storable": True, "tracking": "lot"}
        )
        cls.salt_lot = cls._receive(cls.salt, "SALT-1", 10)
        cls.production = cls._manufacture(
            cls.bread, [(cls.flour_lot, 40), (cls.salt_lot, 2)], "BREAD-M1", 10, lines=2
        )
        cls.bread_lot = cls.production.lot_producing_id
        cls.delivery = cls._deliver(cls.customer_a, cls.bread, cls.bread_lot, 5)

    def _export(self, **values):
        today = fields.Date.context_today(self.env["lot.trace.request"])
        request = (
            self.env["lot.trace.request"]
            .with_user(self.recall_user)
            .create({"date_from": today - timedelta(days=1), "date_to": today} | values)
        )
        request.action_export()
        files = {att.name: base64.b64decode(att.datas) for att in request.export_attachment_ids}
        workbook = load_workbook(io.BytesIO(files[f"{request.name}.xlsx"]))
        return workbook, json.loads(files[f"{request.name}.epcis.json"])

    def _rows(self, sheet):
        return [list(row) for row in sheet.iter_rows(values_only=True)]

    def test_transformation_tab(self):
        workbook, _document = self._export(product_ids=[(6, 0, self.bread.ids)])
        self.assertEqual(workbook.sheetnames, ["Receiving", "Transformation", "Shipping", "Gaps"])
        rows = self._rows(workbook["Transformation"])
        self.assertEqual(rows[0], TRANSFORMATION_HEADERS)
        by_input = {row[0]: dict(zip(TRANSFORMATION_HEADERS, row, strict=True)) for row in rows[1:]}
        self.assertEqual(set(by_input), {"FL-M1", "SALT-1"}, "one row per input lot")
        flour = by_input["FL-M1"]
        self.assertEqual(flour["Input Product Name"], "Flour 25 kg")
        self.assertEqual(flour["Input Quantity"], 40, "the input lot's two lines, summed")
        self.assertEqual(flour["Input Unit of Measure"], "Units")
        self.assertEqual(flour["New Traceability Lot Code"], "BREAD-M1")
        self.assertEqual(flour["Output Product Name"], "Bread Mix")
        self.assertEqual(flour["Output Quantity"], 10)
        self.assertIsInstance(flour["Date Transformation Completed"], datetime)
        self.assertEqual(flour["Reference Document Type"], "Manufacturing Order")
        self.assertEqual(flour["Reference Document Number"], self.production.name)
        self.assertEqual(by_input["SALT-1"]["Input Quantity"], 2)
        self.assertEqual(len(self._rows(workbook["Receiving"])), 1, "bread is never received")
        self.assertEqual(len(self._rows(workbook["Shipping"])), 2)

    def test_input_lot_scope(self):
        """A request about the flour lot finds its receipt and the order that consumed it, not
        the bread's deliveries (another lot)."""
        workbook, _document = self._export(lot_ids=[(6, 0, self.flour_lot.ids)])
        self.assertEqual(len(self._rows(workbook["Receiving"])), 2)
        self.assertEqual(len(self._rows(workbook["Transformation"])), 3, "both inputs listed")
        self.assertEqual(len(self._rows(workbook["Shipping"])), 1)

    def test_transformation_event(self):
        _workbook, document = self._export(product_ids=[(6, 0, self.bread.ids)])
        events = document["epcisBody"]["eventList"]
        self.assertEqual(
            sorted(event["type"] for event in events), ["ObjectEvent", "TransformationEvent"]
        )
        [transformation] = [e for e in events if e["type"] == "TransformationEvent"]
        self.assertNotIn("action", transformation, "a TransformationEvent has no action")
        self.assertEqual(transformation["bizStep"], "commissioning")
        self.assertEqual(transformation["disposition"], "active")
        self.assertRegex(transformation["eventTimeZoneOffset"], r"^[+-]\d\d:\d\d$")
        base = "https://odoo.example.com/lot_recall/id"
        self.assertEqual(
            sorted(transformation["inputQuantityList"], key=lambda q: q["epcClass"]),
            sorted(
                [
                    {"epcClass": f"{base}/product/{self.flour.id}/lot/FL-M1", "quantity": 40.0},
                    {"epcClass": f"{base}/product/{self.salt.id}/lot/SALT-1", "quantity": 2.0},
                ],
                key=lambda q: q["epcClass"],
            ),
        )
        self.assertEqual(
            transformation["outputQuantityList"],
            [{"epcClass": f"{base}/product/{self.bread.id}/lot/BREAD-M1", "quantity": 10.0}],
        )
        self.assertEqual(
            transformation["bizTransactionList"],
            [
                {
                    "type": "prodorder",
                    "bizTransaction": f"{base}/transaction/"
                    + self.production.name.replace("/", "%2F"),
                }
            ],
        )
