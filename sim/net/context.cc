#include "sim/net/context.h"

namespace ws2sim::sim::net {

trace::StringId NetContext::Flow(const ParsedPacket& parsed) {
  if (recorder_ == nullptr) return 0;
  FlowKey key{parsed.ip.src, parsed.ip.dst, parsed.ip.protocol};
  key.ports = parsed.PortsOf(key.src_port, key.dst_port);
  auto [it, inserted] = flows_.try_emplace(key, 0);
  if (inserted) it->second = recorder_->Intern(FlowString(parsed));
  return it->second;
}

PacketSummary NetContext::Summarize(const ParsedPacket& parsed, trace::StringId flow) {
  PacketSummary s;
  if (recorder_ == nullptr) return s;
  s.flow = flow != 0 ? flow : Flow(parsed);
  s.length = parsed.ip.total_bytes;
  if (parsed.tcp) {
    s.tcp_flags = parsed.tcp->flags;
    s.seq = parsed.tcp->seq;
    s.ack = (parsed.tcp->flags & kTcpAck) != 0 ? parsed.tcp->ack : 0;
  }
  if (parsed.ip.is_fragment()) {
    s.fragment = parsed.ip.fragment_offset_bytes << 1 | (parsed.ip.more_fragments ? 1u : 0u);
  }
  return s;
}

void NetContext::Record(LaneId lane, trace::pb::PacketEvent event, uint64_t id,
                        trace::pb::DropReason reason, uint64_t detail,
                        const PacketSummary* summary) {
  if (recorder_ == nullptr) return;
  trace::PacketFields f;
  f.lane = lane;
  f.event = event;
  f.id = id;
  f.reason = reason;
  f.detail = detail;
  if (summary != nullptr) {
    f.flow = summary->flow;
    f.length = summary->length;
    f.tcp_flags = summary->tcp_flags;
    f.seq = summary->seq;
    f.ack = summary->ack;
    f.fragment = summary->fragment;
  }
  recorder_->Packet(scheduler_.Now(), f);
}

}  // namespace ws2sim::sim::net
