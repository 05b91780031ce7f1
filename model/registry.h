// model::Registry: a host's simulated Windows registry, holding the Winsock 2 configuration
// database the Win32 DLL reads (S1 §2.1.1; SPEC 1.6.1).
//
// Invariants (as on Windows):
//  - Key paths are '\\'-separated; key and value names compare case-insensitively and keep the
//    case they were created with.
//  - Subkeys enumerate in case-insensitive alphabetical order; values enumerate in the order they
//    were first set (ProviderOrder's priority is the order of its values).
//  - Nothing here iterates a hash map: enumeration order is a pure function of the operations.
#ifndef WS2SIM_MODEL_REGISTRY_H_
#define WS2SIM_MODEL_REGISTRY_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/strings/string_view.h"

namespace ws2sim::model {

// The DLL reads REG_SZ and REG_DWORD values; the others exist so that a catalog can hold a
// wrongly typed value (the DLL then refuses that provider).
enum class RegType { kSz, kDword, kExpandSz, kMultiSz, kBinary, kQword };

struct RegValue {
  std::string name;
  RegType type = RegType::kSz;
  std::string sz;      // kSz; the raw data of kExpandSz, kMultiSz, kBinary, kQword
  uint32_t dword = 0;  // kDword
};

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Creates the key and any missing parents. Returns false for an empty path or component.
  bool CreateKey(absl::string_view path);
  // Deletes the key and everything below it. False if it did not exist.
  bool DeleteKey(absl::string_view path);
  bool HasKey(absl::string_view path) const;

  // Sets (creating the key if needed) or replaces a value; a replaced value keeps its position.
  void SetString(absl::string_view path, absl::string_view name, absl::string_view value);
  void SetDword(absl::string_view path, absl::string_view name, uint32_t value);
  // Any other type, its data as raw bytes.
  void SetRaw(absl::string_view path, absl::string_view name, RegType type, absl::string_view data);
  bool DeleteValue(absl::string_view path, absl::string_view name);

  // Null when the key or the value does not exist.
  const RegValue* GetValue(absl::string_view path, absl::string_view name) const;
  // Subkey names (as created) in case-insensitive order; empty when the key does not exist.
  std::vector<std::string> Subkeys(absl::string_view path) const;
  // Values in the order first set; empty when the key does not exist.
  std::vector<RegValue> Values(absl::string_view path) const;

 private:
  struct Key;
  Key* Find(absl::string_view path) const;
  Key* FindOrCreate(absl::string_view path);
  void Set(absl::string_view path, RegValue value);

  std::unique_ptr<Key> root_;
};

}  // namespace ws2sim::model

#endif  // WS2SIM_MODEL_REGISTRY_H_
