#include "sim/choice.h"

#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/schedule_id.h"
#include "sim/scheduler.h"

namespace ws2sim::sim {
namespace {

VirtualTime At(int64_t ns) { return VirtualTime::FromNanoseconds(ns); }

TEST(ScheduleId, EncodesSeedAndOnlyTheDeviationsFromFifo) {
  EXPECT_EQ(EncodeScheduleId(Schedule::FromChoices(7, {})), "s1.7.0");
  EXPECT_EQ(EncodeScheduleId(Schedule::FromChoices(7, std::vector<uint32_t>(12, 0))), "s1.7.c");
  EXPECT_EQ(EncodeScheduleId(Schedule::FromChoices(7, {0, 0, 2, 0, 1})), "s1.7.52211");
  // Numbers of 16 and more take more characters (4 bits each, 16 = "more follows").
  EXPECT_EQ(EncodeScheduleId(Schedule::FromChoices(1, std::vector<uint32_t>(16, 0))), "s1.1.g1");
}

TEST(ScheduleId, RoundTrips) {
  Rng rng(5);
  for (int n = 0; n < 200; ++n) {
    Schedule s{rng.NextU64(), 0, {}};
    const int len = static_cast<int>(rng.UniformBelow(300));
    for (int i = 0; i < len; ++i) {
      s.Append(rng.Bernoulli(0.8) ? 0 : static_cast<uint32_t>(rng.UniformBelow(1000)));
    }
    absl::StatusOr<Schedule> back = DecodeScheduleId(EncodeScheduleId(s));
    ASSERT_TRUE(back.ok()) << back.status();
    ASSERT_EQ(*back, s);
  }
}

TEST(ScheduleId, RejectsMalformedIds) {
  for (const char* bad : {"", "s1", "s2.1.0", "s1.x.0", "s1.1.", "s1.1.g", "s1.1.0i",
                          "s1.1.200", "s1.1.0.0"}) {
    EXPECT_FALSE(DecodeScheduleId(bad).ok()) << bad;
  }
}

// Three lanes each with two events due at the same times: 0 and 10.
std::vector<std::string> RunThreeLanes(std::unique_ptr<ScheduleStrategy> strategy,
                                       RunResult* result = nullptr) {
  Scheduler s({.seed = 3, .strategy = std::move(strategy)});
  std::vector<std::string> order;
  for (const char* name : {"x", "y", "z"}) {
    const LaneId lane = s.NewLane(name, trace::pb::LANE_FIBER);
    for (int k = 0; k < 2; ++k) {
      s.ScheduleAt(At(0), lane, [&order, name, k] { order.push_back(std::string(name) + std::to_string(k)); });
      s.ScheduleAt(At(10), lane, [&order, name, k] { order.push_back(std::string(name) + std::to_string(k + 2)); });
    }
  }
  RunResult r = s.Run();
  if (result != nullptr) *result = r;
  return order;
}

TEST(Choice, FifoRunsInSchedulingOrder) {
  RunResult r;
  EXPECT_EQ(RunThreeLanes(MakeFifoStrategy(), &r),
            (std::vector<std::string>{"x0", "x1", "y0", "y1", "z0", "z1", "x2", "x3", "y2", "y3",
                                      "z2", "z3"}));
  // Choice points: while >= 2 lanes have events due (4 at time 0, 4 at time 10).
  EXPECT_EQ(r.schedule_id, "s1.3.8");
}

TEST(Choice, RandomNeverReordersEventsOfOneLane) {
  for (uint64_t seed = 0; seed < 50; ++seed) {
    std::vector<std::string> order = RunThreeLanes(MakeRandomStrategy(seed));
    for (const char* lane : {"x", "y", "z"}) {
      std::vector<std::string> mine;
      for (const std::string& e : order) {
        if (e[0] == lane[0]) mine.push_back(e);
      }
      const std::string l(lane);
      ASSERT_EQ(mine, (std::vector<std::string>{l + "0", l + "1", l + "2", l + "3"})) << seed;
    }
  }
}

TEST(Choice, RandomExploresOtherOrdersAndIsReproducible) {
  std::set<std::vector<std::string>> orders;
  for (uint64_t seed = 0; seed < 50; ++seed) {
    orders.insert(RunThreeLanes(MakeRandomStrategy(seed)));
    EXPECT_EQ(RunThreeLanes(MakeRandomStrategy(seed)), RunThreeLanes(MakeRandomStrategy(seed)));
  }
  EXPECT_GT(orders.size(), 10u);
}

TEST(Choice, ReplayFollowsARecordedScheduleExactly) {
  for (uint64_t seed = 0; seed < 20; ++seed) {
    RunResult original;
    std::vector<std::string> order = RunThreeLanes(MakeRandomStrategy(seed), &original);
    absl::StatusOr<Schedule> schedule = DecodeScheduleId(original.schedule_id);
    ASSERT_TRUE(schedule.ok());
    RunResult replayed;
    EXPECT_EQ(RunThreeLanes(MakeReplayStrategy(*schedule), &replayed), order);
    EXPECT_TRUE(replayed.ok()) << replayed.message;
    EXPECT_EQ(replayed.schedule_id, original.schedule_id);
  }
}

TEST(Choice, ReplayThatDoesNotFitTheRunReportsDivergence) {
  RunResult r;
  RunThreeLanes(MakeReplayStrategy(Schedule::FromChoices(3, {0, 0, 5, 0, 0, 0, 0, 0})), &r);
  EXPECT_EQ(r.reason, trace::pb::STOP_REPLAY_DIVERGED);
  EXPECT_NE(r.message.find("choice point #2"), std::string::npos) << r.message;

  RunThreeLanes(MakeReplayStrategy(Schedule::FromChoices(3, {0, 0})), &r);
  EXPECT_EQ(r.reason, trace::pb::STOP_REPLAY_DIVERGED);

  RunThreeLanes(MakeReplayStrategy(Schedule::FromChoices(3, std::vector<uint32_t>(9, 0))), &r);
  EXPECT_EQ(r.reason, trace::pb::STOP_REPLAY_DIVERGED);
  EXPECT_NE(r.message.find("met 8 choice points but the schedule records 9"), std::string::npos)
      << r.message;
}

TEST(Choice, YieldIsAChoicePointBetweenThreads) {
  std::set<std::string> outcomes;
  for (uint64_t seed = 0; seed < 40; ++seed) {
    Scheduler s({.seed = seed, .strategy = MakeRandomStrategy(seed)});
    std::string log;
    for (const char* name : {"a", "b"}) {
      s.Spawn(name, [&s, &log, name] {
        for (int i = 0; i < 3; ++i) {
          log += name;
          s.Yield();
        }
      });
    }
    EXPECT_TRUE(s.Run().ok());
    outcomes.insert(log);
  }
  EXPECT_GT(outcomes.size(), 2u);
  EXPECT_TRUE(outcomes.count("ababab"));
}

TEST(Choice, MakeStrategyRejectsUnknownNames) {
  EXPECT_TRUE(MakeStrategy("fifo", 1).ok());
  EXPECT_TRUE(MakeStrategy("random", 1).ok());
  absl::StatusOr<std::unique_ptr<ScheduleStrategy>> bad = MakeStrategy("dfs", 1);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("known: fifo, random"), absl::string_view::npos);
}

}  // namespace
}  // namespace ws2sim::sim
