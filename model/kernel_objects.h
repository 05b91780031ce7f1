// The emulated Win32 kernel objects guests wait on (DESIGN.md section 7; SPEC 2.14, 2.19; S1 §4.5):
// events (manual- and auto-reset), thread handles, waits with virtual-time timeouts, and per-thread
// APC queues that run only in alertable waits.
//
// Invariants:
//  - Handles come from ProcessTable::NewHandle and are never reused; each object belongs to the
//    process that created it, and a handle of another process, a closed handle or a handle of the
//    wrong kind fails the call (ERROR_INVALID_HANDLE).
//  - A wait is satisfied by the objects' state at the moment the waiting thread runs: SetEvent
//    wakes every waiter, and among waiters of an auto-reset event the first to run takes it (the
//    order is a choice point, as on Windows).
//  - APCs run in the order queued, on their thread, only inside an alertable wait (or SleepEx
//    with alertable TRUE), which then returns kIoCompletion.
#ifndef WS2SIM_MODEL_KERNEL_OBJECTS_H_
#define WS2SIM_MODEL_KERNEL_OBJECTS_H_

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/types/span.h"
#include "model/process.h"
#include "sim/scheduler.h"

namespace ws2sim::model {

// Win32 error codes these functions set (winerror.h values).
inline constexpr uint32_t kErrorInvalidHandle = 6;
inline constexpr uint32_t kErrorInvalidParameter = 87;

struct WaitResult {
  enum class Kind { kSignaled, kTimeout, kIoCompletion, kFailed };
  Kind kind = Kind::kFailed;
  uint32_t index = 0;  // kSignaled: which handle (for wait-all, 0)
  uint32_t error = 0;  // kFailed: the Win32 error code
};

class KernelObjects {
 public:
  // Signals thread handles when threads finish (installs the ProcessTable's thread exit hook).
  KernelObjects(sim::Scheduler& scheduler, ProcessTable& processes);

  // CreateEvent: a new event handle in `process`.
  uint32_t CreateEventObject(Process& process, bool manual_reset, bool initially_signaled);
  // SetEvent / ResetEvent: false with ERROR_INVALID_HANDLE in *error for a bad handle.
  bool SetEvent(Process& process, uint32_t handle, uint32_t* error);
  bool ResetEvent(Process& process, uint32_t handle, uint32_t* error);
  // WPUSetEvent / WPUResetEvent: a provider signals (set) or resets an event from any context, a
  // network event included, so the owner is not checked. False for a handle that is no event.
  bool SignalFromProvider(uint32_t handle, bool set, uint32_t* error);
  // A handle for `thread` in `process` (CreateThread's result); signaled when the thread ends.
  uint32_t ThreadHandle(Process& process, Thread& thread);
  // CloseHandle. False with ERROR_INVALID_HANDLE for a bad handle.
  bool CloseHandle(Process& process, uint32_t handle, uint32_t* error);

  // WaitForMultipleObjectsEx from the current thread: waits until one (wait_all: every) handle is
  // signaled, `timeout` passes (Duration::Max(): INFINITE), or, when `alertable`, an APC runs.
  // At most 64 handles (MAXIMUM_WAIT_OBJECTS); more, none, or a bad handle fail with
  // ERROR_INVALID_PARAMETER / ERROR_INVALID_HANDLE.
  WaitResult Wait(absl::Span<const uint32_t> handles, bool wait_all, sim::Duration timeout,
                  bool alertable);
  // SleepEx from the current thread: kIoCompletion when alertable and APCs ran, else kTimeout.
  WaitResult Sleep(sim::Duration duration, bool alertable);

  // QueueUserAPC / WPUQueueApc: runs `apc` on `thread` in its next alertable wait (wakes it if it
  // is in one now). False when the thread has finished.
  bool QueueApc(Thread& thread, absl::AnyInvocable<void()> apc);

 private:
  struct Object {
    enum class Kind { kEvent, kThread } kind;
    uint32_t owner_pid = 0;
    bool manual_reset = true;
    bool signaled = false;
    Thread* thread = nullptr;                // kThread
    std::vector<sim::FiberId> waiters;       // in the order they started waiting
  };
  struct PerThread {
    std::deque<absl::AnyInvocable<void()>> apcs;
    bool in_alertable_wait = false;
  };

  Object* Find(Process& process, uint32_t handle);
  void WakeWaiters(Object& o);
  bool RunApcs(Thread& thread);  // true if any ran

  sim::Scheduler& scheduler_;
  ProcessTable& processes_;
  // handle -> object; shared_ptr: a thread handle's object is also found from its thread.
  absl::btree_map<uint32_t, std::shared_ptr<Object>> objects_;
  absl::btree_map<uint32_t, std::vector<std::shared_ptr<Object>>> thread_handles_;  // by tid
  // By tid. std::map, not btree_map: a waiting thread keeps a reference to its entry across a
  // park, during which other threads add theirs (btree maps move their elements on insert).
  std::map<uint32_t, PerThread> per_thread_;
};

}  // namespace ws2sim::model

#endif  // WS2SIM_MODEL_KERNEL_OBJECTS_H_
