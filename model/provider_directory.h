// The provider DLLs installed on the simulated machines: what LoadLibrary(ProviderFilename) +
// GetProcAddress("WSPStartup") finds (S1 §2.2; D-09). Providers are linked into ws2sim; the
// scenario or test registers each under its file name. File names compare case-insensitively.
#ifndef WS2SIM_MODEL_PROVIDER_DIRECTORY_H_
#define WS2SIM_MODEL_PROVIDER_DIRECTORY_H_

#include <string>

#include "absl/container/btree_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"

namespace ws2sim::model {

// A provider's WSPStartup, as ws2spi.h types it (LPWSPSTARTUP), kept opaque here so that this
// header does not pull in the guest headers.
using WspStartupEntry = void*;

class ProviderDirectory {
 public:
  void Register(absl::string_view filename, WspStartupEntry entry) {
    entries_[absl::AsciiStrToLower(filename)] = entry;
  }
  // Null when no provider DLL has that file name.
  WspStartupEntry Find(absl::string_view filename) const {
    auto it = entries_.find(absl::AsciiStrToLower(filename));
    return it == entries_.end() ? nullptr : it->second;
  }

 private:
  absl::btree_map<std::string, WspStartupEntry> entries_;
};

}  // namespace ws2sim::model

#endif  // WS2SIM_MODEL_PROVIDER_DIRECTORY_H_
