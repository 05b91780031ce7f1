// Packets of the virtual network: real IPv4 (RFC 791) and IPv6 (RFC 8200) datagrams carrying real
// UDP (RFC 768) and TCP (RFC 793) segments, every multi-byte field in network byte order and every
// checksum correct. Builders make them from specs; Parse validates and reads them back.
//
// A Packet is the bytes of one IP datagram, IP header first; nothing else travels with it. IPv4
// headers are built without options (IHL 5) but parsed with them; IPv6 is the fixed header only:
// its Next Header is taken as the transport protocol (extension headers are not interpreted).
#ifndef WS2SIM_SIM_NET_PACKET_H_
#define WS2SIM_SIM_NET_PACKET_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "sim/net/address.h"

namespace ws2sim::sim::net {

// IP protocol numbers (IANA), as in IPPROTO_*.
inline constexpr uint8_t kProtoIcmp = 1;
inline constexpr uint8_t kProtoTcp = 6;
inline constexpr uint8_t kProtoUdp = 17;
inline constexpr uint8_t kProtoIcmpV6 = 58;

// TCP header flags (RFC 793, RFC 3168).
inline constexpr uint8_t kTcpFin = 0x01;
inline constexpr uint8_t kTcpSyn = 0x02;
inline constexpr uint8_t kTcpRst = 0x04;
inline constexpr uint8_t kTcpPsh = 0x08;
inline constexpr uint8_t kTcpAck = 0x10;
inline constexpr uint8_t kTcpUrg = 0x20;
inline constexpr uint8_t kTcpEce = 0x40;
inline constexpr uint8_t kTcpCwr = 0x80;

// TCP option kinds (RFC 793, RFC 7323).
inline constexpr uint8_t kTcpOptionEnd = 0;
inline constexpr uint8_t kTcpOptionNop = 1;
inline constexpr uint8_t kTcpOptionMss = 2;
inline constexpr uint8_t kTcpOptionWindowScale = 3;

inline constexpr uint32_t kIpv4HeaderBytes = 20;  // without options
inline constexpr uint32_t kIpv6HeaderBytes = 40;
inline constexpr uint32_t kUdpHeaderBytes = 8;
inline constexpr uint32_t kTcpHeaderBytes = 20;   // without options
inline constexpr uint32_t kMaxTcpOptionBytes = 40;
// The largest datagram: IPv4 total length and IPv6 payload length are 16-bit fields.
inline constexpr uint32_t kMaxIpv4DatagramBytes = 65535;
inline constexpr uint32_t kMaxIpv6PayloadBytes = 65535;

struct Packet {
  std::vector<uint8_t> bytes;  // one whole IP datagram

  size_t size() const { return bytes.size(); }
  absl::Span<const uint8_t> span() const { return bytes; }
};

// The IP header fields a builder sets. src and dst must have the same family; the family decides
// between IPv4 and IPv6.
struct IpSpec {
  IpAddress src;
  IpAddress dst;
  uint8_t ttl = 64;             // IPv6: hop limit
  uint8_t tos = 0;              // IPv6: traffic class
  uint16_t id = 0;              // IPv4 identification (fragments of one datagram share it)
  bool dont_fragment = false;   // IPv4 DF
  uint32_t flow_label = 0;      // IPv6, low 20 bits
};

struct UdpSpec {
  IpSpec ip;
  uint16_t src_port = 0;
  uint16_t dst_port = 0;
  absl::Span<const uint8_t> payload;
  // IPv4 only: send checksum 0 ("no checksum", RFC 768). IPv6 always has one (RFC 8200 8.1).
  bool no_checksum = false;
};

struct TcpSpec {
  IpSpec ip;
  uint16_t src_port = 0;
  uint16_t dst_port = 0;
  uint32_t seq = 0;
  uint32_t ack = 0;
  uint8_t flags = 0;  // kTcp* bits
  uint16_t window = 0;
  uint16_t urgent_pointer = 0;
  // Raw option bytes (e.g. TcpMssOption(1460)), at most 40; padded with End-of-option-list zero
  // bytes to a multiple of 4.
  absl::Span<const uint8_t> options;
  absl::Span<const uint8_t> payload;
};

// The builders' preconditions are the caller's to keep (a provider checks user sizes first and
// reports WSAEMSGSIZE): src and dst of one family; the datagram fits its length field
// (kMaxIpv4DatagramBytes, kMaxIpv6PayloadBytes); at most kMaxTcpOptionBytes of options. A broken
// precondition is a bug and aborts with a message saying which.
Packet BuildUdp(const UdpSpec& spec);
Packet BuildTcp(const TcpSpec& spec);
// Any other protocol: the IP header and `payload` as given (an ICMP message, raw sockets).
Packet BuildIp(const IpSpec& spec, uint8_t protocol, absl::Span<const uint8_t> payload);

// Option bytes: MSS {2, 4, mss} and window scale {3, 3, shift}.
std::vector<uint8_t> TcpMssOption(uint16_t mss);
std::vector<uint8_t> TcpWindowScaleOption(uint8_t shift);
// The data of the first option of `kind` in raw TCP option bytes (without kind and length
// bytes), or nullopt when absent or when the options are malformed before it.
std::optional<absl::Span<const uint8_t>> FindTcpOption(absl::Span<const uint8_t> options,
                                                       uint8_t kind);

struct ParsedIp {
  Family family = Family::kIpv4;
  IpAddress src;
  IpAddress dst;
  uint8_t protocol = 0;      // IPv6: Next Header
  uint8_t ttl = 0;           // IPv6: hop limit
  uint8_t tos = 0;           // IPv6: traffic class
  uint16_t id = 0;           // IPv4 only
  bool dont_fragment = false;
  bool more_fragments = false;
  uint32_t fragment_offset_bytes = 0;  // IPv4: the 13-bit field times 8
  uint32_t flow_label = 0;             // IPv6 only
  uint32_t header_bytes = 0;           // IPv4: IHL * 4; IPv6: 40
  uint32_t total_bytes = 0;            // the whole datagram

  bool is_fragment() const { return more_fragments || fragment_offset_bytes != 0; }
};

struct ParsedUdp {
  uint16_t src_port = 0;
  uint16_t dst_port = 0;
  uint16_t checksum = 0;  // as on the wire; 0 = none (IPv4)
  absl::Span<const uint8_t> payload;
};

struct ParsedTcp {
  uint16_t src_port = 0;
  uint16_t dst_port = 0;
  uint32_t seq = 0;
  uint32_t ack = 0;
  uint8_t flags = 0;
  uint16_t window = 0;
  uint16_t urgent_pointer = 0;
  uint16_t checksum = 0;
  uint32_t header_bytes = 0;  // data offset * 4
  absl::Span<const uint8_t> options;
  absl::Span<const uint8_t> payload;
};

// Views into the parsed bytes, which must outlive it.
struct ParsedPacket {
  ParsedIp ip;
  absl::Span<const uint8_t> ip_payload;  // everything after the IP header
  // Set for UDP and TCP datagrams that are not fragments (a fragment's transport header is read
  // after reassembly).
  std::optional<ParsedUdp> udp;
  std::optional<ParsedTcp> tcp;

  // Ports of a UDP or TCP datagram, or of the first fragment of one whose header is there.
  // False for other protocols and for later fragments.
  bool PortsOf(uint16_t& src_port, uint16_t& dst_port) const;
};

struct ParseOptions {
  // False: structure and lengths only (the sender's own packets, summaries for the trace).
  bool verify_checksums = true;
};

// Validates and reads one datagram. The bytes must be exactly one datagram (IPv4 total length or
// IPv6 40 + payload length equals bytes.size()). Errors:
//  - absl::DataLossError when only a checksum is wrong (IPv4 header, TCP, UDP; a UDP/IPv6 checksum
//    of 0), e.g. "UDP checksum 0x1234 is wrong (the sum over the segment is 0x00ff, not 0)";
//  - absl::InvalidArgumentError for anything malformed: a version other than 4 or 6, a header or
//    length field that does not fit the bytes, a UDP length or TCP data offset that does not fit
//    the datagram, e.g. "IPv4 total length 60 differs from the 40 bytes present".
absl::StatusOr<ParsedPacket> Parse(absl::Span<const uint8_t> bytes, ParseOptions options = {});

// "tcp 10.0.0.1:49152 > 10.0.0.2:80", "udp [::1]:53 > [::1]:5353", "icmp 10.0.0.1 > 10.0.0.2":
// the flow of a parsed datagram (ports when PortsOf has them).
std::string FlowString(const ParsedPacket& parsed);
// "S", "S.", ".", "FP.", ...: tcpdump's flag letters (S F P R U W E, then '.' for ACK).
std::string TcpFlagsString(uint8_t flags);

// IPv4 fragmentation (RFC 791 section 3.2): splits `datagram` (a valid IPv4 datagram; it may be a
// fragment itself) into fragments of at most `mtu_bytes`, each carrying a multiple of 8 data bytes
// except the last. The first keeps every option, later ones only options with the "copied" bit.
// Errors: FailedPreconditionError if DF is set ("... DF is set"), or if `mtu_bytes` cannot carry
// a header and 8 data bytes; InvalidArgumentError if `datagram` is not IPv4 or does not parse.
// A datagram that already fits is returned alone, unchanged.
absl::StatusOr<std::vector<Packet>> FragmentIpv4(absl::Span<const uint8_t> datagram,
                                                 uint32_t mtu_bytes);

// For forwarding: decrements the TTL / hop limit of a valid datagram in place and fixes the IPv4
// header checksum (RFC 1624). Returns false (and changes nothing) if the TTL is already 0 or 1.
bool DecrementTtl(Packet& packet);

}  // namespace ws2sim::sim::net

#endif  // WS2SIM_SIM_NET_PACKET_H_
