#!/usr/bin/env bash
# Runs a command with the wall clock moved to another day (libfaketime), at
# the current time of day, so a date-dependent scenario can be checked as of
# a date that today is not.
#   as_of.sh WHEN COMMAND [ARGS...]
# WHEN: next-month-first, next-month-last, or a date (YYYY-MM-DD).
# Only single-node scenarios run this way: gRPC's reconnect timers between
# processes stall when the wall clock is shifted by days, so the multi-node
# tests (CTest label multinode) stay out of it.
set -euo pipefail
when=$1
shift
this_month=$(date -u +%Y-%m-01)
case $when in
  next-month-first) day=$(date -u -d "$this_month +1 month" +%F) ;;
  next-month-last) day=$(date -u -d "$this_month +2 months -1 day" +%F) ;;
  *) day=$(date -u -d "$when" +%F) ;;
esac
now=$(date -u +%s)
target=$(date -u -d "$day $(date -u +%T)" +%s)
lib=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
[[ -f $lib ]] || { echo "as_of.sh: $lib is missing (apt-get install faketime)" >&2; exit 1; }
echo "as of $day"
# An offset, not an absolute date: every process started under it keeps the
# same shifted clock. The monotonic clock stays real, so timeouts and
# gRPC's timers behave.
FAKETIME="+$((target - now))" FAKETIME_DONT_FAKE_MONOTONIC=1 LD_PRELOAD=$lib exec "$@"
