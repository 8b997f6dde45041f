# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from contextlib import contextmanager
from unittest.mock import patch

from odoo import modules
from odoo.tests import Form, HttpCase, new_test_user
from odoo.tests.common import TransactionCase
from odoo.tools import config

from .smtp_server import LocalSmtpServer


def jsonrpc_execute_kw(case, uid, password, model, method, args):
    """``model.method(*args)`` called by ``uid`` through the /jsonrpc route of ``case``'s test
    server (an HttpCase), as an external client calls it; the JSON answer."""
    payload = {
        "jsonrpc": "2.0",
        "method": "call",
        "id": 1,
        "params": {
            "service": "object",
            "method": "execute_kw",
            "args": [case.env.cr.dbname, uid, password, model, method, args],
        },
    }
    response = case.url_open(
        "/jsonrpc", data=json.dumps(payload), headers={"Content-Type": "application/json"}
    )
    return response.json()


class LotRecallCase(TransactionCase):
    """Scenario builders: receipts, deliveries and returns done through real pickings."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        if issubclass(cls, HttpCase):
            # wkhtmltopdf fetches the report assets from the test server, which listens on
            # IPv4 only, while the test base URL says "localhost" (that may resolve to ::1).
            cls.env["ir.config_parameter"].set_param(
                "report.url", f"http://127.0.0.1:{config['http_port']}"
            )
        cls.company = cls.env.company
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.supplier_location = cls.env.ref("stock.stock_location_suppliers")
        cls.customer_location = cls.env.ref("stock.stock_location_customers")
        cls.supplier = cls.env["res.partner"].create(
            {"name": "Mill Supplies Ltd", "is_company": True, "email": "mill@example.com"}
        )
        cls.customer_a, cls.customer_b, cls.customer_c = cls.env["res.partner"].create(
            [
                {"name": "Alpha Foods", "is_company": True, "email": "alpha@example.com"},
                {"name": "Beta Bakery", "is_company": True, "email": "beta@example.com"},
                {"name": "Gamma Grocers", "is_company": True, "email": "gamma@example.com"},
            ]
        )
        cls.flour = cls.env["product.product"].create(
            {"name": "Flour 25 kg", "is_storable": True, "tracking": "lot"}
        )
        cls.bread = cls.env["product.product"].create(
            {"name": "Bread Mix", "is_storable": True, "tracking": "lot"}
        )
        cls.recall_user = new_test_user(
            cls.env, login="lr_recall_user", groups="lot_recall.group_recall_user"
        )
        cls.recall_manager = new_test_user(
            cls.env, login="lr_recall_manager", groups="lot_recall.group_recall_manager"
        )

    @classmethod
    def _picking(cls, picking_type, partner, lines, location=None, location_dest=None):
        """Create and confirm a picking; ``lines`` are (product, quantity) pairs."""
        picking = cls.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "partner_id": partner.id,
                "location_id": (location or picking_type.default_location_src_id).id,
                "location_dest_id": (location_dest or picking_type.default_location_dest_id).id,
                "move_ids": [
                    (
                        0,
                        0,
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "product_uom": product.uom_id.id,
                            "location_id": (location or picking_type.default_location_src_id).id,
                            "location_dest_id": (
                                location_dest or picking_type.default_location_dest_id
                            ).id,
                        },
                    )
                    for product, quantity in lines
                ],
            }
        )
        picking.action_confirm()
        return picking

    @classmethod
    def _receive(
        cls, product, lot_name, quantity, partner=None, supplier_lot_ref=False, location_dest=None
    ):
        """Receive ``quantity`` of a new lot from a supplier (into stock, or ``location_dest``:
        a customer location for a dropship); return the lot."""
        location_dest = location_dest or cls.stock_location
        picking = cls._picking(
            cls.warehouse.in_type_id,
            partner or cls.supplier,
            [(product, quantity)],
            location=cls.supplier_location,
            location_dest=location_dest,
        )
        picking.move_ids.move_line_ids.unlink()
        cls.env["stock.move.line"].create(
            {
                "move_id": picking.move_ids.id,
                "picking_id": picking.id,
                "product_id": product.id,
                "lot_name": lot_name,
                "supplier_lot_ref": supplier_lot_ref,
                "quantity": quantity,
                "location_id": cls.supplier_location.id,
                "location_dest_id": location_dest.id,
            }
        )
        picking.move_ids.picked = True
        picking.button_validate()
        return picking.move_line_ids.lot_id

    @classmethod
    def _deliver(cls, customer, product, lot, quantity, validate=True):
        """Ship ``quantity`` of ``lot`` to ``customer`` from stock in one step."""
        picking = cls._picking(
            cls.warehouse.out_type_id,
            customer,
            [(product, quantity)],
            location=cls.stock_location,
            location_dest=cls.customer_location,
        )
        cls._set_lot(picking, lot, quantity)
        if validate:
            picking.button_validate()
        return picking

    @classmethod
    def _set_lot(cls, picking, lot, quantity):
        move = picking.move_ids
        move.move_line_ids.unlink()
        cls.env["stock.move.line"].create(
            {
                "move_id": move.id,
                "picking_id": picking.id,
                "product_id": move.product_id.id,
                "lot_id": lot.id,
                "quantity": quantity,
                "location_id": move.location_id.id,
                "location_dest_id": move.location_dest_id.id,
            }
        )
        move.picked = True

    @classmethod
    def _return(cls, picking, quantity):
        """Return ``quantity`` of a done delivery with the standard return wizard."""
        wizard = (
            cls.env["stock.return.picking"]
            .with_context(active_id=picking.id, active_model="stock.picking")
            .create({})
        )
        wizard.product_return_moves.quantity = quantity
        returned = cls.env["stock.picking"].browse(wizard.action_create_returns()["res_id"])
        returned.move_ids.picked = True
        returned.button_validate()
        return returned

    @contextmanager
    def _smtp(self):
        """A real SMTP server, configured as Odoo's only outgoing server for the test."""
        with LocalSmtpServer() as server:
            self.env["ir.mail_server"].search([]).active = False
            self.env["ir.mail_server"].create(
                {
                    "name": "Test SMTP",
                    "smtp_host": "127.0.0.1",
                    "smtp_port": server.port,
                    "smtp_encryption": "none",
                    "sequence": 1,
                }
            )
            yield server

    def _process_queue(self):
        # Odoo skips SMTP while a test runs; lift that guard so the queue really delivers, and
        # have the queue render real PDFs (Odoo renders HTML instead in tests by default).
        with patch.object(modules.module, "current_test", False):
            self.env["mail.mail"].with_context(force_report_rendering=True).process_email_queue()

    def _recall_through_wizard(self, lots, user=None, **values):
        """Open the wizard from the lots as the user would and confirm it; return the recall."""
        action = lots.with_user(user or self.recall_user).action_open_recall_wizard()
        wizard_form = Form(
            self.env["lot.recall.wizard"]
            .with_user(user or self.recall_user)
            .with_context(**action["context"])
        )
        wizard_form.reason = values.pop("reason", "Possible contamination")
        for name, value in values.items():
            setattr(wizard_form, name, value)
        result = wizard_form.save().action_confirm()
        return self.env["lot.recall"].browse(result["res_id"])

    def _lines(self, recall):
        """The recall's lines as comparable tuples."""
        return sorted(
            (
                line.partner_id.name,
                line.picking_id.name,
                line.lot_id.name,
                line.quantity,
                line.returned_quantity,
            )
            for line in recall.line_ids
        )


class NoticeCase(LotRecallCase):
    """A lot delivered to three customers with an email address each, recalled (without
    quarantine) through the wizard; the recall as its Recall Manager sees it, and its notices
    by customer."""

    lot_name = "NOTICE-0001"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.email = "quality@yourcompany.example.com"
        cls.lot = cls._receive(cls.flour, cls.lot_name, 100)
        for customer, quantity in (
            (cls.customer_a, 10),
            (cls.customer_b, 20),
            (cls.customer_c, 30),
        ):
            cls._deliver(customer, cls.flour, cls.lot, quantity)

    def setUp(self):
        super().setUp()
        self.recall = self._recall_through_wizard(self.lot, quarantine=False).with_user(
            self.recall_manager
        )
        self.notices = {notice.partner_id: notice for notice in self.recall.notice_ids}
        self.assertEqual(len(self.notices), 3)
