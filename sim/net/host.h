// Hosts of the virtual network: interfaces with IPv4 and IPv6 addresses, a routing table, sending
// (routing, IPv4 fragmentation), receiving (checksum checks, reassembly, demultiplexing by IP
// protocol to the handlers transport providers register) and, when enabled, forwarding.
//
// Every host has interface "lo" (loopback, 127.0.0.1/8 and ::1/128, MTU 65536) on a loopback
// link of its own ("lo", lane "lo <host>-><host>"). Hosts are made by Network::AddHost.
//
// Routing (Lookup), for a destination:
//  1. a loopback address or one of the host's own addresses: local, over "lo";
//  2. 255.255.255.255: broadcast on the interface that owns the source address, else on the first
//     interface (in the order added) with an IPv4 address;
//  3. otherwise the longest matching prefix among the connected routes (one per interface address,
//     added with it) and the static routes (AddRoute); on equal lengths a connected route wins,
//     then the route added first. A connected match whose subnet-directed broadcast address
//     (Prefix::Broadcast) is the destination is a broadcast on that interface;
//  4. nothing matches: no route.
// A route through a gateway sends to the gateway's link-layer neighbour; a route naming an
// interface sends to the destination directly on it. On a segment the next hop must be an address
// of another attached interface ("no_neighbor" drop otherwise); a point-to-point link always
// delivers to its peer.
//
// Receiving: a packet is for the host when its destination is one of its addresses (any
// interface: the weak host model), 255.255.255.255, the directed broadcast address of a prefix on
// the interface it came in on, or a loopback address arriving over "lo". A host with forwarding
// routes other packets on (TTL / hop limit - 1); without, it drops them ("not_for_host"). No ICMP
// is generated.
#ifndef WS2SIM_SIM_NET_HOST_H_
#define WS2SIM_SIM_NET_HOST_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sim/net/address.h"
#include "sim/net/context.h"
#include "sim/net/counters.h"
#include "sim/net/packet.h"
#include "sim/net/reassembly.h"
#include "sim/scheduler.h"

namespace ws2sim::sim::net {

class Host;
class Link;
class LinkDirection;
class Network;

inline constexpr uint32_t kDefaultMtuBytes = 1500;
inline constexpr uint32_t kLoopbackMtuBytes = 65536;

class Interface {
 public:
  const std::string& name() const { return name_; }
  Host& host() const { return host_; }
  uint32_t mtu_bytes() const { return mtu_bytes_; }
  // In the order added.
  const std::vector<Prefix>& addresses() const { return addresses_; }
  Link* link() const { return link_; }
  bool is_loopback() const { return loopback_; }
  // The first address of `family`, or nullopt.
  std::optional<IpAddress> FirstAddress(Family family) const;
  // True if `a` is the directed broadcast address of one of the IPv4 prefixes.
  bool IsDirectedBroadcast(const IpAddress& a) const;

 private:
  friend class Host;
  friend class Network;
  Interface(Host& host, std::string name, uint32_t mtu_bytes, bool loopback)
      : host_(host), name_(std::move(name)), mtu_bytes_(mtu_bytes), loopback_(loopback) {}

  Host& host_;
  std::string name_;
  uint32_t mtu_bytes_;
  bool loopback_;
  std::vector<Prefix> addresses_;
  Link* link_ = nullptr;
};

struct HostOptions {
  bool forwarding = false;                            // route packets for other hosts
  int64_t reassembly_timeout_ns = 60'000'000'000;     // IPv4 reassembly (Windows: 60 s)
};

// A static route. The destination's host bits must be clear.
struct Route {
  Prefix destination;
  std::optional<IpAddress> gateway;  // next hop; it must be in a prefix of one of the interfaces
  std::string interface;             // without a gateway: the interface to send on directly
  uint32_t mtu_bytes = 0;            // 0: the interface's MTU (a smaller one lowers it)
};

// The answer of Host::Lookup.
struct RouteInfo {
  enum class Kind : uint8_t { kLocal, kConnected, kStatic, kBroadcast };
  Kind kind = Kind::kConnected;
  Interface* interface = nullptr;
  IpAddress next_hop;    // the destination itself unless the route names a gateway
  IpAddress source;      // the address to send from: the interface's first one of the family
  uint32_t mtu_bytes = 0;
};

// What a protocol handler receives. The references are valid during the call only.
struct ReceivedPacket {
  const Packet& packet;        // the whole datagram (rebuilt if it came in fragments)
  const ParsedPacket& parsed;  // checksums verified; views into `packet`
  const Interface& interface;  // where it came in
  uint64_t id;                 // its trace packet id
};

using ProtocolHandler = absl::AnyInvocable<void(const ReceivedPacket&)>;

class Host {
 public:
  ~Host();
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

  const std::string& name() const { return name_; }
  LaneId lane() const { return lane_; }  // LANE_HOST, named after the host
  const HostOptions& options() const { return options_; }
  const HostCounters& counters() const { return counters_; }
  Network& network() const { return network_; }

  // Interfaces in the order added, "lo" first.
  const std::vector<std::unique_ptr<Interface>>& interfaces() const { return interfaces_; }
  // The interface called `name`, or null.
  Interface* FindInterface(absl::string_view name) const;
  Interface& loopback() const { return *interfaces_.front(); }
  // True if `a` is an address of one of the interfaces (loopback ones included).
  bool HasAddress(const IpAddress& a) const;

  // Adds an address ("10.0.0.1/24", "2001:db8::1/64") to `interface` and its connected route.
  // Errors (InvalidArgumentError / NotFoundError / AlreadyExistsError), e.g.
  //   "host a: unknown interface \"eth9\""
  //   "host a: address 10.0.0.1 is already assigned to host b interface eth0"
  absl::Status AddAddress(absl::string_view interface, absl::string_view prefix);
  absl::Status AddAddress(absl::string_view interface, const Prefix& prefix);

  // Adds a static route. Errors name the host and the route, e.g.
  //   "host a: route 10.1.0.0/16 via 10.0.9.1: gateway 10.0.9.1 is not in any prefix of host a's
  //    interfaces"
  //   "host a: route 10.1.0.1/16: the destination has host bits set (10.1.0.0/16?)"
  //   "host a: route 10.1.0.0/16 dev eth9: unknown interface \"eth9\""
  absl::Status AddRoute(const Route& route);
  // Text form: `destination` a prefix ("10.1.0.0/16", "0.0.0.0/0", "::/0"), `via` a gateway
  // address or an interface name.
  absl::Status AddRoute(absl::string_view destination, absl::string_view via,
                        uint32_t mtu_bytes = 0);

  // The route to `dst` (see the file comment). `src`, when given, picks the interface of a
  // limited broadcast. NotFoundError "host a: no route to 10.9.9.9".
  absl::StatusOr<RouteInfo> Lookup(const IpAddress& dst,
                                   const std::optional<IpAddress>& src = std::nullopt) const;

  // The transport for IP protocol `protocol` (kProtoTcp, kProtoUdp, ...); replaces any earlier
  // one, and an empty handler removes it. A handler may call Send; it must not replace itself.
  void SetProtocolHandler(uint8_t protocol, ProtocolHandler handler);

  // Routes and sends one datagram (built by BuildUdp/BuildTcp/BuildIp; its source address is the
  // caller's choice). An IPv4 datagram larger than the route's MTU is fragmented unless DF is set.
  // Returns OK once the packet (or each fragment or broadcast copy) is on a link, whatever the
  // link then does with it; otherwise the datagram is dropped, counted and traced on the host's
  // lane, and the status says why:
  //   UnavailableError      no route ("host a: no route to 10.9.9.9"), or the next hop is not on
  //                         the segment ("host a: next hop 10.0.0.9 is not on segment s1")
  //   OutOfRangeError       larger than the route MTU with DF set, or IPv6 ("host a: datagram of
  //                         2000 bytes exceeds the MTU of 1500 bytes of route 10.0.0.0/24 ...")
  //   InvalidArgumentError  the bytes are not a valid datagram
  absl::Status Send(Packet packet);

 private:
  friend class LinkDirection;
  friend class Network;

  struct RouteEntry {
    Prefix destination;  // host bits clear
    std::optional<IpAddress> gateway;
    Interface* interface = nullptr;
    uint32_t mtu_bytes = 0;
    bool connected = false;
    std::string description;  // for error messages
  };

  Host(Network& network, NetContext& context, std::string name, HostOptions options);

  Interface& AddInterface(std::string name, uint32_t mtu_bytes, bool loopback);
  // Routes `packet` (parsed without checksum checks) and transmits it. `forwarded_from` is the id
  // of the packet being forwarded (0 when the host originates it): host-level drops then name it.
  absl::Status RouteAndSend(Packet packet, const ParsedPacket& parsed, uint64_t forwarded_from);
  // A packet arrived over `via`.
  void Receive(Packet packet, uint64_t id, LinkDirection& via);
  void Dispatch(const Packet& packet, const ParsedPacket& parsed, uint64_t id,
                const Interface& interface, LaneId delivered_lane, bool record_delivered);
  void Forward(Packet packet, const ParsedPacket& parsed, uint64_t id, LinkDirection& via);
  bool IsForMe(const IpAddress& dst, const Interface& in) const;
  // A host-level drop of a packet already traced (id) or a new one (id 0: a new id and summary).
  void DropHere(DropReason reason, uint64_t id, const ParsedPacket* parsed, uint64_t bytes);
  void ReassemblyTimeout(uint64_t serial);

  Network& network_;
  NetContext& context_;
  std::string name_;
  HostOptions options_;
  LaneId lane_ = 0;
  HostCounters counters_;
  std::vector<std::unique_ptr<Interface>> interfaces_;
  std::vector<RouteEntry> routes_;  // connected and static, in the order added
  std::array<ProtocolHandler, 256> handlers_;
  Reassembler reassembler_;
  struct Timer {
    Reassembler::Key key;
    EventId event;
  };
  absl::btree_map<uint64_t, Timer> reassembly_timers_;  // by serial
  absl::btree_map<Reassembler::Key, uint64_t> timer_of_;  // key -> serial
  uint64_t next_timer_serial_ = 1;
};

}  // namespace ws2sim::sim::net

#endif  // WS2SIM_SIM_NET_HOST_H_
