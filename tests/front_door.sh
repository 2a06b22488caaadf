#!/usr/bin/env bash
# The README's front-door examples, run as printed against a real node (only
# the address changes), and the pages served with their security headers.
# Usage: front_door.sh PASSPORTD PASSPORT README
set -euo pipefail
passportd=$1 passport=$2 readme=$3
source "$(dirname "$0")/testing/node.sh"

start_node "$passportd" --http-listen 127.0.0.1:0
web=$(awk '/^web /{print $2}' "$work/node.out")
base=${web%/verify}
[[ -n $base ]] || { cat "$work/node.out"; echo "no web address printed"; exit 1; }
# One record, so index 0 exists for the inclusion proof.
org=$("$passport" keygen --name home --out "$work/home.key")
"$passport" org register --server "$addr" --key "$work/data/governance.key" \
  --id CQC:1-1000000001 --name "Sunrise Care Home" --sector adult-social-care \
  --icb E54000008 --place Liverpool --roles employer --org-vkey "$org" > /dev/null

# The curl commands of the README's "web front door" section, in order.
awk '/^## The web front door/{on=1} /^## Running a network/{on=0}
     on && /^```sh/{block=1; next} on && /^```/{block=0} block' "$readme" |
  sed "s#http://127.0.0.1:8080#$base#" > "$work/examples.sh"
[[ $(grep -c '^curl' "$work/examples.sh") == 6 ]] || { cat "$work/examples.sh"; exit 1; }
expected_error=$(grep '^# {' "$work/examples.sh" | cut -c3-)
# One command per line (joining continuations), each run on its own.
outputs=()
while IFS= read -r command; do
  outputs+=("$(bash -c "$command")")
done < <(sed -e ':a' -e '/\\$/{N;s/\\\n//;ba}' "$work/examples.sh" | grep '^curl')
[[ ${outputs[0]} == *'"checkpoint":"localhost/skillspassport\n1\n'* ]] ||
  { echo "GetCheckpoint: ${outputs[0]}"; exit 1; }
[[ ${outputs[1]} == *'"treeSize":"1"'*'"leafHash":'* ]] ||
  { echo "GetInclusionProof: ${outputs[1]}"; exit 1; }
[[ ${outputs[2]} == "$expected_error" ]] ||
  { echo "error: got ${outputs[2]}, README says $expected_error"; exit 1; }
[[ ${outputs[3]} == "localhost/skillspassport"$'\n'1$'\n'* ]] ||
  { echo "tlog checkpoint: ${outputs[3]}"; exit 1; }
[[ ${outputs[4]} == 32 ]] || { echo "tlog tile: ${outputs[4]} bytes, want 32"; exit 1; }
[[ ${outputs[5]} == application/vc+jwt ]] ||
  { echo "status list: ${outputs[5]}"; exit 1; }

# The Verify page, its headers, and the node key it trusts by default.
headers=$(curl -s -D - -o "$work/verify.html" "$web")
grep -qi "^content-security-policy: default-src 'self'" <<< "$headers"
grep -qi '^x-content-type-options: nosniff' <<< "$headers"
grep -qi '^referrer-policy: no-referrer' <<< "$headers"
grep -q '<html' "$work/verify.html"
[[ $(curl -s "$base/node.vkey") == $("$passportd" keys --data-dir "$work/data") ]]
echo "front door: README examples, pages and headers as documented"
