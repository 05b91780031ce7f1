// Parsing of the value strings a scenario writes (scenarios/scenario.proto, "Conventions"):
// durations, rates and IP addresses / prefixes. Every parser is exact (no floating point) and
// returns InvalidArgumentError whose message says what is wrong with the text, quoting it, but
// not where it is: the loader prefixes file:line:column and the field path.
#ifndef WS2SIM_SCENARIOS_UNITS_H_
#define WS2SIM_SCENARIOS_UNITS_H_

#include <array>
#include <compare>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sim/time.h"

namespace ws2sim::scenarios {

// 'text' for an error message: C-escaped (so the message stays on one line) and cut to 64
// characters of the input with "..." after it.
std::string Quote(absl::string_view text);

// "[-]DIGITS[.DIGITS]UNIT" with UNIT one of ns, us, µs, ms, s, m (minute), h, e.g. "100ms",
// "1.5us", "2s", "-3ms". Exactly the value written, in nanoseconds: a fraction of a nanosecond,
// a missing unit, an exponent, spaces, a leading '+' or '.', and a magnitude beyond int64
// nanoseconds are errors. Negative values parse (the caller decides whether they are allowed).
absl::StatusOr<sim::Duration> ParseDuration(absl::string_view text);

// "DIGITS[.DIGITS]UNIT[/s]" with UNIT (case-insensitive) bit, kbit, Mbit, Gbit, Tbit, byte,
// kbyte, Mbyte, Gbyte, Tbyte (decimal prefixes; a byte is 8 bits), e.g. "10Mbit", "1.5Gbit",
// "100kbyte", "64kbit/s". Returns bits per second, exactly; not a whole number of bits per
// second, no unit, a sign, or more than int64 bits per second are errors.
absl::StatusOr<int64_t> ParseRateBitsPerSecond(absl::string_view text);

// An IPv4 or IPv6 address. IPv4 addresses use bytes[0..3]; the rest are zero.
struct IpAddress {
  enum class Family : uint8_t { kV4 = 4, kV6 = 6 };
  Family family = Family::kV4;
  std::array<uint8_t, 16> bytes{};

  int bits() const { return family == Family::kV4 ? 32 : 128; }
  bool is_v4() const { return family == Family::kV4; }
  // The canonical text form: dotted quad, or RFC 5952 for IPv6 ("fe80::1").
  std::string ToString() const;
  auto operator<=>(const IpAddress&) const = default;
};

struct IpPrefix {
  IpAddress address;  // as written, host bits included ("10.0.0.1/24" keeps the .1)
  int length = 0;     // 0..32 or 0..128

  // The address with the host bits cleared ("10.0.0.0" for 10.0.0.1/24).
  IpAddress Network() const;
  // The address with every host bit set (IPv4's directed broadcast address).
  IpAddress LastAddress() const;
  bool HasHostBits() const { return Network() != address; }
  // Same family and the first `length` bits equal.
  bool Contains(const IpAddress& a) const;
  // "10.0.0.1/24": the canonical address and the length.
  std::string ToString() const;
  auto operator<=>(const IpPrefix&) const = default;
};

// An address without a prefix length: "10.0.0.1", "fe80::1". No zone index ("%eth0"), no
// leading zeros in IPv4 octets.
absl::StatusOr<IpAddress> ParseIpAddress(absl::string_view text);
// An address with a prefix length: "10.0.0.1/24", "::/0". The length is required.
absl::StatusOr<IpPrefix> ParseIpPrefix(absl::string_view text);

}  // namespace ws2sim::scenarios

#endif  // WS2SIM_SCENARIOS_UNITS_H_
