#include "sim/net/link.h"

#include <algorithm>
#include <utility>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "sim/net/host.h"

namespace ws2sim::sim::net {

LinkDirection* Link::Direction(const Interface& from, const Interface& to) const {
  for (const auto& d : directions_) {
    if (&d->from() == &from && &d->to() == &to) return d.get();
  }
  return nullptr;
}

LinkDirection::LinkDirection(NetContext& context, Link& link, Interface& from, Interface& to,
                             const LinkParams& params)
    : context_(context),
      link_(link),
      from_(from),
      to_(to),
      name_(absl::StrCat(link.name(), " ", from.host().name(), "->", to.host().name())),
      lane_(context.scheduler().NewLane(name_, trace::pb::LANE_LINK)),
      model_(params, Rng::Stream(context.seed(),
                                 absl::StrCat("net/link/", link.name(), "/", from.host().name(),
                                              "->", to.host().name()))) {}

LinkDirection::~LinkDirection() {
  for (InFlight& f : slots_) {
    if (f.live) context_.scheduler().Cancel(f.event);
  }
}

void LinkDirection::Drop(uint64_t id, DropReason reason, uint64_t bytes) {
  counters_.dropped.Add(reason, bytes);
  context_.Record(lane_, trace::pb::PACKET_DROPPED, id, reason);
}

void LinkDirection::Transmit(Packet packet, const ParsedPacket& parsed,
                             const PacketSummary& summary, uint64_t forwarded_from) {
  const uint64_t id = context_.NewPacketId();
  const auto bytes = static_cast<uint32_t>(packet.size());
  counters_.sent.Add(bytes);
  from_.host().counters_.transmitted.Add(bytes);
  context_.Record(lane_, trace::pb::PACKET_SENT, id, trace::pb::DROP_UNSPECIFIED, forwarded_from,
                  &summary);
  if (!link_.up()) {
    Drop(id, trace::pb::DROP_LINK_DOWN, bytes);
    return;
  }
  const Verdict verdict = model_.Offer(context_.Now(), parsed, bytes);
  if (verdict.drop != trace::pb::DROP_UNSPECIFIED) {
    Drop(id, verdict.drop, bytes);
    return;
  }
  // Every copy is taken from the intact bytes (before any bit is flipped); the last one moves the
  // original. Copies get their ids in order, after the original's.
  const size_t n = verdict.copies.size();
  absl::InlinedVector<uint64_t, 2> ids(n, id);
  for (size_t i = 1; i < n; ++i) ids[i] = context_.NewPacketId();
  for (size_t i = 0; i < n; ++i) {
    const CopyPlan& plan = verdict.copies[i];
    if (plan.duplicate) {
      ++counters_.duplicated;
      context_.Record(lane_, trace::pb::PACKET_DUPLICATED, ids[i], trace::pb::DROP_UNSPECIFIED,
                      id, &summary);
    }
    if (plan.drop != trace::pb::DROP_UNSPECIFIED) {
      Drop(ids[i], plan.drop, bytes);
      continue;
    }
    if (plan.waited) {
      ++counters_.queued;
      context_.Record(lane_, trace::pb::PACKET_QUEUED, ids[i], trace::pb::DROP_UNSPECIFIED,
                      plan.queued_ahead);
    }
    if (plan.reordered) ++counters_.reordered;
    Packet copy;
    if (i + 1 < n) {
      copy.bytes = packet.bytes;
    } else {
      copy = std::move(packet);
    }
    if (plan.corrupt_bit >= 0) {
      const auto bit = static_cast<uint64_t>(plan.corrupt_bit);
      copy.bytes[bit / 8] ^= static_cast<uint8_t>(0x80u >> (bit % 8));
      ++counters_.corrupted;
      context_.Record(lane_, trace::pb::PACKET_CORRUPTED, ids[i], trace::pb::DROP_UNSPECIFIED,
                      bit);
    }
    Hold(std::move(copy), ids[i], plan.arrival);
  }
}

void LinkDirection::Hold(Packet packet, uint64_t id, VirtualTime arrival) {
  uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  InFlight& f = slots_[slot];
  f.packet = std::move(packet);
  f.id = id;
  f.live = true;
  ++live_;
  const uint32_t generation = f.generation;
  f.event = context_.scheduler().ScheduleAt(
      arrival, lane_, [this, slot, generation] { Deliver(slot, generation); });
}

void LinkDirection::Deliver(uint32_t slot, uint32_t generation) {
  InFlight& f = slots_[slot];
  if (!f.live || f.generation != generation) return;
  Packet packet = std::move(f.packet);
  const uint64_t id = f.id;
  f.live = false;
  ++f.generation;
  --live_;
  free_slots_.push_back(slot);
  counters_.delivered.Add(packet.size());
  to_.host().Receive(std::move(packet), id, *this);
}

void LinkDirection::DropInFlight() {
  std::vector<std::pair<uint64_t, uint32_t>> live;  // (id, slot)
  for (uint32_t s = 0; s < slots_.size(); ++s) {
    if (slots_[s].live) live.emplace_back(slots_[s].id, s);
  }
  std::sort(live.begin(), live.end());
  for (const auto& [id, s] : live) {
    InFlight& f = slots_[s];
    context_.scheduler().Cancel(f.event);
    const uint64_t bytes = f.packet.size();
    f.packet = Packet();
    f.live = false;
    ++f.generation;
    --live_;
    free_slots_.push_back(s);
    Drop(id, trace::pb::DROP_LINK_DOWN, bytes);
  }
  model_.Flush(context_.Now());
}

}  // namespace ws2sim::sim::net
