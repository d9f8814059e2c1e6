#!/usr/bin/env bash
# PostgreSQL for the scenario-store tests (planning/scenarios/store/).
#
# Installs Debian's `postgresql` when it is missing, starts a cluster on
# 127.0.0.1 when none is running, creates the role `planning` (password
# `planning`) and the database `planning_test` when they are missing, and prints
# the URL the tests read from PLANNING_TEST_DB_URL. Needs root for the first
# three steps; without root it says exactly what to run.
#
#   bash scripts/postgres.sh            # prints postgresql+psycopg://planning:planning@127.0.0.1:5432/planning_test
#   bash scripts/postgres.sh stop       # stops the cluster again if this script started it (make test does)
set -euo pipefail
# Where the script notes that it started a cluster, so that `stop` leaves one it found running alone.
STARTED="${TMPDIR:-/tmp}/planning-postgres-started"
if [ "${1:-}" = stop ]; then
  if [ -f "$STARTED" ]; then
    read -r VERSION CLUSTER < "$STARTED"
    rm -f "$STARTED"
    pg_ctlcluster "$VERSION" "$CLUSTER" stop >&2 2>/dev/null || true
    echo "Stopped PostgreSQL $VERSION $CLUSTER (started for the tests)" >&2
  fi
  exit 0
fi
# Only the URL goes to stdout (callers capture it); everything the tools print
# (pg_ctlcluster says "Removed stale pid file." after a reboot) goes to stderr.
exec 3>&1 1>&2

ROLE=planning
PASSWORD=planning
DB=planning_test
HOST=127.0.0.1

say() { echo "$*" >&2; }
root() { [ "$(id -u)" -eq 0 ]; }

if ! command -v pg_lsclusters >/dev/null 2>&1 || ! command -v psql >/dev/null 2>&1; then
  if root; then
    say "Installing Debian package: postgresql"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  else
    say "PostgreSQL is missing. Run as root: apt-get update && apt-get install -y postgresql"
    exit 1
  fi
fi

# The first cluster listed (Debian creates "<version> main" on install); create one if there is none.
read -r VERSION CLUSTER PORT STATUS _ < <(pg_lsclusters -h | head -n 1) || true
if [ -z "${VERSION:-}" ]; then
  VERSION=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  CLUSTER=main
  if root; then
    say "Creating PostgreSQL cluster $VERSION $CLUSTER"
    pg_createcluster "$VERSION" "$CLUSTER" >/dev/null
  else
    say "No PostgreSQL cluster. Run as root: pg_createcluster $VERSION $CLUSTER"
    exit 1
  fi
  read -r VERSION CLUSTER PORT STATUS _ < <(pg_lsclusters -h | head -n 1)
fi

if [ "$STATUS" != "online" ]; then
  if root; then
    say "Starting PostgreSQL $VERSION $CLUSTER on $HOST:$PORT"
    mkdir -p /var/run/postgresql && chown postgres:postgres /var/run/postgresql
    # The server must not inherit fd 3, or a caller capturing stdout waits for it forever.
    pg_ctlcluster -o "-c listen_addresses=$HOST" "$VERSION" "$CLUSTER" start 3>&-
    echo "$VERSION $CLUSTER" > "$STARTED"
  else
    say "PostgreSQL $VERSION $CLUSTER is not running. Run as root: pg_ctlcluster $VERSION $CLUSTER start"
    exit 1
  fi
fi

for _ in $(seq 1 30); do
  pg_isready -q -h "$HOST" -p "$PORT" && break
  sleep 1
done
if ! pg_isready -q -h "$HOST" -p "$PORT"; then
  say "PostgreSQL $VERSION $CLUSTER does not answer on $HOST:$PORT (see /var/log/postgresql/postgresql-$VERSION-$CLUSTER.log)"
  exit 1
fi

URL="postgresql+psycopg://$ROLE:$PASSWORD@$HOST:$PORT/$DB"
if PGPASSWORD=$PASSWORD psql -h "$HOST" -p "$PORT" -U "$ROLE" -d "$DB" -tAc "SELECT 1" >/dev/null 2>&1; then
  echo "$URL" >&3
  exit 0
fi
if ! root; then
  say "Cannot log in as $ROLE to $DB. Run as root: bash scripts/postgres.sh"
  exit 1
fi
sql() { runuser -u postgres -- psql -p "$PORT" -v ON_ERROR_STOP=1 -tAc "$1"; }
if [ -z "$(sql "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" ]; then
  say "Creating PostgreSQL role $ROLE"
  sql "CREATE ROLE $ROLE LOGIN PASSWORD '$PASSWORD'" >/dev/null
else
  sql "ALTER ROLE $ROLE LOGIN PASSWORD '$PASSWORD'" >/dev/null
fi
if [ -z "$(sql "SELECT 1 FROM pg_database WHERE datname = '$DB'")" ]; then
  say "Creating PostgreSQL database $DB"
  sql "CREATE DATABASE $DB OWNER $ROLE" >/dev/null
fi
echo "$URL" >&3
