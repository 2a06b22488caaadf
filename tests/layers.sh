#!/usr/bin/env bash
# Layers run one way (DESIGN.md section 10): ledger <- records <- services <-
# passportd, and clients depend on ledger and records only. Fails naming
# every include that crosses upward.
#   layers.sh [SOURCE_ROOT]
set -euo pipefail
cd "${1:-$(dirname "$0")/..}"
status=0
forbid() {  # forbid DIRS PATTERN WHY
  local hits
  hits=$(grep -rnE --include='*.h' --include='*.cc' "^#include [\"<]($2)" $1 || true)
  if [[ -n $hits ]]; then
    echo "$3:"
    echo "$hits"
    status=1
  fi
}
forbid "ledger records" 'services/|clients/' "ledger/ and records/ include a layer above them"
forbid "services" 'clients/' "services/ include clients/"
forbid "clients" 'services/' "clients/ include services/"
forbid "ledger" 'records/|skillspassport/|grpc' "ledger/ includes the record model or gRPC"
# The offline verifier's part of ledger/ needs neither RocksDB nor the log.
format=(ledger/bytes.h ledger/hash.* ledger/merkle.* ledger/crypto.* ledger/entry.* ledger/note.* ledger/tiles.*)
forbid "${format[*]}" 'rocksdb|ledger/(log|store|replication|published_tree|memory_store|rocksdb_store|validator)\.h' \
  "the ledger format files include storage"
[[ $status == 0 ]] && echo "layers: every include runs one way"
exit $status
