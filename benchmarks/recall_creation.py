# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Recall creation as the user waits for it, next to the engine alone and Odoo's own method.

    .cache/venv/bin/python benchmarks/recall_creation.py --size M

On the dataset ``lot_recall_bench_<size>`` (built by ``make bench``), for 1 lot, 100 lots and
the hot lot: the wizard's preview (what the form computes while the user types), the wizard's
*Create Recall* end to end (recall traced, lines, notices, quarantine, chatter summary), a
re-trace with no change, the engine alone (``lot.trace._trace``) and Odoo's
``stock.lot._find_delivery_ids_by_lot()``. Medians of timed runs, each rolled back; with
each *Create Recall*, its ratio to the engine's time on the same lots (``engine_ratio``) and
the peak growth of this process's resident memory during its runs (``rss_growth_mib``).
Writes ``benchmarks/results/recall_creation_<size>.json``.

Everything runs in one transaction: the re-trace follows the creation of its recall in the
same transaction, so PostgreSQL checks again the foreign keys of the lot rows the creation
wrote (``_lot_recall_touch``); a re-trace in its own transaction, as in use, does not.
"""

import argparse
import json
import os

from common import DB_PREFIX, MARKER_PARAM, default_conf, environment, rss_kib, start_odoo
from run_benchmark import Bench, save


def reset_peak_rss():
    """Reset this process's peak resident memory (VmHWM) to its resident memory now, and
    return that (KiB)."""
    with open("/proc/self/clear_refs", "w", encoding="ascii") as clear_refs:
        clear_refs.write("5")
    return rss_kib()[0]


class RecallBench(Bench):
    def lot_sets(self):
        sample = self.info["sample_raw_lots"]
        return {"1 lot": sample[:1], "100 lots": sample[:100], "hot lot": [self.info["hot_lot"]]}

    def wizard(self, lot_ids, **values):
        return self.env["lot.recall.wizard"].create(
            {"lot_ids": [(6, 0, lot_ids)], "reason": "Benchmark", "company_id": self.company}
            | values
        )

    def preview(self, lot_ids):
        wizard = self.wizard(lot_ids)
        return wizard.preview_partner_count

    def create_recall(self, lot_ids):
        action = self.wizard(lot_ids, quarantine=True).action_confirm()
        self.env.flush_all()
        return action["res_id"]

    def retrace(self, lot_ids):
        self.env.invalidate_all()  # the last measured run was rolled back
        recall = self.env["lot.recall"].browse(self.create_recall(lot_ids))
        self.env.flush_all()
        self.env.invalidate_all()
        return lambda: (recall.action_trace(), self.env.flush_all())

    def run(self):
        for label, lot_ids in self.lot_sets().items():
            self.measure("engine", label, lambda ids=lot_ids: self.ours(ids))
            self.measure("odoo_find", label, lambda ids=lot_ids: self.odoo_find(ids), runs=3)
            self.measure("wizard_preview", label, lambda ids=lot_ids: self.preview(ids))
            before = reset_peak_rss()
            self.measure("wizard_create", label, lambda ids=lot_ids: self.create_recall(ids))
            create = self.timings["wizard_create"][label]
            # Peak resident memory during the runs (one recall created at a time, each rolled
            # back) above the resident memory before them.
            create["rss_growth_mib"] = round((rss_kib()[1] - before) / 1024, 1)
            create["engine_ratio"] = round(
                create["median_ms"] / self.timings["engine"][label]["median_ms"], 1
            )
            self.cr.execute("SAVEPOINT retrace_setup")
            retrace = self.retrace(lot_ids)
            self.measure("retrace_no_change", label, retrace)
            self.cr.execute("ROLLBACK TO SAVEPOINT retrace_setup")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="M")
    parser.add_argument("--budget", type=float, default=60)
    parser.add_argument("-c", "--conf", default=default_conf())
    args = parser.parse_args(argv)
    db = DB_PREFIX + args.size.lower()
    registry = start_odoo(args.conf, db)
    with environment(registry) as env:
        info = json.loads(env["ir.config_parameter"].sudo().get_param(MARKER_PARAM))
        bench = RecallBench(env, info, args.budget)
        bench.run()
        env.cr.rollback()
    output = {
        "size": args.size.upper(),
        "command": ".cache/venv/bin/python benchmarks/recall_creation.py --size "
        + args.size.upper(),
        "load_average": os.getloadavg(),
        "timings": bench.timings,
    }
    print(json.dumps(output, indent=2))
    print(f"written {save(output, f'recall_creation_{args.size.lower()}')}")


if __name__ == "__main__":
    main()
