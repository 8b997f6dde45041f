# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import index_exists

from ..tools import trigger_cron

# Moves reserved again per run of the scheduled action (each run commits).
REASSIGN_BATCH = 50


class StockMove(models.Model):
    _inherit = "stock.move"

    lot_recall_reassign = fields.Boolean(
        string="To Reserve Again",
        copy=False,
        readonly=True,
        help="Its reservation of a quarantined lot was released: the scheduled action "
        "'Lots: reserve again what a quarantine released' reserves it again, on other lots.",
    )

    lot_recall_previous_dye_lot = fields.Char(
        string="Customer's Last Dye Lot",
        compute="_compute_lot_recall_previous_dye_lot",
        help="The dye lot of this product the customer last received: reservation prefers it "
        "while stock of it remains, so that the customer's goods match.",
    )

    def init(self):
        # The scheduled action looks up the few flagged moves among all moves.
        if not index_exists(self.env.cr, "lot_recall_stock_move_reassign_idx"):
            self.env.cr.execute(
                SQL(
                    "CREATE INDEX lot_recall_stock_move_reassign_idx ON stock_move (id)"
                    " WHERE lot_recall_reassign"
                )
            )

    @api.depends("state", "product_id", "partner_id", "picking_id.partner_id")
    def _compute_lot_recall_previous_dye_lot(self):
        previous = self._lot_recall_previous_dye_lots()
        for move in self:
            move.lot_recall_previous_dye_lot = previous.get(move.id, False)

    def _update_reserved_quantity(
        self, need, location_id, lot_id=None, package_id=None, owner_id=None, strict=True
    ):
        # Reservation prefers the dye lot the customer last received (stock.quant._gather).
        dye_lot = not lot_id and self._lot_recall_previous_dye_lots().get(self.id)
        move = self.with_context(lot_recall_dye_lot=dye_lot) if dye_lot else self
        return super(StockMove, move)._update_reserved_quantity(
            need,
            location_id,
            lot_id=lot_id,
            package_id=package_id,
            owner_id=owner_id,
            strict=strict,
        )

    def _action_done(self, cancel_backorder=False):
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        moves.move_line_ids._lot_recall_retrace_reported()
        return moves

    def _lot_recall_reassign_later(self):
        """Reserve these moves again (on lots not blocked) right after this transaction, in
        the scheduled action ``_cron_lot_recall_reassign``, triggered now.

        A quarantine releases the reservations of its lots at once, so nothing blocked can be
        picked; reserving the moves again is Odoo's reservation, which at scale (thousands of
        quants of a product) costs a tenth of a second a move: a quarantine of lots reserved
        by hundreds of deliveries would otherwise exceed a worker's time limit.
        """
        if not self:
            return
        self.sudo().write({"lot_recall_reassign": True})
        trigger_cron(self.env, "lot_recall.ir_cron_lot_recall_reassign")

    @api.model
    def _cron_lot_recall_reassign(self, batch_size=REASSIGN_BATCH):
        """Reserve again ``batch_size`` of the moves a quarantine released (see
        ``_lot_recall_reassign_later``), each in its company; the scheduler runs again while
        some are left."""
        domain = [("lot_recall_reassign", "=", True)]
        moves = self.search(domain, order="id", limit=batch_size)
        moves.write({"lot_recall_reassign": False})
        for company, company_moves in moves.grouped("company_id").items():
            company_moves.with_company(company)._action_assign()
        self.env["ir.cron"]._notify_progress(done=len(moves), remaining=self.search_count(domain))

    def _lot_recall_previous_dye_lots(self):
        """{move id: the dye lot of its product that its customer last received} for these
        moves not done yet of products with a dye lot policy (Warn or Block), out of our
        stock to a partner (the customer is its commercial partner); moves whose customer never
        received a lot of the product with a dye lot are left out. One query: for each move,
        the customer's done move lines into a customer location, newest first."""
        moves = self.filtered(
            lambda move: (
                move.product_id.dye_lot_policy != "none"
                and move.state not in ("done", "cancel")
                and move.location_id.usage in ("internal", "transit")
                and (move.picking_id.partner_id or move.partner_id)
            )
        )
        if not moves:
            return {}
        self.env["stock.move.line"].check_access("read")
        self.env["stock.move.line"].flush_model(
            [
                "picking_id",
                "product_id",
                "company_id",
                "state",
                "location_dest_id",
                "lot_id",
                "date",
            ]
        )
        self.env["stock.picking"].flush_model(["partner_id"])
        self.env["stock.lot"].flush_model(["dye_lot"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        customers = {
            move.id: (move.picking_id.partner_id or move.partner_id).commercial_partner_id.id
            for move in moves
        }
        self.env.cr.execute(
            SQL(
                """
                SELECT key.move_id, last.dye_lot
                  FROM unnest(%s::int[], %s::int[], %s::int[], %s::int[])
                       AS key(move_id, customer_id, product_id, company_id)
                 CROSS JOIN LATERAL (
                       SELECT lot.dye_lot
                         FROM res_partner partner
                         JOIN stock_picking picking ON picking.partner_id = partner.id
                         JOIN stock_move_line line ON line.picking_id = picking.id
                         JOIN stock_location dest ON dest.id = line.location_dest_id
                         JOIN stock_lot lot ON lot.id = line.lot_id
                        WHERE partner.commercial_partner_id = key.customer_id
                          AND line.product_id = key.product_id
                          AND line.company_id = key.company_id
                          AND line.state = 'done'
                          AND dest.usage = 'customer'
                          AND lot.dye_lot IS NOT NULL
                        ORDER BY line.date DESC, line.id DESC
                        LIMIT 1
                       ) last
                """,
                moves.ids,
                [customers[move.id] for move in moves],
                [move.product_id.id for move in moves],
                [move.company_id.id for move in moves],
            )
        )
        return dict(self.env.cr.fetchall())
