# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
from datetime import datetime

from openpyxl import load_workbook

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import LotRecallCase


@tagged("post_install", "-at_install")
class TestRecallLots(LotRecallCase):
    """The trace of a recall is stored once (affected lots, supplier receipts, deliveries) and
    every export reads those rows, never the engine again."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.tz = "UTC"
        cls.kitchen = cls.env["stock.location"].create(
            {
                "name": "Test Kitchen",
                "usage": "production",
                "location_id": cls.env.ref("stock.stock_location_locations_virtual").id,
            }
        )
        cls.lot = cls._receive(cls.flour, "RL-0001", 100, supplier_lot_ref="MILL-RL-1")
        cls.receipt_line = cls.env["stock.move.line"].search([("lot_id", "=", cls.lot.id)])
        cls.receipt_line.date = datetime(2020, 10, 1, 8, 0)
        cls.mix_line = cls._make_from(cls.lot, cls.bread, "RL-MIX-1", 20, "Batch RL-1")
        cls.mix_lot = cls.mix_line.lot_id
        cls._deliver(cls.customer_a, cls.flour, cls.lot, 10)
        cls._deliver(cls.customer_b, cls.bread, cls.mix_lot, 5)

    @classmethod
    def _make_from(cls, lot, product, new_lot_name, quantity, reference):
        """Make ``quantity`` of a new lot of ``product`` from ``lot`` as a manufacturing order
        does (stock only): the component line into a production location, the finished line
        out of it, linked by ``stock_move_line_consume_rel``. Return the finished move line."""
        new_lot = cls.env["stock.lot"].create({"name": new_lot_name, "product_id": product.id})
        lines = cls.env["stock.move.line"]
        for move_product, move_lot, source, destination in (
            (lot.product_id, lot, cls.stock_location, cls.kitchen),
            (product, new_lot, cls.kitchen, cls.stock_location),
        ):
            move = cls.env["stock.move"].create(
                {
                    "name": reference,
                    "product_id": move_product.id,
                    "product_uom_qty": quantity,
                    "product_uom": move_product.uom_id.id,
                    "location_id": source.id,
                    "location_dest_id": destination.id,
                }
            )
            move._action_confirm()
            move.move_line_ids.unlink()
            line = cls.env["stock.move.line"].create(
                {
                    "move_id": move.id,
                    "product_id": move_product.id,
                    "lot_id": move_lot.id,
                    "quantity": quantity,
                    "location_id": source.id,
                    "location_dest_id": destination.id,
                }
            )
            move.picked = True
            move._action_done()
            lines |= line
        component_line, finished_line = lines
        finished_line.consume_line_ids = [Command.link(component_line.id)]
        return finished_line

    def _rows(self, recall):
        return [
            (
                row.lot_id.name,
                row.depth,
                row.parent_lot_id.name or None,
                row.via_move_line_id.id or None,
                row.via_reference or None,
            )
            for row in recall.trace_lot_ids.sorted(lambda row: (row.depth, row.lot_id.name))
        ]

    def _sheets(self, recall, user):
        """The Lots, Suppliers and Shipments sheets of the recall's export, as ``user``."""
        content = self.env["lot.recall.xlsx"].with_user(user)._recall_xlsx(recall.with_user(user))
        book = load_workbook(io.BytesIO(content))
        return {
            name: list(book[name].iter_rows(values_only=True))
            for name in ("Lots", "Suppliers", "Shipments")
        }

    def test_trace_writes_one_row_per_affected_lot_and_receipt(self):
        recall = self._recall_through_wizard(self.lot, quarantine=False)
        self.assertEqual(
            self._rows(recall),
            [
                ("RL-0001", 0, None, None, None),
                ("RL-MIX-1", 1, "RL-0001", self.mix_line.id, "Batch RL-1"),
            ],
        )
        # The affected lots of the recall (and their recall flag) are those rows' lots.
        self.assertEqual(recall.affected_lot_ids, recall.trace_lot_ids.lot_id)
        self.assertEqual(recall.affected_lot_count, 2)
        self.assertTrue(self.mix_lot.is_recalled)
        self.assertEqual(self.mix_lot.recall_ids, recall)
        self.assertEqual(recall.trace_lot_ids.company_id, self.company)
        receipt = recall.upstream_ids
        self.assertEqual(len(receipt), 1)
        self.assertEqual(
            (
                receipt.lot_id,
                receipt.partner_id,
                receipt.supplier_lot_ref,
                receipt.quantity,
                receipt.date,
                receipt.move_line_id,
                receipt.picking_id,
            ),
            (
                self.lot,
                self.supplier,
                "MILL-RL-1",
                100.0,
                datetime(2020, 10, 1, 8, 0),
                self.receipt_line,
                self.receipt_line.picking_id,
            ),
        )

    def test_without_derived_lots_one_row(self):
        recall = self._recall_through_wizard(self.lot, quarantine=False, include_derived=False)
        self.assertEqual(self._rows(recall), [("RL-0001", 0, None, None, None)])
        self.assertEqual(recall.affected_lot_ids, self.lot)
        self.assertFalse(self.mix_lot.is_recalled)

    def test_export_reads_the_stored_trace_until_traced_again(self):
        # A drill: it blocks no stock, so the recalled lot can still be used and shipped.
        recall = self._recall_through_wizard(self.lot, is_mock=True)
        before = self._sheets(recall, self.recall_user)
        self.assertEqual(
            [row[:5] for row in before["Lots"][1:]],
            [
                ("RL-0001", "Flour 25 kg", 0, None, None),
                ("RL-MIX-1", "Bread Mix", 1, "RL-0001", "Batch RL-1"),
            ],
        )
        self.assertEqual(len(before["Suppliers"]), 2)
        self.assertEqual(len(before["Shipments"]), 3)

        # Later: a second lot made from the recalled lot, a second receipt of it, a delivery.
        self._make_from(self.lot, self.bread, "RL-MIX-2", 10, "Batch RL-2")
        second_receipt = self._picking(
            self.warehouse.in_type_id,
            self.supplier,
            [(self.flour, 7)],
            location=self.supplier_location,
            location_dest=self.stock_location,
        )
        self._set_lot(second_receipt, self.lot, 7)
        second_receipt.button_validate()
        self._deliver(self.customer_c, self.flour, self.lot, 3)
        trace = self.env["lot.trace"]._trace(self.lot.ids, self.company.id)
        self.assertEqual((len(trace["lots"]), len(trace["upstream"])), (3, 2))

        # The export still tells the recall's last trace, on every sheet alike.
        self.assertEqual(self._sheets(recall, self.recall_user), before)

        recall.action_trace()
        after = self._sheets(recall, self.recall_user)
        self.assertEqual([row[0] for row in after["Lots"][1:]], ["RL-0001", "RL-MIX-1", "RL-MIX-2"])
        self.assertEqual(after["Lots"][3][2:5], (1, "RL-0001", "Batch RL-2"))
        self.assertEqual(
            [(row[1], row[6]) for row in after["Suppliers"][1:]],
            [("RL-0001", 100), ("RL-0001", 7)],
        )
        self.assertEqual(len(after["Shipments"]), 4)

    def test_retrace_never_duplicates_rows(self):
        recall = self._recall_through_wizard(self.lot, is_mock=True)
        first_rows, first_receipts = recall.trace_lot_ids, recall.upstream_ids
        recall.action_trace()
        recall.action_trace()
        # The same rows found again are kept, never duplicated.
        self.assertEqual(recall.trace_lot_ids, first_rows)
        self.assertEqual(recall.upstream_ids, first_receipts)
        self.assertEqual(len(recall.trace_lot_ids), 2)
        self.assertEqual(len(recall.upstream_ids), 1)
        stored = self.env["lot.recall.lot"].search([("recall_id", "=", recall.id)])
        self.assertEqual(stored, recall.trace_lot_ids)
        self.assertEqual(
            self.env["lot.recall.upstream"].search_count([("recall_id", "=", recall.id)]), 1
        )
        # Adding a lot traces again: its row joins, nothing is duplicated.
        other = self._receive(self.flour, "RL-0002", 10)
        recall.action_add_lots(other.ids)
        self.assertEqual(
            sorted(recall.trace_lot_ids.mapped("lot_id.name")), ["RL-0001", "RL-0002", "RL-MIX-1"]
        )
        self.assertEqual(recall.affected_lot_ids, recall.trace_lot_ids.lot_id)
        self.assertEqual(len(recall.upstream_ids), 2)

    def test_users_read_but_never_write_the_rows(self):
        recall = self._recall_through_wizard(self.lot, quarantine=False)
        for user in (self.recall_user, self.recall_manager):
            rows = recall.with_user(user).trace_lot_ids
            receipts = recall.with_user(user).upstream_ids
            self.assertEqual(len(rows), 2)
            rows.read(["lot_id", "depth", "parent_lot_id", "via_reference"])
            receipts.read(["lot_id", "partner_id", "quantity"])
            for records, vals in (
                (rows, {"depth": 5}),
                (receipts, {"quantity": 1.0}),
            ):
                with self.assertRaises(AccessError):
                    records.write(vals)
                with self.assertRaises(AccessError):
                    records.unlink()
                with self.assertRaises(AccessError):
                    records.browse().create({"recall_id": recall.id, "lot_id": self.lot.id})
            for fname in ("trace_lot_ids", "upstream_ids"):
                with self.assertRaises(AccessError):
                    recall.with_user(user).write({fname: [Command.clear()]})
        self.assertEqual(len(recall.trace_lot_ids), 2)
        self.assertEqual(len(recall.upstream_ids), 1)

    def test_rows_of_another_company_are_not_readable(self):
        other_company = self.env["res.company"].create({"name": "Recall Lots Other Co"})
        other_lot = self.env["stock.lot"].create(
            {"name": "RL-OTHER-1", "product_id": self.flour.id, "company_id": other_company.id}
        )
        other_recall = self.env["lot.recall"].create(
            {
                "reason": "Other company",
                "company_id": other_company.id,
                "lot_ids": [Command.set(other_lot.ids)],
            }
        )
        other_recall.action_trace()
        self.assertEqual(other_recall.trace_lot_ids.lot_id, other_lot)
        self.assertEqual(other_recall.trace_lot_ids.company_id, other_company)
        rows = self.env["lot.recall.lot"].with_user(self.recall_manager)
        self.assertFalse(rows.search([("recall_id", "=", other_recall.id)]))
        with self.assertRaises(AccessError):
            other_recall.trace_lot_ids.with_user(self.recall_manager).read(["depth"])
        recall = self._recall_through_wizard(self.lot, quarantine=False)
        self.assertEqual(
            rows.search([("recall_id", "in", (recall | other_recall).ids)]), recall.trace_lot_ids
        )
