// Packets through links end to end: delivery times, loss, corruption caught by checksums, the
// drop-tail queue, MTU, IPv4 fragmentation and reassembly, link up/down, scripted faults.
#include <cstdint>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/net/network.h"
#include "tests/net/net_test_util.h"

namespace ws2sim::sim::net::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<int64_t> Times(const std::vector<Arrival>& log) {
  std::vector<int64_t> out;
  for (const Arrival& a : log) out.push_back(a.ns);
  return out;
}

std::vector<uint32_t> Seqs(const std::vector<Arrival>& log) {
  std::vector<uint32_t> out;
  for (const Arrival& a : log) out.push_back(a.seq);
  return out;
}

TEST(Delivery, TimeIsDelayPlusSizeOverRateExactly) {
  World w;
  // 10 ms, 125000 bytes/s (1 Mbit/s): a 1000-byte datagram takes 8 ms on the wire.
  TwoHosts(w, {.delay_ns = 10 * kMs, .rate_bytes_per_s = 125'000});
  Host& a = *w.net.FindHost("a");
  Host& b = *w.net.FindHost("b");
  std::vector<Arrival> at_a, at_b;
  Listen(w, a, at_a);
  Listen(w, b, at_b);
  w.At(0, [&] {
    ASSERT_TRUE(a.Send(Udp("10.0.0.1", "10.0.0.2", 1, 2, 1000 - 28)).ok());
    ASSERT_TRUE(a.Send(Udp("10.0.0.1", "10.0.0.2", 1, 2, 1000 - 28)).ok());  // waits 8 ms
    ASSERT_TRUE(b.Send(Udp("10.0.0.2", "10.0.0.1", 1, 2, 500 - 28)).ok());   // other direction
  });
  w.At(50 * kMs, [&] {
    ASSERT_TRUE(a.Send(Udp("2001:db8::1", "2001:db8::2", 1, 2, 1250 - 48)).ok());
  });
  w.Run();
  EXPECT_THAT(Times(at_b), ElementsAre(18 * kMs, 26 * kMs, 50 * kMs + 10 * kMs + 10 * kMs));
  EXPECT_THAT(Times(at_a), ElementsAre(14 * kMs));
  const LinkCounters& ab = w.net.FindDirection("l1", "a", "b")->counters();
  EXPECT_EQ(ab.sent.packets, 3u);
  EXPECT_EQ(ab.sent.bytes, 3250u);
  EXPECT_EQ(ab.delivered.packets, 3u);
  EXPECT_EQ(ab.queued, 1u);
  EXPECT_EQ(b.counters().delivered.packets, 3u);
  EXPECT_EQ(a.counters().sent.packets, 3u);
}

TEST(Delivery, RandomLossRateEndToEnd) {
  World w(3);
  TwoHosts(w, {.delay_ns = 1 * kMs, .loss_percent = 20});
  Host& a = *w.net.FindHost("a");
  std::vector<Arrival> log;
  Listen(w, *w.net.FindHost("b"), log);
  constexpr int kPackets = 20'000;
  w.At(0, [&] {
    for (int i = 0; i < kPackets; ++i) ASSERT_TRUE(a.Send(Udp("10.0.0.1", "10.0.0.2", 1, 2, 8)).ok());
  });
  w.Run();
  EXPECT_NEAR(static_cast<double>(log.size()) / kPackets, 0.8, 0.01);
  const LinkCounters& c = w.net.FindDirection("l1", "a", "b")->counters();
  EXPECT_EQ(c.sent.packets, static_cast<uint64_t>(kPackets));
  EXPECT_EQ(c.delivered.packets + c.dropped[trace::pb::DROP_LOSS].packets, c.sent.packets);
  EXPECT_EQ(c.dropped.total().packets, c.dropped[trace::pb::DROP_LOSS].packets);
  EXPECT_EQ(c.delivered.packets, log.size());
}

TEST(Delivery, DuplicationAndReorderingRatesEndToEnd) {
  World w(4);
  TwoHosts(w, {.delay_ns = 10 * kMs, .duplicate_percent = 10, .reorder_percent = 20});
  Host& a = *w.net.FindHost("a");
  std::vector<Arrival> log;
  Listen(w, *w.net.FindHost("b"), log);
  constexpr int kPackets = 20'000;
  for (int i = 0; i < kPackets; ++i) {
    w.At(int64_t{i} * 100'000, [&a, i] {
      ASSERT_TRUE(a.Send(Tcp("10.0.0.1", "10.0.0.2", 1, 2, kTcpAck, static_cast<uint32_t>(i))).ok());
    });
  }
  w.Run();
  const LinkCounters& c = w.net.FindDirection("l1", "a", "b")->counters();
  EXPECT_NEAR(static_cast<double>(c.duplicated) / kPackets, 0.10, 0.01);
  EXPECT_EQ(log.size(), kPackets + c.duplicated);
  // Reordered packets skip the 10 ms delay and overtake earlier ones (sent 0.1 ms apart).
  EXPECT_NEAR(static_cast<double>(c.reordered) / (kPackets + c.duplicated), 0.20, 0.01);
  int overtakes = 0;
  for (size_t i = 1; i < log.size(); ++i) overtakes += log[i].seq < log[i - 1].seq;
  EXPECT_GT(overtakes, static_cast<int>(c.reordered) / 2);
}

TEST(Delivery, CorruptionIsCaughtByTheReceiversChecksums) {
  World w(5);
  TwoHosts(w, {.delay_ns = 1 * kMs, .corrupt_percent = 10});
  Host& a = *w.net.FindHost("a");
  Host& b = *w.net.FindHost("b");
  std::vector<Arrival> log;
  Listen(w, b, log);
  constexpr int kPackets = 20'000;
  w.At(0, [&] {
    for (int i = 0; i < kPackets; ++i) {
      ASSERT_TRUE(a.Send(Tcp("10.0.0.1", "10.0.0.2", 1000, 80, kTcpAck | kTcpPsh,
                             static_cast<uint32_t>(i), 100))
                      .ok());
    }
  });
  w.Run();
  const LinkCounters& c = w.net.FindDirection("l1", "a", "b")->counters();
  EXPECT_NEAR(static_cast<double>(c.corrupted) / kPackets, 0.10, 0.01);
  // Every flipped bit is caught: by a checksum, or (length and version fields) as malformed.
  const uint64_t bad = b.counters().dropped[trace::pb::DROP_BAD_CHECKSUM].packets;
  const uint64_t malformed = b.counters().dropped[trace::pb::DROP_MALFORMED].packets;
  EXPECT_EQ(bad + malformed, c.corrupted);
  EXPECT_GT(bad, c.corrupted * 9 / 10);
  EXPECT_EQ(log.size(), kPackets - c.corrupted);
  for (const Arrival& x : log) ASSERT_EQ(x.payload_bytes, 100u);
}

TEST(Delivery, DropTailQueueDropsWhenFull) {
  World w;
  // 100-byte datagrams at 1000 bytes/s take 100 ms each; two may wait.
  TwoHosts(w, {.delay_ns = 1 * kMs, .rate_bytes_per_s = 1000, .limit_packets = 2});
  Host& a = *w.net.FindHost("a");
  std::vector<Arrival> log;
  Listen(w, *w.net.FindHost("b"), log);
  w.At(0, [&] {
    for (uint32_t i = 0; i < 5; ++i) {
      ASSERT_TRUE(a.Send(Tcp("10.0.0.1", "10.0.0.2", 1, 2, kTcpAck, i, 60)).ok());
    }
  });
  w.Run();
  EXPECT_THAT(Times(log), ElementsAre(101 * kMs, 201 * kMs, 301 * kMs));
  EXPECT_THAT(Seqs(log), ElementsAre(0, 1, 2));
  const LinkCounters& c = w.net.FindDirection("l1", "a", "b")->counters();
  EXPECT_EQ(c.dropped[trace::pb::DROP_QUEUE_FULL].packets, 2u);
  EXPECT_EQ(c.dropped[trace::pb::DROP_QUEUE_FULL].bytes, 200u);
  EXPECT_EQ(c.queued, 2u);
}

TEST(Delivery, LinkMtuDropsLargerPackets) {
  World w;
  TwoHosts(w, {.mtu_bytes = 1000});  // the interfaces think 1500 fits
  Host& a = *w.net.FindHost("a");
  std::vector<Arrival> log;
  Listen(w, *w.net.FindHost("b"), log);
  w.At(0, [&] {
    EXPECT_TRUE(a.Send(Udp("10.0.0.1", "10.0.0.2", 1, 2, 1200)).ok());  // the link drops it
    EXPECT_TRUE(a.Send(Udp("10.0.0.1", "10.0.0.2", 1, 2, 1000 - 28)).ok());
  });
  w.Run();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].payload_bytes, 972u);
  const LinkCounters& c = w.net.FindDirection("l1", "a", "b")->counters();
  EXPECT_EQ(c.dropped[trace::pb::DROP_MTU].packets, 1u);
  EXPECT_EQ(c.dropped[trace::pb::DROP_MTU].bytes, 1228u);
}

TEST(Fragmentation, Ipv4DatagramsAreFragmentedAndReassembled) {
  World w;
  TwoHosts(w, {.delay_ns = 2 * kMs, .rate_bytes_per_s = 1'000'000}, /*mtu_bytes=*/576);
  Host& a = *w.net.FindHost("a");
  Host& b = *w.net.FindHost("b");
  std::vector<uint8_t> payload(3000);
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<uint8_t>(i * 13 + 1);
  std::vector<uint8_t> received;
  int arrivals = 0;
  b.SetProtocolHandler(kProtoUdp, [&](const ReceivedPacket& p) {
    ++arrivals;
    received.assign(p.parsed.udp->payload.begin(), p.parsed.udp->payload.end());
    EXPECT_EQ(p.packet.size(), 3028u);
    EXPECT_FALSE(p.parsed.ip.is_fragment());
  });
  w.At(0, [&] {
    ASSERT_TRUE(a.Send(BuildUdp({.ip = {.src = Ip("10.0.0.1"), .dst = Ip("10.0.0.2"), .id = 77},
                                 .src_port = 5,
                                 .dst_port = 6,
                                 .payload = payload}))
                    .ok());
  });
  w.Run();
  EXPECT_EQ(arrivals, 1);
  EXPECT_EQ(received, payload);
  EXPECT_EQ(a.counters().fragmented, 1u);
  EXPECT_EQ(a.counters().fragments, 6u);
  EXPECT_EQ(w.net.FindDirection("l1", "a", "b")->counters().sent.packets, 6u);
  EXPECT_EQ(b.counters().reassembled, 1u);
  EXPECT_EQ(b.counters().received.packets, 6u);
  EXPECT_EQ(b.counters().delivered.packets, 1u);
  // The last fragment (268 bytes) ends serialization at 5 * 572 + 268 bytes / 1 MB/s.
  EXPECT_EQ(w.scheduler.Now(), Ns(2 * kMs + (5 * 572 + 268) * 1000));
}

TEST(Fragmentation, DontFragmentAndIpv6AreTooBig) {
  World w;
  TwoHosts(w, {}, /*mtu_bytes=*/1280);
  Host& a = *w.net.FindHost("a");
  EXPECT_EQ(a.Send(Udp("10.0.0.1", "10.0.0.2", 1, 2, 1400, 0, /*dont_fragment=*/true)),
            absl::OutOfRangeError("host a: datagram of 1428 bytes exceeds the MTU of 1280 bytes "
                                  "of the route to 10.0.0.2 (interface eth0) and DF is set"));
  EXPECT_EQ(a.Send(Udp("2001:db8::1", "2001:db8::2", 1, 2, 1400)).code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(a.counters().dropped[trace::pb::DROP_MTU].packets, 2u);
  w.Run();
}

TEST(Fragmentation, OutOfOrderAndDuplicateFragmentsStillReassemble) {
  World w;
  TwoHosts(w, {.delay_ns = 1 * kMs}, /*mtu_bytes=*/576);
  Host& a = *w.net.FindHost("a");
  std::vector<Arrival> log;
  Listen(w, *w.net.FindHost("b"), log);
  // The first fragment arrives last; the third twice.
  ASSERT_TRUE(w.net.AddFault("l1", {.count = FaultCount::Nth(1), .action = FaultAction::kDelay,
                                    .delay_ns = 5 * kMs})
                  .ok());
  ASSERT_TRUE(w.net.AddFault("l1", {.count = FaultCount::Nth(3),
                                    .action = FaultAction::kDuplicate})
                  .ok());
  w.At(0, [&] { ASSERT_TRUE(a.Send(Udp("10.0.0.1", "10.0.0.2", 5, 6, 2000, 0x11)).ok()); });
  w.Run();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].ns, 6 * kMs);
  EXPECT_EQ(log[0].payload_bytes, 2000u);
  EXPECT_EQ(log[0].first_payload_byte, 0x11);
}

TEST(Fragmentation, IncompleteDatagramsTimeOut) {
  World w;
  w.AddHost("a");
  w.AddHost("b", {.reassembly_timeout_ns = 1000 * kMs});
  ASSERT_TRUE(w.net.AddLink({.name = "l1",
                             .a = {.host = "a", .interface = "eth0",
                                   .addresses = {"10.0.0.1/24"}, .mtu_bytes = 576},
                             .b = {.host = "b", .interface = "eth0",
                                   .addresses = {"10.0.0.2/24"}, .mtu_bytes = 576},
                             .params = {.delay_ns = 1 * kMs}})
                  .ok());
  Host& a = *w.net.FindHost("a");
  Host& b = *w.net.FindHost("b");
  std::vector<Arrival> log;
  Listen(w, b, log);
  ASSERT_TRUE(w.net.AddFault("l1", {.protocol = kProtoUdp, .count = FaultCount::Nth(2)}).ok());
  w.At(0, [&] { ASSERT_TRUE(a.Send(Udp("10.0.0.1", "10.0.0.2", 5, 6, 3000, 1, false, 1)).ok()); });
  w.At(10 * kMs, [&] {
    ASSERT_TRUE(a.Send(Udp("10.0.0.1", "10.0.0.2", 5, 6, 3000, 2, false, 2)).ok());
  });
  w.Run();
  ASSERT_EQ(log.size(), 1u);  // the second datagram, complete
  EXPECT_EQ(log[0].first_payload_byte, 2);
  EXPECT_EQ(log[0].ns, 11 * kMs);
  EXPECT_EQ(b.counters().dropped[trace::pb::DROP_REASSEMBLY_TIMEOUT].packets, 5u);
  EXPECT_EQ(b.counters().dropped[trace::pb::DROP_REASSEMBLY_TIMEOUT].bytes, 4u * 572 + 268);
  EXPECT_EQ(w.scheduler.Now(), Ns(1 * kMs + 1000 * kMs));  // the timer of the first fragment
}

TEST(LinkState, DownDropsInFlightPacketsAndUpResumes) {
  World w;
  TwoHosts(w, {.delay_ns = 10 * kMs, .rate_bytes_per_s = 10'000});
  Host& a = *w.net.FindHost("a");
  std::vector<Arrival> log;
  Listen(w, *w.net.FindHost("b"), log);
  for (uint32_t i = 0; i < 3; ++i) {  // 100-byte segments: 10 ms each on the wire
    w.At(i * kMs, [&a, i] { ASSERT_TRUE(a.Send(Tcp("10.0.0.1", "10.0.0.2", 1, 2, kTcpAck, i, 60)).ok()); });
  }
  ASSERT_TRUE(w.net.ScheduleLinkUp("l1", Ns(15 * kMs), false).ok());
  w.At(16 * kMs, [&] { ASSERT_TRUE(a.Send(Tcp("10.0.0.1", "10.0.0.2", 1, 2, kTcpAck, 3)).ok()); });
  ASSERT_TRUE(w.net.ScheduleLinkUp("l1", Ns(40 * kMs), true).ok());
  w.At(41 * kMs, [&] { ASSERT_TRUE(a.Send(Tcp("10.0.0.1", "10.0.0.2", 1, 2, kTcpAck, 4, 60)).ok()); });
  w.Run();
  // In flight at 15 ms: #0 (on the wire until 10, arriving at 20), #1 (serialized 10..20) and
  // #2 (queued). #3 meets a down link. #4 goes on an idle line after the link came back.
  EXPECT_THAT(Seqs(log), ElementsAre(4u));
  EXPECT_THAT(Times(log), ElementsAre(41 * kMs + 10 * kMs + 10 * kMs));
  const LinkCounters& c = w.net.FindDirection("l1", "a", "b")->counters();
  EXPECT_EQ(c.dropped[trace::pb::DROP_LINK_DOWN].packets, 4u);
  EXPECT_TRUE(w.net.FindLink("l1")->up());
  EXPECT_EQ(w.net.ScheduleLinkUp("nope", Ns(0), true), absl::NotFoundError("unknown link \"nope\""));
}

TEST(Faults, DropTheThirdSynAckFromAToB) {
  World w;
  TwoHosts(w, {.delay_ns = 1 * kMs});
  Host& a = *w.net.FindHost("a");
  Host& b = *w.net.FindHost("b");
  std::vector<Arrival> at_a, at_b;
  Listen(w, a, at_a);
  Listen(w, b, at_b);
  const absl::StatusOr<const FaultState*> fault = w.net.AddFault(
      "l1", {.from_host = "a", .to_host = "b", .protocol = kProtoTcp,
             .tcp_flags_set = kTcpSyn | kTcpAck, .count = FaultCount::Nth(3)});
  ASSERT_TRUE(fault.ok()) << fault.status();
  w.At(0, [&] {
    const uint8_t flags[] = {kTcpSyn | kTcpAck, kTcpAck, kTcpSyn | kTcpAck, kTcpSyn,
                             kTcpSyn | kTcpAck, kTcpSyn | kTcpAck | kTcpPsh, kTcpSyn | kTcpAck};
    for (uint32_t i = 0; i < 7; ++i) {
      ASSERT_TRUE(a.Send(Tcp("10.0.0.1", "10.0.0.2", 80, 5000, flags[i], i)).ok());
      // The other direction does not count.
      ASSERT_TRUE(b.Send(Tcp("10.0.0.2", "10.0.0.1", 5000, 80, kTcpSyn | kTcpAck, 100 + i)).ok());
    }
  });
  w.Run();
  // SYN+ACKs from a are segments 0, 2, 4, 5, 6: the third is segment 4.
  EXPECT_THAT(Seqs(at_b), ElementsAre(0, 1, 2, 3, 5, 6));
  EXPECT_EQ(at_a.size(), 7u);
  EXPECT_EQ((*fault)->matched, 5u);
  EXPECT_EQ((*fault)->applied, 1u);
  EXPECT_EQ(w.net.FindDirection("l1", "a", "b")->counters().dropped[trace::pb::DROP_FAULT].packets,
            1u);
}

TEST(Faults, DelayEveryNthDuplicateARangeCorruptOne) {
  World w;
  TwoHosts(w, {.delay_ns = 1 * kMs});
  Host& a = *w.net.FindHost("a");
  Host& b = *w.net.FindHost("b");
  std::vector<Arrival> log;
  Listen(w, b, log);
  ASSERT_TRUE(w.net.AddFault("l1", {.protocol = kProtoUdp, .dst_port = 53,
                                    .count = FaultCount::Every(2), .action = FaultAction::kDelay,
                                    .delay_ns = 5 * kMs})
                  .ok());
  ASSERT_TRUE(w.net.AddFault("l1", {.dst_port = 7, .count = FaultCount::Range(2, 3),
                                    .action = FaultAction::kDuplicate})
                  .ok());
  ASSERT_TRUE(w.net.AddFault("l1", {.dst_port = 9, .count = FaultCount::Nth(1),
                                    .action = FaultAction::kCorrupt, .corrupt_bit = 8 * 20 + 3})
                  .ok());
  w.At(0, [&] {
    for (uint8_t i = 1; i <= 4; ++i) ASSERT_TRUE(a.Send(Udp("10.0.0.1", "10.0.0.2", 1, 53, 1, i)).ok());
    for (uint8_t i = 1; i <= 4; ++i) ASSERT_TRUE(a.Send(Udp("10.0.0.1", "10.0.0.2", 1, 7, 1, i)).ok());
    ASSERT_TRUE(a.Send(Udp("10.0.0.1", "10.0.0.2", 1, 9, 1, 0)).ok());
    ASSERT_TRUE(a.Send(Udp("10.0.0.1", "10.0.0.2", 1, 9, 1, 1)).ok());
  });
  w.Run();
  std::vector<std::string> seen;
  for (const Arrival& x : log) {
    seen.push_back(
        absl::StrCat(x.dst_port, "/", static_cast<int>(x.first_payload_byte), "@", x.ns / kMs));
  }
  EXPECT_THAT(seen, ElementsAre("53/1@1", "53/3@1", "7/1@1", "7/2@1", "7/2@1", "7/3@1", "7/3@1",
                                "7/4@1", "9/1@1", "53/2@6", "53/4@6"));
  // The corrupted datagram (bit 3 of the UDP source port) failed the UDP checksum.
  EXPECT_EQ(b.counters().dropped[trace::pb::DROP_BAD_CHECKSUM].packets, 1u);
  const LinkCounters& c = w.net.FindDirection("l1", "a", "b")->counters();
  EXPECT_EQ(c.duplicated, 2u);
  EXPECT_EQ(c.corrupted, 1u);
}

TEST(Faults, ConfigurationErrors) {
  World w;
  TwoHosts(w);
  EXPECT_EQ(w.net.AddFault("l9", {}).status(), absl::NotFoundError("unknown link \"l9\""));
  EXPECT_EQ(w.net.AddFault("l1", {.from_host = "c"}).status(),
            absl::InvalidArgumentError(
                "link l1: fault #0 (drop c->*): host c is not on the link"));
  EXPECT_EQ(w.net.AddFault("l1", {.count = FaultCount::Nth(0)}).status(),
            absl::InvalidArgumentError("link l1: fault #0 (drop nth 0): counts start at 1"));
  EXPECT_EQ(w.net.AddFault("l1", {.action = FaultAction::kDelay, .delay_ns = -1}).status(),
            absl::InvalidArgumentError(
                "link l1: fault #0 (delay -1ns): delay_ns is negative"));
  EXPECT_EQ(w.net.AddFault("l1", {.count = FaultCount::Range(5, 2)}).status(),
            absl::InvalidArgumentError(
                "link l1: fault #0 (drop from 5 to 2): the range ends before it starts"));
}

}  // namespace
}  // namespace ws2sim::sim::net::testing
