#!/usr/bin/env bash
# Lint the addon and the scripts around it: ruff (style, errors) and pylint-odoo (Odoo rules).
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
[ -x "$VENV/bin/ruff" ] || bash "$REPO_ROOT/scripts/setup.sh"
cd "$REPO_ROOT"
status=0
"$VENV/bin/ruff" check . || status=1
"$VENV/bin/ruff" format --check . || status=1
"$VENV/bin/pylint" --rcfile=.pylintrc lot_recall lot_recall_mrp || status=1
[ $status -eq 0 ] && log "lint: clean" || log "lint: findings above"
exit $status
