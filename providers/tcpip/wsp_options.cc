// The tcpip provider's WSPGetSockOpt and WSPSetSockOpt (S1 §2.8.4, §3.1.5, §3.1.9; SPEC 3.1).
#include <cstring>

#include "providers/tcpip/wsp_internal.h"

namespace ws2sim::providers::tcpip {

using sim::net::Family;

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
    case SO_GROUP_ID: return put_int(static_cast<int>(s->group));  // 0: no group (SPEC 3.1)
    case SO_GROUP_PRIORITY:  // group members only (S1 §3.1.5; SPEC 3.1)
      if (s->group == 0) return Fail(error, WSAENOPROTOOPT);
      return put_int(s->group_priority);
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
  if (optname == SO_GROUP_PRIORITY) {  // group members only; >= 0, 0 highest (SPEC 3.1)
    if (s->group == 0) return Fail(error, WSAENOPROTOOPT);
    if (!int_sized) return Fail(error, WSAEFAULT);
    if (value < 0) return Fail(error, WSAEINVAL);
    s->group_priority = value;
    return 0;
  }
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

}  // namespace ws2sim::providers::tcpip
