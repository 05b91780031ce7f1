#include "sim/fiber.h"

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/scheduler.h"

namespace ws2sim::sim {
namespace {

VirtualTime At(int64_t ns) { return VirtualTime::FromNanoseconds(ns); }

TEST(Fiber, ResumeAndSuspendAlternate) {
  std::vector<int> steps;
  Fiber* self = nullptr;
  Fiber f("worker", 0, [&] {
    steps.push_back(1);
    self->Suspend();
    steps.push_back(3);
  });
  self = &f;
  EXPECT_EQ(Fiber::Current(), nullptr);
  f.Resume();
  steps.push_back(2);
  EXPECT_FALSE(f.finished());
  f.Resume();
  EXPECT_TRUE(f.finished());
  EXPECT_EQ(steps, (std::vector<int>{1, 2, 3}));
}

TEST(Fiber, ExceptionEscapingTheBodyIsRethrownByResume) {
  Fiber f("thrower", 0, [] { throw std::runtime_error("boom"); });
  EXPECT_THROW(f.Resume(), std::runtime_error);
  EXPECT_TRUE(f.finished());
}

// 10,000 fibers in 5,000 pairs pass a token back and forth through the scheduler.
TEST(SchedulerFibers, TenThousandFibersPingPong) {
  constexpr int kPairs = 5000;
  constexpr int kRounds = 20;
  Scheduler s({});
  struct Pair {
    FiberId a = kNoFiber, b = kNoFiber;
    int turn = 0;  // even: a's turn
    int exchanges = 0;
  };
  std::vector<Pair> pairs(kPairs);
  for (int p = 0; p < kPairs; ++p) {
    for (int side = 0; side < 2; ++side) {
      FiberId id = s.Spawn(
          "p" + std::to_string(p) + (side ? "b" : "a"),
          [&, p, side] {
            Pair& pair = pairs[p];
            for (int r = 0; r < kRounds; ++r) {
              while (pair.turn % 2 != side) s.Park("waiting for the token");
              ++pair.exchanges;
              ++pair.turn;
              s.Unpark(side ? pair.a : pair.b);
            }
          },
          SpawnOptions{.stack_bytes = 16 * 1024});
      (side ? pairs[p].b : pairs[p].a) = id;
    }
  }
  RunResult r = s.Run();
  EXPECT_TRUE(r.ok()) << r.message;
  for (const Pair& pair : pairs) ASSERT_EQ(pair.exchanges, 2 * kRounds);
  for (FiberId f = 0; f < s.fiber_count(); ++f) ASSERT_TRUE(s.FiberFinished(f));
}

TEST(SchedulerFibers, DeadlockReportNamesEachFiberAndWhatItWaitsFor) {
  Scheduler s({});
  s.Spawn("server", [&] { s.Park("accept on socket 0x1c"); });
  s.Spawn("client", [&] {
    s.Sleep(Duration::Milliseconds(2));
    s.Park("recv on socket 0x20");
  });
  s.Spawn("finisher", [] {});
  RunResult r = s.Run();
  EXPECT_EQ(r.reason, trace::pb::STOP_DEADLOCK);
  EXPECT_EQ(r.end_time, At(2000000));
  EXPECT_NE(r.message.find("deadlock at 2ms"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("fiber 'server' blocked since 0 on: accept on socket 0x1c"),
            std::string::npos)
      << r.message;
  EXPECT_NE(r.message.find("fiber 'client' blocked since 2ms on: recv on socket 0x20"),
            std::string::npos)
      << r.message;
  EXPECT_EQ(r.message.find("finisher"), std::string::npos) << r.message;
}

TEST(SchedulerFibers, BlockedDaemonsDoNotMakeADeadlock) {
  Scheduler s({});
  s.Spawn("pump", [&] { s.Park("GetMessage"); }, SpawnOptions{.daemon = true});
  s.Spawn("main", [&] { s.Sleep(Duration::Microseconds(5)); });
  RunResult r = s.Run();
  EXPECT_TRUE(r.ok()) << r.message;
}

TEST(SchedulerFibers, ParkWithDeadlineTimesOutAtTheDeadline) {
  Scheduler s({});
  WakeReason wake = WakeReason::kUnparked;
  VirtualTime woke;
  s.Spawn("waiter", [&] {
    wake = s.Park("select with timeout", s.Now() + Duration::Microseconds(7));
    woke = s.Now();
  });
  EXPECT_TRUE(s.Run().ok());
  EXPECT_EQ(wake, WakeReason::kTimedOut);
  EXPECT_EQ(woke, At(7000));
}

TEST(SchedulerFibers, UnparkBeforeTheDeadlineCancelsTheTimeout) {
  Scheduler s({});
  WakeReason wake = WakeReason::kTimedOut;
  VirtualTime woke;
  FiberId waiter = s.Spawn("waiter", [&] {
    wake = s.Park("event", s.Now() + Duration::Microseconds(7));
    woke = s.Now();
    s.Sleep(Duration::Microseconds(10));  // the cancelled timeout must not wake this sleep
  });
  s.ScheduleAt(At(3000), 0, [&] { EXPECT_TRUE(s.Unpark(waiter)); });
  EXPECT_TRUE(s.Run().ok());
  EXPECT_EQ(wake, WakeReason::kUnparked);
  EXPECT_EQ(woke, At(3000));
  EXPECT_EQ(s.Now(), At(13000));
}

TEST(SchedulerFibers, UnparkOfARunnableFiberIsANoOp) {
  Scheduler s({});
  FiberId f = s.Spawn("f", [] {});
  EXPECT_FALSE(s.Unpark(f));  // spawned, not parked
  s.Run();
  EXPECT_FALSE(s.Unpark(f));  // finished
}

TEST(SchedulerFibers, SleepAdvancesVirtualTimeExactly) {
  Scheduler s({});
  std::vector<int64_t> times;
  s.Spawn("sleeper", [&] {
    for (int i = 0; i < 3; ++i) {
      s.Sleep(Duration::Milliseconds(10));
      times.push_back(s.Now().ns_since_start());
    }
  });
  s.Run();
  EXPECT_EQ(times, (std::vector<int64_t>{10000000, 20000000, 30000000}));
}

TEST(SchedulerFibers, YieldLetsOtherThreadsDueNowRun) {
  Scheduler s({});
  std::vector<std::string> order;
  s.Spawn("a", [&] {
    order.push_back("a1");
    s.Yield();
    order.push_back("a2");
  });
  s.Spawn("b", [&] { order.push_back("b"); });
  s.Run();
  EXPECT_EQ(order, (std::vector<std::string>{"a1", "b", "a2"}));
}

TEST(SchedulerFibers, StartDelayDefersTheFirstRun) {
  Scheduler s({});
  VirtualTime started;
  s.Spawn("late", [&] { started = s.Now(); }, SpawnOptions{.start_delay = Duration::Seconds(1)});
  s.Run();
  EXPECT_EQ(started, At(1000000000));
}

TEST(SchedulerFibers, TeardownUnwindsBlockedFibers) {
  auto resource = std::make_shared<int>(0);
  bool after_park = false;
  {
    Scheduler s({});
    s.Spawn("holder", [&, resource] {
      std::shared_ptr<int> local = resource;  // released only if the stack unwinds
      s.Park("forever");
      after_park = true;
    });
    EXPECT_EQ(s.Run().reason, trace::pb::STOP_DEADLOCK);
    EXPECT_EQ(resource.use_count(), 3);
  }
  EXPECT_EQ(resource.use_count(), 1);
  EXPECT_FALSE(after_park);
}

TEST(SchedulerFibers, ExceptionInAFiberStopsTheRunWithItsName) {
  Scheduler s({});
  s.Spawn("guest", [] { throw std::runtime_error("bad state"); });
  RunResult r = s.Run();
  EXPECT_EQ(r.reason, trace::pb::STOP_FAILED);
  EXPECT_EQ(r.message, "fiber 'guest' threw an exception: bad state");
}

int Recurse(int depth) {
  volatile char frame[512];
  frame[0] = static_cast<char>(depth);
  return depth <= 0 ? frame[0] : Recurse(depth - 1) + frame[0];
}

TEST(SchedulerFibersDeathTest, StackOverflowIsReportedWithTheFibersName) {
  EXPECT_EXIT(
      {
        SetCrashContext("ws2sim demo --seed=7");
        Scheduler s({});
        s.Spawn("deep-recursion", [] { Recurse(1 << 20); }, SpawnOptions{.stack_bytes = 64 * 1024});
        s.Run();
      },
      testing::ExitedWithCode(kStackOverflowExitCode),
      "stack overflow in fiber 'deep-recursion' \\(stack 65536 bytes\\)(.|\n)*reproduce with: "
      "ws2sim demo --seed=7");
}

TEST(SchedulerFibers, TerminateUnwindsABlockedFiberAndSkipsAnUnstartedOne) {
  Scheduler s({});
  auto resource = std::make_shared<int>(0);
  bool after_park = false, late_ran = false;
  FiberId blocked = s.Spawn("blocked", [&, resource] {
    std::shared_ptr<int> local = resource;
    s.Park("forever");
    after_park = true;
  });
  FiberId late = s.Spawn("late", [&] { late_ran = true; },
                         SpawnOptions{.start_delay = Duration::Milliseconds(5)});
  s.Spawn("exiter", [&] {
    s.Sleep(Duration::Milliseconds(1));
    s.Terminate(blocked);
    s.Terminate(late);
  });
  RunResult r = s.Run();
  EXPECT_TRUE(r.ok()) << r.message;
  EXPECT_TRUE(s.FiberFinished(blocked));
  EXPECT_TRUE(s.FiberFinished(late));
  EXPECT_FALSE(after_park);
  EXPECT_FALSE(late_ran);
  EXPECT_EQ(resource.use_count(), 1);  // the blocked fiber's stack unwound
}

TEST(SchedulerFibers, TerminatingTheCurrentFiberTakesEffectAtItsNextSuspension) {
  Scheduler s({});
  int steps = 0;
  FiberId self = kNoFiber;
  self = s.Spawn("self", [&] {
    ++steps;
    s.Terminate(self);
    ++steps;                                // still running until it suspends
    s.Sleep(Duration::Microseconds(1));     // throws FiberUnwind
    ++steps;
  });
  EXPECT_TRUE(s.Run().ok());
  EXPECT_EQ(steps, 2);
}

TEST(SchedulerFibersDeathTest, AFaultInAFiberIsReportedWithItsNameAndLastApiCall) {
  EXPECT_EXIT(
      {
        SetCrashContext("ws2sim run echo.textproto --seed=3");
        SetLastApiCall("recv(0x104, buf, 512, 0)");
        Scheduler s({});
        s.Spawn("client/echo_client/main", [] {
          volatile uintptr_t bad_address = 16;  // opaque to the compiler
          *reinterpret_cast<volatile int*>(bad_address) = 1;
        });
        s.Run();
      },
      testing::ExitedWithCode(kFiberCrashExitCode),
      "crash \\(SIGSEGV at address 0x0+10\\) in fiber 'client/echo_client/main'(.|\n)*"
      "last API call: recv\\(0x104, buf, 512, 0\\)(.|\n)*reproduce with: ws2sim run");
}

TEST(SchedulerFibersDeathTest, ParkOutsideAFiberAborts) {
  EXPECT_DEATH(
      {
        Scheduler s({});
        s.Park("nothing");
      },
      "outside a fiber");
}

}  // namespace
}  // namespace ws2sim::sim
