# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The buttons that only read run on a read-only cursor (a replica when ``db_replica_host`` is
set): Odoo serves them read-only, and they write nothing, so it never has to retry them on the
primary."""

from odoo.tests import HttpCase, tagged

from .common import LotRecallCase

# (model, method) of every public method of lot_recall marked @api.readonly.
READONLY_METHODS = [
    ("lot.recall", "action_print_notices"),
    ("lot.recall", "action_export_xlsx"),
    ("lot.recall", "action_view_notices"),
    ("lot.recall", "action_view_customers"),
    ("lot.recall", "action_view_deliveries"),
    ("lot.recall", "action_view_affected_lots"),
    ("lot.recall", "action_view_stock"),
    ("lot.recall", "action_print_status_report"),
    ("stock.lot", "action_open_recall_wizard"),
]


@tagged("post_install", "-at_install")
class TestReadonlyRpc(LotRecallCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lot = cls._receive(cls.flour, "RO-0001", 100)
        cls._deliver(cls.customer_a, cls.flour, cls.lot, 10)
        cls.recall = cls.env["lot.recall"].create(
            {"reason": "Read-only buttons", "lot_ids": [(6, 0, cls.lot.ids)]}
        )
        cls.recall.action_trace()

    def _readonly(self, model, method):
        """What Odoo's /web/dataset/call_button asks: the first definition in the MRO that
        says whether it is read-only."""
        for cls in type(self.env[model]).mro():
            function = cls.__dict__.get(method)
            if function is not None and hasattr(function, "_readonly"):
                return function._readonly
        return False

    def test_buttons_that_read_run_read_only(self):
        self.authenticate(self.recall_user.login, self.recall_user.login)
        records = {"lot.recall": self.recall, "stock.lot": self.lot}
        for model, method in READONLY_METHODS:
            with self.subTest(method=f"{model}.{method}"):
                self.assertTrue(self._readonly(model, method))
                # A write on the read-only cursor would make Odoo log a warning and retry
                # the call on a read/write one.
                with self.assertNoLogs("odoo.http", "WARNING"):
                    action = self.make_jsonrpc_request(
                        f"/web/dataset/call_button/{model}/{method}",
                        {
                            "model": model,
                            "method": method,
                            "args": [records[model].ids],
                            "kwargs": {},
                        },
                    )
                self.assertIn(
                    action["type"],
                    ("ir.actions.act_window", "ir.actions.act_url", "ir.actions.report"),
                )

    def test_buttons_that_write_are_not_read_only(self):
        for model, method in [
            ("lot.recall", "action_trace"),
            ("lot.recall", "action_send_notices"),
            ("lot.recall", "action_quarantine"),
            ("lot.recall", "action_select_consignees"),
            ("stock.lot", "action_quarantine"),
        ]:
            with self.subTest(method=f"{model}.{method}"):
                self.assertFalse(self._readonly(model, method))
