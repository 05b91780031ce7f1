// TcpConnection: one TCP connection (the TCB and the RFC 793 state machine) of the tcpip provider.
//
// The engine knows no sockets, handles, addresses or packets. The owner (the provider glue):
//  - gives it a scheduler lane: every timer of the connection is an event on that lane, so the
//    connection's events stay ordered (sim/scheduler.h);
//  - gives it an ISN stream (sim::Rng) and an OutputFn that carries each TcpSegment it emits to
//    the network (the glue adds ports and addresses);
//  - feeds it the segments of its 4-tuple with OnSegment();
//  - calls Connect / Send / Recv / Shutdown / Close / Abort, which never block: they return what
//    happened at once (bytes accepted or read, or a TcpError such as kWouldBlock);
//  - learns about state changes through the EventFn (TcpEvent below) and blocks its callers
//    itself (a blocking Winsock call parks its fiber until the matching event).
//
// Reentrancy rules:
//  - Events are delivered after the connection's state is consistent, at the end of the call
//    that caused them (OnSegment, a timer, or an API call), in the order they happened, each
//    kind at most once per call. From inside the EventFn the owner may call any method of this
//    connection (Send, Recv, Close...); events those calls raise are delivered after the
//    current one, in the same loop. The owner may destroy the connection from inside the
//    EventFn (typically on kClosed); nothing touches it afterwards.
//  - OutputFn must not call back into this connection synchronously: deliver segments later
//    (a scheduler event), as a network does.
//
// States (RFC 793 section 3.2): kClosed, kSynSent, kSynReceived, kEstablished, kFinWait1,
// kFinWait2, kCloseWait, kClosing, kLastAck, kTimeWait; kListen belongs to TcpListener. A
// connection starts in kClosed; Connect() starts an active open; TcpListener makes passive ones.
// Once it returns to kClosed it stays there (kClosed is always the last event); the owner then
// destroys it. Sequence numbers are modulo 2^32 (segment.h).
//
// Choices (each documented where it is implemented; defaults in options.h):
//  - retransmission per RFC 6298 with Karn's algorithm, NewReno fast retransmit/recovery
//    (RFC 5681/6582) with slow start from 2 segments, go-back-N after a timeout;
//  - receive side keeps out-of-order segments (within the advertised window) for reassembly;
//  - urgent data: BSD semantics (SPEC D-62/D-98): the last byte of a MSG_OOB send is urgent; the
//    receiver keeps one out-of-band byte apart unless SO_OOBINLINE; normal reads stop at the mark;
//  - Shutdown(receive) per SPEC D-81: later data is buffered (window shrinks to 0), never
//    delivered, no RST;
//  - a SYN in a synchronized state within the window resets the connection (RFC 793); an RST
//    is accepted anywhere in the window (RFC 793; RFC 5961's exact match is not modelled); an
//    RST in TIME_WAIT closes it (RFC 793, not RFC 1337);
//  - sender SWS avoidance: a sub-MSS segment that only the window limits waits for the persist
//    timer (RFC 1122's override timeout), as BSD does;
//  - with the defaults: Connect gives up 45 s after it was called (SYNs at 0, 3, 9, 21 s); a
//    data segment is sent at most 6 times and the connection fails 63 RTOs (backoff capped at
//    60 s) after its first transmission; keepalive fails keepalive_idle + keepalive_probes *
//    keepalive_interval after the last segment received.
#ifndef WS2SIM_PROVIDERS_TCPIP_TCP_CONNECTION_H_
#define WS2SIM_PROVIDERS_TCPIP_TCP_CONNECTION_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/functional/any_invocable.h"
#include "absl/types/span.h"
#include "providers/tcpip/byte_ring.h"
#include "providers/tcpip/options.h"
#include "providers/tcpip/rto.h"
#include "providers/tcpip/segment.h"
#include "sim/rng.h"
#include "sim/scheduler.h"
#include "sim/time.h"

namespace ws2sim::providers::tcpip {

class TcpListener;

enum class TcpState : uint8_t {
  kClosed,
  kListen,
  kSynSent,
  kSynReceived,
  kEstablished,
  kFinWait1,
  kFinWait2,
  kCloseWait,
  kClosing,
  kLastAck,
  kTimeWait,
};
const char* TcpStateName(TcpState state);  // "CLOSED", "SYN_SENT", ...

// What happened to the connection, reported through the EventFn.
enum class TcpEvent : uint8_t {
  kConnected,      // the handshake completed (active: FD_CONNECT success; passive: accept-ready)
  kRefused,        // RST answered our SYN (WSAECONNREFUSED); kClosed follows
  kTimedOut,       // SYN retries, data retransmissions or keepalive probes gave up; error() says
                   // which (kTimedOut / kKeepaliveTimedOut); kClosed follows
  kReadable,       // new in-order data can be read (also inline urgent data)
  kWritable,       // send-buffer space freed after a Send that accepted less than offered
  kUrgent,         // an out-of-band byte is ready for Recv(kOob) (not with SO_OOBINLINE)
  kPeerClosed,     // the peer's FIN arrived: Recv returns 0 once the data before it is read
  kReset,          // RST received in a synchronized state (WSAECONNRESET); kClosed follows
  kSendCompleted,  // our FIN and every byte before it are acknowledged (SO_LINGER waits for it)
  kClosed,         // the connection reached CLOSED (TIME_WAIT over, LAST_ACK acknowledged, reset,
                   // aborted, failed); always the last event
};
const char* TcpEventName(TcpEvent event);

enum class TcpError : uint8_t {
  kNone,
  kWouldBlock,        // nothing can be done now; an event will say when (WSAEWOULDBLOCK)
  kNotConnected,      // not (yet) synchronized (WSAENOTCONN)
  kShutdown,          // that direction was shut down (WSAESHUTDOWN)
  kInvalid,           // the call does not apply (Connect twice, MSG_OOB with SO_OOBINLINE...)
  kRefused,           // connection refused (WSAECONNREFUSED)
  kReset,             // reset by the peer (WSAECONNRESET)
  kTimedOut,          // SYN or data retransmissions gave up (WSAETIMEDOUT / WSAECONNABORTED)
  kKeepaliveTimedOut, // keepalive probes unanswered (WSAENETRESET, then WSAENOTCONN)
  kAborted,           // this end aborted (Abort(), or data arrived after Close())
};
const char* TcpErrorName(TcpError error);

// Result of Send / Recv: bytes moved, or an error (then bytes == 0).
struct TcpIoResult {
  uint32_t bytes = 0;
  TcpError error = TcpError::kNone;
  bool ok() const { return error == TcpError::kNone; }
};

// Flags of Recv.
struct TcpRecvFlags {
  bool peek = false;  // MSG_PEEK: copy without consuming
  bool oob = false;   // MSG_OOB: read the out-of-band byte
};

// Counters for reports. Segments counted as emitted / handed in, including retransmissions.
struct TcpCounters {
  uint64_t segments_sent = 0;
  uint64_t segments_received = 0;
  uint64_t bytes_sent = 0;          // payload bytes emitted, retransmissions included
  uint64_t bytes_received = 0;      // payload bytes handed to OnSegment, duplicates included
  uint64_t bytes_delivered = 0;     // in-order bytes that became readable (OOB byte included)
  uint64_t retransmitted_segments = 0;
  uint64_t retransmitted_bytes = 0;
  uint64_t timeouts = 0;            // retransmission timer expiries (SYN and data)
  uint64_t fast_retransmits = 0;
  uint64_t duplicate_acks = 0;      // duplicate ACKs received
  uint64_t out_of_order_segments = 0;
  uint64_t duplicate_segments = 0;  // segments entirely before RCV.NXT
  uint64_t persist_probes = 0;
  uint64_t keepalive_probes = 0;
  uint64_t window_updates = 0;      // ACKs sent only because Recv opened the window
  uint64_t resets_sent = 0;
  uint64_t resets_received = 0;
  uint64_t max_bytes_in_flight = 0;
};

class TcpConnection {
 public:
  using OutputFn = absl::AnyInvocable<void(TcpSegment)>;
  using EventFn = absl::AnyInvocable<void(TcpEvent)>;
  // Called at each state change, synchronously; must not call into the connection.
  using StateObserverFn = absl::AnyInvocable<void(TcpState from, TcpState to)>;

  // `isn_rng` gives initial sequence numbers (its low 32 bits); it must outlive the connection
  // (a per-host stream, shared by its connections, is fine). `config` is copied.
  TcpConnection(sim::Scheduler& scheduler, sim::LaneId lane, sim::Rng& isn_rng,
                const TcpConfig& config, const TcpSocketOptions& options, OutputFn output);
  // Cancels every timer. Emits nothing: call Abort() first to tell the peer.
  ~TcpConnection();
  TcpConnection(const TcpConnection&) = delete;
  TcpConnection& operator=(const TcpConnection&) = delete;

  void SetEventCallback(EventFn fn) { on_event_ = std::move(fn); }
  void SetStateObserver(StateObserverFn fn) { on_state_ = std::move(fn); }
  // Replaces the output (e.g. once the glue knows the 4-tuple).
  void SetOutput(OutputFn fn) { output_ = std::move(fn); }
  // An opaque value for the owner (the glue's socket or demux key).
  void set_user_tag(uint64_t tag) { user_tag_ = tag; }
  uint64_t user_tag() const { return user_tag_; }

  // --- Options (setsockopt). Buffer sizes apply to later Send/Recv and window computations;
  // the window-scale shift is fixed by the SYN exchange, so set SO_RCVBUF before Connect.
  void SetSendBufferBytes(uint32_t bytes);
  void SetReceiveBufferBytes(uint32_t bytes);
  void SetNoDelay(bool on);  // TCP_NODELAY; turning it on sends what Nagle held
  void SetKeepAlive(bool on);
  // SO_OOBINLINE. Turning it on while an urgent byte is held puts that byte back into the
  // stream at the mark (SPEC D-98), so an inline reader still gets it.
  void SetOobInline(bool on);
  const TcpSocketOptions& options() const { return options_; }

  // --- Calls ----------------------------------------------------------------------------------
  // Active open: CLOSED -> SYN_SENT, sends the SYN. kInvalid unless the connection is fresh.
  // Completion: kConnected, or kRefused / kTimedOut (then kClosed).
  TcpError Connect();
  // Queues bytes for sending: accepts min(data.size(), free send-buffer space) bytes. A short
  // accept or 0 bytes (error kWouldBlock) arms kWritable. With `oob` the last byte of `data` is
  // urgent (MSG_OOB) if it is accepted; an OOB send may exceed the buffer by
  // TcpConfig::oob_send_slack_bytes. Errors: kNotConnected (before the handshake), kShutdown
  // (after Shutdown(send) / Close), the connection's error once it failed (kReset...).
  TcpIoResult Send(absl::Span<const uint8_t> data, bool oob = false);
  // Reads in-order data into `out`: as many bytes as are buffered and fit, but never past the
  // urgent mark (with SO_OOBINLINE, the urgent byte itself is returned alone). Returns:
  //  bytes > 0; or 0 with kNone = end of stream (peer's FIN and all data read); kWouldBlock (no
  //  data yet); kShutdown after Shutdown(receive); kNotConnected before the handshake; kReset
  //  (unread data is discarded on reset); kTimedOut / kKeepaliveTimedOut once the data is read.
  // With flags.oob: the out-of-band byte (1 byte), kWouldBlock if it is announced but has not
  // arrived, kInvalid if there is none or SO_OOBINLINE is on.
  TcpIoResult Recv(absl::Span<uint8_t> out, TcpRecvFlags flags = {});
  // Shutdown(send): FIN after the queued data (ESTABLISHED -> FIN_WAIT_1, CLOSE_WAIT ->
  // LAST_ACK). Shutdown(receive): later Recv fails kShutdown; arriving data is still buffered
  // and acknowledged until the window closes, never delivered (SPEC D-81). Returns
  // kNotConnected unless synchronized.
  TcpError Shutdown(bool send, bool receive);
  // Graceful close (SO_DONTLINGER, and SO_LINGER with a timeout): returns at once; queued data is
  // still delivered, then FIN; the connection lives on until kClosed (the owner keeps it until
  // then). Later data from the peer is answered with RST (config). With unread received data
  // the close is abortive (config, RFC 2525). In SYN_SENT it just closes. No-op when CLOSED.
  void Close();
  // Abortive close (SO_LINGER {on, 0}, or a linger timeout): unsent data is discarded, an RST is
  // sent if the peer is synchronized, the state becomes CLOSED (kClosed). No-op when CLOSED.
  void Abort();
  // Handles one arriving segment of this connection's 4-tuple.
  void OnSegment(const TcpSegment& segment);

  // --- Queries --------------------------------------------------------------------------------
  TcpState state() const { return state_; }
  // Why the connection failed (kRefused, kReset, kTimedOut, kKeepaliveTimedOut, kAborted), or
  // kNone.
  TcpError error() const { return error_; }
  bool is_synchronized() const;
  // FIONREAD: in-order bytes buffered for Recv (normal stream; the OOB byte excluded).
  uint32_t ReadableBytes() const { return static_cast<uint32_t>(rcv_buf_.size()); }
  // The peer's FIN has been received (Recv returns 0 once ReadableBytes() is 0).
  bool peer_closed() const { return fin_received_; }
  // SIOCATMARK as Winsock defines it (SPEC 2.22, D-62): true iff no urgent data waits to be
  // read: with SO_OOBINLINE, no unread urgent byte in the stream; without, no OOB byte held.
  bool AtMark() const;
  // Bytes of normal data before the urgent mark (BSD so_oobmark), if a mark is ahead.
  std::optional<uint32_t> BytesBeforeMark() const;
  bool HasOobByte() const { return has_oob_byte_; }
  // Free space for Send (what a Send of unlimited size would accept now).
  uint32_t SendBufferFree() const;
  // Bytes queued by Send and not yet acknowledged (sent or not).
  uint32_t SendBufferUsed() const { return static_cast<uint32_t>(snd_buf_.size()); }
  // Sequence space sent and not yet acknowledged.
  uint32_t BytesInFlight() const { return static_cast<uint32_t>(snd_nxt_ - snd_una_); }
  // Every queued byte and our FIN (if any) are acknowledged.
  bool AllAcknowledged() const;

  uint16_t effective_mss() const { return eff_mss_; }
  uint32_t send_window() const { return snd_wnd_; }   // peer's receive window, bytes
  uint32_t cwnd() const { return cwnd_; }
  uint8_t send_window_scale() const { return snd_wscale_; }  // shift applied to peer's windows
  uint8_t receive_window_scale() const { return rcv_wscale_; }  // shift of our windows
  bool window_scaling() const { return wscale_ok_; }
  const RtoEstimator& rto() const { return rto_; }
  const TcpCounters& counters() const { return counters_; }
  sim::LaneId lane() const { return lane_; }
  std::string DebugString() const;

 private:
  friend class TcpListener;
  enum class TimerKind : uint8_t { kRetransmit, kPersist, kDelayedAck, kKeepalive, kClose };
  static constexpr int kTimerCount = 5;

  // Passive open by a listener: consumes the SYN, sends SYN-ACK, enters SYN_RCVD.
  void StartPassive(const TcpSegment& syn, TcpListener* listener);

  // Segment arrival (RFC 793 section 3.9), by state.
  void ProcessSynSent(const TcpSegment& seg);
  void ProcessSynchronized(const TcpSegment& seg);
  // ACK processing; false if the segment must be dropped afterwards.
  bool ProcessAck(const TcpSegment& seg, uint32_t seq);
  void ProcessUrgent(const TcpSegment& seg, uint64_t seg_abs);
  // Accepts payload bytes [abs, abs + bytes.size()) (already trimmed to the window).
  void ProcessText(uint64_t abs, absl::Span<const uint8_t> bytes);
  void AppendInOrder(absl::Span<const uint8_t> bytes);
  void DeliverInOrder(absl::Span<const uint8_t> bytes);
  void MaybeProcessFin();

  // Sending.
  void Output();
  void SendSyn(bool with_ack);
  // Builds and emits one data/FIN segment at `seq` (len payload bytes); does not move snd_nxt.
  void EmitData(uint32_t seq, uint32_t len, bool fin, bool retransmission);
  void RetransmitFirst();  // the first unacknowledged segment (fast retransmit)
  void SendAckNow();
  void SendReset(uint32_t seq);
  void ReplyReset(const TcpSegment& seg);  // MakeResetFor(seg), sent as is
  uint32_t ResetSeq() const;  // the seq of a segment without data (RST or pure ACK)
  // Fills ack/window, counts, hands to output_.
  void Transmit(TcpSegment seg);
  uint16_t WindowField();
  uint32_t ReceiveWindowCandidate() const;
  void MaybeSendWindowUpdate();

  // Timers (lazy: a pending event earlier than the deadline re-arms itself).
  void ArmTimer(TimerKind kind, sim::VirtualTime deadline);
  void StopTimer(TimerKind kind);
  bool TimerArmed(TimerKind kind) const;
  void OnTimerEvent(TimerKind kind);
  void OnRetransmitTimeout();
  void OnPersistTimeout();
  void OnKeepaliveTimer();
  void OnCloseTimer();
  void UpdateRetransmitTimer();
  void ArmKeepalive();

  // State changes.
  void SetState(TcpState next);
  void EnterEstablished();
  void EnterTimeWait();
  void Fail(TcpError error, TcpEvent event, bool send_reset);
  void BecomeClosed();
  void DiscardBuffers();

  void Raise(TcpEvent event);
  // Delivers pending events; the last statement of every entry point.
  void FlushEvents();

  uint32_t DataEndSeq() const { return buf_front_seq_ + static_cast<uint32_t>(snd_buf_.size()); }
  uint32_t UnsentBytes() const;
  bool UrgentModeAhead() const;

  sim::Scheduler& scheduler_;
  sim::LaneId lane_;
  sim::Rng& isn_rng_;
  TcpConfig config_;
  TcpSocketOptions options_;
  OutputFn output_;
  EventFn on_event_;
  StateObserverFn on_state_;
  TcpListener* listener_ = nullptr;  // set while a listener owns this half-open/queued connection
  uint64_t listener_key_ = 0;        // its key among the listener's half-open connections
  uint64_t user_tag_ = 0;

  TcpState state_ = TcpState::kClosed;
  TcpError error_ = TcpError::kNone;
  bool used_ = false;  // Connect or StartPassive happened
  bool passive_ = false;
  bool orphaned_ = false;  // Close() was called
  bool snd_shutdown_ = false;
  bool rcv_shutdown_ = false;

  // Send sequence space (RFC 793 section 3.2). snd_max_ is the highest sequence sent + 1.
  uint32_t iss_ = 0;
  uint32_t snd_una_ = 0;
  uint32_t snd_nxt_ = 0;
  uint32_t snd_max_ = 0;
  uint32_t snd_wnd_ = 0;
  uint32_t max_snd_wnd_ = 0;
  uint32_t snd_wl1_ = 0;
  uint32_t snd_wl2_ = 0;
  uint32_t buf_front_seq_ = 0;  // sequence number of snd_buf_'s first byte
  ByteRing snd_buf_;            // unacknowledged + unsent data
  bool fin_queued_ = false;     // FIN follows the data (after Shutdown(send) / Close)
  uint32_t fin_seq_ = 0;        // its sequence number, valid when fin_queued_
  bool snd_up_valid_ = false;
  uint32_t snd_up_ = 0;         // one past the urgent byte (BSD)
  bool want_writable_ = false;
  bool force_send_ = false;     // persist: send despite Nagle / SWS
  uint8_t snd_wscale_ = 0;
  uint8_t rcv_wscale_ = 0;
  bool wscale_ok_ = false;
  bool sent_wscale_ = false;
  uint16_t peer_mss_ = kDefaultMss;
  uint16_t eff_mss_ = kDefaultMss;

  // Congestion control.
  uint32_t cwnd_ = 0;
  uint32_t ssthresh_ = 0;
  uint32_t dupacks_ = 0;
  bool in_recovery_ = false;
  uint32_t recover_ = 0;

  // RTT timing (one segment at a time, Karn).
  RtoEstimator rto_;
  bool timing_ = false;
  uint32_t rtt_seq_ = 0;
  sim::VirtualTime rtt_start_;
  sim::VirtualTime syn_sent_at_;
  int syn_retransmits_ = 0;
  int consecutive_timeouts_ = 0;
  int persist_shift_ = 0;

  // Receive sequence space. Absolute offsets count sequence positions after the peer's SYN.
  uint32_t irs_ = 0;
  uint32_t rcv_nxt_ = 0;
  uint64_t rcv_nxt_abs_ = 0;
  uint32_t rcv_adv_ = 0;        // right edge of the window we advertised
  ByteRing rcv_buf_;            // in-order data not yet read
  std::map<uint64_t, std::vector<uint8_t>> ooo_;  // out-of-order data by absolute offset
  bool fin_pending_ = false;    // a FIN was seen at fin_abs_ (maybe out of order)
  uint64_t fin_abs_ = 0;
  bool fin_received_ = false;
  uint32_t segs_since_ack_ = 0;
  bool ack_now_ = false;

  // Urgent data (receive).
  enum class UrgState : uint8_t { kNone, kAnnounced, kInStream };
  UrgState urg_state_ = UrgState::kNone;  // kInStream: inline urgent byte at mark_offset_
  uint64_t rcv_up_abs_ = 0;               // one past the urgent byte
  bool rcv_up_valid_ = false;
  bool has_oob_byte_ = false;
  uint8_t oob_byte_ = 0;
  bool mark_valid_ = false;
  uint32_t mark_offset_ = 0;              // bytes in rcv_buf_ before the mark

  // Keepalive.
  sim::VirtualTime last_receive_;
  int keepalive_sent_ = 0;

  struct TimerSlot {
    sim::VirtualTime deadline = sim::VirtualTime::Max();  // Max: stopped
    sim::VirtualTime scheduled_at = sim::VirtualTime::Max();
    sim::EventId event;
    bool pending = false;
  };
  TimerSlot timers_[kTimerCount];

  absl::InlinedVector<TcpEvent, 8> pending_events_;
  bool dispatching_ = false;
  bool* destroyed_flag_ = nullptr;

  TcpCounters counters_;
};

}  // namespace ws2sim::providers::tcpip

#endif  // WS2SIM_PROVIDERS_TCPIP_TCP_CONNECTION_H_
