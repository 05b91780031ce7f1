// TcpListener: a TCP port in LISTEN (RFC 793) with its backlog of half-open (SYN_RCVD) and
// completed (ESTABLISHED, not yet accepted) connections.
//
// The glue hands it every segment addressed to the listening port that matched no existing
// connection's 4-tuple, with an OutputFn bound to that peer:
//  - a SYN, when half-open + completed < backlog, creates a TcpConnection (owned by the
//    listener) that answers SYN-ACK; OnSegment returns it, and the glue must route that peer's
//    later segments to it (register its 4-tuple; user_tag is the glue's to set);
//  - a SYN beyond the backlog is refused with RST (BacklogFullAction::kRefuse: SPEC 2.5, "the
//    client gets WSAECONNREFUSED", which is also what Windows does) or silently dropped
//    (kDrop: BSD / Linux; the client's SYN retries may then get in);
//  - any other segment is answered as on a closed port (RST for an ACK; an RST is ignored).
// When a half-open connection completes its handshake it moves to the accept queue and the
// listener raises kConnectionReady (FD_ACCEPT). When it fails first (RST, SYN-ACK retries
// exhausted) the listener raises kConnectionDropped (the glue forgets its 4-tuple) and destroys
// it. Accept() hands over the oldest completed connection; the new owner installs its own
// EventFn and should then query the connection (data or a FIN may already be buffered; it may
// even have been reset while queued, then state() is kClosed and error() says why).
//
// Children run their timers on the listener's lane. Close() resets every queued connection
// (RST to each peer, kConnectionDropped for each) and refuses later SYNs.
#ifndef WS2SIM_PROVIDERS_TCPIP_TCP_LISTENER_H_
#define WS2SIM_PROVIDERS_TCPIP_TCP_LISTENER_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/functional/any_invocable.h"
#include "providers/tcpip/options.h"
#include "providers/tcpip/segment.h"
#include "providers/tcpip/tcp_connection.h"
#include "sim/rng.h"
#include "sim/scheduler.h"

namespace ws2sim::providers::tcpip {

enum class TcpListenerEvent : uint8_t {
  kConnectionReady,    // a connection joined the accept queue
  kConnectionDropped,  // a half-open or queued connection is about to be destroyed
};

enum class BacklogFullAction : uint8_t { kRefuse, kDrop };

struct TcpListenerCounters {
  uint64_t syns_received = 0;
  uint64_t syns_over_backlog = 0;  // refused or dropped because the backlog was full
  uint64_t connections_completed = 0;
  uint64_t connections_accepted = 0;
  uint64_t half_open_dropped = 0;
  uint64_t resets_sent = 0;
};

class TcpListener {
 public:
  using EventFn = absl::AnyInvocable<void(TcpListenerEvent, TcpConnection*)>;

  // `backlog` >= 1 counts half-open plus completed connections (the glue clamps the
  // application's value to [1, somaxconn], SPEC D-59). `child_options` are the options of
  // accepted connections (the listening socket's options, which accepted sockets inherit).
  TcpListener(sim::Scheduler& scheduler, sim::LaneId lane, sim::Rng& isn_rng,
              const TcpConfig& config, const TcpSocketOptions& child_options, int backlog,
              BacklogFullAction when_full = BacklogFullAction::kRefuse);
  // Destroys every queued connection without telling anyone (call Close() first for RSTs).
  ~TcpListener();
  TcpListener(const TcpListener&) = delete;
  TcpListener& operator=(const TcpListener&) = delete;

  // Must not destroy the listener from inside the callback; may call Accept().
  void SetEventCallback(EventFn fn) { on_event_ = std::move(fn); }

  // A segment for the listening port that matched no connection (see above). Returns the new
  // half-open connection, or nullptr. `reply` sends to that peer; the new connection keeps it.
  // `mss_bytes`, when given, is the MSS this end advertises to that peer (the route's MTU less
  // headers), overriding child_options().mss.
  TcpConnection* OnSegment(const TcpSegment& segment, TcpConnection::OutputFn reply,
                           uint64_t user_tag = 0, std::optional<uint16_t> mss_bytes = {});
  // The oldest completed connection, or nullptr when none is queued (WSAEWOULDBLOCK).
  std::unique_ptr<TcpConnection> Accept();
  // The connection Accept() would hand over, left queued; nullptr when none is.
  TcpConnection* Front() const { return completed_.empty() ? nullptr : completed_.front().get(); }
  // Resets and drops every queued connection; later SYNs are refused. Idempotent.
  void Close();

  void SetBacklog(int backlog) { backlog_ = backlog < 1 ? 1 : backlog; }
  int backlog() const { return backlog_; }
  TcpSocketOptions& child_options() { return child_options_; }
  size_t half_open_count() const { return half_open_.size(); }
  size_t completed_count() const { return completed_.size(); }
  bool closed() const { return closed_; }
  const TcpListenerCounters& counters() const { return counters_; }

 private:
  friend class TcpConnection;
  // From a child's event flush, while the child is owned by this listener.
  void OnChildEvent(TcpConnection* child, TcpEvent event);

  sim::Scheduler& scheduler_;
  sim::LaneId lane_;
  sim::Rng& isn_rng_;
  TcpConfig config_;
  TcpSocketOptions child_options_;
  int backlog_;
  BacklogFullAction when_full_;
  EventFn on_event_;
  bool closed_ = false;
  // By SYN order (a counter; each child keeps its key in listener_key_): in SYN order for Close,
  // and a child found in O(log n) when it completes or fails among thousands half open.
  absl::btree_map<uint64_t, std::unique_ptr<TcpConnection>> half_open_;
  uint64_t next_half_open_key_ = 0;
  std::deque<std::unique_ptr<TcpConnection>> completed_;   // in completion order
  TcpListenerCounters counters_;
};

}  // namespace ws2sim::providers::tcpip

#endif  // WS2SIM_PROVIDERS_TCPIP_TCP_LISTENER_H_
