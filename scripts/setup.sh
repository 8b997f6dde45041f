#!/usr/bin/env bash
# Prepare everything lot_recall needs to run a real Odoo 18 on a real PostgreSQL:
#   1. Debian system packages (installed with apt when run as root and missing),
#   2. the Odoo 18.0 source tree ($ODOO_SRC, default /opt/odoo; downloaded when absent and possible),
#   3. a Python virtualenv with Odoo's requirements, the addons' runtime packages
#      (requirements.txt) and our development tools (requirements-dev.txt),
#   4. a PostgreSQL server: the one named by PGHOST/PGPORT/PGUSER when set, otherwise a private
#      cluster under .cache/pg,
#   5. an Odoo configuration file, .cache/odoo.conf.
# Safe to run again: every step reuses what already exists.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

SYSTEM_PACKAGES=(postgresql libpq-dev libldap2-dev libsasl2-dev wkhtmltopdf chromium poppler-utils)

ensure_system_packages() {
    local missing=() pkg
    for pkg in "${SYSTEM_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
        log "installing system packages: ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        die "missing system packages: ${missing[*]} (install them with: sudo apt-get install ${missing[*]})"
    fi
}

ensure_odoo_source() {
    [ -x "$ODOO_SRC/odoo-bin" ] && return 0
    local url="${ODOO_GIT_URL:-https://github.com/odoo/odoo.git}"
    log "no Odoo source tree at $ODOO_SRC; trying to download Odoo $ODOO_BRANCH from $url"
    if git clone --quiet --depth 1 --branch "$ODOO_BRANCH" "$url" "$ODOO_SRC" 2>/dev/null; then
        return 0
    fi
    die "Odoo $ODOO_BRANCH source not found at $ODOO_SRC and it could not be downloaded.
    Provide an Odoo $ODOO_BRANCH Community source tree (the folder holding odoo-bin) and either put it at
    /opt/odoo or point ODOO_SRC at it, e.g.: ODOO_SRC=\$HOME/src/odoo make test"
}

ensure_venv() {
    local stamp="$VENV/.lot_recall-stamp" want
    want="$(cat "$ODOO_SRC/requirements.txt" "$REPO_ROOT/requirements.txt" "$REPO_ROOT/requirements-dev.txt" "$REPO_ROOT/requirements-addons.txt" "$REPO_ROOT/scripts/build-constraints.txt" | sha1sum | cut -d' ' -f1) $ODOO_SRC"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return 0
    fi
    log "building the Python environment in $VENV"
    [ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
    local piplog="$CACHE_DIR/pip.log"
    {
        "$VENV/bin/python" -m pip install --upgrade "pip>=25.3" &&
        "$VENV/bin/pip" install --build-constraint "$REPO_ROOT/scripts/build-constraints.txt" \
            -r "$ODOO_SRC/requirements.txt" -r "$REPO_ROOT/requirements.txt" \
            -r "$REPO_ROOT/requirements-dev.txt" &&
        "$VENV/bin/pip" install --no-deps -e "$ODOO_SRC" &&
        rm -rf "$VENV/addons" &&
        "$VENV/bin/pip" install --no-deps --target "$VENV/addons" \
            -r "$REPO_ROOT/requirements-addons.txt"
    } >"$piplog" 2>&1 || { tail -n 30 "$piplog" >&2; die "pip install failed (full log: $piplog)"; }
    echo "$want" > "$stamp"
}

# PostgreSQL: an explicitly configured server wins; otherwise a private cluster in .cache/pg.
ensure_postgres() {
    if [ -n "${PGHOST:-}" ] || [ -n "${PGPORT:-}" ]; then
        DB_HOST="${PGHOST:-localhost}"
        DB_PORT="${PGPORT:-5432}"
        DB_USER="${PGUSER:-$(id -un)}"
        DB_PASSWORD="${PGPASSWORD:-}"
        log "using the configured PostgreSQL server $DB_HOST:$DB_PORT as $DB_USER"
        return 0
    fi
    local bindir datadir="$PGCLUSTER_DIR/data" rundir="$PGCLUSTER_DIR/run" owner
    bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
    [ -n "$bindir" ] || die "PostgreSQL server binaries not found (apt-get install postgresql)"
    # initdb and postgres refuse to run as root: run the private cluster as the postgres OS user.
    if [ "$(id -u)" -eq 0 ]; then owner=postgres; else owner="$(id -un)"; fi
    as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
    mkdir -p "$PGCLUSTER_DIR"
    chown "$owner" "$PGCLUSTER_DIR"
    if [ ! -f "$datadir/PG_VERSION" ]; then
        log "creating a private PostgreSQL cluster in $datadir"
        as_owner "$bindir/initdb" --pgdata "$datadir" --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
            --username=postgres >/dev/null
    fi
    as_owner mkdir -p "$rundir"
    if ! as_owner "$bindir/pg_ctl" --pgdata "$datadir" status >/dev/null 2>&1; then
        log "starting the private PostgreSQL cluster (socket in $rundir, port $PG_PRIVATE_PORT)"
        as_owner "$bindir/pg_ctl" --pgdata "$datadir" --log "$PGCLUSTER_DIR/postgresql.log" --wait \
            -o "-p $PG_PRIVATE_PORT -k $rundir -c listen_addresses='' -c fsync=off -c full_page_writes=off" \
            start >/dev/null
    fi
    DB_HOST="$rundir"
    DB_PORT="$PG_PRIVATE_PORT"
    DB_USER="odoo"
    DB_PASSWORD=""
    # Odoo refuses to connect as the postgres role: give it a superuser role of its own.
    if ! as_owner "$bindir/psql" -h "$rundir" -p "$DB_PORT" -U postgres -d postgres -tAc \
            "SELECT 1 FROM pg_roles WHERE rolname = 'odoo'" | grep -q 1; then
        as_owner "$bindir/psql" -h "$rundir" -p "$DB_PORT" -U postgres -d postgres -qc \
            "CREATE ROLE odoo LOGIN SUPERUSER"
    fi
}

write_odoo_conf() {
    mkdir -p "$CACHE_DIR/filestore"
    cat > "$CACHE_DIR/odoo.conf" <<CONF
[options]
addons_path = $ODOO_SRC/addons,$REPO_ROOT,$VENV/addons/odoo/addons
data_dir = $CACHE_DIR/filestore
db_host = $DB_HOST
db_port = $DB_PORT
db_user = $DB_USER
db_password = $DB_PASSWORD
admin_passwd = admin
http_interface = 127.0.0.1
http_port = $ODOO_HTTP_PORT
list_db = True
CONF
}

ensure_system_packages
ensure_odoo_source
ensure_venv
ensure_postgres
write_odoo_conf
log "ready: Odoo $ODOO_SRC, venv $VENV, database server $DB_HOST:$DB_PORT"
