# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    recall_contact = fields.Boolean(
        help="Recall notices for this customer are sent to this contact.",
    )
    supplier_recall_count = fields.Integer(
        string="Supplier Recalls",
        compute="_compute_supplier_recall_count",
        help="Recalls started from this supplier's recall notices.",
    )

    def _compute_supplier_recall_count(self):
        Recall = self.env["lot.recall"]
        counts = {}
        if Recall.has_access("read"):
            companies = self._origin.commercial_partner_id
            for supplier, count in Recall._read_group(
                [("supplier_id", "child_of", companies.ids)], ["supplier_id"], ["__count"]
            ):
                key = supplier.commercial_partner_id.id
                counts[key] = counts.get(key, 0) + count
        for partner in self:
            partner.supplier_recall_count = counts.get(partner._origin.commercial_partner_id.id, 0)

    @api.readonly
    def action_view_supplier_recalls(self):
        """The recalls started from this supplier's (or its contacts') recall notices."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("lot_recall.action_lot_recall")
        action["domain"] = [("supplier_id", "child_of", self.commercial_partner_id.id)]
        action["context"] = {"create": False}
        action["name"] = self.env._("Recalls of %s", self.commercial_partner_id.display_name)
        return action
