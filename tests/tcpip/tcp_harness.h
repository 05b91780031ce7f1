// A two-host test bench for the TCP engine: hosts A (0) and B (1) joined by a simulated wire,
// one link per direction, each with one-way delay, pacing (bits per second), loss, duplication
// and reordering drawn from sim::Rng streams named after the link. Each host demultiplexes
// segments by (local port, remote port) to its connections, then to a listener on the port, and
// otherwise answers as a closed port (MakeResetFor), unless told to stay silent.
//
// Endpoint wraps one connection with an event log, a state-transition log, and optional
// automatic reading (drain on kReadable) and sending (fill on kConnected / kWritable).
#ifndef WS2SIM_TESTS_TCPIP_TCP_HARNESS_H_
#define WS2SIM_TESTS_TCPIP_TCP_HARNESS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "providers/tcpip/options.h"
#include "providers/tcpip/segment.h"
#include "providers/tcpip/tcp_connection.h"
#include "providers/tcpip/tcp_listener.h"
#include "sim/rng.h"
#include "sim/scheduler.h"
#include "sim/time.h"

namespace ws2sim::providers::tcpip::testing {

struct LinkConfig {
  sim::Duration delay = sim::Duration::Milliseconds(1);
  uint64_t bits_per_second = 0;  // 0: no serialization delay
  uint32_t overhead_bytes = 40;  // IPv4 + TCP header, for pacing
  double loss = 0;               // probability a segment is lost
  double duplicate = 0;          // probability a segment is delivered twice
  double reorder = 0;            // probability a segment is held back by up to reorder_extra
  sim::Duration reorder_extra = sim::Duration::Milliseconds(3);
  bool blackhole = false;        // drop everything
};

// One segment put on the wire, as the harness saw it (payload kept only if keep_payloads).
struct WireRecord {
  sim::VirtualTime at;
  int from = 0;  // host index
  uint16_t src_port = 0;
  uint16_t dst_port = 0;
  TcpSegment segment;  // payload emptied unless Network::keep_payloads
  uint32_t payload_len = 0;
  bool lost = false;
};

class Network;

class Endpoint {
 public:
  TcpConnection* conn() const { return conn_.get(); }
  TcpConnection* operator->() const { return conn_.get(); }

  bool Saw(TcpEvent e) const;
  int Count(TcpEvent e) const;
  std::optional<sim::VirtualTime> When(TcpEvent e) const;  // first time
  const std::vector<std::pair<sim::VirtualTime, TcpEvent>>& events() const { return events_; }
  const std::vector<TcpState>& states() const { return states_; }  // every state entered

  // Automatic reading: drains everything readable into received() on kReadable / kPeerClosed.
  bool auto_read = false;
  std::vector<uint8_t> received;
  bool eof = false;  // Recv returned 0
  TcpError read_error = TcpError::kNone;
  // Automatic sending: pushes `to_send` on kConnected / kWritable; then, if set, shuts down the
  // send side or closes.
  std::vector<uint8_t> to_send;
  size_t sent = 0;
  enum class After { kNothing, kShutdownSend, kClose } after_send = After::kNothing;
  // Extra hook, run after the automatic actions.
  std::function<void(Endpoint&, TcpEvent)> on_event;

  void Drain();     // reads all that is readable now
  void PushSend();  // sends as much of to_send as is accepted now
  // Destroys the connection when it reaches CLOSED (from inside the event callback).
  bool destroy_on_close = false;

 private:
  friend class Network;
  void Attach(std::unique_ptr<TcpConnection> conn, Network* net, int host);
  void OnEvent(TcpEvent e);

  Network* net_ = nullptr;
  int host_ = 0;
  std::unique_ptr<TcpConnection> conn_;
  std::vector<std::pair<sim::VirtualTime, TcpEvent>> events_;
  std::vector<TcpState> states_;
  bool after_done_ = false;
};

class ListenerEndpoint {
 public:
  TcpListener* listener() const { return listener_.get(); }
  TcpListener* operator->() const { return listener_.get(); }
  // Accepts automatically on kConnectionReady; accepted endpoints get `accepted_setup` first.
  bool auto_accept = true;
  std::function<void(Endpoint&)> accepted_setup;
  // Accepted connections, in order.
  std::vector<Endpoint*> accepted;
  Endpoint* AcceptOne();  // manual accept; nullptr when the queue is empty
  int ready_events = 0;
  int dropped_events = 0;

 private:
  friend class Network;
  Network* net_ = nullptr;
  int host_ = 0;
  uint16_t port_ = 0;
  std::unique_ptr<TcpListener> listener_;
};

class Network {
 public:
  // a_to_b carries segments from host 0 to host 1; b_to_a the other way.
  Network(uint64_t seed, const LinkConfig& a_to_b, const LinkConfig& b_to_a,
          const TcpConfig& config = {});
  ~Network();

  sim::Scheduler& scheduler() { return *scheduler_; }
  sim::VirtualTime Now() const { return scheduler_->Now(); }
  TcpConfig& config() { return config_; }
  LinkConfig& link(int from) { return links_[from].config; }

  // An active open from host `host` port `local_port` to the other host's `remote_port`.
  Endpoint* Connect(int host, uint16_t local_port, uint16_t remote_port,
                    const TcpSocketOptions& options = {});
  // A connection object without Connect() (call (*e)->Connect() yourself).
  Endpoint* Open(int host, uint16_t local_port, uint16_t remote_port,
                 const TcpSocketOptions& options = {});
  ListenerEndpoint* Listen(int host, uint16_t port, int backlog,
                           const TcpSocketOptions& child_options = {},
                           BacklogFullAction when_full = BacklogFullAction::kRefuse);
  // Whether `host` answers segments for unknown ports with RST (default true).
  void SetClosedPortResets(int host, bool on) { closed_port_rst_[host] = on; }

  // Runs until no event is left or `limit` of virtual time has passed since now.
  sim::RunResult Run(sim::Duration limit = sim::Duration::Seconds(3600));
  sim::RunResult RunUntil(sim::VirtualTime t) { return scheduler_->RunUntil(t); }

  std::vector<WireRecord> wire;  // every segment sent, in order
  bool keep_payloads = false;
  // Extra loss: a segment for which this returns true is lost (recorded as lost).
  std::function<bool(int from, const TcpSegment& segment)> drop_hook;
  bool record_wire = true;
  uint64_t segments_delivered = 0;

  // Records of segments sent by `host` with (flags & mask) == value.
  std::vector<WireRecord> Sent(int host, uint8_t mask = 0, uint8_t value = 0) const;

 private:
  friend class Endpoint;
  friend class ListenerEndpoint;
  struct Link {
    LinkConfig config;
    sim::Rng loss_rng{0};
    sim::Rng dup_rng{0};
    sim::Rng reorder_rng{0};
    sim::VirtualTime next_free;
    sim::LaneId lane = 0;
  };
  struct InFlight {
    int to = 0;
    uint16_t src_port = 0;  // sender's port
    uint16_t dst_port = 0;
    TcpSegment segment;
  };
  using Key = std::pair<uint16_t, uint16_t>;  // (local port, remote port)

  TcpConnection::OutputFn OutputFor(int host, uint16_t local_port, uint16_t remote_port);
  void Send(int from, uint16_t src_port, uint16_t dst_port, TcpSegment seg);
  void Deliver(uint64_t id);
  std::unique_ptr<TcpConnection> MakeConnection(int host, uint16_t local_port,
                                                uint16_t remote_port,
                                                const TcpSocketOptions& options);
  Endpoint* Adopt(int host, Key key, std::unique_ptr<TcpConnection> conn);
  void Forget(int host, TcpConnection* conn);

  std::unique_ptr<sim::Scheduler> scheduler_;
  TcpConfig config_;
  Link links_[2];
  sim::LaneId host_lane_[2] = {0, 0};
  sim::Rng isn_rng_[2] = {sim::Rng(1), sim::Rng(2)};
  bool closed_port_rst_[2] = {true, true};
  std::map<Key, TcpConnection*> demux_[2];
  std::map<uint16_t, ListenerEndpoint*> listeners_[2];
  std::vector<std::unique_ptr<Endpoint>> endpoints_;
  std::vector<std::unique_ptr<ListenerEndpoint>> listener_endpoints_;
  std::map<uint64_t, InFlight> in_flight_;
  uint64_t next_id_ = 0;
};

// Deterministic pseudo-random bytes.
std::vector<uint8_t> RandomBytes(uint64_t seed, size_t n);

// A link with a fixed one-way delay and nothing else.
inline LinkConfig Delay(sim::Duration d) {
  LinkConfig c;
  c.delay = d;
  return c;
}

// The virtual time `d` after the start of the run.
inline sim::VirtualTime At(sim::Duration d) { return sim::VirtualTime::Zero() + d; }

}  // namespace ws2sim::providers::tcpip::testing

#endif  // WS2SIM_TESTS_TCPIP_TCP_HARNESS_H_
