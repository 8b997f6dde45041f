# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Notice fan-out as the user waits for it: from *Send Notices* to every notice, with its PDF,
accepted by a local SMTP sink.

    python benchmarks/notice_fanout.py --size M --customers 5000

Clones the benchmark database ``lot_recall_bench_<size>`` (built by ``make bench``) into a
scratch database, points its outgoing mail at an aiosmtpd sink in this process, starts a real
Odoo server on it (HTTP, for wkhtmltopdf's assets, and one cron thread: the mail queue), and
over JSON-RPC, as a Recall Manager would click: creates the recall of the lots reaching at least
``--customers`` customers through the wizard (*Create Recall*), then *Send Notices*. Times both,
then waits until the sink received every email. The scratch database is dropped at the end.
Writes ``benchmarks/results/notice_fanout_<size>.json``.

With ``--jobs N``, ``lot_recall_queue`` (OCA ``queue_job``) is installed in the scratch database
and the server runs in prefork mode with N + 1 HTTP workers, ``queue_job``'s job runner and the
channel ``root.lot_recall`` at capacity N: the notices are sent by N jobs at a time
(``notice_fanout_<size>_jobs<N>.json``).
"""

import argparse
import datetime
import json
import os
import subprocess
import tempfile
import time
import urllib.request

from common import DB_PREFIX, default_conf, odoo_command, serve, stop
from recall_creation import cpu_gauge_ms
from run_benchmark import SmtpSink, save


def psql(db, sql):
    return subprocess.run(
        ["psql", "-d", db, "-tAc", sql], check=True, capture_output=True, text=True
    ).stdout.strip()


def rpc(url, db, uid, password, model, method, *args):
    payload = {
        "jsonrpc": "2.0",
        "method": "call",
        "params": {
            "service": "object",
            "method": "execute_kw",
            "args": [db, uid, password, model, method, list(args)],
        },
    }
    request = urllib.request.Request(
        f"{url}/jsonrpc",
        json.dumps(payload).encode(),
        {"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=600) as response:
        answer = json.load(response)
    if "error" in answer:
        raise RuntimeError(answer["error"]["data"]["message"])
    return answer["result"]


def lots_reaching(db, customers):
    """Lot ids, most customers first, until their customers number at least ``customers``."""
    rows = psql(
        db,
        """
        SELECT ml.lot_id, array_agg(DISTINCT COALESCE(p.commercial_partner_id, p.id))
          FROM stock_move_line ml
          JOIN stock_location dest ON dest.id = ml.location_dest_id AND dest.usage = 'customer'
          JOIN stock_picking pk ON pk.id = ml.picking_id
          JOIN res_partner p ON p.id = pk.partner_id
         WHERE ml.state = 'done' AND ml.lot_id IS NOT NULL AND ml.company_id = 1
         GROUP BY ml.lot_id ORDER BY count(DISTINCT pk.partner_id) DESC LIMIT 2000
        """,
    )
    chosen, reached = [], set()
    for line in rows.splitlines():
        lot_id, partners = line.split("|")
        chosen.append(int(lot_id))
        reached.update(partners.strip("{}").split(","))
        if len(reached) >= customers:
            break
    return chosen, len(reached)


def prepare(db, sink_port, http_port):
    """Every customer gets an address, outgoing mail goes to the sink, wkhtmltopdf fetches the
    report assets from the server about to start."""
    psql(db, "UPDATE res_partner SET email = 'c' || id || '@example.com' WHERE email IS NULL")
    psql(db, "UPDATE ir_mail_server SET active = false")
    psql(
        db,
        "INSERT INTO ir_mail_server (name, smtp_host, smtp_port, smtp_encryption, "
        "smtp_authentication, sequence, active) VALUES ('bench sink', '127.0.0.1', "
        f"{sink_port}, 'none', 'login', 1, true)",
    )
    psql(
        db,
        "INSERT INTO ir_config_parameter (key, value) VALUES ('report.url', "
        f"'http://127.0.0.1:{http_port}') ON CONFLICT (key) DO UPDATE SET value = "
        "EXCLUDED.value",
    )


def start_server(conf, db, port, log, jobs=0):
    """A real Odoo server on ``db``: HTTP and one cron thread (the mail queue); with ``jobs``,
    prefork workers and queue_job's runner with ``jobs`` jobs at a time on root.lot_recall (one
    more HTTP worker than jobs: wkhtmltopdf fetches the report's assets while jobs run)."""
    options = ["--max-cron-threads", "1"]
    env = dict(os.environ)
    if jobs:
        options += ["--workers", str(jobs + 1), "--load", "base,web,queue_job"]
        env["ODOO_QUEUE_JOB_CHANNELS"] = f"root:{jobs},root.lot_recall:{jobs}"
    return serve(conf, db, port, log, options, env)


def measure(server, url, db, lot_ids, sink, timeout):
    """Create the recall through the wizard, click Send Notices, wait for every email."""
    uid = 2  # admin
    start = time.perf_counter()
    wizard = rpc(
        url,
        db,
        uid,
        "admin",
        "lot.recall.wizard",
        "create",
        {
            "lot_ids": [[6, 0, lot_ids]],
            "reason": "Benchmark: notice fan-out",
            "classification": "class_1",
            "quarantine": False,
        },
    )
    recall = rpc(url, db, uid, "admin", "lot.recall.wizard", "action_confirm", [wizard])["res_id"]
    create_s = time.perf_counter() - start
    start = time.perf_counter()
    rpc(url, db, uid, "admin", "lot.recall", "action_send_notices", [recall])
    send_click_s = time.perf_counter() - start
    queued = int(
        psql(
            db,
            f"SELECT count(*) FROM lot_recall_notice WHERE recall_id = {recall} AND queued",
        )
    )
    progress = []
    while (
        sink.handler.count < queued
        and time.perf_counter() - start < timeout
        and server.poll() is None
    ):
        time.sleep(5)
        progress.append((round(time.perf_counter() - start), sink.handler.count))
    total_s = time.perf_counter() - start
    sent = psql(
        db,
        f"SELECT count(*) FROM lot_recall_notice WHERE recall_id = {recall} AND state = 'sent'",
    )
    return {
        "recall_creation_through_wizard_s": round(create_s, 2),
        "send_notices_click_s": round(send_click_s, 2),
        "notices_queued": queued,
        "emails_received_by_sink": sink.handler.count,
        "notices_sent": int(sent),
        "send_to_all_accepted_s": round(total_s, 1),
        "notices_per_second": round(sink.handler.count / total_s, 1),
        "progress_s_received": progress,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="M")
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--port", type=int, default=8279)
    parser.add_argument("--timeout", type=int, default=1800)
    parser.add_argument("--jobs", type=int, default=0, help="queue_job jobs at a time (0: none)")
    parser.add_argument("-c", "--conf", default=default_conf())
    args = parser.parse_args(argv)
    source = DB_PREFIX + args.size.lower()
    db = f"{source}_fanout"
    subprocess.run(["dropdb", "--if-exists", db], check=True)
    subprocess.run(["createdb", "-T", source, db], check=True)
    server = None
    log = tempfile.NamedTemporaryFile(prefix="notice_fanout_", suffix=".log", delete=False)
    print(f"server log: {log.name}", flush=True)
    try:
        # The dataset may have been built with an older lot_recall: the code under test, please.
        subprocess.run(
            [*odoo_command(args.conf, db), "-u", "lot_recall", "--stop-after-init"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        if args.jobs:
            subprocess.run(
                [*odoo_command(args.conf, db), "-i", "lot_recall_queue", "--stop-after-init"],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        lot_ids, customers = lots_reaching(db, args.customers)
        gauge_before = cpu_gauge_ms()
        started_at = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
        with SmtpSink() as sink:
            prepare(db, sink.port, args.port)
            server, url = start_server(args.conf, db, args.port, log, jobs=args.jobs)
            result = {
                "size": args.size.upper(),
                "queue_job_jobs_at_a_time": args.jobs,
                "lots": len(lot_ids),
                "customers_reached_by_lots": customers,
                "started_at_utc": started_at,
                **measure(server, url, db, lot_ids, sink, args.timeout),
                "load_average_after": os.getloadavg(),
            }
    finally:
        stop(server, log)
        subprocess.run(["dropdb", "--if-exists", db], check=False)
    # Every timing here moves with the machine's speed (see recall_creation.py).
    result["cpu_gauge_ms"] = {"before": gauge_before, "after": cpu_gauge_ms()}
    print(json.dumps(result, indent=2))
    name = f"notice_fanout_{args.size.lower()}" + (f"_jobs{args.jobs}" if args.jobs else "")
    print(f"written {save(result, name)}")


if __name__ == "__main__":
    main()
