# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from contextlib import contextmanager
from datetime import datetime
from unittest.mock import patch

from odoo.osv import expression
from odoo.tests import new_test_user, tagged

from odoo.addons.stock.models.stock_lot import StockLot as StockLotBase

from .common import LotRecallCase

SCREEN_FIELDS = ("delivery_ids", "delivery_count", "last_delivery_partner_id")


class LotScreensMixin:
    """Compare the lot screens' fields as lot_recall computes them with Odoo's own computation
    of the same records: stock's compute methods (the ones lot_recall overrides), called on the
    class that defines them and run as the ORM runs a compute (``env.protecting``); they call
    stock's recursive ``_find_delivery_ids_by_lot()``, which lot_recall leaves untouched."""

    def _screen_values(self, lots):
        return {
            lot.name: (
                sorted(lot.delivery_ids.mapped("name")),
                lot.delivery_count,
                lot.last_delivery_partner_id.name or False,
            )
            for lot in lots
        }

    def _ours(self, lots):
        lots.invalidate_recordset(SCREEN_FIELDS)
        values = self._screen_values(lots)
        lots.invalidate_recordset(SCREEN_FIELDS)
        return values

    def _odoo(self, lots):
        lots.invalidate_recordset(SCREEN_FIELDS)
        with lots.env.protecting([lots._fields[name] for name in SCREEN_FIELDS], lots):
            StockLotBase._compute_delivery_ids(lots)
            StockLotBase._compute_last_delivery_partner_id(lots)
        values = self._screen_values(lots)
        lots.invalidate_recordset(SCREEN_FIELDS)
        return values

    @contextmanager
    def _odoo_calls(self):
        """Record the lots for which Odoo's own ``_find_delivery_ids_by_lot`` is called from
        the top (lot_recall falling back to Odoo), not its recursive calls."""
        calls = []
        original = StockLotBase._find_delivery_ids_by_lot

        def spy(lots, lot_path=None, delivery_by_lot=None):
            if lot_path is None:
                calls.append(set(lots.mapped("name")))
            return original(lots, lot_path=lot_path, delivery_by_lot=delivery_by_lot)

        with patch.object(StockLotBase, "_find_delivery_ids_by_lot", spy):
            yield calls

    def assertSameAsOdoo(self, lots, fallback=()):
        """Our values == Odoo's for ``lots`` computed together (and with no other lot: the ORM
        computes a field for all the records of the prefetch set); Odoo's method was called (by
        our fallback) for the lots ``fallback`` only."""
        lots = lots.with_prefetch()
        with self._odoo_calls() as calls:
            ours = self._ours(lots)
        self.assertEqual(set().union(*calls), set(fallback), "fallback to Odoo's method")
        odoo = self._odoo(lots)
        self.assertEqual(ours, odoo)
        return ours


@tagged("post_install", "-at_install")
class TestLotScreens(LotScreensMixin, LotRecallCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.phone = cls.env["product.product"].create(
            {"name": "Phone", "is_storable": True, "tracking": "serial"}
        )
        cls.lot = cls._receive(cls.flour, "LS-LOT", 100)

    @classmethod
    def _done_at(cls, picking, when):
        picking.date_done = when
        return picking

    @classmethod
    def _return_lot(cls, picking, lot, quantity):
        """Return ``quantity`` of ``lot`` of a done picking with the standard return wizard
        (a return of a receipt goes back to the vendor)."""
        wizard = (
            cls.env["stock.return.picking"]
            .with_context(active_id=picking.id, active_model="stock.picking")
            .create({})
        )
        wizard.product_return_moves.quantity = quantity
        returned = cls.env["stock.picking"].browse(wizard.action_create_returns()["res_id"])
        cls._set_lot(returned, lot, quantity)
        returned.button_validate()
        return returned

    def _ship_two_steps(self, customer, product, lot, quantity):
        """Deliver through the warehouse's pick + ship route, as a sale order would."""
        self.warehouse.delivery_steps = "pick_ship"
        group = self.env["procurement.group"].create(
            {"name": f"SO-{customer.name}", "partner_id": customer.id}
        )
        procurement = self.env["procurement.group"].Procurement
        self.env["procurement.group"].run(
            [
                procurement(
                    product,
                    quantity,
                    product.uom_id,
                    self.customer_location,
                    group.name,
                    group.name,
                    self.company,
                    {"warehouse_id": self.warehouse, "group_id": group},
                )
            ]
        )
        moves = self.env["stock.move"].search([("group_id", "=", group.id)])
        pick = moves.picking_id
        self.assertEqual(pick.picking_type_id, self.warehouse.pick_type_id)
        self._set_lot(pick, lot, quantity)
        pick.button_validate()
        ship = pick.move_ids.move_dest_ids.picking_id
        self.assertEqual(ship.picking_type_id, self.warehouse.out_type_id)
        self._set_lot(ship, lot, quantity)
        ship.button_validate()
        self.assertEqual((pick + ship).mapped("state"), ["done", "done"])
        return pick, ship

    def test_deliveries_returns_and_two_steps(self):
        one_step = self._deliver(self.customer_a, self.flour, self.lot, 10)
        pick, ship = self._ship_two_steps(self.customer_b, self.flour, self.lot, 20)
        customer_return = self._return(one_step, 4)
        to_vendor = self._return_lot(self._receipt(), self.lot, 5)
        pending = self._deliver(self.customer_c, self.flour, self.lot, 3, validate=False)
        values = self.assertSameAsOdoo(self.lot)
        # What Odoo answers, spelled out: the outgoing pickings (the ship leg, the return to the
        # vendor), neither the pick leg nor the customer's return nor what is not done yet.
        self.assertEqual(
            values[self.lot.name][0], sorted((one_step + ship + to_vendor).mapped("name"))
        )
        self.assertNotIn(pick.name, values[self.lot.name][0])
        self.assertNotIn(customer_return.name, values[self.lot.name][0])
        self.assertNotIn(pending.name, values[self.lot.name][0])
        self.assertEqual(values[self.lot.name][2], False, "a lot, not a serial number")

    def _receipt(self):
        return (
            self.env["stock.move.line"]
            .search([("lot_id", "=", self.lot.id), ("picking_code", "=", "incoming")], limit=1)
            .picking_id
        )

    def test_serial_numbers_last_delivery_partner(self):
        serials = self.env["stock.lot"]
        for name in ("SN-1", "SN-2", "SN-3", "SN-4"):
            serials |= self._receive(self.phone, name, 1)
        sn1, sn2, _sn3, sn4 = serials
        # SN-1: to Alpha, back, then to Beta later.
        first = self._done_at(
            self._deliver(self.customer_a, self.phone, sn1, 1), datetime(2025, 3, 1)
        )
        self._return_lot(first, sn1, 1)
        self._done_at(self._deliver(self.customer_b, self.phone, sn1, 1), datetime(2025, 4, 1))
        # SN-2: to Gamma, back, then returned to the vendor: Odoo names the vendor.
        sold = self._done_at(
            self._deliver(self.customer_c, self.phone, sn2, 1), datetime(2025, 3, 2)
        )
        self._return_lot(sold, sn2, 1)
        receipt = (
            self.env["stock.move.line"]
            .search([("lot_id", "=", sn2.id), ("location_id", "=", self.supplier_location.id)])
            .picking_id
        )
        self._done_at(self._return_lot(receipt, sn2, 1), datetime(2025, 5, 1))
        # SN-4: twice to Alpha at the same second: one answer whatever the order.
        again = self._done_at(
            self._deliver(self.customer_a, self.phone, sn4, 1), datetime(2025, 6, 1)
        )
        self._return_lot(again, sn4, 1)
        self._done_at(self._deliver(self.customer_a, self.phone, sn4, 1), datetime(2025, 6, 1))
        values = self.assertSameAsOdoo(serials | self.lot)
        self.assertEqual(values["SN-1"][2], "Beta Bakery")
        self.assertEqual(values["SN-2"][2], self.supplier.name)
        self.assertEqual(values["SN-3"], ([], 0, False))
        self.assertEqual(values["SN-4"][1:], (2, "Alpha Foods"))
        # Each lot alone gives the same answer as in the batch.
        for lot in serials:
            self.assertEqual(self.assertSameAsOdoo(lot)[lot.name], values[lot.name])

    def test_ties_in_date_done_are_left_to_odoo(self):
        serial = self._receive(self.phone, "SN-TIE", 1)
        other = self._receive(self.phone, "SN-CLEAR", 1)
        when = datetime(2025, 7, 1, 9, 30)
        first = self._done_at(self._deliver(self.customer_a, self.phone, serial, 1), when)
        self._return_lot(first, serial, 1)
        self._done_at(self._deliver(self.customer_b, self.phone, serial, 1), when)
        self._done_at(self._deliver(self.customer_c, self.phone, other, 1), when)
        # Odoo takes the first of the two in the order of a Python set: we ask Odoo.
        values = self.assertSameAsOdoo(serial | other, fallback={"SN-TIE"})
        self.assertIn(values["SN-TIE"][2], ("Alpha Foods", "Beta Bakery"))
        self.assertEqual(values["SN-CLEAR"][2], "Gamma Grocers")

    def test_many_lots_one_query(self):
        lots = self.lot
        for index in range(8):
            lot = self._receive(self.flour, f"LS-MANY-{index}", 10)
            self._deliver((self.customer_a, self.customer_b)[index % 2], self.flour, lot, 2)
            lots |= lot
        lots |= self.env["stock.lot"].create({"name": "LS-NO-MOVE", "product_id": self.flour.id})
        self.assertSameAsOdoo(lots)
        # One statement for the whole recordset: as many queries for 10 lots as for one.
        one = self._count_queries(lambda: lots[1].delivery_count)
        ten = self._count_queries(lambda: lots.mapped("delivery_count"))
        self.assertEqual(one, ten)
        self.assertLessEqual(ten, 4)  # jit off, the walk, jit back (+ a flush, if any)

    def _count_queries(self, func):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        func()
        return self.env.cr.sql_log_count - before

    def test_override_of_the_outgoing_domain_applies(self):
        """A dropship-like move (supplier -> customer on a receipt type) is not a delivery for
        stock alone; with stock_dropshipping's extension of ``_get_outgoing_domain`` it is."""
        lot = self._receive(
            self.flour, "LS-DROP", 7, partner=self.customer_a, location_dest=self.customer_location
        )
        self.assertEqual(self.assertSameAsOdoo(lot)["LS-DROP"][1], 0)
        stock_domain = StockLotBase._get_outgoing_domain

        def dropship_domain(model):
            return expression.OR(
                [
                    stock_domain(model),
                    [
                        ("location_dest_id.usage", "=", "customer"),
                        ("location_id.usage", "=", "supplier"),
                    ],
                ]
            )

        with patch.object(StockLotBase, "_get_outgoing_domain", dropship_domain):
            dropship = self.env["stock.move.line"].search([("lot_id", "=", lot.id)]).picking_id
            self.assertEqual(self.assertSameAsOdoo(lot)["LS-DROP"][0], [dropship.name])

    def test_record_rules_apply(self):
        """A lot shared by two companies: a user working in one company sees the deliveries of
        that company only, in Odoo's answer and in ours."""
        company_b = self.env["res.company"].create({"name": "Lot Screens B"})
        warehouse_b = self.env["stock.warehouse"].search([("company_id", "=", company_b.id)])
        shared = self.env["stock.lot"].create(
            {"name": "LS-SHARED", "product_id": self.flour.id, "company_id": False}
        )
        self.env["stock.quant"]._update_available_quantity(
            self.flour, warehouse_b.lot_stock_id, 10, lot_id=shared
        )
        self.env["stock.quant"]._update_available_quantity(
            self.flour, self.stock_location, 10, lot_id=shared
        )
        here = self._deliver(self.customer_a, self.flour, shared, 2)
        there = (
            self.env["stock.picking"]
            .with_company(company_b)
            .create(
                {
                    "picking_type_id": warehouse_b.out_type_id.id,
                    "partner_id": self.customer_b.id,
                    "location_id": warehouse_b.lot_stock_id.id,
                    "location_dest_id": self.customer_location.id,
                    "move_ids": [
                        (
                            0,
                            0,
                            {
                                "name": self.flour.name,
                                "product_id": self.flour.id,
                                "product_uom_qty": 3,
                                "location_id": warehouse_b.lot_stock_id.id,
                                "location_dest_id": self.customer_location.id,
                            },
                        )
                    ],
                }
            )
        )
        there.action_confirm()
        self._set_lot(there, shared, 3)
        there.button_validate()
        user = new_test_user(
            self.env,
            login="lr_lot_screens_b",
            groups="stock.group_stock_user",
            company_id=company_b.id,
            company_ids=[(6, 0, (self.company | company_b).ids)],
        )
        only_b = shared.with_user(user).with_context(allowed_company_ids=company_b.ids)
        values = self.assertSameAsOdoo(only_b)
        self.assertEqual(values["LS-SHARED"][0], [there.name])
        both = shared.with_user(user).with_context(
            allowed_company_ids=(company_b | self.company).ids
        )
        values = self.assertSameAsOdoo(both)
        self.assertEqual(values["LS-SHARED"][0], sorted([here.name, there.name]))

    def test_cyclic_roots(self):
        """The lots whose genealogy reaches a cycle, which are left to Odoo."""
        cyclic = self.env["stock.lot"]._lot_recall_cyclic_roots
        chain = [(1, 2), (2, 3), (1, 3)]
        self.assertEqual(cyclic([1, 2, 3], chain), set())
        loop = [(1, 2), (2, 3), (3, 2), (4, 1), (5, 6), (7, 3)]
        self.assertEqual(cyclic([1, 2, 3, 4, 5, 6, 7, 8], loop), {1, 2, 3, 4, 7})
        self.assertEqual(cyclic([6], [(3, 6), (6, 7), (7, 6)]), {6})
        self.assertEqual(cyclic([1], []), set())
