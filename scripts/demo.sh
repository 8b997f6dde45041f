#!/usr/bin/env bash
# Set everything up, create the demo database once (lot_recall and its demo data), then serve it.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
source "$REPO_ROOT/scripts/setup.sh"

DEMO_DB="${LOT_RECALL_DEMO_DB:-lot_recall_demo}"
ODOO=("$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$CACHE_DIR/odoo.conf")
export PGHOST="$DB_HOST" PGPORT="$DB_PORT" PGUSER="$DB_USER"
[ -n "$DB_PASSWORD" ] && export PGPASSWORD="$DB_PASSWORD"

installed=$(psql -d "$DEMO_DB" -tAc \
    "SELECT 1 FROM ir_module_module WHERE name = 'lot_recall' AND state = 'installed'" 2>/dev/null || true)
if [ "$installed" != "1" ]; then
    log "creating the demo database '$DEMO_DB' with lot_recall and demo data"
    "${ODOO[@]}" -d "$DEMO_DB" -i lot_recall --stop-after-init --log-level warn
else
    log "reusing the demo database '$DEMO_DB' (updating lot_recall)"
    "${ODOO[@]}" -d "$DEMO_DB" -u lot_recall --stop-after-init --log-level warn
fi
log "Odoo is starting on http://127.0.0.1:$ODOO_HTTP_PORT  (login admin / password admin; Ctrl+C stops it)"
exec "${ODOO[@]}" -d "$DEMO_DB" --db-filter "^${DEMO_DB}\$"
