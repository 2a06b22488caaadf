#include "services/gateway/tiles.h"

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "ledger/entry.h"
#include "ledger/log.h"
#include "ledger/memory_store.h"
#include "ledger/validator.h"

namespace skp::services {
namespace {

class ServeTlogTest : public ::testing::Test {
 protected:
  ServeTlogTest()
      : node_key_(*ledger::Signer::Generate("test.example/log")),
        author_(*ledger::Signer::Generate("author")),
        validator_(std::vector<ledger::Verifier>{author_.verifier()}) {}

  void SetUp() override {
    auto log = ledger::Log::Open(&store_, &node_key_, &validator_,
                                 {"test.example/log"});
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = *std::move(log);
    const ledger::Signer* signers[] = {&author_};
    for (int i = 0; i < 300; ++i) {
      auto appended = log_->AppendAndWait(*ledger::SignEntry(
          ledger::kRecordPayloadType, "record " + std::to_string(i), signers));
      ASSERT_TRUE(appended.ok()) << appended.status();
    }
  }

  TlogAnswer Get(absl::string_view path) {
    return ServeTlog(
        [this](absl::string_view origin) -> const ledger::PublishedTree* {
          return origin == log_->origin() ? log_.get() : nullptr;
        },
        path);
  }

  ledger::Signer node_key_, author_;
  ledger::TrustAnchorValidator validator_;
  ledger::MemoryStore store_;
  std::unique_ptr<ledger::Log> log_;
};

TEST_F(ServeTlogTest, ServesTheCheckpointAndTilesOfItsTree) {
  TlogAnswer checkpoint = Get("/tlog/test.example/log/checkpoint");
  EXPECT_EQ(checkpoint.http_status, 200);
  EXPECT_EQ(checkpoint.body, log_->Head().checkpoint);
  EXPECT_EQ(checkpoint.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(checkpoint.cache_control, "no-cache");

  TlogAnswer full = Get("/tlog/test.example/log/tile/0/000");
  EXPECT_EQ(full.http_status, 200);
  EXPECT_EQ(full.body, *log_->ReadTile({.level = 0, .index = 0}, 300));
  EXPECT_EQ(full.content_type, "application/octet-stream");
  EXPECT_EQ(full.cache_control, "public, max-age=31536000, immutable");

  TlogAnswer partial = Get("/tlog/test.example/log/tile/entries/001.p/44");
  EXPECT_EQ(partial.http_status, 200);
  EXPECT_EQ(partial.body,
            *log_->ReadTile({.entries = true, .index = 1, .width = 44}, 300));
  EXPECT_EQ(partial.cache_control, "public, max-age=31536000, immutable");
}

TEST_F(ServeTlogTest, BadPathsGetAPreciseErrorAndNoTile) {
  const std::string checkpoint = log_->Head().checkpoint;
  const struct {
    const char* path;
    int status;
    const char* body;
  } cases[] = {
      {"/tlog/test.example/log/tile/0/000.p/256", 400,
       "partial tile width 256 is not in 1..255\n"},
      {"/tlog/test.example/log/tile/0/000.p/1000", 400,
       "partial tile width 1000 is not in 1..255\n"},
      {"/tlog/test.example/log/tile/64/000", 400,
       "tile level 64 is not in 0..63\n"},
      {"/tlog/test.example/log/tile/0/x001", 400,
       "tile index group \"x001\" is not 3 digits\n"},
      {"/tlog/test.example/log/tile/0/x018/x446/x744/x073/x709/x551/616", 400,
       "the tile index is above 2^64 - 1\n"},
      {"/tlog/test.example/log/tiles", 400,
       "\"tiles\" is not tile/<L>/<N> or tile/entries/<N>\n"},
      {"/tlog/test.example/log/tile/0/001", 404,
       "tile/0/001 is beyond the tree of 300 entries\n"},
      {"/tlog/test.example/log/tile/entries/001.p/45", 404,
       "tile/entries/001.p/45 is beyond the tree of 300 entries\n"},
      {"/tlog/test.example/log/tile/entries/x001/000", 404,
       "tile/entries/x001/000 is beyond the tree of 300 entries\n"},
      {"/tlog/test.example/log/tile/2/000.p/1", 404,
       "tile/2/000.p/1 is beyond the tree of 300 entries\n"},
      {"/tlog/other.example/checkpoint", 404,
       "this node holds no log at /tlog/other.example/checkpoint\n"},
      {"/tlog/test.example/checkpoint", 404,
       "this node holds no log at /tlog/test.example/checkpoint\n"},
  };
  for (const auto& c : cases) {
    TlogAnswer answer = Get(c.path);
    EXPECT_EQ(answer.http_status, c.status) << c.path;
    EXPECT_EQ(answer.body, c.body) << c.path;
    EXPECT_EQ(answer.content_type, "text/plain; charset=utf-8") << c.path;
    EXPECT_EQ(answer.cache_control, "no-store") << c.path;
  }
  // Reads only: the log is as it was.
  EXPECT_EQ(log_->Head().size, 300u);
  EXPECT_EQ(log_->Head().checkpoint, checkpoint);
}

}  // namespace
}  // namespace skp::services
