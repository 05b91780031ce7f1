#include "providers/common/network_events.h"

// The guest headers last: their macros rename socket, bind, select, ...
#include "model/include/ws2spi.h"

namespace ws2sim::providers {
void NetworkEvents::AsyncSelect(SocketHandle s, void* hwnd, unsigned int msg, long mask,
                                const Conditions& now, const Upcalls& upcalls) {
  Register(s, Registration{Kind::kAsyncSelect, hwnd, msg, nullptr, mask}, now, upcalls);
}

void NetworkEvents::EventSelect(SocketHandle s, void* event, long mask, const Conditions& now,
                                const Upcalls& upcalls) {
  recorded_ = 0;  // S1 §3.1.18: clears every bit of the record
  recorded_error_.fill(0);
  Register(s, Registration{Kind::kEventSelect, nullptr, 0, event, mask}, now, upcalls);
}

void NetworkEvents::InheritFrom(const NetworkEvents& listener, SocketHandle s,
                                const Conditions& now, const Upcalls& upcalls) {
  registration_ = listener.registration_;
  armed_.fill(true);
  write_due_ = true;  // the accepted socket's first FD_WRITE (rule 7)
  Update(s, now, upcalls);
}

void NetworkEvents::Register(SocketHandle s, const Registration& r, const Conditions& now,
                             const Upcalls& upcalls) {
  registration_ = r;
  if (r.mask == 0) registration_ = Registration{};  // cancels; the target is ignored
  armed_.fill(true);
  write_due_ = now.writable;  // D-99: FD_WRITE persists while a send would not block
  Update(s, now, upcalls);
}

void NetworkEvents::Reenabled(long events, int error) {
  if ((events & FD_ACCEPT) != 0 && error == WSATRY_AGAIN) events &= ~FD_ACCEPT;  // CF_DEFER
  for (int bit = 0; bit < kEvents; ++bit) {
    if ((events & (1L << bit)) != 0) armed_[bit] = true;
  }
  if ((events & FD_WRITE) != 0 && error == WSAEWOULDBLOCK) send_blocked_ = true;
}

bool NetworkEvents::Due(int bit, const Conditions& now) const {
  if ((registration_.mask & (1L << bit)) == 0 || !armed_[bit]) return false;
  switch (bit) {
    case FD_READ_BIT: return now.readable;
    case FD_WRITE_BIT: return write_due_;
    case FD_OOB_BIT: return now.oob;
    case FD_ACCEPT_BIT: return now.acceptable;
    case FD_CONNECT_BIT: return now.connect_result.has_value() && !connect_reported_;
    case FD_CLOSE_BIT: return now.close_result.has_value() && !close_reported_;
    default: return false;  // FD_QOS, FD_GROUP_QOS: no flow specs in this provider yet
  }
}

void NetworkEvents::Update(SocketHandle s, const Conditions& now, const Upcalls& upcalls) {
  if (send_blocked_ && now.writable) {  // space freed after a WSAEWOULDBLOCK send
    send_blocked_ = false;
    write_due_ = true;
  }
  if (registration_.kind == Kind::kNone) return;
  for (int bit = 0; bit < kEvents; ++bit) {
    if (!Due(bit, now)) continue;
    int error = 0;
    if (bit == FD_CONNECT_BIT) error = *now.connect_result;
    if (bit == FD_CLOSE_BIT) error = *now.close_result;
    Deliver(s, bit, error, upcalls);
  }
}

void NetworkEvents::Deliver(SocketHandle s, int bit, int error, const Upcalls& upcalls) {
  armed_[bit] = false;
  if (bit == FD_WRITE_BIT) write_due_ = false;
  if (bit == FD_CONNECT_BIT) connect_reported_ = true;
  if (bit == FD_CLOSE_BIT) close_reported_ = true;
  const long event = 1L << bit;
  if (registration_.kind == Kind::kAsyncSelect) {
    // wParam = the socket; lParam = WSAMAKESELECTREPLY(event, error) (S1 §3.1.12).
    const LPARAM lparam = static_cast<LPARAM>((static_cast<uint32_t>(error) << 16) |
                                              static_cast<uint32_t>(event));
    upcalls.lpWPUPostMessage(static_cast<HWND>(registration_.hwnd), registration_.msg,
                             static_cast<WPARAM>(s), lparam);
  } else {
    recorded_ |= static_cast<uint32_t>(event);
    recorded_error_[bit] = error;
    int ignored = 0;
    upcalls.lpWPUSetEvent(registration_.event, &ignored);
  }
}

int NetworkEvents::Enumerate(void* event, ::_WSANETWORKEVENT* out, int* count,
                             const Upcalls& upcalls) {
  int needed = 0;
  for (int bit = 0; bit < kEvents; ++bit) {
    if ((recorded_ & (1u << bit)) != 0) needed = bit + 1;
  }
  if (*count < needed) {
    *count = needed;
    return WSAENOBUFS;
  }
  for (int bit = 0; bit < needed; ++bit) {
    out[bit].Fired = (recorded_ & (1u << bit)) != 0 ? TRUE : FALSE;
    out[bit].ErrorCode = recorded_error_[bit];
  }
  *count = needed;
  recorded_ = 0;
  recorded_error_.fill(0);
  if (event != nullptr) {
    int ignored = 0;
    upcalls.lpWPUResetEvent(event, &ignored);
  }
  return 0;
}

}  // namespace ws2sim::providers
