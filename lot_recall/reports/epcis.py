# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The events of a traceability request as an EPCIS 2.0 JSON-LD document (GS1 EPCIS 2.0 and
CBV 2.0): receipts and deliveries as ``ObjectEvent``s, manufacturing orders as
``TransformationEvent``s, each product lot as a class-level identifier with its quantity."""

import re
from collections import defaultdict
from urllib.parse import quote

import pytz

from odoo import api, fields, models
from odoo.tools.barcode import get_barcode_check_digit

from ..tools.gs1 import normalize_gtin

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
GLN_RE = re.compile(r"[0-9]{13}")
# UN/ECE Recommendation 20 codes of Odoo's units (EPCIS ``uom``). A quantity in a unit not
# listed is given in the reference unit of its category when that one is listed; counted
# units (Units, Dozens...) are given in units, with no ``uom`` (EPCIS: a count).
UOM_CODES = {
    "uom.product_uom_kgm": "KGM",
    "uom.product_uom_gram": "GRM",
    "uom.product_uom_ton": "TNE",
    "uom.product_uom_lb": "LBR",
    "uom.product_uom_oz": "ONZ",
    "uom.product_uom_litre": "LTR",
    "uom.product_uom_cubic_meter": "MTQ",
    "uom.product_uom_floz": "OZA",
    "uom.product_uom_qt": "QTI",
    "uom.product_uom_gal": "GLI",
    "uom.product_uom_meter": "MTR",
    "uom.product_uom_cm": "CMT",
    "uom.product_uom_millimeter": "MMT",
    "uom.product_uom_km": "KMT",
    "uom.product_uom_inch": "INH",
    "uom.product_uom_foot": "FOT",
    "uom.product_uom_yard": "YRD",
}


def gs1_check_digit_ok(code):
    """Whether the last digit of ``code`` (digits) is its GS1 check digit."""
    return get_barcode_check_digit(code) == int(code[-1])


class LotTraceRequestEpcis(models.AbstractModel):
    _name = "lot.trace.request.epcis"
    _description = "Traceability Request EPCIS 2.0 Export"

    @api.model
    def _document(self, request, events, records):
        """The ``EPCISDocument`` (a dict, for ``json.dumps``) of ``events``
        (``lot.trace.request._trace_events``) of ``request``.

        :param records: ``lot.trace.request._event_records(events)``
        """
        ids = _Identifiers(self.env, records)
        event_list = [
            *self._object_events(ids, events["receiving"], "receiving"),
            *self._object_events(ids, events["shipping"], "shipping"),
            *self._transformation_events(ids, events.get("transformation", [])),
        ]
        event_list.sort(key=lambda event: event["eventTime"])
        return {
            "@context": [EPCIS_CONTEXT],
            "type": "EPCISDocument",
            "schemaVersion": "2.0",
            "creationDate": _epcis_time(fields.Datetime.now()),
            "epcisBody": {"eventList": event_list},
        }

    @api.model
    def _object_events(self, ids, rows, biz_step):
        """One ``ObjectEvent`` per transfer (bizStep ``receiving`` or ``shipping``), with the
        quantity of each of its lots; the other party and us as owning parties."""
        transfers = defaultdict(list)
        for row in rows:
            transfers[(row["picking_id"], row["move_line_id"])].append(row)
        events = []
        for transfer_rows in transfers.values():
            first = transfer_rows[0]
            date = max(row["date"] for row in transfer_rows)
            other = ids.party(ids.records["partners"].get(first["partner_id"]))
            ours = ids.party(ids.our_partner(first["location_id"]))
            source, destination = (other, ours) if biz_step == "receiving" else (ours, other)
            event = {
                "type": "ObjectEvent",
                "eventTime": _epcis_time(date),
                "eventTimeZoneOffset": ids.offset(date),
                "action": "OBSERVE",
                "bizStep": biz_step,
                "disposition": "in_progress" if biz_step == "receiving" else "in_transit",
                "bizLocation": {"id": ids.location(first["location_id"])},
                "quantityList": [
                    ids.quantity(row["product_id"], row["lot_id"], row["quantity"])
                    for row in transfer_rows
                ],
                "bizTransactionList": [
                    {
                        "type": "recadv" if biz_step == "receiving" else "desadv",
                        "bizTransaction": ids.transaction(first["reference"]),
                    }
                ],
            }
            if source:
                event["sourceList"] = [{"type": "owning_party", "source": source}]
            if destination:
                event["destinationList"] = [{"type": "owning_party", "destination": destination}]
            events.append(event)
        return events

    @api.model
    def _transformation_events(self, ids, rows):
        """One ``TransformationEvent`` per manufacturing order: its input lots (each once)
        and its output lots (each once)."""
        orders = defaultdict(list)
        for row in rows:
            orders[row["reference"]].append(row)
        events = []
        for reference, order_rows in orders.items():
            date = max(row["date"] for row in order_rows)
            inputs, outputs = {}, {}
            for row in order_rows:
                inputs[(row["input_product_id"], row["input_lot_id"])] = row["input_quantity"]
                outputs[row["output_move_line_id"]] = row
            events.append(
                {
                    "type": "TransformationEvent",
                    "eventTime": _epcis_time(date),
                    "eventTimeZoneOffset": ids.offset(date),
                    "inputQuantityList": [
                        ids.quantity(product_id, lot_id, quantity)
                        for (product_id, lot_id), quantity in inputs.items()
                    ],
                    "outputQuantityList": [
                        ids.quantity(
                            row["output_product_id"], row["output_lot_id"], row["output_quantity"]
                        )
                        for row in outputs.values()
                    ],
                    "bizStep": "commissioning",
                    "disposition": "active",
                    "bizLocation": {"id": ids.location(order_rows[0]["location_id"])},
                    "bizTransactionList": [
                        {"type": "prodorder", "bizTransaction": ids.transaction(reference)}
                    ],
                }
            )
        return events


def _epcis_time(value):
    """A naive UTC datetime as an EPCIS timestamp (ISO 8601, milliseconds, ``Z``)."""
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


class _Identifiers:
    """The URIs of one export's products, lots, parties, locations and transactions; each
    record read once.

    - a product lot: the GS1 Digital Link ``https://id.gs1.org/01/{GTIN}/10/{lot}`` when the
      product's barcode is a GTIN, else ``{base URL}/lot_recall/id/product/{product id}/lot/
      {lot}`` (``/lot/...`` left out for a line without lot);
    - a party: ``https://id.gs1.org/417/{GLN}`` when the partner's barcode is a GLN, else
      ``{base URL}/lot_recall/id/party/{partner id}``;
    - a location: ``{base URL}/lot_recall/id/location/{location id}``;
    - a business transaction: ``{base URL}/lot_recall/id/transaction/{reference}``.
    """

    def __init__(self, env, records):
        self.env = env
        self.records = records
        self.base = env["ir.config_parameter"].sudo().get_param("web.base.url", "").rstrip("/")
        self.tz = pytz.timezone(env.context.get("tz") or env.user.tz or "UTC")
        self.uom_codes = {}
        for xmlid, code in UOM_CODES.items():
            uom = env.ref(xmlid, raise_if_not_found=False)
            if uom:
                self.uom_codes[uom.id] = code
        # Per export: {uom id: (factor to the unit written, its code)}, {partner id: URI}.
        self.units = {}
        self.parties = {}

    def offset(self, date):
        """``±HH:MM``: the offset of the user's time zone from UTC at ``date`` (naive UTC)."""
        local = pytz.utc.localize(date).astimezone(self.tz)
        minutes = int(local.utcoffset().total_seconds() // 60)
        sign = "+" if minutes >= 0 else "-"
        return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"

    def epc_class(self, product, lot):
        gtin = normalize_gtin(product.barcode)
        lot_part = lot and quote(lot.name, safe="")
        if gtin and gs1_check_digit_ok(gtin):
            return f"https://id.gs1.org/01/{gtin}" + (f"/10/{lot_part}" if lot else "")
        return f"{self.base}/lot_recall/id/product/{product.id}" + (
            f"/lot/{lot_part}" if lot else ""
        )

    def quantity(self, product_id, lot_id, quantity):
        """A ``quantityList`` element: the product lot's class, its quantity (in the product's
        unit, or in its category's reference unit when only that one has a code) and unit."""
        product = self.records["products"][product_id]
        lot = self.records["lots"].get(lot_id)
        factor, code = self.unit(product.uom_id)
        element = {
            "epcClass": self.epc_class(product, lot),
            "quantity": float(quantity) * factor,
        }
        if code:
            element["uom"] = code
        return element

    def unit(self, uom):
        """``(factor, code)``: how a quantity in ``uom`` is written (multiplied by factor, in
        the unit of that code, ``None`` for a count)."""
        if uom.id not in self.units:
            factor, code = 1.0, self.uom_codes.get(uom.id)
            if not code:
                reference = uom.category_id.uom_ids.filtered(lambda u: u.uom_type == "reference")
                if reference[:1]:
                    factor = uom._compute_quantity(1.0, reference[:1], round=False)
                    code = self.uom_codes.get(reference[:1].id)
            self.units[uom.id] = (factor, code)
        return self.units[uom.id]

    def party(self, partner):
        """The URI of ``partner``'s company (``None`` for no partner)."""
        if not partner:
            return None
        if partner.id not in self.parties:
            commercial = partner.commercial_partner_id
            gln = (commercial.barcode or "").strip()
            if GLN_RE.fullmatch(gln) and gs1_check_digit_ok(gln):
                self.parties[partner.id] = f"https://id.gs1.org/417/{gln}"
            else:
                self.parties[partner.id] = f"{self.base}/lot_recall/id/party/{commercial.id}"
        return self.parties[partner.id]

    def our_partner(self, location_id):
        """The address of our location: its warehouse's, else the company's."""
        return self.env["lot.trace.request.xlsx"]._our_partner(self.records, location_id)

    def location(self, location_id):
        return f"{self.base}/lot_recall/id/location/{location_id}"

    def transaction(self, reference):
        return f"{self.base}/lot_recall/id/transaction/{quote(reference or '', safe='')}"
