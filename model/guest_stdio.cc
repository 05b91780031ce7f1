// The C library functions a guest module's references are redirected to (-Wl,--wrap=..., see
// cmake/Guest.cmake): console output is captured per process, exit() ends only the process.
// Streams other than stdout/stderr go to the real C library.
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "model/guest_program.h"

namespace ws2sim::model {
namespace {

int StreamNumber(FILE* f) { return f == stdout ? 1 : f == stderr ? 2 : 0; }

void Emit(int stream, const char* bytes, size_t n) {
  EmitGuestOutput(stream, absl::string_view(bytes, n));
}

int EmitFormatted(int stream, const char* format, va_list args) {
  va_list copy;
  va_copy(copy, args);
  char small[512];
  const int n = std::vsnprintf(small, sizeof(small), format, args);
  if (n < 0) {
    va_end(copy);
    return n;
  }
  if (static_cast<size_t>(n) < sizeof(small)) {
    Emit(stream, small, static_cast<size_t>(n));
  } else {
    std::string big(static_cast<size_t>(n) + 1, '\0');
    std::vsnprintf(big.data(), big.size(), format, copy);
    Emit(stream, big.data(), static_cast<size_t>(n));
  }
  va_end(copy);
  return n;
}

}  // namespace

}  // namespace ws2sim::model

using ws2sim::model::EmitFormatted;
using ws2sim::model::Emit;
using ws2sim::model::StreamNumber;

extern "C" {

int __wrap_printf(const char* format, ...) {
  va_list args;
  va_start(args, format);
  const int n = EmitFormatted(1, format, args);
  va_end(args);
  return n;
}

int __wrap_vprintf(const char* format, va_list args) { return EmitFormatted(1, format, args); }

int __wrap_fprintf(FILE* f, const char* format, ...) {
  va_list args;
  va_start(args, format);
  const int stream = StreamNumber(f);
  const int n = stream != 0 ? EmitFormatted(stream, format, args) : std::vfprintf(f, format, args);
  va_end(args);
  return n;
}

int __wrap_vfprintf(FILE* f, const char* format, va_list args) {
  const int stream = StreamNumber(f);
  return stream != 0 ? EmitFormatted(stream, format, args) : std::vfprintf(f, format, args);
}

int __wrap_puts(const char* s) {
  Emit(1, s, std::strlen(s));
  Emit(1, "\n", 1);
  return 1;
}

int __wrap_putchar(int c) {
  const char ch = static_cast<char>(c);
  Emit(1, &ch, 1);
  return static_cast<unsigned char>(c);
}

int __wrap_fputs(const char* s, FILE* f) {
  const int stream = StreamNumber(f);
  if (stream == 0) return std::fputs(s, f);
  Emit(stream, s, std::strlen(s));
  return 1;
}

int __wrap_fputc(int c, FILE* f) {
  const int stream = StreamNumber(f);
  if (stream == 0) return std::fputc(c, f);
  const char ch = static_cast<char>(c);
  Emit(stream, &ch, 1);
  return static_cast<unsigned char>(c);
}

int __wrap_putc(int c, FILE* f) { return __wrap_fputc(c, f); }

size_t __wrap_fwrite(const void* data, size_t size, size_t count, FILE* f) {
  const int stream = StreamNumber(f);
  if (stream == 0) return std::fwrite(data, size, count, f);
  Emit(stream, static_cast<const char*>(data), size * count);
  return count;
}

void __wrap_perror(const char* s) {
  std::string line = s != nullptr && *s != '\0' ? std::string(s) + ": " : std::string();
  line += std::strerror(errno);
  line += "\n";
  Emit(2, line.data(), line.size());
}

int __wrap_fflush(FILE* f) { return StreamNumber(f) != 0 ? 0 : std::fflush(f); }

[[noreturn]] void __wrap_exit(int code) { throw ws2sim::model::GuestExit{code}; }

}  // extern "C"
