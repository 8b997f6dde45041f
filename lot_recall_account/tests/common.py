# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import new_test_user

from odoo.addons.lot_recall.tests.common import LotRecallCase


class LotCostCase(LotRecallCase):
    """Real stock valuation (FIFO, automated: journal entries posted) of two products, each
    received in two lots through real receipts at 10.00 and 14.00 a unit: olive oil valued
    by lot (``lot_valuated``), rice valued FIFO over all its lots."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.category = cls.env["product.category"].create(
            {
                "name": "Lot cost tests (FIFO, automated)",
                "property_cost_method": "fifo",
                "property_valuation": "real_time",
            }
        )
        cls.oil, cls.rice = cls.env["product.product"].create(
            [
                {
                    "name": "Olive Oil 5 L",
                    "is_storable": True,
                    "tracking": "lot",
                    "categ_id": cls.category.id,
                    "lot_valuated": True,
                },
                {
                    "name": "Rice 10 kg",
                    "is_storable": True,
                    "tracking": "lot",
                    "categ_id": cls.category.id,
                },
            ]
        )
        cls.oil_1 = cls._receive_at(cls.oil, "OIL-1", 100, 10.0)
        cls.oil_2 = cls._receive_at(cls.oil, "OIL-2", 100, 14.0)
        cls.rice_1 = cls._receive_at(cls.rice, "RICE-1", 50, 10.0)
        cls.rice_2 = cls._receive_at(cls.rice, "RICE-2", 50, 14.0)
        # An Inventory Administrator reads valuation (and is a Recall Manager); an Inventory
        # User who is a Recall Manager does not.
        cls.valuation_user = new_test_user(
            cls.env, login="lra_stock_manager", groups="stock.group_stock_manager"
        )

    @classmethod
    def _receive_at(cls, product, lot_name, quantity, price_unit):
        """Receive ``quantity`` of a new lot of ``product`` from the supplier, valued at
        ``price_unit`` a unit (the receipt's price, as a purchase order gives it)."""
        picking = cls._picking(
            cls.warehouse.in_type_id,
            cls.supplier,
            [(product, quantity)],
            location=cls.supplier_location,
            location_dest=cls.stock_location,
        )
        picking.move_ids.price_unit = price_unit
        picking.move_ids.move_line_ids.unlink()
        cls.env["stock.move.line"].create(
            {
                "move_id": picking.move_ids.id,
                "picking_id": picking.id,
                "product_id": product.id,
                "lot_name": lot_name,
                "quantity": quantity,
                "location_id": cls.supplier_location.id,
                "location_dest_id": cls.stock_location.id,
            }
        )
        picking.move_ids.picked = True
        picking.button_validate()
        return picking.move_line_ids.lot_id

    def _held(self, lot):
        """Quantity of ``lot`` in our stock location."""
        return sum(
            self.env["stock.quant"]
            .search([("lot_id", "=", lot.id), ("location_id", "=", self.stock_location.id)])
            .mapped("quantity")
        )
