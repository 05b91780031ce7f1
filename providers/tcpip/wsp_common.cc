// The tcpip provider's shared WSP helpers; their contracts are in wsp_internal.h.
#include <array>
#include <cstring>

#include "providers/tcpip/wsp_internal.h"

namespace ws2sim::providers::tcpip {

WSPUPCALLTABLE g_upcalls;

using sim::net::Family;
using sim::net::IpAddress;

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

int EnsureBound(TcpipSocket* s) {
  if (s->local) return 0;
  return s->stack->Bind(s, Endpoint{IpAddress::Any(s->family), 0});
}

bool OobSupported(const TcpipSocket& s) {
  return s.is_stream() && (s.attributes & XP_EXPEDITED_DATA) != 0;
}

bool DroppedByKeepAlive(const TcpipSocket& s) {
  return s.connection != nullptr && s.connection->error() == TcpError::kKeepaliveTimedOut;
}

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

}  // namespace ws2sim::providers::tcpip
