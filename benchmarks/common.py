# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Shared helpers of the benchmark scripts: start Odoo inside this process, size names."""

import contextlib
import os

SIZES = {"s": 10_000, "m": 100_000, "l": 1_000_000}
DB_PREFIX = "lot_recall_bench_"
MARKER_PARAM = "lot_recall.bench_dataset"


def default_conf():
    here = os.path.dirname(os.path.abspath(__file__))
    cache = os.environ.get("LOT_RECALL_CACHE", os.path.join(os.path.dirname(here), ".cache"))
    return os.path.join(cache, "odoo.conf")


def start_odoo(conf, db):
    """Parse the Odoo configuration and return the registry of ``db`` (like ``odoo-bin shell``)."""
    import odoo

    odoo.tools.config.parse_config(["-c", conf, "-d", db, "--log-level", "warn"])
    return odoo.modules.registry.Registry(db)


@contextlib.contextmanager
def environment(registry, uid=None, context=None):
    from odoo import SUPERUSER_ID, api

    with registry.cursor() as cr:
        yield api.Environment(cr, uid or SUPERUSER_ID, context or {})


def rss_kib():
    """(VmRSS, VmHWM) of this process in KiB."""
    values = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":", 1)
                values[key] = int(value.split()[0])
    return values.get("VmRSS", 0), values.get("VmHWM", 0)
