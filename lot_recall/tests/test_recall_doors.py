# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import LotRecallCase


@tagged("post_install", "-at_install")
class TestRecallDoors(LotRecallCase):
    """Recalled or quarantined stock cannot leave by any door: every path, through real
    pickings, scraps and inventory adjustments."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lot = cls._receive(cls.flour, "DR-0001", 100)
        cls.good_lot = cls._receive(cls.flour, "DR-0002", 100)
        cls.first_delivery = cls._deliver(cls.customer_a, cls.flour, cls.lot, 10)
        cls.transit = cls.env["stock.location"].create(
            {"name": "Transit to Branch", "usage": "transit", "company_id": cls.company.id}
        )
        cls.shelf = cls.env["stock.location"].create(
            {"name": "Quarantine Shelf", "usage": "internal", "location_id": cls.stock_location.id}
        )

    def _recall(self, **values):
        return self._recall_through_wizard(self.lot, quarantine=False, **values)

    def _move(self, location, location_dest, quantity, lot=None, picking_type=None):
        picking = self._picking(
            picking_type or self.warehouse.int_type_id,
            self.customer_b,
            [(self.flour, quantity)],
            location=location,
            location_dest=location_dest,
        )
        self._set_lot(picking, lot or self.lot, quantity)
        return picking

    def _quant_quantity(self, location, lot=None):
        return sum(
            self.env["stock.quant"]
            .search([("lot_id", "=", (lot or self.lot).id), ("location_id", "=", location.id)])
            .mapped("quantity")
        )

    def test_delivery_to_a_customer_is_refused(self):
        recall = self._recall()
        picking = self._deliver(self.customer_b, self.flour, self.lot, 5, validate=False)
        with self.assertRaisesRegex(UserError, recall.name):
            picking.button_validate()
        self.assertNotEqual(picking.state, "done")
        # Other lots still ship.
        self._deliver(self.customer_b, self.flour, self.good_lot, 5)

    def test_transit_and_inter_company_are_refused_internal_moves_allowed(self):
        self._recall()
        to_transit = self._move(self.stock_location, self.transit, 5)
        with self.assertRaises(UserError):
            to_transit.button_validate()
        self.assertEqual(self._quant_quantity(self.transit), 0)
        to_shelf = self._move(self.stock_location, self.shelf, 5)
        to_shelf.button_validate()
        self.assertEqual(to_shelf.state, "done")
        self.assertEqual(self._quant_quantity(self.shelf), 5)

    def test_scrap_to_a_customer_location_is_refused_real_scrap_is_logged(self):
        recall = self._recall()
        bad_scrap = self.env["stock.scrap"].create(
            {
                "product_id": self.flour.id,
                "lot_id": self.lot.id,
                "scrap_qty": 2,
                "location_id": self.stock_location.id,
                "scrap_location_id": self.customer_location.id,
            }
        )
        with self.assertRaises(UserError):
            bad_scrap.action_validate()
        self.assertEqual(self._quant_quantity(self.customer_location), 10)
        scrap_location = self.env["stock.location"].search(
            [("scrap_location", "=", True), ("company_id", "in", (self.company.id, False))],
            limit=1,
        )
        scrap = self.env["stock.scrap"].create(
            {
                "product_id": self.flour.id,
                "lot_id": self.lot.id,
                "scrap_qty": 3,
                "location_id": self.stock_location.id,
                "scrap_location_id": scrap_location.id,
            }
        )
        scrap.action_validate()
        self.assertEqual(scrap.state, "done")
        self.assertIn("DR-0001", recall.message_ids[0].body)
        self.assertIn(scrap_location.name, recall.message_ids[0].body)

    def test_inventory_adjustment_and_return_to_supplier_are_allowed_and_logged(self):
        recall = self._recall()
        quant = self.env["stock.quant"].search(
            [("lot_id", "=", self.lot.id), ("location_id", "=", self.stock_location.id)]
        )
        quant.inventory_quantity = quant.quantity - 5
        quant.action_apply_inventory()
        self.assertEqual(self._quant_quantity(self.stock_location), 85)
        self.assertIn("DR-0001: 5.0", recall.message_ids[0].body)
        back = self._move(
            self.stock_location,
            self.supplier_location,
            20,
            picking_type=self.warehouse.out_type_id,
        )
        back.button_validate()
        self.assertEqual(back.state, "done")
        self.assertIn(back.name, recall.message_ids[0].body)

    def test_quarantined_lot_never_ships_even_after_its_recall_closed(self):
        recall = self._recall_through_wizard(self.lot)  # quarantines
        self.assertTrue(self.lot.quarantined)
        recall.with_user(self.recall_manager)._close("All customers called")
        self.assertFalse(self.lot.is_recalled)
        picking = self._deliver(self.customer_b, self.flour, self.lot, 5, validate=False)
        with self.assertRaisesRegex(UserError, "quarantined"):
            picking.button_validate()
        self.lot.with_user(self.recall_manager).action_release_quarantine()
        picking.button_validate()
        self.assertEqual(picking.state, "done")

    def test_done_lines_created_or_edited_cannot_ship_a_recalled_lot(self):
        self._recall()
        with self.assertRaises(UserError):
            self.env["stock.move.line"].create(
                {
                    # A line added to a done delivery is created done (with a done move).
                    "picking_id": self.first_delivery.id,
                    "product_id": self.flour.id,
                    "lot_id": self.lot.id,
                    "quantity": 2,
                    "company_id": self.company.id,
                    "location_id": self.stock_location.id,
                    "location_dest_id": self.customer_location.id,
                }
            )
        line = self.first_delivery.move_line_ids
        with self.assertRaises(UserError):
            line.quantity = 15
        self.assertEqual(self._quant_quantity(self.customer_location), 10)

    def test_customer_return_is_quarantined_on_arrival_and_logged(self):
        recall = self._recall()
        self.assertFalse(self.lot.quarantined)
        returned = self._return(self.first_delivery, 4)
        self.assertEqual(returned.state, "done")
        self.assertTrue(self.lot.quarantined)
        self.assertIn(returned.name, self.lot.quarantine_reason)
        self.assertIn(returned.name, recall.message_ids[0].body)

    def test_reservation_skips_recalled_lots(self):
        self._recall()
        picking = self._picking(
            self.warehouse.out_type_id,
            self.customer_c,
            [(self.flour, 50)],
            location=self.stock_location,
            location_dest=self.customer_location,
        )
        picking.action_assign()
        self.assertEqual(picking.move_line_ids.lot_id, self.good_lot)

    def test_dropship_is_recorded_retraced_and_the_responsible_told(self):
        recall = self._recall()
        dropship = self._move(
            self.supplier_location,
            self.customer_location,
            7,
            picking_type=self.warehouse.in_type_id,
        )
        dropship.partner_id = self.customer_c
        dropship.button_validate()
        self.assertEqual(dropship.state, "done")
        self.assertIn(self.customer_c, recall.line_ids.partner_id)
        self.assertIn(self.customer_c, recall.notice_ids.partner_id)
        activity = recall.activity_ids
        self.assertEqual(activity.user_id, recall.user_id)

    def test_lot_picker_hides_blocked_lots_on_outgoing_transfers(self):
        self._recall()
        picking = self._deliver(self.customer_b, self.flour, self.good_lot, 5, validate=False)
        offered = {
            lot_id
            for lot_id, _name in self.env["stock.lot"]
            .with_context(active_picking_id=picking.id)
            .name_search("DR-", args=[("product_id", "=", self.flour.id)])
        }
        self.assertEqual(offered, {self.good_lot.id})
        to_shelf = self._move(self.stock_location, self.shelf, 5, lot=self.good_lot)
        offered = {
            lot_id
            for lot_id, _name in self.env["stock.lot"]
            .with_context(active_picking_id=to_shelf.id)
            .name_search("DR-", args=[("product_id", "=", self.flour.id)])
        }
        self.assertEqual(offered, {self.lot.id, self.good_lot.id})

    def test_refusal_names_the_lot_and_the_recall_as_the_user_may_see_it(self):
        recall = self._recall()
        stock_user = new_test_user(
            self.env, login="lr_doors_stock", groups="stock.group_stock_user"
        )
        picking = self._deliver(self.customer_b, self.flour, self.lot, 5, validate=False)
        with self.assertRaisesRegex(UserError, r"DR-0001 \(under a recall you cannot read\)"):
            picking.with_user(stock_user).button_validate()
        with self.assertRaisesRegex(UserError, rf"DR-0001 \(under recall {recall.name}\)"):
            picking.with_user(self.recall_user).button_validate()

    def test_send_notices_triggers_the_mail_queue_at_once(self):
        recall = self._recall()
        cron = self.env.ref("mail.ir_cron_mail_scheduler_action")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        recall.with_user(self.recall_manager).action_send_notices()
        self.assertEqual(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers + 1
        )

    def test_pick_and_pack_move_inside_the_ship_leg_is_refused(self):
        self.warehouse.delivery_steps = "pick_pack_ship"
        group = self.env["procurement.group"].create({"name": "DR-3STEP"})
        self.env["procurement.group"].run(
            [
                self.env["procurement.group"].Procurement(
                    self.flour,
                    6,
                    self.flour.uom_id,
                    self.customer_location,
                    "3 steps",
                    "DR-3STEP",
                    self.company,
                    {"warehouse_id": self.warehouse, "group_id": group},
                )
            ]
        )
        recall = self._recall()
        picking = group.stock_move_ids.picking_id
        legs = []
        while picking:
            legs.append(picking)
            self._set_lot(picking, self.lot, 6)
            if picking.location_dest_id == self.customer_location:
                with self.assertRaisesRegex(UserError, recall.name):
                    picking.button_validate()
                break
            picking.button_validate()
            self.assertEqual(picking.state, "done")
            picking = picking.move_ids.move_dest_ids.picking_id
        self.assertEqual(len(legs), 3)
        self.assertNotEqual(legs[-1].state, "done")

    def test_backorder_of_a_recalled_lot_is_refused(self):
        recall = self._recall()
        picking = self._picking(
            self.warehouse.out_type_id,
            self.customer_b,
            [(self.flour, 10)],
            location=self.stock_location,
            location_dest=self.customer_location,
        )
        self._set_lot(picking, self.good_lot, 4)
        picking.button_validate()
        backorder_wizard = self.env["stock.backorder.confirmation"].with_context(
            button_validate_picking_ids=picking.ids
        )
        backorder_wizard.create({"pick_ids": [(4, picking.id)]}).process()
        self.assertEqual(picking.state, "done")
        backorder = picking.backorder_ids
        self.assertEqual(backorder.move_ids.product_uom_qty, 6)
        self._set_lot(backorder, self.lot, 6)
        with self.assertRaisesRegex(UserError, recall.name):
            backorder.button_validate()
        self.assertNotEqual(backorder.state, "done")
