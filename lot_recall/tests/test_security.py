# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tests.common import TransactionCase


@tagged("post_install", "-at_install")
class TestRecallSecurity(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.recall_user = new_test_user(
            cls.env, login="rc_user", groups="lot_recall.group_recall_user"
        )
        cls.recall_manager = new_test_user(
            cls.env, login="rc_manager", groups="lot_recall.group_recall_manager"
        )
        cls.stock_manager = new_test_user(
            cls.env, login="rc_stock_manager", groups="stock.group_stock_manager"
        )
        cls.plain_user = new_test_user(cls.env, login="rc_plain", groups="base.group_user")
        cls.product = cls.env["product.product"].create(
            {"name": "Recall Test Flour", "is_storable": True, "tracking": "lot"}
        )
        cls.lot = cls.env["stock.lot"].create({"name": "FLOUR-001", "product_id": cls.product.id})

    def _new_recall(self, user):
        return (
            self.env["lot.recall"]
            .with_user(user)
            .create({"reason": "Salmonella", "lot_ids": [(6, 0, self.lot.ids)]})
        )

    def test_groups_imply(self):
        manager_group = self.env.ref("lot_recall.group_recall_manager")
        user_group = self.env.ref("lot_recall.group_recall_user")
        self.assertIn(user_group, manager_group.implied_ids)
        self.assertTrue(self.stock_manager.has_group("lot_recall.group_recall_manager"))
        self.assertTrue(self.recall_manager.has_group("lot_recall.group_recall_user"))
        self.assertFalse(self.recall_user.has_group("lot_recall.group_recall_manager"))

    def test_menu_visible_to_recall_users_only(self):
        menu = self.env.ref("lot_recall.menu_lot_recall")
        self.assertEqual(menu.parent_id, self.env.ref("stock.menu_stock_inventory_control"))
        self.assertEqual(menu.action, self.env.ref("lot_recall.action_lot_recall"))
        visible_for = {
            user.login: menu.id in self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
            for user in (self.recall_user, self.plain_user)
        }
        self.assertEqual(visible_for, {"rc_user": True, "rc_plain": False})

    def test_recall_user_creates_but_cannot_close_cancel_or_delete(self):
        recall = self._new_recall(self.recall_user)
        self.assertRegex(recall.name, r"^RCL/\d{4}/\d{4}$")
        self.assertEqual(recall.user_id, self.recall_user)
        with self.assertRaises(AccessError):
            recall.action_cancel()
        with self.assertRaises(AccessError):
            recall.unlink()
        self.assertEqual(recall.state, "draft")
        recall.with_user(self.recall_manager).action_cancel()
        self.assertEqual(recall.state, "cancel")

    def test_plain_user_has_no_access(self):
        with self.assertRaises(AccessError):
            self._new_recall(self.plain_user)
        recall = self._new_recall(self.recall_user)
        with self.assertRaises(AccessError):
            recall.with_user(self.plain_user).read(["name"])

    def test_multi_company_rule(self):
        other_company = self.env["res.company"].create({"name": "Recall Other Co"})
        other_lot = self.env["stock.lot"].create(
            {"name": "OTHER-1", "product_id": self.product.id, "company_id": other_company.id}
        )
        other_recall = self.env["lot.recall"].create(
            {
                "reason": "Other company",
                "company_id": other_company.id,
                "lot_ids": [(6, 0, other_lot.ids)],
            }
        )
        visible = self.env["lot.recall"].with_user(self.recall_manager).search([])
        self.assertNotIn(other_recall, visible)
        with self.assertRaises(AccessError):
            other_recall.with_user(self.recall_manager).read(["name"])
