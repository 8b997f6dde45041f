# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.gs1 import gs1_receipt_values
from .stock_lot import clean_lot_refs

RECEIPT_LOT_FIELDS = ("supplier_lot_ref", "dye_lot", "production_date")
HELD_USAGES = ("internal", "transit")
# Changes of a done line that move quants again (stock.move.line._synchronize_quant).
QUANT_FIELDS = frozenset({"quantity", "lot_id", "location_id", "location_dest_id"})


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    supplier_lot_ref = fields.Char(
        string="Supplier Lot",
        help="The lot number printed by the supplier on the goods; copied onto the lot when "
        "the receipt is validated.",
    )
    dye_lot = fields.Char(
        help="Dye lot (colour batch) of the goods; copied onto the lot when the receipt is "
        "validated.",
    )
    production_date = fields.Date(
        help="Manufacturing or packing date; copied onto the lot when the receipt is validated."
    )
    use_date = fields.Datetime(
        string="Best before Date",
        help="Best before date of the goods (GS1 AI 15); given to the lot created by the receipt.",
    )
    gs1_scan = fields.Char(
        string="Scan GS1",
        compute="_compute_gs1_scan",
        inverse="_inverse_gs1_scan",
        help="Scan the supplier's GS1 barcode (GS1-128, GS1 DataMatrix or a GS1 Digital Link "
        "URI) here: its batch/lot fills the supplier lot (and the lot number when the product "
        "takes the supplier's lot numbers), its serial number the serial, its expiration, best "
        "before and production dates the line's. Its GTIN must be the product's or one of its "
        "packagings'.",
    )

    def _compute_gs1_scan(self):
        # A scan is applied to the line's fields, not kept: the field is the scanner's input.
        self.gs1_scan = False

    def _inverse_gs1_scan(self):
        """Apply the scanned GS1 barcode, whoever writes it (form, import, RPC): every scan is
        read and checked before any line is written."""
        lines = self.filtered("gs1_scan")
        closed = lines.filtered(lambda ml: ml.state in ("done", "cancel"))
        if closed:
            raise UserError(
                self.env._(
                    "%(document)s is done or cancelled: scan GS1 barcodes before validating "
                    "it; the lot of a done operation is corrected on the lot itself.",
                    document=closed[0].picking_id.name or closed[0].reference or "-",
                )
            )
        values = {ml: ml._lot_recall_gs1_values(ml.gs1_scan) for ml in lines}
        for ml, vals in values.items():
            ml.write(vals)

    @api.onchange("gs1_scan")
    def _onchange_gs1_scan(self):
        """Show the scanned values at once; the scan field is emptied for the next scan (the
        values are saved with the line, see :meth:`_inverse_gs1_scan` for other callers)."""
        if self.gs1_scan:
            self.update(self._lot_recall_gs1_values(self.gs1_scan))
            self.gs1_scan = False

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            clean_lot_refs(self, vals)
        lines = super().create(vals_list)
        # Lines created already done moved their quants in create.
        lines.filtered(lambda ml: ml.state == "done")._lot_recall_check_doors()
        return lines

    def write(self, vals):
        clean_lot_refs(self, vals)
        done = self.browse()
        if QUANT_FIELDS & set(vals):
            done = self.filtered(lambda ml: ml.state == "done")
        before = {ml.id: (ml.lot_id, ml.location_dest_id, ml.quantity) for ml in done}
        res = super().write(vals)
        # A done line edited to ship more, another lot or elsewhere moves quants again.
        done.filtered(
            lambda ml: (
                (ml.lot_id, ml.location_dest_id) != before[ml.id][:2]
                or ml.quantity > before[ml.id][2]
            )
        )._lot_recall_check_doors()
        return res

    def _lot_recall_gs1_values(self, scan):
        """The values the GS1 barcode ``scan`` gives this line."""
        self.ensure_one()
        return gs1_receipt_values(self.product_id, scan)

    def _lot_recall_door(self):
        """What a done line of a recalled or quarantined lot does, by where it goes:

        - ``"refuse"``: it leaves our stock for a customer, another company (transit) or
          production: never;
        - ``"log"``: back to the supplier, scrapped, an inventory adjustment, or an allowed
          consumption (an unbuild, see lot_recall_mrp): done and logged on its recalls;
        - ``"report"``: it records what already happened outside our warehouse (a dropship
          from the supplier): done, its recalls traced again and their responsible told;
        - ``"arrive"``: it comes into our stock (a customer return, any receipt): quarantined
          on arrival;
        - ``False``: an internal move (e.g. to a quarantine shelf).
        """
        self.ensure_one()
        source, dest = self.location_id.usage, self.location_dest_id.usage
        if source not in HELD_USAGES:
            return {"customer": "report", "internal": "arrive", "transit": "arrive"}.get(
                dest, False
            )
        if dest == "production":
            return self._lot_recall_consumption_door()
        return {
            "customer": "refuse",
            "transit": "refuse",
            "supplier": "log",
            "inventory": "log",
        }.get(dest, False)

    def _lot_recall_consumption_door(self):
        """A recalled lot consumed into production makes new products of it: refused.
        Overridden where a consumption takes the lot apart instead (unbuild)."""
        return "refuse"

    def _lot_recall_check_doors(self):
        """Refuse done lines that take a recalled or quarantined lot out of our warehouse.

        Locks the lots that go through a refusable door first, so that a recall of these lots
        confirmed at the same time conflicts with this transaction (see
        ``stock.lot._lot_recall_touch``). Returns {line: door} of the lines of blocked lots
        that pass, for ``_lot_recall_after_done``.
        """
        lines = self.filtered(lambda ml: ml.lot_id and ml.quantity)
        doors = {ml: ml._lot_recall_door() for ml in lines}
        lines.filtered(lambda ml: doors[ml] in ("refuse", "report")).lot_id._lot_recall_touch()
        blocked = lines.lot_id._lot_recall_blocked()
        refused = lines.filtered(lambda ml: doors[ml] == "refuse" and ml.lot_id in blocked)
        for document, document_lines in refused.grouped(
            lambda ml: ml.picking_id.name or ml.reference or ml.move_id.name or ""
        ).items():
            lots = document_lines.lot_id
            recalls = lots._lot_recall_active_recalls()
            raise UserError(
                self.env._(
                    "%(document)s takes out of our warehouse lots that must not leave it: "
                    "%(lots)s (%(why)s). Remove these lots from the transfer; a Recall "
                    "Manager releases quarantined lots.",
                    document=document or self.env._("This operation"),
                    lots=", ".join(lots.mapped("name")),
                    why=self.env._("under %s", ", ".join(recalls._names_for_user()))
                    if recalls
                    else self.env._("quarantined"),
                )
            )
        return {ml: doors[ml] for ml in lines if ml.lot_id in blocked and doors[ml]}

    def _lot_recall_after_done(self, doors):
        """Log, or quarantine on arrival, the done lines of blocked lots (see the doors)."""
        for ml, door in doors.items():
            lot = ml.lot_id
            lot._lot_recall_log(
                self.env._(
                    "Lot %(lot)s: %(qty)s %(uom)s moved from %(origin)s to %(dest)s by "
                    "%(document)s.",
                    lot=lot.name,
                    qty=ml.quantity,
                    uom=ml.product_uom_id.name,
                    origin=ml.location_id.display_name,
                    dest=ml.location_dest_id.display_name,
                    document=ml.picking_id.name or ml.reference or "-",
                )
            )
            if door == "arrive" and lot.is_recalled and not lot.quarantined:
                lot._quarantine(
                    self.env._(
                        "Recalled lot back in our stock (%(document)s): quarantined on arrival.",
                        document=ml.picking_id.name or ml.reference or "-",
                    )
                )

    def _lot_recall_retrace_reported(self):
        """Done lines that report a delivery of a recalled lot made outside our warehouse (a
        dropship): trace its recalls again, so the new customers are in them, and tell their
        responsible. Called once the moves are done (a line is done with its move)."""
        reported = self.filtered(
            lambda ml: (
                ml.state == "done" and ml.lot_id.is_recalled and ml._lot_recall_door() == "report"
            )
        )
        for recall in reported.lot_id._lot_recall_active_recalls():
            recall._lock()
            recall._apply_trace()
            recall.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=recall.user_id.id or self.env.uid,
                summary=self.env._("New delivery of a recalled lot"),
                note=self.env._(
                    "A delivery of a recalled lot made outside our warehouse (e.g. a dropship) "
                    "was recorded: the recall was traced again. Notify the new customers."
                ),
            )

    def _lot_recall_receipt_values(self):
        self.ensure_one()
        return {fname: self[fname] for fname in RECEIPT_LOT_FIELDS if self[fname]}

    def _prepare_new_lot_vals(self):
        vals = super()._prepare_new_lot_vals()
        vals.update(self._lot_recall_receipt_values())
        if self.use_date:
            vals["use_date"] = self.use_date
            # Given one of its dates, product_expiry computes none of the others: the removal
            # and alert dates as it would have from the expiration date (FEFO, alerts).
            expiration = vals.get("expiration_date")
            template = self.product_id.product_tmpl_id
            if expiration and template.use_expiration_date:
                vals.setdefault("removal_date", expiration - timedelta(days=template.removal_time))
                vals.setdefault("alert_date", expiration - timedelta(days=template.alert_time))
        return vals

    def _lot_recall_supplier(self):
        """The vendor of this receipt line: its purchase order's vendor when there is one,
        otherwise the commercial partner of the receipt."""
        self.ensure_one()
        move = self.move_id
        if "purchase_line_id" in move._fields and move.purchase_line_id:
            return move.purchase_line_id.order_id.partner_id.commercial_partner_id
        partner = self.picking_id.partner_id or move.partner_id
        return partner.commercial_partner_id

    def _action_done(self):
        doors = self._lot_recall_check_doors()
        res = super()._action_done()
        self._lot_recall_after_done({ml: door for ml, door in doors.items() if ml.exists()})
        for ml in self.exists().filtered("lot_id"):
            lot = ml.lot_id
            lot._lot_recall_merge_receipt_values(ml._lot_recall_receipt_values(), ml)
            if ml.location_id.usage != "supplier":
                continue
            # Only the first done receipt from a supplier sets the origin of the lot.
            origin_vals = {}
            if not lot.receipt_date:
                origin_vals["receipt_date"] = ml.date or fields.Datetime.now()
            if not lot.supplier_id:
                supplier = ml._lot_recall_supplier()
                if supplier:
                    origin_vals["supplier_id"] = supplier.id
            if origin_vals:
                lot.write(origin_vals)
        return res
