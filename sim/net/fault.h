// Scripted faults: exact, reproducible misbehaviour of a link, written as C++ structs.
//
// A FaultRule is attached to a link (Network::AddFault). For every packet a host puts on the link,
// before any random draw, each rule in the order added checks whether the packet matches (its
// direction, protocol, TCP flags, ports); a matching packet advances the rule's match counter, and
// when the count selects it (`count`) the rule's action applies. Examples:
//   drop the 3rd TCP segment with SYN+ACK from host a to host b:
//     {.from_host = "a", .to_host = "b", .protocol = kProtoTcp,
//      .tcp_flags_set = kTcpSyn | kTcpAck, .count = FaultCount::Nth(3), .action = FaultAction::kDrop}
//   delay every 10th UDP datagram to port 53 by 200 ms:
//     {.protocol = kProtoUdp, .dst_port = 53, .count = FaultCount::Every(10),
//      .action = FaultAction::kDelay, .delay_ns = 200'000'000}
//   duplicate packets 5 to 7 in either direction: {.count = FaultCount::Range(5, 7),
//      .action = FaultAction::kDuplicate}
// Actions: kDrop drops the packet (reason "fault") and stops; the others combine: kDelay adds
// delay_ns to the packet's delay; kDuplicate sends one more copy, which then passes the link's
// random model like a netem duplicate; kCorrupt flips bit `corrupt_bit` (0 = the most significant
// bit of byte 0; bits beyond the packet wrap around modulo its length) or, when unset, a bit drawn
// from the link direction's stream.
// Packets made by the link itself (duplicates) are not counted. IPv4 fragments after the first
// carry no ports or flags, so only rules without port and flag criteria can match them.
#ifndef WS2SIM_SIM_NET_FAULT_H_
#define WS2SIM_SIM_NET_FAULT_H_

#include <cstdint>
#include <optional>
#include <string>

#include "sim/net/packet.h"

namespace ws2sim::sim::net {

// Which of a rule's matching packets it acts on; counts start at 1.
struct FaultCount {
  enum class Kind : uint8_t { kAll, kNth, kEvery, kRange };
  Kind kind = Kind::kAll;
  uint64_t a = 0;  // kNth: n; kEvery: n; kRange: first
  uint64_t b = 0;  // kRange: last (inclusive), 0 = no end

  static FaultCount All() { return {}; }
  static FaultCount Nth(uint64_t n) { return {Kind::kNth, n, 0}; }     // the n-th only
  static FaultCount Every(uint64_t n) { return {Kind::kEvery, n, 0}; } // n, 2n, 3n, ...
  static FaultCount Range(uint64_t first, uint64_t last) { return {Kind::kRange, first, last}; }

  // True if the `nth` match (1-based) is selected.
  bool Selects(uint64_t nth) const;
};

enum class FaultAction : uint8_t { kDrop, kDelay, kDuplicate, kCorrupt };

struct FaultRule {
  // Direction: host names; "" matches any.
  std::string from_host;
  std::string to_host;
  std::optional<uint8_t> protocol;  // kProtoTcp, kProtoUdp, ...
  uint8_t tcp_flags_set = 0;        // every one of these flags set (implies TCP)
  uint8_t tcp_flags_clear = 0;      // every one of these flags clear (implies TCP)
  std::optional<uint16_t> src_port; // UDP or TCP
  std::optional<uint16_t> dst_port;
  FaultCount count;
  FaultAction action = FaultAction::kDrop;
  int64_t delay_ns = 0;                  // kDelay, >= 0
  std::optional<uint64_t> corrupt_bit;   // kCorrupt
};

// Whether `packet` (parsed without checksum checks) matches the rule's packet criteria (not its
// direction, which the network checks, nor its count).
bool FaultMatches(const FaultRule& rule, const ParsedPacket& packet);

// "fault #2 (drop nth 3 tcp flags S. a->b)": for error messages and reports.
std::string DescribeFault(const FaultRule& rule, size_t index);

}  // namespace ws2sim::sim::net

#endif  // WS2SIM_SIM_NET_FAULT_H_
