#!/usr/bin/env bash
# Workforce query latency against PostgreSQL 15 on the same facts (issue 4).
#
#   bash tests/bench/workforce_vs_postgres.sh DATA_DIR [RUNS]
#
# DATA_DIR was written by workforce_load. workforce_bench loads the facts
# from its projection rows, times Supply (place x role) and Coverage (one
# ICS), and exports the same live facts as CSV with the equivalent SQL. A
# throwaway PostgreSQL 15 (Debian's postgresql-15) is started on loopback,
# loaded with COPY, indexed and analysed, and pgbench times the same two
# queries. Prints a Markdown table for tests/bench/RESULTS.md.
set -euo pipefail
data=${1:?usage: workforce_vs_postgres.sh DATA_DIR [RUNS]}
runs=${2:-50}
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$root/build}
pgbin=/usr/lib/postgresql/15/bin
port=55432

work=$(mktemp -d /tmp/workforce-pg.XXXXXX)
chmod 755 "$work"
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
cleanup() {
  as_postgres "$pgbin/pg_ctl" -D "$work/pgdata" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

"$build/tests/bench/workforce_bench" --data-dir "$data" --runs "$runs" \
  --export "$work" | tee "$work/ours.txt"

mkdir "$work/pgdata"
[ "$(id -u)" = 0 ] && chown postgres "$work/pgdata"
as_postgres "$pgbin/initdb" -D "$work/pgdata" -A trust -U bench >/dev/null
as_postgres "$pgbin/pg_ctl" -D "$work/pgdata" -l "$work/pgdata/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $work/pgdata -c shared_buffers=4GB -c work_mem=256MB -c effective_cache_size=16GB -c max_parallel_workers_per_gather=2" \
  start >/dev/null
psql=(psql -h 127.0.0.1 -p "$port" -U bench -d postgres -v ON_ERROR_STOP=1 -q)
"${psql[@]}" <<SQL
CREATE TABLE employment (passport int, organisation text, role text,
  sector int, stated_icb text, place text, fte int, start_day int,
  end_day int);
CREATE TABLE holdings (passport int, key text, from_day int, until_day int);
CREATE TABLE plans (stated_icb text, place text, need text, start_day int,
  end_day int, required_fte bigint, issued_at bigint, record_id text);
CREATE TABLE geo (stated_icb text, place text, icb_on text);
\copy employment FROM '$work/employment.csv' CSV
\copy holdings FROM '$work/holdings.csv' CSV
\copy plans FROM '$work/plans.csv' CSV
\copy geo FROM '$work/geo.csv' CSV
CREATE INDEX ON employment (start_day, end_day);
CREATE INDEX ON employment (stated_icb, place, start_day);
CREATE INDEX ON holdings (passport, key, from_day);
CREATE INDEX ON plans (stated_icb, place);
CREATE UNIQUE INDEX ON geo (stated_icb, place);
CREATE INDEX ON geo (icb_on);
VACUUM ANALYZE;
SQL

# p50 and p99 (ms) of pgbench's per-transaction log (latency in us, field 3).
percentiles() {
  cat "$1".* | awk '{print $3}' | sort -n | awk '
    { v[NR] = $1 }
    END { p50 = v[int((NR + 1) / 2)]; i = int(NR * 0.99); if (i < 1) i = 1;
          printf "%.3f %.3f", p50 / 1000, v[i] / 1000 }'
}
for query in supply coverage; do
  (cd "$work" && pgbench -n -h 127.0.0.1 -p "$port" -U bench -t 3 \
     -f "$work/$query.sql" postgres >/dev/null)  # warm the cache
  (cd "$work" && pgbench -n -h 127.0.0.1 -p "$port" -U bench -t "$runs" \
     -f "$work/$query.sql" -l --log-prefix="$work/pg_$query" postgres >/dev/null)
  echo "PG $query $(percentiles "$work/pg_$query")" >> "$work/pg.txt"
done

echo
echo "| query | ours p50 ms | ours p99 ms | PostgreSQL p50 ms | PostgreSQL p99 ms | p50 vs target 20 ms | PostgreSQL p50 / ours |"
echo "|---|---|---|---|---|---|---|"
for query in supply coverage; do
  read -r _ _ ours50 ours99 < <(grep "RESULT $query" "$work/ours.txt")
  read -r _ _ pg50 pg99 < <(grep "PG $query" "$work/pg.txt")
  awk -v q="$query" -v o50="$ours50" -v o99="$ours99" -v p50="$pg50" \
      -v p99="$pg99" 'BEGIN {
    printf "| %s | %.2f | %.2f | %.1f | %.1f | %.2f of the limit | %.0fx |\n",
      q, o50, o99, p50, p99, o50 / 20, p50 / o50 }'
done
