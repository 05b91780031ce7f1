// Every bundled scenario (scenarios/examples) runs and passes, and a run is a pure function of
// (scenario, seed): the same seed gives the same trace bytes, a replayed schedule the same run.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "gtest/gtest.h"
#include "scenarios/scenario_loader.h"
#include "scenarios/scenario_run.h"
#include "sim/trace/dump.h"
#include "sim/trace/reader.h"

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

// Every file of scenarios/examples, in name order.
std::vector<std::string> ExampleNames() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(kExamples)) {
    if (entry.path().extension() == ".textproto") names.push_back(entry.path().filename());
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(BundledScenarios, EveryOnePasses) {
  const std::vector<std::string> names = ExampleNames();
  EXPECT_GE(names.size(), 5u);
  for (const std::string& name : names) {
    RunReport r = RunExample(name);
    EXPECT_TRUE(r.ok()) << name << ":\n" << FormatReport(r, name);
  }
}

// The lines of the trace dump of a run of `name`.
std::vector<std::string> DumpOf(const std::string& name) {
  const std::string path = testing::TempDir() + "/" + name + ".w2t";
  RunReport r = RunExample(name, {.trace_path = path});
  EXPECT_TRUE(r.ok()) << FormatReport(r, name);
  trace::ReadResult t = trace::ReadTraceFile(path);
  EXPECT_TRUE(t.status.ok()) << t.status;
  std::vector<std::string> lines;
  for (const trace::TraceRecord& rec : t.trace.records) lines.push_back(trace::DumpRecord(t.trace, rec));
  std::remove(path.c_str());
  return lines;
}

size_t CountContaining(const std::vector<std::string>& lines, const std::string& text) {
  return static_cast<size_t>(std::count_if(lines.begin(), lines.end(), [&](const std::string& l) {
    return l.find(text) != std::string::npos;
  }));
}

TEST(BundledScenarios, EventSelectServerLivesThroughWouldBlockAndFdWrite) {
  const std::vector<std::string> lines = DumpOf("event_select_echo.textproto");
  // Full send buffers (WSAEWOULDBLOCK = 10035), each later announced by an FD_WRITE that the
  // provider records and signals through WPUSetEvent.
  EXPECT_GT(CountContaining(lines, "api server/events/main send return"), 0u);
  EXPECT_GT(CountContaining(lines, "error=10035"), 10u);
  EXPECT_GT(CountContaining(lines, "upcall engine WPUSetEvent enter"), 10u);
  EXPECT_EQ(CountContaining(lines, "process server/events exit pid="), 1u);
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

TEST(BundledScenarios, EveryCrossingIsInTheTraceNestedAsTheCallsAre) {
  const std::string path = testing::TempDir() + "/crossings.w2t";
  RunReport r = RunExample("echo_clean.textproto", {.trace_path = path});
  ASSERT_TRUE(r.ok());
  trace::ReadResult t = trace::ReadTraceFile(path);
  ASSERT_TRUE(t.status.ok()) << t.status;
  // The lines of the server's first socket() call, in order.
  std::vector<std::string> lines;
  for (const trace::TraceRecord& rec : t.trace.records) {
    if (rec.record.has_call() || rec.record.has_process() || rec.record.has_packet()) {
      std::string line = trace::DumpRecord(t.trace, rec);
      lines.push_back(line.substr(line.find(' ') + 1));  // without the sequence number
    }
  }
  auto at = [&](const std::string& text) {
    return std::find(lines.begin(), lines.end(), text) - lines.begin();
  };
  const auto api_enter = at("0 api server/echo/main socket enter args=2,1,6");
  const auto spi_enter = at("0 spi server/echo/main WSPSocket enter");
  const auto upcall = at("0 upcall server/echo/main WPUCreateSocketHandle enter");
  const auto spi_return = at("0 spi server/echo/main WSPSocket return socket=0x100 result=0");
  const auto api_return = at("0 api server/echo/main socket return result=256");  // 0x100;
  ASSERT_LT(api_return, static_cast<long>(lines.size()));
  EXPECT_LT(api_enter, spi_enter);
  EXPECT_LT(spi_enter, upcall);
  EXPECT_LT(upcall, spi_return);
  EXPECT_LT(spi_return, api_return);
  EXPECT_LT(at("0 process server/echo start pid=4096 \"echo_server 7 1\""),
            static_cast<long>(lines.size()));
  bool packet = false, exit = false;
  for (const std::string& l : lines) {
    packet |= l.find(" packet \"wire client->server\" sent ") != std::string::npos;
    exit |= l.find(" process client/echo exit pid=") != std::string::npos;
  }
  EXPECT_TRUE(packet);
  EXPECT_TRUE(exit);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace ws2sim::scenarios
