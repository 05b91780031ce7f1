#include "sim/net/host.h"

#include <utility>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "sim/net/link.h"
#include "sim/net/network.h"

namespace ws2sim::sim::net {

std::optional<IpAddress> Interface::FirstAddress(Family family) const {
  for (const Prefix& p : addresses_) {
    if (p.family() == family) return p.address();
  }
  return std::nullopt;
}

bool Interface::IsDirectedBroadcast(const IpAddress& a) const {
  if (!a.is_v4()) return false;
  for (const Prefix& p : addresses_) {
    if (p.address().is_v4() && p.length() < 31 && p.Broadcast() == a) return true;
  }
  return false;
}

Host::Host(Network& network, NetContext& context, std::string name, HostOptions options)
    : network_(network),
      context_(context),
      name_(std::move(name)),
      options_(options),
      lane_(context.scheduler().NewLane(name_, trace::pb::LANE_HOST)) {}

Host::~Host() {
  for (const auto& [serial, timer] : reassembly_timers_) context_.scheduler().Cancel(timer.event);
}

Interface& Host::AddInterface(std::string name, uint32_t mtu_bytes, bool loopback) {
  interfaces_.push_back(
      std::unique_ptr<Interface>(new Interface(*this, std::move(name), mtu_bytes, loopback)));
  return *interfaces_.back();
}

Interface* Host::FindInterface(absl::string_view name) const {
  for (const auto& i : interfaces_) {
    if (i->name() == name) return i.get();
  }
  return nullptr;
}

bool Host::HasAddress(const IpAddress& a) const {
  for (const auto& i : interfaces_) {
    for (const Prefix& p : i->addresses()) {
      if (p.address() == a) return true;
    }
  }
  return false;
}

absl::Status Host::AddAddress(absl::string_view interface, absl::string_view prefix) {
  absl::StatusOr<Prefix> p = Prefix::Parse(prefix);
  if (!p.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("host ", name_, ": ", p.status().message()));
  }
  return AddAddress(interface, *p);
}

absl::Status Host::AddAddress(absl::string_view interface, const Prefix& prefix) {
  Interface* i = FindInterface(interface);
  if (i == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("host ", name_, ": unknown interface \"", interface, "\""));
  }
  const IpAddress& a = prefix.address();
  if (a.IsUnspecified() || a.IsMulticast() || a.IsLimitedBroadcast()) {
    return absl::InvalidArgumentError(absl::StrCat("host ", name_, ": ", a.ToString(),
                                                   " is not a unicast address"));
  }
  if (a.IsLoopback() != i->is_loopback()) {
    return absl::InvalidArgumentError(
        absl::StrCat("host ", name_, ": ", a.ToString(),
                     i->is_loopback() ? " is not a loopback address and cannot go on lo"
                                      : " is a loopback address and belongs on lo"));
  }
  if (HasAddress(a)) {
    return absl::AlreadyExistsError(
        absl::StrCat("host ", name_, ": address ", a.ToString(), " is already assigned to it"));
  }
  if (!i->is_loopback()) {
    if (absl::Status s = network_.ClaimAddress(
            a, absl::StrCat("host ", name_, " interface ", i->name()));
        !s.ok()) {
      return absl::AlreadyExistsError(absl::StrCat("host ", name_, ": ", s.message()));
    }
  }
  i->addresses_.push_back(prefix);
  RouteEntry route;
  route.destination = *Prefix::Make(prefix.network(), prefix.length());
  route.interface = i;
  route.connected = true;
  route.description = absl::StrCat(route.destination.ToString(), " dev ", i->name());
  routes_.push_back(std::move(route));
  return absl::OkStatus();
}

absl::Status Host::AddRoute(const Route& route) {
  std::string description = route.destination.ToString();
  if (route.gateway) absl::StrAppend(&description, " via ", route.gateway->ToString());
  if (!route.interface.empty()) absl::StrAppend(&description, " dev ", route.interface);
  auto error = [&](absl::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat("host ", name_, ": route ", description, ": ",
                                                   what));
  };
  if (!route.destination.IsNetwork()) {
    return error(absl::StrCat("the destination has host bits set (",
                              route.destination.network().ToString(), "/",
                              route.destination.length(), "?)"));
  }
  RouteEntry entry;
  entry.destination = route.destination;
  entry.gateway = route.gateway;
  entry.mtu_bytes = route.mtu_bytes;
  entry.description = description;
  if (!route.interface.empty()) {
    entry.interface = FindInterface(route.interface);
    if (entry.interface == nullptr) {
      return absl::NotFoundError(absl::StrCat("host ", name_, ": route ", description,
                                              ": unknown interface \"", route.interface, "\""));
    }
  }
  if (route.gateway) {
    if (route.gateway->family() != route.destination.family()) {
      return error(absl::StrCat("gateway ", route.gateway->ToString(), " is not an ",
                                FamilyName(route.destination.family()), " address"));
    }
    Interface* via = nullptr;
    for (const auto& i : interfaces_) {
      if (i->is_loopback()) continue;
      for (const Prefix& p : i->addresses()) {
        if (p.Contains(*route.gateway) && via == nullptr) via = i.get();
      }
    }
    if (entry.interface != nullptr) {
      bool on_it = false;
      for (const Prefix& p : entry.interface->addresses()) on_it |= p.Contains(*route.gateway);
      if (!on_it) {
        return error(absl::StrCat("gateway ", route.gateway->ToString(),
                                  " is not in any prefix of interface ", route.interface));
      }
      via = entry.interface;
    }
    if (via == nullptr) {
      return error(absl::StrCat("gateway ", route.gateway->ToString(),
                                " is not in any prefix of host ", name_, "'s interfaces"));
    }
    entry.interface = via;
  } else if (entry.interface == nullptr) {
    return error("names neither a gateway nor an interface");
  }
  routes_.push_back(std::move(entry));
  return absl::OkStatus();
}

absl::Status Host::AddRoute(absl::string_view destination, absl::string_view via,
                            uint32_t mtu_bytes) {
  absl::StatusOr<Prefix> prefix = Prefix::Parse(destination);
  if (!prefix.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("host ", name_, ": route: ", prefix.status().message()));
  }
  Route route;
  route.destination = *prefix;
  route.mtu_bytes = mtu_bytes;
  if (absl::StatusOr<IpAddress> gateway = IpAddress::Parse(via); gateway.ok()) {
    route.gateway = *gateway;
  } else {
    route.interface = std::string(via);
  }
  return AddRoute(route);
}

absl::StatusOr<RouteInfo> Host::Lookup(const IpAddress& dst,
                                       const std::optional<IpAddress>& src) const {
  RouteInfo info;
  info.next_hop = dst;
  if (dst.IsLoopback() || HasAddress(dst)) {
    info.kind = RouteInfo::Kind::kLocal;
    info.interface = &loopback();
    info.source = dst.IsLoopback() ? IpAddress::Loopback(dst.family()) : dst;
    info.mtu_bytes = loopback().mtu_bytes();
    return info;
  }
  if (dst.IsLimitedBroadcast()) {
    Interface* out = nullptr;
    if (src) {
      for (const auto& i : interfaces_) {
        if (i->is_loopback()) continue;
        for (const Prefix& p : i->addresses()) {
          if (p.address() == *src && out == nullptr) out = i.get();
        }
      }
    }
    for (const auto& i : interfaces_) {
      if (out == nullptr && !i->is_loopback() && i->FirstAddress(Family::kIpv4)) out = i.get();
    }
    if (out == nullptr) {
      return absl::NotFoundError(absl::StrCat("host ", name_, ": no route to ", dst.ToString(),
                                              " (no interface with an IPv4 address)"));
    }
    info.kind = RouteInfo::Kind::kBroadcast;
    info.interface = out;
    info.source = src && HasAddress(*src) ? *src : *out->FirstAddress(Family::kIpv4);
    info.mtu_bytes = out->mtu_bytes();
    return info;
  }
  const RouteEntry* best = nullptr;
  for (const RouteEntry& r : routes_) {
    if (!r.destination.Contains(dst)) continue;
    if (best == nullptr || r.destination.length() > best->destination.length() ||
        (r.destination.length() == best->destination.length() && r.connected &&
         !best->connected)) {
      best = &r;
    }
  }
  if (best == nullptr) {
    return absl::NotFoundError(absl::StrCat("host ", name_, ": no route to ", dst.ToString()));
  }
  info.interface = best->interface;
  info.kind = best->connected ? RouteInfo::Kind::kConnected : RouteInfo::Kind::kStatic;
  if (best->gateway) info.next_hop = *best->gateway;
  if (best->connected && best->interface->IsDirectedBroadcast(dst)) {
    info.kind = RouteInfo::Kind::kBroadcast;
  }
  info.mtu_bytes = best->interface->mtu_bytes();
  if (best->mtu_bytes != 0 && best->mtu_bytes < info.mtu_bytes) info.mtu_bytes = best->mtu_bytes;
  // Source: the interface's first address of the family whose prefix holds the next hop, else
  // its first of the family, else the first of the family on any interface.
  std::optional<IpAddress> source;
  for (const Prefix& p : best->interface->addresses()) {
    if (!source && p.Contains(info.next_hop)) source = p.address();
  }
  if (!source) source = best->interface->FirstAddress(dst.family());
  for (const auto& i : interfaces_) {
    if (!source && !i->is_loopback()) source = i->FirstAddress(dst.family());
  }
  info.source = source ? *source : IpAddress::Any(dst.family());
  return info;
}

void Host::SetProtocolHandler(uint8_t protocol, ProtocolHandler handler) {
  handlers_[protocol] = std::move(handler);
}

void Host::DropHere(DropReason reason, uint64_t id, const ParsedPacket* parsed, uint64_t bytes) {
  counters_.dropped.Add(reason, bytes);
  if (!context_.tracing()) return;
  if (id != 0) {
    context_.Record(lane_, trace::pb::PACKET_DROPPED, id, reason);
    return;
  }
  PacketSummary summary;
  if (parsed != nullptr) {
    summary = context_.Summarize(*parsed);
  } else {
    summary.length = static_cast<uint32_t>(bytes);
  }
  context_.Record(lane_, trace::pb::PACKET_DROPPED, context_.NewPacketId(), reason, 0, &summary);
}

absl::Status Host::Send(Packet packet) {
  absl::StatusOr<ParsedPacket> parsed = Parse(packet.span(), {.verify_checksums = false});
  if (!parsed.ok()) {
    DropHere(trace::pb::DROP_MALFORMED, 0, nullptr, packet.size());
    return absl::InvalidArgumentError(
        absl::StrCat("host ", name_, ": cannot send a malformed packet: ",
                     parsed.status().message()));
  }
  counters_.sent.Add(packet.size());
  return RouteAndSend(std::move(packet), *parsed, 0);
}

absl::Status Host::RouteAndSend(Packet packet, const ParsedPacket& parsed, uint64_t forwarded_from) {
  const uint64_t bytes = packet.size();
  absl::StatusOr<RouteInfo> route = Lookup(parsed.ip.dst, parsed.ip.src);
  if (!route.ok()) {
    DropHere(trace::pb::DROP_NO_ROUTE, forwarded_from, &parsed, bytes);
    return absl::UnavailableError(route.status().message());
  }
  Interface& out = *route->interface;
  Link* link = out.link();
  absl::InlinedVector<LinkDirection*, 4> targets;
  if (link != nullptr) {
    if (route->kind == RouteInfo::Kind::kLocal || route->kind == RouteInfo::Kind::kBroadcast ||
        link->kind() != Link::Kind::kSegment) {
      for (Interface* peer : link->interfaces()) {
        if (peer == &out && link->kind() != Link::Kind::kLoopback) continue;
        if (LinkDirection* d = link->Direction(out, *peer)) targets.push_back(d);
      }
    } else {
      for (Interface* peer : link->interfaces()) {
        if (peer == &out) continue;
        bool owns = false;
        for (const Prefix& p : peer->addresses()) owns |= p.address() == route->next_hop;
        if (owns) {
          targets.push_back(link->Direction(out, *peer));
          break;
        }
      }
      if (targets.empty()) {
        DropHere(trace::pb::DROP_NO_NEIGHBOR, forwarded_from, &parsed, bytes);
        return absl::UnavailableError(absl::StrCat("host ", name_, ": next hop ",
                                                   route->next_hop.ToString(),
                                                   " is not on segment ", link->name()));
      }
    }
  }
  if (targets.empty()) {
    // A broadcast on an interface alone on its link reaches no one.
    if (route->kind == RouteInfo::Kind::kBroadcast) return absl::OkStatus();
    DropHere(trace::pb::DROP_NO_ROUTE, forwarded_from, &parsed, bytes);
    return absl::UnavailableError(absl::StrCat("host ", name_, ": interface ", out.name(),
                                               " is not attached to a link"));
  }

  const trace::StringId flow = context_.Flow(parsed);
  if (bytes <= route->mtu_bytes) {
    const PacketSummary summary = context_.Summarize(parsed, flow);
    for (size_t t = 0; t < targets.size(); ++t) {
      if (t + 1 < targets.size()) {
        targets[t]->Transmit(Packet{packet.bytes}, parsed, summary, forwarded_from);
      } else {
        targets[t]->Transmit(std::move(packet), parsed, summary, forwarded_from);
      }
    }
    return absl::OkStatus();
  }
  const std::string too_big = absl::StrCat(
      "host ", name_, ": datagram of ", bytes, " bytes exceeds the MTU of ", route->mtu_bytes,
      " bytes of the route to ", parsed.ip.dst.ToString(), " (interface ", out.name(), ")");
  if (parsed.ip.family != Family::kIpv4 || parsed.ip.dont_fragment) {
    DropHere(trace::pb::DROP_MTU, forwarded_from, &parsed, bytes);
    return absl::OutOfRangeError(
        absl::StrCat(too_big, parsed.ip.dont_fragment ? " and DF is set" : " (IPv6)"));
  }
  absl::StatusOr<std::vector<Packet>> fragments = FragmentIpv4(packet.span(), route->mtu_bytes);
  if (!fragments.ok()) {
    DropHere(trace::pb::DROP_MTU, forwarded_from, &parsed, bytes);
    return absl::OutOfRangeError(absl::StrCat(too_big, ": ", fragments.status().message()));
  }
  ++counters_.fragmented;
  counters_.fragments += fragments->size();
  for (Packet& fragment : *fragments) {
    // The fragment's own header fields, the datagram's flow.
    const absl::StatusOr<ParsedPacket> piece =
        Parse(fragment.span(), {.verify_checksums = false});
    const PacketSummary summary = context_.Summarize(*piece, flow);
    for (size_t t = 0; t < targets.size(); ++t) {
      if (t + 1 < targets.size()) {
        targets[t]->Transmit(Packet{fragment.bytes}, *piece, summary, forwarded_from);
      } else {
        targets[t]->Transmit(std::move(fragment), *piece, summary, forwarded_from);
      }
    }
  }
  return absl::OkStatus();
}

bool Host::IsForMe(const IpAddress& dst, const Interface& in) const {
  if (in.is_loopback()) return true;  // only local destinations are routed over lo
  if (dst.IsLoopback()) return false;
  if (dst.IsLimitedBroadcast()) return true;
  if (HasAddress(dst)) return true;
  return in.IsDirectedBroadcast(dst);
}

void Host::Receive(Packet packet, uint64_t id, LinkDirection& via) {
  const uint64_t bytes = packet.size();
  counters_.received.Add(bytes);
  Interface& in = via.to();
  absl::StatusOr<ParsedPacket> parsed = Parse(packet.span());
  if (!parsed.ok()) {
    DropHere(parsed.status().code() == absl::StatusCode::kDataLoss ? trace::pb::DROP_BAD_CHECKSUM
                                                                   : trace::pb::DROP_MALFORMED,
             id, nullptr, bytes);
    return;
  }
  if (!IsForMe(parsed->ip.dst, in)) {
    if (options_.forwarding && !parsed->ip.dst.IsLoopback() && !parsed->ip.dst.IsMulticast()) {
      Forward(std::move(packet), *parsed, id, via);
    } else {
      DropHere(trace::pb::DROP_NOT_FOR_HOST, id, nullptr, bytes);
    }
    return;
  }
  if (!parsed->ip.is_fragment()) {
    Dispatch(packet, *parsed, id, in, via.lane(), /*record_delivered=*/true);
    return;
  }
  // A fragment: accepted into reassembly.
  context_.Record(via.lane(), trace::pb::PACKET_DELIVERED, id);
  const Reassembler::Key key = Reassembler::KeyOf(*parsed);
  Reassembler::AddResult added = reassembler_.Add(*parsed, packet.span(), id);
  if (added.started) {
    const uint64_t serial = next_timer_serial_++;
    const EventId event = context_.scheduler().ScheduleAfter(
        Duration::Nanoseconds(options_.reassembly_timeout_ns), lane_,
        [this, serial] { ReassemblyTimeout(serial); });
    reassembly_timers_.emplace(serial, Timer{key, event});
    timer_of_.emplace(key, serial);
  }
  if (!added.datagram) return;
  if (auto t = timer_of_.find(key); t != timer_of_.end()) {
    context_.scheduler().Cancel(reassembly_timers_[t->second].event);
    reassembly_timers_.erase(t->second);
    timer_of_.erase(t);
  }
  if (!added.datagram->ok()) {
    counters_.dropped.Add(trace::pb::DROP_MALFORMED, 0);
    PacketSummary summary;
    summary.flow = context_.Flow(*parsed);
    context_.Record(lane_, trace::pb::PACKET_DROPPED, context_.NewPacketId(),
                    trace::pb::DROP_MALFORMED, added.ids.size(), &summary);
    return;
  }
  const Packet datagram = std::move(**added.datagram);
  absl::StatusOr<ParsedPacket> whole = Parse(datagram.span());
  if (!whole.ok()) {
    const absl::StatusOr<ParsedPacket> shape = Parse(datagram.span(), {.verify_checksums = false});
    DropHere(whole.status().code() == absl::StatusCode::kDataLoss ? trace::pb::DROP_BAD_CHECKSUM
                                                                  : trace::pb::DROP_MALFORMED,
             0, shape.ok() ? &*shape : nullptr, datagram.size());
    return;
  }
  ++counters_.reassembled;
  const uint64_t datagram_id = context_.NewPacketId();
  if (context_.tracing()) {
    const PacketSummary summary = context_.Summarize(*whole);
    context_.Record(lane_, trace::pb::PACKET_REASSEMBLED, datagram_id, trace::pb::DROP_UNSPECIFIED,
                    added.ids.size(), &summary);
  }
  Dispatch(datagram, *whole, datagram_id, in, lane_, /*record_delivered=*/false);
}

void Host::Dispatch(const Packet& packet, const ParsedPacket& parsed, uint64_t id,
                    const Interface& interface, LaneId delivered_lane, bool record_delivered) {
  ProtocolHandler& handler = handlers_[parsed.ip.protocol];
  if (!handler) {
    DropHere(trace::pb::DROP_NO_HANDLER, id, nullptr, packet.size());
    return;
  }
  if (record_delivered) context_.Record(delivered_lane, trace::pb::PACKET_DELIVERED, id);
  counters_.delivered.Add(packet.size());
  handler(ReceivedPacket{packet, parsed, interface, id});
}

void Host::Forward(Packet packet, const ParsedPacket& parsed, uint64_t id, LinkDirection& via) {
  if (!DecrementTtl(packet)) {
    DropHere(trace::pb::DROP_TTL_EXPIRED, id, nullptr, packet.size());
    return;
  }
  context_.Record(via.lane(), trace::pb::PACKET_DELIVERED, id);
  counters_.forwarded.Add(packet.size());
  // `parsed` still describes the bytes (only the TTL and the header checksum changed).
  RouteAndSend(std::move(packet), parsed, id).IgnoreError();
}

void Host::ReassemblyTimeout(uint64_t serial) {
  auto t = reassembly_timers_.find(serial);
  if (t == reassembly_timers_.end()) return;
  const Reassembler::Key key = t->second.key;
  reassembly_timers_.erase(t);
  timer_of_.erase(key);
  const Reassembler::Held held = reassembler_.Abandon(key);
  for (size_t i = 0; i < held.ids.size(); ++i) {
    DropHere(trace::pb::DROP_REASSEMBLY_TIMEOUT, held.ids[i], nullptr, held.bytes[i]);
  }
}

}  // namespace ws2sim::sim::net
