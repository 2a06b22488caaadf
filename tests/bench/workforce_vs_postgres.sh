#!/usr/bin/env bash
# Workforce query latency against PostgreSQL 15 on the same facts (issue 4),
# now with DuckDB beside it and all four queries checked against ours
# (issue 16): see workforce_vs_duckdb.mjs.
#
#   bash tests/bench/workforce_vs_postgres.sh DATA_DIR [RUNS]
set -euo pipefail
data=${1:?usage: workforce_vs_postgres.sh DATA_DIR [RUNS]}
exec node "$(dirname "$0")/workforce_vs_duckdb.mjs" "$data" --runs "${2:-50}"
