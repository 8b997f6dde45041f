# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The recall PDF and the lot trace PDF as the user waits for them.

    .cache/venv/bin/python benchmarks/pdf_render.py --size M

Clones the benchmark database ``lot_recall_bench_<size>`` (built by ``make bench``) and its
filestore into a scratch database, updates ``lot_recall`` there (the code under test), starts a
real Odoo server on it (HTTP only: wkhtmltopdf fetches the report's CSS from it, as in
production, through the ``report.url`` parameter) and renders the reports in this process as
the admin user, as the print button does (``ir.actions.report._render_qweb_pdf``).

Cases: a recall of the sample lots reaching about ``--customers`` customers and a recall of the
hot lot (each created through the wizard in a savepoint, rolled back); the lot trace of one
lot and of the hot lot. Timed, each the median of ``--runs`` runs after a warm-up, ORM cache
emptied before each run: ``pdf`` (the print button, end to end), ``html`` (the QWeb render
alone, ``_render_qweb_html``) and ``wkhtmltopdf`` (``_run_wkhtmltopdf`` alone, on that HTML:
the subprocess, its HTTP requests for the assets, reading the PDF back). Each PDF is checked:
pages counted and every customer's name found in its text (pypdf). The scratch database is
dropped at the end unless ``--keep``. Writes ``benchmarks/results/pdf_render_<size>.json``.
"""

import argparse
import io
import json
import os
import shutil
import subprocess
import tempfile
import time

from common import (
    DB_PREFIX,
    MARKER_PARAM,
    default_conf,
    environment,
    odoo_command,
    serve,
    start_odoo,
    stop,
)
from run_benchmark import Bench, save

import odoo

RECALL_REPORT = "lot_recall.action_report_recall"
LOT_TRACE_REPORT = "lot_recall.action_report_lot_trace"
ADMIN = 2


def pg_admin(sql):
    """Run ``sql`` (CREATE/DROP DATABASE) outside a transaction, as Odoo connects."""
    with odoo.sql_db.db_connect("postgres").cursor() as cr:
        cr._cnx.autocommit = True
        cr.execute(sql)


def filestore(db):
    return odoo.tools.config.filestore(db)


def clone(source, db):
    """``db`` as a copy of ``source`` (retried while another session reads ``source``: a
    template database must have no other connection)."""
    drop(db)
    for attempt in range(60):
        try:
            pg_admin(f'CREATE DATABASE "{db}" TEMPLATE "{source}"')
            break
        except Exception:
            if attempt == 59:
                raise
            time.sleep(5)
    if os.path.isdir(filestore(source)):
        shutil.copytree(filestore(source), filestore(db))


def drop(db):
    odoo.sql_db.close_db(db)
    pg_admin(f'DROP DATABASE IF EXISTS "{db}"')
    shutil.rmtree(filestore(db), ignore_errors=True)


def start_server(conf, db, port, log):
    """A real Odoo server on ``db`` serving HTTP only (no cron thread)."""
    return serve(conf, db, port, log, ["--max-cron-threads", "0"])


def pdf_facts(content, names):
    """Pages of the PDF and the names (of ``names``) missing from its text."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    return {
        "pages": len(reader.pages),
        "bytes": len(content),
        "names_expected": len(names),
        "names_missing": sorted(name for name in names if name not in text)[:20],
    }


class PdfBench(Bench):
    def __init__(self, env, info, budget, customers, runs):
        super().__init__(env, info, budget)
        self.customers = customers
        self.runs = runs
        self.facts = {}

    def lots_reaching(self, customers):
        """The first sample lots whose deliveries reach at least ``customers`` customers."""
        chosen, reached = [], set()
        for lot_id in self.info["sample_raw_lots"]:
            chosen.append(lot_id)
            trace = self.env["lot.trace"]._trace([lot_id], self.company)
            reached.update(row["partner_id"] for row in trace["deliveries"])
            if len(reached) >= customers:
                break
        return chosen

    def create_recall(self, lot_ids):
        wizard = self.env["lot.recall.wizard"].create(
            {
                "lot_ids": [(6, 0, lot_ids)],
                "reason": "Benchmark: recall PDF",
                "company_id": self.company,
                "quarantine": False,
            }
        )
        recall = self.env["lot.recall"].browse(wizard.action_confirm()["res_id"])
        self.env.flush_all()
        return recall

    def measure_report(self, label, report_ref, res_ids, names):
        reports = self.env["ir.actions.report"]
        report = reports._get_report(report_ref)
        pdf = self.measure(
            "pdf", label, lambda: reports._render_qweb_pdf(report_ref, res_ids)[0], self.runs
        )
        self.measure(
            "html", label, lambda: reports._render_qweb_html(report_ref, res_ids)[0], self.runs
        )
        html = reports.with_context(debug=False)._render_qweb_html(report_ref, res_ids)[0]
        bodies, _ids, header, footer, paper_args = report.with_context(debug=False)._prepare_html(
            html, report_model=report.model
        )
        self.measure(
            "wkhtmltopdf",
            label,
            lambda: reports._run_wkhtmltopdf(
                bodies,
                report_ref=report_ref,
                header=header,
                footer=footer,
                specific_paperformat_args=paper_args,
            ),
            self.runs,
        )
        self.facts[label] = {"html_bytes": len(html)} | pdf_facts(pdf, names)
        print(f"  {label}: {self.facts[label]}", flush=True)

    def recall_case(self, label, lot_ids):
        self.cr.execute("SAVEPOINT pdf_case")
        recall = self.create_recall(lot_ids)
        names = set(recall.notice_ids.partner_id.mapped("display_name"))
        self.measure_report(label, RECALL_REPORT, recall.ids, names)
        self.facts[label] |= {
            "lots": len(lot_ids),
            "customers": recall.partner_count,
            "deliveries": recall.delivery_count,
            "affected_lots": recall.affected_lot_count,
        }
        self.cr.execute("ROLLBACK TO SAVEPOINT pdf_case")

    def lot_trace_case(self, label, lot_id):
        trace = self.env["lot.trace"]._trace([lot_id], self.company, include_derived=True)
        partners = self.env["res.partner"].browse(
            {row["partner_id"] for row in trace["deliveries"]}
        )
        self.measure_report(label, LOT_TRACE_REPORT, [lot_id], set(partners.mapped("display_name")))
        self.facts[label] |= {
            "customers": len(partners),
            "deliveries": len(trace["deliveries"]),
            "affected_lots": len(trace["lots"]),
        }

    def run(self, only=None):
        """Every case, or those whose label contains ``only``."""
        hot_lot = self.info["hot_lot"]
        cases = {
            f"recall, {self.customers} customers": lambda label: self.recall_case(
                label, self.lots_reaching(self.customers)
            ),
            "recall, hot lot": lambda label: self.recall_case(label, [hot_lot]),
            "lot trace, 1 lot": lambda label: self.lot_trace_case(
                label, self.info["sample_raw_lots"][0]
            ),
            "lot trace, hot lot": lambda label: self.lot_trace_case(label, hot_lot),
        }
        for label, case in cases.items():
            if not only or only in label:
                case(label)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="M")
    parser.add_argument("--customers", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--budget", type=float, default=120)
    parser.add_argument("--port", type=int, default=8375)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--reuse", action="store_true", help="reuse a kept scratch database")
    parser.add_argument("--db", help="the scratch database (default lot_recall_bench_<size>_pdf)")
    parser.add_argument("--only", help="run only the cases whose label contains this text")
    parser.add_argument("--output", help="results file name (default pdf_render_<size>)")
    parser.add_argument("-c", "--conf", default=default_conf())
    args = parser.parse_args(argv)
    source = DB_PREFIX + args.size.lower()
    db = args.db or f"{source}_pdf"
    odoo.tools.config.parse_config(["-c", args.conf, "--log-level", "warn"])
    if not (args.reuse and os.path.isdir(filestore(db))):
        clone(source, db)
    # The dataset may have been built with an older lot_recall: the code under test, please.
    subprocess.run(
        [*odoo_command(args.conf, db), "-u", "lot_recall", "--stop-after-init"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{args.port}"
    log = tempfile.NamedTemporaryFile(prefix="pdf_render_", suffix=".log", delete=False)
    print(f"server log: {log.name}", flush=True)
    server = None
    try:
        registry = start_odoo(args.conf, db)
        with environment(registry) as env:
            env["ir.config_parameter"].set_param("report.url", url)
            env.cr.commit()
        server, url = start_server(args.conf, db, args.port, log)
        with environment(registry, uid=ADMIN) as env:
            info = json.loads(env["ir.config_parameter"].sudo().get_param(MARKER_PARAM))
            bench = PdfBench(env, info, args.budget, args.customers, args.runs)
            env.cr.execute("ANALYZE")
            bench.run(args.only)
            env.cr.rollback()
        with open("/proc/loadavg", encoding="ascii") as loadavg:
            load = loadavg.read().split()[:3]
    finally:
        stop(server, log)
        if not args.keep:
            drop(db)
    output = {
        "size": args.size.upper(),
        "wkhtmltopdf": subprocess.run(
            ["wkhtmltopdf", "--version"], capture_output=True, text=True, check=False
        ).stdout.strip(),
        "load_average_after": load,
        "timings": bench.timings,
        "documents": bench.facts,
    }
    print(json.dumps(output, indent=2))
    print(f"written {save(output, args.output or f'pdf_render_{args.size.lower()}')}")


if __name__ == "__main__":
    main()
