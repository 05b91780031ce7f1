// Links of the virtual network: a point-to-point link joins two interfaces, a segment (a switch)
// joins several, and every host has a loopback. Each ordered pair of attached interfaces is a
// LinkDirection with its own model (link_model.h), Rng stream
// "net/link/<link>/<from host>-><to host>", trace lane "<link> <from host>-><to host>"
// (LANE_LINK) and counters. Created and owned by Network.
//
// Delivery: a packet accepted by the model is held in flight and delivered by one scheduler event
// on the direction's lane at its arrival time, so a direction's deliveries keep their order except
// where the model reorders them, and deliveries of different directions due at the same time are
// alternatives at a choice point. When the link goes down every packet in flight on it is dropped
// ("link_down", in packet id order) and packets sent while it is down are dropped at once.
#ifndef WS2SIM_SIM_NET_LINK_H_
#define WS2SIM_SIM_NET_LINK_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/net/context.h"
#include "sim/net/counters.h"
#include "sim/net/link_model.h"
#include "sim/net/packet.h"
#include "sim/scheduler.h"

namespace ws2sim::sim::net {

class Host;
class Interface;
class Link;

class LinkDirection {
 public:
  LinkDirection(NetContext& context, Link& link, Interface& from, Interface& to,
                const LinkParams& params);
  // Cancels the deliveries still pending (the Network goes before its Scheduler).
  ~LinkDirection();
  LinkDirection(const LinkDirection&) = delete;
  LinkDirection& operator=(const LinkDirection&) = delete;

  Link& link() const { return link_; }
  Interface& from() const { return from_; }
  Interface& to() const { return to_; }
  LaneId lane() const { return lane_; }
  const std::string& name() const { return name_; }  // "<link> <from>-><to>"
  const LinkCounters& counters() const { return counters_; }
  LinkModel& model() { return model_; }
  const LinkModel& model() const { return model_; }
  size_t in_flight() const { return live_; }

  // Puts `packet` on the wire now: a new packet id, a PACKET_SENT record (with `summary`, whose
  // flow the caller interned), then the link state and the model decide. `parsed` is `packet`
  // parsed without checksum checks. `forwarded_from`: the id of the packet it continues, or 0.
  void Transmit(Packet packet, const ParsedPacket& parsed, const PacketSummary& summary,
                uint64_t forwarded_from);

  // The link went down: every packet in flight is dropped and the queue empties.
  void DropInFlight();

 private:
  struct InFlight {
    Packet packet;
    uint64_t id = 0;
    EventId event;
    uint32_t generation = 0;
    bool live = false;
  };

  void Drop(uint64_t id, DropReason reason, uint64_t bytes);
  void Hold(Packet packet, uint64_t id, VirtualTime arrival);
  void Deliver(uint32_t slot, uint32_t generation);

  NetContext& context_;
  Link& link_;
  Interface& from_;
  Interface& to_;
  std::string name_;
  LaneId lane_;
  LinkModel model_;
  LinkCounters counters_;
  std::vector<InFlight> slots_;
  std::vector<uint32_t> free_slots_;
  size_t live_ = 0;
};

class Link {
 public:
  enum class Kind : uint8_t { kPointToPoint, kSegment, kLoopback };

  Link(std::string name, Kind kind) : name_(std::move(name)), kind_(kind) {}

  const std::string& name() const { return name_; }
  Kind kind() const { return kind_; }
  bool up() const { return up_; }
  const std::vector<Interface*>& interfaces() const { return interfaces_; }
  // Every direction, in (from, to) attachment order.
  const std::vector<std::unique_ptr<LinkDirection>>& directions() const { return directions_; }
  // The direction from `from` to `to` (interfaces of this link), or null.
  LinkDirection* Direction(const Interface& from, const Interface& to) const;
  const std::vector<std::unique_ptr<FaultState>>& faults() const { return faults_; }

 private:
  friend class Network;

  std::string name_;
  Kind kind_;
  bool up_ = true;
  std::vector<Interface*> interfaces_;
  std::vector<std::unique_ptr<LinkDirection>> directions_;
  std::vector<std::unique_ptr<FaultState>> faults_;
};

}  // namespace ws2sim::sim::net

#endif  // WS2SIM_SIM_NET_LINK_H_
