# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Time Odoo's slow lot screens as lot_recall answers them, against Odoo's own computation.

The screens: the lot form of the hot lot (its *Transfers* button, ``delivery_count``, and
``last_delivery_partner_id``), the *Transfers* button itself (``action_lot_open_transfers``,
``delivery_ids``) and a list of 80 serial numbers with the *Transfer to* column
(``last_delivery_partner_id``). Run inside the repo's venv once ``make_dataset.py`` built the
database (``make bench SIZE=M`` does)::

    .cache/venv/bin/python benchmarks/lot_screens.py --size M [-c .cache/odoo.conf] [--runs 5]

The datasets have no serial numbers: 80 serial numbers are added first, in the transaction,
with the generator of ``make_dataset.py`` (receipts, 2-step deliveries, customer returns and
deliveries again to another customer, returns to the vendor, serial numbers consumed by a
manufacturing order whose kit lot is delivered, serial numbers still in stock); everything is
rolled back at the end.

Both methods go through the same ORM path, ``web_read()`` of the screen's fields with an empty
cache: ``ours`` as installed, ``odoo`` with lot_recall's overrides stepping aside (they then
call ``super()``, i.e. stock's compute methods and ``_find_delivery_ids_by_lot()``). Each time
is the median of ``--runs`` runs after a warm-up run. The answers (picking ids, counts,
partners) of both are compared. Writes ``benchmarks/results/lot_screens_<size>.json``.
"""

import argparse
import json
import sys
import time
from datetime import timedelta
from unittest.mock import patch

from common import DB_PREFIX, MARKER_PARAM, default_conf, environment, start_odoo
from make_dataset import START, Generator
from run_benchmark import Bench, save

SERIALS = 80
FORM = {
    "name": {},
    "product_id": {"fields": {"display_name": {}}},
    "delivery_count": {},
    "last_delivery_partner_id": {"fields": {"display_name": {}}},
}
LIST = {
    "name": {},
    "ref": {},
    "product_id": {"fields": {"display_name": {}}},
    "create_date": {},
    "company_id": {"fields": {"display_name": {}}},
    "last_delivery_partner_id": {"fields": {"display_name": {}}},
}


def attach(gen, env, company_id):
    """Point the dataset generator at the existing master data (no write)."""
    company = env["res.company"].browse(company_id)
    wh = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    shelf = env["stock.location"].search(
        [("name", "=", "Shelf 1"), ("location_id", "=", wh.lot_stock_id.id)], limit=1
    )
    # picking names of their own: SNB/OUT/B0000001...
    gen.wh = {company.id: Generator.warehouse_ids(wh, shelf, code="SNB")}
    gen.companies = [company.id]
    gen.customer_loc = env.ref("stock.stock_location_customers").id
    gen.supplier_loc = env.ref("stock.stock_location_suppliers").id
    gen.uom = env.ref("uom.product_uom_unit").id
    gen.init_tables()
    gen.internal_locations = {wh.lot_stock_id.id, shelf.id, wh.wh_output_stock_loc_id.id}
    partners = env.execute_query_dict(
        env["res.partner"]._search([("ref", "=like", "C%")], limit=400, order="id").select("id")
    )
    gen.customers = [row["id"] for row in partners]
    partners = env.execute_query_dict(
        env["res.partner"]._search([("ref", "=like", "S%")], limit=20, order="id").select("id")
    )
    gen.suppliers = [row["id"] for row in partners]


def add_serials(env, size, company_id, count=SERIALS):
    """``count`` serial numbers with a realistic history; returns their ids (in list order)."""
    gen = Generator(env, size, seed=13)
    attach(gen, env, company_id)
    products = (
        env["product.product"]
        .create(
            [
                {"name": f"Bench Appliance {i}", "is_storable": True, "tracking": "serial"}
                for i in range(4)
            ]
        )
        .ids
    )
    kit = (
        env["product.product"]
        .create({"name": "Bench Appliance Kit", "is_storable": True, "tracking": "lot"})
        .id
    )
    env.flush_all()
    wh = gen.wh[company_id]
    serials = []
    date = START + timedelta(days=720)
    for index in range(count):
        date += timedelta(hours=7)
        supplier = gen.suppliers[index % len(gen.suppliers)]
        lot_id = gen.lot("SN", products[index % len(products)], company_id, date, supplier)
        serials.append(lot_id)
        gen.receipt(company_id, lot_id, 1, supplier, date)
        if index % 10 == 9:
            continue  # still in stock
        if index % 8 == 5:
            # Built into a kit, which leaves in two deliveries.
            kit_lot = gen.manufacture(
                company_id, [(lot_id, 1, wh["stock"])], kit, "SNKIT", 2, date + timedelta(days=1)
            )
            for turn in range(2):
                gen.deliver(
                    company_id,
                    kit_lot,
                    1,
                    gen.next_customer(False),
                    date + timedelta(days=2 + turn),
                )
            continue
        first = gen.next_customer(False)
        gen.deliver(company_id, lot_id, 1, first, date + timedelta(days=1))
        if index % 4 == 1 or index % 10 == 3:
            # The customer sends it back; it goes to another customer, or back to the vendor.
            back = date + timedelta(days=5)
            ret_id, ret_name = gen.picking(
                company_id, "in", gen.customer_loc, wh["stock"], first, back
            )
            gen.move(
                company_id, lot_id, 1, gen.customer_loc, wh["stock"], back, ret_name, ret_id,
                "in", first,
            )  # fmt: skip
            later = back + timedelta(days=2)
            if index % 10 == 3:
                out_id, out_name = gen.picking(
                    company_id, "out", wh["stock"], gen.supplier_loc, supplier, later
                )
                gen.move(
                    company_id, lot_id, 1, wh["stock"], gen.supplier_loc, later, out_name,
                    out_id, "out", supplier,
                )  # fmt: skip
            else:
                gen.deliver(company_id, lot_id, 1, gen.next_customer(False), later)
    gen.load()
    env.invalidate_all()
    return serials


class Screens:
    def __init__(self, env):
        self.env = env
        self.lot_model = type(env["stock.lot"])
        from odoo.addons.lot_recall.models.stock_lot import StockLot

        self.ours_class = StockLot

    def odoo(self):
        """Inside: lot_recall's overrides call super(), i.e. Odoo's own computation."""
        return patch.object(self.ours_class, "_lot_recall_overrides_stock", return_value=False)

    def form(self, lot_ids):
        return self.env["stock.lot"].browse(lot_ids).web_read(FORM)

    def button(self, lot_ids):
        return self.env["stock.lot"].browse(lot_ids).action_lot_open_transfers()

    def list(self, lot_ids):
        return self.env["stock.lot"].browse(lot_ids).web_read(LIST)

    def answers(self, lot_ids):
        self.env.invalidate_all()
        lots = self.env["stock.lot"].browse(lot_ids)
        return {
            lot.id: (
                sorted(lot.delivery_ids.ids),
                lot.delivery_count,
                lot.last_delivery_partner_id.id,
            )
            for lot in lots
        }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", required=True, type=str.lower, choices=["s", "m", "l"])
    parser.add_argument("-c", "--conf", default=default_conf())
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--budget", type=float, default=100, help="seconds per measurement")
    args = parser.parse_args(argv)
    db = DB_PREFIX + args.size
    registry = start_odoo(args.conf, db)
    output = {
        "size": args.size.upper(),
        "command": f".cache/venv/bin/python benchmarks/lot_screens.py --size {args.size.upper()}",
        "timings": {},
    }
    with environment(registry) as env:
        marker = env["ir.config_parameter"].get_param(MARKER_PARAM)
        if not marker:
            sys.exit(f"{db}: no dataset (run benchmarks/make_dataset.py --size {args.size})")
        info = json.loads(marker)
        output["done_move_lines"] = info["done_move_lines"]
        started = time.perf_counter()
        serials = add_serials(env, args.size, info["company_id"])
        output["serials_seconds"] = round(time.perf_counter() - started, 2)
        env.cr.execute("ANALYZE stock_lot, stock_move_line, stock_picking")
        screens = Screens(env)
        bench = Bench(env, info, args.budget)
        bench.timings = output["timings"]
        hot = [info["hot_lot"]]
        cases = [
            ("form, hot lot", screens.form, hot),
            ("Transfers button, hot lot", screens.button, hot),
            (f"list, {len(serials)} serial numbers", screens.list, serials),
        ]
        print(f"{db}: {info['done_move_lines']} done move lines", flush=True)
        for label, func, lot_ids in cases:
            bench.measure("ours", label, lambda f=func, ids=lot_ids: f(ids), runs=args.runs)
            with screens.odoo():
                bench.measure("odoo", label, lambda f=func, ids=lot_ids: f(ids), runs=args.runs)
        comparison = {}
        for label, lot_ids in (("hot lot", hot), ("serial numbers", serials)):
            ours = screens.answers(lot_ids)
            with screens.odoo():
                odoo = screens.answers(lot_ids)
            comparison[label] = {
                "lots": len(lot_ids),
                "same": ours == odoo,
                "deliveries": sum(len(value[0]) for value in ours.values()),
                "with_partner": sum(1 for value in ours.values() if value[2]),
                "differences": [
                    [lot_id, ours[lot_id], odoo[lot_id]]
                    for lot_id in lot_ids
                    if ours[lot_id] != odoo[lot_id]
                ][:5],
            }
            print(f"  same answers, {label}: {comparison[label]['same']}", flush=True)
        output["comparison"] = comparison
        env.cr.rollback()
    print(f"written {save(output, f'lot_screens_{args.size}')}")


if __name__ == "__main__":
    sys.exit(main())
