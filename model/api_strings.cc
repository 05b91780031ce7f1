// The KERNEL32 string functions of winbase.h: lstr* and FormatMessageA for system error codes
// (texts from model/error_text.h).
#include <algorithm>
#include <cctype>
#include <cstring>
#include <string>

#include "model/error_text.h"
#include "model/api_context.h"

using ws2sim::model::ApiContext;

namespace {

int Sign(int v) { return v < 0 ? -1 : v > 0 ? 1 : 0; }
const char* OrEmpty(const char* s) { return s == nullptr ? "" : s; }

// lstrcpyA / lstrcatA: `op` (strcpy, strcat) into dest, a null dest left alone.
LPSTR Into(const char* function, LPSTR dest, LPCSTR src, char* (*op)(char*, const char*)) {
  ApiContext ctx(function);
  if (dest != nullptr) op(dest, OrEmpty(src));
  return ctx.Return(dest);
}

}  // namespace

extern "C" {

int WINAPI lstrlenA(LPCSTR s) {
  ApiContext ctx("lstrlenA");
  return ctx.Return(static_cast<int>(std::strlen(OrEmpty(s))));
}

int WINAPI lstrlenW(LPCWSTR s) {
  ApiContext ctx("lstrlenW");
  int n = 0;
  if (s != nullptr) {
    while (s[n] != 0) ++n;
  }
  return ctx.Return(n);
}

LPSTR WINAPI lstrcpyA(LPSTR dest, LPCSTR src) { return Into("lstrcpyA", dest, src, std::strcpy); }

// Copies at most max - 1 characters and terminates (max >= 1).
LPSTR WINAPI lstrcpynA(LPSTR dest, LPCSTR src, int max) {
  ApiContext ctx("lstrcpynA", 0, {max});
  if (dest == nullptr || max <= 0) return ctx.Return(dest);
  const size_t n = std::min(std::strlen(OrEmpty(src)), static_cast<size_t>(max - 1));
  std::memcpy(dest, OrEmpty(src), n);
  dest[n] = '\0';
  return ctx.Return(dest);
}

LPSTR WINAPI lstrcatA(LPSTR dest, LPCSTR src) { return Into("lstrcatA", dest, src, std::strcat); }

int WINAPI lstrcmpA(LPCSTR a, LPCSTR b) {
  ApiContext ctx("lstrcmpA");
  return ctx.Return(Sign(std::strcmp(OrEmpty(a), OrEmpty(b))));
}

int WINAPI lstrcmpiA(LPCSTR a, LPCSTR b) {
  ApiContext ctx("lstrcmpiA");
  return ctx.Return(Sign(strcasecmp(OrEmpty(a), OrEmpty(b))));
}

DWORD WINAPI FormatMessageA(DWORD flags, LPCVOID, DWORD id, DWORD, LPSTR buffer, DWORD size,
                            va_list*) {
  ApiContext ctx("FormatMessageA", 0, {flags, id, size});
  if ((flags & FORMAT_MESSAGE_FROM_SYSTEM) == 0 ||
      (flags & (FORMAT_MESSAGE_FROM_STRING | FORMAT_MESSAGE_FROM_HMODULE)) != 0 ||
      buffer == nullptr) {
    return ctx.Fail(ERROR_INVALID_PARAMETER, DWORD{0});
  }
  const std::optional<absl::string_view> found = ws2sim::model::SystemErrorText(id);
  if (!found.has_value()) return ctx.Fail(ERROR_MR_MID_NOT_FOUND, DWORD{0});
  std::string text(*found);
  // Width 0: the text as defined, ending with its line break; FORMAT_MESSAGE_MAX_WIDTH_MASK:
  // without it. (Other widths would re-wrap lines; none of these texts is that long a line.)
  if ((flags & FORMAT_MESSAGE_MAX_WIDTH_MASK) != FORMAT_MESSAGE_MAX_WIDTH_MASK) text += "\r\n";
  const DWORD length = static_cast<DWORD>(text.size());
  if ((flags & FORMAT_MESSAGE_ALLOCATE_BUFFER) != 0) {
    uint32_t error = 0;
    auto& heaps = ctx.rt.heaps();
    char* block = static_cast<char*>(heaps.Allocate(
        ctx.process, heaps.HeapOf(ctx.process), std::max<size_t>(size, length + 1), &error));
    if (block == nullptr) return ctx.Fail(ERROR_NOT_ENOUGH_MEMORY, DWORD{0});
    std::memcpy(block, text.c_str(), length + 1);
    *reinterpret_cast<char**>(buffer) = block;  // lpBuffer is really an LPSTR* here
    return ctx.Return(length);
  }
  if (size < length + 1) return ctx.Fail(ERROR_INSUFFICIENT_BUFFER, DWORD{0});
  std::memcpy(buffer, text.c_str(), length + 1);
  return ctx.Return(length);
}

}  // extern "C"
