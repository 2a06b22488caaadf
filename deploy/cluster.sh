#!/usr/bin/env bash
# Starts an N-node network on loopback: every node mirrors and witnesses every
# other (DESIGN.md section 6). Generates each node's log and witness keys, one
# governance key trusted by all, and each node's peers file, then runs the
# nodes in the foreground; Ctrl-C stops them all. Data and logs stay in DIR,
# so running it again restarts the same network.
#
#   bash deploy/cluster.sh [--nodes N] [--base-port P] [--dir DIR]
#                          [--mirrored-copies K] [--cosign-quorum Q]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
nodes=3 base_port=7100 dir=./cluster copies=1 quorum=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --nodes) nodes=$2; shift 2 ;;
    --base-port) base_port=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --mirrored-copies) copies=$2; shift 2 ;;
    --cosign-quorum) quorum=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
if (( nodes < 2 )); then echo "--nodes must be at least 2" >&2; exit 2; fi
# The binaries of the default build, built if missing; $PASSPORTD and
# $PASSPORT name others.
passportd=${PASSPORTD:-$root/build/services/passportd/passportd}
passport=${PASSPORT:-$root/build/clients/passport}
if [[ ! -x $passportd || ! -x $passport ]]; then
  bash "$root/deploy/install-deps.sh"
  cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
  cmake --build "$root/build" -j2 --target passportd passport
fi

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
if [[ ! -f $dir/trust-anchors.txt ]]; then
  "$passport" keygen --name cluster-governance --out "$dir/governance.key" \
    > "$dir/trust-anchors.txt"
fi
# Each node: its keys (created on first use) and its line in the others' peers.
lines=()
for ((i = 0; i < nodes; i++)); do
  data=$dir/node$i
  origin=node$i.local/skillspassport
  log_key=$("$passportd" keys --data-dir "$data" --origin "$origin")
  witness_key=$("$passportd" keys --data-dir "$data" --origin "$origin" --witness)
  lines+=("127.0.0.1:$((base_port + i)) $log_key $witness_key")
done
for ((i = 0; i < nodes; i++)); do
  : > "$dir/node$i/peers.txt"
  for ((j = 0; j < nodes; j++)); do
    (( j == i )) || echo "${lines[j]}" >> "$dir/node$i/peers.txt"
  done
done

pids=()
stop() {
  kill -TERM "${pids[@]}" 2> /dev/null || true
  wait
}
trap stop INT TERM EXIT
for ((i = 0; i < nodes; i++)); do
  "$passportd" serve --data-dir "$dir/node$i" \
    --listen "127.0.0.1:$((base_port + i))" \
    --trust-anchor "$dir/trust-anchors.txt" --peers "$dir/node$i/peers.txt" \
    --mirrored-copies "$copies" --cosign-quorum "$quorum" \
    > /dev/null 2>> "$dir/node$i.log" &
  pids+=($!)
done
echo "$nodes nodes on 127.0.0.1:$base_port..$((base_port + nodes - 1)); data and logs in $dir"
echo "governance key: $dir/governance.key; state of a node:"
echo "  $passport status --server 127.0.0.1:$base_port"
echo "Ctrl-C stops the network."
wait
