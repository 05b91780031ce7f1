// The link direction model alone (no scheduler): netem's delay distributions, loss (random and
// Gilbert-Elliott), duplication, reordering, corruption, rate and drop-tail queue, MTU, faults.
#include "sim/net/link_model.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/net/netem_tables.h"
#include "sim/net/packet.h"

namespace ws2sim::sim::net {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kMs = 1'000'000;

VirtualTime At(int64_t ns) { return VirtualTime::FromNanoseconds(ns); }

// A 100-byte UDP datagram and its parse (for fault matching).
struct Sample {
  Packet packet = BuildUdp({.ip = {.src = IpAddress::V4(10, 0, 0, 1),
                                   .dst = IpAddress::V4(10, 0, 0, 2)},
                            .src_port = 1000,
                            .dst_port = 2000,
                            .payload = std::vector<uint8_t>(72, 1)});
  ParsedPacket parsed = Parse(packet.bytes).value();
  uint32_t bytes() const { return static_cast<uint32_t>(packet.size()); }
};

LinkModel Model(const LinkParams& params, absl::string_view stream = "test") {
  EXPECT_TRUE(ValidateLinkParams(params).ok()) << ValidateLinkParams(params);
  return LinkModel(params, Rng::Stream(7, stream));
}

// Delays (arrival - offer time) of `n` packets offered 1 s apart (no rate, so no interaction).
std::vector<double> Delays(const LinkParams& params, int n) {
  LinkModel m = Model(params);
  Sample s;
  std::vector<double> out;
  for (int i = 0; i < n; ++i) {
    const VirtualTime now = At(int64_t{i} * 1'000'000'000);
    const Verdict v = m.Offer(now, s.parsed, s.bytes());
    EXPECT_EQ(v.copies.size(), 1u);
    out.push_back(static_cast<double>((v.copies[0].arrival - now).ns()));
  }
  return out;
}

struct Stats {
  double mean = 0, stddev = 0, min = 0, max = 0, median = 0;
};
Stats StatsOf(std::vector<double> x) {
  Stats s;
  for (double v : x) s.mean += v;
  s.mean /= static_cast<double>(x.size());
  for (double v : x) s.stddev += (v - s.mean) * (v - s.mean);
  s.stddev = std::sqrt(s.stddev / static_cast<double>(x.size()));
  std::sort(x.begin(), x.end());
  s.min = x.front();
  s.max = x.back();
  s.median = x[x.size() / 2];
  return s;
}
double FractionWithin(const std::vector<double>& x, double lo, double hi) {
  return static_cast<double>(std::count_if(x.begin(), x.end(),
                                           [&](double v) { return v >= lo && v <= hi; })) /
         static_cast<double>(x.size());
}

constexpr int kDraws = 200'000;
constexpr double kMu = 50.0 * kMs;
constexpr double kSigma = 10.0 * kMs;

LinkParams Jitter(DelayDistribution d) {
  return LinkParams{.delay_ns = static_cast<int64_t>(kMu),
                    .jitter_ns = static_cast<int64_t>(kSigma),
                    .distribution = d};
}

TEST(NetemTables, MatchIproute2sGenerators) {
  // The first entries of iproute2's normal.dist, pareto.dist and the shape of paretonormal.dist.
  const absl::Span<const int16_t> normal = NetemNormalTable();
  ASSERT_EQ(normal.size(), 4096u);
  EXPECT_EQ(normal[0], -32768);  // clamped: about -4.0 sigma
  EXPECT_NEAR(normal[1], -28307, 2);
  EXPECT_NEAR(normal[2], -26871, 2);
  EXPECT_NEAR(normal[3], -25967, 2);
  EXPECT_NEAR(normal[2048], 0, 2);  // the median
  EXPECT_TRUE(std::is_sorted(normal.begin(), normal.end()));
  const absl::Span<const int16_t> pareto = NetemParetoTable();
  EXPECT_EQ(pareto[0], -5461);  // (1 - 1.5) * 4/3 * 8192
  EXPECT_EQ(pareto[1], -5460);
  EXPECT_EQ(pareto[4095], 32767);  // capped
  EXPECT_TRUE(std::is_sorted(pareto.begin(), pareto.end()));
  const absl::Span<const int16_t> mixed = NetemParetoNormalTable();
  // paretonormal.c mixes the normal quantile before clamping it (-4.008 * 8192 = -32837).
  EXPECT_NEAR(mixed[0], (-32837 + 3 * -5461) / 4, 2);
  EXPECT_TRUE(std::is_sorted(mixed.begin(), mixed.end()));
  // tabledist's integer arithmetic: mu + sigma * t / 8192, rounded half away from zero.
  EXPECT_EQ(NetemTableDelay(1000, 8192, 5), 1005);
  EXPECT_EQ(NetemTableDelay(1000, 4096, 3), 1002);   // 1.5 rounds up
  EXPECT_EQ(NetemTableDelay(1000, 4096, -3), 998);   // -1.5 rounds down
  EXPECT_EQ(NetemTableDelay(0, 10 * kMs, 8192), 10 * kMs);
}

TEST(LinkModelDelay, NoJitterIsExact) {
  for (double d : Delays(LinkParams{.delay_ns = 12'345'678}, 100)) EXPECT_EQ(d, 12'345'678);
}

TEST(LinkModelDelay, UniformJitterSpansDelayPlusMinusJitter) {
  const std::vector<double> x = Delays(Jitter(DelayDistribution::kUniform), kDraws);
  const Stats s = StatsOf(x);
  EXPECT_GE(s.min, kMu - kSigma);
  EXPECT_LT(s.max, kMu + kSigma);
  EXPECT_NEAR(s.mean, kMu, 0.01 * kSigma);
  EXPECT_NEAR(s.stddev, kSigma / std::sqrt(3.0), 0.01 * kSigma);
  EXPECT_NEAR(FractionWithin(x, kMu - kSigma / 2, kMu + kSigma / 2), 0.5, 0.005);
}

TEST(LinkModelDelay, NormalJitterHasNetemsNormalShape) {
  const std::vector<double> x = Delays(Jitter(DelayDistribution::kNormal), kDraws);
  const Stats s = StatsOf(x);
  EXPECT_NEAR(s.mean, kMu, 0.01 * kSigma);
  EXPECT_NEAR(s.stddev, kSigma, 0.02 * kSigma);
  EXPECT_NEAR(s.median, kMu, 0.01 * kSigma);
  EXPECT_NEAR(FractionWithin(x, kMu - kSigma, kMu + kSigma), 0.6827, 0.005);
  EXPECT_NEAR(FractionWithin(x, kMu - 2 * kSigma, kMu + 2 * kSigma), 0.9545, 0.003);
  EXPECT_GE(s.min, kMu - 4.0 * kSigma);  // the table stops at about 4 sigma
  EXPECT_LE(s.max, kMu + 4.0 * kSigma);
}

// Pareto with a = 3 scaled to mean 0 and capped at 4 sigma: E = -(2/3) / c^2 sigma with
// c = 1.5 + 3 (about -0.033 sigma), median (2^(1/3) - 1.5) * 4/3 = -0.3201 sigma, minimum
// -2/3 sigma: most delays are below the mean, a few far above.
TEST(LinkModelDelay, ParetoJitterIsSkewedRight) {
  const std::vector<double> x = Delays(Jitter(DelayDistribution::kPareto), kDraws);
  const Stats s = StatsOf(x);
  EXPECT_NEAR(s.mean, kMu - 0.0329 * kSigma, 0.015 * kSigma);
  EXPECT_NEAR(s.median, kMu - 0.3201 * kSigma, 0.01 * kSigma);
  EXPECT_GE(s.min, kMu - (2.0 / 3.0) * kSigma - 1);
  EXPECT_LE(s.max, kMu + 4.0 * kSigma);
  EXPECT_GT(s.max, kMu + 3.0 * kSigma);  // the tail is reached
  // Below the uncapped mean: P(u^(-1/3) < 1.5) = 1 - 1.5^-3.
  EXPECT_NEAR(FractionWithin(x, 0, kMu), 1 - 1 / 3.375, 0.005);
}

// netem's paretonormal: (normal + 3 pareto) / 4 at the same quantile: mean 3/4 of pareto's,
// median 3/4 of pareto's median, minimum (-4.008 + 3 * -2/3) / 4 = -1.502 sigma.
TEST(LinkModelDelay, ParetoNormalJitterMixesBoth) {
  const std::vector<double> x = Delays(Jitter(DelayDistribution::kParetoNormal), kDraws);
  const Stats s = StatsOf(x);
  EXPECT_NEAR(s.mean, kMu - 0.75 * 0.0329 * kSigma, 0.015 * kSigma);
  EXPECT_NEAR(s.median, kMu - 0.75 * 0.3201 * kSigma, 0.01 * kSigma);
  EXPECT_GE(s.min, kMu - 1.503 * kSigma);
  EXPECT_LT(s.min, kMu - 1.4 * kSigma);
  EXPECT_LE(s.max, kMu + 4.0 * kSigma);
  EXPECT_LT(s.stddev, 1.2 * kSigma);
  EXPECT_GT(s.stddev, 0.5 * kSigma);
}

TEST(LinkModelDelay, NegativeDrawsAreClampedAtZero) {
  const std::vector<double> x =
      Delays(LinkParams{.delay_ns = 1 * kMs, .jitter_ns = 5 * kMs}, 10'000);
  const Stats s = StatsOf(x);
  EXPECT_EQ(s.min, 0);
  EXPECT_NEAR(FractionWithin(x, 0, 0), 0.4, 0.02);  // P(U[-4, 6) < 0)
}

TEST(LinkModelDelay, JitterReordersUnlessPreserveOrder) {
  for (bool preserve : {false, true}) {
    LinkParams p = Jitter(DelayDistribution::kUniform);
    p.preserve_order = preserve;
    LinkModel m = Model(p);
    Sample s;
    int inversions = 0;
    VirtualTime last;
    for (int i = 0; i < 1000; ++i) {
      const Verdict v = m.Offer(At(int64_t{i} * kMs), s.parsed, s.bytes());
      if (v.copies[0].arrival < last) ++inversions;
      last = std::max(last, v.copies[0].arrival);
    }
    if (preserve) {
      EXPECT_EQ(inversions, 0);
    } else {
      EXPECT_GT(inversions, 100);  // 1 ms apart with +-10 ms jitter
    }
  }
}

TEST(LinkModelLoss, RandomLossRate) {
  LinkModel m = Model(LinkParams{.loss_percent = 10});
  Sample s;
  int lost = 0;
  constexpr int kPackets = 100'000;
  for (int i = 0; i < kPackets; ++i) {
    const Verdict v = m.Offer(At(i), s.parsed, s.bytes());
    ASSERT_EQ(v.copies.size(), 1u);
    if (v.copies[0].drop == trace::pb::DROP_LOSS) ++lost;
  }
  EXPECT_NEAR(static_cast<double>(lost) / kPackets, 0.10, 0.004);
}

// Loss runs of a packet sequence: their count and mean length.
struct Bursts {
  int lost = 0;
  int runs = 0;
  double mean_run() const { return runs == 0 ? 0 : static_cast<double>(lost) / runs; }
};
Bursts LossBursts(const LinkParams& params, int packets) {
  LinkModel m = Model(params);
  Sample s;
  Bursts b;
  bool previous_lost = false;
  for (int i = 0; i < packets; ++i) {
    const bool lost = m.Offer(At(i), s.parsed, s.bytes()).copies[0].drop == trace::pb::DROP_LOSS;
    b.lost += lost;
    if (lost && !previous_lost) ++b.runs;
    previous_lost = lost;
  }
  return b;
}

TEST(LinkModelLoss, GilbertElliottMakesBurstsOfMeanLengthOneOverR) {
  constexpr int kPackets = 400'000;
  // p = 1 %, r = 25 %, 1-h = 100 %, 1-k = 0: loss rate p / (p + r) = 1/26, bursts of 1/r = 4.
  const Bursts ge =
      LossBursts(LinkParams{.loss_gemodel = GilbertElliott{.p_percent = 1, .r_percent = 25}},
                 kPackets);
  EXPECT_NEAR(static_cast<double>(ge.lost) / kPackets, 1.0 / 26, 0.003);
  EXPECT_NEAR(ge.mean_run(), 4.0, 0.15);
  // Random loss at the same rate has runs of about 1 / (1 - 1/26).
  const Bursts random = LossBursts(LinkParams{.loss_percent = 100.0 / 26}, kPackets);
  EXPECT_NEAR(static_cast<double>(random.lost) / kPackets, 1.0 / 26, 0.003);
  EXPECT_NEAR(random.mean_run(), 26.0 / 25, 0.03);
  // r = 50 %: bursts of 2.
  EXPECT_NEAR(LossBursts(LinkParams{.loss_gemodel = GilbertElliott{.p_percent = 1,
                                                                   .r_percent = 50}},
                         kPackets)
                  .mean_run(),
              2.0, 0.1);
}

TEST(LinkModelLoss, GilbertElliottLossProbabilitiesPerState) {
  constexpr int kPackets = 400'000;
  // 1-h = 50 %: half the bad-state packets are lost; 1-k = 2 %: some good-state ones too.
  // Stationary bad fraction p / (p + r) = 5 / 25 = 0.2: loss = 0.2 * 0.5 + 0.8 * 0.02 = 0.116.
  const Bursts b = LossBursts(
      LinkParams{.loss_gemodel = GilbertElliott{.p_percent = 5,
                                                .r_percent = 20,
                                                .one_minus_h_percent = 50,
                                                .one_minus_k_percent = 2}},
      kPackets);
  EXPECT_NEAR(static_cast<double>(b.lost) / kPackets, 0.116, 0.004);
}

TEST(LinkModelDuplicate, RateAndNetemsCountRule) {
  LinkModel m = Model(LinkParams{.duplicate_percent = 5});
  Sample s;
  int copies = 0;
  constexpr int kPackets = 100'000;
  for (int i = 0; i < kPackets; ++i) {
    const Verdict v = m.Offer(At(i), s.parsed, s.bytes());
    ASSERT_LE(v.copies.size(), 2u);
    if (v.copies.size() == 2) {
      EXPECT_FALSE(v.copies[0].duplicate);
      EXPECT_TRUE(v.copies[1].duplicate);
      ++copies;
    }
  }
  EXPECT_NEAR(static_cast<double>(copies) / kPackets, 0.05, 0.003);
  // netem: count = 1 + duplicate - loss, so with both certain every packet goes exactly once.
  LinkModel both = Model(LinkParams{.loss_percent = 100, .duplicate_percent = 100});
  for (int i = 0; i < 100; ++i) {
    const Verdict v = both.Offer(At(i), s.parsed, s.bytes());
    ASSERT_EQ(v.copies.size(), 1u);
    EXPECT_EQ(v.copies[0].drop, trace::pb::DROP_UNSPECIFIED);
  }
}

TEST(LinkModelReorder, GapSendsSomePacketsAtOnce) {
  // reorder 25 % gap 5: after 4 delayed packets each next one goes at once with p = 0.25, so a
  // cycle is 4 + (1 - p) / p + 1 = 8 packets with one sent at once.
  LinkModel m = Model(LinkParams{.delay_ns = 10 * kMs, .reorder_percent = 25, .reorder_gap = 5});
  Sample s;
  constexpr int kPackets = 200'000;
  int reordered = 0;
  int since_last = 1000;
  for (int i = 0; i < kPackets; ++i) {
    const VirtualTime now = At(int64_t{i} * kMs);
    const Verdict v = m.Offer(now, s.parsed, s.bytes());
    const CopyPlan& c = v.copies[0];
    if (c.reordered) {
      EXPECT_EQ(c.arrival, now);
      ASSERT_GE(since_last, 4) << "at least gap-1 delayed packets between immediate ones";
      since_last = 0;
      ++reordered;
    } else {
      EXPECT_EQ(c.arrival, now + Duration::Nanoseconds(10 * kMs));
      ++since_last;
    }
  }
  EXPECT_NEAR(static_cast<double>(reordered) / kPackets, 1.0 / 8, 0.004);
  // Without a gap (netem's default gap 1) the fraction is the probability itself.
  LinkModel plain = Model(LinkParams{.delay_ns = 10 * kMs, .reorder_percent = 25});
  reordered = 0;
  for (int i = 0; i < kPackets; ++i) {
    reordered += plain.Offer(At(int64_t{i} * kMs), s.parsed, s.bytes()).copies[0].reordered;
  }
  EXPECT_NEAR(static_cast<double>(reordered) / kPackets, 0.25, 0.004);
}

TEST(LinkModelCorrupt, FlipsOneUniformBitOfSomePackets) {
  LinkModel m = Model(LinkParams{.corrupt_percent = 10});
  Sample s;
  constexpr int kPackets = 100'000;
  int corrupted = 0;
  double bit_sum = 0;
  for (int i = 0; i < kPackets; ++i) {
    const CopyPlan c = m.Offer(At(i), s.parsed, s.bytes()).copies[0];
    if (c.corrupt_bit >= 0) {
      ++corrupted;
      ASSERT_LT(c.corrupt_bit, 800);
      bit_sum += static_cast<double>(c.corrupt_bit);
    }
  }
  EXPECT_NEAR(static_cast<double>(corrupted) / kPackets, 0.10, 0.004);
  EXPECT_NEAR(bit_sum / corrupted, 399.5, 8);
}

TEST(LinkModelRate, SerializesInOrderAndDropsWhenTheQueueIsFull) {
  // 1000 bytes/s: a 100-byte packet takes 100 ms. Three may wait.
  LinkModel m = Model(LinkParams{.delay_ns = 5 * kMs, .rate_bytes_per_s = 1000,
                                 .limit_packets = 3});
  Sample s;
  ASSERT_EQ(s.bytes(), 100u);
  std::vector<CopyPlan> plans;
  for (int i = 0; i < 5; ++i) plans.push_back(m.Offer(At(0), s.parsed, s.bytes()).copies[0]);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(plans[i].drop, trace::pb::DROP_UNSPECIFIED) << i;
    EXPECT_EQ(plans[i].arrival, At((i + 1) * 100 * kMs + 5 * kMs)) << i;
    EXPECT_EQ(plans[i].waited, i > 0) << i;
    EXPECT_EQ(plans[i].queued_ahead, i > 0 ? uint64_t(i - 1) : 0u) << i;
  }
  EXPECT_EQ(plans[4].drop, trace::pb::DROP_QUEUE_FULL);
  EXPECT_EQ(m.QueuedPackets(At(0)), 3u);
  EXPECT_EQ(m.QueuedPackets(At(100 * kMs)), 2u);  // the second started at 100 ms
  EXPECT_EQ(m.QueuedPackets(At(150 * kMs)), 2u);
  // At 150 ms: two wait (they start at 200 and 300 ms); one more fits, after the fourth.
  const CopyPlan late = m.Offer(At(150 * kMs), s.parsed, s.bytes()).copies[0];
  EXPECT_EQ(late.arrival, At(500 * kMs + 5 * kMs));
  EXPECT_EQ(late.queued_ahead, 2u);
  EXPECT_EQ(m.QueuedPackets(At(399 * kMs)), 1u);
  EXPECT_EQ(m.QueuedPackets(At(400 * kMs)), 0u);  // the late one starts at 400 ms
  // An idle line sends at once: serialization + delay.
  const CopyPlan idle = m.Offer(At(2000 * kMs), s.parsed, s.bytes()).copies[0];
  EXPECT_FALSE(idle.waited);
  EXPECT_EQ(idle.arrival, At(2105 * kMs));
}

TEST(LinkModelRate, ByteLimitAndOverhead) {
  LinkModel m = Model(LinkParams{.rate_bytes_per_s = 1000, .rate_overhead_bytes = 24,
                                 .limit_packets = kUnlimited, .limit_bytes = 150});
  Sample s;
  const CopyPlan a = m.Offer(At(0), s.parsed, s.bytes()).copies[0];
  const CopyPlan b = m.Offer(At(0), s.parsed, s.bytes()).copies[0];  // 100 of 150 waiting
  const CopyPlan c = m.Offer(At(0), s.parsed, s.bytes()).copies[0];  // 200 > 150
  EXPECT_EQ(a.arrival, At(124 * kMs));  // (100 + 24) bytes at 1000 B/s
  EXPECT_EQ(b.arrival, At(248 * kMs));
  EXPECT_EQ(c.drop, trace::pb::DROP_QUEUE_FULL);
  // Serialization rounds down to the nanosecond, as netem's packet_time_ns.
  LinkModel odd = Model(LinkParams{.rate_bytes_per_s = 3});
  EXPECT_EQ(odd.Offer(At(0), s.parsed, s.bytes()).copies[0].arrival, At(33'333'333'333));
}

TEST(LinkModelMtu, LargerPacketsAreDroppedBeforeAnyDraw) {
  Sample s;
  LinkModel m = Model(LinkParams{.loss_percent = 50, .mtu_bytes = 99});
  const Verdict v = m.Offer(At(0), s.parsed, s.bytes());
  EXPECT_EQ(v.drop, trace::pb::DROP_MTU);
  EXPECT_TRUE(v.copies.empty());
  LinkModel fits = Model(LinkParams{.mtu_bytes = 100});
  EXPECT_EQ(fits.Offer(At(0), s.parsed, s.bytes()).drop, trace::pb::DROP_UNSPECIFIED);
}

TEST(LinkModel, SameStreamSameDecisionsOtherStreamOthers) {
  const LinkParams p{.delay_ns = 10 * kMs, .jitter_ns = 5 * kMs, .loss_percent = 20,
                     .duplicate_percent = 10, .reorder_percent = 10, .corrupt_percent = 5};
  auto run = [&](absl::string_view stream) {
    LinkModel m = Model(p, stream);
    Sample s;
    std::vector<int64_t> out;
    for (int i = 0; i < 2000; ++i) {
      for (const CopyPlan& c : m.Offer(At(i), s.parsed, s.bytes()).copies) {
        out.push_back(c.drop == trace::pb::DROP_UNSPECIFIED ? c.arrival.ns_since_start() : -1);
        out.push_back(c.corrupt_bit);
      }
    }
    return out;
  };
  EXPECT_EQ(run("x"), run("x"));
  EXPECT_NE(run("x"), run("y"));
}

TEST(LinkParamsValidation, NamesTheParameter) {
  EXPECT_EQ(ValidateLinkParams(LinkParams{.loss_percent = 120}).message(),
            "loss_percent 120 is outside 0..100");
  EXPECT_EQ(ValidateLinkParams(LinkParams{.delay_ns = -1}).message(), "delay_ns -1 is negative");
  EXPECT_EQ(ValidateLinkParams(LinkParams{.jitter_ns = -5}).message(),
            "jitter_ns -5 is negative");
  EXPECT_THAT(std::string(ValidateLinkParams(LinkParams{.reorder_percent = 5}).message()),
              HasSubstr("reorder_percent needs delay_ns > 0"));
  EXPECT_EQ(ValidateLinkParams(LinkParams{.delay_ns = 1, .reorder_gap = 3}).message(),
            "reorder_gap without reorder_percent");
  EXPECT_EQ(ValidateLinkParams(LinkParams{.loss_percent = 1,
                                          .loss_gemodel = GilbertElliott{.p_percent = 1}})
                .message(),
            "loss_percent and loss_gemodel are exclusive");
  EXPECT_EQ(ValidateLinkParams(
                LinkParams{.loss_gemodel = GilbertElliott{.p_percent = 1, .r_percent = -2}})
                .message(),
            "loss_gemodel.r_percent -2 is outside 0..100");
  EXPECT_EQ(ValidateLinkParams(LinkParams{.duplicate_percent = std::nan("")}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(ValidateLinkParams(LinkParams{}).ok());
}

TEST(FaultCount, Selects) {
  EXPECT_TRUE(FaultCount::All().Selects(1));
  EXPECT_TRUE(FaultCount::Nth(3).Selects(3));
  EXPECT_FALSE(FaultCount::Nth(3).Selects(2));
  EXPECT_FALSE(FaultCount::Nth(3).Selects(6));
  EXPECT_TRUE(FaultCount::Every(3).Selects(6));
  EXPECT_FALSE(FaultCount::Every(3).Selects(7));
  EXPECT_TRUE(FaultCount::Range(2, 4).Selects(4));
  EXPECT_FALSE(FaultCount::Range(2, 4).Selects(5));
  EXPECT_FALSE(FaultCount::Range(2, 4).Selects(1));
  EXPECT_TRUE(FaultCount::Range(2, 0).Selects(1'000'000));
}

TEST(FaultMatches, ProtocolFlagsAndPorts) {
  const Packet synack = BuildTcp({.ip = {.src = IpAddress::V4(1, 1, 1, 1),
                                         .dst = IpAddress::V4(2, 2, 2, 2)},
                                  .src_port = 80, .dst_port = 5000,
                                  .flags = kTcpSyn | kTcpAck});
  const ParsedPacket p = Parse(synack.bytes).value();
  EXPECT_TRUE(FaultMatches({}, p));
  EXPECT_TRUE(FaultMatches({.protocol = kProtoTcp}, p));
  EXPECT_FALSE(FaultMatches({.protocol = kProtoUdp}, p));
  EXPECT_TRUE(FaultMatches({.tcp_flags_set = kTcpSyn | kTcpAck}, p));
  EXPECT_TRUE(FaultMatches({.tcp_flags_set = kTcpSyn}, p));
  EXPECT_FALSE(FaultMatches({.tcp_flags_set = kTcpSyn, .tcp_flags_clear = kTcpAck}, p));
  EXPECT_FALSE(FaultMatches({.tcp_flags_set = kTcpFin}, p));
  EXPECT_TRUE(FaultMatches({.src_port = 80, .dst_port = 5000}, p));
  EXPECT_FALSE(FaultMatches({.dst_port = 80}, p));
  Sample udp;
  EXPECT_FALSE(FaultMatches({.tcp_flags_clear = kTcpRst}, udp.parsed));  // flags imply TCP
  EXPECT_TRUE(FaultMatches({.src_port = 1000}, udp.parsed));
  EXPECT_EQ(DescribeFault({.from_host = "a", .to_host = "b", .protocol = kProtoTcp,
                           .tcp_flags_set = kTcpSyn | kTcpAck, .count = FaultCount::Nth(3)},
                          0),
            "fault #0 (drop nth 3 proto 6 flags S. a->b)");
}

TEST(LinkModelFaults, ActionsAndCounters) {
  Sample s;
  FaultState drop{{.count = FaultCount::Nth(2)}};
  FaultState delay{{.count = FaultCount::Every(3), .action = FaultAction::kDelay,
                    .delay_ns = 7 * kMs}};
  FaultState dup{{.count = FaultCount::Nth(4), .action = FaultAction::kDuplicate}};
  FaultState corrupt{{.count = FaultCount::Nth(5), .action = FaultAction::kCorrupt,
                      .corrupt_bit = 805}};
  LinkModel m = Model(LinkParams{.delay_ns = 1 * kMs});
  for (FaultState* f : {&drop, &delay, &dup, &corrupt}) m.AddFault(f);
  std::vector<Verdict> v;
  for (int i = 0; i < 6; ++i) v.push_back(m.Offer(At(0), s.parsed, s.bytes()));
  EXPECT_EQ(v[0].copies[0].arrival, At(1 * kMs));
  EXPECT_EQ(v[1].drop, trace::pb::DROP_FAULT);
  EXPECT_EQ(v[1].fault, 0);
  // The drop stopped the later rules from counting packet 2, so their 3rd, 4th and 5th matches
  // are packets 4, 5 and 6.
  EXPECT_EQ(v[2].copies[0].arrival, At(1 * kMs));
  ASSERT_EQ(v[3].copies.size(), 1u);
  EXPECT_EQ(v[3].copies[0].arrival, At(8 * kMs));  // delayed by 7 ms
  ASSERT_EQ(v[4].copies.size(), 2u);
  EXPECT_EQ(v[4].copies[0].arrival, At(1 * kMs));
  EXPECT_TRUE(v[4].copies[1].duplicate);
  EXPECT_EQ(v[4].copies[1].arrival, At(1 * kMs));
  EXPECT_EQ(v[4].copies[0].corrupt_bit, -1);
  ASSERT_EQ(v[5].copies.size(), 1u);
  EXPECT_EQ(v[5].copies[0].corrupt_bit, 5);  // bit 805 modulo the packet's 800
  EXPECT_EQ(drop.matched, 6u);
  EXPECT_EQ(drop.applied, 1u);
  EXPECT_EQ(delay.matched, 5u);
  EXPECT_EQ(delay.applied, 1u);
  EXPECT_EQ(dup.applied, 1u);
  EXPECT_EQ(corrupt.applied, 1u);
}

}  // namespace
}  // namespace ws2sim::sim::net
