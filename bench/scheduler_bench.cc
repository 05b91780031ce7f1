// The hold model of ns-3's utils/bench-scheduler.cc: 100,000 pending events; each executed event
// schedules one new event after an exponential delay (mean 100 ns, from sim::Rng); 1,000,000
// events executed per iteration. Reports events/s (target: >= 11 million on the 2-core machines).
//   build/bench/scheduler_bench --benchmark_counters_tabular=true
#include <cmath>

#include "benchmark/benchmark.h"
#include "sim/rng.h"
#include "sim/scheduler.h"

namespace ws2sim::sim {
namespace {

constexpr int kPending = 100000;
constexpr int kExecuted = 1000000;

struct Hold {
  Scheduler* scheduler;
  Rng* rng;
  void operator()() const {
    scheduler->ScheduleAfter(rng->ExponentialDuration(Duration::Nanoseconds(100)), 0, *this);
  }
};

void BM_HoldModel(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    Rng rng = Rng::Stream(1, "hold");
    auto scheduler = std::make_unique<Scheduler>(
        Scheduler::Options{.limits = {.max_events = kExecuted}});
    const Hold hold{scheduler.get(), &rng};
    for (int i = 0; i < kPending; ++i) {
      scheduler->ScheduleAfter(rng.ExponentialDuration(Duration::Nanoseconds(100)), 0, hold);
    }
    state.ResumeTiming();
    const RunResult r = scheduler->Run();
    state.PauseTiming();
    if (r.events != kExecuted) state.SkipWithError("wrong number of events executed");
    scheduler.reset();
    state.ResumeTiming();
  }
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(kExecuted) * state.iterations(),
                         benchmark::Counter::kIsRate);
}
BENCHMARK(BM_HoldModel)->Unit(benchmark::kMillisecond)->UseRealTime();

// Same-time events on many lanes with the random strategy: the cost of a choice point.
void BM_RandomChoicePoints(benchmark::State& state) {
  const int lanes = static_cast<int>(state.range(0));
  for (auto _ : state) {
    Scheduler scheduler(Scheduler::Options{.seed = 1, .strategy = MakeRandomStrategy(1)});
    std::vector<LaneId> ids;
    for (int l = 0; l < lanes; ++l) ids.push_back(scheduler.NewLane("l", trace::pb::LANE_TIMER));
    for (int round = 0; round < 100; ++round) {
      for (LaneId lane : ids) {
        scheduler.ScheduleAt(VirtualTime::FromNanoseconds(round), lane, [] {});
      }
    }
    benchmark::DoNotOptimize(scheduler.Run());
  }
  state.counters["events/s"] = benchmark::Counter(100.0 * lanes * state.iterations(),
                                                  benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RandomChoicePoints)->Arg(2)->Arg(16)->Arg(128)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace ws2sim::sim
