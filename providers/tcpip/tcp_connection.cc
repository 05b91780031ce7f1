#include "providers/tcpip/tcp_connection.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "providers/tcpip/tcp_listener.h"

namespace ws2sim::providers::tcpip {

using sim::Duration;
using sim::VirtualTime;

namespace {

constexpr uint32_t kMaxWindowField = 65535;
constexpr uint32_t kMaxCwnd = 1u << 30;

// The smallest shift that makes `buffer` fit in the 16-bit window field (RFC 7323 section 2.3).
uint8_t WindowScaleFor(uint32_t buffer) {
  uint8_t shift = 0;
  while (shift < kMaxWindowScale && (buffer >> shift) > kMaxWindowField) ++shift;
  return shift;
}

}  // namespace

const char* TcpStateName(TcpState state) {
  switch (state) {
    case TcpState::kClosed: return "CLOSED";
    case TcpState::kListen: return "LISTEN";
    case TcpState::kSynSent: return "SYN_SENT";
    case TcpState::kSynReceived: return "SYN_RCVD";
    case TcpState::kEstablished: return "ESTABLISHED";
    case TcpState::kFinWait1: return "FIN_WAIT_1";
    case TcpState::kFinWait2: return "FIN_WAIT_2";
    case TcpState::kCloseWait: return "CLOSE_WAIT";
    case TcpState::kClosing: return "CLOSING";
    case TcpState::kLastAck: return "LAST_ACK";
    case TcpState::kTimeWait: return "TIME_WAIT";
  }
  return "?";
}

const char* TcpEventName(TcpEvent event) {
  switch (event) {
    case TcpEvent::kConnected: return "connected";
    case TcpEvent::kRefused: return "refused";
    case TcpEvent::kTimedOut: return "timed-out";
    case TcpEvent::kReadable: return "readable";
    case TcpEvent::kWritable: return "writable";
    case TcpEvent::kUrgent: return "urgent";
    case TcpEvent::kPeerClosed: return "peer-closed";
    case TcpEvent::kReset: return "reset";
    case TcpEvent::kSendCompleted: return "send-completed";
    case TcpEvent::kClosed: return "closed";
  }
  return "?";
}

const char* TcpErrorName(TcpError error) {
  switch (error) {
    case TcpError::kNone: return "none";
    case TcpError::kWouldBlock: return "would-block";
    case TcpError::kNotConnected: return "not-connected";
    case TcpError::kShutdown: return "shutdown";
    case TcpError::kInvalid: return "invalid";
    case TcpError::kRefused: return "refused";
    case TcpError::kReset: return "reset";
    case TcpError::kTimedOut: return "timed-out";
    case TcpError::kKeepaliveTimedOut: return "keepalive-timed-out";
    case TcpError::kAborted: return "aborted";
  }
  return "?";
}

TcpConnection::TcpConnection(sim::Scheduler& scheduler, sim::LaneId lane, sim::Rng& isn_rng,
                             const TcpConfig& config, const TcpSocketOptions& options,
                             OutputFn output)
    : scheduler_(scheduler),
      lane_(lane),
      isn_rng_(isn_rng),
      config_(config),
      options_(options),
      output_(std::move(output)),
      rto_({config.initial_rto, config.min_rto, config.max_rto, config.clock_granularity}) {
  if (options_.send_buffer_bytes == 0) options_.send_buffer_bytes = 1;
  if (options_.mss == 0) options_.mss = kDefaultMss;
  eff_mss_ = options_.mss;
}

TcpConnection::~TcpConnection() {
  for (TimerSlot& t : timers_) {
    if (t.pending) scheduler_.Cancel(t.event);
  }
  if (destroyed_flag_ != nullptr) *destroyed_flag_ = true;
}

// --- Options ----------------------------------------------------------------------------------

void TcpConnection::SetSendBufferBytes(uint32_t bytes) {
  options_.send_buffer_bytes = std::max<uint32_t>(bytes, 1);
  if (want_writable_ && !snd_shutdown_ && SendBufferFree() > 0 &&
      (state_ == TcpState::kEstablished || state_ == TcpState::kCloseWait)) {
    want_writable_ = false;
    Raise(TcpEvent::kWritable);
  }
  FlushEvents();
}

void TcpConnection::SetReceiveBufferBytes(uint32_t bytes) {
  options_.receive_buffer_bytes = bytes;
  if (is_synchronized()) MaybeSendWindowUpdate();
  FlushEvents();
}

void TcpConnection::SetNoDelay(bool on) {
  options_.no_delay = on;
  if (on) Output();
  FlushEvents();
}

void TcpConnection::SetKeepAlive(bool on) {
  options_.keepalive = on;
  if (on) {
    ArmKeepalive();
  } else {
    StopTimer(TimerKind::kKeepalive);
  }
}

void TcpConnection::SetOobInline(bool on) {
  if (on && !options_.oob_inline && has_oob_byte_) {
    // A held urgent byte goes back into the stream at its mark (at the front when the reader
    // already passed it), where an inline reader finds it (SPEC D-98).
    if (!mark_valid_) mark_offset_ = 0;
    rcv_buf_.InsertAt(mark_offset_, oob_byte_);
    mark_valid_ = true;
    has_oob_byte_ = false;
    urg_state_ = UrgState::kInStream;
  }
  options_.oob_inline = on;
}

// --- Queries ----------------------------------------------------------------------------------

bool TcpConnection::is_synchronized() const {
  switch (state_) {
    case TcpState::kEstablished:
    case TcpState::kFinWait1:
    case TcpState::kFinWait2:
    case TcpState::kCloseWait:
    case TcpState::kClosing:
    case TcpState::kLastAck:
    case TcpState::kTimeWait:
      return true;
    default:
      return false;
  }
}

bool TcpConnection::AtMark() const {
  if (options_.oob_inline) {
    return !(urg_state_ == UrgState::kAnnounced || urg_state_ == UrgState::kInStream);
  }
  return !(has_oob_byte_ || urg_state_ == UrgState::kAnnounced);
}

std::optional<uint32_t> TcpConnection::BytesBeforeMark() const {
  if (!mark_valid_) return std::nullopt;
  return mark_offset_;
}

uint32_t TcpConnection::SendBufferFree() const {
  const uint32_t used = static_cast<uint32_t>(snd_buf_.size());
  return options_.send_buffer_bytes > used ? options_.send_buffer_bytes - used : 0;
}

bool TcpConnection::AllAcknowledged() const {
  return snd_buf_.empty() && (!fin_queued_ || SeqGt(snd_una_, fin_seq_));
}

uint32_t TcpConnection::UnsentBytes() const {
  const uint32_t end = DataEndSeq();
  return SeqGt(end, snd_nxt_) ? end - snd_nxt_ : 0;
}

bool TcpConnection::UrgentModeAhead() const {
  return snd_up_valid_ && SeqGt(snd_up_, snd_nxt_);
}

std::string TcpConnection::DebugString() const {
  return absl::StrCat(TcpStateName(state_), " err=", TcpErrorName(error_), " snd_una=", snd_una_,
                      " snd_nxt=", snd_nxt_, " snd_max=", snd_max_, " snd_wnd=", snd_wnd_,
                      " cwnd=", cwnd_, " ssthresh=", ssthresh_, " sndbuf=", snd_buf_.size(),
                      " rcv_nxt=", rcv_nxt_, " rcv_adv=", rcv_adv_, " rcvbuf=", rcv_buf_.size(),
                      " ooo=", ooo_.size(), " rto=", rto_.rto().ToString());
}

// --- Calls ------------------------------------------------------------------------------------

TcpError TcpConnection::Connect() {
  if (used_ || state_ != TcpState::kClosed) return TcpError::kInvalid;
  used_ = true;
  iss_ = static_cast<uint32_t>(isn_rng_.NextU64());
  snd_una_ = iss_;
  snd_nxt_ = iss_ + 1;
  snd_max_ = snd_nxt_;
  buf_front_seq_ = iss_ + 1;
  recover_ = iss_;
  // Offer window scaling only when the buffer needs it (Windows Tcp1323Opts behaviour).
  if (options_.receive_buffer_bytes > kMaxWindowField) {
    sent_wscale_ = true;
    rcv_wscale_ = WindowScaleFor(options_.receive_buffer_bytes);
  }
  last_receive_ = scheduler_.Now();
  SetState(TcpState::kSynSent);
  SendSyn(/*with_ack=*/false);
  syn_sent_at_ = scheduler_.Now();
  ArmTimer(TimerKind::kRetransmit, scheduler_.Now() + rto_.rto());
  FlushEvents();
  return TcpError::kNone;
}

void TcpConnection::StartPassive(const TcpSegment& syn, TcpListener* listener) {
  used_ = true;
  passive_ = true;
  listener_ = listener;
  irs_ = syn.seq;
  rcv_nxt_ = irs_ + 1;
  rcv_nxt_abs_ = 0;
  peer_mss_ = syn.mss.value_or(kDefaultMss);
  if (peer_mss_ == 0) peer_mss_ = kDefaultMss;
  eff_mss_ = std::min(options_.mss, peer_mss_);
  if (syn.window_scale) {  // RFC 7323: answer with our shift only if the SYN offered scaling
    wscale_ok_ = true;
    sent_wscale_ = true;
    snd_wscale_ = std::min<uint8_t>(*syn.window_scale, kMaxWindowScale);
    rcv_wscale_ = WindowScaleFor(options_.receive_buffer_bytes);
  }
  iss_ = static_cast<uint32_t>(isn_rng_.NextU64());
  snd_una_ = iss_;
  snd_nxt_ = iss_ + 1;
  snd_max_ = snd_nxt_;
  buf_front_seq_ = iss_ + 1;
  recover_ = iss_;
  snd_wnd_ = syn.window;  // never scaled on a SYN
  max_snd_wnd_ = snd_wnd_;
  snd_wl1_ = syn.seq;
  snd_wl2_ = iss_;
  cwnd_ = config_.congestion_control ? config_.initial_cwnd_segments * eff_mss_ : kMaxCwnd;
  ssthresh_ = kMaxCwnd;
  last_receive_ = scheduler_.Now();
  SetState(TcpState::kSynReceived);
  SendSyn(/*with_ack=*/true);
  syn_sent_at_ = scheduler_.Now();
  ArmTimer(TimerKind::kRetransmit, scheduler_.Now() + rto_.rto());
  FlushEvents();
}

TcpIoResult TcpConnection::Send(absl::Span<const uint8_t> data, bool oob) {
  TcpIoResult r;
  if (snd_shutdown_) {
    r.error = error_ != TcpError::kNone ? error_ : TcpError::kShutdown;
  } else if (state_ == TcpState::kEstablished || state_ == TcpState::kCloseWait) {
    const uint32_t cap = options_.send_buffer_bytes + (oob ? config_.oob_send_slack_bytes : 0);
    const uint32_t used = static_cast<uint32_t>(snd_buf_.size());
    const uint32_t room = cap > used ? cap - used : 0;
    const uint32_t n = static_cast<uint32_t>(std::min<size_t>(data.size(), room));
    if (n == 0) {
      if (!data.empty()) {
        r.error = TcpError::kWouldBlock;
        want_writable_ = true;
      }
    } else {
      snd_buf_.Append(data.first(n));
      r.bytes = n;
      if (n < data.size()) want_writable_ = true;
      // BSD: the urgent pointer points one past the last byte of the MSG_OOB send.
      if (oob && n == data.size()) {
        snd_up_ = DataEndSeq();
        snd_up_valid_ = true;
      }
      Output();
    }
  } else if (error_ != TcpError::kNone) {
    r.error = error_;
  } else {
    r.error = TcpError::kNotConnected;
  }
  FlushEvents();
  return r;
}

TcpIoResult TcpConnection::Recv(absl::Span<uint8_t> out, TcpRecvFlags flags) {
  TcpIoResult r;
  if (rcv_shutdown_) {
    r.error = TcpError::kShutdown;
  } else if (flags.oob) {
    if (options_.oob_inline) {
      r.error = TcpError::kInvalid;
    } else if (has_oob_byte_) {
      if (out.empty()) {
        r.error = TcpError::kInvalid;
      } else {
        out[0] = oob_byte_;
        r.bytes = 1;
        if (!flags.peek) has_oob_byte_ = false;
      }
    } else if (urg_state_ == UrgState::kAnnounced) {
      r.error = TcpError::kWouldBlock;
    } else if (error_ == TcpError::kReset || error_ == TcpError::kAborted) {
      r.error = error_;
    } else {
      r.error = TcpError::kInvalid;
    }
  } else if (error_ == TcpError::kReset || error_ == TcpError::kAborted) {
    r.error = error_;  // unread data was discarded
  } else if (!rcv_buf_.empty()) {
    size_t limit = rcv_buf_.size();
    if (mark_valid_) {
      if (mark_offset_ > 0) {
        limit = std::min<size_t>(limit, mark_offset_);  // a receive stops at the mark
      } else if (urg_state_ == UrgState::kInStream) {
        limit = 1;  // the inline urgent byte is returned alone (never mixed, SPEC 2.20)
      }
    }
    const size_t n = std::min(out.size(), limit);
    rcv_buf_.CopyOut(0, out.first(n));
    r.bytes = static_cast<uint32_t>(n);
    if (!flags.peek && n > 0) {
      rcv_buf_.Consume(n);
      if (mark_valid_) {
        if (mark_offset_ > 0) {
          mark_offset_ -= static_cast<uint32_t>(n);
        } else {
          mark_valid_ = false;
          if (urg_state_ == UrgState::kInStream) urg_state_ = UrgState::kNone;
        }
      }
      MaybeSendWindowUpdate();
    }
  } else if (fin_received_) {
    // End of stream: 0 bytes, no error.
  } else if (error_ != TcpError::kNone) {
    r.error = error_;
  } else if (!is_synchronized()) {
    r.error = TcpError::kNotConnected;
  } else {
    r.error = TcpError::kWouldBlock;
  }
  FlushEvents();
  return r;
}

TcpError TcpConnection::Shutdown(bool send, bool receive) {
  if (!is_synchronized()) {
    FlushEvents();
    return TcpError::kNotConnected;
  }
  if (receive) rcv_shutdown_ = true;
  if (send && !snd_shutdown_) {
    snd_shutdown_ = true;
    fin_queued_ = true;
    fin_seq_ = DataEndSeq();
    if (state_ == TcpState::kEstablished) {
      SetState(TcpState::kFinWait1);
    } else if (state_ == TcpState::kCloseWait) {
      SetState(TcpState::kLastAck);
    }
    Output();
  }
  FlushEvents();
  return TcpError::kNone;
}

void TcpConnection::Close() {
  switch (state_) {
    case TcpState::kClosed:
    case TcpState::kListen:
      return;
    case TcpState::kSynSent:
      BecomeClosed();
      FlushEvents();
      return;
    default:
      break;
  }
  orphaned_ = true;
  const bool rst_state = state_ == TcpState::kEstablished || state_ == TcpState::kCloseWait ||
                         state_ == TcpState::kFinWait1 || state_ == TcpState::kFinWait2 ||
                         state_ == TcpState::kSynReceived;
  if (config_.reset_on_close_with_unread_data && rst_state && (!rcv_buf_.empty() || has_oob_byte_)) {
    Abort();
    return;
  }
  if (!snd_shutdown_) {
    snd_shutdown_ = true;
    fin_queued_ = true;
    fin_seq_ = DataEndSeq();
    if (state_ == TcpState::kEstablished || state_ == TcpState::kSynReceived) {
      SetState(TcpState::kFinWait1);
    } else if (state_ == TcpState::kCloseWait) {
      SetState(TcpState::kLastAck);
    }
  }
  if (state_ == TcpState::kFinWait2) {
    ArmTimer(TimerKind::kClose, scheduler_.Now() + config_.fin_wait_2_timeout);
  }
  Output();
  FlushEvents();
}

void TcpConnection::Abort() {
  if (state_ == TcpState::kClosed || state_ == TcpState::kListen) return;
  const bool rst_state = state_ == TcpState::kEstablished || state_ == TcpState::kCloseWait ||
                         state_ == TcpState::kFinWait1 || state_ == TcpState::kFinWait2 ||
                         state_ == TcpState::kSynReceived;
  if (rst_state) SendReset(ResetSeq());
  orphaned_ = true;
  if (error_ == TcpError::kNone) error_ = TcpError::kAborted;
  DiscardBuffers();
  BecomeClosed();
  FlushEvents();
}

// --- Segment arrival (RFC 793 section 3.9) ----------------------------------------------------

void TcpConnection::OnSegment(const TcpSegment& seg) {
  ++counters_.segments_received;
  counters_.bytes_received += seg.payload.size();
  last_receive_ = scheduler_.Now();
  switch (state_) {
    case TcpState::kClosed:
    case TcpState::kListen:
      ReplyReset(seg);  // as a closed port
      break;
    case TcpState::kSynSent:
      ProcessSynSent(seg);
      break;
    default:
      ProcessSynchronized(seg);
      break;
  }
  FlushEvents();
}

void TcpConnection::ProcessSynSent(const TcpSegment& seg) {
  bool ack_ok = false;
  if (seg.Has(kTcpAck)) {
    if (SeqLeq(seg.ack, iss_) || SeqGt(seg.ack, snd_max_)) {
      ReplyReset(seg);  // <SEQ=SEG.ACK><CTL=RST>, not for an RST
      return;
    }
    ack_ok = true;
  }
  if (seg.Has(kTcpRst)) {
    if (ack_ok) {
      ++counters_.resets_received;
      Fail(TcpError::kRefused, TcpEvent::kRefused, /*send_reset=*/false);
    }
    return;
  }
  if (!seg.Has(kTcpSyn)) return;

  irs_ = seg.seq;
  rcv_nxt_ = irs_ + 1;
  rcv_nxt_abs_ = 0;
  peer_mss_ = seg.mss.value_or(kDefaultMss);
  if (peer_mss_ == 0) peer_mss_ = kDefaultMss;
  eff_mss_ = std::min(options_.mss, peer_mss_);
  if (sent_wscale_ && seg.window_scale) {
    wscale_ok_ = true;
    snd_wscale_ = std::min<uint8_t>(*seg.window_scale, kMaxWindowScale);
  } else {
    wscale_ok_ = false;
    snd_wscale_ = 0;
    rcv_wscale_ = 0;
  }
  // The window our SYN advertised (unscaled).
  rcv_adv_ = rcv_nxt_ + std::min(options_.receive_buffer_bytes, kMaxWindowField);
  snd_wnd_ = seg.window;
  max_snd_wnd_ = snd_wnd_;
  snd_wl1_ = seg.seq;
  snd_wl2_ = seg.ack;
  cwnd_ = config_.congestion_control ? config_.initial_cwnd_segments * eff_mss_ : kMaxCwnd;
  ssthresh_ = kMaxCwnd;

  if (ack_ok) {
    snd_una_ = seg.ack;
    StopTimer(TimerKind::kRetransmit);
    if (syn_retransmits_ == 0) rto_.AddSample(scheduler_.Now() - syn_sent_at_);
    EnterEstablished();
    ack_now_ = true;
    // Data or FIN on the SYN-ACK (unusual) is processed like any other text.
    if (!seg.payload.empty()) {
      const uint32_t wnd = rcv_adv_ - rcv_nxt_;
      const size_t n = std::min<size_t>(seg.payload.size(), wnd);
      ProcessText(0, absl::MakeConstSpan(seg.payload).first(n));
    }
    if (seg.Has(kTcpFin)) {
      fin_pending_ = true;
      fin_abs_ = seg.payload.size();
    }
    MaybeProcessFin();
    Output();
  } else {
    // Simultaneous open (RFC 793 figure 8): SYN_SENT -> SYN_RCVD, answer SYN-ACK with our ISS.
    SetState(TcpState::kSynReceived);
    SendSyn(/*with_ack=*/true);
  }
}

void TcpConnection::ProcessSynchronized(const TcpSegment& seg) {
  // A retransmitted SYN while we wait for the handshake's ACK: our SYN-ACK was lost.
  if (state_ == TcpState::kSynReceived && seg.Has(kTcpSyn) && !seg.Has(kTcpAck) &&
      !seg.Has(kTcpRst) && seg.seq == irs_) {
    SendSyn(/*with_ack=*/true);
    return;
  }
  uint32_t seq = seg.seq;
  uint8_t flags = seg.flags;
  size_t data_off = 0;
  uint32_t data_len = static_cast<uint32_t>(seg.payload.size());
  // A duplicate SYN (SYN-ACK of a simultaneous open, or a repeated one) is trimmed; its ACK and
  // data may still be new.
  if ((flags & kTcpSyn) && seq == irs_) {
    flags &= ~kTcpSyn;
    seq += 1;
  }
  const uint32_t seg_len = data_len + ((flags & kTcpSyn) ? 1 : 0) + ((flags & kTcpFin) ? 1 : 0);
  const uint32_t wnd = SeqGt(rcv_adv_, rcv_nxt_) ? rcv_adv_ - rcv_nxt_ : 0;

  // Acceptability (RFC 793 page 69), with the zero-window allowance for ACK, URG and RST.
  bool acceptable;
  if (seg_len == 0) {
    acceptable = wnd == 0 ? seq == rcv_nxt_ : SeqInRange(seq, rcv_nxt_, rcv_nxt_ + wnd);
  } else if (wnd == 0) {
    acceptable = seq == rcv_nxt_;  // control may be processed; the text is dropped below
  } else {
    acceptable = SeqInRange(seq, rcv_nxt_, rcv_nxt_ + wnd) ||
                 SeqInRange(seq + seg_len - 1, rcv_nxt_, rcv_nxt_ + wnd);
  }
  if (!acceptable) {
    if (!(flags & kTcpRst)) {
      if (SeqLeq(seq + seg_len, rcv_nxt_)) ++counters_.duplicate_segments;
      if (state_ == TcpState::kTimeWait && (flags & kTcpFin)) {
        ArmTimer(TimerKind::kClose, scheduler_.Now() + config_.time_wait);  // FIN again: restart
      }
      ack_now_ = true;
      Output();
    }
    return;
  }

  // Trim to the window: bytes before RCV.NXT, and bytes (and FIN) beyond the right edge.
  if (SeqLt(seq, rcv_nxt_)) {
    const uint32_t skip = std::min<uint32_t>(rcv_nxt_ - seq, data_len);
    data_off += skip;
    data_len -= skip;
    seq = rcv_nxt_;
  }
  const uint32_t right = rcv_nxt_ + wnd;
  if (SeqGt(seq + data_len, right)) {
    data_len = SeqGt(right, seq) ? right - seq : 0;
    flags &= ~kTcpFin;
    ack_now_ = true;  // answer a zero-window probe or an overrun at once
  }

  if (flags & kTcpRst) {
    ++counters_.resets_received;
    switch (state_) {
      case TcpState::kSynReceived:
        Fail(passive_ ? TcpError::kReset : TcpError::kRefused,
             passive_ ? TcpEvent::kReset : TcpEvent::kRefused, false);
        break;
      case TcpState::kTimeWait:
        BecomeClosed();
        break;
      default:
        Fail(TcpError::kReset, TcpEvent::kReset, false);
        break;
    }
    return;
  }
  if (flags & kTcpSyn) {
    // A SYN in the window of a synchronized connection: an error (RFC 793); reset.
    Fail(TcpError::kReset, TcpEvent::kReset, /*send_reset=*/true);
    return;
  }
  if (!(flags & kTcpAck)) return;
  if (!ProcessAck(seg, seq)) return;

  if ((flags & kTcpUrg) && !fin_received_ &&
      (state_ == TcpState::kEstablished || state_ == TcpState::kFinWait1 ||
       state_ == TcpState::kFinWait2)) {
    ProcessUrgent(seg, rcv_nxt_abs_ + static_cast<int64_t>(SeqDiff(seg.seq, rcv_nxt_)));
  }

  if (data_len > 0 || (flags & kTcpFin)) {
    if (state_ == TcpState::kEstablished || state_ == TcpState::kFinWait1 ||
        state_ == TcpState::kFinWait2) {
      if (orphaned_ && data_len > 0 && config_.reset_on_data_after_close) {
        // Nobody will read it: tell the peer (BSD, Windows).
        error_ = TcpError::kAborted;
        SendReset(ResetSeq());
        DiscardBuffers();
        BecomeClosed();
        return;
      }
      const uint64_t abs = rcv_nxt_abs_ + static_cast<int64_t>(SeqDiff(seq, rcv_nxt_));
      if (data_len > 0) {
        ProcessText(abs, absl::MakeConstSpan(seg.payload).subspan(data_off, data_len));
      }
      if (flags & kTcpFin) {
        fin_pending_ = true;
        fin_abs_ = abs + data_len;
      }
      MaybeProcessFin();
    }
  }
  Output();
}

bool TcpConnection::ProcessAck(const TcpSegment& seg, uint32_t seq) {
  const uint32_t seg_wnd =
      seg.Has(kTcpSyn) ? seg.window : static_cast<uint32_t>(seg.window) << snd_wscale_;
  if (state_ == TcpState::kSynReceived) {
    if (SeqGt(seg.ack, snd_una_) && SeqLeq(seg.ack, snd_max_)) {
      snd_una_ = seg.ack;
      if (SeqLt(snd_nxt_, snd_una_)) snd_nxt_ = snd_una_;
      StopTimer(TimerKind::kRetransmit);
      if (syn_retransmits_ == 0) rto_.AddSample(scheduler_.Now() - syn_sent_at_);
      snd_wnd_ = seg_wnd;
      max_snd_wnd_ = std::max(max_snd_wnd_, snd_wnd_);
      snd_wl1_ = seq;
      snd_wl2_ = seg.ack;
      EnterEstablished();
    } else {
      ReplyReset(seg);
      return false;
    }
  }
  if (SeqGt(seg.ack, snd_max_)) {
    ack_now_ = true;  // acknowledges something not yet sent
    Output();
    return false;
  }
  const uint32_t mss = eff_mss_;
  if (SeqGt(seg.ack, snd_una_)) {
    const uint32_t acked = seg.ack - snd_una_;
    const uint32_t data_acked_end = SeqMin(seg.ack, DataEndSeq());
    if (SeqGt(data_acked_end, buf_front_seq_)) {
      const uint32_t n = data_acked_end - buf_front_seq_;
      snd_buf_.Consume(n);
      buf_front_seq_ += n;
    }
    snd_una_ = seg.ack;
    if (SeqLt(snd_nxt_, snd_una_)) snd_nxt_ = snd_una_;
    if (timing_ && SeqGt(seg.ack, rtt_seq_)) {
      timing_ = false;
      rto_.AddSample(scheduler_.Now() - rtt_start_);
    }
    consecutive_timeouts_ = 0;
    if (config_.congestion_control) {
      if (in_recovery_) {
        if (SeqGeq(seg.ack, recover_)) {  // full acknowledgment (RFC 6582 section 3.2 step 3)
          in_recovery_ = false;
          dupacks_ = 0;
          const uint32_t flight = snd_max_ - snd_una_;
          cwnd_ = std::min(ssthresh_, std::max(flight, mss) + mss);
        } else {  // partial acknowledgment: retransmit the next hole, deflate
          RetransmitFirst();
          cwnd_ = cwnd_ > acked ? cwnd_ - acked : 0;
          cwnd_ += mss;
          ArmTimer(TimerKind::kRetransmit, scheduler_.Now() + rto_.rto());
        }
      } else {
        dupacks_ = 0;
        if (cwnd_ < ssthresh_) {
          cwnd_ += std::min(acked, 2 * mss);  // slow start, ABC with L = 2 (RFC 3465)
        } else {
          cwnd_ += std::max<uint32_t>(1, mss * mss / std::max<uint32_t>(cwnd_, 1));
        }
        cwnd_ = std::min(cwnd_, kMaxCwnd);
      }
    } else {
      dupacks_ = 0;
    }
    // RFC 6298 5.2 / 5.3: stop when everything is acknowledged, else restart.
    if (snd_nxt_ == snd_una_) {
      StopTimer(TimerKind::kRetransmit);
    } else {
      ArmTimer(TimerKind::kRetransmit, scheduler_.Now() + rto_.rto());
    }
    if (want_writable_ && !snd_shutdown_ && SendBufferFree() > 0 &&
        (state_ == TcpState::kEstablished || state_ == TcpState::kCloseWait)) {
      want_writable_ = false;
      Raise(TcpEvent::kWritable);
    }
  } else if (seg.ack == snd_una_ && seg.payload.empty() && !seg.Has(kTcpFin) &&
             !seg.Has(kTcpSyn) && seg_wnd == snd_wnd_ && snd_max_ != snd_una_ &&
             snd_nxt_ != snd_una_) {
    ++counters_.duplicate_acks;
    ++dupacks_;
    if (config_.congestion_control) {
      if (!in_recovery_ && dupacks_ == 3 && SeqGt(seg.ack, recover_)) {
        const uint32_t flight = snd_max_ - snd_una_;
        ssthresh_ = std::max(flight / 2, 2 * mss);
        recover_ = snd_max_;
        in_recovery_ = true;
        ++counters_.fast_retransmits;
        RetransmitFirst();
        cwnd_ = ssthresh_ + 3 * mss;
      } else if (in_recovery_) {
        cwnd_ = std::min(cwnd_ + mss, kMaxCwnd);
      }
    } else if (dupacks_ == 3) {
      ++counters_.fast_retransmits;
      RetransmitFirst();
    }
  }
  // Window update (RFC 793 page 72): only from a segment newer than the last one used.
  if (SeqLeq(snd_una_, seg.ack) &&
      (SeqLt(snd_wl1_, seq) || (snd_wl1_ == seq && SeqLeq(snd_wl2_, seg.ack)))) {
    snd_wnd_ = seg_wnd;
    max_snd_wnd_ = std::max(max_snd_wnd_, snd_wnd_);
    snd_wl1_ = seq;
    snd_wl2_ = seg.ack;
    if (snd_wnd_ > 0) persist_shift_ = 0;
  }

  const bool fin_acked = fin_queued_ && SeqGt(snd_una_, fin_seq_);
  switch (state_) {
    case TcpState::kFinWait1:
      if (fin_acked) {
        SetState(TcpState::kFinWait2);
        Raise(TcpEvent::kSendCompleted);
        StopTimer(TimerKind::kRetransmit);
        StopTimer(TimerKind::kPersist);
        if (orphaned_) {
          ArmTimer(TimerKind::kClose, scheduler_.Now() + config_.fin_wait_2_timeout);
        }
      }
      break;
    case TcpState::kClosing:
      if (fin_acked) {
        Raise(TcpEvent::kSendCompleted);
        EnterTimeWait();
      }
      break;
    case TcpState::kLastAck:
      if (fin_acked) {
        Raise(TcpEvent::kSendCompleted);
        BecomeClosed();
        return false;
      }
      break;
    default:
      break;
  }
  return true;
}

void TcpConnection::ProcessUrgent(const TcpSegment& seg, uint64_t seg_abs) {
  if (seg.urgent_pointer == 0) return;
  // RFC 6093: 0xFFFF may mean "further ahead"; wait for an exact pointer.
  const uint64_t up_abs = seg_abs + seg.urgent_pointer;
  if (up_abs <= rcv_nxt_abs_) return;  // its byte is already in
  if (rcv_up_valid_ && up_abs <= rcv_up_abs_) return;  // not new
  rcv_up_abs_ = up_abs;
  rcv_up_valid_ = true;
  if (urg_state_ == UrgState::kInStream) {
    // Inline: the earlier urgent byte becomes ordinary data; the mark moves to the new one.
    mark_valid_ = false;
  }
  urg_state_ = UrgState::kAnnounced;
}

void TcpConnection::ProcessText(uint64_t abs, absl::Span<const uint8_t> bytes) {
  if (bytes.empty()) return;
  if (abs > rcv_nxt_abs_) {
    ++counters_.out_of_order_segments;
    auto [it, inserted] = ooo_.try_emplace(abs);
    if (inserted || it->second.size() < bytes.size()) it->second.assign(bytes.begin(), bytes.end());
    ack_now_ = true;  // duplicate ACK at once (RFC 5681 section 4.2)
    return;
  }
  // abs == rcv_nxt_abs_ (the caller trimmed older bytes).
  const bool filled_hole = !ooo_.empty();
  AppendInOrder(bytes);
  while (!ooo_.empty()) {
    auto it = ooo_.begin();
    if (it->first > rcv_nxt_abs_) break;
    const uint64_t end = it->first + it->second.size();
    if (end > rcv_nxt_abs_) {
      AppendInOrder(absl::MakeConstSpan(it->second).subspan(rcv_nxt_abs_ - it->first));
    }
    ooo_.erase(it);
  }
  if (filled_hole) {
    ack_now_ = true;
  } else if (++segs_since_ack_ >= static_cast<uint32_t>(std::max(1, config_.ack_every_segments))) {
    ack_now_ = true;
  } else if (!TimerArmed(TimerKind::kDelayedAck)) {
    ArmTimer(TimerKind::kDelayedAck, scheduler_.Now() + config_.delayed_ack);
  }
}

void TcpConnection::AppendInOrder(absl::Span<const uint8_t> bytes) {
  while (!bytes.empty()) {
    if (urg_state_ == UrgState::kAnnounced && rcv_up_abs_ > rcv_nxt_abs_ &&
        rcv_up_abs_ - 1 < rcv_nxt_abs_ + bytes.size()) {
      const size_t before = static_cast<size_t>(rcv_up_abs_ - 1 - rcv_nxt_abs_);
      DeliverInOrder(bytes.first(before));
      const uint8_t urgent = bytes[before];
      if (options_.oob_inline) {
        mark_offset_ = static_cast<uint32_t>(rcv_buf_.size());
        mark_valid_ = true;
        urg_state_ = UrgState::kInStream;
        DeliverInOrder(absl::MakeConstSpan(&urgent, 1));
      } else {
        // SPEC D-98: an unread older OOB byte goes back into the stream at its position (lost if
        // the reader already passed that position).
        if (has_oob_byte_ && mark_valid_) rcv_buf_.InsertAt(mark_offset_, oob_byte_);
        oob_byte_ = urgent;
        has_oob_byte_ = true;
        mark_offset_ = static_cast<uint32_t>(rcv_buf_.size());
        mark_valid_ = true;
        urg_state_ = UrgState::kNone;
        rcv_nxt_abs_ += 1;
        rcv_nxt_ += 1;
        ++counters_.bytes_delivered;
        if (!rcv_shutdown_) Raise(TcpEvent::kUrgent);
      }
      bytes = bytes.subspan(before + 1);
    } else {
      DeliverInOrder(bytes);
      break;
    }
  }
}

void TcpConnection::DeliverInOrder(absl::Span<const uint8_t> bytes) {
  if (bytes.empty()) return;
  rcv_buf_.Append(bytes);
  rcv_nxt_abs_ += bytes.size();
  rcv_nxt_ += static_cast<uint32_t>(bytes.size());
  counters_.bytes_delivered += bytes.size();
  if (!rcv_shutdown_) Raise(TcpEvent::kReadable);
}

void TcpConnection::MaybeProcessFin() {
  if (!fin_pending_ || fin_received_ || fin_abs_ != rcv_nxt_abs_) return;
  fin_received_ = true;
  rcv_nxt_ += 1;
  rcv_nxt_abs_ += 1;
  ack_now_ = true;
  ooo_.clear();
  StopTimer(TimerKind::kDelayedAck);
  switch (state_) {
    case TcpState::kSynReceived:
    case TcpState::kEstablished:
      SetState(TcpState::kCloseWait);
      break;
    case TcpState::kFinWait1:
      if (fin_queued_ && SeqGt(snd_una_, fin_seq_)) {
        EnterTimeWait();
      } else {
        SetState(TcpState::kClosing);
      }
      break;
    case TcpState::kFinWait2:
      EnterTimeWait();
      break;
    default:
      break;
  }
  Raise(TcpEvent::kPeerClosed);
}

// --- Sending ----------------------------------------------------------------------------------

void TcpConnection::SendSyn(bool with_ack) {
  TcpSegment s;
  s.seq = iss_;
  s.flags = kTcpSyn | (with_ack ? kTcpAck : 0);
  s.mss = options_.mss;
  if (with_ack ? wscale_ok_ : sent_wscale_) s.window_scale = rcv_wscale_;
  Transmit(std::move(s));
}

void TcpConnection::Output() {
  const bool data_state = state_ == TcpState::kEstablished || state_ == TcpState::kCloseWait ||
                          state_ == TcpState::kFinWait1 || state_ == TcpState::kClosing ||
                          state_ == TcpState::kLastAck;
  if (!data_state) {
    if (ack_now_ && state_ != TcpState::kClosed && state_ != TcpState::kSynSent &&
        state_ != TcpState::kListen) {
      SendAckNow();
    }
    return;
  }
  const uint32_t mss = eff_mss_;
  for (;;) {
    const uint32_t flight = snd_nxt_ - snd_una_;
    const uint32_t unsent = UnsentBytes();
    const uint32_t wnd = std::min(snd_wnd_, cwnd_);
    const uint32_t usable = wnd > flight ? wnd - flight : 0;
    const uint32_t len = std::min({unsent, usable, mss});
    const bool fin_now = fin_queued_ && snd_nxt_ + len == fin_seq_;
    bool send = false;
    if (len > 0) {
      if (len == mss) {
        send = true;
      } else if ((options_.no_delay || flight == 0 || fin_queued_) && len == unsent) {
        send = true;  // Nagle (RFC 896): a small segment only when nothing is unacknowledged
      } else if (max_snd_wnd_ > 0 && len >= max_snd_wnd_ / 2) {
        send = true;  // sender SWS avoidance (RFC 1122 4.2.3.4)
      } else if (UrgentModeAhead() || force_send_) {
        send = true;
      }
    } else if (fin_now) {
      send = true;  // a FIN needs no window
    }
    if (!send) break;
    const bool retransmission = SeqLt(snd_nxt_, snd_max_);
    EmitData(snd_nxt_, len, fin_now, retransmission);
    snd_nxt_ += len + (fin_now ? 1 : 0);
    if (SeqGt(snd_nxt_, snd_max_)) snd_max_ = snd_nxt_;
    force_send_ = false;
    const uint64_t in_flight = snd_max_ - snd_una_;
    counters_.max_bytes_in_flight = std::max(counters_.max_bytes_in_flight, in_flight);
    if (len == 0) break;
  }
  if (ack_now_) SendAckNow();
  UpdateRetransmitTimer();
}

void TcpConnection::UpdateRetransmitTimer() {
  if (snd_nxt_ != snd_una_) {
    StopTimer(TimerKind::kPersist);
    if (!TimerArmed(TimerKind::kRetransmit)) {
      ArmTimer(TimerKind::kRetransmit, scheduler_.Now() + rto_.rto());
    }
    return;
  }
  StopTimer(TimerKind::kRetransmit);
  if (UnsentBytes() > 0) {
    if (!TimerArmed(TimerKind::kPersist)) {
      // BSD tcp_setpersist: RTO << shift, clamped.
      Duration d = rto_.base_rto();
      for (int i = 0; i < persist_shift_ && d < config_.persist_max; ++i) d = d * 2;
      d = std::clamp(d, config_.persist_min, config_.persist_max);
      ArmTimer(TimerKind::kPersist, scheduler_.Now() + d);
    }
  } else {
    StopTimer(TimerKind::kPersist);
    persist_shift_ = 0;
  }
}

void TcpConnection::EmitData(uint32_t seq, uint32_t len, bool fin, bool retransmission) {
  TcpSegment s;
  s.seq = seq;
  s.flags = kTcpAck | (fin ? kTcpFin : 0);
  if (len > 0) {
    s.payload.resize(len);
    snd_buf_.CopyOut(seq - buf_front_seq_, absl::MakeSpan(s.payload));
    if (seq + len == DataEndSeq()) s.flags |= kTcpPsh;
  }
  if (snd_up_valid_ && SeqGt(snd_up_, seq)) {
    const uint32_t up = snd_up_ - seq;
    if (up <= kMaxWindowField) {
      s.flags |= kTcpUrg;
      s.urgent_pointer = static_cast<uint16_t>(up);
    }
  }
  const uint32_t span = len + (fin ? 1 : 0);
  if (retransmission) {
    ++counters_.retransmitted_segments;
    counters_.retransmitted_bytes += len;
    if (timing_ && SeqInRange(rtt_seq_, seq, seq + span)) timing_ = false;  // Karn
  } else if (!timing_ && span > 0) {
    timing_ = true;
    rtt_seq_ = seq;
    rtt_start_ = scheduler_.Now();
  }
  Transmit(std::move(s));
}

void TcpConnection::RetransmitFirst() {
  const uint32_t end = DataEndSeq();
  const uint32_t avail = SeqGt(end, snd_una_) ? end - snd_una_ : 0;
  const uint32_t len = std::min<uint32_t>(avail, eff_mss_);
  const bool fin = fin_queued_ && snd_una_ + len == fin_seq_ && SeqGt(snd_max_, fin_seq_);
  if (len == 0 && !fin) return;
  EmitData(snd_una_, len, fin, /*retransmission=*/true);
}

void TcpConnection::SendAckNow() {
  TcpSegment s;
  s.seq = ResetSeq();
  s.flags = kTcpAck;
  Transmit(std::move(s));
}

uint32_t TcpConnection::ResetSeq() const {
  // The sequence number of a segment without data (a pure ACK or an RST). RFC 793 uses SND.NXT.
  // After a go-back SND.NXT may lie below what the peer already has, so SND.MAX (BSD: in the
  // peer's window); but a zero-window probe byte made SND.MAX one past the only number a closed
  // window accepts, RCV.NXT = SND.NXT. Using SND.MAX there makes the peer answer every ACK with
  // an ACK, and two ends both probing would exchange ACKs forever.
  return snd_wnd_ == 0 ? snd_nxt_ : snd_max_;
}

void TcpConnection::ReplyReset(const TcpSegment& seg) {
  if (auto rst = MakeResetFor(seg)) {
    ++counters_.resets_sent;
    ++counters_.segments_sent;
    output_(std::move(*rst));
  }
}

void TcpConnection::SendReset(uint32_t seq) {
  TcpSegment s;
  s.seq = seq;
  s.flags = kTcpRst | kTcpAck;
  ++counters_.resets_sent;
  Transmit(std::move(s));
}

uint32_t TcpConnection::ReceiveWindowCandidate() const {
  const uint64_t used = rcv_buf_.size();
  return options_.receive_buffer_bytes > used
             ? options_.receive_buffer_bytes - static_cast<uint32_t>(used)
             : 0;
}

uint16_t TcpConnection::WindowField() {
  const uint32_t cur = SeqGt(rcv_adv_, rcv_nxt_) ? rcv_adv_ - rcv_nxt_ : 0;
  const uint32_t cand = ReceiveWindowCandidate();
  // Receiver SWS avoidance (RFC 1122 4.2.3.3): move the right edge only by a useful amount.
  const uint32_t threshold =
      std::max<uint32_t>(1, std::min<uint32_t>(options_.receive_buffer_bytes / 2, eff_mss_));
  uint32_t wnd = cur;
  if (cand > cur && cand - cur >= threshold) wnd = cand;
  const uint32_t max_wnd = kMaxWindowField << rcv_wscale_;
  wnd = std::min(wnd, max_wnd);
  // Round up so the advertised edge never moves left.
  uint32_t field = static_cast<uint32_t>(
      (static_cast<uint64_t>(wnd) + (uint64_t{1} << rcv_wscale_) - 1) >> rcv_wscale_);
  field = std::min(field, kMaxWindowField);
  const uint32_t edge = rcv_nxt_ + (field << rcv_wscale_);
  if (SeqGt(edge, rcv_adv_)) rcv_adv_ = edge;
  return static_cast<uint16_t>(field);
}

void TcpConnection::MaybeSendWindowUpdate() {
  if (!is_synchronized() || fin_received_) return;
  const uint32_t cur = SeqGt(rcv_adv_, rcv_nxt_) ? rcv_adv_ - rcv_nxt_ : 0;
  const uint32_t cand = std::min(ReceiveWindowCandidate(), kMaxWindowField << rcv_wscale_);
  if (cand <= cur) return;
  const uint32_t increase = cand - cur;
  // BSD tcp_output: update when the window opens by two segments or half the buffer.
  if (increase >= 2u * eff_mss_ || 2 * uint64_t{increase} >= options_.receive_buffer_bytes) {
    ++counters_.window_updates;
    ack_now_ = true;
    Output();
  }
}

void TcpConnection::Transmit(TcpSegment seg) {
  if (seg.Has(kTcpAck)) {
    seg.ack = rcv_nxt_;
    ack_now_ = false;
    segs_since_ack_ = 0;
    StopTimer(TimerKind::kDelayedAck);
  }
  if (seg.Has(kTcpSyn)) {
    seg.window = static_cast<uint16_t>(std::min(options_.receive_buffer_bytes, kMaxWindowField));
    if (seg.Has(kTcpAck)) rcv_adv_ = rcv_nxt_ + seg.window;
  } else if (!seg.Has(kTcpRst)) {
    seg.window = WindowField();
  }
  ++counters_.segments_sent;
  counters_.bytes_sent += seg.payload.size();
  output_(std::move(seg));
}

// --- Timers -----------------------------------------------------------------------------------

void TcpConnection::ArmTimer(TimerKind kind, VirtualTime deadline) {
  TimerSlot& t = timers_[static_cast<int>(kind)];
  t.deadline = deadline;
  if (t.pending && t.scheduled_at <= deadline) return;  // fires early and re-arms itself
  if (t.pending) scheduler_.Cancel(t.event);
  t.pending = true;
  t.scheduled_at = deadline;
  t.event = scheduler_.ScheduleAt(deadline, lane_, [this, kind] { OnTimerEvent(kind); });
}

void TcpConnection::StopTimer(TimerKind kind) {
  TimerSlot& t = timers_[static_cast<int>(kind)];
  t.deadline = VirtualTime::Max();
  if (t.pending) {
    scheduler_.Cancel(t.event);
    t.pending = false;
  }
}

bool TcpConnection::TimerArmed(TimerKind kind) const {
  return timers_[static_cast<int>(kind)].deadline != VirtualTime::Max();
}

void TcpConnection::OnTimerEvent(TimerKind kind) {
  TimerSlot& t = timers_[static_cast<int>(kind)];
  t.pending = false;
  if (t.deadline == VirtualTime::Max()) return;
  if (scheduler_.Now() < t.deadline) {
    t.pending = true;
    t.scheduled_at = t.deadline;
    t.event = scheduler_.ScheduleAt(t.deadline, lane_, [this, kind] { OnTimerEvent(kind); });
    return;
  }
  t.deadline = VirtualTime::Max();
  switch (kind) {
    case TimerKind::kRetransmit:
      OnRetransmitTimeout();
      break;
    case TimerKind::kPersist:
      OnPersistTimeout();
      break;
    case TimerKind::kDelayedAck:
      ack_now_ = true;
      Output();
      break;
    case TimerKind::kKeepalive:
      OnKeepaliveTimer();
      break;
    case TimerKind::kClose:
      OnCloseTimer();
      break;
  }
  FlushEvents();
}

void TcpConnection::OnRetransmitTimeout() {
  ++counters_.timeouts;
  if (state_ == TcpState::kSynSent || state_ == TcpState::kSynReceived) {
    const int limit = (state_ == TcpState::kSynReceived && passive_)
                          ? config_.max_synack_retransmissions
                          : config_.max_syn_retransmissions;
    if (syn_retransmits_ >= limit) {
      Fail(TcpError::kTimedOut, TcpEvent::kTimedOut, /*send_reset=*/false);
      return;
    }
    ++syn_retransmits_;
    rto_.Backoff();
    ++counters_.retransmitted_segments;
    SendSyn(/*with_ack=*/state_ == TcpState::kSynReceived);
    ArmTimer(TimerKind::kRetransmit, scheduler_.Now() + rto_.rto());
    return;
  }
  if (snd_una_ == snd_nxt_) return;
  if (consecutive_timeouts_ >= config_.max_data_retransmissions) {
    Fail(TcpError::kTimedOut, TcpEvent::kTimedOut, /*send_reset=*/true);
    return;
  }
  ++consecutive_timeouts_;
  rto_.Backoff();
  timing_ = false;
  if (config_.congestion_control) {
    const uint32_t flight = snd_max_ - snd_una_;
    ssthresh_ = std::max(flight / 2, 2u * eff_mss_);
    cwnd_ = eff_mss_;
  }
  in_recovery_ = false;
  dupacks_ = 0;
  recover_ = snd_max_;
  snd_nxt_ = snd_una_;  // go back: resend from the first unacknowledged byte
  force_send_ = true;   // the first segment goes even if Nagle would hold it
  Output();
  force_send_ = false;
}

void TcpConnection::OnPersistTimeout() {
  const bool data_state = state_ == TcpState::kEstablished || state_ == TcpState::kCloseWait ||
                          state_ == TcpState::kFinWait1 || state_ == TcpState::kClosing ||
                          state_ == TcpState::kLastAck;
  if (!data_state || UnsentBytes() == 0 || snd_nxt_ != snd_una_) {
    UpdateRetransmitTimer();
    return;
  }
  ++counters_.persist_probes;
  ++persist_shift_;
  const uint32_t usable = std::min(snd_wnd_, cwnd_);
  if (usable == 0) {
    // Zero-window probe: one byte beyond the window; SND.NXT stays, SND.MAX covers it.
    EmitData(snd_nxt_, 1, false, /*retransmission=*/SeqLt(snd_nxt_, snd_max_));
    if (SeqGt(snd_nxt_ + 1, snd_max_)) snd_max_ = snd_nxt_ + 1;
    // The probe is not timed and not a retransmission of lost data.
    if (timing_ && rtt_seq_ == snd_nxt_) timing_ = false;
  } else {
    force_send_ = true;  // a small window Nagle/SWS would wait on
    Output();
    force_send_ = false;
  }
  UpdateRetransmitTimer();
}

void TcpConnection::ArmKeepalive() {
  if (!options_.keepalive) return;
  if (state_ != TcpState::kEstablished && state_ != TcpState::kCloseWait &&
      state_ != TcpState::kFinWait1 && state_ != TcpState::kFinWait2) {
    return;
  }
  ArmTimer(TimerKind::kKeepalive, std::max(scheduler_.Now(), last_receive_ + config_.keepalive_idle));
}

void TcpConnection::OnKeepaliveTimer() {
  if (!options_.keepalive) return;
  if (state_ != TcpState::kEstablished && state_ != TcpState::kCloseWait &&
      state_ != TcpState::kFinWait1 && state_ != TcpState::kFinWait2) {
    return;
  }
  const VirtualTime now = scheduler_.Now();
  if (now - last_receive_ < config_.keepalive_idle) {
    keepalive_sent_ = 0;
    ArmTimer(TimerKind::kKeepalive, last_receive_ + config_.keepalive_idle);
    return;
  }
  if (keepalive_sent_ >= config_.keepalive_probes) {
    Fail(TcpError::kKeepaliveTimedOut, TcpEvent::kTimedOut, /*send_reset=*/true);
    return;
  }
  // BSD probe: <SEQ=SND.UNA-1><ACK>, no data; the peer answers with an ACK.
  TcpSegment probe;
  probe.seq = snd_una_ - 1;
  probe.flags = kTcpAck;
  ++counters_.keepalive_probes;
  ++keepalive_sent_;
  Transmit(std::move(probe));
  ArmTimer(TimerKind::kKeepalive, now + config_.keepalive_interval);
}

void TcpConnection::OnCloseTimer() {
  if (state_ == TcpState::kTimeWait || state_ == TcpState::kFinWait2) BecomeClosed();
}

// --- State changes ----------------------------------------------------------------------------

void TcpConnection::SetState(TcpState next) {
  if (next == state_) return;
  const TcpState from = state_;
  state_ = next;
  if (on_state_) on_state_(from, next);
}

void TcpConnection::EnterEstablished() {
  SetState(TcpState::kEstablished);
  Raise(TcpEvent::kConnected);
  ArmKeepalive();
}

void TcpConnection::EnterTimeWait() {
  SetState(TcpState::kTimeWait);
  StopTimer(TimerKind::kRetransmit);
  StopTimer(TimerKind::kPersist);
  StopTimer(TimerKind::kKeepalive);
  ArmTimer(TimerKind::kClose, scheduler_.Now() + config_.time_wait);
}

void TcpConnection::Fail(TcpError error, TcpEvent event, bool send_reset) {
  if (send_reset) SendReset(ResetSeq());
  error_ = error;
  if (error == TcpError::kReset || error == TcpError::kAborted) {
    DiscardBuffers();
  } else {
    snd_buf_.Clear();
  }
  Raise(event);
  BecomeClosed();
}

void TcpConnection::DiscardBuffers() {
  snd_buf_.Clear();
  rcv_buf_.Clear();
  ooo_.clear();
  has_oob_byte_ = false;
  mark_valid_ = false;
  urg_state_ = UrgState::kNone;
}

void TcpConnection::BecomeClosed() {
  for (int k = 0; k < kTimerCount; ++k) StopTimer(static_cast<TimerKind>(k));
  ack_now_ = false;
  SetState(TcpState::kClosed);
  Raise(TcpEvent::kClosed);
}

// --- Events -----------------------------------------------------------------------------------

void TcpConnection::Raise(TcpEvent event) {
  for (TcpEvent e : pending_events_) {
    if (e == event) return;
  }
  pending_events_.push_back(event);
}

void TcpConnection::FlushEvents() {
  if (dispatching_ || pending_events_.empty()) return;
  dispatching_ = true;
  bool destroyed = false;
  destroyed_flag_ = &destroyed;
  for (size_t i = 0; i < pending_events_.size(); ++i) {
    const TcpEvent event = pending_events_[i];
    if (listener_ != nullptr) {
      listener_->OnChildEvent(this, event);
    } else if (on_event_) {
      // Moved out while it runs, so that it may replace itself.
      EventFn fn = std::move(on_event_);
      fn(event);
      if (destroyed) return;
      if (!on_event_) on_event_ = std::move(fn);
    }
    if (destroyed) return;
  }
  pending_events_.clear();
  destroyed_flag_ = nullptr;
  dispatching_ = false;
}

}  // namespace ws2sim::providers::tcpip
