// model::Catalog: the protocol catalog the Winsock DLL builds from a host's configuration database
// (S1 §2.1.1; SPEC 1.6.1, 1.6.3; decisions D-03..D-06, D-70, D-71).
//
// One entry per (active provider, socket-type index), ordered by provider priority and then by
// index. A provider is active when ProviderOrder names it; its priority is the position of that
// name among ProviderOrder's values. A provider whose configuration is broken does not load; the
// reason is kept in `messages` and every other provider still loads.
#ifndef WS2SIM_MODEL_CATALOG_H_
#define WS2SIM_MODEL_CATALOG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "model/registry.h"

namespace ws2sim::model {

// HKEY_LOCAL_MACHINE\System\CurrentControlSet\Control\Winsock2 (S1 §2.1.1).
inline constexpr char kWinsock2Key[] =
    "HKEY_LOCAL_MACHINE\\System\\CurrentControlSet\\Control\\Winsock2";
// Provider subkey names and INI provider keys are at most this long (S1 §2.1.1.1, §2.1.2.1).
inline constexpr size_t kMaxProviderNameChars = 32;

struct CatalogEntry {
  uint32_t catalog_entry_id = 0;  // opaque, unique in the catalog (dwCatalogEntryId, D-70)
  uint32_t provider_id = 0;       // opaque id of the provider (dwProviderId); same for its entries
  int priority = 0;               // position of the provider in ProviderOrder (0 = first)
  int index = 0;                  // the <i> of the indexed values
  std::string provider_name;      // the Providers subkey name
  std::string provider_filename;  // ProviderFilename
  std::string provider_description;
  int32_t address_family = 0;
  int32_t socket_type = 0;
  int32_t protocol = 0;
  int32_t min_address_length = 0;  // bytes, including the 2-byte family field
  int32_t max_address_length = 0;
  uint32_t protocol_attributes = 0;  // XP_* flags (SPEC 1.6.4)
  std::string socket_description;
};

struct CatalogMessage {
  enum class Severity { kWarning, kError };
  Severity severity = Severity::kError;
  std::string provider;  // the provider it concerns ("" for the catalog as a whole)
  std::string text;
};

struct Catalog {
  std::vector<CatalogEntry> entries;  // priority order, then index order
  std::vector<CatalogMessage> messages;

  // The entry socket(af, type, protocol) selects: the first in priority order whose family and
  // type match and whose protocol equals `protocol` (protocol 0: the entry's own, D-70). With
  // AF_UNSPEC (0) any family matches but protocol must not be 0 (D-71). Null when none matches.
  const CatalogEntry* Select(int32_t address_family, int32_t socket_type, int32_t protocol) const;
  const CatalogEntry* FindById(uint32_t catalog_entry_id) const;
};

// Builds the Win32 catalog from `registry` under kWinsock2Key (S1 §2.1.1; CHECKLIST SPI-CAT-01..06,
// 08..11). Catalog entry ids are 1001, 1002, ... in catalog order; provider ids are 1, 2, ... in
// priority order.
Catalog BuildCatalogFromRegistry(const Registry& registry);

// Writes a provider in the seed's registry layout (for scenarios and tests): the Providers\<name>
// subkey with its values and, when `activate`, a ProviderOrder value appended after the others.
// `entries` supply the indexed values; NumSockets is entries.size().
void InstallProviderInRegistry(Registry& registry, absl::string_view name,
                               absl::string_view filename, absl::string_view description,
                               int32_t domain, int32_t addr_length,
                               const std::vector<CatalogEntry>& entries, bool activate);

}  // namespace ws2sim::model

#endif  // WS2SIM_MODEL_CATALOG_H_
