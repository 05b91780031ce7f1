// Crash reports for code running on fibers (fiber.h): guest programs and the simulator itself.
//
// Handlers for SIGSEGV, SIGBUS, SIGILL and SIGFPE run on an alternate signal stack. A fault while
// a fiber runs stops the run with a report on stderr:
//  - the fault hit the fiber's guard region (or its stack pointer left its stack):
//      ws2sim: stack overflow in fiber '<name>' (stack <N> bytes); give it a larger stack
//    and exit status 70;
//  - any other fault (a bad pointer in guest code, say):
//      ws2sim: crash (SIGSEGV at address 0x...) in fiber '<name>'
//    and exit status 71;
// each followed by "ws2sim: last API call: <...>" when one was set and "ws2sim: reproduce with:
// <crash context>". A fault outside any fiber goes on to the handler installed before (the default
// action, or a sanitizer's).
#ifndef WS2SIM_SIM_STACK_GUARD_H_
#define WS2SIM_SIM_STACK_GUARD_H_

#include <cstddef>
#include "absl/strings/string_view.h"

namespace ws2sim::sim {

inline constexpr int kStackOverflowExitCode = 70;
inline constexpr int kFiberCrashExitCode = 71;

// Installs the handler and the alternate signal stack once per process (idempotent).
void InstallStackGuard();

// Text appended to fatal reports, e.g. "ws2sim demo --seed=7 --schedule=s1.7.0". Copied into a
// fixed buffer (truncated at 1023 bytes) so the signal handler can print it.
void SetCrashContext(absl::string_view text);

// The API call in progress, for crash reports: `text` must stay valid (a string literal or a
// buffer the caller owns) until the next call; null clears it.
void SetLastApiCall(const char* text);

// What the handler needs to know about the running fiber (Fiber::Current()).
struct RunningStack {
  const char* name;    // NUL-terminated
  const char* guard_lo;  // guard region [guard_lo, stack_lo)
  const char* stack_lo;  // usable stack [stack_lo, stack_hi)
  const char* stack_hi;
  size_t stack_bytes;
};

}  // namespace ws2sim::sim

#endif  // WS2SIM_SIM_STACK_GUARD_H_
