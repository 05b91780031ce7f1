#include "providers/tcpip/byte_ring.h"

#include <algorithm>
#include <cstring>

namespace ws2sim::providers::tcpip {

void ByteRing::Reserve(size_t capacity) {
  if (capacity <= buf_.size()) return;
  size_t cap = buf_.empty() ? 256 : buf_.size();
  while (cap < capacity) cap *= 2;
  std::vector<uint8_t> next(cap);
  CopyOut(0, absl::MakeSpan(next.data(), size_));
  buf_.swap(next);
  head_ = 0;
}

void ByteRing::Append(absl::Span<const uint8_t> bytes) {
  if (bytes.empty()) return;
  Reserve(size_ + bytes.size());
  const size_t mask = buf_.size() - 1;
  const size_t tail = (head_ + size_) & mask;
  const size_t first = std::min(bytes.size(), buf_.size() - tail);
  std::memcpy(buf_.data() + tail, bytes.data(), first);
  if (first < bytes.size()) std::memcpy(buf_.data(), bytes.data() + first, bytes.size() - first);
  size_ += bytes.size();
}

void ByteRing::CopyOut(size_t offset, absl::Span<uint8_t> dst) const {
  if (dst.empty()) return;
  const size_t mask = buf_.size() - 1;
  const size_t start = (head_ + offset) & mask;
  const size_t first = std::min(dst.size(), buf_.size() - start);
  std::memcpy(dst.data(), buf_.data() + start, first);
  if (first < dst.size()) std::memcpy(dst.data() + first, buf_.data(), dst.size() - first);
}

void ByteRing::Consume(size_t n) {
  n = std::min(n, size_);
  size_ -= n;
  head_ = size_ == 0 ? 0 : (head_ + n) & (buf_.size() - 1);
}

void ByteRing::InsertAt(size_t offset, uint8_t byte) {
  offset = std::min(offset, size_);
  std::vector<uint8_t> tail(size_ - offset);
  CopyOut(offset, absl::MakeSpan(tail));
  size_ = offset;
  const uint8_t b[1] = {byte};
  Append(b);
  Append(tail);
}

}  // namespace ws2sim::providers::tcpip
