// Packets per second through one link direction of sim/net with the whole model on: normal
// jitter, random loss, duplication, reordering, corruption, a rate with a drop-tail queue, a
// scripted fault rule to check, checksum verification and demultiplexing at the receiver.
// A sender event puts one 128-byte UDP datagram on the link every microsecond of virtual time
// (below the link's rate, so the queue stays short); each iteration sends kPackets. Reports
// packets/s of wall time, without a trace and with an in-memory trace recorder.
//   build/bench/net_bench --benchmark_counters_tabular=true
#include <memory>
#include <vector>

#include "benchmark/benchmark.h"
#include "sim/net/network.h"
#include "sim/scheduler.h"
#include "sim/trace/recorder.h"

namespace ws2sim::sim::net {
namespace {

constexpr int kPackets = 200'000;

struct Send {
  Scheduler* scheduler;
  Host* host;
  const Packet* packet;
  int* remaining;
  void operator()() const {
    host->Send(Packet{packet->bytes}).IgnoreError();
    if (--*remaining > 0) scheduler->ScheduleAfter(Duration::Microseconds(1), 0, *this);
  }
};

void BM_LinkFullModel(benchmark::State& state) {
  const bool traced = state.range(0) != 0;
  uint64_t delivered = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::unique_ptr<trace::Recorder> recorder =
        traced ? trace::Recorder::InMemory(trace::pb::TraceHeader()) : nullptr;
    auto scheduler = std::make_unique<Scheduler>(
        Scheduler::Options{.seed = 1, .recorder = recorder.get()});
    auto network = std::make_unique<Network>(*scheduler);
    Host* a = *network->AddHost("a");
    Host* b = *network->AddHost("b");
    const absl::Status s = network->AddLink(
        {.name = "l1",
         .a = {.host = "a", .interface = "eth0", .addresses = {"10.0.0.1/24"}},
         .b = {.host = "b", .interface = "eth0", .addresses = {"10.0.0.2/24"}},
         .params = {.delay_ns = 5'000'000,
                    .jitter_ns = 1'000'000,
                    .distribution = DelayDistribution::kNormal,
                    .loss_percent = 1,
                    .duplicate_percent = 1,
                    .reorder_percent = 1,
                    .corrupt_percent = 0.1,
                    .rate_bytes_per_s = 250'000'000,
                    .limit_packets = 1000}});
    if (!s.ok()) state.SkipWithError(std::string(s.message()).c_str());
    network->AddFault("l1", {.protocol = kProtoTcp, .count = FaultCount::Nth(3)}).IgnoreError();
    uint64_t received = 0;
    b->SetProtocolHandler(kProtoUdp, [&received](const ReceivedPacket&) { ++received; });
    const std::vector<uint8_t> payload(100, 0x42);
    const Packet packet = BuildUdp({.ip = {.src = IpAddress::V4(10, 0, 0, 1),
                                           .dst = IpAddress::V4(10, 0, 0, 2)},
                                    .src_port = 5000,
                                    .dst_port = 6000,
                                    .payload = payload});
    int remaining = kPackets;
    scheduler->ScheduleAt(VirtualTime::Zero(), 0,
                          Send{scheduler.get(), a, &packet, &remaining});
    state.ResumeTiming();
    const RunResult r = scheduler->Run();
    state.PauseTiming();
    if (!r.ok()) state.SkipWithError(r.message.c_str());
    delivered += received;
    network.reset();
    scheduler.reset();
    recorder.reset();
    state.ResumeTiming();
  }
  state.counters["packets/s"] = benchmark::Counter(
      static_cast<double>(kPackets) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
  state.counters["delivered"] = benchmark::Counter(
      static_cast<double>(delivered) / static_cast<double>(state.iterations()));
}
BENCHMARK(BM_LinkFullModel)->Arg(0)->Arg(1)->ArgName("traced")->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace ws2sim::sim::net
