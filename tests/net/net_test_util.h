// Helpers for the sim/net tests: a world (scheduler + network), scripted actions at virtual
// times, packet builders from text, and a receiver that logs what a host's handler got.
#ifndef WS2SIM_TESTS_NET_NET_TEST_UTIL_H_
#define WS2SIM_TESTS_NET_NET_TEST_UTIL_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "sim/net/network.h"
#include "sim/net/packet.h"
#include "sim/scheduler.h"

namespace ws2sim::sim::net::testing {

inline IpAddress Ip(absl::string_view text) { return IpAddress::Parse(text).value(); }
inline VirtualTime Ns(int64_t ns) { return VirtualTime::FromNanoseconds(ns); }
inline constexpr int64_t kMs = 1'000'000;

struct World {
  explicit World(uint64_t seed = 1, trace::Recorder* recorder = nullptr)
      : scheduler(Scheduler::Options{.seed = seed, .recorder = recorder}), net(scheduler) {}

  Host& AddHost(absl::string_view name, HostOptions options = {}) {
    absl::StatusOr<Host*> h = net.AddHost(name, options);
    EXPECT_TRUE(h.ok()) << h.status();
    return **h;
  }
  // Runs `fn` at virtual time `ns` (an event on the engine lane).
  void At(int64_t ns, std::function<void()> fn) {
    actions.push_back(std::move(fn));
    std::function<void()>* f = &actions.back();
    scheduler.ScheduleAt(Ns(ns), 0, [f] { (*f)(); });
  }
  void Run() {
    const RunResult r = scheduler.Run();
    EXPECT_TRUE(r.ok()) << r.message;
  }

  Scheduler scheduler;  // before net: the network goes first
  Network net;
  std::deque<std::function<void()>> actions;
};

inline Packet Udp(absl::string_view src, absl::string_view dst, uint16_t src_port,
                  uint16_t dst_port, size_t payload_bytes, uint8_t fill = 0xab,
                  bool dont_fragment = false, uint16_t ip_id = 0) {
  const std::vector<uint8_t> payload(payload_bytes, fill);
  return BuildUdp(UdpSpec{.ip = {.src = Ip(src), .dst = Ip(dst), .id = ip_id,
                                 .dont_fragment = dont_fragment},
                          .src_port = src_port,
                          .dst_port = dst_port,
                          .payload = payload});
}

inline Packet Tcp(absl::string_view src, absl::string_view dst, uint16_t src_port,
                  uint16_t dst_port, uint8_t flags, uint32_t seq, size_t payload_bytes = 0) {
  const std::vector<uint8_t> payload(payload_bytes, 0x5a);
  return BuildTcp(TcpSpec{.ip = {.src = Ip(src), .dst = Ip(dst)},
                          .src_port = src_port,
                          .dst_port = dst_port,
                          .seq = seq,
                          .flags = flags,
                          .window = 65535,
                          .payload = payload});
}

// What a host's handler received.
struct Arrival {
  int64_t ns;
  uint64_t id;
  std::string host;
  uint16_t src_port;
  uint16_t dst_port;
  uint32_t seq;       // TCP
  size_t payload_bytes;
  uint8_t first_payload_byte;
  friend bool operator==(const Arrival&, const Arrival&) = default;
};

// Registers UDP and TCP handlers on `host` that append to `log`.
inline void Listen(World& w, Host& host, std::vector<Arrival>& log) {
  auto handler = [&w, &host, &log](const ReceivedPacket& p) {
    Arrival a{w.scheduler.Now().ns_since_start(), p.id, host.name(), 0, 0, 0, 0, 0};
    if (p.parsed.udp) {
      a.src_port = p.parsed.udp->src_port;
      a.dst_port = p.parsed.udp->dst_port;
      a.payload_bytes = p.parsed.udp->payload.size();
      if (a.payload_bytes > 0) a.first_payload_byte = p.parsed.udp->payload[0];
    } else if (p.parsed.tcp) {
      a.src_port = p.parsed.tcp->src_port;
      a.dst_port = p.parsed.tcp->dst_port;
      a.seq = p.parsed.tcp->seq;
      a.payload_bytes = p.parsed.tcp->payload.size();
    }
    log.push_back(a);
  };
  host.SetProtocolHandler(kProtoUdp, handler);
  host.SetProtocolHandler(kProtoTcp, handler);
}

// Two hosts a (10.0.0.1/24, 2001:db8::1/64) and b (10.0.0.2/24, 2001:db8::2/64) on link "l1".
inline void TwoHosts(World& w, const LinkParams& params = {}, uint32_t mtu_bytes = 1500) {
  w.AddHost("a");
  w.AddHost("b");
  const absl::Status s = w.net.AddLink(
      LinkSpec{.name = "l1",
               .a = {.host = "a", .interface = "eth0",
                     .addresses = {"10.0.0.1/24", "2001:db8::1/64"}, .mtu_bytes = mtu_bytes},
               .b = {.host = "b", .interface = "eth0",
                     .addresses = {"10.0.0.2/24", "2001:db8::2/64"}, .mtu_bytes = mtu_bytes},
               .params = params});
  EXPECT_TRUE(s.ok()) << s;
}

}  // namespace ws2sim::sim::net::testing

#endif  // WS2SIM_TESTS_NET_NET_TEST_UTIL_H_
