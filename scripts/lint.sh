#!/usr/bin/env bash
# Lint the addon and the scripts around it: ruff (style, errors), pylint-odoo (Odoo rules), and
# the READMEs (valid reStructuredText; each addon's README.rst up to date with its readme/).
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
[ -x "$VENV/bin/ruff" ] || bash "$REPO_ROOT/scripts/setup.sh"
cd "$REPO_ROOT"
status=0
"$VENV/bin/ruff" check . || status=1
"$VENV/bin/ruff" format --check . || status=1
"$VENV/bin/pylint" --rcfile=.pylintrc lot_recall lot_recall_mrp || status=1
for addon in lot_recall lot_recall_mrp; do
    "$VENV/bin/python" scripts/addon_readme.py --check "$addon" || status=1
done
for rst in README.rst lot_recall/README.rst lot_recall_mrp/README.rst; do
    "$VENV/bin/python" -m docutils --halt=warning "$rst" /dev/null || status=1
done
[ $status -eq 0 ] && log "lint: clean" || log "lint: findings above"
exit $status
