#!/usr/bin/env bash
# Build the installable odoo-addon-lot_recall wheel the way OCA ships addons (whool backend).
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
[ -x "$VENV/bin/pip" ] || bash "$REPO_ROOT/scripts/setup.sh"
"$VENV/bin/pip" wheel --no-deps --wheel-dir "$REPO_ROOT/dist" "$REPO_ROOT/lot_recall"
ls "$REPO_ROOT"/dist/odoo_addon_lot_recall-*.whl
