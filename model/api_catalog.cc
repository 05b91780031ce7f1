// WSAEnumProtocols: the catalog as applications see it (S1 §2.1; SPEC 1.6.3, Table E). Entries
// come in catalog order (provider priority, then index); lpiProtocols, when given, is a
// zero-terminated list of protocol numbers to keep.
#include <cstring>
#include <vector>

#include "model/api_context.h"

using ws2sim::model::ApiContext;
using ws2sim::model::CatalogEntry;

namespace {

template <typename Info, typename Fill>
int EnumProtocols(const char* name, LPINT protocols, Info* buffer, LPDWORD buffer_length,
                  Fill fill) {
  ApiContext ctx(name);
  if (!ctx.dll.started()) return ctx.Fail(WSANOTINITIALISED);
  if (buffer_length == nullptr) return ctx.Fail(WSAEFAULT);
  std::vector<const CatalogEntry*> chosen;
  for (const CatalogEntry& e : ctx.dll.catalog().entries) {
    bool wanted = protocols == nullptr;
    for (LPINT p = protocols; p != nullptr && *p != 0; ++p) wanted |= *p == e.protocol;
    if (wanted) chosen.push_back(&e);
  }
  const DWORD needed = static_cast<DWORD>(chosen.size() * sizeof(Info));
  if (buffer == nullptr || *buffer_length < needed) {
    *buffer_length = needed;
    return ctx.Fail(WSAENOBUFS);
  }
  for (size_t i = 0; i < chosen.size(); ++i) fill(*chosen[i], &buffer[i]);
  return ctx.Return(static_cast<int>(chosen.size()));
}

}  // namespace

extern "C" {

int WSAAPI WSAEnumProtocolsW(LPINT protocols, LPWSAPROTOCOL_INFOW buffer, LPDWORD buffer_length) {
  return EnumProtocols("WSAEnumProtocolsW", protocols, buffer, buffer_length,
                       [](const CatalogEntry& e, WSAPROTOCOL_INFOW* out) {
                         ws2sim::model::FillProtocolInfo(e, out);
                       });
}

int WSAAPI WSAEnumProtocolsA(LPINT protocols, LPWSAPROTOCOL_INFOA buffer, LPDWORD buffer_length) {
  return EnumProtocols("WSAEnumProtocolsA", protocols, buffer, buffer_length,
                       [](const CatalogEntry& e, WSAPROTOCOL_INFOA* out) {
                         WSAPROTOCOL_INFOW wide;
                         ws2sim::model::FillProtocolInfo(e, &wide);
                         ws2sim::model::NarrowProtocolInfo(&wide, out);
                       });
}

}  // extern "C"
