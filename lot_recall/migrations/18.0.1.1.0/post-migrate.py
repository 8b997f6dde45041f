# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.1.0: the expiry digest moved from ``stock.lot`` to ``lot.expiry.digest``.

Its scheduled action (``ir_cron_data.xml``) is ``noupdate``: databases installed before keep
calling ``stock.lot._cron_expiry_digest()``, which no longer exists. Point it at the new model.
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)

CRON_XMLID = "lot_recall.ir_cron_lot_expiry_digest"
DIGEST_MODEL_XMLID = "lot_recall.model_lot_expiry_digest"


def repoint_expiry_digest_cron(env):
    """Re-point the expiry digest's scheduled action at ``lot.expiry.digest``.

    :return: True when the action was changed
    """
    cron = env.ref(CRON_XMLID, raise_if_not_found=False)
    model = env.ref(DIGEST_MODEL_XMLID, raise_if_not_found=False)
    if not cron or not model or cron.model_id == model:
        return False
    _logger.info(
        "Expiry digest scheduled action %s: model %s -> %s",
        cron.id,
        cron.model_id.model,
        model.model,
    )
    cron.sudo().write({"model_id": model.id})
    return True


def migrate(cr, version):
    if not version:
        return
    repoint_expiry_digest_cron(api.Environment(cr, SUPERUSER_ID, {}))
