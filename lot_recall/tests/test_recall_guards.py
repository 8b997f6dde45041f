# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from odoo import modules
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import LotRecallCase


@tagged("post_install", "-at_install")
class TestRecallGuards(LotRecallCase):
    """State and evidence change only through the actions that own them, whoever writes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stock_user = new_test_user(
            cls.env, login="lr_guard_stock", groups="stock.group_stock_user"
        )
        cls.lot = cls._receive(cls.flour, "GD-0001", 100)
        cls.other_lot = cls._receive(cls.flour, "GD-0002", 100)
        cls._deliver(cls.customer_a, cls.flour, cls.lot, 10)
        cls._deliver(cls.customer_b, cls.flour, cls.other_lot, 10)

    def _traced(self, **values):
        return self._recall_through_wizard(self.lot, quarantine=False, **values)

    def test_recall_user_cannot_write_guarded_fields(self):
        recall = self._traced()
        as_user = recall.with_user(self.recall_user)
        for vals in (
            {"is_mock": True},
            {"state": "closed"},
            {"trace_date": False},
            {"affected_lot_ids": [(5,)]},
            {"line_ids": [(5,)]},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                as_user.write(vals)
        for vals in (
            {"company_id": self.env["res.company"].create({"name": "Guard Co"}).id},
            {"include_derived": False},
            {"lot_ids": [(3, self.lot.id)]},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                as_user.write(vals)
        # The manager is refused too: only the actions change these fields.
        with self.assertRaises(AccessError):
            recall.with_user(self.recall_manager).write({"state": "closed"})
        self.assertEqual(recall.state, "traced")
        self.assertFalse(recall.is_mock)
        self.assertTrue(self.lot.is_recalled)
        # What is not evidence stays editable.
        as_user.write({"reason": "Updated reason", "classification": "class_1"})
        self.assertEqual(recall.classification, "class_1")

    def test_draft_recall_is_editable_and_deletable_traced_is_not(self):
        recall = (
            self.env["lot.recall"]
            .with_user(self.recall_user)
            .create({"reason": "Draft", "lot_ids": [(6, 0, self.lot.ids)], "is_mock": True})
        )
        recall.write({"lot_ids": [(4, self.other_lot.id)], "include_derived": False})
        self.assertEqual(recall.lot_ids, self.lot | self.other_lot)
        recall.action_trace()
        with self.assertRaises(UserError):
            recall.with_user(self.recall_manager).unlink()
        with self.assertRaises(UserError):
            recall.sudo().unlink()
        self.assertTrue(recall.exists())

    def test_create_refuses_guarded_values_and_burns_no_number(self):
        sequence = self.env["ir.sequence"].search([("code", "=", "lot.recall")], limit=1)
        number = sequence.number_next_actual
        for _ in range(3):
            with self.assertRaises(AccessError):
                self.env["lot.recall"].with_user(self.stock_user).create(
                    {"reason": "x", "lot_ids": [(6, 0, self.lot.ids)]}
                )
        sequence.invalidate_recordset()
        self.assertEqual(sequence.number_next_actual, number)
        for vals in ({"state": "closed"}, {"name": "RCL/FORGED"}, {"trace_date": "2026-01-01"}):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                self.env["lot.recall"].with_user(self.recall_user).create(
                    {"reason": "x", "lot_ids": [(6, 0, self.lot.ids)], **vals}
                )

    def test_lines_notices_and_acknowledgments_are_written_by_the_recall_only(self):
        recall = self._traced()
        line = recall.line_ids[:1]
        notice = recall.notice_ids[:1]
        for user in (self.recall_user, self.recall_manager):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    line.with_user(user).write({"quantity": 1})
                with self.assertRaises(AccessError):
                    self.env["lot.recall.line"].with_user(user).create(
                        {
                            "recall_id": recall.id,
                            "move_line_id": line.move_line_id.id,
                            "product_id": line.product_id.id,
                            "lot_id": self.other_lot.id,
                        }
                    )
                with self.assertRaises(AccessError):
                    line.with_user(user).unlink()
                with self.assertRaises(AccessError):
                    notice.with_user(user).write({"state": "acknowledged"})
                with self.assertRaises(AccessError):
                    notice.with_user(user).write({"access_token": "chosen-token"})
                with self.assertRaises(AccessError):
                    self.env["lot.recall.notice"].with_user(user).create(
                        {"recall_id": recall.id, "partner_id": self.customer_c.id}
                    )
        self.assertEqual(line.quantity, 10)
        self.assertEqual(notice.state, "pending")

    def test_sent_notice_is_never_deleted(self):
        recall = self._traced()
        recall.with_user(self.recall_manager).action_send_notices()
        notice = recall.notice_ids
        self.assertTrue(notice.queued)
        with self.assertRaises(UserError):
            notice.sudo().unlink()
        self.assertTrue(notice.exists())

    def test_stock_user_cannot_lift_or_forge_a_recall_on_a_lot(self):
        recall = self._traced()
        innocent = self.other_lot
        for lot, vals in (
            (self.lot, {"is_recalled": False}),
            (self.lot, {"recall_ids": [(5,)]}),
            (self.lot, {"quarantined": False}),
            (innocent, {"recall_ids": [(4, recall.id)]}),
            (innocent, {"quarantined": True}),
        ):
            for user in (self.stock_user, self.recall_user):
                with self.subTest(lot=lot.name, vals=vals, user=user.login):
                    with self.assertRaises(AccessError):
                        lot.with_user(user).write(vals)
        self.assertTrue(self.lot.is_recalled)
        self.assertEqual(recall.affected_lot_ids, self.lot)
        self.assertFalse(innocent.is_recalled)

    def test_a_lot_has_one_active_real_recall(self):
        recall = self._traced()
        with self.assertRaisesRegex(UserError, recall.name):
            self._recall_through_wizard(self.lot | self.other_lot, quarantine=False)
        # The wizard shows the open recall and adds the other lot to it instead.
        action = (self.lot | self.other_lot).with_user(self.recall_user).action_open_recall_wizard()
        wizard_form = Form(
            self.env["lot.recall.wizard"]
            .with_user(self.recall_user)
            .with_context(**action["context"])
        )
        self.assertEqual(wizard_form.active_recall_ids[:], recall)
        wizard_form.save().action_add_to_recall()
        self.assertEqual(recall.lot_ids, self.lot | self.other_lot)
        self.assertEqual(
            set(recall.line_ids.partner_id.ids), {self.customer_a.id, self.customer_b.id}
        )
        self.assertEqual(self.env["lot.recall"].search_count([("lot_ids", "in", self.lot.ids)]), 1)
        # A drill of a recalled lot is always possible.
        drill = self._recall_through_wizard(self.lot, is_mock=True)
        self.assertEqual(drill.state, "traced")

    def test_drill_becomes_real_only_through_a_new_recall(self):
        drill = self._traced(is_mock=True)
        action = drill.with_user(self.recall_user).action_start_real_recall()
        self.assertEqual(action["res_model"], "lot.recall.wizard")
        self.assertEqual(action["context"]["default_lot_ids"], self.lot.ids)
        self.assertFalse(action["context"]["default_is_mock"])
        wizard = Form(
            self.env["lot.recall.wizard"]
            .with_user(self.recall_user)
            .with_context(**action["context"])
        ).save()
        real = self.env["lot.recall"].browse(wizard.action_confirm()["res_id"])
        self.assertFalse(real.is_mock)
        self.assertTrue(drill.is_mock)
        self.assertTrue(self.lot.is_recalled)

    def test_close_asks_and_needs_a_reason_when_customers_were_not_reached(self):
        recall = self._traced()
        with self.assertRaises(AccessError):
            recall.with_user(self.recall_user).action_close()
        action = recall.with_user(self.recall_manager).action_close()
        self.assertEqual(action["res_model"], "lot.recall.close.wizard")
        wizard_form = Form(
            self.env["lot.recall.close.wizard"]
            .with_user(self.recall_manager)
            .with_context(**action["context"])
        )
        self.assertEqual(wizard_form.pending_count, 1)
        self.assertTrue(wizard_form.reason_required)
        wizard = wizard_form
        wizard.reason = " "
        with self.assertRaises(UserError):
            recall.with_user(self.recall_manager)._close(" ")
        self.assertEqual(recall.state, "traced")
        wizard.reason = "Customer closed down; confirmed by phone."
        wizard.save().action_confirm()
        self.assertEqual(recall.state, "closed")
        self.assertIn("Customer closed down", recall.message_ids[0].body)
        # Closing keeps the quarantine: the lot stays blocked until released.
        self.assertFalse(self.lot.is_recalled)

    def test_retrace_after_acknowledgment_notifies_the_customer_again(self):
        recall = self._traced(is_mock=True)
        notice = recall.notice_ids
        action = notice.with_user(self.recall_user).action_record_acknowledgment()
        ack_form = Form(
            self.env["lot.recall.ack.wizard"]
            .with_user(self.recall_user)
            .with_context(**action["context"])
        )
        ack_form.channel = "phone"
        ack_form.quantity_on_hand = 4
        ack_form.action = "quarantined"
        ack_form.note = "Spoke to the store manager"
        ack_form.save().action_confirm()
        self.assertEqual(notice.state, "acknowledged")
        self.assertEqual(notice.ack_ids.channel, "phone")
        self.assertEqual(notice.ack_ids.recorded_by_id, self.recall_user)
        self.assertEqual(notice.ack_ids.quantity_on_hand, 4)
        with self.assertRaises(UserError):
            notice.ack_ids.sudo().write({"quantity_on_hand": 0})
        with self.assertRaises(UserError):
            notice.ack_ids.sudo().unlink()
        # A drill never blocks stock: the lot ships again to the same customer.
        self._deliver(self.customer_a, self.flour, self.lot, 3)
        recall.with_user(self.recall_user).action_trace()
        self.assertEqual(notice.state, "pending")
        self.assertEqual(len(notice.ack_ids), 1)
        self.assertIn("notified again", notice.message_ids[0].body)

    def test_outgoing_server_shown_and_tested_before_sending(self):
        recall = self._traced()
        with self._smtp() as server:
            recall.invalidate_recordset(["mail_server_info"])
            self.assertIn(f"127.0.0.1:{server.port}", recall.mail_server_info)
            with self.assertRaises(AccessError):
                recall.with_user(self.recall_user).action_test_mail_server()
            with patch.object(modules.module, "current_test", False):
                result = recall.with_user(self.recall_manager).action_test_mail_server()
            self.assertEqual(result["params"]["type"], "success")
            port = server.port
        # The server is gone: the manager is told, in words, before sending anything.
        with patch.object(modules.module, "current_test", False):
            with self.assertRaisesRegex(UserError, f"127.0.0.1:{port}"):
                recall.with_user(self.recall_manager).action_test_mail_server()

    def test_wizard_preview_names_the_first_customers(self):
        self._deliver(self.customer_b, self.flour, self.lot, 30)
        wizard_form = Form(
            self.env["lot.recall.wizard"]
            .with_user(self.recall_user)
            .with_context(default_lot_ids=self.lot.ids)
        )
        self.assertEqual(wizard_form.preview_partner_count, 2)
        preview = str(wizard_form.preview_customers)
        # Most first: Beta Bakery (30) before Alpha Foods (10), with their figures.
        self.assertLess(preview.index("Beta Bakery"), preview.index("Alpha Foods"))
        self.assertIn("30.00", preview)
        self.assertNotIn("more customers", preview)

    def test_retrace_keeps_a_notice_acknowledged_by_phone_whose_customer_left(self):
        recall = self._traced(is_mock=True)
        notice = recall.notice_ids
        notice.sudo().write({"state": "failed", "failure_kind": "customer"})
        notice._acknowledge(2.0, "destroyed", "By phone", channel="phone")
        notice._renotify(recall.line_ids)
        self.assertEqual(notice.state, "pending")
        # The delivery is no longer the lot's (a corrected lot on the done line).
        recall.line_ids.move_line_id.sudo().write({"lot_id": self.other_lot.id})
        recall.with_user(self.recall_user).action_trace()
        self.assertFalse(recall.line_ids)
        self.assertTrue(notice.exists())
        self.assertEqual(len(notice.ack_ids), 1)
