// Simulated processes (DESIGN.md section 7): a guest program instance running on a host, with its
// threads as fibers, its own console capture and exit code.
//
// Invariants:
//  - Process ids come from one counter per run: 0x1000, 0x1004, ... never reused (D-92 style).
//  - A process ends when its main thread returns from main() or any of its threads calls exit():
//    its other threads are terminated (unwound) and the exit code is kept.
//  - Console output is kept per process and echoed line by line as "<host>/<name>: <line>"
//    (stderr lines as "<host>/<name>! <line>") to the echo stream, if any.
#ifndef WS2SIM_MODEL_PROCESS_H_
#define WS2SIM_MODEL_PROCESS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/status/statusor.h"
#include "model/guest_program.h"
#include "sim/scheduler.h"

namespace ws2sim::model {

struct ProcessSpec {
  std::string host;
  std::string name;
  std::string program;              // for reports; the module is given to Start
  std::vector<std::string> args;    // argv[1..]
  sim::Duration start_at = sim::Duration::Zero();
};

class Process {
 public:
  uint32_t pid() const { return pid_; }
  const ProcessSpec& spec() const { return spec_; }
  // "<host>/<name>": how reports and fiber names refer to it.
  const std::string& label() const { return label_; }
  const std::optional<int>& exit_code() const { return exit_code_; }
  bool running() const { return started_ && !exit_code_.has_value(); }
  // Everything the process wrote to stdout and stderr, in order.
  const std::string& output() const { return output_; }
  const std::vector<sim::FiberId>& threads() const { return threads_; }
  sim::LaneId lane() const { return lane_; }

 private:
  friend class ProcessTable;
  uint32_t pid_ = 0;
  ProcessSpec spec_;
  std::string label_;
  sim::LaneId lane_ = 0;
  std::unique_ptr<GuestInstance> instance_;
  std::vector<sim::FiberId> threads_;
  bool started_ = false;
  std::optional<int> exit_code_;
  std::string output_;
  std::string partial_line_[3];  // per stream, until its newline
};

class ProcessTable {
 public:
  // `echo` receives prefixed output lines when non-null. Installs itself as the guest output sink
  // for its lifetime (one table per run).
  ProcessTable(sim::Scheduler& scheduler, std::ostream* echo);
  ~ProcessTable();
  ProcessTable(const ProcessTable&) = delete;
  ProcessTable& operator=(const ProcessTable&) = delete;

  // Creates the process and schedules its main thread at Now() + spec.start_at. Errors: the
  // program cannot be instantiated (the loader's message, naming the module).
  absl::StatusOr<Process*> Start(ProcessSpec spec, const GuestProgram& program);

  // The process the running fiber belongs to; null in an event callback or a foreign fiber.
  Process* Current();
  Process* Find(uint32_t pid);
  // Every process, in start order.
  std::vector<Process*> All();

  // Ends `process` with `code` (exit() from one of its threads): records the code and terminates
  // its other threads. Idempotent: the first code stays.
  void Exit(Process& process, int code);

 private:
  static void OnOutput(void* context, int stream, absl::string_view bytes);
  void Output(Process& p, int stream, absl::string_view bytes);
  void RunMain(Process& p);

  sim::Scheduler& scheduler_;
  std::ostream* echo_;
  uint32_t next_pid_ = 0x1000;
  std::vector<std::unique_ptr<Process>> processes_;
  absl::btree_map<sim::FiberId, Process*> by_fiber_;
};

}  // namespace ws2sim::model

#endif  // WS2SIM_MODEL_PROCESS_H_
