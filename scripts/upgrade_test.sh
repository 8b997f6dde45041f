#!/usr/bin/env bash
# Upgrade test: build a database with the released lot_recall 18.0.1.0.0 (commit 359b578) and its
# demo data, trace a real recall through a manufacturing step, then upgrade it with the current
# code (-u lot_recall) and check that nothing was lost and the migration did its work:
#   - recalls, their affected lots, delivery lines and customer notices are as before;
#   - every traced recall has its affected lots stored as lot.recall.lot rows, with their depth,
#     parent and via line, and its supplier receipts as lot.recall.upstream rows;
#   - the expiry digest's scheduled action calls lot.expiry.digest.
# Ends with "upgrade test: PASS" or "upgrade test: FAIL (...)"; exits non-zero on failure.
#   LOT_RECALL_RELEASED   the released commit to build from (default 359b578)
#   LOT_RECALL_UPGRADE_DB the database (default lot_recall_upgrade; dropped first, and at the end
#                         unless LOT_RECALL_KEEP_DB=1)
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

RELEASED="${LOT_RECALL_RELEASED:-359b578}"
UPGRADE_DB="${LOT_RECALL_UPGRADE_DB:-lot_recall_upgrade}"
UPGRADE_PORT="${ODOO_UPGRADE_PORT:-8269}"
LOG_DIR="$CACHE_DIR/test-logs"
mkdir -p "$LOG_DIR"
SECONDS=0

# The database server of .cache/odoo.conf when it answers; otherwise set everything up.
conf_value() { sed -nE "s/^$1 *= *//p" "$CACHE_DIR/odoo.conf" 2>/dev/null | tail -n1; }
DB_HOST="$(conf_value db_host)" DB_PORT="$(conf_value db_port)" DB_USER="$(conf_value db_user)"
DB_PASSWORD="$(conf_value db_password)"
export PGHOST="$DB_HOST" PGPORT="$DB_PORT" PGUSER="$DB_USER"
[ -n "$DB_PASSWORD" ] && export PGPASSWORD="$DB_PASSWORD"
if [ ! -x "$VENV/bin/python" ] || [ -z "$DB_HOST" ] || ! psql -d postgres -tAc "SELECT 1" >/dev/null 2>&1; then
    source "$REPO_ROOT/scripts/setup.sh"
    export PGHOST="$DB_HOST" PGPORT="$DB_PORT" PGUSER="$DB_USER"
    [ -n "$DB_PASSWORD" ] && export PGPASSWORD="$DB_PASSWORD"
fi

WORK="$(mktemp -d)"
cleanup() {
    rm -rf "$WORK"
    if [ "${LOT_RECALL_KEEP_DB:-0}" != 1 ]; then
        dropdb --if-exists "$UPGRADE_DB" 2>/dev/null || true
        rm -rf "$CACHE_DIR/filestore/filestore/$UPGRADE_DB"
    fi
}
trap cleanup EXIT

fail() {
    log "see the logs in $LOG_DIR/upgrade-*.log"
    echo "upgrade test: FAIL ($*) in ${SECONDS}s"
    exit 1
}

odoo() {
    # odoo <addons folder> [shell] <odoo-bin options...>
    local addons="$1" prefix=() suffix=(--http-port "$UPGRADE_PORT")
    shift
    if [ "${1:-}" = shell ]; then
        prefix=(shell) suffix=(--no-http)
        shift
    fi
    "$VENV/bin/python" "$ODOO_SRC/odoo-bin" "${prefix[@]}" -c "$CACHE_DIR/odoo.conf" \
        --addons-path "$ODOO_SRC/addons,$addons" -d "$UPGRADE_DB" "${suffix[@]}" "$@"
}

# Errors logged while installing or upgrading (a failing migration, a broken view) fail the test.
check_log() {
    local logfile="$1" errors
    errors=$(grep -cE '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$logfile" || true)
    [ "$errors" -eq 0 ] || { grep -E ' (ERROR|CRITICAL) ' "$logfile" | head -n 5 >&2; return 1; }
}

mkdir -p "$WORK/released"
git -C "$REPO_ROOT" archive "$RELEASED" lot_recall lot_recall_mrp | tar -x -C "$WORK/released" ||
    fail "cannot extract commit $RELEASED"
released_version=$(sed -nE 's/.*"version": "([^"]+)".*/\1/p' "$WORK/released/lot_recall/__manifest__.py")
current_version=$(sed -nE 's/.*"version": "([^"]+)".*/\1/p' "$REPO_ROOT/lot_recall/__manifest__.py")

dropdb --if-exists "$UPGRADE_DB"
rm -rf "$CACHE_DIR/filestore/filestore/$UPGRADE_DB"

# What both versions are asked about the recalls: compared before and after the upgrade.
cat >"$WORK/snapshot.py" <<'PY'
def snapshot(env):
    recalls = env["lot.recall"].search([], order="id")
    return {
        "recalls": [
            [
                recall.id,
                recall.name,
                recall.state,
                recall.is_mock,
                recall.include_derived,
                sorted(recall.lot_ids.ids),
                sorted(recall.affected_lot_ids.ids),
                str(recall.trace_date),
            ]
            for recall in recalls
        ],
        "lines": sorted(
            [
                line.recall_id.id,
                line.move_line_id.id,
                line.partner_id.id,
                line.lot_id.id,
                line.quantity,
                line.returned_quantity,
            ]
            for line in recalls.line_ids
        ),
        "notices": sorted(
            [notice.recall_id.id, notice.partner_id.id, notice.state, notice.access_token]
            for notice in recalls.notice_ids
        ),
        "recalled_lots": sorted(env["stock.lot"].search([("is_recalled", "=", True)]).ids),
    }
PY

# 1. The released version, with demo data (a traced drill of the demo flour lot).
log "installing lot_recall $released_version ($RELEASED) with demo data into '$UPGRADE_DB'"
odoo "$WORK/released" -i lot_recall --stop-after-init >"$LOG_DIR/upgrade-install.log" 2>&1 ||
    fail "install of $RELEASED failed"
check_log "$LOG_DIR/upgrade-install.log" || fail "errors logged while installing $RELEASED"

# 2. Bread made from the demo flour lot (a stock-only manufacturing step: consumed and produced
# lines linked as manufacturing orders link them), shipped; then a real recall of the flour.
log "tracing a real recall of the demo flour lot through a manufacturing step"
cat "$WORK/snapshot.py" - >"$WORK/scenario.py" <<'PY'
import json
import os

from odoo import Command

flour_lot = env.ref("lot_recall.move_line_demo_receipt_flour_1").lot_id
stock = env.ref("stock.stock_location_stock")
kitchen = env["stock.location"].create(
    {
        "name": "Upgrade Test Kitchen",
        "usage": "production",
        "location_id": env.ref("stock.stock_location_locations_virtual").id,
    }
)
bread = env["product.product"].create(
    {"name": "Upgrade Test Bread", "is_storable": True, "tracking": "lot"}
)
bread_lot = env["stock.lot"].create({"name": "UPG-BREAD-1", "product_id": bread.id})


def done_line(product, lot, quantity, source, destination, name, picking=None):
    move = env["stock.move"].create(
        {
            "name": name,
            "picking_id": picking and picking.id,
            "product_id": product.id,
            "product_uom_qty": quantity,
            "product_uom": product.uom_id.id,
            "location_id": source.id,
            "location_dest_id": destination.id,
        }
    )
    move._action_confirm()
    move.move_line_ids.unlink()
    line = env["stock.move.line"].create(
        {
            "move_id": move.id,
            "picking_id": picking and picking.id,
            "product_id": product.id,
            "lot_id": lot.id,
            "quantity": quantity,
            "location_id": source.id,
            "location_dest_id": destination.id,
        }
    )
    move.picked = True
    move._action_done()
    return line


consumed = done_line(flour_lot.product_id, flour_lot, 10, stock, kitchen, "UPG-BATCH-1")
made = done_line(bread, bread_lot, 10, kitchen, stock, "UPG-BATCH-1")
made.consume_line_ids = [Command.link(consumed.id)]
customers = env.ref("stock.stock_location_customers")
delivery = env["stock.picking"].create(
    {
        "picking_type_id": env.ref("stock.picking_type_out").id,
        "partner_id": env.ref("base.res_partner_3").id,
        "location_id": stock.id,
        "location_dest_id": customers.id,
    }
)
done_line(bread, bread_lot, 4, stock, customers, "UPG bread", picking=delivery)
recall = env["lot.recall"].create(
    {
        "reason": "Upgrade test: flour contamination",
        "classification": "class_1",
        "lot_ids": [Command.set(flour_lot.ids)],
        "include_derived": True,
    }
)
recall.action_trace()
assert recall.affected_lot_ids == flour_lot | bread_lot, recall.affected_lot_ids
assert recall.line_ids.lot_id >= bread_lot, recall.line_ids
assert bread_lot.is_recalled
with open(os.environ["UPGRADE_SNAPSHOT"], "w") as out:
    json.dump(
        {
            "snapshot": snapshot(env),
            "recall_id": recall.id,
            "flour_lot_id": flour_lot.id,
            "bread_lot_id": bread_lot.id,
            "made_line_id": made.id,
        },
        out,
    )
env.cr.commit()
print("SCENARIO-OK")
PY
UPGRADE_SNAPSHOT="$WORK/before.json" odoo "$WORK/released" shell \
    <"$WORK/scenario.py" >"$LOG_DIR/upgrade-scenario.log" 2>&1
grep -q SCENARIO-OK "$LOG_DIR/upgrade-scenario.log" || {
    tail -n 20 "$LOG_DIR/upgrade-scenario.log" >&2
    fail "the recall scenario failed on $RELEASED"
}

# 3. The current code.
log "upgrading '$UPGRADE_DB' to lot_recall $current_version (the work tree)"
odoo "$REPO_ROOT" -u lot_recall --stop-after-init >"$LOG_DIR/upgrade-update.log" 2>&1 ||
    fail "-u lot_recall failed"
check_log "$LOG_DIR/upgrade-update.log" || fail "errors logged while upgrading"

# 4. The checks, on the upgraded database.
cat "$WORK/snapshot.py" - >"$WORK/check.py" <<'PY'
import json
import os

problems = []


def check(condition, message):
    if not condition:
        problems.append(message)


before = json.load(open(os.environ["UPGRADE_SNAPSHOT"]))
after = snapshot(env)
for key in ("recalls", "lines", "notices", "recalled_lots"):
    check(before["snapshot"][key] == after[key], f"{key} changed by the upgrade")
check(after["lines"] and after["notices"], "no lines or no notices to compare")

module = env["ir.module.module"].search([("name", "=", "lot_recall")])
check(module.state == "installed", f"lot_recall is {module.state}")
check(module.latest_version == os.environ["CURRENT_VERSION"], f"version {module.latest_version}")

traced = env["lot.recall"].search([("state", "!=", "draft"), ("trace_date", "!=", False)])
check(len(traced) >= 2, "the demo drill and the real recall are not both traced")
for recall in traced:
    rows = recall.trace_lot_ids
    check(rows, f"{recall.name}: no lot.recall.lot rows")
    check(len(rows) == len(rows.lot_id), f"{recall.name}: a lot twice")
    check(
        rows.lot_id == recall.affected_lot_ids,
        f"{recall.name}: rows {rows.lot_id.ids} are not the affected lots "
        f"{recall.affected_lot_ids.ids}",
    )
    check(
        rows.filtered(lambda row: row.depth == 0).lot_id == recall.lot_ids,
        f"{recall.name}: depth 0 is not the recalled lots",
    )
    check(recall.upstream_ids, f"{recall.name}: no supplier receipt rows")

flour, bread = before["flour_lot_id"], before["bread_lot_id"]
recall = env["lot.recall"].browse(before["recall_id"])
check(
    sorted(
        (row.lot_id.id, row.depth, row.parent_lot_id.id, row.via_move_line_id.id, row.via_reference)
        for row in recall.trace_lot_ids
    )
    == sorted(
        [
            (flour, 0, False, False, False),
            (bread, 1, flour, before["made_line_id"], "UPG-BATCH-1"),
        ]
    ),
    f"{recall.name}: rows {recall.trace_lot_ids.read(['lot_id', 'depth', 'parent_lot_id'])}",
)
receipt_line = env.ref("lot_recall.move_line_demo_receipt_flour_1")
check(
    [
        (row.move_line_id, row.partner_id, row.supplier_lot_ref, row.quantity)
        for row in recall.upstream_ids
    ]
    == [(receipt_line, env.ref("lot_recall.partner_supplier_mill"), "NM-26-0114", 200.0)],
    f"{recall.name}: supplier receipts "
    f"{recall.upstream_ids.read(['move_line_id', 'partner_id', 'quantity'])}",
)
# The drill was traced before the bread was made from its lot: it keeps the lots it had.
drill = env.ref("lot_recall.recall_demo_flour_drill")
check(drill.trace_lot_ids.lot_id.ids == [flour], f"drill rows {drill.trace_lot_ids.lot_id.ids}")

# The exports read those rows.
book = env["lot.recall.xlsx"]._recall_xlsx(recall)
check(book[:2] == b"PK", "the recall export is not an XLSX file")

cron = env.ref("lot_recall.ir_cron_lot_expiry_digest")
check(cron.model_id.model == "lot.expiry.digest", f"expiry digest cron on {cron.model_id.model}")
check(cron.active, "expiry digest cron inactive")
reminders = env.ref("lot_recall.ir_cron_recall_notice_reminders")
check(
    reminders.model_id.model == "lot.recall.notice",
    f"notice reminders cron on {reminders.model_id.model}",
)

for problem in problems:
    print("CHECK-FAILED:", problem)
print("CHECKS-DONE", len(problems))
PY
UPGRADE_SNAPSHOT="$WORK/before.json" CURRENT_VERSION="$current_version" \
    odoo "$REPO_ROOT" shell <"$WORK/check.py" >"$LOG_DIR/upgrade-check.log" 2>&1
grep -q "CHECKS-DONE" "$LOG_DIR/upgrade-check.log" || {
    tail -n 20 "$LOG_DIR/upgrade-check.log" >&2
    fail "the checks did not run"
}
if grep -q "CHECK-FAILED" "$LOG_DIR/upgrade-check.log"; then
    grep "CHECK-FAILED" "$LOG_DIR/upgrade-check.log" >&2
    fail "$(grep -c CHECK-FAILED "$LOG_DIR/upgrade-check.log") checks failed"
fi
echo "upgrade test: PASS ($released_version -> $current_version, ${SECONDS}s)"
