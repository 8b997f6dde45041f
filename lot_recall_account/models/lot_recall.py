# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from .stock_lot import VALUATION_GROUP


def _destroyable(quant):
    """What a quarantined quant holds that can be destroyed: its quantity but what picked
    operations still reserve (the quarantine released every other reservation)."""
    return max(quant.quantity - quant.reserved_quantity, 0.0)


class LotRecall(models.Model):
    _inherit = "lot.recall"

    cost_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Cost Currency", groups=VALUATION_GROUP
    )
    quantity_held = fields.Float(
        digits="Product Unit of Measure",
        compute="_compute_cost_exposure",
        groups=VALUATION_GROUP,
        help="Quantity of the affected lots we still hold in our internal and transit locations.",
    )
    exposure_value_shipped = fields.Monetary(
        string="Shipped Value",
        currency_field="cost_currency_id",
        compute="_compute_cost_exposure",
        groups=VALUATION_GROUP,
        help="Value at the lots' actual cost of what was shipped to customers, net of their "
        "returns.",
    )
    exposure_value_held = fields.Monetary(
        string="Held Value",
        currency_field="cost_currency_id",
        compute="_compute_cost_exposure",
        groups=VALUATION_GROUP,
        help="Value at the lots' actual cost of what we still hold (what the quarantine blocks).",
    )
    exposure_value_reported_on_hand = fields.Monetary(
        string="Reported On Hand Value",
        currency_field="cost_currency_id",
        compute="_compute_cost_exposure",
        groups=VALUATION_GROUP,
        help="Value at cost of what customers reported still on hand in their "
        "acknowledgments (each customer's quantity at the average cost of what they "
        "received).",
    )
    exposure_value_returning = fields.Monetary(
        string="Returning Value",
        currency_field="cost_currency_id",
        compute="_compute_cost_exposure",
        groups=VALUATION_GROUP,
        help="Value at cost of what customers reported on hand and being returned to us.",
    )
    handling_cost_per_customer = fields.Monetary(
        currency_field="cost_currency_id",
        compute="_compute_handling_cost_defaults",
        store=True,
        readonly=False,
        tracking=True,
        groups=VALUATION_GROUP,
        help="Estimated cost of the recall per customer reached (calls, letters, collection); "
        "the company's default (Inventory settings) when the recall is created.",
    )
    handling_cost_per_unit = fields.Monetary(
        currency_field="cost_currency_id",
        compute="_compute_handling_cost_defaults",
        store=True,
        readonly=False,
        tracking=True,
        groups=VALUATION_GROUP,
        help="Estimated cost of the recall per unit recalled, shipped (net of returns) or "
        "held (freight back, storage, destruction); the company's default when the recall "
        "is created.",
    )
    handling_cost_total = fields.Monetary(
        string="Handling Cost",
        currency_field="cost_currency_id",
        compute="_compute_cost_exposure",
        groups=VALUATION_GROUP,
        help="Customers reached times the cost per customer, plus units shipped (net of "
        "returns) and held times the cost per unit.",
    )
    estimated_total_cost = fields.Monetary(
        string="Estimated Recall Cost",
        currency_field="cost_currency_id",
        compute="_compute_cost_exposure",
        groups=VALUATION_GROUP,
        help="Shipped value, held value and handling cost: what the recall is expected to "
        "cost if every unit shipped or held is written off.",
    )
    claimable_from_supplier = fields.Monetary(
        currency_field="cost_currency_id",
        compute="_compute_cost_exposure",
        groups=VALUATION_GROUP,
        help="For a recall started from a supplier's recall notice: the estimated recall cost, "
        "to claim from that supplier.",
    )

    @api.depends("company_id")
    def _compute_handling_cost_defaults(self):
        for recall in self:
            company = recall.company_id or self.env.company
            recall.handling_cost_per_customer = company.lot_recall_handling_cost_customer
            recall.handling_cost_per_unit = company.lot_recall_handling_cost_unit

    @api.depends(
        "line_ids.quantity",
        "line_ids.returned_quantity",
        "affected_lot_ids",
        "notice_ids.state",
        "notice_ids.ack_quantity_on_hand",
        "notice_ids.ack_action",
        "handling_cost_per_customer",
        "handling_cost_per_unit",
        "supplier_id",
    )
    def _compute_cost_exposure(self):
        for recall in self:
            lots = recall._cost_exposure_lots()
            shipped = sum(row["shipped_value"] for row in lots)
            held = sum(row["held_value"] for row in lots)
            quantity_held = sum(row["held_quantity"] for row in lots)
            units = sum(row["shipped_quantity"] for row in lots) + quantity_held
            reported_on_hand, returning = recall._cost_exposure_reported()
            handling = (
                len(recall.line_ids.partner_id) * recall.handling_cost_per_customer
                + units * recall.handling_cost_per_unit
            )
            recall.quantity_held = quantity_held
            recall.exposure_value_shipped = shipped
            recall.exposure_value_held = held
            recall.exposure_value_reported_on_hand = reported_on_hand
            recall.exposure_value_returning = returning
            recall.handling_cost_total = handling
            recall.estimated_total_cost = shipped + held + handling
            recall.claimable_from_supplier = (
                recall.estimated_total_cost if recall.supplier_id else 0.0
            )

    def action_destroy_quarantined(self):
        """Confirm first: the quarantined stock of the affected lots, its quantities and (for
        those who may read valuation) its value, then Destroy scraps it."""
        self.ensure_one()
        self._check_recall_manager()
        self._check_destroyable()
        quants = self._quarantined_quants()
        if not quants:
            raise UserError(
                self.env._(
                    "%(recall)s: no quarantined stock of its affected lots is left to destroy.",
                    recall=self.name,
                )
            )
        wizard = self.env["lot.recall.destroy.wizard"].create(
            {
                "recall_id": self.id,
                "line_ids": [
                    fields.Command.create({"quant_id": quant.id, "quantity": _destroyable(quant)})
                    for quant in quants
                ],
            }
        )
        return wizard._get_records_action(
            name=self.env._("Destroy Quarantined Stock of %(recall)s", recall=self.name),
            target="new",
        )

    def _destroy_quarantined(self, expected):
        """Scrap every quarantined quant of the affected lots to the scrap location, in one
        batch of scrap orders whose source document is the recall: stock valuation values
        each at its lot's cost. Logged on the recall.

        :param expected: {quant id: quantity} the manager confirmed; the stock must not have
            changed since (else nothing is scrapped and the manager is asked to look again)
        :return: the scrap orders (``stock.scrap``)
        """
        self.ensure_one()
        self._check_recall_manager()
        self._check_destroyable()
        self._lock()
        quants = self._quarantined_quants()
        found = {quant.id: _destroyable(quant) for quant in quants}
        rounding = {quant.id: quant.product_uom_id.rounding for quant in quants}
        if set(found) != set(expected) or any(
            abs(found[quant_id] - expected[quant_id]) > rounding[quant_id] / 2 for quant_id in found
        ):
            raise UserError(
                self.env._(
                    "The quarantined stock of %(recall)s changed since you opened the "
                    "confirmation: open Destroy Quarantined Stock again.",
                    recall=self.name,
                )
            )
        scraps = self.env["stock.scrap"].create(
            [
                {
                    "product_id": quant.product_id.id,
                    "product_uom_id": quant.product_id.uom_id.id,
                    "lot_id": quant.lot_id.id,
                    "location_id": quant.location_id.id,
                    "package_id": quant.package_id.id,
                    "owner_id": quant.owner_id.id,
                    "scrap_qty": found[quant.id],
                    "company_id": self.company_id.id,
                    "origin": self.name,
                }
                for quant in quants
            ]
        )
        scraps.do_scrap()
        items = Markup().join(
            Markup("<li>%s</li>")
            % self.env._(
                "%(scrap)s: %(quantity)s %(uom)s of lot %(lot)s (%(product)s) from %(location)s",
                scrap=scrap.name,
                quantity=scrap.scrap_qty,
                uom=scrap.product_uom_id.name,
                lot=scrap.lot_id.name,
                product=scrap.product_id.display_name,
                location=scrap.location_id.display_name,
            )
            for scrap in scraps
        )
        self.message_post(
            body=Markup("<p>%s</p><ul>%s</ul>")
            % (
                self.env._(
                    "Quarantined stock destroyed by %(user)s: scrapped to %(location)s.",
                    user=self.env.user.name,
                    location=", ".join(scraps.scrap_location_id.mapped("display_name")),
                ),
                items,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return scraps

    def _check_destroyable(self):
        self._check_real(self.env._("destroys stock"))
        for recall in self.filtered(lambda r: r.state in ("draft", "cancel")):
            raise UserError(
                self.env._(
                    "%(recall)s is draft or cancelled: only the quarantined stock of a traced "
                    "recall can be destroyed.",
                    recall=recall.name,
                )
            )

    def _quarantined_quants(self):
        """The quants of this recall's affected lots that are quarantined and held in an
        internal location of the recall's company, with a quantity to destroy."""
        self.ensure_one()
        quants = self.env["stock.quant"].search(
            [
                ("lot_id", "in", self.affected_lot_ids.ids),
                ("lot_id.quarantined", "=", True),
                ("location_id.usage", "=", "internal"),
                ("company_id", "=", self.company_id.id),
                ("quantity", ">", 0),
            ],
            order="lot_id, location_id, id",
        )
        return quants.filtered(lambda quant: _destroyable(quant) > 0)

    def _cost_exposure_lots(self):
        """One row per affected lot with stock shipped or held: ``lot`` (``stock.lot``),
        ``unit_cost`` and ``cost_basis`` (see ``stock.lot._lot_recall_cost_query``),
        ``shipped_quantity`` (net of returns), ``shipped_value``, ``held_quantity`` and
        ``held_value``; by lot name. Read from the recall's stored trace rows and its stock
        held, the lots' costs in one query."""
        self.ensure_one()
        shipped = defaultdict(float)
        for line in self.line_ids:
            shipped[line.lot_id] += line.quantity - line.returned_quantity
        held = defaultdict(float)
        for lot, quantity in self.env["stock.quant"]._read_group(
            self._stock_held_domain(), ["lot_id"], ["quantity:sum"]
        ):
            held[lot] += quantity
        lots = self.env["stock.lot"].union(*shipped, *held)
        costs = lots._lot_recall_costs(self.company_id)
        rows = []
        for lot in lots.sorted(lambda lot: (lot.name, lot.id)):
            cost = costs.get(lot.id, {})
            unit_cost = cost.get("unit_cost") or 0.0
            rows.append(
                {
                    "lot": lot,
                    "unit_cost": unit_cost,
                    "cost_basis": cost.get("cost_basis"),
                    "shipped_quantity": shipped[lot],
                    "shipped_value": shipped[lot] * unit_cost,
                    "held_quantity": held[lot],
                    "held_value": held[lot] * unit_cost,
                }
            )
        return rows

    def _cost_exposure_reported(self):
        """(value on hand, value returning) of what customers reported in their
        acknowledgments: each customer's quantity at the average cost of what the recall's
        lines say they received."""
        self.ensure_one()
        acknowledged = self.notice_ids.filtered(lambda n: n.state == "acknowledged")
        if not acknowledged:
            return 0.0, 0.0
        costs = self.line_ids.lot_id._lot_recall_costs(self.company_id)
        quantity = defaultdict(float)
        value = defaultdict(float)
        for line in self.line_ids:
            net = line.quantity - line.returned_quantity
            quantity[line.partner_id] += net
            value[line.partner_id] += net * (costs.get(line.lot_id.id, {}).get("unit_cost") or 0)
        on_hand = returning = 0.0
        for notice in acknowledged:
            partner = notice.partner_id
            average = value[partner] / quantity[partner] if quantity[partner] else 0.0
            on_hand += notice.ack_quantity_on_hand * average
            if notice.ack_action == "returning":
                returning += notice.ack_quantity_on_hand * average
        return on_hand, returning
