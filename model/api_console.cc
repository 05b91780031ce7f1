// Console output (winbase.h): the standard handles and WriteConsoleA, into the process's captured
// output like printf (model/guest_stdio.cc).
#include "model/api_context.h"
#include "model/guest_program.h"

using ws2sim::model::ApiContext;
using ws2sim::model::AsHandle;
using ws2sim::model::HandleValue;

namespace {

// Fixed pseudo handles, below the handle counter's first value (0x100): never a kernel object.
constexpr uint32_t kStdInput = 0x50, kStdOutput = 0x54, kStdError = 0x58;

}  // namespace

extern "C" {

HANDLE WINAPI GetStdHandle(DWORD which) {
  ApiContext ctx("GetStdHandle", 0, {which});
  uint32_t h = 0;
  if (which == STD_INPUT_HANDLE) h = kStdInput;
  if (which == STD_OUTPUT_HANDLE) h = kStdOutput;
  if (which == STD_ERROR_HANDLE) h = kStdError;
  if (h == 0) return ctx.Fail(ERROR_INVALID_HANDLE, INVALID_HANDLE_VALUE);
  ctx.Return(h);
  return AsHandle(h);
}

BOOL WINAPI WriteConsoleA(HANDLE console, const VOID* buffer, DWORD count, LPDWORD written,
                          LPVOID) {
  ApiContext ctx("WriteConsoleA", 0, {HandleValue(console), count});
  const uint32_t h = HandleValue(console);
  if (h != kStdOutput && h != kStdError) return ctx.Fail(ERROR_INVALID_HANDLE, FALSE);
  if (buffer == nullptr && count > 0) return ctx.Fail(ERROR_INVALID_PARAMETER, FALSE);
  ws2sim::model::EmitGuestOutput(h == kStdOutput ? 1 : 2,
                                 absl::string_view(static_cast<const char*>(buffer), count));
  if (written != nullptr) *written = count;
  return ctx.Return(TRUE);
}

}  // extern "C"
