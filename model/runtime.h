// model::Runtime: everything the emulated Windows side of one run holds (DESIGN.md sections 1, 7):
// the machines (one per host), their processes and threads, kernel objects, each process's
// Winsock DLL, the installed provider DLLs and the names the resolver knows.
//
// The guest-facing C functions (api_*.cc) find it through Runtime::Active(): one runtime is
// active at a time, from construction to destruction (one run is one OS thread).
//
// A process that ends (returns from main, exit()) gets its DLL's final cleanup, as Windows does
// (D-14): its providers' WSPCleanup and an empty handle table. Not at teardown: fibers unwound
// when the run is over do not end their processes in it.
#ifndef WS2SIM_MODEL_RUNTIME_H_
#define WS2SIM_MODEL_RUNTIME_H_

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/status/statusor.h"
#include "model/kernel_objects.h"
#include "model/process.h"
#include "model/process_heaps.h"
#include "model/provider_directory.h"
#include "model/windows_ui.h"
#include "model/winsock_dll.h"
#include "sim/scheduler.h"

namespace ws2sim::model {

class Runtime {
 public:
  // `echo` receives the processes' output lines (may be null).
  Runtime(sim::Scheduler& scheduler, std::ostream* echo);
  // Unwinds every fiber first (they run guest code and hold pointers into the runtime).
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // The runtime serving API calls now; null when none exists.
  static Runtime* Active();

  sim::Scheduler& scheduler() { return scheduler_; }
  ProcessTable& processes() { return processes_; }
  KernelObjects& kernel() { return kernel_; }
  ProviderDirectory& providers() { return providers_; }
  WindowModel& windows() { return windows_; }
  ProcessHeaps& heaps() { return heaps_; }

  Machine& AddMachine(std::string name, sim::net::Host* net_host);
  Machine* FindMachine(absl::string_view name);

  // Starts a guest (or native) process on machine spec.host. Errors: unknown machine
  // (InvalidArgument naming it); the program's load errors.
  absl::StatusOr<Process*> Start(ProcessSpec spec, const GuestProgram& program);
  absl::StatusOr<Process*> StartNative(
      ProcessSpec spec, absl::AnyInvocable<int(const std::vector<std::string>&)> main);

  // The process's DLL (made on first use) and its machine.
  WinsockDll& DllOf(Process& process);
  // The DLL that owns socket `s`, from any context (upcalls from network events); null if none.
  WinsockDll* DllOfSocket(SocketHandle s);
  void RegisterSocket(SocketHandle s, WinsockDll* dll) { socket_owners_[s] = dll; }
  void ForgetSocket(SocketHandle s) { socket_owners_.erase(s); }

  // Host names the resolver answers (gethostbyname, getaddrinfo), case-insensitive, each with its
  // addresses in textual form ("10.0.0.1", "fe80::1") in preference order.
  void AddName(absl::string_view name, std::vector<std::string> addresses);
  const std::vector<std::string>* Resolve(absl::string_view name) const;

 private:
  void OnProcessExit(Process& process);

  sim::Scheduler& scheduler_;
  ProcessTable processes_;
  KernelObjects kernel_;
  ProviderDirectory providers_;
  WindowModel windows_;
  ProcessHeaps heaps_;
  absl::btree_map<std::string, std::unique_ptr<Machine>> machines_;
  absl::btree_map<uint32_t, std::unique_ptr<WinsockDll>> dlls_;  // by pid
  absl::btree_map<SocketHandle, WinsockDll*> socket_owners_;
  absl::btree_map<std::string, std::vector<std::string>> names_;  // lower-case name
  Runtime* previous_active_;
};

}  // namespace ws2sim::model

#endif  // WS2SIM_MODEL_RUNTIME_H_
