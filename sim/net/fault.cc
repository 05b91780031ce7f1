#include "sim/net/fault.h"

#include "absl/strings/str_cat.h"

namespace ws2sim::sim::net {

bool FaultCount::Selects(uint64_t nth) const {
  switch (kind) {
    case Kind::kAll:
      return true;
    case Kind::kNth:
      return nth == a;
    case Kind::kEvery:
      return a != 0 && nth % a == 0;
    case Kind::kRange:
      return nth >= a && (b == 0 || nth <= b);
  }
  return false;
}

bool FaultMatches(const FaultRule& rule, const ParsedPacket& packet) {
  if (rule.protocol && packet.ip.protocol != *rule.protocol) return false;
  if (rule.tcp_flags_set != 0 || rule.tcp_flags_clear != 0) {
    if (packet.ip.protocol != kProtoTcp || packet.ip.fragment_offset_bytes != 0) return false;
    // A first fragment holds the flags too (byte 13 of the TCP header).
    uint8_t flags = 0;
    if (packet.tcp) {
      flags = packet.tcp->flags;
    } else if (packet.ip_payload.size() >= kTcpHeaderBytes) {
      flags = packet.ip_payload[13];
    } else {
      return false;
    }
    if ((flags & rule.tcp_flags_set) != rule.tcp_flags_set) return false;
    if ((flags & rule.tcp_flags_clear) != 0) return false;
  }
  if (rule.src_port || rule.dst_port) {
    uint16_t src = 0, dst = 0;
    if (!packet.PortsOf(src, dst)) return false;
    if (rule.src_port && src != *rule.src_port) return false;
    if (rule.dst_port && dst != *rule.dst_port) return false;
  }
  return true;
}

std::string DescribeFault(const FaultRule& rule, size_t index) {
  static constexpr const char* kActions[] = {"drop", "delay", "duplicate", "corrupt"};
  std::string out = absl::StrCat("fault #", index, " (", kActions[static_cast<int>(rule.action)]);
  if (rule.action == FaultAction::kDelay) absl::StrAppend(&out, " ", rule.delay_ns, "ns");
  switch (rule.count.kind) {
    case FaultCount::Kind::kAll:
      break;
    case FaultCount::Kind::kNth:
      absl::StrAppend(&out, " nth ", rule.count.a);
      break;
    case FaultCount::Kind::kEvery:
      absl::StrAppend(&out, " every ", rule.count.a);
      break;
    case FaultCount::Kind::kRange:
      absl::StrAppend(&out, " from ", rule.count.a, " to ", rule.count.b);
      break;
  }
  if (rule.protocol) absl::StrAppend(&out, " proto ", *rule.protocol);
  if (rule.tcp_flags_set) absl::StrAppend(&out, " flags ", TcpFlagsString(rule.tcp_flags_set));
  if (rule.tcp_flags_clear) {
    absl::StrAppend(&out, " not-flags ", TcpFlagsString(rule.tcp_flags_clear));
  }
  if (rule.src_port) absl::StrAppend(&out, " sport ", *rule.src_port);
  if (rule.dst_port) absl::StrAppend(&out, " dport ", *rule.dst_port);
  if (!rule.from_host.empty() || !rule.to_host.empty()) {
    absl::StrAppend(&out, " ", rule.from_host.empty() ? "*" : rule.from_host, "->",
                    rule.to_host.empty() ? "*" : rule.to_host);
  }
  return out + ")";
}

}  // namespace ws2sim::sim::net
