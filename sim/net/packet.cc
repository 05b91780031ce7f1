#include "sim/net/packet.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "sim/net/checksum.h"

namespace ws2sim::sim::net {
namespace {

[[noreturn]] void BrokenPrecondition(const std::string& what) {
  std::fprintf(stderr, "ws2sim net: packet builder precondition broken: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

inline void Put16(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
inline void Put32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}
inline uint16_t Get16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
inline uint32_t Get32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}

uint32_t IpHeaderBytes(const IpSpec& spec) {
  return spec.src.is_v4() ? kIpv4HeaderBytes : kIpv6HeaderBytes;
}

// Writes the IP header for `payload_bytes` of `protocol` at the front of `out` (already sized).
void WriteIpHeader(const IpSpec& spec, uint8_t protocol, uint32_t payload_bytes, uint8_t* out) {
  if (spec.src.family() != spec.dst.family()) {
    BrokenPrecondition(absl::StrCat("source ", spec.src.ToString(), " and destination ",
                                    spec.dst.ToString(), " are of different families"));
  }
  if (spec.src.is_v4()) {
    const uint32_t total = kIpv4HeaderBytes + payload_bytes;
    if (total > kMaxIpv4DatagramBytes) {
      BrokenPrecondition(absl::StrCat("IPv4 datagram of ", total, " bytes exceeds ",
                                      kMaxIpv4DatagramBytes));
    }
    out[0] = 0x45;
    out[1] = spec.tos;
    Put16(out + 2, total);
    Put16(out + 4, spec.id);
    Put16(out + 6, spec.dont_fragment ? 0x4000 : 0);
    out[8] = spec.ttl;
    out[9] = protocol;
    Put16(out + 10, 0);
    std::memcpy(out + 12, spec.src.bytes().data(), 4);
    std::memcpy(out + 16, spec.dst.bytes().data(), 4);
    Put16(out + 10, InternetChecksum(absl::MakeConstSpan(out, kIpv4HeaderBytes)));
  } else {
    if (payload_bytes > kMaxIpv6PayloadBytes) {
      BrokenPrecondition(absl::StrCat("IPv6 payload of ", payload_bytes, " bytes exceeds ",
                                      kMaxIpv6PayloadBytes));
    }
    Put32(out, 6u << 28 | uint32_t{spec.tos} << 20 | (spec.flow_label & 0xfffff));
    Put16(out + 4, payload_bytes);
    out[6] = protocol;
    out[7] = spec.ttl;
    std::memcpy(out + 8, spec.src.bytes().data(), 16);
    std::memcpy(out + 24, spec.dst.bytes().data(), 16);
  }
}

absl::Status Malformed(absl::string_view what) { return absl::InvalidArgumentError(what); }

absl::Status BadChecksum(absl::string_view what, uint16_t field, uint16_t sum) {
  return absl::DataLossError(absl::StrFormat("%s checksum 0x%04x is wrong (the sum over the %s "
                                             "is 0x%04x, not 0)",
                                             what, field,
                                             what == "IPv4 header" ? "header" : "segment", sum));
}

}  // namespace

Packet BuildIp(const IpSpec& spec, uint8_t protocol, absl::Span<const uint8_t> payload) {
  const uint32_t header = IpHeaderBytes(spec);
  Packet packet;
  packet.bytes.reserve(header + payload.size());
  packet.bytes.resize(header);
  WriteIpHeader(spec, protocol, static_cast<uint32_t>(payload.size()), packet.bytes.data());
  packet.bytes.insert(packet.bytes.end(), payload.begin(), payload.end());
  return packet;
}

Packet BuildUdp(const UdpSpec& spec) {
  const uint32_t header = IpHeaderBytes(spec.ip);
  const uint32_t udp_bytes = kUdpHeaderBytes + static_cast<uint32_t>(spec.payload.size());
  if (udp_bytes > 65535) {
    BrokenPrecondition(absl::StrCat("UDP datagram of ", udp_bytes, " bytes exceeds 65535"));
  }
  Packet packet;
  packet.bytes.reserve(header + udp_bytes);
  packet.bytes.resize(header + kUdpHeaderBytes);
  uint8_t* ip = packet.bytes.data();
  WriteIpHeader(spec.ip, kProtoUdp, udp_bytes, ip);
  uint8_t* udp = ip + header;
  Put16(udp, spec.src_port);
  Put16(udp + 2, spec.dst_port);
  Put16(udp + 4, udp_bytes);
  Put16(udp + 6, 0);
  packet.bytes.insert(packet.bytes.end(), spec.payload.begin(), spec.payload.end());
  udp = packet.bytes.data() + header;
  if (!(spec.no_checksum && spec.ip.src.is_v4())) {
    uint16_t sum = TransportChecksum(spec.ip.src, spec.ip.dst, kProtoUdp,
                                     absl::MakeConstSpan(udp, udp_bytes));
    if (sum == 0) sum = 0xffff;  // RFC 768: a computed 0 is sent as all ones
    Put16(udp + 6, sum);
  }
  return packet;
}

Packet BuildTcp(const TcpSpec& spec) {
  if (spec.options.size() > kMaxTcpOptionBytes) {
    BrokenPrecondition(absl::StrCat(spec.options.size(), " bytes of TCP options exceed ",
                                    kMaxTcpOptionBytes));
  }
  const uint32_t header = IpHeaderBytes(spec.ip);
  const uint32_t option_bytes = (static_cast<uint32_t>(spec.options.size()) + 3) & ~3u;
  const uint32_t tcp_header = kTcpHeaderBytes + option_bytes;
  const uint32_t tcp_bytes = tcp_header + static_cast<uint32_t>(spec.payload.size());
  Packet packet;
  // The headers zero-filled (option padding is End-of-list), then the payload appended: the
  // payload bytes are written once.
  packet.bytes.reserve(header + tcp_bytes);
  packet.bytes.resize(header + tcp_header);
  uint8_t* ip = packet.bytes.data();
  WriteIpHeader(spec.ip, kProtoTcp, tcp_bytes, ip);
  uint8_t* tcp = ip + header;
  Put16(tcp, spec.src_port);
  Put16(tcp + 2, spec.dst_port);
  Put32(tcp + 4, spec.seq);
  Put32(tcp + 8, spec.ack);
  tcp[12] = static_cast<uint8_t>((tcp_header / 4) << 4);
  tcp[13] = spec.flags;
  Put16(tcp + 14, spec.window);
  Put16(tcp + 16, 0);
  Put16(tcp + 18, spec.urgent_pointer);
  if (!spec.options.empty()) std::memcpy(tcp + 20, spec.options.data(), spec.options.size());
  packet.bytes.insert(packet.bytes.end(), spec.payload.begin(), spec.payload.end());
  tcp = packet.bytes.data() + header;
  Put16(tcp + 16, TransportChecksum(spec.ip.src, spec.ip.dst, kProtoTcp,
                                    absl::MakeConstSpan(tcp, tcp_bytes)));
  return packet;
}

std::vector<uint8_t> TcpMssOption(uint16_t mss) {
  return {kTcpOptionMss, 4, static_cast<uint8_t>(mss >> 8), static_cast<uint8_t>(mss)};
}

std::vector<uint8_t> TcpWindowScaleOption(uint8_t shift) {
  return {kTcpOptionWindowScale, 3, shift};
}

std::optional<absl::Span<const uint8_t>> FindTcpOption(absl::Span<const uint8_t> options,
                                                       uint8_t kind) {
  size_t i = 0;
  while (i < options.size()) {
    const uint8_t k = options[i];
    if (k == kTcpOptionEnd) return std::nullopt;
    if (k == kTcpOptionNop) {
      ++i;
      continue;
    }
    if (i + 1 >= options.size()) return std::nullopt;
    const uint8_t length = options[i + 1];
    if (length < 2 || i + length > options.size()) return std::nullopt;
    if (k == kind) return options.subspan(i + 2, length - 2);
    i += length;
  }
  return std::nullopt;
}

bool ParsedPacket::PortsOf(uint16_t& src_port, uint16_t& dst_port) const {
  if (udp) {
    src_port = udp->src_port;
    dst_port = udp->dst_port;
    return true;
  }
  if (tcp) {
    src_port = tcp->src_port;
    dst_port = tcp->dst_port;
    return true;
  }
  if ((ip.protocol == kProtoTcp || ip.protocol == kProtoUdp) && ip.fragment_offset_bytes == 0 &&
      ip_payload.size() >= 4) {
    src_port = Get16(ip_payload.data());
    dst_port = Get16(ip_payload.data() + 2);
    return true;
  }
  return false;
}

absl::StatusOr<ParsedPacket> Parse(absl::Span<const uint8_t> bytes, ParseOptions options) {
  ParsedPacket out;
  ParsedIp& ip = out.ip;
  if (bytes.empty()) return Malformed("empty packet");
  const uint8_t version = bytes[0] >> 4;
  if (version == 4) {
    if (bytes.size() < kIpv4HeaderBytes) {
      return Malformed(absl::StrCat("IPv4 packet of ", bytes.size(),
                                    " bytes is shorter than the 20-byte header"));
    }
    ip.family = Family::kIpv4;
    ip.header_bytes = (bytes[0] & 0x0f) * 4u;
    if (ip.header_bytes < kIpv4HeaderBytes) {
      return Malformed(absl::StrCat("IPv4 header length ", ip.header_bytes, " is below 20"));
    }
    ip.total_bytes = Get16(&bytes[2]);
    if (ip.total_bytes != bytes.size()) {
      return Malformed(absl::StrCat("IPv4 total length ", ip.total_bytes, " differs from the ",
                                    bytes.size(), " bytes present"));
    }
    if (ip.header_bytes > ip.total_bytes) {
      return Malformed(absl::StrCat("IPv4 header length ", ip.header_bytes,
                                    " exceeds the total length ", ip.total_bytes));
    }
    if (options.verify_checksums) {
      const uint16_t sum = InternetChecksum(bytes.subspan(0, ip.header_bytes));
      if (sum != 0) return BadChecksum("IPv4 header", Get16(&bytes[10]), sum);
    }
    ip.tos = bytes[1];
    ip.id = Get16(&bytes[4]);
    const uint16_t frag = Get16(&bytes[6]);
    ip.dont_fragment = (frag & 0x4000) != 0;
    ip.more_fragments = (frag & 0x2000) != 0;
    ip.fragment_offset_bytes = (frag & 0x1fffu) * 8u;
    ip.ttl = bytes[8];
    ip.protocol = bytes[9];
    ip.src = IpAddress::V4(bytes[12], bytes[13], bytes[14], bytes[15]);
    ip.dst = IpAddress::V4(bytes[16], bytes[17], bytes[18], bytes[19]);
  } else if (version == 6) {
    if (bytes.size() < kIpv6HeaderBytes) {
      return Malformed(absl::StrCat("IPv6 packet of ", bytes.size(),
                                    " bytes is shorter than the 40-byte header"));
    }
    ip.family = Family::kIpv6;
    ip.header_bytes = kIpv6HeaderBytes;
    ip.total_bytes = kIpv6HeaderBytes + Get16(&bytes[4]);
    if (ip.total_bytes != bytes.size()) {
      return Malformed(absl::StrCat("IPv6 payload length ", ip.total_bytes - kIpv6HeaderBytes,
                                    " differs from the ", bytes.size() - kIpv6HeaderBytes,
                                    " bytes present after the header"));
    }
    const uint32_t word = Get32(&bytes[0]);
    ip.tos = static_cast<uint8_t>(word >> 20);
    ip.flow_label = word & 0xfffff;
    ip.protocol = bytes[6];
    ip.ttl = bytes[7];
    std::array<uint8_t, 16> a;
    std::memcpy(a.data(), &bytes[8], 16);
    ip.src = IpAddress::V6(a);
    std::memcpy(a.data(), &bytes[24], 16);
    ip.dst = IpAddress::V6(a);
  } else {
    return Malformed(absl::StrCat("IP version ", version, " is neither 4 nor 6"));
  }
  out.ip_payload = bytes.subspan(ip.header_bytes);
  if (ip.is_fragment()) return out;

  const absl::Span<const uint8_t> segment = out.ip_payload;
  if (ip.protocol == kProtoUdp) {
    if (segment.size() < kUdpHeaderBytes) {
      return Malformed(absl::StrCat("UDP datagram of ", segment.size(),
                                    " bytes is shorter than the 8-byte header"));
    }
    const uint16_t length = Get16(&segment[4]);
    if (length != segment.size()) {
      return Malformed(absl::StrCat("UDP length ", length, " differs from the ", segment.size(),
                                    " bytes of the IP payload"));
    }
    ParsedUdp& udp = out.udp.emplace();
    udp.src_port = Get16(&segment[0]);
    udp.dst_port = Get16(&segment[2]);
    udp.checksum = Get16(&segment[6]);
    udp.payload = segment.subspan(kUdpHeaderBytes);
    if (options.verify_checksums) {
      if (udp.checksum == 0 && ip.family == Family::kIpv6) {
        out.udp.reset();
        return absl::DataLossError("UDP checksum 0 is not allowed over IPv6 (RFC 8200 8.1)");
      }
      if (udp.checksum != 0) {
        const uint16_t sum = TransportChecksum(ip.src, ip.dst, kProtoUdp, segment);
        if (sum != 0) return BadChecksum("UDP", udp.checksum, sum);
      }
    }
  } else if (ip.protocol == kProtoTcp) {
    if (segment.size() < kTcpHeaderBytes) {
      return Malformed(absl::StrCat("TCP segment of ", segment.size(),
                                    " bytes is shorter than the 20-byte header"));
    }
    ParsedTcp& tcp = out.tcp.emplace();
    tcp.header_bytes = (segment[12] >> 4) * 4u;
    if (tcp.header_bytes < kTcpHeaderBytes || tcp.header_bytes > segment.size()) {
      const uint32_t offset = tcp.header_bytes;
      out.tcp.reset();
      return Malformed(absl::StrCat("TCP data offset ", offset, " bytes does not fit the ",
                                    segment.size(), "-byte segment"));
    }
    tcp.src_port = Get16(&segment[0]);
    tcp.dst_port = Get16(&segment[2]);
    tcp.seq = Get32(&segment[4]);
    tcp.ack = Get32(&segment[8]);
    tcp.flags = segment[13];
    tcp.window = Get16(&segment[14]);
    tcp.checksum = Get16(&segment[16]);
    tcp.urgent_pointer = Get16(&segment[18]);
    tcp.options = segment.subspan(kTcpHeaderBytes, tcp.header_bytes - kTcpHeaderBytes);
    tcp.payload = segment.subspan(tcp.header_bytes);
    if (options.verify_checksums) {
      const uint16_t sum = TransportChecksum(ip.src, ip.dst, kProtoTcp, segment);
      if (sum != 0) return BadChecksum("TCP", tcp.checksum, sum);
    }
  }
  return out;
}

std::string FlowString(const ParsedPacket& parsed) {
  const ParsedIp& ip = parsed.ip;
  absl::string_view name;
  std::string other;
  switch (ip.protocol) {
    case kProtoTcp:
      name = "tcp";
      break;
    case kProtoUdp:
      name = "udp";
      break;
    case kProtoIcmp:
      name = "icmp";
      break;
    case kProtoIcmpV6:
      name = "icmp6";
      break;
    default:
      other = absl::StrCat("ip-proto-", ip.protocol);
      name = other;
      break;
  }
  uint16_t src_port = 0, dst_port = 0;
  if (!parsed.PortsOf(src_port, dst_port)) {
    return absl::StrCat(name, " ", ip.src.ToString(), " > ", ip.dst.ToString());
  }
  auto endpoint = [&](const IpAddress& a, uint16_t port) {
    return a.is_v4() ? absl::StrCat(a.ToString(), ":", port)
                     : absl::StrCat("[", a.ToString(), "]:", port);
  };
  return absl::StrCat(name, " ", endpoint(ip.src, src_port), " > ", endpoint(ip.dst, dst_port));
}

std::string TcpFlagsString(uint8_t flags) {
  std::string out;
  static constexpr struct {
    uint8_t bit;
    char letter;
  } kLetters[] = {{kTcpSyn, 'S'}, {kTcpFin, 'F'}, {kTcpPsh, 'P'}, {kTcpRst, 'R'},
                  {kTcpUrg, 'U'}, {kTcpCwr, 'W'}, {kTcpEce, 'E'}, {kTcpAck, '.'}};
  for (const auto& l : kLetters) {
    if (flags & l.bit) out += l.letter;
  }
  return out;
}

absl::StatusOr<std::vector<Packet>> FragmentIpv4(absl::Span<const uint8_t> datagram,
                                                 uint32_t mtu_bytes) {
  absl::StatusOr<ParsedPacket> parsed = Parse(datagram, {.verify_checksums = false});
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot fragment: ", parsed.status().message()));
  }
  const ParsedIp& ip = parsed->ip;
  if (ip.family != Family::kIpv4) {
    return absl::InvalidArgumentError("cannot fragment: only IPv4 datagrams are fragmented");
  }
  std::vector<Packet> out;
  if (datagram.size() <= mtu_bytes) {
    out.push_back(Packet{std::vector<uint8_t>(datagram.begin(), datagram.end())});
    return out;
  }
  if (ip.dont_fragment) {
    return absl::FailedPreconditionError(absl::StrCat("datagram of ", datagram.size(),
                                                      " bytes exceeds the MTU of ", mtu_bytes,
                                                      " bytes and DF is set"));
  }
  // Options of later fragments: those with the copied bit (type & 0x80).
  const absl::Span<const uint8_t> first_options =
      datagram.subspan(kIpv4HeaderBytes, ip.header_bytes - kIpv4HeaderBytes);
  std::vector<uint8_t> later_options;
  for (size_t i = 0; i < first_options.size();) {
    const uint8_t type = first_options[i];
    if (type == 0) break;
    if (type == 1) {
      ++i;
      continue;
    }
    if (i + 1 >= first_options.size()) break;
    const uint8_t length = first_options[i + 1];
    if (length < 2 || i + length > first_options.size()) break;
    if (type & 0x80) {
      later_options.insert(later_options.end(), first_options.begin() + i,
                           first_options.begin() + i + length);
    }
    i += length;
  }
  while (later_options.size() % 4 != 0) later_options.push_back(0);
  const uint32_t later_header = kIpv4HeaderBytes + static_cast<uint32_t>(later_options.size());

  const absl::Span<const uint8_t> data = parsed->ip_payload;
  const uint32_t base_offset = ip.fragment_offset_bytes;
  if (mtu_bytes < ip.header_bytes + 8 || mtu_bytes < later_header + 8) {
    return absl::FailedPreconditionError(absl::StrCat(
        "an MTU of ", mtu_bytes, " bytes cannot carry a ", ip.header_bytes,
        "-byte IPv4 header and 8 bytes of data"));
  }
  size_t done = 0;
  while (done < data.size()) {
    const bool first = done == 0;
    const uint32_t header = first ? ip.header_bytes : later_header;
    size_t chunk = data.size() - done;
    const bool last = header + chunk <= mtu_bytes;
    if (!last) chunk = (mtu_bytes - header) & ~size_t{7};
    Packet fragment;
    fragment.bytes.resize(header + chunk);
    uint8_t* p = fragment.bytes.data();
    std::memcpy(p, datagram.data(), kIpv4HeaderBytes);
    if (first) {
      std::memcpy(p + kIpv4HeaderBytes, first_options.data(), first_options.size());
    } else if (!later_options.empty()) {
      std::memcpy(p + kIpv4HeaderBytes, later_options.data(), later_options.size());
    }
    std::memcpy(p + header, data.data() + done, chunk);
    p[0] = static_cast<uint8_t>(0x40 | header / 4);
    Put16(p + 2, static_cast<uint32_t>(header + chunk));
    const bool more = !last || ip.more_fragments;
    const uint32_t offset_units = static_cast<uint32_t>((base_offset + done) / 8);
    Put16(p + 6, (more ? 0x2000u : 0u) | offset_units);
    Put16(p + 10, 0);
    Put16(p + 10, InternetChecksum(absl::MakeConstSpan(p, header)));
    out.push_back(std::move(fragment));
    done += chunk;
  }
  return out;
}

bool DecrementTtl(Packet& packet) {
  if (packet.bytes.empty()) return false;
  uint8_t* p = packet.bytes.data();
  if ((p[0] >> 4) == 4) {
    if (packet.bytes.size() < kIpv4HeaderBytes || p[8] <= 1) return false;
    // RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), m the 16-bit word holding TTL and protocol.
    const uint16_t old_word = Get16(p + 8);
    --p[8];
    const uint16_t new_word = Get16(p + 8);
    uint32_t sum = static_cast<uint16_t>(~Get16(p + 10));
    sum += static_cast<uint16_t>(~old_word);
    sum += new_word;
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    Put16(p + 10, static_cast<uint16_t>(~sum));
    return true;
  }
  if (packet.bytes.size() < kIpv6HeaderBytes || p[7] <= 1) return false;
  --p[7];
  return true;
}

}  // namespace ws2sim::sim::net
