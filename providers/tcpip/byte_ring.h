// ByteRing: a FIFO of bytes in a growable ring (power-of-two capacity), for the send and receive
// buffers. Appends copy in, reads copy out; nothing is allocated once the ring has grown to the
// buffer size.
#ifndef WS2SIM_PROVIDERS_TCPIP_BYTE_RING_H_
#define WS2SIM_PROVIDERS_TCPIP_BYTE_RING_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/types/span.h"

namespace ws2sim::providers::tcpip {

class ByteRing {
 public:
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  void Append(absl::Span<const uint8_t> bytes);
  // Copies dst.size() bytes starting `offset` bytes from the front; offset + dst.size() <= size().
  void CopyOut(size_t offset, absl::Span<uint8_t> dst) const;
  // Drops the first n <= size() bytes.
  void Consume(size_t n);
  // Inserts one byte so that it becomes the byte at `offset` (<= size()). O(size()).
  void InsertAt(size_t offset, uint8_t byte);
  uint8_t At(size_t offset) const { return buf_[(head_ + offset) & (buf_.size() - 1)]; }
  void Clear() { head_ = size_ = 0; }

 private:
  void Reserve(size_t capacity);

  std::vector<uint8_t> buf_;  // size is 0 or a power of two
  size_t head_ = 0;
  size_t size_ = 0;
};

}  // namespace ws2sim::providers::tcpip

#endif  // WS2SIM_PROVIDERS_TCPIP_BYTE_RING_H_
