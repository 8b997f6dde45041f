# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import hashlib
import io
import re
from datetime import date, datetime

from freezegun import freeze_time
from psycopg2 import IntegrityError
from pypdf import PdfReader

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import LotRecallCase


def pdf_text(content):
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


class EffectivenessCase(LotRecallCase):
    """One lot delivered to 27 companies (24 retailers and Alpha, Beta, Gamma), Alpha also
    through a contact of its own: 27 consignees."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stock_user = new_test_user(
            cls.env, login="lr_eff_stock_user", groups="stock.group_stock_user"
        )
        cls.retailers = cls.env["res.partner"].create(
            [
                {
                    "name": f"Retailer {number:02} Ltd",
                    "is_company": True,
                    "phone": f"+1 555 01{number:02}",
                }
                for number in range(24)
            ]
        )
        cls.alpha_dock = cls.env["res.partner"].create(
            {"name": "Receiving Dock", "parent_id": cls.customer_a.id, "type": "delivery"}
        )
        cls.lot = cls._receive(cls.flour, "EFF-0001", 500)
        for number, customer in enumerate(cls.retailers):
            cls._deliver(customer, cls.flour, cls.lot, number + 1)
        for customer, quantity in (
            (cls.customer_a, 10),
            (cls.alpha_dock, 5),
            (cls.customer_b, 20),
            (cls.customer_c, 30),
        ):
            cls._deliver(customer, cls.flour, cls.lot, quantity)
        cls.companies = cls.retailers | cls.customer_a | cls.customer_b | cls.customer_c

    def _recall(self, **values):
        if not values.get("is_mock"):
            values.setdefault("quarantine", False)
        recall = self._recall_through_wizard(self.lot, **values)
        recall.user_id = self.recall_manager
        return recall.with_user(self.recall_user)

    def _record(self, check, user, **values):
        """Record ``check`` through its form, as ``user``."""
        action = check.with_user(user).action_record()
        wizard = Form(
            self.env[action["res_model"]].with_user(user).with_context(**action["context"])
        )
        for name, value in values.items():
            setattr(wizard, name, value)
        wizard.save().action_confirm()


@tagged("post_install", "-at_install")
class TestRecallEffectiveness(EffectivenessCase):
    def test_sample_size_per_level(self):
        recall = self._recall()
        self.assertEqual(recall.effectiveness_consignee_count, 27)
        self.assertEqual(set(recall._effectiveness_consignees()), set(self.companies))
        sizes = {}
        for level, percent in (("A", 0), ("B", 20), ("B", 37.5), ("C", 0), ("D", 0), ("E", 0)):
            recall.write({"effectiveness_level": level, "effectiveness_percent": percent})
            sizes[level, percent] = recall.effectiveness_sample_size
        self.assertEqual(
            sizes,
            {
                ("A", 0): 27,  # all
                ("B", 20): 6,  # 5.4 rounded up
                ("B", 37.5): 11,  # 10.125 rounded up
                ("C", 0): 3,  # 2.7 rounded up
                ("D", 0): 1,  # 0.54: at least one
                ("E", 0): 0,
            },
        )
        recall.effectiveness_level = "C"
        self.assertEqual(
            [recall._effectiveness_sample_size(count) for count in (0, 1, 10, 11, 100)],
            [0, 1, 1, 2, 10],
        )

    def test_level_b_percentage_between_c_and_a(self):
        recall = self._recall()
        for percent in (0, 10, 100, 120):
            with self.assertRaises(ValidationError), self.env.cr.savepoint():
                recall.write({"effectiveness_level": "B", "effectiveness_percent": percent})
        recall.write({"effectiveness_level": "B", "effectiveness_percent": 50})
        self.assertEqual(recall.effectiveness_sample_size, 14)

    def test_select_consignees_per_level(self):
        """Each level draws its number of distinct consignees (drills of the same lot: one
        recall per level); level E and a recall without a level draw none."""
        for level, expected in (("A", 27), ("C", 3), ("D", 1)):
            recall = self._recall(is_mock=True)
            recall.effectiveness_level = level
            recall.action_select_consignees()
            checks = recall.effectiveness_check_ids
            self.assertEqual(len(checks), expected, level)
            self.assertEqual(len(checks.partner_id), expected)
            self.assertLessEqual(checks.partner_id, self.companies)
            self.assertEqual(checks.mapped("state"), ["pending"] * expected)
            self.assertEqual(
                checks.notice_id.partner_id, checks.partner_id, "each check is of its notice"
            )
        recall = self._recall(is_mock=True)
        recall.write({"effectiveness_level": "B", "effectiveness_percent": 20})
        recall.action_select_consignees()
        self.assertEqual(len(recall.effectiveness_check_ids), 6)

        recall = self._recall(is_mock=True)
        with self.assertRaisesRegex(UserError, "level"):
            recall.action_select_consignees()
        recall.effectiveness_level = "E"
        with self.assertRaisesRegex(UserError, "level E"):
            recall.action_select_consignees()
        self.assertFalse(recall.effectiveness_check_ids)

    def test_seeded_draw_is_reproducible_and_logged(self):
        recall = self._recall()
        recall.effectiveness_level = "C"
        recall.action_select_consignees()
        seed = recall.effectiveness_seed
        self.assertTrue(seed)
        sample = recall.effectiveness_check_ids.sorted("sample_rank").partner_id
        # The documented draw: the consignees by the SHA-256 of "<seed>:<partner id>".
        expected = sorted(
            self.companies, key=lambda p: hashlib.sha256(f"{seed}:{p.id}".encode()).digest()
        )[:3]
        self.assertEqual(list(sample), expected)
        log = recall.message_ids.filtered(lambda m: "Select Consignees" in (m.body or ""))
        self.assertEqual(len(log), 1)
        self.assertIn(f"seed {seed}", log.body)
        for partner in sample:
            self.assertIn(partner.name, log.body)

        # The same seed draws the same consignees: a drill of the same lot given that seed.
        drill = self._recall(is_mock=True)
        drill.sudo().effectiveness_seed = seed
        drill.effectiveness_level = "C"
        drill.action_select_consignees()
        self.assertEqual(drill.effectiveness_seed, seed)
        self.assertEqual(
            drill.effectiveness_check_ids.sorted("sample_rank").partner_id.ids, sample.ids
        )
        # Another seed, another order.
        self.assertEqual(recall._effectiveness_draw(self.companies, seed)[:3].ids, sample.ids)
        self.assertNotEqual(
            recall._effectiveness_draw(self.companies, seed).ids,
            recall._effectiveness_draw(self.companies, seed + 1).ids,
        )

    def test_select_again_never_duplicates(self):
        """Selecting again keeps the checks and the seed: nothing added at the same level; a
        higher level adds the next consignees of the same draw."""
        recall = self._recall()
        recall.effectiveness_level = "C"
        recall.action_select_consignees()
        first = recall.effectiveness_check_ids
        seed = recall.effectiveness_seed
        recall.action_select_consignees()
        self.assertEqual(recall.effectiveness_check_ids, first)
        self.assertEqual(recall.effectiveness_seed, seed)

        recall.write({"effectiveness_level": "B", "effectiveness_percent": 20})
        recall.action_select_consignees()
        checks = recall.effectiveness_check_ids
        self.assertEqual(len(checks), 6)
        self.assertLessEqual(first, checks)
        self.assertEqual(len(checks.partner_id), 6)
        draw = recall._effectiveness_draw(self.companies, seed)
        self.assertEqual(checks.sorted("sample_rank").partner_id.ids, draw[:6].ids)
        self.assertEqual(checks.sorted("sample_rank").mapped("sample_rank"), [1, 2, 3, 4, 5, 6])
        # The database refuses a second check of a consignee, whoever writes it.
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            self.env["lot.recall.effectiveness.check"].sudo().create(
                {"recall_id": recall.id, "partner_id": first[0].partner_id.id}
            )
            self.env.flush_all()

    def test_activities_for_the_responsible(self):
        recall = self._recall()
        recall.effectiveness_level = "C"
        recall.action_select_consignees()
        checks = recall.effectiveness_check_ids
        activities = recall.activity_ids
        self.assertEqual(len(activities), 3)
        self.assertEqual(activities.user_id, self.recall_manager)
        self.assertEqual(activities.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        self.assertEqual(checks.activity_id, activities)
        for check in checks:
            self.assertEqual(
                check.activity_id.summary, f"Effectiveness check: {check.partner_id.name}"
            )
            if check.partner_id.phone:
                self.assertIn(check.partner_id.phone, check.activity_id.note)

        # Recording a check marks its activity done, with the result in the chatter.
        check = checks[0]
        check_activity = check.activity_id
        self._record(check, self.recall_user, contacted=True, received_notice=True)
        self.assertFalse(check.activity_id)
        self.assertFalse(check_activity.exists())
        self.assertEqual(recall.activity_ids, activities - check_activity)
        done = recall.message_ids.filtered(
            lambda m: "Effectiveness check of" in (m.body or "") and m.mail_activity_type_id
        )
        self.assertEqual(len(done), 1)
        self.assertIn("followed its instructions no", done.body)

    def test_record_check_stamps_user_and_time(self):
        recall = self._recall()
        recall.effectiveness_level = "D"
        recall.action_select_consignees()
        check = recall.effectiveness_check_ids
        self.assertEqual(len(check), 1)
        with freeze_time("2026-11-03 14:25:00"):
            self._record(
                check,
                self.recall_user,
                method="visit",
                contacted=True,
                received_notice=True,
                followed_instructions=True,
                note="Shelf cleared, 3 cases set aside",
            )
        self.assertRecordValues(
            check,
            [
                {
                    "state": "done",
                    "method": "visit",
                    "contacted": True,
                    "received_notice": True,
                    "followed_instructions": True,
                    "note": "Shelf cleared, 3 cases set aside",
                    "recorded_by_id": self.recall_user.id,
                    "recorded_at": datetime(2026, 11, 3, 14, 25),
                }
            ],
        )
        self.assertEqual(recall.effectiveness_checked_count, 1)
        # Recorded once: never again, never changed, never deleted.
        with self.assertRaisesRegex(UserError, "recorded by"):
            check.with_user(self.recall_manager).action_record()
        with self.assertRaisesRegex(UserError, "recorded by"):
            check.with_user(self.recall_manager)._record("phone", False, False, False)
        with self.assertRaises(UserError):
            check.sudo().write({"followed_instructions": False})
        with self.assertRaises(UserError):
            check.sudo().unlink()

    def test_not_contacted_cannot_confirm(self):
        recall = self._recall()
        recall.effectiveness_level = "D"
        recall.action_select_consignees()
        check = recall.effectiveness_check_ids
        with self.assertRaisesRegex(UserError, "not contacted"):
            check.with_user(self.recall_user)._record("phone", False, True, False)
        self._record(check, self.recall_user, contacted=False, note="No answer, 5 calls")
        self.assertRecordValues(
            check,
            [{"state": "done", "contacted": False, "received_notice": False}],
        )

    def test_access_recall_user_and_stock_user(self):
        recall = self._recall()
        recall.effectiveness_level = "C"
        # A stock user without the recall groups: neither selects, reads nor records.
        with self.assertRaises(AccessError):
            recall.with_user(self.stock_user).action_select_consignees()
        recall.action_select_consignees()
        checks = recall.effectiveness_check_ids
        with self.assertRaises(AccessError):
            checks.with_user(self.stock_user).read(["partner_id"])
        with self.assertRaises(AccessError):
            self.env["lot.recall.check.wizard"].with_user(self.stock_user).create(
                {"check_id": checks[0].id, "method": "phone"}
            )
        with self.assertRaises(AccessError):
            checks[0].with_user(self.stock_user)._record("phone", True, True, True)

        # A Recall User reads and records, but never writes, creates nor deletes a check.
        as_user = checks.with_user(self.recall_user)
        self.assertEqual(len(as_user.read(["partner_id", "state"])), 3)
        with self.assertRaises(AccessError):
            as_user[0].write({"contacted": True})
        with self.assertRaises(AccessError):
            self.env["lot.recall.effectiveness.check"].with_user(self.recall_user).create(
                {"recall_id": recall.id, "partner_id": self.customer_a.id}
            )
        with self.assertRaises(AccessError):
            as_user[0].unlink()
        with self.assertRaises(AccessError):
            recall.write({"effectiveness_seed": 42})
        self._record(checks[0], self.recall_user, contacted=True)
        # Nobody deletes a recorded check, not even a Recall Manager as superuser.
        with self.assertRaises(UserError):
            checks[0].with_user(self.recall_manager).sudo().unlink()

    def test_regulatory_and_effectiveness_pages_of_the_form(self):
        recall = self._recall()
        authority = self.env["res.partner"].create({"name": "FSA Incidents", "is_company": True})
        with Form(recall) as form:
            form.recall_depth = "consumer"
            form.public_warning = "none"
            form.authority_id = authority
            form.effectiveness_level = "B"
            form.effectiveness_percent = 25
        self.assertRecordValues(
            recall,
            [
                {
                    "recall_depth": "consumer",
                    "public_warning": "none",
                    "authority_id": authority.id,
                    "effectiveness_level": "B",
                    "effectiveness_percent": 25,
                    "effectiveness_sample_size": 7,
                }
            ],
        )
        recall.action_select_consignees()
        form = Form(recall)
        self.assertEqual(len(form.effectiveness_check_ids), 7)
        self.assertEqual(form.effectiveness_seed, recall.effectiveness_seed)

    def test_regulatory_record_editable_while_open(self):
        recall = self._recall()
        authority = self.env["res.partner"].create(
            {"name": "FDA District Office", "is_company": True}
        )
        values = {
            "recall_depth": "retail",
            "public_warning": "general",
            "authority_id": authority.id,
            "authority_notified_date": date(2026, 11, 2),
            "authority_reference": "RES-91234",
            "completion_estimate_date": date(2027, 1, 15),
            "termination_requested_date": date(2026, 12, 20),
        }
        recall.write(values)  # a Recall User
        self.assertRecordValues(recall, [values])
        recall.with_user(self.recall_manager)._close("Every customer called")
        with self.assertRaisesRegex(UserError, "regulatory record"):
            recall.write({"recall_depth": "consumer"})
        with self.assertRaisesRegex(UserError, "regulatory record"):
            recall.write({"effectiveness_level": "A"})
        # The authority's termination comes once the recall is closed.
        recall.write({"termination_date": date(2027, 2, 1)})
        self.assertEqual(recall.termination_date, date(2027, 2, 1))
        # A closed recall is checked no more.
        with self.assertRaisesRegex(UserError, "Closed"):
            recall.action_select_consignees()


@tagged("post_install", "-at_install")
class TestRecallStatusReport(EffectivenessCase, HttpCase):
    """HttpCase: wkhtmltopdf fetches the report assets from the test server."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.tz = "UTC"
        cls.env.company.write(
            {"email": "quality@mill.example.com", "phone": "+1 555 0199", "city": "Springfield"}
        )
        cls.recall_manager.partner_id.write(
            {"name": "Quinn Quality", "phone": "+1 555 0123", "email": "quinn@mill.example.com"}
        )
        cls.authority = cls.env["res.partner"].create(
            {"name": "FDA Chicago District", "is_company": True}
        )

    def _print(self, recalls, report="lot_recall.action_report_recall_status"):
        content, report_format = (
            self.env["ir.actions.report"]
            .with_user(self.recall_user)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report, recalls.ids)
        )
        self.assertEqual(report_format, "pdf")
        return pdf_text(content)

    def _regulatory_recall(self):
        recall = self._recall()
        recall.write(
            {
                "recall_depth": "retail",
                "public_warning": "specialized",
                "authority_id": self.authority.id,
                "authority_notified_date": date(2026, 11, 2),
                "authority_reference": "RES-91234",
                "authority_notification": base64.b64encode(b"%PDF-1.4 notification"),
                "authority_notification_filename": "FDA notification.pdf",
                "completion_estimate_date": date(2027, 1, 15),
                "termination_requested_date": date(2026, 12, 20),
                "effectiveness_level": "C",
            }
        )
        return recall

    def test_status_report_pdf(self):
        recall = self._regulatory_recall()
        notices = {notice.partner_id: notice for notice in recall.notice_ids}
        # Every notice accepted by the SMTP server (what the mail queue records), two answered.
        recall.notice_ids._record_result()
        notices[self.customer_b]._acknowledge(12.0, "returning", "Pallet held")
        notices[self.customer_c].with_user(self.recall_user)._acknowledge(
            7.5, "quarantined", False, channel="phone"
        )
        recall.action_select_consignees()
        checks = recall.effectiveness_check_ids
        self._record(checks[0], self.recall_user, contacted=True, received_notice=True)

        text = self._print(recall)
        non_responders = self.companies - self.customer_b - self.customer_c
        for expected in (
            f"Recall Status Report {recall.name}",
            "Status report no. 1",
            # The firm and its recall contact, in the body.
            self.env.company.name,
            "quality@mill.example.com",
            "Recall contact: Quinn Quality, phone +1 555 0123, email quinn@mill.example.com",
            # 7.53(b)(1)-(3): notified, responding (quantities on hand), not responding.
            "Consignees 27 Notified 27",
            "Responding: 2 of 27; quantity on hand at response: 19.50",
            "Beta Bakery",
            "Returning to us",
            "Quarantined, awaiting instructions",
            "Not responding: 25.",
            # 7.53(b)(5): effectiveness checks and results.
            "Level: Level C: 10% of consignees. Checks made: 1 of 3 consignees selected; "
            "contacted: 1, received the notice: 1, followed its instructions: 0.",
            # 7.53(b)(6): the estimated completion.
            "expected to be complete by 01/15/2027",
            # The regulatory record.
            "Retail level",
            "Specialized (trade or professional press, specific segments)",
            "FDA Chicago District",
            "11/02/2026",
            "RES-91234",
            "FDA notification.pdf",
            "12/20/2026",
        ):
            self.assertIn(expected, text)
        for partner in non_responders:
            self.assertIn(partner.name, text)
        self.assertIn(checks[0].partner_id.name, text)

        # Each print is one more dated attachment of the recall.
        attachment = recall.status_report_ids
        self.assertEqual(len(attachment), 1)
        self.assertEqual((attachment.res_model, attachment.res_id), ("lot.recall", recall.id))
        self.assertEqual(attachment.mimetype, "application/pdf")
        self.assertRegex(
            attachment.name,
            rf"^Recall Status Report {re.escape(recall.name.replace('/', '-'))} "
            r"\d{4}-\d\d-\d\d \d\d\.\d\d\.\d\d\.pdf$",
        )
        self.assertEqual(pdf_text(attachment.raw), text)
        self.assertIn("Status report no. 2", self._print(recall))
        self.assertEqual(len(recall.status_report_ids), 2)
        self.assertEqual(len(set(recall.status_report_ids.mapped("checksum"))), 2)
        self.assertTrue(
            recall.message_ids.filtered(lambda m: attachment in m.attachment_ids),
            "each print is logged with its file",
        )
        # Printed reports are evidence.
        with self.assertRaisesRegex(UserError, "evidence"):
            attachment.with_user(self.recall_manager).unlink()
        with self.assertRaises(AccessError):
            attachment.with_user(self.recall_manager).write({"raw": b"%PDF-1.4 other"})

    def test_status_reports_of_two_recalls(self):
        """Several recalls printed at once: one run each (Debian's wkhtmltopdf takes one input
        document), each recall its own attachment, the prints merged."""
        first = self._recall()
        other_lot = self._receive(self.flour, "EFF-0002", 10)
        self._deliver(self.customer_c, self.flour, other_lot, 4)
        second = self._recall_through_wizard(other_lot, quarantine=False)
        text = self._print(first | second)
        self.assertIn(f"Recall Status Report {first.name}", text)
        self.assertIn(f"Recall Status Report {second.name}", text)
        self.assertEqual(len(first.status_report_ids), 1)
        self.assertEqual(len(second.status_report_ids), 1)
        self.assertIn(first.name, pdf_text(first.status_report_ids.raw))
        self.assertNotIn(second.name, pdf_text(first.status_report_ids.raw))

    def test_recall_report_names_contact_and_regulatory_record(self):
        recall = self._regulatory_recall()
        text = self._print(recall, report="lot_recall.action_report_recall")
        for expected in (
            self.env.company.name,
            "Recall contact: Quinn Quality, phone +1 555 0123, email quinn@mill.example.com",
            "Regulatory Record",
            "Retail level",
            "FDA Chicago District",
            "RES-91234",
            "Level C: 10% of consignees",
            "01/15/2027",
        ):
            self.assertIn(expected, text)
        self.assertFalse(recall.status_report_ids, "only the status report is attached")
