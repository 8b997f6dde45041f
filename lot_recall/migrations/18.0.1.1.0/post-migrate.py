# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.1.0 post-migration.

- The expiry digest moved from ``stock.lot`` to ``lot.expiry.digest``, the notice reminders
  from ``lot.recall`` to ``lot.recall.notice``. Their scheduled actions (``ir_cron_data.xml``)
  are ``noupdate``: databases installed before keep calling the old models' methods, which no
  longer exist. Point them at the new models.
- A recall's trace is stored whole: affected lots with their depth, parent and via line
  (``lot.recall.lot``) and the supplier receipts (``lot.recall.upstream``), which every report
  reads. Backfill them for every recall traced before.
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)

CRON_XMLID = "lot_recall.ir_cron_lot_expiry_digest"
DIGEST_MODEL_XMLID = "lot_recall.model_lot_expiry_digest"
REMINDERS_CRON_XMLID = "lot_recall.ir_cron_recall_notice_reminders"
NOTICE_MODEL_XMLID = "lot_recall.model_lot_recall_notice"


def repoint_cron(env, cron_xmlid=CRON_XMLID, model_xmlid=DIGEST_MODEL_XMLID):
    """Re-point a scheduled action of the addon at the model its method moved to (by default
    the expiry digest's, at ``lot.expiry.digest``).

    :return: True when the action was changed
    """
    cron = env.ref(cron_xmlid, raise_if_not_found=False)
    model = env.ref(model_xmlid, raise_if_not_found=False)
    if not cron or not model or cron.model_id == model:
        return False
    _logger.info(
        "Scheduled action %s: model %s -> %s",
        cron.id,
        cron.model_id.model,
        model.model,
    )
    cron.sudo().write({"model_id": model.id})
    return True


def backfill_trace_rows(env):
    """Write the affected lots and supplier receipts of every traced recall (state not draft,
    traced at least once) that has none.

    The affected lots are the ones the recall's last trace stored (``affected_lot_ids``, kept
    as they are: the recall's lines and notices were written from the same trace). Their depth,
    parent and via line exist only in the engine: they are taken from a trace of the recall's
    lots run now (so a parent may be a lot made since, on a shorter path); a lot that trace no
    longer reaches keeps depth 0 and no parent (logged).
    Supplier receipts are that trace's, up to the recall's last trace date.
    All rows are written in one create per model.

    :return: the number of recalls backfilled
    """
    recalls = env["lot.recall"].search(
        [("state", "!=", "draft"), ("trace_date", "!=", False), ("trace_lot_ids", "=", False)],
        order="id",
    )
    lot_vals, upstream_rows = [], []
    for recall in recalls:
        trace = env["lot.trace"]._trace(
            recall.lot_ids.ids, recall.company_id.id, include_derived=recall.include_derived
        )
        found = {row["lot_id"]: row for row in trace["lots"]}
        lost = recall.affected_lot_ids.filtered(lambda lot, found=found: lot.id not in found)
        if lost:
            _logger.warning(
                "Recall %s: lots %s are no longer reached by a trace: stored without depth",
                recall.name,
                ", ".join(lost.mapped("name")),
            )
        for lot in recall.affected_lot_ids:
            row = found.get(lot.id) or {}
            lot_vals.append(
                {
                    "recall_id": recall.id,
                    "lot_id": lot.id,
                    "depth": row.get("depth", 0),
                    "parent_lot_id": row.get("parent_lot_id"),
                    "via_move_line_id": row.get("via_move_line_id"),
                    "via_reference": row.get("via_reference"),
                }
            )
        upstream = [
            row
            for row in trace["upstream"]
            if not (row["date"] and row["date"] > recall.trace_date)
        ]
        upstream_rows += env["lot.recall.upstream"]._vals_from_trace(recall, upstream)
    env["lot.recall.lot"].create(lot_vals)
    env["lot.recall.upstream"].create(upstream_rows)
    _logger.info(
        "Backfilled %s recalls: %s affected lots, %s supplier receipts",
        len(recalls),
        len(lot_vals),
        len(upstream_rows),
    )
    return len(recalls)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    repoint_cron(env)
    repoint_cron(env, REMINDERS_CRON_XMLID, NOTICE_MODEL_XMLID)
    backfill_trace_rows(env)
