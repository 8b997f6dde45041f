#!/usr/bin/env bash
# Benchmark the recall trace and notices against Odoo's own tracing, at one or more sizes:
#   bash scripts/bench.sh S|M|L|all      (make bench SIZE=M)
# For each size: a database lot_recall_bench_<size> with lot_recall_mrp installed (cloned from a
# template database installed once), filled by benchmarks/make_dataset.py unless already built,
# then benchmarks/run_benchmark.py writes benchmarks/results/<size>.json, and
# benchmarks/plot.py draws benchmarks/results/time_vs_size.png from every result present.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
source "$REPO_ROOT/scripts/setup.sh"

SIZE="${1:-${SIZE:-S}}"
case "${SIZE,,}" in
    all) SIZES=(s m l) ;;
    s | m | l) SIZES=("${SIZE,,}") ;;
    *) die "unknown size '$SIZE' (S, M, L or all)" ;;
esac
ODOO=("$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$CACHE_DIR/odoo.conf")
export PGHOST="$DB_HOST" PGPORT="$DB_PORT" PGUSER="$DB_USER"
[ -n "$DB_PASSWORD" ] && export PGPASSWORD="$DB_PASSWORD"
TEMPLATE_DB="lot_recall_bench_template"

"$VENV/bin/pip" install -q -r "$REPO_ROOT/benchmarks/requirements.txt"

installed=$(psql -d "$TEMPLATE_DB" -tAc \
    "SELECT 1 FROM ir_module_module WHERE name = 'lot_recall_mrp' AND state = 'installed'" \
    2>/dev/null || true)
if [ "$installed" != "1" ]; then
    log "installing lot_recall_mrp into the template database '$TEMPLATE_DB'"
    dropdb --if-exists "$TEMPLATE_DB"
    "${ODOO[@]}" -d "$TEMPLATE_DB" -i lot_recall_mrp --without-demo=all --stop-after-init \
        --log-level warn
else
    "${ODOO[@]}" -d "$TEMPLATE_DB" -u lot_recall --stop-after-init --log-level warn
fi

for size in "${SIZES[@]}"; do
    db="lot_recall_bench_$size"
    built=$(psql -d "$db" -tAc \
        "SELECT 1 FROM ir_config_parameter WHERE key = 'lot_recall.bench_dataset'" \
        2>/dev/null || true)
    if [ "$built" != "1" ]; then
        log "building the ${size^^} dataset in '$db'"
        dropdb --if-exists "$db"
        rm -rf "$CACHE_DIR/filestore/filestore/$db"
        createdb -T "$TEMPLATE_DB" "$db"
        [ -d "$CACHE_DIR/filestore/filestore/$TEMPLATE_DB" ] &&
            cp -r "$CACHE_DIR/filestore/filestore/$TEMPLATE_DB" "$CACHE_DIR/filestore/filestore/$db"
        started=$SECONDS
        "$VENV/bin/python" "$REPO_ROOT/benchmarks/make_dataset.py" --size "$size" \
            -c "$CACHE_DIR/odoo.conf"
        log "dataset ${size^^} built in $((SECONDS - started)) s"
    else
        log "reusing the ${size^^} dataset in '$db' (updating lot_recall in it)"
        "${ODOO[@]}" -d "$db" -u lot_recall --stop-after-init --log-level warn
    fi
    log "running the ${size^^} benchmark"
    "$VENV/bin/python" "$REPO_ROOT/benchmarks/run_benchmark.py" --size "$size" \
        -c "$CACHE_DIR/odoo.conf" ${BENCH_ARGS:-}
done
"$VENV/bin/python" "$REPO_ROOT/benchmarks/plot.py"
log "results in $REPO_ROOT/benchmarks/results (see benchmarks/README.md)"
