#!/usr/bin/env bash
# The one test command: provisions what the tests need (a throwaway PostgreSQL server unless
# AKKAFRAUD_TEST_POSTGRES names one), runs every test project of the solution, and ends with
# the line "N passed, M failed[, K skipped]". Exits non-zero on any failure or when no test ran.
# Usage: ./test.sh [PROJECT] [dotnet test arguments]
#   ./test.sh                                   everything
#   ./test.sh tests/AkkaFraud.Storage.Tests     one test project (it and what it references are built)
#   ./test.sh --filter "FullyQualifiedName~Velocity"
set -euo pipefail
cd "$(dirname "$0")"

say() { printf '[test.sh] %s\n' "$*"; }
die() { printf '[test.sh] error: %s\n' "$*" >&2; exit 2; }

command -v dotnet >/dev/null || die "the .NET SDK is missing: install .NET 10 (https://dot.net) so that 'dotnet' is on PATH."

work=$(mktemp -d "${TMPDIR:-/tmp}/akkafraud-test.XXXXXX")
chmod 755 "$work"
pg_started=""
cleanup() {
  if [ -n "$pg_started" ]; then
    as_pg_user "$pg_bin/pg_ctl" -D "$work/pg/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# ---- PostgreSQL ---------------------------------------------------------------------------------
find_pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

as_pg_user() {
  if [ "$(id -u)" = 0 ]; then runuser -u "$pg_user" -- "$@"; else "$@"; fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The server binaries are needed even with AKKAFRAUD_TEST_POSTGRES: tests that stop and restart PostgreSQL
# for real start private servers of their own (tests/AkkaFraud.TestSupport/PostgresServer.cs).
pg_bin=$(find_pg_bin)
if [ -z "$pg_bin" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "PostgreSQL is not installed; installing the Debian package 'postgresql'"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    pg_bin=$(find_pg_bin)
  fi
  [ -n "$pg_bin" ] || die "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin. Install them (Debian: 'apt-get install postgresql'); the tests start throwaway servers from them."
fi

# PostgreSQL refuses to run as root: use the 'postgres' system user, or make one.
pg_user=$(id -un)
if [ "$(id -u)" = 0 ]; then
  pg_user=postgres
  id -u "$pg_user" >/dev/null 2>&1 || useradd --system --no-create-home "$pg_user"
fi
export AKKAFRAUD_TEST_PG_BIN="$pg_bin" AKKAFRAUD_TEST_PG_USER="$pg_user"

start_throwaway_postgres() {
  mkdir -p "$work/pg/data" "$work/pg/sock"
  chown -R "$pg_user" "$work/pg"

  say "initialising a throwaway PostgreSQL cluster ($pg_bin)"
  as_pg_user "$pg_bin/initdb" -D "$work/pg/data" -U postgres -A trust -E UTF8 --no-locale >"$work/pg/initdb.log" 2>&1 \
    || { cat "$work/pg/initdb.log" >&2; die "initdb failed (log above)."; }

  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    port=$(( 20000 + RANDOM % 30000 ))
    port_in_use "$port" && continue
    if as_pg_user "$pg_bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/postgres.log" -w -t 60 \
        -o "-p $port -k $work/pg/sock -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c full_page_writes=off -c synchronous_commit=off" \
        start >/dev/null; then
      pg_started=1
      break
    fi
  done
  [ -n "$pg_started" ] || { cat "$work/pg/postgres.log" >&2; die "could not start PostgreSQL on a free port (log above)."; }
  say "PostgreSQL is up on 127.0.0.1:$port"
  export AKKAFRAUD_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
}

if [ -n "${AKKAFRAUD_TEST_POSTGRES:-}" ]; then
  say "using the PostgreSQL server from AKKAFRAUD_TEST_POSTGRES"
else
  start_throwaway_postgres
fi

# ---- Chromium (browser tests) -------------------------------------------------------------------
# Playwright drives Debian's Chromium and never downloads a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
chromium_bin=/usr/bin/chromium
if [ ! -x "$chromium_bin" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "Chromium is not installed; installing the Debian package 'chromium' (for the browser tests)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
      || die "could not install the Debian package 'chromium' (apt-get failed, output above); the browser tests need $chromium_bin."
    [ -x "$chromium_bin" ] || die "the Debian package 'chromium' is installed but $chromium_bin is missing; the browser tests need it."
  else
    say "Chromium is not installed at $chromium_bin and this is not root: the browser tests will be skipped (Debian: 'apt-get install chromium')"
  fi
fi
# Installed (or there already): a missing browser is now a failure of the browser tests, never a skip.
if [ -x "$chromium_bin" ]; then export AKKAFRAUD_REQUIRE_BROWSER=1; fi

# ---- docker-compose (the compose file's check) -----------------------------------------------------
# No Docker engine is needed: the end-to-end tests run `docker-compose config` on docker-compose.yml.
if ! command -v docker-compose >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "docker-compose is not installed; installing the Debian package 'docker-compose' (to check docker-compose.yml)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null; } \
      || die "could not install the Debian package 'docker-compose' (apt-get failed, output above); the compose file's test needs it."
  else
    die "docker-compose is not installed and this is not root: install it (Debian: 'apt-get install docker-compose', or Docker's compose plugin as docker-compose) so the compose file can be checked."
  fi
fi

# ---- build and test -----------------------------------------------------------------------------
target=AkkaFraud.sln
if [ $# -gt 0 ] && [ -e "$1" ]; then target=$1; shift; fi
results="$work/results"
mkdir -p artifacts
say "building $target (Release)"
dotnet build "$target" -c Release -nologo -v quiet -clp:ErrorsOnly

say "running the tests"
set +e
# One test project at a time (-m:1): the end-to-end tests run a cluster of node processes, and on a small machine
# running them beside the other projects starves everyone's timing (a producer test saw an injected-error retry
# duplicate under that load).
dotnet test "$target" -c Release --no-build -nologo -m:1 \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" "$@" | tee artifacts/test.log \
  | grep -E --line-buffered '^\s*(Failed |Passed!|Failed!|Skipped |\[xUnit.net|Test Run|Total tests|error)|Results File|\[progress\]|quality'
test_exit=${PIPESTATUS[0]}
set -e

total=0 passed=0 failed=0 skipped=0
shopt -s nullglob
for trx in "$results"/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { printf '%s' "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  total=$(( total + $(get total) ))
  passed=$(( passed + $(get passed) ))
  failed=$(( failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted) ))
  skipped=$(( skipped + $(get notExecuted) ))
done
mkdir -p artifacts/test-results && cp "$results"/*.trx artifacts/test-results/ 2>/dev/null || true

if [ "$test_exit" -ne 0 ] && [ "$failed" -eq 0 ]; then
  say "dotnet test exited with $test_exit (a test host crashed or a project did not run); see above"
  failed=$(( failed + 1 ))
fi
summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
if [ "$total" -eq 0 ]; then
  say "no test ran"
  echo "$summary"
  exit 1
fi
echo "$summary"
[ "$failed" -eq 0 ]
