# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .common import LotRecallCase, jsonrpc_execute_kw

ALLOWED, DENIED = "allowed", "denied"
# How Odoo says no: anything else (a crash) is a bug, never a denial.
REFUSALS = (
    "odoo.exceptions.AccessError",
    "odoo.exceptions.UserError",
    "odoo.http.SessionExpiredException",
)
ROLES = (
    "public",
    "portal",
    "internal",
    "stock_user",
    "recall_user",
    "recall_manager",
    "other_company",
)


@tagged("post_install", "-at_install")
class TestRpcAccess(LotRecallCase, HttpCase):
    """What an RPC client can do, as each role, over HTTP: ``/web/dataset/call_kw`` with a
    session and ``/jsonrpc`` with a login. Every public method of the addon that changes or
    reveals a recall, and writes of the fields it guards."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        other_company = cls.env["res.company"].create({"name": "RPC Other Co"})
        cls.users = {
            "portal": new_test_user(cls.env, login="lr_rpc_portal", groups="base.group_portal"),
            "internal": new_test_user(cls.env, login="lr_rpc_internal", groups="base.group_user"),
            "stock_user": new_test_user(
                cls.env, login="lr_rpc_stock", groups="stock.group_stock_user"
            ),
            "recall_user": cls.recall_user,
            "recall_manager": cls.recall_manager,
            "other_company": new_test_user(
                cls.env,
                login="lr_rpc_other",
                groups="lot_recall.group_recall_manager",
                company_id=other_company.id,
                company_ids=[(6, 0, other_company.ids)],
            ),
        }
        cls.product = cls.env["product.product"].create(
            {
                "name": "RPC Flour",
                "is_storable": True,
                "tracking": "lot",
                "company_id": cls.company.id,
            }
        )

    def _setup_recall(self, role):
        lot = self._receive(self.product, f"RPC-{role}", 50)
        extra_lot = self._receive(self.product, f"RPC-{role}-X", 5)
        self._deliver(self.customer_a, self.product, lot, 10)
        recall = self._recall_through_wizard(lot, user=self.recall_manager)
        self.assertTrue(lot.quarantined)
        recall.notice_ids._acknowledge(2.0, "quarantined", "Set aside", channel="phone")
        manager_wizard = (
            self.env["lot.recall.wizard"]
            .with_user(self.recall_manager)
            .create({"lot_ids": [(6, 0, lot.ids)], "reason": "Confidential: supplier audit"})
        )
        return lot, extra_lot, recall, manager_wizard

    def _operations(self, lot, extra_lot, recall, wizard):
        """name: (model, method, args), in an order where allowed calls do not hide later ones
        (cancel last)."""
        notice = recall.notice_ids
        ack = notice.ack_ids
        return {
            "engine": ("lot.trace", "_trace", [lot.ids, self.company.id]),
            "read_recall": ("lot.recall", "read", [recall.ids, ["name", "line_ids"]]),
            "read_lines": ("lot.recall.line", "read", [recall.line_ids.ids, ["quantity"]]),
            "read_notices": ("lot.recall.notice", "read", [notice.ids, ["email"]]),
            "read_ack": ("lot.recall.acknowledgment", "read", [ack.ids, ["quantity_on_hand"]]),
            "read_manager_wizard": ("lot.recall.wizard", "read", [wizard.ids, ["reason"]]),
            "write_manager_wizard": (
                "lot.recall.wizard",
                "write",
                [wizard.ids, {"reason": "changed"}],
            ),
            "create_recall": (
                "lot.recall",
                "create",
                [{"reason": "RPC", "lot_ids": [(6, 0, extra_lot.ids)], "is_mock": True}],
            ),
            "create_forged_recall": (
                "lot.recall",
                "create",
                [{"reason": "RPC", "lot_ids": [(6, 0, lot.ids)], "state": "notified"}],
            ),
            "create_line": (
                "lot.recall.line",
                "create",
                [
                    {
                        "recall_id": recall.id,
                        "move_line_id": recall.line_ids.move_line_id.id,
                        "product_id": self.product.id,
                        "lot_id": lot.id,
                    }
                ],
            ),
            "create_notice": (
                "lot.recall.notice",
                "create",
                [{"recall_id": recall.id, "partner_id": self.customer_c.id}],
            ),
            "create_drill_wizard": (
                "lot.recall.wizard",
                "create",
                [{"lot_ids": [(6, 0, lot.ids)], "reason": "Drill", "is_mock": True}],
            ),
            "create_close_wizard": (
                "lot.recall.close.wizard",
                "create",
                [{"recall_id": recall.id}],
            ),
            "create_quarantine_wizard": (
                "lot.quarantine.wizard",
                "create",
                [{"lot_ids": [(6, 0, extra_lot.ids)], "reason": "QA hold"}],
            ),
            "write_state": ("lot.recall", "write", [recall.ids, {"state": "closed"}]),
            "write_mock": ("lot.recall", "write", [recall.ids, {"is_mock": True}]),
            "write_affected": ("lot.recall", "write", [recall.ids, {"affected_lot_ids": [(5,)]}]),
            "write_line": ("lot.recall.line", "write", [recall.line_ids.ids, {"quantity": 0}]),
            "write_notice": ("lot.recall.notice", "write", [notice.ids, {"state": "pending"}]),
            "write_token": ("lot.recall.notice", "write", [notice.ids, {"access_token": "mine"}]),
            "write_ack": ("lot.recall.acknowledgment", "write", [ack.ids, {"quantity_on_hand": 0}]),
            "unlink_ack": ("lot.recall.acknowledgment", "unlink", [ack.ids]),
            "unlink_notice": ("lot.recall.notice", "unlink", [notice.ids]),
            "unlink_line": ("lot.recall.line", "unlink", [recall.line_ids.ids]),
            "unlink_recall": ("lot.recall", "unlink", [recall.ids]),
            "lift_lot": ("stock.lot", "write", [lot.ids, {"is_recalled": False}]),
            "empty_lot_recalls": ("stock.lot", "write", [lot.ids, {"recall_ids": [(5,)]}]),
            "unquarantine_lot": ("stock.lot", "write", [lot.ids, {"quarantined": False}]),
            "forge_lot_recall": (
                "stock.lot",
                "write",
                [extra_lot.ids, {"recall_ids": [(4, recall.id)]}],
            ),
            "write_supplier_ref": ("stock.lot", "write", [lot.ids, {"supplier_lot_ref": "S-1"}]),
            "write_ml_supplier_ref": (
                "stock.move.line",
                "write",
                [recall.line_ids.move_line_id.ids, {"supplier_lot_ref": "S-2"}],
            ),
            "confirm_manager_wizard": ("lot.recall.wizard", "action_confirm", [wizard.ids]),
            "add_via_manager_wizard": ("lot.recall.wizard", "action_add_to_recall", [wizard.ids]),
            "view_customers": ("lot.recall", "action_view_customers", [recall.ids]),
            "view_notices": ("lot.recall", "action_view_notices", [recall.ids]),
            "view_affected_lots": ("lot.recall", "action_view_affected_lots", [recall.ids]),
            "view_deliveries": ("lot.recall", "action_view_deliveries", [recall.ids]),
            "view_stock": ("lot.recall", "action_view_stock", [recall.ids]),
            "export_action": ("lot.recall", "action_export_xlsx", [recall.ids]),
            "print_notices": ("lot.recall", "action_print_notices", [recall.ids]),
            "open_wizard_from_lot": ("stock.lot", "action_open_recall_wizard", [lot.ids]),
            "open_add_lots": ("lot.recall", "action_open_add_lots", [recall.ids]),
            "open_record_ack": ("lot.recall.notice", "action_record_acknowledgment", [notice.ids]),
            "trace": ("lot.recall", "action_trace", [recall.ids]),
            "add_lots": ("lot.recall", "action_add_lots", [recall.ids, extra_lot.ids]),
            "quarantine_lot": ("stock.lot", "action_quarantine", [lot.ids]),
            "release_lot": ("stock.lot", "action_release_quarantine", [lot.ids]),
            "test_mail_server": ("lot.recall", "action_test_mail_server", [recall.ids]),
            "send": ("lot.recall", "action_send_notices", [recall.ids]),
            "close": ("lot.recall", "action_close", [recall.ids]),
            "cancel": ("lot.recall", "action_cancel", [recall.ids]),
        }

    RECALL_USER = {
        "read_recall",
        "read_lines",
        "read_notices",
        "read_ack",
        "create_recall",
        "create_drill_wizard",
        "write_supplier_ref",
        "write_ml_supplier_ref",
        "view_customers",
        "view_notices",
        "view_affected_lots",
        "view_deliveries",
        "view_stock",
        "export_action",
        "print_notices",
        "open_wizard_from_lot",
        "open_add_lots",
        "open_record_ack",
        "trace",
        "add_lots",
    }
    EXPECTED = {
        "stock_user": {"write_supplier_ref", "write_ml_supplier_ref"},
        "recall_user": RECALL_USER,
        "recall_manager": RECALL_USER
        | {
            "read_manager_wizard",
            "write_manager_wizard",
            "create_close_wizard",
            "create_quarantine_wizard",
            "quarantine_lot",
            "release_lot",
            "test_mail_server",
            "send",
            "close",
            "cancel",
        },
    }

    def _call_kw(self, model, method, args):
        try:
            self.make_jsonrpc_request(
                "/web/dataset/call_kw",
                {"model": model, "method": method, "args": args, "kwargs": {}},
            )
        except JsonRpcException as error:
            self.assertIn(str(error), REFUSALS, (model, method))
            return DENIED
        return ALLOWED

    def _jsonrpc(self, login, model, method, args):
        answer = jsonrpc_execute_kw(self, self._uid_of(login), login, model, method, args)
        error = answer.get("error")
        if error:
            self.assertIn(error["data"]["name"], REFUSALS, (login, model, method))
            return DENIED
        return ALLOWED

    def _uid_of(self, login):
        return self.env["res.users"].search([("login", "=", login)]).id

    def test_call_kw_matrix(self):
        for role in ROLES:
            lot, extra_lot, recall, wizard = self._setup_recall(role)
            if role == "public":
                self.authenticate(None, None)
            else:
                login = self.users[role].login
                self.authenticate(login, login)
            allowed = self.EXPECTED.get(role, set())
            operations = self._operations(lot, extra_lot, recall, wizard)
            for name, (model, method, args) in operations.items():
                with self.subTest(role=role, operation=name):
                    outcome = self._call_kw(model, method, args)
                    self.assertEqual(outcome, ALLOWED if name in allowed else DENIED, (role, name))
            # Whatever was tried, the recall's evidence is intact.
            self.env.invalidate_all()
            self.assertTrue(recall.exists())
            self.assertEqual(len(recall.line_ids), 1)
            self.assertEqual(recall.line_ids.quantity, 10)
            self.assertEqual(len(recall.notice_ids), 1)
            self.assertEqual(recall.notice_ids.ack_ids.quantity_on_hand, 2.0)
            self.assertFalse(recall.is_mock)
            self.assertEqual(recall.affected_lot_ids & lot, lot)
            self.assertNotIn(recall, extra_lot.recall_ids - recall.lot_ids.recall_ids)
            self.assertEqual(
                wizard.reason != "Confidential: supplier audit", role == "recall_manager"
            )
            self.assertEqual(recall.state, "cancel" if role == "recall_manager" else "traced", role)

    def test_jsonrpc_door(self):
        lot, extra_lot, recall, wizard = self._setup_recall("jsonrpc")
        operations = self._operations(lot, extra_lot, recall, wizard)
        for login in ("lr_rpc_portal", "lr_rpc_stock", "lr_recall_user", "lr_recall_manager"):
            for name in ("engine", "write_state", "write_mock", "lift_lot", "write_notice"):
                with self.subTest(login=login, operation=name):
                    self.assertEqual(self._jsonrpc(login, *operations[name]), DENIED)
        self.assertEqual(self._jsonrpc("lr_recall_user", *operations["trace"]), ALLOWED)
        self.assertEqual(self._jsonrpc("lr_recall_user", *operations["cancel"]), DENIED)
        self.assertEqual(self._jsonrpc("lr_recall_manager", *operations["cancel"]), ALLOWED)
        self.assertEqual(recall.state, "cancel")
        self.assertFalse(lot.is_recalled)
        self.assertTrue(lot.quarantined)

    def test_export_route_by_role(self):
        _lot, _extra, recall, _wizard = self._setup_recall("route")
        url = f"/lot_recall/recall/{recall.id}/xlsx"
        expected = {"recall_user": 200, "recall_manager": 200}
        for role in ROLES:
            with self.subTest(role=role):
                if role == "public":
                    self.authenticate(None, None)
                else:
                    login = self.users[role].login
                    self.authenticate(login, login)
                response = self.url_open(url, allow_redirects=False)
                if expected.get(role) == 200:
                    self.assertEqual(response.status_code, 200)
                    self.assertEqual(response.content[:2], b"PK")
                else:
                    self.assertNotEqual(response.status_code, 200)
