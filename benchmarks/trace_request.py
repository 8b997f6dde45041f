# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A traceability request for one product over one year, as the user waits for its Export.

    .cache/venv/bin/python benchmarks/trace_request.py --db lr_req_l [-c .cache/odoo.conf]

On a copy of the dataset ``lot_recall_bench_<size>`` (built by ``make bench``) whose
``lot_recall`` was updated to a version with ``lot.trace.request`` (``CREATE DATABASE <copy>
TEMPLATE lot_recall_bench_<size> STRATEGY FILE_COPY``, then ``odoo-bin -d <copy> -u
lot_recall --stop-after-init``): the dataset itself is never changed. The product with the
most done move lines and the one most shipped to customers, each over the last full year of
the data, as the admin user (a Recall
Manager): the events read (one query per kind, ``_trace_events``), the FSMA 204 spreadsheet
alone and the EPCIS document alone (each reading the records of the rows), and *Export* end
to end (both files built and attached, the request marked answered). Medians of timed runs,
each rolled back. Writes ``benchmarks/results/trace_request_<size>.json``.
"""

import argparse
import json
import os
from datetime import date

from common import MARKER_PARAM, default_conf, environment, start_odoo
from run_benchmark import Bench, save

from odoo.tools import SQL

ADMIN_UID = 2


class TraceRequestBench(Bench):
    def scopes(self):
        """``{label: (product id, its done lines, first day, last day)}``: the product with the
        most done move lines, and the one with the most shipped to customers, over the last
        full year of the data."""
        scopes = {}
        for label, condition in (
            ("most lines", SQL("TRUE")),
            ("most shipped", SQL("dest.usage = 'customer'")),
        ):
            [[product_id, lines, last]] = self.env.execute_query(
                SQL(
                    "SELECT ml.product_id, COUNT(*), MAX(ml.date) FROM stock_move_line ml"
                    " JOIN stock_location dest ON dest.id = ml.location_dest_id"
                    " WHERE ml.state = 'done' AND ml.company_id = %s AND %s"
                    " GROUP BY ml.product_id ORDER BY COUNT(*) DESC LIMIT 1",
                    self.company,
                    condition,
                )
            )
            year = last.year - 1
            scopes[label] = (product_id, lines, date(year, 1, 1), date(year, 12, 31))
        return scopes

    def run(self):
        return {label: self.run_scope(label, *scope) for label, scope in self.scopes().items()}

    def run_scope(self, label, product_id, lines, date_from, date_to):
        request = self.env["lot.trace.request"].create(
            {
                "product_ids": [(6, 0, [product_id])],
                "date_from": date_from,
                "date_to": date_to,
                "company_id": self.company,
            }
        )
        self.cr.commit()
        try:
            events = self.measure("events", label, request._trace_events)
            # Each builder alone, with an empty cache: it reads the records of the rows itself.
            xlsx = self.env["lot.trace.request.xlsx"]
            _content, gaps = self.measure(
                "xlsx",
                label,
                lambda: xlsx._request_xlsx(request, events, request._event_records(events)),
            )
            epcis = self.env["lot.trace.request.epcis"]
            self.measure(
                "epcis",
                label,
                lambda: epcis._document(request, events, request._event_records(events)),
            )
            self.measure("export", label, lambda: (request.action_export(), self.env.flush_all()))
            return {
                "product_id": product_id,
                "product_done_lines": lines,
                "date_from": str(date_from),
                "date_to": str(date_to),
                "rows": {kind: len(rows) for kind, rows in events.items()},
                "gaps": gaps,
            }
        finally:
            # Every export was rolled back: the request is still open, and may go.
            request.sudo().unlink()
            self.cr.commit()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True, help="a copy of a dataset, updated (see above)")
    parser.add_argument("--budget", type=float, default=60)
    parser.add_argument("-c", "--conf", default=default_conf())
    args = parser.parse_args(argv)
    registry = start_odoo(args.conf, args.db)
    with environment(registry, uid=ADMIN_UID) as env:
        info = json.loads(env["ir.config_parameter"].sudo().get_param(MARKER_PARAM))
        bench = TraceRequestBench(env, info, args.budget)
        scope = bench.run()
    output = {
        "db": args.db,
        "done_move_lines": info["done_move_lines"],
        "command": f".cache/venv/bin/python benchmarks/trace_request.py --db {args.db}",
        "load_average": os.getloadavg(),
        "scope": scope,
        "timings": bench.timings,
    }
    print(json.dumps(output, indent=2))
    path = save(output, "trace_request_" + info["size"].lower())
    print(f"written {path}")


if __name__ == "__main__":
    main()
