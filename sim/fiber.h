// sim::Fiber: a stackful coroutine for one simulated thread (DESIGN.md section 3).
//
// Context switches are stack_switch.h's (a dozen instructions, no system call; not ucontext). Each fiber has its own mmap'd stack with a PROT_NONE guard region below it; a stack
// overflow is caught by the guard and reported with the fiber's name (stack_guard.h) instead of
// corrupting memory. Only the scheduler switches fibers: it calls Resume, the fiber calls Suspend.
// The stack is unmapped as soon as the body has finished (the Fiber object may live on, as the
// scheduler keeps finished threads): a mapping and its guard are two of the process's
// vm.max_map_count mappings (65530 by default), so only fibers alive at the same time count
// against that limit, about 32,000 of them.
//
// Invariants:
//  - Resume is called from outside any fiber (the scheduler's context); Suspend only from inside
//    the running fiber. There is no fiber-to-fiber switch.
//  - An exception that escapes the body is captured and rethrown by the Resume that ran it.
//  - A fiber that started must finish before it is destroyed (the scheduler unwinds blocked fibers
//    at teardown by making their suspension points throw FiberUnwind).
#ifndef WS2SIM_SIM_FIBER_H_
#define WS2SIM_SIM_FIBER_H_

#include <cstddef>
#include <exception>
#include <string>

#include "absl/functional/any_invocable.h"
#include "sim/stack_guard.h"

namespace ws2sim::sim {

// Thrown from a blocked fiber's suspension point when the scheduler tears the run down, so the
// fiber's stack unwinds (destructors run). Fiber bodies must let it pass.
struct FiberUnwind {};

class Fiber {
 public:
  // Stack size used when 0 is given: 256 KiB (1 MiB in sanitizer builds, whose frames are larger).
  static size_t DefaultStackBytes();

  // `stack_bytes` is rounded up to whole pages; the guard region comes in addition.
  Fiber(std::string name, size_t stack_bytes, absl::AnyInvocable<void()> body);
  ~Fiber();
  Fiber(const Fiber&) = delete;
  Fiber& operator=(const Fiber&) = delete;

  // Runs the fiber until it calls Suspend or its body returns. Rethrows an exception (other than
  // FiberUnwind) that escaped the body. Must not be called on a finished fiber.
  void Resume();
  // From inside this fiber: returns control to the Resume that started this step.
  void Suspend();

  bool started() const { return started_; }
  bool finished() const { return finished_; }
  const std::string& name() const { return name_; }
  size_t stack_bytes() const { return stack_bytes_; }
  const RunningStack& running_stack() const { return running_stack_; }

  // The fiber running now, or nullptr in the scheduler's context.
  static Fiber* Current();

 private:
  struct Access;  // fiber.cc's view of the private parts (the fcontext entry point)

  void UnmapStack();

  std::string name_;
  absl::AnyInvocable<void()> body_;
  size_t stack_bytes_ = 0;
  void* mapping_ = nullptr;   // guard region + stack
  size_t mapping_bytes_ = 0;
  char* stack_lo_ = nullptr;  // lowest usable stack byte (just above the guard)
  void* context_ = nullptr;   // the fiber's saved context while it is not running
  void* caller_ = nullptr;    // the scheduler's saved context while the fiber runs
  RunningStack running_stack_{};  // what the stack-overflow handler reports
  bool started_ = false;
  bool finished_ = false;
  std::exception_ptr escaped_;
  // AddressSanitizer bookkeeping for stack switches (unused in other builds).
  void* asan_fake_stack_ = nullptr;
  const void* asan_caller_bottom_ = nullptr;
  size_t asan_caller_size_ = 0;
};

}  // namespace ws2sim::sim

#endif  // WS2SIM_SIM_FIBER_H_
