#!/usr/bin/env bash
# The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer, then
# every libFuzzer target for FUZZ_SECONDS each (default 10; run by hand with
# 600). One clang build in build-asan/ serves both: every library carries
# ASan, UBSan and libFuzzer's coverage instrumentation. Leak checking is off:
# gRPC's and protobuf's process-lifetime singletons would be reported.
#
#   bash tests/sanitize.sh [FUZZ_SECONDS]     suite and fuzzers
#   bash tests/sanitize.sh --fuzz-only [FUZZ_SECONDS]
#
# Fuzzers start from the checked-in seeds (tests/fuzz/corpus/<fuzzer>, made by
# build/tests/fuzz/make_corpus) and write new inputs to a scratch directory.
# A crash leaves its input in build-asan/ and fails the script.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
fuzz_only=false
if [[ ${1:-} == --fuzz-only ]]; then fuzz_only=true; shift; fi
seconds=${1:-10}
fuzzers=(entry note presentation record token)
build=$root/build-asan
flags="-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug \
  -DSKP_FUZZ=ON -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" > /dev/null
export ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1
if ! $fuzz_only; then
  cmake --build "$build" -j2
  # The as-of runs preload libfaketime, which ASan refuses to follow; the
  # web tests check the browser side (thousands of CLI calls, Chromium). The
  # normal build runs both.
  ctest --test-dir "$build" --output-on-failure -j2 -LE "as_of|web"
else
  cmake --build "$build" -j2 --target "${fuzzers[@]/%/_fuzzer}"
fi
for name in "${fuzzers[@]}"; do
  scratch=$(mktemp -d)
  echo "fuzzing $name for ${seconds}s"
  if ! (cd "$build" &&
    "./tests/fuzz/${name}_fuzzer" -max_total_time="$seconds" \
      -print_final_stats=1 "$scratch" "$root/tests/fuzz/corpus/$name" 2>&1 |
      tail -5); then
    echo "$name fuzzer failed; its input is in $build/" >&2
    exit 1
  fi
  rm -rf "$scratch"
done
