// netem's delay distribution tables (iproute2's netem/normal.c, pareto.c, paretonormal.c),
// rebuilt here at first use by the same arithmetic, so "distribution normal" means what it means
// to tc-netem.
//
// Each table holds 4096 signed values scaled by kNetemDistScale (8192 = one standard unit); a
// delay draw picks an entry uniformly and scales it by the jitter (netem's tabledist):
//   delay = mu + round(sigma * t / 8192)      (see NetemTableDelay for the exact integer steps)
//  - normal: the standard normal quantiles at p = i/16384, i = 0, 4, ..., 16380 (so about
//    -3.7 .. +3.5 sigma);
//  - pareto: Pareto with shape a = 3 and scale 1, shifted by its mean 1.5 and scaled by 4/3:
//    (u^(-1/3) - 1.5) * 4/3 for u = 1, 1-1/4096, ..., 1/4096, capped at 32767/8192 (so >= -2/3);
//  - paretonormal: (normal + 3 * pareto) / 4 entry by entry, both at the same p (comonotone).
#ifndef WS2SIM_SIM_NET_NETEM_TABLES_H_
#define WS2SIM_SIM_NET_NETEM_TABLES_H_

#include <cstdint>

#include "absl/types/span.h"

namespace ws2sim::sim::net {

inline constexpr int64_t kNetemDistScale = 8192;  // NETEM_DIST_SCALE
inline constexpr int kNetemTableSize = 4096;

absl::Span<const int16_t> NetemNormalTable();
absl::Span<const int16_t> NetemParetoTable();
absl::Span<const int16_t> NetemParetoNormalTable();

// netem's tabledist for a table entry `t`: mu + sigma * t / kNetemDistScale, rounded half away
// from zero in the same two integer steps as the kernel.
int64_t NetemTableDelay(int64_t mu, int64_t sigma, int64_t t);

}  // namespace ws2sim::sim::net

#endif  // WS2SIM_SIM_NET_NETEM_TABLES_H_
