// Byte order, address conversion and name resolution for the scenario's host names (SPEC Table E:
// realized in the DLL). Names come from Runtime::AddName (the scenario's hosts) plus "localhost";
// numeric addresses resolve to themselves. Until the namespace providers land, this is the whole
// resolver.
#include <arpa/inet.h>  // glibc's own inet_pton/ntop do the textual conversions

#include <strings.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"

// glibc's converters, reached before the guest headers rename inet_pton/inet_ntop.
namespace {
int SystemPton(int af, const char* text, void* out) { return ::inet_pton(af, text, out); }
const char* SystemNtop(int af, const void* in, char* out, socklen_t size) {
  return ::inet_ntop(af, in, out, size);
}
}  // namespace

#include "model/api_context.h"
#include "model/include/ws2tcpip.h"

using ws2sim::model::ApiContext;
using ws2sim::model::Runtime;

namespace {

constexpr int kAfInet6Linux = 10;  // glibc's AF_INET6, for its converters

// One resolved address: a family (Winsock's) and 4 or 16 bytes.
struct Address {
  int family;
  unsigned char bytes[16];
};

bool ParseNumeric(const char* text, Address* out) {
  if (SystemPton(2, text, out->bytes) == 1) {
    out->family = AF_INET;
    return true;
  }
  if (SystemPton(kAfInet6Linux, text, out->bytes) == 1) {
    out->family = AF_INET6;
    return true;
  }
  return false;
}

// The addresses of `name` in preference order; false when the name is unknown.
bool Lookup(const char* name, std::vector<Address>* out) {
  Address a;
  if (ParseNumeric(name, &a)) {
    out->push_back(a);
    return true;
  }
  const std::vector<std::string>* known = Runtime::Active()->Resolve(name);
  if (known == nullptr && strcasecmp(name, "localhost") == 0) {
    static const std::vector<std::string> kLoopback = {"127.0.0.1", "::1"};
    known = &kLoopback;
  }
  if (known == nullptr) return false;
  for (const std::string& text : *known) {
    if (ParseNumeric(text.c_str(), &a)) out->push_back(a);
  }
  return !out->empty();
}

// Per-thread storage the seed's gethostbyname result lives in until the thread's next call.
struct HostentBuffer {
  struct hostent entry;
  std::string name;
  std::vector<std::vector<char>> addresses;
  std::vector<char*> address_list;
  char* no_aliases[1] = {nullptr};
};
thread_local HostentBuffer t_hostent;
thread_local char t_ntoa[16];

}  // namespace

extern "C" {

u_long WSAAPI htonl(u_long v) { return __builtin_bswap32(v); }
u_short WSAAPI htons(u_short v) { return __builtin_bswap16(v); }
u_long WSAAPI ntohl(u_long v) { return __builtin_bswap32(v); }
u_short WSAAPI ntohs(u_short v) { return __builtin_bswap16(v); }

u_long WSAAPI inet_addr(const char FAR* cp) {
  unsigned char bytes[4];
  if (cp == nullptr || SystemPton(2, cp, bytes) != 1) return INADDR_NONE;
  u_long v;
  std::memcpy(&v, bytes, 4);
  return v;
}

char FAR* WSAAPI inet_ntoa(struct in_addr in) {
  SystemNtop(2, &in, t_ntoa, sizeof(t_ntoa));
  return t_ntoa;
}

INT WSAAPI inet_pton(INT Family, PCSTR text, PVOID out) {
  if (Family == AF_INET) return SystemPton(2, text, out);
  if (Family == AF_INET6) return SystemPton(kAfInet6Linux, text, out);
  WSASetLastError(WSAEAFNOSUPPORT);
  return -1;
}

PCSTR WSAAPI inet_ntop(INT Family, const VOID* in, PSTR out, size_t size) {
  const int af = Family == AF_INET ? 2 : Family == AF_INET6 ? kAfInet6Linux : -1;
  if (af < 0) {
    WSASetLastError(WSAEAFNOSUPPORT);
    return nullptr;
  }
  return SystemNtop(af, in, out, static_cast<socklen_t>(size));
}

int WSAAPI gethostname(char FAR* name, int namelen) {
  ApiContext ctx("gethostname", 0, {namelen});
  if (!ctx.dll.started()) return ctx.Fail(WSANOTINITIALISED);
  const std::string& host = ctx.dll.machine().name();
  if (name == nullptr || namelen <= static_cast<int>(host.size())) return ctx.Fail(WSAEFAULT);
  std::memcpy(name, host.c_str(), host.size() + 1);
  return 0;
}

struct hostent FAR* WSAAPI gethostbyname(const char FAR* name) {
  ApiContext ctx("gethostbyname");
  if (!ctx.dll.started()) return ctx.Fail(WSANOTINITIALISED, static_cast<struct hostent*>(nullptr));
  std::vector<Address> found;
  if (name == nullptr || !Lookup(name, &found)) {
    return ctx.Fail(WSAHOST_NOT_FOUND, static_cast<struct hostent*>(nullptr));
  }
  HostentBuffer& b = t_hostent;
  b.name = name;
  b.addresses.clear();
  for (const Address& a : found) {
    if (a.family == AF_INET) b.addresses.emplace_back(a.bytes, a.bytes + 4);
  }
  if (b.addresses.empty()) return ctx.Fail(WSANO_DATA, static_cast<struct hostent*>(nullptr));
  b.address_list.clear();
  for (std::vector<char>& a : b.addresses) b.address_list.push_back(a.data());
  b.address_list.push_back(nullptr);
  b.entry.h_name = b.name.data();
  b.entry.h_aliases = b.no_aliases;
  b.entry.h_addrtype = AF_INET;
  b.entry.h_length = 4;
  b.entry.h_addr_list = b.address_list.data();
  return ctx.Return(&b.entry);
}

INT WSAAPI getaddrinfo(PCSTR node, PCSTR service, const ADDRINFOA* hints, PADDRINFOA* result) {
  ApiContext ctx("getaddrinfo", 0,
                 {hints != nullptr ? hints->ai_family : -1, hints != nullptr ? hints->ai_flags : -1});
  if (!ctx.dll.started()) return ctx.Fail(WSANOTINITIALISED, WSANOTINITIALISED);
  if (result == nullptr || (node == nullptr && service == nullptr)) {
    return ctx.Fail(EAI_NONAME, EAI_NONAME);
  }
  *result = nullptr;
  const int family = hints != nullptr ? hints->ai_family : AF_UNSPEC;
  const int flags = hints != nullptr ? hints->ai_flags : 0;
  if (family != AF_UNSPEC && family != AF_INET && family != AF_INET6) {
    return ctx.Fail(EAI_FAMILY, EAI_FAMILY);
  }
  int port = 0;
  if (service != nullptr && (!absl::SimpleAtoi(service, &port) || port < 0 || port > 65535)) {
    return ctx.Fail(EAI_SERVICE, EAI_SERVICE);  // numeric services only
  }
  std::vector<Address> found;
  if (node == nullptr) {  // the wildcard (AI_PASSIVE) or the loopback address
    const bool passive = (flags & AI_PASSIVE) != 0;
    Address v4{AF_INET, {}}, v6{AF_INET6, {}};
    if (!passive) {
      v4.bytes[0] = 127;
      v4.bytes[3] = 1;
      v6.bytes[15] = 1;
    }
    found = {v4, v6};
  } else if ((flags & AI_NUMERICHOST) != 0) {
    Address a;
    if (!ParseNumeric(node, &a)) return ctx.Fail(EAI_NONAME, EAI_NONAME);
    found.push_back(a);
  } else if (!Lookup(node, &found)) {
    return ctx.Fail(EAI_NONAME, EAI_NONAME);
  }
  // One entry per (address, socket type): the hint's type, or stream and datagram.
  std::vector<std::pair<int, int>> kinds;  // (socktype, protocol)
  const int socktype = hints != nullptr ? hints->ai_socktype : 0;
  const int protocol = hints != nullptr ? hints->ai_protocol : 0;
  if (socktype != 0) {
    kinds.emplace_back(socktype, protocol != 0 ? protocol
                                 : socktype == SOCK_STREAM ? IPPROTO_TCP
                                 : socktype == SOCK_DGRAM  ? IPPROTO_UDP
                                                           : 0);
  } else {
    kinds = {{SOCK_STREAM, IPPROTO_TCP}, {SOCK_DGRAM, IPPROTO_UDP}};
  }
  PADDRINFOA* tail = result;
  bool first = true;
  for (const Address& a : found) {
    if (family != AF_UNSPEC && a.family != family) continue;
    for (const auto& [type, proto] : kinds) {
      // One allocation per entry: the addrinfo, then its sockaddr (freeaddrinfo frees each).
      const size_t addr_len = a.family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
      auto* ai = static_cast<ADDRINFOA*>(std::calloc(1, sizeof(ADDRINFOA) + addr_len));
      ai->ai_flags = flags;
      ai->ai_family = a.family;
      ai->ai_socktype = type;
      ai->ai_protocol = proto;
      ai->ai_addrlen = addr_len;
      ai->ai_addr = reinterpret_cast<struct sockaddr*>(ai + 1);
      if (a.family == AF_INET) {
        auto* sin = reinterpret_cast<sockaddr_in*>(ai->ai_addr);
        sin->sin_family = AF_INET;
        sin->sin_port = htons(static_cast<u_short>(port));
        std::memcpy(&sin->sin_addr, a.bytes, 4);
      } else {
        auto* sin6 = reinterpret_cast<sockaddr_in6*>(ai->ai_addr);
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(static_cast<u_short>(port));
        std::memcpy(&sin6->sin6_addr, a.bytes, 16);
      }
      if (first && (flags & AI_CANONNAME) != 0 && node != nullptr) ai->ai_canonname = strdup(node);
      first = false;
      *tail = ai;
      tail = &ai->ai_next;
    }
  }
  if (*result == nullptr) return ctx.Fail(EAI_NONAME, EAI_NONAME);  // no address of that family
  return 0;
}

VOID WSAAPI freeaddrinfo(PADDRINFOA list) {
  while (list != nullptr) {
    PADDRINFOA next = list->ai_next;
    std::free(list->ai_canonname);
    std::free(list);
    list = next;
  }
}

char* WSAAPI gai_strerror(int code) {
  static thread_local char text[64];
  std::snprintf(text, sizeof(text), "Winsock error %d", code);
  return text;
}

}  // extern "C"
