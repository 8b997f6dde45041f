# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
from datetime import datetime

import xlsxwriter

from odoo import api, fields, models

from ..tools import selection_label

NUMBER_KINDS = ("number", "integer")
DATE_KINDS = ("date", "datetime")


class LotRecallXlsx(models.AbstractModel):
    """Sortable spreadsheets (XLSX) of a recall and of the expiry digest.

    Every sheet has a frozen header row and an autofilter; dates are real dates and quantities
    real numbers, so the file sorts and filters as is (FDA FSMA 204 asks for an "electronic
    sortable spreadsheet"). Text is always written as text, never as a formula.
    """

    _name = "lot.recall.xlsx"
    _description = "Recall Spreadsheet Export"

    @api.model
    def _workbook(self, sheets):
        """Return the bytes of an XLSX file.

        :param sheets: list of ``(name, columns, rows)``; ``columns`` is a list of
            ``(title, kind, width)`` with kind one of ``text``, ``number``, ``integer``, ``date``,
            ``datetime``; ``rows`` is a list of tuples of values in column order (``False`` or
            ``None`` for an empty cell)
        """
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        header = workbook.add_format(
            {"bold": True, "bg_color": "#D9E1F2", "bottom": 1, "text_wrap": True, "valign": "top"}
        )
        formats = {
            "text": workbook.add_format({}),
            "number": workbook.add_format({"num_format": "#,##0.00##"}),
            "integer": workbook.add_format({"num_format": "0"}),
            "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
            "datetime": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
        }
        for name, columns, rows in sheets:
            sheet = workbook.add_worksheet(name)
            for col, (title, kind, width) in enumerate(columns):
                sheet.set_column(col, col, width, formats[kind])
                sheet.write_string(0, col, title, header)
            for row_index, row in enumerate(rows, start=1):
                for col, value in enumerate(row):
                    kind = columns[col][1]
                    if value is None or value is False or value == "":
                        sheet.write_blank(row_index, col, None, formats[kind])
                    elif kind in DATE_KINDS:
                        sheet.write_datetime(row_index, col, value, formats[kind])
                    elif kind in NUMBER_KINDS:
                        sheet.write_number(row_index, col, value, formats[kind])
                    else:
                        sheet.write_string(row_index, col, str(value), formats[kind])
            sheet.freeze_panes(1, 0)
            sheet.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)
        workbook.close()
        return buffer.getvalue()

    @api.model
    def _local(self, value):
        """A UTC datetime of the database as a naive datetime in the user's time zone."""
        if not value:
            return False
        return fields.Datetime.context_timestamp(self, value).replace(tzinfo=None)

    @api.model
    def _one_line_address(self, partner):
        """Name, address and phone on one line (FSMA 204's "location description")."""
        parts = [" ".join(line.split()) for line in (partner.contact_address or "").splitlines()]
        if partner.phone:
            parts.append(partner.phone)
        return ", ".join(part for part in parts if part)

    # The recall export ---------------------------------------------------------------------

    @api.model
    def _recall_xlsx(self, recall):
        """The spreadsheet of every affected shipment of ``recall`` and its context: sheets
        Shipments, Lots, Stock on hand, Suppliers and Notices. Shipments, lots and supplier
        receipts are the rows of the recall's last trace (one source of truth: the sheets
        agree with each other and with the recall until it is traced again)."""
        recall.ensure_one()
        recall.check_access("read")
        return self._workbook(self._recall_sheets(recall))

    def _recall_sheets(self, recall):
        """The sheets of the recall export, in order, as ``(name, columns, rows)`` (see
        :meth:`_workbook`): the hook for other addons' sheets."""
        return [
            self._shipments_sheet(recall),
            self._lots_sheet(recall),
            self._stock_sheet(recall),
            self._suppliers_sheet(recall),
            self._notices_sheet(recall),
            self._consignees_sheet(recall),
            *self._supplier_notice_sheets(recall),
        ]

    def _shipments_sheet(self, recall):
        columns = [
            (self.env._("Traceability Lot Code"), "text", 18),
            (self.env._("Product"), "text", 30),
            (self.env._("Product Barcode (GTIN)"), "text", 16),
            (self.env._("Quantity"), "number", 11),
            (self.env._("Unit"), "text", 8),
            (self.env._("Ship Date"), "datetime", 17),
            (self.env._("Customer"), "text", 28),
            (self.env._("Ship-To Address"), "text", 45),
            (self.env._("Delivery Reference"), "text", 16),
            (self.env._("Ship-From Location"), "text", 20),
            (self.env._("Ship-From Address"), "text", 45),
            (self.env._("Supplier"), "text", 24),
            (self.env._("Supplier Lot"), "text", 16),
            (self.env._("Expiration Date"), "date", 13),
            (self.env._("Production Date"), "date", 13),
            (self.env._("Dye Lot"), "text", 10),
            (self.env._("Returned Quantity"), "number", 11),
        ]
        rows = []
        for line in recall.line_ids.sorted(lambda line: (line.date or datetime.min, line.id)):
            lot = line.lot_id
            ship_from = line.location_id.warehouse_id.partner_id or recall.company_id.partner_id
            rows.append(
                (
                    lot.name,
                    line.product_id.display_name,
                    line.product_id.barcode,
                    line.quantity,
                    line.product_uom_id.name,
                    self._local(line.date),
                    line.partner_id.display_name,
                    self._one_line_address(line.picking_id.partner_id or line.partner_id),
                    line.picking_id.name or line.move_line_id.reference,
                    line.location_id.complete_name,
                    self._one_line_address(ship_from),
                    lot.supplier_id.display_name,
                    lot.supplier_lot_ref,
                    lot.expiration_date and self._local(lot.expiration_date).date(),
                    lot.production_date,
                    lot.dye_lot,
                    line.returned_quantity,
                )
            )
        return self.env._("Shipments"), columns, rows

    def _lots_sheet(self, recall):
        columns = [
            (self.env._("Lot"), "text", 18),
            (self.env._("Product"), "text", 30),
            (self.env._("Depth"), "integer", 7),
            (self.env._("Made From Lot"), "text", 18),
            (self.env._("Via"), "text", 18),
            (self.env._("Supplier"), "text", 24),
            (self.env._("Supplier Lot"), "text", 16),
            (self.env._("Expiration Date"), "date", 13),
            (self.env._("Quarantined"), "text", 11),
            (self.env._("Supplier's Recall"), "text", 16),
        ]
        named = self._supplier_notice_refs(recall)
        rows = []
        for row in recall.trace_lot_ids.sorted(lambda row: (row.depth, row.lot_id.name, row.id)):
            lot = row.lot_id
            rows.append(
                (
                    lot.name,
                    lot.product_id.display_name,
                    row.depth,
                    row.parent_lot_id.name,
                    row.via_reference,
                    lot.supplier_id.display_name,
                    lot.supplier_lot_ref,
                    lot.expiration_date and self._local(lot.expiration_date).date(),
                    self.env._("Yes") if lot.quarantined else self.env._("No"),
                    named.get(lot.id),
                )
            )
        return self.env._("Lots"), columns, rows

    def _stock_sheet(self, recall):
        columns = [
            (self.env._("Lot"), "text", 18),
            (self.env._("Product"), "text", 30),
            (self.env._("Location"), "text", 24),
            (self.env._("Quantity"), "number", 11),
            (self.env._("Unit"), "text", 8),
            (self.env._("Quarantined"), "text", 11),
        ]
        quants = self.env["stock.quant"].search(recall._stock_held_domain())
        rows = [
            (
                quant.lot_id.name,
                quant.product_id.display_name,
                quant.location_id.complete_name,
                quant.quantity,
                quant.product_uom_id.name,
                self.env._("Yes") if quant.lot_id.quarantined else self.env._("No"),
            )
            for quant in quants.sorted(lambda q: (q.lot_id.name, q.location_id.complete_name))
        ]
        return self.env._("Stock on hand"), columns, rows

    def _suppliers_sheet(self, recall):
        columns = [
            (self.env._("Supplier"), "text", 28),
            (self.env._("Lot"), "text", 18),
            (self.env._("Product"), "text", 30),
            (self.env._("Supplier Lot"), "text", 16),
            (self.env._("Receipt"), "text", 16),
            (self.env._("Receipt Date"), "datetime", 17),
            (self.env._("Quantity"), "number", 11),
            (self.env._("Unit"), "text", 8),
            # One step back: the affected lot each supplier lot went into, and whether it
            # carries the recalled goods or is another input of a lot made from them.
            (self.env._("Input Of Affected Lot"), "text", 18),
            (self.env._("Recalled Lineage"), "text", 11),
        ]
        rows = [
            (
                row.partner_id.display_name,
                row.lot_id.name,
                row.product_id.display_name,
                row.supplier_lot_ref,
                row.picking_id.name or row.move_line_id.reference,
                self._local(row.date),
                row.quantity,
                row.product_uom_id.name,
                row.affected_lot_id.name,
                self.env._("Yes") if row.recalled_lineage else self.env._("No"),
            )
            for row in recall.upstream_ids.sorted(
                lambda row: (row.date or datetime.min, row.move_line_id.id)
            )
        ]
        return self.env._("Suppliers"), columns, rows

    def _notices_sheet(self, recall):
        columns = [
            (self.env._("Customer"), "text", 28),
            (self.env._("Email"), "text", 28),
            (self.env._("Status"), "text", 13),
            (self.env._("Sent On"), "datetime", 17),
            (self.env._("Reminders"), "integer", 10),
            (self.env._("Acknowledged On"), "datetime", 17),
            (self.env._("Action Taken"), "text", 22),
            (self.env._("Reported Quantity On Hand"), "number", 13),
            (self.env._("Customer Note"), "text", 40),
            (self.env._("Failure Reason"), "text", 30),
        ]
        notices = recall.notice_ids.sorted(lambda n: n.partner_id.display_name or "")
        rows = [
            (
                notice.partner_id.display_name,
                notice.email,
                selection_label(notice, "state"),
                self._local(notice.sent_date),
                notice.reminder_count,
                self._local(notice.ack_date),
                selection_label(notice, "ack_action") or None,
                notice.ack_quantity_on_hand if notice.state == "acknowledged" else None,
                notice.ack_note,
                notice.failure_reason,
            )
            for notice in notices
        ]
        return self.env._("Notices"), columns, rows

    def _consignees_sheet(self, recall):
        """Sheet *Second-Tier Consignees*: whom the customers said they delivered the products
        to, as they listed them, and whether our notice reached them."""
        columns = [
            (self.env._("Listed By (Customer)"), "text", 28),
            (self.env._("Consignee"), "text", 28),
            (self.env._("Email"), "text", 28),
            (self.env._("Country"), "text", 16),
            (self.env._("Quantity"), "number", 11),
            (self.env._("Delivered On"), "date", 13),
            (self.env._("Listed On"), "datetime", 17),
            (self.env._("Source"), "text", 18),
            (self.env._("Status"), "text", 13),
            (self.env._("Notice Sent On"), "datetime", 17),
            (self.env._("Acknowledged On"), "datetime", 17),
            (self.env._("Action Taken"), "text", 22),
            (self.env._("Reported Quantity On Hand"), "number", 13),
        ]
        rows = []
        for consignee in recall.consignee_ids.sorted(
            lambda c: (c.notice_id.partner_id.display_name or "", c.id)
        ):
            notice = consignee.consignee_notice_id
            acknowledged = notice.state == "acknowledged"
            rows.append(
                (
                    consignee.reported_by_id.display_name,
                    consignee.name,
                    consignee.email,
                    consignee.country_id.name,
                    consignee.quantity,
                    consignee.date,
                    self._local(consignee.create_date),
                    consignee.source_file or selection_label(consignee, "source"),
                    selection_label(consignee, "state"),
                    self._local(notice.sent_date),
                    self._local(notice.ack_date),
                    selection_label(notice, "ack_action") if acknowledged else None,
                    notice.ack_quantity_on_hand if acknowledged else None,
                )
            )
        return self.env._("Second-Tier Consignees"), columns, rows

    # The supplier's notice of a recall started from one -------------------------------------

    def _supplier_notice_refs(self, recall):
        """{lot id: "<supplier's recall number>: <its references naming the lot>"} of the lots
        the supplier's notice named (column *Supplier's Recall* of the Lots sheet)."""
        refs = {}
        for ref in recall.supplier_ref_ids.filtered(lambda ref: ref.result == "found"):
            refs.setdefault(ref.lot_id.id, []).append(ref.name)
        number = recall.supplier_recall_ref or recall.supplier_id.display_name
        return {lot_id: f"{number}: {', '.join(names)}" for lot_id, names in refs.items()}

    def _supplier_notice_sheets(self, recall):
        """The sheet *Supplier Notice* of a recall started from a supplier's notice: each
        reference of the notice and what it resolved to (none for other recalls)."""
        if not recall.supplier_id:
            return []
        columns = [
            (self.env._("Supplier"), "text", 28),
            (self.env._("Supplier's Recall"), "text", 16),
            (self.env._("Notice Date"), "date", 13),
            (self.env._("Supplier's Reference"), "text", 18),
            (self.env._("Result"), "text", 22),
            (self.env._("Lot"), "text", 18),
            (self.env._("Product"), "text", 30),
            (self.env._("Supplier Is"), "text", 22),
            (self.env._("Received"), "number", 11),
            (self.env._("Received On"), "datetime", 17),
        ]
        rows = [
            (
                recall.supplier_id.display_name,
                recall.supplier_recall_ref,
                recall.supplier_notice_date,
                ref.name,
                selection_label(ref, "result"),
                ref.lot_id.name,
                ref.product_id.display_name,
                selection_label(ref, "matched_as") or ref.lot_supplier_id.display_name,
                ref.quantity_received if ref.lot_id else None,
                self._local(ref.receipt_date),
            )
            for ref in recall.supplier_ref_ids
        ]
        return [(self.env._("Supplier Notice"), columns, rows)]

    # The expiry digest ---------------------------------------------------------------------

    @api.model
    def _expiry_digest_xlsx(self, quants, stages):
        """One sheet "Expiry" of ``quants`` (``stock.quant``) with the alert stage of their lot
        (``stages``: lot id to "expired" or "expiring")."""
        columns = [
            (self.env._("Stage"), "text", 10),
            (self.env._("Product"), "text", 30),
            (self.env._("Lot"), "text", 18),
            (self.env._("Expiration Date"), "date", 13),
            (self.env._("Location"), "text", 24),
            (self.env._("Quantity"), "number", 11),
            (self.env._("Unit"), "text", 8),
            (self.env._("Supplier Lot"), "text", 16),
        ]
        labels = {"expired": self.env._("Expired"), "expiring": self.env._("Expiring")}
        rows = [
            (
                labels[stages[quant.lot_id.id]],
                quant.product_id.display_name,
                quant.lot_id.name,
                self._local(quant.lot_id.expiration_date).date(),
                quant.location_id.complete_name,
                quant.quantity,
                quant.product_uom_id.name,
                quant.lot_id.supplier_lot_ref,
            )
            for quant in quants
        ]
        return self._workbook([(self.env._("Expiry"), columns, rows)])
