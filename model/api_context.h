// What every guest-facing API function needs (api_*.cc): the runtime, the calling thread, its
// process and the process's Winsock DLL; the SPI dispatch helpers; the last-error convention.
// Include it after every other header and before nothing: it pulls in the guest headers, whose
// macros rename socket, bind, select, ...
#ifndef WS2SIM_MODEL_API_CONTEXT_H_
#define WS2SIM_MODEL_API_CONTEXT_H_

#include "model/runtime.h"
#include "sim/host_context.h"
#include "sim/stack_guard.h"
#include "model/include/ws2spi.h"

namespace ws2sim::model {

class ApiContext {
 public:
  // `name` is the function ("recv"): it is what a crash report names as the last API call and
  // what the trace's API Call records name. A call from outside a simulated thread is a
  // simulator bug: it aborts with a message. The RETURN record is written when the context ends:
  // result -1 with the error after Fail, else 0.
  explicit ApiContext(const char* name);
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
    return value;
  }
  int Fail(int error) { return Fail(error, SOCKET_ERROR); }

  // The provider serving socket `s` of this process. Null with *error WSANOTINITIALISED (before
  // WSAStartup) or WSAENOTSOCK (not a socket of this process).
  WinsockDll::Provider* ProviderOf(SOCKET s, int* error);
  // While it lives, SPI calls run on this process's machine (sim::CurrentHost).
  sim::ScopedHost OnMachine() { return sim::ScopedHost(dll.machine().net_host(), process.pid()); }
  // SPI Call records around a call into a provider: enter, then return with its result and the
  // lpErrno it reported (0 unless result is SOCKET_ERROR / INVALID_SOCKET).
  void TraceSpiEnter(const char* function, SOCKET s);
  void TraceSpiReturn(const char* function, SOCKET s, int64_t result, int error);

 private:
  static Thread& CurrentThreadOrDie(const char* name);
  void TraceCall(trace::pb::CallPhase phase);

  const char* name_;
  int failed_error_ = 0;
};

}  // namespace ws2sim::model

#endif  // WS2SIM_MODEL_API_CONTEXT_H_
