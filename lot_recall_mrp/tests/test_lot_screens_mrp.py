# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

from odoo.tests import tagged

from odoo.addons.lot_recall.tests.test_lot_screens import LotScreensMixin

from .common import ManufacturingCase


@tagged("post_install", "-at_install")
class TestLotScreensManufacturing(LotScreensMixin, ManufacturingCase):
    """Odoo's lot screens through real manufacturing and unbuild orders: lot_recall's one query
    answers what Odoo's recursion over ``produce_line_ids`` answers (compared with stock's own
    compute methods, see ``LotScreensMixin``)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sugar, cls.cake, cls.oven, cls.parts = cls.env["product.product"].create(
            [
                {"name": "Sugar", "is_storable": True, "tracking": "lot"},
                {"name": "Cake", "is_storable": True, "tracking": "lot"},
                {"name": "Oven", "is_storable": True, "tracking": "serial"},
                {"name": "Oven parts", "is_storable": True, "tracking": "lot"},
            ]
        )
        cls.flour_lot = cls._receive(cls.flour, "LSM-FLOUR-1", 100)
        cls.flour_lot_2 = cls._receive(cls.flour, "LSM-FLOUR-2", 100)
        cls.sugar_lot = cls._receive(cls.sugar, "LSM-SUGAR-1", 100)
        cls.parts_lot = cls._receive(cls.parts, "LSM-PARTS-1", 10)

    @classmethod
    def _produce(cls, product, components, finished_lot, quantity):
        """A done manufacturing order of ``quantity`` ``product`` consuming ``components``
        (``(lot, quantity)`` pairs), producing ``finished_lot`` (a lot or a new lot's name)."""
        return cls._manufacture(product, components, finished_lot, quantity).lot_producing_id

    def test_two_levels_of_manufacturing(self):
        """Flour -> bread (two flour lots into one bread lot) -> cake (with sugar); deliveries
        of each level. A component lot answers the deliveries of everything made from it."""
        bread = self._produce(
            self.bread, [(self.flour_lot, 20), (self.flour_lot_2, 10)], "LSM-BREAD-1", 30
        )
        cake = self._produce(self.cake, [(bread, 10), (self.sugar_lot, 5)], "LSM-CAKE-1", 10)
        bread_out = self._deliver(self.customer_a, self.bread, bread, 5)
        cake_out = self._deliver(self.customer_b, self.cake, cake, 4)
        cake_out_2 = self._deliver(self.customer_c, self.cake, cake, 3)
        flour_out = self._deliver(self.customer_c, self.flour, self.flour_lot, 2)
        self._return(cake_out, 1)
        lots = self.flour_lot | self.flour_lot_2 | self.sugar_lot | bread | cake
        values = self.assertSameAsOdoo(lots)
        everything = sorted((bread_out + cake_out + cake_out_2 + flour_out).mapped("name"))
        self.assertEqual(values["LSM-FLOUR-1"][0], everything)
        self.assertEqual(
            values["LSM-FLOUR-2"][0], sorted((bread_out + cake_out + cake_out_2).mapped("name"))
        )
        self.assertEqual(values["LSM-SUGAR-1"][0], sorted((cake_out + cake_out_2).mapped("name")))
        # Each lot alone: the same answer as in the batch.
        for lot in lots:
            self.assertEqual(self.assertSameAsOdoo(lot)[lot.name], values[lot.name])

    def test_serial_numbers_made_by_manufacturing(self):
        ovens = self.env["stock.lot"]
        for index in range(3):
            ovens |= self._produce(self.oven, [(self.parts_lot, 2)], f"LSM-OVEN-{index}", 1)
        first, second, unsold = ovens
        sold = self._deliver(self.customer_a, self.oven, first, 1)
        sold.date_done = datetime(2025, 2, 1)
        returned = self._return(sold, 1)
        self.assertEqual(returned.move_line_ids.lot_id, first)
        self._deliver(self.customer_b, self.oven, first, 1).date_done = datetime(2025, 3, 1)
        self._deliver(self.customer_c, self.oven, second, 1).date_done = datetime(2025, 2, 15)
        values = self.assertSameAsOdoo(ovens | self.parts_lot)
        self.assertEqual(values["LSM-OVEN-0"][2], "Beta Bakery")
        self.assertEqual(values["LSM-OVEN-1"][2], "Gamma Grocers")
        self.assertEqual(values["LSM-OVEN-2"], ([], 0, False))
        self.assertEqual(values["LSM-PARTS-1"][1:], (3, False))  # a lot: no partner
        self.assertFalse(unsold.delivery_ids)

    def test_rework_cycle_is_left_to_odoo(self):
        """Rework: unsold bread milled back into its own flour lot, flour -> bread -> flour, a
        cycle in Odoo's recursion, whose answer then depends on the order in which it meets
        the lots. Those lots are computed by Odoo's method, the others by the query."""
        bread = self._produce(self.bread, [(self.flour_lot, 10)], "LSM-BREAD-CYCLE", 10)
        self._produce(self.flour, [(bread, 2)], self.flour_lot, 2)
        self.assertEqual(
            self.env["stock.move.line"]
            .search([("lot_id", "=", bread.id), ("produce_line_ids", "!=", False)])
            .produce_line_ids.lot_id,
            self.flour_lot,
            "a real cycle",
        )
        self._deliver(self.customer_a, self.bread, bread, 6)
        self._deliver(self.customer_b, self.flour, self.flour_lot, 3)
        cake = self._produce(self.cake, [(self.flour_lot_2, 5)], "LSM-CAKE-CLEAR", 5)
        self._deliver(self.customer_c, self.cake, cake, 5)
        cyclic = self.flour_lot | bread
        values = self.assertSameAsOdoo(
            cyclic | self.flour_lot_2 | cake, fallback={"LSM-FLOUR-1", "LSM-BREAD-CYCLE"}
        )
        self.assertEqual(values["LSM-FLOUR-2"][1], 1)
        self.assertEqual(values["LSM-FLOUR-1"][1], 2)
        for lot in cyclic:
            self.assertSameAsOdoo(lot, fallback={lot.name})
