// WSPStartup version negotiation (S1 §3.1.26; SPEC 2.1; CHECKLIST SPI-START-02..14).
// These prove the negotiation rules; the same rows run through real providers once the
// 1.1-only provider lands (issue "Several providers").
#include "model/version.h"

#include "gtest/gtest.h"

namespace ws2sim::model {
namespace {

constexpr WinsockVersion V(int major, int minor) {
  return {static_cast<uint8_t>(major), static_cast<uint8_t>(minor)};
}
using Outcome = Negotiation::Outcome;

struct Row {
  std::vector<WinsockVersion> dll;
  VersionRange provider;
  WinsockVersion requested;
  Outcome outcome;
  WinsockVersion version;       // when the provider accepted
  WinsockVersion high_version;  // when the provider accepted
};

void ExpectRow(const Row& row) {
  Negotiation n = NegotiateStartup(row.dll, row.provider);
  EXPECT_EQ(n.requested, row.requested);
  EXPECT_EQ(n.outcome, row.outcome);
  if (row.outcome != Outcome::kProviderRefused) {
    ASSERT_TRUE(n.answer.supported);
    EXPECT_EQ(n.answer.version, row.version) << n.answer.version.ToString();
    EXPECT_EQ(n.answer.high_version, row.high_version) << n.answer.high_version.ToString();
  } else {
    EXPECT_FALSE(n.answer.supported);
  }
  EXPECT_EQ(n.cleanup_called, row.outcome == Outcome::kDllRejects);
}

TEST(Version, SPI_START_02_RequestBelowTheLowestSupportedIsRefused) {
  EXPECT_FALSE(AnswerStartup(V(1, 0), {V(1, 1), V(2, 0)}).supported);
}

TEST(Version, SPI_START_03_RequestEqualToTheLowestSupportedSucceeds) {
  ProviderAnswer a = AnswerStartup(V(1, 1), {V(1, 1), V(2, 0)});
  EXPECT_TRUE(a.supported);
  EXPECT_EQ(a.version, V(1, 1));
}

TEST(Version, SPI_START_04_SuccessGivesMinOfHighestAndRequestedAndTheHighest) {
  ProviderAnswer a = AnswerStartup(V(2, 2), {V(1, 0), V(2, 0)});
  EXPECT_EQ(a.version, V(2, 0));
  EXPECT_EQ(a.high_version, V(2, 0));
  ProviderAnswer b = AnswerStartup(V(1, 1), {V(1, 0), V(2, 0)});
  EXPECT_EQ(b.version, V(1, 1));
  EXPECT_EQ(b.high_version, V(2, 0));
}

TEST(Version, SPI_START_05_TableRow1) {
  ExpectRow({{V(1, 1)}, {V(1, 1), V(1, 1)}, V(1, 1), Outcome::kUse, V(1, 1), V(1, 1)});
}
TEST(Version, SPI_START_06_TableRow2) {
  ExpectRow({{V(1, 0), V(1, 1)}, {V(1, 0), V(1, 0)}, V(1, 1), Outcome::kUse, V(1, 0), V(1, 0)});
}
TEST(Version, SPI_START_07_TableRow3) {
  ExpectRow({{V(1, 0)}, {V(1, 0), V(1, 1)}, V(1, 0), Outcome::kUse, V(1, 0), V(1, 1)});
}
TEST(Version, SPI_START_08_TableRow4) {
  ExpectRow({{V(1, 1)}, {V(1, 0), V(1, 1)}, V(1, 1), Outcome::kUse, V(1, 1), V(1, 1)});
}
TEST(Version, SPI_START_09_TableRow5DllRejectsAndCallsCleanup) {
  ExpectRow({{V(1, 1)}, {V(1, 0), V(1, 0)}, V(1, 1), Outcome::kDllRejects, V(1, 0), V(1, 0)});
}
TEST(Version, SPI_START_10_TableRow6ProviderRefuses) {
  ExpectRow({{V(1, 0)}, {V(1, 1), V(1, 1)}, V(1, 0), Outcome::kProviderRefused, {}, {}});
}
TEST(Version, SPI_START_11_TableRow7) {
  ExpectRow({{V(1, 0), V(1, 1)}, {V(1, 0), V(1, 1)}, V(1, 1), Outcome::kUse, V(1, 1), V(1, 1)});
}
TEST(Version, SPI_START_12_TableRow8) {
  ExpectRow({{V(1, 1), V(2, 0)}, {V(1, 1), V(1, 1)}, V(2, 0), Outcome::kUse, V(1, 1), V(1, 1)});
}
TEST(Version, SPI_START_13_TableRow9DllFails) {
  ExpectRow({{V(2, 0)}, {V(1, 1), V(1, 1)}, V(2, 0), Outcome::kDllRejects, V(1, 1), V(1, 1)});
}

TEST(Version, SPI_START_14_VersionsCompareAsMajorThenMinorNotAsWords) {
  const WinsockVersion v20 = WinsockVersion::FromWord(0x0002);
  const WinsockVersion v11 = WinsockVersion::FromWord(0x0101);
  EXPECT_EQ(v20, V(2, 0));
  EXPECT_EQ(v11, V(1, 1));
  EXPECT_GT(v20, v11);  // although 0x0002 < 0x0101
  EXPECT_EQ(V(2, 0).ToWord(), 0x0002);
  EXPECT_EQ(V(1, 1).ToWord(), 0x0101);
  EXPECT_EQ(V(2, 0).ToString(), "2.0");
  // A DLL requesting 2.0 from a {1.0..1.1} provider is not refused as "lower than 1.0".
  EXPECT_TRUE(AnswerStartup(v20, {V(1, 0), V(1, 1)}).supported);
}

}  // namespace
}  // namespace ws2sim::model
