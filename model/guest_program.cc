#include "model/guest_program.h"

#include <dlfcn.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace ws2sim::model {
namespace {

GuestOutputSink g_sink = nullptr;
void* g_sink_context = nullptr;

}  // namespace

void SetGuestOutputSink(GuestOutputSink sink, void* context) {
  g_sink = sink;
  g_sink_context = context;
}

void EmitGuestOutput(int stream, absl::string_view bytes) {
  if (g_sink != nullptr) {
    g_sink(g_sink_context, stream, bytes);
  } else {
    std::fwrite(bytes.data(), 1, bytes.size(), stream == 2 ? stderr : stdout);
  }
}

absl::StatusOr<GuestProgram> GuestProgram::Open(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return errno == ENOENT
               ? absl::NotFoundError(absl::StrCat(path, ": no such guest module"))
               : absl::UnavailableError(absl::StrCat(path, ": ", std::strerror(errno)));
  }
  std::stringstream bytes;
  bytes << in.rdbuf();
  std::string data = bytes.str();
  if (data.size() < 4 || data.compare(0, 4, "\x7f" "ELF") != 0) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": not an ELF shared object"));
  }
  return GuestProgram(path, std::move(data));
}

absl::StatusOr<std::unique_ptr<GuestInstance>> GuestProgram::Instantiate() const {
  const int fd = memfd_create("ws2sim-guest", MFD_CLOEXEC);
  if (fd < 0) return absl::InternalError(absl::StrCat("memfd_create: ", std::strerror(errno)));
  size_t written = 0;
  while (written < bytes_.size()) {
    const ssize_t n = write(fd, bytes_.data() + written, bytes_.size() - written);
    if (n <= 0) {
      close(fd);
      return absl::InternalError(absl::StrCat("writing a copy of ", path_, ": ", std::strerror(errno)));
    }
    written += static_cast<size_t>(n);
  }
  const std::string copy = absl::StrCat("/proc/self/fd/", fd);
  void* handle = dlopen(copy.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const std::string why = dlerror();
    close(fd);
    return absl::InternalError(absl::StrCat("loading ", path_, ": ", why));
  }
  auto instance = std::unique_ptr<GuestInstance>(new GuestInstance(handle, fd));
  if (instance->Symbol("main") == nullptr) {
    return absl::InternalError(absl::StrCat(path_, " has no main function"));
  }
  return instance;
}

GuestInstance::~GuestInstance() {
  dlclose(handle_);
  close(fd_);
}

void* GuestInstance::Symbol(const char* name) const { return dlsym(handle_, name); }

int GuestInstance::RunMain(absl::string_view program_name, const std::vector<std::string>& args) {
  using MainFn = int (*)(int, char**);
  auto main_fn = reinterpret_cast<MainFn>(Symbol("main"));
  // argv as C expects it: writable strings, a null terminator.
  std::vector<std::string> storage;
  storage.emplace_back(program_name);
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& s : storage) argv.push_back(s.data());
  argv.push_back(nullptr);
  try {
    return main_fn(static_cast<int>(storage.size()), argv.data());
  } catch (const GuestExit& e) {
    return e.code;
  }
}

}  // namespace ws2sim::model
