// The tcpip provider's address strings: WSPAddressToString and WSPStringToAddress (WSPPROC_TABLE
// slots 2 and 30; not in the seeds, later Winsock: SPEC Table A). Numeric forms only:
//   AF_INET   "a.b.c.d" or "a.b.c.d:port"
//   AF_INET6  "addr" or "[addr]:port" (RFC 5952 text)
// A port of 0 is left out of the string and a string without a port gives port 0.
// Errors: WSAEFAULT (a null pointer, an address shorter than its family's sockaddr, or an output
// buffer too small: the needed length is written back), WSAEINVAL (a family other than AF_INET /
// AF_INET6, or a string that is not an address of the family).
#include <cstring>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "providers/tcpip/wsp_internal.h"

namespace ws2sim::providers::tcpip {
namespace {

using sim::net::Family;
using sim::net::IpAddress;

// The string of `e` as above.
std::string EndpointString(const Endpoint& e) {
  const std::string address = e.address.ToString();
  if (e.port == 0) return address;
  return e.address.is_v6() ? absl::StrCat("[", address, "]:", e.port)
                           : absl::StrCat(address, ":", e.port);
}

// Parses `text` as an address of `family` with an optional port; false if it is not one.
bool ParseEndpoint(const std::string& text, Family family, Endpoint* out) {
  std::string address = text;
  std::string port;
  if (family == Family::kIpv6) {
    if (!text.empty() && text.front() == '[') {
      const size_t close = text.find(']');
      if (close == std::string::npos) return false;
      address = text.substr(1, close - 1);
      const std::string rest = text.substr(close + 1);
      if (!rest.empty()) {
        if (rest.front() != ':' || rest.size() == 1) return false;
        port = rest.substr(1);
      }
    }
  } else if (const size_t colon = text.find(':'); colon != std::string::npos) {
    address = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (port.empty()) return false;
  }
  absl::StatusOr<IpAddress> ip = IpAddress::Parse(address);
  if (!ip.ok() || ip->family() != family) return false;
  uint32_t number = 0;
  if (!port.empty() && (!absl::SimpleAtoi(port, &number) || number > 65535)) return false;
  out->address = *ip;
  out->port = static_cast<uint16_t>(number);
  return true;
}

}  // namespace

INT WSPAPI WSPAddressToString(LPSOCKADDR address, DWORD address_length, LPWSAPROTOCOL_INFOW info,
                              LPWSTR text, LPDWORD text_length, LPINT error) {
  (void)info;
  if (address == nullptr || text_length == nullptr) return Fail(error, WSAEFAULT);
  u_short af;
  std::memcpy(&af, address, sizeof(af));
  if (af != AF_INET && af != AF_INET6) return Fail(error, WSAEINVAL);
  const Family family = af == AF_INET ? Family::kIpv4 : Family::kIpv6;
  if (address_length < static_cast<DWORD>(AddressBytes(family))) return Fail(error, WSAEFAULT);
  TcpipSocket probe;  // ParseAddress reads the family from the socket
  probe.family = family;
  Endpoint e;
  if (!ParseAddress(probe, address, static_cast<int>(address_length), &e)) {
    return Fail(error, WSAEFAULT);
  }
  const std::string out = EndpointString(e);
  const DWORD needed = static_cast<DWORD>(out.size() + 1);  // characters with the NUL
  if (text == nullptr || *text_length < needed) {
    *text_length = needed;
    return Fail(error, WSAEFAULT);
  }
  for (size_t i = 0; i < out.size(); ++i) text[i] = static_cast<WCHAR>(out[i]);
  text[out.size()] = 0;
  *text_length = needed;
  return 0;
}

INT WSPAPI WSPStringToAddress(LPWSTR text, INT family, LPWSAPROTOCOL_INFOW info,
                              LPSOCKADDR address, LPINT address_length, LPINT error) {
  (void)info;
  if (text == nullptr || address_length == nullptr) return Fail(error, WSAEFAULT);
  if (family != AF_INET && family != AF_INET6) return Fail(error, WSAEINVAL);
  std::string narrow;
  for (LPWSTR p = text; *p != 0; ++p) {
    if (*p > 0x7e) return Fail(error, WSAEINVAL);  // numeric forms are ASCII
    narrow.push_back(static_cast<char>(*p));
  }
  const Family f = family == AF_INET ? Family::kIpv4 : Family::kIpv6;
  Endpoint e;
  if (!ParseEndpoint(narrow, f, &e)) return Fail(error, WSAEINVAL);
  if (address == nullptr || *address_length < AddressBytes(f)) {
    *address_length = AddressBytes(f);
    return Fail(error, WSAEFAULT);
  }
  WriteAddress(e, address, address_length);
  return 0;
}

}  // namespace ws2sim::providers::tcpip
