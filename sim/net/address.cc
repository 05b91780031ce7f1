#include "sim/net/address.h"

#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace ws2sim::sim::net {
namespace {

absl::Status NotAnAddress(absl::string_view text) {
  return absl::InvalidArgumentError(absl::StrCat("not an IP address: \"", text, "\""));
}

// "a.b.c.d" with decimal parts 0..255 and no leading zeros.
bool ParseDottedQuad(absl::string_view text, uint8_t out[4]) {
  int part = 0;
  size_t i = 0;
  while (part < 4) {
    if (i >= text.size() || text[i] < '0' || text[i] > '9') return false;
    const size_t start = i;
    int value = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      value = value * 10 + (text[i] - '0');
      if (value > 255) return false;
      ++i;
    }
    if (i - start > 1 && text[start] == '0') return false;  // leading zero
    out[part++] = static_cast<uint8_t>(value);
    if (part < 4) {
      if (i >= text.size() || text[i] != '.') return false;
      ++i;
    }
  }
  return i == text.size();
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 4291 section 2.2 text into 16 bytes.
bool ParseV6(absl::string_view text, std::array<uint8_t, 16>& out) {
  uint16_t groups[8] = {};
  int count = 0;        // groups written
  int gap = -1;         // index in groups where "::" sits
  size_t i = 0;
  if (text.size() >= 2 && text[0] == ':' && text[1] == ':') {
    gap = 0;
    i = 2;
    if (i == text.size()) {
      out.fill(0);
      return true;
    }
  } else if (!text.empty() && text[0] == ':') {
    return false;
  }
  while (i < text.size()) {
    if (count == 8) return false;
    // A dotted quad may end the address, taking two groups.
    const size_t colon = text.find(':', i);
    const absl::string_view token =
        text.substr(i, colon == absl::string_view::npos ? absl::string_view::npos : colon - i);
    if (colon == absl::string_view::npos && token.find('.') != absl::string_view::npos) {
      uint8_t quad[4];
      if (count > 6 || !ParseDottedQuad(token, quad)) return false;
      groups[count++] = static_cast<uint16_t>(quad[0] << 8 | quad[1]);
      groups[count++] = static_cast<uint16_t>(quad[2] << 8 | quad[3]);
      i = text.size();
      break;
    }
    if (token.empty() || token.size() > 4) return false;
    uint32_t value = 0;
    for (char c : token) {
      const int d = HexDigit(c);
      if (d < 0) return false;
      value = value << 4 | static_cast<uint32_t>(d);
    }
    groups[count++] = static_cast<uint16_t>(value);
    i += token.size();
    if (i == text.size()) break;
    // A ':' follows; "::" marks the gap (once).
    ++i;
    if (i < text.size() && text[i] == ':') {
      if (gap >= 0) return false;
      gap = count;
      ++i;
    } else if (i == text.size()) {
      return false;  // trailing single ':'
    }
  }
  if (gap < 0 && count != 8) return false;
  if (gap >= 0 && count == 8) return false;  // "::" must stand for at least one group
  uint16_t full[8] = {};
  if (gap < 0) {
    std::memcpy(full, groups, sizeof(full));
  } else {
    const int tail = count - gap;
    for (int g = 0; g < gap; ++g) full[g] = groups[g];
    for (int g = 0; g < tail; ++g) full[8 - tail + g] = groups[gap + g];
  }
  for (int g = 0; g < 8; ++g) {
    out[2 * g] = static_cast<uint8_t>(full[g] >> 8);
    out[2 * g + 1] = static_cast<uint8_t>(full[g]);
  }
  return true;
}

// Mask of the first `bits` bits of byte `index` of a prefix of length `length`.
uint8_t MaskByte(int length, int index) {
  const int bits = length - 8 * index;
  if (bits >= 8) return 0xff;
  if (bits <= 0) return 0;
  return static_cast<uint8_t>(0xff << (8 - bits));
}

}  // namespace

absl::string_view FamilyName(Family family) {
  return family == Family::kIpv4 ? "IPv4" : "IPv6";
}

IpAddress IpAddress::V6(const std::array<uint8_t, 16>& bytes) {
  IpAddress a;
  a.family_ = Family::kIpv6;
  a.bytes_ = bytes;
  return a;
}

absl::StatusOr<IpAddress> IpAddress::FromBytes(absl::Span<const uint8_t> bytes) {
  if (bytes.size() == 4) return V4(bytes[0], bytes[1], bytes[2], bytes[3]);
  if (bytes.size() == 16) {
    std::array<uint8_t, 16> b;
    std::memcpy(b.data(), bytes.data(), 16);
    return V6(b);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("an IP address has 4 or 16 bytes, not ", bytes.size()));
}

absl::StatusOr<IpAddress> IpAddress::Parse(absl::string_view text) {
  if (text.find(':') != absl::string_view::npos) {
    std::array<uint8_t, 16> bytes;
    if (!ParseV6(text, bytes)) return NotAnAddress(text);
    return V6(bytes);
  }
  uint8_t quad[4];
  if (!ParseDottedQuad(text, quad)) return NotAnAddress(text);
  return V4(quad[0], quad[1], quad[2], quad[3]);
}

IpAddress IpAddress::Any(Family family) {
  return family == Family::kIpv4 ? V4(0) : V6({});
}

IpAddress IpAddress::Loopback(Family family) {
  if (family == Family::kIpv4) return V4(127, 0, 0, 1);
  std::array<uint8_t, 16> b{};
  b[15] = 1;
  return V6(b);
}

uint32_t IpAddress::v4() const {
  if (!is_v4()) return 0;
  return uint32_t{bytes_[0]} << 24 | uint32_t{bytes_[1]} << 16 | uint32_t{bytes_[2]} << 8 |
         bytes_[3];
}

bool IpAddress::IsUnspecified() const {
  for (uint8_t b : bytes()) {
    if (b != 0) return false;
  }
  return true;
}

bool IpAddress::IsLoopback() const {
  if (is_v4()) return bytes_[0] == 127;
  return *this == Loopback(Family::kIpv6);
}

bool IpAddress::IsLimitedBroadcast() const { return is_v4() && v4() == 0xffffffffu; }

bool IpAddress::IsMulticast() const {
  return is_v4() ? (bytes_[0] & 0xf0) == 0xe0 : bytes_[0] == 0xff;
}

std::string IpAddress::ToString() const {
  if (is_v4()) return absl::StrCat(bytes_[0], ".", bytes_[1], ".", bytes_[2], ".", bytes_[3]);
  uint16_t groups[8];
  for (int g = 0; g < 8; ++g) groups[g] = static_cast<uint16_t>(bytes_[2 * g] << 8 | bytes_[2 * g + 1]);
  // IPv4-mapped: ::ffff:a.b.c.d (RFC 5952 section 5).
  if (groups[0] == 0 && groups[1] == 0 && groups[2] == 0 && groups[3] == 0 && groups[4] == 0 &&
      groups[5] == 0xffff) {
    return absl::StrCat("::ffff:", bytes_[12], ".", bytes_[13], ".", bytes_[14], ".", bytes_[15]);
  }
  // The longest run of >= 2 zero groups (the first on a tie) becomes "::".
  int best_start = -1, best_len = 0;
  for (int g = 0; g < 8;) {
    if (groups[g] != 0) {
      ++g;
      continue;
    }
    int end = g;
    while (end < 8 && groups[end] == 0) ++end;
    if (end - g > best_len) {
      best_start = g;
      best_len = end - g;
    }
    g = end;
  }
  if (best_len < 2) best_start = -1;
  std::string out;
  for (int g = 0; g < 8; ++g) {
    if (g == best_start) {
      out += "::";
      g += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    absl::StrAppend(&out, absl::Hex(groups[g]));
  }
  return out;
}

absl::StatusOr<Prefix> Prefix::Make(const IpAddress& address, int length) {
  const int max = address.is_v4() ? 32 : 128;
  if (length < 0 || length > max) {
    return absl::InvalidArgumentError(absl::StrCat("prefix length ", length,
                                                   " is out of range for ",
                                                   FamilyName(address.family()), " (0..", max,
                                                   ")"));
  }
  Prefix p;
  p.address_ = address;
  p.length_ = length;
  return p;
}

absl::StatusOr<Prefix> Prefix::Parse(absl::string_view text) {
  const size_t slash = text.find('/');
  absl::StatusOr<IpAddress> address = IpAddress::Parse(text.substr(0, slash));
  if (!address.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a prefix: \"", text, "\" (", address.status().message(), ")"));
  }
  const int max = address->is_v4() ? 32 : 128;
  int length = max;
  if (slash != absl::string_view::npos) {
    const absl::string_view digits = text.substr(slash + 1);
    bool ok = !digits.empty() && digits.size() <= 3;
    for (char c : digits) ok = ok && c >= '0' && c <= '9';
    if (!ok || !absl::SimpleAtoi(digits, &length)) {
      return absl::InvalidArgumentError(
          absl::StrCat("not a prefix: \"", text, "\" (the length is not a decimal number)"));
    }
  }
  absl::StatusOr<Prefix> p = Make(*address, length);
  if (!p.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a prefix: \"", text, "\" (", p.status().message(), ")"));
  }
  return p;
}

IpAddress Prefix::network() const {
  std::array<uint8_t, 16> b{};
  const absl::Span<const uint8_t> in = address_.bytes();
  for (size_t i = 0; i < in.size(); ++i) b[i] = in[i] & MaskByte(length_, static_cast<int>(i));
  if (address_.is_v4()) return IpAddress::V4(b[0], b[1], b[2], b[3]);
  return IpAddress::V6(b);
}

bool Prefix::Contains(const IpAddress& a) const {
  if (a.family() != address_.family()) return false;
  const absl::Span<const uint8_t> x = a.bytes();
  const absl::Span<const uint8_t> y = address_.bytes();
  for (size_t i = 0; i < x.size(); ++i) {
    const uint8_t mask = MaskByte(length_, static_cast<int>(i));
    if (mask == 0) break;
    if ((x[i] & mask) != (y[i] & mask)) return false;
  }
  return true;
}

IpAddress Prefix::Broadcast() const {
  if (!address_.is_v4() || length_ >= 31) return IpAddress::LimitedBroadcast();
  const uint32_t host_mask = length_ == 0 ? 0xffffffffu : (0xffffffffu >> length_);
  return IpAddress::V4(address_.v4() | host_mask);
}

std::string Prefix::ToString() const { return absl::StrCat(address_.ToString(), "/", length_); }

}  // namespace ws2sim::sim::net
