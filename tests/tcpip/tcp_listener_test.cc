// TcpListener: backlog of half-open plus completed connections, accept order, refusal or drop
// beyond the backlog, half-open timeouts, closing the listener.
#include "providers/tcpip/tcp_listener.h"

#include <vector>

#include "gtest/gtest.h"
#include "tests/tcpip/tcp_harness.h"

namespace ws2sim::providers::tcpip::testing {
namespace {

using sim::Duration;
using sim::VirtualTime;

TEST(TcpListener, BacklogDropsSynsBeyondItAndRetriesSucceedAfterAccept) {
  Network net(1, Delay(Duration::Milliseconds(10)), Delay(Duration::Milliseconds(10)));
  ListenerEndpoint* server = net.Listen(1, 80, /*backlog=*/2, {}, BacklogFullAction::kDrop);
  server->auto_accept = false;
  std::vector<Endpoint*> clients;
  for (uint16_t p = 1001; p <= 1004; ++p) clients.push_back(net.Connect(0, p, 80));
  net.Run(Duration::Seconds(1));
  EXPECT_EQ((*server)->completed_count(), 2u);
  EXPECT_EQ((*server)->half_open_count(), 0u);
  EXPECT_EQ((*server)->counters().syns_over_backlog, 2u);
  EXPECT_EQ((*clients[0])->state(), TcpState::kEstablished);
  EXPECT_EQ((*clients[1])->state(), TcpState::kEstablished);
  EXPECT_EQ((*clients[2])->state(), TcpState::kSynSent);
  EXPECT_EQ((*clients[3])->state(), TcpState::kSynSent);
  // Accept takes the oldest completed connection first.
  Endpoint* a0 = server->AcceptOne();
  Endpoint* a1 = server->AcceptOne();
  ASSERT_NE(a0, nullptr);
  ASSERT_NE(a1, nullptr);
  EXPECT_EQ(server->AcceptOne(), nullptr);
  EXPECT_EQ((*server)->completed_count(), 0u);
  // The dropped clients' first SYN retransmission (at 3 s) gets in.
  net.Run(Duration::Seconds(10));
  EXPECT_EQ(clients[2]->When(TcpEvent::kConnected), At(Duration::Milliseconds(3020)));
  EXPECT_EQ(clients[3]->When(TcpEvent::kConnected), At(Duration::Milliseconds(3020)));
  EXPECT_EQ((*server)->completed_count(), 2u);
  EXPECT_EQ(server->ready_events, 4);
  EXPECT_NE(server->AcceptOne(), nullptr);
  EXPECT_NE(server->AcceptOne(), nullptr);
}

TEST(TcpListener, BacklogFullRefusesWithResetPerSpec) {
  Network net(2, Delay(Duration::Milliseconds(10)), Delay(Duration::Milliseconds(10)));
  ListenerEndpoint* server = net.Listen(1, 80, /*backlog=*/1);  // kRefuse is the default
  server->auto_accept = false;
  Endpoint* c1 = net.Connect(0, 1001, 80);
  Endpoint* c2 = net.Connect(0, 1002, 80);
  net.Run(Duration::Seconds(1));
  EXPECT_TRUE(c1->Saw(TcpEvent::kConnected));
  EXPECT_TRUE(c2->Saw(TcpEvent::kRefused));
  EXPECT_EQ((*c2)->error(), TcpError::kRefused);
  EXPECT_EQ((*server)->counters().syns_over_backlog, 1u);
}

TEST(TcpListener, HalfOpenCountsAgainstTheBacklog) {
  Network net(3, Delay(Duration::Milliseconds(10)), Delay(Duration::Milliseconds(10)));
  ListenerEndpoint* server = net.Listen(1, 80, /*backlog=*/1);
  Endpoint* c1 = net.Connect(0, 1001, 80);
  net.RunUntil(At(Duration::Milliseconds(15)));  // c1's SYN is in, its ACK not yet
  EXPECT_EQ((*server)->half_open_count(), 1u);
  Endpoint* c2 = net.Connect(0, 1002, 80);
  net.Run(Duration::Seconds(1));
  EXPECT_TRUE(c1->Saw(TcpEvent::kConnected));
  EXPECT_TRUE(c2->Saw(TcpEvent::kRefused));
}

TEST(TcpListener, HalfOpenConnectionIsDroppedAfterSynAckRetries) {
  Network net(4, Delay(Duration::Milliseconds(10)), Delay(Duration::Milliseconds(10)));
  ListenerEndpoint* server = net.Listen(1, 80, 5);
  net.SetClosedPortResets(0, false);
  net.drop_hook = [](int from, const TcpSegment& s) { return from == 0 && !s.Has(kTcpSyn); };
  Endpoint* client = net.Connect(0, 1001, 80);  // its ACKs never arrive
  net.Run(Duration::Seconds(60));
  EXPECT_TRUE(client->Saw(TcpEvent::kConnected));
  const auto synacks = net.Sent(1, kTcpSyn | kTcpAck, kTcpSyn | kTcpAck);
  ASSERT_EQ(synacks.size(), 3u);  // 2 retransmissions
  EXPECT_EQ(synacks[0].at, At(Duration::Milliseconds(10)));
  EXPECT_EQ(synacks[1].at, At(Duration::Milliseconds(3010)));
  EXPECT_EQ(synacks[2].at, At(Duration::Milliseconds(9010)));
  EXPECT_EQ(server->dropped_events, 1);
  EXPECT_EQ((*server)->half_open_count(), 0u);
  EXPECT_EQ((*server)->counters().half_open_dropped, 1u);
  EXPECT_EQ(server->accepted.size(), 0u);
}

TEST(TcpListener, LostSynAckIsRepeatedForARetransmittedSyn) {
  Network net(5, Delay(Duration::Milliseconds(10)), Delay(Duration::Milliseconds(10)));
  ListenerEndpoint* server = net.Listen(1, 80, 5);
  int synacks = 0;
  net.drop_hook = [&](int from, const TcpSegment& s) {
    return from == 1 && s.Has(kTcpSyn) && ++synacks == 1;  // the first SYN-ACK is lost
  };
  Endpoint* client = net.Connect(0, 1001, 80);
  net.Run(Duration::Seconds(10));
  EXPECT_TRUE(client->Saw(TcpEvent::kConnected));
  // The server's own SYN-ACK timer and the client's SYN retry both fire at ~3 s.
  EXPECT_LE(*client->When(TcpEvent::kConnected), At(Duration::Milliseconds(3030)));
  EXPECT_EQ(server->accepted.size(), 1u);
}

TEST(TcpListener, DataSentBeforeAcceptIsWaitingAfterAccept) {
  Network net(6, Delay(Duration::Milliseconds(10)), Delay(Duration::Milliseconds(10)));
  ListenerEndpoint* server = net.Listen(1, 80, 5);
  server->auto_accept = false;
  Endpoint* client = net.Connect(0, 1001, 80);
  client->to_send = {'h', 'i'};
  client->after_send = Endpoint::After::kShutdownSend;
  net.Run(Duration::Seconds(1));
  server->accepted_setup = [](Endpoint& e) { e.auto_read = true; };
  Endpoint* s = server->AcceptOne();
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(std::string(s->received.begin(), s->received.end()), "hi");
  EXPECT_TRUE(s->eof);
  EXPECT_EQ(s->conn()->state(), TcpState::kCloseWait);
}

TEST(TcpListener, CloseResetsQueuedConnectionsAndRefusesNewOnes) {
  Network net(7, Delay(Duration::Milliseconds(10)), Delay(Duration::Milliseconds(10)));
  ListenerEndpoint* server = net.Listen(1, 80, 5);
  server->auto_accept = false;
  Endpoint* c1 = net.Connect(0, 1001, 80);
  net.Run(Duration::Seconds(1));
  EXPECT_EQ((*server)->completed_count(), 1u);
  (*server)->Close();
  EXPECT_EQ(server->dropped_events, 1);
  Endpoint* c2 = net.Connect(0, 1002, 80);
  net.Run(Duration::Seconds(1));
  EXPECT_TRUE(c1->Saw(TcpEvent::kReset));
  EXPECT_TRUE(c2->Saw(TcpEvent::kRefused));
}

}  // namespace
}  // namespace ws2sim::providers::tcpip::testing
