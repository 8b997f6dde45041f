# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Shared helpers of the benchmark scripts: start Odoo inside this process, size names."""

import contextlib
import os
import subprocess
import sys
import time
import urllib.request

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


def odoo_command(conf, db):
    """``odoo-bin`` on ``db`` with this configuration, as a command line."""
    return [
        sys.executable,
        os.path.join(os.environ.get("ODOO_SRC", "/opt/odoo"), "odoo-bin"),
        *("-c", conf, "-d", db, "--log-level", "warn"),
    ]


def serve(conf, db, port, log, options=(), env=None):
    """Start a real Odoo server on ``db`` (``options``: more odoo-bin options) and return it with
    its URL once it answers; its log goes to the file ``log``."""
    command = [*odoo_command(conf, db), "--db-filter", f"^{db}$", "--http-port", str(port)]
    server = subprocess.Popen([*command, *options], stdout=subprocess.DEVNULL, stderr=log, env=env)
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            urllib.request.urlopen(f"{url}/web/health", timeout=2)
            return server, url
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.5)
    server.terminate()
    raise RuntimeError(f"the Odoo server on port {port} did not start (log: {log.name})")


def stop(server, log):
    """Stop a server started by ``serve`` and print the errors of its log."""
    if server:
        server.terminate()
        server.wait(60)
    log.seek(0)
    errors = [line for line in log.read().decode().splitlines() if " ERROR " in line]
    if errors:
        print("\n".join(errors[:20]), file=sys.stderr)
