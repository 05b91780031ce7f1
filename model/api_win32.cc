// The Win32 functions Winsock programs use (DESIGN.md section 7): last error, time, sleeping,
// threads, events, waits and critical sections, all in virtual time on the calling fiber.
#include <memory>

#include "model/api_context.h"

using ws2sim::model::ApiContext;
using ws2sim::model::AsHandle;
using ws2sim::model::HandleValue;
using ws2sim::model::WaitCode;
using ws2sim::model::WaitResult;
namespace sim = ws2sim::sim;

namespace {

sim::Duration Milliseconds(DWORD ms) {
  return ms == INFINITE ? sim::Duration::Max() : sim::Duration::Milliseconds(ms);
}

// A critical section: the owner thread, its recursion count and the threads waiting, in order.
struct CriticalSectionState {
  uint32_t owner_tid = 0;
  int recursion = 0;
  std::vector<sim::FiberId> waiters;
};

CriticalSectionState*& StateOf(LPCRITICAL_SECTION cs) {
  return *reinterpret_cast<CriticalSectionState**>(&cs->DebugInfo);
}

}  // namespace

extern "C" {

DWORD WINAPI GetLastError(void) { return ApiContext("GetLastError").thread.last_error; }
void WINAPI SetLastError(DWORD code) { ApiContext("SetLastError").thread.last_error = code; }

void WINAPI Sleep(DWORD ms) {
  ApiContext ctx("Sleep", 0, {ms});
  ctx.rt.kernel().Sleep(Milliseconds(ms), false);
}

DWORD WINAPI SleepEx(DWORD ms, BOOL alertable) {
  ApiContext ctx("SleepEx", 0, {ms, alertable});
  const WaitResult r = ctx.rt.kernel().Sleep(Milliseconds(ms), alertable != FALSE);
  return ctx.Return(r.kind == WaitResult::Kind::kIoCompletion ? WAIT_IO_COMPLETION : DWORD{0});
}

DWORD WINAPI GetTickCount(void) {
  ApiContext ctx("GetTickCount");
  return ctx.Return(
      static_cast<DWORD>((ctx.rt.scheduler().Now() - sim::VirtualTime::Zero()).ns() / 1000000));
}

// 10 MHz, as on current Windows: one tick is 100 ns of virtual time.
BOOL WINAPI QueryPerformanceFrequency(LARGE_INTEGER* frequency) {
  frequency->QuadPart = 10000000;
  return TRUE;
}

BOOL WINAPI QueryPerformanceCounter(LARGE_INTEGER* counter) {
  ApiContext ctx("QueryPerformanceCounter");
  counter->QuadPart = (ctx.rt.scheduler().Now() - sim::VirtualTime::Zero()).ns() / 100;
  return ctx.Return(TRUE);
}

DWORD WINAPI GetCurrentThreadId(void) { return ApiContext("GetCurrentThreadId").thread.tid; }

HANDLE WINAPI CreateThread(LPSECURITY_ATTRIBUTES, SIZE_T, LPTHREAD_START_ROUTINE start,
                           LPVOID param, DWORD, LPDWORD thread_id) {
  ApiContext ctx("CreateThread");
  ws2sim::model::Thread* t = ctx.rt.processes().CreateThread(
      ctx.process, [start, param] { return static_cast<uint32_t>(start(param)); });
  if (thread_id != nullptr) *thread_id = t->tid;
  const uint32_t handle = ctx.rt.kernel().ThreadHandle(ctx.process, *t);
  ctx.Return(handle);  // the handle value, deterministic (the HANDLE is a pointer type)
  return AsHandle(handle);
}

void WINAPI ExitThread(DWORD code) {
  ApiContext ctx("ExitThread", 0, {code});
  throw ws2sim::model::GuestThreadExit{code};
}

DWORD WINAPI WaitForSingleObjectEx(HANDLE h, DWORD ms, BOOL alertable) {
  const uint32_t handle = HandleValue(h);
  ApiContext ctx("WaitForSingleObjectEx", 0, {handle, ms, alertable});
  return ctx.Return(
      WaitCode(ctx, ctx.rt.kernel().Wait({&handle, 1}, false, Milliseconds(ms), alertable != FALSE)));
}

DWORD WINAPI WaitForSingleObject(HANDLE h, DWORD ms) { return WaitForSingleObjectEx(h, ms, FALSE); }

DWORD WINAPI WaitForMultipleObjectsEx(DWORD count, const HANDLE* handles, BOOL wait_all, DWORD ms,
                                      BOOL alertable) {
  ApiContext ctx("WaitForMultipleObjectsEx", 0, {count, wait_all, ms, alertable});
  std::vector<uint32_t> values;
  for (DWORD i = 0; i < count; ++i) values.push_back(HandleValue(handles[i]));
  return ctx.Return(WaitCode(ctx, ctx.rt.kernel().Wait(values, wait_all != FALSE,
                                                       Milliseconds(ms), alertable != FALSE)));
}

DWORD WINAPI WaitForMultipleObjects(DWORD count, const HANDLE* handles, BOOL wait_all, DWORD ms) {
  return WaitForMultipleObjectsEx(count, handles, wait_all, ms, FALSE);
}

BOOL WINAPI CloseHandle(HANDLE h) {
  ApiContext ctx("CloseHandle", 0, {HandleValue(h)});
  uint32_t error = 0;
  if (!ctx.rt.kernel().CloseHandle(ctx.process, HandleValue(h), &error)) {
    return ctx.Fail(static_cast<int>(error), FALSE);
  }
  return ctx.Return(TRUE);
}

HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES, BOOL manual_reset, BOOL initial_state, LPCSTR) {
  ApiContext ctx("CreateEventA", 0, {manual_reset, initial_state});
  const uint32_t handle =
      ctx.rt.kernel().CreateEventObject(ctx.process, manual_reset != FALSE, initial_state != FALSE);
  ctx.Return(handle);
  return AsHandle(handle);
}

HANDLE WINAPI CreateEventW(LPSECURITY_ATTRIBUTES attributes, BOOL manual_reset,
                           BOOL initial_state, LPCWSTR) {
  return CreateEventA(attributes, manual_reset, initial_state, nullptr);
}

BOOL WINAPI SetEvent(HANDLE h) {
  ApiContext ctx("SetEvent", 0, {HandleValue(h)});
  uint32_t error = 0;
  if (!ctx.rt.kernel().SetEvent(ctx.process, HandleValue(h), &error)) {
    return ctx.Fail(static_cast<int>(error), FALSE);
  }
  return ctx.Return(TRUE);
}

BOOL WINAPI ResetEvent(HANDLE h) {
  ApiContext ctx("ResetEvent", 0, {HandleValue(h)});
  uint32_t error = 0;
  if (!ctx.rt.kernel().ResetEvent(ctx.process, HandleValue(h), &error)) {
    return ctx.Fail(static_cast<int>(error), FALSE);
  }
  return ctx.Return(TRUE);
}

void WINAPI InitializeCriticalSection(LPCRITICAL_SECTION cs) {
  std::memset(cs, 0, sizeof(*cs));
  StateOf(cs) = new CriticalSectionState();
}

void WINAPI DeleteCriticalSection(LPCRITICAL_SECTION cs) {
  delete StateOf(cs);
  StateOf(cs) = nullptr;
}

void WINAPI EnterCriticalSection(LPCRITICAL_SECTION cs) {
  ApiContext ctx("EnterCriticalSection");
  CriticalSectionState* state = StateOf(cs);
  while (state->owner_tid != 0 && state->owner_tid != ctx.thread.tid) {
    state->waiters.push_back(ctx.thread.fiber);
    ctx.rt.scheduler().Park("EnterCriticalSection");
  }
  state->owner_tid = ctx.thread.tid;
  ++state->recursion;
}

void WINAPI LeaveCriticalSection(LPCRITICAL_SECTION cs) {
  ApiContext ctx("LeaveCriticalSection");
  CriticalSectionState* state = StateOf(cs);
  if (state->owner_tid != ctx.thread.tid || --state->recursion > 0) return;
  state->owner_tid = 0;
  if (!state->waiters.empty()) {  // the longest waiter goes next
    const sim::FiberId next = state->waiters.front();
    state->waiters.erase(state->waiters.begin());
    ctx.rt.scheduler().Unpark(next);
  }
}

}  // extern "C"
