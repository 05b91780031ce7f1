// sim::Scheduler: the discrete-event engine (DESIGN.md sections 3 and 4).
//
// One OS thread runs the whole world. The scheduler owns
//  - virtual time (Now) and the future-event list, ordered by (time, sequence): an event
//    scheduled earlier runs earlier among events due at the same time;
//  - lanes: every event belongs to a lane, and events of one lane never reorder among themselves;
//  - simulated threads as fibers (fiber.h), each with its own lane;
//  - choice points: when events of two or more lanes are due at the current time, the schedule
//    strategy (choice.h) picks the lane to run; every such choice is recorded and the run's
//    schedule prints as a compact id (schedule_id.h);
//  - run limits (events, virtual time, wall-clock seconds) and deadlock detection.
//
// Invariants:
//  - Now() never decreases; events are never scheduled before Now() (that aborts with a message).
//  - Scheduling an event allocates nothing in steady state (callbacks are stored inline; the event
//    list reuses its memory); events due at Now() skip the event list (fast lane).
//  - Only the scheduler switches fibers: a fiber runs until it parks, yields or finishes.
//  - Same (seed, strategy, workload) gives the same sequence of events, choices and trace bytes.
#ifndef WS2SIM_SIM_SCHEDULER_H_
#define WS2SIM_SIM_SCHEDULER_H_

#include <cstdint>
#include <memory>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/functional/any_invocable.h"
#include "sim/callback.h"
#include "sim/choice.h"
#include "sim/event_queue.h"
#include "sim/fiber.h"
#include "sim/schedule_id.h"
#include "sim/time.h"
#include "sim/trace/recorder.h"

namespace ws2sim::sim {

namespace net {
class Host;
}  // namespace net

// A run stops cleanly at the first limit reached. 0 means "no limit".
struct RunLimits {
  uint64_t max_events = 0;
  VirtualTime max_virtual_time = VirtualTime::Max();
  double max_wall_seconds = 0;  // the one place wall time enters a run; it only stops it
};

using StopReason = trace::pb::StopReason;

struct RunResult {
  StopReason reason = trace::pb::STOP_UNSPECIFIED;
  std::string message;      // which limit, the deadlock report, the divergence, ...
  uint64_t events = 0;      // events executed since the scheduler was made
  VirtualTime end_time;     // Now() when the run stopped
  std::string schedule_id;  // the choices so far (schedule_id.h)
  bool ok() const { return reason == trace::pb::STOP_COMPLETED; }
};

// Handle of a scheduled event, for Cancel. Stale handles are harmless.
struct EventId {
  uint32_t slot = UINT32_MAX;
  uint32_t generation = 0;
};

using FiberId = uint32_t;
inline constexpr FiberId kNoFiber = UINT32_MAX;

struct SpawnOptions {
  size_t stack_bytes = 0;         // 0: Fiber::DefaultStackBytes()
  LaneId parent = 0;              // enclosing lane in the trace (a process); 0 = none
  bool daemon = false;            // blocked daemons do not make a deadlock (servers, pumps)
  Duration start_delay = Duration::Zero();  // first runs at Now() + start_delay
};

enum class WakeReason { kUnparked, kTimedOut };

class Scheduler {
 public:
  struct Options {
    uint64_t seed = 0;
    // Decides at choice points; fifo when null.
    std::unique_ptr<ScheduleStrategy> strategy;
    // Receives lane definitions, fiber events and choices; may be null. Not owned.
    trace::Recorder* recorder = nullptr;
    RunLimits limits;
  };

  explicit Scheduler(Options options);
  // UnwindFibers(), then frees everything.
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  VirtualTime Now() const { return now_; }
  uint64_t seed() const { return seed_; }
  uint64_t events_executed() const { return events_; }
  trace::Recorder* recorder() const { return recorder_; }

  // A new lane, named for the trace and for reports. Lane 0 ("engine") always exists.
  LaneId NewLane(absl::string_view name, trace::pb::LaneKind kind, LaneId parent = 0);
  const std::string& LaneName(LaneId lane) const { return lanes_[lane].name; }

  // Runs `fn` at virtual time `at` (>= Now()) on `lane`.
  EventId ScheduleAt(VirtualTime at, LaneId lane, Callback fn);
  // Runs `fn` after `delay` (>= 0) on `lane`.
  EventId ScheduleAfter(Duration delay, LaneId lane, Callback fn) {
    return ScheduleAt(now_ + delay, lane, std::move(fn));
  }
  // True if the event was pending and will now never run; false if it ran, was cancelled, or the
  // handle is stale.
  bool Cancel(EventId id);

  // Runs events until none is left, a limit is reached, a strategy fails or RequestStop. Fibers
  // still blocked when nothing is left make a deadlock (their names and what each waits for are
  // in the message) unless every one of them is a daemon.
  RunResult Run() { return RunUntil(VirtualTime::Max()); }
  // Like Run, but stops before the first event later than `until`; Now() is then `until` and the
  // result's reason is STOP_UNSPECIFIED ("paused"). Run or RunUntil may be called again.
  RunResult RunUntil(VirtualTime until);
  // Ends the current Run after the running event, with `reason` (STOP_FAILED for checkers;
  // STOP_COMPLETED when the owner knows the run is over, e.g. every process has exited while
  // network timers still run) and `message`.
  void RequestStop(std::string message, StopReason reason = trace::pb::STOP_FAILED);
  // Unwinds every fiber that started and has not finished (its suspension point throws
  // FiberUnwind, so destructors on its stack run); afterwards no event runs and no fiber resumes.
  // Owners of state that fibers use (guest modules, process tables) call it before destroying
  // that state. Idempotent; the destructor calls it too.
  void UnwindFibers();
  // True once UnwindFibers has begun: the run is over and nothing more happens in it.
  bool tearing_down() const { return tearing_down_; }

  // --- Simulated threads -------------------------------------------------------------------
  // Creates a fiber called `name` that first runs at Now() + options.start_delay.
  FiberId Spawn(std::string name, absl::AnyInvocable<void()> body, SpawnOptions options = {});
  // The fiber running now, or kNoFiber in an event callback.
  FiberId CurrentFiber() const { return current_; }
  bool InFiber() const { return current_ != kNoFiber; }
  LaneId FiberLane(FiberId fiber) const { return fibers_[fiber]->lane; }
  bool FiberFinished(FiberId fiber) const { return fibers_[fiber]->state == FiberState::kFinished; }
  const std::string& FiberName(FiberId fiber) const { return fibers_[fiber]->fiber.name(); }
  size_t fiber_count() const { return fibers_.size(); }

  // From inside a fiber: blocks it until Unpark(fiber) or until `deadline` (virtual time),
  // whichever is first. `reason` says what it waits for ("recv on socket 0x1c"); it appears in
  // the trace and in deadlock reports.
  WakeReason Park(absl::string_view reason, VirtualTime deadline = VirtualTime::Max());
  // From any context: makes a parked fiber runnable at Now(). False if it was not parked.
  bool Unpark(FiberId fiber);
  // Ends `fiber` as soon as the scheduler reaches it: a blocked fiber is woken and its suspension
  // point throws FiberUnwind (its stack unwinds, destructors run); a fiber that has not started
  // never runs. From any context; terminating the current fiber takes effect at its next
  // suspension point. No-op for a finished fiber. (A process's exit() ends its other threads.)
  void Terminate(FiberId fiber);
  // From inside a fiber: blocks for `d` of virtual time.
  void Sleep(Duration d);
  // From inside a fiber: lets every other lane with an event due now run first if the strategy
  // so chooses (a choice point), then continues.
  void Yield();

 private:
  enum class SlotState : uint8_t { kFree, kQueued, kDue };
  // One cache line per pending event: running an event touches exactly one line.
  struct alignas(64) Slot {
    Callback fn;
    uint64_t sequence = 0;
    uint32_t generation = 0;
    LaneId lane = 0;
    SlotState state = SlotState::kFree;
  };
  struct DueEntry {
    uint32_t slot;
    uint32_t generation;
  };
  struct Lane {
    std::string name;
    uint32_t due_events = 0;  // events of this lane due at Now()
    uint32_t seen_stamp = 0;  // scratch for listing alternatives
  };
  enum class FiberState : uint8_t { kRunnable, kRunning, kParked, kFinished };
  struct SimThread {
    SimThread(std::string name, size_t stack_bytes, absl::AnyInvocable<void()> body)
        : fiber(std::move(name), stack_bytes, std::move(body)) {}
    Fiber fiber;
    LaneId lane = 0;
    FiberState state = FiberState::kRunnable;
    bool daemon = false;
    bool unwinding = false;  // teardown: suspension points throw FiberUnwind
    WakeReason wake = WakeReason::kUnparked;
    EventId timeout;
    std::string wait_reason;
    VirtualTime parked_since;
    // The fiber's own sim::ScopedHost context (host_context.h), restored whenever it resumes:
    // a fiber that parked inside an SPI call must not see another fiber's context.
    net::Host* host = nullptr;
    uint32_t process_id = 0;
  };

  uint32_t AllocateSlot();
  void FreeSlot(uint32_t slot);
  void MakeDue(uint32_t slot, uint32_t generation);
  bool DueLive(const DueEntry& e) const {
    return slots_[e.slot].generation == e.generation && slots_[e.slot].state == SlotState::kDue;
  }
  // Picks the next due event (a choice point when lanes >= 2). False if the strategy failed.
  bool PickDue(uint32_t& slot, RunResult& result);
  // Position in due_ of the first live event of the n-th distinct lane (0-based, in order).
  size_t NthLaneHead(uint32_t n);
  absl::Span<const Alternative> ListAlternatives();
  void RunSlot(uint32_t slot);
  void ScheduleResume(FiberId fiber, VirtualTime at);
  void SwitchTo(FiberId fiber);
  void SuspendCurrent(SimThread& t);  // from a fiber: back to the scheduler; throws when unwinding
  void Stop(RunResult& result, StopReason reason, std::string message);
  std::string DeadlockReport() const;
  bool AnyBlockedNonDaemon() const;
  trace::StringId Intern(absl::string_view s);

  uint64_t seed_;
  std::unique_ptr<ScheduleStrategy> strategy_;
  trace::Recorder* recorder_;
  RunLimits limits_;

  VirtualTime now_;
  uint64_t next_sequence_ = 0;
  uint64_t events_ = 0;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_slots_;
  EventQueue queue_;
  std::vector<DueEntry> due_;  // events due at now_, in sequence order, consumed from due_head_
  size_t due_head_ = 0;
  size_t due_live_ = 0;
  uint32_t due_lanes_ = 0;  // lanes with at least one live due event
  uint32_t stamp_ = 0;
  std::vector<Alternative> alternatives_;  // scratch for ChoicePoint::alternatives

  std::vector<Lane> lanes_;
  std::vector<std::unique_ptr<SimThread>> fibers_;
  FiberId current_ = kNoFiber;

  Schedule schedule_;  // the choices so far
  bool stop_requested_ = false;
  std::string stop_message_;
  StopReason stop_reason_ = trace::pb::STOP_FAILED;
  bool tearing_down_ = false;
};

}  // namespace ws2sim::sim

#endif  // WS2SIM_SIM_SCHEDULER_H_
