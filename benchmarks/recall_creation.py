# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Recall creation as the user waits for it, next to the engine alone and Odoo's own method.

    .cache/venv/bin/python benchmarks/recall_creation.py --size M

On the dataset ``lot_recall_bench_<size>`` (built by ``make bench``), for 1 lot, 100 lots,
1000 lots and the hot lot: the wizard's preview (what the form computes while the user types),
the wizard's *Create Recall* end to end (recall traced, lines, notices, quarantine, chatter
summary), a re-trace with no change, the engine alone (``lot.trace._trace``;
``engine_both_ways``: then ``_trace_upstream`` of the lots it found, as a recall's trace does)
and Odoo's ``stock.lot._find_delivery_ids_by_lot()`` (not for 1000 lots). Medians of 5 timed
runs (15 for 1 lot) after 3 warm-up runs (Odoo's method: 3 after one), each rolled back, the
tables the creation writes vacuumed before each measurement; with each *Create Recall*, its
ratio to the engine's time on the same lots, of the medians (``engine_ratio``,
``engine_both_ways_ratio``) and paired (``..._paired``: the median of 5 rounds, each timing the
engine, the engine both ways and the creation one after the other), the peak growth of this
process's resident memory during its runs (``rss_growth_mib``) and the SQL statements of one
run (``queries``).
Everything runs as the administrator (a Recall Manager) in the dataset's company, access
rights and record rules checked, as when the user clicks. Writes
``benchmarks/results/recall_creation_<size>.json``.

The re-trace is measured as in use, in its own transaction on a recall created and committed
before: in a copy of the dataset's database (``lot_recall_bench_<size>_retrace``, made with
``CREATE DATABASE ... TEMPLATE`` and dropped at the end), so that the dataset is left as it
was. Everything else runs in one transaction, rolled back. (A re-trace in the transaction that
created its recall, measured before 18.0.1.3.0, is slower than in use: PostgreSQL checks again
the foreign keys of the rows this transaction wrote when it updates them.)
"""

import argparse
import json
import os
import statistics
import time

from common import DB_PREFIX, MARKER_PARAM, default_conf, environment, rss_kib, start_odoo
from run_benchmark import Bench, save

from odoo.modules.registry import Registry
from odoo.sql_db import close_db, db_connect
from odoo.tools import SQL, config

# Warm-up runs before the timed ones, as in a worker that has served requests before: the
# first runs of a process pay for caches Odoo fills once (Odoo's own method: one, it is slow).
WARMUPS = 3
# Timed runs of each measurement; more for the lot sets that take milliseconds, whose medians
# one slow moment of the machine moves most.
RUNS = 5
RUNS_FAST = 15
# Rounds of the paired ratios (engine, engine both ways, creation, one after the other).
PAIRED_ROUNDS = 5


def _server_cursor():
    """An autocommit cursor on the ``postgres`` database of the configured server."""
    cr = db_connect("postgres").cursor()
    cr._cnx.autocommit = True
    return cr


def copy_database(template, name):
    """``name``, a new copy of the database ``template`` (dropped first if it exists)."""
    drop_database(name)
    with _server_cursor() as cr:
        cr.execute(
            SQL(
                "CREATE DATABASE %s TEMPLATE %s STRATEGY FILE_COPY",
                SQL.identifier(name),
                SQL.identifier(template),
            )
        )


def drop_database(name):
    with _server_cursor() as cr:
        cr.execute(SQL("DROP DATABASE IF EXISTS %s", SQL.identifier(name)))


# Besides the addon's own tables (lot_recall*), the tables a recall's creation writes.
WRITTEN_TABLES = ("stock_lot", "mail_message", "mail_followers", "ir_cron_trigger")


def vacuum(dbname):
    """VACUUM the tables a recall's creation writes, in ``dbname``: before each measurement.

    Each run is rolled back, and leaves its rows dead in those tables: thousands of notices,
    lines and messages for the hot lot. The dead rows of earlier measurements slowed the later
    ones (in a profiling session, repeated creations of the hot lot grew from 0.7 s to 1.1 s),
    where a database in use is cleaned by autovacuum. Not before each run: a run just after a
    VACUUM was slower still (the hot lot 1.0 s, 100 lots 0.4 s: its statistics and pages just
    rewritten), which a worker in steady state does not meet at each click either.
    """
    with db_connect(dbname).cursor() as cr:
        cr._cnx.autocommit = True
        cr.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            " AND tablename LIKE 'lot\\_recall%%'"
        )
        tables = [row[0] for row in cr.fetchall()] + list(WRITTEN_TABLES)
        cr.execute(SQL("VACUUM %s", SQL(", ").join(SQL.identifier(table) for table in tables)))


def cpu_gauge_ms():
    """Milliseconds this machine takes for a fixed pure-Python loop (median of 3): the same
    loop took 510 to 800 ms on the shared virtual machine of benchmarks/README.md from one
    quarter of an hour to the next, and every timing here moves with it."""
    samples = []
    for _run in range(3):
        start = time.perf_counter()
        total = 0
        for number in range(5_000_000):
            total += number * number
        samples.append(time.perf_counter() - start)
    return round(statistics.median(samples) * 1000)


def reset_peak_rss():
    """Reset this process's peak resident memory (VmHWM) to its resident memory now, and
    return that (KiB)."""
    with open("/proc/self/clear_refs", "w", encoding="ascii") as clear_refs:
        clear_refs.write("5")
    return rss_kib()[0]


class RecallBench(Bench):
    def lot_sets(self):
        sample = self.info["sample_raw_lots"]
        return {
            "1 lot": sample[:1],
            "100 lots": sample[:100],
            "1000 lots": sample[:1000],
            "hot lot": [self.info["hot_lot"]],
        }

    def vacuum(self):
        self.cr.rollback()
        vacuum(self.cr.dbname)

    def wizard(self, lot_ids, **values):
        return self.env["lot.recall.wizard"].create(
            {"lot_ids": [(6, 0, lot_ids)], "reason": "Benchmark", "company_id": self.company}
            | values
        )

    def paired_ratios(self, lot_ids, rounds=PAIRED_ROUNDS):
        """*Create Recall* next to the engine on the same lots, each timed in turn within a
        round (the engine, the engine both ways, the creation in a transaction of its own): the
        medians, over the rounds, of the creation's time divided by each engine time of its
        round. The separate medians are measured minutes apart, and this machine's speed moves
        within minutes: their ratio moved with it."""
        ratios = {"engine": [], "engine_both_ways": []}
        for _round in range(rounds):
            times = {}
            for name, func in (
                ("engine", lambda: self.ours(lot_ids)),
                ("engine_both_ways", lambda: self.engine_both_ways(lot_ids)),
                ("create", lambda: self.create_recall(lot_ids)),
            ):
                self.cr.rollback()
                self.env.invalidate_all()
                start = time.perf_counter()
                func()
                times[name] = time.perf_counter() - start
                self.cr.rollback()
            for name, values in ratios.items():
                values.append(times["create"] / times[name])
        return {name: round(statistics.median(values), 1) for name, values in ratios.items()}

    def count_queries(self, func):
        """The SQL statements one run of ``func`` sends, in a transaction of its own rolled
        back: unlike its time, the same from one run, and one machine, to the next."""
        self.cr.rollback()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        func()
        count = self.cr.sql_log_count - before
        self.cr.rollback()
        return count

    def engine_both_ways(self, lot_ids):
        """The engine's whole work for a recall: the trace, then one step back from every lot
        it found (the supplier receipts behind them)."""
        Trace = self.env["lot.trace"]
        lots = Trace._trace(lot_ids, self.company)["lots"]
        return Trace._trace_upstream([row["lot_id"] for row in lots], self.company)

    def preview(self, lot_ids):
        wizard = self.wizard(lot_ids)
        return wizard.preview_partner_count

    def create_recall(self, lot_ids):
        action = self.wizard(lot_ids, quarantine=True).action_confirm()
        self.env.flush_all()
        return action["res_id"]

    def retrace(self, recall_id):
        recall = self.env["lot.recall"].browse(recall_id)
        return lambda: (recall.action_trace(), self.env.flush_all())

    def run_retrace(self):
        """The re-trace with no change of a recall of each lot set, created and committed
        first (in the copy of the dataset this bench runs on)."""
        for label, lot_ids in self.lot_sets().items():
            runs = RUNS_FAST if label == "1 lot" else RUNS
            recall_id = self.create_recall(lot_ids)
            self.cr.commit()
            self.vacuum()
            self.measure(
                "retrace_no_change",
                label,
                self.retrace(recall_id),
                runs=runs,
                own_transaction=True,
                warmups=WARMUPS,
            )
            # The lot sets overlap: cancelled, so that the next set's recall is not refused.
            self.env["lot.recall"].browse(recall_id).action_cancel()
            self.cr.commit()

    def run(self):
        for label, lot_ids in self.lot_sets().items():
            runs = RUNS_FAST if label == "1 lot" else RUNS
            self.measure(
                "engine", label, lambda ids=lot_ids: self.ours(ids), runs=runs, warmups=WARMUPS
            )
            self.measure(
                "engine_both_ways",
                label,
                lambda ids=lot_ids: self.engine_both_ways(ids),
                runs=runs,
                warmups=WARMUPS,
            )
            if label != "1000 lots":  # Odoo's method: about 80 s a run at L
                self.measure("odoo_find", label, lambda ids=lot_ids: self.odoo_find(ids), runs=3)
            self.measure(
                "wizard_preview",
                label,
                lambda ids=lot_ids: self.preview(ids),
                runs=runs,
                warmups=WARMUPS,
            )
            self.vacuum()
            before = reset_peak_rss()
            self.measure(
                "wizard_create",
                label,
                lambda ids=lot_ids: self.create_recall(ids),
                runs=runs,
                own_transaction=True,
                warmups=WARMUPS,
            )
            create = self.timings["wizard_create"][label]
            create["queries"] = self.count_queries(lambda ids=lot_ids: self.create_recall(ids))
            paired = self.paired_ratios(lot_ids)
            create["engine_ratio_paired"] = paired["engine"]
            create["engine_both_ways_ratio_paired"] = paired["engine_both_ways"]
            # Peak resident memory during the runs (one recall created at a time, each rolled
            # back) above the resident memory before them.
            create["rss_growth_mib"] = round((rss_kib()[1] - before) / 1024, 1)
            for engine in ("engine", "engine_both_ways"):
                create[f"{engine}_ratio"] = round(
                    create["median_ms"] / self.timings[engine][label]["median_ms"], 1
                )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="M")
    parser.add_argument("--budget", type=float, default=60)
    parser.add_argument("-c", "--conf", default=default_conf())
    args = parser.parse_args(argv)
    db = DB_PREFIX + args.size.lower()
    copy = f"{db}_retrace"
    config.parse_config(["-c", args.conf, "--log-level", "warn"])
    # The copy first: CREATE DATABASE ... TEMPLATE needs the dataset without connections.
    copy_database(db, copy)
    gauge_before = cpu_gauge_ms()
    registry = start_odoo(args.conf, db)
    with environment(registry) as env:
        info = json.loads(env["ir.config_parameter"].sudo().get_param(MARKER_PARAM))
        admin = env.ref("base.user_admin").id
    # As the user waits: the administrator, a Recall Manager, in the dataset's company, with
    # access rights and record rules checked (not the superuser, who skips them).
    as_user = {"uid": admin, "context": {"allowed_company_ids": [info["company_id"]]}}
    with environment(registry, **as_user) as env:
        bench = RecallBench(env, info, args.budget)
        bench.run()
        env.cr.rollback()
    copy_registry = Registry(copy)
    try:
        with environment(copy_registry, **as_user) as env:
            retrace_bench = RecallBench(env, info, args.budget)
            retrace_bench.timings = bench.timings
            retrace_bench.run_retrace()
    finally:
        Registry.delete(copy)
        close_db(copy)
        drop_database(copy)
    output = {
        "size": args.size.upper(),
        "command": ".cache/venv/bin/python benchmarks/recall_creation.py --size "
        + args.size.upper(),
        "load_average": os.getloadavg(),
        "cpu_gauge_ms": {"before": gauge_before, "after": cpu_gauge_ms()},
        "timings": bench.timings,
    }
    print(json.dumps(output, indent=2))
    print(f"written {save(output, f'recall_creation_{args.size.lower()}')}")


if __name__ == "__main__":
    main()
