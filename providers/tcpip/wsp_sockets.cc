// The tcpip provider's socket lifetime, naming and connection functions: WSPSocket,
// WSPCloseSocket, WSPBind, WSPGetSockName, WSPGetPeerName, WSPListen, WSPAccept, WSPConnect,
// WSPShutdown (S1 §3.1.1-3.1.4, §3.1.7, §3.1.10, §3.1.11, §3.1.16, §3.1.25; SPEC 2.3-2.10).
// Win32 profile: blocking calls park the calling fiber until the socket's state lets them complete.
#include <cstring>

#include "absl/strings/str_cat.h"
#include "providers/tcpip/wsp_internal.h"

namespace ws2sim::providers::tcpip {

using sim::net::Family;
using sim::net::IpAddress;

// --- Socket lifetime -------------------------------------------------------------------------

SOCKET WSPAPI WSPSocket(int af, int type, int protocol, LPWSAPROTOCOL_INFOW info, int flags,
                        LPINT error) {
  sim::net::Host* host = sim::CurrentHost();
  if (host == nullptr) {
    *error = WSAENETDOWN;
    return INVALID_SOCKET;
  }
  // A record from WSPDuplicateSocket for this process: a new descriptor for the shared socket
  // (D-69); af, type and protocol are taken from the record.
  if (info != nullptr) {
    TcpipStack& stack = TcpipProvider::Active()->StackFor(*host);
    if (TcpipSocket* shared = stack.TakeShare(info->dwProviderReserved, sim::CurrentProcessId())) {
      const SOCKET handle =
          g_upcalls.lpWPUCreateSocketHandle(shared->catalog_entry_id, shared, error);
      if (handle == INVALID_SOCKET) return INVALID_SOCKET;
      stack.AddDescriptor(shared, handle, sim::CurrentProcessId());
      return handle;
    }
  }
  if (af == AF_UNSPEC && info != nullptr) af = info->iAddressFamily;
  if (af != AF_INET && af != AF_INET6) {
    *error = WSAEAFNOSUPPORT;
    return INVALID_SOCKET;
  }
  if (type != SOCK_STREAM && type != SOCK_DGRAM) {
    *error = WSAESOCKTNOSUPPORT;
    return INVALID_SOCKET;
  }
  const int wanted = type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
  if (protocol == 0) protocol = wanted;  // S1 §3.1.25: the type's default protocol
  if (protocol != wanted) {
    *error = protocol == IPPROTO_TCP || protocol == IPPROTO_UDP ? WSAEPROTOTYPE : WSAEPROTONOSUPPORT;
    return INVALID_SOCKET;
  }
  TcpipStack& stack = TcpipProvider::Active()->StackFor(*host);
  if (static_cast<int>(stack.DescriptorsOf(sim::CurrentProcessId())) >=
      TcpipProvider::Active()->options().max_sockets_per_process) {
    *error = WSAEMFILE;  // S1 §3.1.25
    return INVALID_SOCKET;
  }
  TcpipSocket* s = stack.NewSocket(sim::CurrentProcessId());
  s->catalog_entry_id = info != nullptr ? info->dwCatalogEntryId : 0;
  // The catalog entry's attributes decide optional features (D-30); its record is what
  // SO_PROTOCOL_INFO returns (D-23). Without one, the provider's own entries' attributes.
  s->attributes = info != nullptr ? info->dwServiceFlags1
                                  : (type == SOCK_STREAM ? 0x1066u : 0x0209u);
  if (info != nullptr) {
    const auto* bytes = reinterpret_cast<const uint8_t*>(info);
    s->protocol_info.assign(bytes, bytes + sizeof(*info));
  }
  s->family = af == AF_INET ? Family::kIpv4 : Family::kIpv6;
  s->type = type;
  s->protocol = protocol;
  s->overlapped = (flags & WSA_FLAG_OVERLAPPED) != 0;
  s->nonblocking = s->overlapped;  // overlapped sockets never block (S1 §3.1.25)
  const SOCKET handle = g_upcalls.lpWPUCreateSocketHandle(s->catalog_entry_id, s, error);
  if (handle == INVALID_SOCKET) {
    stack.DestroySocket(s);
    return INVALID_SOCKET;
  }
  s->handle = handle;
  return handle;
}

int WSPAPI WSPCloseSocket(SOCKET handle, LPINT error) {
  TcpipSocket* s = Lookup(handle, error);
  if (s == nullptr) return SOCKET_ERROR;
  TcpipStack& stack = *s->stack;
  if (stack.DropDescriptor(s, handle)) {  // a duplicate descriptor keeps the socket (D-69)
    g_upcalls.lpWPUCloseSocketHandle(handle, error);
    return 0;
  }
  const bool lingering = s->connection != nullptr && s->linger_on && s->linger_seconds != 0;
  if (lingering && s->nonblocking) return Fail(error, WSAEWOULDBLOCK);  // S1 §3.1.2
  // Before the connection closes: closing must not post anything (FD_CLOSE with
  // WSAECONNABORTED for our own abort) for this socket, and pending operations complete
  // with WSA_OPERATION_ABORTED (D-14) before the connection's end could complete them otherwise.
  s->events.clear();
  CancelOverlapped(s);
  if (s->connection != nullptr) {
    if (s->linger_on && s->linger_seconds == 0) {
      s->connection->Abort();  // S1 §3.1.2: hard close, the peer sees a reset
    } else if (lingering) {
      s->connection->Close();
      const sim::VirtualTime deadline =
          stack.scheduler().Now() + sim::Duration::Seconds(s->linger_seconds);
      while (s->connection->state() != TcpState::kClosed && !s->connection->AllAcknowledged() &&
             stack.scheduler().Now() < deadline) {
        stack.Wait({s}, "closesocket (lingering)", deadline);
      }
      if (!s->connection->AllAcknowledged()) s->connection->Abort();  // timed out: discard
    } else {
      s->connection->Close();  // SO_DONTLINGER: return now, data still drains (S1 §3.1.2)
    }
  }
  g_upcalls.lpWPUCloseSocketHandle(handle, error);
  stack.DestroySocket(s);
  return 0;
}

// --- Naming ----------------------------------------------------------------------------------

int WSPAPI WSPBind(SOCKET handle, const struct sockaddr* name, int namelen, LPINT error) {
  TcpipSocket* s = Lookup(handle, error);
  if (s == nullptr) return SOCKET_ERROR;
  Endpoint e;
  if (!ParseAddress(*s, name, namelen, &e)) return Fail(error, WSAEFAULT);
  if (s->local) return Fail(error, WSAEINVAL);  // already bound (S1 §3.1.1)
  const int rc = s->stack->Bind(s, e);
  return rc == 0 ? 0 : Fail(error, rc);
}

int WSPAPI WSPGetSockName(SOCKET handle, struct sockaddr* name, LPINT namelen, LPINT error) {
  TcpipSocket* s = Lookup(handle, error);
  if (s == nullptr) return SOCKET_ERROR;
  if (!s->local) return Fail(error, WSAEINVAL);  // D-80
  return WriteAddress(*s->local, name, namelen) ? 0 : Fail(error, WSAEFAULT);
}

int WSPAPI WSPGetPeerName(SOCKET handle, struct sockaddr* name, LPINT namelen, LPINT error) {
  TcpipSocket* s = Lookup(handle, error);
  if (s == nullptr) return SOCKET_ERROR;
  const bool connected = s->is_stream() ? s->state == State::kConnected : s->remote.has_value();
  if (!connected) return Fail(error, WSAENOTCONN);
  return WriteAddress(*s->remote, name, namelen) ? 0 : Fail(error, WSAEFAULT);
}

// --- Connections -----------------------------------------------------------------------------

int WSPAPI WSPListen(SOCKET handle, int backlog, LPINT error) {
  TcpipSocket* s = Lookup(handle, error);
  if (s == nullptr) return SOCKET_ERROR;
  if (!s->is_stream()) return Fail(error, WSAEOPNOTSUPP);
  if (s->state == State::kConnected || s->state == State::kConnecting) {
    return Fail(error, WSAEISCONN);
  }
  if (!s->local) return Fail(error, WSAEINVAL);
  const int somaxconn = TcpipProvider::Active()->options().somaxconn;
  s->stack->StartListening(s, std::clamp(backlog, 1, somaxconn));  // D-59
  return 0;
}

namespace {

// A deferred request the initiator withdrew meanwhile: it reset or closed the connection (S1
// §3.1.11; D-37, D-38; an expired request was reset by its timer).
bool Withdrawn(const TcpConnection& c) {
  return c.state() == TcpState::kClosed || c.peer_closed();
}

// Whether the group `g` a condition function chose may take a connection to `peer` (S1
// §3.1.11; SPEC 3.3; D-32): none, a new one, or an existing group of this provider whose
// constraint (same peer host) holds.
bool GroupAllowed(const TcpipStack& stack, GROUP g, const Endpoint& peer) {
  if (g == 0 || g == SG_UNCONSTRAINED_GROUP || g == SG_CONSTRAINED_GROUP) return true;
  const TcpipStack::Group* group = stack.FindGroup(g);
  return group != nullptr && (!group->constrained || group->peer == peer.address);
}

// The group id the accepted socket gets for `g` (GroupAllowed held): a new group or `g`.
uint32_t JoinGroup(TcpipStack& stack, GROUP g, const Endpoint& peer) {
  if (g == SG_UNCONSTRAINED_GROUP || g == SG_CONSTRAINED_GROUP) {
    return stack.NewGroup({.constrained = g == SG_CONSTRAINED_GROUP, .peer = peer.address});
  }
  return g;
}

// Calls the condition function for the request on `tuple` as S1 §3.1.11 gives it (SPEC 2.6 step
// 5): caller and callee ids are sockaddrs; TCP carries no connect data (no XP_CONNECT_DATA), so
// lpCallerData and lpCalleeData are WSABUFs of length 0 (the callee buffer the provider offers
// is 0 bytes: nothing can go back).
int Decide(const FourTuple& tuple, LPCONDITIONPROC condition, DWORD_PTR callback_data, GROUP* g) {
  sockaddr_in6 caller, callee;  // large enough for either family
  int caller_len = sizeof(caller), callee_len = sizeof(callee);
  WriteAddress(tuple.remote, reinterpret_cast<sockaddr*>(&caller), &caller_len);
  WriteAddress(tuple.local, reinterpret_cast<sockaddr*>(&callee), &callee_len);
  WSABUF caller_id{caller_len, reinterpret_cast<char*>(&caller)};
  WSABUF callee_id{callee_len, reinterpret_cast<char*>(&callee)};
  WSABUF caller_data{0, nullptr}, callee_data{0, nullptr};
  return condition(&caller_id, &caller_data, &callee_id, &callee_data, g, callback_data);
}

// A new socket for connection `c`, accepted from listener `s`, with the listener's properties
// (S1 §3.1.11); null with *error when the DLL has no handle for it.
TcpipSocket* AdoptAsSocket(TcpipSocket* s, std::unique_ptr<TcpConnection> c,
                           const FourTuple& tuple, LPINT error) {
  TcpipStack& stack = *s->stack;
  TcpipSocket* accepted = stack.NewSocket(sim::CurrentProcessId());
  accepted->catalog_entry_id = s->catalog_entry_id;
  accepted->family = s->family;
  accepted->type = s->type;
  accepted->protocol = s->protocol;
  accepted->nonblocking = s->nonblocking;  // accepted sockets inherit the listener's
  accepted->overlapped = s->overlapped;    //   properties (S1 §3.1.11)
  accepted->tcp_options = s->tcp_options;
  accepted->linger_on = s->linger_on;
  accepted->linger_seconds = s->linger_seconds;
  accepted->attributes = s->attributes;
  accepted->protocol_info = s->protocol_info;
  accepted->broadcast = s->broadcast;
  accepted->debug = s->debug;
  accepted->dont_route = s->dont_route;
  accepted->interrupt = s->interrupt;
  accepted->provider_config = s->provider_config;
  // The connection was made with the options the listener had at WSPListen; it takes the
  // listener's current ones, which the new socket reports (S1 §3.1.11: same properties).
  const TcpSocketOptions& o = s->tcp_options;
  c->SetKeepAlive(o.keepalive);
  c->SetOobInline(o.oob_inline);
  c->SetNoDelay(o.no_delay);
  c->SetSendBufferBytes(o.send_buffer_bytes);
  c->SetReceiveBufferBytes(o.receive_buffer_bytes);
  stack.AdoptAccepted(accepted, std::move(c), tuple);
  const SOCKET h = g_upcalls.lpWPUCreateSocketHandle(accepted->catalog_entry_id, accepted, error);
  if (h == INVALID_SOCKET) {
    accepted->connection->Abort();
    stack.DestroySocket(accepted);
    return nullptr;
  }
  accepted->handle = h;
  return accepted;
}

SOCKET AcceptCall(TcpipSocket* s, SOCKET handle, struct sockaddr* addr, LPINT addrlen,
                  LPCONDITIONPROC condition, DWORD_PTR callback_data, LPINT error) {
  auto fail = [error](int code) {
    *error = code;
    return INVALID_SOCKET;
  };
  // SPEC 2.6 step 1: a connectionless socket cannot accept (WSAEOPNOTSUPP); a stream socket
  // that is not listening fails with WSAEINVAL.
  if (!s->is_stream()) return fail(WSAEOPNOTSUPP);
  if (s->state != State::kListening) return fail(WSAEINVAL);
  if (addr != nullptr && (addrlen == nullptr || *addrlen < AddressBytes(s->family))) {
    return fail(WSAEFAULT);
  }
  TcpipStack& stack = *s->stack;
  const uint64_t listener_id = s->id;
  for (;;) {
    FourTuple tuple;
    TcpConnection* head = stack.PeekAccepted(s, &tuple);
    if (head == nullptr) {
      if (s->nonblocking) return fail(WSAEWOULDBLOCK);
      stack.Wait({s}, absl::StrCat("accept on socket 0x", absl::Hex(handle)));
      if (stack.FindSocket(listener_id) == nullptr || s->state != State::kListening) {
        return fail(WSAEINTR);  // closed by another thread meanwhile
      }
      continue;
    }
    const uint64_t tag = head->user_tag();
    // D-37, D-38: the deferred request was withdrawn or expired: discarded, WSAEWOULDBLOCK (and
    // FD_ACCEPT is re-enabled, so another pending request is signalled).
    if (s->deferred && s->deferred->tag == tag && Withdrawn(*head)) {
      stack.DiscardAccepted(s);
      return fail(WSAEWOULDBLOCK);
    }
    // S1 §3.1.11: a pending request but no descriptor for it: WSAEMFILE, the request stays.
    if (static_cast<int>(stack.DescriptorsOf(sim::CurrentProcessId())) >=
        TcpipProvider::Active()->options().max_sockets_per_process) {
      return fail(WSAEMFILE);
    }
    // SPEC 2.6 step 3: the initiator's address, whatever the condition function decides.
    if (addr != nullptr) WriteAddress(tuple.remote, addr, addrlen);
    GROUP g = 0;
    if (condition != nullptr) {
      const int decision = Decide(tuple, condition, callback_data, &g);
      // The function is guest code: other threads may have run. The request being decided
      // stayed at the head (later arrivals queue behind it, R-29) unless the listener closed.
      if (stack.FindSocket(listener_id) == nullptr || s->state != State::kListening) {
        return fail(WSAEINTR);
      }
      head = stack.PeekAccepted(s, &tuple);
      if (head == nullptr || head->user_tag() != tag) return fail(WSAEWOULDBLOCK);
      switch (decision) {
        case CF_ACCEPT:
          if (GroupAllowed(stack, g, tuple.remote)) break;
          stack.DiscardAccepted(s);  // D-32: the group cannot take it: rejected
          return fail(WSAEINVAL);
        case CF_REJECT:  // the initiator sees a reset (its connect completed at SYN-ACK)
          stack.DiscardAccepted(s);
          return fail(WSAECONNREFUSED);
        case CF_DEFER:  // no action: the request stays at the head (D-38)
          stack.Defer(s, tag, TcpipProvider::Active()->options().accept_defer_timeout);
          return fail(WSATRY_AGAIN);
        default:  // no decision: the request stays queued
          return fail(WSAEINVAL);
      }
    }
    std::unique_ptr<TcpConnection> c = stack.TakeAccepted(s, &tuple);
    TcpipSocket* accepted = AdoptAsSocket(s, std::move(c), tuple, error);
    if (accepted == nullptr) return INVALID_SOCKET;
    accepted->group = JoinGroup(stack, g, tuple.remote);  // SPEC 2.6 step 6; D-32
    InheritNotifications(*s, handle, accepted);
    return accepted->handle;
  }
}

}  // namespace

// Re-enables FD_ACCEPT, except when the call fails with WSATRY_AGAIN (S1 §3.1.11; SPEC 2.6).
SOCKET WSPAPI WSPAccept(SOCKET handle, struct sockaddr* addr, LPINT addrlen,
                        LPCONDITIONPROC condition, DWORD_PTR callback_data, LPINT error) {
  return Reenabling(handle, FD_ACCEPT, static_cast<SOCKET>(INVALID_SOCKET), error,
                    [&](TcpipSocket* s) {
                      return AcceptCall(s, handle, addr, addrlen, condition, callback_data, error);
                    });
}

int WSPAPI WSPConnect(SOCKET handle, const struct sockaddr* name, int namelen, LPWSABUF caller_data,
                      LPWSABUF callee_data, GROUP group, LPQOS sflow, LPQOS gflow, LPINT error) {
  (void)group, (void)sflow, (void)gflow;
  TcpipSocket* s = Lookup(handle, error);
  if (s == nullptr) return SOCKET_ERROR;
  Endpoint to;
  if (!ParseAddress(*s, name, namelen, &to)) return Fail(error, WSAEFAULT);
  if (s->state == State::kListening) return Fail(error, WSAEINVAL);
  TcpipStack& stack = *s->stack;
  if (!s->is_stream()) {  // a datagram socket's default peer (S1 §3.1.16)
    // An all-zero address field fails with WSAEADDRNOTAVAIL for datagram sockets too (S1
    // §3.1.16; SPEC 2.7).
    if (to.address.IsUnspecified() || to.port == 0) return Fail(error, WSAEADDRNOTAVAIL);
    if (const int rc = EnsureBound(s); rc != 0) return Fail(error, rc);
    s->remote = to;
    return 0;
  }
  if (s->state == State::kConnected) return Fail(error, WSAEISCONN);
  if (s->state == State::kConnecting) return Fail(error, WSAEALREADY);
  // Caller data needs a protocol with XP_CONNECT_DATA (S1 §3.1.16; D-30); TCP has none.
  if (caller_data != nullptr && caller_data->len > 0 && (s->attributes & XP_CONNECT_DATA) == 0) {
    return Fail(error, WSAEPROTONOSUPPORT);
  }
  // No callee data ever comes back over TCP: its length is 0 however the connect ends (S1
  // §3.1.16; R-26).
  if (callee_data != nullptr) callee_data->len = 0;
  if (to.address.IsUnspecified() || to.port == 0) return Fail(error, WSAEADDRNOTAVAIL);
  std::optional<IpAddress> source = stack.SourceFor(to.address);
  if (!source) return Fail(error, WSAENETUNREACH);
  if (!s->local) {
    if (const int rc = stack.Bind(s, Endpoint{IpAddress::Any(s->family), 0}); rc != 0) {
      return Fail(error, rc);
    }
  }
  // The connection's local address is the route's source unless the socket names one.
  if (s->local->address.IsUnspecified()) {
    stack.Unbind(s);
    const uint16_t port = s->local->port;
    s->local.reset();
    if (const int rc = stack.Bind(s, Endpoint{*source, port}); rc != 0) return Fail(error, rc);
  }
  s->remote = to;
  s->failure = TcpError::kNone;
  stack.StartConnection(s);
  if (s->nonblocking) return Fail(error, WSAEWOULDBLOCK);  // completes in the background
  while (s->state == State::kConnecting && s->failure == TcpError::kNone) {
    stack.Wait({s}, absl::StrCat("connect on socket 0x", absl::Hex(handle)));
  }
  if (s->state == State::kConnected) return 0;
  const int code = TcpErrorCode(s->failure != TcpError::kNone ? s->failure : s->connection->error());
  s->state = State::kOpen;  // a failed connect leaves the socket unconnected
  s->stack->Orphan(s);
  s->remote.reset();
  return Fail(error, code);
}

// Later Winsock's WSPDuplicateSocket (D-69): the socket's catalog record with a share key in
// dwProviderReserved that WSPSocket redeems once in process `process_id`.
int WSPAPI WSPDuplicateSocket(SOCKET handle, DWORD process_id, LPWSAPROTOCOL_INFOW info,
                              LPINT error) {
  TcpipSocket* s = Lookup(handle, error);
  if (s == nullptr) return SOCKET_ERROR;
  if (info == nullptr) return Fail(error, WSAEFAULT);
  std::memset(info, 0, sizeof(*info));
  const size_t n = std::min(s->protocol_info.size(), sizeof(*info));
  std::memcpy(info, s->protocol_info.data(), n);
  if (n == 0) {  // a socket made without a catalog record
    info->dwCatalogEntryId = s->catalog_entry_id;
    info->iAddressFamily = WinsockFamily(s->family);
    info->iSocketType = s->type;
    info->iProtocol = s->protocol;
  }
  info->dwProviderReserved = s->stack->Share(s, process_id);
  return 0;
}

namespace {

// shutdown(`how`) of a connection-oriented socket, for WSPSendDisconnect / WSPRecvDisconnect.
// TCP has no disconnect data (no XP_DISCONNECT_DATA, D-30): a non-null data buffer fails with
// WSAENOPROTOOPT (later docs).
int Disconnect(SOCKET handle, LPWSABUF data, int how, LPINT error) {
  TcpipSocket* s = Lookup(handle, error);
  if (s == nullptr) return SOCKET_ERROR;
  if (data != nullptr && (s->attributes & XP_DISCONNECT_DATA) == 0) {
    return Fail(error, WSAENOPROTOOPT);
  }
  if (!s->is_stream()) return Fail(error, WSAEOPNOTSUPP);
  return WSPShutdown(handle, how, error);
}

}  // namespace

// Later Winsock's WSPSendDisconnect / WSPRecvDisconnect: shutdown(SD_SEND) / (SD_RECEIVE).
int WSPAPI WSPSendDisconnect(SOCKET handle, LPWSABUF data, LPINT error) {
  return Disconnect(handle, data, SD_SEND, error);
}

int WSPAPI WSPRecvDisconnect(SOCKET handle, LPWSABUF data, LPINT error) {
  return Disconnect(handle, data, SD_RECEIVE, error);
}

int WSPAPI WSPShutdown(SOCKET handle, int how, LPINT error) {
  TcpipSocket* s = Lookup(handle, error);
  if (s == nullptr) return SOCKET_ERROR;
  if (how != SD_RECEIVE && how != SD_SEND && how != SD_BOTH) return Fail(error, WSAEINVAL);
  const bool send = how != SD_RECEIVE, receive = how != SD_SEND;
  if (s->is_stream()) {
    if (s->connection == nullptr || s->state != State::kConnected) return Fail(error, WSAENOTCONN);
    const TcpError e = s->connection->Shutdown(send, receive);
    if (e != TcpError::kNone) return Fail(error, TcpErrorCode(e));
  }
  s->shut_send |= send;
  s->shut_receive |= receive;
  s->stack->WakeAll(s);
  return 0;
}

}  // namespace ws2sim::providers::tcpip
