#include "model/registry.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"

namespace ws2sim::model {

struct Registry::Key {
  std::string name;
  absl::btree_map<std::string, std::unique_ptr<Key>> subkeys;  // by lower-case name
  std::vector<RegValue> values;                                // in the order first set
};

namespace {

std::vector<absl::string_view> Components(absl::string_view path) {
  return absl::StrSplit(path, '\\', absl::SkipEmpty());
}

bool SameName(absl::string_view a, absl::string_view b) { return absl::EqualsIgnoreCase(a, b); }

}  // namespace

Registry::Registry() : root_(std::make_unique<Key>()) {}
Registry::~Registry() = default;

Registry::Key* Registry::Find(absl::string_view path) const {
  Key* key = root_.get();
  for (absl::string_view part : Components(path)) {
    auto it = key->subkeys.find(absl::AsciiStrToLower(part));
    if (it == key->subkeys.end()) return nullptr;
    key = it->second.get();
  }
  return key;
}

Registry::Key* Registry::FindOrCreate(absl::string_view path) {
  Key* key = root_.get();
  for (absl::string_view part : Components(path)) {
    std::unique_ptr<Key>& child = key->subkeys[absl::AsciiStrToLower(part)];
    if (child == nullptr) {
      child = std::make_unique<Key>();
      child->name = std::string(part);
    }
    key = child.get();
  }
  return key;
}

bool Registry::CreateKey(absl::string_view path) {
  if (Components(path).empty()) return false;
  FindOrCreate(path);
  return true;
}

bool Registry::DeleteKey(absl::string_view path) {
  std::vector<absl::string_view> parts = Components(path);
  if (parts.empty()) return false;
  Key* parent = root_.get();
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    auto it = parent->subkeys.find(absl::AsciiStrToLower(parts[i]));
    if (it == parent->subkeys.end()) return false;
    parent = it->second.get();
  }
  return parent->subkeys.erase(absl::AsciiStrToLower(parts.back())) == 1;
}

bool Registry::HasKey(absl::string_view path) const { return Find(path) != nullptr; }

void Registry::Set(absl::string_view path, RegValue value) {
  Key* key = FindOrCreate(path);
  for (RegValue& v : key->values) {
    if (SameName(v.name, value.name)) {
      value.name = v.name;  // keeps the case it was created with
      v = std::move(value);
      return;
    }
  }
  key->values.push_back(std::move(value));
}

void Registry::SetString(absl::string_view path, absl::string_view name, absl::string_view value) {
  Set(path, RegValue{std::string(name), RegType::kSz, std::string(value), 0});
}

void Registry::SetDword(absl::string_view path, absl::string_view name, uint32_t value) {
  Set(path, RegValue{std::string(name), RegType::kDword, "", value});
}

void Registry::SetRaw(absl::string_view path, absl::string_view name, RegType type,
                      absl::string_view data) {
  Set(path, RegValue{std::string(name), type, std::string(data), 0});
}

bool Registry::DeleteValue(absl::string_view path, absl::string_view name) {
  Key* key = Find(path);
  if (key == nullptr) return false;
  for (auto it = key->values.begin(); it != key->values.end(); ++it) {
    if (SameName(it->name, name)) {
      key->values.erase(it);
      return true;
    }
  }
  return false;
}

const RegValue* Registry::GetValue(absl::string_view path, absl::string_view name) const {
  const Key* key = Find(path);
  if (key == nullptr) return nullptr;
  for (const RegValue& v : key->values) {
    if (SameName(v.name, name)) return &v;
  }
  return nullptr;
}

std::vector<std::string> Registry::Subkeys(absl::string_view path) const {
  std::vector<std::string> names;
  if (const Key* key = Find(path)) {
    for (const auto& [lower, child] : key->subkeys) names.push_back(child->name);
  }
  return names;
}

std::vector<RegValue> Registry::Values(absl::string_view path) const {
  const Key* key = Find(path);
  return key == nullptr ? std::vector<RegValue>{} : key->values;
}

}  // namespace ws2sim::model
