#!/usr/bin/env bash
# Installs dependencies, builds, and runs one node with every service on the
# embedded default: data in ./data, listening on 127.0.0.1:7070. Ctrl-C stops.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/deploy/install-deps.sh"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build "$root/build" -j2 --target passportd passport
echo "passport CLI: $root/build/clients/passport   (see README.md)"
exec "$root/build/services/passportd/passportd" serve --data-dir ./data "$@"
