#!/usr/bin/env bash
# Notice fan-out benchmark on a dataset built by `make bench SIZE=...`:
#   bash scripts/bench_fanout.sh M 5000      (make bench-fanout SIZE=M CUSTOMERS=5000)
#   bash scripts/bench_fanout.sh M 5000 2    (the same through 2 queue_job jobs at a time: JOBS=2)
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
source "$REPO_ROOT/scripts/setup.sh"
export PGHOST="$DB_HOST" PGPORT="$DB_PORT" PGUSER="$DB_USER"
[ -n "$DB_PASSWORD" ] && export PGPASSWORD="$DB_PASSWORD"
export ODOO_SRC
"$VENV/bin/python" "$REPO_ROOT/benchmarks/notice_fanout.py" --size "${1:-M}" \
    --customers "${2:-5000}" --jobs "${3:-0}" -c "$CACHE_DIR/odoo.conf"
