#include "scenarios/world.h"

#include "absl/strings/str_cat.h"

namespace ws2sim::scenarios {

World::World(Options options) : options_(std::move(options)) {
  scheduler_ = std::make_unique<sim::Scheduler>(
      sim::Scheduler::Options{.seed = options_.seed,
                              .strategy = std::move(options_.strategy),
                              .recorder = options_.recorder,
                              .limits = options_.limits});
  network_ = std::make_unique<sim::net::Network>(*scheduler_);
  tcpip_ = std::make_unique<providers::tcpip::TcpipProvider>(*network_, options_.seed,
                                                             options_.tcpip);
  runtime_ = std::make_unique<model::Runtime>(*scheduler_, options_.echo);
  // The run is over when its last process exits, whatever network timers (TIME_WAIT, say) are
  // still pending.
  runtime_->processes().AddProcessExitHook([this](model::Process&) {
    if (runtime_->processes().AllExited()) {
      scheduler_->RequestStop("", trace::pb::STOP_COMPLETED);
    }
  });
  runtime_->providers().Register(providers::tcpip::TcpipProvider::kFileName,
                                 providers::tcpip::TcpipProvider::StartupEntry());
}

World::~World() {
  scheduler_->UnwindFibers();  // guest code and providers' waits go first
  runtime_.reset();
  tcpip_.reset();
  network_.reset();
  scheduler_.reset();
}

std::string World::DefaultGuestsDir() { return WS2SIM_DEFAULT_GUESTS_DIR; }

void World::InstallTcpip(model::Machine& machine) {
  model::InstallProviderInRegistry(machine.registry(), "tcpip",
                                   providers::tcpip::TcpipProvider::kFileName,
                                   providers::tcpip::TcpipProvider::kDescription, /*AF_INET*/ 2,
                                   /*largest address*/ 28, TcpipCatalogEntries(),
                                   /*activate=*/true);
}

std::vector<model::CatalogEntry> World::TcpipCatalogEntries() {
  std::vector<model::CatalogEntry> entries;
  for (const providers::tcpip::ProtocolEntry& p : providers::tcpip::TcpipProvider::CatalogEntries()) {
    model::CatalogEntry e;
    e.address_family = p.address_family;
    e.socket_type = p.socket_type;
    e.protocol = p.protocol;
    e.min_address_length = p.min_address_length;
    e.max_address_length = p.max_address_length;
    e.protocol_attributes = p.attributes;
    e.socket_description = p.description;
    entries.push_back(std::move(e));
  }
  return entries;
}

absl::StatusOr<sim::net::Host*> World::AddHost(absl::string_view name) {
  absl::StatusOr<sim::net::Host*> host = network_->AddHost(name);
  if (!host.ok()) return host.status();
  InstallTcpip(runtime_->AddMachine(std::string(name), *host));
  tcpip_->StackFor(**host);  // TCP/IP belongs to the host: it answers (RST) with no process
  return host;
}

absl::StatusOr<model::Process*> World::StartProgram(absl::string_view host, absl::string_view name,
                                                    absl::string_view program,
                                                    std::vector<std::string> args,
                                                    sim::Duration start_at) {
  auto it = programs_.find(std::string(program));
  if (it == programs_.end()) {
    const std::string dir =
        options_.guests_dir.empty() ? DefaultGuestsDir() : options_.guests_dir;
    absl::StatusOr<model::GuestProgram> loaded =
        model::GuestProgram::Open(absl::StrCat(dir, "/", program, ".so"));
    if (!loaded.ok()) {
      return absl::NotFoundError(absl::StrCat("unknown program '", program, "' (",
                                              loaded.status().message(), ")"));
    }
    it = programs_.emplace(std::string(program), *std::move(loaded)).first;
  }
  return runtime_->Start(model::ProcessSpec{.host = std::string(host),
                                            .name = std::string(name),
                                            .program = std::string(program),
                                            .args = std::move(args),
                                            .start_at = start_at},
                         it->second);
}

absl::StatusOr<model::Process*> World::StartNative(
    absl::string_view host, absl::string_view name,
    absl::AnyInvocable<int(const std::vector<std::string>&)> main, sim::Duration start_at) {
  return runtime_->StartNative(model::ProcessSpec{.host = std::string(host),
                                                  .name = std::string(name),
                                                  .program = std::string(name),
                                                  .start_at = start_at},
                               std::move(main));
}

void World::RegisterNames() {
  for (sim::net::Host* host : network_->hosts()) {
    std::vector<std::string> v4, v6;
    for (const auto& interface : host->interfaces()) {
      if (interface->is_loopback()) continue;
      for (const sim::net::Prefix& p : interface->addresses()) {
        (p.address().is_v4() ? v4 : v6).push_back(p.address().ToString());
      }
    }
    v4.insert(v4.end(), v6.begin(), v6.end());
    runtime_->AddName(host->name(), std::move(v4));
  }
}

sim::RunResult World::Run() {
  RegisterNames();
  return scheduler_->Run();
}

}  // namespace ws2sim::scenarios
