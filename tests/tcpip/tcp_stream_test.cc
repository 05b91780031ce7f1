// Stream integrity (DESIGN.md section 4's checker): over a wire that loses, reorders and
// duplicates segments, every byte arrives exactly once and in order, in both directions, for
// 50 seeds in two weathers; and both ends close cleanly afterwards. TCP_DEBUG=1 prints
// per-seed counters.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "gtest/gtest.h"
#include "tests/tcpip/tcp_harness.h"

namespace ws2sim::providers::tcpip::testing {
namespace {

using sim::Duration;

struct Weather {
  double loss;
  double duplicate;
  double reorder;
  size_t up_bytes;
  size_t down_bytes;
};

void CheckIntegrity(uint64_t seed, const Weather& w) {
  LinkConfig link;
  link.delay = Duration::Milliseconds(2);
  link.bits_per_second = 100'000'000;
  link.loss = w.loss;
  link.duplicate = w.duplicate;
  link.reorder = w.reorder;
  link.reorder_extra = Duration::Milliseconds(4);
  TcpConfig config;
  config.time_wait = Duration::Seconds(10);
  Network net(seed, link, link, config);
  const TcpSocketOptions opts{.send_buffer_bytes = 32768, .receive_buffer_bytes = 32768,
                              .mss = 1460};
  const std::vector<uint8_t> up = RandomBytes(seed * 2 + 1, w.up_bytes + static_cast<size_t>(seed));
  const std::vector<uint8_t> down = RandomBytes(seed * 2 + 2, w.down_bytes);
  ListenerEndpoint* server = net.Listen(1, 80, 5, opts);
  server->accepted_setup = [&](Endpoint& e) {
    e.auto_read = true;
    e.to_send = down;
    e.on_event = [](Endpoint& self, TcpEvent ev) {
      if (self.eof && self.sent == self.to_send.size() && self->state() == TcpState::kCloseWait) {
        self->Close();
      }
      (void)ev;
    };
  };
  Endpoint* client = net.Connect(0, 1000, 80, opts);
  client->auto_read = true;
  client->to_send = up;
  client->after_send = Endpoint::After::kShutdownSend;
  const sim::RunResult r = net.Run(Duration::Seconds(600));
  EXPECT_TRUE(r.ok()) << r.message;
  ASSERT_EQ(server->accepted.size(), 1u);
  Endpoint* s = server->accepted[0];
  ASSERT_EQ(s->received.size(), up.size());
  EXPECT_TRUE(s->received == up);
  ASSERT_EQ(client->received.size(), down.size());
  EXPECT_TRUE(client->received == down);
  EXPECT_TRUE(s->eof);
  EXPECT_TRUE(client->eof);
  EXPECT_EQ((*client)->state(), TcpState::kClosed);
  EXPECT_EQ(s->conn()->state(), TcpState::kClosed);
  EXPECT_EQ((*client)->error(), TcpError::kNone) << (*client)->DebugString();
  EXPECT_EQ(s->conn()->error(), TcpError::kNone) << s->conn()->DebugString();
  if (std::getenv("TCP_DEBUG") != nullptr) {  // per-seed statistics
    const auto& c = (*client)->counters();
    const auto& sc = s->conn()->counters();
    printf("seed %d end %s rexmit %lu fast %lu timeouts %lu ooo %lu dup %lu | srv rexmit %lu\n",
           static_cast<int>(seed), net.Now().ToString().c_str(), (unsigned long)c.retransmitted_segments,
           (unsigned long)c.fast_retransmits, (unsigned long)c.timeouts,
           (unsigned long)sc.out_of_order_segments, (unsigned long)sc.duplicate_segments,
           (unsigned long)sc.retransmitted_segments);
  }
  // The wire really misbehaved.
  EXPECT_GT((*client)->counters().retransmitted_segments, 0u);
  EXPECT_GT(s->conn()->counters().duplicate_segments + s->conn()->counters().out_of_order_segments,
            0u);
}

class StreamIntegrity : public ::testing::TestWithParam<int> {};

// 3% loss, 3% duplication, 10% reordering; 1 MiB up, 256 KiB down.
TEST_P(StreamIntegrity, EveryByteArrivesOnceAndInOrder) {
  CheckIntegrity(static_cast<uint64_t>(GetParam()), {0.03, 0.03, 0.10, 1 << 20, 256 << 10});
}

// 10% loss, 10% duplication, 30% reordering; 128 KiB up, 64 KiB down.
TEST_P(StreamIntegrity, SurvivesAStorm) {
  CheckIntegrity(static_cast<uint64_t>(GetParam()) + 1000, {0.10, 0.10, 0.30, 128 << 10, 64 << 10});
}

INSTANTIATE_TEST_SUITE_P(Seeds, StreamIntegrity, ::testing::Range(1, 51));

}  // namespace
}  // namespace ws2sim::providers::tcpip::testing
