// IPv4/IPv6 addresses and prefixes: parsing, RFC 5952 formatting, order, prefix arithmetic.
#include "sim/net/address.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ws2sim::sim::net {
namespace {

using ::testing::HasSubstr;

IpAddress Ip(absl::string_view text) { return IpAddress::Parse(text).value(); }

TEST(IpAddress, Ipv4ParsesAndFormats) {
  const IpAddress a = Ip("10.0.0.1");
  EXPECT_TRUE(a.is_v4());
  EXPECT_EQ(a.v4(), 0x0a000001u);
  EXPECT_EQ(a, IpAddress::V4(10, 0, 0, 1));
  EXPECT_EQ(a.ToString(), "10.0.0.1");
  EXPECT_THAT(a.bytes(), ::testing::ElementsAre(10, 0, 0, 1));
  for (const char* text : {"0.0.0.0", "255.255.255.255", "192.168.100.7", "1.2.3.4"}) {
    EXPECT_EQ(Ip(text).ToString(), text);
  }
}

TEST(IpAddress, Ipv4Errors) {
  for (const char* text : {"", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1.2.3.04", "1..2.3", "1.2.3.4 ",
                           "a.b.c.d", "-1.2.3.4", "1.2.3.", ".1.2.3"}) {
    const absl::StatusOr<IpAddress> a = IpAddress::Parse(text);
    EXPECT_FALSE(a.ok()) << text;
    EXPECT_EQ(a.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(a.status().message(), absl::StrCat("not an IP address: \"", text, "\""));
  }
}

// RFC 5952 section 4 (canonical text) and RFC 4291 section 2.2 (accepted input).
TEST(IpAddress, Ipv6RoundTripsInCanonicalForm) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"::", "::"},
      {"::1", "::1"},
      {"2001:db8::1", "2001:db8::1"},
      {"2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"},
      {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},        // the first of equal runs
      {"2001:db8:0:0:0:1:0:0", "2001:db8::1:0:0"},          // the longest run
      {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},     // a single zero group stays
      {"fe80::", "fe80::"},
      {"1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"},
      {"::ffff:192.0.2.1", "::ffff:192.0.2.1"},             // IPv4-mapped, mixed notation
      {"::ffff:c000:0201", "::ffff:192.0.2.1"},
      {"64:ff9b::192.0.2.33", "64:ff9b::c000:221"},
      {"ff02::1:ff00:1234", "ff02::1:ff00:1234"},
  };
  for (const auto& [in, out] : cases) {
    const absl::StatusOr<IpAddress> a = IpAddress::Parse(in);
    ASSERT_TRUE(a.ok()) << in << ": " << a.status();
    EXPECT_TRUE(a->is_v6());
    EXPECT_EQ(a->ToString(), out) << in;
    EXPECT_EQ(Ip(out), *a) << out;
  }
  std::array<uint8_t, 16> b{};
  b[0] = 0x20;
  b[1] = 0x01;
  b[2] = 0x0d;
  b[3] = 0xb8;
  b[15] = 1;
  EXPECT_EQ(Ip("2001:db8::1"), IpAddress::V6(b));
}

TEST(IpAddress, Ipv6Errors) {
  for (const char* text : {":", ":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::",
                           "g::1", "1:", ":1", "1:2:3:4:5:6:7:8::", "::1.2.3", "1.2.3.4::",
                           "::1.2.3.4:5", "fe80::1%eth0"}) {
    EXPECT_FALSE(IpAddress::Parse(text).ok()) << text;
  }
}

TEST(IpAddress, Classification) {
  EXPECT_TRUE(Ip("127.0.0.1").IsLoopback());
  EXPECT_TRUE(Ip("127.255.0.9").IsLoopback());
  EXPECT_TRUE(Ip("::1").IsLoopback());
  EXPECT_FALSE(Ip("::2").IsLoopback());
  EXPECT_FALSE(Ip("128.0.0.1").IsLoopback());
  EXPECT_TRUE(Ip("0.0.0.0").IsUnspecified());
  EXPECT_TRUE(Ip("::").IsUnspecified());
  EXPECT_TRUE(Ip("255.255.255.255").IsLimitedBroadcast());
  EXPECT_TRUE(Ip("224.0.0.1").IsMulticast());
  EXPECT_TRUE(Ip("ff02::1").IsMulticast());
  EXPECT_FALSE(Ip("10.0.0.1").IsMulticast());
  EXPECT_EQ(IpAddress::Loopback(Family::kIpv4).ToString(), "127.0.0.1");
  EXPECT_EQ(IpAddress::Loopback(Family::kIpv6).ToString(), "::1");
  EXPECT_EQ(IpAddress::Any(Family::kIpv6).ToString(), "::");
}

TEST(IpAddress, OrderPutsIpv4FirstThenBytes) {
  EXPECT_LT(Ip("10.0.0.1"), Ip("10.0.0.2"));
  EXPECT_LT(Ip("9.255.255.255"), Ip("10.0.0.0"));
  EXPECT_LT(Ip("255.255.255.255"), Ip("::"));
  EXPECT_LT(Ip("::1"), Ip("2001:db8::"));
  EXPECT_NE(Ip("0.0.0.0"), Ip("::"));
}

TEST(IpAddress, FromBytes) {
  const uint8_t four[] = {192, 0, 2, 1};
  EXPECT_EQ(IpAddress::FromBytes(four).value(), Ip("192.0.2.1"));
  const uint8_t three[] = {1, 2, 3};
  EXPECT_THAT(std::string(IpAddress::FromBytes(three).status().message()),
              HasSubstr("4 or 16 bytes, not 3"));
}

TEST(Prefix, ParsesAndKeepsTheHostBits) {
  const Prefix p = Prefix::Parse("10.1.2.3/16").value();
  EXPECT_EQ(p.address(), Ip("10.1.2.3"));
  EXPECT_EQ(p.length(), 16);
  EXPECT_EQ(p.network(), Ip("10.1.0.0"));
  EXPECT_FALSE(p.IsNetwork());
  EXPECT_EQ(p.ToString(), "10.1.2.3/16");
  EXPECT_EQ(Prefix::Parse("10.0.0.1").value().length(), 32);
  EXPECT_EQ(Prefix::Parse("2001:db8::1").value().length(), 128);
  const Prefix v6 = Prefix::Parse("2001:db8:abcd:12ff::1/60").value();
  EXPECT_EQ(v6.network().ToString(), "2001:db8:abcd:12f0::");
  EXPECT_TRUE(Prefix::Parse("0.0.0.0/0").value().IsNetwork());
}

TEST(Prefix, Errors) {
  EXPECT_EQ(Prefix::Parse("10.0.0.0/33").status().message(),
            "not a prefix: \"10.0.0.0/33\" (prefix length 33 is out of range for IPv4 (0..32))");
  EXPECT_EQ(Prefix::Parse("::/129").status().message(),
            "not a prefix: \"::/129\" (prefix length 129 is out of range for IPv6 (0..128))");
  EXPECT_EQ(Prefix::Parse("10.0.0.0/").status().message(),
            "not a prefix: \"10.0.0.0/\" (the length is not a decimal number)");
  EXPECT_EQ(Prefix::Parse("10.0.0.0/-1").status().message(),
            "not a prefix: \"10.0.0.0/-1\" (the length is not a decimal number)");
  EXPECT_THAT(std::string(Prefix::Parse("10.0.0/8").status().message()),
              HasSubstr("not an IP address: \"10.0.0\""));
  EXPECT_EQ(Prefix::Make(Ip("::1"), -1).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(Prefix, ContainsComparesTheFirstLengthBits) {
  const Prefix p = Prefix::Parse("192.168.4.0/22").value();
  EXPECT_TRUE(p.Contains(Ip("192.168.4.0")));
  EXPECT_TRUE(p.Contains(Ip("192.168.7.255")));
  EXPECT_FALSE(p.Contains(Ip("192.168.8.0")));
  EXPECT_FALSE(p.Contains(Ip("192.168.3.255")));
  EXPECT_FALSE(p.Contains(Ip("::ffff:192.168.4.1")));  // other family
  EXPECT_TRUE(Prefix::Parse("0.0.0.0/0").value().Contains(Ip("8.8.8.8")));
  EXPECT_FALSE(Prefix::Parse("0.0.0.0/0").value().Contains(Ip("::")));
  const Prefix v6 = Prefix::Parse("2001:db8::/33").value();
  EXPECT_TRUE(v6.Contains(Ip("2001:db8:7fff::1")));
  EXPECT_FALSE(v6.Contains(Ip("2001:db8:8000::1")));
  EXPECT_TRUE(Prefix::Parse("10.0.0.1/32").value().Contains(Ip("10.0.0.1")));
  EXPECT_FALSE(Prefix::Parse("10.0.0.1/32").value().Contains(Ip("10.0.0.0")));
}

TEST(Prefix, DirectedBroadcast) {
  EXPECT_EQ(Prefix::Parse("10.0.0.1/24").value().Broadcast(), Ip("10.0.0.255"));
  EXPECT_EQ(Prefix::Parse("172.16.5.9/12").value().Broadcast(), Ip("172.31.255.255"));
  EXPECT_EQ(Prefix::Parse("10.0.0.1/0").value().Broadcast(), Ip("255.255.255.255"));
  // /31 and /32 have no broadcast address (RFC 3021).
  EXPECT_EQ(Prefix::Parse("10.0.0.1/31").value().Broadcast(), Ip("255.255.255.255"));
}

}  // namespace
}  // namespace ws2sim::sim::net
