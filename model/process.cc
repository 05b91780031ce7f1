#include "model/process.h"

#include "absl/strings/str_cat.h"

namespace ws2sim::model {

ProcessTable::ProcessTable(sim::Scheduler& scheduler, std::ostream* echo)
    : scheduler_(scheduler), echo_(echo) {
  SetGuestOutputSink(&ProcessTable::OnOutput, this);
}

ProcessTable::~ProcessTable() { SetGuestOutputSink(nullptr, nullptr); }

absl::StatusOr<Process*> ProcessTable::Start(ProcessSpec spec, const GuestProgram& program) {
  absl::StatusOr<std::unique_ptr<GuestInstance>> instance = program.Instantiate();
  if (!instance.ok()) return instance.status();
  auto p = std::make_unique<Process>();
  p->pid_ = next_pid_;
  next_pid_ += 4;
  p->label_ = absl::StrCat(spec.host, "/", spec.name);
  p->spec_ = std::move(spec);
  p->instance_ = *std::move(instance);
  p->lane_ = scheduler_.NewLane(p->label_, trace::pb::LANE_PROCESS);
  Process* raw = p.get();
  processes_.push_back(std::move(p));
  const sim::FiberId main = scheduler_.Spawn(
      absl::StrCat(raw->label_, "/main"), [this, raw] { RunMain(*raw); },
      sim::SpawnOptions{.parent = raw->lane_, .start_delay = raw->spec_.start_at});
  raw->threads_.push_back(main);
  by_fiber_[main] = raw;
  return raw;
}

void ProcessTable::RunMain(Process& p) {
  p.started_ = true;
  const int code = p.instance_->RunMain(p.spec_.program, p.spec_.args);
  Exit(p, code);
}

void ProcessTable::Exit(Process& p, int code) {
  if (p.exit_code_.has_value()) return;
  p.exit_code_ = code;
  for (int stream : {1, 2}) {
    if (!p.partial_line_[stream].empty()) Output(p, stream, "\n");  // flush an unfinished line
  }
  const sim::FiberId self = scheduler_.CurrentFiber();
  for (sim::FiberId t : p.threads_) {
    if (t != self) scheduler_.Terminate(t);
  }
}

Process* ProcessTable::Current() {
  auto it = by_fiber_.find(scheduler_.CurrentFiber());
  return it == by_fiber_.end() ? nullptr : it->second;
}

Process* ProcessTable::Find(uint32_t pid) {
  for (auto& p : processes_) {
    if (p->pid_ == pid) return p.get();
  }
  return nullptr;
}

std::vector<Process*> ProcessTable::All() {
  std::vector<Process*> all;
  for (auto& p : processes_) all.push_back(p.get());
  return all;
}

void ProcessTable::OnOutput(void* context, int stream, absl::string_view bytes) {
  auto* table = static_cast<ProcessTable*>(context);
  if (Process* p = table->Current()) {
    table->Output(*p, stream, bytes);
  } else if (table->echo_ != nullptr) {
    *table->echo_ << bytes;  // output from outside any process (a test's own guest call)
  }
}

void ProcessTable::Output(Process& p, int stream, absl::string_view bytes) {
  p.output_.append(bytes.data(), bytes.size());
  std::string& partial = p.partial_line_[stream];
  partial.append(bytes.data(), bytes.size());
  size_t start = 0;
  for (size_t nl; (nl = partial.find('\n', start)) != std::string::npos; start = nl + 1) {
    if (echo_ != nullptr) {
      *echo_ << p.label_ << (stream == 2 ? "! " : ": ")
             << absl::string_view(partial).substr(start, nl - start) << "\n";
    }
  }
  partial.erase(0, start);
}

}  // namespace ws2sim::model
