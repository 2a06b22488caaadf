#include "clients/cli_command.h"

#include "gtest/gtest.h"
#include "skillspassport/v1/records.pb.h"

namespace skp::clients::cli {
namespace {

TEST(ArgsTest, GivenValuesAndFallbacks) {
  Args args;
  args.Set("server", "h:1", /*given=*/true);
  args.Set("size", "0", /*given=*/false);  // the flag's fallback
  args.Set("index", "", /*given=*/false);
  EXPECT_TRUE(args.Has("server"));
  EXPECT_EQ(args.Get("server"), "h:1");
  EXPECT_FALSE(args.Has("size"));
  EXPECT_EQ(*args.Uint("size"), 0u);
  EXPECT_FALSE(args.GetUint("index")->has_value());
  EXPECT_EQ(args.Uint("index").status().message(),
            "usage: --index is required");
  EXPECT_EQ(args.Get("undeclared"), "");
}

TEST(ArgsTest, NumbersAreDecimalAndNonNegative) {
  Args args;
  args.Set("from", "-1", true);
  args.Set("to", "1x", true);
  EXPECT_EQ(args.GetUint("from").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(args.Uint("to").status().message(),
            "--to must be a non-negative integer, got \"1x\"");
}

TEST(FlagTest, WritesTakeServerAndDurability) {
  std::vector<Flag> flags = WriteFlags({Required("key", "FILE", "a key")});
  ASSERT_EQ(flags.size(), 3u);
  EXPECT_EQ(flags[1].name, "server");
  EXPECT_EQ(flags[1].fallback, "127.0.0.1:7070");
  EXPECT_EQ(flags[2].name, "durability");
  EXPECT_EQ(flags[2].fallback, "local");
}

TEST(FlagTest, EnumFlagsListTheirChoices) {
  Flag sector =
      EnumFlag("sector", skillspassport::v1::Sector_descriptor(), "its sector");
  EXPECT_EQ(sector.help,
            "its sector (nhs, adult-social-care, independent-health, "
            "local-authority, system)");
  EXPECT_EQ(sector.kind, Flag::Kind::kRequired);
}

}  // namespace
}  // namespace skp::clients::cli
