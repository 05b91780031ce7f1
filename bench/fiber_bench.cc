// Fiber switch cost (target <= 10 ns per switch):
//  - BM_FiberSwitch: raw Resume/Suspend ping-pong between the scheduler's context and one fiber;
//    each iteration is two switches.
//  - BM_ThreadPingPong: two simulated threads passing a token through the scheduler (Park/Unpark):
//    the full cost of one hand-off, including the event list.
//   build/bench/fiber_bench --benchmark_counters_tabular=true
#include "benchmark/benchmark.h"
#include "sim/fiber.h"
#include "sim/scheduler.h"

namespace ws2sim::sim {
namespace {

void BM_FiberSwitch(benchmark::State& state) {
  bool stop = false;
  Fiber* self = nullptr;
  Fiber fiber("pong", 0, [&] {
    while (!stop) self->Suspend();
  });
  self = &fiber;
  for (auto _ : state) fiber.Resume();
  stop = true;
  fiber.Resume();
  state.counters["ns/switch"] = benchmark::Counter(
      2.0 * state.iterations(), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_FiberSwitch);

void BM_ThreadPingPong(benchmark::State& state) {
  constexpr int kRounds = 100000;
  for (auto _ : state) {
    Scheduler s({});
    FiberId ids[2];
    int turn = 0;
    for (int side = 0; side < 2; ++side) {
      ids[side] = s.Spawn(side ? "ping" : "pong", [&, side] {
        for (int r = 0; r < kRounds; ++r) {
          while (turn % 2 != side) s.Park("token");
          ++turn;
          s.Unpark(ids[1 - side]);
        }
      });
    }
    benchmark::DoNotOptimize(s.Run());
  }
  state.counters["ns/hand-off"] = benchmark::Counter(
      2.0 * kRounds * state.iterations(), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_ThreadPingPong)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace ws2sim::sim
