#!/usr/bin/env bash
# Make sure what the MedLink test suite needs is present on this (Debian 12) machine:
#   - an X server for the Tk tests (xvfb-run/Xvfb, xauth), xclip for the clipboard, pdftoppm for receipts;
#   - a MariaDB server answering on 127.0.0.1:3306 where root@localhost connects with an empty password.
# Idempotent, and quick (well under a second) when everything is already in place.
# Set MEDLINK_TEST_MYSQL_URL to use a MySQL/MariaDB server of your own (this script then leaves MariaDB alone).
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive

MYSQL_HOST=127.0.0.1
MYSQL_PORT=3306
MARIADBD=/usr/sbin/mariadbd
DATADIR=/var/lib/mysql
RUNDIR=/run/mysqld
START_TIMEOUT=60

status() { printf '[ensure-services] %-8s %s\n' "$1" "$2"; }
die() { printf '[ensure-services] ERROR: %s\n' "$*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

# Root or password-less sudo: needed only when something has to be installed or started.
as_root() {
    if [[ $(id -u) -eq 0 ]]; then
        "$@"
    elif have sudo && sudo -n true 2>/dev/null; then
        sudo -n "$@"
    else
        die "need root to run: $*"
    fi
}

APT_UPDATED=0
apt_install() {
    (($# > 0)) || return 0
    have apt-get || die "apt-get not found; please install: $*"
    if ((APT_UPDATED == 0)); then
        as_root apt-get update -qq </dev/null || die "apt-get update failed"
        APT_UPDATED=1
    fi
    status apt "installing: $*"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" </dev/null \
        || die "apt-get install $* failed"
}

# ---------------------------------------------------------------------------------------------------------
# Display and desktop tools
# ---------------------------------------------------------------------------------------------------------
missing=()
{ have xvfb-run && have Xvfb; } || missing+=(xvfb)
have xauth || missing+=(xauth)
have xclip || missing+=(xclip)
have pdftoppm || missing+=(poppler-utils)
apt_install "${missing[@]}"

for tool in xvfb-run Xvfb xauth xclip pdftoppm; do
    have "$tool" || die "$tool still missing after installation"
done
if ((${#missing[@]})); then
    status tools "installed ${missing[*]}"
else
    status tools "ok (xvfb-run, Xvfb, xauth, xclip, pdftoppm)"
fi

# ---------------------------------------------------------------------------------------------------------
# MariaDB
# ---------------------------------------------------------------------------------------------------------
if [[ -n ${MEDLINK_TEST_MYSQL_URL:-} ]]; then
    # Do not echo the URL: it may carry a password.
    status mariadb "skipped: MEDLINK_TEST_MYSQL_URL is set (server not managed by this script)"
    exit 0
fi

# Does anything answer on 127.0.0.1:3306? (mariadb-admin ping exits 0 even on "access denied".)
mysql_answers() {
    if have mariadb-admin; then
        mariadb-admin --connect-timeout=2 -h"$MYSQL_HOST" -P"$MYSQL_PORT" -uroot ping >/dev/null 2>&1 </dev/null
    else
        (exec 3<>"/dev/tcp/$MYSQL_HOST/$MYSQL_PORT") 2>/dev/null
    fi
}

# Can root log in over TCP with an empty password?
root_tcp_ok() {
    mariadb --connect-timeout=5 -h"$MYSQL_HOST" -P"$MYSQL_PORT" -uroot -Nse 'SELECT 1' >/dev/null 2>&1 </dev/null
}

started=""
if ! mysql_answers; then
    if [[ ! -x $MARIADBD ]] || ! have mariadb; then
        apt_install mariadb-server mariadb-client
    fi
    [[ -x $MARIADBD ]] || die "$MARIADBD missing after installing mariadb-server"

    # Installing the package may already have started the server (where an init system is available).
    if ! mysql_answers; then
        if [[ ! -d $RUNDIR ]]; then
            as_root mkdir -p "$RUNDIR"
            as_root chown mysql:mysql "$RUNDIR"
        fi
        as_root mkdir -p /var/log/mysql
        as_root chown mysql:mysql /var/log/mysql
        if [[ ! -d $DATADIR/mysql ]]; then
            status mariadb "initialising the data directory $DATADIR"
            as_root mariadb-install-db --user=mysql --datadir="$DATADIR" >/dev/null </dev/null \
                || die "mariadb-install-db failed"
        fi
        as_root start-stop-daemon --start --oknodo --background --exec "$MARIADBD" -- --user=mysql </dev/null
        for ((i = 0; i < START_TIMEOUT * 4; i++)); do
            mysql_answers && break
            sleep 0.25
        done
        if ! mysql_answers; then
            for log in /var/log/mysql/error.log "$DATADIR/${HOSTNAME:-localhost}.err"; do
                if [[ -r $log ]]; then tail -n 20 "$log" >&2; fi
            done
            die "MariaDB did not answer on $MYSQL_HOST:$MYSQL_PORT within ${START_TIMEOUT}s"
        fi
    fi
    started=" (started)"
fi

if ! root_tcp_ok; then
    have mariadb || apt_install mariadb-client
    # Debian's root@localhost uses unix_socket only; also accept an empty password (test machines only).
    status mariadb "allowing root@localhost an empty password over TCP"
    as_root mariadb -uroot -e "ALTER USER root@localhost IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD(''); FLUSH PRIVILEGES;" </dev/null \
        || die "could not change root@localhost authentication (via the unix socket)"
    if ! root_tcp_ok; then
        # With skip-name-resolve, a TCP login from 127.0.0.1 never matches root@localhost.
        as_root mariadb -uroot -e "CREATE USER IF NOT EXISTS root@'127.0.0.1' IDENTIFIED BY ''; GRANT ALL PRIVILEGES ON *.* TO root@'127.0.0.1' WITH GRANT OPTION; FLUSH PRIVILEGES;" </dev/null \
            || die "could not create root@127.0.0.1"
    fi
    root_tcp_ok || die "root still cannot connect to $MYSQL_HOST:$MYSQL_PORT with an empty password"
fi

version=$(mariadb --connect-timeout=5 -h"$MYSQL_HOST" -P"$MYSQL_PORT" -uroot -Nse 'SELECT VERSION()' 2>/dev/null </dev/null || true)
status mariadb "ok${started}: root@$MYSQL_HOST:$MYSQL_PORT, empty password (${version:-unknown version})"
