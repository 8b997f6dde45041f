# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.tools import html2plaintext

from ..tools import selection_label
from .report_genealogy_svg import render_svg
from .report_lot_trace import QUANTITY, qweb_formatter


class ReportRecall(models.AbstractModel):
    """Values of the recall report: the affected lots, per customer and product quantities,
    and the timeline of the recall as its chatter tells it.

    The rows are the recall's stored trace rows (``lot.recall.line``, the affected lots,
    ``lot.recall.notice`` and their acknowledgments), read in one batch per model, never the
    trace run again; they reach the template as text, formatted by Odoo's own QWeb converters,
    so a recall of thousands of customers costs the template no field read and no formatting.
    """

    _name = "report.lot_recall.report_recall"
    _description = "Recall Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        recalls = self.env["lot.recall"].browse(docids)
        companies = recalls.company_id
        return {
            "doc_ids": docids,
            "doc_model": "lot.recall",
            "docs": recalls,
            "lot_rows": {recall.id: self._lot_rows(recall) for recall in recalls},
            "customer_rows": {recall.id: self._customer_rows(recall) for recall in recalls},
            "timeline": {recall.id: self._timeline(recall) for recall in recalls},
            "supplier_rows": {recall.id: self._supplier_rows(recall) for recall in recalls},
            "genealogy_svg": {recall.id: self._genealogy_svg(recall) for recall in recalls},
            # The company of the page layout, when every recall is of the same one.
            "layout_company": companies.sudo() if len(companies) == 1 else False,
        }

    @api.model
    def _lot_rows(self, recall):
        """One row per affected lot, in the lots' order: lot, product, supplier lot, expiry,
        quarantined."""
        expiry = qweb_formatter(self.env, "date", {"widget": "date"})
        yes, no = self.env._("Yes"), self.env._("No")
        return [
            {
                "lot": lot.name,
                "product": lot.product_id.display_name,
                "supplier_lot_ref": lot.supplier_lot_ref or "",
                "expiry": expiry(lot.expiration_date),
                "quarantined": yes if lot.quarantined else no,
            }
            for lot in recall.affected_lot_ids
        ]

    @api.model
    def _genealogy_svg(self, recall):
        """The recall's genealogy graph (the Genealogy tab's) as an inline SVG image, or
        ``False`` before the recall is traced."""
        graph = self.env["lot.genealogy"]._recall_graph(recall)
        if not graph["nodes"]:
            return False
        return render_svg(
            graph,
            labels={
                "quarantined": self.env._("Quarantined lot"),
                "other_input": self.env._("Receipt of another input"),
            },
        )

    @api.model
    def _supplier_rows(self, recall):
        """One row per reference of the supplier's notice and lot it resolved to, in the
        notice's order: reference, result, lot, product, supplier is (vendor, manufacturer;
        for another supplier's lot, that supplier), received quantity and date."""
        quantity = qweb_formatter(self.env, "float", QUANTITY)
        when = qweb_formatter(self.env, "datetime", {"widget": "datetime"})
        rows = []
        for ref in recall.supplier_ref_ids:
            lot = ref.lot_id
            rows.append(
                {
                    "name": ref.name,
                    "result": selection_label(ref, "result"),
                    "lot": lot.name or "",
                    "product": lot.product_id.display_name or "",
                    "matched_as": selection_label(ref, "matched_as")
                    or ref.lot_supplier_id.display_name
                    or "",
                    "quantity": quantity(ref.quantity_received) if lot else "",
                    "date": when(ref.receipt_date) if ref.receipt_date else "",
                }
            )
        return rows

    @api.model
    def _customer_rows(self, recall):
        """One row per customer and product: lots, deliveries, delivered, returned, notice
        state; by customer name."""
        notice_states = {notice.partner_id.id: notice.state for notice in recall.notice_ids}
        state_labels = dict(
            self.env["lot.recall.notice"]._fields["state"]._description_selection(self.env)
        )
        quantity = qweb_formatter(self.env, "float", QUANTITY)
        groups = self.env["lot.recall.line"]._read_group(
            [("recall_id", "=", recall.id)],
            groupby=["partner_id", "product_id"],
            aggregates=[
                "lot_id:recordset",
                "picking_id:recordset",
                "quantity:sum",
                "returned_quantity:sum",
            ],
        )
        rows = []
        for partner, product, lots, pickings, delivered, returned in groups:
            state = notice_states.get(partner.id)
            rows.append(
                {
                    "partner": partner.display_name or "",
                    "product": product.display_name,
                    "product_id": product.id,
                    "lots": ", ".join(sorted(set(lots.mapped("name")))),
                    "deliveries": ", ".join(sorted(set(pickings.mapped("name")))),
                    "quantity": quantity(delivered),
                    "returned": quantity(returned),
                    "uom": product.uom_id.name,
                    "notice_state": state_labels.get(state, state) if state else "",
                }
            )
        return sorted(rows, key=lambda row: (row["partner"], row["product_id"]))

    @api.model
    def _timeline(self, recall):
        """The recall's chatter and every acknowledgment of its notices (the history rows, which
        nobody can delete, not the chatter), oldest first, as (date, author, text) rows."""
        messages = recall.message_ids.filtered(
            lambda m: m.message_type in ("comment", "notification", "auto_comment")
        ).sorted(lambda m: (m.date, m.id))
        rows = []
        for message in messages:
            parts = [html2plaintext(message.body or "").strip()]
            parts += [
                self.env._(
                    "%(field)s: %(old)s → %(new)s",
                    field=value["changedField"],
                    old=value["oldValue"]["value"] or "-",
                    new=value["newValue"]["value"] or "-",
                )
                for value in message.sudo()
                .tracking_value_ids._filter_has_field_access(self.env)
                ._tracking_value_format()
            ]
            if not any(parts) and message.subtype_id:
                parts = [message.subtype_id.name]
            text = "\n".join(part for part in parts if part)
            if text:
                rows.append({"date": message.date, "author": message.author_id.name, "text": text})
        rows += [self._acknowledgment_row(ack) for ack in recall.notice_ids.ack_ids]
        rows.sort(key=lambda row: row["date"])
        when = qweb_formatter(self.env, "datetime", {"widget": "datetime"})
        for row in rows:
            row["date"] = when(row["date"])
        return rows

    @api.model
    def _acknowledgment_row(self, ack):
        text = self.env._(
            "%(customer)s acknowledged (%(channel)s): %(quantity)s still on hand, %(action)s.",
            customer=ack.partner_id.display_name,
            channel=selection_label(ack, "channel"),
            quantity=ack.quantity_on_hand,
            action=selection_label(ack, "action"),
        )
        if ack.recorded_by_id:
            text += " " + self.env._("Recorded by %(user)s.", user=ack.recorded_by_id.name)
        if ack.note:
            text += "\n" + ack.note
        return {"date": ack.date, "author": ack.partner_id.name, "text": text}
