#include "ledger/replication.h"

#include <atomic>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "ledger/entry.h"
#include "ledger/note.h"
#include "ledger/rocksdb_store.h"
#include "tests/testing/temp_dir.h"

namespace skp::ledger {
namespace {

// Admits any signed entry, except that a payload "after:X" needs the entry
// with payload X admitted first (enough to exercise parking) and a payload
// "refuse:..." is refused for good where rules are enforced.
class DependentValidator : public TrustAnchorValidator {
 public:
  using TrustAnchorValidator::TrustAnchorValidator;

  absl::Status Validate(const IncomingEntry& incoming) const override {
    if (absl::StartsWith(incoming.decoded.payload, "after:"))
      ++dependent_validations;
    if (accept_anything) return absl::OkStatus();
    return TrustAnchorValidator::Validate(incoming);
  }
  absl::Status Admit(const IncomingEntry& incoming, uint64_t location,
                     ProjectionRows& rows) override {
    const Entry& entry = incoming.decoded;
    if (enforce_dependencies && absl::StartsWith(entry.payload, "after:")) {
      std::string needed = entry.payload.substr(6);
      if (!admitted_.contains(needed) && !staged_.contains(needed)) {
        return AwaitingDependency(
            absl::FailedPreconditionError("dependency not admitted"));
      }
    }
    if (enforce_dependencies && absl::StartsWith(entry.payload, "refuse:"))
      return absl::AlreadyExistsError("a conflicting record is admitted");
    staged_.insert(entry.payload);
    rows.emplace_back(absl::StrCat("admitted/", entry.payload),
                      BigEndian64(location));
    return absl::OkStatus();
  }
  void Committed() override {
    admitted_.insert(staged_.begin(), staged_.end());
    staged_.clear();
  }
  void Aborted() override { staged_.clear(); }

  bool enforce_dependencies = true;
  bool accept_anything = false;  // a misbehaving peer's intake
  // Validations of "after:" entries: a parked record is verified once.
  mutable std::atomic<int> dependent_validations{0};

 private:
  std::set<std::string> admitted_, staged_;
};

// One node: a RocksDB store, its own log, and its mirror of the peer "a".
struct Node {
  Node(const std::string& dir, Signer log_key, const Verifier& author)
      : key(std::move(log_key)),
        witness_key(
            *Signer::Generate(key.name() + "/witness", kAlgCosignatureV1)),
        validator(std::vector<Verifier>{author}),
        path(dir) {
    Open();
  }
  void Open() {
    log.reset();
    store.reset();
    store = *RocksDbStore::Open(path);
    LogOptions options{key.name()};
    options.max_parked = max_parked;
    log = *Log::Open(store.get(), &key, &validator, std::move(options));
  }
  std::unique_ptr<Mirror> OpenMirror(const Verifier& peer) {
    int slot = 0;
    LogStore* space = *store->Mirror(peer.name(), &slot);
    auto mirror = Mirror::Open(space, slot, peer, log.get(), store.get());
    EXPECT_TRUE(mirror.ok()) << mirror.status();
    return *std::move(mirror);
  }
  std::optional<std::string> Row(absl::string_view key) {
    return *store->GetProjection(key);
  }

  Signer key, witness_key;
  DependentValidator validator;
  std::string path;
  size_t max_parked = LogOptions{}.max_parked;
  std::unique_ptr<RocksDbStore> store;
  std::unique_ptr<Log> log;
};

class ReplicationTest : public ::testing::Test {
 protected:
  ReplicationTest()
      : author_(*Signer::Generate("author")),
        a_(dir_.File("a"), *Signer::Generate("a.example/log"),
           author_.verifier()),
        b_(dir_.File("b"), *Signer::Generate("b.example/log"),
           author_.verifier()) {}

  std::string Signed(absl::string_view payload) {
    const Signer* signers[] = {&author_};
    return *SignEntry(kRecordPayloadType, payload, signers);
  }
  void AppendTo(Node& node, absl::string_view payload) {
    auto appended = node.log->AppendAndWait(Signed(payload));
    ASSERT_TRUE(appended.ok()) << appended.status();
  }
  // Entries [from, to) of `node`'s log with its checkpoint and the proof
  // from `to` to the checkpoint's size.
  MirrorChunk ChunkOf(Node& node, uint64_t from, uint64_t to) {
    MirrorChunk chunk;
    chunk.first_index = from;
    LogHead head = node.log->Head();
    EXPECT_TRUE(node.log
                    ->ScanEntries(from, to,
                                  [&](uint64_t, absl::string_view e) {
                                    chunk.entries.emplace_back(e);
                                    return true;
                                  })
                    .ok());
    chunk.checkpoint = head.checkpoint;
    chunk.proof = *node.log->ConsistencyProof(to, head.size);
    return chunk;
  }

  testing::TempDir dir_;
  Signer author_;
  Node a_, b_;
};

TEST_F(ReplicationTest, MirrorVerifiesStoresAndServesProofs) {
  for (int i = 0; i < 20; ++i) AppendTo(a_, absl::StrCat("record ", i));
  std::unique_ptr<Mirror> mirror = b_.OpenMirror(a_.key.verifier());

  // A chunk that ends below the checkpoint is proved by consistency.
  auto first = mirror->Apply(ChunkOf(a_, 0, 7));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->admitted, 7u);
  EXPECT_EQ(mirror->stored_size(), 7u);
  EXPECT_EQ(mirror->Head().size, 0u);  // no checkpoint of size 7 yet
  ASSERT_TRUE(mirror->Apply(ChunkOf(a_, 7, 20)).ok());
  EXPECT_EQ(mirror->Head().size, 20u);
  EXPECT_EQ(mirror->Head().checkpoint, a_.log->Head().checkpoint);

  EXPECT_EQ(*mirror->RootAt(13), *a_.log->RootAt(13));
  EXPECT_EQ(*mirror->InclusionProof(5, 20), *a_.log->InclusionProof(5, 20));
  EXPECT_EQ(*mirror->GetEntry(19), *a_.log->GetEntry(19));
  // Mirrored records are located on B, in the mirror's slot.
  Hash leaf = HashLeaf(*a_.log->GetEntry(4));
  auto location = LocateRecord(*b_.store, leaf);
  ASSERT_TRUE(location.ok() && location->has_value());
  EXPECT_EQ(LocationSlot(**location), mirror->slot());
  EXPECT_EQ(*b_.store->GetRecordEntry(**location), *a_.log->GetEntry(4));
  EXPECT_EQ(b_.log->Head().size, 0u);  // B's own log is untouched

  // Reopened, the mirror resumes where it was.
  mirror.reset();
  b_.Open();
  mirror = b_.OpenMirror(a_.key.verifier());
  EXPECT_EQ(mirror->Head().size, 20u);
  EXPECT_EQ(mirror->stored_size(), 20u);
}

TEST_F(ReplicationTest, BadChunksAreRefusedAndWriteNothing) {
  for (int i = 0; i < 5; ++i) AppendTo(a_, absl::StrCat("record ", i));
  std::unique_ptr<Mirror> mirror = b_.OpenMirror(a_.key.verifier());

  MirrorChunk gap = ChunkOf(a_, 1, 5);
  EXPECT_EQ(mirror->Apply(gap).status().code(),
            absl::StatusCode::kInvalidArgument);

  MirrorChunk forged = ChunkOf(a_, 0, 5);
  forged.checkpoint = b_.log->Head().checkpoint;  // signed by someone else
  EXPECT_EQ(mirror->Apply(forged).status().code(),
            absl::StatusCode::kInvalidArgument);

  MirrorChunk tampered = ChunkOf(a_, 0, 5);
  tampered.entries[2] = Signed("something else");
  EXPECT_EQ(mirror->Apply(tampered).status().code(),
            absl::StatusCode::kDataLoss);
  // The peer's own proof is fine: the chunk was bad, not the log.
  EXPECT_EQ(mirror->CheckFork(a_.log->Head().checkpoint, {}).code(),
            absl::StatusCode::kDataLoss);
  EXPECT_FALSE(mirror->fork_evidence().has_value());
  EXPECT_EQ(mirror->stored_size(), 0u);
  EXPECT_FALSE(b_.Row("admitted/something else").has_value());

  EXPECT_TRUE(mirror->Apply(ChunkOf(a_, 0, 5)).ok());
}

TEST_F(ReplicationTest, AForkIsRefusedWithEvidenceKeptAcrossRestarts) {
  for (int i = 0; i < 6; ++i) AppendTo(a_, absl::StrCat("record ", i));
  std::unique_ptr<Mirror> mirror = b_.OpenMirror(a_.key.verifier());
  ASSERT_TRUE(mirror->Apply(ChunkOf(a_, 0, 6)).ok());

  // The same key and origin, another history: a rewritten log.
  Node forked(dir_.File("fork"), a_.key, author_.verifier());
  for (int i = 0; i < 3; ++i) AppendTo(forked, absl::StrCat("record ", i));
  for (int i = 0; i < 5; ++i) AppendTo(forked, absl::StrCat("other ", i));
  MirrorChunk next = ChunkOf(forked, 6, 8);
  EXPECT_EQ(mirror->Apply(next).status().code(), absl::StatusCode::kDataLoss);
  absl::Status fork =
      mirror->CheckFork(next.checkpoint, *forked.log->ConsistencyProof(6, 8));
  EXPECT_EQ(fork.code(), absl::StatusCode::kFailedPrecondition) << fork;
  ASSERT_TRUE(mirror->fork_evidence().has_value());
  EXPECT_TRUE(
      absl::StrContains(*mirror->fork_evidence(), a_.log->Head().checkpoint));
  EXPECT_TRUE(absl::StrContains(*mirror->fork_evidence(), next.checkpoint));
  // Stopped: even the honest log's next entries are not taken, until an
  // operator acts; and it stays stopped across a restart.
  AppendTo(a_, "record 6");
  EXPECT_EQ(mirror->Apply(ChunkOf(a_, 6, 7)).status().code(),
            absl::StatusCode::kFailedPrecondition);
  mirror.reset();
  b_.Open();
  mirror = b_.OpenMirror(a_.key.verifier());
  EXPECT_TRUE(mirror->fork_evidence().has_value());
  EXPECT_EQ(mirror->stored_size(), 6u);
}

TEST_F(ReplicationTest, SameSizeAnotherRootIsAFork) {
  for (int i = 0; i < 3; ++i) AppendTo(a_, absl::StrCat("record ", i));
  std::unique_ptr<Mirror> mirror = b_.OpenMirror(a_.key.verifier());
  ASSERT_TRUE(mirror->Apply(ChunkOf(a_, 0, 3)).ok());
  Node forked(dir_.File("fork"), a_.key, author_.verifier());
  for (int i = 0; i < 3; ++i) AppendTo(forked, absl::StrCat("other ", i));
  MirrorChunk empty;
  empty.first_index = 3;
  empty.checkpoint = forked.log->Head().checkpoint;
  EXPECT_EQ(mirror->Apply(empty).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(mirror->fork_evidence().has_value());
}

TEST_F(ReplicationTest, AShorterRewrittenLogIsAFork) {
  for (int i = 0; i < 5; ++i) AppendTo(a_, absl::StrCat("record ", i));
  std::unique_ptr<Mirror> mirror = b_.OpenMirror(a_.key.verifier());
  ASSERT_TRUE(mirror->Apply(ChunkOf(a_, 0, 5)).ok());
  // An older checkpoint of the same log is fine...
  Node replay(dir_.File("replay"), a_.key, author_.verifier());
  for (int i = 0; i < 3; ++i) AppendTo(replay, absl::StrCat("record ", i));
  EXPECT_TRUE(mirror->CheckCheckpoint(replay.log->Head().checkpoint).ok());
  // ...one of a size it held, with another root, is a rollback and a fork.
  Node forked(dir_.File("fork"), a_.key, author_.verifier());
  for (int i = 0; i < 3; ++i) AppendTo(forked, absl::StrCat("other ", i));
  EXPECT_EQ(mirror->CheckCheckpoint(forked.log->Head().checkpoint).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(mirror->fork_evidence().has_value());
}

TEST_F(ReplicationTest, ARecordIsAdmittedOnceWhicheverLogBringsIt) {
  std::unique_ptr<Mirror> mirror = b_.OpenMirror(a_.key.verifier());
  AppendTo(a_, "shared");
  AppendTo(b_, "shared");  // submitted to both nodes
  AppendTo(a_, "only on a");
  auto result = mirror->Apply(ChunkOf(a_, 0, 2));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->known, 1u);
  EXPECT_EQ(result->admitted, 1u);
  EXPECT_EQ(*b_.Row("admitted/shared"), BigEndian64(0));  // B's own entry

  // The other way round: mirrored first, then appended locally.
  AppendTo(a_, "mirrored first");
  ASSERT_TRUE(mirror->Apply(ChunkOf(a_, 2, 3)).ok());
  std::string location = *b_.Row("admitted/mirrored first");
  uint64_t b_size = b_.log->Head().size;
  auto appended = b_.log->AppendAndWait(Signed("mirrored first"));
  ASSERT_TRUE(appended.ok());
  // B holds it already: not logged a second time (a rebuild, own log first,
  // would otherwise admit it from another location than it was).
  EXPECT_TRUE(appended->already_present);
  EXPECT_NE(appended->log_slot, 0);
  EXPECT_EQ(appended->index, 2u);  // in A's log
  EXPECT_TRUE(appended->checkpoint.empty());
  EXPECT_EQ(BigEndian64(RecordLocation(appended->log_slot, appended->index)),
            location);
  EXPECT_EQ(b_.log->Head().size, b_size);
  EXPECT_EQ(*b_.Row("admitted/mirrored first"), location);  // admitted once
}

TEST_F(ReplicationTest, RecordsWaitForTheirDependenciesAcrossLogs) {
  std::unique_ptr<Mirror> mirror = b_.OpenMirror(a_.key.verifier());
  a_.validator.enforce_dependencies = false;  // A saw "base" some other way
  AppendTo(a_, "after:base");  // its dependency is logged on B, later
  AppendTo(a_, "after:after:base");
  auto result = mirror->Apply(ChunkOf(a_, 0, 2));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->parked, 2u);
  EXPECT_EQ(b_.log->parked(), 2u);
  EXPECT_FALSE(b_.Row("admitted/after:base").has_value());

  // Parked records survive a restart.
  mirror.reset();
  b_.Open();
  mirror = b_.OpenMirror(a_.key.verifier());
  EXPECT_EQ(b_.log->parked(), 2u);

  AppendTo(b_, "base");
  EXPECT_EQ(b_.log->parked(), 0u);
  EXPECT_TRUE(b_.Row("admitted/after:base").has_value());
  EXPECT_TRUE(b_.Row("admitted/after:after:base").has_value());
  EXPECT_FALSE(b_.Row(absl::StrCat("parked/", BigEndian64(RecordLocation(
                                                  mirror->slot(), 0))))
                   .has_value());
}

TEST_F(ReplicationTest, APermanentRefusalIsRecordedWithItsReasonNotParked) {
  std::unique_ptr<Mirror> mirror = b_.OpenMirror(a_.key.verifier());
  a_.validator.enforce_dependencies = false;
  AppendTo(a_, "refuse:conflict");
  auto result = mirror->Apply(ChunkOf(a_, 0, 1));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->refused, 1u);
  EXPECT_EQ(result->parked, 0u);
  EXPECT_EQ(b_.log->parked(), 0u);
  EXPECT_EQ(b_.log->refused(), 1u);
  uint64_t location = RecordLocation(mirror->slot(), 0);
  EXPECT_EQ(b_.log->latest_refusal(),
            absl::StrCat("location ", location,
                         ": a conflicting record is admitted"));
  EXPECT_EQ(b_.Row(absl::StrCat("refused/", BigEndian64(location))),
            "a conflicting record is admitted");
  mirror.reset();
  b_.Open();
  EXPECT_EQ(b_.log->refused(), 1u);  // counted again from its row
}

TEST_F(ReplicationTest, TheParkedSetHasACap) {
  b_.max_parked = 2;
  b_.Open();
  std::unique_ptr<Mirror> mirror = b_.OpenMirror(a_.key.verifier());
  a_.validator.enforce_dependencies = false;
  for (int i = 0; i < 3; ++i) AppendTo(a_, absl::StrCat("after:base", i));
  auto result = mirror->Apply(ChunkOf(a_, 0, 3));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->parked, 2u);
  EXPECT_EQ(result->refused, 1u);
  EXPECT_EQ(b_.log->parked(), 2u);
  EXPECT_TRUE(absl::StrContains(b_.log->latest_refusal(),
                                "the parked set is full (2 records)"));
}

TEST_F(ReplicationTest, AParkedRecordsSignatureIsVerifiedOnce) {
  std::unique_ptr<Mirror> mirror = b_.OpenMirror(a_.key.verifier());
  a_.validator.enforce_dependencies = false;
  AppendTo(a_, "after:base");
  ASSERT_TRUE(mirror->Apply(ChunkOf(a_, 0, 1)).ok());
  ASSERT_EQ(b_.log->parked(), 1u);
  int validations = b_.validator.dependent_validations;
  // Every admitting batch retries the parked record: admission only.
  for (int i = 0; i < 3; ++i) AppendTo(b_, absl::StrCat("unrelated ", i));
  EXPECT_EQ(b_.log->parked(), 1u);
  EXPECT_EQ(b_.validator.dependent_validations, validations);
  AppendTo(b_, "base");
  EXPECT_EQ(b_.log->parked(), 0u);
  EXPECT_TRUE(b_.Row("admitted/after:base").has_value());
}

TEST_F(ReplicationTest, EntriesThatFailValidationAreStoredNotAdmitted) {
  std::unique_ptr<Mirror> mirror = b_.OpenMirror(a_.key.verifier());
  a_.validator.accept_anything = true;
  std::string forged = Signed("forged");
  forged[forged.size() - 1] ^= 1;  // the signature's last byte
  ASSERT_TRUE(a_.log->AppendAndWait(forged).ok());
  Signer stranger = *Signer::Generate("stranger");
  const Signer* signers[] = {&stranger};
  ASSERT_TRUE(
      a_.log->AppendAndWait(*SignEntry(kRecordPayloadType, "x", signers)).ok());

  auto result = mirror->Apply(ChunkOf(a_, 0, 2));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->refused, 1u);      // a signature that does not verify
  EXPECT_EQ(result->parked, 1u);       // a signer B may learn of later
  EXPECT_EQ(mirror->Head().size, 2u);  // the mirror is a faithful copy
  EXPECT_FALSE(b_.Row("admitted/forged").has_value());
  EXPECT_FALSE(b_.Row("admitted/x").has_value());
}

class WitnessTest : public ReplicationTest {
 protected:
  WitnessTest() : witness_(&b_.witness_key, b_.store.get()) {}
  void SetUp() override {
    mirror_ = b_.OpenMirror(a_.key.verifier());
    witness_.AddLog(mirror_.get());
  }
  absl::StatusOr<std::string> Add(uint64_t old_size, std::vector<Hash> proof,
                                  const std::string& checkpoint) {
    return witness_.AddCheckpoint(old_size, proof, checkpoint,
                                  absl::Now() + absl::Milliseconds(50),
                                  &cosigned_size_);
  }

  Witness witness_;
  std::unique_ptr<Mirror> mirror_;
  uint64_t cosigned_size_ = 0;
};

TEST_F(WitnessTest, CosignsOnlyWhatItMirroredFollowingTlogWitness) {
  for (int i = 0; i < 4; ++i) AppendTo(a_, absl::StrCat("record ", i));
  std::string cp4 = a_.log->Head().checkpoint;
  // Not mirrored yet: no cosignature.
  EXPECT_EQ(Add(0, {}, cp4).status().code(), absl::StatusCode::kUnavailable);
  ASSERT_TRUE(mirror_->Apply(ChunkOf(a_, 0, 4)).ok());
  auto line = Add(0, {}, cp4);
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_EQ(cosigned_size_, 4u);
  auto note = ParseNote(cp4 + *line);
  ASSERT_TRUE(note.ok()) << note.status();
  EXPECT_TRUE(VerifyCosignature(*note, b_.witness_key.verifier()).ok());
  EXPECT_EQ(CountCosignatures(
                *note, {b_.witness_key.verifier(), b_.witness_key.verifier()}),
            1);  // a key counts once
  // The log's key still verifies the note (Go's note.Open ignores the rest).
  EXPECT_TRUE(OpenCheckpoint(cp4 + *line, a_.key.verifier()).ok());

  for (int i = 4; i < 9; ++i) AppendTo(a_, absl::StrCat("record ", i));
  ASSERT_TRUE(mirror_->Apply(ChunkOf(a_, 4, 9)).ok());
  std::string cp9 = a_.log->Head().checkpoint;
  // Stale old size: 409 Conflict, with the size the witness holds.
  EXPECT_EQ(Add(0, {}, cp9).status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(cosigned_size_, 4u);
  // A bad proof: 422.
  EXPECT_EQ(Add(4, {Hash{}}, cp9).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Add(4, *a_.log->ConsistencyProof(4, 9), cp9).ok());
  EXPECT_EQ(cosigned_size_, 9u);

  // Unknown log, unsigned checkpoint, old size beyond the checkpoint.
  EXPECT_EQ(Add(0, {}, b_.log->Head().checkpoint).status().code(),
            absl::StatusCode::kNotFound);
  std::string text9 = cp9.substr(0, cp9.find("\n\n") + 1);
  std::string unsigned_cp = *SignNote(text9, b_.key);  // not by a's key
  EXPECT_EQ(Add(9, {}, unsigned_cp).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Add(10, {}, cp9).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Add(0, {}, "garbage").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(WitnessTest, CosignaturesCollectIntoAQuorumAndReleaseWaiters) {
  Signer other = *Signer::Generate("c.example/witness", kAlgCosignatureV1);
  Cosignatures cosignatures({b_.witness_key.verifier(), other.verifier()});
  for (int i = 0; i < 3; ++i) AppendTo(a_, absl::StrCat("record ", i));
  ASSERT_TRUE(mirror_->Apply(ChunkOf(a_, 0, 3)).ok());
  std::string cp = a_.log->Head().checkpoint;
  std::string text = cp.substr(0, cp.find("\n\n") + 1);

  std::vector<bool> outcomes;
  cosignatures.WhenHeld(3, 2, absl::InfiniteFuture(),
                        [&](bool held) { outcomes.push_back(held); });
  cosignatures.WhenHeld(3, 2, absl::InfinitePast(),
                        [&](bool held) { outcomes.push_back(held); });
  cosignatures.ExpireWaiters(absl::Now());
  EXPECT_EQ(outcomes, std::vector<bool>{false});

  auto line = Add(0, {}, cp);
  ASSERT_TRUE(line.ok());
  ASSERT_TRUE(cosignatures.Add(0, 3, cp, *line).ok());
  // A line by the wrong witness is refused.
  EXPECT_FALSE(cosignatures.Add(1, 3, cp, *line).ok());
  EXPECT_EQ(cosignatures.HoldersOf(3), 1);
  EXPECT_FALSE(cosignatures.Cosigned(2).has_value());
  ASSERT_TRUE(cosignatures.Add(1, 3, cp, Cosign(other, text, 1700000000)).ok());
  EXPECT_EQ(outcomes, (std::vector<bool>{false, true}));
  auto quorum = cosignatures.Cosigned(2);
  ASSERT_TRUE(quorum.has_value());
  auto note = ParseNote(*quorum);
  ASSERT_TRUE(note.ok());
  EXPECT_EQ(CountCosignatures(*note, cosignatures.witnesses()), 2);
  EXPECT_TRUE(OpenCheckpoint(*quorum, a_.key.verifier()).ok());
}

}  // namespace
}  // namespace skp::ledger
