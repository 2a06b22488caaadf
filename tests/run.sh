#!/usr/bin/env bash
# Installs dependencies, builds everything, and runs the whole test suite;
# then the same suite under ASan and UBSan, and every fuzzer for 10 seconds
# (tests/sanitize.sh). CI runs exactly this (.ci/run).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/deploy/install-deps.sh" --test
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build "$root/build" -j2
ctest --test-dir "$root/build" --output-on-failure -j2
bash "$root/tests/sanitize.sh" 10
