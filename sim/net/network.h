// sim::net::Network: the virtual network of a run (DESIGN.md sections 2, 3 and 8).
//
// The world's hosts and links: hosts (host.h) joined by point-to-point links and segments
// (link.h), each link direction with a netem-like model (link_model.h) and scripted faults
// (fault.h). Everything runs on the given Scheduler; its seed names every random stream and its
// recorder (if any) receives the lanes and Packet records:
//   lanes   one LANE_HOST per host (its name), one LANE_LINK per link direction
//           ("<link> <from>-><to>"), defined when the host or link is added;
//   streams "net/link/<link>/<from>-><to>" per direction; nothing else draws.
// So the same scenario and seed give the same deliveries, drops and trace, and traffic on one link
// never shifts another link's draws.
//
// Setup order: hosts, then links (which make the interfaces and their addresses), then routes
// and faults. Configuration errors are absl::Status values naming the host, link or address.
// The Network must be destroyed before its Scheduler; destroying it cancels its pending events.
#ifndef WS2SIM_SIM_NET_NETWORK_H_
#define WS2SIM_SIM_NET_NETWORK_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sim/net/address.h"
#include "sim/net/context.h"
#include "sim/net/counters.h"
#include "sim/net/fault.h"
#include "sim/net/host.h"
#include "sim/net/link.h"
#include "sim/net/link_model.h"
#include "sim/scheduler.h"

namespace ws2sim::sim::net {

// One end of a link: a new interface on an existing host.
struct Attachment {
  std::string host;
  std::string interface;               // "eth0"; unique on the host
  std::vector<std::string> addresses;  // "10.0.0.1/24", "2001:db8::1/64"
  uint32_t mtu_bytes = kDefaultMtuBytes;
};

struct LinkSpec {
  std::string name;  // unique among links; not "lo"
  Attachment a;
  Attachment b;
  LinkParams params;  // both directions (SetLinkParams changes one)
};

// A shared segment (a switch): every attached interface reaches every other one, each ordered
// pair being a direction of its own (like full-duplex switch ports; the medium is not shared).
struct SegmentSpec {
  std::string name;
  std::vector<Attachment> members;  // at least 2, each on a different host
  LinkParams params;                // every direction
};

// A direction and its counters, for run summaries.
struct DirectionReport {
  std::string link;
  std::string from_host;
  std::string to_host;
  const LinkCounters* counters = nullptr;
};

class Network {
 public:
  explicit Network(Scheduler& scheduler);
  ~Network();
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  Scheduler& scheduler() const { return context_.scheduler(); }

  // A host with its loopback. AlreadyExistsError "host a already exists"; InvalidArgumentError
  // for an empty name.
  absl::StatusOr<Host*> AddHost(absl::string_view name, HostOptions options = {});
  // The host called `name`, or null.
  Host* FindHost(absl::string_view name) const;
  // Every host, by name.
  std::vector<Host*> hosts() const;

  // Errors name the link and what is wrong: "link l1: unknown host \"c\"", "link l1: host a
  // already has an interface eth0", "link l1 already exists", "link l1: both ends are on host
  // a", bad addresses (as Host::AddAddress), bad params ("link l1: loss_percent 120 is outside
  // 0..100").
  absl::Status AddLink(const LinkSpec& spec);
  absl::Status AddSegment(const SegmentSpec& spec);
  // The link or segment called `name`, or null.
  Link* FindLink(absl::string_view name) const;

  // Replaces the model parameters of one direction (from now on).
  // NotFoundError "link l1 has no direction c->a".
  absl::Status SetLinkParams(absl::string_view link, absl::string_view from_host,
                             absl::string_view to_host, const LinkParams& params);
  // The direction of `link` from `from_host` to `to_host` ("lo" with the same host twice for a
  // loopback), or null.
  LinkDirection* FindDirection(absl::string_view link, absl::string_view from_host,
                               absl::string_view to_host) const;

  // Adds a scripted fault to a link (fault.h); rules of a link are checked in the order added.
  // The returned state counts matches and applications. Errors: unknown link, a from_host or
  // to_host not attached to it, a negative delay.
  absl::StatusOr<const FaultState*> AddFault(absl::string_view link, const FaultRule& rule);

  // Brings a link up or down now. Going down drops every packet in flight on it.
  absl::Status SetLinkUp(absl::string_view link, bool up);
  // The same at virtual time `at` (>= Now()), as an event on the engine lane (lane 0).
  absl::Status ScheduleLinkUp(absl::string_view link, VirtualTime at, bool up);

  // Every direction of every link (loopbacks included), by (link, from, to).
  std::vector<DirectionReport> Directions() const;

 private:
  friend class Host;

  // Checks one attachment of a new link (host, interface name, MTU, addresses free and not given
  // twice within the link, in `seen`); fills `prefixes`.
  absl::Status CheckAttachment(absl::string_view link, const Attachment& attachment,
                               std::vector<Prefix>& prefixes,
                               absl::btree_set<IpAddress>& seen) const;
  // Makes the interface of a checked attachment.
  Interface& Attach(Link& link, const Attachment& attachment, const std::vector<Prefix>& prefixes);
  LinkDirection& AddDirection(Link& link, Interface& from, Interface& to, const LinkParams& params);
  void ApplyLinkState(Link& link, bool up);
  // Registers `a` as owned by `who`; AlreadyExistsError naming the owner if taken.
  absl::Status ClaimAddress(const IpAddress& a, absl::string_view who);

  NetContext context_;
  absl::btree_map<std::string, std::unique_ptr<Host>, std::less<>> hosts_;
  absl::btree_map<std::string, std::unique_ptr<Link>, std::less<>> links_;
  // Loopback links, one per host, by host name.
  absl::btree_map<std::string, std::unique_ptr<Link>, std::less<>> loopbacks_;
  absl::btree_map<IpAddress, std::string> address_owners_;  // "host a interface eth0"
  std::vector<EventId> link_state_events_;
};

}  // namespace ws2sim::sim::net

#endif  // WS2SIM_SIM_NET_NETWORK_H_
