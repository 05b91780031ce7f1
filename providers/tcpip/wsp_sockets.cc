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
  const bool lingering = s->connection != nullptr && s->linger_on && s->linger_seconds != 0;
  if (lingering && s->nonblocking) return Fail(error, WSAEWOULDBLOCK);  // S1 §3.1.2
  // Pending operations complete with WSA_OPERATION_ABORTED (D-14), before the connection's own
  // end could complete them otherwise.
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
  s->events.Cancel();    // no message is posted after closesocket
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

SOCKET AcceptCall(SOCKET handle, struct sockaddr* addr, LPINT addrlen, LPCONDITIONPROC condition,
                  DWORD_PTR callback_data, LPINT error) {
  (void)condition;  // conditional acceptance arrives with the notification machinery (issue 4)
  (void)callback_data;
  TcpipSocket* s = Lookup(handle, error);
  if (s == nullptr) return INVALID_SOCKET;
  // SPEC 2.6 step 1: a connectionless socket cannot accept (WSAEOPNOTSUPP); a stream socket
  // that is not listening fails with WSAEINVAL.
  if (!s->is_stream()) {
    *error = WSAEOPNOTSUPP;
    return INVALID_SOCKET;
  }
  if (s->state != State::kListening) {
    *error = WSAEINVAL;
    return INVALID_SOCKET;
  }
  if (addr != nullptr && (addrlen == nullptr || *addrlen < AddressBytes(s->family))) {
    *error = WSAEFAULT;
    return INVALID_SOCKET;
  }
  TcpipStack& stack = *s->stack;
  for (;;) {
    // S1 §3.1.11: a pending request but no descriptor for it: WSAEMFILE, the request stays queued.
    if (s->listener->completed_count() > 0 &&
        static_cast<int>(stack.DescriptorsOf(sim::CurrentProcessId())) >=
            TcpipProvider::Active()->options().max_sockets_per_process) {
      *error = WSAEMFILE;
      return INVALID_SOCKET;
    }
    FourTuple tuple;
    std::unique_ptr<TcpConnection> c = stack.TakeAccepted(s, &tuple);
    if (c != nullptr) {
      TcpipSocket* accepted = stack.NewSocket(sim::CurrentProcessId());
      accepted->catalog_entry_id = s->catalog_entry_id;
      accepted->family = s->family;
      accepted->type = s->type;
      accepted->protocol = s->protocol;
      accepted->nonblocking = s->nonblocking;  // accepted sockets inherit the listener's
      accepted->overlapped = s->overlapped;
      accepted->tcp_options = s->tcp_options;  //   properties (S1 §3.1.11)
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
        return INVALID_SOCKET;
      }
      accepted->handle = h;
      if (addr != nullptr) WriteAddress(*accepted->remote, addr, addrlen);
      InheritNotifications(*s, accepted);
      return h;
    }
    if (s->nonblocking) {
      *error = WSAEWOULDBLOCK;
      return INVALID_SOCKET;
    }
    stack.Wait({s}, absl::StrCat("accept on socket 0x", absl::Hex(handle)));
    if (s->state != State::kListening) {  // closed by another thread meanwhile
      *error = WSAEINTR;
      return INVALID_SOCKET;
    }
  }
}

}  // namespace

// Re-enables FD_ACCEPT, except when the call fails with WSATRY_AGAIN (S1 §3.1.11; SPEC 2.6).
SOCKET WSPAPI WSPAccept(SOCKET handle, struct sockaddr* addr, LPINT addrlen,
                        LPCONDITIONPROC condition, DWORD_PTR callback_data, LPINT error) {
  const SOCKET accepted = AcceptCall(handle, addr, addrlen, condition, callback_data, error);
  Reenable(handle, FD_ACCEPT, accepted == INVALID_SOCKET ? *error : 0);
  return accepted;
}

int WSPAPI WSPConnect(SOCKET handle, const struct sockaddr* name, int namelen, LPWSABUF caller_data,
                      LPWSABUF callee_data, GROUP group, LPQOS sflow, LPQOS gflow, LPINT error) {
  (void)callee_data, (void)group, (void)sflow, (void)gflow;
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
