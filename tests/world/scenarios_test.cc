// Every bundled scenario (scenarios/examples) runs and passes, and a run is a pure function of
// (scenario, seed): the same seed gives the same trace bytes, a replayed schedule the same run.
#include <cstdio>
#include <fstream>
#include <sstream>

#include "gtest/gtest.h"
#include "scenarios/scenario_loader.h"
#include "scenarios/scenario_run.h"

namespace ws2sim::scenarios {
namespace {

const std::string kExamples = std::string(WS2SIM_SOURCE_DIR) + "/scenarios/examples/";

RunReport RunExample(const std::string& name, RunOptions options = {}) {
  absl::StatusOr<Scenario> s = LoadScenarioFile(kExamples + name);
  EXPECT_TRUE(s.ok()) << s.status();
  absl::StatusOr<RunReport> r = RunScenario(*s, std::move(options));
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : RunReport{};
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(BundledScenarios, EveryOnePasses) {
  for (const char* name : {"echo_clean.textproto", "echo_lossy.textproto", "closed_port.textproto",
                           "hundred_clients.textproto"}) {
    RunReport r = RunExample(name);
    EXPECT_TRUE(r.ok()) << name << ":\n" << FormatReport(r, name);
  }
}

TEST(BundledScenarios, LossyEchoCompletesByteExactThroughLoss) {
  RunReport r = RunExample("echo_lossy.textproto");
  ASSERT_TRUE(r.ok()) << FormatReport(r, "echo_lossy");
  uint64_t dropped = 0;
  for (const LinkReport& l : r.links) dropped += l.packets_dropped;
  EXPECT_GT(dropped, 0u);  // the loss really happened, and TCP recovered
  EXPECT_GT(r.run.end_time, sim::VirtualTime::Zero() + sim::Duration::Seconds(1));
}

TEST(BundledScenarios, ClosedPortIsRefusedAtOnce) {
  RunReport r = RunExample("closed_port.textproto");
  ASSERT_TRUE(r.ok()) << FormatReport(r, "closed_port");
  ASSERT_EQ(r.processes.size(), 1u);
  EXPECT_EQ(r.processes[0].exit_code, 1);
  EXPECT_LT(r.run.end_time, sim::VirtualTime::Zero() + sim::Duration::Seconds(1));  // RST, no timeout
}

TEST(BundledScenarios, SameSeedSameTraceBytesAndReplayReproducesTheRun) {
  const std::string a = testing::TempDir() + "/a.w2t", b = testing::TempDir() + "/b.w2t";
  RunReport first = RunExample("echo_lossy.textproto",
                        {.seed = 11, .strategy = "random", .trace_path = a});
  RunReport second = RunExample("echo_lossy.textproto",
                         {.seed = 11, .strategy = "random", .trace_path = b});
  EXPECT_EQ(Slurp(a), Slurp(b));
  EXPECT_EQ(first.run.schedule_id, second.run.schedule_id);
  RunReport replayed = RunExample("echo_lossy.textproto", {.replay_schedule = first.run.schedule_id});
  EXPECT_TRUE(replayed.ok()) << replayed.run.message;
  EXPECT_EQ(replayed.run.end_time, first.run.end_time);
  EXPECT_EQ(replayed.run.events, first.run.events);
  std::remove(a.c_str());
  std::remove(b.c_str());
}

}  // namespace
}  // namespace ws2sim::scenarios
