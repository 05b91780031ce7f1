// Validation of a host's Winsock catalog (scenario.proto, message Catalog; SPEC 1.6.1, 1.6.2).
#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "scenarios/loader_internal.h"

namespace ws2sim::scenarios::internal {
namespace {

constexpr size_t kMaxProviderName = 32;  // S1 §2.1.1, §2.1.2
constexpr size_t kMaxKeyName = 255;      // Windows registry limits
constexpr size_t kMaxValueName = 16383;
constexpr int64_t kMaxSockets = 256;
constexpr int64_t kMaxProviders = 256;

// The values the DLL reads from a provider's key or section (SPEC 1.6.1).
constexpr const char* kStringValues[] = {"ProviderFilename", "ProviderDescription"};
constexpr const char* kNumberValues[] = {"ProviderDomain", "ProviderAddrLength", "NumSockets"};
struct Indexed {
  const char* prefix;
  bool number;
};
constexpr Indexed kIndexedValues[] = {
    {"SocketType", true},
    {"AddressFamily", true},
    {"Protocol", true},
    {"MinimumAddressLength", true},
    {"MaximumAddressLength", true},
    {"ProtocolAttributes", true},
    {"ProtocolSocketDescription", false},
};

// One configuration value of a provider as the checks see it, from the registry or the INI.
struct Item {
  std::string name;
  bool is_string;  // registry: REG_SZ; INI: anything
  bool is_number;  // registry: REG_DWORD; INI: decimal or 0x hex that fits 32 bits
  uint32_t number;
  std::string type;  // registry: "REG_SZ (sz)", ...; INI: the value text
  Node node;         // the value (registry) or entry (INI) message
};

std::string RegType(const pb::RegistryValue& v) {
  switch (v.data_case()) {
    case pb::RegistryValue::kSz:
      return "REG_SZ (sz)";
    case pb::RegistryValue::kDword:
      return "REG_DWORD (dword)";
    case pb::RegistryValue::kExpandSz:
      return "REG_EXPAND_SZ (expand_sz)";
    case pb::RegistryValue::kMultiSz:
      return "REG_MULTI_SZ (multi_sz)";
    case pb::RegistryValue::kBinary:
      return "REG_BINARY (binary)";
    case pb::RegistryValue::kQword:
      return "REG_QWORD (qword)";
    case pb::RegistryValue::DATA_NOT_SET:
      break;
  }
  return "no data";
}

std::optional<uint32_t> IniNumber(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  int base = 10;
  if (absl::StartsWithIgnoreCase(text, "0x")) {
    base = 16;
    text.remove_prefix(2);
  }
  if (text.empty() || text.size() > 10) return std::nullopt;
  uint64_t v = 0;
  for (char c : text) {
    int d;
    if (absl::ascii_isdigit(c)) {
      d = c - '0';
    } else if (base == 16 && absl::ascii_isxdigit(c)) {
      d = absl::ascii_tolower(c) - 'a' + 10;
    } else {
      return std::nullopt;
    }
    v = v * base + d;
  }
  if (v > UINT32_MAX) return std::nullopt;
  return static_cast<uint32_t>(v);
}

// "novlwp" for '"novlwp"'; the text itself when it is not quoted.
std::string IniString(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    text = text.substr(1, text.size() - 2);
  }
  return std::string(text);
}

// "SocketType12" -> ("SocketType", 12) for the indexed names; nullopt for any other name.
std::optional<std::pair<const Indexed*, int64_t>> SplitIndexed(absl::string_view name) {
  for (const Indexed& x : kIndexedValues) {
    if (!absl::StartsWithIgnoreCase(name, x.prefix)) continue;
    absl::string_view digits = name.substr(std::char_traits<char>::length(x.prefix));
    if (digits.empty() || digits.size() > 9 || (digits.size() > 1 && digits[0] == '0')) continue;
    int64_t index = 0;
    bool ok = true;
    for (char c : digits) {
      if (!absl::ascii_isdigit(c)) ok = false;
      index = index * 10 + (c - '0');
    }
    if (ok) return std::make_pair(&x, index);
  }
  return std::nullopt;
}

// The Winsock rules of a provider's key (registry) or section (INI).
void CheckProvider(const Node& container, absl::string_view provider,
                   const std::vector<Item>& items, bool ini) {
  absl::flat_hash_map<std::string, const Item*> by_name;
  for (const Item& item : items) by_name.emplace(Fold(item.name), &item);
  auto get = [&](absl::string_view name) -> const Item* {
    auto it = by_name.find(Fold(name));
    return it == by_name.end() ? nullptr : it->second;
  };
  auto wrong_type = [&](const Item& item, bool want_number) {
    if (ini) {
      item.node.Error("value", absl::StrCat(Quote(item.type), " is not a number (", item.name,
                                            " is a DWORD: write decimal or 0x hex)"));
    } else {
      item.node.ErrorHere(absl::StrCat(item.name, " must be a ",
                                       want_number ? "REG_DWORD (dword)" : "REG_SZ (sz)",
                                       ", not a ", item.type));
    }
  };
  const std::string what = absl::StrCat("provider ", Quote(provider));
  std::vector<std::string> missing;
  for (const char* name : kStringValues) {
    const Item* item = get(name);
    if (item == nullptr) {
      missing.push_back(name);
    } else if (!item->is_string) {
      wrong_type(*item, false);
    }
  }
  int64_t num_sockets = -1;
  for (const char* name : kNumberValues) {
    const Item* item = get(name);
    if (item == nullptr) {
      missing.push_back(name);
    } else if (!item->is_number) {
      wrong_type(*item, true);
    } else if (std::string(name) == "NumSockets") {
      if (item->number > kMaxSockets) {
        item->node.ErrorHere(
            absl::StrCat("NumSockets ", item->number, " is out of range [0, ", kMaxSockets, "]"));
      } else {
        num_sockets = item->number;
      }
    }
  }
  if (!missing.empty()) {
    container.ErrorHere(absl::StrCat(what, " has no ", absl::StrJoin(missing, ", ")));
  }
  if (num_sockets < 0) return;
  for (int64_t i = 0; i < num_sockets; ++i) {
    std::vector<std::string> lacking;
    for (const Indexed& x : kIndexedValues) {
      const std::string name = absl::StrCat(x.prefix, i);
      const Item* item = get(name);
      if (item == nullptr) {
        lacking.push_back(name);
      } else if (x.number && !item->is_number) {
        wrong_type(*item, true);
      } else if (!x.number && !item->is_string) {
        wrong_type(*item, false);
      }
    }
    if (!lacking.empty()) {
      container.ErrorHere(absl::StrCat(what, " has no ", absl::StrJoin(lacking, ", "),
                                       " (NumSockets is ", num_sockets, ")"));
    }
  }
  for (const Item& item : items) {
    if (auto indexed = SplitIndexed(item.name); indexed && indexed->second >= num_sockets) {
      item.node.ErrorHere(absl::StrCat(item.name, " is beyond NumSockets (", num_sockets,
                                       num_sockets == 0
                                           ? "): there are no indexed values"
                                           : absl::StrCat("): indexes run 0..", num_sockets - 1)));
    }
  }
}

// Structure of a registry key and everything below it.
void CheckKeyStructure(const pb::RegistryKey& key, const Node& n, bool root) {
  if (root) {
    if (key.has_name()) {
      n.Error("name", "the registry root is the Winsock2 key and has no name here");
    }
  } else if (!key.has_name() || key.name().empty()) {
    n.Error("name", absl::StrCat(key.has_name() ? "empty" : "missing",
                                 " (every registry key needs a name)"));
  } else if (absl::StrContains(key.name(), '\\')) {
    n.Error("name",
            absl::StrCat(Quote(key.name()), ": key names cannot contain '\\' (nest keys instead)"));
  } else if (key.name().size() > kMaxKeyName) {
    n.Error("name", absl::StrCat("a key name of ", key.name().size(),
                                 " characters is longer than Windows allows (", kMaxKeyName, ")"));
  }
  absl::flat_hash_map<std::string, Loc> values;
  for (int i = 0; i < key.values_size(); ++i) {
    const pb::RegistryValue& v = key.values(i);
    const Node vn = n.Child(v, "values", i);
    if (!v.has_name() || v.name().empty()) {
      vn.Error("name", absl::StrCat(v.has_name() ? "empty" : "missing",
                                    " (every registry value needs a name)"));
    } else if (v.name().size() > kMaxValueName) {
      vn.Error("name",
               absl::StrCat("a value name of ", v.name().size(),
                            " characters is longer than Windows allows (", kMaxValueName, ")"));
    } else if (auto [it, inserted] = values.emplace(Fold(v.name()), vn.At("name")); !inserted) {
      vn.Error("name",
               absl::StrCat("duplicate value name ", Quote(v.name()),
                            " (names ignore case; first defined at ", it->second.ToString(), ")"));
    }
    if (v.data_case() == pb::RegistryValue::DATA_NOT_SET) {
      vn.ErrorHere("no data (write one of sz, dword, expand_sz, multi_sz, binary, qword)");
    }
  }
  absl::flat_hash_map<std::string, Loc> keys;
  for (int i = 0; i < key.keys_size(); ++i) {
    const pb::RegistryKey& k = key.keys(i);
    const Node kn = n.Child(k, "keys", i);
    if (k.has_name() && !k.name().empty()) {
      if (auto [it, inserted] = keys.emplace(Fold(k.name()), kn.At("name")); !inserted) {
        kn.Error("name", absl::StrCat("duplicate key name ", Quote(k.name()),
                                      " (names ignore case; first defined at ",
                                      it->second.ToString(), ")"));
      }
    }
    CheckKeyStructure(k, kn, false);
  }
}

// The index of the subkey of `key` named `name` (ignoring case), or -1.
int FindKey(const pb::RegistryKey& key, absl::string_view name) {
  for (int i = 0; i < key.keys_size(); ++i) {
    if (absl::EqualsIgnoreCase(key.keys(i).name(), name)) return i;
  }
  return -1;
}

void CheckRegistryWinsock(const pb::RegistryKey& root, const Node& n) {
  absl::flat_hash_map<std::string, int> providers;
  if (const int p = FindKey(root, "Providers"); p >= 0) {
    const pb::RegistryKey& pk = root.keys(p);
    const Node pn = n.Child(pk, "keys", p);
    for (int i = 0; i < pk.keys_size(); ++i) {
      const pb::RegistryKey& k = pk.keys(i);
      const Node kn = pn.Child(k, "keys", i);
      if (k.name().empty()) continue;  // reported by the structure check
      providers.emplace(Fold(k.name()), i);
      if (k.name().size() > kMaxProviderName) {
        kn.Error("name", absl::StrCat("provider name ", Quote(k.name()), " has ", k.name().size(),
                                      " characters; the limit is ", kMaxProviderName,
                                      " (SPEC 1.6.1; set expect_malformed to "
                                      "test it)"));
      }
      std::vector<Item> items;
      for (int j = 0; j < k.values_size(); ++j) {
        const pb::RegistryValue& v = k.values(j);
        items.push_back(Item{v.name(), v.data_case() == pb::RegistryValue::kSz,
                             v.data_case() == pb::RegistryValue::kDword, v.dword(), RegType(v),
                             kn.Child(v, "values", j)});
      }
      CheckProvider(kn, k.name(), items, /*ini=*/false);
    }
  }
  if (const int o = FindKey(root, "ProviderOrder"); o >= 0) {
    const pb::RegistryKey& ok = root.keys(o);
    const Node on = n.Child(ok, "keys", o);
    for (int i = 0; i < ok.values_size(); ++i) {
      const pb::RegistryValue& v = ok.values(i);
      if (v.name().empty()) continue;
      if (!providers.contains(Fold(v.name()))) {
        on.Child(v, "values", i)
            .Error("name", absl::StrCat("ProviderOrder names ", Quote(v.name()),
                                        ", which is not a key under Providers"));
      }
    }
  }
}

void CheckIniStructure(const pb::Ini& ini, const Node& n) {
  absl::flat_hash_map<std::string, Loc> sections;
  for (int i = 0; i < ini.sections_size(); ++i) {
    const pb::IniSection& s = ini.sections(i);
    const Node sn = n.Child(s, "sections", i);
    if (!s.has_name() || s.name().empty()) {
      sn.Error("name",
               absl::StrCat(s.has_name() ? "empty" : "missing", " (every section needs a name)"));
    } else if (s.name().find_first_of("[]\r\n") != std::string::npos) {
      sn.Error("name", absl::StrCat(Quote(s.name()),
                                    ": a section name cannot contain '[', ']' or a line break"));
    } else if (auto [it, inserted] = sections.emplace(Fold(s.name()), sn.At("name")); !inserted) {
      sn.Error("name",
               absl::StrCat("duplicate section [", s.name(),
                            "] (names ignore case; first defined at ", it->second.ToString(), ")"));
    }
    absl::flat_hash_map<std::string, Loc> keys;
    for (int j = 0; j < s.entries_size(); ++j) {
      const pb::IniEntry& e = s.entries(j);
      const Node en = sn.Child(e, "entries", j);
      if (!e.has_key() || e.key().empty()) {
        en.Error("key",
                 absl::StrCat(e.has_key() ? "empty" : "missing", " (every entry needs a key)"));
      } else if (e.key().find_first_of("=\r\n") != std::string::npos) {
        en.Error("key", absl::StrCat(Quote(e.key()), ": a key cannot contain '=' or a line break"));
      } else if (auto [it, inserted] = keys.emplace(Fold(e.key()), en.At("key")); !inserted) {
        en.Error("key", absl::StrCat("duplicate key ", Quote(e.key()), " in [", s.name(),
                                     "] (keys ignore case; first defined at ",
                                     it->second.ToString(), ")"));
      }
      if (!e.has_value()) {
        en.Error("value", "missing (write value: \"\" for an empty value)");
      } else if (e.value().find_first_of("\r\n") != std::string::npos) {
        en.Error("value", absl::StrCat(Quote(e.value()), ": a value cannot contain a line break"));
      }
    }
  }
}

int FindSection(const pb::Ini& ini, absl::string_view name) {
  for (int i = 0; i < ini.sections_size(); ++i) {
    if (absl::EqualsIgnoreCase(ini.sections(i).name(), name)) return i;
  }
  return -1;
}

int FindEntry(const pb::IniSection& s, absl::string_view key) {
  for (int i = 0; i < s.entries_size(); ++i) {
    if (absl::EqualsIgnoreCase(s.entries(i).key(), key)) return i;
  }
  return -1;
}

void CheckIniWinsock(const pb::Ini& ini, const Node& n) {
  const int p = FindSection(ini, "Providers");
  if (p < 0) {
    n.ErrorHere("WINSOCK2.INI has no [Providers] section (set expect_malformed to test that)");
    return;
  }
  const pb::IniSection& ps = ini.sections(p);
  const Node pn = n.Child(ps, "sections", p);
  const int np = FindEntry(ps, "NumProviders");
  if (np < 0) {
    pn.ErrorHere("[Providers] has no NumProviders");
    return;
  }
  const Node npn = pn.Child(ps.entries(np), "entries", np);
  const std::optional<uint32_t> count = IniNumber(ps.entries(np).value());
  if (!count) {
    npn.Error("value", absl::StrCat(Quote(ps.entries(np).value()),
                                    " is not a number (NumProviders: write decimal or 0x hex)"));
    return;
  }
  if (*count > kMaxProviders) {
    npn.Error("value",
              absl::StrCat("NumProviders ", *count, " is out of range [0, ", kMaxProviders, "]"));
    return;
  }
  std::vector<std::string> lacking;
  absl::flat_hash_map<std::string, Loc> keys;
  for (uint32_t i = 0; i < *count; ++i) {
    const int e = FindEntry(ps, absl::StrCat("ProviderKey", i));
    if (e < 0) {
      lacking.push_back(absl::StrCat("ProviderKey", i));
      continue;
    }
    const pb::IniEntry& entry = ps.entries(e);
    const Node en = pn.Child(entry, "entries", e);
    const std::string key = IniString(entry.value());
    if (key.empty()) {
      en.Error("value", "an empty provider key");
      continue;
    }
    if (key.size() > kMaxProviderName) {
      en.Error("value", absl::StrCat("provider key ", Quote(key), " has ", key.size(),
                                     " characters; the limit is ", kMaxProviderName,
                                     " (SPEC 1.6.2; set expect_malformed to test it)"));
    }
    if (auto [it, inserted] = keys.emplace(Fold(key), en.At("value")); !inserted) {
      en.Error("value", absl::StrCat("provider key ", Quote(key), " is listed twice (first at ",
                                     it->second.ToString(), ")"));
      continue;
    }
    const int s = FindSection(ini, absl::StrCat("Provider-", key));
    if (s < 0) {
      en.Error("value",
               absl::StrCat("provider key ", Quote(key), " has no [Provider-", key, "] section"));
      continue;
    }
    const pb::IniSection& section = ini.sections(s);
    const Node sn = n.Child(section, "sections", s);
    std::vector<Item> items;
    for (int j = 0; j < section.entries_size(); ++j) {
      const pb::IniEntry& x = section.entries(j);
      const std::optional<uint32_t> number = IniNumber(x.value());
      items.push_back(Item{x.key(), true, number.has_value(), number.value_or(0), x.value(),
                           sn.Child(x, "entries", j)});
    }
    CheckProvider(sn, key, items, /*ini=*/true);
  }
  if (!lacking.empty()) {
    pn.ErrorHere(absl::StrCat("[Providers] has no ", absl::StrJoin(lacking, ", "),
                              " (NumProviders is ", *count, ")"));
  }
  for (int e = 0; e < ps.entries_size(); ++e) {
    absl::string_view k = ps.entries(e).key();
    if (!absl::StartsWithIgnoreCase(k, "ProviderKey")) continue;
    k.remove_prefix(11);
    std::optional<uint32_t> index;
    if (!k.empty() && k.size() <= 9 && (k.size() == 1 || k[0] != '0') &&
        std::all_of(k.begin(), k.end(), absl::ascii_isdigit)) {
      index = IniNumber(k);
    }
    if (index && *index >= *count) {
      pn.Child(ps.entries(e), "entries", e)
          .Error("key",
                 absl::StrCat(ps.entries(e).key(), " is beyond NumProviders (", *count, ")"));
    }
  }
}

}  // namespace

void ValidateCatalog(const pb::Catalog& catalog, const Node& node) {
  if (catalog.has_registry()) {
    const Node rn = node.Child(catalog.registry(), "registry");
    CheckKeyStructure(catalog.registry(), rn, /*root=*/true);
    if (!catalog.expect_malformed()) CheckRegistryWinsock(catalog.registry(), rn);
  }
  if (catalog.has_ini()) {
    const Node in = node.Child(catalog.ini(), "ini");
    CheckIniStructure(catalog.ini(), in);
    if (!catalog.expect_malformed()) CheckIniWinsock(catalog.ini(), in);
  }
}

}  // namespace ws2sim::scenarios::internal
