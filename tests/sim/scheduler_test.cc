#include "sim/scheduler.h"

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "sim/rng.h"

namespace ws2sim::sim {
namespace {

VirtualTime At(int64_t ns) { return VirtualTime::FromNanoseconds(ns); }

TEST(Scheduler, SameTimeEventsRunInSchedulingOrder) {
  Scheduler s({});
  std::vector<int> order;
  for (int i = 0; i < 5; ++i) s.ScheduleAt(At(100), 0, [&order, i] { order.push_back(i); });
  EXPECT_TRUE(s.Run().ok());
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(s.Now(), At(100));
}

TEST(Scheduler, EventsRunInTimeOrder) {
  Scheduler s({});
  std::vector<int64_t> seen;
  for (int64_t t : {50, 10, 40, 20, 30}) s.ScheduleAt(At(t), 0, [&] { seen.push_back(s.Now().ns_since_start()); });
  s.Run();
  EXPECT_EQ(seen, (std::vector<int64_t>{10, 20, 30, 40, 50}));
}

// The event list against a reference model: (time, sequence) order over a random workload in
// which executed events schedule more events, some at the current time, and cancel others.
struct ReferenceWorkload {
  Scheduler s{{}};
  Rng rng{99};
  std::map<std::pair<int64_t, uint64_t>, int> pending;  // (time, sequence) -> id
  std::map<int, std::pair<int64_t, uint64_t>> key_of;
  std::map<int, EventId> handles;
  std::set<int> cancelled;
  std::vector<int> ran;
  uint64_t sequence = 0;
  int next_id = 0;

  void Schedule(int64_t at) {
    const int id = next_id++;
    key_of[id] = {at, sequence++};
    pending[key_of[id]] = id;
    handles[id] = s.ScheduleAt(VirtualTime::FromNanoseconds(at), 0, [this, id] { Run(id); });
  }

  void Run(int id) {
    ran.push_back(id);
    pending.erase(key_of[id]);
    const int children = static_cast<int>(rng.UniformBelow(3));
    for (int c = 0; c < children && next_id < 20000; ++c) {
      const int64_t delay =
          rng.Bernoulli(0.2) ? 0 : rng.UniformRange(0, int64_t{1} << rng.UniformBelow(40));
      Schedule(s.Now().ns_since_start() + delay);
    }
    if (rng.Bernoulli(0.1) && !pending.empty()) {  // cancel the latest pending event
      auto victim = std::prev(pending.end());
      EXPECT_TRUE(s.Cancel(handles[victim->second]));
      cancelled.insert(victim->second);
      pending.erase(victim);
    }
  }
};

TEST(Scheduler, OrderMatchesATimeSequenceReferenceModel) {
  ReferenceWorkload w;
  for (int i = 0; i < 200; ++i) w.Schedule(w.rng.UniformRange(0, 1000));
  EXPECT_TRUE(w.s.Run().ok());
  EXPECT_TRUE(w.pending.empty()) << "every event that was not cancelled ran";
  for (int id : w.ran) ASSERT_EQ(w.cancelled.count(id), 0u) << "cancelled event " << id << " ran";
  // Every event ran in (time, sequence) order.
  for (size_t i = 1; i < w.ran.size(); ++i) {
    const auto& a = w.key_of[w.ran[i - 1]];
    const auto& b = w.key_of[w.ran[i]];
    ASSERT_TRUE(a.first < b.first || (a.first == b.first && a.second < b.second))
        << "event " << w.ran[i] << " (t=" << b.first << ", seq " << b.second << ") ran after "
        << w.ran[i - 1] << " (t=" << a.first << ", seq " << a.second << ")";
  }
  EXPECT_GT(w.ran.size(), 1000u);
}

TEST(Scheduler, CancelBeforeRunPreventsIt) {
  Scheduler s({});
  bool ran = false;
  EventId id = s.ScheduleAt(At(10), 0, [&] { ran = true; });
  EXPECT_TRUE(s.Cancel(id));
  EXPECT_FALSE(s.Cancel(id));  // already cancelled
  EXPECT_TRUE(s.Run().ok());
  EXPECT_FALSE(ran);
}

TEST(Scheduler, CancelAfterRunReturnsFalse) {
  Scheduler s({});
  int runs = 0;
  EventId id = s.ScheduleAt(At(10), 0, [&] { ++runs; });
  s.Run();
  EXPECT_EQ(runs, 1);
  EXPECT_FALSE(s.Cancel(id));
  // The slot is reused by a new event: the stale handle must not cancel it.
  s.ScheduleAt(At(20), 0, [&] { ++runs; });
  EXPECT_FALSE(s.Cancel(id));
  s.Run();
  EXPECT_EQ(runs, 2);
}

TEST(Scheduler, CancelAnEventDueNowFromAnotherEvent) {
  Scheduler s({});
  bool second_ran = false;
  EventId second;
  s.ScheduleAt(At(10), 0, [&] { EXPECT_TRUE(s.Cancel(second)); });
  second = s.ScheduleAt(At(10), 0, [&] { second_ran = true; });
  EXPECT_TRUE(s.Run().ok());
  EXPECT_FALSE(second_ran);
}

TEST(Scheduler, EventsScheduledForNowRunAfterThoseAlreadyDue) {
  Scheduler s({});
  std::vector<std::string> order;
  s.ScheduleAt(At(10), 0, [&] {
    order.push_back("a");
    s.ScheduleAfter(Duration::Zero(), 0, [&] { order.push_back("a-child"); });
  });
  s.ScheduleAt(At(10), 0, [&] { order.push_back("b"); });
  s.Run();
  EXPECT_EQ(order, (std::vector<std::string>{"a", "b", "a-child"}));
}

TEST(Scheduler, RunUntilStopsBeforeLaterEventsAndResumes) {
  Scheduler s({});
  std::vector<int64_t> seen;
  for (int64_t t : {10, 20, 30}) s.ScheduleAt(At(t), 0, [&] { seen.push_back(s.Now().ns_since_start()); });
  RunResult paused = s.RunUntil(At(20));
  EXPECT_EQ(paused.reason, trace::pb::STOP_UNSPECIFIED);
  EXPECT_EQ(seen, (std::vector<int64_t>{10, 20}));
  EXPECT_EQ(s.Now(), At(20));
  paused = s.RunUntil(At(25));
  EXPECT_EQ(s.Now(), At(25));
  EXPECT_TRUE(s.Run().ok());
  EXPECT_EQ(seen, (std::vector<int64_t>{10, 20, 30}));
}

TEST(Scheduler, SchedulingAfterAPauseBeforeThePeekedEventKeepsOrder) {
  Scheduler s({});
  std::vector<int64_t> seen;
  auto note = [&] { seen.push_back(s.Now().ns_since_start()); };
  s.ScheduleAt(At(100), 0, note);
  s.RunUntil(At(10));  // looked at the event at 100 and paused at 10
  s.ScheduleAt(At(50), 0, note);
  s.ScheduleAt(At(10), 0, note);
  EXPECT_TRUE(s.Run().ok());
  EXPECT_EQ(seen, (std::vector<int64_t>{10, 50, 100}));
}

TEST(Scheduler, EventLimitStopsCleanlyAndSaysSo) {
  Scheduler s({.limits = {.max_events = 3}});
  int runs = 0;
  std::function<void()> again = [&] { ++runs; s.ScheduleAfter(Duration::Nanoseconds(1), 0, again); };
  s.ScheduleAt(At(0), 0, again);
  RunResult r = s.Run();
  EXPECT_EQ(r.reason, trace::pb::STOP_EVENT_LIMIT);
  EXPECT_EQ(runs, 3);
  EXPECT_NE(r.message.find("event limit (3 events)"), std::string::npos) << r.message;
}

TEST(Scheduler, VirtualTimeLimitStopsCleanlyAndSaysSo) {
  Scheduler s({.limits = {.max_virtual_time = At(1000)}});
  int runs = 0;
  std::function<void()> again = [&] { ++runs; s.ScheduleAfter(Duration::Nanoseconds(300), 0, again); };
  s.ScheduleAt(At(0), 0, again);
  RunResult r = s.Run();
  EXPECT_EQ(r.reason, trace::pb::STOP_TIME_LIMIT);
  EXPECT_EQ(runs, 4);  // at 0, 300, 600, 900
  EXPECT_EQ(r.end_time, At(1000));
  EXPECT_NE(r.message.find("virtual-time limit (1us)"), std::string::npos) << r.message;
}

TEST(Scheduler, WallClockLimitStopsAnEndlessRun) {
  Scheduler s({.limits = {.max_wall_seconds = 0.05}});
  std::function<void()> again = [&] { s.ScheduleAfter(Duration::Nanoseconds(1), 0, again); };
  s.ScheduleAt(At(0), 0, again);
  RunResult r = s.Run();
  EXPECT_EQ(r.reason, trace::pb::STOP_WALL_LIMIT);
  EXPECT_NE(r.message.find("wall-clock limit"), std::string::npos) << r.message;
}

TEST(Scheduler, RequestStopEndsTheRunAsFailed) {
  Scheduler s({});
  bool later_ran = false;
  s.ScheduleAt(At(1), 0, [&] { s.RequestStop("checker: bytes out of order"); });
  s.ScheduleAt(At(2), 0, [&] { later_ran = true; });
  RunResult r = s.Run();
  EXPECT_EQ(r.reason, trace::pb::STOP_FAILED);
  EXPECT_EQ(r.message, "checker: bytes out of order");
  EXPECT_FALSE(later_ran);
}

TEST(SchedulerDeathTest, SchedulingIntoThePastAborts) {
  EXPECT_DEATH(
      {
        Scheduler s({});
        s.ScheduleAt(At(100), 0, [&] { s.ScheduleAt(At(50), 0, [] {}); });
        s.Run();
      },
      "before now");
}

TEST(Scheduler, CallbacksAreDestroyedWhenCancelledOrRun) {
  auto token = std::make_shared<int>(0);
  {
    Scheduler s({});
    EventId a = s.ScheduleAt(At(5), 0, [token] {});
    s.ScheduleAt(At(6), 0, [token] {});
    s.ScheduleAt(At(7), 0, [token] {});  // never run: destroyed with the scheduler
    EXPECT_EQ(token.use_count(), 4);
    s.Cancel(a);
    EXPECT_EQ(token.use_count(), 3);
    s.RunUntil(At(6));
    EXPECT_EQ(token.use_count(), 2);
  }
  EXPECT_EQ(token.use_count(), 1);
}

}  // namespace
}  // namespace ws2sim::sim
