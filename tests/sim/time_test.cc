#include "sim/time.h"

#include "gtest/gtest.h"

namespace ws2sim::sim {
namespace {

TEST(Duration, UnitsConvertToNanoseconds) {
  EXPECT_EQ(Duration::Microseconds(3).ns(), 3000);
  EXPECT_EQ(Duration::Milliseconds(2).ns(), 2000000);
  EXPECT_EQ(Duration::Seconds(1).ns(), 1000000000);
  EXPECT_EQ((Duration::Milliseconds(1) + Duration::Microseconds(5)).ns(), 1005000);
  EXPECT_EQ((Duration::Milliseconds(1) * 3 / 2).ns(), 1500000);
  EXPECT_LT(Duration::Nanoseconds(999), Duration::Microseconds(1));
}

TEST(Duration, ToStringIsExactInTheLargestWholeUnit) {
  EXPECT_EQ(Duration::Zero().ToString(), "0");
  EXPECT_EQ(Duration::Nanoseconds(250).ToString(), "250ns");
  EXPECT_EQ(Duration::Nanoseconds(1500).ToString(), "1.5us");
  EXPECT_EQ(Duration::Nanoseconds(12000250).ToString(), "12.00025ms");
  EXPECT_EQ(Duration::Seconds(3).ToString(), "3s");
  EXPECT_EQ(Duration::Nanoseconds(1000000001).ToString(), "1.000000001s");
  EXPECT_EQ(Duration::Nanoseconds(-1500).ToString(), "-1.5us");
  EXPECT_EQ(Duration::Nanoseconds(INT64_MIN).ToString(), "-9223372036.854775808s");
}

TEST(VirtualTime, ArithmeticKeepsPointsAndSpansApart) {
  const VirtualTime t = VirtualTime::Zero() + Duration::Milliseconds(5);
  EXPECT_EQ(t.ns_since_start(), 5000000);
  EXPECT_EQ((t - VirtualTime::Zero()), Duration::Milliseconds(5));
  EXPECT_EQ((t - Duration::Milliseconds(1)).ns_since_start(), 4000000);
  EXPECT_EQ(t.ToString(), "5ms");
}

TEST(VirtualTime, AddingToMaxSaturates) {
  EXPECT_EQ(VirtualTime::Max() + Duration::Seconds(1), VirtualTime::Max());
  EXPECT_EQ(VirtualTime::Max().ToString(), "never");
}

}  // namespace
}  // namespace ws2sim::sim
