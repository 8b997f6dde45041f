# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import SQL

LOT_REF_MAX_LENGTH = 64
LOT_REF_FIELDS = ("supplier_lot_ref", "dye_lot")
# Written only by the recall's and the quarantine's own code, never directly.
RECALL_GUARDED_FIELDS = frozenset(
    {"recall_ids", "is_recalled", "quarantined", "quarantine_reason", "expiry_alert_stage"}
)


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
        help="Quarantined lots are never reserved and never leave our warehouse (to a customer, "
        "another company or production). They stay quarantined after their recall closes, "
        "until a Recall Manager releases them.",
    )
    quarantine_reason = fields.Char(readonly=True, copy=False, tracking=True)
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
            lot.is_recalled = bool(lot._lot_recall_active_recalls())

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            guarded = RECALL_GUARDED_FIELDS & set(vals)
            if guarded and not self.env.su:
                raise AccessError(
                    self.env._(
                        "%(fields)s of a lot are set only by recalls and by the Quarantine / "
                        "Release actions, never directly.",
                        fields=", ".join(sorted(guarded)),
                    )
                )
            clean_lot_refs(self, vals)
            if "manufacturer_id" not in vals and vals.get("product_id"):
                product = self.env["product.product"].browse(vals["product_id"])
                vals["manufacturer_id"] = product.sudo().lot_manufacturer_id.id
        return super().create(vals_list)

    def write(self, vals):
        guarded = RECALL_GUARDED_FIELDS & set(vals)
        if guarded and not self.env.su:
            raise AccessError(
                self.env._(
                    "%(fields)s of lot %(lots)s are set only by recalls and by the Quarantine / "
                    "Release actions, never directly.",
                    fields=", ".join(
                        sorted(self._fields[f].get_description(self.env)["string"] for f in guarded)
                    ),
                    lots=", ".join(self.mapped("display_name")),
                )
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
        self.env["lot.recall.wizard"].check_access("create")
        if not self:
            raise UserError(self.env._("Select at least one lot to recall."))
        if len(self.company_id) > 1:
            raise UserError(self.env._("Recall lots of one company at a time."))
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "lot_recall.action_lot_recall_wizard"
        )
        action["context"] = {"default_lot_ids": self.ids}
        return action

    def _lot_recall_active_recalls(self):
        """The active real recalls of these lots ("is this lot under recall"), read as superuser:
        the answer must not depend on who asks."""
        return self.sudo().recall_ids.filtered(lambda recall: recall._is_active_real())

    @api.model
    def name_search(self, name="", args=None, operator="ilike", limit=100):
        """The lot picker of a transfer that leaves the warehouse (to a customer or another
        company) does not offer lots that could not go: recalled or quarantined."""
        picking = self.env["stock.picking"].browse(self.env.context.get("active_picking_id"))
        if picking.exists() and picking.location_dest_id.usage in ("customer", "transit"):
            args = expression.AND(
                [args or [], [("is_recalled", "=", False), ("quarantined", "=", False)]]
            )
        return super().name_search(name=name, args=args, operator=operator, limit=limit)

    def _lot_recall_check_trace_access(self, company, group="lot_recall.group_recall_user"):
        """Before a public reader runs the (raw SQL) trace engine on these lots for ``company``:
        the caller is in ``group``, ``company`` is one of the user's allowed companies and the
        user may read these lots. Raises AccessError otherwise."""
        if self.env.su:
            return
        if not self.env.user.has_group(group):
            raise AccessError(
                self.env._(
                    "You are not allowed to trace lots %(lots)s.",
                    lots=", ".join(self.sudo().mapped("name")),
                )
            )
        if company not in self.env.user.company_ids:
            raise AccessError(
                self.env._(
                    "You may not trace lots of company %(company)s.", company=company.sudo().name
                )
            )
        self.check_access("read")

    def _lot_recall_blocked(self):
        """These lots that must not leave our warehouse nor be reserved: under an active real
        recall, or quarantined (the one policy of the shipping guard and of reservation)."""
        return self.filtered(lambda lot: lot.is_recalled or lot.quarantined)

    def _lot_recall_touch(self):
        """Write these lots' rows, so that a recall and a delivery of the same lots running at
        the same time conflict: under REPEATABLE READ the later one fails with a serialization
        error, which Odoo retries, and then sees the other's result."""
        if self:
            self.env.cr.execute(
                SQL("UPDATE stock_lot SET write_date = write_date WHERE id = ANY(%s)", self.ids),
                log_exceptions=False,
            )

    def _lot_recall_log(self, body):
        """Log ``body`` on every active real recall of these lots."""
        for recall in self._lot_recall_active_recalls():
            recall.message_post(body=body, subtype_xmlid="mail.mt_note")

    def _quarantine(self, reason):
        """Block these lots from reservation and release what is already reserved.

        :param reason: the note posted on each lot
        """
        self.sudo().write({"quarantined": True, "quarantine_reason": reason})
        reserved = (
            self.env["stock.move.line"]
            .sudo()
            .search(
                [
                    ("lot_id", "in", self.ids),
                    ("state", "not in", ("done", "cancel")),
                    ("picked", "=", False),
                    ("location_id.usage", "in", ("internal", "transit")),
                ]
            )
        )
        moves = reserved.move_id
        reserved.unlink()
        moves._action_assign()
        for lot in self:
            lot.message_post(body=reason, subtype_xmlid="mail.mt_note")

    def action_quarantine(self):
        """Put these lots on a quality hold, with a reason (Recall Managers)."""
        self.env["lot.recall"]._check_recall_manager()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Quarantine Lots"),
            "res_model": "lot.quarantine.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_lot_ids": self.ids},
        }

    def action_release_quarantine(self):
        """Release these lots from quarantine (Recall Managers). A lot under an active real
        recall stays blocked by its recall."""
        self.env["lot.recall"]._check_recall_manager()
        lots = self.filtered("quarantined")
        lots.sudo().write({"quarantined": False, "quarantine_reason": False})
        for lot in lots:
            lot.message_post(
                body=self.env._("Released from quarantine by %(user)s.", user=self.env.user.name),
                subtype_xmlid="mail.mt_note",
            )
        return True
