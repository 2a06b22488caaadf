#include "records/reference/reference_data.h"

#include "gtest/gtest.h"
#include "records/reference/csv.h"

namespace skp::reference {
namespace {

class ReferenceDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto data = ReferenceData::Embedded();
    ASSERT_TRUE(data.ok()) << data.status();
    data_.emplace(*std::move(data));
  }
  std::optional<ReferenceData> data_;
};

TEST_F(ReferenceDataTest, CareCertificateVersions) {
  EXPECT_EQ(data_->CareCertificateStandardCount(2015), 15);
  EXPECT_EQ(data_->CareCertificateStandardCount(2025), 16);
  EXPECT_TRUE(data_->CheckCareCertificateStandard(2025, 16).ok());
  EXPECT_EQ(data_->CheckCareCertificateStandard(2015, 16).message(),
            "Care Certificate 2015 has standards 1 to 15, not 16");
  EXPECT_EQ(data_->CheckCareCertificateStandard(2025, 17).message(),
            "Care Certificate 2025 has standards 1 to 16, not 17");
  EXPECT_EQ(data_->CheckCareCertificateStandard(2020, 1).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(data_->CareCertificateStandardTitle(2025, 16),
            "Awareness of learning disability and autism");
  EXPECT_EQ(data_->CareCertificateStandardTitle(2025, 4),
            "Equality, diversity, inclusion and human rights");
}

TEST_F(ReferenceDataTest, AscWdsCodes) {
  for (int category = 1; category <= 8; ++category) {
    EXPECT_TRUE(data_->CheckDelegatedActivity(category).ok()) << category;
  }
  EXPECT_EQ(
      data_->CheckDelegatedActivity(9).message(),
      "unknown delegated healthcare activity category 9 (reference data v1)");
  EXPECT_EQ(data_->DelegatedActivityTitle(2),
            "Specialised medication administration");
  EXPECT_TRUE(data_->CheckJobRole(1).ok());
  EXPECT_FALSE(data_->CheckJobRole(999).ok());
  EXPECT_TRUE(data_->JobRoleMayDoDelegatedActivities(1));
  EXPECT_FALSE(data_->JobRoleMayDoDelegatedActivities(2));  // Administrative
  EXPECT_TRUE(data_->CheckTrainingCategory(1).ok());
  EXPECT_FALSE(data_->CheckTrainingCategory(0).ok());
}

TEST_F(ReferenceDataTest, CareWorkforcePathwayAndLevel2Certificate) {
  for (int category : {1, 2, 3, 4, 5, 6, 7, 101, 102}) {
    EXPECT_TRUE(data_->CheckPathwayCategory(category).ok()) << category;
  }
  EXPECT_EQ(data_->CheckPathwayCategory(8).message(),
            "unknown Care Workforce Pathway role category 8 (reference data "
            "v1)");
  EXPECT_EQ(data_->PathwayCategoryTitle(3), "Enhanced care worker");
  EXPECT_EQ(data_->PathwayCategoryTitle(7), "Registered manager");
  ASSERT_EQ(data_->Level2CertificateUnits().size(), 15u);
  EXPECT_EQ(data_->Level2CertificateUnits().at(15),
            "An Awareness of Learning Disability and Autism");
}

TEST_F(ReferenceDataTest, IcbsAreEffectiveDated) {
  // Cheshire and Merseyside is unchanged by the April 2026 mergers.
  EXPECT_TRUE(data_->CheckIcb("E54000008", absl::CivilDay(2024, 1, 1)).ok());
  EXPECT_TRUE(data_->CheckIcb("E54000008", absl::CivilDay(2026, 6, 1)).ok());
  // Essex (E54000066) exists only from 1 April 2026.
  EXPECT_FALSE(data_->CheckIcb("E54000066", absl::CivilDay(2026, 3, 31)).ok());
  EXPECT_TRUE(data_->CheckIcb("E54000066", absl::CivilDay(2026, 4, 1)).ok());
  EXPECT_EQ(data_->CheckIcb("E99999999", absl::CivilDay(2026, 4, 1)).message(),
            "unknown ICB code E99999999 (reference data v1)");
}

TEST_F(ReferenceDataTest, PlacesMoveToTheSuccessorIcb) {
  const absl::CivilDay before(2026, 3, 31), after(2026, 4, 1);
  // Unchanged ICB.
  EXPECT_EQ(data_->IcbOn("E54000008", "Liverpool", after), "E54000008");
  // Norfolk and Waveney merged into Norfolk and Suffolk.
  EXPECT_EQ(data_->IcbOn("E54000022", "26A", before), "E54000022");
  EXPECT_EQ(data_->IcbOn("E54000022", "26A", after), "E54000068");
  // Suffolk and North East Essex was split: North East Essex went to Essex.
  EXPECT_EQ(data_->IcbOn("E54000023", "06L", after), "E54000068");
  EXPECT_EQ(data_->IcbOn("E54000023", "06T", after), "E54000066");
  // Unknown codes pass through.
  EXPECT_EQ(data_->IcbOn("E99999999", "x", after), "E99999999");
  // Every closed ICB has a successor in force the next day.
  for (const char* closed :
       {"E54000022", "E54000023", "E54000024", "E54000025", "E54000026",
        "E54000027", "E54000028", "E54000034", "E54000042", "E54000044",
        "E54000056", "E54000063", "E54000064"}) {
    EXPECT_TRUE(
        data_->CheckIcb(data_->IcbOn(closed, "", after), after).ok())
        << closed;
  }
}

TEST(CsvTest, QuotedFields) {
  auto rows = ParseCsv("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n1,\n");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].at("a"), "x, y");
  EXPECT_EQ((*rows)[0].at("b"), "say \"hi\"");
  EXPECT_EQ((*rows)[1].at("b"), "");
  EXPECT_FALSE(ParseCsv("a,b\n1\n").ok());
  EXPECT_FALSE(ParseCsv("a\n\"open\n").ok());
}

}  // namespace
}  // namespace skp::reference
