// sim::Rng: the only source of randomness in a run (DESIGN.md section 3).
//
// xoshiro256** (Blackman and Vigna) seeded through splitmix64. Every user draws from its own named
// stream, derived from (run seed, stream name) alone, so a link's loss draws never shift because
// another stream drew more. The distributions are written here, not taken from std:: or absl::,
// whose algorithms differ between library versions; the same (seed, name) gives the same draws
// with any build of one source tree.
#ifndef WS2SIM_SIM_RNG_H_
#define WS2SIM_SIM_RNG_H_

#include <cstdint>
#include "absl/strings/string_view.h"

#include "sim/time.h"

namespace ws2sim::sim {

class Rng {
 public:
  // The stream called `name` of a run with seed `seed`. Streams with different names are
  // statistically independent; the same (seed, name) always gives the same sequence.
  static Rng Stream(uint64_t seed, absl::string_view name);
  // A generator whose 256-bit state is expanded from `seed` by splitmix64.
  explicit Rng(uint64_t seed);

  uint64_t NextU64();
  // Uniform on [0, 1) with 53 random bits.
  double Uniform01();
  // Uniform on [0, n); n must be > 0 (n == 0 returns 0). Unbiased (Lemire's method).
  uint64_t UniformBelow(uint64_t n);
  // Uniform on [lo, hi], both inclusive; lo <= hi.
  int64_t UniformRange(int64_t lo, int64_t hi);
  // True with probability p (p <= 0: never; p >= 1: always).
  bool Bernoulli(double p);
  // Exponential with the given mean (> 0), by inversion: -mean * log(U), U uniform on (0, 1].
  double Exponential(double mean);
  // Normal(mean, stddev) by Marsaglia's polar method; the second value of each pair is kept for
  // the next call.
  double Normal(double mean, double stddev);

  // Exponential delay with mean `mean`, rounded to the nearest nanosecond (never negative).
  Duration ExponentialDuration(Duration mean);

 private:
  uint64_t s_[4];
  bool has_spare_normal_ = false;
  double spare_normal_ = 0.0;
};

// 64-bit FNV-1a of `bytes`: stable across platforms and builds (used for stream names).
uint64_t StableHash64(absl::string_view bytes);

}  // namespace ws2sim::sim

#endif  // WS2SIM_SIM_RNG_H_
