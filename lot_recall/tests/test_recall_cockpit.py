# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.modules.migration import load_script
from odoo.tests import Form, HttpCase, tagged
from odoo.tools import SQL

from .common import LotRecallCase


@tagged("post_install", "-at_install")
class TestRecallCockpit(LotRecallCase, HttpCase):
    """The recall manager's cockpit: what needs action today, the escalation of customers who
    do not answer to a phone call, acknowledgment progress and the figures of the pivot.
    HttpCase: the notices go through the mail queue with their PDFs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.write(
            {
                "recall_reminder_days": 7,
                "recall_reminder_max": 2,
                "email": "quality@yourcompany.example.com",
            }
        )
        cls.milling = cls.env["product.category"].create({"name": "Milling"})
        (cls.flour | cls.bread).categ_id = cls.milling
        cls.customer_b.phone = "+32 2 555 01 02"
        cls.customer_c.write({"email": False, "phone": "+32 2 555 01 03"})
        cls.customer_d = cls.env["res.partner"].create(
            {"name": "Delta Deli", "is_company": True, "email": "delta@example.com"}
        )
        # Everything delivered: no stock held.
        cls.lot = cls._receive(cls.flour, "CK-0001", 60)
        for customer, quantity in (
            (cls.customer_a, 10),
            (cls.customer_b, 20),
            (cls.customer_c, 30),
        ):
            cls._deliver(customer, cls.flour, cls.lot, quantity)
        cls.delta_lot = cls._receive(cls.flour, "CK-0003", 5)
        cls._deliver(cls.customer_d, cls.flour, cls.delta_lot, 5)
        # Never delivered: stock held, no customer.
        cls.held_lot = cls._receive(cls.bread, "CK-0002", 40)
        cls.call_type = cls.env.ref("lot_recall.mail_activity_type_call_customer")

    def _recall(self, lots=None, **values):
        return self._recall_through_wizard(lots or self.lot, quarantine=False, **values).with_user(
            self.recall_manager
        )

    def _send(self, recall):
        with self._smtp() as server:
            recall.action_send_notices()
            self._process_queue()
        return server

    def _notices(self, recall):
        by_partner = {notice.partner_id: notice for notice in recall.notice_ids}
        return (by_partner[p] for p in (self.customer_a, self.customer_b, self.customer_c))

    def _record_ack(self, notice, quantity=0.0, action="destroyed"):
        """An acknowledgment given by phone, recorded by a Recall User with the wizard."""
        ack_form = Form(
            self.env["lot.recall.ack.wizard"]
            .with_user(self.recall_user)
            .with_context(default_notice_id=notice.id)
        )
        ack_form.quantity_on_hand = quantity
        ack_form.action = action
        ack_form.save().action_confirm()

    def _portal_ack(self, notice, **data):
        """The customer acknowledges on the notice page."""
        url = f"/lot_recall/notice/{notice.id}?access_token={notice.access_token}"
        page = self.url_open(url)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
        response = self.url_open(
            f"/lot_recall/notice/{notice.id}/acknowledge",
            data={"csrf_token": csrf, "access_token": notice.access_token, **data},
        )
        self.assertEqual(response.status_code, 200)

    def test_the_recalls_open_as_a_kanban_with_cockpit_views(self):
        action = self.env.ref("lot_recall.action_lot_recall")
        self.assertEqual(action.view_mode.split(",")[0], "kanban")
        views = (
            self.env["lot.recall"]
            .with_user(self.recall_user)
            .get_views(
                [
                    (False, view)
                    for view in ("kanban", "list", "pivot", "graph", "activity", "search")
                ]
            )
        )
        kanban = views["views"]["kanban"]["arch"]
        self.assertIn('default_group_by="state"', kanban)
        self.assertIn('<progressbar field="ack_progress"', kanban)
        self.assertIn('records_draggable="false"', kanban)
        self.assertIn('name="activity_ids"', views["views"]["list"]["arch"])
        self.assertIn('name="needs_action"', views["views"]["search"]["arch"])

    def test_calls_escalate_after_the_last_reminder_and_close_themselves(self):
        start = fields.Datetime.now()
        with freeze_time(start):
            recall = self._recall()
            self._send(recall)
            today = fields.Date.context_today(recall)
        notice_a, notice_b, notice_c = self._notices(recall)
        # No email address: the responsible calls at once, with the customer's phone.
        call_c = notice_c.call_activity_id
        self.assertEqual(call_c.activity_type_id, self.call_type)
        self.assertEqual((call_c.res_model, call_c.res_id), ("lot.recall", recall.id))
        self.assertEqual(call_c.user_id, self.recall_user, "the recall's responsible")
        self.assertEqual(call_c.summary, "Call Gamma Grocers")
        self.assertIn("+32 2 555 01 03", call_c.note)
        self.assertIn("No email address", call_c.note)
        self.assertEqual(call_c.date_deadline, today)
        self.assertFalse((notice_a | notice_b).call_activity_id)
        self.assertEqual(recall.call_open_count, 1)
        # The others get the reminders first ...
        Notice = self.env["lot.recall.notice"]
        for days, reminders in ((8, 1), (16, 2)):
            with freeze_time(start + timedelta(days=days)), self._smtp() as server:
                Notice._cron_send_reminders()
                self._process_queue()
            self.assertEqual(
                sorted(rcpt for rcpt, _message in server.messages),
                [["alpha@example.com"], ["beta@example.com"]],
            )
            self.assertEqual((notice_a | notice_b).mapped("reminder_count"), [reminders] * 2)
            self.assertFalse((notice_a | notice_b).call_activity_id)
        # ... and a call once the delay passed after the last one.
        with freeze_time(start + timedelta(days=24)), self._smtp() as server:
            Notice._cron_send_reminders()
            self._process_queue()
        self.assertFalse(server.messages, "no third reminder")
        call_a, call_b = notice_a.call_activity_id, notice_b.call_activity_id
        self.assertEqual((call_a | call_b).activity_type_id, self.call_type)
        self.assertIn("+32 2 555 01 02", call_b.note)
        self.assertIn("No phone number on file for Alpha Foods", call_a.note)
        self.assertIn("No acknowledgment after 2 reminders", call_a.note)
        self.assertEqual(recall.activity_ids, call_a | call_b | call_c)
        self.assertEqual(recall.call_open_count, 3)
        # The customer acknowledges on the page, or staff record the answer: the call closes.
        self._portal_ack(notice_a, quantity="0", action="destroyed")
        self.assertFalse(call_a.exists())
        self.assertFalse(notice_a.call_activity_id)
        self._record_ack(notice_b, 2.0, "returning")
        self.assertFalse(call_b.exists())
        done = recall.message_ids.filtered(
            lambda message: message.mail_activity_type_id == self.call_type
        )
        self.assertEqual(len(done), 2)
        self.assertIn("Alpha Foods acknowledged (Notice page)", " ".join(done.mapped("body")))
        self.assertIn("Beta Bakery acknowledged (Phone)", " ".join(done.mapped("body")))
        self.assertEqual(recall.call_open_count, 1)
        # A customer is escalated once: the remaining call is not duplicated.
        with freeze_time(start + timedelta(days=40)), self._smtp():
            Notice._cron_send_reminders()
        self.assertEqual(recall.activity_ids, call_c)
        self.assertEqual(
            (notice_a | notice_b | notice_c).mapped("call_date"),
            [start + timedelta(days=24)] * 2 + [start],
        )

    def test_a_bounced_address_is_a_call_too(self):
        recall = self._recall()
        _notice_a, notice_b, _notice_c = self._notices(recall)
        with self._smtp():
            recall.action_send_notices()
        notice_b._record_result("customer", "The mail server refused beta@example.com")
        self.assertEqual(notice_b.call_activity_id.activity_type_id, self.call_type)
        self.assertIn("refused beta@example.com", notice_b.call_activity_id.note)

    def test_needs_action(self):
        Recall = self.env["lot.recall"].with_user(self.recall_user)
        start = fields.Datetime.now()
        with freeze_time(start):
            recall = self._recall()
            held = self._recall(self.held_lot)
            drill = self._recall(self.held_lot, is_mock=True)
        recalls = recall | held | drill

        def found(*domain):
            return Recall.search([("id", "in", recalls.ids), *domain])

        # Stock still held needs action in a real recall, not in a drill.
        self.assertEqual(found(("needs_action", "=", True)), held)
        self.assertEqual(found(("needs_action", "=", False)), recall | drill)
        self.assertEqual(found(("stock_held", "=", True)), held | drill)
        self.assertEqual((recall.stock_held, held.stock_held), (False, True))
        self.assertEqual((held.needs_action, drill.needs_action), (True, False))
        self.assertEqual((recall.ack_progress, drill.ack_progress), ("none", False))
        # Customers to call.
        with freeze_time(start):
            self._send(recall)
        _notice_a, _notice_b, notice_c = self._notices(recall)
        self.assertEqual(found(("call_open_count", ">", 0)), recall)
        self.assertEqual(found(("needs_action", "=", True)), recall | held)
        self._record_ack(notice_c, 0.0, "none_left")
        self.assertEqual(found(("call_open_count", ">", 0)), Recall)
        self.assertEqual(found(("needs_action", "=", True)), held)
        # Acknowledgments overdue after the company's reminder delay (7 days).
        with freeze_time(start + timedelta(days=6)):
            self.assertEqual(found(("overdue_ack_count", ">", 0)), Recall)
            recall.invalidate_recordset(["overdue_ack_count"])
            self.assertEqual(recall.overdue_ack_count, 0)
        with freeze_time(start + timedelta(days=8)):
            self.assertEqual(found(("overdue_ack_count", ">", 0)), recall)
            self.assertEqual(found(("overdue_ack_count", "=", 0)), held | drill)
            self.assertEqual(found(("needs_action", "=", True)), recall | held)
            recall.invalidate_recordset(["overdue_ack_count", "needs_action"])
            self.assertEqual(recall.overdue_ack_count, 2)
            self.assertTrue(recall.needs_action)
            self.assertEqual(recall.days_open, 8)
        # A closed recall needs no action, whatever it holds.
        held._close()
        self.assertEqual(found(("needs_action", "=", True)), Recall)
        with self.assertRaisesRegex(UserError, "some or none"):
            found(("overdue_ack_count", ">", 3))

    def test_acknowledgment_progress_and_days_to_full_ack(self):
        Recall = self.env["lot.recall"].with_user(self.recall_user)
        start = fields.Datetime.now()
        with freeze_time(start):
            recall = self._recall()
            held = self._recall(self.held_lot)
            self._send(recall)
        self.assertEqual(recall.product_ids, self.flour)
        self.assertEqual(recall.product_categ_ids, self.milling)
        self.assertEqual((recall.ack_progress, held.ack_progress), ("none", False))
        notice_a, notice_b, notice_c = self._notices(recall)
        with freeze_time(start + timedelta(days=2)):
            self._record_ack(notice_a)
        self.assertEqual(recall.ack_progress, "partial")
        self.assertFalse(recall.full_ack_date)
        with freeze_time(start + timedelta(days=3, hours=12)):
            self._record_ack(notice_b)
            self._record_ack(notice_c)
        self.assertEqual(recall.ack_progress, "done")
        self.assertEqual(recall.full_ack_date, start + timedelta(days=3, hours=12))
        self.assertEqual(recall.days_to_full_ack, 3.5)
        # The pivot's average counts only the fully acknowledged recalls (held has none).
        [group] = Recall.read_group(
            [("id", "in", (recall | held).ids)],
            ["days_to_full_ack:avg"],
            ["product_categ_ids"],
        )
        self.assertEqual(group["product_categ_ids"][0], self.milling.id)
        self.assertEqual(group["product_categ_ids_count"], 2)
        self.assertEqual(group["days_to_full_ack"], 3.5)
        groups = Recall._read_group(
            [("id", "in", (recall | held).ids)],
            ["create_date:month", "classification"],
            ["__count"],
        )
        self.assertEqual(
            [(classification, count) for _month, classification, count in groups], [("class_2", 2)]
        )
        # A new customer found later: no longer fully acknowledged.
        recall.action_add_lots(self.delta_lot.ids)
        self.assertEqual(recall.ack_progress, "partial")
        self.assertFalse(recall.full_ack_date)
        [group] = Recall.read_group(
            [("id", "in", (recall | held).ids)], ["days_to_full_ack:avg"], []
        )
        self.assertFalse(group["days_to_full_ack"])

    def test_recalls_notified_before_the_upgrade_get_their_progress(self):
        start = fields.Datetime.now()
        with freeze_time(start):
            recall = self._recall()
            partial = self._recall(self.delta_lot)
            self._send(recall)
            self._send(partial)
        with freeze_time(start + timedelta(days=2)):
            for notice in recall.notice_ids:
                self._record_ack(notice)
        # As before the upgrade: no progress written.
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE lot_recall SET ack_progress = NULL, full_ack_date = NULL,"
                " days_to_full_ack = NULL WHERE id = ANY(%s)",
                (recall | partial).ids,
            )
        )
        (recall | partial).invalidate_recordset()
        script = load_script("lot_recall/migrations/18.0.1.4.0/post-cockpit.py", "lot_recall_1_4")
        script.migrate(self.env.cr, "18.0.1.3.0")
        (recall | partial).invalidate_recordset()
        self.assertEqual((recall.ack_progress, partial.ack_progress), ("done", "none"))
        self.assertEqual(recall.full_ack_date, start + timedelta(days=2))
        self.assertEqual(recall.days_to_full_ack, 2.0)
        self.assertFalse(partial.full_ack_date)
