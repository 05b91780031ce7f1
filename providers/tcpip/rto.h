// RtoEstimator: the retransmission timeout of RFC 6298.
//
//   first sample R:   SRTT = R, RTTVAR = R / 2
//   later samples R:  RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R|,  SRTT = 7/8 SRTT + 1/8 R
//   RTO = clamp(SRTT + max(G, 4 * RTTVAR), min_rto, max_rto), before any sample initial_rto;
//   each Backoff() doubles the RTO in use (capped at max_rto) until the next sample.
// Samples must obey Karn's algorithm (the caller never times a retransmitted segment). Integer
// nanoseconds throughout, so every build computes the same values.
#ifndef WS2SIM_PROVIDERS_TCPIP_RTO_H_
#define WS2SIM_PROVIDERS_TCPIP_RTO_H_

#include <cstdint>

#include "sim/time.h"

namespace ws2sim::providers::tcpip {

class RtoEstimator {
 public:
  struct Params {
    sim::Duration initial_rto;
    sim::Duration min_rto;
    sim::Duration max_rto;
    sim::Duration clock_granularity;
  };
  explicit RtoEstimator(const Params& params);

  // A valid round-trip measurement (> 0); clears the backoff.
  void AddSample(sim::Duration rtt);
  // After a retransmission timeout: doubles the RTO in use, up to max_rto.
  void Backoff();

  // The timeout to use now (backoff included).
  sim::Duration rto() const;
  // RTO without backoff.
  sim::Duration base_rto() const { return base_rto_; }
  sim::Duration srtt() const { return srtt_; }
  sim::Duration rttvar() const { return rttvar_; }
  bool has_sample() const { return samples_ > 0; }
  uint64_t samples() const { return samples_; }
  int backoff_shift() const { return backoff_shift_; }

 private:
  Params params_;
  sim::Duration srtt_;
  sim::Duration rttvar_;
  sim::Duration base_rto_;
  int backoff_shift_ = 0;
  uint64_t samples_ = 0;
};

}  // namespace ws2sim::providers::tcpip

#endif  // WS2SIM_PROVIDERS_TCPIP_RTO_H_
