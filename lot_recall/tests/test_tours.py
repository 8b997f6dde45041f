# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re
from unittest.mock import patch

from odoo import modules
from odoo.tests import HttpCase, new_test_user, tagged

from .common import LotRecallCase
from .smtp_server import LocalSmtpServer


@tagged("post_install", "-at_install")
class TestRecallTours(LotRecallCase, HttpCase):
    """The whole flow in a real browser (Chromium), as the users would do it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tour_manager = new_test_user(
            cls.env,
            login="lr_tour_manager",
            groups="stock.group_stock_user,stock.group_production_lot,"
            "lot_recall.group_recall_manager",
        )
        cls.one, cls.two = cls.env["res.partner"].create(
            [
                {"name": "Tour Customer One", "email": "one@example.com", "is_company": True},
                {"name": "Tour Customer Two", "email": "two@example.com", "is_company": True},
            ]
        )
        cls.lot = cls._receive(cls.flour, "TOUR-LOT-1", 50)
        cls.to_one = cls._deliver(cls.one, cls.flour, cls.lot, 8)
        cls.to_two = cls._deliver(cls.two, cls.flour, cls.lot, 12)

    def test_recall_from_the_lot_form(self):
        self.start_tour(
            f"/odoo/action-stock.action_production_lot_form/{self.lot.id}",
            "lot_recall_from_lot_tour",
            login="lr_tour_manager",
        )
        recall = self.env["lot.recall"].search([("lot_ids", "in", self.lot.ids)])
        self.assertEqual(len(recall), 1)
        self.assertEqual(recall.state, "notified")
        self.assertEqual(recall.classification, "class_1")
        self.assertEqual(recall.reason, "Metal fragments found in production")
        self.assertEqual(recall.user_id, self.tour_manager)
        self.assertEqual(recall.line_ids.partner_id, self.one | self.two)
        self.assertTrue(self.lot.quarantined)
        queued = recall.notice_ids.filtered("queued")
        self.assertEqual(queued.recipient_id, self.one | self.two)

    def test_customer_acknowledges_from_the_email_link(self):
        recall = self.env["lot.recall"].create(
            {"reason": "Allergen not declared", "lot_ids": [(6, 0, self.lot.ids)]}
        )
        recall.action_trace()
        with LocalSmtpServer() as server:
            self.env["ir.mail_server"].search([]).active = False
            self.env["ir.mail_server"].create(
                {"name": "Tour SMTP", "smtp_host": "127.0.0.1", "smtp_port": server.port}
            )
            recall.with_user(self.tour_manager).action_send_notices()
            with patch.object(modules.module, "current_test", False):
                self.env["mail.mail"].with_context(
                    force_report_rendering=True
                ).process_email_queue()
        [message] = [m for rcpt, m in server.messages if rcpt == ["one@example.com"]]
        body = message.get_body(("html",)).get_content()
        link = re.search(r'href="[^"]*?(/lot_recall/notice/\d+\?access_token=[\w-]+)"', body)[1]
        self.assertEqual(recall.acknowledged_percent, 0.0)
        self.start_tour(link, "lot_recall_acknowledge_tour")
        notice = recall.notice_ids.filtered(lambda n: n.partner_id == self.one)
        self.assertEqual(notice.state, "acknowledged")
        self.assertEqual(notice.ack_quantity_on_hand, 3.0)
        self.assertEqual(notice.ack_action, "destroyed")
        self.assertEqual(notice.ack_note, "Binned the remaining sacks")
        self.assertEqual(recall.acknowledged_percent, 50.0)
        self.assertEqual(recall.quantity_reported_destroyed, 8.0)
