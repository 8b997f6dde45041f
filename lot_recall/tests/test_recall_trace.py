# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import LotRecallCase


@tagged("post_install", "-at_install")
class TestRecallTrace(LotRecallCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lot = cls._receive(cls.flour, "FL-0001", 100, supplier_lot_ref="MILL-7781")
        cls.other_lot = cls._receive(cls.flour, "FL-0002", 50)

    def test_receipt_to_three_customers(self):
        deliveries = [
            self._deliver(customer, self.flour, self.lot, quantity)
            for customer, quantity in (
                (self.customer_a, 10),
                (self.customer_b, 20),
                (self.customer_c, 30),
            )
        ]
        # Another lot shipped to a fourth party must not appear.
        stranger = self.env["res.partner"].create({"name": "Stranger"})
        self._deliver(stranger, self.flour, self.other_lot, 5)
        recall = self._recall_through_wizard(self.lot)
        self.assertEqual(recall.state, "traced")
        self.assertEqual(
            self._lines(recall),
            sorted(
                [
                    ("Alpha Foods", deliveries[0].name, "FL-0001", 10.0, 0.0),
                    ("Beta Bakery", deliveries[1].name, "FL-0001", 20.0, 0.0),
                    ("Gamma Grocers", deliveries[2].name, "FL-0001", 30.0, 0.0),
                ]
            ),
        )
        self.assertEqual(recall.partner_count, 3)
        self.assertEqual(recall.delivery_count, 3)
        self.assertEqual(recall.affected_lot_ids, self.lot)
        self.assertEqual(recall.quantity_delivered, 60.0)
        self.assertTrue(recall.lot_ids.is_recalled)
        self.assertFalse(self.other_lot.is_recalled)
        # Upstream: the receipt from the supplier.
        result = self.env["lot.trace"]._trace(self.lot.ids, self.company.id)
        self.assertEqual(
            [
                (row["lot_id"], row["partner_id"], row["supplier_lot_ref"])
                for row in result["upstream"]
            ],
            [(self.lot.id, self.supplier.id, "MILL-7781")],
        )
        self.assertEqual(self.lot.supplier_id, self.supplier)
        found = self.env["lot.recall"].search([("lot_ids.supplier_lot_ref", "ilike", "7781")])
        self.assertEqual(found, recall)
        self.assertEqual(
            [(row["lot_id"], row["location_id"], row["quantity"]) for row in result["stock"]],
            [(self.lot.id, self.stock_location.id, 40.0)],
        )

    def test_contact_delivery_counts_for_commercial_partner(self):
        contact = self.env["res.partner"].create(
            {"name": "Alpha Dock 3", "parent_id": self.customer_a.id, "type": "delivery"}
        )
        self._deliver(contact, self.flour, self.lot, 7)
        recall = self._recall_through_wizard(self.lot)
        self.assertEqual(recall.line_ids.partner_id, self.customer_a)

    def test_three_step_delivery_counts_once(self):
        self.warehouse.delivery_steps = "pick_pack_ship"
        group = self.env["procurement.group"].create({"name": "RCL-3STEP"})
        self.env["procurement.group"].run(
            [
                self.env["procurement.group"].Procurement(
                    self.flour,
                    12,
                    self.flour.uom_id,
                    self.customer_location,
                    "3 steps",
                    "RCL-3STEP",
                    self.company,
                    {"warehouse_id": self.warehouse, "group_id": group},
                )
            ]
        )
        # Odoo 18 pushes each next step when the previous one is validated.
        picking = group.stock_move_ids.picking_id
        pickings = self.env["stock.picking"]
        while picking:
            pickings |= picking
            picking.partner_id = self.customer_b
            picking.action_assign()
            self._set_lot(picking, self.lot, 12)
            picking.button_validate()
            picking = picking.move_ids.move_dest_ids.picking_id
        self.assertEqual(len(pickings), 3)
        ship = pickings.filtered(lambda p: p.location_dest_id == self.customer_location)
        recall = self._recall_through_wizard(self.lot)
        self.assertEqual(self._lines(recall), [("Beta Bakery", ship.name, "FL-0001", 12.0, 0.0)])

    def test_return_is_subtracted(self):
        first = self._deliver(self.customer_a, self.flour, self.lot, 10)
        second = self._deliver(self.customer_a, self.flour, self.lot, 5)
        self._return(first, 4)
        self._return(second, 3)
        recall = self._recall_through_wizard(self.lot)
        # 7 returned in all, allocated to the oldest delivery first.
        self.assertEqual(
            self._lines(recall),
            sorted(
                [
                    ("Alpha Foods", first.name, "FL-0001", 10.0, 7.0),
                    ("Alpha Foods", second.name, "FL-0001", 5.0, 0.0),
                ]
            ),
        )
        self.assertEqual(sum(recall.line_ids.mapped("net_quantity")), 8.0)

    def test_cancelled_and_undone_deliveries_do_not_count(self):
        cancelled = self._deliver(self.customer_a, self.flour, self.lot, 10, validate=False)
        cancelled.action_cancel()
        self._deliver(self.customer_b, self.flour, self.lot, 3, validate=False)
        recall = self._recall_through_wizard(self.lot)
        self.assertFalse(recall.line_ids)
        self.assertEqual(recall.partner_count, 0)

    def test_lot_shipped_by_two_companies(self):
        """A lot without company (shared product) shipped by two companies: each company's
        trace reads its own customers only."""
        self.assertFalse(self.lot.company_id)
        other_company = self.env["res.company"].create({"name": "Recall Sister Co"})
        self.env.user.company_ids |= other_company
        other_env = self.env(context=dict(self.env.context, allowed_company_ids=other_company.ids))
        other_customer = self.env["res.partner"].create({"name": "Sister Customer"})
        other_wh = other_env["stock.warehouse"].search([("company_id", "=", other_company.id)])
        other_env["stock.quant"]._update_available_quantity(
            self.flour, other_wh.lot_stock_id, 10, lot_id=self.lot
        )
        picking = other_env["stock.picking"].create(
            {
                "picking_type_id": other_wh.out_type_id.id,
                "partner_id": other_customer.id,
                "location_id": other_wh.lot_stock_id.id,
                "location_dest_id": self.customer_location.id,
                "move_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "flour",
                            "product_id": self.flour.id,
                            "product_uom_qty": 10,
                            "product_uom": self.flour.uom_id.id,
                            "location_id": other_wh.lot_stock_id.id,
                            "location_dest_id": self.customer_location.id,
                        },
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        picking.move_ids.picked = True
        picking.button_validate()
        self._deliver(self.customer_a, self.flour, self.lot, 10)
        recall = self._recall_through_wizard(self.lot)
        self.assertEqual(recall.company_id, self.company)
        self.assertEqual(recall.line_ids.partner_id, self.customer_a)
        # The same lot traced in the sister company sees only the sister's customer.
        result = self.env["lot.trace"]._trace(self.lot.ids, other_company.id)
        self.assertEqual([row["partner_id"] for row in result["deliveries"]], [other_customer.id])
        # A lot of the sister company cannot be recalled from this company.
        other_lot = other_env["stock.lot"].create(
            {"name": "SISTER-1", "product_id": self.flour.id, "company_id": other_company.id}
        )
        with self.assertRaises(UserError):
            self.env["lot.recall"].create(
                {"reason": "x", "lot_ids": [(6, 0, other_lot.ids)], "company_id": self.company.id}
            )

    def test_recall_needs_lots(self):
        with self.assertRaises(UserError):
            self.env["stock.lot"].action_open_recall_wizard()
        wizard = self.env["lot.recall.wizard"].new({"reason": "Nothing"})
        with self.assertRaises(UserError):
            wizard.action_confirm()
        self.assertFalse(self.env["lot.recall"].search([("reason", "=", "Nothing")]))

    def test_retrace_after_new_delivery_reports_changes(self):
        self._deliver(self.customer_a, self.flour, self.lot, 10)
        recall = self._recall_through_wizard(self.lot, is_mock=True)
        self.assertEqual(recall.partner_count, 1)
        late = self._deliver(self.customer_b, self.flour, self.lot, 5)
        recall.action_trace()
        recall.action_trace()
        self.assertEqual(recall.partner_count, 2)
        self.assertEqual(len(recall.line_ids), 2)
        messages = recall.message_ids.mapped("body")
        self.assertTrue(any(late.name in body and "Beta Bakery" in body for body in messages))
        self.assertTrue(any("No change since the previous trace" in body for body in messages))

    def test_wizard_previews_counts(self):
        self._deliver(self.customer_a, self.flour, self.lot, 10)
        self._deliver(self.customer_b, self.flour, self.lot, 10)
        wizard_form = Form(
            self.env["lot.recall.wizard"]
            .with_user(self.recall_user)
            .with_context(default_lot_ids=self.lot.ids)
        )
        self.assertEqual(wizard_form.preview_lot_count, 1)
        self.assertEqual(wizard_form.preview_partner_count, 2)
        self.assertEqual(wizard_form.preview_delivery_count, 2)
        self.assertEqual(wizard_form.preview_stock_quantity, 80.0)
        self.assertFalse(self.env["lot.recall"].search([("lot_ids", "in", self.lot.ids)]))
