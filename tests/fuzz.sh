#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (build-fuzz/, every library with
# -fsanitize=fuzzer-no-link,address,undefined) and runs each for SECONDS
# (default 10, as CI does; run by hand with 600) from its checked-in seed
# corpus (tests/fuzz/corpus/<fuzzer>). New inputs go to a scratch directory,
# so the checked-in corpus only changes when someone copies them in. A crash
# leaves its input in build-fuzz/ and fails the script.
#   bash tests/fuzz.sh [SECONDS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-10}
fuzzers=(entry note presentation record)
flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CC=clang CXX=clang++ cmake -S "$root" -B "$root/build-fuzz" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSKP_FUZZ=ON \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" > /dev/null
cmake --build "$root/build-fuzz" -j2 --target "${fuzzers[@]/%/_fuzzer}"
for name in "${fuzzers[@]}"; do
  scratch=$(mktemp -d)
  echo "fuzzing $name for ${seconds}s"
  if ! (cd "$root/build-fuzz" &&
    ASAN_OPTIONS=detect_leaks=0 "./tests/fuzz/${name}_fuzzer" \
      -max_total_time="$seconds" -print_final_stats=1 \
      "$scratch" "$root/tests/fuzz/corpus/$name" 2>&1 | tail -5); then
    echo "$name fuzzer failed; its input is in build-fuzz/" >&2
    exit 1
  fi
  rm -rf "$scratch"
done
