#include "model/winsock_dll.h"

#include <algorithm>
#include <cstddef>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "model/runtime.h"
#include "sim/host_context.h"
// The guest headers last: their macros rename socket, bind, select, ...
#include "model/include/ws2spi.h"

namespace ws2sim::model {
namespace {

// The DLL's WSAStartup strings (SPEC 2.1: at most 256 and 128 characters).
constexpr char kDescription[] = "ws2sim Winsock 2 DLL (Win32 profile)";

void CopyString(char* dst, size_t capacity, absl::string_view src) {
  const size_t n = std::min(src.size(), capacity - 1);
  std::memcpy(dst, src.data(), n);
  dst[n] = '\0';
}

}  // namespace

WinsockDll::WinsockDll(Runtime& runtime, Process& process, Machine& machine)
    : runtime_(runtime), process_(process), machine_(machine) {}

WinsockDll::~WinsockDll() = default;

int WinsockDll::Startup(uint16_t version_requested, void* data) {
  const WinsockVersion requested = WinsockVersion::FromWord(version_requested);
  if (requested < kDllLowestApiVersion) return WSAVERNOTSUPPORTED;
  if (data == nullptr) return WSAEFAULT;
  const WinsockVersion version = std::min(requested, kDllHighestApiVersion);
  auto* wsa = static_cast<WSADATA*>(data);
  std::memset(wsa, 0, sizeof(*wsa));
  wsa->wVersion = version.ToWord();
  wsa->wHighVersion = kDllHighestApiVersion.ToWord();
  CopyString(wsa->szDescription, sizeof(wsa->szDescription), kDescription);
  CopyString(wsa->szSystemStatus, sizeof(wsa->szSystemStatus),
             absl::StrCat("Running on ", machine_.name()));
  wsa->iMaxSockets = 0x7fff;
  wsa->iMaxUdpDg = 512;  // D-78
  wsa->lpVendorInfo = nullptr;
  if (startup_count_++ == 0) {
    api_version_ = version;
    if (!catalog_built_) {
      catalog_ = BuildCatalogFromRegistry(machine_.registry());
      catalog_built_ = true;
    }
  }
  return 0;
}

int WinsockDll::Cleanup() {
  if (startup_count_ == 0) return WSANOTINITIALISED;
  if (--startup_count_ > 0) return 0;
  CleanupProviders();
  return 0;
}

void WinsockDll::ProcessExit() {
  startup_count_ = 0;
  CleanupProviders();
}

void WinsockDll::CleanupProviders() {
  for (auto& [id, provider] : providers_) {
    if (provider.usable) CallCleanup(provider);
  }
  providers_.clear();
  for (const auto& [s, socket] : sockets_) runtime_.ForgetSocket(s);
  sockets_.clear();
}

void WinsockDll::CallCleanup(Provider& provider) {
  if (provider.table->lpWSPCleanup == nullptr) return;
  sim::ScopedHost host(machine_.net_host(), process_.pid());
  const trace::LaneId lane = OwnLane();
  int error = 0;
  TraceSpi(lane, "WSPCleanup", trace::pb::PHASE_ENTER, 0, 0, 0);
  const int rc = provider.table->lpWSPCleanup(&error);
  TraceSpi(lane, "WSPCleanup", trace::pb::PHASE_RETURN, 0, rc, rc == 0 ? 0 : error);
}

trace::LaneId WinsockDll::OwnLane() {
  Thread* t = runtime_.processes().CurrentThread();
  return t != nullptr && t->process == &process_ ? runtime_.scheduler().FiberLane(t->fiber)
                                                 : process_.lane();
}

void WinsockDll::TraceSpi(trace::LaneId lane, const char* function, trace::pb::CallPhase phase,
                          SocketHandle s, int64_t result, int error) {
  trace::Recorder* rec = runtime_.scheduler().recorder();
  if (rec == nullptr) return;
  rec->Call(runtime_.scheduler().Now(), lane, trace::pb::LAYER_SPI, rec->Intern(function), phase,
            s, result, static_cast<uint32_t>(error));
}

WinsockDll::Provider* WinsockDll::FindProvider(uint32_t provider_id) {
  auto it = providers_.find(provider_id);
  return it == providers_.end() ? nullptr : &it->second;
}

WinsockDll::Provider* WinsockDll::ProviderFor(const CatalogEntry& entry, int* error) {
  auto [it, inserted] = providers_.try_emplace(entry.provider_id);
  Provider& p = it->second;
  if (inserted) {
    p.provider_id = entry.provider_id;
    p.filename = entry.provider_filename;
    p.table = std::make_unique<WSPPROC_TABLE>();
    std::memset(p.table.get(), 0, sizeof(WSPPROC_TABLE));
    auto startup = reinterpret_cast<LPWSPSTARTUP>(runtime_.providers().Find(entry.provider_filename));
    if (startup == nullptr) {
      p.startup_error = WSAEPROVIDERFAILEDINIT;  // the provider DLL is not installed
    } else {
      WSADATA data;
      WSAPROTOCOL_INFOW info;
      FillProtocolInfo(entry, &info);
      WSPUPCALLTABLE upcalls = *static_cast<const WSPUPCALLTABLE*>(UpcallTable());
      const WinsockVersion requested = *std::max_element(std::begin(kDllSpiVersions),
                                                         std::end(kDllSpiVersions));
      int rc;
      {
        sim::ScopedHost host(machine_.net_host(), process_.pid());
        TraceSpi(OwnLane(), "WSPStartup", trace::pb::PHASE_ENTER, 0, 0, 0);
        rc = startup(requested.ToWord(), &data, &info, upcalls, p.table.get());
        TraceSpi(OwnLane(), "WSPStartup", trace::pb::PHASE_RETURN, 0, rc, rc);
      }
      if (rc != 0) {
        p.startup_error = rc;
      } else {
        p.version = WinsockVersion::FromWord(data.wVersion);
        const bool supported = std::find(std::begin(kDllSpiVersions), std::end(kDllSpiVersions),
                                         p.version) != std::end(kDllSpiVersions);
        if (supported) {
          p.usable = true;
        } else {  // SPEC 2.1's DLL rule: clean the provider up and do not use it
          CallCleanup(p);
          p.startup_error = WSAVERNOTSUPPORTED;
        }
      }
    }
  }
  if (!p.usable) {
    *error = p.startup_error;
    return nullptr;
  }
  return &p;
}

SocketHandle WinsockDll::CreateSocketHandle(uint32_t catalog_entry_id, void* context, int* error) {
  const CatalogEntry* entry = catalog_.FindById(catalog_entry_id);
  if (entry == nullptr) {
    *error = WSAEINVAL;
    return INVALID_SOCKET;
  }
  if (sockets_.size() >= socket_table_capacity_) {
    *error = WSAENOBUFS;
    return INVALID_SOCKET;
  }
  const SocketHandle s = runtime_.processes().NewHandle();
  sockets_[s] = Socket{catalog_entry_id, entry->provider_id, context};
  runtime_.RegisterSocket(s, this);
  return s;
}

bool WinsockDll::CloseSocketHandle(SocketHandle s, int* error) {
  if (sockets_.erase(s) == 0) {
    *error = WSAENOTSOCK;
    return false;
  }
  runtime_.ForgetSocket(s);
  return true;
}

const WinsockDll::Socket* WinsockDll::FindSocket(SocketHandle s) const {
  auto it = sockets_.find(s);
  return it == sockets_.end() ? nullptr : &it->second;
}

bool WinsockDll::SetSocketContext(SocketHandle s, void* context, int* error) {
  auto it = sockets_.find(s);
  if (it == sockets_.end()) {
    *error = WSAENOTSOCK;
    return false;
  }
  it->second.context = context;
  return true;
}

// The protocol info record of a catalog entry. dwServiceFlags1 carries the catalog's
// ProtocolAttributes (the seed's XP_ flags, SPEC 1.6.4; not later Winsock's XP1_ values).
void FillProtocolInfo(const CatalogEntry& entry, void* protocol_info) {
  auto* info = static_cast<WSAPROTOCOL_INFOW*>(protocol_info);
  std::memset(info, 0, sizeof(*info));
  info->dwServiceFlags1 = entry.protocol_attributes;
  info->dwCatalogEntryId = entry.catalog_entry_id;
  info->ProtocolChain.ChainLen = BASE_PROTOCOL;
  info->ProtocolChain.ChainEntries[0] = entry.catalog_entry_id;
  info->iVersion = 2;
  info->iAddressFamily = entry.address_family;
  info->iMaxSockAddr = entry.max_address_length;
  info->iMinSockAddr = entry.min_address_length;
  info->iSocketType = entry.socket_type;
  info->iProtocol = entry.protocol;
  info->iNetworkByteOrder = BIGENDIAN;
  info->dwProviderReserved = entry.provider_id;
  const std::string& text = entry.socket_description;
  const size_t n = std::min<size_t>(text.size(), WSAPROTOCOL_LEN);
  for (size_t i = 0; i < n; ++i) info->szProtocol[i] = static_cast<unsigned char>(text[i]);
  info->szProtocol[n] = 0;
}

void NarrowProtocolInfo(const void* wide, void* narrow) {
  const auto* w = static_cast<const WSAPROTOCOL_INFOW*>(wide);
  auto* n = static_cast<WSAPROTOCOL_INFOA*>(narrow);
  std::memcpy(n, w, offsetof(WSAPROTOCOL_INFOW, szProtocol));
  for (size_t i = 0; i <= WSAPROTOCOL_LEN; ++i) n->szProtocol[i] = static_cast<CHAR>(w->szProtocol[i]);
}

}  // namespace ws2sim::model
