# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import io
from datetime import date, datetime

from openpyxl import load_workbook

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .common import LotRecallCase

NOTICE_PDF = b"%PDF-1.4 Mill Supplies recall notice MS-RC-2026-04"
# As pasted from the supplier's email: spaces around, blank lines, other case, a repeat, and a
# reference we never received.
PASTED = "  sup-777 \n\n\tSUP-778  \nSUP-777\n UNKNOWN-1 \n\n"


class SupplierIntakeCase(LotRecallCase):
    """Real receipts with supplier lot references from two suppliers:

    - Mill Supplies (``cls.supplier``): OUR-1 (SUP-777), OUR-2 (SUP-778), OUR-4 of bread and
      OUR-5 of flour (both SUP-900: one reference received twice), OUR-7 (reference on its
      receipt line only: "Line-Only");
    - Grain Co: OUR-3 (SUP-777 too: another supplier's lot), OUR-6 of bread (MAN-1),
      manufactured by Mill Supplies.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mill = cls.supplier
        cls.mill_quality = cls.env["res.partner"].create(
            {"name": "Mill Quality Desk", "parent_id": cls.mill.id, "type": "contact"}
        )
        cls.grain = cls.env["res.partner"].create({"name": "Grain Co", "is_company": True})
        cls.lot1 = cls._receive(cls.flour, "OUR-1", 40, cls.mill, "SUP-777")
        cls.lot2 = cls._receive(cls.flour, "OUR-2", 30, cls.mill, "SUP-778")
        cls.lot3 = cls._receive(cls.flour, "OUR-3", 20, cls.grain, "SUP-777")
        cls.lot4 = cls._receive(cls.bread, "OUR-4", 10, cls.mill, "SUP-900")
        cls.lot5 = cls._receive(cls.flour, "OUR-5", 15, cls.mill, "SUP-900")
        cls.lot6 = cls._receive(cls.bread, "OUR-6", 5, cls.grain, "MAN-1")
        cls.lot6.manufacturer_id = cls.mill
        cls.lot7 = cls._receive(cls.flour, "OUR-7", 12, cls.mill, "Line-Only")
        cls.lot7.supplier_lot_ref = False
        cls._deliver(cls.customer_a, cls.flour, cls.lot1, 5)
        cls.Wizard = cls.env["lot.recall.wizard"].with_user(cls.recall_user)

    def _form(self, supplier=None, refs=PASTED, **values):
        """The wizard as the *Supplier Recall* menu opens it, filled as a user would."""
        wizard_form = Form(self.Wizard.with_context(default_intake="supplier"))
        wizard_form.supplier_id = supplier or self.mill
        if refs is not None:
            wizard_form.supplier_lot_refs = refs
        values.setdefault("reason", "Salmonella")
        for name, value in values.items():
            setattr(wizard_form, name, value)
        return wizard_form

    def _rows(self, wizard):
        return [
            (row["name"], row["result"], row["lot_id"], row.get("matched_as"))
            for row in wizard._supplier_match()["rows"]
        ]


@tagged("post_install", "-at_install")
class TestSupplierIntake(SupplierIntakeCase):
    def test_pasted_references_are_cleaned_once_each(self):
        wizard = self.Wizard.new({"supplier_lot_refs": PASTED})
        self.assertEqual(wizard._supplier_refs(), ["sup-777", "SUP-778", "UNKNOWN-1"])
        self.assertEqual(self.Wizard.new({"supplier_lot_refs": " \n\t\n"})._supplier_refs(), [])

    def test_scanned_gs1_barcodes_give_their_batch(self):
        # The supplier's labels scanned into the list: element strings with AIs in
        # parentheses, with a group separator, and a Digital Link URI; their AI 10 is the
        # reference. A plain reference that happens to read as an AI stays as typed.
        scans = (
            "(01)09506000134352(17)271231(10)SUP-777\n"
            "0109506000134352\x1d10SUP-778\x1d17271231\n"
            "https://id.example.com/01/09506000134352/10/SUP-777?17=271231\n"
            "10-2024\n"
        )
        wizard = self.Wizard.new({"supplier_lot_refs": scans})
        self.assertEqual(wizard._supplier_refs(), ["SUP-777", "SUP-778", "10-2024"])

    def test_form_fills_the_lots_as_the_user_types(self):
        wizard_form = self._form()
        self.assertEqual(wizard_form.intake, "supplier")
        self.assertEqual(wizard_form.lot_ids[:], self.lot1 | self.lot2)
        self.assertEqual(wizard_form.supplier_unmatched_count, 1)
        self.assertEqual(wizard_form.supplier_other_count, 1)
        self.assertEqual(wizard_form.preview_partner_count, 1)
        preview = str(wizard_form.supplier_preview)
        self.assertIn("UNKNOWN-1", preview)
        self.assertIn("not received from this supplier", preview)
        self.assertIn("Grain Co", preview)
        self.assertIn("OUR-1", preview)
        # Another reference list: the lots follow.
        wizard_form.supplier_lot_refs = "SUP-778"
        self.assertEqual(wizard_form.lot_ids[:], self.lot2)
        self.assertEqual(wizard_form.supplier_unmatched_count, 0)

    def test_each_reference_says_what_it_resolved_to(self):
        wizard = self._form().save()
        self.assertEqual(
            self._rows(wizard),
            [
                ("sup-777", "found", self.lot1.id, "vendor"),
                ("sup-777", "other_supplier", self.lot3.id, None),
                ("SUP-778", "found", self.lot2.id, "vendor"),
                ("UNKNOWN-1", "not_received", False, None),
            ],
        )
        [other] = [r for r in wizard._supplier_match()["rows"] if r["result"] == "other_supplier"]
        self.assertEqual(other["lot_supplier_id"], self.grain.id)
        [found] = [r for r in wizard._supplier_match()["rows"] if r["lot_id"] == self.lot1.id]
        self.assertEqual(found["quantity_received"], 40)
        self.assertEqual(found["receipt_date"], self.lot1.receipt_date)

    def test_reference_received_twice_is_two_of_our_lots(self):
        wizard = self._form(refs="sup-900").save()
        self.assertEqual(wizard.lot_ids, self.lot4 | self.lot5)
        self.assertEqual(
            [row[1:3] for row in self._rows(wizard)],
            [("found", self.lot4.id), ("found", self.lot5.id)],
        )
        restricted = self._form(refs="SUP-900", supplier_product_ids=self.bread).save()
        self.assertEqual(restricted.lot_ids, self.lot4)

    def test_vendor_or_manufacturer_and_contacts(self):
        as_manufacturer = self._form(refs="MAN-1").save()
        self.assertEqual(as_manufacturer.lot_ids, self.lot6)
        self.assertEqual(self._rows(as_manufacturer)[0][3], "manufacturer")
        as_vendor = self._form(supplier=self.grain, refs="man-1").save()
        self.assertEqual(self._rows(as_vendor)[0][3], "vendor")
        self.lot6.supplier_id = self.mill
        self.assertEqual(self._rows(as_manufacturer)[0][3], "both")
        # The notice signed by a contact of the supplier is the supplier's.
        from_contact = self._form(supplier=self.mill_quality, refs="SUP-777").save()
        self.assertEqual(from_contact.lot_ids, self.lot1)

    def test_reference_on_the_receipt_line_only(self):
        self.assertFalse(self.lot7.supplier_lot_ref)
        wizard = self._form(refs="  LINE-ONLY").save()
        self.assertEqual(wizard.lot_ids, self.lot7)

    def test_products_and_date_window_instead_of_references(self):
        self.lot1.expiration_date = datetime(2026, 3, 10, 12, 0)
        self.lot2.expiration_date = datetime(2026, 4, 20, 12, 0)
        self.lot3.expiration_date = datetime(2026, 3, 15, 12, 0)
        self.lot5.production_date = date(2026, 1, 5)
        incomplete = self._form(refs=None, supplier_match_by="dates")
        self.assertFalse(incomplete.lot_ids)
        self.assertIn("Choose the products and the dates", str(incomplete.supplier_preview))
        wizard_form = self._form(
            refs=None,
            supplier_match_by="dates",
            supplier_product_ids=self.flour,
            supplier_date_field="expiration_date",
            supplier_date_from=date(2026, 3, 1),
            supplier_date_to=date(2026, 3, 31),
        )
        # Grain Co's OUR-3 expires in the window too: not this supplier's.
        self.assertEqual(wizard_form.lot_ids[:], self.lot1)
        wizard_form.supplier_date_field = "production_date"
        wizard_form.supplier_date_from = wizard_form.supplier_date_to = date(2026, 1, 5)
        self.assertEqual(wizard_form.lot_ids[:], self.lot5)
        wizard_form.reason = "Produced on a contaminated line"
        recall = self.env["lot.recall"].browse(wizard_form.save().action_confirm()["res_id"])
        self.assertEqual(recall.supplier_date_field, "production_date")
        self.assertEqual(recall.supplier_product_ids, self.flour)
        self.assertEqual(recall.supplier_ref_ids.mapped("name"), ["SUP-900"])
        self.assertEqual(recall.supplier_ref_ids.lot_id, self.lot5)

    def test_incomplete_input_is_refused_with_reasons(self):
        for values, message in (
            ({"supplier_id": False}, "Choose the supplier"),
            ({"supplier_lot_refs": "\n  \n"}, "Paste the supplier's lot references"),
            ({"supplier_lot_refs": "UNKNOWN-1\nNOPE"}, "Nothing to recall"),
            ({"supplier_match_by": "dates"}, "Choose the products"),
            (
                {"supplier_match_by": "dates", "supplier_product_ids": self.flour.ids},
                "Give the dates",
            ),
            (
                {
                    "supplier_match_by": "dates",
                    "supplier_product_ids": self.flour.ids,
                    "supplier_date_from": date(2026, 5, 1),
                    "supplier_date_to": date(2026, 4, 1),
                },
                "ends before it starts",
            ),
        ):
            with self.subTest(values=values):
                wizard = self.Wizard.create(
                    {
                        "intake": "supplier",
                        "supplier_id": self.mill.id,
                        "supplier_lot_refs": PASTED,
                        "reason": "Salmonella",
                        **values,
                    }
                )
                with self.assertRaisesRegex(UserError, message):
                    wizard.action_confirm()
        self.assertFalse(self.env["lot.recall"].search([("supplier_id", "!=", False)]))

    def test_recall_keeps_the_suppliers_notice(self):
        wizard_form = self._form(
            supplier_recall_ref="MS-RC-2026-04",
            supplier_notice_date=date(2026, 11, 26),
            supplier_notice=base64.b64encode(NOTICE_PDF),
            reason="Salmonella found by the mill",
            quarantine=False,
        )
        wizard = wizard_form.save()
        # The file name comes with the file from the browser's upload widget.
        wizard.supplier_notice_filename = "ms-rc-2026-04.pdf"
        recall = self.env["lot.recall"].browse(wizard.action_confirm()["res_id"])
        recall = recall.with_user(self.recall_user)
        self.assertEqual(recall.state, "traced")
        self.assertEqual(recall.lot_ids, self.lot1 | self.lot2)
        self.assertEqual(recall.supplier_id, self.mill)
        self.assertEqual(recall.supplier_recall_ref, "MS-RC-2026-04")
        self.assertEqual(recall.supplier_notice_date, date(2026, 11, 26))
        self.assertEqual(base64.b64decode(recall.supplier_notice), NOTICE_PDF)
        self.assertEqual(
            [(ref.name, ref.result, ref.lot_id, ref.matched_as) for ref in recall.supplier_ref_ids],
            [
                ("sup-777", "found", self.lot1, "vendor"),
                ("sup-777", "other_supplier", self.lot3, False),
                ("SUP-778", "found", self.lot2, "vendor"),
                ("UNKNOWN-1", "not_received", self.env["stock.lot"], False),
            ],
        )
        note = recall.message_ids.filtered(lambda m: "MS-RC-2026-04" in (m.body or ""))
        self.assertEqual(note.attachment_ids.raw, NOTICE_PDF)
        self.assertIn("1 not received from this supplier", str(note.body))
        self.assertIn("dated 11/26/2026", str(note.body))
        self.assertEqual(note.attachment_ids.name, "ms-rc-2026-04.pdf")
        # Traced again: the references are kept as they were, never duplicated.
        recall.action_trace()
        self.assertEqual(len(recall.supplier_ref_ids), 4)
        # The paperwork stays editable; what the notice asked for and what it resolved to not.
        recall.write({"supplier_recall_ref": "MS-RC-2026-04b", "supplier_notice_date": False})
        with self.assertRaisesRegex(UserError, "can no longer be changed"):
            recall.write({"supplier_id": self.grain.id})
        with self.assertRaises(AccessError):
            recall.write({"supplier_ref_ids": [(5,)]})
        refs = recall.supplier_ref_ids
        with self.assertRaises(AccessError):
            refs.write({"name": "SUP-000"})
        with self.assertRaises(AccessError):
            refs.unlink()
        with self.assertRaises(AccessError):
            refs.create({"recall_id": recall.id, "name": "X", "result": "found"})
        with self.assertRaises(AccessError):
            self.env["lot.recall"].with_user(self.recall_user).create(
                {
                    "reason": "Forged",
                    "lot_ids": [(6, 0, self.lot5.ids)],
                    "supplier_ref_ids": [(0, 0, {"name": "X", "result": "found"})],
                }
            )
        # The supplier's Recalls button, also on its contact.
        self.assertEqual(self.mill.with_user(self.recall_user).supplier_recall_count, 1)
        self.assertEqual(self.mill_quality.with_user(self.recall_user).supplier_recall_count, 1)
        self.assertEqual(self.grain.with_user(self.recall_user).supplier_recall_count, 0)
        action = self.mill_quality.with_user(self.recall_user).action_view_supplier_recalls()
        self.assertEqual(self.env["lot.recall"].search(action["domain"]), recall)

    def test_report_and_export_show_the_suppliers_side(self):
        wizard_form = self._form(supplier_recall_ref="MS-RC-2026-04", reason="Salmonella")
        recall = self.env["lot.recall"].browse(wizard_form.save().action_confirm()["res_id"])
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("lot_recall.action_report_recall", recall.ids)[0]
            .decode()
        )
        self.assertIn("<h4>Supplier's Notice</h4>", html)
        self.assertIn("MS-RC-2026-04", html)
        self.assertIn("UNKNOWN-1", html)
        self.assertIn("Not Received From This Supplier", html)
        book = load_workbook(io.BytesIO(self.env["lot.recall.xlsx"]._recall_xlsx(recall)))
        sheet = book["Supplier Notice"]
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[0][3], "Supplier's Reference")
        self.assertEqual(
            [(row[3], row[4], row[5]) for row in rows[1:]],
            [
                ("sup-777", "Found", "OUR-1"),
                ("sup-777", "Another Supplier's Lot", "OUR-3"),
                ("SUP-778", "Found", "OUR-2"),
                ("UNKNOWN-1", "Not Received From This Supplier", None),
            ],
        )
        lots = list(book["Lots"].iter_rows(values_only=True))
        column = lots[0].index("Supplier's Recall")
        self.assertEqual(
            {row[0]: row[column] for row in lots[1:]},
            {"OUR-1": "MS-RC-2026-04: sup-777", "OUR-2": "MS-RC-2026-04: SUP-778"},
        )

    def test_lots_under_an_open_recall_are_added_to_it(self):
        first = self._form(refs="SUP-777", reason="Salmonella").save().action_confirm()
        recall = self.env["lot.recall"].browse(first["res_id"])
        wizard_form = self._form(refs="sup-777\nsup-778", supplier_recall_ref="MS-RC-2026-05")
        self.assertEqual(wizard_form.active_recall_ids[:], recall)
        wizard = wizard_form.save()
        with self.assertRaisesRegex(UserError, "already under recall"):
            wizard.action_confirm()
        wizard.action_add_to_recall()
        self.assertEqual(recall.lot_ids, self.lot1 | self.lot2)
        self.assertTrue(recall.message_ids.filtered(lambda m: "MS-RC-2026-05" in (m.body or "")))
        # The second notice's references are kept with what they resolved to.
        self.assertIn("sup-778", recall.supplier_ref_ids.mapped("name"))

    def test_own_recall_confirmed_by_the_suppliers_notice(self):
        """A recall we opened from our lots, then the supplier's notice arrives for them: it
        joins that recall, which becomes the supplier's (its notice, its Recalls button)."""
        ours = self.Wizard.create({"lot_ids": [(6, 0, self.lot1.ids)], "reason": "Complaint"})
        recall = self.env["lot.recall"].browse(ours.action_confirm()["res_id"])
        self.assertFalse(recall.supplier_id)
        wizard = self._form(refs="SUP-777", supplier_recall_ref="MS-RC-2026-09").save()
        self.assertEqual(wizard.active_recall_ids, recall)
        wizard.action_add_to_recall()
        self.assertEqual(
            (recall.supplier_id, recall.supplier_recall_ref), (self.mill, "MS-RC-2026-09")
        )
        self.assertEqual(set(recall.supplier_ref_ids.mapped("name")), {"SUP-777"})
        self.assertEqual(self.mill.supplier_recall_count, 1)

    def test_rpc_create_with_supplier_fields_only_fills_the_lots(self):
        wizard = self.Wizard.create(
            {"supplier_id": self.mill.id, "supplier_lot_refs": PASTED, "reason": "Salmonella"}
        )
        self.assertEqual(wizard.intake, "supplier")
        self.assertEqual(wizard.lot_ids, self.lot1 | self.lot2)
        recall = self.env["lot.recall"].browse(wizard.action_confirm()["res_id"])
        self.assertEqual(len(recall.supplier_ref_ids), 4)
        # Selected lots stay as selected.
        plain = self.Wizard.create({"lot_ids": [(6, 0, self.lot5.ids)], "reason": "Drill"})
        self.assertEqual((plain.intake, plain.lot_ids), ("lots", self.lot5))
        # From a supplier's recall the lots are those its references resolve to, no others
        # (the recall records what each reference resolved to).
        mixed = self.Wizard.create(
            {
                "supplier_id": self.mill.id,
                "supplier_lot_refs": PASTED,
                "reason": "Salmonella",
                "lot_ids": [(6, 0, (self.lot1 | self.lot5).ids)],
            }
        )
        with self.assertRaisesRegex(UserError, "those its references resolve to"):
            mixed.action_confirm()

    def test_lots_of_another_company_or_unreadable_are_not_found(self):
        other_company = self.env["res.company"].create({"name": "Other Mill Co"})
        other_product = self.env["product.product"].create(
            {"name": "Other Flour", "is_storable": True, "tracking": "lot"}
        )
        self.env["stock.lot"].create(
            {
                "name": "THEIRS-1",
                "product_id": other_product.id,
                "company_id": other_company.id,
                "supplier_lot_ref": "SUP-778",
                "supplier_id": self.mill.id,
            }
        )
        wizard = self._form(refs="SUP-778").save()
        self.assertEqual(wizard.lot_ids, self.lot2)
        stock_user = new_test_user(self.env, login="lr_si_stock", groups="stock.group_stock_user")
        with self.assertRaises(AccessError):
            self.env["lot.recall.wizard"].with_user(stock_user).create(
                {"supplier_id": self.mill.id, "supplier_lot_refs": "SUP-778"}
            )

    def test_two_thousand_references_in_as_many_queries_as_two(self):
        unknown = [f"NOPE-{index:04d}" for index in range(1998)]

        def queries(refs):
            self.env.invalidate_all()
            start = self.env.cr.sql_log_count
            wizard = self.Wizard.create(
                {"supplier_id": self.mill.id, "supplier_lot_refs": "\n".join(refs)}
            )
            self.assertTrue(wizard.supplier_preview)  # computed: the table the user sees
            self.env.flush_all()
            return self.env.cr.sql_log_count - start, wizard

        queries(["SUP-777"])
        few, _wizard = queries(["SUP-777", "sup-778 "])
        many, wizard = queries(["SUP-777 ", *unknown, "sup-778"])
        self.assertEqual(many, few)
        self.assertEqual(wizard.lot_ids, self.lot1 | self.lot2)
        self.assertEqual(wizard.supplier_unmatched_count, 1998)
        missing = [r["name"] for r in wizard._supplier_match()["rows"] if not r["lot_id"]]
        self.assertEqual(missing, unknown)
        self.assertIn("NOPE-1997", str(wizard.supplier_preview))


@tagged("post_install", "-at_install")
class TestSupplierIntakeRpc(SupplierIntakeCase, HttpCase):
    """The intake over HTTP (``/web/dataset/call_kw``), as each role."""

    def _call(self, login, model, method, args, kwargs=None):
        if login:
            self.authenticate(login, login)
        else:
            self.authenticate(None, None)
        try:
            return self.make_jsonrpc_request(
                "/web/dataset/call_kw",
                {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
            )
        except JsonRpcException as error:
            return str(error)

    def test_rpc_by_role(self):
        new_test_user(self.env, login="lr_si_portal", groups="base.group_portal")
        new_test_user(self.env, login="lr_si_stock_rpc", groups="stock.group_stock_user")
        values = {
            "supplier_id": self.mill.id,
            "supplier_lot_refs": PASTED,
            "supplier_recall_ref": "MS-RC-2026-04",
            "reason": "Salmonella",
        }
        for login in (None, "lr_si_portal", "lr_si_stock_rpc"):
            with self.subTest(login=login):
                answer = self._call(login, "lot.recall.wizard", "create", [values])
                self.assertIn(
                    answer, ("odoo.exceptions.AccessError", "odoo.http.SessionExpiredException")
                )
        wizard_id = self._call("lr_recall_user", "lot.recall.wizard", "create", [values])
        [read] = self._call(
            "lr_recall_user", "lot.recall.wizard", "read", [[wizard_id], ["lot_ids"]]
        )
        self.assertEqual(sorted(read["lot_ids"]), sorted((self.lot1 | self.lot2).ids))
        action = self._call("lr_recall_user", "lot.recall.wizard", "action_confirm", [[wizard_id]])
        recall = self.env["lot.recall"].browse(action["res_id"])
        self.assertEqual(recall.supplier_recall_ref, "MS-RC-2026-04")
        refs = recall.supplier_ref_ids
        self.assertEqual(len(refs), 4)
        for method, args in (
            ("write", [refs.ids, {"name": "SUP-000"}]),
            ("unlink", [refs.ids]),
            ("create", [{"recall_id": recall.id, "name": "X", "result": "found"}]),
        ):
            with self.subTest(method=method):
                answer = self._call("lr_recall_manager", "lot.recall.supplier.ref", method, args)
                self.assertEqual(answer, "odoo.exceptions.AccessError")
        self.assertEqual(
            len(
                self._call(
                    "lr_recall_user", "lot.recall.supplier.ref", "read", [refs.ids, ["name"]]
                )
            ),
            4,
        )
        self.assertEqual(
            self._call(
                "lr_recall_user", "lot.recall", "write", [recall.ids, {"supplier_ref_ids": [(5,)]}]
            ),
            "odoo.exceptions.AccessError",
        )
        self.assertEqual(len(recall.supplier_ref_ids), 4)
        # The notice's paperwork stays editable over RPC; whose notice it is does not.
        self.assertIs(
            self._call(
                "lr_recall_user",
                "lot.recall",
                "write",
                [recall.ids, {"supplier_recall_ref": "MS-RC-2026-04b"}],
            ),
            True,
        )
        self.assertEqual(
            self._call(
                "lr_recall_user",
                "lot.recall",
                "write",
                [recall.ids, {"supplier_id": self.grain.id}],
            ),
            "odoo.exceptions.UserError",
        )
        self.assertEqual(recall.supplier_id, self.mill)
        # The supplier's Recalls button: counted for Recall Users, 0 (not an error) for others.
        for login, count in (("lr_recall_user", 1), ("lr_si_stock_rpc", 0)):
            with self.subTest(login=login):
                [partner] = self._call(
                    login, "res.partner", "read", [self.mill.ids, ["supplier_recall_count"]]
                )
                self.assertEqual(partner["supplier_recall_count"], count)


@tagged("post_install", "-at_install")
class TestSupplierIntakeTour(SupplierIntakeCase, HttpCase):
    def test_supplier_recall_from_the_menu(self):
        self.recall_user.groups_id |= self.env.ref("stock.group_production_lot")
        self.start_tour(
            "/odoo/inventory", "lot_recall_supplier_intake_tour", login="lr_recall_user"
        )
        recall = self.env["lot.recall"].search([("supplier_id", "=", self.mill.id)])
        self.assertEqual(len(recall), 1)
        self.assertEqual(recall.state, "traced")
        self.assertEqual(recall.lot_ids, self.lot1 | self.lot2)
        self.assertEqual(recall.supplier_recall_ref, "MS-RC-2026-04")
        self.assertEqual(recall.reason, "Salmonella found by the mill")
        self.assertEqual(recall.supplier_notice_filename, "ms-rc-2026-04.pdf")
        self.assertEqual(
            base64.b64decode(recall.supplier_notice), b"%PDF-1.4 Mill Supplies recall notice"
        )
        self.assertEqual(
            recall.supplier_ref_ids.mapped("result"), ["found", "other_supplier", "found"]
        )
