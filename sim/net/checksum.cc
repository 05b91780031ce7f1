#include "sim/net/checksum.h"

namespace ws2sim::sim::net {

void ChecksumAccumulator::Add(absl::Span<const uint8_t> bytes) {
  size_t i = 0;
  if (odd_ && !bytes.empty()) {
    sum_ += bytes[0];  // the low byte of the word begun by the previous piece
    i = 1;
    odd_ = false;
  }
  uint64_t sum = sum_;
  for (; i + 1 < bytes.size(); i += 2) sum += uint32_t{bytes[i]} << 8 | bytes[i + 1];
  if (i < bytes.size()) {
    sum += uint32_t{bytes[i]} << 8;
    odd_ = true;
  }
  sum_ = sum;
}

void ChecksumAccumulator::AddU16(uint16_t value) { sum_ += value; }

uint16_t ChecksumAccumulator::Checksum() const {
  uint64_t sum = sum_;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

uint16_t InternetChecksum(absl::Span<const uint8_t> bytes) {
  ChecksumAccumulator c;
  c.Add(bytes);
  return c.Checksum();
}

uint16_t TransportChecksum(const IpAddress& src, const IpAddress& dst, uint8_t protocol,
                           absl::Span<const uint8_t> segment) {
  ChecksumAccumulator c;
  c.Add(src.bytes());
  c.Add(dst.bytes());
  // IPv4 (RFC 793/768): zero, protocol, 16-bit length. IPv6 (RFC 8200): 32-bit length, three
  // zero bytes, next header. Both sum to the same words for lengths below 65536.
  const uint32_t length = static_cast<uint32_t>(segment.size());
  c.AddU16(static_cast<uint16_t>(length >> 16));
  c.AddU16(static_cast<uint16_t>(length));
  c.AddU16(protocol);
  c.Add(segment);
  return c.Checksum();
}

}  // namespace ws2sim::sim::net
