# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
import re
import subprocess

import lxml.html
from openpyxl import load_workbook

from odoo.exceptions import AccessError
from odoo.modules.migration import load_script
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import SQL

from .common import ManufacturingCase


@tagged("post_install", "-at_install")
class TestTraceUpstream(ManufacturingCase, HttpCase):
    """One step back through two manufacturing levels, with lots of two suppliers.

    Genealogy (-> is one manufacturing order)::

        FLOUR (Mill, MILL-A1, received twice) + SUGAR (Sugar Co, SC-77) -> BREAD
        BREAD + SALT (Sugar Co, SC-SALT-9)                               -> CAKE

    HttpCase: wkhtmltopdf fetches the report assets from the test server.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.tz = "UTC"
        cls.sugar_co = cls.env["res.partner"].create({"name": "Sugar Co", "is_company": True})
        cls.sugar, cls.salt, cls.cake = cls.env["product.product"].create(
            [
                {"name": "Sugar", "is_storable": True, "tracking": "lot"},
                {"name": "Salt", "is_storable": True, "tracking": "lot"},
                {"name": "Cake", "is_storable": True, "tracking": "lot"},
            ]
        )
        cls.flour_lot = cls._receive(cls.flour, "UP-FLOUR", 60, supplier_lot_ref="MILL-A1")
        cls.flour_receipts = cls._receipt_line(cls.flour_lot)
        cls.flour_receipts |= cls._receive_again(cls.flour_lot, 40, cls.supplier, "MILL-A1")
        cls.sugar_lot = cls._receive(cls.sugar, "UP-SUGAR", 50, cls.sugar_co, "SC-77")
        cls.salt_lot = cls._receive(cls.salt, "UP-SALT", 50, cls.sugar_co, "SC-SALT-9")
        cls.bread_mo = cls._manufacture(
            cls.bread, [(cls.flour_lot, 20), (cls.sugar_lot, 5)], "UP-BREAD", 20
        )
        cls.bread_lot = cls.bread_mo.lot_producing_id
        cls.cake_mo = cls._manufacture(
            cls.cake, [(cls.bread_lot, 10), (cls.salt_lot, 1)], "UP-CAKE", 10
        )
        cls.cake_lot = cls.cake_mo.lot_producing_id
        cls.stock_user = new_test_user(
            cls.env, login="lr_up_stock_user", groups="stock.group_stock_user", tz="UTC"
        )

    @classmethod
    def _receipt_line(cls, lot):
        return cls.env["stock.move.line"].search(
            [("lot_id", "=", lot.id), ("location_id", "=", cls.supplier_location.id)]
        )

    @classmethod
    def _receive_again(cls, lot, quantity, partner, supplier_lot_ref):
        """A second receipt of the existing ``lot``; returns its move line."""
        picking = cls._picking(
            cls.warehouse.in_type_id,
            partner,
            [(lot.product_id, quantity)],
            location=cls.supplier_location,
            location_dest=cls.stock_location,
        )
        picking.move_ids.move_line_ids.unlink()
        line = cls.env["stock.move.line"].create(
            {
                "move_id": picking.move_ids.id,
                "picking_id": picking.id,
                "product_id": lot.product_id.id,
                "lot_id": lot.id,
                "supplier_lot_ref": supplier_lot_ref,
                "quantity": quantity,
                "location_id": cls.supplier_location.id,
                "location_dest_id": cls.stock_location.id,
            }
        )
        picking.move_ids.picked = True
        picking.button_validate()
        return line

    def _finished_line(self, production):
        return production.move_finished_ids.move_line_ids

    def _upstream(self, lots):
        return self.env["lot.trace"]._trace_upstream(lots.ids, self.company.id)

    def _receipt_rows(self, result):
        return [
            (row["lot_id"], row["move_line_id"], row["partner_id"], row["supplier_lot_ref"])
            for row in result["receipts"]
        ]

    def _lot_row(self, lot, depth, made_lot=None, production=None, root=None):
        via = production and self._finished_line(production)
        return {
            "lot_id": lot.id,
            "depth": depth,
            "made_lot_id": made_lot.id if made_lot else None,
            "via_move_line_id": via.id if via else None,
            "via_reference": production.name if production else None,
            "root_lot_id": (root or lot).id,
        }

    def _expected_receipts(self, *lots):
        lines = self.env["stock.move.line"].concat(*(self._receipt_line(lot) for lot in lots))
        return [
            (
                line.lot_id.id,
                line.id,
                line.picking_id.partner_id.id,
                line.supplier_lot_ref or line.lot_id.supplier_lot_ref,
            )
            for line in lines.sorted(lambda line: (line.date, line.id))
        ]

    def test_upstream_through_two_manufacturing_levels(self):
        result = self._upstream(self.cake_lot)
        cake = self.cake_lot
        expected = [
            self._lot_row(cake, 0),
            self._lot_row(self.bread_lot, 1, cake, self.cake_mo, cake),
            self._lot_row(self.salt_lot, 1, cake, self.cake_mo, cake),
            self._lot_row(self.flour_lot, 2, self.bread_lot, self.bread_mo, cake),
            self._lot_row(self.sugar_lot, 2, self.bread_lot, self.bread_mo, cake),
        ]
        expected.sort(key=lambda row: (row["depth"], row["lot_id"]))
        self.assertEqual(result["lots"], expected)
        self.assertEqual(
            self._receipt_rows(result),
            self._expected_receipts(self.flour_lot, self.sugar_lot, self.salt_lot),
        )
        self.assertEqual(len(result["receipts"]), 4, "flour was received twice")
        flour_rows = [row for row in result["receipts"] if row["lot_id"] == self.flour_lot.id]
        self.assertEqual([row["quantity"] for row in flour_rows], [60, 40])
        self.assertEqual({row["product_id"] for row in flour_rows}, {self.flour.id})
        self.assertEqual(
            {row["partner_id"] for row in result["receipts"]}, {self.supplier.id, self.sugar_co.id}
        )
        # The downstream trace is the same walk the other way round.
        downstream = self.env["lot.trace"]._trace(self.flour_lot.ids, self.company.id)["lots"]
        self.assertEqual(
            {row["lot_id"]: row["depth"] for row in downstream},
            {self.flour_lot.id: 0, self.bread_lot.id: 1, cake.id: 2},
        )

    def test_bought_lot_gives_its_receipts(self):
        result = self._upstream(self.flour_lot)
        self.assertEqual(result["lots"], [self._lot_row(self.flour_lot, 0)])
        self.assertEqual(self._receipt_rows(result), self._expected_receipts(self.flour_lot))
        self.assertEqual(
            [row["supplier_lot_ref"] for row in result["receipts"]], ["MILL-A1", "MILL-A1"]
        )
        # Other companies' moves are never read.
        other = self.env["res.company"].create({"name": "Other Mill Co"})
        self.assertEqual(
            self.env["lot.trace"]._trace_upstream(self.flour_lot.ids, other.id)["receipts"], []
        )

    def test_cycle_each_lot_once(self):
        # Rework: bread milled back into the flour lot, flour -> bread -> flour.
        rework = self._manufacture(self.flour, [(self.bread_lot, 2)], self.flour_lot, 2)
        result = self._upstream(self.cake_lot)
        lots = [row["lot_id"] for row in result["lots"]]
        self.assertEqual(len(lots), len(set(lots)), "each lot once")
        self.assertEqual(
            set(lots),
            {self.cake_lot.id, self.bread_lot.id, self.salt_lot.id}
            | {self.flour_lot.id, self.sugar_lot.id},
        )
        self.assertEqual(len(result["receipts"]), 4)
        # From the flour: the bread it was reworked from, then the sugar in that bread; the
        # flour itself is not met again.
        result = self._upstream(self.flour_lot)
        self.assertEqual(
            result["lots"],
            [
                self._lot_row(self.flour_lot, 0),
                self._lot_row(self.bread_lot, 1, self.flour_lot, rework, self.flour_lot),
                self._lot_row(self.sugar_lot, 2, self.bread_lot, self.bread_mo, self.flour_lot),
            ],
        )
        self.assertEqual(
            self._receipt_rows(result), self._expected_receipts(self.flour_lot, self.sugar_lot)
        )

    def _origin_rows(self, html):
        """The rows of the Origin table ``html`` as lists of cell texts."""
        table = lxml.html.fromstring(html)
        return [
            [" ".join(cell.text_content().split()) for cell in row.findall("td")]
            for row in table.findall(".//tbody/tr")
        ]

    def test_origin_tab_rows(self):
        cake = self.cake_lot.with_user(self.stock_user)
        rows = self._origin_rows(cake.origin_html)
        flour_pickings = self.flour_receipts.picking_id.sorted("id")
        sugar_picking = self._receipt_line(self.sugar_lot).picking_id
        salt_picking = self._receipt_line(self.salt_lot).picking_id
        bread_mo, cake_mo = self.bread_mo.name, self.cake_mo.name
        day = self.flour_receipts[:1].date.strftime("%m/%d/%Y")
        mill, sugar_co = "Mill Supplies Ltd", "Sugar Co"
        self.assertEqual(
            [row[:7] for row in rows],
            [
                # Depth 1 by lot id: the salt (received before the bread was made), the bread.
                ["UP-SALT", "Salt", "UP-CAKE", cake_mo, sugar_co, "SC-SALT-9", salt_picking.name],
                ["UP-BREAD", "Bread Mix", "UP-CAKE", cake_mo, "", "", ""],
                *(
                    ["UP-FLOUR", "Flour 25 kg", "UP-BREAD", bread_mo, mill, "MILL-A1", picking.name]
                    for picking in flour_pickings
                ),
                ["UP-SUGAR", "Sugar", "UP-BREAD", bread_mo, sugar_co, "SC-77", sugar_picking.name],
            ],
        )
        self.assertEqual(
            [row[7:] for row in rows],
            [
                [day, "50.00 Units"],
                ["", ""],
                [day, "60.00 Units"],
                [day, "40.00 Units"],
                [day, "50.00 Units"],
            ],
        )
        # A bought lot: its own receipts.
        rows = self._origin_rows(self.sugar_lot.with_user(self.stock_user).origin_html)
        self.assertEqual(
            [row[:7] for row in rows],
            [["UP-SUGAR", "Sugar", "", "", "Sugar Co", "SC-77", sugar_picking.name]],
        )
        # The same rows on the lot form.
        self.assertIn("SC-SALT-9", cake.web_read({"origin_html": {}})[0]["origin_html"])

    def test_origin_access(self):
        reader = new_test_user(self.env, login="lr_up_reader", groups="base.group_user")
        self.env["ir.model.access"].create(
            {
                "name": "lot reader",
                "model_id": self.env.ref("stock.model_stock_lot").id,
                "group_id": self.env.ref("base.group_user").id,
                "perm_read": True,
            }
        )
        lot = self.cake_lot.with_user(reader)
        self.assertEqual(lot.name, "UP-CAKE")
        with self.assertRaises(AccessError):
            lot.read(["origin_html"])
        with self.assertRaises(AccessError):
            lot._lot_recall_origin_rows()
        # A stock user of another company only.
        other = self.env["res.company"].create({"name": "Other Mill Co"})
        outsider = new_test_user(
            self.env,
            login="lr_up_outsider",
            groups="stock.group_stock_user",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        self.cake_lot.company_id = self.company
        with self.assertRaises(AccessError):
            self.cake_lot.with_user(outsider)._lot_recall_origin_rows()

    def test_lot_trace_pdf_rows(self):
        content, _format = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("lot_recall.action_report_lot_trace", self.cake_lot.ids)
        )
        text = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
        ).stdout.decode()
        lines = [" ".join(line.split()) for line in text.splitlines()]
        day = self.flour_receipts[:1].date.strftime("%m/%d/%Y")
        # Long names wrap in their cells: each receipt's row holds at least its manufacturing
        # order, supplier lot, receipt and date on one line.
        expected = [
            (self.cake_mo.name, "SC-SALT-9", self._receipt_line(self.salt_lot)),
            (self.bread_mo.name, "MILL-A1", self.flour_receipts[0]),
            (self.bread_mo.name, "MILL-A1", self.flour_receipts[1]),
            (self.bread_mo.name, "SC-77", self._receipt_line(self.sugar_lot)),
        ]
        found = [
            line
            for line in lines
            for via, ref, receipt in expected
            if re.search(
                rf"{re.escape(via)} .*{ref} {re.escape(receipt.picking_id.name)} {day} ", line
            )
        ]
        self.assertEqual(len(found), 4, text)
        self.assertIn(f"UP-BREAD Bread Mix UP-CAKE {self.cake_mo.name}", lines)

    def _suppliers(self, recall):
        book = load_workbook(io.BytesIO(self.env["lot.recall.xlsx"]._recall_xlsx(recall)))
        rows = list(book["Suppliers"].iter_rows(values_only=True))
        header = rows[0]
        return header, sorted((row[1], row[3], row[8], row[9]) for row in rows[1:])

    def test_recall_suppliers_sheet(self):
        recall = self._recall_through_wizard(self.flour_lot, quarantine=False)
        self.assertEqual(recall.affected_lot_ids, self.flour_lot | self.bread_lot | self.cake_lot)
        header, rows = self._suppliers(recall)
        self.assertEqual(
            header[:10],
            (
                "Supplier",
                "Lot",
                "Product",
                "Supplier Lot",
                "Receipt",
                "Receipt Date",
                "Quantity",
                "Unit",
                "Input Of Affected Lot",
                "Recalled Lineage",
            ),
        )
        # Lot, supplier lot, the affected lot it is behind, recalled lineage.
        self.assertEqual(
            rows,
            [
                ("UP-FLOUR", "MILL-A1", "UP-FLOUR", "Yes"),
                ("UP-FLOUR", "MILL-A1", "UP-FLOUR", "Yes"),
                ("UP-SALT", "SC-SALT-9", "UP-CAKE", "No"),
                ("UP-SUGAR", "SC-77", "UP-BREAD", "No"),
            ],
        )
        self.assertEqual(len(recall.upstream_ids), 4)

    def test_recall_of_a_made_lot_marks_what_went_into_it(self):
        recall = self._recall_through_wizard(self.bread_lot, quarantine=False)
        self.assertEqual(recall.affected_lot_ids, self.bread_lot | self.cake_lot)
        _header, rows = self._suppliers(recall)
        self.assertEqual(
            rows,
            [
                ("UP-FLOUR", "MILL-A1", "UP-BREAD", "Yes"),
                ("UP-FLOUR", "MILL-A1", "UP-BREAD", "Yes"),
                ("UP-SALT", "SC-SALT-9", "UP-CAKE", "No"),
                ("UP-SUGAR", "SC-77", "UP-BREAD", "Yes"),
            ],
        )
        # A re-trace that finds the same rows leaves them alone.
        stored = recall.upstream_ids
        recall.with_user(self.recall_manager).action_trace()
        self.assertEqual(recall.upstream_ids, stored)
        # Without the lots made from it: the receipts behind the recalled lot only.
        recall.with_user(self.recall_manager).action_cancel()
        recall = self._recall_through_wizard(
            self.bread_lot, quarantine=False, include_derived=False
        )
        _header, rows = self._suppliers(recall)
        self.assertEqual(
            [row[:2] for row in rows],
            [("UP-FLOUR", "MILL-A1"), ("UP-FLOUR", "MILL-A1"), ("UP-SUGAR", "SC-77")],
        )

    def test_rows_stored_before_the_upgrade(self):
        """Supplier rows stored before the affected lot and the lineage were recorded (receipts
        of the recalled lots only) get them from the 18.0.1.3.0 pre-migration."""
        recall = self._recall_through_wizard(
            self.sugar_lot, quarantine=False, include_derived=False
        )
        Upstream = self.env["lot.recall.upstream"]
        Upstream.flush_model()
        self.env.cr.execute(
            SQL(
                "ALTER TABLE lot_recall_upstream DROP COLUMN affected_lot_id,"
                " DROP COLUMN recalled_lineage"
            )
        )
        script = load_script("lot_recall/migrations/18.0.1.3.0/pre-migrate.py", "lot_recall_1_3")
        script.migrate(self.env.cr, "18.0.1.2.0")
        Upstream.invalidate_model()
        self.assertEqual(
            [
                (row.lot_id, row.affected_lot_id, row.recalled_lineage)
                for row in recall.upstream_ids
            ],
            [(self.sugar_lot, self.sugar_lot, True)],
        )
