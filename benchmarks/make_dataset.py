# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fill a lot_recall benchmark database with a realistic, valid stock history, fast.

Master data (companies, warehouses, products, the recall mail server) is created through the ORM;
the volume (partners, lots, pickings, moves, move lines, manufacturing orders, consumption links,
quants) is generated in Python and loaded with COPY, with every column the ORM and Odoo's own
methods read filled as Odoo fills it. Run inside the repo's venv::

    python benchmarks/make_dataset.py --size M [-c .cache/odoo.conf]

The database ``lot_recall_bench_<size>`` must exist with ``lot_recall_mrp`` installed
(``scripts/bench.sh`` does both). A second run at the same size does nothing.

The shape of one *family* (one raw-material lot), about 44 done move lines:

- receipt of the raw lot from a supplier (WH/Stock), internal move to a shelf;
- 2 manufacturing orders consume it, each producing an intermediate lot (level 1);
- each intermediate lot goes into 2 manufacturing orders, with a premix lot, each producing a
  finished lot (level 2); one family in 4 turns a finished lot into a kit lot (level 3);
- each finished (or kit) lot leaves in 2-step deliveries (pick: Stock -> Output, ship: Output ->
  Customer, chained by ``move_orig_ids``); 1 delivery in 10 is partly returned by the customer;
  1 raw lot in 50 is partly returned to its supplier (an outgoing picking to a supplier location).

Premix lots are made (level 1) from ingredient lots; the *hot* ingredient lot feeds the premix of
enough finished lots to reach about 5,000 deliveries, each to another customer (fewer at size S).
One family in 20 belongs to a second company.
"""

import argparse
import io
import json
import random
import sys
import time
from datetime import datetime, timedelta

from common import DB_PREFIX, MARKER_PARAM, SIZES, default_conf, environment, start_odoo

CUSTOMERS = {"s": 2_000, "m": 10_000, "l": 20_000}
HOT_DELIVERIES = 5_000
LINES_PER_FAMILY = 44
START = datetime(2024, 1, 1, 8, 0, 0)


def _fmt(value):
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value)


class Table:
    """Rows of one table, loaded with COPY; ids handed out from the table's current maximum."""

    def __init__(self, cr, name, columns, with_id=True):
        self.name = name
        self.columns = columns
        self.rows = []
        self.with_id = with_id
        self.next_id = None
        if with_id:
            cr.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {name}")
            self.next_id = cr.fetchone()[0]

    def add(self, **values):
        row_id = None
        if self.with_id:
            row_id = values["id"] = self.next_id
            self.next_id += 1
        self.rows.append(tuple(values.get(col) for col in self.columns))
        return row_id

    def copy(self, cr):
        columns = (["id"] if self.with_id else []) + [c for c in self.columns if c != "id"]
        index = [self.columns.index(c) for c in columns]
        buf = io.StringIO()
        for row in self.rows:
            buf.write("\t".join(_fmt(row[i]) for i in index))
            buf.write("\n")
        buf.seek(0)
        cr._obj.copy_expert(f"COPY {self.name} ({', '.join(columns)}) FROM STDIN", buf)
        if self.with_id:
            cr.execute(f"SELECT setval('{self.name}_id_seq', (SELECT MAX(id) FROM {self.name}))")
        return len(self.rows)


AUDIT = ["create_uid", "write_uid", "create_date", "write_date"]


class Generator:
    def __init__(self, env, size, seed=8):
        self.env = env
        self.cr = env.cr
        self.size = size
        self.rng = random.Random(seed)
        self.target_lines = SIZES[size]
        self.now = datetime.now().replace(microsecond=0)

    @staticmethod
    def warehouse_ids(wh, shelf, code=None):
        """The ids the generator writes rows with, of a warehouse and its shelf."""
        production = wh.env["stock.location"].search(
            [("usage", "=", "production"), ("company_id", "=", wh.company_id.id)], limit=1
        )
        return {
            "wh": wh.id,
            "code": code or wh.code,
            "stock": wh.lot_stock_id.id,
            "shelf": shelf.id,
            "output": wh.wh_output_stock_loc_id.id,
            "production": production.id,
            "in": wh.in_type_id.id,
            "int": wh.int_type_id.id,
            "pick": wh.pick_type_id.id,
            "out": wh.out_type_id.id,
            "mo": wh.manu_type_id.id,
        }

    def init_tables(self):
        """Ids start after the current maximum: call once the master data exists."""
        cr = self.cr
        self.partners = Table(
            cr,
            "res_partner",
            ["id", "name", "complete_name", "commercial_partner_id", "email", "email_normalized",
             "active", "is_company", "type", "lang", "partner_share", "city", "ref", *AUDIT],
        )  # fmt: skip
        self.lots = Table(
            cr,
            "stock_lot",
            ["id", "name", "product_id", "product_uom_id", "company_id", "supplier_id",
             "receipt_date", "supplier_lot_ref", "quarantined", "is_recalled", *AUDIT],
        )  # fmt: skip
        self.pickings = Table(
            cr,
            "stock_picking",
            ["id", "name", "origin", "picking_type_id", "location_id", "location_dest_id",
             "move_type", "state", "partner_id", "company_id", "date", "date_done",
             "scheduled_date", "priority", "return_id", "is_locked", "printed", *AUDIT],
        )  # fmt: skip
        self.productions = Table(
            cr,
            "mrp_production",
            ["id", "name", "product_id", "product_qty", "product_uom_qty", "qty_producing",
             "product_uom_id", "picking_type_id", "location_src_id", "location_dest_id",
             "location_final_id", "production_location_id", "company_id", "consumption",
             "date_start", "date_finished", "state", "lot_producing_id", "priority", "is_locked",
             "user_id", "propagate_cancel", *AUDIT],
        )  # fmt: skip
        self.moves = Table(
            cr,
            "stock_move",
            ["id", "name", "product_id", "product_uom", "product_uom_qty", "product_qty",
             "quantity", "location_id", "location_dest_id", "location_final_id", "company_id",
             "state", "date", "picking_id", "picking_type_id", "procure_method", "partner_id",
             "reference", "origin", "raw_material_production_id", "production_id",
             "origin_returned_move_id", "picked", "is_done", "scrapped", "is_inventory",
             "additional", "priority", "sequence", "warehouse_id", "propagate_cancel",
             "unit_factor", "manual_consumption", *AUDIT],
        )  # fmt: skip
        self.lines = Table(
            cr,
            "stock_move_line",
            ["id", "move_id", "picking_id", "product_id", "product_uom_id", "lot_id",
             "quantity", "quantity_product_uom", "location_id", "location_dest_id",
             "company_id", "date", "state", "reference", "picked", "production_id",
             "supplier_lot_ref", *AUDIT],
        )  # fmt: skip
        self.quants = Table(
            cr,
            "stock_quant",
            ["id", "product_id", "location_id", "lot_id", "company_id", "quantity",
             "reserved_quantity", "in_date", "inventory_quantity_set", *AUDIT],
        )  # fmt: skip
        self.consume_rel = Table(
            cr, "stock_move_line_consume_rel", ["consume_line_id", "produce_line_id"], False
        )
        self.move_rel = Table(cr, "stock_move_move_rel", ["move_orig_id", "move_dest_id"], False)
        self.balance = {}  # (lot id, location id) -> quantity on hand (internal locations)
        self.lot_product = {}
        self.counters = {}
        self.hot_customer = 0

    # -- master data (ORM) -------------------------------------------------------------------

    def setup_master_data(self):
        env = self.env
        company1 = env.ref("base.main_company")
        company1.write({"name": "Bench Foods Inc.", "email": "recalls@bench-foods.example"})
        company2 = env["res.company"].search([("name", "=", "Bench Foods Europe")], limit=1)
        if not company2:
            company2 = env["res.company"].create(
                {
                    "name": "Bench Foods Europe",
                    "email": "recalls@bench-foods-eu.example",
                    # partner_autocomplete would call its web service
                    "iap_enrich_auto_done": True,
                }
            )
        env.user.company_ids = [(4, company2.id)]
        self.wh = {}
        for company in (company1, company2):
            wh = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
            if not wh:
                wh = env["stock.warehouse"].create(
                    {"name": "Europe", "code": "EU", "company_id": company.id}
                )
            wh.delivery_steps = "pick_ship"
            shelf = env["stock.location"].search(
                [("name", "=", "Shelf 1"), ("location_id", "=", wh.lot_stock_id.id)], limit=1
            ) or env["stock.location"].create(
                {"name": "Shelf 1", "location_id": wh.lot_stock_id.id, "company_id": company.id}
            )
            self.wh[company.id] = self.warehouse_ids(wh, shelf)
        self.companies = [company1.id, company2.id]
        self.customer_loc = env.ref("stock.stock_location_customers").id
        self.supplier_loc = env.ref("stock.stock_location_suppliers").id
        self.uom = env.ref("uom.product_uom_unit").id
        categ = env.ref("product.product_category_all").id

        def products(prefix, count):
            vals = [
                {
                    "name": f"{prefix} {i:03d}",
                    "default_code": f"{prefix[:3].upper()}{i:03d}",
                    "is_storable": True,
                    "tracking": "lot",
                    "categ_id": categ,
                }
                for i in range(count)
            ]
            return env["product.product"].create(vals).ids

        self.products = {
            "raw": products("Raw Material", 40),
            "ingredient": products("Ingredient", 10),
            "premix": products("Premix", 10),
            "intermediate": products("Intermediate", 40),
            "finished": products("Finished Good", 100),
            "kit": products("Kit", 20),
        }
        env["ir.mail_server"].search([("name", "=", "bench sink")]).unlink()
        env.flush_all()

    # -- helpers -----------------------------------------------------------------------------

    def _seq(self, key):
        self.counters[key] = self.counters.get(key, 0) + 1
        return self.counters[key]

    def _audit(self, date):
        return {"create_uid": 1, "write_uid": 1, "create_date": date, "write_date": date}

    def partner(self, name, email, ref):
        pid = self.partners.next_id
        self.partners.add(
            name=name, complete_name=name, commercial_partner_id=pid, email=email,
            email_normalized=email, active=True, is_company=True, type="contact", lang="en_US",
            partner_share=True, city="Springfield", ref=ref, **self._audit(self.now),
        )  # fmt: skip
        return pid

    def lot(self, prefix, product_id, company_id, date, supplier_id=None, supplier_ref=None):
        name = f"{prefix}{self._seq('lot-' + prefix):06d}"
        lot_id = self.lots.add(
            name=name, product_id=product_id, product_uom_id=self.uom, company_id=company_id,
            supplier_id=supplier_id, receipt_date=date if supplier_id else None,
            supplier_lot_ref=supplier_ref, quarantined=False, is_recalled=False,
            **self._audit(date),
        )  # fmt: skip
        self.lot_product[lot_id] = product_id
        return lot_id

    def picking(self, company_id, kind, src, dest, partner_id, date, origin=None, return_id=None):
        wh = self.wh[company_id]
        prefix = {"in": "IN", "int": "INT", "pick": "PICK", "out": "OUT"}[kind]
        name = f"{wh['code']}/{prefix}/B{self._seq((company_id, prefix)):07d}"
        picking_id = self.pickings.add(
            name=name, origin=origin, picking_type_id=wh[kind], location_id=src,
            location_dest_id=dest, move_type="direct", state="done", partner_id=partner_id,
            company_id=company_id, date=date, date_done=date, scheduled_date=date, priority="0",
            return_id=return_id, is_locked=True, printed=False, **self._audit(date),
        )  # fmt: skip
        return picking_id, name

    def move(self, company_id, lot_id, qty, src, dest, date, reference, picking_id=None,
             picking_type=None, partner_id=None, raw_mo=None, finished_mo=None, returned=None,
             supplier_ref=None):  # fmt: skip
        """One done move with one done move line of ``lot_id``; returns (move id, line id)."""
        product_id = self.lot_product[lot_id]
        wh = self.wh[company_id]
        move_id = self.moves.add(
            name=reference, product_id=product_id, product_uom=self.uom, product_uom_qty=qty,
            product_qty=qty, quantity=qty, location_id=src, location_dest_id=dest,
            company_id=company_id, state="done", date=date, picking_id=picking_id,
            picking_type_id=picking_type and wh[picking_type], procure_method="make_to_stock",
            partner_id=partner_id, reference=reference, origin=None,
            raw_material_production_id=raw_mo, production_id=finished_mo,
            origin_returned_move_id=returned, picked=True, is_done=True, scrapped=False,
            is_inventory=False, additional=False, priority="0", sequence=10,
            warehouse_id=wh["wh"], propagate_cancel=False, unit_factor=1.0,
            manual_consumption=False, **self._audit(date),
        )  # fmt: skip
        line_id = self.lines.add(
            move_id=move_id, picking_id=picking_id, product_id=product_id,
            product_uom_id=self.uom, lot_id=lot_id, quantity=qty, quantity_product_uom=qty,
            location_id=src, location_dest_id=dest, company_id=company_id, date=date,
            state="done", reference=reference, picked=True, production_id=finished_mo,
            supplier_lot_ref=supplier_ref, **self._audit(date),
        )  # fmt: skip
        for loc, sign in ((src, -1), (dest, 1)):
            if loc in self.internal_locations:
                key = (lot_id, loc, company_id)
                self.balance[key] = self.balance.get(key, 0) + sign * qty
        return move_id, line_id

    def receipt(self, company_id, lot_id, qty, supplier_id, date):
        picking_id, name = self.picking(
            company_id, "in", self.supplier_loc, self.wh[company_id]["stock"], supplier_id, date
        )
        return self.move(
            company_id, lot_id, qty, self.supplier_loc, self.wh[company_id]["stock"], date, name,
            picking_id, "in", supplier_id,
        )  # fmt: skip

    def manufacture(self, company_id, inputs, product_id, prefix, qty, date):
        """A done MO consuming ``inputs`` [(lot, qty, location)], producing a new lot."""
        wh = self.wh[company_id]
        name = f"{wh['code']}/MO/B{self._seq((company_id, 'MO')):07d}"
        lot_id = self.lot(prefix, product_id, company_id, date)
        mo_id = self.productions.add(
            name=name, product_id=product_id, product_qty=qty, product_uom_qty=qty,
            qty_producing=qty, product_uom_id=self.uom, picking_type_id=wh["mo"],
            location_src_id=wh["stock"], location_dest_id=wh["stock"], location_final_id=None,
            production_location_id=wh["production"], company_id=company_id,
            consumption="flexible", date_start=date, date_finished=date, state="done",
            lot_producing_id=lot_id, priority="0", is_locked=True, user_id=2,
            propagate_cancel=False, **self._audit(date),
        )  # fmt: skip
        raw_lines = [
            self.move(company_id, in_lot, in_qty, loc, wh["production"], date, name,
                      picking_type="mo", raw_mo=mo_id)[1]
            for in_lot, in_qty, loc in inputs
        ]  # fmt: skip
        _move, finished_line = self.move(
            company_id, lot_id, qty, wh["production"], wh["stock"], date, name,
            picking_type="mo", finished_mo=mo_id,
        )  # fmt: skip
        for raw_line in raw_lines:
            # Odoo: finished_line.consume_line_ids = raw lines (consume_line_id = finished line).
            self.consume_rel.add(consume_line_id=finished_line, produce_line_id=raw_line)
        return lot_id

    def deliver(self, company_id, lot_id, qty, customer_id, date):
        """A 2-step delivery (pick, then ship to the customer); 1 in 10 partly returned."""
        wh = self.wh[company_id]
        pick_id, pick_name = self.picking(
            company_id, "pick", wh["stock"], wh["output"], customer_id, date
        )
        pick_move, _line = self.move(
            company_id, lot_id, qty, wh["stock"], wh["output"], date, pick_name, pick_id, "pick",
            customer_id,
        )  # fmt: skip
        ship_date = date + timedelta(hours=2)
        out_id, out_name = self.picking(
            company_id, "out", wh["output"], self.customer_loc, customer_id, ship_date,
            origin=pick_name,
        )  # fmt: skip
        out_move, _line = self.move(
            company_id, lot_id, qty, wh["output"], self.customer_loc, ship_date, out_name, out_id,
            "out", customer_id,
        )  # fmt: skip
        self.move_rel.add(move_orig_id=pick_move, move_dest_id=out_move)
        if self.rng.random() < 0.1:
            back = ship_date + timedelta(days=3)
            ret_id, ret_name = self.picking(
                company_id, "in", self.customer_loc, wh["stock"], customer_id, back,
                origin=f"Return of {out_name}", return_id=out_id,
            )  # fmt: skip
            self.move(
                company_id, lot_id, min(2, qty), self.customer_loc, wh["stock"], back, ret_name,
                ret_id, "in", customer_id, returned=out_move,
            )  # fmt: skip

    def next_customer(self, hot):
        if hot:
            self.hot_customer += 1
            return self.customers[(self.hot_customer - 1) % len(self.customers)]
        return self.rng.choice(self.customers)

    # -- premix pools --------------------------------------------------------------------------

    def premix(self, company_id, hot, date):
        """A premix lot for one more finished MO: 20 MOs share one premix lot."""
        pool = self.pools.setdefault((company_id, hot), {"lot": None, "uses": 0})
        pool.setdefault("ingredient", None)
        if pool["lot"] is None or pool["uses"] >= 20:
            if hot:
                if self.hot_lot is None:
                    self.hot_lot = self.lot(
                        "HOT", self.products["ingredient"][0], company_id, date,
                        self.suppliers[0], "SUP-HOT-1",
                    )  # fmt: skip
                    self.receipt(company_id, self.hot_lot, 10_000, self.suppliers[0], date)
                ingredient = self.hot_lot
            else:
                if pool["ingredient"] is None or pool.get("ingredient_uses", 0) >= 2:
                    supplier = self.rng.choice(self.suppliers)
                    pool["ingredient"] = self.lot(
                        "ING", self.rng.choice(self.products["ingredient"][1:]), company_id, date,
                        supplier, f"SUP-ING-{self.rng.randrange(10**6)}",
                    )  # fmt: skip
                    pool["ingredient_uses"] = 0
                    self.receipt(company_id, pool["ingredient"], 200, supplier, date)
                pool["ingredient_uses"] += 1
                ingredient = pool["ingredient"]
            stock = self.wh[company_id]["stock"]
            pool["lot"] = self.manufacture(
                company_id, [(ingredient, 10 if hot else 100, stock)],
                self.rng.choice(self.products["premix"]), "PMX", 100, date,
            )  # fmt: skip
            pool["uses"] = 0
        pool["uses"] += 1
        return pool["lot"]

    # -- the families -------------------------------------------------------------------------

    def family(self, index, date):
        company_id = self.companies[1] if index % 20 == 19 else self.companies[0]
        wh = self.wh[company_id]
        supplier = self.rng.choice(self.suppliers)
        raw = self.lot(
            "RAW", self.rng.choice(self.products["raw"]), company_id, date, supplier,
            f"SUP-{index:07d}",
        )  # fmt: skip
        if company_id == self.companies[0]:
            self.raw_lots.append(raw)
        self.receipt(company_id, raw, 100, supplier, date)
        date += timedelta(hours=1)
        int_id, int_name = self.picking(company_id, "int", wh["stock"], wh["shelf"], None, date)
        self.move(company_id, raw, 100, wh["stock"], wh["shelf"], date, int_name, int_id, "int")
        if index % 50 == 7:
            ret_id, ret_name = self.picking(
                company_id, "out", wh["shelf"], self.supplier_loc, supplier, date,
                origin="Return to supplier",
            )  # fmt: skip
            self.move(
                company_id, raw, 10, wh["shelf"], self.supplier_loc, date, ret_name, ret_id,
                "out", supplier,
            )  # fmt: skip
        for _i in range(2):
            date += timedelta(hours=3)
            inter = self.manufacture(
                company_id, [(raw, 40, wh["shelf"])],
                self.rng.choice(self.products["intermediate"]), "INT", 50, date,
            )  # fmt: skip
            for _j in range(2):
                date += timedelta(hours=3)
                hot = company_id == self.companies[0] and self.hot_mos > 0
                if hot:
                    self.hot_mos -= 1
                premix = self.premix(company_id, hot, date)
                finished = self.manufacture(
                    company_id, [(inter, 20, wh["stock"]), (premix, 5, wh["stock"])],
                    self.rng.choice(self.products["finished"]), "FIN", 30, date,
                )  # fmt: skip
                for _k in range(3):
                    date += timedelta(hours=5)
                    self.deliver(company_id, finished, 8, self.next_customer(hot), date)
                if index % 4 == 0 and _i == 0 and _j == 0:
                    date += timedelta(hours=1)
                    kit = self.manufacture(
                        company_id, [(finished, 6, wh["stock"])],
                        self.rng.choice(self.products["kit"]), "KIT", 6, date,
                    )  # fmt: skip
                    for _k in range(2):
                        date += timedelta(hours=5)
                        self.deliver(company_id, kit, 3, self.next_customer(hot), date)

    def generate(self):
        self.init_tables()
        n_customers = CUSTOMERS[self.size]
        self.customers = [
            self.partner(f"Customer {i:05d}", f"customer{i:05d}@bench.example", f"C{i:05d}")
            for i in range(n_customers)
        ]
        self.suppliers = [
            self.partner(f"Supplier {i:03d}", f"supplier{i:03d}@bench.example", f"S{i:03d}")
            for i in range(max(20, n_customers // 100))
        ]
        families = max(1, self.target_lines // LINES_PER_FAMILY)
        # Finished MOs whose premix comes from the hot lot: 3 deliveries (+ kits) each.
        self.hot_mos = min(HOT_DELIVERIES // 3 + 1, families * 4 * 19 // 20 // 3)
        self.hot_lot = None
        self.pools = {}
        self.raw_lots = []
        self.internal_locations = {
            loc for wh in self.wh.values() for loc in (wh["stock"], wh["shelf"], wh["output"])
        }
        span = timedelta(days=700)
        for index in range(families):
            self.family(index, START + span * index / families)
        for (lot_id, location_id, company_id), qty in self.balance.items():
            if qty > 0:
                self.quants.add(
                    product_id=self.lot_product[lot_id], location_id=location_id, lot_id=lot_id,
                    company_id=company_id, quantity=qty, reserved_quantity=0, in_date=START,
                    inventory_quantity_set=False, **self._audit(self.now),
                )  # fmt: skip

    def load(self):
        counts = {}
        for table in (
            self.partners, self.lots, self.pickings, self.productions, self.moves, self.lines,
            self.consume_rel, self.move_rel, self.quants,
        ):  # fmt: skip
            start = time.perf_counter()
            counts[table.name] = table.copy(self.cr)
            print(
                f"  {table.name}: {counts[table.name]} rows in {time.perf_counter() - start:.1f} s",
                flush=True,
            )
        return counts


def verify(env, info):
    """Read a sample back through the ORM and Odoo's own methods; fail loudly if insane."""
    lot = env["stock.lot"].browse(info["sample_raw_lots"][0])
    deliveries = lot.delivery_ids
    assert deliveries, f"lot {lot.name}: Odoo finds no delivery"
    assert set(deliveries.mapped("picking_type_code")) <= {"outgoing"}, deliveries
    assert all(p.state == "done" and p.partner_id for p in deliveries)
    company = lot.company_id.id
    trace = env["lot.trace"]._trace(lot.ids, company)
    ours = {row["picking_id"] for row in trace["deliveries"]}
    assert ours and ours <= set(deliveries.ids) | ours, "trace finds no delivery"
    assert len(trace["lots"]) >= 7, trace["lots"]
    assert trace["upstream"] and trace["upstream"][0]["partner_id"] == lot.supplier_id.id
    lines = env["stock.traceability.report"].get_lines(
        model_name="stock.lot", model_id=lot.id, level=1
    )
    assert len(lines) >= 4 and any(line["is_used"] for line in lines), lines
    recall = env["lot.recall"].create(
        {"reason": "dataset check", "lot_ids": [(6, 0, lot.ids)], "company_id": company}
    )
    recall.action_trace()
    assert recall.partner_count >= 1 and recall.delivery_count == len(ours), (
        recall.partner_count,
        recall.delivery_count,
    )
    # Stock quantities as Odoo computes them agree with the quants loaded.
    assert lot.product_qty >= 0
    env.cr.rollback()
    return {
        "lot": lot.name,
        "odoo_deliveries": len(deliveries),
        "trace_deliveries": len(ours),
        "trace_lots": len(trace["lots"]),
    }


def build(conf, size):
    db = DB_PREFIX + size
    registry = start_odoo(conf, db)
    with environment(registry) as env:
        marker = env["ir.config_parameter"].get_param(MARKER_PARAM)
        if marker:
            print(f"{db}: dataset already built ({marker})")
            return json.loads(marker)
        started = time.perf_counter()
        gen = Generator(env, size)
        gen.setup_master_data()
        env.cr.commit()
        gen.generate()
        generated = time.perf_counter()
        print(f"generated in {generated - started:.1f} s; loading with COPY", flush=True)
        counts = gen.load()
        loaded = time.perf_counter()
        env.cr.commit()
        # Fresh planner statistics (committed: verify() rolls back what it does).
        env.cr.execute("ANALYZE")
        env.cr.commit()
        sample = gen.rng.sample(gen.raw_lots, min(1000, len(gen.raw_lots)))
        env.cr.execute(
            "SELECT COUNT(*) FROM stock_move_line WHERE state = 'done' AND lot_id IS NOT NULL"
        )
        info = {
            "size": size,
            "done_move_lines": env.cr.fetchone()[0],
            "counts": counts,
            "customers": len(gen.customers),
            "hot_lot": gen.hot_lot,
            "company_id": gen.companies[0],
            "sample_raw_lots": sample,
            "generate_seconds": round(generated - started, 1),
            "load_seconds": round(loaded - generated, 1),
        }
        info["verified"] = verify(env, info)
        info["build_seconds"] = round(time.perf_counter() - started, 1)
        env["ir.config_parameter"].set_param(MARKER_PARAM, json.dumps(info))
        env.cr.commit()
        print(json.dumps({k: v for k, v in info.items() if k != "sample_raw_lots"}, indent=1))
        return info


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", required=True, type=str.lower, choices=sorted(SIZES))
    parser.add_argument("-c", "--conf", default=default_conf())
    args = parser.parse_args(argv)
    build(args.conf, args.size)


if __name__ == "__main__":
    sys.exit(main())
