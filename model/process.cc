#include "model/process.h"

#include "absl/strings/str_cat.h"

namespace ws2sim::model {

ProcessTable::ProcessTable(sim::Scheduler& scheduler, std::ostream* echo)
    : scheduler_(scheduler), echo_(echo) {
  SetGuestOutputSink(&ProcessTable::OnOutput, this);
}

ProcessTable::~ProcessTable() {
  scheduler_.UnwindFibers();
  SetGuestOutputSink(nullptr, nullptr);
}

absl::StatusOr<Process*> ProcessTable::Start(ProcessSpec spec, const GuestProgram& program) {
  absl::StatusOr<std::unique_ptr<GuestInstance>> instance = program.Instantiate();
  if (!instance.ok()) return instance.status();
  GuestInstance* guest = instance->get();
  const std::string name = spec.program;
  return AddProcess(std::move(spec), *std::move(instance),
                    [guest, name](const std::vector<std::string>& args) {
                      return guest->RunMain(name, args);
                    });
}

Process* ProcessTable::StartNative(ProcessSpec spec,
                                   absl::AnyInvocable<int(const std::vector<std::string>&)> main) {
  return AddProcess(std::move(spec), nullptr, std::move(main));
}

Process* ProcessTable::AddProcess(ProcessSpec spec, std::unique_ptr<GuestInstance> instance,
                                  absl::AnyInvocable<int(const std::vector<std::string>&)> main) {
  auto p = std::make_unique<Process>();
  p->pid_ = NewId();
  p->label_ = absl::StrCat(spec.host, "/", spec.name);
  p->spec_ = std::move(spec);
  p->instance_ = std::move(instance);
  p->lane_ = scheduler_.NewLane(p->label_, trace::pb::LANE_PROCESS);
  Process* raw = p.get();
  processes_.push_back(std::move(p));
  std::string command_line = raw->spec_.program;
  for (const std::string& a : raw->spec_.args) absl::StrAppend(&command_line, " ", a);
  Trace(*raw, trace::pb::PROCESS_START, command_line, 0);
  AddThread(
      *raw, "main",
      [this, raw, main = std::move(main)]() mutable {
        const int code = main(raw->spec_.args);
        Exit(*raw, code);
        return static_cast<uint32_t>(code);
      },
      raw->spec_.start_at);
  return raw;
}

Thread* ProcessTable::AddThread(Process& p, std::string name, absl::AnyInvocable<uint32_t()> body,
                                sim::Duration start_delay, size_t stack_bytes) {
  auto t = std::make_unique<Thread>();
  t->tid = NewId();
  t->process = &p;
  Thread* raw = t.get();
  threads_.push_back(std::move(t));
  auto run = [this, raw, body = std::move(body)]() mutable {
    raw->process->started_ = true;
    // Marks the thread finished however it ends: returning, or unwinding when terminated.
    struct Finish {
      ProcessTable* table;
      Thread* thread;
      ~Finish() {
        thread->finished = true;
        Process& p = *thread->process;
        // The last thread to end ends the process (a main thread that called ExitThread).
        const bool all_finished = --p.unfinished_threads_ == 0;
        if (all_finished && !p.exit_code_.has_value()) {
          p.exit_code_ = static_cast<int>(thread->exit_code);
          table->Ended(p);
        }
        for (auto& hook : table->thread_exit_hooks_) hook(*thread);
      }
    } finish{this, raw};
    try {
      raw->exit_code = body();
    } catch (const GuestExit& e) {  // exit() on a thread other than main ends the process too
      raw->exit_code = static_cast<uint32_t>(e.code);
      Exit(*raw->process, e.code);
    } catch (const GuestThreadExit& e) {  // ExitThread: only this thread ends
      raw->exit_code = e.code;
    }
  };
  raw->fiber = scheduler_.Spawn(absl::StrCat(p.label_, "/", name), std::move(run),
                                sim::SpawnOptions{.stack_bytes = stack_bytes,
                                                  .parent = p.lane_,
                                                  .start_delay = start_delay});
  p.threads_.push_back(raw);
  ++p.unfinished_threads_;
  if (by_fiber_.size() <= raw->fiber) by_fiber_.resize(raw->fiber + 1, nullptr);
  by_fiber_[raw->fiber] = raw;
  return raw;
}

Thread* ProcessTable::CreateThread(Process& process, absl::AnyInvocable<uint32_t()> body,
                                   size_t stack_bytes) {
  return AddThread(process, absl::StrCat("thread-", process.threads_.size()), std::move(body),
                   sim::Duration::Zero(), stack_bytes);
}

bool ProcessTable::AllExited() const {
  for (const auto& p : processes_) {
    if (!p->exit_code_.has_value()) return false;
  }
  return true;
}

void ProcessTable::Exit(Process& p, int code) {
  if (p.exit_code_.has_value()) return;
  p.exit_code_ = code;
  Ended(p);
  for (int stream : {1, 2}) {
    if (!p.partial_line_[stream].empty()) Output(p, stream, "\n");  // flush an unfinished line
  }
  const sim::FiberId self = scheduler_.CurrentFiber();
  for (Thread* t : p.threads_) {
    if (t->fiber != self) scheduler_.Terminate(t->fiber);
  }
}

void ProcessTable::Ended(Process& p) {
  Trace(p, trace::pb::PROCESS_EXIT, "", *p.exit_code_);
  for (auto& hook : process_exit_hooks_) hook(p);
}

Thread* ProcessTable::CurrentThread() {
  const sim::FiberId fiber = scheduler_.CurrentFiber();
  return fiber < by_fiber_.size() ? by_fiber_[fiber] : nullptr;
}

Process* ProcessTable::Current() {
  Thread* t = CurrentThread();
  return t == nullptr ? nullptr : t->process;
}

Thread* ProcessTable::FindThread(uint32_t tid) {
  for (auto& t : threads_) {
    if (t->tid == tid) return t.get();
  }
  return nullptr;
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
    Trace(p, trace::pb::PROCESS_OUTPUT, absl::string_view(partial).substr(start, nl - start),
          stream);
    if (echo_ != nullptr) {
      *echo_ << p.label_ << (stream == 2 ? "! " : ": ")
             << absl::string_view(partial).substr(start, nl - start) << "\n";
    }
  }
  partial.erase(0, start);
}

}  // namespace ws2sim::model

namespace ws2sim::model {

void ProcessTable::Trace(const Process& p, trace::pb::ProcessAction action,
                         absl::string_view text, int64_t code) {
  trace::Recorder* rec = scheduler_.recorder();
  if (rec == nullptr) return;
  rec->Process(scheduler_.Now(), p.lane_, action, text.empty() ? 0 : rec->Intern(text), code,
               p.pid_);
}

}  // namespace ws2sim::model
