#include "sim/net/link_model.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "sim/net/netem_tables.h"

namespace ws2sim::sim::net {
namespace {

absl::Status CheckPercent(absl::string_view name, double value) {
  if (!(value >= 0 && value <= 100)) {
    return absl::InvalidArgumentError(absl::StrCat(name, " ", value, " is outside 0..100"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateLinkParams(const LinkParams& p) {
  if (p.delay_ns < 0) {
    return absl::InvalidArgumentError(absl::StrCat("delay_ns ", p.delay_ns, " is negative"));
  }
  if (p.jitter_ns < 0) {
    return absl::InvalidArgumentError(absl::StrCat("jitter_ns ", p.jitter_ns, " is negative"));
  }
  for (const auto& [name, value] : {std::pair<absl::string_view, double>{"loss_percent",
                                                                         p.loss_percent},
                                    {"duplicate_percent", p.duplicate_percent},
                                    {"reorder_percent", p.reorder_percent},
                                    {"corrupt_percent", p.corrupt_percent}}) {
    if (absl::Status s = CheckPercent(name, value); !s.ok()) return s;
  }
  if (p.loss_gemodel) {
    if (p.loss_percent != 0) {
      return absl::InvalidArgumentError("loss_percent and loss_gemodel are exclusive");
    }
    const GilbertElliott& ge = *p.loss_gemodel;
    for (const auto& [name, value] :
         {std::pair<absl::string_view, double>{"loss_gemodel.p_percent", ge.p_percent},
          {"loss_gemodel.r_percent", ge.r_percent},
          {"loss_gemodel.one_minus_h_percent", ge.one_minus_h_percent},
          {"loss_gemodel.one_minus_k_percent", ge.one_minus_k_percent}}) {
      if (absl::Status s = CheckPercent(name, value); !s.ok()) return s;
    }
  }
  if (p.reorder_percent > 0 && p.delay_ns == 0) {
    return absl::InvalidArgumentError(
        "reorder_percent needs delay_ns > 0 (netem: reordering not possible without specifying "
        "some delay)");
  }
  if (p.reorder_gap > 0 && p.reorder_percent == 0) {
    return absl::InvalidArgumentError("reorder_gap without reorder_percent");
  }
  if (p.rate_overhead_bytes < -65535 || p.rate_overhead_bytes > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("rate_overhead_bytes ", p.rate_overhead_bytes, " is outside -65535..65535"));
  }
  return absl::OkStatus();
}

LinkModel::LinkModel(const LinkParams& params, Rng rng) : params_(params), rng_(rng) {}

void LinkModel::SetParams(const LinkParams& params) { params_ = params; }

void LinkModel::Flush(VirtualTime now) {
  waiting_.clear();
  waiting_bytes_ = 0;
  busy_until_ = now;
  last_arrival_ = now;
}

void LinkModel::Drain(VirtualTime now) {
  while (!waiting_.empty() && waiting_.front().start <= now) {
    waiting_bytes_ -= waiting_.front().bytes;
    waiting_.pop_front();
  }
}

uint64_t LinkModel::QueuedPackets(VirtualTime now) {
  Drain(now);
  return waiting_.size();
}

bool LinkModel::LossEvent() {
  if (params_.loss_gemodel) {
    // The kernel's CLG_GILB_ELL: a transition draw, then a loss draw with the state the packet
    // found.
    const GilbertElliott& ge = *params_.loss_gemodel;
    if (!ge_bad_) {
      if (rng_.Bernoulli(ge.p_percent / 100)) ge_bad_ = true;
      return rng_.Bernoulli(ge.one_minus_k_percent / 100);
    }
    if (rng_.Bernoulli(ge.r_percent / 100)) ge_bad_ = false;
    return rng_.Bernoulli(ge.one_minus_h_percent / 100);
  }
  return params_.loss_percent > 0 && rng_.Bernoulli(params_.loss_percent / 100);
}

Duration LinkModel::DrawDelay() {
  const int64_t mu = params_.delay_ns;
  const int64_t sigma = params_.jitter_ns;
  if (sigma == 0) return Duration::Nanoseconds(mu);
  int64_t d = 0;
  switch (params_.distribution) {
    case DelayDistribution::kUniform:
      d = mu - sigma + static_cast<int64_t>(rng_.UniformBelow(2 * static_cast<uint64_t>(sigma)));
      break;
    case DelayDistribution::kNormal:
    case DelayDistribution::kPareto:
    case DelayDistribution::kParetoNormal: {
      const absl::Span<const int16_t> table =
          params_.distribution == DelayDistribution::kNormal   ? NetemNormalTable()
          : params_.distribution == DelayDistribution::kPareto ? NetemParetoTable()
                                                               : NetemParetoNormalTable();
      d = NetemTableDelay(mu, sigma, table[rng_.UniformBelow(table.size())]);
      break;
    }
  }
  return Duration::Nanoseconds(std::max<int64_t>(d, 0));
}

bool LinkModel::Plan(VirtualTime now, uint32_t bytes, bool allow_duplicate, Duration extra_delay,
                     std::optional<uint64_t> forced_bit, bool forced_corrupt, CopyPlan& plan) {
  // a, b: duplicate and loss, as netem's count = 1 + dup - loss.
  bool duplicate = allow_duplicate && params_.duplicate_percent > 0 &&
                   rng_.Bernoulli(params_.duplicate_percent / 100);
  if (LossEvent()) {
    if (!duplicate) {
      plan.drop = trace::pb::DROP_LOSS;
      return false;
    }
    duplicate = false;  // one of the two copies is lost: the packet goes once
  }
  // c: corruption (a fault's first, then netem's).
  const uint64_t bits = uint64_t{bytes} * 8;
  if (forced_corrupt && bits > 0) {
    plan.corrupt_bit =
        static_cast<int64_t>(forced_bit ? *forced_bit % bits : rng_.UniformBelow(bits));
  }
  if (params_.corrupt_percent > 0 && rng_.Bernoulli(params_.corrupt_percent / 100) && bits > 0) {
    plan.corrupt_bit = static_cast<int64_t>(rng_.UniformBelow(bits));
  }
  // d: queue and serialization.
  VirtualTime sent = now;
  if (params_.rate_bytes_per_s > 0) {
    Drain(now);
    const VirtualTime start = std::max(now, busy_until_);
    if (start > now) {
      if (waiting_.size() >= params_.limit_packets ||
          (params_.limit_bytes != kUnlimited && waiting_bytes_ + bytes > params_.limit_bytes)) {
        plan.drop = trace::pb::DROP_QUEUE_FULL;
        return duplicate;
      }
      plan.waited = true;
      plan.queued_ahead = waiting_.size();
      waiting_.push_back(Waiting{start, bytes});
      waiting_bytes_ += bytes;
    }
    const int64_t wire_bytes = std::max<int64_t>(0, int64_t{bytes} + params_.rate_overhead_bytes);
    const auto serialization_ns = static_cast<int64_t>(
        static_cast<unsigned __int128>(wire_bytes) * 1'000'000'000u / params_.rate_bytes_per_s);
    busy_until_ = start + Duration::Nanoseconds(serialization_ns);
    sent = busy_until_;
  }
  // e: reordering and delay (netem_enqueue: delayed unless gap is set, the gap has passed and the
  // reorder draw says "now").
  const uint64_t gap = params_.reorder_percent > 0 ? std::max<uint32_t>(params_.reorder_gap, 1) : 0;
  const bool delayed = gap == 0 || reorder_counter_ < gap - 1 ||
                       !rng_.Bernoulli(params_.reorder_percent / 100);
  VirtualTime arrival = sent + extra_delay;
  if (delayed) {
    arrival += DrawDelay();
    ++reorder_counter_;
  } else {
    reorder_counter_ = 0;
    plan.reordered = true;
  }
  if (params_.preserve_order) arrival = std::max(arrival, last_arrival_);
  last_arrival_ = std::max(last_arrival_, arrival);
  plan.arrival = arrival;
  return duplicate;
}

Verdict LinkModel::Offer(VirtualTime now, const ParsedPacket& packet, uint32_t bytes) {
  Verdict verdict;
  if (params_.mtu_bytes != 0 && bytes > params_.mtu_bytes) {
    verdict.drop = trace::pb::DROP_MTU;
    return verdict;
  }
  Duration fault_delay;
  int fault_duplicates = 0;
  bool fault_corrupt = false;
  std::optional<uint64_t> fault_bit;
  for (size_t i = 0; i < faults_.size(); ++i) {
    FaultState& f = *faults_[i];
    if (!FaultMatches(f.rule, packet)) continue;
    if (!f.rule.count.Selects(++f.matched)) continue;
    ++f.applied;
    switch (f.rule.action) {
      case FaultAction::kDrop:
        verdict.drop = trace::pb::DROP_FAULT;
        verdict.fault = static_cast<int>(i);
        return verdict;
      case FaultAction::kDelay:
        fault_delay += Duration::Nanoseconds(f.rule.delay_ns);
        break;
      case FaultAction::kDuplicate:
        ++fault_duplicates;
        break;
      case FaultAction::kCorrupt:
        fault_corrupt = true;
        fault_bit = f.rule.corrupt_bit;
        break;
    }
  }
  verdict.copies.emplace_back();
  const bool duplicate =
      Plan(now, bytes, /*allow_duplicate=*/true, fault_delay, fault_bit, fault_corrupt,
           verdict.copies.back());
  for (int i = 0; i < (duplicate ? 1 : 0) + fault_duplicates; ++i) {
    CopyPlan& copy = verdict.copies.emplace_back();
    copy.duplicate = true;
    Plan(now, bytes, /*allow_duplicate=*/false, Duration::Zero(), std::nullopt, false, copy);
  }
  return verdict;
}

}  // namespace ws2sim::sim::net
