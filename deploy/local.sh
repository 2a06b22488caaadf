#!/usr/bin/env bash
# Installs dependencies, builds, and runs one node with every service on the
# embedded default: data in ./data, gRPC on 127.0.0.1:7070, the web pages and
# the Connect API on http://127.0.0.1:8080 (it prints the Verify page's
# address). Ctrl-C stops.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/deploy/install-deps.sh"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build "$root/build" -j2 --target passportd passport web
echo "passport CLI: $root/build/clients/passport   (see README.md)"
exec "$root/build/services/passportd/passportd" serve --data-dir ./data \
  --http-listen 127.0.0.1:8080 "$@"
