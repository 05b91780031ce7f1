#include "model/catalog.h"

#include <optional>

#include "absl/strings/str_cat.h"

namespace ws2sim::model {
namespace {

constexpr int32_t kAfUnspec = 0;

std::string ProvidersKey() { return absl::StrCat(kWinsock2Key, "\\Providers"); }
std::string OrderKey() { return absl::StrCat(kWinsock2Key, "\\ProviderOrder"); }

// Reads one provider's values; records why it cannot load in `error`.
class ProviderReader {
 public:
  ProviderReader(const Registry& registry, absl::string_view name)
      : registry_(registry), name_(name), key_(absl::StrCat(ProvidersKey(), "\\", name)) {}

  std::optional<std::string> Sz(absl::string_view value) {
    const RegValue* v = registry_.GetValue(key_, value);
    if (v == nullptr) return Missing(value);
    if (v->type != RegType::kSz) return WrongType(value, "REG_SZ");
    return v->sz;
  }
  std::optional<uint32_t> Dword(absl::string_view value) {
    const RegValue* v = registry_.GetValue(key_, value);
    if (v == nullptr) return Missing(value);
    if (v->type != RegType::kDword) return WrongType(value, "REG_DWORD");
    return v->dword;
  }
  const std::string& error() const { return error_; }

 private:
  std::nullopt_t Missing(absl::string_view value) {
    Fail(absl::StrCat("value ", value, " is missing"));
    return std::nullopt;
  }
  std::nullopt_t WrongType(absl::string_view value, absl::string_view type) {
    Fail(absl::StrCat("value ", value, " is not of type ", type));
    return std::nullopt;
  }
  void Fail(std::string text) {
    if (error_.empty()) error_ = std::move(text);
  }

  const Registry& registry_;
  std::string name_;
  std::string key_;
  std::string error_;
};

}  // namespace

const CatalogEntry* Catalog::Select(int32_t address_family, int32_t socket_type,
                                    int32_t protocol) const {
  if (address_family == kAfUnspec && protocol == 0) return nullptr;  // D-71
  for (const CatalogEntry& e : entries) {
    if (address_family != kAfUnspec && e.address_family != address_family) continue;
    if (e.socket_type != socket_type) continue;
    if (protocol != 0 && e.protocol != protocol) continue;
    return &e;
  }
  return nullptr;
}

const CatalogEntry* Catalog::FindById(uint32_t catalog_entry_id) const {
  for (const CatalogEntry& e : entries) {
    if (e.catalog_entry_id == catalog_entry_id) return &e;
  }
  return nullptr;
}

Catalog BuildCatalogFromRegistry(const Registry& registry) {
  Catalog catalog;
  auto message = [&](CatalogMessage::Severity severity, absl::string_view provider,
                     std::string text) {
    catalog.messages.push_back(CatalogMessage{severity, std::string(provider), std::move(text)});
  };
  using Severity = CatalogMessage::Severity;

  for (const std::string& subkey : registry.Subkeys(ProvidersKey())) {
    if (subkey.size() > kMaxProviderNameChars) {
      message(Severity::kError, subkey,
              absl::StrCat("provider name is ", subkey.size(), " characters long (at most ",
                           kMaxProviderNameChars, "); not loaded"));
    }
  }

  uint32_t next_entry_id = 1001;
  int priority = 0;
  for (const RegValue& order : registry.Values(OrderKey())) {
    const std::string& name = order.name;
    if (name.size() > kMaxProviderNameChars) continue;  // reported above, or has no subkey
    if (!registry.HasKey(absl::StrCat(ProvidersKey(), "\\", name))) {
      message(Severity::kError, name, "named in ProviderOrder but has no Providers subkey");
      continue;
    }
    ProviderReader r(registry, name);
    const std::optional<std::string> filename = r.Sz("ProviderFilename");
    const std::optional<std::string> description = r.Sz("ProviderDescription");
    const std::optional<uint32_t> domain = r.Dword("ProviderDomain");
    const std::optional<uint32_t> addr_length = r.Dword("ProviderAddrLength");
    const std::optional<uint32_t> count = r.Dword("NumSockets");
    std::vector<CatalogEntry> entries;
    for (uint32_t i = 0; count && i < *count && r.error().empty(); ++i) {
      CatalogEntry e;
      e.index = static_cast<int>(i);
      e.socket_type = static_cast<int32_t>(r.Dword(absl::StrCat("SocketType", i)).value_or(0));
      e.address_family = static_cast<int32_t>(r.Dword(absl::StrCat("AddressFamily", i)).value_or(0));
      e.protocol = static_cast<int32_t>(r.Dword(absl::StrCat("Protocol", i)).value_or(0));
      e.min_address_length =
          static_cast<int32_t>(r.Dword(absl::StrCat("MinimumAddressLength", i)).value_or(0));
      e.max_address_length =
          static_cast<int32_t>(r.Dword(absl::StrCat("MaximumAddressLength", i)).value_or(0));
      e.protocol_attributes = r.Dword(absl::StrCat("ProtocolAttributes", i)).value_or(0);
      e.socket_description = r.Sz(absl::StrCat("ProtocolSocketDescription", i)).value_or("");
      entries.push_back(std::move(e));
    }
    if (!r.error().empty()) {
      message(Severity::kError, name, absl::StrCat(r.error(), "; not loaded"));  // D-06
      continue;
    }
    // D-05: ProviderAddrLength is informational; it should equal the largest maximum length.
    int32_t largest = 0;
    for (const CatalogEntry& e : entries) largest = std::max(largest, e.max_address_length);
    if (static_cast<int32_t>(*addr_length) != largest) {
      message(Severity::kWarning, name,
              absl::StrCat("ProviderAddrLength is ", *addr_length,
                           " but the largest MaximumAddressLength is ", largest));
    }
    const uint32_t provider_id = static_cast<uint32_t>(priority + 1);
    for (CatalogEntry& e : entries) {
      e.catalog_entry_id = next_entry_id++;
      e.provider_id = provider_id;
      e.priority = priority;
      e.provider_name = name;
      e.provider_filename = *filename;
      e.provider_description = *description;
      catalog.entries.push_back(std::move(e));
    }
    (void)domain;  // ProviderDomain is informational; each entry carries its own family
    ++priority;
  }
  return catalog;
}

void InstallProviderInRegistry(Registry& registry, absl::string_view name,
                               absl::string_view filename, absl::string_view description,
                               int32_t domain, int32_t addr_length,
                               const std::vector<CatalogEntry>& entries, bool activate) {
  const std::string key = absl::StrCat(ProvidersKey(), "\\", name);
  registry.SetString(key, "ProviderFilename", filename);
  registry.SetString(key, "ProviderDescription", description);
  registry.SetDword(key, "ProviderDomain", static_cast<uint32_t>(domain));
  registry.SetDword(key, "ProviderAddrLength", static_cast<uint32_t>(addr_length));
  registry.SetDword(key, "NumSockets", static_cast<uint32_t>(entries.size()));
  for (size_t i = 0; i < entries.size(); ++i) {
    const CatalogEntry& e = entries[i];
    registry.SetDword(key, absl::StrCat("SocketType", i), static_cast<uint32_t>(e.socket_type));
    registry.SetDword(key, absl::StrCat("AddressFamily", i), static_cast<uint32_t>(e.address_family));
    registry.SetDword(key, absl::StrCat("Protocol", i), static_cast<uint32_t>(e.protocol));
    registry.SetDword(key, absl::StrCat("MinimumAddressLength", i),
                      static_cast<uint32_t>(e.min_address_length));
    registry.SetDword(key, absl::StrCat("MaximumAddressLength", i),
                      static_cast<uint32_t>(e.max_address_length));
    registry.SetDword(key, absl::StrCat("ProtocolAttributes", i), e.protocol_attributes);
    registry.SetString(key, absl::StrCat("ProtocolSocketDescription", i), e.socket_description);
  }
  if (activate) registry.SetString(OrderKey(), name, "");
}

}  // namespace ws2sim::model
