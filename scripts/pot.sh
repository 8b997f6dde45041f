#!/usr/bin/env bash
# Regenerate the translation template from a scratch database with lot_recall installed.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
source "$REPO_ROOT/scripts/setup.sh"
export PGHOST="$DB_HOST" PGPORT="$DB_PORT" PGUSER="$DB_USER"
[ -n "$DB_PASSWORD" ] && export PGPASSWORD="$DB_PASSWORD"
POT_DB=lot_recall_pot
dropdb --if-exists "$POT_DB"
ODOO=("$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$CACHE_DIR/odoo.conf" -d "$POT_DB")
"${ODOO[@]}" -i lot_recall --without-demo=all --stop-after-init --log-level warn
"${ODOO[@]}" --i18n-export="$REPO_ROOT/lot_recall/i18n/lot_recall.pot" --modules=lot_recall \
    --stop-after-init --log-level warn
dropdb "$POT_DB"
log "wrote lot_recall/i18n/lot_recall.pot"
