#include "providers/tcpip/rto.h"

#include <algorithm>

namespace ws2sim::providers::tcpip {

using sim::Duration;

RtoEstimator::RtoEstimator(const Params& params)
    : params_(params), base_rto_(params.initial_rto) {}

void RtoEstimator::AddSample(Duration rtt) {
  if (rtt < Duration::Nanoseconds(1)) rtt = Duration::Nanoseconds(1);
  if (samples_ == 0) {
    srtt_ = rtt;
    rttvar_ = rtt / 2;
  } else {
    const Duration err = srtt_ > rtt ? srtt_ - rtt : rtt - srtt_;
    rttvar_ = rttvar_ - rttvar_ / 4 + err / 4;
    srtt_ = srtt_ - srtt_ / 8 + rtt / 8;
  }
  ++samples_;
  const Duration var = std::max(params_.clock_granularity, rttvar_ * 4);
  base_rto_ = std::clamp(srtt_ + var, params_.min_rto, params_.max_rto);
  backoff_shift_ = 0;
}

void RtoEstimator::Backoff() {
  if (rto() < params_.max_rto) ++backoff_shift_;
}

Duration RtoEstimator::rto() const {
  Duration r = base_rto_;
  for (int i = 0; i < backoff_shift_ && r < params_.max_rto; ++i) r = r * 2;
  return std::min(r, params_.max_rto);
}

}  // namespace ws2sim::providers::tcpip
