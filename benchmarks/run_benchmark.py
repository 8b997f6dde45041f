# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Time the recall trace side by side with Odoo's own tracing, on one benchmark database.

Run inside the repo's venv once ``make_dataset.py`` built the database::

    python benchmarks/run_benchmark.py --size M [-c .cache/odoo.conf]

Writes ``benchmarks/results/<size>.json``. Every timing is the median of 5 runs after one
warm-up run, in this one process on the same database (ORM cache emptied before each run);
a method whose warm-up run is slow gets fewer runs (``--budget``) and the JSON says how many.
Nothing is committed: every write (recall, notices, dropped index) is rolled back.
"""

import argparse
import json
import logging
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import time

from common import DB_PREFIX, MARKER_PARAM, default_conf, environment, rss_kib, start_odoo

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = os.path.join(HERE, "results")
INDEX = "lot_recall_stock_move_line_done_lot_idx"
TIME_LIMIT = 600  # seconds: Odoo's methods that take longer are reported as "> 600 s"


class TimeLimit(Exception):
    pass


def _alarm(_signum, _frame):
    raise TimeLimit


def machine_facts(cr):
    cpu = "?"
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as info:
        mem_kib = int(info.readline().split()[1])
    cr.execute("SELECT version()")
    pg_version = cr.fetchone()[0]
    cr.execute("SHOW shared_buffers")
    shared_buffers = cr.fetchone()[0]
    import odoo.release

    return {
        "cpu": cpu,
        "nproc": os.cpu_count(),
        "ram_gib": round(mem_kib / 1024 / 1024, 1),
        "postgresql": pg_version.split(" on ")[0],
        "shared_buffers": shared_buffers,
        "odoo": odoo.release.version,
        "python": platform.python_version(),
        "kernel": platform.release(),
    }


class Bench:
    def __init__(self, env, info, budget):
        self.env = env
        self.cr = env.cr
        self.info = info
        self.budget = budget
        self.company = info["company_id"]
        self.timings = {}
        self.on_result = lambda: None  # called after each measurement (saves partial results)

    def measure(
        self, method, label, func, runs=5, own_transaction=False, warmups=1, before_run=None
    ):
        """Median of ``runs`` timed runs after ``warmups`` warm-up runs; returns the last
        result.

        Each run is rolled back to a savepoint, or with ``own_transaction`` runs in a
        transaction of its own, rolled back: runs that write then no longer meet the rows
        the previous runs wrote and rolled back, which a savepoint keeps in the transaction
        (every later run walked past more of them, and grew slower). ``before_run`` (with
        ``own_transaction``) is called, untimed, before each run, outside any transaction.
        """
        env = self.env
        samples = []
        result = None
        signal.signal(signal.SIGALRM, _alarm)
        try:
            for attempt in range(runs + warmups):
                env.invalidate_all()
                self._begin_run(own_transaction, before_run)
                signal.alarm(TIME_LIMIT)
                start = time.perf_counter()
                try:
                    result = func()
                finally:
                    elapsed = time.perf_counter() - start
                    signal.alarm(0)
                    if own_transaction:
                        self.cr.rollback()
                    else:
                        self.cr.execute("ROLLBACK TO SAVEPOINT bench_run")
                if attempt >= warmups:
                    samples.append(elapsed)
                elif elapsed * runs > self.budget:
                    # A slow method: fewer timed runs (at least one) within the budget.
                    runs = max(1, min(runs, int(self.budget // max(elapsed, 1e-9))))
                if len(samples) >= runs:
                    break
        except TimeLimit:
            if own_transaction:
                self.cr.rollback()
            else:
                self.cr.execute("ROLLBACK TO SAVEPOINT bench_run")
            entry = {"median_ms": None, "timeout": f"> {TIME_LIMIT} s", "runs": len(samples)}
            self.timings.setdefault(method, {})[label] = entry
            print(f"  {method:22} {label:10} > {TIME_LIMIT} s", flush=True)
            self.on_result()
            return None
        entry = {
            "median_ms": round(statistics.median(samples) * 1000, 2),
            "min_ms": round(min(samples) * 1000, 2),
            "max_ms": round(max(samples) * 1000, 2),
            "runs": len(samples),
        }
        self.timings.setdefault(method, {})[label] = entry
        print(f"  {method:22} {label:10} {entry['median_ms']:>10.2f} ms  (n={len(samples)})")
        sys.stdout.flush()
        self.on_result()
        return result

    def _begin_run(self, own_transaction, before_run):
        """Start a run: a transaction of its own (after ``before_run``), or a savepoint."""
        if own_transaction:
            self.cr.rollback()
            if before_run:
                before_run()
        else:
            self.cr.execute("SAVEPOINT bench_run")

    # -- the methods ----------------------------------------------------------------------------

    def ours(self, lot_ids):
        return self.env["lot.trace"]._trace(lot_ids, self.company)

    def odoo_find(self, lot_ids):
        by_lot = self.env["stock.lot"].browse(lot_ids)._find_delivery_ids_by_lot()
        return set().union(*(by_lot.get(lot_id, []) for lot_id in lot_ids))

    def odoo_report(self, lot_ids):
        """The downstream lines of stock.traceability.report, unfolded as a user would.

        Open the lot's report (model stock.lot); on each line consumed by manufacturing
        (``is_used``), follow Odoo's "downstream" link (model stock.move.line with the lot name:
        the finished lines made from it) and open the report of each finished lot, until no
        new lot appears. Returns (move line ids of every line shown, lot ids visited).
        """
        report = self.env["stock.traceability.report"]
        todo = list(lot_ids)
        seen = set(todo)
        line_ids = set()
        while todo:
            lot_id = todo.pop()
            lines = report.with_context(active_id=lot_id, model="stock.lot").get_lines()
            for line in lines:
                line_ids.add(line["model_id"])
                if not line["is_used"]:
                    continue
                used = report.with_context(
                    active_id=line["model_id"], model="stock.move.line", lot_name=line["lot_name"]
                ).get_lines()
                for made in used:
                    line_ids.add(made["model_id"])
                    if made["lot_id"] and made["lot_id"] not in seen:
                        seen.add(made["lot_id"])
                        todo.append(made["lot_id"])
        return line_ids, seen

    def without_index(self, func):
        """Run ``func`` as on stock Odoo: the addon's lot index dropped (rolled back after)."""

        def run():
            self.cr.execute(f"DROP INDEX {INDEX}")
            return func()

        return run

    # -- the scenarios ----------------------------------------------------------------------------

    def lot_sets(self):
        sample = self.info["sample_raw_lots"]
        sets = {"1 lot": sample[:1], "hot lot": [self.info["hot_lot"]], "10 lots": sample[:10]}
        sets["100 lots"] = sample[:100]
        if len(sample) >= 1000:
            sets["1000 lots"] = sample[:1000]
        return sets

    def run_timings(self, skip_report):
        sets = self.lot_sets()
        answers = {}
        for label, lots in sets.items():
            result = self.measure("ours", label, lambda lots=lots: self.ours(lots))
            answers[label] = {
                "lots": len(result["lots"]),
                "deliveries": len(result["deliveries"]),
                "customers": len({row["partner_id"] for row in result["deliveries"]}),
                "quantity": round(sum(row["quantity"] for row in result["deliveries"]), 2),
                "returned_quantity": round(
                    sum(row["returned_quantity"] for row in result["deliveries"]), 2
                ),
                "stock_rows": len(result["stock"]),
                "upstream_rows": len(result["upstream"]),
            }
        for label in ("1 lot", "hot lot", "10 lots", "100 lots"):
            self.measure("odoo_find", label, lambda lots=sets[label]: self.odoo_find(lots))
        for label in ("1 lot", "hot lot", "100 lots"):
            self.measure(
                "odoo_find_no_index",
                label,
                self.without_index(lambda lots=sets[label]: self.odoo_find(lots)),
            )
        self.measure(
            "ours_no_index",
            "100 lots",
            self.without_index(lambda lots=sets["100 lots"]: self.ours(lots)),
        )
        if not skip_report:
            for label in ("1 lot", "100 lots", "hot lot"):
                self.measure("odoo_report", label, lambda lots=sets[label]: self.odoo_report(lots))
        return answers

    def compare(self, skip_report):
        """Customer deliveries found by each method, where their semantics overlap."""
        env = self.env
        comparison = {}
        sets = self.lot_sets()
        for label in ("1 lot", "hot lot", "100 lots"):
            lots = sets[label]
            env.invalidate_all()
            result = self.ours(lots)
            ours = {row["picking_id"] for row in result["deliveries"]}
            odoo = self.odoo_find(lots)
            entry = {
                "ours": len(ours),
                "odoo_find": len(odoo),
                "same": ours == odoo,
                "only_ours": self._explain(ours - odoo),
                "only_odoo_find": self._explain(odoo - ours),
                "deliveries_partly_returned": len(
                    {row["picking_id"] for row in result["deliveries"] if row["returned_quantity"]}
                ),
            }
            if not skip_report and label != "hot lot":
                line_ids, _lots = self.odoo_report(lots)
                shown = env["stock.move.line"].browse(line_ids)
                to_customer = shown.filtered(lambda ml: ml.location_dest_id.usage == "customer")
                report = set(to_customer.picking_id.ids)
                entry["odoo_report"] = len(report)
                entry["only_ours_vs_report"] = self._explain(ours - report)
                entry["only_report"] = self._explain(report - ours)
                entry["report_lines_shown"] = len(line_ids)
            comparison[label] = entry
        return comparison

    def _explain(self, picking_ids):
        pickings = self.env["stock.picking"].browse(sorted(picking_ids))
        kinds = {}
        for picking in pickings:
            key = (
                f"{picking.picking_type_id.code} {picking.location_id.usage}"
                f"->{picking.location_dest_id.usage}"
            )
            kinds.setdefault(key, []).append(picking.name)
        return {key: {"count": len(names), "examples": names[:3]} for key, names in kinds.items()}

    # -- index costs, query plan ----------------------------------------------------------------

    def index_costs(self, n_lines=20_000):
        cr = self.cr
        cr.execute(
            "SELECT pg_relation_size(%s::regclass), pg_relation_size('stock_move_line'::regclass),"
            " (SELECT COUNT(*) FROM stock_move_line)",
            (INDEX,),
        )
        index_bytes, table_bytes, rows = cr.fetchone()
        cr.execute("SELECT pg_get_indexdef(%s::regclass)", (INDEX,))
        definition = cr.fetchone()[0]
        builds = []
        for _i in range(3):
            cr.execute("SAVEPOINT idx")
            cr.execute(f"DROP INDEX {INDEX}")
            start = time.perf_counter()
            cr.execute(definition)
            builds.append(time.perf_counter() - start)
            cr.execute("ROLLBACK TO SAVEPOINT idx")
        columns = (
            "move_id, picking_id, product_id, product_uom_id, lot_id, quantity,"
            " quantity_product_uom, location_id, location_dest_id, company_id, date, state,"
            " reference, picked"
        )
        insert = (
            f"INSERT INTO stock_move_line ({columns}) SELECT {columns} FROM stock_move_line"
            f" WHERE state = 'done' AND lot_id IS NOT NULL ORDER BY id LIMIT {int(n_lines)}"
        )
        writes = {"with_index": [], "without_index": []}
        for _i in range(3):
            for key, samples in writes.items():
                cr.execute("SAVEPOINT ins")
                if key == "without_index":
                    cr.execute(f"DROP INDEX {INDEX}")
                start = time.perf_counter()
                cr.execute(insert)
                samples.append(time.perf_counter() - start)
                n_lines = cr.rowcount
                cr.execute("ROLLBACK TO SAVEPOINT ins")
        with_ms = statistics.median(writes["with_index"]) * 1000
        without_ms = statistics.median(writes["without_index"]) * 1000
        return {
            "name": INDEX,
            "definition": definition,
            "size_bytes": index_bytes,
            "table_bytes": table_bytes,
            "table_rows": rows,
            "build_ms": round(statistics.median(builds) * 1000, 1),
            "insert_lines": n_lines,
            "insert_ms_with_index": round(with_ms, 1),
            "insert_ms_without_index": round(without_ms, 1),
            "insert_overhead_us_per_line": round((with_ms - without_ms) * 1000 / n_lines, 2),
        }

    def explain(self, lot_ids):
        from odoo.tools import SQL

        query = self.env["lot.trace"]._trace_query(list(lot_ids), self.company, True)
        self.cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", query))
        return [row[0] for row in self.cr.fetchall()]

    # -- notices ----------------------------------------------------------------------------------

    def notices(self, sample_mails, smtp_port):
        env = self.env
        cr = self.cr
        cr.execute("SAVEPOINT notices")
        # wkhtmltopdf fetches the report assets from this URL: our (unused) HTTP port.
        port = os.environ.get("ODOO_HTTP_PORT", "8269")
        env["ir.config_parameter"].set_param("report.url", f"http://127.0.0.1:{port}")
        env["ir.mail_server"].create(
            {
                "name": "bench sink",
                "smtp_host": "127.0.0.1",
                "smtp_port": smtp_port,
                "smtp_encryption": "none",
                "sequence": 1,
            }
        )
        recall = env["lot.recall"].create(
            {
                "reason": "Benchmark: notices at scale",
                "lot_ids": [(6, 0, [self.info["hot_lot"]])],
                "company_id": self.company,
                "classification": "class_1",
            }
        )
        env.flush_all()
        start = time.perf_counter()
        recall.action_trace()
        env.flush_all()
        trace_s = time.perf_counter() - start
        customers = len(recall.notice_ids)
        start = time.perf_counter()
        recall.action_send_notices()
        env.flush_all()
        queue_s = time.perf_counter() - start
        mails = recall.notice_ids.mail_id
        sample = mails[:sample_mails]
        start = time.perf_counter()
        sample.send(auto_commit=False)
        env.flush_all()
        send_s = time.perf_counter() - start
        notices = recall.notice_ids.filtered(lambda n: n.mail_id in sample)
        result = {
            "customers": customers,
            "deliveries": recall.delivery_count,
            "action_trace_s": round(trace_s, 2),
            "action_send_notices_s": round(queue_s, 2),
            "mails_queued": len(mails),
            "sample_mails": len(sample),
            "sample_send_s": round(send_s, 2),
            "sample_notices_sent": len(notices.filtered(lambda n: n.state == "sent")),
            "mails_per_second": round(len(sample) / send_s, 2) if send_s else None,
            "extrapolated_queue_s": round(len(mails) * send_s / len(sample), 0) if sample else None,
        }
        cr.execute("ROLLBACK TO SAVEPOINT notices")
        return result


class SmtpSink:
    """A local SMTP server that accepts and counts every message (aiosmtpd)."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd: every SMTP command

        class Handler:
            count = 0

            async def handle_DATA(self, server, session, envelope):
                Handler.count += 1
                return "250 OK"

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.handler = Handler
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


def rss_probe(conf, db, method, lot_ids, company):
    """In a fresh process: RSS before and after one run (VmHWM cannot be reset)."""
    registry = start_odoo(conf, db)
    with environment(registry) as env:
        env["res.partner"].browse(1).name  # noqa: B018 (load the registry caches)
        env.cr.execute("SELECT 1")
        rss_before, hwm_before = rss_kib()
        start = time.perf_counter()
        if method == "ours":
            env["lot.trace"]._trace(lot_ids, company)
        else:
            env["stock.lot"].browse(lot_ids)._find_delivery_ids_by_lot()
        elapsed = time.perf_counter() - start
        rss_after, hwm_after = rss_kib()
        env.cr.rollback()
    print(
        json.dumps(
            {
                "rss_before_kib": rss_before,
                "hwm_before_kib": hwm_before,
                "rss_after_kib": rss_after,
                "hwm_after_kib": hwm_after,
                "peak_growth_kib": max(0, hwm_after - rss_before),
                "seconds": round(elapsed, 3),
            }
        )
    )


def measure_rss(conf, size, method, lot_ids, company):
    args = [sys.executable, os.path.abspath(__file__), "--size", size, "-c", conf]
    args += ["--rss-probe", method, "--lots", ",".join(map(str, lot_ids))]
    args += ["--company", str(company)]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", required=True, type=str.lower, choices=["s", "m", "l"])
    parser.add_argument("-c", "--conf", default=default_conf())
    parser.add_argument("--budget", type=float, default=100, help="seconds per measurement")
    parser.add_argument("--sample-mails", type=int, default=50)
    parser.add_argument("--skip-report", action="store_true")
    parser.add_argument("--skip-notices", action="store_true")
    parser.add_argument("--rss-probe", choices=["ours", "odoo_find"], help=argparse.SUPPRESS)
    parser.add_argument("--lots", help=argparse.SUPPRESS)
    parser.add_argument("--company", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    db = DB_PREFIX + args.size
    if args.rss_probe:
        lots = [int(x) for x in args.lots.split(",")]
        return rss_probe(args.conf, db, args.rss_probe, lots, args.company)

    registry = start_odoo(args.conf, db)
    output = {"size": args.size.upper(), "command": f"make bench SIZE={args.size.upper()}"}
    with environment(registry) as env:
        marker = env["ir.config_parameter"].get_param(MARKER_PARAM)
        if not marker:
            sys.exit(f"{db}: no dataset (run benchmarks/make_dataset.py --size {args.size})")
        info = json.loads(marker)
        # Planner statistics as autovacuum would have them by now on a live database.
        start = time.perf_counter()
        env.cr.execute("ANALYZE")
        env.cr.commit()
        output["analyze_seconds"] = round(time.perf_counter() - start, 1)
        output["machine"] = machine_facts(env.cr)
        output["dataset"] = {k: v for k, v in info.items() if k != "sample_raw_lots"}
        bench = Bench(env, info, args.budget)
        bench.on_result = lambda: save(output, args.size)
        print(f"{db}: {info['done_move_lines']} done move lines with a lot", flush=True)
        output["timings"] = bench.timings
        output["answers"] = bench.run_timings(args.skip_report)
        save(output, args.size)
        output["comparison"] = bench.compare(args.skip_report)
        output["index"] = bench.index_costs()
        save(output, args.size)
        sets = bench.lot_sets()
        output["explain_100_lots"] = bench.explain(sets["100 lots"])
        output["explain_hot_lot"] = bench.explain(sets["hot lot"])
        save(output, args.size)
        if not args.skip_notices:
            with SmtpSink() as sink:
                output["notices"] = bench.notices(args.sample_mails, sink.port)
                output["notices"]["smtp_sink_received"] = sink.handler.count
            save(output, args.size)
        env.cr.rollback()
    company = info["company_id"]
    output["rss"] = {
        f"{method} {label}": measure_rss(args.conf, args.size, method, sets[label], company)
        for method in ("ours", "odoo_find")
        for label in ("100 lots", "hot lot")
    }
    print(f"written {save(output, args.size)}")
    return None


def save(output, name):
    """Write ``output`` as ``results/<name>.json`` and return its path (run_benchmark writes it
    again after each step: a long run leaves partial results)."""
    os.makedirs(RESULTS, exist_ok=True)
    path = os.path.join(RESULTS, f"{name}.json")
    with open(path, "w", encoding="utf-8") as out:
        json.dump(output, out, indent=1, default=str)
        out.write("\n")
    return path


if __name__ == "__main__":
    sys.exit(main())
