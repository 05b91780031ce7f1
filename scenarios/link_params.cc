// LinkParams blocks (scenario.proto): parsing, per-direction merging and the checks between
// fields.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "scenarios/loader_internal.h"

namespace ws2sim::scenarios::internal {
namespace {

constexpr int64_t kMaxRate = 10000000000000;  // 10 Tbit/s
constexpr int64_t kMinRate = 8;               // 1 byte/s

}  // namespace

ParsedParams ParseParams(const pb::LinkParams& p, const Node& n) {
  ParsedParams out{&p, n, std::nullopt, std::nullopt, std::nullopt, {}};
  auto bad = [&](const char* field, bool ok) {
    if (!ok) out.invalid.insert(field);
  };
  if (p.has_delay()) {
    out.delay = CheckDuration(n, "delay", p.delay(), false, kMaxLinkDelay);
    bad("delay", out.delay.has_value());
  }
  if (p.has_jitter()) {
    out.jitter = CheckDuration(n, "jitter", p.jitter(), false, kMaxLinkDelay);
    bad("jitter", out.jitter.has_value());
  }
  if (p.has_jitter_distribution()) {
    bad("jitter_distribution",
        CheckEnum(n, "jitter_distribution", p.jitter_distribution(), "distribution_unspecified",
                  "uniform, normal, pareto or paretonormal"));
  }
  struct PercentField {
    const char* name;
    bool has;
    double value;
  };
  const PercentField percents[] = {
      {"delay_correlation", p.has_delay_correlation(), p.delay_correlation()},
      {"loss", p.has_loss(), p.loss()},
      {"loss_correlation", p.has_loss_correlation(), p.loss_correlation()},
      {"duplicate", p.has_duplicate(), p.duplicate()},
      {"duplicate_correlation", p.has_duplicate_correlation(), p.duplicate_correlation()},
      {"reorder", p.has_reorder(), p.reorder()},
      {"reorder_correlation", p.has_reorder_correlation(), p.reorder_correlation()},
      {"corrupt", p.has_corrupt(), p.corrupt()},
      {"corrupt_correlation", p.has_corrupt_correlation(), p.corrupt_correlation()},
  };
  for (const PercentField& f : percents) {
    if (f.has) bad(f.name, CheckPercent(n, f.name, f.value));
  }
  if (p.has_gilbert_elliott()) {
    const pb::GilbertElliott& ge = p.gilbert_elliott();
    const Node g = n.Child(ge, "gilbert_elliott");
    bool ok = true;
    if (!ge.has_p()) {
      g.Error("p", "missing (the Good -> Bad transition probability, percent)");
      ok = false;
    } else {
      ok &= CheckPercent(g, "p", ge.p());
    }
    if (!ge.has_r()) {
      g.Error("r", "missing (the Bad -> Good transition probability, percent)");
      ok = false;
    } else {
      ok &= CheckPercent(g, "r", ge.r());
    }
    if (ge.has_one_minus_h()) ok &= CheckPercent(g, "one_minus_h", ge.one_minus_h());
    if (ge.has_one_minus_k()) ok &= CheckPercent(g, "one_minus_k", ge.one_minus_k());
    bad("gilbert_elliott", ok);
  }
  if (p.has_gap()) bad("gap", CheckInt(n, "gap", p.gap(), 1, 1000000));
  if (p.has_rate()) {
    absl::StatusOr<int64_t> rate = ParseRateBitsPerSecond(p.rate());
    if (!rate.ok()) {
      n.Error("rate", rate.status().message());
    } else if (*rate < kMinRate || *rate > kMaxRate) {
      n.Error("rate", absl::StrCat(Quote(p.rate()), " is out of range [8bit, 10Tbit]"));
    } else {
      out.rate = *rate;
    }
    bad("rate", out.rate.has_value());
  }
  if (p.has_limit()) bad("limit", CheckInt(n, "limit", p.limit(), 1, 10000000));
  if (p.has_mtu()) bad("mtu", CheckInt(n, "mtu", p.mtu(), 68, 65535));
  return out;
}

void ApplyParams(const ParsedParams& b, LinkModel& m, Written& w) {
  const pb::LinkParams& p = *b.pb;
  auto mark = [&](const char* field) { w[field] = Origin{&b, !b.invalid.contains(field)}; };
  if (p.has_delay()) {
    if (b.delay) m.delay = *b.delay;
    mark("delay");
  }
  if (p.has_jitter()) {
    if (b.jitter) m.jitter = *b.jitter;
    mark("jitter");
  }
  if (p.has_jitter_distribution()) {
    m.jitter_distribution = p.jitter_distribution();
    mark("jitter_distribution");
  }
  if (p.has_delay_correlation()) {
    m.delay_correlation = p.delay_correlation();
    mark("delay_correlation");
  }
  // The loss model (with its correlation) is replaced as a whole.
  if (p.loss_model_case() != pb::LinkParams::LOSS_MODEL_NOT_SET) {
    m.loss = 0;
    m.gilbert_elliott.reset();
    m.loss_correlation = 0;
    w.erase("loss");
    w.erase("gilbert_elliott");
    w.erase("loss_correlation");
  }
  if (p.has_loss()) {
    m.loss = p.loss();
    mark("loss");
  }
  if (p.has_gilbert_elliott()) {
    const pb::GilbertElliott& ge = p.gilbert_elliott();
    GilbertElliottModel g;
    g.p = ge.p();
    g.r = ge.r();
    if (ge.has_one_minus_h()) g.one_minus_h = ge.one_minus_h();
    if (ge.has_one_minus_k()) g.one_minus_k = ge.one_minus_k();
    m.gilbert_elliott = g;
    mark("gilbert_elliott");
  }
  if (p.has_loss_correlation()) {
    m.loss_correlation = p.loss_correlation();
    mark("loss_correlation");
  }
  if (p.has_duplicate()) {
    m.duplicate = p.duplicate();
    mark("duplicate");
  }
  if (p.has_duplicate_correlation()) {
    m.duplicate_correlation = p.duplicate_correlation();
    mark("duplicate_correlation");
  }
  if (p.has_reorder()) {
    m.reorder = p.reorder();
    mark("reorder");
  }
  if (p.has_reorder_correlation()) {
    m.reorder_correlation = p.reorder_correlation();
    mark("reorder_correlation");
  }
  if (p.has_gap()) {
    m.gap = p.gap();
    mark("gap");
  }
  if (p.has_corrupt()) {
    m.corrupt = p.corrupt();
    mark("corrupt");
  }
  if (p.has_corrupt_correlation()) {
    m.corrupt_correlation = p.corrupt_correlation();
    mark("corrupt_correlation");
  }
  if (p.has_rate()) {
    if (b.rate) m.rate_bits_per_second = *b.rate;
    mark("rate");
  }
  if (p.has_limit()) {
    m.limit = p.limit();
    mark("limit");
  }
  if (p.has_mtu()) {
    m.mtu = p.mtu();
    mark("mtu");
  }
}

std::vector<Problem> CrossCheck(const LinkModel& m, const Written& w, bool link_has_ipv6) {
  std::vector<Problem> out;
  auto written = [&](const char* f) -> const Origin* {
    auto it = w.find(f);
    return it == w.end() || !it->second.valid ? nullptr : &it->second;
  };
  auto invalid = [&](const char* f) {
    auto it = w.find(f);
    return it != w.end() && !it->second.valid;
  };
  // `field`, when written and active, needs `needed` to be non-zero.
  auto needs = [&](const char* field, bool active, const char* needed, bool needed_zero,
                   std::string what) {
    const Origin* o = written(field);
    if (o != nullptr && active && needed_zero && !invalid(needed)) {
      out.push_back(Problem{o->block, field, std::move(what)});
    }
  };
  const bool no_jitter = m.jitter == sim::Duration::Zero();
  needs("jitter_distribution", true, "jitter", no_jitter, "jitter_distribution needs a jitter > 0");
  needs("delay_correlation", m.delay_correlation > 0, "jitter", no_jitter,
        "delay_correlation needs a jitter > 0");
  if (m.gilbert_elliott) {
    needs("loss_correlation", m.loss_correlation > 0, "loss", true,
          "loss_correlation applies to loss, not to gilbert_elliott");
  } else {
    needs("loss_correlation", m.loss_correlation > 0, "loss", m.loss == 0,
          "loss_correlation needs loss > 0");
  }
  needs("duplicate_correlation", m.duplicate_correlation > 0, "duplicate", m.duplicate == 0,
        "duplicate_correlation needs duplicate > 0");
  needs("reorder_correlation", m.reorder_correlation > 0, "reorder", m.reorder == 0,
        "reorder_correlation needs reorder > 0");
  needs("corrupt_correlation", m.corrupt_correlation > 0, "corrupt", m.corrupt == 0,
        "corrupt_correlation needs corrupt > 0");
  needs("gap", true, "reorder", m.reorder == 0, "gap needs reorder > 0");
  if (m.reorder > 0 && m.delay == sim::Duration::Zero() && !invalid("delay") &&
      !invalid("reorder")) {
    const char* field = written("reorder") ? "reorder" : written("delay") ? "delay" : nullptr;
    if (field != nullptr) {
      out.push_back(Problem{written(field)->block, field,
                            "reorder needs a delay > 0 (netem reorders by sending some packets "
                            "without the delay)"});
    }
  }
  if (link_has_ipv6 && m.mtu < 1280 && written("mtu")) {
    out.push_back(Problem{written("mtu")->block, "mtu",
                          absl::StrCat(m.mtu,
                                       " is below 1280, the IPv6 minimum (an endpoint of "
                                       "the link has an IPv6 address)")});
  }
  return out;
}

void ReportProblems(const std::vector<Problem>& forward, const std::vector<Problem>* reverse,
                    const ParsedParams* both) {
  auto report = [&](const std::vector<Problem>& mine, const std::vector<Problem>* other,
                    absl::string_view direction) {
    for (const Problem& p : mine) {
      std::string what = p.what;
      if (p.block == both && other != nullptr &&
          std::find(other->begin(), other->end(), p) == other->end()) {
        absl::StrAppend(&what, " (in the ", direction, " direction)");
      }
      p.block->node.Error(p.field, what);
    }
  };
  report(forward, reverse, "forward");
  if (reverse != nullptr) report(*reverse, &forward, "reverse");
}

}  // namespace ws2sim::scenarios::internal
