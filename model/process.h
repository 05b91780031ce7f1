// Simulated processes and threads (DESIGN.md section 7): a guest program instance running on a
// host, with its threads as fibers, its own console capture, handles and exit code.
//
// Invariants:
//  - Process and thread ids come from one counter per run (as on Windows, one id space): 0x1000,
//    0x1004, ... never reused. Handles (sockets, events, threads) come from one counter per run:
//    0x100, 0x104, ... never reused (D-92), so a handle names one object even where no process is
//    current (a provider's upcall from a network event); each object records its owner process.
//  - A process ends when its main thread returns from main() or any of its threads calls exit():
//    the exit hooks run (the Winsock DLL's final cleanup, runtime.h), its other threads are
//    terminated (unwound) and the exit code is kept.
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

class Process;

// A simulated thread: a fiber of a process, with the per-thread state Win32 keeps.
struct Thread {
  uint32_t tid = 0;
  Process* process = nullptr;
  sim::FiberId fiber = sim::kNoFiber;
  uint32_t last_error = 0;  // GetLastError / WSAGetLastError
  bool finished = false;    // returned, or was terminated
  uint32_t exit_code = 0;
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
  // Every thread the process ever had, main thread first.
  const std::vector<Thread*>& threads() const { return threads_; }
  sim::LaneId lane() const { return lane_; }


 private:
  friend class ProcessTable;
  uint32_t pid_ = 0;
  ProcessSpec spec_;
  std::string label_;
  sim::LaneId lane_ = 0;
  std::unique_ptr<GuestInstance> instance_;
  std::vector<Thread*> threads_;
  size_t unfinished_threads_ = 0;  // threads_ whose `finished` is still false
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
  // Unwinds the scheduler's fibers first (they run guest code this table owns).
  ~ProcessTable();
  ProcessTable(const ProcessTable&) = delete;
  ProcessTable& operator=(const ProcessTable&) = delete;

  // Creates the process and schedules its main thread at Now() + spec.start_at. Errors: the
  // program cannot be instantiated (the loader's message, naming the module).
  absl::StatusOr<Process*> Start(ProcessSpec spec, const GuestProgram& program);
  // A process whose main is C++ code in ws2sim (built-in programs, tests): `main` gets argv[1..].
  Process* StartNative(ProcessSpec spec,
                       absl::AnyInvocable<int(const std::vector<std::string>&)> main);

  // Starts a new thread of `process` running `body` at Now() (CreateThread). The thread finishes
  // when `body` returns; its exit code is then `body`'s result. `stack_bytes` is its stack
  // reservation (0: sim::Fiber::DefaultStackBytes()).
  Thread* CreateThread(Process& process, absl::AnyInvocable<uint32_t()> body,
                       size_t stack_bytes = 0);

  // The thread / process the running fiber belongs to; null in an event callback or a fiber that
  // is not a simulated thread.
  Thread* CurrentThread();
  Process* Current();
  Process* Find(uint32_t pid);
  Thread* FindThread(uint32_t tid);
  // Every process, in start order.
  std::vector<Process*> All();
  // A new handle value (never reused in the run).
  uint32_t NewHandle() {
    const uint32_t h = next_handle_;
    next_handle_ += 4;
    return h;
  }

  // Ends `process` with `code` (exit() from one of its threads): records the code and terminates
  // its other threads. Idempotent: the first code stays.
  void Exit(Process& process, int code);

  // Hooks called once when a process ends (its exit code is set), in the order added.
  void AddProcessExitHook(absl::AnyInvocable<void(Process&)> hook) {
    process_exit_hooks_.push_back(std::move(hook));
  }
  // True when every process started so far has an exit code.
  bool AllExited() const;

  // Hooks called whenever a thread finishes (returns or is terminated), in the order added, e.g.
  // to signal waiters on its handle or end its windows.
  void AddThreadExitHook(absl::AnyInvocable<void(Thread&)> hook) {
    thread_exit_hooks_.push_back(std::move(hook));
  }

 private:
  static void OnOutput(void* context, int stream, absl::string_view bytes);
  void Output(Process& p, int stream, absl::string_view bytes);
  // Records the exit of `p` (its exit code is set) and runs the exit hooks.
  void Ended(Process& p);
  // A ProcessEvent record on the process's lane, when the run is traced.
  void Trace(const Process& p, trace::pb::ProcessAction action, absl::string_view text,
             int64_t code);

  // `body` returns the thread's exit code.
  Thread* AddThread(Process& p, std::string name, absl::AnyInvocable<uint32_t()> body,
                    sim::Duration start_delay, size_t stack_bytes = 0);
  Process* AddProcess(ProcessSpec spec, std::unique_ptr<GuestInstance> instance,
                      absl::AnyInvocable<int(const std::vector<std::string>&)> main);
  uint32_t NewId() {
    const uint32_t id = next_id_;
    next_id_ += 4;
    return id;
  }

  sim::Scheduler& scheduler_;
  std::ostream* echo_;
  uint32_t next_id_ = 0x1000;
  uint32_t next_handle_ = 0x100;
  std::vector<std::unique_ptr<Process>> processes_;
  std::vector<std::unique_ptr<Thread>> threads_;
  std::vector<Thread*> by_fiber_;  // indexed by sim::FiberId (dense); null: not a thread
  std::vector<absl::AnyInvocable<void(Thread&)>> thread_exit_hooks_;
  std::vector<absl::AnyInvocable<void(Process&)>> process_exit_hooks_;
};

}  // namespace ws2sim::model

#endif  // WS2SIM_MODEL_PROCESS_H_
