# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import LotRecallCase

ALLOWED, DENIED = "allowed", "denied"


@tagged("post_install", "-at_install")
class TestAccessMatrix(LotRecallCase):
    """Who can read, create, trace, send, close, release and export what. Every denial must be
    an AccessError, never data (the HTTP export route turns it into a 403: see
    test_recall_reports)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Matrix Other Co"})
        cls.users = {
            "public": cls.env.ref("base.public_user"),
            "portal": new_test_user(cls.env, login="lr_portal", groups="base.group_portal"),
            "stock_user": new_test_user(
                cls.env, login="lr_stock_user", groups="stock.group_stock_user"
            ),
            "recall_user": cls.recall_user,
            "recall_manager": cls.recall_manager,
            "other_company": new_test_user(
                cls.env,
                login="lr_other_manager",
                groups="lot_recall.group_recall_manager",
                company_id=cls.other_company.id,
                company_ids=[(6, 0, cls.other_company.ids)],
            ),
        }
        # A product (so a lot) of this company only: the other company must not see it.
        cls.own_flour = cls.env["product.product"].create(
            {
                "name": "Matrix Flour",
                "is_storable": True,
                "tracking": "lot",
                "company_id": cls.company.id,
            }
        )
        cls.lot = cls._receive(cls.own_flour, "AM-0001", 40)
        cls._deliver(cls.customer_a, cls.own_flour, cls.lot, 10)

    def _new_recall(self):
        recall = self.env["lot.recall"].create(
            {"reason": "Matrix", "lot_ids": [(6, 0, self.lot.ids)]}
        )
        recall.action_trace()
        return recall

    def _attempt(self, operation):
        try:
            operation()
        except AccessError:
            return DENIED
        return ALLOWED

    def test_matrix(self):
        operations = {
            "read": lambda recall, user: recall.with_user(user).read(["name", "line_ids"]),
            "read_lines": lambda recall, user: recall.line_ids.with_user(user).read(["quantity"]),
            "read_notices": lambda recall, user: recall.notice_ids.with_user(user).read(["email"]),
            "create": lambda recall, user: (
                self.env["lot.recall"]
                .with_user(user)
                .create({"reason": "x", "lot_ids": [(6, 0, self.lot.ids)]})
            ),
            "trace": lambda recall, user: recall.with_user(user).action_trace(),
            "send": lambda recall, user: recall.with_user(user).action_send_notices(),
            "close": lambda recall, user: recall.with_user(user).action_close(),
            "release": lambda recall, user: self.lot.with_user(user).action_release_quarantine(),
            "unlock_write": lambda recall, user: self.lot.with_user(user).write(
                {"quarantined": False}
            ),
            "delete": lambda recall, user: recall.with_user(user).unlink(),
            "export": lambda recall, user: (
                self.env["lot.recall.xlsx"].with_user(user).recall_xlsx(recall.with_user(user))
            ),
        }
        everything = set(operations)
        expected = {
            "public": set(),
            "portal": set(),
            "stock_user": set(),
            "recall_user": {"read", "read_lines", "read_notices", "create", "trace", "export"},
            "recall_manager": everything,
            "other_company": set(),
        }
        for role, user in self.users.items():
            for name, operation in operations.items():
                with self.subTest(role=role, operation=name):
                    recall = self._new_recall()
                    recall.action_quarantine()
                    self.assertTrue(self.lot.quarantined)
                    with self.env.cr.savepoint() as savepoint:
                        outcome = self._attempt(lambda op=operation, r=recall, u=user: op(r, u))
                        self.env.flush_all()
                        savepoint.rollback()
                    self.env.invalidate_all(flush=False)
                    self.assertEqual(
                        outcome, ALLOWED if name in expected[role] else DENIED, (role, name)
                    )
