// The first whole path, wide: 10,000 concurrent TCP connections, each echoing 10 KiB, between
// native processes calling the real Winsock and Win32 APIs.
//  - One server process on host "server": a blocking accept loop that starts one thread per
//    connection (CreateThread), as the classic echo server does; each thread echoes until the
//    client shuts down its sending side, then shuts down its own and closes. listen() asks for a
//    backlog of 10,000 and World::Options::tcpip.somaxconn is raised to 10,000 (D-59) so that no
//    SYN is refused or dropped.
//  - 10 client processes, one per client host (c0..c9: a host has 3,976 ephemeral ports,
//    1025..5000), each starting 1,000 threads (CreateThread) at the same virtual time (1 ms): each
//    thread connects, sends 10 KiB, shuts down its sending side, reads the echo until the server
//    closes and checks it byte for byte.
//  - All 11 hosts on one switch (a sim::net segment), 1 ms one-way delay, no rate limit; default
//    socket buffers (8 KiB), so each side's send and receive calls block and wake repeatedly. The
//    server listens on INADDR_ANY, for which the provider gives accepted connections the default
//    MSS of 536 (see transfer_bench.cc): 20 segments each way per connection.
// 20,011 simulated threads in all, each a fiber with the default stack (256 KiB reserved, touched
// pages only are resident). Targets: <= 10 s wall and <= 2 GiB peak RSS.
//
// Reports wall_s (the whole run: setup, run, teardown), sim_s (virtual time from the clients'
// start to the last client's exit), events (scheduler events), threads (fibers made) and
// peak_RSS_MiB (getrusage ru_maxrss: the process's high-water mark, so the first iteration's).
//   build-bench/bench/connections_bench --benchmark_counters_tabular=true

#include <chrono>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "bench/peak_rss.h"
#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "scenarios/world.h"
// The guest headers last: their macros rename socket, bind, send, recv, ...
#include "model/include/windows.h"
#include "model/include/winsock2.h"

namespace ws2sim::scenarios {
namespace {

constexpr int kClientHosts = 10;
constexpr int kThreadsPerClient = 1000;
constexpr int kConnections = kClientHosts * kThreadsPerClient;
constexpr int kEchoBytes = 10 * 1024;
constexpr int kChunkBytes = 4096;  // each recv / send of the server and the clients' reads
constexpr u_short kPort = 27015;

// The bytes every client sends (echo_client.c's pattern), made once.
const std::vector<char>& Pattern() {
  static const std::vector<char> pattern = [] {
    std::vector<char> p(kEchoBytes);
    for (int i = 0; i < kEchoBytes; ++i) p[i] = static_cast<char>('a' + (i * 7 + i / 26) % 26);
    return p;
  }();
  return pattern;
}

struct Totals {
  int accepted = 0;
  int served = 0;          // server threads that echoed kEchoBytes and closed cleanly
  int verified = 0;        // client threads whose echo came back byte-exact
  int failures = 0;
  sim::VirtualTime last_client_exit;
};
Totals* g_totals = nullptr;  // the run's totals, for the thread routines (one run at a time)

DWORD WINAPI ServeClient(LPVOID param) {
  const SOCKET conn = static_cast<SOCKET>(reinterpret_cast<UINT_PTR>(param));
  char buf[kChunkBytes];
  int total = 0;
  for (;;) {
    const int received = recv(conn, buf, kChunkBytes, 0);
    if (received < 0) {
      ++g_totals->failures;
      closesocket(conn);
      return 1;
    }
    if (received == 0) break;
    for (int sent = 0; sent < received;) {
      const int n = send(conn, buf + sent, received - sent, 0);
      if (n == SOCKET_ERROR) {
        ++g_totals->failures;
        closesocket(conn);
        return 1;
      }
      sent += n;
    }
    total += received;
  }
  shutdown(conn, SD_SEND);
  closesocket(conn);
  if (total == kEchoBytes) ++g_totals->served;
  return 0;
}

int Server() {
  WSADATA data;
  if (WSAStartup(MAKEWORD(2, 2), &data) != 0) return 1;
  const SOCKET listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  sockaddr_in any{};
  any.sin_family = AF_INET;
  any.sin_port = htons(kPort);
  any.sin_addr.s_addr = htonl(INADDR_ANY);
  if (bind(listener, reinterpret_cast<const sockaddr*>(&any), sizeof(any)) == SOCKET_ERROR ||
      listen(listener, kConnections) == SOCKET_ERROR) {
    return 1;
  }
  std::vector<HANDLE> threads;
  threads.reserve(kConnections);
  while (g_totals->accepted < kConnections) {
    const SOCKET conn = accept(listener, nullptr, nullptr);
    if (conn == INVALID_SOCKET) return 1;
    ++g_totals->accepted;
    threads.push_back(CreateThread(nullptr, 0, ServeClient,
                                   reinterpret_cast<LPVOID>(static_cast<UINT_PTR>(conn)), 0,
                                   nullptr));
  }
  closesocket(listener);
  for (HANDLE t : threads) {
    WaitForSingleObject(t, INFINITE);
    CloseHandle(t);
  }
  WSACleanup();
  return 0;
}

DWORD WINAPI EchoOnce(LPVOID) {
  const SOCKET conn = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(kPort);
  to.sin_addr.s_addr = inet_addr("10.0.0.1");
  if (connect(conn, reinterpret_cast<const sockaddr*>(&to), sizeof(to)) == SOCKET_ERROR) {
    ++g_totals->failures;
    closesocket(conn);
    return 1;
  }
  // Send everything, then read: the server's send buffer and ours hold 16 KiB between them, more
  // than the echo, so the server never blocks for good on a reader that is still sending.
  const char* pattern = Pattern().data();
  for (int sent = 0; sent < kEchoBytes;) {
    const int chunk = kEchoBytes - sent < kChunkBytes ? kEchoBytes - sent : kChunkBytes;
    const int n = send(conn, pattern + sent, chunk, 0);
    if (n == SOCKET_ERROR) {
      ++g_totals->failures;
      closesocket(conn);
      return 1;
    }
    sent += n;
  }
  shutdown(conn, SD_SEND);
  char buf[kChunkBytes];
  int received = 0, mismatches = 0;
  for (;;) {
    const int n = recv(conn, buf, kChunkBytes, 0);
    if (n <= 0) {
      if (n < 0) ++g_totals->failures;
      break;
    }
    if (received + n > kEchoBytes || std::memcmp(buf, pattern + received, n) != 0) ++mismatches;
    received += n;
  }
  closesocket(conn);
  if (received == kEchoBytes && mismatches == 0) ++g_totals->verified;
  return 0;
}

int Client(sim::Scheduler& scheduler) {
  WSADATA data;
  if (WSAStartup(MAKEWORD(2, 2), &data) != 0) return 1;
  Pattern();
  std::vector<HANDLE> threads;
  threads.reserve(kThreadsPerClient);
  for (int i = 0; i < kThreadsPerClient; ++i) {
    threads.push_back(CreateThread(nullptr, 0, EchoOnce, nullptr, 0, nullptr));
  }
  for (HANDLE t : threads) {
    WaitForSingleObject(t, INFINITE);
    CloseHandle(t);
  }
  WSACleanup();
  if (scheduler.Now() > g_totals->last_client_exit) g_totals->last_client_exit = scheduler.Now();
  return 0;
}

void BM_Connections10k(benchmark::State& state) {
  double wall = 0, virtual_seconds = 0;
  uint64_t events = 0, threads = 0;
  constexpr sim::Duration kClientStart = sim::Duration::Milliseconds(1);
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();  // wall clock: the measurement only
    Totals totals;
    g_totals = &totals;
    sim::RunResult r;
    {
      World::Options options{.seed = 1};
      options.tcpip.somaxconn = kConnections;
      World world(std::move(options));
      sim::net::SegmentSpec lan{.name = "lan", .params = {.delay_ns = 1'000'000}};
      world.AddHost("server").IgnoreError();
      lan.members.push_back({.host = "server", .interface = "eth0", .addresses = {"10.0.0.1/16"}});
      for (int i = 0; i < kClientHosts; ++i) {
        const std::string host = absl::StrCat("c", i);
        world.AddHost(host).IgnoreError();
        lan.members.push_back({.host = host,
                               .interface = "eth0",
                               .addresses = {absl::StrCat("10.0.", i + 1, ".1/16")}});
      }
      if (absl::Status s = world.network().AddSegment(lan); !s.ok()) {
        state.SkipWithError(std::string(s.message()).c_str());
      }
      sim::Scheduler& scheduler = world.scheduler();
      world.StartNative("server", "echo", [](const std::vector<std::string>&) { return Server(); })
          .IgnoreError();
      for (int i = 0; i < kClientHosts; ++i) {
        world
            .StartNative(absl::StrCat("c", i), "clients",
                         [&](const std::vector<std::string>&) { return Client(scheduler); },
                         kClientStart)
            .IgnoreError();
      }
      r = world.Run();
      threads = scheduler.fiber_count();
    }
    wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    g_totals = nullptr;
    if (!r.ok()) state.SkipWithError(r.message.c_str());
    if (totals.accepted != kConnections || totals.served != kConnections ||
        totals.verified != kConnections || totals.failures != 0) {
      state.SkipWithError(absl::StrCat("accepted ", totals.accepted, ", served ", totals.served,
                                       ", verified ", totals.verified, ", failures ",
                                       totals.failures)
                              .c_str());
    }
    const sim::Duration elapsed =
        totals.last_client_exit - (sim::VirtualTime::Zero() + kClientStart);
    virtual_seconds = static_cast<double>(elapsed.ns()) / 1e9;
    events = r.events;
  }
  state.counters["wall_s"] = wall;
  state.counters["sim_s"] = virtual_seconds;
  state.counters["events"] = static_cast<double>(events);
  state.counters["threads"] = static_cast<double>(threads);
  state.counters["peak_RSS_MiB"] = ws2sim::bench::PeakRssMiB();
}
BENCHMARK(BM_Connections10k)->Unit(benchmark::kSecond)->UseRealTime()->Iterations(1);

}  // namespace
}  // namespace ws2sim::scenarios
