// Virtual time (DESIGN.md section 3).
//
// Duration is a signed span of virtual time; VirtualTime is a point on the virtual clock, counted
// from the start of the run (VirtualTime::Zero()). Both hold int64 nanoseconds (range about
// +-292 years). They are distinct types with no implicit conversion to or from integers or
// std::chrono clocks, so wall time can never leak into a run:
//   VirtualTime + Duration -> VirtualTime,  VirtualTime - VirtualTime -> Duration.
#ifndef WS2SIM_SIM_TIME_H_
#define WS2SIM_SIM_TIME_H_

#include <compare>
#include <cstdint>
#include <limits>
#include <string>

namespace ws2sim::sim {

class Duration {
 public:
  constexpr Duration() = default;

  static constexpr Duration Nanoseconds(int64_t ns) { return Duration(ns); }
  static constexpr Duration Microseconds(int64_t us) { return Duration(us * 1000); }
  static constexpr Duration Milliseconds(int64_t ms) { return Duration(ms * 1000 * 1000); }
  static constexpr Duration Seconds(int64_t s) { return Duration(s * 1000 * 1000 * 1000); }
  static constexpr Duration Zero() { return Duration(0); }
  static constexpr Duration Max() { return Duration(std::numeric_limits<int64_t>::max()); }

  constexpr int64_t ns() const { return ns_; }

  constexpr Duration operator+(Duration o) const { return Duration(ns_ + o.ns_); }
  constexpr Duration operator-(Duration o) const { return Duration(ns_ - o.ns_); }
  constexpr Duration operator-() const { return Duration(-ns_); }
  constexpr Duration operator*(int64_t k) const { return Duration(ns_ * k); }
  constexpr Duration operator/(int64_t k) const { return Duration(ns_ / k); }
  constexpr Duration& operator+=(Duration o) { ns_ += o.ns_; return *this; }
  constexpr Duration& operator-=(Duration o) { ns_ -= o.ns_; return *this; }
  constexpr auto operator<=>(const Duration&) const = default;

  // "0", "250ns", "1.5us", "12.00025ms", "3s": exact; the largest unit in which it is >= 1.
  std::string ToString() const {
    if (ns_ == 0) return "0";
    const bool negative = ns_ < 0;
    // Magnitude as unsigned so that the minimum int64 is printed, not overflowed.
    uint64_t mag = negative ? 0 - static_cast<uint64_t>(ns_) : static_cast<uint64_t>(ns_);
    static constexpr struct { uint64_t scale; const char* unit; } kUnits[] = {
        {1000000000ULL, "s"}, {1000000ULL, "ms"}, {1000ULL, "us"}, {1ULL, "ns"}};
    // Largest unit in which the value is at least 1; the fraction keeps every digit.
    for (const auto& u : kUnits) {
      if (mag < u.scale) continue;
      std::string out = negative ? "-" : "";
      out += std::to_string(mag / u.scale);
      uint64_t frac = mag % u.scale;
      if (frac != 0) {
        std::string digits = std::to_string(frac);
        std::string padded(std::to_string(u.scale).size() - 1 - digits.size(), '0');
        padded += digits;
        while (!padded.empty() && padded.back() == '0') padded.pop_back();
        out += "." + padded;
      }
      return out + u.unit;
    }
    return "0";
  }

 private:
  constexpr explicit Duration(int64_t ns) : ns_(ns) {}
  int64_t ns_ = 0;
};

class VirtualTime {
 public:
  constexpr VirtualTime() = default;

  static constexpr VirtualTime FromNanoseconds(int64_t ns_since_start) {
    return VirtualTime(ns_since_start);
  }
  static constexpr VirtualTime Zero() { return VirtualTime(0); }
  // The end of virtual time: "never" for deadlines and run limits.
  static constexpr VirtualTime Max() { return VirtualTime(std::numeric_limits<int64_t>::max()); }

  constexpr int64_t ns_since_start() const { return ns_; }

  // Saturates at Max(), so Max() + d stays "never".
  constexpr VirtualTime operator+(Duration d) const {
    if (d.ns() > 0 && ns_ > std::numeric_limits<int64_t>::max() - d.ns()) return Max();
    return VirtualTime(ns_ + d.ns());
  }
  constexpr VirtualTime operator-(Duration d) const { return VirtualTime(ns_ - d.ns()); }
  constexpr Duration operator-(VirtualTime o) const { return Duration::Nanoseconds(ns_ - o.ns_); }
  constexpr VirtualTime& operator+=(Duration d) { *this = *this + d; return *this; }
  constexpr auto operator<=>(const VirtualTime&) const = default;

  // The Duration since the start ("12.00025ms"), or "never" for Max().
  std::string ToString() const {
    return ns_ == std::numeric_limits<int64_t>::max() ? "never" : (*this - Zero()).ToString();
  }

 private:
  constexpr explicit VirtualTime(int64_t ns) : ns_(ns) {}
  int64_t ns_ = 0;
};

}  // namespace ws2sim::sim

#endif  // WS2SIM_SIM_TIME_H_
