#!/bin/bash
# Issue 17's restart measurements: a bulk load through the real intake, three
# starts of passportd on it (the first right after the load, stopped by
# SIGKILL; the second after that kill; the third after a clean stop), then a
# bulk load killed with SIGKILL at 80 % and a start on what it left. Each start prints the seconds to its first answer
# (`passport status`), its resident memory (and its peak so far), the
# write-ahead log it found and what it made of the snapshot (FORMAT.md
# section 12; workforce_load writes them as a node does).
# Usage: tests/bench/restart.sh BUILD_DIR WORKERS SCRATCH_DIR [BASELINE_BUILD_DIR]
# (KILLED_LOAD=0 in the environment skips the killed load: at 1M workers each
# load takes a quarter of an hour.)
# With a baseline build (another commit's, built in a second tree), the
# starts after the load alternate the baseline's passportd and this build's,
# three each after clean stops, on the same directory, which is kept
# (SCRATCH_DIR/loaded, for workforce_bench); no killed load.
set -u
BUILD=$1; WORKERS=$2; SCRATCH=$3; BASELINE=${4:-}
LOAD=$BUILD/tests/workforce/workforce_load
PASSPORTD=$BUILD/services/passportd/passportd
PASSPORT=$BUILD/clients/passport

# first_answer DIR [PASSPORTD] [STOP_SIGNAL]
first_answer() {
  local dir=$1 passportd=${2:-$PASSPORTD} signal=${3:-TERM}
  local port=$((20000 + RANDOM % 20000))
  local wal
  wal=$(du -cb "$dir"/ledger/*.log 2>/dev/null | tail -1 | cut -f1)
  local start end
  start=$(date +%s.%N)
  "$passportd" --data-dir "$dir" --listen 127.0.0.1:$port >/dev/null 2>"$dir.log" &
  local pid=$!
  # A benchmark, not a test: poll until the node answers.
  until "$PASSPORT" status --server 127.0.0.1:$port >/dev/null 2>&1; do
    sleep 0.05
  done
  end=$(date +%s.%N)
  echo "first answer after $(echo "$end - $start" | bc) s;" \
    "RSS $(awk '/VmRSS/{print $2}' /proc/$pid/status) kB" \
    "(peak $(awk '/VmHWM/{print $2}' /proc/$pid/status) kB);" \
    "WAL at start $wal bytes;" \
    "$(grep -o 'event=snapshot .*' "$dir.log" || echo 'no snapshot line')"
  kill -"$signal" $pid
  wait $pid 2>/dev/null
  grep -o 'event=snapshot_written .*' "$dir.log" | tail -1
  echo "stopped by SIG$signal"
  rm -f "$dir.log"
}

rm -rf "$SCRATCH/loaded" "$SCRATCH/killed"
"$LOAD" --data-dir "$SCRATCH/loaded" --workers "$WORKERS" 2>/dev/null | tail -1
echo "after the bulk load:"; first_answer "$SCRATCH/loaded" "$PASSPORTD" KILL
echo "after that SIGKILL:"; first_answer "$SCRATCH/loaded"
echo "after a clean stop:"; first_answer "$SCRATCH/loaded"
if [[ -n $BASELINE ]]; then
  for round in 1 2 3; do
    echo -n "baseline: "; first_answer "$SCRATCH/loaded" "$BASELINE/services/passportd/passportd"
    echo -n "this build: "; first_answer "$SCRATCH/loaded"
  done
  exit 0
fi
if [[ ${KILLED_LOAD:-1} == 0 ]]; then
  rm -rf "$SCRATCH/loaded"
  exit 0
fi
: >"$SCRATCH/killed.log"  # there before the loop reads it
"$LOAD" --data-dir "$SCRATCH/killed" --workers "$WORKERS" >"$SCRATCH/killed.log" 2>&1 &
until tr '\r' '\n' <"$SCRATCH/killed.log" | grep -q "$((WORKERS * 8 / 10))/$WORKERS"; do
  sleep 0.5
done
kill -9 $!
wait $! 2>/dev/null
echo "after a bulk load killed at 80 %:"; first_answer "$SCRATCH/killed"
rm -rf "$SCRATCH/loaded" "$SCRATCH/killed" "$SCRATCH/killed.log"
