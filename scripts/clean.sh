#!/usr/bin/env bash
# Stop the private PostgreSQL cluster, then remove everything the scripts built under .cache.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
if [ -f "$PGCLUSTER_DIR/data/PG_VERSION" ]; then
    bindir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)"
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$bindir/pg_ctl" --pgdata "$PGCLUSTER_DIR/data" stop -m fast || true
    else
        "$bindir/pg_ctl" --pgdata "$PGCLUSTER_DIR/data" stop -m fast || true
    fi
fi
rm -rf "$CACHE_DIR" "$REPO_ROOT/dist"
