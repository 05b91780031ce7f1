// Internal to sim/net: the state hosts and link directions share (the scheduler, the trace,
// packet ids, interned flow strings). Owned by Network; not part of the public API.
#ifndef WS2SIM_SIM_NET_CONTEXT_H_
#define WS2SIM_SIM_NET_CONTEXT_H_

#include <cstdint>

#include "absl/container/flat_hash_map.h"
#include "sim/net/address.h"
#include "sim/net/packet.h"
#include "sim/scheduler.h"
#include "sim/trace/recorder.h"

namespace ws2sim::sim::net {

// The fields of a packet's first trace record.
struct PacketSummary {
  trace::StringId flow = 0;
  uint32_t length = 0;
  uint32_t tcp_flags = 0;
  uint32_t seq = 0;
  uint32_t ack = 0;
  uint32_t fragment = 0;
};

class NetContext {
 public:
  explicit NetContext(Scheduler& scheduler)
      : scheduler_(scheduler), recorder_(scheduler.recorder()) {}

  Scheduler& scheduler() const { return scheduler_; }
  VirtualTime Now() const { return scheduler_.Now(); }
  uint64_t seed() const { return scheduler_.seed(); }
  bool tracing() const { return recorder_ != nullptr; }

  uint64_t NewPacketId() { return next_packet_id_++; }

  // The summary of `parsed` (flow interned when tracing; `flow` overrides when non-zero).
  PacketSummary Summarize(const ParsedPacket& parsed, trace::StringId flow = 0);
  // The interned flow string of `parsed`; 0 when not tracing.
  trace::StringId Flow(const ParsedPacket& parsed);

  // One Packet record at Now(); `summary` only for an id's first record.
  void Record(LaneId lane, trace::pb::PacketEvent event, uint64_t id,
              trace::pb::DropReason reason = trace::pb::DROP_UNSPECIFIED, uint64_t detail = 0,
              const PacketSummary* summary = nullptr);

 private:
  struct FlowKey {
    IpAddress src;
    IpAddress dst;
    uint8_t protocol = 0;
    bool ports = false;
    uint16_t src_port = 0;
    uint16_t dst_port = 0;
    friend bool operator==(const FlowKey&, const FlowKey&) = default;
    template <typename H>
    friend H AbslHashValue(H h, const FlowKey& k) {
      return H::combine(std::move(h), k.src, k.dst, k.protocol, k.ports, k.src_port, k.dst_port);
    }
  };

  Scheduler& scheduler_;
  trace::Recorder* recorder_;
  uint64_t next_packet_id_ = 1;
  // Looked up only, never iterated: interning order is the order of first use.
  absl::flat_hash_map<FlowKey, trace::StringId> flows_;
};

}  // namespace ws2sim::sim::net

#endif  // WS2SIM_SIM_NET_CONTEXT_H_
