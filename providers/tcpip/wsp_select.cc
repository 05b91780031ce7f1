// The tcpip provider's WSPSelect and WSPIoctl (S1 §3.1.6, §3.1.8; SPEC 2.16, 2.22).
#include <vector>

#include "absl/strings/str_cat.h"
#include "providers/tcpip/wsp_internal.h"

namespace ws2sim::providers::tcpip {

// --- select and ioctl ------------------------------------------------------------------------

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
      // D-61: back to blocking mode only without an async-select / event-select registration,
      // and never for an overlapped socket ("always non-blocking", S1 §3.1.25).
      if (*argp == 0 && (s->Registered(handle) || s->overlapped)) return Fail(error, WSAEINVAL);
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

}  // namespace ws2sim::providers::tcpip
