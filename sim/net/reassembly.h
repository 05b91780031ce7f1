// IPv4 reassembly (RFC 791 section 3.2, RFC 815's hole idea in its simplest form): the fragments
// of one datagram share (source, destination, protocol, identification). A datagram is complete
// when the fragment without "more fragments" has arrived and every byte from offset 0 to its end
// is covered. Overlapping bytes: the fragment that arrived first wins. An exact repeat of a
// fragment already held (same offset and length, as a link duplicate makes) is ignored.
// Timeouts are the caller's (Host): it remembers when each datagram started.
#ifndef WS2SIM_SIM_NET_REASSEMBLY_H_
#define WS2SIM_SIM_NET_REASSEMBLY_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/status/statusor.h"
#include "sim/net/address.h"
#include "sim/net/packet.h"

namespace ws2sim::sim::net {

class Reassembler {
 public:
  struct Key {
    IpAddress src;
    IpAddress dst;
    uint8_t protocol = 0;
    uint16_t id = 0;
    friend auto operator<=>(const Key&, const Key&) = default;
  };
  // What Add did with a fragment.
  struct AddResult {
    bool started = false;    // the first fragment of a new datagram (the caller starts its timer)
    bool duplicate = false;  // an exact repeat, ignored
    // Set when the datagram is complete: the rebuilt datagram (not yet checked beyond its IP
    // header), or an error if it would exceed 65535 bytes or its pieces disagree.
    std::optional<absl::StatusOr<Packet>> datagram;
    std::vector<uint64_t> ids;  // with `datagram`: the trace ids of the fragments used
  };
  // The fragments of an expired or abandoned datagram.
  struct Held {
    std::vector<uint64_t> ids;     // in arrival order
    std::vector<uint32_t> bytes;   // the datagram bytes of each
  };

  // `fragment` is a parsed IPv4 fragment (is_fragment()) and `bytes` its whole datagram; `id` is
  // its trace packet id.
  AddResult Add(const ParsedPacket& fragment, absl::Span<const uint8_t> bytes, uint64_t id);
  // Forgets the datagram of `key`, returning what it held (empty if none).
  Held Abandon(const Key& key);
  bool Pending(const Key& key) const { return pending_.contains(key); }
  size_t pending() const { return pending_.size(); }

  static Key KeyOf(const ParsedPacket& fragment) {
    return Key{fragment.ip.src, fragment.ip.dst, fragment.ip.protocol, fragment.ip.id};
  }

 private:
  struct Piece {
    uint32_t offset = 0;
    std::vector<uint8_t> data;
    uint64_t id = 0;
    uint32_t wire_bytes = 0;
  };
  struct Datagram {
    std::vector<Piece> pieces;
    std::vector<uint8_t> first_header;  // the header of the offset-0 fragment, once it arrived
    std::optional<uint32_t> end;        // data bytes, once the last fragment arrived
  };

  absl::btree_map<Key, Datagram> pending_;
};

}  // namespace ws2sim::sim::net

#endif  // WS2SIM_SIM_NET_REASSEMBLY_H_
