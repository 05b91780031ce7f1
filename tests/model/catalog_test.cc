// The Win32 catalog from the simulated registry (S1 §2.1.1; SPEC 1.6; CHECKLIST SPI-CAT-*).
#include "model/catalog.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace ws2sim::model {
namespace {

constexpr int32_t kAfInet = 2;
constexpr int32_t kStream = 1, kDgram = 2, kRaw = 3;

const std::string kProviders = absl::StrCat(kWinsock2Key, "\\Providers");
const std::string kOrder = absl::StrCat(kWinsock2Key, "\\ProviderOrder");

CatalogEntry Entry(int32_t type, int32_t protocol, uint32_t attributes, const char* description) {
  CatalogEntry e;
  e.address_family = kAfInet;
  e.socket_type = type;
  e.protocol = protocol;
  e.min_address_length = 16;
  e.max_address_length = 16;
  e.protocol_attributes = attributes;
  e.socket_description = description;
  return e;
}

void InstallTcpip(Registry& r, const char* name = "tcpip", bool activate = true) {
  InstallProviderInRegistry(r, name, "tcpip.wsp", "TCP/IP", kAfInet, 16,
                            {Entry(kStream, 6, 0x1066, "TCP"), Entry(kDgram, 17, 0x1609, "UDP")},
                            activate);
}

// The seed's novlwp example, verbatim numbers (SPEC 1.6.1; D-04, D-05).
void InstallNovlwp(Registry& r) {
  const std::string key = kProviders + "\\novlwp";
  r.SetString(key, "ProviderFilename", "novlwp.WPSP");
  r.SetString(key, "ProviderDescription", "Novell LAN WorkPlace for DOS");
  r.SetDword(key, "ProviderDomain", 2);
  r.SetDword(key, "ProviderAddrLength", 8);
  r.SetDword(key, "NumSockets", 3);
  const uint32_t attributes[3] = {0x00001066, 0x00001609, 0x00000109};
  const char* descriptions[3] = {"Stream socket in INET domain", "Dgram socket in INET domain",
                                 "Raw socket in INET domain"};
  for (int i = 0; i < 3; ++i) {
    r.SetDword(key, absl::StrCat("SocketType", i), i + 1);
    r.SetDword(key, absl::StrCat("AddressFamily", i), 2);
    r.SetDword(key, absl::StrCat("Protocol", i), 2);
    r.SetDword(key, absl::StrCat("MinimumAddressLength", i), 16);
    r.SetDword(key, absl::StrCat("MaximumAddressLength", i), 16);
    r.SetDword(key, absl::StrCat("ProtocolAttributes", i), attributes[i]);
    r.SetString(key, absl::StrCat("ProtocolSocketDescription", i), descriptions[i]);
  }
  r.SetString(kOrder, "novlwp", "");
}

TEST(Catalog, SPI_CAT_01_ProviderOrderValuesActivateProvidersInPriorityOrder) {
  Registry r;
  InstallTcpip(r, "zeta", false);
  InstallTcpip(r, "alpha", false);
  InstallTcpip(r, "mid", false);
  // Priority is the order of ProviderOrder's values, not the subkeys' (alphabetical) order.
  r.SetString(kOrder, "mid", "");
  r.SetString(kOrder, "zeta", "");
  r.SetString(kOrder, "alpha", "");
  Catalog c = BuildCatalogFromRegistry(r);
  ASSERT_EQ(c.entries.size(), 6u);
  EXPECT_EQ(c.entries[0].provider_name, "mid");
  EXPECT_EQ(c.entries[2].provider_name, "zeta");
  EXPECT_EQ(c.entries[4].provider_name, "alpha");
  EXPECT_EQ(c.entries[0].priority, 0);
  EXPECT_EQ(c.entries[4].priority, 2);
  EXPECT_EQ(c.entries[4].provider_id, 3u);
  EXPECT_TRUE(c.messages.empty());
}

TEST(Catalog, SPI_CAT_02_ProviderNotInProviderOrderIsNotLoaded) {
  Registry r;
  InstallTcpip(r, "active", true);
  InstallTcpip(r, "dormant", false);
  Catalog c = BuildCatalogFromRegistry(r);
  ASSERT_EQ(c.entries.size(), 2u);
  for (const CatalogEntry& e : c.entries) EXPECT_EQ(e.provider_name, "active");
}

TEST(Catalog, SPI_CAT_03_NumSocketsGivesThatManyEntriesFromTheIndexedValues) {
  Registry r;
  InstallProviderInRegistry(r, "three", "three.wsp", "Three", kAfInet, 16,
                            {Entry(kStream, 6, 0x1066, "s"), Entry(kDgram, 17, 0x1609, "d"),
                             Entry(kRaw, 255, 0x209, "r")},
                            true);
  Catalog c = BuildCatalogFromRegistry(r);
  ASSERT_EQ(c.entries.size(), 3u);
  EXPECT_EQ(c.entries[1].socket_type, kDgram);
  EXPECT_EQ(c.entries[1].protocol, 17);
  EXPECT_EQ(c.entries[1].address_family, kAfInet);
  EXPECT_EQ(c.entries[1].min_address_length, 16);
  EXPECT_EQ(c.entries[1].max_address_length, 16);
  EXPECT_EQ(c.entries[1].protocol_attributes, 0x1609u);
  EXPECT_EQ(c.entries[1].socket_description, "d");
  EXPECT_EQ(c.entries[2].protocol, 255);
  EXPECT_EQ(c.entries[0].provider_filename, "three.wsp");
  EXPECT_EQ(c.entries[0].provider_description, "Three");
}

TEST(Catalog, SPI_CAT_04_IndexedValuesOutOfOrderLoadTheSame) {
  Registry in_order;
  InstallTcpip(in_order);
  Registry shuffled;
  const std::string key = kProviders + "\\tcpip";
  // Entry 1's values before entry 0's, and the scalar values last.
  for (int i : {1, 0}) {
    shuffled.SetString(key, absl::StrCat("ProtocolSocketDescription", i), i ? "UDP" : "TCP");
    shuffled.SetDword(key, absl::StrCat("ProtocolAttributes", i), i ? 0x1609 : 0x1066);
    shuffled.SetDword(key, absl::StrCat("MaximumAddressLength", i), 16);
    shuffled.SetDword(key, absl::StrCat("MinimumAddressLength", i), 16);
    shuffled.SetDword(key, absl::StrCat("Protocol", i), i ? 17 : 6);
    shuffled.SetDword(key, absl::StrCat("AddressFamily", i), 2);
    shuffled.SetDword(key, absl::StrCat("SocketType", i), i ? kDgram : kStream);
  }
  shuffled.SetDword(key, "NumSockets", 2);
  shuffled.SetDword(key, "ProviderAddrLength", 16);
  shuffled.SetDword(key, "ProviderDomain", 2);
  shuffled.SetString(key, "ProviderDescription", "TCP/IP");
  shuffled.SetString(key, "ProviderFilename", "tcpip.wsp");
  shuffled.SetString(kOrder, "tcpip", "");
  Catalog a = BuildCatalogFromRegistry(in_order);
  Catalog b = BuildCatalogFromRegistry(shuffled);
  ASSERT_EQ(a.entries.size(), b.entries.size());
  for (size_t i = 0; i < a.entries.size(); ++i) {
    EXPECT_EQ(a.entries[i].socket_type, b.entries[i].socket_type);
    EXPECT_EQ(a.entries[i].protocol, b.entries[i].protocol);
    EXPECT_EQ(a.entries[i].protocol_attributes, b.entries[i].protocol_attributes);
    EXPECT_EQ(a.entries[i].socket_description, b.entries[i].socket_description);
    EXPECT_EQ(a.entries[i].catalog_entry_id, b.entries[i].catalog_entry_id);
  }
}

TEST(Catalog, SPI_CAT_05_MissingIndexedValueFailsThatProviderOnlyWithALoggedError) {
  Registry r;
  InstallTcpip(r, "broken");
  r.DeleteValue(kProviders + "\\broken", "Protocol1");
  InstallTcpip(r, "healthy");
  Catalog c = BuildCatalogFromRegistry(r);
  ASSERT_EQ(c.entries.size(), 2u);
  EXPECT_EQ(c.entries[0].provider_name, "healthy");
  ASSERT_EQ(c.messages.size(), 1u);
  EXPECT_EQ(c.messages[0].severity, CatalogMessage::Severity::kError);
  EXPECT_EQ(c.messages[0].provider, "broken");
  EXPECT_EQ(c.messages[0].text, "value Protocol1 is missing; not loaded");
}

TEST(Catalog, SPI_CAT_05_WrongValueTypeFailsThatProvider) {
  Registry r;
  InstallTcpip(r, "typed");
  r.SetString(kProviders + "\\typed", "NumSockets", "2");
  Catalog c = BuildCatalogFromRegistry(r);
  EXPECT_TRUE(c.entries.empty());
  ASSERT_EQ(c.messages.size(), 1u);
  EXPECT_EQ(c.messages[0].text, "value NumSockets is not of type REG_DWORD; not loaded");
}

TEST(Catalog, SPI_CAT_06_ProviderNamesLongerThan32CharactersAreRejected) {
  Registry r;
  const std::string long_name(33, 'p');
  const std::string ok_name(32, 'q');
  InstallTcpip(r, long_name.c_str());
  InstallTcpip(r, ok_name.c_str());
  Catalog c = BuildCatalogFromRegistry(r);
  ASSERT_EQ(c.entries.size(), 2u);
  EXPECT_EQ(c.entries[0].provider_name, ok_name);
  ASSERT_EQ(c.messages.size(), 1u);
  EXPECT_EQ(c.messages[0].provider, long_name);
  EXPECT_NE(c.messages[0].text.find("33 characters long (at most 32)"), std::string::npos);
}

TEST(Catalog, SPI_CAT_08_ExtraProviderValuesAreIgnoredAndLeftUntouched) {
  Registry r;
  InstallTcpip(r);
  const std::string key = kProviders + "\\tcpip";
  r.SetString(key, "VendorTuning", "fast");
  r.SetDword(key, "SocketType7", 99);  // beyond NumSockets: private to the provider
  r.CreateKey(key + "\\Private");
  Catalog c = BuildCatalogFromRegistry(r);
  EXPECT_EQ(c.entries.size(), 2u);
  EXPECT_TRUE(c.messages.empty());
  ASSERT_NE(r.GetValue(key, "VendorTuning"), nullptr);
  EXPECT_EQ(r.GetValue(key, "VendorTuning")->sz, "fast");
  EXPECT_EQ(r.GetValue(key, "SocketType7")->dword, 99u);
  EXPECT_TRUE(r.HasKey(key + "\\Private"));
}

TEST(Catalog, SPI_CAT_09_TheSeedsNovlwpExampleLoadsAsThreeInetEntries) {
  Registry r;
  InstallNovlwp(r);
  Catalog c = BuildCatalogFromRegistry(r);
  ASSERT_EQ(c.entries.size(), 3u);
  const uint32_t attributes[3] = {0x1066, 0x1609, 0x109};
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(c.entries[i].address_family, kAfInet);
    EXPECT_EQ(c.entries[i].socket_type, i + 1);
    EXPECT_EQ(c.entries[i].min_address_length, 16);
    EXPECT_EQ(c.entries[i].max_address_length, 16);
    EXPECT_EQ(c.entries[i].protocol_attributes, attributes[i]);
  }
  // D-05: ProviderAddrLength 8 against lengths of 16 is a warning, not an error.
  ASSERT_EQ(c.messages.size(), 1u);
  EXPECT_EQ(c.messages[0].severity, CatalogMessage::Severity::kWarning);
  EXPECT_EQ(c.messages[0].text, "ProviderAddrLength is 8 but the largest MaximumAddressLength is 16");
}

TEST(Catalog, SPI_CAT_10_ProviderFileWithoutTheWspExtensionLoads) {
  Registry r;
  InstallNovlwp(r);  // "novlwp.WPSP"
  Catalog c = BuildCatalogFromRegistry(r);
  ASSERT_FALSE(c.entries.empty());
  EXPECT_EQ(c.entries[0].provider_filename, "novlwp.WPSP");
}

TEST(Catalog, SPI_CAT_11_SocketWithProtocolZeroTakesTheFirstMatchingEntryInPriorityOrder) {
  Registry r;
  InstallProviderInRegistry(r, "first", "a.wsp", "A", kAfInet, 16,
                            {Entry(kDgram, 17, 0x1609, "udp-a")}, true);
  InstallProviderInRegistry(r, "second", "b.wsp", "B", kAfInet, 16,
                            {Entry(kStream, 6, 0x1066, "tcp-b"), Entry(kDgram, 99, 0x1609, "udp-b")},
                            true);
  Catalog c = BuildCatalogFromRegistry(r);
  const CatalogEntry* stream = c.Select(kAfInet, kStream, 0);
  ASSERT_NE(stream, nullptr);
  EXPECT_EQ(stream->socket_description, "tcp-b");
  EXPECT_EQ(stream->protocol, 6);  // the entry's default protocol
  const CatalogEntry* dgram = c.Select(kAfInet, kDgram, 0);
  ASSERT_NE(dgram, nullptr);
  EXPECT_EQ(dgram->socket_description, "udp-a");
  EXPECT_EQ(c.Select(kAfInet, kDgram, 99)->socket_description, "udp-b");
  EXPECT_EQ(c.Select(kAfInet, kRaw, 0), nullptr);
  EXPECT_EQ(c.FindById(stream->catalog_entry_id), stream);
}

TEST(Catalog, SPI_SOCK_02_AfUnspecNeedsAnExplicitProtocol) {
  Registry r;
  InstallTcpip(r);
  Catalog c = BuildCatalogFromRegistry(r);
  EXPECT_EQ(c.Select(0, kStream, 0), nullptr);  // D-71: WSAEPROTONOSUPPORT
  const CatalogEntry* e = c.Select(0, kStream, 6);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->address_family, kAfInet);
}

TEST(Catalog, ProviderOrderNamingAMissingProviderIsReported) {
  Registry r;
  r.SetString(kOrder, "ghost", "");
  InstallTcpip(r);
  Catalog c = BuildCatalogFromRegistry(r);
  EXPECT_EQ(c.entries.size(), 2u);
  ASSERT_EQ(c.messages.size(), 1u);
  EXPECT_EQ(c.messages[0].provider, "ghost");
  EXPECT_EQ(c.messages[0].text, "named in ProviderOrder but has no Providers subkey");
}

TEST(Registry, NamesAreCaseInsensitiveAndKeepTheirCase) {
  Registry r;
  r.SetDword("HKLM\\Soft\\Key", "Value", 1);
  ASSERT_NE(r.GetValue("hklm\\SOFT\\key", "VALUE"), nullptr);
  r.SetDword("HKLM\\SOFT\\KEY", "VALUE", 2);  // replaces, keeps the original spelling
  std::vector<RegValue> values = r.Values("HKLM\\Soft\\Key");
  ASSERT_EQ(values.size(), 1u);
  EXPECT_EQ(values[0].name, "Value");
  EXPECT_EQ(values[0].dword, 2u);
  EXPECT_EQ(r.Subkeys("HKLM"), std::vector<std::string>{"Soft"});
}

TEST(Registry, SubkeysSortAlphabeticallyValuesKeepInsertionOrder) {
  Registry r;
  for (const char* k : {"b", "C", "a"}) r.CreateKey(absl::StrCat("Root\\", k));
  EXPECT_EQ(r.Subkeys("Root"), (std::vector<std::string>{"a", "b", "C"}));
  for (const char* v : {"z", "x", "y"}) r.SetString("Root", v, "");
  std::vector<std::string> names;
  for (const RegValue& v : r.Values("Root")) names.push_back(v.name);
  EXPECT_EQ(names, (std::vector<std::string>{"z", "x", "y"}));
  EXPECT_TRUE(r.DeleteKey("Root\\b"));
  EXPECT_FALSE(r.HasKey("Root\\b"));
  EXPECT_FALSE(r.DeleteKey("Root\\b"));
}

}  // namespace
}  // namespace ws2sim::model
