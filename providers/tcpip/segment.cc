#include "providers/tcpip/segment.h"

#include "absl/strings/str_cat.h"

namespace ws2sim::providers::tcpip {

std::string TcpFlagsString(uint8_t flags) {
  std::string out;
  if (flags & kTcpSyn) out += 'S';
  if (flags & kTcpFin) out += 'F';
  if (flags & kTcpPsh) out += 'P';
  if (flags & kTcpRst) out += 'R';
  if (flags & kTcpUrg) out += 'U';
  if (flags & kTcpAck) out += '.';
  return out;
}

std::string TcpSegment::ToString() const {
  std::string out = absl::StrCat(TcpFlagsString(flags), " seq=", seq);
  if (Has(kTcpAck)) absl::StrAppend(&out, " ack=", ack);
  absl::StrAppend(&out, " win=", window, " len=", payload.size());
  if (Has(kTcpUrg)) absl::StrAppend(&out, " urp=", urgent_pointer);
  if (mss) absl::StrAppend(&out, " mss=", *mss);
  if (window_scale) absl::StrAppend(&out, " ws=", *window_scale);
  return out;
}

std::optional<TcpSegment> MakeResetFor(const TcpSegment& incoming) {
  if (incoming.Has(kTcpRst)) return std::nullopt;
  TcpSegment rst;
  if (incoming.Has(kTcpAck)) {
    rst.seq = incoming.ack;
    rst.flags = kTcpRst;
  } else {
    rst.seq = 0;
    rst.ack = incoming.seq + incoming.SequenceLength();
    rst.flags = kTcpRst | kTcpAck;
  }
  return rst;
}

}  // namespace ws2sim::providers::tcpip
