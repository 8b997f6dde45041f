#!/usr/bin/env bash
# Shared settings for the lot_recall development scripts. Sourced, never run.
# Every value can be overridden from the environment.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="${LOT_RECALL_CACHE:-$REPO_ROOT/.cache}"
ODOO_SRC="${ODOO_SRC:-/opt/odoo}"
ODOO_BRANCH="${ODOO_BRANCH:-18.0}"
VENV="${LOT_RECALL_VENV:-$CACHE_DIR/venv}"
PY="${PYTHON:-python3.11}"
PGCLUSTER_DIR="$CACHE_DIR/pg"
PG_PRIVATE_PORT="${LOT_RECALL_PG_PORT:-54329}"
ODOO_HTTP_PORT="${ODOO_HTTP_PORT:-8069}"

log() { printf '\033[1m[lot_recall]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[lot_recall] error:\033[0m %s\n' "$*" >&2; exit 1; }
