// Stack overflow reporting for fibers (fiber.h).
//
// A SIGSEGV handler on an alternate signal stack checks whether the fault hit the running fiber's
// guard region (or its stack pointer left the fiber's stack). If so it prints
//   ws2sim: stack overflow in fiber '<name>' (stack <N> bytes); give it a larger stack
//   ws2sim: reproduce with: <crash context>
// to stderr and exits with status 70. Any other fault goes on to the handler that was installed
// before (the default action, or a sanitizer's).
#ifndef WS2SIM_SIM_STACK_GUARD_H_
#define WS2SIM_SIM_STACK_GUARD_H_

#include <cstddef>
#include "absl/strings/string_view.h"

namespace ws2sim::sim {

inline constexpr int kStackOverflowExitCode = 70;

// Installs the handler and the alternate signal stack once per process (idempotent).
void InstallStackGuard();

// Text appended to fatal reports, e.g. "ws2sim demo --seed=7 --schedule=s1.7.0". Copied into a
// fixed buffer (truncated at 1023 bytes) so the signal handler can print it.
void SetCrashContext(absl::string_view text);

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
