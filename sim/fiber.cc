#include "sim/fiber.h"

#include "sim/stack_switch.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#if defined(__SANITIZE_ADDRESS__)
#define WS2SIM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WS2SIM_ASAN 1
#endif
#endif
#ifdef WS2SIM_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

namespace ws2sim::sim {
namespace {

// Below every stack: large enough that a frame up to 64 KiB cannot jump over it (and the build
// adds -fstack-clash-protection, which probes every page of larger frames).
constexpr size_t kGuardBytes = 64 * 1024;

thread_local Fiber* t_current = nullptr;

size_t RoundUpToPage(size_t n) {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return (n + page - 1) / page * page;
}

[[noreturn]] void Fatal(const char* what, const std::string& name) {
  std::fprintf(stderr, "ws2sim: fiber '%s': %s\n", name.c_str(), what);
  std::abort();
}

}  // namespace

// The fcontext entry point needs the private parts.
struct Fiber::Access {
  [[noreturn]] static void Entry(void* data) {
    Fiber* self = static_cast<Fiber*>(data);
#ifdef WS2SIM_ASAN
    __sanitizer_finish_switch_fiber(nullptr, &self->asan_caller_bottom_, &self->asan_caller_size_);
#endif
    try {
      self->body_();
    } catch (const FiberUnwind&) {
      // Torn down while blocked: the stack has unwound, which is all that was wanted.
    } catch (...) {
      self->escaped_ = std::current_exception();
    }
    self->body_ = nullptr;  // captured state dies here, on the fiber's own stack
    self->finished_ = true;
#ifdef WS2SIM_ASAN
    __sanitizer_start_switch_fiber(nullptr, self->asan_caller_bottom_, self->asan_caller_size_);
#endif
    void* unused;
    SwitchStack(&unused, self->caller_, nullptr);
    __builtin_unreachable();
  }
};

size_t Fiber::DefaultStackBytes() {
#ifdef WS2SIM_ASAN
  return 1024 * 1024;
#else
  return 256 * 1024;
#endif
}

Fiber::Fiber(std::string name, size_t stack_bytes, absl::AnyInvocable<void()> body)
    : name_(std::move(name)), body_(std::move(body)) {
  InstallStackGuard();
  stack_bytes_ = RoundUpToPage(stack_bytes == 0 ? DefaultStackBytes() : stack_bytes);
  mapping_bytes_ = kGuardBytes + stack_bytes_;
  mapping_ = mmap(nullptr, mapping_bytes_, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
  if (mapping_ == MAP_FAILED) Fatal(std::strerror(errno), name_);
  if (mprotect(mapping_, kGuardBytes, PROT_NONE) != 0) Fatal(std::strerror(errno), name_);
  stack_lo_ = static_cast<char*>(mapping_) + kGuardBytes;
  context_ = PrepareStack(stack_lo_, stack_bytes_, &Access::Entry);
  running_stack_ = {name_.c_str(), static_cast<const char*>(mapping_), stack_lo_,
                    stack_lo_ + stack_bytes_, stack_bytes_};
}

Fiber::~Fiber() {
  if (started_ && !finished_) Fatal("destroyed while suspended (it must finish first)", name_);
  UnmapStack();
}

void Fiber::UnmapStack() {
  if (mapping_ == nullptr) return;
#ifdef WS2SIM_ASAN
  // The frames that never returned (the entry's) leave poisoned shadow behind; a later mapping at
  // this address must not inherit it.
  __asan_unpoison_memory_region(mapping_, mapping_bytes_);
#endif
  munmap(mapping_, mapping_bytes_);
  mapping_ = nullptr;
}

Fiber* Fiber::Current() { return t_current; }

void Fiber::Resume() {
  if (t_current != nullptr) Fatal("resumed from inside another fiber", name_);
  if (finished_) Fatal("resumed after it finished", name_);
  started_ = true;
  t_current = this;
#ifdef WS2SIM_ASAN
  void* caller_fake_stack = nullptr;
  __sanitizer_start_switch_fiber(&caller_fake_stack, stack_lo_, stack_bytes_);
#endif
  SwitchStack(&caller_, context_, this);
#ifdef WS2SIM_ASAN
  __sanitizer_finish_switch_fiber(caller_fake_stack, nullptr, nullptr);
#endif
  t_current = nullptr;
  if (finished_) UnmapStack();  // nothing runs on it any more
  if (escaped_) {
    std::exception_ptr e = escaped_;
    escaped_ = nullptr;
    std::rethrow_exception(e);
  }
}

void Fiber::Suspend() {
  if (t_current != this) Fatal("Suspend called from outside the fiber", name_);
#ifdef WS2SIM_ASAN
  __sanitizer_start_switch_fiber(&asan_fake_stack_, asan_caller_bottom_, asan_caller_size_);
#endif
  SwitchStack(&context_, caller_, nullptr);
#ifdef WS2SIM_ASAN
  __sanitizer_finish_switch_fiber(asan_fake_stack_, &asan_caller_bottom_, &asan_caller_size_);
#endif
}

}  // namespace ws2sim::sim
