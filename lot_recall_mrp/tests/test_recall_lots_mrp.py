# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io

from openpyxl import load_workbook

from odoo.tests import tagged

from .common import ManufacturingCase


@tagged("post_install", "-at_install")
class TestRecallLotsManufacturing(ManufacturingCase):
    """The affected lots of a recall through real manufacturing orders: one stored row per lot
    with its depth, the lot it was made from and the order's finished line; the export reads
    those rows until the recall is traced again."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cake = cls.env["product.product"].create(
            {"name": "Cake", "is_storable": True, "tracking": "lot"}
        )
        cls.flour_lot = cls._receive(cls.flour, "RLM-FLOUR-1", 100)
        cls.bread_mo = cls._produce(cls.bread, 20, cls.flour_lot, "RLM-BREAD-1")
        cls.bread_lot = cls.bread_mo.lot_producing_id
        cls.cake_mo = cls._produce(cls.cake, 10, cls.bread_lot, "RLM-CAKE-1")
        cls.cake_lot = cls.cake_mo.lot_producing_id

    @classmethod
    def _produce(cls, product, quantity, component_lot, finished_lot_name):
        """A done manufacturing order of ``product`` consuming ``quantity`` of
        ``component_lot`` into a new lot ``finished_lot_name``."""
        return cls._manufacture(product, [(component_lot, quantity)], finished_lot_name, quantity)

    def _finished_line(self, production):
        return production.move_finished_ids.move_line_ids.filtered(
            lambda line: line.lot_id == production.lot_producing_id
        )

    def _rows(self, recall):
        return [
            (row.lot_id, row.depth, row.parent_lot_id, row.via_move_line_id, row.via_reference)
            for row in recall.trace_lot_ids.sorted(lambda row: (row.depth, row.lot_id.name))
        ]

    def _lots_sheet(self, recall):
        content = (
            self.env["lot.recall.xlsx"]
            .with_user(self.recall_user)
            ._recall_xlsx(recall.with_user(self.recall_user))
        )
        book = load_workbook(io.BytesIO(content))
        return [row[:5] for row in book["Lots"].iter_rows(min_row=2, values_only=True)]

    def test_rows_follow_the_manufacturing_chain(self):
        recall = self._recall_through_wizard(self.flour_lot, quarantine=False)
        nothing = self.env["stock.lot"]
        no_line = self.env["stock.move.line"]
        self.assertEqual(
            self._rows(recall),
            [
                (self.flour_lot, 0, nothing, no_line, False),
                (
                    self.bread_lot,
                    1,
                    self.flour_lot,
                    self._finished_line(self.bread_mo),
                    self.bread_mo.name,
                ),
                (
                    self.cake_lot,
                    2,
                    self.bread_lot,
                    self._finished_line(self.cake_mo),
                    self.cake_mo.name,
                ),
            ],
        )
        self.assertEqual(recall.affected_lot_ids, self.flour_lot | self.bread_lot | self.cake_lot)
        self.assertTrue(self.cake_lot.is_recalled)
        # The rows are the engine's answer at the time of the trace.
        engine = self.env["lot.trace"]._trace(self.flour_lot.ids, self.company.id)["lots"]
        self.assertEqual(
            [
                (
                    row.lot_id.id,
                    row.depth,
                    row.parent_lot_id.id or None,
                    row.via_reference or None,
                )
                for row in recall.trace_lot_ids.sorted(lambda row: (row.depth, row.lot_id.id))
            ],
            [
                (row["lot_id"], row["depth"], row["parent_lot_id"], row["via_reference"])
                for row in engine
            ],
        )

    def test_new_order_changes_nothing_until_traced_again(self):
        # A drill blocks no stock: the bread lot can still be used after the recall.
        recall = self._recall_through_wizard(self.flour_lot, is_mock=True)
        before = self._lots_sheet(recall)
        self.assertEqual(
            before,
            [
                ("RLM-FLOUR-1", "Flour 25 kg", 0, None, None),
                ("RLM-BREAD-1", "Bread Mix", 1, "RLM-FLOUR-1", self.bread_mo.name),
                ("RLM-CAKE-1", "Cake", 2, "RLM-BREAD-1", self.cake_mo.name),
            ],
        )
        late_mo = self._produce(self.cake, 5, self.bread_lot, "RLM-CAKE-2")
        self.assertEqual(self._lots_sheet(recall), before)
        self.assertFalse(late_mo.lot_producing_id.recall_ids)

        recall.action_trace()
        self.assertEqual(
            self._lots_sheet(recall),
            [
                *before,
                ("RLM-CAKE-2", "Cake", 2, "RLM-BREAD-1", late_mo.name),
            ],
        )
        self.assertEqual(len(recall.trace_lot_ids), 4)
        self.assertEqual(recall.affected_lot_ids, recall.trace_lot_ids.lot_id)
        self.assertEqual(late_mo.lot_producing_id.recall_ids, recall)
