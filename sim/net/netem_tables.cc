#include "sim/net/netem_tables.h"

#include <array>
#include <climits>
#include <cmath>

namespace ws2sim::sim::net {
namespace {

using Table = std::array<int16_t, kNetemTableSize>;

constexpr int kTableSize = 16384;  // TABLESIZE in iproute2's generators

int16_t Clamp16(long value) {
  if (value < SHRT_MIN) return SHRT_MIN;
  if (value > SHRT_MAX) return SHRT_MAX;
  return static_cast<int16_t>(value);
}

double NormalCdf(double x) { return .5 + .5 * std::erf(x / std::sqrt(2.0)); }

// normal.c: table[i] = the largest x on a 0.00005 grid with rint(16384 * Phi(x)) == i.
const std::array<double, kTableSize + 1>& NormalQuantiles() {
  static const auto* quantiles = [] {
    auto* q = new std::array<double, kTableSize + 1>{};
    for (double x = -10.0; x < 10.05; x += .00005) {
      const long i = std::lrint(kTableSize * NormalCdf(x));
      (*q)[static_cast<size_t>(i)] = x;
    }
    return q;
  }();
  return *quantiles;
}

// pareto.c / paretonormal.c: (u^(-1/a) - 1.5) * 4/3 * 8192, capped at 32767, a = 3.
long ParetoValue(double u) {
  double v = 1.0 / std::pow(u, 1.0 / 3.0);
  v -= 1.5;
  v *= (4.0 / 3.0) * static_cast<double>(kNetemDistScale);
  if (v > 32767) v = 32767;
  return std::lrint(v);
}

}  // namespace

absl::Span<const int16_t> NetemNormalTable() {
  static const Table* table = [] {
    auto* t = new Table;
    const auto& q = NormalQuantiles();
    for (int i = 0, n = 0; i < kTableSize; i += 4) {
      (*t)[n++] = Clamp16(std::lrint(q[i] * kNetemDistScale));
    }
    return t;
  }();
  return *table;
}

absl::Span<const int16_t> NetemParetoTable() {
  static const Table* table = [] {
    auto* t = new Table;
    int n = 0;
    for (int i = 65536; i > 0; i -= 16) {
      (*t)[n++] = Clamp16(ParetoValue(static_cast<double>(i) / 65536.0));
    }
    return t;
  }();
  return *table;
}

absl::Span<const int16_t> NetemParetoNormalTable() {
  static const Table* table = [] {
    auto* t = new Table;
    const auto& q = NormalQuantiles();
    for (int i = 0, n = 0; i < kTableSize; i += 4) {
      const long normal = std::lrint(q[i] * kNetemDistScale);
      const long pareto = ParetoValue(static_cast<double>(65536 - 4 * i) / 65536.0);
      (*t)[n++] = Clamp16((normal + 3 * pareto) / 4);  // C division: truncates toward zero
    }
    return t;
  }();
  return *table;
}

int64_t NetemTableDelay(int64_t mu, int64_t sigma, int64_t t) {
  // The kernel: x = (sigma % SCALE) * t, rounded by +-SCALE/2, then
  // x / SCALE + (sigma / SCALE) * t + mu.
  int64_t x = (sigma % kNetemDistScale) * t;
  if (x >= 0) {
    x += kNetemDistScale / 2;
  } else {
    x -= kNetemDistScale / 2;
  }
  return x / kNetemDistScale + (sigma / kNetemDistScale) * t + mu;
}

}  // namespace ws2sim::sim::net
