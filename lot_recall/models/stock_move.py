# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import index_exists

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

    def init(self):
        # The scheduled action looks up the few flagged moves among all moves.
        if not index_exists(self.env.cr, "lot_recall_stock_move_reassign_idx"):
            self.env.cr.execute(
                SQL(
                    "CREATE INDEX lot_recall_stock_move_reassign_idx ON stock_move (id)"
                    " WHERE lot_recall_reassign"
                )
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
        self.env.ref("lot_recall.ir_cron_lot_recall_reassign").sudo()._trigger()

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
