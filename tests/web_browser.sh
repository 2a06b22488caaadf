#!/usr/bin/env bash
# Against passportd's own front door: a Connect client of another
# implementation (clients/web/test/connect.mjs, JSON and binary), then the
# web app's browser tests (test/browser.mjs): pages, /node.vkey and the API
# from one origin, with the gateway's headers. Screenshots go to ARTIFACTS
# (not committed).
# Usage: web_browser.sh PASSPORTD PASSPORT WEB_ROOT ARTIFACTS
set -euo pipefail
passportd=$1 passport=$2 web_root=$3 artifacts=$4
source "$(dirname "$0")/testing/node.sh"
start_node "$passportd" --http-listen 127.0.0.1:0 --web-root "$web_root"
web=$(awk '/^web /{print $2}' "$work/node.out")
[[ -n $web ]] || { cat "$work/node.out"; echo "no web address printed"; exit 1; }
mkdir -p "$artifacts"
cd "$(dirname "$0")/../clients/web"
node build.mjs --lib > /dev/null
node test/connect.mjs "${web%/verify}" "$addr"
SKP_ARTIFACTS=$artifacts node test/browser.mjs "${web%/verify}" "$passportd" "$passport"
