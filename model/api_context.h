// What every guest-facing API function needs (api_*.cc): the runtime, the calling thread, its
// process and the process's Winsock DLL; the SPI dispatch helpers; the last-error convention.
// Include it after every other header and before nothing: it pulls in the guest headers, whose
// macros rename socket, bind, select, ...
#ifndef WS2SIM_MODEL_API_CONTEXT_H_
#define WS2SIM_MODEL_API_CONTEXT_H_

#include <initializer_list>
#include <type_traits>

#include "model/runtime.h"
#include "sim/host_context.h"
#include "sim/stack_guard.h"
#include "model/include/ws2spi.h"

namespace ws2sim::model {

class ApiContext {
 public:
  // `name` is the function ("recv"): it is what a crash report names as the last API call and
  // what the trace's API Call records name. `socket` is the socket the call names (0: none) and
  // `args` its scalar arguments (never pointers), at most trace::Recorder::kMaxCallArgs; both go
  // into the ENTER record. A call from outside a simulated thread is a simulator bug: it aborts
  // with a message. The RETURN record is written when the context ends, with the value given to
  // Return or Fail (0 when neither was called) and the error after Fail.
  explicit ApiContext(const char* name, int64_t socket = 0,
                      std::initializer_list<int64_t> args = {});
  ~ApiContext();

  Runtime& rt;
  Thread& thread;
  Process& process;
  WinsockDll& dll;

  // Sets the thread's last error and returns `value` (SOCKET_ERROR, INVALID_SOCKET, NULL, ...).
  template <typename T>
  T Fail(int error, T value) {
    thread.last_error = static_cast<uint32_t>(error);
    failed_error_ = error;
    result_ = TraceValue(value);
    return value;
  }
  int Fail(int error) { return Fail(error, SOCKET_ERROR); }
  // Returns `value` and records it as the call's result in the RETURN record.
  template <typename T>
  T Return(T value) {
    result_ = TraceValue(value);
    return value;
  }

  // Why this thread may not call into a provider now: WSANOTINITIALISED (before WSAStartup),
  // WSAEINPROGRESS (inside a WSAAccept condition function: S1 §3.1.11; D-48, R-29), or 0.
  int Unavailable() const;
  // The provider serving socket `s` of this process. Null with *error Unavailable()'s code or
  // WSAENOTSOCK (not a socket of this process).
  WinsockDll::Provider* ProviderOf(SOCKET s, int* error);
  // While it lives, SPI calls run on this process's machine (sim::CurrentHost).
  sim::ScopedHost OnMachine() { return sim::ScopedHost(dll.machine().net_host(), process.pid()); }
  // SPI Call records around a call into a provider: enter, then return with its result and the
  // lpErrno it reported (0 unless result is SOCKET_ERROR / INVALID_SOCKET).
  void TraceSpiEnter(const char* function, SOCKET s);
  void TraceSpiReturn(const char* function, SOCKET s, int64_t result, int error);

 private:
  static Thread& CurrentThreadOrDie(const char* name);

  // A result as the trace shows it: integers as themselves (INVALID_SOCKET as -1), pointers as
  // 1 (non-null) or 0, since their values are not deterministic.
  template <typename T>
  static int64_t TraceValue(T value) {
    if constexpr (std::is_pointer_v<T>) {
      return value == nullptr ? 0 : 1;
    } else if constexpr (std::is_same_v<T, SOCKET>) {
      return value == INVALID_SOCKET ? -1 : static_cast<int64_t>(value);
    } else {
      return static_cast<int64_t>(value);
    }
  }

  const char* name_;
  int64_t socket_;
  int failed_error_ = 0;
  int64_t result_ = 0;
};

// Calls `slot` of s's provider table with the trailing lpErrno, tracing the SPI call; a result
// equal to `failure` (SOCKET_ERROR, INVALID_SOCKET, FALSE) sets the thread's last error to the
// provider's error. A provider that leaves a slot empty answers WSAEOPNOTSUPP.
template <typename R, typename Slot, typename... Args>
R DispatchOr(ApiContext& ctx, R failure, SOCKET s, const char* function,
             Slot WSPPROC_TABLE::*slot, Args... args) {
  int error = 0;
  WinsockDll::Provider* p = ctx.ProviderOf(s, &error);
  if (p == nullptr) return ctx.Fail(error, failure);
  Slot fn = p->table.get()->*slot;
  if (fn == nullptr) return ctx.Fail(WSAEOPNOTSUPP, failure);
  R rc;
  {
    auto host = ctx.OnMachine();
    ctx.TraceSpiEnter(function, s);
    rc = fn(s, args..., &error);
    const bool failed = rc == failure;
    const bool minus_one = failed && failure == static_cast<R>(SOCKET_ERROR);  // INVALID_SOCKET too
    ctx.TraceSpiReturn(function, s, minus_one ? -1 : static_cast<int64_t>(rc), failed ? error : 0);
  }
  return rc == failure ? ctx.Fail(error, failure) : ctx.Return(rc);
}

// DispatchOr for the slots that fail with SOCKET_ERROR, or INVALID_SOCKET for a SOCKET slot
// (the same bits).
template <typename Slot, typename... Args>
auto Dispatch(ApiContext& ctx, SOCKET s, const char* function, Slot WSPPROC_TABLE::*slot,
              Args... args) {
  using R = decltype((*static_cast<Slot>(nullptr))(s, args..., static_cast<LPINT>(nullptr)));
  return DispatchOr(ctx, static_cast<R>(SOCKET_ERROR), s, function, slot, args...);
}

// A kernel handle's value (HANDLE, WSAEVENT and HWND carry small integers, multiples of 4) and
// back.
inline uint32_t HandleValue(const void* h) {
  return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(h));
}
inline HANDLE AsHandle(uint32_t v) { return reinterpret_cast<HANDLE>(static_cast<uintptr_t>(v)); }

// What WaitForMultipleObjectsEx returns for `r` (WAIT_OBJECT_0 + i, WAIT_TIMEOUT,
// WAIT_IO_COMPLETION; WAIT_FAILED with the last error set).
inline DWORD WaitCode(ApiContext& ctx, const WaitResult& r) {
  switch (r.kind) {
    case WaitResult::Kind::kSignaled: return WAIT_OBJECT_0 + r.index;
    case WaitResult::Kind::kTimeout: return WAIT_TIMEOUT;
    case WaitResult::Kind::kIoCompletion: return WAIT_IO_COMPLETION;
    case WaitResult::Kind::kFailed: break;
  }
  return ctx.Fail(static_cast<int>(r.error), WAIT_FAILED);
}

// The error socket(af, type, protocol) reports when no catalog entry matches (S1 §3.1.25,
// CHECKLIST SPI-SOCK-02, SPI-SOCK-03; D-71).
int NoEntryError(const Catalog& catalog, int af, int type, int protocol);

// socket() and WSASocket() once the catalog entry is chosen: starts its provider if needed and
// calls WSPSocket with the entry's WSAPROTOCOL_INFOW and `flags` (WSA_FLAG_OVERLAPPED, S1
// §3.1.25). `provider_reserved`, when not 0, replaces the record's dwProviderReserved: the
// caller's (WSASocket with a record from WSADuplicateSocket carries the provider's share key). The new socket, or
// INVALID_SOCKET with the last error set (the provider's error, WSAEOPNOTSUPP without a
// WSPSocket).
SOCKET CreateSocket(ApiContext& ctx, const CatalogEntry& entry, int af, int type, int protocol,
                    DWORD flags, DWORD provider_reserved = 0);

}  // namespace ws2sim::model

#endif  // WS2SIM_MODEL_API_CONTEXT_H_
