# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
from datetime import datetime, timedelta

from freezegun import freeze_time
from pypdf import PdfReader

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from .common import LotRecallCase

START = datetime(2026, 3, 2, 8, 0)


class DrillCase(LotRecallCase):
    """A flour lot that went through every door: received from the supplier, delivered to two
    customers (one returned part of it), scrapped, partly returned to the supplier, adjusted
    out by an inventory count, and moved to a shelf. 100 in = 45 shipped (net) + 4 scrapped +
    6 returned to the supplier + 3 adjusted out + 42 on hand (32 in stock, 10 on the shelf)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_c.write({"email": False, "phone": False})
        cls.lot = cls._receive(cls.flour, "DRILL-0001", 100)
        cls.receipt = (
            cls.env["stock.move.line"]
            .search([("lot_id", "=", cls.lot.id), ("location_id", "=", cls.supplier_location.id)])
            .picking_id
        )
        to_a = cls._deliver(cls.customer_a, cls.flour, cls.lot, 30)
        cls._deliver(cls.customer_b, cls.flour, cls.lot, 20)
        cls._return(to_a, 5)
        cls.scrap_location = cls.env["stock.location"].search(
            [("scrap_location", "=", True), ("company_id", "in", (cls.company.id, False))],
            limit=1,
        )
        scrap = cls.env["stock.scrap"].create(
            {
                "product_id": cls.flour.id,
                "lot_id": cls.lot.id,
                "scrap_qty": 4,
                "location_id": cls.stock_location.id,
                "scrap_location_id": cls.scrap_location.id,
            }
        )
        scrap.action_validate()
        cls._return(cls.receipt, 6)
        quant = cls._quant(cls.stock_location)
        quant.with_context(inventory_mode=True).inventory_quantity = quant.quantity - 3
        quant.action_apply_inventory()
        cls.shelf = cls.env["stock.location"].create(
            {"name": "Drill Shelf", "usage": "internal", "location_id": cls.stock_location.id}
        )
        to_shelf = cls._picking(
            cls.warehouse.int_type_id,
            cls.customer_b,
            [(cls.flour, 10)],
            location=cls.stock_location,
            location_dest=cls.shelf,
        )
        cls._set_lot(to_shelf, cls.lot, 10)
        to_shelf.button_validate()

    @classmethod
    def _quant(cls, location, lot=None):
        return cls.env["stock.quant"].search(
            [("lot_id", "=", (lot or cls.lot).id), ("location_id", "=", location.id)]
        )

    def _count(self, location, quantity, lot=None):
        """Record the counted quantity of the lot at ``location`` as the Recall User does in
        Odoo's physical inventory (set, not applied)."""
        quant = self._quant(location, lot).with_user(self.recall_user)
        quant.with_context(inventory_mode=True).inventory_quantity = quantity

    def _drill(self, **values):
        return self._recall_through_wizard(self.lot, is_mock=True, **values)

    def _balance(self, recall, lot=None):
        return recall.balance_ids.filtered(lambda row: row.lot_id == (lot or self.lot))


class TestRecallDrill(DrillCase):
    def test_mass_balance_of_every_door(self):
        drill = self._drill()
        row = self._balance(drill)
        self.assertRecordValues(
            row,
            [
                {
                    "depth": 0,
                    "received_quantity": 100,
                    "produced_quantity": 0,
                    "in_quantity": 100,
                    "delivered_quantity": 50,
                    "customer_returned_quantity": 5,
                    "shipped_quantity": 45,
                    "consumed_quantity": 0,
                    "scrapped_quantity": 4,
                    "supplier_returned_quantity": 6,
                    "adjusted_quantity": 3,
                    "on_hand_quantity": 42,
                    "counted_quantity": 42,
                    "accounted_quantity": 100,
                    "unaccounted_quantity": 0,
                    "accounted_percent": 100,
                    "location_count": 2,
                    "uncounted_location_count": 2,
                    "uom_id": self.flour.uom_id.id,
                }
            ],
        )
        self.assertRecordValues(
            drill.balance_location_ids.sorted(lambda count: count.location_id.id),
            [
                {
                    "location_id": self.stock_location.id,
                    "quantity": 32,
                    "counted_quantity": 32,
                    "is_counted": False,
                },
                {
                    "location_id": self.shelf.id,
                    "quantity": 10,
                    "counted_quantity": 10,
                    "is_counted": False,
                },
            ],
        )
        self.assertEqual(drill.accounted_percent, 100)
        self.assertTrue(drill.balance_passed)
        self.assertEqual(drill.balance_tolerance_percent, 0)

    def test_unrecorded_loss_is_unaccounted_until_adjusted(self):
        drill = self._drill()
        self._count(self.stock_location, 32)
        self._count(self.shelf, 8)
        drill.with_user(self.recall_user).action_refresh_balance()
        row = self._balance(drill)
        self.assertRecordValues(
            row,
            [
                {
                    "on_hand_quantity": 42,
                    "counted_quantity": 40,
                    "adjusted_quantity": 3,
                    "unaccounted_quantity": 2,
                    "accounted_quantity": 98,
                    "accounted_percent": 98,
                    "uncounted_location_count": 0,
                }
            ],
        )
        shelf_count = drill.balance_location_ids.filtered(
            lambda count: count.location_id == self.shelf
        )
        self.assertEqual(shelf_count.difference_quantity, 2)
        self.assertTrue(shelf_count.is_counted)
        self.assertEqual(drill.accounted_percent, 98)
        self.assertFalse(drill.balance_passed)
        # The count was only recorded: Odoo's stock is unchanged.
        self.assertEqual(self._quant(self.shelf).quantity, 10)
        # Once the loss is adjusted in Odoo, it is accounted for as an adjustment.
        self._quant(self.shelf).action_apply_inventory()
        drill.with_user(self.recall_user).action_refresh_balance()
        self.assertRecordValues(
            self._balance(drill),
            [{"adjusted_quantity": 5, "on_hand_quantity": 40, "unaccounted_quantity": 0}],
        )
        self.assertEqual(drill.accounted_percent, 100)
        self.assertTrue(drill.balance_passed)

    def test_more_counted_than_known_fails_and_tolerance(self):
        drill = self._drill()
        self._count(self.shelf, 13)
        drill.action_refresh_balance()
        self.assertEqual(self._balance(drill).unaccounted_quantity, -3)
        self.assertEqual(drill.accounted_percent, 103)
        self.assertFalse(drill.balance_passed)
        self.company.recall_drill_tolerance_percent = 3
        drill.action_refresh_balance()
        self.assertEqual(drill.balance_tolerance_percent, 3)
        self.assertTrue(drill.balance_passed)

    def test_count_stock_opens_odoo_physical_inventory_of_the_lots(self):
        drill = self._drill().with_user(self.recall_user)
        action = drill.action_count_stock()
        self.assertEqual(action["res_model"], "stock.quant")
        self.assertEqual(
            action["views"],
            [(self.env.ref("stock.view_stock_quant_tree_inventory_editable").id, "list")],
        )
        self.assertTrue(action["context"]["inventory_mode"])
        quants = self.env["stock.quant"].with_user(self.recall_user).search(action["domain"])
        self.assertEqual(quants.location_id, self.stock_location | self.shelf)

    def test_stock_found_where_odoo_has_none_is_counted(self):
        drill = self._drill()
        other_shelf = self.env["stock.location"].create(
            {"name": "Forgotten Shelf", "usage": "internal", "location_id": self.stock_location.id}
        )
        self.env["stock.quant"].with_user(self.recall_user).with_context(
            inventory_mode=True
        ).create(
            {
                "product_id": self.flour.id,
                "lot_id": self.lot.id,
                "location_id": other_shelf.id,
                "inventory_quantity": 2,
            }
        )
        drill.action_refresh_balance()
        found = drill.balance_location_ids.filtered(lambda count: count.location_id == other_shelf)
        self.assertRecordValues(found, [{"quantity": 0, "counted_quantity": 2, "is_counted": True}])
        self.assertEqual(self._balance(drill).unaccounted_quantity, -2)

    def test_clock_frozen_at_reconciled(self):
        with freeze_time(START):
            drill = self._drill()
        self.assertEqual(drill.drill_started_at, START)
        self.assertEqual(drill.drill_target_hours, 4)
        self.assertEqual(drill.drill_result, "running")
        self.assertIn(
            drill, self.env["lot.recall"].search([("state", "in", ("draft", "traced", "notified"))])
        )
        with freeze_time(START + timedelta(hours=3, minutes=30)):
            drill.with_user(self.recall_user).action_reconcile()
        self.assertEqual(drill.drill_completed_at, START + timedelta(hours=3, minutes=30))
        self.assertEqual(drill.drill_elapsed_hours, 3.5)
        self.assertEqual(drill.state, "closed")
        self.assertEqual(drill.drill_result, "passed")
        self.assertFalse(drill.drill_failure_reason)
        # Out of the Open filter of the recalls.
        self.assertNotIn(
            drill, self.env["lot.recall"].search([("state", "in", ("draft", "traced", "notified"))])
        )
        # Frozen: the stock moves on, the balance does not.
        frozen = drill.balance_ids.read(["lot_id", "shipped_quantity", "counted_quantity"])
        self._deliver(self.customer_b, self.flour, self.lot, 7)
        self._count(self.shelf, 1)
        with self.assertRaises(UserError):
            drill.with_user(self.recall_user).action_refresh_balance()
        with self.assertRaises(UserError):
            drill.with_user(self.recall_user).action_trace()
        with self.assertRaises(UserError):
            drill.with_user(self.recall_user).action_reconcile()
        drill.invalidate_recordset()
        self.assertEqual(
            drill.balance_ids.read(["lot_id", "shipped_quantity", "counted_quantity"]), frozen
        )
        self.assertEqual(drill.drill_elapsed_hours, 3.5)

    def test_too_slow_fails(self):
        with freeze_time(START):
            drill = self._drill()
        with freeze_time(START + timedelta(hours=4, minutes=1)):
            drill.action_reconcile()
        self.assertEqual(drill.drill_result, "failed")
        self.assertTrue(drill.balance_passed)
        self.assertEqual(drill.drill_failure_reason, "reconciled in 04:01 h, the target is 04:00 h")

    def test_unaccounted_fails_in_time(self):
        with freeze_time(START):
            drill = self._drill()
        self._count(self.shelf, 9)
        with freeze_time(START + timedelta(hours=1)):
            drill.action_reconcile()
        self.assertEqual(drill.drill_result, "failed")
        self.assertEqual(drill.accounted_percent, 99)
        self.assertEqual(
            drill.drill_failure_reason,
            "99.00% of the quantity accounted for (tolerance 0.00%)",
        )

    def test_wizard_clock_starts_when_the_wizard_opened(self):
        action = self.lot.with_user(self.recall_user).action_open_recall_wizard()
        with freeze_time(START):
            wizard_form = Form(
                self.env["lot.recall.wizard"]
                .with_user(self.recall_user)
                .with_context(**action["context"])
            )
        wizard_form.reason = "Drill"
        wizard_form.is_mock = True
        with freeze_time(START + timedelta(minutes=20)):
            recall = self.env["lot.recall"].browse(wizard_form.save().action_confirm()["res_id"])
        self.assertEqual(recall.drill_started_at, START)

    def test_start_drill_on_a_draft(self):
        drill = (
            self.env["lot.recall"]
            .with_user(self.recall_user)
            .create({"reason": "Drill", "lot_ids": [(6, 0, self.lot.ids)], "is_mock": True})
        )
        self.assertFalse(drill.drill_started_at)
        self.assertFalse(drill.drill_result)
        with self.assertRaisesRegex(UserError, "Trace"):
            drill.action_reconcile()
        with freeze_time(START):
            drill.action_start_drill()
        self.assertEqual(drill.drill_started_at, START)
        with self.assertRaises(UserError):
            drill.action_start_drill()
        with freeze_time(START + timedelta(minutes=5)):
            drill.action_trace()
        self.assertEqual(drill.drill_started_at, START)
        # A draft drill traced without Start Drill starts its clock then: no drill work off
        # the clock.
        other = (
            self.env["lot.recall"]
            .with_user(self.recall_user)
            .create({"reason": "Drill", "lot_ids": [(6, 0, self.lot.ids)], "is_mock": True})
        )
        with freeze_time(START + timedelta(hours=1)):
            other.action_trace()
        self.assertEqual(other.drill_started_at, START + timedelta(hours=1))

    def test_real_recall_has_a_balance_but_no_clock(self):
        """A real recall's balance is computed by the scheduled action its trace triggers
        (its manager does not wait for it), and again after each trace."""
        cron = self.env.ref("lot_recall.ir_cron_lot_recall_balance")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        recall = self._recall_through_wizard(self.lot, quarantine=False)
        self.assertFalse(recall.balance_date)
        self.assertGreater(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers
        )
        self.env["lot.recall"]._cron_lot_recall_balance()
        self.assertTrue(recall.balance_date)
        self.assertEqual(self._balance(recall).shipped_quantity, 45)
        self.assertFalse(recall.balance_outdated)
        recall.action_trace()
        self.assertTrue(recall.balance_outdated)
        self.env["lot.recall"]._cron_lot_recall_balance()
        self.assertFalse(recall.balance_outdated)
        self.assertEqual(recall.accounted_percent, 100)
        self.assertFalse(recall.drill_started_at)
        self.assertFalse(recall.drill_result)
        self.assertFalse(recall.contact_ids)
        with self.assertRaisesRegex(UserError, "real recall"):
            recall.with_user(self.recall_user).action_start_drill()
        with self.assertRaisesRegex(UserError, "real recall"):
            recall.with_user(self.recall_user).action_reconcile()

    def test_contact_check(self):
        self.customer_b.write({"email": "not an address", "phone": "+32 2 555 01 01"})
        self._deliver(self.customer_c, self.flour, self.lot, 1)
        drill = self._drill()
        by_customer = {contact.partner_id: contact for contact in drill.contact_ids}
        self.assertEqual(by_customer[self.customer_a].reachable_by, "email")
        self.assertEqual(by_customer[self.customer_b].reachable_by, "phone")
        self.assertEqual(by_customer[self.customer_b].phone, "+32 2 555 01 01")
        self.assertRecordValues(
            by_customer[self.customer_c], [{"reachable_by": "none", "email": False, "phone": False}]
        )
        self.assertEqual(drill.contact_count, 3)
        self.assertEqual(drill.contact_unreachable_count, 1)
        self.assertAlmostEqual(drill.contact_reachable_percent, 200 / 3)
        # A drill sends nothing.
        self.assertEqual(set(drill.notice_ids.mapped("state")), {"pending"})

    def test_protected_fields_refused_to_recall_users(self):
        drill = self._drill().with_user(self.recall_user)
        for vals in (
            {"drill_started_at": START},
            {"drill_completed_at": START},
            {"drill_target_hours": 100},
            {"accounted_percent": 100},
            {"balance_tolerance_percent": 50},
            {"balance_date": START},
            {"balance_ids": [(5,)]},
            {"balance_location_ids": [(5,)]},
            {"contact_ids": [(5,)]},
            {"drill_result": "passed"},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                drill.write(vals)
        with self.assertRaises(AccessError):
            self.env["lot.recall"].with_user(self.recall_user).create(
                {
                    "reason": "Drill",
                    "lot_ids": [(6, 0, self.lot.ids)],
                    "is_mock": True,
                    "drill_started_at": START,
                }
            )
        balance = drill.balance_ids[:1]
        with self.assertRaises(AccessError):
            balance.write({"unaccounted_quantity": 0})
        with self.assertRaises(AccessError):
            balance.unlink()

    def test_balance_is_one_statement_whatever_the_lots(self):
        """The balance costs the same queries for one lot and for five."""
        lots = self.lot | self.env["stock.lot"].browse(
            self._receive(self.flour, f"DRILL-Q{index}", 10).id for index in range(4)
        )
        counts = []
        for recall_lots in (self.lot, lots):
            recall = self._recall_through_wizard(recall_lots, quarantine=False)
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            recall._refresh_balance()
            counts.append(self.env.cr.sql_log_count - before)
            self.assertEqual(len(recall.balance_ids), len(recall_lots))
            recall.sudo().state = "cancel"
        self.assertEqual(counts[0], counts[1])

    def test_drill_dashboard(self):
        Recall = self.env["lot.recall"].with_user(self.recall_user)
        self.env["lot.recall"].search([("is_mock", "=", True)]).sudo().is_mock = False
        [status] = Recall.retrieve_drill_dashboard()
        self.assertEqual(status, {"company": False, "last_passed": False, "overdue": True})
        with freeze_time(START):
            drill = self._drill()
        with freeze_time(START + timedelta(hours=2)):
            drill.action_reconcile()
            self.assertEqual(
                Recall.retrieve_drill_dashboard(),
                [{"company": False, "last_passed": "2026-03-02", "overdue": False}],
            )
        self.assertEqual(self.company.recall_drill_last_passed_at, START + timedelta(hours=2))
        with freeze_time(START + timedelta(days=366)):
            self.assertTrue(Recall.retrieve_drill_dashboard()[0]["overdue"])
        stock_user = new_test_user(
            self.env, login="lr_drill_stock", groups="stock.group_stock_user"
        )
        with self.assertRaises(AccessError):
            self.env["lot.recall"].with_user(stock_user).retrieve_drill_dashboard()


@tagged("post_install", "-at_install")
class TestRecallDrillReport(DrillCase, HttpCase):
    """HttpCase: wkhtmltopdf fetches the report assets from the test server."""

    def _pdf(self, report_ref, records):
        content, report_format = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report_ref, records.ids)
        )
        self.assertEqual(report_format, "pdf")
        return " ".join(
            "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split()
        )

    def test_drill_report_frozen(self):
        self.env.user.tz = "UTC"
        self.company.write({"email": "quality@yourcompany.example.com", "phone": "+1 555 0100"})
        self._deliver(self.customer_c, self.flour, self.lot, 1)
        with freeze_time(START):
            drill = self._drill()
        self._count(self.shelf, 8)
        with freeze_time(START + timedelta(hours=2, minutes=15)):
            drill.with_user(self.recall_user).action_reconcile()
        text = self._pdf("lot_recall.action_report_recall_drill", drill)
        for expected in (
            f"Mock Recall Drill {drill.name}",
            self.company.name,
            "quality@yourcompany.example.com",
            "FAILED",
            "02:15 h (target 04:00 h)",
            "DRILL-0001",
            "Mass Balance",
            "Total of the recalled lots",
            "Drill Shelf",
            "not counted",
            "Gamma Grocers Gamma Grocers Cannot be reached",
            "Alpha Foods Alpha Foods alpha@example.com Email",
            "2 of 3 affected customers",
            "Drill conducted by",
            "Reviewed by",
        ):
            self.assertIn(expected, text)
        # 2 of the 100 received are missing on the shelf.
        self.assertIn("98.00 %", text)
        # The stock moves on; the report of the reconciled drill does not change.
        self._deliver(self.customer_b, self.flour, self.lot, 5)
        self._count(self.stock_location, 1)
        drill.invalidate_recordset()
        self.assertEqual(self._pdf("lot_recall.action_report_recall_drill", drill), text)

    def test_recall_report_has_the_mass_balance(self):
        recall = self._recall_through_wizard(self.lot, quarantine=False)
        self.env["lot.recall"]._cron_lot_recall_balance()
        text = self._pdf("lot_recall.action_report_recall", recall)
        self.assertIn("Mass Balance", text)
        self.assertIn("100.00 % of the quantity in", text)
        self.assertIn("Total of the recalled lots", text)


@tagged("post_install", "-at_install")
class TestRecallDrillTour(LotRecallCase, HttpCase):
    """The drill in a real browser: the dashboard, the mass balance tab, Reconciled."""

    def test_drill_tour(self):
        self.env["lot.recall"].search([("is_mock", "=", True)]).sudo().is_mock = False
        lot = self._receive(self.flour, "TOUR-DRILL-1", 100)
        self._deliver(self.customer_a, self.flour, lot, 40)
        drill = self._recall_through_wizard(lot, is_mock=True)
        self.start_tour(
            "/odoo/action-lot_recall.action_lot_recall_drill",
            "lot_recall_drill_tour",
            login="lr_recall_user",
        )
        self.assertEqual(drill.state, "closed")
        self.assertEqual(drill.drill_result, "passed")
