#include "services/registry/key_table.h"

#include "gtest/gtest.h"
#include "ledger/hash.h"

namespace skp::registry {
namespace {

KeyEntry Entry(records::Principal principal, std::string owner, char fill) {
  KeyEntry entry;
  entry.signer.principal = principal;
  entry.signer.owner = std::move(owner);
  entry.public_key.fill(static_cast<uint8_t>(fill));
  return entry;
}

void ExpectSame(const KeyEntry& got, const KeyEntry& want) {
  EXPECT_EQ(got.signer.principal, want.signer.principal);
  EXPECT_EQ(got.signer.owner, want.signer.owner);
  EXPECT_EQ(got.signer.roles, want.signer.roles);
  EXPECT_EQ(got.signer.organisation_id, want.signer.organisation_id);
  EXPECT_EQ(got.signer.is_record_key, want.signer.is_record_key);
  EXPECT_EQ(got.public_key, want.public_key);
  EXPECT_EQ(got.revoked_from, want.revoked_from);
}

// Compact or whole, a key reads back as it was put, and revocations stick.
TEST(KeyTableTest, EveryKindOfKeyReadsBackAsPut) {
  const std::string worker_id(32, 'w'), org_id(32, 'o'), short_id = "k1";
  const KeyEntry worker = Entry(records::Principal::kWorker,
                                ledger::HexEncode(std::string(16, '\x07')), 1);
  KeyEntry organisation =
      Entry(records::Principal::kOrganisation, "CQC:1-101", 2);
  organisation.signer.roles = {skillspassport::v1::ORGANISATION_ROLE_EMPLOYER};
  // A worker key whose owner is not a passport id in lower-case hex stays
  // whole rather than being read back otherwise.
  const KeyEntry odd_worker =
      Entry(records::Principal::kWorker, ledger::HexEncode("short"), 3);
  KeyTable table;
  table.Put(worker_id, worker);
  table.Put(org_id, organisation);
  table.Put(short_id, odd_worker);
  EXPECT_EQ(table.size(), 3u);
  ExpectSame(*table.Find(worker_id), worker);
  ExpectSame(*table.Find(org_id), organisation);
  ExpectSame(*table.Find(short_id), odd_worker);
  EXPECT_FALSE(table.Find(std::string(32, 'x')).has_value());
  EXPECT_FALSE(table.Contains("x"));

  table.SetRevokedFrom(worker_id, 1790000000);
  EXPECT_EQ(table.Find(worker_id)->revoked_from, 1790000000);
  EXPECT_TRUE(table.Find(worker_id)->RevokedAt(1790000000));
  table.SetRevokedFrom(worker_id, std::nullopt);
  EXPECT_FALSE(table.Find(worker_id)->revoked_from.has_value());

  std::vector<std::string> order;
  table.ForEachSorted([&](absl::string_view id, const KeyEntry&) {
    order.emplace_back(id);
  });
  EXPECT_EQ(order, (std::vector<std::string>{short_id, org_id, worker_id}));

  table.Erase(worker_id);
  EXPECT_FALSE(table.Contains(worker_id));
  EXPECT_EQ(table.size(), 2u);
}

}  // namespace
}  // namespace skp::registry
