// NetworkEvents: one socket's network-event notification state, shared by every delivery style
// (SPEC 2.11's reference state machine; S1 §3.1.12, §3.1.13, §3.1.17, §3.1.18). Any provider
// keeps one per socket, tells it what holds now (Conditions) after every call and every network
// event, and calls Reenabled when a re-enabling function ran; NetworkEvents decides what is due
// and hands each notification to the registration's delivery: a window message through
// WPUPostMessage (WSPAsyncSelect) or a record bit plus WPUSetEvent (WSPEventSelect). The Win16
// callback delivery plugs in the same way.
//
// Invariants:
//  - One registration at a time; a new one (of either kind) replaces the old (rule 1, D-41).
//  - After event e is delivered, it is not delivered again until its re-enabling function runs
//    (rule 3); any call of it re-enables, even a failing one, except WSPAccept failing with
//    WSATRY_AGAIN (rule 4, D-83).
//  - FD_READ, FD_OOB, FD_ACCEPT are level-triggered: delivered whenever armed, selected and true
//    (rules 5, 6). FD_WRITE is delivered on its occurrences only: connect / accept completion, and
//    space freed after a send failed with WSAEWOULDBLOCK (rule 7), plus at registration when a
//    send would not block (D-99). FD_CONNECT and FD_CLOSE are delivered at most once (D-100).
//  - Several events due at once are delivered in ascending bit order (D-46), one per message.
#ifndef WS2SIM_PROVIDERS_COMMON_NETWORK_EVENTS_H_
#define WS2SIM_PROVIDERS_COMMON_NETWORK_EVENTS_H_

#include <array>
#include <cstdint>
#include <optional>

// The SPI's types, declared without the guest headers (whose macros rename socket, select, ...):
// SOCKET is a u_int, HWND and WSAEVENT are handle values carried in pointers.
struct _WSPUPCALLTABLE;   // WSPUPCALLTABLE
struct _WSANETWORKEVENT;  // WSANETWORKEVENT

namespace ws2sim::providers {

using SocketHandle = unsigned int;  // SOCKET
using Upcalls = ::_WSPUPCALLTABLE;

class NetworkEvents {
 public:
  // What holds on the socket now, as its provider sees it (SPEC 2.11 holds()).
  struct Conditions {
    bool readable = false;    // FD_READ: data queued (with SO_OOBINLINE, urgent data too)
    bool oob = false;         // FD_OOB: urgent data held apart (SO_OOBINLINE FALSE)
    bool acceptable = false;  // FD_ACCEPT: a completed connection is queued
    bool writable = false;    // a send would not block now
    // FD_CONNECT: the connect attempt finished; its error (0 = connected).
    std::optional<int> connect_result;
    // FD_CLOSE: the close indication, once reportable (graceful only after all data was read,
    // D-42); its error: 0, WSAECONNRESET or WSAECONNABORTED.
    std::optional<int> close_result;
  };

  enum class Kind : uint8_t { kNone, kAsyncSelect, kEventSelect };

  // WSPAsyncSelect (S1 §3.1.12): post wMsg to hWnd for the events of `mask`; mask 0 cancels.
  // Delivers at once whatever already holds (persistence, D-99, D-100).
  // `hwnd` is the HWND.
  void AsyncSelect(SocketHandle s, void* hwnd, unsigned int msg, long mask, const Conditions& now,
                   const Upcalls& upcalls);
  // WSPEventSelect (S1 §3.1.18): record events of `mask` and set `event` (a WSAEVENT); clears
  // the record.
  void EventSelect(SocketHandle s, void* event, long mask, const Conditions& now,
                   const Upcalls& upcalls);
  // Copies the inherited registration of a listening socket to a socket it accepted (Win32,
  // S1 §3.1.12, §3.1.18) and raises the accepted socket's first FD_WRITE (rule 7).
  void InheritFrom(const NetworkEvents& listener, SocketHandle s, const Conditions& now,
                   const Upcalls& upcalls);
  // Stops all notification (closesocket); messages already posted stay queued.
  void Cancel() { registration_ = Registration{}; }

  // A re-enabling function ran for `events` (FD_READ|FD_OOB for WSPRecv, FD_WRITE for WSPSend,
  // FD_ACCEPT for WSPAccept) and failed with `error` (0: it succeeded). Deliver follows from the
  // next Update.
  void Reenabled(long events, int error);
  // The connection was just established (connect completed): FD_WRITE's first occurrence.
  void Connected() { write_due_ = true; }
  // Delivers whatever is due given what holds now. Call after every call and network event.
  void Update(SocketHandle s, const Conditions& now, const Upcalls& upcalls);

  // WSPEnumNetworkEvents (S1 §3.1.17, D-45, D-84): fills lpNetworkEvents[i] for FD bit i up to
  // the highest recorded bit, clears the record and resets `event` (if non-null) in one step.
  // Returns 0, or WSAENOBUFS with *count = the elements needed (record and event untouched).
  int Enumerate(void* event, ::_WSANETWORKEVENT* out, int* count, const Upcalls& upcalls);

  Kind kind() const { return registration_.kind; }
  long mask() const { return registration_.mask; }
  bool registered() const { return registration_.kind != Kind::kNone && registration_.mask != 0; }

 private:
  static constexpr int kEvents = 8;  // FD_READ .. FD_GROUP_QOS
  struct Registration {
    Kind kind = Kind::kNone;
    void* hwnd = nullptr;
    unsigned int msg = 0;
    void* event = nullptr;
    long mask = 0;
  };

  void Register(SocketHandle s, const Registration& r, const Conditions& now,
                const Upcalls& upcalls);
  bool Due(int bit, const Conditions& now) const;
  void Deliver(SocketHandle s, int bit, int error, const Upcalls& upcalls);

  Registration registration_;
  std::array<bool, kEvents> armed_{};  // not yet delivered since the last re-enable
  bool write_due_ = false;             // an FD_WRITE occurrence not yet delivered
  bool send_blocked_ = false;          // a send failed WSAEWOULDBLOCK; FD_WRITE when space frees
  bool connect_reported_ = false;      // FD_CONNECT delivered (once per socket, D-100)
  bool close_reported_ = false;        // FD_CLOSE delivered (once, D-100)
  uint32_t recorded_ = 0;              // event select: the record's bits
  std::array<int, kEvents> recorded_error_{};
};

}  // namespace ws2sim::providers

#endif  // WS2SIM_PROVIDERS_COMMON_NETWORK_EVENTS_H_
