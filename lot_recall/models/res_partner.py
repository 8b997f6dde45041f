# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    recall_contact = fields.Boolean(
        help="Recall notices for this customer are sent to this contact.",
    )
