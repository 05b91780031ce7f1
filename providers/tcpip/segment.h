// TcpSegment: what the TCP engine exchanges with the provider glue, and sequence arithmetic.
//
// A TcpSegment is one TCP header plus payload, without ports or addresses (the glue owns those
// and converts to and from sim::net's real TCP headers; see DESIGN.md section 6):
//   seq, ack          sequence and acknowledgment numbers (RFC 793), modulo 2^32;
//   flags             kTcpFin | kTcpSyn | kTcpRst | kTcpPsh | kTcpAck | kTcpUrg, the same bit values
//                     of the real header (sim/net/packet.h), so the glue copies them as is;
//   window            the 16-bit header field value: on a SYN the window in bytes, otherwise the
//                     window in bytes shifted right by the sender's window-scale shift (RFC 7323);
//   urgent_pointer    meaningful with kTcpUrg: BSD interpretation (the one Windows uses, SPEC
//                     D-62): seq + urgent_pointer is the sequence number one PAST the urgent byte;
//   mss, window_scale options, present only on SYN segments (RFC 793 / RFC 7323);
//   payload           the data bytes.
#ifndef WS2SIM_PROVIDERS_TCPIP_SEGMENT_H_
#define WS2SIM_PROVIDERS_TCPIP_SEGMENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/net/packet.h"

namespace ws2sim::providers::tcpip {

// The header's flag bits, as sim::net defines them.
using sim::net::kTcpAck;
using sim::net::kTcpFin;
using sim::net::kTcpPsh;
using sim::net::kTcpRst;
using sim::net::kTcpSyn;
using sim::net::kTcpUrg;

// RFC 1122 section 4.2.2.6: the MSS assumed when the peer sends no MSS option.
inline constexpr uint16_t kDefaultMss = 536;
// RFC 7323 section 2.3: the largest window-scale shift.
inline constexpr uint8_t kMaxWindowScale = 14;

struct TcpSegment {
  uint32_t seq = 0;
  uint32_t ack = 0;
  uint8_t flags = 0;
  uint16_t window = 0;
  uint16_t urgent_pointer = 0;
  std::optional<uint16_t> mss;          // MSS option (SYN only)
  std::optional<uint8_t> window_scale;  // window-scale option shift (SYN only)
  std::vector<uint8_t> payload;

  bool Has(uint8_t flag) const { return (flags & flag) != 0; }
  // Sequence space the segment occupies: payload bytes + 1 for SYN + 1 for FIN.
  uint32_t SequenceLength() const {
    return static_cast<uint32_t>(payload.size()) + (Has(kTcpSyn) ? 1 : 0) + (Has(kTcpFin) ? 1 : 0);
  }
  // tcpdump-like: "S. seq=100 ack=201 win=8192 len=0 mss=536 ws=3".
  std::string ToString() const;
};

// tcpdump's letters: S F P R U, then '.' for ACK ("S.", "FP.", "R").
std::string TcpFlagsString(uint8_t flags);

// --- Sequence arithmetic modulo 2^32 (RFC 793 section 3.3; RFC 1982 style) -------------------
// a < b when b is ahead of a by less than 2^31.
constexpr bool SeqLt(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b) < 0; }
constexpr bool SeqLeq(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b) <= 0; }
constexpr bool SeqGt(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b) > 0; }
constexpr bool SeqGeq(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b) >= 0; }
constexpr uint32_t SeqMax(uint32_t a, uint32_t b) { return SeqGt(a, b) ? a : b; }
constexpr uint32_t SeqMin(uint32_t a, uint32_t b) { return SeqLt(a, b) ? a : b; }
// Signed distance b - a.
constexpr int32_t SeqDiff(uint32_t b, uint32_t a) { return static_cast<int32_t>(b - a); }
// lo <= x < hi, modulo 2^32.
constexpr bool SeqInRange(uint32_t x, uint32_t lo, uint32_t hi) {
  return SeqLeq(lo, x) && SeqLt(x, hi);
}

// The RST that answers `incoming` on a port or connection that does not exist (RFC 793 section
// 3.4, "Reset Generation", case 1): if `incoming` has ACK, <SEQ=SEG.ACK><CTL=RST>; otherwise
// <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>. An incoming RST is never answered: nullopt.
std::optional<TcpSegment> MakeResetFor(const TcpSegment& incoming);

}  // namespace ws2sim::providers::tcpip

#endif  // WS2SIM_PROVIDERS_TCPIP_SEGMENT_H_
