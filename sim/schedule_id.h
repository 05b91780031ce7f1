// Schedule ids: a run's seed and every choice it made, as one short printable string.
//
// Format "s1.<seed>.<choices>": version tag, the run seed in decimal, then the choices in
// Crockford base32 (lower case). The choices are varints: the number of choice points, then for
// each choice that was not index 0 the count of index-0 choices before it and the index taken.
// A fifo run with 12 choice points is "s1.7.c"; a run with no choice point is "s1.7.0".
// `ws2sim replay --schedule=ID` rebuilds the run from the id alone.
#ifndef WS2SIM_SIM_SCHEDULE_ID_H_
#define WS2SIM_SIM_SCHEDULE_ID_H_

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"

namespace ws2sim::sim {

// A run's choices, stored as its deviations from fifo (most choices are index 0), so a long run
// costs memory only for the choices that mattered.
struct Schedule {
  struct Deviation {
    uint64_t ordinal;  // which choice point
    uint32_t index;    // the alternative taken there, != 0
    bool operator==(const Deviation&) const = default;
  };
  uint64_t seed = 0;
  uint64_t choice_points = 0;
  std::vector<Deviation> deviations;  // ascending ordinals, all < choice_points

  // Records the choice at the next choice point.
  void Append(uint32_t index) {
    if (index != 0) deviations.push_back({choice_points, index});
    ++choice_points;
  }
  // One index per choice point (for tests and small runs).
  static Schedule FromChoices(uint64_t seed, const std::vector<uint32_t>& choices) {
    Schedule s{seed, 0, {}};
    for (uint32_t c : choices) s.Append(c);
    return s;
  }
  bool operator==(const Schedule&) const = default;
};

std::string EncodeScheduleId(const Schedule& schedule);
// InvalidArgumentError with the offending character position for a malformed id.
absl::StatusOr<Schedule> DecodeScheduleId(absl::string_view id);

}  // namespace ws2sim::sim

#endif  // WS2SIM_SIM_SCHEDULE_ID_H_
