// The first whole path, bulk: 1 GiB over one TCP connection between two native processes calling
// the real Winsock API (send/recv with 64 KiB buffers), through the DLL model, the tcpip provider
// and sim::net, over a 10 Gbit/s link with 1 ms one-way delay (BDP 2.5 MB), MTU 1500 (MSS 1460).
// Both sockets get 4 MiB SO_SNDBUF / SO_RCVBUF (window scale 7) before connect / listen. The link
// queue holds 10,000 packets: with netem's default of 1000, slow start's bursts overflow it (460
// drops) and NewReno's recovery leaves 2.5 Gbit/s, which measures congestion control, not the
// simulator. Target: <= 2 s wall for 1 GiB.
//
// Reports, per transfer (Iterations(1): each is a whole simulation):
//   wall_s           the whole run: world setup, connect, 1 GiB, close, teardown;
//   sim_s            virtual time from connect() returning to the receiver's end of stream;
//   events/sim_MiB   scheduler events of the run per MiB moved;
//   sim_Gbit/s       1 GiB * 8 / sim_s;
//   drops            packets the link dropped (0 expected);
//   payload/pkt      mean payload of the sender's packets (1460 = full MSS);
//   peak_RSS_MiB     getrusage ru_maxrss (the process's high-water mark so far).
//   build-bench/bench/transfer_bench --benchmark_counters_tabular=true

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bench/peak_rss.h"
#include "benchmark/benchmark.h"
#include "scenarios/world.h"
// The guest headers last: their macros rename socket, bind, send, recv, ...
#include "model/include/winsock2.h"

namespace ws2sim::scenarios {
namespace {

constexpr uint64_t kTotalBytes = 1ull << 30;
constexpr int kBufferBytes = 64 * 1024;
constexpr int kSocketBufferBytes = 4 << 20;
constexpr u_short kPort = 5001;
constexpr uint64_t kQueuePackets = 10'000;

struct Outcome {
  uint64_t sent = 0;
  uint64_t received = 0;
  uint64_t checksum = 0;
  sim::VirtualTime connected;
  sim::VirtualTime done;
  bool failed = false;
};

void SetBuffers(SOCKET s, Outcome& out) {
  const int bytes = kSocketBufferBytes;
  if (setsockopt(s, SOL_SOCKET, SO_SNDBUF, reinterpret_cast<const char*>(&bytes), sizeof(bytes)) ==
          SOCKET_ERROR ||
      setsockopt(s, SOL_SOCKET, SO_RCVBUF, reinterpret_cast<const char*>(&bytes), sizeof(bytes)) ==
          SOCKET_ERROR) {
    out.failed = true;
  }
}

sockaddr_in Address(const char* ip) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(kPort);
  a.sin_addr.s_addr = inet_addr(ip);
  return a;
}

// `listen_on` is the address the listener binds: "10.0.0.2", or "0.0.0.0" (see BM_Transfer1GiB).
int Receiver(sim::Scheduler& scheduler, const char* listen_on, Outcome& out) {
  WSADATA data;
  if (WSAStartup(MAKEWORD(2, 2), &data) != 0) return out.failed = true, 1;
  SOCKET listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  SetBuffers(listener, out);  // accepted sockets inherit them (S1 §3.1.11)
  const sockaddr_in local = Address(listen_on);
  if (bind(listener, reinterpret_cast<const sockaddr*>(&local), sizeof(local)) == SOCKET_ERROR ||
      listen(listener, 1) == SOCKET_ERROR) {
    return out.failed = true, 1;
  }
  SOCKET conn = accept(listener, nullptr, nullptr);
  if (conn == INVALID_SOCKET) return out.failed = true, 1;
  closesocket(listener);
  std::vector<char> buf(kBufferBytes);
  for (;;) {
    const int n = recv(conn, buf.data(), kBufferBytes, 0);
    if (n < 0) return out.failed = true, 1;
    if (n == 0) break;
    out.checksum += static_cast<uint8_t>(buf[0]) + static_cast<uint8_t>(buf[n - 1]);
    out.received += static_cast<uint64_t>(n);
  }
  out.done = scheduler.Now();
  closesocket(conn);
  WSACleanup();
  return 0;
}

int Sender(sim::Scheduler& scheduler, Outcome& out) {
  WSADATA data;
  if (WSAStartup(MAKEWORD(2, 2), &data) != 0) return out.failed = true, 1;
  SOCKET conn = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  SetBuffers(conn, out);
  const sockaddr_in to = Address("10.0.0.2");
  if (connect(conn, reinterpret_cast<const sockaddr*>(&to), sizeof(to)) == SOCKET_ERROR) {
    return out.failed = true, 1;
  }
  out.connected = scheduler.Now();
  std::vector<char> buf(kBufferBytes);
  for (int i = 0; i < kBufferBytes; ++i) buf[i] = static_cast<char>(i * 131 + 7);
  while (out.sent < kTotalBytes) {
    const int n = send(conn, buf.data(), kBufferBytes, 0);
    if (n <= 0) return out.failed = true, 1;
    out.sent += static_cast<uint64_t>(n);
  }
  shutdown(conn, SD_SEND);
  char tail[16];
  while (recv(conn, tail, sizeof(tail), 0) > 0) {
  }
  closesocket(conn);
  WSACleanup();
  return 0;
}

// Arg 0: the receiver listens on 10.0.0.2. Arg 1: on INADDR_ANY; accepted connections take their
// MSS from the route to the peer either way, so both carry 1460-byte segments.
void BM_Transfer1GiB(benchmark::State& state) {
  const char* listen_on = state.range(0) != 0 ? "0.0.0.0" : "10.0.0.2";
  double wall = 0, virtual_seconds = 0;
  uint64_t events = 0, drops = 0, data_packets = 0, data_bytes = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();  // wall clock: the measurement only
    Outcome out;
    sim::RunResult r;
    {
      World world({.seed = 1});
      world.AddHost("sender").IgnoreError();
      world.AddHost("receiver").IgnoreError();
      const sim::net::LinkParams wire{.delay_ns = 1'000'000,
                                      .rate_bytes_per_s = 1'250'000'000,
                                      .limit_packets = kQueuePackets};
      const absl::Status linked = world.network().AddLink(
          {.name = "wire",
           .a = {.host = "sender", .interface = "eth0", .addresses = {"10.0.0.1/24"}},
           .b = {.host = "receiver", .interface = "eth0", .addresses = {"10.0.0.2/24"}},
           .params = wire});
      if (!linked.ok()) state.SkipWithError(std::string(linked.message()).c_str());
      sim::Scheduler& scheduler = world.scheduler();
      world
          .StartNative("receiver", "sink",
                       [&](const std::vector<std::string>&) {
                         return Receiver(scheduler, listen_on, out);
                       })
          .IgnoreError();
      world
          .StartNative("sender", "source",
                       [&](const std::vector<std::string>&) { return Sender(scheduler, out); },
                       sim::Duration::Microseconds(10))
          .IgnoreError();
      r = world.Run();
      for (const sim::net::DirectionReport& d : world.network().Directions()) {
        drops += d.counters->dropped.total().packets;
        if (d.from_host == "sender" && d.to_host == "receiver") {
          data_packets = d.counters->sent.packets;
          data_bytes = d.counters->sent.bytes;
        }
      }
    }
    wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!r.ok()) state.SkipWithError(r.message.c_str());
    if (out.failed || out.received != kTotalBytes || out.sent != kTotalBytes) {
      state.SkipWithError("transfer incomplete");
    }
    virtual_seconds = static_cast<double>((out.done - out.connected).ns()) / 1e9;
    events = r.events;
  }
  const double mib = static_cast<double>(kTotalBytes) / (1 << 20);
  state.counters["wall_s"] = wall;
  state.counters["sim_s"] = virtual_seconds;
  state.counters["events/sim_MiB"] = static_cast<double>(events) / mib;
  state.counters["sim_Gbit/s"] = static_cast<double>(kTotalBytes) * 8 / virtual_seconds / 1e9;
  state.counters["drops"] = static_cast<double>(drops);
  // Mean TCP payload of the packets the sender put on the wire (IPv4 + TCP headers: 40 bytes).
  state.counters["payload/pkt"] =
      data_packets == 0 ? 0 : static_cast<double>(data_bytes - 40 * data_packets) / data_packets;
  state.counters["peak_RSS_MiB"] = ws2sim::bench::PeakRssMiB();
}
BENCHMARK(BM_Transfer1GiB)
    ->ArgName("wildcard_listener")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime()
    ->Iterations(1);

}  // namespace
}  // namespace ws2sim::scenarios
