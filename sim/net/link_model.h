// The model of one link direction: what happens to each packet a host puts on it, after
// tc-netem (the parameter names are netem's, with units in the names) and a drop-tail queue.
//
// For each packet offered at virtual time `now`, in this order:
//  1. MTU: a packet larger than mtu_bytes (when set) is dropped ("mtu"). No draws.
//  2. Scripted faults (fault.h), in the order added: drop ("fault") ends here; delay, duplicate
//     and corrupt are remembered. No draws, except a corrupt fault without a bit.
//  3. netem's random model, drawing from the direction's own Rng stream, a draw only for a
//     feature that is enabled:
//     a. duplicate: with duplicate_percent, one more copy is sent;
//     b. loss: random (loss_percent) or Gilbert-Elliott (loss_gemodel); a lost packet that was
//        also duplicated still goes once, without a copy (netem's count = 1 + dup - loss);
//     c. corrupt: with corrupt_percent, one bit drawn uniformly from the whole packet is flipped;
//     d. queue and serialization (rate_bytes_per_s > 0): packets are serialized one at a time in
//        arrival order, each taking floor((bytes + rate_overhead_bytes) * 1e9 / rate) ns. A packet
//        that cannot start at once waits in a drop-tail queue holding at most limit_packets
//        packets and limit_bytes bytes (the packet being serialized is not in the queue); one
//        that does not fit is dropped ("queue full"). Without a rate there is no queue;
//     e. delay and reordering (netem's "delay D J dist", "reorder P gap N"): when reordering is
//        on, after every gap-1 delayed packets each further packet, with probability
//        reorder_percent, is sent without the delay (and the count restarts); otherwise it is
//        delayed by the delay drawn from the distribution (clamped at 0). So the arrival is
//          end of serialization (or now) + drawn delay (unless reordered) + fault delay.
//        As in netem, jitter alone can reorder packets (a packet's delay is drawn independently);
//        preserve_order makes each arrival no earlier than the previous one instead.
//     The copy of step (a), and one per duplicate fault, then take steps b..e themselves (never
//     duplicated again), with intact bytes and no fault delay.
// Link up/down and delivery belong to the network (network.h); this class only decides.
#ifndef WS2SIM_SIM_NET_LINK_MODEL_H_
#define WS2SIM_SIM_NET_LINK_MODEL_H_

#include <cstdint>
#include <deque>
#include <limits>
#include <optional>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "sim/net/counters.h"
#include "sim/net/fault.h"
#include "sim/net/packet.h"
#include "sim/rng.h"
#include "sim/time.h"
#include "sim/trace/trace.pb.h"

namespace ws2sim::sim::net {

inline constexpr uint64_t kUnlimited = std::numeric_limits<uint64_t>::max();

// netem's delay distributions (netem_tables.h): uniform on [delay - jitter, delay + jitter), and
// netem's normal, pareto and paretonormal tables scaled by the jitter.
enum class DelayDistribution : uint8_t { kUniform, kNormal, kPareto, kParetoNormal };

// netem "loss gemodel p r 1-h 1-k" (percentages). Each packet: in the good state, move to the bad
// state with probability p, and lose the packet with probability 1-k; in the bad state, move to
// the good state with probability r, and lose the packet with probability 1-h. The loss is decided
// with the state the packet found (the kernel's order: transition draw, then loss draw). With the
// defaults (1-h = 100, 1-k = 0) bad-state runs are loss bursts of mean length 100/r packets and
// the loss rate is p / (p + r).
struct GilbertElliott {
  double p_percent = 0;
  double r_percent = 100;
  double one_minus_h_percent = 100;
  double one_minus_k_percent = 0;
};

struct LinkParams {
  int64_t delay_ns = 0;   // netem "delay"
  int64_t jitter_ns = 0;  // netem "delay D JITTER"
  DelayDistribution distribution = DelayDistribution::kUniform;
  double loss_percent = 0;                     // netem "loss random P"
  std::optional<GilbertElliott> loss_gemodel;  // netem "loss gemodel ..." (not with loss_percent)
  double duplicate_percent = 0;                // netem "duplicate P"
  double reorder_percent = 0;                  // netem "reorder P" (needs delay_ns > 0)
  uint32_t reorder_gap = 0;                    // netem "gap N"; 0 with reorder means 1
  double corrupt_percent = 0;                  // netem "corrupt P"
  uint64_t rate_bytes_per_s = 0;               // netem "rate" (bytes, not bits); 0 = unlimited
  int64_t rate_overhead_bytes = 0;             // netem "rate R PACKETOVERHEAD"
  uint64_t limit_packets = 1000;               // queue limit (netem's default "limit 1000")
  uint64_t limit_bytes = kUnlimited;           // queue limit in bytes
  uint32_t mtu_bytes = 0;                      // larger packets are dropped; 0 = no limit
  bool preserve_order = false;                 // jitter never reorders
};

// OK, or InvalidArgumentError saying which parameter is wrong and why, e.g.
// "loss_percent 120 is outside 0..100", "reorder_percent needs delay_ns > 0 (netem: reordering
// not possible without specifying some delay)", "reorder_gap without reorder_percent",
// "loss_percent and loss_gemodel are exclusive".
absl::Status ValidateLinkParams(const LinkParams& params);

// A scripted fault of a link with its counters (shared by the directions it applies to).
struct FaultState {
  FaultRule rule;
  uint64_t matched = 0;  // packets that matched the criteria
  uint64_t applied = 0;  // of those, selected by the count (the action applied)
};

// What happens to one copy of a packet.
struct CopyPlan {
  DropReason drop = trace::pb::DROP_UNSPECIFIED;  // DROP_LOSS or DROP_QUEUE_FULL: not delivered
  bool duplicate = false;      // a copy made by the link (netem duplicate or a fault)
  int64_t corrupt_bit = -1;    // >= 0: flip this bit (0 = MSB of byte 0)
  bool waited = false;         // queued behind other packets
  uint64_t queued_ahead = 0;   // packets waiting ahead of it when it was queued
  bool reordered = false;      // sent without the delay (netem reorder)
  VirtualTime arrival;         // when it reaches the other end (if not dropped)
};

struct Verdict {
  // DROP_MTU or DROP_FAULT: the packet is dropped before any copy is made (copies is empty).
  DropReason drop = trace::pb::DROP_UNSPECIFIED;
  int fault = -1;  // index of the dropping fault (DROP_FAULT)
  // The original first, then the copies made by the link.
  absl::InlinedVector<CopyPlan, 2> copies;
};

class LinkModel {
 public:
  // `params` must be valid (ValidateLinkParams).
  LinkModel(const LinkParams& params, Rng rng);

  const LinkParams& params() const { return params_; }
  // Takes effect for packets offered from now on; queue and Gilbert-Elliott state are kept.
  void SetParams(const LinkParams& params);
  // Faults are checked in the order added. Not owned; must outlive the model.
  void AddFault(FaultState* fault) { faults_.push_back(fault); }

  // Decides the fate of a packet of `bytes` bytes offered at `now`; `packet` is the packet parsed
  // without checksum checks (for fault matching).
  Verdict Offer(VirtualTime now, const ParsedPacket& packet, uint32_t bytes);

  // The link went down at `now`: the queue empties and the line is idle again.
  void Flush(VirtualTime now);

  // Packets waiting in the queue at `now` (not counting one being serialized).
  uint64_t QueuedPackets(VirtualTime now);
  bool gemodel_bad_state() const { return ge_bad_; }

 private:
  struct Waiting {
    VirtualTime start;  // when its serialization starts
    uint64_t bytes;
  };

  // Steps b..e for one copy. `allow_duplicate`: step (a) too; returns true if a duplicate is due.
  bool Plan(VirtualTime now, uint32_t bytes, bool allow_duplicate, Duration extra_delay,
            std::optional<uint64_t> forced_bit, bool forced_corrupt, CopyPlan& plan);
  bool LossEvent();
  Duration DrawDelay();
  void Drain(VirtualTime now);

  LinkParams params_;
  Rng rng_;
  std::vector<FaultState*> faults_;
  bool ge_bad_ = false;
  uint64_t reorder_counter_ = 0;
  VirtualTime busy_until_;     // end of the last serialization
  std::deque<Waiting> waiting_;
  uint64_t waiting_bytes_ = 0;
  VirtualTime last_arrival_;
};

}  // namespace ws2sim::sim::net

#endif  // WS2SIM_SIM_NET_LINK_MODEL_H_
