#!/usr/bin/env bash
# The README's network command, as a test: deploy/cluster.sh starts three
# nodes on loopback; an organisation registered at node 0 with a MIRRORED
# write shows up, verified, in the other two nodes' mirrors (`passport
# status`); stopping the launcher stops every node.
# Usage: cluster_launch.sh PASSPORTD PASSPORT
set -euo pipefail
export PASSPORTD=$1 PASSPORT=$2
passport=$2
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
base=$((20000 + RANDOM % 20000))
launcher=
cleanup() {
  [[ -n $launcher ]] && kill -TERM "$launcher" 2> /dev/null && wait "$launcher" || true
  rm -rf "$work"
}
trap cleanup EXIT

bash "$root/deploy/cluster.sh" --nodes 3 --base-port "$base" --dir "$work/net" \
  > "$work/launcher.out" 2>&1 &
launcher=$!
status() { "$passport" status --server "127.0.0.1:$1" 2> /dev/null; }
for _ in $(seq 100); do
  status "$base" > /dev/null && status $((base + 1)) > /dev/null &&
    status $((base + 2)) > /dev/null && break
  sleep 0.2
done

# A MIRRORED write: answered once a peer (the launcher's --mirrored-copies 1)
# holds the entry and has cosigned a checkpoint containing it.
org=$("$passport" keygen --name launch-test-org --out "$work/org.key")
"$passport" org register --server "127.0.0.1:$base" --key "$work/net/governance.key" \
  --id CQC:1-2000000001 --name "Launch Test Care Home" --sector adult-social-care \
  --icb E54000008 --place Liverpool --roles employer --org-vkey "$org" \
  --durability mirrored > /dev/null

# Each peer mirrors node 0's one entry: "mirrored" and "peer size" are 1.
for port in $((base + 1)) $((base + 2)); do
  for _ in $(seq 100); do
    line=$(status "$port" | grep '^node0.local/skillspassport' || true)
    [[ $(awk '{print $3, $4, $6}' <<< "$line") == "1 1 ok" ]] && break
    sleep 0.1
  done
  [[ $(awk '{print $3, $4, $6}' <<< "$line") == "1 1 ok" ]] || {
    echo "node on $port does not hold node 0's entry: $line" >&2
    status "$port" >&2
    exit 1
  }
done
kill -TERM "$launcher"  # as Ctrl-C would (background jobs ignore SIGINT)
wait "$launcher" || true
launcher=
for port in $base $((base + 1)) $((base + 2)); do
  if status "$port" > /dev/null; then
    echo "node on $port still serving after Ctrl-C" >&2
    exit 1
  fi
done
echo "cluster launch: ok"
