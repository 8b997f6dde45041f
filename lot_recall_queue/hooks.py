# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).


def post_init_hook(env):
    """Notices queued before this addon was installed get their jobs: the mail queue no longer
    sends recall notices."""
    env["lot.recall.notice"].search([("queued", "=", True)])._dispatch_queued()
