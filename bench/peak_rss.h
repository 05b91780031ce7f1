// The process's peak resident set size, for benchmarks that report memory.
#ifndef WS2SIM_BENCH_PEAK_RSS_H_
#define WS2SIM_BENCH_PEAK_RSS_H_

#include <sys/resource.h>

namespace ws2sim::bench {

// getrusage's ru_maxrss in MiB: the high-water mark of the whole process so far.
inline double PeakRssMiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

}  // namespace ws2sim::bench

#endif  // WS2SIM_BENCH_PEAK_RSS_H_
