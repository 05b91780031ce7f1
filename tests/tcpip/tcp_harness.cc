#include "tests/tcpip/tcp_harness.h"

#include <algorithm>

namespace ws2sim::providers::tcpip::testing {

using sim::Duration;
using sim::VirtualTime;

std::vector<uint8_t> RandomBytes(uint64_t seed, size_t n) {
  sim::Rng rng(seed);
  std::vector<uint8_t> out(n);
  for (size_t i = 0; i < n; i += 8) {
    uint64_t v = rng.NextU64();
    for (size_t j = 0; j < 8 && i + j < n; ++j) out[i + j] = static_cast<uint8_t>(v >> (8 * j));
  }
  return out;
}

// --- Endpoint ---------------------------------------------------------------------------------

void Endpoint::Attach(std::unique_ptr<TcpConnection> conn, Network* net, int host) {
  conn_ = std::move(conn);
  net_ = net;
  host_ = host;
  states_.push_back(conn_->state());
  conn_->SetStateObserver([this](TcpState, TcpState to) { states_.push_back(to); });
  conn_->SetEventCallback([this](TcpEvent e) { OnEvent(e); });
}

bool Endpoint::Saw(TcpEvent e) const { return Count(e) > 0; }

int Endpoint::Count(TcpEvent e) const {
  int n = 0;
  for (const auto& [t, ev] : events_) n += ev == e ? 1 : 0;
  return n;
}

std::optional<VirtualTime> Endpoint::When(TcpEvent e) const {
  for (const auto& [t, ev] : events_) {
    if (ev == e) return t;
  }
  return std::nullopt;
}

void Endpoint::Drain() {
  if (!conn_) return;
  uint8_t buf[65536];
  for (;;) {
    const TcpIoResult r = conn_->Recv(absl::MakeSpan(buf));
    if (!r.ok()) {
      if (r.error != TcpError::kWouldBlock) read_error = r.error;
      return;
    }
    if (r.bytes == 0) {
      eof = true;
      return;
    }
    received.insert(received.end(), buf, buf + r.bytes);
  }
}

void Endpoint::PushSend() {
  if (!conn_) return;
  while (sent < to_send.size()) {
    const TcpIoResult r =
        conn_->Send(absl::MakeConstSpan(to_send).subspan(sent));
    if (!r.ok() || r.bytes == 0) return;
    sent += r.bytes;
  }
  if (!after_done_ && sent == to_send.size()) {
    after_done_ = true;
    if (after_send == After::kShutdownSend) conn_->Shutdown(true, false);
    if (after_send == After::kClose) conn_->Close();
  }
}

void Endpoint::OnEvent(TcpEvent e) {
  events_.emplace_back(net_->Now(), e);
  if (auto_read && (e == TcpEvent::kReadable || e == TcpEvent::kPeerClosed)) Drain();
  if ((e == TcpEvent::kConnected || e == TcpEvent::kWritable) &&
      (!to_send.empty() || after_send != After::kNothing)) {
    PushSend();
  }
  if (on_event) on_event(*this, e);
  if (e == TcpEvent::kClosed && destroy_on_close && conn_) {
    net_->Forget(host_, conn_.get());
    conn_.reset();
  }
}

// --- ListenerEndpoint -------------------------------------------------------------------------

Endpoint* ListenerEndpoint::AcceptOne() {
  std::unique_ptr<TcpConnection> c = listener_->Accept();
  if (!c) return nullptr;
  Network::Key key{port_, 0};
  Endpoint* e = net_->Adopt(host_, key, std::move(c));
  if (accepted_setup) accepted_setup(*e);
  accepted.push_back(e);
  // Anything that arrived while it was queued.
  if (e->auto_read && (e->conn()->ReadableBytes() > 0 || e->conn()->peer_closed())) e->Drain();
  if (!e->to_send.empty() || e->after_send != Endpoint::After::kNothing) e->PushSend();
  return e;
}

// --- Network ----------------------------------------------------------------------------------

Network::Network(uint64_t seed, const LinkConfig& a_to_b, const LinkConfig& b_to_a,
                 const TcpConfig& config)
    : scheduler_(std::make_unique<sim::Scheduler>(sim::Scheduler::Options{.seed = seed})),
      config_(config) {
  const char* names[2] = {"a->b", "b->a"};
  const LinkConfig* cfg[2] = {&a_to_b, &b_to_a};
  for (int i = 0; i < 2; ++i) {
    links_[i].config = *cfg[i];
    links_[i].loss_rng = sim::Rng::Stream(seed, std::string(names[i]) + " loss");
    links_[i].dup_rng = sim::Rng::Stream(seed, std::string(names[i]) + " duplicate");
    links_[i].reorder_rng = sim::Rng::Stream(seed, std::string(names[i]) + " reorder");
    links_[i].lane = scheduler_->NewLane(names[i], ws2sim::trace::pb::LANE_LINK);
  }
  host_lane_[0] = scheduler_->NewLane("host a tcp", ws2sim::trace::pb::LANE_SOCKET);
  host_lane_[1] = scheduler_->NewLane("host b tcp", ws2sim::trace::pb::LANE_SOCKET);
  isn_rng_[0] = sim::Rng::Stream(seed, "host a isn");
  isn_rng_[1] = sim::Rng::Stream(seed, "host b isn");
}

Network::~Network() {
  listener_endpoints_.clear();
  endpoints_.clear();
}

TcpConnection::OutputFn Network::OutputFor(int host, uint16_t local_port, uint16_t remote_port) {
  return [this, host, local_port, remote_port](TcpSegment s) {
    Send(host, local_port, remote_port, std::move(s));
  };
}

std::unique_ptr<TcpConnection> Network::MakeConnection(int host, uint16_t local_port,
                                                       uint16_t remote_port,
                                                       const TcpSocketOptions& options) {
  return std::make_unique<TcpConnection>(*scheduler_, host_lane_[host], isn_rng_[host], config_,
                                         options, OutputFor(host, local_port, remote_port));
}

Endpoint* Network::Adopt(int host, Key key, std::unique_ptr<TcpConnection> conn) {
  auto e = std::make_unique<Endpoint>();
  if (key.second != 0) demux_[host][key] = conn.get();
  e->Attach(std::move(conn), this, host);
  endpoints_.push_back(std::move(e));
  return endpoints_.back().get();
}

void Network::Forget(int host, TcpConnection* conn) {
  for (auto it = demux_[host].begin(); it != demux_[host].end(); ++it) {
    if (it->second == conn) {
      demux_[host].erase(it);
      return;
    }
  }
}

Endpoint* Network::Open(int host, uint16_t local_port, uint16_t remote_port,
                        const TcpSocketOptions& options) {
  return Adopt(host, {local_port, remote_port},
               MakeConnection(host, local_port, remote_port, options));
}

Endpoint* Network::Connect(int host, uint16_t local_port, uint16_t remote_port,
                           const TcpSocketOptions& options) {
  Endpoint* e = Open(host, local_port, remote_port, options);
  (*e)->Connect();
  return e;
}

ListenerEndpoint* Network::Listen(int host, uint16_t port, int backlog,
                                  const TcpSocketOptions& child_options,
                                  BacklogFullAction when_full) {
  auto le = std::make_unique<ListenerEndpoint>();
  le->net_ = this;
  le->host_ = host;
  le->port_ = port;
  le->listener_ = std::make_unique<TcpListener>(*scheduler_, host_lane_[host], isn_rng_[host],
                                                config_, child_options, backlog, when_full);
  ListenerEndpoint* raw = le.get();
  raw->listener_->SetEventCallback([this, raw, host](TcpListenerEvent ev, TcpConnection* c) {
    if (ev == TcpListenerEvent::kConnectionReady) {
      ++raw->ready_events;
      if (raw->auto_accept) raw->AcceptOne();
    } else {
      ++raw->dropped_events;
      Forget(host, c);
    }
  });
  listeners_[host][port] = raw;
  listener_endpoints_.push_back(std::move(le));
  return raw;
}

void Network::Send(int from, uint16_t src_port, uint16_t dst_port, TcpSegment seg) {
  Link& link = links_[from];
  const LinkConfig& cfg = link.config;
  const VirtualTime now = scheduler_->Now();
  bool lost = cfg.blackhole || link.loss_rng.Bernoulli(cfg.loss);
  if (drop_hook && drop_hook(from, seg)) lost = true;
  const bool dup = link.dup_rng.Bernoulli(cfg.duplicate);
  Duration extra = Duration::Zero();
  if (link.reorder_rng.Bernoulli(cfg.reorder)) {
    extra = Duration::Nanoseconds(
        static_cast<int64_t>(link.reorder_rng.UniformBelow(cfg.reorder_extra.ns() + 1)));
  }
  if (record_wire) {
    WireRecord rec;
    rec.at = now;
    rec.from = from;
    rec.src_port = src_port;
    rec.dst_port = dst_port;
    rec.payload_len = static_cast<uint32_t>(seg.payload.size());
    rec.segment = seg;
    if (!keep_payloads) {
      rec.segment.payload.clear();
      rec.segment.payload.shrink_to_fit();
    }
    rec.lost = lost;
    wire.push_back(std::move(rec));
  }
  // Pacing: the link sends one segment at a time; a lost segment still used the wire.
  Duration tx = Duration::Zero();
  if (cfg.bits_per_second > 0) {
    const uint64_t bits = (uint64_t{seg.payload.size()} + cfg.overhead_bytes) * 8;
    tx = Duration::Nanoseconds(
        static_cast<int64_t>((bits * 1000000000ULL + cfg.bits_per_second - 1) / cfg.bits_per_second));
  }
  const VirtualTime depart = std::max(now, link.next_free);
  link.next_free = depart + tx;
  if (lost) return;
  const VirtualTime arrive = depart + tx + cfg.delay + extra;
  const int copies = dup ? 2 : 1;
  for (int c = 0; c < copies; ++c) {
    const uint64_t id = next_id_++;
    InFlight& f = in_flight_[id];
    f.to = 1 - from;
    f.src_port = src_port;
    f.dst_port = dst_port;
    f.segment = c + 1 < copies ? seg : std::move(seg);
    scheduler_->ScheduleAt(arrive + Duration::Nanoseconds(c), link.lane,
                           [this, id] { Deliver(id); });
  }
}

void Network::Deliver(uint64_t id) {
  auto it = in_flight_.find(id);
  InFlight f = std::move(it->second);
  in_flight_.erase(it);
  ++segments_delivered;
  const int host = f.to;
  const Key key{f.dst_port, f.src_port};
  if (auto c = demux_[host].find(key); c != demux_[host].end()) {
    c->second->OnSegment(f.segment);
    return;
  }
  if (auto l = listeners_[host].find(f.dst_port); l != listeners_[host].end()) {
    TcpConnection* child = l->second->listener()->OnSegment(
        f.segment, OutputFor(host, f.dst_port, f.src_port));
    if (child != nullptr) demux_[host][key] = child;
    return;
  }
  if (closed_port_rst_[host]) {
    if (auto rst = MakeResetFor(f.segment)) Send(host, f.dst_port, f.src_port, std::move(*rst));
  }
}

sim::RunResult Network::Run(Duration limit) {
  return scheduler_->RunUntil(scheduler_->Now() + limit);
}

std::vector<WireRecord> Network::Sent(int host, uint8_t mask, uint8_t value) const {
  std::vector<WireRecord> out;
  for (const WireRecord& r : wire) {
    if (r.from == host && (r.segment.flags & mask) == value) out.push_back(r);
  }
  return out;
}

}  // namespace ws2sim::providers::tcpip::testing
