#include "scenarios/cli.h"

#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "scenarios/demo.h"
#include "scenarios/scenario_loader.h"
#include "scenarios/scenario_run.h"
#include "sim/build_id.h"
#include "sim/stack_guard.h"
#include "sim/trace/dump.h"
#include "sim/trace/reader.h"

ABSL_FLAG(uint64_t, seed, 1, "run seed: every random draw of the run derives from it");
ABSL_FLAG(std::string, strategy, "fifo", "schedule strategy at choice points: fifo or random");
ABSL_FLAG(std::string, schedule, "", "replay this schedule id exactly (it carries the seed)");
ABSL_FLAG(std::string, trace, "", "write the run's trace (.w2t) to this file");
ABSL_FLAG(bool, quiet, false, "print only the summary");
ABSL_FLAG(int, somaxconn, 0, "run: the tcpip provider's listen backlog limit (D-59); 0: the "
          "scenario's tcpip.somaxconn, else 5");
ABSL_FLAG(int, clients, 4, "demo: number of client threads");
ABSL_FLAG(int, requests, 5, "demo: requests per client");
ABSL_FLAG(double, loss, 0.05, "demo: probability that a message is lost, per direction");
ABSL_FLAG(uint64_t, max_events, 0, "stop after this many events (0: no limit)");
ABSL_FLAG(int64_t, max_virtual_ms, 0, "stop at this virtual time in milliseconds (0: no limit)");
ABSL_FLAG(double, max_wall_seconds, 0, "stop after this many wall-clock seconds (0: no limit)");

namespace ws2sim::scenarios {
namespace {

constexpr char kUsage[] =
    "usage:\n"
    "  ws2sim demo [--seed=N] [--strategy=fifo|random] [--schedule=ID] [--trace=FILE]\n"
    "              [--clients=N] [--requests=N] [--loss=P] [--quiet]\n"
    "              [--max_events=N] [--max_virtual_ms=N] [--max_wall_seconds=S]\n"
    "  ws2sim run SCENARIO [--seed=N] [--strategy=fifo|random] [--schedule=ID] [--trace=FILE]\n"
    "             [--quiet] [--somaxconn=N]\n"
    "  ws2sim trace dump FILE\n"
    "  ws2sim version\n";

std::string StopName(trace::pb::StopReason r) {
  std::string name = trace::pb::StopReason_Name(r);
  return name.rfind("STOP_", 0) == 0 ? absl::AsciiStrToLower(name.substr(5)) : name;
}

int Demo(std::ostream& out, std::ostream& err, const std::string& command_line) {
  DemoOptions o;
  o.seed = absl::GetFlag(FLAGS_seed);
  o.strategy = absl::GetFlag(FLAGS_strategy);
  o.replay_schedule = absl::GetFlag(FLAGS_schedule);
  o.trace_path = absl::GetFlag(FLAGS_trace);
  o.clients = absl::GetFlag(FLAGS_clients);
  o.requests = absl::GetFlag(FLAGS_requests);
  o.loss = absl::GetFlag(FLAGS_loss);
  o.limits.max_events = absl::GetFlag(FLAGS_max_events);
  if (int64_t ms = absl::GetFlag(FLAGS_max_virtual_ms); ms > 0) {
    o.limits.max_virtual_time = sim::VirtualTime::Zero() + sim::Duration::Milliseconds(ms);
  }
  o.limits.max_wall_seconds = absl::GetFlag(FLAGS_max_wall_seconds);
  sim::SetCrashContext(command_line);

  const bool quiet = absl::GetFlag(FLAGS_quiet);
  absl::StatusOr<DemoResult> r = RunDemo(o, quiet ? nullptr : &out);
  if (!r.ok()) {
    err << "ws2sim demo: " << r.status().message() << "\n";
    return r.status().code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
  }
  const sim::RunResult& run = r->run;
  out << absl::StrFormat(
      "demo: %s at virtual time %s after %d events\n"
      "  messages: %d sent, %d lost, %d retransmissions, %d replies\n",
      StopName(run.reason), run.end_time.ToString(), run.events, r->messages_sent,
      r->messages_lost, r->retransmissions, r->replies_received);
  if (!o.trace_path.empty()) {
    out << absl::StrFormat("  trace: %s (%d records, %d bytes)\n", o.trace_path, r->trace_records,
                           r->trace_bytes);
  }
  out << "  schedule: " << run.schedule_id << "\n";
  if (!run.message.empty()) out << "  " << run.message << "\n";
  out << "  replay with: ws2sim demo --schedule=" << run.schedule_id
      << absl::StrFormat(" --clients=%d --requests=%d --loss=%g", o.clients, o.requests, o.loss)
      << "\n";
  return run.ok() ? 0 : 1;
}

int Run(const std::string& path, std::ostream& out, std::ostream& err,
        const std::string& command_line) {
  absl::StatusOr<Scenario> scenario = LoadScenarioFile(path);
  if (!scenario.ok()) {
    err << scenario.status().message() << "\n";
    return 2;
  }
  RunOptions options;
  options.command_line = command_line;
  if (absl::GetFlag(FLAGS_seed) != 1 || !scenario->seed()) options.seed = absl::GetFlag(FLAGS_seed);
  options.strategy = absl::GetFlag(FLAGS_strategy);
  options.replay_schedule = absl::GetFlag(FLAGS_schedule);
  options.trace_path = absl::GetFlag(FLAGS_trace);
  options.echo = absl::GetFlag(FLAGS_quiet) ? nullptr : &out;
  if (absl::GetFlag(FLAGS_somaxconn) > 0) options.somaxconn = absl::GetFlag(FLAGS_somaxconn);
  absl::StatusOr<RunReport> report = RunScenario(*scenario, std::move(options));
  if (!report.ok()) {
    err << "ws2sim run: " << report.status().message() << "\n";
    return report.status().code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
  }
  out << FormatReport(*report, path);
  return report->ok() ? 0 : 1;
}

int TraceDump(const std::vector<char*>& args, std::ostream& out, std::ostream& err) {
  if (args.size() != 4) {
    err << kUsage;
    return 2;
  }
  trace::ReadResult r = trace::ReadTraceFile(args[3]);
  out << trace::DumpTrace(r.trace);
  if (!r.status.ok()) {
    err << "ws2sim trace dump: " << r.status.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

int RunCli(int argc, char** argv, std::ostream& out, std::ostream& err) {
  absl::SetProgramUsageMessage(kUsage);
  std::string command_line;
  for (int i = 0; i < argc; ++i) absl::StrAppend(&command_line, i ? " " : "", argv[i]);
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() < 2) {
    err << kUsage;
    return 2;
  }
  const std::string command = args[1];
  if (command == "demo" && args.size() == 2) return Demo(out, err, command_line);
  if (command == "run" && args.size() == 3) return Run(args[2], out, err, command_line);
  if (command == "trace" && args.size() >= 3 && std::string(args[2]) == "dump") {
    return TraceDump(args, out, err);
  }
  if (command == "version" && args.size() == 2) {
    out << BuildId() << "\n";
    return 0;
  }
  err << "ws2sim: unknown command '" << command_line << "'\n" << kUsage;
  return 2;
}

}  // namespace ws2sim::scenarios
