// Traffic counters of link directions and hosts (sim/net), for run summaries and tests.
// Counting never allocates; every counter only grows.
#ifndef WS2SIM_SIM_NET_COUNTERS_H_
#define WS2SIM_SIM_NET_COUNTERS_H_

#include <array>
#include <cstdint>

#include "sim/trace/trace.pb.h"

namespace ws2sim::sim::net {

using DropReason = trace::pb::DropReason;

struct TrafficCounters {
  uint64_t packets = 0;
  uint64_t bytes = 0;  // IP datagram bytes, headers included

  void Add(uint64_t packet_bytes) {
    ++packets;
    bytes += packet_bytes;
  }
};

// Drops by reason (trace::pb::DropReason), and their total.
class DropCounters {
 public:
  void Add(trace::pb::DropReason reason, uint64_t packet_bytes) {
    by_reason_[Index(reason)].Add(packet_bytes);
    total_.Add(packet_bytes);
  }
  const TrafficCounters& operator[](trace::pb::DropReason reason) const {
    return by_reason_[Index(reason)];
  }
  const TrafficCounters& total() const { return total_; }

 private:
  static size_t Index(trace::pb::DropReason reason) {
    const auto i = static_cast<size_t>(reason);
    return i < kReasons ? i : 0;
  }
  static constexpr size_t kReasons = trace::pb::DropReason_ARRAYSIZE;
  std::array<TrafficCounters, kReasons> by_reason_{};
  TrafficCounters total_;
};

// One direction of a link (or a host's loopback).
struct LinkCounters {
  TrafficCounters sent;       // packets hosts put on it (link-made copies not included)
  TrafficCounters delivered;  // packets that reached the far end (copies included)
  DropCounters dropped;       // loss, queue_full, mtu, link_down, fault
  uint64_t duplicated = 0;    // copies made (netem duplicate and duplicate faults)
  uint64_t corrupted = 0;     // packets with a flipped bit
  uint64_t reordered = 0;     // packets sent without the delay (netem reorder)
  uint64_t queued = 0;        // packets that had to wait in the queue
};

struct HostCounters {
  TrafficCounters sent;         // datagrams given to Host::Send
  TrafficCounters transmitted;  // packets put on links: fragments, broadcast copies, forwarded
  TrafficCounters received;     // packets that arrived from links
  TrafficCounters delivered;    // datagrams handed to protocol handlers
  TrafficCounters forwarded;    // packets routed on for another host
  uint64_t fragmented = 0;      // datagrams split into fragments
  uint64_t fragments = 0;       // fragments made
  uint64_t reassembled = 0;     // datagrams rebuilt from fragments
  DropCounters dropped;         // no_route, mtu, bad_checksum, malformed, reassembly_timeout, ...
};

}  // namespace ws2sim::sim::net

#endif  // WS2SIM_SIM_NET_COUNTERS_H_
