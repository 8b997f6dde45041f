# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Time the lot margin report of lot_recall_account (``lot.margin.report``) over 10^5 lots.

Needs a database of its own with ``lot_recall_account`` and ``sale_stock`` installed (the
report's revenue part runs only with Sales); the trace benchmarks' databases
(``lot_recall_bench_<size>``) are not used. For example::

    .cache/venv/bin/python odoo-bin -c .cache/odoo.conf -d lot_recall_h16_bench \\
        -i lot_recall_account,sale_stock --without-demo=all --stop-after-init
    .cache/venv/bin/python benchmarks/lot_margin.py -d lot_recall_h16_bench [--lots 100000] \\
        [--products 100] [--runs 5]

The dataset is built once (``ir.config_parameter`` ``lot_recall_account.bench_margin_lots``
records it; a second run reuses it), set-based: a few template records through the ORM (a
receipt of a lot at a price, a sale order delivered from that lot and invoiced), then each
template row copied once per lot by one ``INSERT ... SELECT ... FROM generate_series`` per
table, with the lot's own product, lot, quantities, prices and links:

- ``--products`` lot-tracked products (FIFO), the first half valued by lot (``lot_valuated``);
- per lot: a receipt of 10 units (move, move line, incoming valuation layer, at 10.00 to
  14.00 a unit), a delivery of 6 to a customer (move, move line, outgoing layer), one lot in
  10 returned (1 unit);
- one delivery in 2 from a sale line, invoiced (invoice line and ``sale_order_line_invoice_rel``;
  the template's invoice holds all the invoice lines: a dataset, not accounting).

Timed as the admin user (an Inventory Administrator: the company rule applies), each the
median of ``--runs`` runs after a warm-up, cache emptied: the whole report read
(``search_fetch`` of every row and field), the list's first page (``web_search_read`` as the
list view asks it: 80 rows and the count), the pivot (``read_group`` by product), the XLSX
export of every row, and one lot's cost on its form. Writes
``benchmarks/results/lot_margin_<lots>.json``.
"""

import argparse
import json
import sys
import time

from common import default_conf, environment, start_odoo
from run_benchmark import Bench, save

MARKER = "lot_recall_account.bench_margin_lots"
RECEIPT_QTY = 10
DELIVERY_QTY = 6
SALE_PRICE = 20.0
TABLES = (
    "stock_lot",
    "stock_move_line",
    "stock_valuation_layer",
    "sale_order_line",
    "account_move_line",
)


def reserve_ids(cr, table, count):
    """The first of ``count`` new ids of ``table``, its sequence moved past them."""
    cr.execute(f"SELECT nextval('{table}_id_seq')")
    start = cr.fetchone()[0]
    cr.execute(f"SELECT setval('{table}_id_seq', %s)", [start + count - 1])
    return start


def copy_rows(cr, table, template_id, count, overrides):
    """Copy row ``template_id`` of ``table`` ``count`` times in one INSERT; ``overrides``:
    {column: SQL expression of ``g.i`` (1..count) and the template row ``t``}. The copies get
    consecutive ids from the returned first id (copy ``i`` is ``first + i - 1``)."""
    cr.execute(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_name = %s AND column_name <> 'id' ORDER BY ordinal_position",
        [table],
    )
    columns = [row[0] for row in cr.fetchall()]
    unknown = set(overrides) - set(columns)
    if unknown:
        raise ValueError(f"{table} has no columns {sorted(unknown)}")
    start = reserve_ids(cr, table, count)
    names = ", ".join(f'"{column}"' for column in columns)
    values = ", ".join(overrides.get(column, f't."{column}"') for column in columns)
    cr.execute(
        f"INSERT INTO {table} (id, {names}) SELECT {start} + g.i - 1, {values}"
        f" FROM {table} t, generate_series(1, {count}) AS g(i) WHERE t.id = %s",
        [template_id],
    )
    return start


def templates(env, n_products):
    """The master data and one receipt, delivery, sale line and invoice line to copy."""
    company = env.company
    category = env["product.category"].create(
        {
            "name": "Bench lot costs",
            "property_cost_method": "fifo",
            "property_valuation": "manual_periodic",
        }
    )
    products = env["product.product"].create(
        [
            {
                "name": f"Bench Lot Product {index:03d}",
                "is_storable": True,
                "tracking": "lot",
                "categ_id": category.id,
                "lot_valuated": index < n_products // 2,
                "list_price": SALE_PRICE,
            }
            for index in range(n_products)
        ]
    )
    supplier, customer = env["res.partner"].create(
        [{"name": "Bench Supplier", "is_company": True}, {"name": "Bench Customer"}]
    )
    warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    product = products[0]
    receipt = env["stock.picking"].create(
        {
            "picking_type_id": warehouse.in_type_id.id,
            "partner_id": supplier.id,
            "move_ids": [
                (
                    0,
                    0,
                    {
                        "name": product.name,
                        "product_id": product.id,
                        "product_uom_qty": RECEIPT_QTY,
                        "product_uom": product.uom_id.id,
                        "price_unit": 10.0,
                        "location_id": warehouse.in_type_id.default_location_src_id.id,
                        "location_dest_id": warehouse.lot_stock_id.id,
                    },
                )
            ],
        }
    )
    receipt.action_confirm()
    receipt.move_ids.move_line_ids.unlink()
    env["stock.move.line"].create(
        {
            "move_id": receipt.move_ids.id,
            "picking_id": receipt.id,
            "product_id": product.id,
            "lot_name": "BENCH-TEMPLATE",
            "quantity": RECEIPT_QTY,
            "location_id": receipt.location_id.id,
            "location_dest_id": receipt.location_dest_id.id,
        }
    )
    receipt.move_ids.picked = True
    receipt.button_validate()
    lot = receipt.move_line_ids.lot_id
    order = env["sale.order"].create(
        {
            "partner_id": customer.id,
            "order_line": [
                (
                    0,
                    0,
                    {
                        "product_id": product.id,
                        "product_uom_qty": DELIVERY_QTY,
                        "price_unit": SALE_PRICE,
                        "tax_id": False,
                    },
                )
            ],
        }
    )
    order.action_confirm()
    delivery = order.picking_ids
    delivery.move_ids.move_line_ids.unlink()
    env["stock.move.line"].create(
        {
            "move_id": delivery.move_ids.id,
            "picking_id": delivery.id,
            "product_id": product.id,
            "lot_id": lot.id,
            "quantity": DELIVERY_QTY,
            "location_id": delivery.location_id.id,
            "location_dest_id": delivery.location_dest_id.id,
        }
    )
    delivery.move_ids.picked = True
    delivery.button_validate()
    invoice = order._create_invoices()
    invoice.action_post()
    env.flush_all()
    return {
        "products": products.ids,
        "lot": lot.id,
        "receipt_move": receipt.move_ids.id,
        "receipt_line": receipt.move_line_ids.id,
        "receipt_layer": receipt.move_ids.stock_valuation_layer_ids.id,
        "delivery_move": delivery.move_ids.id,
        "delivery_line": delivery.move_line_ids.id,
        "delivery_layer": delivery.move_ids.stock_valuation_layer_ids.id,
        "sale_line": order.order_line.id,
        "invoice_line": invoice.invoice_line_ids.id,
    }


def build(env, n_lots, n_products):
    """The dataset (see the module docstring), committed."""
    start = time.perf_counter()
    tpl = templates(env, n_products)
    cr = env.cr
    products = "ARRAY[{}]::int[]".format(",".join(str(pid) for pid in tpl["products"]))
    n = len(tpl["products"])
    product = f"({products})[mod(g.i - 1, {n}) + 1]"
    lot_valuated = f"(mod(g.i - 1, {n}) < {n // 2})"
    price = "(10 + mod(g.i, 5))::numeric"
    lots = copy_rows(
        cr,
        "stock_lot",
        tpl["lot"],
        n_lots,
        {"name": "'BL' || lpad(g.i::text, 7, '0')", "product_id": product},
    )
    lot = f"({lots} + g.i - 1)"

    def move_columns(quantity, extra=None):
        return {
            "product_id": product,
            "product_uom_qty": str(quantity),
            "product_qty": str(quantity),
            "quantity": str(quantity),
            "picking_id": "NULL",
            **(extra or {}),
        }

    def line_columns(move_start, quantity, extra=None):
        return {
            "product_id": product,
            "move_id": f"({move_start} + g.i - 1)",
            "lot_id": lot,
            "lot_name": "NULL",
            "quantity": str(quantity),
            "quantity_product_uom": str(quantity),
            "picking_id": "NULL",
            **(extra or {}),
        }

    def layer_columns(move_start, quantity, remaining):
        return {
            "product_id": product,
            "stock_move_id": f"({move_start} + g.i - 1)",
            "lot_id": f"CASE WHEN {lot_valuated} THEN {lot} END",
            "quantity": str(quantity),
            "unit_cost": price,
            "value": f"{quantity} * {price}",
            "remaining_qty": str(remaining),
            "remaining_value": f"{remaining} * {price}",
        }

    receipts = copy_rows(
        cr,
        "stock_move",
        tpl["receipt_move"],
        n_lots,
        move_columns(RECEIPT_QTY, {"price_unit": price}),
    )
    copy_rows(
        cr, "stock_move_line", tpl["receipt_line"], n_lots, line_columns(receipts, RECEIPT_QTY)
    )
    copy_rows(
        cr,
        "stock_valuation_layer",
        tpl["receipt_layer"],
        n_lots,
        layer_columns(receipts, RECEIPT_QTY, RECEIPT_QTY - DELIVERY_QTY),
    )
    # Sale lines and invoice lines of every second lot's delivery.
    n_sales = n_lots // 2
    sale_lines = copy_rows(
        cr,
        "sale_order_line",
        tpl["sale_line"],
        n_sales,
        {"product_id": f"({products})[mod(2 * g.i - 1, {n}) + 1]"},
    )
    invoice_lines = copy_rows(
        cr,
        "account_move_line",
        tpl["invoice_line"],
        n_sales,
        {"product_id": f"({products})[mod(2 * g.i - 1, {n}) + 1]"},
    )
    cr.execute(
        "INSERT INTO sale_order_line_invoice_rel (invoice_line_id, order_line_id)"
        " SELECT %s + g.i - 1, %s + g.i - 1 FROM generate_series(1, %s) AS g(i)",
        [invoice_lines, sale_lines, n_sales],
    )
    sale_line = f"CASE WHEN mod(g.i, 2) = 0 THEN {sale_lines} + g.i / 2 - 1 END"
    deliveries = copy_rows(
        cr,
        "stock_move",
        tpl["delivery_move"],
        n_lots,
        move_columns(DELIVERY_QTY, {"sale_line_id": sale_line, "price_unit": price}),
    )
    copy_rows(
        cr, "stock_move_line", tpl["delivery_line"], n_lots, line_columns(deliveries, DELIVERY_QTY)
    )
    copy_rows(
        cr,
        "stock_valuation_layer",
        tpl["delivery_layer"],
        n_lots,
        layer_columns(deliveries, -DELIVERY_QTY, 0),
    )
    # One lot in 10 comes back from the customer (1 unit): lots 10, 20, ...
    n_returns = n_lots // 10
    returned = {
        "product_id": f"({products})[mod(10 * g.i - 1, {n}) + 1]",
        "location_id": "t.location_dest_id",
        "location_dest_id": "t.location_id",
        "sale_line_id": f"{sale_lines} + 5 * g.i - 1",
        "product_uom_qty": "1",
        "product_qty": "1",
        "quantity": "1",
        "picking_id": "NULL",
    }
    returns = copy_rows(cr, "stock_move", tpl["delivery_move"], n_returns, returned)
    copy_rows(
        cr,
        "stock_move_line",
        tpl["delivery_line"],
        n_returns,
        {
            "product_id": returned["product_id"],
            "move_id": f"({returns} + g.i - 1)",
            "lot_id": f"({lots} + 10 * g.i - 1)",
            "location_id": "t.location_dest_id",
            "location_dest_id": "t.location_id",
            "quantity": "1",
            "quantity_product_uom": "1",
            "picking_id": "NULL",
        },
    )
    for table in (*TABLES, "stock_move", "sale_order_line_invoice_rel"):
        cr.execute(f"ANALYZE {table}")
    env["ir.config_parameter"].set_param(MARKER, str(n_lots))
    env.invalidate_all()
    cr.commit()
    return round(time.perf_counter() - start, 1)


def counts(env):
    cr = env.cr
    result = {}
    for table in TABLES:
        cr.execute(f"SELECT count(*) FROM {table}")
        result[table] = cr.fetchone()[0]
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("-c", "--conf", default=default_conf())
    parser.add_argument("--lots", type=int, default=100_000)
    parser.add_argument("--products", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    registry = start_odoo(args.conf, args.database)
    from odoo.tools import SQL

    output = {"database": args.database, "lots": args.lots}
    with environment(registry) as env:
        built = env["ir.config_parameter"].get_param(MARKER)
        if built and int(built) != args.lots:
            sys.exit(f"{args.database} holds a dataset of {built} lots, not {args.lots}")
        if not built:
            print(f"building {args.lots} lots ...", flush=True)
            output["build_s"] = build(env, args.lots, args.products)
        output["rows"] = counts(env)
    admin = 2
    with environment(registry, uid=admin) as env:
        Report = env["lot.margin.report"]
        fields = [name for name, field in Report._fields.items() if field.store]
        bench = Bench(env, {"company_id": env.company.id}, budget=120)
        all_rows = bench.measure(
            "report", "all rows", lambda: len(Report.search_fetch([], fields)), runs=args.runs
        )
        spec = {name: {} for name in fields}
        for name in ("lot_id", "product_id", "company_id", "uom_id", "currency_id"):
            spec[name] = {"fields": {"display_name": {}}}
        bench.measure(
            "report",
            "list page",
            lambda: Report.web_search_read([], spec, limit=80),
            runs=args.runs,
        )
        bench.measure(
            "report",
            "pivot",
            lambda: Report._read_group(
                [],
                ["product_id"],
                ["quantity_sold:sum", "cost_of_goods:sum", "revenue:sum", "margin:sum"],
            ),
            runs=args.runs,
        )
        bench.measure("report", "xlsx", lambda: len(Report._lot_margin_xlsx([])), runs=args.runs)
        lot = env["stock.lot"].search([("name", "=", "BL0050001")])
        bench.measure("lot form", "unit cost", lambda: lot.actual_unit_cost, runs=args.runs)
        env.cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", Report._table_query))
        output["explain_report"] = "\n".join(row[0] for row in env.cr.fetchall())
        output["report_rows"] = all_rows
        output["timings"] = bench.timings
        sample = Report.search([("lot_id", "=", lot.id)])
        output["sample"] = sample.read(
            ["quantity_sold", "unit_cost", "cost_of_goods", "revenue", "margin", "cost_basis"]
        )
    print(json.dumps(output["timings"], indent=1))
    print("wrote", save(output, f"lot_margin_{args.lots}"))


if __name__ == "__main__":
    main()
