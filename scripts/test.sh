#!/usr/bin/env bash
# Run every test of lot_recall on a real Odoo 18 and a real PostgreSQL:
#   lint, then a fresh database with lot_recall installed by Odoo's own test runner (--test-enable),
#   then the outside-in pytest suite (tests/) against that database served over HTTP,
#   then the upgrade of a database built with the released version (scripts/upgrade_test.sh).
# Ends with one line "N passed, N failed" and exits non-zero on any failure, error, skipped test
# or error logged while installing.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

bash "$REPO_ROOT/scripts/lint.sh"
source "$REPO_ROOT/scripts/setup.sh"

TEST_DB="${LOT_RECALL_TEST_DB:-lot_recall_test}"
TEST_PORT="${ODOO_TEST_PORT:-8169}"
LOG_DIR="$CACHE_DIR/test-logs"
mkdir -p "$LOG_DIR"
ODOO_LOG="$LOG_DIR/odoo-tests.log"
SERVER_LOG="$LOG_DIR/odoo-server.log"
JUNIT="$LOG_DIR/pytest.xml"
ODOO=("$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$CACHE_DIR/odoo.conf")

export PGHOST="$DB_HOST" PGPORT="$DB_PORT" PGUSER="$DB_USER"
[ -n "$DB_PASSWORD" ] && export PGPASSWORD="$DB_PASSWORD"
dropdb --if-exists "$TEST_DB"
rm -rf "$CACHE_DIR/filestore/filestore/$TEST_DB"

# With its glue addons: point_of_sale brings stock_account, on which lot_recall_account
# (costing) depends; sale_stock gives the lot margin report its revenue, which its tests check.
log "installing lot_recall into a fresh database '$TEST_DB' and running its tests"
set +e
"${ODOO[@]}" -d "$TEST_DB" -i lot_recall,lot_recall_mrp,lot_recall_pos,lot_recall_account,sale_stock \
    --test-enable --test-tags /lot_recall,/lot_recall_mrp,/lot_recall_pos,/lot_recall_account \
    --stop-after-init --http-port "$TEST_PORT" 2>&1 | tee "$ODOO_LOG"
odoo_rc=${PIPESTATUS[0]}
set -e

# lot_recall_queue (installed automatically with OCA's queue_job) sends notices through jobs
# instead of the mail queue: its own database, so that lot_recall's tests above keep the mail
# queue they test.
QUEUE_DB="${TEST_DB}_queue"
QUEUE_LOG="$LOG_DIR/odoo-tests-queue.log"
dropdb --if-exists "$QUEUE_DB"
rm -rf "$CACHE_DIR/filestore/filestore/$QUEUE_DB"
log "installing lot_recall_queue into a fresh database '$QUEUE_DB' and running its tests"
set +e
"${ODOO[@]}" -d "$QUEUE_DB" -i lot_recall_queue --test-enable --test-tags /lot_recall_queue \
    --stop-after-init --http-port "$TEST_PORT" 2>&1 | tee "$QUEUE_LOG"
queue_rc=${PIPESTATUS[0]}
set -e
[ "$queue_rc" -eq 0 ] || odoo_rc=$queue_rc

odoo_failed=0 odoo_errors=0 odoo_run=0 odoo_skipped=0 logged_errors=0
for test_log in "$ODOO_LOG" "$QUEUE_LOG"; do
    failed_n="" errors_n="" run_n=""
    read -r failed_n errors_n run_n < <(
        sed -nE 's/.* ([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests when loading database.*/\1 \2 \3/p' \
            "$test_log" | tail -n1
    ) || true
    if [ -z "${run_n:-}" ]; then
        log "Odoo's runner printed no test summary in $test_log: the install failed"
        failed_n=0 errors_n=1 run_n=0
    fi
    odoo_failed=$((odoo_failed + failed_n)) odoo_errors=$((odoo_errors + errors_n))
    odoo_run=$((odoo_run + run_n))
    odoo_skipped=$((odoo_skipped + $(grep -cE 'odoo\.addons\.lot_recall(_mrp|_pos|_account|_queue)?\.[^ ]*: skipped ' "$test_log" || true)))
    # Errors logged outside a test (a broken view, a failing data file) do not count as tests.
    logged_errors=$((logged_errors + $(grep -cE '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$test_log" || true)))
done
odoo_passed=$((odoo_run - odoo_failed - odoo_errors - odoo_skipped))

log "serving '$TEST_DB' on 127.0.0.1:$TEST_PORT for the outside-in tests"
"${ODOO[@]}" -d "$TEST_DB" --db-filter "^${TEST_DB}\$" --http-port "$TEST_PORT" \
    --max-cron-threads 0 >"$SERVER_LOG" 2>&1 &
server_pid=$!
trap 'kill $server_pid 2>/dev/null || true; wait $server_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$TEST_PORT/web/health" >/dev/null 2>&1 && break
    kill -0 $server_pid 2>/dev/null || { tail -n 40 "$SERVER_LOG" >&2; die "Odoo server died"; }
    sleep 0.5
done
set +e
ODOO_URL="http://127.0.0.1:$TEST_PORT" ODOO_DB="$TEST_DB" \
    ODOO_PYTHON="$VENV/bin/python" ODOO_BIN="$ODOO_SRC/odoo-bin" ODOO_CONF="$CACHE_DIR/odoo.conf" \
    "$VENV/bin/pytest" "$REPO_ROOT/tests" -p no:cacheprovider -q --junitxml "$JUNIT"
pytest_rc=$?
set -e
read -r py_run py_failed py_errors py_skipped < <("$VENV/bin/python" - "$JUNIT" <<'PY'
import sys
import xml.etree.ElementTree as ET

try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError):
    print(0, 0, 1, 0)
    raise SystemExit
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
print(*(sum(int(s.get(k, 0)) for s in suites) for k in ("tests", "failures", "errors", "skipped")))
PY
)
py_passed=$((py_run - py_failed - py_errors - py_skipped))

# A database built with the released version upgrades cleanly (-u) and keeps its recalls.
kill $server_pid 2>/dev/null || true
wait $server_pid 2>/dev/null || true
log "upgrading a database built with the released version"
if bash "$REPO_ROOT/scripts/upgrade_test.sh"; then upgrade_passed=1 upgrade_failed=0
else upgrade_passed=0 upgrade_failed=1
fi

failed=$((odoo_failed + odoo_errors + py_failed + py_errors + upgrade_failed))
status=0
[ "$odoo_rc" -eq 0 ] || { log "odoo-bin exited with $odoo_rc"; status=1; }
[ "$logged_errors" -eq 0 ] || { log "$logged_errors ERROR/CRITICAL lines in $ODOO_LOG or $QUEUE_LOG"; status=1; }
[ "$odoo_skipped" -eq 0 ] || { log "$odoo_skipped lot_recall tests were SKIPPED (see $ODOO_LOG)"; status=1; }
[ "$py_skipped" -eq 0 ] || { log "$py_skipped pytest tests were SKIPPED"; status=1; }
[ "$pytest_rc" -eq 0 ] || [ "$pytest_rc" -eq 1 ] || { log "pytest exited with $pytest_rc"; status=1; }
[ "$failed" -eq 0 ] || status=1
[ "$odoo_run" -gt 0 ] || { log "Odoo ran no lot_recall test"; status=1; }
log "Odoo runner: $odoo_passed passed, $((odoo_failed + odoo_errors)) failed, $odoo_skipped skipped; pytest: $py_passed passed, $((py_failed + py_errors)) failed, $py_skipped skipped; upgrade: $upgrade_passed passed, $upgrade_failed failed"
echo "$((odoo_passed + py_passed + upgrade_passed)) passed, $failed failed"
exit $status
