// The Internet checksum (RFC 1071): the 16-bit ones' complement of the ones' complement sum of
// 16-bit big-endian words, an odd final byte padded with a zero byte.
//
// Used for the IPv4 header checksum (RFC 791) and the TCP and UDP checksums over the
// pseudo-headers of RFC 793 / RFC 768 (IPv4) and RFC 8200 section 8.1 (IPv6). Verifying: the
// checksum of data that includes a correct checksum field is 0 (ChecksumOf returns 0).
#ifndef WS2SIM_SIM_NET_CHECKSUM_H_
#define WS2SIM_SIM_NET_CHECKSUM_H_

#include <cstdint>

#include "absl/types/span.h"
#include "sim/net/address.h"

namespace ws2sim::sim::net {

// Accumulates the ones' complement sum of a byte stream given in pieces; pieces may have odd
// lengths (the byte position carries across pieces).
class ChecksumAccumulator {
 public:
  void Add(absl::Span<const uint8_t> bytes);
  void AddU16(uint16_t value);  // a big-endian 16-bit word at an even position
  // The checksum: ~(folded sum), as a host-order value to be written big-endian.
  uint16_t Checksum() const;

 private:
  uint64_t sum_ = 0;
  bool odd_ = false;  // an odd number of bytes added so far
};

// The checksum of `bytes` alone (the IPv4 header checksum when the field is zero).
uint16_t InternetChecksum(absl::Span<const uint8_t> bytes);

// The TCP/UDP checksum of `segment` (transport header with its checksum field, and payload)
// behind the pseudo-header of `src`, `dst` (same family), `protocol` and the segment length.
// Over a segment whose checksum field holds the right value, returns 0.
uint16_t TransportChecksum(const IpAddress& src, const IpAddress& dst, uint8_t protocol,
                           absl::Span<const uint8_t> segment);

}  // namespace ws2sim::sim::net

#endif  // WS2SIM_SIM_NET_CHECKSUM_H_
