#!/usr/bin/env bash
# The node's log as C2SP tlog-tiles, read by Go's reference tile code: starts
# passportd with its HTTP front door, logs 307 records (full and partial
# tiles at two levels), then gotiles verifies the checkpoint, recomputes the
# tree head from the hash tiles, checks every entry bundle against them and
# proves chosen entries' inclusion from the tiles alone. Bad tile paths get
# their precise 400 or 404 and change nothing. A second node mirroring the
# first serves the same log's tiles, and its own.
# Usage: go_tiles.sh PASSPORTD PASSPORT GOTILES_SOURCE_DIR
set -euo pipefail
passportd=$1 passport=$2 source_dir=$3
source "$(dirname "$0")/../testing/node.sh"

# Debian's golang-golang-x-mod-dev installs the packages into GOPATH form.
GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="$work/gocache" GOFLAGS= \
  go build -o "$work/gotiles" "$source_dir/main.go"

start_node "$passportd" --origin tiles.example/log --http-listen 127.0.0.1:0
web=$(awk '/^web /{print $2}' "$work/node.out")
prefix="${web%/verify}/tlog/tiles.example/log"
vkey=$("$passportd" keys --data-dir "$work/data")
P() { "$passport" "$@" --server "$addr"; }

home=$("$passport" keygen --name home --out "$work/home.key")
P org register --key "$work/data/governance.key" --id CQC:1-1000000001 --name "Tile Care Home" \
  --sector adult-social-care --icb E54000008 --place Liverpool \
  --roles employer,identity-checker --org-vkey "$home" > /dev/null
"$passport" keygen --name worker --out "$work/worker.key" > /dev/null
printf 'identity attributes checked in person' > "$work/identity.txt"
P enrol --key "$work/worker.key" --org-key "$work/home.key" --org CQC:1-1000000001 \
  --identity-file "$work/identity.txt" > /dev/null
worker=$("$passport" passport-id --key "$work/worker.key")
P hire --key "$work/home.key" --org CQC:1-1000000001 --passport "$worker" --employment-id T-1 \
  --job-role 10 --sector adult-social-care --icb E54000008 --place Liverpool --fte 1000 \
  --start "$(date -u -d '-30 days' +%F)" > /dev/null
# 16 records a call: 3 + 19 * 16 = 307 entries.
for d in $(seq 1 19); do
  P standard --key "$work/home.key" --org CQC:1-1000000001 --passport "$worker" \
    --version 2025 --standards 1-16 --assessor "senior care worker" --method observation \
    --date "$(date -u -d "-$d days" +%F)" > /dev/null
done
size=307

read -r got_size root < <("$work/gotiles" "$prefix" "$vkey" 0 1 100 255 256 $((size - 1)))
[[ $got_size == "$size" ]] || { echo "tiles show $got_size entries, want $size"; exit 1; }
# The same root the node signs over gRPC.
"$passport" ledger checkpoint --server "$addr" > "$work/checkpoint"
grep -qxF "$root" "$work/checkpoint" || { echo "root $root is not the checkpoint's"; exit 1; }

expect() {  # expect PATH HTTP_STATUS BODY
  local status
  status=$(curl -s -o "$work/body" -w '%{http_code}' "$prefix/$1")
  if [[ $status != "$2" || $(cat "$work/body") != "$3" ]]; then
    echo "GET $1: $status $(cat "$work/body"); want $2 $3"
    exit 1
  fi
}
expect tile/0/000.p/256 400 "partial tile width 256 is not in 1..255"
expect tile/0/000.p/0 400 "partial tile width 0 is not in 1..255"
expect tile/64/000 400 "tile level 64 is not in 0..63"
expect tile/0/x001 400 'tile index group "x001" is not 3 digits'
expect tile/0/x000/001 400 "a tile index does not start with a group x000"
expect tile/0/001 404 "tile/0/001 is beyond the tree of 307 entries"
expect tile/0/001.p/52 404 "tile/0/001.p/52 is beyond the tree of 307 entries"
expect tile/1/000 404 "tile/1/000 is beyond the tree of 307 entries"
expect tile/entries/002 404 "tile/entries/002 is beyond the tree of 307 entries"
expect tile/entries/001.p/52 404 "tile/entries/001.p/52 is beyond the tree of 307 entries"
status=$(curl -s -o /dev/null -w '%{http_code}' "${web%/verify}/tlog/other.example/checkpoint")
[[ $status == 404 ]] || { echo "a log the node does not hold: $status, want 404"; exit 1; }
# Nothing was written: the node signs the same tree.
"$passport" ledger checkpoint --server "$addr" | cmp -s - "$work/checkpoint" ||
  { echo "the checkpoint changed after bad tile requests"; exit 1; }

# A second node mirrors the first and serves its mirror as the same tiles.
echo "$addr $vkey $("$passportd" keys --data-dir "$work/data" --witness)" > "$work/peers"
"$passportd" serve --data-dir "$work/data2" --origin mirror.example/log \
  --listen 127.0.0.1:0 --http-listen 127.0.0.1:0 \
  --trust-anchor "$work/data/trust-anchors.txt" --peers "$work/peers" \
  > "$work/node2.out" 2> "$work/node2.err" &
node2_pid=$!
trap 'kill "$node2_pid" 2>/dev/null && wait "$node2_pid" 2>/dev/null; cleanup' EXIT
for _ in $(seq 100); do grep -q '^web ' "$work/node2.out" 2>/dev/null && break; sleep 0.05; done
web2=$(awk '/^web /{print $2}' "$work/node2.out")
[[ -n $web2 ]] || { cat "$work/node2.err"; echo "the second node did not start"; exit 1; }
mirror_prefix="${web2%/verify}/tlog/tiles.example/log"
for _ in $(seq 200); do
  [[ $(curl -s "$mirror_prefix/checkpoint" | sed -n 2p) == "$size" ]] && break
  sleep 0.05
done
read -r mirror_size mirror_root < <("$work/gotiles" "$mirror_prefix" "$vkey" 0 255 256 $((size - 1)))
[[ $mirror_size == "$size" && $mirror_root == "$root" ]] ||
  { echo "the mirror's tiles show $mirror_size $mirror_root, want $size $root"; exit 1; }
own2=$(curl -s "${web2%/verify}/tlog/mirror.example/log/checkpoint" | head -1)
[[ $own2 == mirror.example/log ]] || { echo "the second node's own log: $own2"; exit 1; }
echo "go tiles: tree head of $size entries recomputed from the tiles by sumdb/tlog, on the node and on its mirror; inclusion proofs; 10 bad paths refused"
