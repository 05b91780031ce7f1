// The tcpip provider's network-event notifications: WSPAsyncSelect, WSPEventSelect,
// WSPEnumNetworkEvents (S1 §3.1.12, §3.1.17, §3.1.18; SPEC 2.11, 2.12, 2.14, 2.15), on the shared
// NetworkEvents state machine (providers/common/network_events.h). This file says what holds on a
// TCP or UDP socket; NetworkEvents decides what is delivered.
#include "providers/tcpip/wsp_internal.h"

namespace ws2sim::providers::tcpip {
namespace {

constexpr long kKnownEvents = FD_READ | FD_WRITE | FD_OOB | FD_ACCEPT | FD_CONNECT | FD_CLOSE |
                              FD_QOS | FD_GROUP_QOS;

// FD_CLOSE's error once the close is reportable (S1 §3.1.12; D-42): a reset at once
// (WSAECONNRESET), a keep-alive or retransmission failure (WSAECONNABORTED), a graceful close
// (0) after every received byte was read, or at the FIN when the scenario asks for later
// Windows' timing (TcpipProvider::Options::fd_close_waits_for_data).
std::optional<int> CloseResult(const TcpipSocket& s) {
  if (s.connection == nullptr || s.failure != TcpError::kNone) return std::nullopt;
  const TcpConnection& c = *s.connection;
  switch (c.error()) {
    case TcpError::kReset:
      return WSAECONNRESET;
    case TcpError::kAborted:
    case TcpError::kTimedOut:
    case TcpError::kKeepaliveTimedOut:
      return WSAECONNABORTED;
    default:
      break;
  }
  const bool waits = TcpipProvider::Active()->options().fd_close_waits_for_data;
  if (c.peer_closed() && (!waits || (c.ReadableBytes() == 0 && !c.HasOobByte()))) return 0;
  return std::nullopt;
}

}  // namespace

providers::NetworkEvents::Conditions ConditionsOf(const TcpipSocket& s) {
  providers::NetworkEvents::Conditions now;
  if (s.state == State::kListening) {
    now.acceptable = s.listener->completed_count() > 0;
    return now;
  }
  if (!s.is_stream()) {
    now.readable = !s.datagrams.empty();
    now.writable = s.local.has_value() || s.remote.has_value();
    return now;
  }
  now.writable = Writable(s);
  if (s.connect_attempted) {
    if (s.failure != TcpError::kNone) {
      now.connect_result = TcpErrorCode(s.failure);
    } else if (s.state == State::kConnected) {
      now.connect_result = 0;
    }
  }
  if (s.connection != nullptr) {
    const TcpConnection& c = *s.connection;
    now.readable = c.ReadableBytes() > 0;  // never for a close (rule 9)
    now.oob = !s.tcp_options.oob_inline && c.HasOobByte();
    now.close_result = CloseResult(s);
  }
  return now;
}

void OnSocketChanged(TcpipSocket* s) {
  if (s->handle == 0) return;  // not yet handed to the DLL
  ProgressOverlapped(s);
  if (s->connect_attempted && !s->connect_signalled && s->state == State::kConnected) {
    s->connect_signalled = true;
    for (auto& [descriptor, events] : s->events) events.Connected();  // FD_WRITE (rule 7)
  }
  if (s->events.empty()) return;
  const providers::NetworkEvents::Conditions now = ConditionsOf(*s);
  for (auto& [descriptor, events] : s->events) events.Update(descriptor, now, g_upcalls);
}

void Reenable(TcpipSocket* s, SOCKET handle, long events, int error) {
  auto it = s->events.find(handle);
  if (it == s->events.end()) return;  // a registration starts armed (D-99 covers FD_WRITE)
  it->second.Reenabled(events, error);
  OnSocketChanged(s);
}

void InheritNotifications(const TcpipSocket& listener, SOCKET listener_handle,
                          TcpipSocket* accepted) {
  if (!listener.Registered(listener_handle)) return;
  accepted->EventsOf(accepted->handle)
      .InheritFrom(listener.events.at(listener_handle), accepted->handle, ConditionsOf(*accepted),
                   g_upcalls);
}

int WSPAPI WSPAsyncSelect(SOCKET handle, HWND hwnd, unsigned int msg, LONG events, LPINT error) {
  TcpipSocket* s = Lookup(handle, error);
  if (s == nullptr) return SOCKET_ERROR;
  if ((events & ~kKnownEvents) != 0 || (events != 0 && hwnd == nullptr)) {
    return Fail(error, WSAEINVAL);
  }
  s->nonblocking = true;  // whatever the mask (S1 §3.1.12; SPEC 2.11 rule 2)
  s->EventsOf(handle).AsyncSelect(handle, hwnd, msg, events, ConditionsOf(*s), g_upcalls);
  return 0;
}

int WSPAPI WSPEventSelect(SOCKET handle, WSAEVENT event, LONG events, LPINT error) {
  TcpipSocket* s = Lookup(handle, error);
  if (s == nullptr) return SOCKET_ERROR;
  if ((events & ~kKnownEvents) != 0 || (events != 0 && event == nullptr)) {
    return Fail(error, WSAEINVAL);
  }
  s->nonblocking = true;  // S1 §3.1.18
  s->EventsOf(handle).EventSelect(handle, event, events, ConditionsOf(*s), g_upcalls);
  return 0;
}

int WSPAPI WSPEnumNetworkEvents(SOCKET handle, WSAEVENT event, LPWSANETWORKEVENT network_events,
                                LPINT count, LPINT error) {
  TcpipSocket* s = Lookup(handle, error);
  if (s == nullptr) return SOCKET_ERROR;
  if (count == nullptr || (*count > 0 && network_events == nullptr)) {
    return Fail(error, WSAEINVAL);
  }
  const int rc = s->EventsOf(handle).Enumerate(event, network_events, count, g_upcalls);
  return rc == 0 ? 0 : Fail(error, rc);
}

}  // namespace ws2sim::providers::tcpip
