#include "scenarios/units.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <cstring>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace ws2sim::scenarios {
namespace {

using u128 = unsigned __int128;

constexpr uint64_t kInt64Max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

// A decimal number as written: integer digits, fraction digits (trailing zeros removed), and
// the rest of the text (the unit).
struct Decimal {
  bool negative = false;
  u128 integer = 0;  // saturates at kSaturated
  bool integer_huge = false;
  uint64_t fraction = 0;           // the fraction digits as an integer, trailing zeros removed
  int fraction_digits = 0;         // how many digits `fraction` has after the point
  bool fraction_too_fine = false;  // more than 18 significant fraction digits
  absl::string_view unit;
};

enum class DecimalError { kNone, kNotANumber, kSign };

// Parses "[-]DIGITS[.DIGITS]" from the front of `text`; the rest is the unit.
DecimalError ParseDecimal(absl::string_view text, bool allow_sign, Decimal& out) {
  size_t i = 0;
  if (i < text.size() && text[i] == '-') {
    if (!allow_sign) return DecimalError::kSign;
    out.negative = true;
    ++i;
  }
  const size_t digits_start = i;
  while (i < text.size() && absl::ascii_isdigit(text[i])) {
    if (out.integer > (u128{1} << 100)) {
      out.integer_huge = true;
    } else {
      out.integer = out.integer * 10 + (text[i] - '0');
    }
    ++i;
  }
  if (i == digits_start) return DecimalError::kNotANumber;
  if (i < text.size() && text[i] == '.') {
    ++i;
    const size_t frac_start = i;
    while (i < text.size() && absl::ascii_isdigit(text[i])) ++i;
    if (i == frac_start) return DecimalError::kNotANumber;
    absl::string_view frac = text.substr(frac_start, i - frac_start);
    while (!frac.empty() && frac.back() == '0') frac.remove_suffix(1);
    if (frac.size() > 18) {
      out.fraction_too_fine = true;
    } else {
      for (char c : frac) out.fraction = out.fraction * 10 + (c - '0');
      out.fraction_digits = static_cast<int>(frac.size());
    }
  }
  out.unit = text.substr(i);
  return DecimalError::kNone;
}

uint64_t Pow10(int n) {
  uint64_t p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

enum class ScaleResult { kOk, kNotWhole, kTooLarge };

// value * scale, exactly, as a magnitude that fits int64.
ScaleResult Scale(const Decimal& d, uint64_t scale, uint64_t& out) {
  if (d.fraction_too_fine) return ScaleResult::kNotWhole;
  const u128 frac_scaled = u128{d.fraction} * scale;  // < 1e18 * 1e13: fits
  const u128 denominator = Pow10(d.fraction_digits);
  if (frac_scaled % denominator != 0) return ScaleResult::kNotWhole;
  if (d.integer_huge) return ScaleResult::kTooLarge;
  // integer < 2^104, scale < 2^44: the product may overflow u128 only above 2^128; check first.
  if (d.integer != 0 && d.integer > (u128{kInt64Max} + 1) / scale + 1)
    return ScaleResult::kTooLarge;
  const u128 total = d.integer * scale + frac_scaled / denominator;
  if (total > kInt64Max) return ScaleResult::kTooLarge;
  out = static_cast<uint64_t>(total);
  return ScaleResult::kOk;
}

bool AllUnitChars(absl::string_view unit) {
  if (unit == "\xC2\xB5s") return true;  // µs
  for (char c : unit) {
    if (!absl::ascii_isalpha(c) && c != '/') return false;
  }
  return true;
}

}  // namespace

std::string Quote(absl::string_view text) {
  constexpr size_t kMax = 64;
  const bool cut = text.size() > kMax;
  return absl::StrCat("'", absl::CHexEscape(text.substr(0, kMax)), cut ? "..." : "", "'");
}

absl::StatusOr<sim::Duration> ParseDuration(absl::string_view text) {
  constexpr char kHint[] = " (write a number and a unit: 100ms, 1.5us, 2s)";
  if (text.empty()) return absl::InvalidArgumentError(absl::StrCat("empty duration", kHint));
  Decimal d;
  if (ParseDecimal(text, /*allow_sign=*/true, d) != DecimalError::kNone || !AllUnitChars(d.unit) ||
      absl::StrContains(d.unit, '/')) {
    return absl::InvalidArgumentError(absl::StrCat(Quote(text), " is not a duration", kHint));
  }
  if (d.unit.empty()) {
    const absl::string_view number = text.size() <= 24 ? text : "10";
    return absl::InvalidArgumentError(
        absl::StrCat(Quote(text), " has no unit (write ", number, "ms, ", number, "us, ...)"));
  }
  static constexpr struct {
    const char* name;
    uint64_t scale;
  } kUnits[] = {{"ns", 1},
                {"us", 1000},
                {"\xC2\xB5s", 1000},
                {"ms", 1000000},
                {"s", 1000000000},
                {"m", 60ULL * 1000000000},
                {"h", 3600ULL * 1000000000}};
  uint64_t scale = 0;
  for (const auto& u : kUnits) {
    if (d.unit == u.name) scale = u.scale;
  }
  if (scale == 0) {
    return absl::InvalidArgumentError(absl::StrCat(Quote(text), " has an unknown unit ",
                                                   Quote(d.unit), " (use ns, us, ms, s, m or h)"));
  }
  uint64_t ns = 0;
  switch (Scale(d, scale, ns)) {
    case ScaleResult::kNotWhole:
      return absl::InvalidArgumentError(
          absl::StrCat(Quote(text), " is not a whole number of nanoseconds"));
    case ScaleResult::kTooLarge:
      return absl::InvalidArgumentError(absl::StrCat(Quote(text),
                                                     " is too long (the longest duration is ",
                                                     sim::Duration::Max().ToString(), ")"));
    case ScaleResult::kOk:
      break;
  }
  const int64_t value = static_cast<int64_t>(ns);
  return sim::Duration::Nanoseconds(d.negative ? -value : value);
}

absl::StatusOr<int64_t> ParseRateBitsPerSecond(absl::string_view text) {
  constexpr char kHint[] = " (write a number and a unit: 10Mbit, 1Gbit, 100kbyte)";
  if (text.empty()) return absl::InvalidArgumentError(absl::StrCat("empty rate", kHint));
  Decimal d;
  switch (ParseDecimal(text, /*allow_sign=*/false, d)) {
    case DecimalError::kSign:
      return absl::InvalidArgumentError(absl::StrCat(Quote(text), " is negative"));
    case DecimalError::kNotANumber:
      return absl::InvalidArgumentError(absl::StrCat(Quote(text), " is not a rate", kHint));
    case DecimalError::kNone:
      break;
  }
  if (!AllUnitChars(d.unit)) {
    return absl::InvalidArgumentError(absl::StrCat(Quote(text), " is not a rate", kHint));
  }
  if (d.unit.empty()) {
    const absl::string_view number = text.size() <= 24 ? text : "10";
    return absl::InvalidArgumentError(
        absl::StrCat(Quote(text), " has no unit (write ", number, "Mbit, ", number, "kbyte, ...)"));
  }
  std::string unit = absl::AsciiStrToLower(d.unit);
  if (absl::EndsWith(unit, "/s")) unit.resize(unit.size() - 2);
  static constexpr struct {
    const char* name;
    uint64_t scale;
  } kUnits[] = {{"bit", 1},
                {"kbit", 1000},
                {"mbit", 1000000},
                {"gbit", 1000000000},
                {"tbit", 1000000000000},
                {"byte", 8},
                {"kbyte", 8000},
                {"mbyte", 8000000},
                {"gbyte", 8000000000},
                {"tbyte", 8000000000000}};
  uint64_t scale = 0;
  for (const auto& u : kUnits) {
    if (unit == u.name) scale = u.scale;
  }
  if (scale == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(Quote(text), " has an unknown unit ", Quote(d.unit),
                     " (use bit, kbit, Mbit, Gbit, Tbit, byte, kbyte, Mbyte, Gbyte or Tbyte)"));
  }
  uint64_t bits = 0;
  switch (Scale(d, scale, bits)) {
    case ScaleResult::kNotWhole:
      return absl::InvalidArgumentError(
          absl::StrCat(Quote(text), " is not a whole number of bits per second"));
    case ScaleResult::kTooLarge:
      return absl::InvalidArgumentError(absl::StrCat(Quote(text), " is too large"));
    case ScaleResult::kOk:
      break;
  }
  return static_cast<int64_t>(bits);
}

std::string IpAddress::ToString() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(is_v4() ? AF_INET : AF_INET6, bytes.data(), buf, sizeof(buf));
  return buf;
}

IpAddress IpPrefix::Network() const {
  IpAddress n = address;
  for (int bit = length; bit < address.bits(); ++bit) {
    n.bytes[bit / 8] &= static_cast<uint8_t>(~(0x80u >> (bit % 8)));
  }
  return n;
}

IpAddress IpPrefix::LastAddress() const {
  IpAddress n = address;
  for (int bit = length; bit < address.bits(); ++bit) {
    n.bytes[bit / 8] |= static_cast<uint8_t>(0x80u >> (bit % 8));
  }
  return n;
}

bool IpPrefix::Contains(const IpAddress& a) const {
  if (a.family != address.family) return false;
  IpPrefix other{a, length};
  return other.Network() == Network();
}

std::string IpPrefix::ToString() const { return absl::StrCat(address.ToString(), "/", length); }

absl::StatusOr<IpAddress> ParseIpAddress(absl::string_view text) {
  IpAddress a;
  // inet_pton needs a NUL-terminated string; an embedded NUL must not cut the text short.
  const std::string s(text);
  if (s.size() <= INET6_ADDRSTRLEN && std::strlen(s.c_str()) == s.size()) {
    if (s.find(':') == std::string::npos) {
      if (inet_pton(AF_INET, s.c_str(), a.bytes.data()) == 1) {
        a.family = IpAddress::Family::kV4;
        return a;
      }
    } else if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) == 1) {
      a.family = IpAddress::Family::kV6;
      return a;
    }
  }
  if (absl::StrContains(text, '/')) {
    return absl::InvalidArgumentError(
        absl::StrCat(Quote(text), " is not an address (write it without a prefix length)"));
  }
  return absl::InvalidArgumentError(absl::StrCat(Quote(text), " is not an IPv4 or IPv6 address"));
}

absl::StatusOr<IpPrefix> ParseIpPrefix(absl::string_view text) {
  const size_t slash = text.find('/');
  if (slash == absl::string_view::npos) {
    if (absl::StatusOr<IpAddress> a = ParseIpAddress(text); a.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(Quote(text), " has no prefix length (write ",
                                                     text, a->is_v4() ? "/24" : "/64", ", ...)"));
    }
    return absl::InvalidArgumentError(absl::StrCat(
        Quote(text), " is not an address with a prefix length (write 10.0.0.1/24, fe80::1/64)"));
  }
  absl::StatusOr<IpAddress> address = ParseIpAddress(text.substr(0, slash));
  if (!address.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        Quote(text), " is not an address with a prefix length (write 10.0.0.1/24, fe80::1/64)"));
  }
  const absl::string_view len = text.substr(slash + 1);
  bool digits = !len.empty() && len.size() <= 3 && !(len.size() > 1 && len[0] == '0');
  int length = 0;
  for (char c : len) {
    if (!absl::ascii_isdigit(c)) digits = false;
    if (digits) length = length * 10 + (c - '0');
  }
  if (!digits) {
    return absl::InvalidArgumentError(
        absl::StrCat(Quote(text), ": the prefix length ", Quote(len), " is not a number"));
  }
  if (length > address->bits()) {
    return absl::InvalidArgumentError(absl::StrCat(Quote(text), ": prefix length ", length,
                                                   " is out of range [0, ", address->bits(), "]"));
  }
  return IpPrefix{*address, length};
}

}  // namespace ws2sim::scenarios
