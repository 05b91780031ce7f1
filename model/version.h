// Winsock version numbers and the WSPStartup negotiation (S1 §2.3, §3.1.26; SPEC 2.1; D-10).
//
// A version travels as a WORD with the major number in the low byte and the minor number in the
// high byte (MAKEWORD(major, minor)). Versions compare as (major, minor), never as raw words:
// 2.0 (0x0002) is higher than 1.1 (0x0101) (CHECKLIST SPI-START-14).
#ifndef WS2SIM_MODEL_VERSION_H_
#define WS2SIM_MODEL_VERSION_H_

#include <compare>
#include <cstdint>
#include <string>
#include <vector>

namespace ws2sim::model {

struct WinsockVersion {
  uint8_t major = 0;
  uint8_t minor = 0;

  static constexpr WinsockVersion FromWord(uint16_t word) {
    return {static_cast<uint8_t>(word & 0xff), static_cast<uint8_t>(word >> 8)};
  }
  constexpr uint16_t ToWord() const { return static_cast<uint16_t>(major | (minor << 8)); }
  constexpr auto operator<=>(const WinsockVersion&) const = default;
  std::string ToString() const;  // "2.0"
};

// The versions a provider implements: every version in [low, high].
struct VersionRange {
  WinsockVersion low;
  WinsockVersion high;
};

// What a provider's WSPStartup answers (SPEC 2.1, provider rule with D-10): WSAVERNOTSUPPORTED
// when `requested` is below its lowest version, else success with
// version = min(high, requested) and high_version = high.
struct ProviderAnswer {
  bool supported = false;  // false: WSAVERNOTSUPPORTED, the other fields are undefined
  WinsockVersion version;
  WinsockVersion high_version;
};
ProviderAnswer AnswerStartup(WinsockVersion requested, VersionRange provider);

// The DLL side (SPEC 2.1, DLL rule): the DLL requests the highest version it supports; when the
// provider's answer is a version the DLL does not support, the DLL calls WSPCleanup and does not
// use the provider ("DLL fails").
struct Negotiation {
  enum class Outcome { kUse, kProviderRefused, kDllRejects };
  Outcome outcome = Outcome::kProviderRefused;
  WinsockVersion requested;
  ProviderAnswer answer;
  bool cleanup_called = false;  // WSPCleanup after a successful WSPStartup the DLL cannot use
};
// `dll_versions` lists every version the DLL supports (any order, not empty).
Negotiation NegotiateStartup(const std::vector<WinsockVersion>& dll_versions,
                             VersionRange provider);

}  // namespace ws2sim::model

#endif  // WS2SIM_MODEL_VERSION_H_
