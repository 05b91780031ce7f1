// IPv4 and IPv6 addresses and prefixes of the virtual network (sim/net).
//
// IpAddress is a value: a family (IPv4 or IPv6) and 4 or 16 bytes in network byte order. It
// parses and prints the standard text forms:
//  - IPv4: dotted quad "a.b.c.d", each part a decimal 0..255 without leading zeros ("010" is
//    rejected, as inet_pton does);
//  - IPv6: RFC 4291 section 2.2 (hex groups, one "::", a trailing dotted quad), printed as
//    RFC 5952 recommends (lower case, no leading zeros, the longest run of two or more zero groups
//    as "::", the first such run on a tie, IPv4-mapped addresses as "::ffff:a.b.c.d").
// Zone ids ("fe80::1%eth0") are not supported.
//
// Order: every IPv4 address sorts before every IPv6 address; within a family, by bytes.
//
// Prefix is an address with a prefix length ("10.0.0.1/24"): it names an interface address and the
// network it is on, or a route's destination. The address keeps its host bits as given;
// network() clears them.
#ifndef WS2SIM_SIM_NET_ADDRESS_H_
#define WS2SIM_SIM_NET_ADDRESS_H_

#include <array>
#include <bit>
#include <compare>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace ws2sim::sim::net {

enum class Family : uint8_t { kIpv4 = 4, kIpv6 = 6 };

// "IPv4" or "IPv6".
absl::string_view FamilyName(Family family);

class IpAddress {
 public:
  // 0.0.0.0.
  constexpr IpAddress() = default;

  // From a host-order 32-bit value: V4(0x0a000001) is 10.0.0.1.
  static IpAddress V4(uint32_t host_order) {
    IpAddress a;
    a.family_ = Family::kIpv4;
    a.bytes_[0] = static_cast<uint8_t>(host_order >> 24);
    a.bytes_[1] = static_cast<uint8_t>(host_order >> 16);
    a.bytes_[2] = static_cast<uint8_t>(host_order >> 8);
    a.bytes_[3] = static_cast<uint8_t>(host_order);
    return a;
  }
  static IpAddress V4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
    return V4(uint32_t{a} << 24 | uint32_t{b} << 16 | uint32_t{c} << 8 | d);
  }
  // From 16 bytes in network order.
  static IpAddress V6(const std::array<uint8_t, 16>& bytes);
  // From 4 (IPv4) or 16 (IPv6) bytes in network order; any other size is an error.
  static absl::StatusOr<IpAddress> FromBytes(absl::Span<const uint8_t> bytes);
  // IPv4 or IPv6 text (see the file comment). InvalidArgumentError quotes the text:
  //   "not an IP address: \"10.0.0.256\""
  static absl::StatusOr<IpAddress> Parse(absl::string_view text);

  // Well-known addresses.
  static IpAddress Any(Family family);       // 0.0.0.0 or ::
  static IpAddress Loopback(Family family);  // 127.0.0.1 or ::1
  static IpAddress LimitedBroadcast() { return V4(0xffffffffu); }  // 255.255.255.255

  Family family() const { return family_; }
  bool is_v4() const { return family_ == Family::kIpv4; }
  bool is_v6() const { return family_ == Family::kIpv6; }
  // The IPv4 address as a host-order value; 0 for IPv6.
  uint32_t v4() const;
  // 4 or 16 bytes in network order.
  absl::Span<const uint8_t> bytes() const {
    return absl::MakeConstSpan(bytes_.data(), is_v4() ? 4 : 16);
  }

  bool IsUnspecified() const;       // 0.0.0.0 or ::
  bool IsLoopback() const;          // 127.0.0.0/8 or ::1
  bool IsLimitedBroadcast() const;  // 255.255.255.255
  bool IsMulticast() const;         // 224.0.0.0/4 or ff00::/8

  std::string ToString() const;

  // Inline: packets are routed and demultiplexed by address (the 16 bytes compare as two words;
  // the order is the bytes' lexicographic order, as memcmp gives).
  friend bool operator==(const IpAddress& a, const IpAddress& b) {
    return a.family_ == b.family_ && a.Word(0) == b.Word(0) && a.Word(1) == b.Word(1);
  }
  friend std::strong_ordering operator<=>(const IpAddress& a, const IpAddress& b) {
    if (a.family_ != b.family_) return a.family_ <=> b.family_;
    if (a.Word(0) != b.Word(0)) return a.Word(0) <=> b.Word(0);
    return a.Word(1) <=> b.Word(1);
  }

  template <typename H>
  friend H AbslHashValue(H h, const IpAddress& a) {
    return H::combine(std::move(h), a.family_, a.bytes_);
  }

 private:
  // Bytes [8i, 8i + 8) as a big-endian value (so words order as the bytes do).
  uint64_t Word(int i) const {
    uint64_t w;
    std::memcpy(&w, bytes_.data() + 8 * i, 8);
    if constexpr (std::endian::native == std::endian::little) w = __builtin_bswap64(w);
    return w;
  }

  Family family_ = Family::kIpv4;
  std::array<uint8_t, 16> bytes_{};  // IPv4 uses the first 4; the rest stay 0
};

class Prefix {
 public:
  // 0.0.0.0/0.
  Prefix() = default;
  // `length` must be 0..32 (IPv4) or 0..128 (IPv6):
  //   "prefix length 33 is out of range for IPv4 (0..32)"
  static absl::StatusOr<Prefix> Make(const IpAddress& address, int length);
  // "10.0.0.1/24", "2001:db8::/32"; an address without "/N" is a host prefix (/32 or /128).
  // InvalidArgumentError quotes the text and says what is wrong.
  static absl::StatusOr<Prefix> Parse(absl::string_view text);

  const IpAddress& address() const { return address_; }
  int length() const { return length_; }
  Family family() const { return address_.family(); }
  // The address with the host bits cleared.
  IpAddress network() const;
  // True if `a` has this prefix's family and its first length() bits equal the address's.
  bool Contains(const IpAddress& a) const;
  // IPv4 only: the subnet-directed broadcast address (all host bits set). Prefixes of length 31
  // and 32 have none (RFC 3021): returns 255.255.255.255 then, which no interface owns.
  IpAddress Broadcast() const;
  // True if the address has no host bits set.
  bool IsNetwork() const { return address_ == network(); }

  // "10.0.0.1/24".
  std::string ToString() const;

  friend bool operator==(const Prefix& a, const Prefix& b) = default;
  friend auto operator<=>(const Prefix& a, const Prefix& b) = default;

 private:
  IpAddress address_;
  int length_ = 0;
};

}  // namespace ws2sim::sim::net

#endif  // WS2SIM_SIM_NET_ADDRESS_H_
