// The tcpip provider's per-host state (DESIGN.md section 6): its sockets, TCP connections and
// listeners, UDP endpoints, port bindings, and the TCP and UDP handlers it registers on the
// sim::net host. The WSP functions (wsp.cc) act on it; the TCP engine (tcp_connection.h) does the
// protocol.
//
// Invariants:
//  - Every segment for a known 4-tuple goes to its connection; a SYN for a listening port to the
//    listener; anything else is answered with RST (S1 §3.1.16: WSAECONNREFUSED for the caller).
//  - A socket is the context value of its handle in the DLL's table (WPUQuerySocketHandleContext).
//  - A connection outlives its socket after a graceful closesocket until the TCP engine reports
//    kClosed (data still drains, S1 §3.1.2); its port stays bound until then.
//  - Ephemeral ports are 1025..5000 (classic Windows), handed out in order, skipping used ones.
//  - A fiber blocked in this provider waits on its socket's waiter list and re-checks its condition
//    after every wake-up; every state change of a socket wakes all its waiters.
#ifndef WS2SIM_PROVIDERS_TCPIP_STACK_H_
#define WS2SIM_PROVIDERS_TCPIP_STACK_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/functional/any_invocable.h"
#include "providers/common/network_events.h"
#include "providers/tcpip/tcp_connection.h"
#include "providers/tcpip/tcp_listener.h"
#include "sim/net/host.h"
#include "sim/net/network.h"
#include "sim/rng.h"

namespace ws2sim::providers::tcpip {

struct Endpoint {
  sim::net::IpAddress address;
  uint16_t port = 0;
  auto operator<=>(const Endpoint&) const = default;
};

struct FourTuple {
  Endpoint local;
  Endpoint remote;
  auto operator<=>(const FourTuple&) const = default;
};

struct Datagram {
  Endpoint from;
  std::vector<uint8_t> payload;
};

class TcpipStack;
struct OverlappedQueue;  // wsp_overlapped.cc

// One socket of the provider: the context of its handle.
struct TcpipSocket {
  enum class State { kOpen, kListening, kConnecting, kConnected, kClosed };

  TcpipStack* stack = nullptr;
  uint64_t id = 0;  // order of creation in the stack
  uint32_t handle = 0;
  uint32_t owner_pid = 0;
  uint32_t catalog_entry_id = 0;
  sim::net::Family family = sim::net::Family::kIpv4;
  int type = 0;      // SOCK_STREAM or SOCK_DGRAM
  int protocol = 0;  // IPPROTO_TCP or IPPROTO_UDP
  // The catalog entry's XP_ attributes: MSG_OOB needs XP_EXPEDITED_DATA (D-30, D-57).
  uint32_t attributes = 0;
  // The WSAPROTOCOL_INFOW record WSPSocket was given, returned by SO_PROTOCOL_INFO (D-23).
  std::vector<uint8_t> protocol_info;
  State state = State::kOpen;
  bool nonblocking = false;
  std::optional<Endpoint> local;   // bound
  std::optional<Endpoint> remote;  // connected (UDP: default peer)
  bool shut_send = false;
  bool shut_receive = false;

  // Options (S1 §2.8.4; SPEC 3.1).
  bool broadcast = false;
  bool debug = false;
  bool dont_route = false;
  bool reuse_address = false;
  bool linger_on = false;
  uint16_t linger_seconds = 0;
  bool interrupt = false;                // SO_INTERRUPT (D-24: stored, no effect in Win32)
  std::vector<uint8_t> provider_config;  // PVD_CONFIG: opaque, as set (SPEC 3.1)
  TcpSocketOptions tcp_options;  // SO_SNDBUF, SO_RCVBUF, TCP_NODELAY, SO_KEEPALIVE, SO_OOBINLINE

  // TCP.
  std::unique_ptr<TcpConnection> connection;
  std::unique_ptr<TcpListener> listener;
  TcpError failure = TcpError::kNone;  // why a connect failed (kRefused, kTimedOut)

  // UDP.
  std::deque<Datagram> datagrams;
  size_t queued_bytes = 0;

  std::vector<sim::FiberId> waiters;

  // Conditional acceptance (S1 §3.1.11; SPEC 2.6; D-37, D-38): the head request a condition
  // function deferred (CF_DEFER), named by its connection's tag; when; the timer discarding it.
  struct DeferredRequest {
    uint64_t tag = 0;
    sim::VirtualTime since;
    sim::EventId expiry;
  };
  std::optional<DeferredRequest> deferred;

  // Socket group (S1 §3.1.11, §3.1.16; SPEC 3.3): 0 = none, else an id >= 3 (SO_GROUP_ID).
  uint32_t group = 0;
  int group_priority = 0;  // SO_GROUP_PRIORITY (S1 §3.1.5)

  // Its other descriptors as (handle, process), besides (handle, owner_pid): the ones WSPSocket
  // made from a WSPDuplicateSocket record (D-69), in creation order.
  std::vector<std::pair<uint32_t, uint32_t>> shared;

  // Notifications (wsp_notify.cc), per descriptor by handle (D-69: registrations are per
  // descriptor), made on first use.
  absl::btree_map<uint32_t, providers::NetworkEvents> events;
  providers::NetworkEvents& EventsOf(uint32_t descriptor) { return events[descriptor]; }
  bool Registered(uint32_t descriptor) const {
    auto it = events.find(descriptor);
    return it != events.end() && it->second.registered();
  }
  bool connect_attempted = false;  // WSPConnect started a connection (FD_CONNECT is due once)
  bool connect_signalled = false;  // its FD_WRITE occurrence at connect completion was raised

  // --- Overlapped I/O (wsp_overlapped.cc; S1 §3.1.20-3.1.25, SPEC 2.19) ---------------------
  // Created with WSA_FLAG_OVERLAPPED, or accepted from such a listener: overlapped arguments are
  // honoured (D-49) and the socket never leaves non-blocking mode (D-61).
  bool overlapped = false;
  // Its pending operations and its completion routines not yet run; null until the first
  // overlapped call. Shared: a queued routine keeps it alive after closesocket.
  std::shared_ptr<OverlappedQueue> overlapped_ops;
  // --- end of overlapped I/O -----------------------------------------------------------------

  bool is_stream() const { return type == 1; }
};

class TcpipStack {
 public:
  TcpipStack(sim::net::Host& host, uint64_t seed);
  ~TcpipStack();
  TcpipStack(const TcpipStack&) = delete;
  TcpipStack& operator=(const TcpipStack&) = delete;

  sim::net::Host& host() { return host_; }
  sim::Scheduler& scheduler() { return host_.network().scheduler(); }

  // A new socket owned by process `owner_pid` (it counts among the process's descriptors).
  TcpipSocket* NewSocket(uint32_t owner_pid);
  // Frees the socket (after closesocket); its connection, if still closing, lives on.
  void DestroySocket(TcpipSocket* socket);
  // Every socket of which process `pid` holds a descriptor (WSPCleanup).
  std::vector<TcpipSocket*> SocketsOf(uint32_t pid);
  // The descriptors `pid` holds: its sockets and its closed connections still draining. O(log n).
  size_t DescriptorsOf(uint32_t pid) const;

  // Binding. `endpoint.port` 0 picks an ephemeral port. Errors as WSA codes: WSAEADDRINUSE,
  // WSAEADDRNOTAVAIL (not an address of this host).
  int Bind(TcpipSocket* socket, Endpoint endpoint);
  void Unbind(TcpipSocket* socket);

  // The route's source address toward `remote`; nullopt when there is no route.
  std::optional<sim::net::IpAddress> SourceFor(const sim::net::IpAddress& remote);
  uint16_t MssFor(const sim::net::IpAddress& remote);

  // TCP.
  TcpConnection* StartConnection(TcpipSocket* socket);  // active open to socket->remote
  void StartListening(TcpipSocket* socket, int backlog);
  std::unique_ptr<TcpConnection> TakeAccepted(TcpipSocket* listener, FourTuple* tuple);
  void AdoptAccepted(TcpipSocket* socket, std::unique_ptr<TcpConnection> connection,
                     const FourTuple& tuple);
  // The socket no longer owns its connection; it drains and is destroyed at kClosed.
  void Orphan(TcpipSocket* socket);
  // The oldest completed connection queued on `listener` without taking it (a condition
  // function decides on it first), with its 4-tuple; null when none is queued.
  TcpConnection* PeekAccepted(TcpipSocket* listener, FourTuple* tuple);
  // Takes the oldest completed connection off `listener`'s queue and resets it (CF_REJECT, or a
  // stale deferred request: S1 §3.1.11; D-32, D-37, D-38). The peer sees a reset.
  void DiscardAccepted(TcpipSocket* listener);
  // Marks `listener`'s head request deferred now and arms its discard after `timeout` (D-38).
  void Defer(TcpipSocket* listener, uint64_t tag, sim::Duration timeout);
  // Forgets `listener`'s deferred request and its timer.
  void ClearDeferred(TcpipSocket* listener);

  // Socket groups (SPEC 3.3): a new group id (never 0, 1 or 2) and what a group requires.
  struct Group {
    bool constrained = false;
    sim::net::IpAddress peer;  // constrained: every member's peer host
  };
  uint32_t NewGroup(const Group& group);
  const Group* FindGroup(uint32_t id) const;

  // Shared descriptors (WSPDuplicateSocket, D-69): `socket` gets descriptor `handle` in process
  // `pid` (it counts among that process's descriptors) / loses one. DropDescriptor returns true
  // when other descriptors remain (the socket lives on).
  void AddDescriptor(TcpipSocket* socket, uint32_t handle, uint32_t pid);
  bool DropDescriptor(TcpipSocket* socket, uint32_t handle);
  // A socket by its id; null once destroyed.
  TcpipSocket* FindSocket(uint64_t id);
  // WSPDuplicateSocket's record names `socket` for process `pid` by a key (>= 0x80000000, so it
  // never equals a provider id the DLL writes in dwProviderReserved). TakeShare redeems it once,
  // in that process: the socket, or null (unknown key, other process, socket closed).
  uint32_t Share(TcpipSocket* socket, uint32_t pid);
  TcpipSocket* TakeShare(uint32_t key, uint32_t pid);

  // UDP: sends one datagram; errors as WSA codes (WSAENETUNREACH, WSAEMSGSIZE).
  int SendDatagram(TcpipSocket* socket, const Endpoint& to, absl::Span<const uint8_t> payload);

  // Wakes every fiber waiting on `socket`, then runs the socket-changed hook.
  void WakeAll(TcpipSocket* socket);
  // Called with a socket whenever its state may have changed (notifications, overlapped I/O).
  void SetSocketChangedHook(absl::AnyInvocable<void(TcpipSocket*)> hook) {
    socket_changed_ = std::move(hook);
  }
  // Parks the calling fiber on `socket` (and on `also`, for select) until one is woken or
  // `deadline` passes.
  void Wait(const std::vector<TcpipSocket*>& sockets, absl::string_view reason,
            sim::VirtualTime deadline = sim::VirtualTime::Max());

 private:
  void OnTcpPacket(const sim::net::ReceivedPacket& in);
  void OnUdpPacket(const sim::net::ReceivedPacket& in);
  void SendSegment(const FourTuple& tuple, const TcpSegment& segment);
  TcpConnection::OutputFn OutputFor(const FourTuple& tuple);
  void OnConnectionEvent(uint64_t tag, TcpEvent event);
  void Register(uint64_t tag, const FourTuple& tuple, TcpipSocket* socket);
  void Forget(uint64_t tag);
  void ReleaseDescriptor(uint32_t pid);
  bool PortInUse(int protocol, sim::net::Family family, uint16_t port,
                 const sim::net::IpAddress& address, bool reuse) const;

  struct ConnectionEntry {
    FourTuple tuple;
    TcpConnection* connection = nullptr;  // owned by a socket, a listener or orphans_
    TcpipSocket* socket = nullptr;        // null while queued in a listener or orphaned
    uint32_t orphan_owner_pid = 0;        // once orphaned: the process whose socket it was
  };

  sim::net::Host& host_;
  absl::AnyInvocable<void(TcpipSocket*)> socket_changed_;
  sim::Rng isn_rng_;
  sim::LaneId lane_;
  uint64_t next_tag_ = 1;
  uint16_t next_ephemeral_port_ = 1025;
  uint64_t next_socket_id_ = 1;
  absl::btree_map<uint64_t, std::unique_ptr<TcpipSocket>> sockets_;  // by id
  absl::btree_map<uint64_t, ConnectionEntry> connections_;  // by tag
  absl::btree_map<FourTuple, uint64_t> by_tuple_;
  absl::btree_map<uint64_t, std::unique_ptr<TcpConnection>> orphans_;  // by tag
  absl::btree_map<uint32_t, Group> groups_;  // by id
  uint32_t next_group_id_ = 3;               // 0, 1, 2 are the g argument's special values
  // Share keys not yet redeemed: key -> (socket id, target process).
  absl::btree_map<uint32_t, std::pair<uint64_t, uint32_t>> shares_;
  uint32_t next_share_key_ = 0x80000000u;
  // Per process: sockets plus orphaned connections not yet closed (DescriptorsOf).
  absl::btree_map<uint32_t, size_t> descriptors_;
  // Bound sockets by (protocol, family, port), in bind order.
  absl::btree_map<std::tuple<int, sim::net::Family, uint16_t>, std::vector<TcpipSocket*>> bound_;
  // Ports held by orphaned connections until they close: (protocol, family, port) -> count.
  absl::btree_map<std::tuple<int, sim::net::Family, uint16_t>, int> draining_ports_;
};

}  // namespace ws2sim::providers::tcpip

#endif  // WS2SIM_PROVIDERS_TCPIP_STACK_H_
