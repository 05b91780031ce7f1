// The Win32 and C library clocks beyond GetTickCount / QueryPerformanceCounter (api_win32.cc):
// GetTickCount64, GetSystemTimeAsFileTime and the guest's time() (wrapped, cmake/Guest.cmake),
// all in virtual time (DESIGN.md section 3). Virtual time zero is 2000-01-01 00:00:00 UTC.
#include <ctime>

#include "model/api_context.h"

using ws2sim::model::ApiContext;
namespace sim = ws2sim::sim;

namespace {

// 2000-01-01 00:00:00 UTC in Unix seconds, and 1601-01-01 (FILETIME's origin) to 1970-01-01.
constexpr int64_t kEpochUnixSeconds = 946684800;
constexpr int64_t kFileTimeToUnixSeconds = 11644473600;

int64_t SinceZeroNs(ApiContext& ctx) {
  return (ctx.rt.scheduler().Now() - sim::VirtualTime::Zero()).ns();
}

}  // namespace

extern "C" {

ULONGLONG WINAPI GetTickCount64(void) {
  ApiContext ctx("GetTickCount64");
  return ctx.Return(static_cast<ULONGLONG>(SinceZeroNs(ctx) / 1000000));
}

void WINAPI GetSystemTimeAsFileTime(LPFILETIME file_time) {
  ApiContext ctx("GetSystemTimeAsFileTime");
  const uint64_t ticks =
      static_cast<uint64_t>(kEpochUnixSeconds + kFileTimeToUnixSeconds) * 10000000u +
      static_cast<uint64_t>(SinceZeroNs(ctx) / 100);
  file_time->dwLowDateTime = static_cast<DWORD>(ticks);
  file_time->dwHighDateTime = static_cast<DWORD>(ticks >> 32);
}

// The C library's time(): whole seconds of virtual time since the Unix epoch.
time_t __wrap_time(time_t* out) {
  ApiContext ctx("time");
  const time_t now = static_cast<time_t>(kEpochUnixSeconds + SinceZeroNs(ctx) / 1000000000);
  if (out != nullptr) *out = now;
  return ctx.Return(now);
}

}  // extern "C"
