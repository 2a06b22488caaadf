#!/usr/bin/env bash
# Installs the Debian 12 packages the project needs (skips apt when all are
# present). --test adds what the test suite needs (Go's sumdb packages for the
# interoperability test, openssl for the TLS test's certificates, clang and its
# runtime for the sanitizer build and the fuzzers, faketime for the scenarios
# run as of other dates).
set -euo pipefail
packages=(build-essential cmake pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  librocksdb-dev libsodium-dev libabsl-dev libssl-dev nlohmann-json3-dev libcli11-dev libcpp-httplib-dev
  libgtest-dev libgmock-dev libbenchmark-dev)
if [[ ${1:-} == --test ]]; then
  packages+=(golang-go golang-golang-x-mod-dev openssl clang libclang-rt-14-dev faketime)
fi
if dpkg -s "${packages[@]}" > /dev/null 2>&1; then
  exit 0
fi
sudo=""
[[ $(id -u) == 0 ]] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" > /dev/null
