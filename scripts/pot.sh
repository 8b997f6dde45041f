#!/usr/bin/env bash
# Regenerate each addon's translation template (ADDON/i18n/ADDON.pot) from a scratch database
# with the addons installed without demo data (demo records would add their terms).
# LOT_RECALL_POT_DB names the scratch database (default lot_recall_pot): it is dropped first
# and at the end.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
source "$REPO_ROOT/scripts/setup.sh"
export PGHOST="$DB_HOST" PGPORT="$DB_PORT" PGUSER="$DB_USER"
[ -n "$DB_PASSWORD" ] && export PGPASSWORD="$DB_PASSWORD"
POT_DB="${LOT_RECALL_POT_DB:-lot_recall_pot}"
ADDONS=(lot_recall lot_recall_mrp lot_recall_pos lot_recall_account lot_recall_queue)
dropdb --if-exists "$POT_DB"
ODOO=("$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$CACHE_DIR/odoo.conf" -d "$POT_DB")
"${ODOO[@]}" -i "$(IFS=,; echo "${ADDONS[*]}")" --without-demo=all --stop-after-init --log-level warn
for addon in "${ADDONS[@]}"; do
    mkdir -p "$REPO_ROOT/$addon/i18n"
    "${ODOO[@]}" --i18n-export="$REPO_ROOT/$addon/i18n/$addon.pot" --modules="$addon" \
        --stop-after-init --log-level warn
    log "wrote $addon/i18n/$addon.pot"
done
dropdb "$POT_DB"
