#include "sim/rng.h"

#include <cmath>
#include <vector>

#include "gtest/gtest.h"

namespace ws2sim::sim {
namespace {

constexpr int kDraws = 200000;

TEST(Rng, SameSeedAndNameGiveTheSameStream) {
  Rng a = Rng::Stream(42, "link/a");
  Rng b = Rng::Stream(42, "link/a");
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.NextU64(), b.NextU64());
}

TEST(Rng, DifferentNamesOrSeedsGiveDifferentStreams) {
  Rng a = Rng::Stream(42, "link/a");
  Rng b = Rng::Stream(42, "link/b");
  Rng c = Rng::Stream(43, "link/a");
  const uint64_t first = a.NextU64();
  EXPECT_NE(first, b.NextU64());
  EXPECT_NE(first, c.NextU64());
}

TEST(Rng, DrawsOnOneStreamLeaveAnotherUnchanged) {
  Rng alone = Rng::Stream(7, "B");
  std::vector<uint64_t> expected;
  for (int i = 0; i < 100; ++i) expected.push_back(alone.NextU64());

  Rng a = Rng::Stream(7, "A");
  Rng b = Rng::Stream(7, "B");
  for (int i = 0; i < 100; ++i) {
    for (int k = 0; k < i % 5; ++k) a.Exponential(3.0);  // extra draws on A
    ASSERT_EQ(b.NextU64(), expected[i]) << "draw " << i;
  }
}

// Pins the generator: a change here changes every trace ever recorded.
TEST(Rng, KnownAnswers) {
  Rng r(0);
  // The reference xoshiro256** seeded by the reference splitmix64 from 0.
  EXPECT_EQ(r.NextU64(), 0x99ec5f36cb75f2b4ULL);
  EXPECT_EQ(r.NextU64(), 0xbf6e1f784956452aULL);
  EXPECT_EQ(StableHash64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(StableHash64("a"), 0xaf63dc4c8601ec8cULL);
}

TEST(Rng, Uniform01StaysInRangeWithMeanOneHalf) {
  Rng r = Rng::Stream(1, "u");
  double sum = 0;
  for (int i = 0; i < kDraws; ++i) {
    const double u = r.Uniform01();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
  }
  EXPECT_NEAR(sum / kDraws, 0.5, 0.005);
}

TEST(Rng, UniformBelowCoversEveryValueEvenly) {
  Rng r = Rng::Stream(2, "u");
  std::vector<int> counts(7, 0);
  for (int i = 0; i < 70000; ++i) {
    const uint64_t v = r.UniformBelow(7);
    ASSERT_LT(v, 7u);
    ++counts[v];
  }
  for (int c : counts) EXPECT_NEAR(c, 10000, 400);
  EXPECT_EQ(r.UniformBelow(0), 0u);
  EXPECT_EQ(r.UniformBelow(1), 0u);
}

TEST(Rng, UniformRangeIsInclusive) {
  Rng r = Rng::Stream(3, "u");
  bool saw_lo = false, saw_hi = false;
  for (int i = 0; i < 10000; ++i) {
    const int64_t v = r.UniformRange(-2, 2);
    ASSERT_GE(v, -2);
    ASSERT_LE(v, 2);
    saw_lo |= v == -2;
    saw_hi |= v == 2;
  }
  EXPECT_TRUE(saw_lo);
  EXPECT_TRUE(saw_hi);
  EXPECT_EQ(r.UniformRange(5, 5), 5);
  r.UniformRange(INT64_MIN, INT64_MAX);  // the full range does not overflow
}

TEST(Rng, BernoulliMeanMatchesP) {
  Rng r = Rng::Stream(4, "b");
  int hits = 0;
  for (int i = 0; i < kDraws; ++i) hits += r.Bernoulli(0.05);
  EXPECT_NEAR(static_cast<double>(hits) / kDraws, 0.05, 0.003);
  EXPECT_FALSE(r.Bernoulli(0.0));
  EXPECT_TRUE(r.Bernoulli(1.0));
}

TEST(Rng, ExponentialMeanAndVarianceMatch) {
  Rng r = Rng::Stream(5, "e");
  double sum = 0, sum_sq = 0;
  for (int i = 0; i < kDraws; ++i) {
    const double x = r.Exponential(100.0);
    ASSERT_GE(x, 0.0);
    sum += x;
    sum_sq += x * x;
  }
  const double mean = sum / kDraws;
  const double variance = sum_sq / kDraws - mean * mean;
  EXPECT_NEAR(mean, 100.0, 1.5);
  EXPECT_NEAR(std::sqrt(variance), 100.0, 2.0);
}

TEST(Rng, NormalMeanAndStddevMatch) {
  Rng r = Rng::Stream(6, "n");
  double sum = 0, sum_sq = 0;
  for (int i = 0; i < kDraws; ++i) {
    const double x = r.Normal(10.0, 2.0);
    sum += x;
    sum_sq += x * x;
  }
  const double mean = sum / kDraws;
  const double variance = sum_sq / kDraws - mean * mean;
  EXPECT_NEAR(mean, 10.0, 0.03);
  EXPECT_NEAR(std::sqrt(variance), 2.0, 0.03);
}

TEST(Rng, ExponentialDurationRoundsToWholeNanoseconds) {
  Rng r = Rng::Stream(8, "d");
  int64_t sum = 0;
  for (int i = 0; i < kDraws; ++i) {
    const Duration d = r.ExponentialDuration(Duration::Nanoseconds(100));
    ASSERT_GE(d.ns(), 0);
    sum += d.ns();
  }
  EXPECT_NEAR(static_cast<double>(sum) / kDraws, 100.0, 1.5);
}

}  // namespace
}  // namespace ws2sim::sim
