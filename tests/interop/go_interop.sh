#!/usr/bin/env bash
# End-to-end through the public CLI, checked by Go's reference packages:
# starts passportd on a free port, registers organisations with `passport org
# register` (signed by the node's local governance key), then verifies the
# checkpoint with sumdb/note and every inclusion and consistency proof with
# sumdb/tlog, and with `passport ledger verify`.
# Usage: go_interop.sh PASSPORTD PASSPORT GOVERIFY_SOURCE_DIR
set -euo pipefail
passportd=$1 passport=$2 source_dir=$3
source "$(dirname "$0")/../testing/node.sh"

# Debian's golang-golang-x-mod-dev installs the packages into GOPATH form.
GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="$work/gocache" GOFLAGS= \
  go build -o "$work/goverify" "$source_dir/main.go"

start_node "$passportd" --origin interop.example/log
vkey=$("$passportd" keys --data-dir "$work/data")

count=7
for i in $(seq 0 $((count - 1))); do
  org_vkey=$("$passport" keygen --name "org$i" --out "$work/org$i.key")
  "$passport" org register --server "$addr" --key "$work/data/governance.key" \
    --id "ODS:R$i" --name "Interop trust $i" --sector nhs --icb E54000008 --place Liverpool \
    --roles employer --org-vkey "$org_vkey" > /dev/null
done

"$passport" ledger checkpoint --server "$addr" > "$work/checkpoint"
read -r size root < <("$work/goverify" checkpoint "$vkey" "$work/checkpoint")
[[ $size == "$count" ]] || { echo "checkpoint size $size, want $count"; exit 1; }

# The auditor's offline root over the entries equals the signed root.
"$passport" ledger entries --server "$addr" --from 0 --to "$count" > "$work/entries"
offline_root=$("$passport" ledger root < "$work/entries")
[[ $offline_root == "$root" ]] || { echo "offline root $offline_root != checkpoint root $root"; exit 1; }

for i in $(seq 0 $((count - 1))); do
  "$passport" ledger inclusion --server "$addr" --index "$i" --size "$count" > "$work/inclusion.json"
  entry=$(sed -n "$((i + 1))p" "$work/entries")
  "$work/goverify" inclusion "$vkey" "$work/checkpoint" "$work/inclusion.json" "$entry"
  "$passport" ledger verify --proof "$work/inclusion.json" --checkpoint "$work/checkpoint" --vkey "$vkey"
done
for old in $(seq 1 "$count"); do
  "$passport" ledger consistency --server "$addr" --old "$old" --new "$count" > "$work/consistency.json"
  "$work/goverify" consistency "$vkey" "$work/checkpoint" "$work/consistency.json"
  "$passport" ledger verify --proof "$work/consistency.json" --checkpoint "$work/checkpoint" --vkey "$vkey"
done

# A corrupted note must fail in Go too.
sed 's/^7$/8/' "$work/checkpoint" > "$work/bad-checkpoint"
if "$work/goverify" checkpoint "$vkey" "$work/bad-checkpoint" 2> /dev/null; then
  echo "Go accepted a corrupted checkpoint"; exit 1
fi
if "$passport" ledger verify --proof "$work/inclusion.json" --checkpoint "$work/bad-checkpoint" \
     --vkey "$vkey" 2> /dev/null; then
  echo "passport accepted a corrupted checkpoint"; exit 1
fi
echo "go interop: checkpoint, $count inclusion and $count consistency proofs verified by sumdb/note and sumdb/tlog"
