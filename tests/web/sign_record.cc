// The C++ client's signer, for the web signer's agreement test
// (clients/web/test/signer.mjs): reads Records as proto3 JSON, one a line,
// on stdin, and prints for each "RECORD_HEX ENTRY_HEX" — the record's bytes as
// the CLI serialises them and the entry records::SignRecord makes with the
// key files given (FORMAT.md section 1).
//
//   sign_record KEY_FILE... < records.jsonl
#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "ledger/hash.h"
#include "records/signing.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: sign_record KEY_FILE... < records.jsonl\n");
    return 2;
  }
  std::vector<skp::ledger::Signer> keys;
  for (int i = 1; i < argc; ++i) {
    absl::StatusOr<skp::ledger::Signer> key = skp::ledger::ReadKeyFile(argv[i]);
    if (!key.ok()) {
      std::fprintf(stderr, "%s: %s\n", argv[i],
                   key.status().ToString().c_str());
      return 1;
    }
    keys.push_back(*std::move(key));
  }
  std::vector<const skp::ledger::Signer*> signers;
  for (const auto& key : keys) signers.push_back(&key);
  std::string line;
  while (std::getline(std::cin, line)) {
    skillspassport::v1::Record record;
    if (!google::protobuf::util::JsonStringToMessage(line, &record).ok()) {
      std::fprintf(stderr, "not a Record: %s\n", line.c_str());
      return 1;
    }
    absl::StatusOr<std::string> entry =
        skp::records::SignRecord(record, signers);
    if (!entry.ok()) {
      std::fprintf(stderr, "%s\n", entry.status().ToString().c_str());
      return 1;
    }
    std::printf("%s %s\n",
                skp::ledger::HexEncode(record.SerializeAsString()).c_str(),
                skp::ledger::HexEncode(*entry).c_str());
  }
  return 0;
}
