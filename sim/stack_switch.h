// Stack switching for fibers (fiber.h): the only place that moves the CPU between stacks.
//
// On x86-64 it is stack_switch_x86_64.S: it saves the callee-saved registers (rbx, rbp,
// r12-r15) on the current stack and restores them from the target's, fifteen instructions and no
// system call. Elsewhere it is Boost.Context's fcontext (stack_switch.cc).
//
// All simulated threads share one floating-point environment: the x86-64 switch does not save the
// MXCSR and x87 control words (that would double its cost), so a guest that changes the rounding
// mode or exception masks changes them for every thread of the run.
#ifndef WS2SIM_SIM_STACK_SWITCH_H_
#define WS2SIM_SIM_STACK_SWITCH_H_

#include <cstddef>

namespace ws2sim::sim {

using StackEntry = void (*)(void* data);

// Prepares the stack whose usable bytes are [stack_lo, stack_lo + stack_bytes) so that the first
// SwitchStack to the returned pointer calls entry(data) there. `entry` must never return: it ends
// by switching away for good.
void* PrepareStack(char* stack_lo, size_t stack_bytes, StackEntry entry);

// Saves the current context into *save, continues the context `to` (from PrepareStack or an
// earlier save), and returns, when some later SwitchStack continues this context, the `data` that
// call passed.
void* SwitchStack(void** save, void* to, void* data);

}  // namespace ws2sim::sim

#endif  // WS2SIM_SIM_STACK_SWITCH_H_
