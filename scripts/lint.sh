#!/usr/bin/env bash
# Lint the addon and the scripts around it: ruff (style, errors), pylint-odoo (OCA's mandatory
# checks for 18.0, .pylintrc), OCA's odoo-pre-commit-hooks (oca-checks-odoo-module on the XML,
# CSV, manifest and data files; oca-checks-po on the translation templates) and the READMEs
# (valid reStructuredText; each addon's README.rst up to date with its readme/).
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
[ -x "$VENV/bin/ruff" ] || bash "$REPO_ROOT/scripts/setup.sh"
ADDONS=(lot_recall lot_recall_mrp lot_recall_pos lot_recall_account lot_recall_queue)
# odoo-pre-commit-hooks requires polib 1.2 while Odoo pins polib 1.1.1: it gets a venv of its own.
OCA_HOOKS_VENV="${LOT_RECALL_OCA_HOOKS_VENV:-$CACHE_DIR/venv-oca-hooks}"

ensure_oca_hooks() {
    local req="$REPO_ROOT/requirements-oca-hooks.txt" stamp="$OCA_HOOKS_VENV/.lot_recall-stamp" want
    want="$(sha1sum <"$req" | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return 0
    fi
    log "installing OCA's odoo-pre-commit-hooks in $OCA_HOOKS_VENV"
    [ -x "$OCA_HOOKS_VENV/bin/python" ] || "$PY" -m venv "$OCA_HOOKS_VENV"
    "$OCA_HOOKS_VENV/bin/pip" install -q --disable-pip-version-check -r "$req" ||
        die "pip install -r requirements-oca-hooks.txt failed"
    echo "$want" >"$stamp"
}

cd "$REPO_ROOT"
ensure_oca_hooks
status=0
"$VENV/bin/ruff" check . || status=1
"$VENV/bin/ruff" format --check . || status=1
"$VENV/bin/pylint" --rcfile=.pylintrc "${ADDONS[@]}" || status=1
"$OCA_HOOKS_VENV/bin/oca-checks-odoo-module" "${ADDONS[@]}" || status=1
mapfile -t po_files < <(find "${ADDONS[@]}" -path '*/i18n/*' \( -name '*.po' -o -name '*.pot' \) | sort)
if [ ${#po_files[@]} -gt 0 ]; then
    "$OCA_HOOKS_VENV/bin/oca-checks-po" "${po_files[@]}" || status=1
fi
for addon in "${ADDONS[@]}"; do
    "$VENV/bin/python" scripts/addon_readme.py --check "$addon" || status=1
done
for rst in README.rst lot_recall/README.rst lot_recall_mrp/README.rst lot_recall_pos/README.rst lot_recall_account/README.rst lot_recall_queue/README.rst; do
    "$VENV/bin/python" -m docutils --halt=warning "$rst" /dev/null || status=1
done
[ $status -eq 0 ] && log "lint: clean" || log "lint: findings above"
exit $status
