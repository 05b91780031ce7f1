// Guest programs: ordinary Winsock C/C++ programs built as shared modules by ws2sim_add_guest()
// (cmake/Guest.cmake) and run as simulated processes (DESIGN.md section 7).
//
// Each Instantiate() loads a fresh copy of the module (from an anonymous in-memory file), so
// several instances of one program keep separate globals. Modules are linked with -Bsymbolic (their
// own functions are never interposed by ws2sim's) and with the C library's console and exit
// functions wrapped (guest_stdio.cc), so output is captured per process and exit() ends only the
// calling process.
#ifndef WS2SIM_MODEL_GUEST_PROGRAM_H_
#define WS2SIM_MODEL_GUEST_PROGRAM_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ws2sim::model {

// Thrown by the guest's exit() (and by ExitProcess): unwinds the guest's stack (guests are compiled
// with -fexceptions) to GuestInstance::RunMain, which returns `code`.
struct GuestExit {
  int code;
};

// Thrown by ExitThread: unwinds the calling thread's stack; the thread ends with `code`.
struct GuestThreadExit {
  uint32_t code;
};

class GuestInstance {
 public:
  ~GuestInstance();  // unloads this copy
  GuestInstance(const GuestInstance&) = delete;
  GuestInstance& operator=(const GuestInstance&) = delete;

  // Calls the copy's main(argc, argv) with argv[0] = program name followed by `args`; returns
  // main's return value or the code passed to exit(). Runs on the calling fiber.
  int RunMain(absl::string_view program_name, const std::vector<std::string>& args);
  // Address of a symbol of this copy (tests use it to look at a global); null when absent.
  void* Symbol(const char* name) const;

 private:
  friend class GuestProgram;
  GuestInstance(void* handle, int fd) : handle_(handle), fd_(fd) {}
  void* handle_;
  int fd_;  // the in-memory file stays open while loaded: its /proc path keeps the copy distinct
};

class GuestProgram {
 public:
  // Reads the module at `path`. Errors: NotFound / Unavailable naming the path; InvalidArgument
  // when it is not an ELF shared object.
  static absl::StatusOr<GuestProgram> Open(const std::string& path);

  // Loads a new copy. Errors: InternalError with the dynamic loader's message (for example an
  // unresolved Winsock function the simulator does not implement), or when it has no main.
  absl::StatusOr<std::unique_ptr<GuestInstance>> Instantiate() const;

  const std::string& path() const { return path_; }

 private:
  GuestProgram(std::string path, std::string bytes) : path_(std::move(path)), bytes_(std::move(bytes)) {}
  std::string path_;
  std::string bytes_;
};

// Where captured guest output goes: installed by whoever runs guests (the process runtime, tests).
// `stream` is 1 for stdout and 2 for stderr. Without a sink, output goes to the real stream.
using GuestOutputSink = void (*)(void* context, int stream, absl::string_view bytes);
void SetGuestOutputSink(GuestOutputSink sink, void* context);
// Hands guest output to the sink (guest_stdio.cc calls it).
void EmitGuestOutput(int stream, absl::string_view bytes);

}  // namespace ws2sim::model

#endif  // WS2SIM_MODEL_GUEST_PROGRAM_H_
