# lot_recall developer commands. Odoo is taken from ODOO_SRC (default /opt/odoo).
.PHONY: demo test lint setup pot readme wheel clean

demo:  ## set up everything, create lot_recall_demo once, serve it on http://127.0.0.1:8069
	bash scripts/demo.sh

test:  ## lint, then every Odoo test of the addon and the outside-in pytest suite
	bash scripts/test.sh

lint:  ## ruff, pylint-odoo (OCA mandatory checks), oca-checks-odoo-module, oca-checks-po
	bash scripts/lint.sh

setup:  ## system packages, Odoo source, venv, PostgreSQL, odoo.conf
	bash scripts/setup.sh

pot:  ## regenerate lot_recall and lot_recall_mrp i18n/*.pot from an installed database
	bash scripts/pot.sh

readme:  ## write each addon's README.rst from its readme/ fragments
	python3 scripts/addon_readme.py lot_recall lot_recall_mrp lot_recall_pos lot_recall_account lot_recall_queue

wheel:  ## build the odoo-addon-lot_recall wheel into dist/
	bash scripts/wheel.sh

clean:  ## stop the private PostgreSQL cluster and delete .cache (venv, databases, logs)
	bash scripts/clean.sh

.PHONY: bench
SIZE ?= S
bench:  ## benchmark the trace and notices against Odoo's own tracing: make bench SIZE=S|M|L|all
	bash scripts/bench.sh $(SIZE)

.PHONY: bench-fanout
CUSTOMERS ?= 5000
JOBS ?= 0
bench-fanout:  ## notice fan-out end to end (Send Notices -> SMTP sink) on the SIZE dataset: make bench-fanout SIZE=M [JOBS=2]
	bash scripts/bench_fanout.sh $(SIZE) $(CUSTOMERS) $(JOBS)
