#include "scenarios/units.h"

#include <string>

#include "gtest/gtest.h"

namespace ws2sim::scenarios {
namespace {

using sim::Duration;

int64_t Ns(absl::string_view text) {
  absl::StatusOr<Duration> d = ParseDuration(text);
  EXPECT_TRUE(d.ok()) << text << ": " << d.status();
  return d.ok() ? d->ns() : -999;
}

std::string DurationError(absl::string_view text) {
  absl::StatusOr<Duration> d = ParseDuration(text);
  EXPECT_FALSE(d.ok()) << text << " parsed as " << d->ns();
  EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(d.status().message());
}

TEST(ParseDuration, EveryUnitIsExactInNanoseconds) {
  EXPECT_EQ(Ns("250ns"), 250);
  EXPECT_EQ(Ns("3us"), 3000);
  EXPECT_EQ(Ns("3\xC2\xB5s"), 3000);
  EXPECT_EQ(Ns("100ms"), 100000000);
  EXPECT_EQ(Ns("2s"), 2000000000);
  EXPECT_EQ(Ns("1m"), 60000000000);
  EXPECT_EQ(Ns("1h"), 3600000000000);
  EXPECT_EQ(Ns("0"
               "s"),
            0);
  EXPECT_EQ(Ns("0ns"), 0);
}

TEST(ParseDuration, FractionsAreExactNotFloatingPoint) {
  EXPECT_EQ(Ns("1.5us"), 1500);
  EXPECT_EQ(Ns("12.00025ms"), 12000250);
  EXPECT_EQ(Ns("0.1s"), 100000000);
  EXPECT_EQ(Ns("1.5m"), 90000000000);
  EXPECT_EQ(Ns("0.1h"), 360000000000);
  EXPECT_EQ(Ns("1.000000001s"), 1000000001);
  EXPECT_EQ(Ns("1.000000000000000000000000s"), 1000000000);  // trailing zeros are free
  EXPECT_EQ(Ns("0.000000001s"), 1);
  EXPECT_EQ(Ns("1.0000000001m"), 60000000006);
}

TEST(ParseDuration, AFractionOfANanosecondIsAnError) {
  EXPECT_EQ(DurationError("1.5ns"), "'1.5ns' is not a whole number of nanoseconds");
  EXPECT_EQ(DurationError("0.0000000001s"), "'0.0000000001s' is not a whole number of nanoseconds");
  EXPECT_EQ(DurationError("0.0001us"), "'0.0001us' is not a whole number of nanoseconds");
  EXPECT_EQ(DurationError("0.0000000000000000000000001s"),
            "'0.0000000000000000000000001s' is not a whole number of nanoseconds");
}

TEST(ParseDuration, ANumberWithoutAUnitIsAnError) {
  EXPECT_EQ(DurationError("10"), "'10' has no unit (write 10ms, 10us, ...)");
  EXPECT_EQ(DurationError("0"), "'0' has no unit (write 0ms, 0us, ...)");
  EXPECT_EQ(DurationError("1.5"), "'1.5' has no unit (write 1.5ms, 1.5us, ...)");
}

TEST(ParseDuration, MalformedTextSaysWhatADurationLooksLike) {
  const std::string hint = " is not a duration (write a number and a unit: 100ms, 1.5us, 2s)";
  EXPECT_EQ(DurationError(""), "empty duration (write a number and a unit: 100ms, 1.5us, 2s)");
  EXPECT_EQ(DurationError("ms"), "'ms'" + hint);
  EXPECT_EQ(DurationError("10 ms"), "'10 ms'" + hint);
  EXPECT_EQ(DurationError(" 10ms"), "' 10ms'" + hint);
  EXPECT_EQ(DurationError("+5ms"), "'+5ms'" + hint);
  EXPECT_EQ(DurationError(".5ms"), "'.5ms'" + hint);
  EXPECT_EQ(DurationError("5.ms"), "'5.ms'" + hint);
  EXPECT_EQ(DurationError("1e3ms"), "'1e3ms'" + hint);
  EXPECT_EQ(DurationError("1ms2"), "'1ms2'" + hint);
  EXPECT_EQ(DurationError("1m30s"), "'1m30s'" + hint);
  EXPECT_EQ(DurationError("--1ms"), "'--1ms'" + hint);
}

TEST(ParseDuration, AnUnknownUnitIsNamed) {
  EXPECT_EQ(DurationError("10sec"),
            "'10sec' has an unknown unit 'sec' (use ns, us, ms, s, m or h)");
  EXPECT_EQ(DurationError("10MS"), "'10MS' has an unknown unit 'MS' (use ns, us, ms, s, m or h)");
  EXPECT_EQ(DurationError("1d"), "'1d' has an unknown unit 'd' (use ns, us, ms, s, m or h)");
}

TEST(ParseDuration, NegativeValuesParseForTheCallerToJudge) {
  EXPECT_EQ(Ns("-5ms"), -5000000);
  EXPECT_EQ(Ns("-0ns"), 0);
}

TEST(ParseDuration, TheInt64RangeIsTheLimit) {
  EXPECT_EQ(Ns("9223372036854775807ns"), INT64_MAX);
  EXPECT_EQ(Ns("9223372036.854775807s"), INT64_MAX);
  EXPECT_EQ(Ns("-9223372036.854775807s"), -INT64_MAX);
  const std::string too_long = " is too long (the longest duration is 9223372036.854775807s)";
  EXPECT_EQ(DurationError("9223372036854775808ns"), "'9223372036854775808ns'" + too_long);
  EXPECT_EQ(DurationError("9223372036.854775808s"), "'9223372036.854775808s'" + too_long);
  EXPECT_EQ(DurationError("2562048h"), "'2562048h'" + too_long);
  EXPECT_EQ(DurationError("99999999999999999999999999999999999999999999999999s"),
            "'99999999999999999999999999999999999999999999999999s'" + too_long);
}

TEST(ParseDuration, LongInputIsQuotedShortAndOnOneLine) {
  const std::string text = std::string(100, '9') + "\nms";
  const std::string error = DurationError(text);
  EXPECT_EQ(error.find('\n'), std::string::npos);
  EXPECT_EQ(error, "'" + std::string(64, '9') +
                       "...' is not a duration (write a number and a "
                       "unit: 100ms, 1.5us, 2s)");
}

int64_t Bits(absl::string_view text) {
  absl::StatusOr<int64_t> r = ParseRateBitsPerSecond(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status();
  return r.ok() ? *r : -999;
}

std::string RateError(absl::string_view text) {
  absl::StatusOr<int64_t> r = ParseRateBitsPerSecond(text);
  EXPECT_FALSE(r.ok()) << text << " parsed as " << *r;
  return std::string(r.status().message());
}

TEST(ParseRate, BitsAndBytesWithDecimalPrefixes) {
  EXPECT_EQ(Bits("64kbit"), 64000);
  EXPECT_EQ(Bits("10Mbit"), 10000000);
  EXPECT_EQ(Bits("1Gbit"), 1000000000);
  EXPECT_EQ(Bits("1Tbit"), 1000000000000);
  EXPECT_EQ(Bits("8bit"), 8);
  EXPECT_EQ(Bits("1byte"), 8);
  EXPECT_EQ(Bits("100kbyte"), 800000);
  EXPECT_EQ(Bits("1.5Mbyte/s"), 12000000);
  EXPECT_EQ(Bits("2.5Gbit/s"), 2500000000);
}

TEST(ParseRate, UnitsIgnoreCase) {
  EXPECT_EQ(Bits("10mbit"), 10000000);
  EXPECT_EQ(Bits("10MBIT"), 10000000);
  EXPECT_EQ(Bits("1KByte"), 8000);
}

TEST(ParseRate, ErrorsSayWhatIsWrong) {
  EXPECT_EQ(RateError("1000000"), "'1000000' has no unit (write 1000000Mbit, 1000000kbyte, ...)");
  EXPECT_EQ(RateError("-5Mbit"), "'-5Mbit' is negative");
  EXPECT_EQ(RateError("0.5bit"), "'0.5bit' is not a whole number of bits per second");
  EXPECT_EQ(RateError("1bps"),
            "'1bps' has an unknown unit 'bps' (use bit, kbit, Mbit, Gbit, Tbit, byte, kbyte, "
            "Mbyte, Gbyte or Tbyte)");
  EXPECT_EQ(RateError("fast"),
            "'fast' is not a rate (write a number and a unit: 10Mbit, 1Gbit, 100kbyte)");
  EXPECT_EQ(RateError("10 Mbit"),
            "'10 Mbit' is not a rate (write a number and a unit: 10Mbit, 1Gbit, 100kbyte)");
  EXPECT_EQ(RateError("99999999Tbyte"), "'99999999Tbyte' is too large");
  EXPECT_EQ(RateError(""), "empty rate (write a number and a unit: 10Mbit, 1Gbit, 100kbyte)");
}

TEST(ParseIp, AddressesAndCanonicalText) {
  absl::StatusOr<IpAddress> v4 = ParseIpAddress("10.0.0.1");
  ASSERT_TRUE(v4.ok());
  EXPECT_TRUE(v4->is_v4());
  EXPECT_EQ(v4->ToString(), "10.0.0.1");
  absl::StatusOr<IpAddress> v6 = ParseIpAddress("FE80:0:0:0::0001");
  ASSERT_TRUE(v6.ok());
  EXPECT_FALSE(v6->is_v4());
  EXPECT_EQ(v6->ToString(), "fe80::1");
  EXPECT_EQ(*ParseIpAddress("fe80::1"), *v6);
}

TEST(ParseIp, MalformedAddressesAreErrors) {
  for (const char* bad :
       {"10.0.0", "10.0.0.256", "010.0.0.1", "10.0.0.1 ", "fe80::1%eth0", "fe80:::1", "host", ""}) {
    EXPECT_FALSE(ParseIpAddress(bad).ok()) << bad;
  }
  EXPECT_EQ(ParseIpAddress(absl::string_view("10.0.0.1\0", 9)).status().message(),
            "'10.0.0.1\\x00' is not an IPv4 or IPv6 address");
  EXPECT_EQ(ParseIpAddress("10.0.0.1/24").status().message(),
            "'10.0.0.1/24' is not an address (write it without a prefix length)");
}

TEST(ParseIp, PrefixesNeedALengthInRange) {
  absl::StatusOr<IpPrefix> p = ParseIpPrefix("10.0.0.1/24");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->length, 24);
  EXPECT_EQ(p->ToString(), "10.0.0.1/24");
  EXPECT_EQ(p->Network().ToString(), "10.0.0.0");
  EXPECT_EQ(p->LastAddress().ToString(), "10.0.0.255");
  EXPECT_TRUE(p->HasHostBits());
  EXPECT_TRUE(p->Contains(*ParseIpAddress("10.0.0.200")));
  EXPECT_FALSE(p->Contains(*ParseIpAddress("10.0.1.1")));
  EXPECT_FALSE(p->Contains(*ParseIpAddress("::a00:1")));
  EXPECT_TRUE(ParseIpPrefix("::/0").ok());
  EXPECT_TRUE(ParseIpPrefix("0.0.0.0/0")->Contains(*ParseIpAddress("1.2.3.4")));
  EXPECT_EQ(ParseIpPrefix("fe80::1/64")->Network().ToString(), "fe80::");
  EXPECT_EQ(ParseIpPrefix("fe80::1/128")->HasHostBits(), false);

  EXPECT_EQ(ParseIpPrefix("10.0.0.1").status().message(),
            "'10.0.0.1' has no prefix length (write 10.0.0.1/24, ...)");
  EXPECT_EQ(ParseIpPrefix("fe80::1").status().message(),
            "'fe80::1' has no prefix length (write fe80::1/64, ...)");
  EXPECT_EQ(ParseIpPrefix("10.0.0.1/33").status().message(),
            "'10.0.0.1/33': prefix length 33 is out of range [0, 32]");
  EXPECT_EQ(ParseIpPrefix("fe80::1/129").status().message(),
            "'fe80::1/129': prefix length 129 is out of range [0, 128]");
  EXPECT_EQ(ParseIpPrefix("10.0.0.1/024").status().message(),
            "'10.0.0.1/024': the prefix length '024' is not a number");
  EXPECT_EQ(ParseIpPrefix("10.0.0.1/-1").status().message(),
            "'10.0.0.1/-1': the prefix length '-1' is not a number");
  EXPECT_EQ(ParseIpPrefix("10.0.0.1/").status().message(),
            "'10.0.0.1/': the prefix length '' is not a number");
  EXPECT_EQ(ParseIpPrefix("server/24").status().message(),
            "'server/24' is not an address with a prefix length (write 10.0.0.1/24, fe80::1/64)");
}

}  // namespace
}  // namespace ws2sim::scenarios
