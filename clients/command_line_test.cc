#include "clients/command_line.h"

#include "gtest/gtest.h"

namespace skp::clients {
namespace {

TEST(CommandLineTest, WordsThenFlagsInBothSpellings) {
  auto cl = CommandLine::Parse(
      {"ledger", "inclusion", "--server", "h:1", "--index=3", "--json"},
      {"json"});
  ASSERT_TRUE(cl.ok()) << cl.status();
  EXPECT_EQ(cl->words(), (std::vector<std::string>{"ledger", "inclusion"}));
  EXPECT_EQ(cl->Get("server"), "h:1");
  EXPECT_EQ(**cl->GetUint("index"), 3u);
  EXPECT_TRUE(cl->Has("json"));
  EXPECT_EQ(cl->Get("missing", "dflt"), "dflt");
  EXPECT_FALSE(cl->GetUint("missing")->has_value());
  EXPECT_TRUE(cl->AllowOnly({"server", "index", "json"}).ok());
  EXPECT_EQ(cl->AllowOnly({"server", "json"}).message(),
            "unknown flag --index for this command");
}

TEST(CommandLineTest, RejectsMalformedArguments) {
  EXPECT_EQ(CommandLine::Parse({"--to"}).status().message(),
            "--to needs a value");
  EXPECT_EQ(CommandLine::Parse({"--a", "1", "--a", "2"}).status().message(),
            "--a given twice");
  EXPECT_FALSE(CommandLine::Parse({"--a", "1", "stray"}).ok());
  auto cl = CommandLine::Parse({"--from", "-1", "--to", "1x"});
  ASSERT_TRUE(cl.ok());
  EXPECT_EQ(cl->GetUint("from").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(cl->GetUint("to", 0).status().message(),
            "--to must be a non-negative integer, got \"1x\"");
}

}  // namespace
}  // namespace skp::clients
