# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

LOT_REF_MAX_LENGTH = 64
LOT_REF_FIELDS = ("supplier_lot_ref", "dye_lot")


def clean_lot_refs(records, vals):
    """Normalise the supplier lot reference and dye lot in ``vals`` (in place).

    Surrounding whitespace is stripped, empty strings become ``False`` and values longer than
    ``LOT_REF_MAX_LENGTH`` characters raise a ``UserError``.
    """
    for fname in LOT_REF_FIELDS:
        if fname not in vals:
            continue
        value = vals[fname]
        if not value:
            vals[fname] = False
            continue
        value = str(value).strip()
        if len(value) > LOT_REF_MAX_LENGTH:
            raise UserError(
                records.env._(
                    "The %(field)s “%(value)s” is %(length)s characters long; "
                    "at most %(max)s characters are allowed.",
                    field=records._fields[fname].get_description(records.env)["string"],
                    value=value,
                    length=len(value),
                    max=LOT_REF_MAX_LENGTH,
                )
            )
        vals[fname] = value or False
    return vals


class StockLot(models.Model):
    _inherit = "stock.lot"
    _rec_names_search = ["name", "ref", "supplier_lot_ref"]

    supplier_lot_ref = fields.Char(
        string="Supplier Lot",
        index="trigram",
        tracking=True,
        help="The lot number printed by the supplier on the goods received.",
    )
    supplier_id = fields.Many2one(
        "res.partner",
        index="btree_not_null",
        tracking=True,
        help="Vendor this lot was received from: set by its first done receipt.",
    )
    manufacturer_id = fields.Many2one(
        "res.partner",
        index="btree_not_null",
        help="Company that manufactured the goods of this lot; new lots take the manufacturer of "
        "their product.",
    )
    production_date = fields.Date(help="Date on which the goods were manufactured or packed.")
    receipt_date = fields.Datetime(
        readonly=True,
        copy=False,
        help="Date of the first done receipt of this lot from a supplier.",
    )
    dye_lot = fields.Char(
        index=True,
        tracking=True,
        help="Dye lot (colour batch) of the goods: goods of different dye lots may differ "
        "slightly in colour.",
    )

    recall_ids = fields.Many2many(
        "lot.recall",
        "lot_recall_affected_lot_rel",
        "lot_id",
        "recall_id",
        string="Recalls",
        readonly=True,
        copy=False,
    )
    is_recalled = fields.Boolean(
        string="Recalled",
        compute="_compute_is_recalled",
        store=True,
        index=True,
        help="The lot is affected by an active (traced or notified) recall that is not a drill.",
    )
    quarantined = fields.Boolean(
        readonly=True,
        copy=False,
        tracking=True,
        help="Quarantined lots cannot be reserved. Only a Recall Manager can release them.",
    )
    expiry_alert_stage = fields.Selection(
        [("expiring", "Expiring"), ("expired", "Expired")],
        string="Expiry Alert Sent",
        readonly=True,
        copy=False,
        help="Last stage of this lot announced by the daily expiry digest; cleared when the "
        "expiration date changes, so the lot is announced again.",
    )

    @api.depends("recall_ids.state", "recall_ids.is_mock")
    def _compute_is_recalled(self):
        for lot in self:
            lot.is_recalled = any(
                recall.state in ("traced", "notified") and not recall.is_mock
                for recall in lot.recall_ids
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            clean_lot_refs(self, vals)
            if "manufacturer_id" not in vals and vals.get("product_id"):
                product = self.env["product.product"].browse(vals["product_id"])
                vals["manufacturer_id"] = product.sudo().lot_manufacturer_id.id
        return super().create(vals_list)

    def write(self, vals):
        if (
            "quarantined" in vals
            and not self.env.su
            and not self.env.user.has_group("lot_recall.group_recall_manager")
        ):
            raise AccessError(
                self.env._("Only a Recall Manager can quarantine or release lots directly.")
            )
        clean_lot_refs(self, vals)
        if "expiration_date" in vals and "expiry_alert_stage" not in vals:
            vals["expiry_alert_stage"] = False
        return super().write(vals)

    def _lot_recall_merge_receipt_values(self, values, source):
        """Fill this lot's empty fields with ``values`` received on ``source`` (a move line).

        A non-empty supplier lot reference or dye lot that differs from the one already on the
        lot is a mistake on the receipt: it raises instead of overwriting the lot.
        """
        self.ensure_one()
        to_write = {}
        for fname, value in values.items():
            if not value:
                continue
            current = self[fname]
            if not current:
                to_write[fname] = value
            elif fname in LOT_REF_FIELDS and current != value:
                raise UserError(
                    self.env._(
                        "Lot %(lot)s of %(product)s already has the %(field)s “%(current)s”, "
                        "but %(document)s records “%(new)s”. Correct the receipt line or the lot.",
                        lot=self.name,
                        product=self.product_id.display_name,
                        field=self._fields[fname].get_description(self.env)["string"],
                        current=current,
                        new=value,
                        document=source.picking_id.name or source.reference or source.display_name,
                    )
                )
        if to_write:
            self.write(to_write)

    def action_open_recall_wizard(self):
        """Open the recall wizard on these lots (lot form button, list action)."""
        if not self:
            raise UserError(self.env._("Select at least one lot to recall."))
        if len(self.company_id) > 1:
            raise UserError(self.env._("Recall lots of one company at a time."))
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "lot_recall.action_lot_recall_wizard"
        )
        action["context"] = {"default_lot_ids": self.ids}
        return action

    def _quarantine(self, reason):
        """Block these lots from reservation and release what is already reserved.

        :param reason: the note posted on each lot
        """
        self.sudo().quarantined = True
        reserved = self.env["stock.move.line"].search(
            [
                ("lot_id", "in", self.ids),
                ("state", "not in", ("done", "cancel")),
                ("picked", "=", False),
                ("location_id.usage", "in", ("internal", "transit")),
            ]
        )
        moves = reserved.move_id
        reserved.unlink()
        moves._action_assign()
        for lot in self:
            lot.message_post(body=reason, subtype_xmlid="mail.mt_note")

    def action_release_quarantine(self):
        if not self.env.user.has_group("lot_recall.group_recall_manager"):
            raise AccessError(self.env._("Only a Recall Manager can release a quarantined lot."))
        lots = self.filtered("quarantined")
        lots.write({"quarantined": False})
        for lot in lots:
            lot.message_post(
                body=self.env._("Released from quarantine by %(user)s.", user=self.env.user.name),
                subtype_xmlid="mail.mt_note",
            )
        return True
