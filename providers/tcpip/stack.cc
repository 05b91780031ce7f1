#include "providers/tcpip/stack.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "sim/net/network.h"
#include "sim/net/packet.h"

namespace ws2sim::providers::tcpip {
namespace {

using sim::net::Family;
using sim::net::IpAddress;

constexpr int kProtocolTcp = 6;
constexpr int kProtocolUdp = 17;
constexpr uint16_t kFirstEphemeralPort = 1025;
constexpr uint16_t kLastEphemeralPort = 5000;

std::string EndpointText(const Endpoint& e) {
  return e.address.is_v6() ? absl::StrCat("[", e.address.ToString(), "]:", e.port)
                           : absl::StrCat(e.address.ToString(), ":", e.port);
}

TcpSegment FromWire(const sim::net::ParsedTcp& t) {
  TcpSegment seg;
  seg.seq = t.seq;
  seg.ack = t.ack;
  seg.flags = t.flags;
  seg.window = t.window;
  seg.urgent_pointer = t.urgent_pointer;
  if (auto mss = sim::net::FindTcpOption(t.options, sim::net::kTcpOptionMss);
      mss && mss->size() == 2) {
    seg.mss = static_cast<uint16_t>(((*mss)[0] << 8) | (*mss)[1]);
  }
  if (auto ws = sim::net::FindTcpOption(t.options, sim::net::kTcpOptionWindowScale);
      ws && ws->size() == 1) {
    seg.window_scale = (*ws)[0];
  }
  seg.payload.assign(t.payload.begin(), t.payload.end());
  return seg;
}

}  // namespace

TcpipStack::TcpipStack(sim::net::Host& host, uint64_t seed)
    : host_(host),
      isn_rng_(sim::Rng::Stream(seed, absl::StrCat("tcpip/", host.name(), "/isn"))),
      lane_(host.network().scheduler().NewLane(absl::StrCat("tcpip ", host.name()),
                                               trace::pb::LANE_PROVIDER, host.lane())) {
  host_.SetProtocolHandler(sim::net::kProtoTcp,
                           [this](const sim::net::ReceivedPacket& in) { OnTcpPacket(in); });
  host_.SetProtocolHandler(sim::net::kProtoUdp,
                           [this](const sim::net::ReceivedPacket& in) { OnUdpPacket(in); });
}

TcpipStack::~TcpipStack() {
  for (auto& [id, socket] : sockets_) ClearDeferred(socket.get());
  host_.SetProtocolHandler(sim::net::kProtoTcp, nullptr);
  host_.SetProtocolHandler(sim::net::kProtoUdp, nullptr);
}

TcpipSocket* TcpipStack::NewSocket(uint32_t owner_pid) {
  auto socket = std::make_unique<TcpipSocket>();
  socket->stack = this;
  socket->owner_pid = owner_pid;
  ++descriptors_[owner_pid];
  socket->id = next_socket_id_++;
  TcpipSocket* raw = socket.get();
  sockets_[raw->id] = std::move(socket);
  return raw;
}

void TcpipStack::DestroySocket(TcpipSocket* socket) {
  socket->events.clear();
  ClearDeferred(socket);
  Unbind(socket);
  if (socket->connection != nullptr) Orphan(socket);
  if (socket->listener != nullptr) socket->listener->Close();
  WakeAll(socket);
  ReleaseDescriptor(socket->owner_pid);
  sockets_.erase(socket->id);
}

void TcpipStack::ReleaseDescriptor(uint32_t pid) {
  auto it = descriptors_.find(pid);
  if (it != descriptors_.end() && --it->second == 0) descriptors_.erase(it);
}

std::vector<TcpipSocket*> TcpipStack::SocketsOf(uint32_t pid) {
  std::vector<TcpipSocket*> mine;
  for (auto& [id, s] : sockets_) {
    bool holds = s->owner_pid == pid;
    for (const auto& [handle, owner] : s->shared) holds |= owner == pid;
    if (holds) mine.push_back(s.get());
  }
  return mine;
}

TcpipSocket* TcpipStack::FindSocket(uint64_t id) {
  auto it = sockets_.find(id);
  return it == sockets_.end() ? nullptr : it->second.get();
}

uint32_t TcpipStack::Share(TcpipSocket* socket, uint32_t pid) {
  const uint32_t key = next_share_key_++;
  shares_[key] = {socket->id, pid};
  return key;
}

TcpipSocket* TcpipStack::TakeShare(uint32_t key, uint32_t pid) {
  auto it = shares_.find(key);
  if (it == shares_.end() || it->second.second != pid) return nullptr;
  TcpipSocket* socket = FindSocket(it->second.first);
  shares_.erase(it);
  return socket;
}

void TcpipStack::AddDescriptor(TcpipSocket* socket, uint32_t handle, uint32_t pid) {
  socket->shared.emplace_back(handle, pid);
  ++descriptors_[pid];
}

bool TcpipStack::DropDescriptor(TcpipSocket* socket, uint32_t handle) {
  if (socket->shared.empty()) return false;
  socket->events.erase(handle);  // its registration goes with it (D-69)
  if (handle == socket->handle) {  // another descriptor becomes the socket's first
    ReleaseDescriptor(socket->owner_pid);
    std::tie(socket->handle, socket->owner_pid) = socket->shared.front();
    socket->shared.erase(socket->shared.begin());
    return true;
  }
  auto it = std::find_if(socket->shared.begin(), socket->shared.end(),
                         [handle](const auto& d) { return d.first == handle; });
  if (it == socket->shared.end()) return true;
  ReleaseDescriptor(it->second);
  socket->shared.erase(it);
  return true;
}

size_t TcpipStack::DescriptorsOf(uint32_t pid) const {
  auto it = descriptors_.find(pid);
  return it == descriptors_.end() ? 0 : it->second;
}

bool TcpipStack::PortInUse(int protocol, Family family, uint16_t port, const IpAddress& address,
                           bool reuse) const {
  if (reuse) return false;  // SO_REUSEADDR, set before bind (S1 §3.1.1, §3.1.5)
  const auto key = std::make_tuple(protocol, family, port);
  if (auto it = draining_ports_.find(key); it != draining_ports_.end() && it->second > 0) {
    return true;
  }
  auto it = bound_.find(key);
  if (it == bound_.end()) return false;
  for (const TcpipSocket* s : it->second) {
    if (s->local->address == address || s->local->address.IsUnspecified() ||
        address.IsUnspecified()) {
      return true;
    }
  }
  return false;
}

int TcpipStack::Bind(TcpipSocket* socket, Endpoint endpoint) {
  constexpr int kAddrInUse = 10048, kAddrNotAvail = 10049, kNoBufs = 10055;
  if (!endpoint.address.IsUnspecified() && !host_.HasAddress(endpoint.address)) {
    return kAddrNotAvail;
  }
  if (endpoint.port == 0) {
    const int span = kLastEphemeralPort - kFirstEphemeralPort + 1;
    bool found = false;
    for (int i = 0; i < span && !found; ++i) {
      const uint16_t port = next_ephemeral_port_;
      next_ephemeral_port_ =
          port == kLastEphemeralPort ? kFirstEphemeralPort : static_cast<uint16_t>(port + 1);
      if (!PortInUse(socket->protocol, socket->family, port, endpoint.address, false)) {
        endpoint.port = port;
        found = true;
      }
    }
    if (!found) return kNoBufs;  // every ephemeral port is taken
  } else if (PortInUse(socket->protocol, socket->family, endpoint.port, endpoint.address,
                       socket->reuse_address)) {
    return kAddrInUse;
  }
  bound_[std::make_tuple(socket->protocol, socket->family, endpoint.port)].push_back(socket);
  socket->local = endpoint;
  return 0;
}

void TcpipStack::Unbind(TcpipSocket* socket) {
  if (!socket->local) return;
  auto it = bound_.find(std::make_tuple(socket->protocol, socket->family, socket->local->port));
  if (it == bound_.end()) return;
  auto& v = it->second;
  v.erase(std::remove(v.begin(), v.end(), socket), v.end());
  if (v.empty()) bound_.erase(it);
}

std::optional<IpAddress> TcpipStack::SourceFor(const IpAddress& remote) {
  absl::StatusOr<sim::net::RouteInfo> route = host_.Lookup(remote);
  if (!route.ok()) return std::nullopt;
  return route->source;
}

uint16_t TcpipStack::MssFor(const IpAddress& remote) {
  absl::StatusOr<sim::net::RouteInfo> route = host_.Lookup(remote);
  const uint32_t mtu = route.ok() ? route->mtu_bytes : sim::net::kDefaultMtuBytes;
  const uint32_t headers = remote.is_v6() ? 60 : 40;
  return static_cast<uint16_t>(std::min<uint32_t>(mtu - headers, 65495));
}

// --- TCP -------------------------------------------------------------------------------------

void TcpipStack::Register(uint64_t tag, const FourTuple& tuple, TcpipSocket* socket) {
  connections_[tag] = ConnectionEntry{tuple, nullptr, socket};
  by_tuple_[tuple] = tag;
}

void TcpipStack::Forget(uint64_t tag) {
  auto it = connections_.find(tag);
  if (it == connections_.end()) return;
  by_tuple_.erase(it->second.tuple);
  connections_.erase(it);
}

TcpConnection::OutputFn TcpipStack::OutputFor(const FourTuple& tuple) {
  return [this, tuple](TcpSegment segment) { SendSegment(tuple, segment); };
}

void TcpipStack::SendSegment(const FourTuple& tuple, const TcpSegment& segment) {
  std::vector<uint8_t> options;
  if (segment.mss) options = sim::net::TcpMssOption(*segment.mss);
  if (segment.window_scale) {
    std::vector<uint8_t> ws = sim::net::TcpWindowScaleOption(*segment.window_scale);
    options.insert(options.end(), ws.begin(), ws.end());
  }
  sim::net::TcpSpec spec;
  spec.ip.src = tuple.local.address;
  spec.ip.dst = tuple.remote.address;
  spec.src_port = tuple.local.port;
  spec.dst_port = tuple.remote.port;
  spec.seq = segment.seq;
  spec.ack = segment.ack;
  spec.flags = segment.flags;
  spec.window = segment.window;
  spec.urgent_pointer = segment.urgent_pointer;
  spec.options = options;
  spec.payload = segment.payload;
  // A failure (no route) is counted and traced by the host; TCP retransmits and times out.
  (void)host_.Send(sim::net::BuildTcp(spec));
}

void TcpipStack::OnConnectionEvent(uint64_t tag, TcpEvent event) {
  auto it = connections_.find(tag);
  if (it == connections_.end()) return;
  TcpipSocket* socket = it->second.socket;
  if (socket != nullptr) {
    TcpConnection& c = *socket->connection;
    switch (event) {
      case TcpEvent::kConnected:
        socket->state = TcpipSocket::State::kConnected;
        break;
      case TcpEvent::kRefused:
      case TcpEvent::kTimedOut:
        if (socket->state == TcpipSocket::State::kConnecting) socket->failure = c.error();
        break;
      case TcpEvent::kClosed:
        Forget(tag);
        break;
      default:
        break;
    }
    WakeAll(socket);
    return;
  }
  if (event == TcpEvent::kClosed) {  // an orphan finished closing: its port is free again
    auto orphan = orphans_.find(tag);
    if (orphan != orphans_.end()) {
      const FourTuple tuple = it->second.tuple;
      const auto key = std::make_tuple(
          kProtocolTcp, tuple.local.address.family(), tuple.local.port);
      if (--draining_ports_[key] == 0) draining_ports_.erase(key);
      ReleaseDescriptor(it->second.orphan_owner_pid);
      Forget(tag);
      orphans_.erase(orphan);  // destroys the connection (allowed from its EventFn)
    }
  }
}

TcpConnection* TcpipStack::StartConnection(TcpipSocket* socket) {
  const FourTuple tuple{*socket->local, *socket->remote};
  const uint64_t tag = next_tag_++;
  TcpSocketOptions options = socket->tcp_options;
  options.mss = MssFor(tuple.remote.address);
  const sim::LaneId lane = scheduler().NewLane(
      absl::StrCat("tcp ", EndpointText(tuple.local), " > ", EndpointText(tuple.remote)),
      trace::pb::LANE_SOCKET, lane_);
  socket->connection = std::make_unique<TcpConnection>(scheduler(), lane, isn_rng_, TcpConfig{},
                                                       options, OutputFor(tuple));
  socket->connection->set_user_tag(tag);
  socket->connection->SetEventCallback([this, tag](TcpEvent e) { OnConnectionEvent(tag, e); });
  Register(tag, tuple, socket);
  socket->state = TcpipSocket::State::kConnecting;
  socket->connect_attempted = true;
  socket->connection->Connect();
  return socket->connection.get();
}

void TcpipStack::StartListening(TcpipSocket* socket, int backlog) {
  if (socket->listener != nullptr) {
    socket->listener->SetBacklog(backlog);
    return;
  }
  // Each accepted connection's MSS comes from the route to its peer (OnTcpPacket).
  socket->listener = std::make_unique<TcpListener>(scheduler(), lane_, isn_rng_, TcpConfig{},
                                                   socket->tcp_options, backlog);
  socket->listener->SetEventCallback([this, socket](TcpListenerEvent e, TcpConnection* c) {
    if (e == TcpListenerEvent::kConnectionDropped) Forget(c->user_tag());
    WakeAll(socket);
  });
  socket->state = TcpipSocket::State::kListening;
}

std::unique_ptr<TcpConnection> TcpipStack::TakeAccepted(TcpipSocket* listener, FourTuple* tuple) {
  std::unique_ptr<TcpConnection> c = listener->listener->Accept();
  if (c == nullptr) return nullptr;
  if (listener->deferred && listener->deferred->tag == c->user_tag()) ClearDeferred(listener);
  *tuple = connections_[c->user_tag()].tuple;
  return c;
}

void TcpipStack::AdoptAccepted(TcpipSocket* socket, std::unique_ptr<TcpConnection> connection,
                               const FourTuple& tuple) {
  const uint64_t tag = connection->user_tag();
  socket->local = tuple.local;
  socket->remote = tuple.remote;
  socket->connection = std::move(connection);
  socket->connection->SetEventCallback([this, tag](TcpEvent e) { OnConnectionEvent(tag, e); });
  auto it = connections_.find(tag);
  if (it != connections_.end()) {
    it->second.socket = socket;
    it->second.connection = nullptr;  // no longer the listener's
  }
  socket->state = socket->connection->state() == TcpState::kClosed
                      ? TcpipSocket::State::kClosed
                      : TcpipSocket::State::kConnected;
  // The accepted socket holds the listener's port too (as a connection, not a binding).
}

TcpConnection* TcpipStack::PeekAccepted(TcpipSocket* listener, FourTuple* tuple) {
  TcpConnection* c = listener->listener->Front();
  if (c != nullptr) *tuple = connections_[c->user_tag()].tuple;
  return c;
}

void TcpipStack::DiscardAccepted(TcpipSocket* listener) {
  ClearDeferred(listener);
  std::unique_ptr<TcpConnection> c = listener->listener->Accept();
  if (c == nullptr) return;
  c->Abort();  // RST to the initiator (nothing if it already reset)
  Forget(c->user_tag());
}

void TcpipStack::Defer(TcpipSocket* listener, uint64_t tag, sim::Duration timeout) {
  if (listener->deferred && listener->deferred->tag == tag) return;  // still the same request
  ClearDeferred(listener);
  const uint64_t id = listener->id;
  listener->deferred = TcpipSocket::DeferredRequest{
      tag, scheduler().Now(), scheduler().ScheduleAfter(timeout, lane_, [this, id, tag] {
        // D-38: not decided in time: the request is reset; the next WSPAccept finds it withdrawn.
        TcpipSocket* s = FindSocket(id);
        if (s == nullptr || !s->deferred || s->deferred->tag != tag) return;
        if (TcpConnection* c = s->listener->Front(); c != nullptr && c->user_tag() == tag) {
          c->Abort();
        }
      })};
}

void TcpipStack::ClearDeferred(TcpipSocket* listener) {
  if (!listener->deferred) return;
  scheduler().Cancel(listener->deferred->expiry);
  listener->deferred.reset();
}

uint32_t TcpipStack::NewGroup(const Group& group) {
  const uint32_t id = next_group_id_++;
  groups_[id] = group;
  return id;
}

const TcpipStack::Group* TcpipStack::FindGroup(uint32_t id) const {
  auto it = groups_.find(id);
  return it == groups_.end() ? nullptr : &it->second;
}

void TcpipStack::Orphan(TcpipSocket* socket) {
  const uint64_t tag = socket->connection->user_tag();
  auto it = connections_.find(tag);
  if (socket->connection->state() == TcpState::kClosed || it == connections_.end()) {
    Forget(tag);
    socket->connection.reset();
    return;
  }
  it->second.socket = nullptr;
  it->second.orphan_owner_pid = socket->owner_pid;
  ++descriptors_[socket->owner_pid];  // still held until the connection closes
  const auto key = std::make_tuple(kProtocolTcp, socket->family, it->second.tuple.local.port);
  ++draining_ports_[key];
  orphans_[tag] = std::move(socket->connection);
}

void TcpipStack::OnTcpPacket(const sim::net::ReceivedPacket& in) {
  const sim::net::ParsedPacket& p = in.parsed;
  if (!p.tcp) return;
  const TcpSegment segment = FromWire(*p.tcp);
  const FourTuple tuple{{p.ip.dst, p.tcp->dst_port}, {p.ip.src, p.tcp->src_port}};
  if (auto it = by_tuple_.find(tuple); it != by_tuple_.end()) {
    ConnectionEntry& entry = connections_[it->second];
    TcpConnection* c = entry.socket != nullptr && entry.socket->connection != nullptr
                           ? entry.socket->connection.get()
                           : nullptr;
    if (c == nullptr) {
      auto orphan = orphans_.find(it->second);
      if (orphan != orphans_.end()) c = orphan->second.get();
    }
    if (c == nullptr) c = entry.connection;  // queued in a listener
    if (c != nullptr) {
      c->OnSegment(segment);
      return;
    }
  }
  // A listening socket on that port and address (or the wildcard).
  auto bound = bound_.find(std::make_tuple(kProtocolTcp, p.ip.dst.family(), p.tcp->dst_port));
  if (bound != bound_.end()) {
    for (TcpipSocket* s : bound->second) {
      if (s->listener == nullptr) continue;
      if (!(s->local->address == p.ip.dst || s->local->address.IsUnspecified())) continue;
      const uint64_t tag = next_tag_++;
      TcpConnection* c = s->listener->OnSegment(segment, OutputFor(tuple), tag,
                                                segment.Has(kTcpSyn)
                                                    ? std::optional(MssFor(tuple.remote.address))
                                                    : std::nullopt);
      if (c != nullptr) {
        Register(tag, tuple, nullptr);
        connections_[tag].connection = c;
      }
      return;
    }
  }
  if (std::optional<TcpSegment> rst = MakeResetFor(segment)) SendSegment(tuple, *rst);
}

// --- UDP -------------------------------------------------------------------------------------

void TcpipStack::OnUdpPacket(const sim::net::ReceivedPacket& in) {
  const sim::net::ParsedPacket& p = in.parsed;
  if (!p.udp) return;
  auto bound = bound_.find(std::make_tuple(kProtocolUdp, p.ip.dst.family(), p.udp->dst_port));
  if (bound == bound_.end()) return;  // no ICMP port unreachable in this model
  const bool broadcast = p.ip.dst.IsLimitedBroadcast() || in.interface.IsDirectedBroadcast(p.ip.dst);
  const Endpoint from{p.ip.src, p.udp->src_port};
  for (TcpipSocket* s : std::vector<TcpipSocket*>(bound->second)) {
    const bool address_ok = s->local->address == p.ip.dst || s->local->address.IsUnspecified();
    if (!address_ok && !broadcast) continue;
    if (s->remote && !(*s->remote == from)) continue;  // connected: only its peer
    // After SD_RECEIVE datagrams are still queued, never delivered (S1 §3.1.10; SPEC 2.9, D-81).
    if (s->queued_bytes + p.udp->payload.size() <= s->tcp_options.receive_buffer_bytes) {
      s->datagrams.push_back(Datagram{from, {p.udp->payload.begin(), p.udp->payload.end()}});
      s->queued_bytes += p.udp->payload.size();
      WakeAll(s);
    }
    if (!broadcast) return;
  }
}

int TcpipStack::SendDatagram(TcpipSocket* socket, const Endpoint& to,
                             absl::Span<const uint8_t> payload) {
  constexpr int kMsgSize = 10040, kNetUnreach = 10051, kAccess = 10013;
  const size_t limit = to.address.is_v4() ? 65507 : 65527;
  if (payload.size() > limit) return kMsgSize;
  // A limited or a directed broadcast (SPEC 2.18: any broadcast address needs SO_BROADCAST).
  absl::StatusOr<sim::net::RouteInfo> to_route = host_.Lookup(to.address);
  const bool broadcast = to.address.IsLimitedBroadcast() ||
                         (to_route.ok() && to_route->kind == sim::net::RouteInfo::Kind::kBroadcast);
  if (broadcast && !socket->broadcast) return kAccess;
  std::optional<IpAddress> source = socket->local && !socket->local->address.IsUnspecified()
                                        ? std::optional<IpAddress>(socket->local->address)
                                        : (broadcast ? std::optional<IpAddress>(IpAddress::Any(
                                                           Family::kIpv4))
                                                     : SourceFor(to.address));
  if (!source) return kNetUnreach;
  if (broadcast && source->IsUnspecified()) {
    absl::StatusOr<sim::net::RouteInfo> route = host_.Lookup(to.address);
    if (!route.ok()) return kNetUnreach;
    source = route->source;
  }
  sim::net::UdpSpec spec;
  spec.ip.src = *source;
  spec.ip.dst = to.address;
  spec.src_port = socket->local->port;
  spec.dst_port = to.port;
  spec.payload = payload;
  absl::Status sent = host_.Send(sim::net::BuildUdp(spec));
  if (!sent.ok() && sent.code() == absl::StatusCode::kNotFound) return kNetUnreach;
  return 0;  // datagrams may be lost; that is not the sender's error
}

// --- Waiting ---------------------------------------------------------------------------------

void TcpipStack::WakeAll(TcpipSocket* socket) {
  for (sim::FiberId f : std::vector<sim::FiberId>(socket->waiters)) scheduler().Unpark(f);
  if (socket_changed_) socket_changed_(socket);
}

void TcpipStack::Wait(const std::vector<TcpipSocket*>& sockets, absl::string_view reason,
                      sim::VirtualTime deadline) {
  const sim::FiberId me = scheduler().CurrentFiber();
  std::vector<uint64_t> ids;
  for (TcpipSocket* s : sockets) {
    s->waiters.push_back(me);
    ids.push_back(s->id);
  }
  scheduler().Park(reason, deadline);
  // Another thread may have closed a socket meanwhile: look them up again by id.
  for (uint64_t id : ids) {
    auto it = sockets_.find(id);
    if (it == sockets_.end()) continue;
    auto& w = it->second->waiters;
    w.erase(std::remove(w.begin(), w.end(), me), w.end());
  }
}

}  // namespace ws2sim::providers::tcpip
