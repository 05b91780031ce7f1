#include "providers/tcpip/tcp_listener.h"

#include <utility>

namespace ws2sim::providers::tcpip {

TcpListener::TcpListener(sim::Scheduler& scheduler, sim::LaneId lane, sim::Rng& isn_rng,
                         const TcpConfig& config, const TcpSocketOptions& child_options,
                         int backlog, BacklogFullAction when_full)
    : scheduler_(scheduler),
      lane_(lane),
      isn_rng_(isn_rng),
      config_(config),
      child_options_(child_options),
      backlog_(backlog < 1 ? 1 : backlog),
      when_full_(when_full) {}

TcpListener::~TcpListener() {
  // Children must not call back into a listener being destroyed.
  for (auto& [key, c] : half_open_) c->listener_ = nullptr;
  for (auto& c : completed_) c->listener_ = nullptr;
}

TcpConnection* TcpListener::OnSegment(const TcpSegment& segment, TcpConnection::OutputFn reply,
                                      uint64_t user_tag, std::optional<uint16_t> mss_bytes) {
  if (segment.Has(kTcpRst)) return nullptr;
  const bool syn = segment.Has(kTcpSyn) && !segment.Has(kTcpAck);
  if (!syn || closed_) {
    if (segment.Has(kTcpAck) || closed_) {
      if (auto rst = MakeResetFor(segment)) {
        ++counters_.resets_sent;
        reply(std::move(*rst));
      }
    }
    return nullptr;
  }
  ++counters_.syns_received;
  if (half_open_.size() + completed_.size() >= static_cast<size_t>(backlog_)) {
    ++counters_.syns_over_backlog;
    if (when_full_ == BacklogFullAction::kRefuse) {
      if (auto rst = MakeResetFor(segment)) {
        ++counters_.resets_sent;
        reply(std::move(*rst));
      }
    }
    return nullptr;
  }
  TcpSocketOptions options = child_options_;
  if (mss_bytes) options.mss = *mss_bytes;
  auto child = std::make_unique<TcpConnection>(scheduler_, lane_, isn_rng_, config_, options,
                                               std::move(reply));
  child->set_user_tag(user_tag);
  TcpConnection* raw = child.get();
  raw->listener_key_ = next_half_open_key_++;
  half_open_.emplace(raw->listener_key_, std::move(child));
  raw->StartPassive(segment, this);
  return raw;
}

std::unique_ptr<TcpConnection> TcpListener::Accept() {
  if (completed_.empty()) return nullptr;
  std::unique_ptr<TcpConnection> c = std::move(completed_.front());
  completed_.pop_front();
  c->listener_ = nullptr;
  ++counters_.connections_accepted;
  return c;
}

void TcpListener::Close() {
  if (closed_) return;
  closed_ = true;
  std::vector<std::unique_ptr<TcpConnection>> doomed;
  for (auto& [key, c] : half_open_) doomed.push_back(std::move(c));
  for (auto& c : completed_) doomed.push_back(std::move(c));
  half_open_.clear();
  completed_.clear();
  for (auto& c : doomed) {
    c->listener_ = nullptr;  // its events go nowhere now
    c->Abort();
    if (on_event_) on_event_(TcpListenerEvent::kConnectionDropped, c.get());
  }
}

void TcpListener::OnChildEvent(TcpConnection* child, TcpEvent event) {
  if (event != TcpEvent::kConnected && event != TcpEvent::kClosed) return;
  auto it = half_open_.find(child->listener_key_);
  if (it == half_open_.end() || it->second.get() != child) {
    // Not half open: a completed connection that closed while queued stays until accepted.
    return;
  }
  if (event == TcpEvent::kConnected) {
    completed_.push_back(std::move(it->second));
    half_open_.erase(it);
    ++counters_.connections_completed;
    if (on_event_) on_event_(TcpListenerEvent::kConnectionReady, child);
    return;
  }
  std::unique_ptr<TcpConnection> doomed = std::move(it->second);
  half_open_.erase(it);
  ++counters_.half_open_dropped;
  if (on_event_) on_event_(TcpListenerEvent::kConnectionDropped, child);
  // `doomed` destroys the child; its flush stops (destroyed flag)
}

}  // namespace ws2sim::providers::tcpip
