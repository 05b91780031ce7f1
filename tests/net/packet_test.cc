// Packet builders and the parser against byte vectors worked out by hand from RFC 791, 768, 793
// and 8200; checksum validation; IPv4 fragmentation; TTL decrement.
#include "sim/net/packet.h"

#include <cstdint>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/net/checksum.h"

namespace ws2sim::sim::net {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

IpAddress Ip(absl::string_view text) { return IpAddress::Parse(text).value(); }

std::vector<uint8_t> Hex(absl::string_view hex) {
  std::vector<uint8_t> out;
  int nibble = -1;
  for (char c : hex) {
    int v;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else continue;
    if (nibble < 0) {
      nibble = v;
    } else {
      out.push_back(static_cast<uint8_t>(nibble << 4 | v));
      nibble = -1;
    }
  }
  return out;
}

// An independent RFC 1071 sum: 32-bit accumulation of big-endian words, folded at the end.
uint16_t ReferenceChecksum(const std::vector<uint8_t>& bytes) {
  uint32_t sum = 0;
  for (size_t i = 0; i < bytes.size(); i += 2) {
    sum += static_cast<uint32_t>(bytes[i] << 8) + (i + 1 < bytes.size() ? bytes[i + 1] : 0);
  }
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

TEST(Checksum, Rfc1071ExampleAndOddPieces) {
  // RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2 (after folding 2ddf0).
  const std::vector<uint8_t> words = Hex("0001 f203 f4f5 f6f7");
  EXPECT_EQ(InternetChecksum(words), static_cast<uint16_t>(~0xddf2));
  // The same bytes given in odd-sized pieces.
  ChecksumAccumulator c;
  c.Add(absl::MakeConstSpan(words).subspan(0, 3));
  c.Add(absl::MakeConstSpan(words).subspan(3, 1));
  c.Add(absl::MakeConstSpan(words).subspan(4, 3));
  c.Add(absl::MakeConstSpan(words).subspan(7));
  EXPECT_EQ(c.Checksum(), static_cast<uint16_t>(~0xddf2));
  // An odd length pads with a zero byte.
  EXPECT_EQ(InternetChecksum(Hex("ab")), static_cast<uint16_t>(~0xab00));
}

// The classic IPv4 header example: 4500 0073 0000 4000 4011 [b861] c0a8 0001 c0a8 00c7.
TEST(BuildIp, Ipv4HeaderMatchesTheKnownChecksum) {
  const std::vector<uint8_t> payload(0x73 - 20, 0);
  const Packet p = BuildIp({.src = Ip("192.168.0.1"), .dst = Ip("192.168.0.199"), .ttl = 64,
                            .dont_fragment = true},
                           kProtoUdp, payload);
  ASSERT_EQ(p.size(), 0x73u);
  EXPECT_THAT(std::vector<uint8_t>(p.bytes.begin(), p.bytes.begin() + 20),
              ElementsAreArray(Hex("4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7")));
  EXPECT_EQ(InternetChecksum(absl::MakeConstSpan(p.bytes).subspan(0, 20)), 0);
}

// UDP 10.0.0.1:1234 -> 10.0.0.2:53, payload "hi", worked out by hand:
//   IPv4 header words 4500 001e 0000 0000 4011 .... 0a00 0001 0a00 0002 sum to 9932 -> 66cd;
//   pseudo-header 0a00 0001 0a00 0002 0011 000a + UDP 04d2 0035 000a 0000 6869 sum to 8198
//   -> checksum 7e67.
TEST(BuildUdp, Ipv4BytesWorkedOutByHand) {
  const uint8_t hi[] = {'h', 'i'};
  const Packet p = BuildUdp({.ip = {.src = Ip("10.0.0.1"), .dst = Ip("10.0.0.2")},
                             .src_port = 1234,
                             .dst_port = 53,
                             .payload = hi});
  const std::vector<uint8_t> expected =
      Hex("4500 001e 0000 0000 4011 66cd 0a00 0001 0a00 0002 04d2 0035 000a 7e67 6869");
  EXPECT_THAT(p.bytes, ElementsAreArray(expected));
  // Verified independently: the reference sum over pseudo-header and segment is 0.
  std::vector<uint8_t> pseudo = Hex("0a00 0001 0a00 0002 0011 000a");
  pseudo.insert(pseudo.end(), expected.begin() + 20, expected.end());
  EXPECT_EQ(ReferenceChecksum(pseudo), 0);
  EXPECT_EQ(TransportChecksum(Ip("10.0.0.1"), Ip("10.0.0.2"), kProtoUdp,
                              absl::MakeConstSpan(p.bytes).subspan(20)),
            0);

  const ParsedPacket parsed = Parse(p.bytes).value();
  EXPECT_EQ(parsed.ip.family, Family::kIpv4);
  EXPECT_EQ(parsed.ip.src, Ip("10.0.0.1"));
  EXPECT_EQ(parsed.ip.dst, Ip("10.0.0.2"));
  EXPECT_EQ(parsed.ip.protocol, kProtoUdp);
  EXPECT_EQ(parsed.ip.ttl, 64);
  EXPECT_EQ(parsed.ip.total_bytes, 30u);
  ASSERT_TRUE(parsed.udp.has_value());
  EXPECT_FALSE(parsed.tcp.has_value());
  EXPECT_EQ(parsed.udp->src_port, 1234);
  EXPECT_EQ(parsed.udp->dst_port, 53);
  EXPECT_EQ(parsed.udp->checksum, 0x7e67);
  EXPECT_THAT(parsed.udp->payload, ElementsAreArray(hi));
  EXPECT_EQ(FlowString(parsed), "udp 10.0.0.1:1234 > 10.0.0.2:53");
}

// TCP SYN 10.0.0.1:49152 -> 10.0.0.2:80, seq 1, window 65535, MSS 1460, worked out by hand:
//   pseudo-header 0a00 0001 0a00 0002 0006 0018 sums to 1421; the segment c000 0050 0000 0001
//   0000 0000 6002 ffff 0000 0000 0204 05b4 to 2280a; 1421 + 2280a = 23c2b -> 3c2d -> c3d2.
TEST(BuildTcp, SynWithMssWorkedOutByHand) {
  const std::vector<uint8_t> mss = TcpMssOption(1460);
  const Packet p = BuildTcp({.ip = {.src = Ip("10.0.0.1"), .dst = Ip("10.0.0.2")},
                             .src_port = 49152,
                             .dst_port = 80,
                             .seq = 1,
                             .flags = kTcpSyn,
                             .window = 65535,
                             .options = mss});
  ASSERT_EQ(p.size(), 44u);
  EXPECT_THAT(std::vector<uint8_t>(p.bytes.begin() + 20, p.bytes.end()),
              ElementsAreArray(Hex("c000 0050 0000 0001 0000 0000 6002 ffff c3d2 0000 0204 05b4")));
  const ParsedPacket parsed = Parse(p.bytes).value();
  ASSERT_TRUE(parsed.tcp.has_value());
  EXPECT_EQ(parsed.tcp->seq, 1u);
  EXPECT_EQ(parsed.tcp->flags, kTcpSyn);
  EXPECT_EQ(parsed.tcp->header_bytes, 24u);
  EXPECT_EQ(parsed.tcp->checksum, 0xc3d2);
  const std::optional<absl::Span<const uint8_t>> option =
      FindTcpOption(parsed.tcp->options, kTcpOptionMss);
  ASSERT_TRUE(option.has_value());
  EXPECT_THAT(*option, ElementsAreArray(Hex("05b4")));
  EXPECT_FALSE(FindTcpOption(parsed.tcp->options, kTcpOptionWindowScale).has_value());
  EXPECT_EQ(FlowString(parsed), "tcp 10.0.0.1:49152 > 10.0.0.2:80");
}

TEST(BuildTcp, EveryFieldRoundTripsAndOptionsArePadded) {
  std::vector<uint8_t> options = TcpMssOption(536);
  options.push_back(kTcpOptionNop);
  const std::vector<uint8_t> wscale = TcpWindowScaleOption(7);
  options.insert(options.end(), wscale.begin(), wscale.end());  // 8 bytes
  options.push_back(kTcpOptionNop);                            // 9: padded to 12
  const std::vector<uint8_t> payload = {1, 2, 3, 4, 5};
  const Packet p = BuildTcp({.ip = {.src = Ip("2001:db8::1"), .dst = Ip("2001:db8::2"), .ttl = 9,
                                    .tos = 0x28, .flow_label = 0xabcde},
                             .src_port = 1,
                             .dst_port = 65535,
                             .seq = 0xfedcba98,
                             .ack = 0x01234567,
                             .flags = kTcpAck | kTcpPsh | kTcpUrg | kTcpFin,
                             .window = 4321,
                             .urgent_pointer = 3,
                             .options = options,
                             .payload = payload});
  const ParsedPacket parsed = Parse(p.bytes).value();
  EXPECT_EQ(parsed.ip.family, Family::kIpv6);
  EXPECT_EQ(parsed.ip.ttl, 9);
  EXPECT_EQ(parsed.ip.tos, 0x28);
  EXPECT_EQ(parsed.ip.flow_label, 0xabcdeu);
  EXPECT_EQ(parsed.ip.header_bytes, 40u);
  ASSERT_TRUE(parsed.tcp.has_value());
  const ParsedTcp& t = *parsed.tcp;
  EXPECT_EQ(t.src_port, 1);
  EXPECT_EQ(t.dst_port, 65535);
  EXPECT_EQ(t.seq, 0xfedcba98u);
  EXPECT_EQ(t.ack, 0x01234567u);
  EXPECT_EQ(t.flags, kTcpAck | kTcpPsh | kTcpUrg | kTcpFin);
  EXPECT_EQ(t.window, 4321);
  EXPECT_EQ(t.urgent_pointer, 3);
  EXPECT_EQ(t.header_bytes, 32u);
  EXPECT_EQ(t.options.size(), 12u);
  EXPECT_EQ(t.options[9], kTcpOptionEnd);
  EXPECT_THAT(t.payload, ElementsAreArray(payload));
  EXPECT_THAT(*FindTcpOption(t.options, kTcpOptionWindowScale), ElementsAreArray({7}));
  EXPECT_THAT(*FindTcpOption(t.options, kTcpOptionMss), ElementsAreArray(Hex("0218")));
  EXPECT_EQ(TcpFlagsString(t.flags), "FPU.");
  EXPECT_EQ(TcpFlagsString(kTcpSyn | kTcpAck), "S.");
  EXPECT_EQ(FlowString(parsed), "tcp [2001:db8::1]:1 > [2001:db8::2]:65535");
}

// UDP ::1:1 -> ::1:2, empty: pseudo-header ::1 ::1 00000008 000000 11 and 0001 0002 0008 0000
// sum to 0026 -> ffd9.
TEST(BuildUdp, Ipv6ChecksumWorkedOutByHand) {
  const Packet p = BuildUdp({.ip = {.src = Ip("::1"), .dst = Ip("::1")}, .src_port = 1,
                             .dst_port = 2});
  ASSERT_EQ(p.size(), 48u);
  EXPECT_THAT(std::vector<uint8_t>(p.bytes.begin(), p.bytes.begin() + 8),
              ElementsAreArray(Hex("6000 0000 0008 1140")));
  EXPECT_THAT(std::vector<uint8_t>(p.bytes.begin() + 40, p.bytes.end()),
              ElementsAreArray(Hex("0001 0002 0008 ffd9")));
  EXPECT_TRUE(Parse(p.bytes).ok());
}

TEST(BuildUdp, ComputedZeroIsSentAsAllOnesAndNoChecksumIsZero) {
  // Find a payload whose checksum computes to 0: the field must then be ffff (RFC 768).
  bool found = false;
  for (uint32_t x = 0; x < 65536 && !found; ++x) {
    const uint8_t payload[] = {static_cast<uint8_t>(x >> 8), static_cast<uint8_t>(x)};
    const Packet p = BuildUdp({.ip = {.src = Ip("10.0.0.1"), .dst = Ip("10.0.0.2")},
                               .src_port = 7, .dst_port = 7, .payload = payload});
    const ParsedPacket parsed = Parse(p.bytes).value();
    if (parsed.udp->checksum == 0xffff) found = true;
    ASSERT_NE(parsed.udp->checksum, 0);
  }
  EXPECT_TRUE(found);
  const Packet none = BuildUdp({.ip = {.src = Ip("10.0.0.1"), .dst = Ip("10.0.0.2")},
                                .src_port = 7, .dst_port = 7, .no_checksum = true});
  EXPECT_EQ(Parse(none.bytes).value().udp->checksum, 0);
  // Over IPv6 a zero checksum is an error.
  Packet v6 = BuildUdp({.ip = {.src = Ip("::1"), .dst = Ip("::1")}, .src_port = 7, .dst_port = 7});
  v6.bytes[46] = v6.bytes[47] = 0;
  EXPECT_EQ(Parse(v6.bytes).status().code(), absl::StatusCode::kDataLoss);
}

TEST(Parse, EveryChecksumIsVerified) {
  const Packet udp = BuildUdp({.ip = {.src = Ip("10.0.0.1"), .dst = Ip("10.0.0.2")},
                               .src_port = 1, .dst_port = 2});
  const Packet tcp = BuildTcp({.ip = {.src = Ip("10.0.0.1"), .dst = Ip("10.0.0.2")},
                               .src_port = 1, .dst_port = 2, .flags = kTcpSyn});
  struct Case {
    const Packet* packet;
    size_t byte;
    const char* what;
  } cases[] = {{&udp, 8, "IPv4 header checksum"}, {&udp, 15, "IPv4 header checksum"},
               {&udp, 21, "UDP checksum"},        {&udp, 27, "UDP checksum"},
               {&tcp, 25, "TCP checksum"},        {&tcp, 33, "TCP checksum"}};
  for (const Case& c : cases) {
    Packet bad = *c.packet;
    bad.bytes[c.byte] ^= 0x10;
    const absl::StatusOr<ParsedPacket> parsed = Parse(bad.bytes);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kDataLoss) << c.byte;
    EXPECT_THAT(std::string(parsed.status().message()), HasSubstr(c.what)) << c.byte;
    EXPECT_TRUE(Parse(bad.bytes, {.verify_checksums = false}).ok()) << c.byte;
  }
  // 10.0.0.1:1 -> 10.0.0.2:2, empty: 141c (pseudo-header) + 000b = 1427 -> checksum ebd8. One
  // more in the field leaves the check sum at fffe instead of 0.
  Packet bad = udp;
  bad.bytes[27] ^= 1;
  EXPECT_EQ(Parse(bad.bytes).status(),
            absl::DataLossError(
                "UDP checksum 0xebd9 is wrong (the sum over the segment is 0xfffe, not 0)"));
}

TEST(Parse, MalformedLengthsAreInvalidArgument) {
  const Packet udp = BuildUdp({.ip = {.src = Ip("10.0.0.1"), .dst = Ip("10.0.0.2")},
                               .src_port = 1, .dst_port = 2});
  auto status_of = [](std::vector<uint8_t> bytes) {
    return Parse(bytes, {.verify_checksums = false}).status();
  };
  EXPECT_EQ(status_of({}).message(), "empty packet");
  EXPECT_EQ(status_of({0x45, 0}).message(),
            "IPv4 packet of 2 bytes is shorter than the 20-byte header");
  std::vector<uint8_t> b = udp.bytes;
  b[0] = 0x75;
  EXPECT_EQ(status_of(b).message(), "IP version 7 is neither 4 nor 6");
  b = udp.bytes;
  b.push_back(0);
  EXPECT_EQ(status_of(b).message(), "IPv4 total length 28 differs from the 29 bytes present");
  b = udp.bytes;
  b[0] = 0x44;
  EXPECT_EQ(status_of(b).message(), "IPv4 header length 16 is below 20");
  b = udp.bytes;
  b[25] = 9;  // UDP length 9 in an 8-byte datagram
  EXPECT_EQ(status_of(b).message(), "UDP length 9 differs from the 8 bytes of the IP payload");
  const Packet tcp = BuildTcp({.ip = {.src = Ip("10.0.0.1"), .dst = Ip("10.0.0.2")},
                               .src_port = 1, .dst_port = 2});
  b = tcp.bytes;
  b[32] = 0x60;  // data offset 24 in a 20-byte segment
  EXPECT_EQ(status_of(b).message(), "TCP data offset 24 bytes does not fit the 20-byte segment");
  for (const std::vector<uint8_t>& bytes : {udp.bytes, tcp.bytes}) {
    for (size_t n = 0; n < bytes.size(); ++n) {
      const absl::StatusOr<ParsedPacket> p =
          Parse(absl::MakeConstSpan(bytes).subspan(0, n), {.verify_checksums = false});
      EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument) << n;
    }
  }
}

TEST(FragmentIpv4, SplitsOnEightByteBoundariesAndKeepsTheHeader) {
  const std::vector<uint8_t> payload = [] {
    std::vector<uint8_t> v(3000);
    for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<uint8_t>(i * 7);
    return v;
  }();
  const Packet p = BuildUdp({.ip = {.src = Ip("10.0.0.1"), .dst = Ip("10.0.0.2"), .id = 0x4242},
                             .src_port = 5, .dst_port = 6, .payload = payload});
  const std::vector<Packet> fragments = FragmentIpv4(p.bytes, 576).value();
  // 3008 bytes of data, at most 556 per fragment rounded down to 552: 5 x 552 + 248.
  ASSERT_EQ(fragments.size(), 6u);
  std::vector<uint8_t> data;
  for (size_t i = 0; i < fragments.size(); ++i) {
    const ParsedPacket f = Parse(fragments[i].bytes).value();  // header checksums verified
    EXPECT_LE(fragments[i].size(), 576u);
    EXPECT_EQ(f.ip.id, 0x4242);
    EXPECT_EQ(f.ip.fragment_offset_bytes, 552 * i);
    EXPECT_EQ(f.ip.more_fragments, i + 1 < fragments.size());
    EXPECT_TRUE(f.ip.is_fragment());
    EXPECT_FALSE(f.udp.has_value());
    data.insert(data.end(), f.ip_payload.begin(), f.ip_payload.end());
  }
  EXPECT_EQ(fragments.back().size(), 20u + 248u);
  EXPECT_THAT(data, ElementsAreArray(p.bytes.begin() + 20, p.bytes.end()));
  // Ports are readable from the first fragment only.
  uint16_t s = 0, d = 0;
  EXPECT_TRUE(Parse(fragments[0].bytes).value().PortsOf(s, d));
  EXPECT_EQ(s, 5);
  EXPECT_FALSE(Parse(fragments[1].bytes).value().PortsOf(s, d));
  // A fragment is fragmented again with offsets relative to the datagram.
  const std::vector<Packet> again = FragmentIpv4(fragments[1].bytes, 300).value();
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(Parse(again[0].bytes).value().ip.fragment_offset_bytes, 552u);
  EXPECT_EQ(Parse(again[1].bytes).value().ip.fragment_offset_bytes, 552u + 280u);
  EXPECT_TRUE(Parse(again[1].bytes).value().ip.more_fragments);  // fragment 1 was not the last
}

TEST(FragmentIpv4, Errors) {
  const Packet df = BuildUdp({.ip = {.src = Ip("10.0.0.1"), .dst = Ip("10.0.0.2"),
                                     .dont_fragment = true},
                              .src_port = 5, .dst_port = 6,
                              .payload = std::vector<uint8_t>(100)});
  EXPECT_EQ(FragmentIpv4(df.bytes, 100).status().message(),
            "datagram of 128 bytes exceeds the MTU of 100 bytes and DF is set");
  EXPECT_EQ(FragmentIpv4(df.bytes, 128).value().size(), 1u);  // fits: unchanged
  const Packet v4 = BuildUdp({.ip = {.src = Ip("10.0.0.1"), .dst = Ip("10.0.0.2")},
                              .src_port = 5, .dst_port = 6,
                              .payload = std::vector<uint8_t>(100)});
  EXPECT_EQ(FragmentIpv4(v4.bytes, 27).status().code(), absl::StatusCode::kFailedPrecondition);
  const Packet v6 = BuildUdp({.ip = {.src = Ip("::1"), .dst = Ip("::1")}, .src_port = 5,
                              .dst_port = 6});
  EXPECT_EQ(FragmentIpv4(v6.bytes, 1280).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(DecrementTtl, KeepsTheHeaderChecksumRight) {
  for (uint8_t ttl : {2, 64, 255}) {
    Packet p = BuildUdp({.ip = {.src = Ip("10.9.8.7"), .dst = Ip("1.2.3.4"), .ttl = ttl},
                         .src_port = 5, .dst_port = 6});
    ASSERT_TRUE(DecrementTtl(p));
    const ParsedPacket parsed = Parse(p.bytes).value();  // header checksum verified
    EXPECT_EQ(parsed.ip.ttl, ttl - 1);
  }
  Packet last = BuildUdp({.ip = {.src = Ip("10.9.8.7"), .dst = Ip("1.2.3.4"), .ttl = 1},
                          .src_port = 5, .dst_port = 6});
  EXPECT_FALSE(DecrementTtl(last));
  Packet v6 = BuildUdp({.ip = {.src = Ip("::1"), .dst = Ip("::2"), .ttl = 3}, .src_port = 5,
                        .dst_port = 6});
  ASSERT_TRUE(DecrementTtl(v6));
  EXPECT_EQ(Parse(v6.bytes).value().ip.ttl, 2);
}

TEST(BuilderDeathTest, BrokenPreconditionsAbortWithAMessage) {
  EXPECT_DEATH(BuildUdp({.ip = {.src = Ip("10.0.0.1"), .dst = Ip("::1")}}),
               "source 10.0.0.1 and destination ::1 are of different families");
  const std::vector<uint8_t> big(65535 - 27);
  EXPECT_DEATH(BuildUdp({.ip = {.src = Ip("10.0.0.1"), .dst = Ip("10.0.0.2")}, .payload = big}),
               "IPv4 datagram of 65536 bytes exceeds 65535");
  const std::vector<uint8_t> options(41);
  EXPECT_DEATH(BuildTcp({.ip = {.src = Ip("10.0.0.1"), .dst = Ip("10.0.0.2")},
                         .options = options}),
               "41 bytes of TCP options exceed 40");
}

}  // namespace
}  // namespace ws2sim::sim::net
