// The TCP engine moving 100 MiB through one connection over a wire paced at 10 Gbit/s with 1 ms
// one-way delay (BDP 2.5 MB), 4 MiB socket buffers (window scale 7), MSS 1460. Reports wall time
// per transfer, simulated MiB/s (100 MiB / virtual time from connect to the receiver's
// end-of-stream) and scheduler events per simulated MiB.
//   build/bench/tcp_bench --benchmark_counters_tabular=true
#include <algorithm>
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "benchmark/benchmark.h"
#include "providers/tcpip/tcp_connection.h"
#include "providers/tcpip/tcp_listener.h"
#include "sim/rng.h"
#include "sim/scheduler.h"

namespace ws2sim::providers::tcpip {
namespace {

using sim::Duration;
using sim::VirtualTime;

constexpr uint64_t kTotalBytes = 100ull << 20;
constexpr uint64_t kBitsPerSecond = 10'000'000'000ull;
constexpr Duration kDelay = Duration::Milliseconds(1);

// A FIFO wire per direction: pacing then constant delay, so segments never reorder and a deque
// holds them until delivery.
struct Transfer {
  sim::Scheduler scheduler{sim::Scheduler::Options{.seed = 1}};
  sim::Rng isn = sim::Rng::Stream(1, "isn");
  sim::LaneId link_lane[2];
  sim::LaneId host_lane[2];
  std::deque<TcpSegment> in_flight[2];
  VirtualTime next_free[2];
  std::unique_ptr<TcpListener> listener;
  std::unique_ptr<TcpConnection> client;
  std::unique_ptr<TcpConnection> server;
  TcpConnection* server_raw = nullptr;  // the listener's child until accepted
  std::vector<uint8_t> pattern = std::vector<uint8_t>(1 << 20);
  std::vector<uint8_t> sink = std::vector<uint8_t>(1 << 20);
  uint64_t sent = 0;
  uint64_t received = 0;
  uint64_t checksum = 0;
  VirtualTime connected;
  VirtualTime done;

  Transfer() {
    link_lane[0] = scheduler.NewLane("a->b", trace::pb::LANE_LINK);
    link_lane[1] = scheduler.NewLane("b->a", trace::pb::LANE_LINK);
    host_lane[0] = scheduler.NewLane("a tcp", trace::pb::LANE_SOCKET);
    host_lane[1] = scheduler.NewLane("b tcp", trace::pb::LANE_SOCKET);
    for (size_t i = 0; i < pattern.size(); ++i) pattern[i] = static_cast<uint8_t>(i * 131 + 7);
    const TcpSocketOptions opts{.send_buffer_bytes = 4 << 20, .receive_buffer_bytes = 4 << 20,
                                .mss = 1460};
    listener = std::make_unique<TcpListener>(scheduler, host_lane[1], isn, TcpConfig{}, opts, 5);
    listener->SetEventCallback([this](TcpListenerEvent ev, TcpConnection*) {
      if (ev != TcpListenerEvent::kConnectionReady) return;
      server = listener->Accept();
      server->SetEventCallback([this](TcpEvent e) { OnServer(e); });
    });
    client = std::make_unique<TcpConnection>(scheduler, host_lane[0], isn, TcpConfig{}, opts,
                                             [this](TcpSegment s) { Send(0, std::move(s)); });
    client->SetEventCallback([this](TcpEvent e) { OnClient(e); });
  }

  void Send(int from, TcpSegment seg) {
    const uint64_t bits = (seg.payload.size() + 40) * 8;
    const Duration tx = Duration::Nanoseconds(
        static_cast<int64_t>((bits * 1'000'000'000ull + kBitsPerSecond - 1) / kBitsPerSecond));
    const VirtualTime depart = std::max(scheduler.Now(), next_free[from]);
    next_free[from] = depart + tx;
    in_flight[from].push_back(std::move(seg));
    scheduler.ScheduleAt(depart + tx + kDelay, link_lane[from], [this, from] { Deliver(from); });
  }

  void Deliver(int from) {
    TcpSegment seg = std::move(in_flight[from].front());
    in_flight[from].pop_front();
    if (from == 1) {
      client->OnSegment(seg);
    } else if (server) {
      server->OnSegment(seg);
    } else if (server_raw != nullptr) {
      server_raw->OnSegment(seg);
    } else {
      server_raw = listener->OnSegment(seg, [this](TcpSegment s) { Send(1, std::move(s)); });
    }
  }

  void OnClient(TcpEvent e) {
    if (e == TcpEvent::kConnected) connected = scheduler.Now();
    if (e != TcpEvent::kConnected && e != TcpEvent::kWritable) return;
    while (sent < kTotalBytes) {
      const size_t off = sent % pattern.size();
      const size_t n = std::min<uint64_t>(pattern.size() - off, kTotalBytes - sent);
      const TcpIoResult r = client->Send(absl::MakeConstSpan(pattern).subspan(off, n));
      if (r.bytes == 0) return;
      sent += r.bytes;
    }
    client->Shutdown(/*send=*/true, /*receive=*/false);
  }

  void OnServer(TcpEvent e) {
    if (e != TcpEvent::kReadable && e != TcpEvent::kPeerClosed) return;
    for (;;) {
      const TcpIoResult r = server->Recv(absl::MakeSpan(sink));
      if (!r.ok()) return;
      if (r.bytes == 0) {
        done = scheduler.Now();
        return;
      }
      for (uint32_t i = 0; i < r.bytes; i += 4096) checksum += sink[i];
      received += r.bytes;
    }
  }
};

void BM_Tcp100MiB(benchmark::State& state) {
  double virtual_seconds = 0;
  uint64_t events = 0;
  uint64_t segments = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto t = std::make_unique<Transfer>();
    state.ResumeTiming();
    t->client->Connect();
    const sim::RunResult r = t->scheduler.RunUntil(VirtualTime::Zero() + Duration::Seconds(60));
    state.PauseTiming();
    if (t->received != kTotalBytes || t->done == VirtualTime()) {
      state.SkipWithError("transfer incomplete");
    }
    virtual_seconds = static_cast<double>((t->done - t->connected).ns()) / 1e9;
    events = r.events;
    segments = t->client->counters().segments_sent + t->server->counters().segments_sent;
    t.reset();
    state.ResumeTiming();
  }
  const double mib = static_cast<double>(kTotalBytes) / (1 << 20);
  state.counters["sim_MiB/s"] = mib / virtual_seconds;
  state.counters["events/sim_MiB"] = static_cast<double>(events) / mib;
  state.counters["segments/sim_MiB"] = static_cast<double>(segments) / mib;
  state.counters["virtual_s"] = virtual_seconds;
}
BENCHMARK(BM_Tcp100MiB)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

}  // namespace
}  // namespace ws2sim::providers::tcpip
