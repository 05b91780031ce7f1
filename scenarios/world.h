// scenarios::World: one simulated world (DESIGN.md section 1): the engine, the virtual network,
// the providers and the emulated Windows side, wired together. Tests build small worlds in code
// with it (the harness); the scenario loader's output is turned into one (scenario_world.h).
//
// Every host gets a machine whose registry holds the default catalog (the tcpip provider,
// installed and active) unless the caller writes its own, and a TCP/IP stack. A run ends when its
// last process exits (pending network timers do not keep it going). Host names resolve (gethostbyname,
// getaddrinfo) to the host's interface addresses, IPv4 first, in the order added.
// Destruction unwinds every simulated thread before the providers and the network go.
#ifndef WS2SIM_SCENARIOS_WORLD_H_
#define WS2SIM_SCENARIOS_WORLD_H_

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "model/runtime.h"
#include "providers/tcpip/tcpip_provider.h"
#include "sim/net/network.h"
#include "sim/scheduler.h"

namespace ws2sim::scenarios {

class World {
 public:
  struct Options {
    uint64_t seed = 1;
    std::unique_ptr<sim::ScheduleStrategy> strategy;  // fifo when null
    trace::Recorder* recorder = nullptr;              // not owned
    sim::RunLimits limits;
    std::ostream* echo = nullptr;                     // processes' output lines
    providers::tcpip::TcpipProvider::Options tcpip;
    std::string guests_dir;                           // where guest modules are; "" = built-in
  };

  explicit World(Options options);
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  sim::Scheduler& scheduler() { return *scheduler_; }
  sim::net::Network& network() { return *network_; }
  model::Runtime& runtime() { return *runtime_; }
  providers::tcpip::TcpipProvider& tcpip() { return *tcpip_; }

  // A host and its machine, with the default catalog in its registry.
  absl::StatusOr<sim::net::Host*> AddHost(absl::string_view name);
  // Writes the tcpip provider into `machine`'s registry, active (S1 §2.1.1).
  static void InstallTcpip(model::Machine& machine);
  // The tcpip provider's catalog entries as the registry installer takes them.
  static std::vector<model::CatalogEntry> TcpipCatalogEntries();

  // Processes. A guest program is found by name in the guests directory ("echo_server" ->
  // <dir>/echo_server.so). Errors: unknown host or program, a module that does not load.
  absl::StatusOr<model::Process*> StartProgram(absl::string_view host, absl::string_view name,
                                              absl::string_view program,
                                              std::vector<std::string> args,
                                              sim::Duration start_at = sim::Duration::Zero());
  absl::StatusOr<model::Process*> StartNative(
      absl::string_view host, absl::string_view name,
      absl::AnyInvocable<int(const std::vector<std::string>&)> main,
      sim::Duration start_at = sim::Duration::Zero());

  // Registers the host names (once the links gave them addresses) and runs.
  sim::RunResult Run();

  // The directory guest modules are built into (cmake/Guest.cmake).
  static std::string DefaultGuestsDir();

 private:
  void RegisterNames();

  Options options_;
  std::unique_ptr<sim::Scheduler> scheduler_;
  std::unique_ptr<sim::net::Network> network_;
  std::unique_ptr<providers::tcpip::TcpipProvider> tcpip_;
  std::unique_ptr<model::Runtime> runtime_;
  absl::btree_map<std::string, model::GuestProgram> programs_;  // loaded once, by name
};

}  // namespace ws2sim::scenarios

#endif  // WS2SIM_SCENARIOS_WORLD_H_
