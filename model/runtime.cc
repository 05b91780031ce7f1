#include "model/runtime.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace ws2sim::model {
namespace {
Runtime* g_active = nullptr;
}  // namespace

Runtime::Runtime(sim::Scheduler& scheduler, std::ostream* echo)
    : scheduler_(scheduler),
      processes_(scheduler, echo),
      kernel_(scheduler, processes_),
      windows_(scheduler, processes_),
      heaps_(processes_),
      previous_active_(g_active) {
  g_active = this;
  processes_.AddProcessExitHook([this](Process& p) { OnProcessExit(p); });
}

void Runtime::OnProcessExit(Process& process) {
  if (scheduler_.tearing_down()) return;
  auto it = dlls_.find(process.pid());
  if (it != dlls_.end()) it->second->ProcessExit();
}

Runtime::~Runtime() {
  scheduler_.UnwindFibers();
  g_active = previous_active_;
}

Runtime* Runtime::Active() { return g_active; }

Machine& Runtime::AddMachine(std::string name, sim::net::Host* net_host) {
  auto machine = std::make_unique<Machine>(name, net_host);
  Machine& ref = *machine;
  machines_[absl::AsciiStrToLower(name)] = std::move(machine);
  return ref;
}

Machine* Runtime::FindMachine(absl::string_view name) {
  auto it = machines_.find(absl::AsciiStrToLower(name));
  return it == machines_.end() ? nullptr : it->second.get();
}

absl::StatusOr<Process*> Runtime::Start(ProcessSpec spec, const GuestProgram& program) {
  if (FindMachine(spec.host) == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("no machine named '", spec.host, "'"));
  }
  return processes_.Start(std::move(spec), program);
}

absl::StatusOr<Process*> Runtime::StartNative(
    ProcessSpec spec, absl::AnyInvocable<int(const std::vector<std::string>&)> main) {
  if (FindMachine(spec.host) == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("no machine named '", spec.host, "'"));
  }
  return processes_.StartNative(std::move(spec), std::move(main));
}

WinsockDll& Runtime::DllOf(Process& process) {
  std::unique_ptr<WinsockDll>& dll = dlls_[process.pid()];
  if (dll == nullptr) {
    dll = std::make_unique<WinsockDll>(*this, process, *FindMachine(process.spec().host));
  }
  return *dll;
}

WinsockDll* Runtime::DllOfSocket(SocketHandle s) {
  auto it = socket_owners_.find(s);
  return it == socket_owners_.end() ? nullptr : it->second;
}

void Runtime::AddName(absl::string_view name, std::vector<std::string> addresses) {
  names_[absl::AsciiStrToLower(name)] = std::move(addresses);
}

const std::vector<std::string>* Runtime::Resolve(absl::string_view name) const {
  auto it = names_.find(absl::AsciiStrToLower(name));
  return it == names_.end() ? nullptr : &it->second;
}

}  // namespace ws2sim::model
