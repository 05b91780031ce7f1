#include "sim/net/checksum.h"

#include <bit>
#include <cstring>

namespace ws2sim::sim::net {

namespace {

// Folds a sum of 16-bit words to 16 bits, keeping its value modulo 0xffff and keeping it nonzero
// when it was nonzero (so a fold may stand for the sum in a larger ones' complement sum).
uint64_t Fold(uint64_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return sum;
}

// The ones' complement sum of the 16-bit big-endian words of `p[0..n)` (n even), folded.
// Little-endian hosts add native 64-bit words (with carries, in 128 bits) and swap the folded
// result: 2^16 = 1 modulo 0xffff, so a 64-bit word is congruent to the sum of its four 16-bit
// words; the ones' complement sum is byte-order independent (RFC 1071 section 2(B)), and swapping
// the bytes of a folded sum is exactly the fold of the byte-swapped sum (both are the value times
// 256 modulo 0xffff, zero only for all-zero data), so the result is the one the word loop gives.
uint64_t SumWords(const uint8_t* p, size_t n) {
  if constexpr (std::endian::native == std::endian::little) {
    unsigned __int128 a = 0, b = 0;  // two carry chains
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
      uint64_t w[4];
      std::memcpy(w, p + i, 32);
      a += w[0];
      b += w[1];
      a += w[2];
      b += w[3];
    }
    a += b;
    for (; i + 8 <= n; i += 8) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      a += w;
    }
    const auto lo = static_cast<uint64_t>(a), hi = static_cast<uint64_t>(a >> 64);
    uint64_t sum = (lo & 0xffffffffu) + (lo >> 32) + (hi & 0xffffffffu) + (hi >> 32);
    for (; i + 2 <= n; i += 2) {
      uint16_t w;
      std::memcpy(&w, p + i, 2);
      sum += w;
    }
    const uint64_t folded = Fold(sum);
    return static_cast<uint16_t>(folded << 8 | folded >> 8);
  } else {
    uint64_t sum = 0;
    for (size_t i = 0; i + 1 < n; i += 2) sum += uint32_t{p[i]} << 8 | p[i + 1];
    return sum;
  }
}

}  // namespace

void ChecksumAccumulator::Add(absl::Span<const uint8_t> bytes) {
  size_t i = 0;
  if (odd_ && !bytes.empty()) {
    sum_ += bytes[0];  // the low byte of the word begun by the previous piece
    i = 1;
    odd_ = false;
  }
  const size_t words = (bytes.size() - i) & ~size_t{1};
  sum_ += SumWords(bytes.data() + i, words);
  i += words;
  if (i < bytes.size()) {
    sum_ += uint32_t{bytes[i]} << 8;
    odd_ = true;
  }
}

void ChecksumAccumulator::AddU16(uint16_t value) { sum_ += value; }

uint16_t ChecksumAccumulator::Checksum() const {
  return static_cast<uint16_t>(~Fold(sum_));
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
