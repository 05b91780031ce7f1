#include "sim/scheduler.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "absl/strings/str_cat.h"
#include "sim/host_context.h"
#include "sim/schedule_id.h"

namespace ws2sim::sim {
namespace {

[[noreturn]] void Invariant(const std::string& what) {
  std::fprintf(stderr, "ws2sim: engine invariant broken: %s\n", what.c_str());
  std::abort();
}

// How far ahead the events of one instant are prefetched while they are taken from the queue.
constexpr size_t kPrefetchDistance = 8;

// How many times teardown resumes a fiber that keeps blocking instead of unwinding.
constexpr int kUnwindAttempts = 16;

}  // namespace

Scheduler::Scheduler(Options options)
    : seed_(options.seed),
      strategy_(options.strategy ? std::move(options.strategy) : MakeFifoStrategy()),
      recorder_(options.recorder),
      limits_(options.limits) {
  schedule_.seed = seed_;
  lanes_.push_back(Lane{"engine"});
}

Scheduler::~Scheduler() { UnwindFibers(); }

void Scheduler::UnwindFibers() {
  tearing_down_ = true;
  for (FiberId id = 0; id < fibers_.size(); ++id) {
    SimThread& t = *fibers_[id];
    for (int attempt = 0; t.fiber.started() && !t.fiber.finished(); ++attempt) {
      if (attempt == kUnwindAttempts) {
        Invariant(absl::StrCat("fiber '", t.fiber.name(),
                               "' keeps blocking instead of unwinding (it swallows FiberUnwind)"));
      }
      t.unwinding = true;
      t.state = FiberState::kRunning;
      current_ = id;
      try {
        t.fiber.Resume();
      } catch (...) {
        // An exception escaping a fiber during teardown has no one left to report to.
      }
      current_ = kNoFiber;
    }
  }
}

trace::StringId Scheduler::Intern(absl::string_view s) {
  return recorder_ != nullptr ? recorder_->Intern(s) : 0;
}

LaneId Scheduler::NewLane(absl::string_view name, trace::pb::LaneKind kind, LaneId parent) {
  const LaneId lane = static_cast<LaneId>(lanes_.size());
  lanes_.push_back(Lane{std::string(name)});
  if (recorder_ != nullptr) recorder_->LaneDef(now_, lane, kind, name, parent);
  return lane;
}

uint32_t Scheduler::AllocateSlot() {
  if (!free_slots_.empty()) {
    const uint32_t slot = free_slots_.back();
    free_slots_.pop_back();
    return slot;
  }
  slots_.emplace_back();
  return static_cast<uint32_t>(slots_.size() - 1);
}

void Scheduler::FreeSlot(uint32_t slot) {
  Slot& s = slots_[slot];
  s.fn.Reset();
  ++s.generation;
  s.state = SlotState::kFree;
  free_slots_.push_back(slot);
}

EventId Scheduler::ScheduleAt(VirtualTime at, LaneId lane, Callback fn) {
  if (tearing_down_) return EventId{};
  if (at < now_) {
    Invariant(absl::StrCat("event scheduled at ", at.ToString(), ", before now (",
                           now_.ToString(), ")"));
  }
  if (lane >= lanes_.size()) Invariant(absl::StrCat("event scheduled on unknown lane ", lane));
  const uint32_t slot = AllocateSlot();
  Slot& s = slots_[slot];
  s.fn = std::move(fn);
  s.sequence = next_sequence_++;
  s.lane = lane;
  if (at == now_) {
    MakeDue(slot, s.generation);  // fast lane: due now, never enters the event list
  } else {
    s.state = SlotState::kQueued;
    queue_.Push(QueueEntry{at.ns_since_start(), slot, s.generation});
  }
  return EventId{slot, s.generation};
}

void Scheduler::MakeDue(uint32_t slot, uint32_t generation) {
  Slot& s = slots_[slot];
  s.state = SlotState::kDue;
  due_.push_back(DueEntry{slot, generation});
  ++due_live_;
  if (lanes_[s.lane].due_events++ == 0) ++due_lanes_;
}

bool Scheduler::Cancel(EventId id) {
  if (id.slot >= slots_.size()) return false;
  Slot& s = slots_[id.slot];
  if (s.generation != id.generation || s.state == SlotState::kFree) return false;
  if (s.state == SlotState::kDue) {
    --due_live_;
    if (--lanes_[s.lane].due_events == 0) --due_lanes_;
  }
  FreeSlot(id.slot);  // a queued entry stays in the event list, stale, and is skipped
  return true;
}

void Scheduler::RequestStop(std::string message, StopReason reason) {
  if (stop_requested_ && stop_reason_ == trace::pb::STOP_FAILED) return;  // a failure wins
  stop_requested_ = true;
  stop_message_ = std::move(message);
  stop_reason_ = reason;
}

void Scheduler::Stop(RunResult& result, StopReason reason, std::string message) {
  result.reason = reason;
  result.message = std::move(message);
}

size_t Scheduler::NthLaneHead(uint32_t n) {
  ++stamp_;
  uint32_t seen = 0;
  for (size_t i = due_head_; i < due_.size(); ++i) {
    if (!DueLive(due_[i])) continue;
    Lane& lane = lanes_[slots_[due_[i].slot].lane];
    if (lane.seen_stamp == stamp_) continue;
    lane.seen_stamp = stamp_;
    if (seen++ == n) return i;
  }
  Invariant(absl::StrCat("no alternative #", n, " among ", due_lanes_, " lanes due now"));
}

absl::Span<const Alternative> Scheduler::ListAlternatives() {
  ++stamp_;
  alternatives_.clear();
  for (size_t i = due_head_; i < due_.size() && alternatives_.size() < due_lanes_; ++i) {
    if (!DueLive(due_[i])) continue;
    const Slot& s = slots_[due_[i].slot];
    Lane& lane = lanes_[s.lane];
    if (lane.seen_stamp == stamp_) continue;
    lane.seen_stamp = stamp_;
    alternatives_.push_back(Alternative{s.lane, s.sequence});
  }
  return alternatives_;
}

bool Scheduler::PickDue(uint32_t& slot, RunResult& result) {
  while (!DueLive(due_[due_head_])) ++due_head_;
  if (due_lanes_ == 1) {
    slot = due_[due_head_++].slot;
    return true;
  }
  // A choice point: the alternatives are the first due event of each lane, in sequence order.
  bool listed = false;
  auto list = [this, &listed]() -> absl::Span<const Alternative> {
    if (!listed) {
      listed = true;
      ListAlternatives();
    }
    return alternatives_;
  };
  const ChoicePoint point{schedule_.choice_points, now_, due_lanes_, list};
  absl::StatusOr<uint32_t> pick = strategy_->Pick(point);
  if (pick.ok() && *pick >= due_lanes_) {
    pick = absl::InternalError(absl::StrCat("strategy '", strategy_->name(), "' picked ", *pick,
                                            " of ", due_lanes_, " alternatives"));
  }
  if (!pick.ok()) {
    Stop(result, trace::pb::STOP_REPLAY_DIVERGED, std::string(pick.status().message()));
    return false;
  }
  schedule_.Append(*pick);
  const size_t position = *pick == 0 ? due_head_ : NthLaneHead(*pick);
  slot = due_[position].slot;
  if (recorder_ != nullptr) recorder_->Choice(now_, due_lanes_, *pick, slots_[slot].lane);
  if (position == due_head_) ++due_head_;
  return true;
}

void Scheduler::RunSlot(uint32_t slot) {
  Slot& s = slots_[slot];
  --due_live_;
  if (--lanes_[s.lane].due_events == 0) --due_lanes_;
  Callback fn = std::move(s.fn);
  FreeSlot(slot);  // before running, so Cancel on its own handle returns false
  ++events_;
  fn();
}

RunResult Scheduler::RunUntil(VirtualTime until) {
  RunResult result;
  using WallClock = std::chrono::steady_clock;  // wall clock allowed: it only stops a run
  const WallClock::time_point wall_start = WallClock::now();  // wall clock allowed (limit)
  for (;;) {
    if (stop_requested_) {
      stop_requested_ = false;
      Stop(result, stop_reason_, stop_message_);
      break;
    }
    if (limits_.max_events != 0 && events_ >= limits_.max_events) {
      Stop(result, trace::pb::STOP_EVENT_LIMIT,
           absl::StrCat("stopped at the event limit (", limits_.max_events, " events)"));
      break;
    }
    if (limits_.max_wall_seconds > 0 && (events_ & 1023) == 0 &&
        std::chrono::duration<double>(WallClock::now() - wall_start).count() >  // wall: limit
            limits_.max_wall_seconds) {
      Stop(result, trace::pb::STOP_WALL_LIMIT,
           absl::StrCat("stopped at the wall-clock limit (", limits_.max_wall_seconds,
                        " s) at virtual time ", now_.ToString()));
      break;
    }
    if (due_live_ == 0) {
      due_.clear();
      due_head_ = 0;
      // Advance virtual time to the next live event.
      while (!queue_.empty()) {
        const QueueEntry& top = queue_.Top();
        const Slot& s = slots_[top.slot];
        if (s.generation == top.generation && s.state == SlotState::kQueued) break;
        queue_.Pop();  // cancelled
      }
      if (queue_.empty()) {
        if (AnyBlockedNonDaemon()) {
          Stop(result, trace::pb::STOP_DEADLOCK, DeadlockReport());
        } else {
          Stop(result, trace::pb::STOP_COMPLETED, "");
        }
        break;
      }
      const VirtualTime next = VirtualTime::FromNanoseconds(queue_.Top().time_ns);
      if (next > until) {
        now_ = until;
        break;  // paused; reason stays STOP_UNSPECIFIED
      }
      if (next > limits_.max_virtual_time) {
        now_ = limits_.max_virtual_time;
        Stop(result, trace::pb::STOP_TIME_LIMIT,
             absl::StrCat("stopped at the virtual-time limit (",
                          limits_.max_virtual_time.ToString(), ")"));
        break;
      }
      now_ = next;
      // Take every entry due now without peeking further (see EventQueue's invariants).
      do {
        if (const QueueEntry* ahead = queue_.AheadAtCurrentMinimum(kPrefetchDistance)) {
          __builtin_prefetch(&slots_[ahead->slot]);
        }
        const QueueEntry e = queue_.Pop();
        const Slot& s = slots_[e.slot];
        if (s.generation == e.generation && s.state == SlotState::kQueued) {
          MakeDue(e.slot, e.generation);
        }
      } while (queue_.MoreAtCurrentMinimum());
      continue;
    }
    uint32_t slot;
    if (!PickDue(slot, result)) break;
    RunSlot(slot);
  }
  if (result.reason != trace::pb::STOP_UNSPECIFIED &&
      result.reason != trace::pb::STOP_REPLAY_DIVERGED) {
    if (absl::Status s = strategy_->AtEnd(schedule_.choice_points); !s.ok()) {
      result.message = absl::StrCat(s.message(), result.message.empty() ? "" : "; ",
                                    result.message);
      result.reason = trace::pb::STOP_REPLAY_DIVERGED;
    }
  }
  result.events = events_;
  result.end_time = now_;
  result.schedule_id = EncodeScheduleId(schedule_);
  return result;
}

// --- Simulated threads -----------------------------------------------------------------------

FiberId Scheduler::Spawn(std::string name, absl::AnyInvocable<void()> body, SpawnOptions options) {
  const FiberId id = static_cast<FiberId>(fibers_.size());
  const LaneId lane = NewLane(name, trace::pb::LANE_FIBER, options.parent);
  auto thread = std::make_unique<SimThread>(std::move(name), options.stack_bytes, std::move(body));
  thread->lane = lane;
  thread->daemon = options.daemon;
  fibers_.push_back(std::move(thread));
  if (recorder_ != nullptr) recorder_->Fiber(now_, lane, trace::pb::FIBER_SPAWN, 0);
  ScheduleResume(id, now_ + options.start_delay);
  return id;
}

void Scheduler::ScheduleResume(FiberId fiber, VirtualTime at) {
  ScheduleAt(at, fibers_[fiber]->lane, [this, fiber] { SwitchTo(fiber); });
}

void Scheduler::SwitchTo(FiberId fiber) {
  SimThread& t = *fibers_[fiber];
  if (t.unwinding && !t.fiber.started()) {  // terminated before it ever ran
    t.state = FiberState::kFinished;
    if (recorder_ != nullptr) recorder_->Fiber(now_, t.lane, trace::pb::FIBER_FINISH, 0);
    return;
  }
  t.state = FiberState::kRunning;
  current_ = fiber;
  if (recorder_ != nullptr) recorder_->Fiber(now_, t.lane, trace::pb::FIBER_RESUME, 0);
  // The fiber runs in its own host/process context and leaves it behind when it suspends.
  ScopedHost context(t.host, t.process_id);
  struct SaveContext {
    SimThread& t;
    ~SaveContext() {
      t.host = CurrentHost();
      t.process_id = CurrentProcessId();
    }
  } save{t};
  try {
    t.fiber.Resume();
  } catch (const std::exception& e) {
    RequestStop(absl::StrCat("fiber '", t.fiber.name(), "' threw an exception: ", e.what()));
  } catch (...) {
    RequestStop(absl::StrCat("fiber '", t.fiber.name(), "' threw a non-std exception"));
  }
  current_ = kNoFiber;
  if (t.fiber.finished()) {
    t.state = FiberState::kFinished;
    if (recorder_ != nullptr) recorder_->Fiber(now_, t.lane, trace::pb::FIBER_FINISH, 0);
  }
}

void Scheduler::SuspendCurrent(SimThread& t) {
  t.fiber.Suspend();
  if (t.unwinding && std::uncaught_exceptions() == 0) throw FiberUnwind{};
}

WakeReason Scheduler::Park(absl::string_view reason, VirtualTime deadline) {
  if (current_ == kNoFiber) Invariant(absl::StrCat("Park('", reason, "') outside a fiber"));
  const FiberId id = current_;
  SimThread& t = *fibers_[id];
  if (t.unwinding) {
    if (std::uncaught_exceptions() > 0) return WakeReason::kTimedOut;  // a destructor blocking
    throw FiberUnwind{};
  }
  t.state = FiberState::kParked;
  t.wait_reason.assign(reason.data(), reason.size());
  t.parked_since = now_;
  t.wake = WakeReason::kUnparked;
  t.timeout = EventId{};
  if (deadline != VirtualTime::Max()) {
    t.timeout = ScheduleAt(deadline < now_ ? now_ : deadline, t.lane, [this, id] {
      SimThread& waiter = *fibers_[id];
      if (waiter.state != FiberState::kParked) return;
      waiter.wake = WakeReason::kTimedOut;
      waiter.timeout = EventId{};
      SwitchTo(id);
    });
  }
  if (recorder_ != nullptr) recorder_->Fiber(now_, t.lane, trace::pb::FIBER_PARK, Intern(reason));
  SuspendCurrent(t);
  return t.wake;
}

bool Scheduler::Unpark(FiberId fiber) {
  if (fiber >= fibers_.size()) return false;
  SimThread& t = *fibers_[fiber];
  if (t.state != FiberState::kParked) return false;
  Cancel(t.timeout);
  t.timeout = EventId{};
  t.wake = WakeReason::kUnparked;
  t.state = FiberState::kRunnable;
  ScheduleResume(fiber, now_);
  return true;
}

void Scheduler::Terminate(FiberId fiber) {
  if (fiber >= fibers_.size()) return;
  SimThread& t = *fibers_[fiber];
  if (t.state == FiberState::kFinished || t.unwinding) return;
  t.unwinding = true;
  if (t.state == FiberState::kParked) {
    Cancel(t.timeout);
    t.timeout = EventId{};
    t.state = FiberState::kRunnable;
    ScheduleResume(fiber, now_);
  }
}

void Scheduler::Sleep(Duration d) {
  Park(absl::StrCat("Sleep(", d.ToString(), ")"), now_ + d);
}

void Scheduler::Yield() {
  if (current_ == kNoFiber) Invariant("Yield outside a fiber");
  SimThread& t = *fibers_[current_];
  if (t.unwinding) throw FiberUnwind{};
  t.state = FiberState::kRunnable;
  if (recorder_ != nullptr) recorder_->Fiber(now_, t.lane, trace::pb::FIBER_YIELD, 0);
  ScheduleResume(current_, now_);
  SuspendCurrent(t);
}

bool Scheduler::AnyBlockedNonDaemon() const {
  for (const auto& t : fibers_) {
    if (t->state == FiberState::kParked && !t->daemon) return true;
  }
  return false;
}

std::string Scheduler::DeadlockReport() const {
  std::string report = absl::StrCat("deadlock at ", now_.ToString(),
                                    ": every thread is blocked and no event is pending");
  for (const auto& t : fibers_) {
    if (t->state != FiberState::kParked) continue;
    absl::StrAppend(&report, "\n  fiber '", t->fiber.name(), "'", t->daemon ? " (daemon)" : "",
                    " blocked since ", t->parked_since.ToString(), " on: ", t->wait_reason);
  }
  return report;
}

}  // namespace ws2sim::sim
