# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Time the quarantine of thousands of lots: ``stock.lot._quarantine(reason)``, as a recall's
*Quarantine* button calls it, before and after it was made set-based.

Run inside the repo's venv on a benchmark database (``make bench SIZE=M`` builds it)::

    .cache/venv/bin/python benchmarks/quarantine.py --size M [--lots 5000] [--reserved 250] \\
        [--method both|before|after] [--runs 3] [--before-runs 1] [--profile FILE]

In one transaction, rolled back at the end: the first ``--lots`` lots of the first company
with stock in an internal location, of which ``--reserved`` are reserved by the pick leg of
open 2-step deliveries (one move of 2 units per lot, 10 moves per picking, reserved on that
lot). Then, as the admin user (chatter tracking on, as in the web client), the lots are
quarantined with the implementation ``before`` (the code of the previous commit, kept below
verbatim) and ``after`` (``_quarantine`` as installed). Each time is the median of ``--runs``
runs (``--before-runs`` for ``before``) after a warm-up run (fewer if the warm-up is slow,
``--budget``), each run rolled back; a run ends as the request would: flush, the precommit
hooks (the chatter tracking of tracked fields), flush.
Checked after a run of each: every lot quarantined with its reason, one chatter note per lot
with the reason, no reserved line left on a quarantined lot, the reserved moves assigned again
(on other lots) as far as stock allows: since 18.0.1.3.0 by the scheduled action the
quarantine triggers, which runs after its commit (timed apart: ``reassign_after_commit_ms``).
``--profile FILE`` writes a cProfile of one run of each method (``FILE.before``,
``FILE.after``) and prints its top functions.
Writes ``benchmarks/results/quarantine_<size>_<lots>_lots_<reserved>_reserved.json``.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time

from common import DB_PREFIX, MARKER_PARAM, default_conf, environment, start_odoo
from run_benchmark import Bench, save


def quarantine_before(lots, reason):
    """``stock.lot._quarantine`` as it was before (commit 28b699d), verbatim."""
    lots.sudo().write({"quarantined": True, "quarantine_reason": reason})
    reserved = (
        lots.env["stock.move.line"]
        .sudo()
        .search(
            [
                ("lot_id", "in", lots.ids),
                ("state", "not in", ("done", "cancel")),
                ("picked", "=", False),
                ("location_id.usage", "in", ("internal", "transit")),
            ]
        )
    )
    moves = reserved.move_id
    reserved.unlink()
    moves._action_assign()
    for lot in lots:
        lot.message_post(body=reason, subtype_xmlid="mail.mt_note")


def quarantine_after(lots, reason):
    lots._quarantine(reason)


METHODS = {"before": quarantine_before, "after": quarantine_after}


def setup(env, company_id, n_lots, n_reserved):
    """The lots to quarantine and the reservations on some of them; returns (lots, moves)."""
    cr = env.cr
    cr.execute(
        """
        SELECT q.lot_id, q.product_id, q.location_id, q.quantity
          FROM stock_quant q
          JOIN stock_location l ON l.id = q.location_id
          JOIN stock_lot lot ON lot.id = q.lot_id
         WHERE l.usage = 'internal' AND q.company_id = %s AND q.quantity >= 2
           AND q.reserved_quantity = 0 AND NOT lot.quarantined
         ORDER BY q.lot_id, q.id
        """,
        (company_id,),
    )
    quants = {}
    for lot_id, product_id, location_id, quantity in cr.fetchall():
        quants.setdefault(lot_id, (product_id, location_id, quantity))
        if len(quants) == n_lots:
            break
    lots = env["stock.lot"].browse(list(quants))
    warehouse = env["stock.warehouse"].search([("company_id", "=", company_id)], limit=1)
    pick_type = warehouse.pick_type_id
    customers = env["res.partner"].search([("ref", "=like", "C%")], limit=50, order="id")
    reserved_lots = list(quants)[:: max(1, len(quants) // max(1, n_reserved))][:n_reserved]
    pickings = env["stock.picking"].create(
        [
            {
                "picking_type_id": pick_type.id,
                "partner_id": customers[index % len(customers)].id,
                "location_id": warehouse.lot_stock_id.id,
                "location_dest_id": warehouse.wh_output_stock_loc_id.id,
                "move_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "bench quarantine",
                            "product_id": quants[lot_id][0],
                            "product_uom_qty": 2,
                            "location_id": warehouse.lot_stock_id.id,
                            "location_dest_id": warehouse.wh_output_stock_loc_id.id,
                        },
                    )
                    for lot_id in reserved_lots[index : index + 10]
                ],
            }
            for index in range(0, len(reserved_lots), 10)
        ]
    )
    moves = pickings.move_ids
    moves._action_confirm(merge=False)
    moves.move_line_ids.unlink()  # reserved at confirmation on other lots, maybe
    moves = moves.sorted("id")
    env["stock.move.line"].create(
        [
            {
                "move_id": move.id,
                "picking_id": move.picking_id.id,
                "product_id": move.product_id.id,
                "product_uom_id": move.product_uom.id,
                "lot_id": lot_id,
                "quantity": 2,
                "location_id": quants[lot_id][1],
                "location_dest_id": move.location_dest_id.id,
            }
            for move, lot_id in zip(moves, reserved_lots, strict=True)
        ]
    )
    env.flush_all()
    return lots, moves


def reassign_in_batches(env):
    """Run the scheduled action that reserves again the moves a quarantine released, batch
    after batch, as the scheduler does (without its commits)."""
    moves = env["stock.move"].sudo()
    while moves.search_count([("lot_recall_reassign", "=", True)]):
        moves._cron_lot_recall_reassign()
    env.flush_all()


def check(env, lots, moves, reason):
    env.flush_all()
    env.invalidate_all()
    lot_ids = tuple(lots.ids)
    cr = env.cr
    cr.execute(
        "SELECT COUNT(*) FROM stock_lot WHERE id IN %s AND quarantined AND quarantine_reason = %s",
        (lot_ids, reason),
    )
    quarantined = cr.fetchone()[0]
    cr.execute(
        "SELECT COUNT(DISTINCT res_id), COUNT(*) FROM mail_message WHERE model = 'stock.lot'"
        " AND res_id IN %s AND body LIKE %s",
        (lot_ids, f"%{reason}%"),
    )
    noted_lots, notes = cr.fetchone()
    cr.execute(
        "SELECT COUNT(*) FROM stock_move_line WHERE lot_id IN %s AND state NOT IN ('done',"
        " 'cancel')",
        (lot_ids,),
    )
    left = cr.fetchone()[0]
    cr.execute(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE m.state = 'assigned'),"
        " COALESCE(SUM(ml.quantity), 0) FROM stock_move m"
        " LEFT JOIN stock_move_line ml ON ml.move_id = m.id WHERE m.id IN %s",
        (tuple(moves.ids) or (0,),),
    )
    move_rows, assigned, reserved_again = cr.fetchone()
    return {
        "lots": len(lots),
        "quarantined_with_reason": quarantined,
        "lots_with_note": noted_lots,
        "notes": notes,
        "open_lines_left_on_lots": left,
        "moves": len(moves),
        "moves_assigned_again": assigned,
        "quantity_reserved_again": reserved_again,
        "move_rows": move_rows,
    }


def profile(env, func, path):
    env.cr.execute("SAVEPOINT bench_profile")
    env.invalidate_all()
    profiler = cProfile.Profile()
    profiler.enable()
    func()
    env.flush_all()
    profiler.disable()
    env.cr.execute("ROLLBACK TO SAVEPOINT bench_profile")
    profiler.dump_stats(path)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    print(out.getvalue())


def main(argv=None):  # noqa: PLR0915
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", required=True, type=str.lower, choices=["s", "m", "l"])
    parser.add_argument("-c", "--conf", default=default_conf())
    parser.add_argument("--lots", type=int, default=5000)
    parser.add_argument("--reserved", type=int, default=250)
    parser.add_argument("--method", choices=["both", "before", "after"], default="both")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--before-runs", type=int, default=1, help="timed runs of 'before'")
    parser.add_argument("--budget", type=float, default=300, help="seconds per measurement")
    parser.add_argument("--profile", help="write cProfile stats to FILE.<method>")
    args = parser.parse_args(argv)
    db = DB_PREFIX + args.size
    registry = start_odoo(args.conf, db)
    methods = ["before", "after"] if args.method == "both" else [args.method]
    output = {
        "size": args.size.upper(),
        "command": ".cache/venv/bin/python benchmarks/quarantine.py"
        f" --size {args.size.upper()} --lots {args.lots} --reserved {args.reserved}",
        "load_average": os.getloadavg(),
        "timings": {},
        "checks": {},
    }
    with environment(registry) as env:
        marker = env["ir.config_parameter"].get_param(MARKER_PARAM)
        if not marker:
            sys.exit(f"{db}: no dataset (run benchmarks/make_dataset.py --size {args.size})")
        info = json.loads(marker)
        company_id = info["company_id"]
        started = time.perf_counter()
        lots, moves = setup(env, company_id, args.lots, args.reserved)
        output["setup_seconds"] = round(time.perf_counter() - started, 1)
        output["lots"] = len(lots)
        output["reserved_moves"] = len(moves)
        print(f"{db}: {len(lots)} lots, {len(moves)} reserved moves", flush=True)
        # As the web client calls it: the admin user, with chatter tracking.
        user_env = env(
            user=env.ref("base.user_admin"), context={"allowed_company_ids": [company_id]}
        )
        user_lots = lots.with_env(user_env)
        reason = "Quarantined by recall BENCH/0001."
        bench = Bench(user_env, info, args.budget)
        bench.timings = output["timings"]
        for method in methods:
            func = METHODS[method]

            def run(func=func):
                func(user_lots, reason)
                # What the end of the request does before COMMIT: flush, then the precommit
                # hooks (chatter tracking of the tracked fields written), then flush again.
                user_env.flush_all()
                user_env.cr.precommit.run()
                user_env.flush_all()

            runs = args.before_runs if method == "before" else args.runs
            bench.measure(method, f"{len(lots)} lots", run, runs=runs)
            env.cr.execute("SAVEPOINT bench_check")
            env.invalidate_all()  # the cache still holds the values of the rolled back runs
            run()
            if method == "after":
                # The moves released are reserved again after the commit, by the scheduled
                # action the quarantine triggers: timed apart, as its batches run.
                started = time.perf_counter()
                reassign_in_batches(env)
                output["reassign_after_commit_ms"] = round(
                    (time.perf_counter() - started) * 1000, 1
                )
            output["checks"][method] = check(env, lots, moves, reason)
            env.cr.execute("ROLLBACK TO SAVEPOINT bench_check")
            print(f"  check {method}: {output['checks'][method]}", flush=True)
            if args.profile:
                profile(user_env, run, f"{args.profile}.{method}")
        env.cr.rollback()
    name = f"quarantine_{args.size}_{len(lots)}_lots_{len(moves)}_reserved"
    print(f"written {save(output, name)}")


if __name__ == "__main__":
    sys.exit(main())
