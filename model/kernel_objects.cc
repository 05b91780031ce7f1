#include "model/kernel_objects.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace ws2sim::model {
namespace {

constexpr size_t kMaximumWaitObjects = 64;

}  // namespace

KernelObjects::KernelObjects(sim::Scheduler& scheduler, ProcessTable& processes)
    : scheduler_(scheduler), processes_(processes) {
  processes_.AddThreadExitHook([this](Thread& t) {
    auto it = thread_handles_.find(t.tid);
    if (it == thread_handles_.end()) return;
    for (const std::shared_ptr<Object>& o : it->second) {
      o->signaled = true;
      WakeWaiters(*o);
    }
  });
}

uint32_t KernelObjects::CreateEventObject(Process& process, bool manual_reset, bool initially_signaled) {
  const uint32_t handle = processes_.NewHandle();
  auto o = std::make_shared<Object>();
  o->kind = Object::Kind::kEvent;
  o->owner_pid = process.pid();
  o->manual_reset = manual_reset;
  o->signaled = initially_signaled;
  objects_[handle] = std::move(o);
  return handle;
}

uint32_t KernelObjects::ThreadHandle(Process& process, Thread& thread) {
  const uint32_t handle = processes_.NewHandle();
  auto o = std::make_shared<Object>();
  o->kind = Object::Kind::kThread;
  o->owner_pid = process.pid();
  o->thread = &thread;
  o->signaled = thread.finished;
  thread_handles_[thread.tid].push_back(o);
  objects_[handle] = std::move(o);
  return handle;
}

KernelObjects::Object* KernelObjects::Find(Process& process, uint32_t handle) {
  auto it = objects_.find(handle);
  if (it == objects_.end() || it->second->owner_pid != process.pid()) return nullptr;
  return it->second.get();
}

bool KernelObjects::SetEvent(Process& process, uint32_t handle, uint32_t* error) {
  Object* o = Find(process, handle);
  if (o == nullptr || o->kind != Object::Kind::kEvent) {
    *error = kErrorInvalidHandle;
    return false;
  }
  o->signaled = true;
  WakeWaiters(*o);
  return true;
}

bool KernelObjects::ResetEvent(Process& process, uint32_t handle, uint32_t* error) {
  Object* o = Find(process, handle);
  if (o == nullptr || o->kind != Object::Kind::kEvent) {
    *error = kErrorInvalidHandle;
    return false;
  }
  o->signaled = false;
  return true;
}

bool KernelObjects::SignalFromProvider(uint32_t handle, bool set, uint32_t* error) {
  auto it = objects_.find(handle);
  if (it == objects_.end() || it->second->kind != Object::Kind::kEvent) {
    *error = kErrorInvalidHandle;
    return false;
  }
  it->second->signaled = set;
  if (set) WakeWaiters(*it->second);
  return true;
}

bool KernelObjects::CloseHandle(Process& process, uint32_t handle, uint32_t* error) {
  auto it = objects_.find(handle);
  if (it == objects_.end() || it->second->owner_pid != process.pid()) {
    *error = kErrorInvalidHandle;
    return false;
  }
  objects_.erase(it);  // a thread's list keeps the object alive until the thread ends; harmless
  return true;
}

void KernelObjects::WakeWaiters(Object& o) {
  for (sim::FiberId f : o.waiters) scheduler_.Unpark(f);
}

bool KernelObjects::RunApcs(Thread& thread) {
  PerThread& pt = per_thread_[thread.tid];
  bool ran = false;
  while (!pt.apcs.empty()) {
    absl::AnyInvocable<void()> apc = std::move(pt.apcs.front());
    pt.apcs.pop_front();
    apc();
    ran = true;
  }
  return ran;
}

bool KernelObjects::QueueApc(Thread& thread, absl::AnyInvocable<void()> apc) {
  if (thread.finished) return false;
  PerThread& pt = per_thread_[thread.tid];
  pt.apcs.push_back(std::move(apc));
  if (pt.in_alertable_wait) scheduler_.Unpark(thread.fiber);
  return true;
}

WaitResult KernelObjects::Wait(absl::Span<const uint32_t> handles, bool wait_all,
                               sim::Duration timeout, bool alertable) {
  Thread* self = processes_.CurrentThread();
  if (self == nullptr) return {WaitResult::Kind::kFailed, 0, kErrorInvalidParameter};
  if (handles.empty() || handles.size() > kMaximumWaitObjects) {
    return {WaitResult::Kind::kFailed, 0, kErrorInvalidParameter};
  }
  // Shared references: another thread may close a handle while this one waits on it.
  std::vector<std::shared_ptr<Object>> objects;
  for (uint32_t h : handles) {
    if (Find(*self->process, h) == nullptr) {
      return {WaitResult::Kind::kFailed, 0, kErrorInvalidHandle};
    }
    objects.push_back(objects_[h]);
  }
  const sim::VirtualTime deadline =
      timeout == sim::Duration::Max() ? sim::VirtualTime::Max() : scheduler_.Now() + timeout;
  PerThread& pt = per_thread_[self->tid];
  for (;;) {
    if (alertable && RunApcs(*self)) return {WaitResult::Kind::kIoCompletion, 0, 0};
    if (wait_all) {
      if (std::all_of(objects.begin(), objects.end(), [](const auto& o) { return o->signaled; })) {
        for (const auto& o : objects) {
          if (o->kind == Object::Kind::kEvent && !o->manual_reset) o->signaled = false;
        }
        return {WaitResult::Kind::kSignaled, 0, 0};
      }
    } else {
      for (size_t i = 0; i < objects.size(); ++i) {
        if (!objects[i]->signaled) continue;
        if (objects[i]->kind == Object::Kind::kEvent && !objects[i]->manual_reset) {
          objects[i]->signaled = false;
        }
        return {WaitResult::Kind::kSignaled, static_cast<uint32_t>(i), 0};
      }
    }
    if (scheduler_.Now() >= deadline) return {WaitResult::Kind::kTimeout, 0, 0};
    for (const auto& o : objects) o->waiters.push_back(self->fiber);
    pt.in_alertable_wait = alertable;
    scheduler_.Park(absl::StrCat(wait_all ? "WaitForMultipleObjects(all of "
                                          : "WaitForMultipleObjects(any of ",
                                 handles.size(), ")"),
                    deadline);
    pt.in_alertable_wait = false;
    for (const auto& o : objects) {
      o->waiters.erase(std::find(o->waiters.begin(), o->waiters.end(), self->fiber));
    }
    // Woken or timed out: look again (a signal and the deadline can fall at the same instant).
  }
}

WaitResult KernelObjects::Sleep(sim::Duration duration, bool alertable) {
  Thread* self = processes_.CurrentThread();
  if (self == nullptr) return {WaitResult::Kind::kFailed, 0, kErrorInvalidParameter};
  PerThread& pt = per_thread_[self->tid];
  const sim::VirtualTime deadline =
      duration == sim::Duration::Max() ? sim::VirtualTime::Max() : scheduler_.Now() + duration;
  for (;;) {
    if (alertable && RunApcs(*self)) return {WaitResult::Kind::kIoCompletion, 0, 0};
    if (scheduler_.Now() >= deadline) return {WaitResult::Kind::kTimeout, 0, 0};
    pt.in_alertable_wait = alertable;
    scheduler_.Park(alertable ? "SleepEx(alertable)" : "Sleep", deadline);
    pt.in_alertable_wait = false;
  }
}

}  // namespace ws2sim::model
