// Runs a loaded scenario (DESIGN.md section 1): builds its World (hosts, links, routes, faults,
// scheduled link changes, catalogs, processes), runs it, and reports what happened. This is
// `ws2sim run`.
//
// A run passes when it completed (no deadlock, no limit, no failed check) and every process
// exited with its expected exit code (0 when the scenario names none).
#ifndef WS2SIM_SCENARIOS_SCENARIO_RUN_H_
#define WS2SIM_SCENARIOS_SCENARIO_RUN_H_

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "scenarios/scenario_loader.h"
#include "sim/scheduler.h"

namespace ws2sim::scenarios {

struct RunOptions {
  std::optional<uint64_t> seed;  // overrides the scenario's (default 1)
  std::string strategy = "fifo";
  std::string replay_schedule;   // a schedule id to follow exactly; it carries the seed
  std::string trace_path;        // "" = no trace
  std::ostream* echo = nullptr;  // the processes' output lines
  std::string guests_dir;        // "" = where the build puts them
  std::optional<int> somaxconn;  // overrides the scenario's tcpip.somaxconn (default 5, D-59)
  // The command that started the run: a crash report prints it with the seed and strategy used.
  std::string command_line;
};

struct ProcessReport {
  std::string host;
  std::string name;
  std::string program;
  std::optional<int> exit_code;  // none: still running when the run stopped
  int expected_exit_code = 0;
  bool ok() const { return exit_code.has_value() && *exit_code == expected_exit_code; }
};

struct LinkReport {
  std::string link;
  std::string from_host;
  std::string to_host;
  uint64_t packets_sent = 0;
  uint64_t bytes_sent = 0;
  uint64_t packets_delivered = 0;
  uint64_t packets_dropped = 0;
};

struct RunReport {
  std::string scenario;
  uint64_t seed = 0;
  sim::RunResult run;
  std::vector<ProcessReport> processes;
  std::vector<LinkReport> links;
  uint64_t trace_records = 0;
  uint64_t trace_bytes = 0;
  bool ok() const;
};

// Errors: the scenario asks for what this build cannot do (the Win16 profile, netem correlation,
// a fault on payload presence), a program that cannot be loaded, the trace file.
absl::StatusOr<RunReport> RunScenario(const Scenario& scenario, RunOptions options);

// The summary `ws2sim run` prints: outcome, virtual time, events, per-link traffic, exit codes,
// and the command that replays the run.
std::string FormatReport(const RunReport& report, absl::string_view scenario_path);

}  // namespace ws2sim::scenarios

#endif  // WS2SIM_SCENARIOS_SCENARIO_RUN_H_
