# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, new_test_user, tagged

from .common import LotRecallCase


@tagged("post_install", "-at_install")
class TestCockpitTour(LotRecallCase, HttpCase):
    """The recall manager's cockpit in a real browser: kanban, Needs Action, a recall."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        new_test_user(
            cls.env,
            login="lr_cockpit_manager",
            groups="stock.group_stock_user,stock.group_production_lot,"
            "lot_recall.group_recall_manager",
        )
        flour = cls.env["product.product"].create(
            {"name": "Cockpit Flour", "is_storable": True, "tracking": "lot"}
        )
        sugar = cls.env["product.product"].create(
            {"name": "Drill Sugar", "is_storable": True, "tracking": "lot"}
        )
        cls.customer_c.email = False
        lot = cls._receive(flour, "CK-TOUR-1", 30)
        for customer in (cls.customer_a, cls.customer_c):
            cls._deliver(customer, flour, lot, 15)
        cls.sugar_lot = cls._receive(sugar, "DR-TOUR-1", 10)
        cls.lot = lot

    def test_kanban_needs_action_then_recall(self):
        # A real recall whose customer without an email address is to be called, and a drill
        # of a lot we hold, which needs no action.
        recall = self._recall_through_wizard(
            self.lot, reason="Flour gone mouldy", quarantine=False
        ).with_user(self.recall_manager)
        with self._smtp():
            recall.action_send_notices()
        drill = self._recall_through_wizard(self.sugar_lot, is_mock=True)
        self.assertEqual(recall.call_open_count, 1)
        self.assertFalse(drill.needs_action)
        self.start_tour(
            "/odoo/action-lot_recall.action_lot_recall",
            "lot_recall_cockpit_tour",
            login="lr_cockpit_manager",
        )


@tagged("post_install", "-at_install")
class TestNoticePagePhone(LotRecallCase, HttpCase):
    """The customer's page on a phone (Chromium at 390 x 844)."""

    browser_size = "390x844"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env.company.write(
            {
                "name": "Phone Test Foods",
                "street": "12 Harbour Road",
                "city": "London",
                "zip": "E1 6AN",
                "phone": "+44 20 7946 0000",
            }
        )
        lot = cls._receive(cls.flour, "PHONE-LOT-1", 20, supplier_lot_ref="MILL-PHONE-0001")
        cls._deliver(cls.customer_a, cls.flour, lot, 12)
        recall = cls.env["lot.recall"].create(
            {"reason": "Glass fragments in some sacks", "lot_ids": [(6, 0, lot.ids)]}
        )
        recall.action_trace()
        cls.notice = recall.notice_ids
        cls.notice._portal_ensure_token()

    def test_phone_page_in_french_then_acknowledge(self):
        self.start_tour(self.notice.get_portal_url(), "lot_recall_notice_phone_tour")
        self.assertEqual(self.notice.state, "acknowledged")
        self.assertEqual(self.notice.ack_quantity_on_hand, 4.0)
        self.assertEqual(self.notice.ack_action, "returning")
