// Scheduling and running events allocates nothing in steady state (issue "Foundation"): this
// binary replaces the global operator new to count allocations.
#include <cstdlib>
#include <new>

#include "gtest/gtest.h"
#include "sim/rng.h"
#include "sim/scheduler.h"

namespace {
size_t g_allocations = 0;
}  // namespace

void* operator new(size_t n) {
  ++g_allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace ws2sim::sim {
namespace {

struct Hold {
  Scheduler* scheduler;
  Rng* rng;
  LaneId lane;
  void operator()() const {
    scheduler->ScheduleAfter(rng->ExponentialDuration(Duration::Nanoseconds(100)), lane, *this);
    // Also exercise the fast lane and cancellation.
    EventId id = scheduler->ScheduleAfter(Duration::Zero(), lane, [] {});
    if (rng->Bernoulli(0.5)) scheduler->Cancel(id);
  }
};

TEST(Allocation, SteadyStateEventsAllocateNothing) {
  Rng rng = Rng::Stream(1, "hold");
  Scheduler s({});
  const LaneId lanes[2] = {0, s.NewLane("other", trace::pb::LANE_TIMER)};
  for (int i = 0; i < 10000; ++i) {
    s.ScheduleAfter(rng.ExponentialDuration(Duration::Nanoseconds(100)), lanes[i % 2],
                    Hold{&s, &rng, lanes[i % 2]});
  }
  s.RunUntil(VirtualTime::FromNanoseconds(5000));  // warm up: vectors reach their sizes
  const size_t before = g_allocations;
  const uint64_t events_before = s.events_executed();
  s.RunUntil(VirtualTime::FromNanoseconds(25000));
  EXPECT_GT(s.events_executed() - events_before, 1000000u);
  // Not zero: a radix bucket can still grow (doubling) the first time virtual time crosses its
  // power of two with many events pending. That is bounded by the number of buckets times
  // log2(pending events) over a whole run, never proportional to the events.
  EXPECT_LT(g_allocations - before, 64u);
}

// A clock event wakes the two threads in turn every nanosecond of virtual time.
struct Clock {
  Scheduler* scheduler;
  FiberId* fibers;
  uint64_t* ticks;
  void operator()() const {
    scheduler->Unpark(fibers[(*ticks)++ % 2]);
    scheduler->ScheduleAfter(Duration::Nanoseconds(1), 0, *this);
  }
};

TEST(Allocation, ParkAndUnparkAllocateNothingInSteadyState) {
  Scheduler s({});
  FiberId fibers[2];
  uint64_t ticks = 0;
  uint64_t wakeups = 0;
  for (int side = 0; side < 2; ++side) {
    fibers[side] = s.Spawn(side ? "ping" : "pong", [&] {
      for (;;) {
        s.Park("waiting for the clock");
        ++wakeups;
      }
    });
  }
  s.ScheduleAfter(Duration::Nanoseconds(1), 0, Clock{&s, fibers, &ticks});
  s.RunUntil(VirtualTime::FromNanoseconds(1000));
  const size_t before = g_allocations;
  const uint64_t wakeups_before = wakeups;
  s.RunUntil(VirtualTime::FromNanoseconds(100000));
  EXPECT_GT(wakeups - wakeups_before, 90000u);
  EXPECT_EQ(g_allocations - before, 0u);
}

}  // namespace
}  // namespace ws2sim::sim
