// The tcpip provider's SPI: WSPStartup and the 30 WSPPROC_TABLE functions (S1 §3.1; SPEC 2.1-2.22,
// 3.1; S4). Win32 profile: blocking calls block in the provider (the calling fiber parks until the
// socket's state lets the call complete). Slots this issue does not implement answer
// WSAEOPNOTSUPP: WSPAsyncSelect, WSPEventSelect, WSPEnumNetworkEvents, WSPGetOverlappedResult,
// WSPDuplicateSocket, WSPJoinLeaf, WSPGetQOSByName, WSPRecvDisconnect, WSPSendDisconnect,
// WSPAddressToString, WSPStringToAddress, WSPCancelBlockingCall.
#include <algorithm>
#include <cstring>
#include <memory>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "providers/tcpip/tcpip_provider.h"
#include "sim/host_context.h"
// The guest headers last: their macros rename socket, bind, select, ...
#include "model/include/ws2spi.h"

namespace ws2sim::providers::tcpip {
namespace {

using sim::net::Family;
using sim::net::IpAddress;
using State = TcpipSocket::State;

WSPUPCALLTABLE g_upcalls;

// --- Helpers ---------------------------------------------------------------------------------

TcpipSocket* Lookup(SOCKET s, LPINT error) {
  LPVOID context = nullptr;
  if (g_upcalls.lpWPUQuerySocketHandleContext == nullptr ||
      g_upcalls.lpWPUQuerySocketHandleContext(s, &context, error) == SOCKET_ERROR) {
    *error = WSAENOTSOCK;
    return nullptr;
  }
  return static_cast<TcpipSocket*>(context);
}

int Fail(LPINT error, int code) {
  *error = code;
  return SOCKET_ERROR;
}

int WinsockFamily(Family f) { return f == Family::kIpv4 ? AF_INET : AF_INET6; }
int AddressBytes(Family f) { return f == Family::kIpv4 ? 16 : 28; }

// A sockaddr of the socket's family, checked as S1 §3.1.1 says: the first two bytes must be the
// family, namelen at least the family's address size.
bool ParseAddress(const TcpipSocket& s, const struct sockaddr* name, int namelen, Endpoint* out) {
  if (name == nullptr || namelen < AddressBytes(s.family)) return false;
  u_short family;
  std::memcpy(&family, name, sizeof(family));
  if (family != WinsockFamily(s.family)) return false;
  if (s.family == Family::kIpv4) {
    const auto* sin = reinterpret_cast<const sockaddr_in*>(name);
    out->address = IpAddress::V4(ntohl(sin->sin_addr.s_addr));
    out->port = ntohs(sin->sin_port);
  } else {
    const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(name);
    std::array<uint8_t, 16> bytes;
    std::memcpy(bytes.data(), &sin6->sin6_addr, 16);
    out->address = IpAddress::V6(bytes);
    out->port = ntohs(sin6->sin6_port);
  }
  return true;
}

// Writes `e` as a sockaddr; false (WSAEFAULT) when *namelen is too small.
bool WriteAddress(const Endpoint& e, struct sockaddr* name, LPINT namelen) {
  const int size = AddressBytes(e.address.family());
  if (name == nullptr || namelen == nullptr || *namelen < size) return false;
  std::memset(name, 0, static_cast<size_t>(size));
  if (e.address.is_v4()) {
    auto* sin = reinterpret_cast<sockaddr_in*>(name);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(e.port);
    sin->sin_addr.s_addr = htonl(e.address.v4());
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(name);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(e.port);
    std::memcpy(&sin6->sin6_addr, e.address.bytes().data(), 16);
  }
  *namelen = size;
  return true;
}

int TcpErrorCode(TcpError e) {
  switch (e) {
    case TcpError::kNone: return 0;
    case TcpError::kWouldBlock: return WSAEWOULDBLOCK;
    case TcpError::kNotConnected: return WSAENOTCONN;
    case TcpError::kShutdown: return WSAESHUTDOWN;
    case TcpError::kInvalid: return WSAEINVAL;
    case TcpError::kRefused: return WSAECONNREFUSED;
    case TcpError::kReset: return WSAECONNRESET;
    case TcpError::kTimedOut: return WSAETIMEDOUT;
    case TcpError::kKeepaliveTimedOut: return WSAENETRESET;
    case TcpError::kAborted: return WSAECONNABORTED;
  }
  return WSAEINVAL;
}

// Binds an unbound socket to the wildcard address and an ephemeral port (implicit bind).
int EnsureBound(TcpipSocket* s) {
  if (s->local) return 0;
  return s->stack->Bind(s, Endpoint{IpAddress::Any(s->family), 0});
}

// MSG_OOB needs a stream socket whose protocol has XP_EXPEDITED_DATA (S1 §3.1.20, §3.1.22;
// D-30, D-57).
bool OobSupported(const TcpipSocket& s) {
  return s.is_stream() && (s.attributes & XP_EXPEDITED_DATA) != 0;
}

// A connection dropped by keep-alive: a call in progress when it happened fails with
// WSAENETRESET, later calls with WSAENOTCONN (S1 §3.1.5; SPEC 2.17, 3.1; D-96).
bool DroppedByKeepAlive(const TcpipSocket& s) {
  return s.connection != nullptr && s.connection->error() == TcpError::kKeepaliveTimedOut;
}

// --- WSPStartup / WSPCleanup -----------------------------------------------------------------

int WSPAPI WSPCleanup(LPINT error) {
  TcpipProvider* provider = TcpipProvider::Active();
  const uint32_t pid = sim::CurrentProcessId();
  int& count = provider->startups(pid);
  if (count == 0) return Fail(error, WSANOTINITIALISED);  // D-82
  if (--count > 0) return 0;
  // D-14: the last cleanup resets the process's connected sockets and frees all of them.
  if (sim::net::Host* host = sim::CurrentHost()) {
    TcpipStack& stack = provider->StackFor(*host);
    for (TcpipSocket* s : stack.SocketsOf(pid)) {
      if (s->connection != nullptr) s->connection->Abort();
      int ignored = 0;
      g_upcalls.lpWPUCloseSocketHandle(s->handle, &ignored);
      stack.DestroySocket(s);
    }
  }
  return 0;
}

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
  s->nonblocking = (flags & WSA_FLAG_OVERLAPPED) != 0;  // overlapped sockets never block
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
  if (s->connection != nullptr) {
    if (s->linger_on && s->linger_seconds == 0) {
      s->connection->Abort();  // S1 §3.1.2: hard close, the peer sees a reset
    } else if (s->linger_on) {
      if (s->nonblocking) return Fail(error, WSAEWOULDBLOCK);  // S1 §3.1.2, lingering close
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

SOCKET WSPAPI WSPAccept(SOCKET handle, struct sockaddr* addr, LPINT addrlen,
                        LPCONDITIONPROC condition, DWORD_PTR callback_data, LPINT error) {
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

// --- Data ------------------------------------------------------------------------------------

// Bytes of the WSABUF array as one span: the caller's own buffer when there is one (no copy, the
// common send/WSASend case), else a gathered copy owned by this object.
class Gathered {
 public:
  Gathered(LPWSABUF buffers, DWORD count) {
    if (count == 1) {
      bytes_ = {reinterpret_cast<const uint8_t*>(buffers[0].buf), static_cast<size_t>(buffers[0].len)};
      return;
    }
    for (DWORD i = 0; i < count; ++i) {
      copy_.insert(copy_.end(), buffers[i].buf, buffers[i].buf + buffers[i].len);
    }
    bytes_ = copy_;
  }
  absl::Span<const uint8_t> bytes() const { return bytes_; }
  size_t size() const { return bytes_.size(); }

 private:
  std::vector<uint8_t> copy_;
  absl::Span<const uint8_t> bytes_;
};

// Copies `data` into the WSABUF array; returns the bytes copied.
size_t Scatter(absl::Span<const uint8_t> data, LPWSABUF buffers, DWORD count) {
  size_t done = 0;
  for (DWORD i = 0; i < count && done < data.size(); ++i) {
    const size_t n = std::min<size_t>(static_cast<size_t>(buffers[i].len), data.size() - done);
    std::memcpy(buffers[i].buf, data.data() + done, n);
    done += n;
  }
  return done;
}

size_t Capacity(LPWSABUF buffers, DWORD count) {
  size_t total = 0;
  for (DWORD i = 0; i < count; ++i) total += static_cast<size_t>(buffers[i].len);
  return total;
}

int SendStream(TcpipSocket* s, SOCKET handle, absl::Span<const uint8_t> data, bool oob,
               LPDWORD sent, LPINT error) {
  if (s->state != State::kConnected) return Fail(error, WSAENOTCONN);
  if (oob && !OobSupported(*s)) return Fail(error, WSAEOPNOTSUPP);
  if (s->shut_send) return Fail(error, WSAESHUTDOWN);
  if (DroppedByKeepAlive(*s)) return Fail(error, WSAENOTCONN);  // dropped before this call
  size_t done = 0;
  for (;;) {
    const TcpIoResult r = s->connection->Send(data.subspan(done), oob);
    if (!r.ok() && r.error != TcpError::kWouldBlock) return Fail(error, TcpErrorCode(r.error));
    done += r.bytes;
    if (done == data.size()) break;
    if (s->nonblocking) {  // a short send, or WSAEWOULDBLOCK when nothing fit
      if (done == 0) return Fail(error, WSAEWOULDBLOCK);
      break;
    }
    s->stack->Wait({s}, absl::StrCat("send on socket 0x", absl::Hex(handle)));
  }
  *sent = static_cast<DWORD>(done);
  return 0;
}

int WSPAPI WSPSend(SOCKET handle, LPWSABUF buffers, DWORD count, LPDWORD sent, int flags,
                   LPWSAOVERLAPPED overlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                   LPINT error) {
  if (overlapped != nullptr || routine != nullptr) return Fail(error, WSAEOPNOTSUPP);  // issue 4
  TcpipSocket* s = Lookup(handle, error);
  if (s == nullptr) return SOCKET_ERROR;
  const Gathered data(buffers, count);
  if (s->is_stream()) return SendStream(s, handle, data.bytes(), (flags & MSG_OOB) != 0, sent, error);
  if ((flags & MSG_OOB) != 0) return Fail(error, WSAEOPNOTSUPP);  // stream only (S1 §3.1.22)
  if (!s->remote) return Fail(error, WSAENOTCONN);
  if (s->shut_send) return Fail(error, WSAESHUTDOWN);
  const int rc = s->stack->SendDatagram(s, *s->remote, data.bytes());
  if (rc != 0) return Fail(error, rc);
  *sent = static_cast<DWORD>(data.size());
  return 0;
}

int WSPAPI WSPSendTo(SOCKET handle, LPWSABUF buffers, DWORD count, LPDWORD sent, int flags,
                     const struct sockaddr* to, int tolen, LPWSAOVERLAPPED overlapped,
                     LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPINT error) {
  TcpipSocket* s = Lookup(handle, error);
  if (s == nullptr) return SOCKET_ERROR;
  if (s->is_stream()) {  // the destination is ignored on a connected stream (S1 §3.1.23)
    return WSPSend(handle, buffers, count, sent, flags, overlapped, routine, error);
  }
  if (overlapped != nullptr || routine != nullptr) return Fail(error, WSAEOPNOTSUPP);  // issue 4
  if ((flags & MSG_OOB) != 0) return Fail(error, WSAEOPNOTSUPP);  // stream only (S1 §3.1.22)
  Endpoint e;
  if (to == nullptr) {
    // No destination on an unconnected datagram socket (S1 §3.1.23; SPEC 2.18).
    if (!s->remote) return Fail(error, WSAEDESTADDRREQ);
    e = *s->remote;
  } else if (!ParseAddress(*s, to, tolen, &e)) {
    return Fail(error, WSAEFAULT);
  }
  if (e.address.IsUnspecified() || e.port == 0) return Fail(error, WSAEADDRNOTAVAIL);
  if (s->shut_send) return Fail(error, WSAESHUTDOWN);
  if (const int rc = EnsureBound(s); rc != 0) return Fail(error, rc);
  const Gathered data(buffers, count);
  if (const int rc = s->stack->SendDatagram(s, e, data.bytes()); rc != 0) return Fail(error, rc);
  *sent = static_cast<DWORD>(data.size());
  return 0;
}

int RecvStream(TcpipSocket* s, SOCKET handle, LPWSABUF buffers, DWORD count, LPDWORD received,
               LPINT flags, LPINT error) {
  if (s->state == State::kListening || s->connection == nullptr) return Fail(error, WSAENOTCONN);
  if ((*flags & MSG_OOB) != 0 && !OobSupported(*s)) return Fail(error, WSAEOPNOTSUPP);
  if (s->shut_receive) return Fail(error, WSAESHUTDOWN);
  if (DroppedByKeepAlive(*s)) return Fail(error, WSAENOTCONN);  // dropped before this call
  const TcpRecvFlags rf{(*flags & MSG_PEEK) != 0, (*flags & MSG_OOB) != 0};
  // One WSABUF (recv, most WSARecv calls) is received into directly; several go through a
  // scratch buffer that is scattered afterwards.
  std::unique_ptr<uint8_t[]> scratch;
  absl::Span<uint8_t> target;
  if (count == 1) {
    target = {reinterpret_cast<uint8_t*>(buffers[0].buf), static_cast<size_t>(buffers[0].len)};
  } else {
    const size_t capacity = Capacity(buffers, count);
    scratch.reset(new uint8_t[capacity]);  // no zero-fill: Recv writes what it reports
    target = {scratch.get(), capacity};
  }
  for (;;) {
    const TcpIoResult r = s->connection->Recv(target, rf);
    if (r.ok()) {  // bytes, or 0 = the peer closed gracefully (S1 §3.1.20)
      *received = static_cast<DWORD>(
          count == 1 ? r.bytes : Scatter(absl::MakeConstSpan(target).first(r.bytes), buffers, count));
      *flags = 0;
      return 0;
    }
    if (r.error != TcpError::kWouldBlock) return Fail(error, TcpErrorCode(r.error));
    if (s->nonblocking) return Fail(error, WSAEWOULDBLOCK);
    s->stack->Wait({s}, absl::StrCat("recv on socket 0x", absl::Hex(handle)));
  }
}

// WSPRecv's input flags (D-79): MSG_PEEK, MSG_OOB, MSG_INTERRUPT; anything else is not supported.
bool RecvFlagsSupported(int flags) {
  return (flags & ~(MSG_PEEK | MSG_OOB | MSG_INTERRUPT)) == 0;
}

int RecvDatagram(TcpipSocket* s, SOCKET handle, LPWSABUF buffers, DWORD count, LPDWORD received,
                 LPINT flags, struct sockaddr* from, LPINT fromlen, LPINT error) {
  if ((*flags & MSG_OOB) != 0) return Fail(error, WSAEOPNOTSUPP);  // stream only (S1 §3.1.20)
  if (s->shut_receive) return Fail(error, WSAESHUTDOWN);
  if (!s->local) return Fail(error, WSAEINVAL);  // recvfrom on an unbound datagram socket
  if (from != nullptr && (fromlen == nullptr || *fromlen < AddressBytes(s->family))) {
    return Fail(error, WSAEFAULT);
  }
  while (s->datagrams.empty()) {
    if (s->nonblocking) return Fail(error, WSAEWOULDBLOCK);
    s->stack->Wait({s}, absl::StrCat("recvfrom on socket 0x", absl::Hex(handle)));
  }
  const Datagram& d = s->datagrams.front();
  const size_t copied = Scatter(d.payload, buffers, count);
  if (from != nullptr) WriteAddress(d.from, from, fromlen);
  const bool truncated = copied < d.payload.size();
  *received = static_cast<DWORD>(copied);
  if ((*flags & MSG_PEEK) == 0) {
    s->queued_bytes -= d.payload.size();
    s->datagrams.pop_front();  // the rest of a truncated datagram is lost (S1 §3.1.21)
  }
  *flags = 0;
  return truncated ? Fail(error, WSAEMSGSIZE) : 0;
}

int WSPAPI WSPRecv(SOCKET handle, LPWSABUF buffers, DWORD count, LPDWORD received, LPINT flags,
                   LPWSAOVERLAPPED overlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                   LPINT error) {
  if (overlapped != nullptr || routine != nullptr) return Fail(error, WSAEOPNOTSUPP);  // issue 4
  TcpipSocket* s = Lookup(handle, error);
  if (s == nullptr) return SOCKET_ERROR;
  if (!RecvFlagsSupported(*flags)) return Fail(error, WSAEOPNOTSUPP);
  if (s->is_stream()) return RecvStream(s, handle, buffers, count, received, flags, error);
  // A datagram socket receives once bound (from its default peer only, if connected); unbound,
  // it fails with WSAEINVAL (S1 §3.1.20; SPEC 2.17; D-49).
  return RecvDatagram(s, handle, buffers, count, received, flags, nullptr, nullptr, error);
}

int WSPAPI WSPRecvFrom(SOCKET handle, LPWSABUF buffers, DWORD count, LPDWORD received, LPINT flags,
                       struct sockaddr* from, LPINT fromlen, LPWSAOVERLAPPED overlapped,
                       LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPINT error) {
  if (overlapped != nullptr || routine != nullptr) return Fail(error, WSAEOPNOTSUPP);  // issue 4
  TcpipSocket* s = Lookup(handle, error);
  if (s == nullptr) return SOCKET_ERROR;
  if (!RecvFlagsSupported(*flags)) return Fail(error, WSAEOPNOTSUPP);
  if (s->is_stream()) {  // lpFrom and lpFromlen are ignored (S1 §3.1.21; SPEC 2.17)
    return RecvStream(s, handle, buffers, count, received, flags, error);
  }
  return RecvDatagram(s, handle, buffers, count, received, flags, from, fromlen, error);
}

// --- select and ioctl ------------------------------------------------------------------------

bool Readable(const TcpipSocket& s) {
  if (s.state == State::kListening) return s.listener->completed_count() > 0;
  if (!s.is_stream()) return !s.datagrams.empty();
  if (s.connection == nullptr) return false;
  const TcpConnection& c = *s.connection;
  return c.ReadableBytes() > 0 || c.peer_closed() || c.error() != TcpError::kNone ||
         (s.tcp_options.oob_inline && !c.AtMark());
}

bool Writable(const TcpipSocket& s) {
  if (!s.is_stream()) return true;
  return s.state == State::kConnected && s.connection != nullptr &&
         s.connection->SendBufferFree() > 0;
}

bool Exceptional(const TcpipSocket& s) {
  if (!s.is_stream() || s.connection == nullptr) return false;
  if (s.failure != TcpError::kNone) return true;  // a failed connect (S1 §3.1.8)
  // A connection broken by the peer or by keep-alive failure (S1 §3.1.8; SPEC 2.16).
  const TcpError e = s.connection->error();
  if (e == TcpError::kReset || e == TcpError::kKeepaliveTimedOut) return true;
  return !s.tcp_options.oob_inline && s.connection->HasOobByte();
}

int WSPAPI WSPSelect(int nfds, fd_set* readfds, fd_set* writefds, fd_set* exceptfds,
                     const struct timeval* timeout, LPINT error) {
  (void)nfds;  // ignored (S1 §3.1.8)
  fd_set* sets[3] = {readfds, writefds, exceptfds};
  bool (*tests[3])(const TcpipSocket&) = {&Readable, &Writable, &Exceptional};
  std::vector<TcpipSocket*> all;
  for (fd_set* set : sets) {
    if (set == nullptr) continue;
    for (u_int i = 0; i < set->fd_count; ++i) {
      TcpipSocket* s = Lookup(set->fd_array[i], error);
      if (s == nullptr) return SOCKET_ERROR;
      all.push_back(s);
    }
  }
  if (all.empty()) return Fail(error, WSAEINVAL);
  TcpipStack& stack = *all.front()->stack;
  const sim::VirtualTime deadline =
      timeout == nullptr ? sim::VirtualTime::Max()
                         : stack.scheduler().Now() + sim::Duration::Seconds(timeout->tv_sec) +
                               sim::Duration::Microseconds(timeout->tv_usec);
  for (;;) {
    int ready = 0;
    fd_set result[3];
    for (int k = 0; k < 3; ++k) {
      FD_ZERO(&result[k]);
      if (sets[k] == nullptr) continue;
      for (u_int i = 0; i < sets[k]->fd_count; ++i) {
        TcpipSocket* s = Lookup(sets[k]->fd_array[i], error);
        if (s == nullptr) return SOCKET_ERROR;  // closed by another thread meanwhile
        if (tests[k](*s)) {
          FD_SET(sets[k]->fd_array[i], &result[k]);
          ++ready;
        }
      }
    }
    if (ready > 0 || stack.scheduler().Now() >= deadline) {
      for (int k = 0; k < 3; ++k) {
        if (sets[k] != nullptr) *sets[k] = result[k];
      }
      return ready;
    }
    stack.Wait(all, absl::StrCat("select on ", all.size(), " sockets"), deadline);
  }
}

int WSPAPI WSPIoctl(SOCKET handle, LONG cmd, u_long* argp, LPINT error) {
  TcpipSocket* s = Lookup(handle, error);
  if (s == nullptr) return SOCKET_ERROR;
  if (argp == nullptr) return Fail(error, WSAEFAULT);
  switch (static_cast<uint32_t>(cmd)) {  // the codes are unsigned (IOC_IN is bit 31)
    case FIONBIO:
      s->nonblocking = *argp != 0;
      return 0;
    case FIONREAD:
      if (s->is_stream()) {
        *argp = s->connection != nullptr ? s->connection->ReadableBytes() : 0;
      } else {
        *argp = s->datagrams.empty() ? 0 : static_cast<u_long>(s->datagrams.front().payload.size());
      }
      return 0;
    case SIOCATMARK:
      // Stream sockets only (D-62: WSAEINVAL otherwise); TRUE when no out-of-band data waits to
      // be read (SPEC 2.22).
      if (!s->is_stream()) return Fail(error, WSAEINVAL);
      *argp = s->connection == nullptr || s->connection->AtMark() ? 1 : 0;
      return 0;
    default:
      return Fail(error, WSAEINVAL);
  }
}

// --- Options (S1 §2.8.4, §3.1.5, §3.1.9; SPEC 3.1) --------------------------------------------

int WSPAPI WSPGetSockOpt(SOCKET handle, int level, int optname, char* optval, LPINT optlen,
                         LPINT error) {
  TcpipSocket* s = Lookup(handle, error);
  if (s == nullptr) return SOCKET_ERROR;
  if (optval == nullptr || optlen == nullptr) return Fail(error, WSAEFAULT);
  auto put_int = [&](int v) -> int {
    if (*optlen < static_cast<int>(sizeof(int))) return Fail(error, WSAEFAULT);
    std::memcpy(optval, &v, sizeof(int));
    *optlen = sizeof(int);
    return 0;
  };
  if (level == IPPROTO_TCP) {  // SOL_PROVIDER
    if (optname == TCP_NODELAY && s->is_stream()) return put_int(s->tcp_options.no_delay);
    if (optname == PVD_CONFIG) {  // the provider's opaque configuration, as set (SPEC 3.1)
      const int size = static_cast<int>(s->provider_config.size());
      if (*optlen < size) return Fail(error, WSAEFAULT);
      std::copy(s->provider_config.begin(), s->provider_config.end(), optval);
      *optlen = size;
      return 0;
    }
    return Fail(error, WSAENOPROTOOPT);
  }
  if (level != SOL_SOCKET) return Fail(error, WSAENOPROTOOPT);  // D-64
  switch (optname) {
    case SO_ACCEPTCONN: return put_int(s->state == State::kListening);
    case SO_GROUP_ID: return put_int(0);  // this provider has no groups (S1 §3.1.5; SPEC 3.1)
    case SO_INTERRUPT: return put_int(s->interrupt);  // D-24
    case SO_PROTOCOL_INFO: {  // the socket's catalog entry, a WSAPROTOCOL_INFOW (D-23)
      const int size = static_cast<int>(s->protocol_info.size());
      if (size == 0) return Fail(error, WSAENOPROTOOPT);
      if (*optlen < size) return Fail(error, WSAEFAULT);
      std::copy(s->protocol_info.begin(), s->protocol_info.end(), optval);
      *optlen = size;
      return 0;
    }
    case SO_BROADCAST: return put_int(s->broadcast);
    case SO_DEBUG: return put_int(s->debug);
    case SO_DONTLINGER: return put_int(!s->linger_on);
    case SO_DONTROUTE: return put_int(s->dont_route);
    case SO_KEEPALIVE: return put_int(s->tcp_options.keepalive);
    case SO_OOBINLINE: return put_int(s->tcp_options.oob_inline);
    case SO_RCVBUF: return put_int(static_cast<int>(s->tcp_options.receive_buffer_bytes));
    case SO_SNDBUF: return put_int(static_cast<int>(s->tcp_options.send_buffer_bytes));
    case SO_REUSEADDR: return put_int(s->reuse_address);
    case SO_TYPE: return put_int(s->type);
    case SO_MAX_MSGDG_SIZE:
      if (s->is_stream()) return Fail(error, WSAENOPROTOOPT);  // meaningless for streams (D-22)
      return put_int(s->family == Family::kIpv4 ? 65507 : 65527);
    case SO_LINGER: {
      if (*optlen < static_cast<int>(sizeof(struct linger))) return Fail(error, WSAEFAULT);
      struct linger l;
      l.l_onoff = s->linger_on ? 1 : 0;
      l.l_linger = s->linger_seconds;
      std::memcpy(optval, &l, sizeof(l));
      *optlen = sizeof(l);
      return 0;
    }
    default:
      return Fail(error, WSAENOPROTOOPT);  // SO_ERROR, SO_RCVLOWAT, ... are not supported
  }
}

int WSPAPI WSPSetSockOpt(SOCKET handle, int level, int optname, const char* optval, int optlen,
                         LPINT error) {
  TcpipSocket* s = Lookup(handle, error);
  if (s == nullptr) return SOCKET_ERROR;
  if (optval == nullptr) return Fail(error, WSAEFAULT);
  // D-96: a connection already dropped by keep-alive fails every later call with WSAENOTCONN.
  if (DroppedByKeepAlive(*s)) return Fail(error, WSAENOTCONN);
  int value = 0;
  const bool int_sized = optlen >= static_cast<int>(sizeof(int));
  if (int_sized) std::memcpy(&value, optval, sizeof(int));
  if (level == IPPROTO_TCP) {
    if (optname == PVD_CONFIG) {  // opaque: stored as given (SPEC 3.1)
      if (optlen < 0) return Fail(error, WSAEFAULT);
      s->provider_config.assign(optval, optval + optlen);
      return 0;
    }
    if (optname != TCP_NODELAY || !s->is_stream()) return Fail(error, WSAENOPROTOOPT);
    if (!int_sized) return Fail(error, WSAEFAULT);
    s->tcp_options.no_delay = value != 0;
    if (s->connection != nullptr) s->connection->SetNoDelay(value != 0);
    return 0;
  }
  // IPPROTO_IP is a level with no supported option (IP_OPTIONS: S1 §3.1.9, WSAENOPROTOOPT); any
  // other level is invalid (D-64).
  if (level == IPPROTO_IP) return Fail(error, WSAENOPROTOOPT);
  if (level != SOL_SOCKET) return Fail(error, WSAEINVAL);  // D-64
  if (optname == SO_LINGER) {
    if (optlen < static_cast<int>(sizeof(struct linger))) return Fail(error, WSAEFAULT);
    struct linger l;
    std::memcpy(&l, optval, sizeof(l));
    s->linger_on = l.l_onoff != 0;
    s->linger_seconds = l.l_linger;
    return 0;
  }
  switch (optname) {
    case SO_BROADCAST: case SO_DEBUG: case SO_DONTLINGER: case SO_DONTROUTE: case SO_KEEPALIVE:
    case SO_OOBINLINE: case SO_RCVBUF: case SO_SNDBUF: case SO_REUSEADDR: case SO_INTERRUPT:
      break;
    default:
      return Fail(error, WSAENOPROTOOPT);  // get-only (SO_ACCEPTCONN, SO_TYPE, ...) or unknown
  }
  if (!int_sized) return Fail(error, WSAEFAULT);
  const bool on = value != 0;
  switch (optname) {
    case SO_BROADCAST: s->broadcast = on; break;
    case SO_DEBUG: s->debug = on; break;
    case SO_DONTLINGER: s->linger_on = !on; break;
    case SO_DONTROUTE: s->dont_route = on; break;
    case SO_REUSEADDR: s->reuse_address = on; break;  // consulted only by a later bind
    case SO_INTERRUPT: s->interrupt = on; break;  // D-24: meaningful in Win16 only
    case SO_KEEPALIVE:
      s->tcp_options.keepalive = on;
      if (s->connection != nullptr) s->connection->SetKeepAlive(on);
      break;
    case SO_OOBINLINE:
      s->tcp_options.oob_inline = on;
      if (s->connection != nullptr) s->connection->SetOobInline(on);
      break;
    case SO_RCVBUF:
      if (value < 0) return Fail(error, WSAEINVAL);
      s->tcp_options.receive_buffer_bytes = static_cast<uint32_t>(value);
      if (s->connection != nullptr) s->connection->SetReceiveBufferBytes(static_cast<uint32_t>(value));
      break;
    case SO_SNDBUF:
      if (value < 0) return Fail(error, WSAEINVAL);
      s->tcp_options.send_buffer_bytes = static_cast<uint32_t>(value);
      if (s->connection != nullptr) s->connection->SetSendBufferBytes(static_cast<uint32_t>(value));
      break;
  }
  return 0;
}

// --- Slots this issue does not implement: WSAEOPNOTSUPP -----------------------------------------

// A slot's stub: sets *lpErrno (always the last parameter) to WSAEOPNOTSUPP and returns the
// slot's failure value (BOOL is int here, so the value is given, not derived from the type).
template <typename Fn, auto kFailure>
struct NotSupported;
template <typename R, typename... Args, auto kFailure>
struct NotSupported<R (*)(Args...), kFailure> {
  static R WSPAPI Call(Args... args) {
    LPINT error = std::get<sizeof...(Args) - 1>(std::tuple<Args...>(args...));
    *error = WSAEOPNOTSUPP;
    return static_cast<R>(kFailure);
  }
};
template <typename Fn, auto kFailure = SOCKET_ERROR>
Fn Unsupported() {
  return &NotSupported<Fn, kFailure>::Call;
}

int WSPAPI WSPStartup(WORD version_requested, LPWSADATA data, LPWSAPROTOCOL_INFOW info,
                      WSPUPCALLTABLE upcalls, LPWSPPROC_TABLE table) {
  (void)info;
  if (data == nullptr || table == nullptr) return WSAEFAULT;
  if (sim::CurrentHost() == nullptr || TcpipProvider::Active() == nullptr) return WSASYSNOTREADY;
  // Supports SPI versions 1.1 through 2.0 (SPEC 2.1, D-10).
  const WORD lowest = MAKEWORD(1, 1), highest = MAKEWORD(2, 0);
  auto less = [](WORD a, WORD b) {
    return LOBYTE(a) != LOBYTE(b) ? LOBYTE(a) < LOBYTE(b) : HIBYTE(a) < HIBYTE(b);
  };
  if (less(version_requested, lowest)) return WSAVERNOTSUPPORTED;
  std::memset(data, 0, sizeof(*data));
  data->wVersion = less(version_requested, highest) ? version_requested : highest;
  data->wHighVersion = highest;
  std::strncpy(data->szDescription, TcpipProvider::kDescription, WSADESCRIPTION_LEN);
  std::strncpy(data->szSystemStatus, "Running", WSASYS_STATUS_LEN);
  data->iMaxSockets = 0x7fff;
  data->iMaxUdpDg = 512;  // D-78
  g_upcalls = upcalls;
  ++TcpipProvider::Active()->startups(sim::CurrentProcessId());

  table->lpWSPAccept = &WSPAccept;
  table->lpWSPAddressToString = Unsupported<LPWSPADDRESSTOSTRING>();
  table->lpWSPAsyncSelect = Unsupported<LPWSPASYNCSELECT>();
  table->lpWSPBind = &WSPBind;
  table->lpWSPCancelBlockingCall = Unsupported<LPWSPCANCELBLOCKINGCALL>();
  table->lpWSPCleanup = &WSPCleanup;
  table->lpWSPCloseSocket = &WSPCloseSocket;
  table->lpWSPConnect = &WSPConnect;
  table->lpWSPDuplicateSocket = Unsupported<LPWSPDUPLICATESOCKET>();
  table->lpWSPEnumNetworkEvents = Unsupported<LPWSPENUMNETWORKEVENTS>();
  table->lpWSPEventSelect = Unsupported<LPWSPEVENTSELECT>();
  table->lpWSPGetOverlappedResult = Unsupported<LPWSPGETOVERLAPPEDRESULT, FALSE>();
  table->lpWSPGetPeerName = &WSPGetPeerName;
  table->lpWSPGetSockName = &WSPGetSockName;
  table->lpWSPGetSockOpt = &WSPGetSockOpt;
  table->lpWSPGetQOSByName = Unsupported<LPWSPGETQOSBYNAME, FALSE>();
  table->lpWSPIoctl = &WSPIoctl;
  table->lpWSPJoinLeaf = Unsupported<LPWSPJOINLEAF, INVALID_SOCKET>();
  table->lpWSPListen = &WSPListen;
  table->lpWSPRecv = &WSPRecv;
  table->lpWSPRecvDisconnect = Unsupported<LPWSPRECVDISCONNECT>();
  table->lpWSPRecvFrom = &WSPRecvFrom;
  table->lpWSPSelect = &WSPSelect;
  table->lpWSPSend = &WSPSend;
  table->lpWSPSendDisconnect = Unsupported<LPWSPSENDDISCONNECT>();
  table->lpWSPSendTo = &WSPSendTo;
  table->lpWSPSetSockOpt = &WSPSetSockOpt;
  table->lpWSPShutdown = &WSPShutdown;
  table->lpWSPSocket = &WSPSocket;
  table->lpWSPStringToAddress = Unsupported<LPWSPSTRINGTOADDRESS>();
  return 0;
}

}  // namespace

void* TcpipProvider::StartupEntry() { return reinterpret_cast<void*>(&WSPStartup); }

}  // namespace ws2sim::providers::tcpip
