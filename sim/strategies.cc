// The schedule strategies of issue "Foundation": fifo, random and replay (choice.h).
#include "absl/strings/str_cat.h"
#include "sim/choice.h"

namespace ws2sim::sim {
namespace {

class FifoStrategy : public ScheduleStrategy {
 public:
  absl::string_view name() const override { return "fifo"; }
  absl::StatusOr<uint32_t> Pick(const ChoicePoint&) override { return 0; }
};

class RandomStrategy : public ScheduleStrategy {
 public:
  explicit RandomStrategy(uint64_t seed) : rng_(Rng::Stream(seed, "schedule")) {}
  absl::string_view name() const override { return "random"; }
  absl::StatusOr<uint32_t> Pick(const ChoicePoint& point) override {
    return static_cast<uint32_t>(rng_.UniformBelow(point.count));
  }

 private:
  Rng rng_;
};

class ReplayStrategy : public ScheduleStrategy {
 public:
  explicit ReplayStrategy(Schedule schedule) : schedule_(std::move(schedule)) {}
  absl::string_view name() const override { return "replay"; }
  absl::StatusOr<uint32_t> Pick(const ChoicePoint& point) override {
    if (point.ordinal >= schedule_.choice_points) {
      return absl::FailedPreconditionError(absl::StrCat(
          "replay diverged: the run reached choice point #", point.ordinal, " at ",
          point.now.ToString(), " but the schedule records only ", schedule_.choice_points));
    }
    uint32_t index = 0;
    if (next_ < schedule_.deviations.size() &&
        schedule_.deviations[next_].ordinal == point.ordinal) {
      index = schedule_.deviations[next_++].index;
    }
    if (index >= point.count) {
      return absl::FailedPreconditionError(absl::StrCat(
          "replay diverged at choice point #", point.ordinal, " (", point.now.ToString(),
          "): the schedule takes alternative ", index, " but only ", point.count,
          " are enabled"));
    }
    return index;
  }
  absl::Status AtEnd(uint64_t choice_points) override {
    if (choice_points != schedule_.choice_points) {
      return absl::FailedPreconditionError(
          absl::StrCat("replay diverged: the run met ", choice_points,
                       " choice points but the schedule records ", schedule_.choice_points));
    }
    return absl::OkStatus();
  }

 private:
  Schedule schedule_;
  size_t next_ = 0;  // next deviation to meet
};

}  // namespace

std::unique_ptr<ScheduleStrategy> MakeFifoStrategy() { return std::make_unique<FifoStrategy>(); }

std::unique_ptr<ScheduleStrategy> MakeRandomStrategy(uint64_t seed) {
  return std::make_unique<RandomStrategy>(seed);
}

std::unique_ptr<ScheduleStrategy> MakeReplayStrategy(Schedule schedule) {
  return std::make_unique<ReplayStrategy>(std::move(schedule));
}

absl::StatusOr<std::unique_ptr<ScheduleStrategy>> MakeStrategy(absl::string_view name,
                                                               uint64_t seed) {
  if (name == "fifo") return MakeFifoStrategy();
  if (name == "random") return MakeRandomStrategy(seed);
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown schedule strategy '", name, "' (known: fifo, random; replay via --schedule)"));
}

}  // namespace ws2sim::sim

namespace ws2sim::sim {

absl::StatusOr<ChosenStrategy> ChooseStrategy(absl::string_view name, uint64_t seed,
                                              absl::string_view replay_schedule) {
  if (!replay_schedule.empty()) {
    absl::StatusOr<Schedule> schedule = DecodeScheduleId(replay_schedule);
    if (!schedule.ok()) return schedule.status();
    const uint64_t replay_seed = schedule->seed;
    return ChosenStrategy{replay_seed, "replay", MakeReplayStrategy(*std::move(schedule))};
  }
  absl::StatusOr<std::unique_ptr<ScheduleStrategy>> made = MakeStrategy(name, seed);
  if (!made.ok()) return made.status();
  return ChosenStrategy{seed, std::string(name), *std::move(made)};
}

}  // namespace ws2sim::sim
