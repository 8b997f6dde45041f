# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.tools import html2plaintext

from ..tools import selection_label


class ReportRecall(models.AbstractModel):
    """Values of the recall report: per customer and product quantities, and the timeline of
    the recall as its chatter tells it."""

    _name = "report.lot_recall.report_recall"
    _description = "Recall Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        recalls = self.env["lot.recall"].browse(docids)
        return {
            "doc_ids": docids,
            "doc_model": "lot.recall",
            "docs": recalls,
            "customer_rows": {recall.id: self._customer_rows(recall) for recall in recalls},
            "timeline": {recall.id: self._timeline(recall) for recall in recalls},
        }

    @api.model
    def _customer_rows(self, recall):
        """One row per customer and product: lots, delivered, returned, notice state."""
        notices = {notice.partner_id: notice for notice in recall.notice_ids}
        rows = []
        groups = recall.line_ids.grouped(lambda line: (line.partner_id, line.product_id))
        for (partner, product), lines in groups.items():
            notice = notices.get(partner)
            rows.append(
                {
                    "partner": partner,
                    "product": product,
                    "lots": ", ".join(sorted(set(lines.lot_id.mapped("name")))),
                    "deliveries": ", ".join(sorted(set(lines.picking_id.mapped("name")))),
                    "quantity": sum(lines.mapped("quantity")),
                    "returned": sum(lines.mapped("returned_quantity")),
                    "uom": product.uom_id,
                    "notice_state": notice and selection_label(notice, "state"),
                }
            )
        return sorted(rows, key=lambda row: (row["partner"].display_name or "", row["product"].id))

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
                rows.append({"date": message.date, "author": message.author_id, "text": text})
        rows += [self._acknowledgment_row(ack) for ack in recall.notice_ids.ack_ids]
        return sorted(rows, key=lambda row: row["date"])

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
        return {"date": ack.date, "author": ack.partner_id, "text": text}
