# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from odoo.tests import HttpCase, tagged

from .common import LotRecallCase


@tagged("post_install", "-at_install")
class TestNoticePortal(LotRecallCase, HttpCase):
    """The public acknowledgment page, reached only with the notice's own token."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        lot = cls._receive(cls.flour, "PT-0001", 100)
        cls.to_a = cls._deliver(cls.customer_a, cls.flour, lot, 10)
        cls.to_b = cls._deliver(cls.customer_b, cls.flour, lot, 20)
        cls.recall = cls.env["lot.recall"].create(
            {"reason": "Glass fragments", "lot_ids": [(6, 0, lot.ids)]}
        )
        cls.recall.action_trace()
        cls.notice_a, cls.notice_b = (
            cls.recall.notice_ids.filtered(lambda n, p=partner: n.partner_id == p)
            for partner in (cls.customer_a, cls.customer_b)
        )
        for notice in cls.notice_a | cls.notice_b:
            notice._portal_ensure_token()

    def _url(self, notice, token=None, suffix=""):
        token = notice.access_token if token is None else token
        return f"/lot_recall/notice/{notice.id}{suffix}?access_token={token}"

    def _acknowledge(self, notice, **data):
        page = self.url_open(self._url(notice))
        self.assertEqual(page.status_code, 200)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        return self.url_open(
            f"/lot_recall/notice/{notice.id}/acknowledge",
            data={"csrf_token": csrf, "access_token": notice.access_token, **data},
        )

    def test_page_shows_only_this_customers_deliveries(self):
        page = self.url_open(self._url(self.notice_b))
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.recall.name, page.text)
        self.assertIn("Glass fragments", page.text)
        self.assertIn(self.to_b.name, page.text)
        self.assertNotIn(self.to_a.name, page.text)
        self.assertNotIn(self.customer_a.name, page.text)

    def test_wrong_missing_or_foreign_token_is_404_without_data(self):
        for url in (
            self._url(self.notice_b, token="0" * 36),
            f"/lot_recall/notice/{self.notice_b.id}",
            self._url(self.notice_b, token=self.notice_a.access_token),
            f"/lot_recall/notice/{self.notice_b.id + 100000}?access_token=x",
        ):
            response = self.url_open(url)
            self.assertEqual(response.status_code, 404, url)
            self.assertNotIn(self.to_b.name, response.text)
            self.assertNotIn("Glass fragments", response.text)
        response = self.url_open(
            f"/lot_recall/notice/{self.notice_b.id}/acknowledge",
            data={
                "access_token": self.notice_a.access_token,
                "quantity": "1",
                "action": "none_left",
            },
        )
        self.assertIn(response.status_code, (400, 404))
        self.assertFalse(self.notice_b.ack_date)

    def test_acknowledge_then_update(self):
        response = self._acknowledge(
            self.notice_b, quantity="7,5", action="returning", note="Pallet 3 set aside"
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("your acknowledgment was recorded", response.text)
        self.assertEqual(self.notice_b.state, "acknowledged")
        self.assertEqual(self.notice_b.ack_quantity_on_hand, 7.5)
        self.assertEqual(self.notice_b.ack_action, "returning")
        self.assertEqual(self.notice_b.ack_note, "Pallet 3 set aside")
        self.assertEqual(self.recall.acknowledged_percent, 50.0)
        self.assertEqual(self.recall.quantity_reported_returning, 7.5)
        self._acknowledge(self.notice_b, quantity="0", action="destroyed")
        self.assertEqual(self.notice_b.ack_action, "destroyed")
        self.assertEqual(self.recall.quantity_reported_destroyed, 20.0)
        bodies = self.notice_b.message_ids.mapped("body")
        self.assertTrue(any("Acknowledgment updated" in body for body in bodies))
        self.assertTrue(any("Acknowledged by the customer" in body for body in bodies))

    def test_bad_input_saves_nothing(self):
        cases = [
            ({"quantity": "-3", "action": "destroyed"}, "cannot be negative"),
            ({"quantity": "lots", "action": "destroyed"}, "as a number"),
            ({"quantity": "nan", "action": "destroyed"}, "cannot be negative"),
            ({"quantity": "2", "action": "burnt"}, "Choose what you did"),
            ({"quantity": "2", "action": "destroyed", "note": "x" * 5000}, "too long"),
            ({"quantity": "1e308", "action": "destroyed"}, "in units"),
            ({"quantity": "2", "action": "destroyed", "note": "bad\x00byte"}, "not text"),
        ]
        for data, message in cases:
            response = self._acknowledge(self.notice_a, **data)
            self.assertEqual(response.status_code, 400)
            self.assertIn(message, response.text)
            self.assertFalse(self.notice_a.ack_date, data)
            self.assertNotEqual(self.notice_a.state, "acknowledged")

    def test_note_is_rendered_escaped(self):
        note = "<script>alert('x')</script>'; DROP TABLE lot_recall;--"
        self._acknowledge(self.notice_a, quantity="1", action="quarantined", note=note)
        self.assertEqual(self.notice_a.ack_note, note)
        page = self.url_open(self._url(self.notice_a))
        self.assertNotIn("<script>alert", page.text)
        self.assertIn("&lt;script&gt;alert", page.text)
        self.assertTrue(self.env["lot.recall"].search_count([]))

    def test_acknowledgment_is_authored_by_the_customer_and_kept_as_history(self):
        self._acknowledge(self.notice_a, quantity="3", action="quarantined")
        self._acknowledge(self.notice_a, quantity="0", action="destroyed")
        self.assertEqual(self.notice_a.ack_ids.mapped("channel"), ["portal", "portal"])
        self.assertEqual(self.notice_a.ack_ids.mapped("quantity_on_hand"), [3.0, 0.0])
        self.assertFalse(self.notice_a.ack_ids.recorded_by_id)
        self.assertEqual(self.notice_a.message_ids[0].author_id, self.notice_a.partner_id)

    def test_late_answer_on_a_closed_recall_is_logged_not_recorded(self):
        self.recall.with_user(self.recall_manager)._close("Closing for the test")
        response = self._acknowledge(self.notice_a, quantity="4", action="returning")
        self.assertEqual(response.status_code, 200)
        self.assertIn("your answer was passed on", response.text)
        self.assertNotEqual(self.notice_a.state, "acknowledged")
        self.assertFalse(self.notice_a.ack_ids)
        self.assertIn("after the recall was", self.recall.message_ids[0].body)
        self.assertEqual(self.recall.message_ids[0].author_id, self.notice_a.partner_id)
