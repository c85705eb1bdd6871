# shellcheck shell=bash
# Sourced by setup/demo and setup/test: prepares everything both need, without
# asking anything, and stops with a clear message when it cannot.
#
#   .venv/                 virtualenv with Odoo 18.0 (editable) and requirements.txt
#   var/odoo.conf          Odoo configuration (addons path, data dir, encryption key)
#
# Odoo is taken from the first of:
#   1. an `odoo` already importable by the venv or by the Python that creates it;
#   2. the source tree in $ODOO_SRC;
#   3. the per-user default ${XDG_DATA_HOME:-$HOME/.local/share}/odoo/18.0;
#   4. the official 18.0 source archive, downloaded into that default location.

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$REPO_ROOT/.venv"
VAR_DIR="$REPO_ROOT/var"
ODOO_CONF="$VAR_DIR/odoo.conf"
ODOO_DEFAULT_SRC="${XDG_DATA_HOME:-$HOME/.local/share}/odoo/18.0"
ODOO_ARCHIVE_URL="${ODOO_ARCHIVE_URL:-https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz}"
# Every add-on of the repository (a top-level folder with a manifest).
ADDONS=()
for _manifest in "$REPO_ROOT"/bank_api_sync*/__manifest__.py; do
    ADDONS+=("$(basename "$(dirname "$_manifest")")")
done
unset _manifest

say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }
die() {
    printf '\033[1;31m[setup] ERROR:\033[0m %s\n' "$*" >&2
    exit 1
}

find_python() {
    local candidate
    for candidate in python3.11 python3.12 python3.10 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(not ((3, 10) <= sys.version_info[:2] <= (3, 12)))' 2>/dev/null; then
            command -v "$candidate"
            return
        fi
    done
    die "Odoo 18.0 needs Python 3.10 to 3.12 (3.11 recommended); none was found on PATH."
}

is_odoo_18_source() {
    [ -f "$1/odoo-bin" ] && [ -f "$1/odoo/release.py" ] &&
        grep -qE "^version_info = \(18, 0," "$1/odoo/release.py"
}

download_odoo() {
    local target="$1" tmp
    command -v curl >/dev/null 2>&1 || return 1
    curl -sfI --max-time 15 "$ODOO_ARCHIVE_URL" >/dev/null 2>&1 || return 1
    say "Downloading the official Odoo 18.0 source into $target (about 250 MB)..."
    tmp="$(mktemp -d)"
    if ! curl -sfL --retry 3 "$ODOO_ARCHIVE_URL" | tar -xz -C "$tmp"; then
        rm -rf "$tmp"
        return 1
    fi
    mkdir -p "$(dirname "$target")"
    rm -rf "$target"
    mv "$tmp"/* "$target"
    rm -rf "$tmp"
}

# Prints the Odoo source directory to install, or nothing when the venv can
# already import Odoo. Dies with instructions when Odoo cannot be found.
locate_odoo_source() {
    if [ -n "${ODOO_SRC:-}" ]; then
        is_odoo_18_source "$ODOO_SRC" ||
            die "ODOO_SRC=$ODOO_SRC is not an Odoo 18.0 source tree (no odoo-bin or odoo/release.py with version 18.0)."
        echo "$ODOO_SRC"
        return
    fi
    if is_odoo_18_source "$ODOO_DEFAULT_SRC"; then
        echo "$ODOO_DEFAULT_SRC"
        return
    fi
    if download_odoo "$ODOO_DEFAULT_SRC" && is_odoo_18_source "$ODOO_DEFAULT_SRC"; then
        echo "$ODOO_DEFAULT_SRC"
        return
    fi
    die "Odoo 18.0 was not found. Provide it in one of these ways, then run this command again:
    - export ODOO_SRC=/path/to/odoo-18.0   (a source tree containing odoo-bin)
    - unpack Odoo 18.0's source into $ODOO_DEFAULT_SRC
    - connect this machine to the internet (the official archive is downloaded from $ODOO_ARCHIVE_URL)
    - or install Odoo 18.0 into the Python that creates the venv ($(find_python))."
}

create_venv() {
    local python
    python="$(find_python)"
    if [ ! -x "$VENV/bin/python" ]; then
        say "Creating the virtualenv in .venv with $python"
        if "$python" -c 'import odoo.release as r; assert r.version_info[:2] == (18, 0)' 2>/dev/null; then
            # An Odoo installed in that Python (a distribution package, say) is reused as is.
            "$python" -m venv --system-site-packages "$VENV"
        else
            "$python" -m venv "$VENV"
        fi
        "$VENV/bin/python" -m pip install -q --upgrade "pip>=24" >/dev/null
    fi
}

venv_imports_odoo() {
    "$VENV/bin/python" -c 'import odoo.release as r, odoo.tools; assert r.version_info[:2] == (18, 0)' 2>/dev/null
}

pip_install() {
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check "$@"
}

# Odoo's own dependencies first, then Odoo (so that `import odoo` works), then
# ours: the OCA peers of the benchmarks require an installed `odoo` distribution.
install_python_packages() {
    local stamp="$VENV/.requirements.sha" wanted
    wanted="$(cat "$REPO_ROOT/setup/odoo-requirements.txt" "$REPO_ROOT/requirements.txt" \
        "$REPO_ROOT/requirements-bench.txt" | sha256sum | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] && venv_imports_odoo; then
        return
    fi
    say "Installing Odoo's and the project's pinned requirements (first run: about two minutes)..."
    pip_install -r "$REPO_ROOT/setup/odoo-requirements.txt" ||
        die "pip could not install setup/odoo-requirements.txt. If psycopg2 failed to build, install libpq-dev (Debian) or postgresql-devel and retry."
    install_odoo
    pip_install -r "$REPO_ROOT/requirements.txt" -r "$REPO_ROOT/requirements-bench.txt" ||
        die "pip could not install requirements.txt / requirements-bench.txt (see pip's message above)."
    echo "$wanted" >"$stamp"
}

install_odoo() {
    if venv_imports_odoo; then
        return
    fi
    local src
    src="$(locate_odoo_source)"
    say "Installing Odoo 18.0 from $src into .venv"
    # compat mode: a plain .pth entry, so that `odoo` stays the real package
    # once odoo-addon-* wheels add their own odoo/addons/ folder beside it.
    mkdir -p "$VAR_DIR/log"
    pip_install --no-deps -e "$src" --config-settings editable_mode=compat \
        >"$VAR_DIR/log/pip-odoo.log" 2>&1 ||
        die "pip could not install Odoo from $src; its output is in var/log/pip-odoo.log."
    venv_imports_odoo || die "Odoo from $src was installed but .venv/bin/python cannot import it."
}

# Our add-ons become importable as odoo.addons.<name> (what an OCA wheel does),
# so that `python -m odoo.addons.bank_api_sync_mt940.cli` works from anywhere.
link_addons() {
    local site addon
    site="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    mkdir -p "$site/odoo/addons"
    for addon in "${ADDONS[@]}"; do
        ln -sfn "$REPO_ROOT/$addon" "$site/odoo/addons/$addon"
    done
}

odoo_source_dir() {
    "$VENV/bin/python" -c 'import os, odoo; print(os.path.dirname(os.path.dirname(odoo.__file__)))'
}

ensure_postgresql() {
    command -v pg_isready >/dev/null 2>&1 ||
        die "PostgreSQL client tools (pg_isready, createdb) were not found. Install PostgreSQL 12+ (Debian: apt-get install postgresql) and make sure it runs."
    if pg_isready -q 2>/dev/null; then
        return
    fi
    if command -v pg_lsclusters >/dev/null 2>&1; then
        local version cluster
        while read -r version cluster _; do
            say "Starting the stopped PostgreSQL cluster $version/$cluster"
            pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start 2>/dev/null ||
                pg_ctlcluster "$version" "$cluster" start 2>/dev/null || true
        done < <(pg_lsclusters -h 2>/dev/null | awk '$4 != "online" {print $1, $2}')
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            pg_isready -q 2>/dev/null && return
            sleep 1
        done
    fi
    die "PostgreSQL does not answer (pg_isready). Start it (e.g. pg_ctlcluster 15 main start) or set PGHOST/PGPORT/PGUSER to a server where $(id -un) may create databases."
}

ensure_database_role() {
    # Odoo refuses to connect as the `postgres` superuser.
    [ "${PGUSER:-$(id -un)}" != "postgres" ] ||
        die "Odoo refuses to run as the 'postgres' role: set PGUSER to another role allowed to create databases."
    psql -d postgres -Atqc 'select 1' >/dev/null 2>&1 ||
        die "PostgreSQL answers but role '${PGUSER:-$(id -un)}' cannot connect to database 'postgres'. Create it: sudo -u postgres createuser --createdb $(id -un)"
}

# Browser tests (tours) need Chromium; without it Odoo skips them silently.
ensure_chromium() {
    local browser
    for browser in chromium chromium-browser google-chrome; do
        command -v "$browser" >/dev/null 2>&1 && return
    done
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "Installing Debian's chromium for the browser tests..."
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1 ||
            { apt-get update -q >/dev/null 2>&1 &&
                DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1; } || true
        command -v chromium >/dev/null 2>&1 && return
    fi
    die "Chromium was not found; Odoo's browser tests need it. Install it (Debian: apt-get install chromium) and retry."
}

write_odoo_conf() {
    mkdir -p "$VAR_DIR/data" "$VAR_DIR/log"
    local odoo_src key
    odoo_src="$(odoo_source_dir)"
    key=""
    if [ -f "$ODOO_CONF" ]; then
        key="$(sed -n 's/^bank_api_sync_encryption_key *= *//p' "$ODOO_CONF")"
    fi
    if [ -z "$key" ]; then
        # The key that encrypts bank credentials lives here, never in the database.
        key="$("$VENV/bin/python" -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
    fi
    umask 077
    cat >"$ODOO_CONF" <<EOF
[options]
addons_path = $odoo_src/odoo/addons,$odoo_src/addons,$REPO_ROOT
data_dir = $VAR_DIR/data
admin_passwd = admin
db_host = ${PGHOST:-False}
db_port = ${PGPORT:-False}
db_user = ${PGUSER:-False}
list_db = True
bank_api_sync_encryption_key = $key
EOF
}

bootstrap() {
    create_venv
    install_python_packages
    link_addons
    ensure_postgresql
    ensure_database_role
    write_odoo_conf
}
