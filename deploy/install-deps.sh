#!/usr/bin/env bash
# Installs the Debian 12 packages the project needs (skips apt when all are
# present). --test adds what the test suite needs (Go's sumdb packages for the
# interoperability test, openssl for the TLS test's certificates, clang and its
# runtime for the sanitizer build and the fuzzers, faketime for the scenarios
# run as of other dates, Chromium for the web app's browser tests). Node.js
# (20, with its npm; this machine kind's nodejs package) builds the web app
# from clients/web/package-lock.json. Debian's separate npm package is not
# wanted: it would pull Debian's older nodejs.
set -euo pipefail
packages=(build-essential cmake pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  librocksdb-dev libsodium-dev libabsl-dev libssl-dev nlohmann-json3-dev libcli11-dev libcpp-httplib-dev
  libgtest-dev libgmock-dev libbenchmark-dev nodejs)
if [[ ${1:-} == --test ]]; then
  packages+=(golang-go golang-golang-x-mod-dev openssl clang libclang-rt-14-dev faketime chromium)
fi
if ! dpkg -s "${packages[@]}" > /dev/null 2>&1; then
  sudo=""
  [[ $(id -u) == 0 ]] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" > /dev/null
fi
# The web app's packages, exactly as the lock file pins them; the build
# itself fetches nothing.
web=$(cd "$(dirname "$0")/../clients/web" && pwd)
if [[ ! $web/node_modules/.package-lock.json -nt $web/package-lock.json ]]; then
  (cd "$web" && npm ci --no-audit --no-fund --loglevel=error)
fi
