// Choice points and schedule strategies (DESIGN.md section 4).
//
// A choice point is a moment at which more than one alternative is enabled: several events on
// different lanes are due at the same virtual time, so real Windows could run them in any order.
// The scheduler asks the run's ScheduleStrategy which to take. Alternatives are listed in
// (time, sequence) order, so index 0 is always the fifo choice. Events of one lane never reorder
// among themselves (a link delivers in order; a thread runs one step at a time).
#ifndef WS2SIM_SIM_CHOICE_H_
#define WS2SIM_SIM_CHOICE_H_

#include <cstdint>
#include <memory>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/functional/function_ref.h"
#include "absl/types/span.h"
#include "sim/rng.h"
#include "sim/schedule_id.h"
#include "sim/time.h"

namespace ws2sim::sim {

using LaneId = uint32_t;  // 0 is the engine's own lane

struct Alternative {
  LaneId lane;
  uint64_t sequence;  // scheduling order of the event; smaller was scheduled first
};

struct ChoicePoint {
  uint64_t ordinal;  // 0 for the run's first choice point with >= 2 alternatives, then 1, ...
  VirtualTime now;
  uint32_t count;    // number of enabled alternatives, >= 2
  // The alternatives in (time, sequence) order. Built on first call, in time linear in the
  // number of events due now, so strategies that need only `count` stay O(1).
  absl::FunctionRef<absl::Span<const Alternative>()> alternatives;
};

class ScheduleStrategy {
 public:
  virtual ~ScheduleStrategy() = default;
  // "fifo", "random", "replay".
  virtual absl::string_view name() const = 0;
  // The index of the alternative to run, < point.count. An error stops the run with
  // STOP_REPLAY_DIVERGED and the error's message.
  virtual absl::StatusOr<uint32_t> Pick(const ChoicePoint& point) = 0;
  // Called once when the run stops, with the number of choice points it met. An error (a replayed
  // schedule with choices left over) is reported like a Pick error.
  virtual absl::Status AtEnd(uint64_t /*choice_points*/) { return absl::OkStatus(); }
};

// Always index 0: (time, sequence) order; threads run until they block.
std::unique_ptr<ScheduleStrategy> MakeFifoStrategy();
// Uniform among the alternatives, from the Rng stream "schedule" of `seed`.
std::unique_ptr<ScheduleStrategy> MakeRandomStrategy(uint64_t seed);
// Follows a recorded schedule. Fails with a message naming the choice point when a recorded index
// does not fit, or when the run meets fewer or more choice points than recorded.
std::unique_ptr<ScheduleStrategy> MakeReplayStrategy(Schedule schedule);

// By name: "fifo" or "random" (seeded with `seed`). InvalidArgumentError names the accepted ones.
absl::StatusOr<std::unique_ptr<ScheduleStrategy>> MakeStrategy(absl::string_view name,
                                                               uint64_t seed);

// What a run follows: `replay_schedule` when given (its seed wins, the strategy is "replay"),
// else strategy `name` seeded with `seed`. Errors: a malformed schedule id, an unknown name.
struct ChosenStrategy {
  uint64_t seed = 0;
  std::string name;
  std::unique_ptr<ScheduleStrategy> strategy;
};
absl::StatusOr<ChosenStrategy> ChooseStrategy(absl::string_view name, uint64_t seed,
                                              absl::string_view replay_schedule);

}  // namespace ws2sim::sim

#endif  // WS2SIM_SIM_CHOICE_H_
