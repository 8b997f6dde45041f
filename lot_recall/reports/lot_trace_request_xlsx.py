# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

# The address fields of an FSMA 204 "location description", after the business name.
ADDRESS_KEYS = ("phone", "street", "city", "state", "zip", "country")


class LotTraceRequestXlsx(models.AbstractModel):
    """The answer to a traceability request as the FDA's FSMA 204 sortable spreadsheet.

    The layout follows the FDA's illustrative template (fda.gov/media/179617): one tab per
    Critical Tracking Event (Receiving, Transformation, Shipping), each with the template's
    column groups in order, and a Gaps tab listing every key data element (KDE) the rule
    requires that Odoo has no data for. Written by ``lot.recall.xlsx._workbook``: dates are
    dates, quantities numbers, text never a formula.
    """

    _name = "lot.trace.request.xlsx"
    _description = "Traceability Request Spreadsheet (FSMA 204)"

    @api.model
    def _request_xlsx(self, request, events, records):
        """The spreadsheet of ``events`` (``lot.trace.request._trace_events``) of ``request``:
        ``(its bytes, the number of rows of its Gaps tab)``.

        :param records: ``lot.trace.request._event_records(events)``
        """
        gaps = self._gaps(request, events, records)
        sheets = [self._receiving_sheet(records, events["receiving"])]
        if "transformation" in events:
            sheets.append(self._transformation_sheet(records, events["transformation"]))
        sheets.append(self._shipping_sheet(records, events["shipping"]))
        sheets.append(self._gaps_sheet(gaps))
        return self.env["lot.recall.xlsx"]._workbook(sheets), len(gaps)

    @api.model
    def _our_partner(self, records, location_id):
        """The address of our location ``location_id``: its warehouse's, else the company's."""
        location = records["locations"].get(location_id)
        warehouse = location and location.warehouse_id
        return (warehouse and warehouse.partner_id) or records["request"].company_id.partner_id

    @api.model
    def _tlc_source(self, lot, our_partner):
        """Where the traceability lot code was assigned: the lot's manufacturer, else its
        supplier, else us (a lot we made or numbered)."""
        if not lot:
            return self.env["res.partner"]
        return lot.manufacturer_id or lot.supplier_id or our_partner

    # Columns and values ----------------------------------------------------------------

    def _product_columns(self, side=None):
        """The product description columns, of the ``side`` ("Input", "Output") if given."""
        columns = [
            (self.env._("Product Name"), "text", 30),
            (self.env._("Brand"), "text", 14),
            (self.env._("Commodity"), "text", 14),
            (self.env._("Variety"), "text", 14),
            (self.env._("Packaging Size"), "text", 12),
            (self.env._("Packaging Style"), "text", 14),
        ]
        if not side:
            return columns
        return [
            (self.env._("%(side)s %(column)s", side=side, column=title), kind, width)
            for title, kind, width in columns
        ]

    @api.model
    def _product_values(self, product):
        """Name, brand, commodity, variety, packaging size and style of ``product``: its first
        packaging (quantity and unit, name), else its unit of measure as the size."""
        template = product.product_tmpl_id
        packaging = product.packaging_ids[:1]
        if packaging:
            size = f"{packaging.qty:g} {packaging.product_uom_id.name}"
            style = packaging.name
        else:
            size, style = product.uom_id.name, None
        return (
            product.display_name,
            template.fsma_brand,
            template.fsma_commodity,
            template.fsma_variety,
            size,
            style,
        )

    def _place_columns(self, group):
        return [
            (self.env._("%(group)s - Business Name", group=group), "text", 26),
            (self.env._("%(group)s - Phone", group=group), "text", 15),
            (self.env._("%(group)s - Street Address", group=group), "text", 28),
            (self.env._("%(group)s - City", group=group), "text", 15),
            (self.env._("%(group)s - State or Region", group=group), "text", 12),
            (self.env._("%(group)s - ZIP or Postal Code", group=group), "text", 10),
            (self.env._("%(group)s - Country", group=group), "text", 14),
        ]

    @api.model
    def _place(self, partner):
        """``{name, phone, street, city, state, zip, country}`` of ``partner`` (``False``
        where Odoo has no data); the phone of its company when it has none of its own."""
        if not partner:
            return dict.fromkeys(("name", *ADDRESS_KEYS), False)
        commercial = partner.commercial_partner_id
        return {
            "name": partner.display_name if partner == commercial else commercial.name,
            "phone": partner.phone or partner.mobile or commercial.phone or commercial.mobile,
            "street": ", ".join(filter(None, (partner.street, partner.street2))) or False,
            "city": partner.city,
            "state": partner.state_id.name,
            "zip": partner.zip,
            "country": partner.country_id.name,
        }

    @api.model
    def _place_values(self, partner):
        place = self._place(partner)
        return tuple(place[key] or None for key in ("name", *ADDRESS_KEYS))

    def _reference_columns(self):
        return [
            (self.env._("Reference Document Type"), "text", 16),
            (self.env._("Reference Document Number"), "text", 18),
        ]

    # The tabs ----------------------------------------------------------------------------

    def _ship_or_receive_sheet(self, records, rows, title, other, ours, date_title, doc_type):
        columns = [
            (self.env._("Traceability Lot Code"), "text", 18),
            (self.env._("Quantity"), "number", 11),
            (self.env._("Unit of Measure"), "text", 10),
            *self._product_columns(),
            *self._place_columns(other),
            *self._place_columns(ours),
            (date_title, "date", 12),
            *self._place_columns(self.env._("Traceability Lot Code Source")),
            *self._reference_columns(),
        ]
        values = []
        xlsx = self.env["lot.recall.xlsx"]
        for row in rows:
            lot = records["lots"].get(row["lot_id"])
            product = records["products"][row["product_id"]]
            our_partner = self._our_partner(records, row["location_id"])
            values.append(
                (
                    lot and lot.name,
                    row["quantity"],
                    product.uom_id.name,
                    *self._product_values(product),
                    *self._place_values(records["partners"].get(row["partner_id"])),
                    *self._place_values(our_partner),
                    xlsx._local(row["date"]).date(),
                    *self._place_values(self._tlc_source(lot, our_partner)),
                    doc_type,
                    row["reference"],
                )
            )
        return title, columns, values

    def _receiving_sheet(self, records, rows):
        return self._ship_or_receive_sheet(
            records,
            rows,
            self.env._("Receiving"),
            self.env._("Immediate Previous Source"),
            self.env._("Receiving Location"),
            self.env._("Date Received"),
            self.env._("Receipt"),
        )

    def _shipping_sheet(self, records, rows):
        return self._ship_or_receive_sheet(
            records,
            rows,
            self.env._("Shipping"),
            self.env._("Immediate Subsequent Recipient"),
            self.env._("Ship-From Location"),
            self.env._("Date Shipped"),
            self.env._("Delivery Order"),
        )

    def _transformation_sheet(self, records, rows):
        columns = [
            (self.env._("Input Traceability Lot Code"), "text", 18),
            *self._product_columns(self.env._("Input")),
            (self.env._("Input Quantity"), "number", 11),
            (self.env._("Input Unit of Measure"), "text", 10),
            (self.env._("New Traceability Lot Code"), "text", 18),
            *self._place_columns(self.env._("Transformation Location")),
            (self.env._("Date Transformation Completed"), "date", 12),
            *self._product_columns(self.env._("Output")),
            (self.env._("Output Quantity"), "number", 11),
            (self.env._("Output Unit of Measure"), "text", 10),
            *self._reference_columns(),
        ]
        values = []
        xlsx = self.env["lot.recall.xlsx"]
        for row in rows:
            input_lot = records["lots"].get(row["input_lot_id"])
            output_lot = records["lots"].get(row["output_lot_id"])
            input_product = records["products"][row["input_product_id"]]
            output_product = records["products"][row["output_product_id"]]
            values.append(
                (
                    input_lot and input_lot.name,
                    *self._product_values(input_product),
                    row["input_quantity"],
                    input_product.uom_id.name,
                    output_lot and output_lot.name,
                    *self._place_values(self._our_partner(records, row["location_id"])),
                    xlsx._local(row["date"]).date(),
                    *self._product_values(output_product),
                    row["output_quantity"],
                    output_product.uom_id.name,
                    self.env._("Manufacturing Order"),
                    row["reference"],
                )
            )
        return self.env._("Transformation"), columns, values

    def _gaps_sheet(self, gaps):
        columns = [
            (self.env._("Tab"), "text", 14),
            (self.env._("Record"), "text", 18),
            (self.env._("Key Data Element"), "text", 34),
            (self.env._("What Is Missing"), "text", 60),
        ]
        return self.env._("Gaps"), columns, gaps

    # The gaps ----------------------------------------------------------------------------

    @api.model
    def _gaps(self, request, events, records):
        """``(tab, record, key data element, what is missing)`` for every KDE the rule
        requires that is blank, once per record and KDE, e.g. ``("Receiving", "WH/IN/00012",
        "Immediate Previous Source - Phone", "receipt WH/IN/00012: supplier Mill Supplies
        Ltd has no phone")``. Brand, commodity, variety and packaging are required only where
        they apply: never reported."""
        gaps = {}
        texts = {"labels": self._place_labels(), "titles": {}}
        kinds = (
            ("receiving", self.env._("Receiving"), self.env._("receipt")),
            ("shipping", self.env._("Shipping"), self.env._("delivery")),
        )
        for kind, tab, record_kind in kinds:
            if kind == "receiving":
                other_group, other_role = (
                    self.env._("Immediate Previous Source"),
                    self.env._("supplier"),
                )
                our_group = self.env._("Receiving Location")
            else:
                other_group, other_role = (
                    self.env._("Immediate Subsequent Recipient"),
                    self.env._("recipient"),
                )
                our_group = self.env._("Ship-From Location")
            for row in events[kind]:
                record = f"{record_kind} {row['reference']}"
                lot = records["lots"].get(row["lot_id"])
                our_partner = self._our_partner(records, row["location_id"])
                if not lot:
                    self._add_gap(
                        gaps,
                        tab,
                        row["reference"],
                        self.env._("Traceability Lot Code"),
                        self.env._(
                            "%(record)s: %(product)s has no lot",
                            record=record,
                            product=records["products"][row["product_id"]].display_name,
                        ),
                    )
                places = (
                    (other_group, other_role, records["partners"].get(row["partner_id"])),
                    (our_group, self.env._("our location"), our_partner),
                    (
                        self.env._("Traceability Lot Code Source"),
                        self.env._("lot source"),
                        self._tlc_source(lot, our_partner) if lot else None,
                    ),
                )
                for group, role, partner in places:
                    if partner is None:
                        continue
                    self._place_gaps(
                        gaps, texts, tab, row["reference"], record, group, role, partner
                    )
        for row in events.get("transformation", []):
            tab = self.env._("Transformation")
            record = self.env._("manufacturing order %(ref)s", ref=row["reference"])
            for key, kde in (
                ("input_lot_id", self.env._("Input Traceability Lot Code")),
                ("output_lot_id", self.env._("New Traceability Lot Code")),
            ):
                if not row[key]:
                    product_key = key.replace("lot_id", "product_id")
                    self._add_gap(
                        gaps,
                        tab,
                        row["reference"],
                        kde,
                        self.env._(
                            "%(record)s: %(product)s has no lot",
                            record=record,
                            product=records["products"][row[product_key]].display_name,
                        ),
                    )
            self._place_gaps(
                gaps,
                texts,
                tab,
                row["reference"],
                record,
                self.env._("Transformation Location"),
                self.env._("our location"),
                self._our_partner(records, row["location_id"]),
            )
        return list(gaps.values())

    @api.model
    def _place_gaps(self, gaps, texts, tab, reference, record, group, role, partner):
        """The blank KDEs of the location description of ``partner`` (``role`` of
        ``record``): business name, phone and address; the state or region only in countries
        that have them. ``texts``: the labels and column titles, translated once per export
        (not once per row)."""
        labels = texts["labels"]
        if group not in texts["titles"]:
            texts["titles"][group] = dict(
                zip(
                    ("name", *ADDRESS_KEYS),
                    (title for title, _kind, _width in self._place_columns(group)),
                    strict=True,
                )
            )
        titles = texts["titles"][group]
        if not partner:
            self._add_gap(
                gaps,
                tab,
                reference,
                titles["name"],
                self.env._("%(record)s: no %(role)s", record=record, role=role),
            )
            return
        place = self._place(partner)
        for key, value in place.items():
            if value or (key == "state" and not partner.country_id.state_ids):
                continue
            self._add_gap(
                gaps,
                tab,
                reference,
                titles[key],
                self.env._(
                    "%(record)s: %(role)s %(partner)s has no %(what)s",
                    record=record,
                    role=role,
                    partner=partner.display_name,
                    what=labels[key],
                ),
            )

    def _place_labels(self):
        return dict(
            zip(
                ("name", *ADDRESS_KEYS),
                (
                    self.env._("business name"),
                    self.env._("phone"),
                    self.env._("street address"),
                    self.env._("city"),
                    self.env._("state or region"),
                    self.env._("ZIP or postal code"),
                    self.env._("country"),
                ),
                strict=True,
            )
        )

    @api.model
    def _add_gap(self, gaps, tab, reference, kde, message):
        gaps.setdefault((tab, reference, kde), (tab, reference, kde, message))
