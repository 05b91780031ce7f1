// Sequence arithmetic, reset generation, the byte ring and the RFC 6298 estimator.
#include <cstdint>
#include <vector>

#include "gtest/gtest.h"
#include "providers/tcpip/byte_ring.h"
#include "providers/tcpip/rto.h"
#include "providers/tcpip/segment.h"

namespace ws2sim::providers::tcpip {
namespace {

using sim::Duration;

TEST(SequenceArithmetic, ComparesAcrossTheWrap) {
  EXPECT_TRUE(SeqLt(0xFFFFFFF0u, 0x10u));
  EXPECT_TRUE(SeqGt(0x10u, 0xFFFFFFF0u));
  EXPECT_TRUE(SeqLeq(5u, 5u));
  EXPECT_FALSE(SeqLt(5u, 5u));
  EXPECT_EQ(SeqDiff(0x10u, 0xFFFFFFF0u), 0x20);
  EXPECT_EQ(SeqMax(0xFFFFFFF0u, 0x10u), 0x10u);
  EXPECT_EQ(SeqMin(0xFFFFFFF0u, 0x10u), 0xFFFFFFF0u);
  EXPECT_TRUE(SeqInRange(0x2u, 0xFFFFFFFEu, 0x10u));
  EXPECT_FALSE(SeqInRange(0x10u, 0xFFFFFFFEu, 0x10u));
}

TEST(MakeResetFor, AnswersAnAckWithItsAckNumber) {
  TcpSegment in;
  in.seq = 100;
  in.ack = 5000;
  in.flags = kTcpAck | kTcpPsh;
  in.payload = {1, 2, 3};
  auto rst = MakeResetFor(in);
  ASSERT_TRUE(rst.has_value());
  EXPECT_EQ(rst->flags, kTcpRst);
  EXPECT_EQ(rst->seq, 5000u);
}

TEST(MakeResetFor, AnswersASynWithRstAckCoveringIt) {
  TcpSegment syn;
  syn.seq = 0xFFFFFFFFu;
  syn.flags = kTcpSyn;
  auto rst = MakeResetFor(syn);
  ASSERT_TRUE(rst.has_value());
  EXPECT_EQ(rst->flags, kTcpRst | kTcpAck);
  EXPECT_EQ(rst->seq, 0u);
  EXPECT_EQ(rst->ack, 0u);  // SEG.SEQ + SEG.LEN wraps
}

TEST(MakeResetFor, NeverAnswersAReset) {
  TcpSegment in;
  in.flags = kTcpRst | kTcpAck;
  EXPECT_FALSE(MakeResetFor(in).has_value());
}

TEST(TcpSegment, PrintsLikeTcpdump) {
  TcpSegment s;
  s.seq = 1;
  s.ack = 2;
  s.flags = kTcpSyn | kTcpAck;
  s.window = 8192;
  s.mss = 1460;
  s.window_scale = 3;
  EXPECT_EQ(s.ToString(), "S. seq=1 ack=2 win=8192 len=0 mss=1460 ws=3");
  EXPECT_EQ(s.SequenceLength(), 1u);
}

TEST(ByteRing, KeepsOrderAcrossWrapAndGrowth) {
  ByteRing r;
  std::vector<uint8_t> expect;
  uint8_t next = 0;
  for (int round = 0; round < 200; ++round) {
    std::vector<uint8_t> chunk(37 + round % 50);
    for (auto& b : chunk) b = next++;
    r.Append(chunk);
    expect.insert(expect.end(), chunk.begin(), chunk.end());
    const size_t take = (round * 7) % (r.size() + 1);
    std::vector<uint8_t> out(take);
    r.CopyOut(0, absl::MakeSpan(out));
    ASSERT_EQ(out, std::vector<uint8_t>(expect.begin(), expect.begin() + take));
    r.Consume(take);
    expect.erase(expect.begin(), expect.begin() + take);
    ASSERT_EQ(r.size(), expect.size());
  }
  r.InsertAt(3, 0xEE);
  expect.insert(expect.begin() + 3, 0xEE);
  std::vector<uint8_t> all(r.size());
  r.CopyOut(0, absl::MakeSpan(all));
  EXPECT_EQ(all, expect);
}

RtoEstimator::Params Params() {
  return {Duration::Seconds(3), Duration::Milliseconds(200), Duration::Seconds(60),
          Duration::Milliseconds(1)};
}

TEST(RtoEstimator, StartsAtTheInitialRto) {
  RtoEstimator e(Params());
  EXPECT_EQ(e.rto(), Duration::Seconds(3));
  EXPECT_FALSE(e.has_sample());
}

TEST(RtoEstimator, FirstSampleFollowsRfc6298) {
  RtoEstimator e(Params());
  e.AddSample(Duration::Milliseconds(100));
  EXPECT_EQ(e.srtt(), Duration::Milliseconds(100));
  EXPECT_EQ(e.rttvar(), Duration::Milliseconds(50));
  EXPECT_EQ(e.rto(), Duration::Milliseconds(300));  // 100 + 4 * 50
}

TEST(RtoEstimator, SecondSampleFollowsRfc6298) {
  RtoEstimator e(Params());
  e.AddSample(Duration::Milliseconds(100));
  e.AddSample(Duration::Milliseconds(200));
  // RTTVAR = 3/4 * 50 + 1/4 * 100 = 62.5; SRTT = 7/8 * 100 + 1/8 * 200 = 112.5
  EXPECT_EQ(e.rttvar(), Duration::Microseconds(62500));
  EXPECT_EQ(e.srtt(), Duration::Microseconds(112500));
  EXPECT_EQ(e.rto(), Duration::Microseconds(112500 + 4 * 62500));
}

TEST(RtoEstimator, ConvergesAndClampsToTheMinimum) {
  RtoEstimator e(Params());
  for (int i = 0; i < 200; ++i) e.AddSample(Duration::Milliseconds(20));
  EXPECT_EQ(e.srtt(), Duration::Milliseconds(20));
  EXPECT_LT(e.rttvar(), Duration::Microseconds(10));
  EXPECT_EQ(e.rto(), Duration::Milliseconds(200));
}

TEST(RtoEstimator, BackoffDoublesUntilTheMaximumAndASampleClearsIt) {
  RtoEstimator e(Params());
  e.AddSample(Duration::Seconds(1));  // RTO 3 s
  EXPECT_EQ(e.rto(), Duration::Seconds(3));
  e.Backoff();
  EXPECT_EQ(e.rto(), Duration::Seconds(6));
  e.Backoff();
  EXPECT_EQ(e.rto(), Duration::Seconds(12));
  for (int i = 0; i < 10; ++i) e.Backoff();
  EXPECT_EQ(e.rto(), Duration::Seconds(60));
  e.AddSample(Duration::Seconds(1));
  EXPECT_EQ(e.backoff_shift(), 0);
  EXPECT_LT(e.rto(), Duration::Seconds(6));
}

}  // namespace
}  // namespace ws2sim::providers::tcpip
