#include "model/windows_ui.h"

#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "model/kernel_objects.h"
// The guest headers last: their macros rename GetMessage, PostMessage, ...
#include "model/include/windows.h"

namespace ws2sim::model {
namespace {

constexpr uint32_t kThreadMessagesOnly = 0xFFFFFFFF;  // (HWND)-1 as a filter

HWND AsHwnd(uint32_t hwnd) { return reinterpret_cast<HWND>(static_cast<uintptr_t>(hwnd)); }

}  // namespace

WindowModel::WindowModel(sim::Scheduler& scheduler, ProcessTable& processes)
    : scheduler_(scheduler), processes_(processes) {
  processes_.AddThreadExitHook([this](Thread& t) { OnThreadExit(t); });
}

uint32_t WindowModel::Now() const {
  return static_cast<uint32_t>((scheduler_.Now() - sim::VirtualTime::Zero()).ns() / 1000000);
}

WindowModel::Window* WindowModel::Live(uint32_t hwnd) {
  auto it = windows_.find(hwnd);
  return it == windows_.end() || !it->second->alive ? nullptr : it->second.get();
}

const WindowModel::Window* WindowModel::Live(uint32_t hwnd) const {
  auto it = windows_.find(hwnd);
  return it == windows_.end() || !it->second->alive ? nullptr : it->second.get();
}

uint32_t WindowModel::OwnerThread(uint32_t hwnd) const {
  const Window* w = Live(hwnd);
  return w == nullptr ? 0 : w->tid;
}

const WindowModel::WindowClass* WindowModel::FindClass(uint32_t pid, absl::string_view name,
                                                       uint16_t atom) const {
  // The predefined classes a hidden window is often made of (default procedure).
  static const WindowClass kStatic{"STATIC", 0, nullptr, 0};
  static const WindowClass kMessage{"Message", 0, nullptr, 0};
  auto per_process = classes_.find(pid);
  if (per_process != classes_.end()) {
    const std::string key = absl::AsciiStrToLower(name);
    for (const auto& [k, cls] : per_process->second) {
      if (name.empty() ? cls.atom == atom : k == key) return &cls;
    }
  }
  if (absl::EqualsIgnoreCase(name, "STATIC")) return &kStatic;
  if (absl::EqualsIgnoreCase(name, "Message")) return &kMessage;
  return nullptr;
}

uint16_t WindowModel::AddClass(Process& process, absl::string_view name, ProcAddress proc,
                               int window_extra_bytes, uint32_t* error) {
  if (name.empty() || window_extra_bytes < 0) {
    *error = kErrorInvalidParameter;
    return 0;
  }
  auto& per_process = classes_[process.pid()];
  const std::string key = absl::AsciiStrToLower(name);
  if (per_process.contains(key)) {
    *error = kErrorClassAlreadyExists;
    return 0;
  }
  const uint16_t atom = next_atom_++;
  per_process[key] = WindowClass{std::string(name), atom, proc, window_extra_bytes};
  return atom;
}

bool WindowModel::RemoveClass(Process& process, absl::string_view name, uint32_t* error) {
  auto per_process = classes_.find(process.pid());
  if (per_process == classes_.end() || per_process->second.erase(absl::AsciiStrToLower(name)) == 0) {
    *error = kErrorClassDoesNotExist;
    return false;
  }
  return true;
}

uint32_t WindowModel::Create(absl::string_view name, uint16_t atom, absl::string_view title,
                             uint32_t style, uint32_t ex_style, uint32_t parent,
                             bool message_only, void* create_param, uint32_t* error) {
  Thread* self = processes_.CurrentThread();
  const WindowClass* cls = FindClass(self->process->pid(), name, atom);
  if (cls == nullptr) {
    *error = kErrorCannotFindWndClass;
    return 0;
  }
  if (!message_only && parent != 0 && Live(parent) == nullptr) {
    *error = kErrorInvalidWindowHandle;
    return 0;
  }
  auto w = std::make_unique<Window>();
  w->hwnd = processes_.NewHandle();
  w->pid = self->process->pid();
  w->tid = self->tid;
  w->class_name = cls->name;
  w->proc = cls->proc;
  w->parent = message_only ? 0 : parent;
  w->message_only = message_only;
  w->extra.assign(static_cast<size_t>(cls->extra_bytes), 0);
  const uint32_t hwnd = w->hwnd;
  const std::string class_name = w->class_name, window_name(title);
  windows_[hwnd] = std::move(w);
  QueueOf(self->tid);  // a thread with a window has a message queue

  CREATESTRUCTA cs;
  std::memset(&cs, 0, sizeof(cs));
  cs.lpCreateParams = create_param;
  cs.hwndParent = message_only ? HWND_MESSAGE : AsHwnd(parent);
  cs.style = static_cast<LONG>(style);
  cs.dwExStyle = ex_style;
  cs.lpszName = window_name.c_str();
  cs.lpszClass = class_name.c_str();
  const LPARAM lparam = reinterpret_cast<LPARAM>(&cs);
  if (CallProcedure(hwnd, WM_NCCREATE, 0, lparam) == FALSE) {
    CallProcedure(hwnd, WM_NCDESTROY, 0, 0);
    windows_[hwnd]->alive = false;
    *error = 0;
    return 0;
  }
  if (CallProcedure(hwnd, WM_CREATE, 0, lparam) == -1) {
    uint32_t ignored = 0;
    Destroy(hwnd, &ignored);
    *error = 0;
    return 0;
  }
  return Live(hwnd) != nullptr ? hwnd : 0;  // a procedure may have destroyed it already
}

bool WindowModel::Destroy(uint32_t hwnd, uint32_t* error) {
  Window* w = Live(hwnd);
  if (w == nullptr) {
    *error = kErrorInvalidWindowHandle;
    return false;
  }
  Thread* self = processes_.CurrentThread();
  if (self == nullptr || self->tid != w->tid) {
    *error = kErrorAccessDenied;
    return false;
  }
  CallProcedure(hwnd, WM_DESTROY, 0, 0);
  CallProcedure(hwnd, WM_NCDESTROY, 0, 0);
  w->alive = false;  // Window objects are never freed during a run: w is still valid
  std::deque<WindowMessage>& posted = QueueOf(w->tid).posted;
  std::erase_if(posted, [hwnd](const WindowMessage& m) { return m.hwnd == hwnd; });
  return true;
}

WindowModel::Queue& WindowModel::QueueOf(uint32_t tid) {
  std::unique_ptr<Queue>& q = queues_[tid];
  if (q == nullptr) q = std::make_unique<Queue>();
  return *q;
}

void WindowModel::Wake(Queue& q) {
  if (q.waiting != sim::kNoFiber) scheduler_.Unpark(q.waiting);
}

void WindowModel::Enqueue(uint32_t tid, const WindowMessage& m) {
  Queue& q = QueueOf(tid);
  if (q.ended) return;  // its thread finished: nobody will read it
  q.posted.push_back(m);
  q.posted.back().time = Now();
  Wake(q);
}

bool WindowModel::Post(uint32_t hwnd, uint32_t message, uint64_t wparam, int64_t lparam,
                       uint32_t* error) {
  if (hwnd == 0) {  // a thread message to the caller
    Thread* self = processes_.CurrentThread();
    if (self == nullptr) {
      *error = kErrorInvalidWindowHandle;
      return false;
    }
    Enqueue(self->tid, WindowMessage{0, message, wparam, lparam, 0});
    return true;
  }
  const Window* w = Live(hwnd);
  if (w == nullptr) {
    *error = kErrorInvalidWindowHandle;
    return false;
  }
  Enqueue(w->tid, WindowMessage{hwnd, message, wparam, lparam, 0});
  return true;
}

bool WindowModel::PostToThread(uint32_t tid, uint32_t message, uint64_t wparam, int64_t lparam,
                               uint32_t* error) {
  Thread* t = processes_.FindThread(tid);
  if (t == nullptr || t->finished) {
    *error = kErrorInvalidParameter;
    return false;
  }
  Enqueue(tid, WindowMessage{0, message, wparam, lparam, 0});
  return true;
}

void WindowModel::PostQuit(int code) {
  Queue& q = QueueOf(processes_.CurrentThread()->tid);
  q.quit = true;
  q.quit_code = code;
}

int64_t WindowModel::Send(uint32_t hwnd, uint32_t message, uint64_t wparam, int64_t lparam,
                          bool* ok, uint32_t* error) {
  const Window* w = Live(hwnd);
  if (w == nullptr) {
    *ok = false;
    *error = kErrorInvalidWindowHandle;
    return 0;
  }
  *ok = true;
  Thread* self = processes_.CurrentThread();
  if (w->tid == self->tid) return CallProcedure(hwnd, message, wparam, lparam);
  auto sent = std::make_shared<SentMessage>();
  sent->message = WindowMessage{hwnd, message, wparam, lparam, Now()};
  sent->sender = self->fiber;
  Queue& target = QueueOf(w->tid);
  target.sent.push_back(sent);
  Wake(target);
  Queue& mine = QueueOf(self->tid);
  while (!sent->done) {
    if (HandleSent(mine)) continue;  // answer sends to this thread meanwhile (no deadlock)
    mine.waiting = self->fiber;
    scheduler_.Park(absl::StrFormat("SendMessage to window 0x%x", hwnd));
    mine.waiting = sim::kNoFiber;
  }
  return sent->result;
}

bool WindowModel::HandleSent(Queue& q) {
  bool any = false;
  while (!q.sent.empty()) {
    std::shared_ptr<SentMessage> s = std::move(q.sent.front());
    q.sent.pop_front();
    s->result = CallProcedure(s->message.hwnd, s->message.message, s->message.wparam,
                              s->message.lparam);
    s->done = true;
    scheduler_.Unpark(s->sender);
    any = true;
  }
  return any;
}

int WindowModel::Get(uint32_t hwnd, uint32_t min, uint32_t max, bool remove, bool wait,
                     WindowMessage* out, uint32_t* error) {
  if (hwnd != 0 && hwnd != kThreadMessagesOnly && Live(hwnd) == nullptr) {
    *error = kErrorInvalidWindowHandle;
    return -1;
  }
  auto matches = [&](const WindowMessage& m) {
    const bool window_ok = hwnd == 0 || (hwnd == kThreadMessagesOnly ? m.hwnd == 0 : m.hwnd == hwnd);
    const bool range_ok = (min == 0 && max == 0) || (m.message >= min && m.message <= max);
    return window_ok && range_ok;
  };
  Thread* self = processes_.CurrentThread();
  Queue& q = QueueOf(self->tid);
  for (;;) {
    HandleSent(q);
    for (auto it = q.posted.begin(); it != q.posted.end(); ++it) {
      if (!matches(*it)) continue;
      *out = *it;
      if (remove) q.posted.erase(it);
      return out->message == WM_QUIT ? 0 : 1;
    }
    if (q.quit) {  // whatever the filter (Windows retrieves WM_QUIT regardless of it)
      *out = WindowMessage{0, WM_QUIT, static_cast<uint64_t>(static_cast<int64_t>(q.quit_code)),
                           0, Now()};
      if (remove) q.quit = false;
      return 0;
    }
    if (!wait) return kNothing;
    q.waiting = self->fiber;
    scheduler_.Park("GetMessage");
    q.waiting = sim::kNoFiber;
  }
}

void WindowModel::WaitForInput() {
  Thread* self = processes_.CurrentThread();
  Queue& q = QueueOf(self->tid);
  while (!HandleSent(q) && q.posted.empty() && !q.quit) {
    q.waiting = self->fiber;
    scheduler_.Park("WaitMessage");
    q.waiting = sim::kNoFiber;
  }
}

int64_t WindowModel::Dispatch(const WindowMessage& m) {
  if (m.hwnd == 0) return 0;  // a thread message has no window procedure
  return CallProcedure(m.hwnd, m.message, m.wparam, m.lparam);
}

int64_t WindowModel::CallProcedure(uint32_t hwnd, uint32_t message, uint64_t wparam,
                                   int64_t lparam) {
  const Window* w = Live(hwnd);
  if (w == nullptr) return 0;
  if (w->proc == nullptr) return DefaultProcedure(hwnd, message, wparam, lparam);
  return reinterpret_cast<WNDPROC>(w->proc)(AsHwnd(hwnd), message, static_cast<WPARAM>(wparam),
                                            static_cast<LPARAM>(lparam));
}

int64_t WindowModel::DefaultProcedure(uint32_t hwnd, uint32_t message, uint64_t, int64_t) {
  switch (message) {
    case WM_NCCREATE:
      return TRUE;
    case WM_CLOSE: {
      uint32_t ignored = 0;
      Destroy(hwnd, &ignored);
      return 0;
    }
    default:
      return 0;
  }
}

bool WindowModel::GetLong(uint32_t hwnd, int index, int64_t* value, uint32_t* error) const {
  const Window* w = Live(hwnd);
  if (w == nullptr) {
    *error = kErrorInvalidWindowHandle;
    return false;
  }
  switch (index) {
    case GWLP_USERDATA: *value = w->user_data; return true;
    case GWLP_WNDPROC: *value = reinterpret_cast<int64_t>(w->proc); return true;
    case GWLP_ID: *value = w->id; return true;
    case GWLP_HINSTANCE: *value = kModuleHandle; return true;
    default: break;
  }
  if (index < 0 || static_cast<size_t>(index) + sizeof(int64_t) > w->extra.size()) {
    *error = kErrorInvalidIndex;
    return false;
  }
  std::memcpy(value, w->extra.data() + index, sizeof(int64_t));
  return true;
}

bool WindowModel::SetLong(uint32_t hwnd, int index, int64_t value, int64_t* previous,
                          uint32_t* error) {
  if (!GetLong(hwnd, index, previous, error)) return false;
  Window* w = Live(hwnd);
  switch (index) {
    case GWLP_USERDATA: w->user_data = value; return true;
    case GWLP_WNDPROC: w->proc = reinterpret_cast<ProcAddress>(value); return true;
    case GWLP_ID: w->id = value; return true;
    case GWLP_HINSTANCE: return true;
    default: break;
  }
  std::memcpy(w->extra.data() + index, &value, sizeof(int64_t));
  return true;
}

void WindowModel::OnThreadExit(Thread& t) {
  for (auto& [hwnd, w] : windows_) {  // by HWND: deterministic
    if (w->tid == t.tid) w->alive = false;
  }
  auto it = queues_.find(t.tid);
  if (it == queues_.end()) return;
  Queue& q = *it->second;
  q.ended = true;
  q.posted.clear();
  for (const std::shared_ptr<SentMessage>& s : q.sent) {  // unanswered sends return 0
    s->done = true;
    scheduler_.Unpark(s->sender);
  }
  q.sent.clear();
}

}  // namespace ws2sim::model
