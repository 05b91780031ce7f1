#include "sim/stack_guard.h"

#include "sim/fiber.h"

#include <signal.h>
#include <ucontext.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>

namespace ws2sim::sim {
namespace {

char g_context[1024];
constexpr int kFaultSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE};
struct sigaction g_previous[NSIG];
std::atomic<const char*> g_last_api_call{nullptr};
alignas(16) thread_local char t_alt_stack[64 * 1024];

void WriteAll(const char* s, size_t n) {
  while (n > 0) {
    const ssize_t w = write(STDERR_FILENO, s, n);
    if (w <= 0) return;
    s += w;
    n -= static_cast<size_t>(w);
  }
}
void WriteStr(const char* s) { WriteAll(s, std::strlen(s)); }
void WriteNum(size_t n) {
  char digits[24];
  int i = sizeof(digits);
  do {
    digits[--i] = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n != 0);
  WriteAll(digits + i, sizeof(digits) - i);
}

const char* StackPointer(void* ucontext) {
  const auto* uc = static_cast<const ucontext_t*>(ucontext);
#if defined(__x86_64__)
  return reinterpret_cast<const char*>(uc->uc_mcontext.gregs[REG_RSP]);
#elif defined(__aarch64__)
  return reinterpret_cast<const char*>(uc->uc_mcontext.sp);
#else
  (void)uc;
  return nullptr;
#endif
}

const char* SignalName(int sig) {
  switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGILL: return "SIGILL";
    case SIGFPE: return "SIGFPE";
  }
  return "signal";
}

void WriteHex(uintptr_t v) {
  char digits[2 + 16];
  digits[0] = '0';
  digits[1] = 'x';
  for (int i = 0; i < 16; ++i) digits[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 15];
  WriteAll(digits, sizeof(digits));
}

void OnFault(int sig, siginfo_t* info, void* ucontext) {
  const Fiber* fiber = Fiber::Current();
  if (fiber == nullptr) {
    // Not in simulated code: hand the fault to whoever handled it before; it repeats on return.
    sigaction(sig, &g_previous[sig], nullptr);
    return;
  }
  const RunningStack* r = &fiber->running_stack();
  const char* addr = static_cast<const char*>(info->si_addr);
  const char* sp = StackPointer(ucontext);
  const bool in_guard = addr >= r->guard_lo && addr < r->stack_lo;
  const bool sp_below = sp != nullptr && sp < r->stack_lo;
  int exit_code;
  if (sig == SIGSEGV && (in_guard || sp_below)) {
    WriteStr("ws2sim: stack overflow in fiber '");
    WriteStr(r->name);
    WriteStr("' (stack ");
    WriteNum(r->stack_bytes);
    WriteStr(" bytes); give it a larger stack\n");
    exit_code = kStackOverflowExitCode;
  } else {
    WriteStr("ws2sim: crash (");
    WriteStr(SignalName(sig));
    WriteStr(" at address ");
    WriteHex(reinterpret_cast<uintptr_t>(addr));
    WriteStr(") in fiber '");
    WriteStr(r->name);
    WriteStr("'\n");
    exit_code = kFiberCrashExitCode;
  }
  if (const char* call = g_last_api_call.load(std::memory_order_relaxed)) {
    WriteStr("ws2sim: last API call: ");
    WriteStr(call);
    WriteStr("\n");
  }
  if (g_context[0] != '\0') {
    WriteStr("ws2sim: reproduce with: ");
    WriteStr(g_context);
    WriteStr("\n");
  }
  _exit(exit_code);
}

}  // namespace

void InstallStackGuard() {
  thread_local bool alt_stack_set = false;
  if (!alt_stack_set) {
    alt_stack_set = true;
    stack_t ss{};
    ss.ss_sp = t_alt_stack;
    ss.ss_size = sizeof(t_alt_stack);
    sigaltstack(&ss, nullptr);
  }
  static const bool installed = [] {
    struct sigaction sa {};
    sa.sa_sigaction = &OnFault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    for (int sig : kFaultSignals) sigaction(sig, &sa, &g_previous[sig]);
    return true;
  }();
  (void)installed;
}

void SetLastApiCall(const char* text) { g_last_api_call.store(text, std::memory_order_relaxed); }

void SetCrashContext(absl::string_view text) {
  const size_t n = std::min(text.size(), sizeof(g_context) - 1);
  std::memcpy(g_context, text.data(), n);
  g_context[n] = '\0';
}

}  // namespace ws2sim::sim
