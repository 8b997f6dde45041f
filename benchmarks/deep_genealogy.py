# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Time the trace on a deep manufacturing genealogy: many levels, several lines per MO.

A walk that follows every path (not every lot) costs ``(width * lines) ** depth`` rows here;
a walk that visits each lot once costs ``depth * width + 1`` lots. Run inside the repo's venv on
any database with ``lot_recall_mrp`` installed (nothing is committed: the genealogy is built
in the transaction and rolled back)::

    .cache/venv/bin/python benchmarks/deep_genealogy.py -d lot_recall_bench_template \\
        [--levels 11] [--lines 4] [--width 1] [--depths 4,6,8,10,11] [--output FILE] \\
        [--addons-path /opt/odoo/addons,/tmp/before]   # time another lot_recall (README.md)

Shape: ``width`` lots per level; level 0 is received from a supplier; every lot of level
``i`` (1..levels) is made by one manufacturing order that consumes every lot of level ``i - 1``,
each in ``lines`` done move lines (into the production location), and produces the lot in one
done finished line linked to all of them (``stock_move_line_consume_rel``, as ``mrp`` links
them); every lot is delivered once to a customer. Only the rows the trace reads are written,
with SQL (``make_dataset.py`` builds the realistic datasets). Tracing the first lot of level
``levels - d`` walks ``d`` levels down. Each timing is the median of ``--runs`` runs after a
warm-up run (the warm-up alone when it took longer than ``--budget`` seconds); the answer
(lots, depths, via lines, deliveries) is checked against the genealogy built.
"""

import argparse
import json
import statistics
import sys
import time
from datetime import datetime

from common import default_conf, environment

DATE = datetime(2024, 1, 1, 8, 0, 0)


def start_odoo(conf, db, addons_path=None):
    """Like ``common.start_odoo``, optionally with another addons path (an older lot_recall)."""
    import odoo

    args = ["-c", conf, "-d", db, "--log-level", "warn"]
    if addons_path:
        args += ["--addons-path", addons_path]
    odoo.tools.config.parse_config(args)
    return odoo.modules.registry.Registry(db)


def build(env, levels, lines, width):
    """Write the genealogy; return (levels of lot ids, {lot id: (finished line id, its
    reference)})."""
    from odoo.tools import SQL

    cr = env.cr
    company = env.company
    product = env["product.product"].create(
        {"name": "Deep genealogy item", "is_storable": True, "tracking": "lot"}
    )
    wh = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    stock = wh.lot_stock_id.id
    production = product.with_company(company).property_stock_production.id
    supplier = env.ref("stock.stock_location_suppliers").id
    customers = env.ref("stock.stock_location_customers").id
    env.flush_all()

    def line(lot_id, src, dest, reference):
        [[line_id]] = env.execute_query(
            SQL(
                """INSERT INTO stock_move_line (product_id, product_uom_id, lot_id, quantity,
                       quantity_product_uom, location_id, location_dest_id, company_id, date,
                       state, reference, picked)
                   VALUES (%s, %s, %s, 1, 1, %s, %s, %s, %s, 'done', %s, true)
                   RETURNING id""",
                product.id,
                product.uom_id.id,
                lot_id,
                src,
                dest,
                company.id,
                DATE,
                reference,
            )
        )
        return line_id

    def lot(name):
        [[lot_id]] = env.execute_query(
            SQL(
                "INSERT INTO stock_lot (name, product_id, company_id) VALUES (%s, %s, %s)"
                " RETURNING id",
                name,
                product.id,
                company.id,
            )
        )
        return lot_id

    tag = f"DG{int(time.time())}"
    lot_levels = [[lot(f"{tag}-0-{k}") for k in range(width)]]
    via = {}
    for lot_id in lot_levels[0]:
        line(lot_id, supplier, stock, f"{tag}/IN/{lot_id}")
    for level in range(1, levels + 1):
        current = []
        for k in range(width):
            lot_id = lot(f"{tag}-{level}-{k}")
            reference = f"{tag}/MO/{level}-{k}"
            consumed = [
                line(component, stock, production, reference)
                for component in lot_levels[-1]
                for _ in range(lines)
            ]
            finished = line(lot_id, production, stock, reference)
            cr.execute(
                SQL(
                    "INSERT INTO stock_move_line_consume_rel (consume_line_id, produce_line_id)"
                    " SELECT %s, unnest(%s::integer[])",
                    finished,
                    consumed,
                )
            )
            via[lot_id] = (finished, reference)
            current.append(lot_id)
        lot_levels.append(current)
    for level in lot_levels:
        for lot_id in level:
            line(lot_id, stock, customers, f"{tag}/OUT/{lot_id}")
    return lot_levels, via


def check(result, lot_levels, via, start_level):
    """The answer for the first lot of ``start_level``: every lot below it once, right depth."""
    start = lot_levels[start_level][0]
    expected = {start: (0, None)}
    for level in range(start_level + 1, len(lot_levels)):
        for lot_id in lot_levels[level]:
            expected[lot_id] = (level - start_level, via[lot_id])
    got = {
        row["lot_id"]: (
            row["depth"],
            row["via_move_line_id"] and (row["via_move_line_id"], row["via_reference"]),
        )
        for row in result["lots"]
    }
    assert len(got) == len(result["lots"]), "a lot is listed twice"
    assert got == expected, f"lots differ: {got} != {expected}"
    for row in result["lots"]:
        if row["depth"]:
            assert row["parent_lot_id"] in lot_levels[start_level + row["depth"] - 1]
    assert len(result["deliveries"]) == len(expected), "one delivery per lot expected"


def measure(env, lot_ids, runs, budget):
    samples = []
    result = None
    for attempt in range(runs + 1):
        env.invalidate_all()
        start = time.perf_counter()
        result = env["lot.trace"]._trace(lot_ids, env.company.id)
        elapsed = time.perf_counter() - start
        if attempt:
            samples.append(elapsed)
        elif elapsed > budget:
            samples.append(elapsed)
            break
    return statistics.median(samples) * 1000, len(samples), result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", "--database", default="lot_recall_bench_template")
    parser.add_argument("-c", "--conf", default=default_conf())
    parser.add_argument("--levels", type=int, default=11)
    parser.add_argument("--lines", type=int, default=4, help="move lines per component lot")
    parser.add_argument("--width", type=int, default=1, help="lots per level")
    parser.add_argument("--depths", help="comma-separated depths to time (default: 1..levels)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--budget", type=float, default=10, help="seconds: no more runs above")
    parser.add_argument("--output", help="also write the timings to this JSON file")
    parser.add_argument(
        "--addons-path", help="instead of the configuration's (e.g. to time an older lot_recall)"
    )
    args = parser.parse_args(argv)
    depths = (
        [int(d) for d in args.depths.split(",")] if args.depths else list(range(1, args.levels + 1))
    )
    registry = start_odoo(args.conf, args.database, args.addons_path)
    output = {
        "database": args.database,
        "levels": args.levels,
        "lines": args.lines,
        "width": args.width,
        "addons_path": args.addons_path,
        "timings": [],
    }
    with environment(registry) as env:
        started = time.perf_counter()
        lot_levels, via = build(env, args.levels, args.lines, args.width)
        output["build_seconds"] = round(time.perf_counter() - started, 2)
        print(
            f"{args.database}: {args.levels} levels x {args.width} lots, {args.lines} lines per"
            f" component lot: built in {output['build_seconds']} s",
            flush=True,
        )
        print(f"{'depth':>5} {'lots':>6} {'paths':>21} {'median ms':>11} {'runs':>4}")
        for depth in depths:
            start_level = args.levels - depth
            median_ms, runs, result = measure(
                env, [lot_levels[start_level][0]], args.runs, args.budget
            )
            check(result, lot_levels, via, start_level)
            paths = sum((args.width * args.lines) ** d for d in range(depth + 1))
            entry = {
                "depth": depth,
                "lots": len(result["lots"]),
                "paths": paths if paths < 10**15 else float(paths),
                "median_ms": round(median_ms, 2),
                "runs": runs,
            }
            output["timings"].append(entry)
            shown = f"{paths:,}" if paths < 10**15 else f"{paths:.2e}"
            print(f"{depth:>5} {entry['lots']:>6} {shown:>21} {median_ms:>11.2f} {runs:>4}")
            sys.stdout.flush()
        env.cr.rollback()
    if args.output:
        with open(args.output, "w", encoding="utf-8") as out:
            json.dump(output, out, indent=1)
            out.write("\n")
        print(f"written {args.output}")


if __name__ == "__main__":
    sys.exit(main())
