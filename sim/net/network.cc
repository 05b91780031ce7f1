#include "sim/net/network.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"

namespace ws2sim::sim::net {
namespace {

// The scheduled link-state change: fits a sim::Callback (three words).
struct LinkStateEvent {
  Network* network;
  Link* link;
  bool up;
};

}  // namespace

Network::Network(Scheduler& scheduler) : context_(scheduler) {}

Network::~Network() {
  for (const EventId& e : link_state_events_) context_.scheduler().Cancel(e);
  // Links (whose directions hold pointers to interfaces) go before the hosts.
  links_.clear();
  loopbacks_.clear();
  hosts_.clear();
}

absl::StatusOr<Host*> Network::AddHost(absl::string_view name, HostOptions options) {
  if (name.empty()) return absl::InvalidArgumentError("a host needs a name");
  if (hosts_.contains(name)) {
    return absl::AlreadyExistsError(absl::StrCat("host ", name, " already exists"));
  }
  if (options.reassembly_timeout_ns <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "host ", name, ": reassembly_timeout_ns ", options.reassembly_timeout_ns,
        " is not positive"));
  }
  auto host = std::unique_ptr<Host>(new Host(*this, context_, std::string(name), options));
  Host* h = host.get();
  hosts_.emplace(std::string(name), std::move(host));
  Interface& lo = h->AddInterface("lo", kLoopbackMtuBytes, /*loopback=*/true);
  for (const char* a : {"127.0.0.1/8", "::1/128"}) {
    if (absl::Status s = h->AddAddress("lo", a); !s.ok()) return s;
  }
  auto link = std::make_unique<Link>("lo", Link::Kind::kLoopback);
  lo.link_ = link.get();
  link->interfaces_.push_back(&lo);
  AddDirection(*link, lo, lo, LinkParams{});
  loopbacks_.emplace(std::string(name), std::move(link));
  return h;
}

Host* Network::FindHost(absl::string_view name) const {
  auto it = hosts_.find(name);
  return it == hosts_.end() ? nullptr : it->second.get();
}

std::vector<Host*> Network::hosts() const {
  std::vector<Host*> out;
  for (const auto& [name, host] : hosts_) out.push_back(host.get());
  return out;
}

Link* Network::FindLink(absl::string_view name) const {
  auto it = links_.find(name);
  return it == links_.end() ? nullptr : it->second.get();
}

absl::Status Network::ClaimAddress(const IpAddress& a, absl::string_view who) {
  auto [it, inserted] = address_owners_.try_emplace(a, std::string(who));
  if (!inserted) {
    return absl::AlreadyExistsError(
        absl::StrCat("address ", a.ToString(), " is already assigned to ", it->second));
  }
  return absl::OkStatus();
}

LinkDirection& Network::AddDirection(Link& link, Interface& from, Interface& to,
                                     const LinkParams& params) {
  link.directions_.push_back(std::make_unique<LinkDirection>(context_, link, from, to, params));
  LinkDirection& d = *link.directions_.back();
  for (const auto& fault : link.faults_) {
    if ((fault->rule.from_host.empty() || fault->rule.from_host == from.host().name()) &&
        (fault->rule.to_host.empty() || fault->rule.to_host == to.host().name())) {
      d.model().AddFault(fault.get());
    }
  }
  return d;
}

absl::Status Network::CheckAttachment(absl::string_view link, const Attachment& attachment,
                                      std::vector<Prefix>& prefixes,
                                      absl::btree_set<IpAddress>& seen) const {
  const std::string where = absl::StrCat("link ", link, ": ");
  Host* host = FindHost(attachment.host);
  if (host == nullptr) {
    return absl::NotFoundError(absl::StrCat(where, "unknown host \"", attachment.host, "\""));
  }
  if (attachment.interface.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, "the interface on host ", host->name(), " needs a name"));
  }
  if (host->FindInterface(attachment.interface) != nullptr) {
    return absl::AlreadyExistsError(absl::StrCat(where, "host ", host->name(),
                                                 " already has an interface ",
                                                 attachment.interface));
  }
  if (attachment.mtu_bytes < 68) {
    return absl::InvalidArgumentError(absl::StrCat(where, "MTU ", attachment.mtu_bytes,
                                                   " of host ", host->name(),
                                                   " is below the IPv4 minimum of 68 bytes"));
  }
  for (const std::string& text : attachment.addresses) {
    absl::StatusOr<Prefix> p = Prefix::Parse(text);
    if (!p.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, "host ", host->name(), ": ", p.status().message()));
    }
    const IpAddress& a = p->address();
    if (a.IsUnspecified() || a.IsMulticast() || a.IsLimitedBroadcast() || a.IsLoopback()) {
      return absl::InvalidArgumentError(absl::StrCat(where, "host ", host->name(), ": ",
                                                     a.ToString(),
                                                     " is not a unicast address for a link"));
    }
    if (auto owner = address_owners_.find(a); owner != address_owners_.end()) {
      return absl::AlreadyExistsError(absl::StrCat(where, "address ", a.ToString(),
                                                   " is already assigned to ", owner->second));
    }
    if (!seen.insert(a).second) {
      return absl::AlreadyExistsError(
          absl::StrCat(where, "address ", a.ToString(), " is given twice"));
    }
    prefixes.push_back(*p);
  }
  return absl::OkStatus();
}

Interface& Network::Attach(Link& link, const Attachment& attachment,
                           const std::vector<Prefix>& prefixes) {
  Host& host = *FindHost(attachment.host);
  Interface& i = host.AddInterface(attachment.interface, attachment.mtu_bytes, false);
  i.link_ = &link;
  link.interfaces_.push_back(&i);
  for (const Prefix& p : prefixes) {
    // Checked by CheckAttachment.
    host.AddAddress(i.name(), p).IgnoreError();
  }
  return i;
}

absl::Status Network::AddLink(const LinkSpec& spec) {
  if (spec.name.empty() || spec.name == "lo") {
    return absl::InvalidArgumentError(
        absl::StrCat("a link cannot be called \"", spec.name, "\""));
  }
  if (links_.contains(spec.name)) {
    return absl::AlreadyExistsError(absl::StrCat("link ", spec.name, " already exists"));
  }
  if (spec.a.host == spec.b.host) {
    return absl::InvalidArgumentError(
        absl::StrCat("link ", spec.name, ": both ends are on host ", spec.a.host));
  }
  if (absl::Status s = ValidateLinkParams(spec.params); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("link ", spec.name, ": ", s.message()));
  }
  // Everything is checked before anything changes.
  absl::btree_set<IpAddress> seen;
  std::vector<Prefix> prefixes[2];
  if (absl::Status s = CheckAttachment(spec.name, spec.a, prefixes[0], seen); !s.ok()) return s;
  if (absl::Status s = CheckAttachment(spec.name, spec.b, prefixes[1], seen); !s.ok()) return s;
  Link& link =
      *links_.emplace(spec.name, std::make_unique<Link>(spec.name, Link::Kind::kPointToPoint))
           .first->second;
  Interface& a = Attach(link, spec.a, prefixes[0]);
  Interface& b = Attach(link, spec.b, prefixes[1]);
  AddDirection(link, a, b, spec.params);
  AddDirection(link, b, a, spec.params);
  return absl::OkStatus();
}

absl::Status Network::AddSegment(const SegmentSpec& spec) {
  if (spec.name.empty() || spec.name == "lo") {
    return absl::InvalidArgumentError(
        absl::StrCat("a segment cannot be called \"", spec.name, "\""));
  }
  if (links_.contains(spec.name)) {
    return absl::AlreadyExistsError(absl::StrCat("link ", spec.name, " already exists"));
  }
  if (spec.members.size() < 2) {
    return absl::InvalidArgumentError(absl::StrCat("segment ", spec.name, " has ",
                                                   spec.members.size(),
                                                   " members; it needs at least 2"));
  }
  if (absl::Status s = ValidateLinkParams(spec.params); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("link ", spec.name, ": ", s.message()));
  }
  absl::btree_set<IpAddress> seen;
  std::vector<std::vector<Prefix>> prefixes(spec.members.size());
  for (size_t i = 0; i < spec.members.size(); ++i) {
    if (absl::Status s = CheckAttachment(spec.name, spec.members[i], prefixes[i], seen); !s.ok()) {
      return s;
    }
    for (size_t j = 0; j < i; ++j) {
      if (spec.members[i].host == spec.members[j].host) {
        return absl::InvalidArgumentError(absl::StrCat("link ", spec.name, ": host ",
                                                       spec.members[i].host,
                                                       " is attached twice"));
      }
    }
  }
  Link& link = *links_.emplace(spec.name, std::make_unique<Link>(spec.name, Link::Kind::kSegment))
                   .first->second;
  for (size_t i = 0; i < spec.members.size(); ++i) Attach(link, spec.members[i], prefixes[i]);
  for (Interface* from : link.interfaces()) {
    for (Interface* to : link.interfaces()) {
      if (from != to) AddDirection(link, *from, *to, spec.params);
    }
  }
  return absl::OkStatus();
}

LinkDirection* Network::FindDirection(absl::string_view link, absl::string_view from_host,
                                      absl::string_view to_host) const {
  const Link* l = nullptr;
  if (link == "lo") {
    if (from_host != to_host) return nullptr;
    auto it = loopbacks_.find(from_host);
    if (it != loopbacks_.end()) l = it->second.get();
  } else {
    l = FindLink(link);
  }
  if (l == nullptr) return nullptr;
  for (const auto& d : l->directions()) {
    if (d->from().host().name() == from_host && d->to().host().name() == to_host) return d.get();
  }
  return nullptr;
}

absl::Status Network::SetLinkParams(absl::string_view link, absl::string_view from_host,
                                    absl::string_view to_host, const LinkParams& params) {
  LinkDirection* d = FindDirection(link, from_host, to_host);
  if (d == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("link ", link, " has no direction ", from_host, "->", to_host));
  }
  if (absl::Status s = ValidateLinkParams(params); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("link ", link, " ", from_host, "->", to_host, ": ", s.message()));
  }
  d->model().SetParams(params);
  return absl::OkStatus();
}

absl::StatusOr<const FaultState*> Network::AddFault(absl::string_view link,
                                                    const FaultRule& rule) {
  Link* l = FindLink(link);
  if (l == nullptr) return absl::NotFoundError(absl::StrCat("unknown link \"", link, "\""));
  const std::string description = DescribeFault(rule, l->faults_.size());
  for (const std::string* host : {&rule.from_host, &rule.to_host}) {
    if (host->empty()) continue;
    bool attached = false;
    for (Interface* i : l->interfaces()) attached |= i->host().name() == *host;
    if (!attached) {
      return absl::InvalidArgumentError(absl::StrCat("link ", link, ": ", description, ": host ",
                                                     *host, " is not on the link"));
    }
  }
  if (rule.action == FaultAction::kDelay && rule.delay_ns < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("link ", link, ": ", description, ": delay_ns is negative"));
  }
  if ((rule.count.kind == FaultCount::Kind::kNth || rule.count.kind == FaultCount::Kind::kEvery ||
       rule.count.kind == FaultCount::Kind::kRange) &&
      rule.count.a == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("link ", link, ": ", description, ": counts start at 1"));
  }
  if (rule.count.kind == FaultCount::Kind::kRange && rule.count.b != 0 &&
      rule.count.b < rule.count.a) {
    return absl::InvalidArgumentError(
        absl::StrCat("link ", link, ": ", description, ": the range ends before it starts"));
  }
  l->faults_.push_back(std::make_unique<FaultState>(FaultState{rule}));
  FaultState* state = l->faults_.back().get();
  for (const auto& d : l->directions()) {
    if ((rule.from_host.empty() || rule.from_host == d->from().host().name()) &&
        (rule.to_host.empty() || rule.to_host == d->to().host().name())) {
      d->model().AddFault(state);
    }
  }
  return state;
}

void Network::ApplyLinkState(Link& link, bool up) {
  if (link.up_ == up) return;
  link.up_ = up;
  if (!up) {
    for (const auto& d : link.directions()) d->DropInFlight();
  } else {
    for (const auto& d : link.directions()) d->model().Flush(context_.Now());
  }
}

absl::Status Network::SetLinkUp(absl::string_view link, bool up) {
  Link* l = FindLink(link);
  if (l == nullptr) return absl::NotFoundError(absl::StrCat("unknown link \"", link, "\""));
  ApplyLinkState(*l, up);
  return absl::OkStatus();
}

absl::Status Network::ScheduleLinkUp(absl::string_view link, VirtualTime at, bool up) {
  Link* l = FindLink(link);
  if (l == nullptr) return absl::NotFoundError(absl::StrCat("unknown link \"", link, "\""));
  if (at < context_.Now()) {
    return absl::InvalidArgumentError(absl::StrCat("link ", link, ": time ", at.ToString(),
                                                   " is before now (", context_.Now().ToString(),
                                                   ")"));
  }
  const LinkStateEvent event{this, l, up};
  link_state_events_.push_back(context_.scheduler().ScheduleAt(
      at, 0, [event] { event.network->ApplyLinkState(*event.link, event.up); }));
  return absl::OkStatus();
}

std::vector<DirectionReport> Network::Directions() const {
  std::vector<DirectionReport> out;
  auto add = [&out](const Link& link) {
    for (const auto& d : link.directions()) {
      out.push_back(DirectionReport{link.name(), d->from().host().name(), d->to().host().name(),
                                    &d->counters()});
    }
  };
  for (const auto& [name, link] : links_) add(*link);
  for (const auto& [name, link] : loopbacks_) add(*link);
  std::sort(out.begin(), out.end(), [](const DirectionReport& a, const DirectionReport& b) {
    return std::tie(a.link, a.from_host, a.to_host) < std::tie(b.link, b.from_host, b.to_host);
  });
  return out;
}

}  // namespace ws2sim::sim::net
