// TcpConnection over the two-host harness: handshake, transfer, retransmission, windows, Nagle,
// closing, urgent data, keepalive. Host 0 is the client (A), host 1 the server (B).
#include "providers/tcpip/tcp_connection.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/tcpip/tcp_harness.h"

namespace ws2sim::providers::tcpip::testing {
namespace {

using sim::Duration;
using sim::VirtualTime;

std::vector<uint8_t> Bytes(const std::string& s) { return std::vector<uint8_t>(s.begin(), s.end()); }
std::string Str(const std::vector<uint8_t>& v) { return std::string(v.begin(), v.end()); }

// Reads once into a buffer of `max` bytes.
std::string RecvString(TcpConnection* c, size_t max = 4096, TcpRecvFlags flags = {},
                       TcpError* error = nullptr) {
  std::vector<uint8_t> buf(max);
  const TcpIoResult r = c->Recv(absl::MakeSpan(buf), flags);
  if (error != nullptr) *error = r.error;
  return std::string(buf.begin(), buf.begin() + r.bytes);
}

std::vector<WireRecord> DataSegments(const Network& net, int host) {
  std::vector<WireRecord> out;
  for (const WireRecord& r : net.wire) {
    if (r.from == host && r.payload_len > 0) out.push_back(r);
  }
  return out;
}

// --- Handshake --------------------------------------------------------------------------------

TEST(TcpHandshake, ThreeWayHandshakeAndStatesOnBothSides) {
  Network net(1, Delay(Duration::Milliseconds(10)), Delay(Duration::Milliseconds(10)));
  ListenerEndpoint* server = net.Listen(1, 80, 5);
  Endpoint* client = net.Connect(0, 1000, 80);
  EXPECT_EQ((*client)->state(), TcpState::kSynSent);
  net.Run(Duration::Seconds(1));

  EXPECT_EQ((*client)->state(), TcpState::kEstablished);
  EXPECT_EQ(client->states(), (std::vector<TcpState>{TcpState::kClosed, TcpState::kSynSent,
                                                     TcpState::kEstablished}));
  EXPECT_EQ(client->When(TcpEvent::kConnected), At(Duration::Milliseconds(20)));
  ASSERT_EQ(server->accepted.size(), 1u);
  EXPECT_EQ(server->accepted[0]->conn()->state(), TcpState::kEstablished);
  EXPECT_EQ(server->ready_events, 1);

  // SYN, SYN-ACK, ACK on the wire, with the options and numbers of RFC 793 figure 7.
  ASSERT_GE(net.wire.size(), 3u);
  const TcpSegment& syn = net.wire[0].segment;
  const TcpSegment& synack = net.wire[1].segment;
  const TcpSegment& ack = net.wire[2].segment;
  EXPECT_EQ(net.wire[0].from, 0);
  EXPECT_EQ(syn.flags, kTcpSyn);
  EXPECT_EQ(syn.mss, kDefaultMss);
  EXPECT_FALSE(syn.window_scale.has_value());  // 8 KiB buffer: no scaling offered
  EXPECT_EQ(syn.window, 8192);
  EXPECT_EQ(net.wire[1].from, 1);
  EXPECT_EQ(synack.flags, kTcpSyn | kTcpAck);
  EXPECT_EQ(synack.ack, syn.seq + 1);
  EXPECT_EQ(net.wire[1].at, At(Duration::Milliseconds(10)));
  EXPECT_EQ(ack.flags, kTcpAck);
  EXPECT_EQ(ack.seq, syn.seq + 1);
  EXPECT_EQ(ack.ack, synack.seq + 1);
  EXPECT_EQ(net.wire[2].at, At(Duration::Milliseconds(20)));
  EXPECT_EQ(net.wire.size(), 3u);
  // The SYN exchange gave each side an RTT sample.
  EXPECT_EQ((*client)->rto().srtt(), Duration::Milliseconds(20));
  EXPECT_EQ(server->accepted[0]->conn()->rto().srtt(), Duration::Milliseconds(20));
}

TEST(TcpHandshake, SimultaneousOpen) {
  Network net(2, Delay(Duration::Milliseconds(10)), Delay(Duration::Milliseconds(10)));
  Endpoint* a = net.Open(0, 1000, 2000);
  Endpoint* b = net.Open(1, 2000, 1000);
  (*a)->Connect();
  (*b)->Connect();
  net.Run(Duration::Seconds(1));
  const std::vector<TcpState> expected{TcpState::kClosed, TcpState::kSynSent,
                                       TcpState::kSynReceived, TcpState::kEstablished};
  EXPECT_EQ(a->states(), expected);
  EXPECT_EQ(b->states(), expected);
  EXPECT_TRUE(a->Saw(TcpEvent::kConnected));
  EXPECT_TRUE(b->Saw(TcpEvent::kConnected));
  // Both SYN-ACKs carry the original ISS.
  const auto synacks0 = net.Sent(0, kTcpSyn | kTcpAck, kTcpSyn | kTcpAck);
  const auto syns0 = net.Sent(0, kTcpSyn | kTcpAck, kTcpSyn);
  ASSERT_EQ(synacks0.size(), 1u);
  ASSERT_EQ(syns0.size(), 1u);
  EXPECT_EQ(synacks0[0].segment.seq, syns0[0].segment.seq);
  // And the connection carries data both ways.
  b->auto_read = true;
  a->auto_read = true;
  (*a)->Send(Bytes("ping"));
  (*b)->Send(Bytes("pong"));
  net.Run(Duration::Seconds(1));
  EXPECT_EQ(Str(b->received), "ping");
  EXPECT_EQ(Str(a->received), "pong");
}

TEST(TcpHandshake, ResetAnswersSynOnAClosedPort) {
  Network net(3, Delay(Duration::Milliseconds(5)), Delay(Duration::Milliseconds(5)));
  Endpoint* client = net.Connect(0, 1000, 81);  // nobody listens on 81
  net.Run(Duration::Seconds(10));
  EXPECT_TRUE(client->Saw(TcpEvent::kRefused));
  EXPECT_EQ(client->When(TcpEvent::kRefused), At(Duration::Milliseconds(10)));
  EXPECT_EQ((*client)->error(), TcpError::kRefused);
  EXPECT_EQ((*client)->state(), TcpState::kClosed);
  EXPECT_EQ(client->events().back().second, TcpEvent::kClosed);
  EXPECT_EQ(net.Sent(0, kTcpSyn, kTcpSyn).size(), 1u);
  const auto rsts = net.Sent(1, kTcpRst, kTcpRst);
  ASSERT_EQ(rsts.size(), 1u);
  EXPECT_EQ(rsts[0].segment.flags, kTcpRst | kTcpAck);
  uint8_t buf[4];
  EXPECT_EQ((*client)->Send(Bytes("x")).error, TcpError::kRefused);
  EXPECT_EQ((*client)->Recv(absl::MakeSpan(buf)).error, TcpError::kRefused);
}

TEST(TcpHandshake, ConnectTimesOutAfterThreeSynRetransmissionsAt45Seconds) {
  Network net(4, Delay(Duration::Milliseconds(5)), Delay(Duration::Milliseconds(5)));
  net.SetClosedPortResets(1, false);  // the SYNs vanish
  Endpoint* client = net.Connect(0, 1000, 80);
  net.Run(Duration::Seconds(100));
  const auto syns = net.Sent(0, kTcpSyn, kTcpSyn);
  ASSERT_EQ(syns.size(), 4u);
  EXPECT_EQ(syns[0].at, At(Duration::Seconds(0)));
  EXPECT_EQ(syns[1].at, At(Duration::Seconds(3)));
  EXPECT_EQ(syns[2].at, At(Duration::Seconds(9)));
  EXPECT_EQ(syns[3].at, At(Duration::Seconds(21)));
  EXPECT_EQ(client->When(TcpEvent::kTimedOut), At(Duration::Seconds(45)));
  EXPECT_EQ((*client)->error(), TcpError::kTimedOut);
  EXPECT_EQ((*client)->state(), TcpState::kClosed);
  EXPECT_EQ((*client)->counters().timeouts, 4u);
}

// --- Data transfer ----------------------------------------------------------------------------

TEST(TcpTransfer, OneMebibyteArrivesByteExact) {
  Network net(5, Delay(Duration::Milliseconds(1)), Delay(Duration::Milliseconds(1)));
  ListenerEndpoint* server = net.Listen(1, 80, 5);
  server->accepted_setup = [](Endpoint& e) {
    e.auto_read = true;
    e.on_event = [](Endpoint& self, TcpEvent ev) {
      if (ev == TcpEvent::kPeerClosed && self.eof) self->Close();
    };
  };
  Endpoint* client = net.Connect(0, 1000, 80);
  client->to_send = RandomBytes(42, 1 << 20);
  client->after_send = Endpoint::After::kClose;
  net.Run(Duration::Seconds(600));
  ASSERT_EQ(server->accepted.size(), 1u);
  Endpoint* s = server->accepted[0];
  EXPECT_TRUE(s->received == client->to_send);
  EXPECT_TRUE(s->eof);
  EXPECT_EQ((*client)->counters().retransmitted_segments, 0u);
  EXPECT_GE((*client)->counters().bytes_sent, 1u << 20);
  EXPECT_EQ((*client)->state(), TcpState::kClosed);
  EXPECT_EQ(s->conn()->state(), TcpState::kClosed);
  EXPECT_TRUE(client->Saw(TcpEvent::kSendCompleted));
  EXPECT_EQ((*client)->error(), TcpError::kNone);
}

TEST(TcpTransfer, RtoEstimateConvergesToTheWireRtt) {
  // 150 ms each way: RTT 300 ms. A ping-pong whose answers carry the ACKs gives clean samples.
  // The 1 s RTO floor is lowered so that the RTO itself shows the convergence.
  TcpConfig config;
  config.min_rto = Duration::Milliseconds(100);
  Network net(6, Delay(Duration::Milliseconds(150)), Delay(Duration::Milliseconds(150)), config);
  ListenerEndpoint* server = net.Listen(1, 80, 5);
  server->accepted_setup = [](Endpoint& e) {
    e.on_event = [](Endpoint& self, TcpEvent ev) {
      if (ev != TcpEvent::kReadable) return;
      uint8_t buf[256];
      const TcpIoResult r = self->Recv(absl::MakeSpan(buf));
      if (r.bytes > 0) self->Send(absl::MakeConstSpan(buf, r.bytes));
    };
  };
  Endpoint* client = net.Connect(0, 1000, 80);
  int rounds = 0;
  const std::vector<uint8_t> msg(100, 7);
  client->on_event = [&](Endpoint& self, TcpEvent ev) {
    if (ev == TcpEvent::kConnected) self->Send(msg);
    if (ev != TcpEvent::kReadable) return;
    uint8_t buf[256];
    self->Recv(absl::MakeSpan(buf));
    if (++rounds < 60) self->Send(msg);
  };
  net.Run(Duration::Seconds(120));
  EXPECT_EQ(rounds, 60);
  const RtoEstimator& rto = (*client)->rto();
  EXPECT_GE(rto.samples(), 50u);
  EXPECT_EQ(rto.srtt(), Duration::Milliseconds(300));
  EXPECT_LT(rto.rttvar(), Duration::Milliseconds(1));
  EXPECT_GE(rto.rto(), Duration::Milliseconds(300));
  EXPECT_LE(rto.rto(), Duration::Milliseconds(305));
  EXPECT_EQ((*client)->counters().retransmitted_segments, 0u);
}

TEST(TcpRetransmission, ExponentialBackoffDoublesTheIntervalThenTimesOut) {
  Network net(7, Delay(Duration::Milliseconds(50)), Delay(Duration::Milliseconds(50)));
  ListenerEndpoint* server = net.Listen(1, 80, 5);
  Endpoint* client = net.Connect(0, 1000, 80);
  net.Run(Duration::Seconds(1));
  ASSERT_EQ((*client)->state(), TcpState::kEstablished);
  ASSERT_EQ(server->accepted.size(), 1u);
  // SYN sample 100 ms: RTO = 100 + 4 * 50 = 300 ms, raised to the 1 s floor.
  const Duration rto = (*client)->rto().rto();
  ASSERT_EQ(rto, Duration::Seconds(1));
  net.link(0).blackhole = true;  // everything A sends is lost
  const VirtualTime t0 = net.Now();
  ASSERT_EQ((*client)->Send(Bytes("hello")).bytes, 5u);
  net.Run(Duration::Seconds(100));
  const auto data = DataSegments(net, 0);
  ASSERT_EQ(data.size(), 6u);  // the original and 5 retransmissions
  const int64_t multiples[] = {0, 1, 3, 7, 15, 31};
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(data[i].at, t0 + rto * multiples[i]) << "transmission " << i;
    EXPECT_EQ(data[i].segment.seq, data[0].segment.seq);
  }
  EXPECT_EQ(client->When(TcpEvent::kTimedOut), t0 + rto * 63);
  EXPECT_EQ((*client)->error(), TcpError::kTimedOut);
  EXPECT_EQ((*client)->counters().retransmitted_segments, 5u);
  // The give-up sends an RST (lost here too).
  EXPECT_EQ(net.Sent(0, kTcpRst, kTcpRst).size(), 1u);
}

TEST(TcpRetransmission, FastRetransmitRepairsASingleLoss) {
  Network net(8, Delay(Duration::Milliseconds(20)), Delay(Duration::Milliseconds(20)));
  ListenerEndpoint* server = net.Listen(1, 80, 5, TcpSocketOptions{.receive_buffer_bytes = 65535});
  server->accepted_setup = [](Endpoint& e) { e.auto_read = true; };
  Endpoint* client = net.Connect(0, 1000, 80,
                                 TcpSocketOptions{.send_buffer_bytes = 65535, .mss = 1000});
  net.Run(Duration::Seconds(1));
  int data_segments = 0;
  net.drop_hook = [&](int from, const TcpSegment& s) {
    return from == 0 && !s.payload.empty() && ++data_segments == 10;  // lose the 10th only
  };
  client->to_send = RandomBytes(8, 60000);
  client->PushSend();
  net.Run(Duration::Seconds(60));
  EXPECT_TRUE(server->accepted.at(0)->received == client->to_send);
  EXPECT_EQ((*client)->counters().fast_retransmits, 1u);
  EXPECT_EQ((*client)->counters().timeouts, 0u);
  EXPECT_EQ((*client)->counters().retransmitted_segments, 1u);
  EXPECT_GE((*client)->counters().duplicate_acks, 3u);
}

// --- Windows and buffers ----------------------------------------------------------------------

TEST(TcpWindow, FullSendBufferAcceptsPartiallyThenWouldBlockThenWritable) {
  Network net(9, Delay(Duration::Milliseconds(5)), Delay(Duration::Milliseconds(5)));
  ListenerEndpoint* server = net.Listen(1, 80, 5);  // 8 KiB receive buffer, never read at first
  Endpoint* client = net.Connect(0, 1000, 80);      // 8 KiB send buffer
  net.Run(Duration::Seconds(1));
  ASSERT_EQ(server->accepted.size(), 1u);
  Endpoint* s = server->accepted[0];
  const std::vector<uint8_t> data = RandomBytes(9, 30000);
  TcpIoResult r = (*client)->Send(data);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.bytes, 8192u);
  r = (*client)->Send(absl::MakeConstSpan(data).subspan(8192));
  EXPECT_EQ(r.error, TcpError::kWouldBlock);
  EXPECT_EQ(r.bytes, 0u);
  EXPECT_FALSE(client->Saw(TcpEvent::kWritable));
  net.Run(Duration::Seconds(1));
  // The server's buffer took the 8 KiB: the client's buffer emptied and kWritable fired.
  EXPECT_EQ(client->Count(TcpEvent::kWritable), 1);
  EXPECT_EQ(s->conn()->ReadableBytes(), 8192u);
  EXPECT_EQ((*client)->SendBufferFree(), 8192u);
  r = (*client)->Send(absl::MakeConstSpan(data).subspan(8192));
  EXPECT_EQ(r.bytes, 8192u);
  net.Run(Duration::Seconds(1));
  // The peer's window is closed now: the data stays, no kWritable.
  EXPECT_EQ(client->Count(TcpEvent::kWritable), 1);
  EXPECT_EQ((*client)->SendBufferFree(), 0u);
  EXPECT_EQ((*client)->send_window(), 0u);
  // The reader drains: the window opens, the data flows, kWritable fires again.
  s->auto_read = true;
  s->Drain();
  client->to_send = data;
  client->sent = 16384;
  net.Run(Duration::Seconds(5));
  EXPECT_GE(client->Count(TcpEvent::kWritable), 2);
  client->PushSend();
  net.Run(Duration::Seconds(30));
  EXPECT_TRUE(s->received == data);
}

TEST(TcpWindow, ZeroWindowPersistProbesThenTransferResumes) {
  Network net(10, Delay(Duration::Milliseconds(10)), Delay(Duration::Milliseconds(10)));
  ListenerEndpoint* server = net.Listen(1, 80, 5, TcpSocketOptions{.receive_buffer_bytes = 1024});
  Endpoint* client = net.Connect(0, 1000, 80, TcpSocketOptions{.send_buffer_bytes = 16384});
  client->to_send = RandomBytes(10, 16384);
  net.Run(Duration::Seconds(70));
  ASSERT_EQ(server->accepted.size(), 1u);
  Endpoint* s = server->accepted[0];
  EXPECT_EQ(s->conn()->ReadableBytes(), 1024u);
  EXPECT_EQ((*client)->send_window(), 0u);
  // Zero-window probes are 1-byte segments beyond the closed window, each interval twice the
  // last (RTO 1 s << n: 2, 4, 8, 16, 32 s; the first persist timeout pushed the 488 bytes the
  // window still allowed, which Nagle / sender SWS avoidance held back).
  std::vector<VirtualTime> times;
  for (const WireRecord& r : DataSegments(net, 0)) {
    if (r.payload_len == 1) times.push_back(r.at);
  }
  ASSERT_EQ(times.size(), 5u);
  EXPECT_EQ((*client)->counters().persist_probes, 6u);
  for (size_t i = 1; i < times.size(); ++i) {
    EXPECT_EQ(times[i] - times[i - 1], Duration::Seconds(4) * (int64_t{1} << (i - 1))) << i;
  }
  EXPECT_EQ(s->conn()->counters().bytes_delivered, 1024u);  // the probes were not accepted
  EXPECT_TRUE((*client)->state() == TcpState::kEstablished);
  // The application reads: a window update restarts the flow without waiting for a probe.
  s->auto_read = true;
  const VirtualTime read_at = net.Now();
  s->Drain();
  net.Run(Duration::Seconds(120));
  EXPECT_TRUE(s->received == client->to_send);
  EXPECT_GE(s->conn()->counters().window_updates, 1u);
  const auto data = DataSegments(net, 0);
  const auto first_after = std::find_if(data.begin(), data.end(),
                                        [&](const WireRecord& r) { return r.at > read_at; });
  ASSERT_NE(first_after, data.end());
  EXPECT_EQ(first_after->at, read_at + Duration::Milliseconds(10));  // on the update's arrival
}

TEST(TcpWindow, WindowScalingWith256KiBBuffersReachesTheBandwidthDelayProduct) {
  // 80 Mbit/s, 10 ms each way: BDP = 10 MB/s * 20 ms = 200,000 bytes.
  auto run = [](uint32_t buffer, uint64_t* max_flight, double* mbit_per_s, TcpSegment* syn) {
    LinkConfig link = Delay(Duration::Milliseconds(10));
    link.bits_per_second = 80'000'000;
    Network net(11, link, link);
    const TcpSocketOptions opts{.send_buffer_bytes = buffer, .receive_buffer_bytes = buffer,
                                .mss = 1460};
    ListenerEndpoint* server = net.Listen(1, 80, 5, opts);
    server->accepted_setup = [](Endpoint& e) { e.auto_read = true; };
    Endpoint* client = net.Connect(0, 1000, 80, opts);
    client->to_send = RandomBytes(11, 16 << 20);
    client->after_send = Endpoint::After::kShutdownSend;
    net.Run(Duration::Seconds(120));
    Endpoint* s = server->accepted.at(0);
    EXPECT_TRUE(s->received == client->to_send);
    *max_flight = (*client)->counters().max_bytes_in_flight;
    const Duration took = *s->When(TcpEvent::kPeerClosed) - *client->When(TcpEvent::kConnected);
    *mbit_per_s = (16.0 * 1024 * 1024 * 8) / (static_cast<double>(took.ns()) / 1e9) / 1e6;
    *syn = net.wire[0].segment;
    EXPECT_EQ((*client)->window_scaling(), buffer > 65535);
  };
  uint64_t flight = 0;
  double rate = 0;
  TcpSegment syn;
  run(256 * 1024, &flight, &rate, &syn);
  EXPECT_EQ(syn.window_scale, 3);  // 262144 >> 3 fits 16 bits
  EXPECT_GE(flight, 200'000u);
  EXPECT_GE(rate, 0.85 * 80);
  uint64_t flight64 = 0;
  double rate64 = 0;
  run(64 * 1024 - 1, &flight64, &rate64, &syn);
  EXPECT_FALSE(syn.window_scale.has_value());
  EXPECT_LE(flight64, 65535u);
  EXPECT_LE(rate64, 0.35 * 80);
}

// --- Nagle ------------------------------------------------------------------------------------

std::vector<WireRecord> SmallWrites(bool no_delay) {
  Network net(12, Delay(Duration::Milliseconds(10)), Delay(Duration::Milliseconds(10)));
  ListenerEndpoint* server = net.Listen(1, 80, 5);
  server->accepted_setup = [](Endpoint& e) { e.auto_read = true; };
  Endpoint* client = net.Connect(0, 1000, 80, TcpSocketOptions{.no_delay = no_delay});
  net.Run(Duration::Seconds(1));
  for (int i = 0; i < 10; ++i) EXPECT_EQ((*client)->Send(Bytes("x")).bytes, 1u);
  net.Run(Duration::Seconds(5));
  EXPECT_EQ(server->accepted.at(0)->received.size(), 10u);
  return DataSegments(net, 0);
}

TEST(TcpNagle, CoalescesSmallWritesUntilTheAckArrives) {
  const auto data = SmallWrites(/*no_delay=*/false);
  ASSERT_EQ(data.size(), 2u);
  EXPECT_EQ(data[0].payload_len, 1u);
  EXPECT_EQ(data[1].payload_len, 9u);
  // The first byte's ACK is delayed 200 ms by the receiver and arrives 10 ms later.
  EXPECT_EQ(data[1].at - data[0].at, Duration::Milliseconds(10 + 200 + 10));
}

TEST(TcpNagle, NoDelaySendsEveryWriteAtOnce) {
  const auto data = SmallWrites(/*no_delay=*/true);
  ASSERT_EQ(data.size(), 10u);
  for (const WireRecord& r : data) {
    EXPECT_EQ(r.payload_len, 1u);
    EXPECT_EQ(r.at, data[0].at);
  }
}

TEST(TcpAck, DelayedAckEveryOtherSegmentOr200Ms) {
  Network net(13, Delay(Duration::Milliseconds(10)), Delay(Duration::Milliseconds(10)));
  ListenerEndpoint* server = net.Listen(1, 80, 5);
  server->accepted_setup = [](Endpoint& e) { e.auto_read = true; };
  Endpoint* client = net.Connect(0, 1000, 80, TcpSocketOptions{.no_delay = true});
  net.Run(Duration::Seconds(1));
  const size_t acks_before = net.Sent(1).size();
  const VirtualTime t0 = net.Now();
  (*client)->Send(Bytes("a"));
  (*client)->Send(Bytes("b"));  // second segment: ACK at once
  (*client)->Send(Bytes("c"));  // third: delayed 200 ms
  net.Run(Duration::Seconds(2));
  const auto acks = net.Sent(1);
  ASSERT_EQ(acks.size() - acks_before, 2u);
  EXPECT_EQ(acks[acks_before].at, t0 + Duration::Milliseconds(10));
  EXPECT_EQ(acks[acks_before + 1].at, t0 + Duration::Milliseconds(210));
}

// --- Closing ----------------------------------------------------------------------------------

TEST(TcpClose, HalfCloseLetsThePeerReadEverythingThenZeroAndStillSend) {
  Network net(14, Delay(Duration::Milliseconds(5)), Delay(Duration::Milliseconds(5)));
  ListenerEndpoint* server = net.Listen(1, 80, 5);
  const std::vector<uint8_t> request = RandomBytes(141, 10000);
  const std::vector<uint8_t> reply = RandomBytes(142, 5000);
  server->accepted_setup = [&](Endpoint& e) {
    e.auto_read = true;
    e.on_event = [&](Endpoint& self, TcpEvent ev) {
      if (ev == TcpEvent::kPeerClosed && self.eof && self.to_send.empty()) {
        EXPECT_EQ(self->state(), TcpState::kCloseWait);
        self.to_send = reply;
        self.after_send = Endpoint::After::kClose;
        self.PushSend();
      }
    };
  };
  Endpoint* client = net.Connect(0, 1000, 80);
  client->auto_read = true;
  client->to_send = request;
  client->after_send = Endpoint::After::kShutdownSend;
  net.Run(Duration::Seconds(1));
  Endpoint* s = server->accepted.at(0);
  EXPECT_TRUE(s->received == request);
  EXPECT_TRUE(s->eof);
  EXPECT_TRUE(client->received == reply);
  EXPECT_TRUE(client->eof);
  EXPECT_EQ((*client)->state(), TcpState::kTimeWait);
  EXPECT_EQ((*client)->Send(Bytes("late")).error, TcpError::kShutdown);
  // The client passed FIN_WAIT_1 and FIN_WAIT_2 while the server still sent.
  const auto& st = client->states();
  EXPECT_NE(std::find(st.begin(), st.end(), TcpState::kFinWait2), st.end());
  net.Run(Duration::Seconds(300));
  EXPECT_EQ((*client)->state(), TcpState::kClosed);
  EXPECT_EQ(s->conn()->state(), TcpState::kClosed);
}

TEST(TcpClose, AbortiveCloseResetsThePeerAndDiscardsUnsentData) {
  Network net(15, Delay(Duration::Milliseconds(5)), Delay(Duration::Milliseconds(5)));
  ListenerEndpoint* server = net.Listen(1, 80, 5);  // never reads: 8 KiB window fills
  Endpoint* client = net.Connect(0, 1000, 80, TcpSocketOptions{.send_buffer_bytes = 65536});
  net.Run(Duration::Seconds(1));
  const std::vector<uint8_t> data = RandomBytes(15, 65536);
  EXPECT_EQ((*client)->Send(data).bytes, 65536u);
  net.Run(Duration::Seconds(2));
  Endpoint* s = server->accepted.at(0);
  EXPECT_EQ(s->conn()->ReadableBytes(), 8192u);
  EXPECT_GT((*client)->SendBufferUsed(), 50000u);
  (*client)->Abort();  // SO_LINGER {1, 0}
  EXPECT_EQ((*client)->state(), TcpState::kClosed);
  EXPECT_EQ((*client)->error(), TcpError::kAborted);
  EXPECT_EQ((*client)->SendBufferUsed(), 0u);
  net.Run(Duration::Seconds(1));
  EXPECT_TRUE(s->Saw(TcpEvent::kReset));
  EXPECT_EQ(s->conn()->state(), TcpState::kClosed);
  uint8_t buf[16];
  EXPECT_EQ(s->conn()->Recv(absl::MakeSpan(buf)).error, TcpError::kReset);
  EXPECT_LT((*client)->counters().bytes_sent, 65536u);
  EXPECT_EQ(s->conn()->counters().bytes_delivered, 8192u);
}

TEST(TcpClose, GracefulCloseWithDataInFlightDeliversEverythingBeforeFin) {
  Network net(16, Delay(Duration::Milliseconds(20)), Delay(Duration::Milliseconds(20)));
  ListenerEndpoint* server = net.Listen(1, 80, 5);
  std::vector<TcpEvent> server_events;
  size_t bytes_at_fin = 0;
  server->accepted_setup = [&](Endpoint& e) {
    e.auto_read = true;
    e.on_event = [&](Endpoint& self, TcpEvent ev) {
      server_events.push_back(ev);
      if (ev == TcpEvent::kPeerClosed) {
        bytes_at_fin = self.received.size();
        self->Close();
      }
    };
  };
  Endpoint* client = net.Connect(0, 1000, 80, TcpSocketOptions{.send_buffer_bytes = 262144});
  net.Run(Duration::Seconds(1));
  const std::vector<uint8_t> data = RandomBytes(16, 262144);
  EXPECT_EQ((*client)->Send(data).bytes, data.size());
  (*client)->Close();  // returns at once (SO_DONTLINGER)
  EXPECT_EQ((*client)->state(), TcpState::kFinWait1);
  EXPECT_GT((*client)->SendBufferUsed(), 200000u);
  net.Run(Duration::Seconds(60));
  Endpoint* s = server->accepted.at(0);
  EXPECT_TRUE(s->received == data);
  EXPECT_EQ(bytes_at_fin, data.size());
  EXPECT_TRUE(s->eof);
  EXPECT_TRUE(client->Saw(TcpEvent::kSendCompleted));
  EXPECT_EQ((*client)->state(), TcpState::kTimeWait);
  EXPECT_EQ(s->conn()->state(), TcpState::kClosed);
  // The FIN is the last segment the client sent with data-space (after every data byte).
  const auto fins = net.Sent(0, kTcpFin, kTcpFin);
  ASSERT_EQ(fins.size(), 1u);
  EXPECT_EQ(fins[0].segment.seq + fins[0].payload_len,
            net.wire[0].segment.seq + 1 + static_cast<uint32_t>(data.size()));
}

TEST(TcpClose, TimeWaitLastsTwoMsl) {
  for (const Duration tw : {Duration::Seconds(240), Duration::Seconds(30)}) {
    TcpConfig config;
    config.time_wait = tw;
    Network net(17, Delay(Duration::Milliseconds(5)), Delay(Duration::Milliseconds(5)), config);
    ListenerEndpoint* server = net.Listen(1, 80, 5);
    server->accepted_setup = [](Endpoint& e) {
      e.on_event = [](Endpoint& self, TcpEvent ev) {
        if (ev == TcpEvent::kPeerClosed) self->Close();
      };
    };
    Endpoint* client = net.Connect(0, 1000, 80);
    net.Run(Duration::Seconds(1));
    (*client)->Close();
    net.Run(Duration::Seconds(1000));
    // The client entered TIME_WAIT when the server's FIN arrived (kPeerClosed).
    const VirtualTime entered = *client->When(TcpEvent::kPeerClosed);
    EXPECT_EQ(client->When(TcpEvent::kClosed), entered + tw);
    const auto& st = client->states();
    EXPECT_EQ(st[st.size() - 2], TcpState::kTimeWait);
    // The passive closer went CLOSE_WAIT -> LAST_ACK -> CLOSED without TIME_WAIT.
    const auto& ss = server->accepted.at(0)->states();
    EXPECT_EQ(std::find(ss.begin(), ss.end(), TcpState::kTimeWait), ss.end());
    EXPECT_EQ(ss.back(), TcpState::kClosed);
  }
}

TEST(TcpClose, SimultaneousCloseGoesThroughClosing) {
  Network net(18, Delay(Duration::Milliseconds(10)), Delay(Duration::Milliseconds(10)));
  ListenerEndpoint* server = net.Listen(1, 80, 5);
  Endpoint* client = net.Connect(0, 1000, 80);
  net.Run(Duration::Seconds(1));
  Endpoint* s = server->accepted.at(0);
  (*client)->Close();
  s->conn()->Close();
  net.Run(Duration::Seconds(1));
  for (Endpoint* e : {client, s}) {
    const auto& st = e->states();
    EXPECT_NE(std::find(st.begin(), st.end(), TcpState::kClosing), st.end());
    EXPECT_EQ(e->conn()->state(), TcpState::kTimeWait);
  }
}

TEST(TcpClose, CloseWithUnreadDataSendsReset) {
  Network net(19, Delay(Duration::Milliseconds(5)), Delay(Duration::Milliseconds(5)));
  ListenerEndpoint* server = net.Listen(1, 80, 5);
  Endpoint* client = net.Connect(0, 1000, 80);
  net.Run(Duration::Seconds(1));
  (*client)->Send(Bytes("unread"));
  net.Run(Duration::Seconds(1));
  Endpoint* s = server->accepted.at(0);
  ASSERT_EQ(s->conn()->ReadableBytes(), 6u);
  s->conn()->Close();
  EXPECT_EQ(s->conn()->state(), TcpState::kClosed);
  net.Run(Duration::Seconds(1));
  EXPECT_TRUE(client->Saw(TcpEvent::kReset));
  EXPECT_EQ(net.Sent(1, kTcpFin, kTcpFin).size(), 0u);
}

TEST(TcpClose, DataAfterCloseIsAnsweredWithReset) {
  Network net(20, Delay(Duration::Milliseconds(5)), Delay(Duration::Milliseconds(5)));
  ListenerEndpoint* server = net.Listen(1, 80, 5);
  Endpoint* client = net.Connect(0, 1000, 80);
  net.Run(Duration::Seconds(1));
  Endpoint* s = server->accepted.at(0);
  s->conn()->Close();  // server: FIN_WAIT_1 -> FIN_WAIT_2; client: CLOSE_WAIT
  net.Run(Duration::Seconds(1));
  EXPECT_EQ(s->conn()->state(), TcpState::kFinWait2);
  EXPECT_EQ((*client)->state(), TcpState::kCloseWait);
  (*client)->Send(Bytes("too late"));  // legal in CLOSE_WAIT, but nobody will read it
  net.Run(Duration::Seconds(1));
  EXPECT_EQ(s->conn()->state(), TcpState::kClosed);
  EXPECT_TRUE(client->Saw(TcpEvent::kReset));
}

TEST(TcpClose, ClosedConnectionLeavesFinWait2AfterItsTimeoutButAHalfCloseWaits) {
  TcpConfig config;
  config.fin_wait_2_timeout = Duration::Seconds(50);
  Network net(27, Delay(Duration::Milliseconds(5)), Delay(Duration::Milliseconds(5)), config);
  ListenerEndpoint* server = net.Listen(1, 80, 5);  // never closes: stays in CLOSE_WAIT
  Endpoint* closer = net.Connect(0, 1000, 80);
  Endpoint* half = net.Connect(0, 1001, 80);
  net.Run(Duration::Seconds(1));
  ASSERT_EQ(server->accepted.size(), 2u);
  (*closer)->Close();
  EXPECT_EQ((*half)->Shutdown(true, false), TcpError::kNone);
  const VirtualTime t0 = net.Now();
  net.Run(Duration::Seconds(1000));
  EXPECT_EQ((*closer)->state(), TcpState::kClosed);
  // FIN_WAIT_2 began when the FIN's ACK arrived, 10 ms after Close().
  EXPECT_EQ(closer->When(TcpEvent::kClosed), t0 + Duration::Milliseconds(10) + Duration::Seconds(50));
  EXPECT_EQ((*half)->state(), TcpState::kFinWait2);
  EXPECT_EQ(server->accepted[1]->conn()->state(), TcpState::kCloseWait);
}

TEST(TcpClose, LingerWaitsForSendCompletedOrAbortsAtTheTimeout) {
  // What the glue does for SO_LINGER {1, t}: Close(), then wait for kSendCompleted up to t and
  // Abort() if it has not come.
  Network net(28, Delay(Duration::Milliseconds(5)), Delay(Duration::Milliseconds(5)));
  ListenerEndpoint* server = net.Listen(1, 80, 5);  // does not read: 8 KiB window
  Endpoint* fast = net.Connect(0, 1000, 80);
  Endpoint* stuck = net.Connect(0, 1001, 80, TcpSocketOptions{.send_buffer_bytes = 65536});
  net.Run(Duration::Seconds(1));
  (*fast)->Send(RandomBytes(1, 4000));
  (*stuck)->Send(RandomBytes(2, 60000));
  (*fast)->Close();
  (*stuck)->Close();
  net.Run(Duration::Seconds(5));  // l_linger = 5 s
  EXPECT_TRUE(fast->Saw(TcpEvent::kSendCompleted));
  EXPECT_TRUE((*fast)->AllAcknowledged());
  EXPECT_FALSE(stuck->Saw(TcpEvent::kSendCompleted));
  EXPECT_FALSE((*stuck)->AllAcknowledged());
  (*stuck)->Abort();
  net.Run(Duration::Seconds(1));
  EXPECT_TRUE(server->accepted[1]->Saw(TcpEvent::kReset));
}

TEST(TcpClose, ShutdownReceiveBuffersLaterDataWithoutDeliveringIt) {
  Network net(21, Delay(Duration::Milliseconds(5)), Delay(Duration::Milliseconds(5)));
  ListenerEndpoint* server = net.Listen(1, 80, 5);
  Endpoint* client = net.Connect(0, 1000, 80, TcpSocketOptions{.send_buffer_bytes = 65536});
  net.Run(Duration::Seconds(1));
  Endpoint* s = server->accepted.at(0);
  EXPECT_EQ(s->conn()->Shutdown(false, true), TcpError::kNone);
  (*client)->Send(RandomBytes(21, 20000));
  net.Run(Duration::Seconds(5));
  uint8_t buf[16];
  EXPECT_EQ(s->conn()->Recv(absl::MakeSpan(buf)).error, TcpError::kShutdown);
  EXPECT_FALSE(s->Saw(TcpEvent::kReadable));
  EXPECT_EQ(s->conn()->ReadableBytes(), 8192u);  // window filled, then zero (SPEC D-81)
  EXPECT_EQ((*client)->send_window(), 0u);
  EXPECT_EQ((*client)->state(), TcpState::kEstablished);  // no RST
  EXPECT_EQ(net.Sent(1, kTcpRst, kTcpRst).size(), 0u);
}

// --- Urgent data ------------------------------------------------------------------------------

struct UrgentRun {
  Network net{22, Delay(Duration::Milliseconds(5)), Delay(Duration::Milliseconds(5))};
  Endpoint* client = nullptr;
  Endpoint* server = nullptr;
  explicit UrgentRun(bool inline_oob) {
    ListenerEndpoint* l = net.Listen(1, 80, 5, TcpSocketOptions{.oob_inline = inline_oob});
    client = net.Connect(0, 1000, 80);
    net.Run(Duration::Seconds(1));
    server = l->accepted.at(0);
  }
};

TEST(TcpUrgent, OutOfBandByteIsKeptApartAndTheReadStopsAtTheMark) {
  UrgentRun u(/*inline_oob=*/false);
  TcpConnection* s = u.server->conn();
  EXPECT_TRUE(s->AtMark());  // nothing urgent yet
  (*u.client)->Send(Bytes("abc"));
  EXPECT_EQ((*u.client)->Send(Bytes("XYZ"), /*oob=*/true).bytes, 3u);
  (*u.client)->Send(Bytes("123"));
  u.net.Run(Duration::Seconds(2));
  EXPECT_TRUE(u.server->Saw(TcpEvent::kUrgent));
  EXPECT_TRUE(s->HasOobByte());
  EXPECT_FALSE(s->AtMark());
  EXPECT_EQ(s->BytesBeforeMark(), 5u);
  EXPECT_EQ(s->ReadableBytes(), 8u);  // the urgent byte is not in the normal stream
  // MSG_OOB|MSG_PEEK leaves it; MSG_OOB takes it.
  EXPECT_EQ(RecvString(s, 16, {.peek = true, .oob = true}), "Z");
  EXPECT_EQ(RecvString(s, 16), "abcXY");  // stops at the mark
  EXPECT_FALSE(s->AtMark());
  EXPECT_EQ(RecvString(s, 16, {.oob = true}), "Z");
  EXPECT_TRUE(s->AtMark());
  TcpError err;
  EXPECT_EQ(RecvString(s, 16, {.oob = true}, &err), "");
  EXPECT_EQ(err, TcpError::kInvalid);
  EXPECT_EQ(RecvString(s, 16), "123");
  // The urgent segments carried URG with the BSD pointer (one past the urgent byte).
  bool saw_urg = false;
  for (const WireRecord& r : u.net.Sent(0, kTcpUrg, kTcpUrg)) {
    saw_urg = true;
    EXPECT_EQ(r.segment.seq + r.segment.urgent_pointer - 1,
              u.net.wire[0].segment.seq + 1 + 5);  // 'Z' is byte 5 of the stream
  }
  EXPECT_TRUE(saw_urg);
}

TEST(TcpUrgent, InlineUrgentByteStaysInTheStreamBehindTheMark) {
  UrgentRun u(/*inline_oob=*/true);
  TcpConnection* s = u.server->conn();
  (*u.client)->Send(Bytes("abc"));
  (*u.client)->Send(Bytes("XYZ"), /*oob=*/true);
  (*u.client)->Send(Bytes("123"));
  u.net.Run(Duration::Seconds(2));
  EXPECT_FALSE(u.server->Saw(TcpEvent::kUrgent));  // inline: FD_READ only (SPEC 2.20)
  EXPECT_TRUE(u.server->Saw(TcpEvent::kReadable));
  EXPECT_FALSE(s->HasOobByte());
  EXPECT_EQ(s->ReadableBytes(), 9u);
  EXPECT_FALSE(s->AtMark());  // urgent data waits (SIOCATMARK FALSE)
  TcpError err;
  EXPECT_EQ(RecvString(s, 16, {.oob = true}, &err), "");
  EXPECT_EQ(err, TcpError::kInvalid);
  EXPECT_EQ(RecvString(s, 16), "abcXY");
  EXPECT_FALSE(s->AtMark());
  EXPECT_EQ(RecvString(s, 16), "Z");  // the urgent byte alone
  EXPECT_TRUE(s->AtMark());
  EXPECT_EQ(RecvString(s, 16), "123");
}

TEST(TcpUrgent, ANewUrgentByteReturnsTheUnreadOneToTheStream) {
  UrgentRun u(/*inline_oob=*/false);
  TcpConnection* s = u.server->conn();
  (*u.client)->SetNoDelay(true);
  (*u.client)->Send(Bytes("a"));
  (*u.client)->Send(Bytes("B"), true);
  u.net.Run(Duration::Seconds(1));
  (*u.client)->Send(Bytes("c"));
  (*u.client)->Send(Bytes("D"), true);
  u.net.Run(Duration::Seconds(1));
  EXPECT_EQ(RecvString(s, 16), "aBc");  // SPEC D-98: 'B' went back to its place
  EXPECT_EQ(RecvString(s, 16, {.oob = true}), "D");
  EXPECT_TRUE(s->AtMark());
}

TEST(TcpUrgent, SwitchingOobInlineOnReturnsAHeldUrgentByteToTheStreamAtTheMark) {
  UrgentRun u(/*inline_oob=*/false);
  TcpConnection* s = u.server->conn();
  (*u.client)->Send(Bytes("abc"));
  (*u.client)->Send(Bytes("XYZ"), /*oob=*/true);
  (*u.client)->Send(Bytes("123"));
  u.net.Run(Duration::Seconds(2));
  ASSERT_TRUE(s->HasOobByte());
  s->SetOobInline(true);
  EXPECT_FALSE(s->HasOobByte());
  EXPECT_EQ(s->ReadableBytes(), 9u);  // 'Z' is back in the stream
  EXPECT_FALSE(s->AtMark());
  EXPECT_EQ(RecvString(s, 16), "abcXY");  // stops at the mark
  EXPECT_EQ(RecvString(s, 16), "Z");      // the urgent byte alone, inline
  EXPECT_TRUE(s->AtMark());
  EXPECT_EQ(RecvString(s, 16), "123");
}

TEST(TcpUrgent, SwitchingOobInlineOnAfterReadingPastTheMarkPutsTheByteFirst) {
  UrgentRun u(/*inline_oob=*/false);
  TcpConnection* s = u.server->conn();
  (*u.client)->Send(Bytes("aB"), /*oob=*/true);
  (*u.client)->Send(Bytes("cd"));
  u.net.Run(Duration::Seconds(2));
  EXPECT_EQ(RecvString(s, 16), "a");
  EXPECT_EQ(RecvString(s, 16), "cd");  // read past the mark; 'B' still held out of band
  ASSERT_TRUE(s->HasOobByte());
  s->SetOobInline(true);
  EXPECT_EQ(RecvString(s, 16), "B");
  EXPECT_TRUE(s->AtMark());
}

// --- Keepalive --------------------------------------------------------------------------------

TEST(TcpKeepalive, ProbesAfterIdleAndFailsWhenUnanswered) {
  TcpConfig config;
  config.keepalive_idle = Duration::Seconds(10);
  config.keepalive_interval = Duration::Seconds(1);
  config.keepalive_probes = 5;
  Network net(23, Delay(Duration::Milliseconds(10)), Delay(Duration::Milliseconds(10)), config);
  ListenerEndpoint* server = net.Listen(1, 80, 5);
  Endpoint* client = net.Connect(0, 1000, 80, TcpSocketOptions{.keepalive = true});
  net.Run(Duration::Seconds(35));
  ASSERT_EQ(server->accepted.size(), 1u);
  // Answered probes at 10.02 s, 20.04 s, 30.06 s keep the connection up.
  EXPECT_EQ((*client)->counters().keepalive_probes, 3u);
  EXPECT_EQ((*client)->state(), TcpState::kEstablished);
  const auto probes = net.Sent(0);
  EXPECT_EQ(probes.back().at, At(Duration::Milliseconds(30060)));
  EXPECT_EQ(probes.back().segment.seq + 1, net.wire[0].segment.seq + 1);  // SND.UNA - 1
  net.link(1).blackhole = true;  // B's answers are lost from now on
  net.Run(Duration::Seconds(60));
  // Last answer arrived at 30.08 s: probes at 40.08 .. 44.08 s, failure at 45.08 s.
  EXPECT_EQ((*client)->counters().keepalive_probes, 8u);
  EXPECT_EQ(client->When(TcpEvent::kTimedOut), At(Duration::Milliseconds(45080)));
  EXPECT_EQ((*client)->error(), TcpError::kKeepaliveTimedOut);
  EXPECT_EQ((*client)->state(), TcpState::kClosed);
}

TEST(TcpKeepalive, OffByDefault) {
  TcpConfig config;
  config.keepalive_idle = Duration::Seconds(10);
  Network net(24, Delay(Duration::Milliseconds(10)), Delay(Duration::Milliseconds(10)), config);
  net.Listen(1, 80, 5);
  Endpoint* client = net.Connect(0, 1000, 80);
  net.Run(Duration::Seconds(100));
  EXPECT_EQ((*client)->counters().keepalive_probes, 0u);
  EXPECT_EQ(net.wire.size(), 3u);
}

// --- Misc -------------------------------------------------------------------------------------

TEST(TcpConnectionApi, CallsBeforeConnectAndTwiceConnect) {
  Network net(25, Delay(Duration::Milliseconds(5)), Delay(Duration::Milliseconds(5)));
  Endpoint* e = net.Open(0, 1000, 80);
  uint8_t buf[4];
  EXPECT_EQ((*e)->Send(Bytes("x")).error, TcpError::kNotConnected);
  EXPECT_EQ((*e)->Recv(absl::MakeSpan(buf)).error, TcpError::kNotConnected);
  EXPECT_EQ((*e)->Shutdown(true, true), TcpError::kNotConnected);
  EXPECT_EQ((*e)->Connect(), TcpError::kNone);
  EXPECT_EQ((*e)->Connect(), TcpError::kInvalid);
  EXPECT_EQ((*e)->Send(Bytes("x")).error, TcpError::kNotConnected);
  (*e)->Close();  // in SYN_SENT: just closes
  EXPECT_EQ((*e)->state(), TcpState::kClosed);
  EXPECT_TRUE(e->Saw(TcpEvent::kClosed));
}

TEST(TcpConnectionApi, ConnectionMayBeDestroyedInsideItsClosedEvent) {
  Network net(26, Delay(Duration::Milliseconds(5)), Delay(Duration::Milliseconds(5)));
  Endpoint* client = net.Connect(0, 1000, 81);  // refused
  client->destroy_on_close = true;
  net.Run(Duration::Seconds(1));
  EXPECT_EQ(client->conn(), nullptr);
  EXPECT_TRUE(client->Saw(TcpEvent::kRefused));
  EXPECT_TRUE(client->Saw(TcpEvent::kClosed));
}

TEST(TcpDeterminism, SameSeedSameWire) {
  auto trace = [](uint64_t seed) {
    LinkConfig l = Delay(Duration::Milliseconds(3));
    l.loss = 0.05;
    l.reorder = 0.1;
    l.duplicate = 0.05;
    Network net(seed, l, l);
    ListenerEndpoint* server = net.Listen(1, 80, 5);
    server->accepted_setup = [](Endpoint& e) { e.auto_read = true; };
    Endpoint* c = net.Connect(0, 1000, 80);
    c->to_send = RandomBytes(seed, 100000);
    c->after_send = Endpoint::After::kClose;
    net.Run(Duration::Seconds(100));
    std::string out;
    for (const WireRecord& r : net.wire) {
      out += std::to_string(r.at.ns_since_start()) + " " + r.segment.ToString() + "\n";
    }
    return out;
  };
  EXPECT_EQ(trace(5), trace(5));
  EXPECT_NE(trace(5), trace(6));
}

}  // namespace
}  // namespace ws2sim::providers::tcpip::testing
