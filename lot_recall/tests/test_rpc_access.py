# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .common import LotRecallCase

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
        self._deliver(self.customer_a, self.product, lot, 10)
        recall = self._recall_through_wizard(lot, user=self.recall_manager)
        self.assertTrue(lot.quarantined)
        other_wizard = (
            self.env["lot.recall.wizard"]
            .with_user(self.recall_manager)
            .create({"lot_ids": [(6, 0, lot.ids)], "reason": "Confidential: supplier audit"})
        )
        return lot, recall, other_wizard

    def _operations(self, lot, recall, wizard):
        notice = recall.notice_ids
        return {
            "engine": ("lot.trace", "_trace", [lot.ids, self.company.id]),
            "read_recall": ("lot.recall", "read", [recall.ids, ["name", "line_ids"]]),
            "read_notices": ("lot.recall.notice", "read", [notice.ids, ["email"]]),
            "read_wizard_of_other": (
                "lot.recall.wizard",
                "read",
                [wizard.ids, ["reason"]],
            ),
            "write_state": ("lot.recall", "write", [recall.ids, {"state": "closed"}]),
            "write_mock": ("lot.recall", "write", [recall.ids, {"is_mock": True}]),
            "write_line": (
                "lot.recall.line",
                "write",
                [recall.line_ids.ids, {"quantity": 0}],
            ),
            "write_notice": (
                "lot.recall.notice",
                "write",
                [notice.ids, {"state": "acknowledged"}],
            ),
            "unlink_notice": ("lot.recall.notice", "unlink", [notice.ids]),
            "unlink_recall": ("lot.recall", "unlink", [recall.ids]),
            "lift_lot": ("stock.lot", "write", [lot.ids, {"is_recalled": False}]),
            "unquarantine_lot": ("stock.lot", "write", [lot.ids, {"quarantined": False}]),
            "trace": ("lot.recall", "action_trace", [recall.ids]),
            "add_lots": ("lot.recall", "action_add_lots", [recall.ids, lot.ids]),
            "quarantine_lot": ("stock.lot", "action_quarantine", [lot.ids]),
            "release_lot": ("stock.lot", "action_release_quarantine", [lot.ids]),
            "send": ("lot.recall", "action_send_notices", [recall.ids]),
            "close": ("lot.recall", "action_close", [recall.ids]),
            "cancel": ("lot.recall", "action_cancel", [recall.ids]),
        }

    EXPECTED = {
        "recall_user": {"read_recall", "read_notices", "trace"},
        "recall_manager": {
            "read_recall",
            "read_notices",
            "read_wizard_of_other",
            "trace",
            "quarantine_lot",
            "release_lot",
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
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": [self.env.cr.dbname, self._uid_of(login), login, model, method, args],
            },
        }
        response = self.url_open(
            "/jsonrpc", data=json.dumps(payload), headers={"Content-Type": "application/json"}
        )
        error = response.json().get("error")
        if error:
            self.assertIn(error["data"]["name"], REFUSALS, (login, model, method))
            return DENIED
        return ALLOWED

    def _uid_of(self, login):
        return self.env["res.users"].search([("login", "=", login)]).id

    def test_call_kw_matrix(self):
        for role in ROLES:
            lot, recall, wizard = self._setup_recall(role)
            if role == "public":
                self.authenticate(None, None)
            else:
                login = self.users[role].login
                self.authenticate(login, login)
            allowed = self.EXPECTED.get(role, set())
            for name, (model, method, args) in self._operations(lot, recall, wizard).items():
                with self.subTest(role=role, operation=name):
                    outcome = self._call_kw(model, method, args)
                    self.assertEqual(outcome, ALLOWED if name in allowed else DENIED, (role, name))
            # Whatever was tried, the recall's evidence is intact.
            recall.invalidate_recordset()
            self.assertTrue(recall.exists())
            self.assertEqual(len(recall.line_ids), 1)
            self.assertEqual(len(recall.notice_ids), 1)
            self.assertFalse(recall.is_mock)
            self.assertNotEqual(recall.notice_ids.state, "acknowledged")

    def test_jsonrpc_door(self):
        lot, recall, wizard = self._setup_recall("jsonrpc")
        operations = self._operations(lot, recall, wizard)
        for login in ("lr_rpc_portal", "lr_rpc_stock", "lr_recall_user", "lr_recall_manager"):
            for name in ("engine", "write_state", "write_mock", "lift_lot", "write_notice"):
                with self.subTest(login=login, operation=name):
                    self.assertEqual(self._jsonrpc(login, *operations[name]), DENIED)
        self.assertEqual(self._jsonrpc("lr_recall_user", *operations["trace"]), ALLOWED)
        self.assertEqual(self._jsonrpc("lr_recall_user", *operations["send"]), DENIED)
        self.assertEqual(self._jsonrpc("lr_recall_manager", *operations["send"]), ALLOWED)
        self.assertEqual(recall.state, "notified")
        self.assertTrue(lot.is_recalled)

    def test_export_route_by_role(self):
        _lot, recall, _wizard = self._setup_recall("route")
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
