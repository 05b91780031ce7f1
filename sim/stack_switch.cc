#include "sim/stack_switch.h"

#include <cstdint>

#if defined(__x86_64__) && !defined(WS2SIM_BOOST_CONTEXT_SWITCH)

extern "C" void* ws2sim_switch_stack(void** save, void* to, void* data);
extern "C" void ws2sim_stack_trampoline();

namespace ws2sim::sim {

void* PrepareStack(char* stack_lo, size_t stack_bytes, StackEntry entry) {
  // Top of stack, 16-byte aligned; the initial frame is the one ws2sim_switch_stack restores.
  const uintptr_t top = (reinterpret_cast<uintptr_t>(stack_lo) + stack_bytes) & ~uintptr_t{15};
  // Seven words below `top`: the return address then lands at top - 8, so the trampoline starts
  // with rsp == top, 16-byte aligned, as a call requires.
  uint64_t* frame = reinterpret_cast<uint64_t*>(top) - 7;
  frame[0] = 0;                                        // r15
  frame[1] = 0;                                        // r14
  frame[2] = 0;                                        // r13
  frame[3] = reinterpret_cast<uint64_t>(entry);        // r12: called by the trampoline
  frame[4] = 0;                                        // rbx
  frame[5] = 0;                                        // rbp
  frame[6] = reinterpret_cast<uint64_t>(&ws2sim_stack_trampoline);  // return address
  return frame;
}

void* SwitchStack(void** save, void* to, void* data) { return ws2sim_switch_stack(save, to, data); }

}  // namespace ws2sim::sim

#else  // Boost.Context's fcontext (other architectures, or -DWS2SIM_BOOST_CONTEXT_SWITCH=ON)

#include <boost/context/detail/fcontext.hpp>

namespace ws2sim::sim {
namespace {
namespace bctx = boost::context::detail;

// fcontext hands the suspended context to the side that arrives; a Hop tells that side where the
// switching side wanted it saved.
struct Hop {
  void** save;
  void* data;
};

void* Arrive(bctx::transfer_t t) {
  Hop* hop = static_cast<Hop*>(t.data);
  *hop->save = t.fctx;
  return hop->data;
}

// make_fcontext takes a plain function: the entry is kept here (every fiber uses the same one).
StackEntry g_entry = nullptr;

void Enter(bctx::transfer_t t) {
  g_entry(Arrive(t));
  __builtin_unreachable();
}

}  // namespace

void* PrepareStack(char* stack_lo, size_t stack_bytes, StackEntry entry) {
  if (g_entry != nullptr && g_entry != entry) __builtin_trap();
  g_entry = entry;
  return bctx::make_fcontext(stack_lo + stack_bytes, stack_bytes, &Enter);
}

void* SwitchStack(void** save, void* to, void* data) {
  Hop hop{save, data};
  return Arrive(bctx::jump_fcontext(to, &hop));
}

}  // namespace ws2sim::sim

#endif
