// A run is a pure function of (scenario, seed, binary) (DESIGN.md section 3). The cross-build
// half (Debug, Release and sanitizer builds give the same bytes) is checked by tools/test.sh,
// which runs `ws2sim demo` from each build and compares the trace files.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "scenarios/demo.h"
#include "sim/trace/dump.h"
#include "sim/trace/reader.h"

namespace ws2sim::scenarios {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string TempPath(const std::string& name) {
  return testing::TempDir() + "/" + name + ".w2t";
}

struct Outcome {
  std::string trace_bytes;
  std::string output;
  DemoResult result;
};

Outcome RunOnce(DemoOptions options, const std::string& name) {
  options.trace_path = TempPath(name);
  std::ostringstream out;
  absl::StatusOr<DemoResult> r = RunDemo(options, &out);
  EXPECT_TRUE(r.ok()) << r.status();
  Outcome o{ReadFile(options.trace_path), out.str(), r.ok() ? *r : DemoResult{}};
  std::remove(options.trace_path.c_str());
  return o;
}

// Everything after the header line: the records, which a replay must reproduce exactly.
std::string RecordLines(const std::string& trace_bytes) {
  trace::ReadResult r = trace::ReadTraceBytes(trace_bytes, "trace");
  EXPECT_TRUE(r.status.ok()) << r.status;
  std::string dump = trace::DumpTrace(r.trace);
  return dump.substr(dump.find('\n') + 1);
}

DemoOptions Workload(uint64_t seed, const std::string& strategy) {
  DemoOptions o;
  o.seed = seed;
  o.strategy = strategy;
  o.clients = 6;
  o.requests = 8;
  o.loss = 0.1;
  return o;
}

TEST(Determinism, SameSeedGivesByteIdenticalTraces) {
  for (const char* strategy : {"fifo", "random"}) {
    for (uint64_t seed : {1, 2, 99}) {
      Outcome a = RunOnce(Workload(seed, strategy), "a");
      Outcome b = RunOnce(Workload(seed, strategy), "b");
      ASSERT_FALSE(a.trace_bytes.empty());
      EXPECT_EQ(a.trace_bytes, b.trace_bytes) << strategy << " seed " << seed;
      EXPECT_EQ(a.output, b.output);
      EXPECT_EQ(a.result.run.schedule_id, b.result.run.schedule_id);
      EXPECT_TRUE(a.result.run.ok()) << a.result.run.message;
    }
  }
}

TEST(Determinism, DifferentSeedsGiveDifferentRuns) {
  Outcome a = RunOnce(Workload(1, "fifo"), "a");
  Outcome b = RunOnce(Workload(2, "fifo"), "b");
  EXPECT_NE(RecordLines(a.trace_bytes), RecordLines(b.trace_bytes));
}

TEST(Determinism, TheWorkloadMeetsChoicePointsLossAndRetransmission) {
  Outcome a = RunOnce(Workload(1, "random"), "a");
  EXPECT_GT(a.result.messages_lost, 0u);
  EXPECT_GT(a.result.retransmissions, 0u);
  EXPECT_EQ(a.result.replies_received, 6u * 8u);
  EXPECT_NE(RecordLines(a.trace_bytes).find(" choice "), std::string::npos);
}

TEST(Determinism, ReplayOfARandomScheduleReproducesEveryRecord) {
  for (uint64_t seed : {3, 4, 5}) {
    Outcome original = RunOnce(Workload(seed, "random"), "original");
    DemoOptions replay = Workload(0, "fifo");  // the schedule id carries seed and choices
    replay.replay_schedule = original.result.run.schedule_id;
    Outcome replayed = RunOnce(replay, "replayed");
    EXPECT_TRUE(replayed.result.run.ok()) << replayed.result.run.message;
    EXPECT_EQ(RecordLines(replayed.trace_bytes), RecordLines(original.trace_bytes));
    EXPECT_EQ(replayed.output, original.output);
  }
}

TEST(Determinism, BadOptionsAreRejectedWithTheOptionsName) {
  DemoOptions o = Workload(1, "fifo");
  o.clients = 0;
  EXPECT_NE(RunDemo(o, nullptr).status().message().find("--clients"), absl::string_view::npos);
  o = Workload(1, "sideways");
  EXPECT_NE(RunDemo(o, nullptr).status().message().find("unknown schedule strategy 'sideways'"),
            absl::string_view::npos);
  o = Workload(1, "fifo");
  o.replay_schedule = "s1.nope";
  EXPECT_FALSE(RunDemo(o, nullptr).ok());
  o = Workload(1, "fifo");
  o.trace_path = "/nonexistent-dir/x.w2t";
  EXPECT_FALSE(RunDemo(o, nullptr).ok());
}

}  // namespace
}  // namespace ws2sim::scenarios
