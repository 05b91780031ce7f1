// Each process's calls run in its own host/process context, whatever other processes on the same
// host are blocked in meanwhile (sim::ScopedHost across fiber parks). Regression test for 499a2cb;
// tests/sim/host_context_test.cc has the engine-level one.
#include "gtest/gtest.h"
// The harness last: it ends with the guest headers, whose macros rename socket, bind, ...
#include "tests/world/winsock_harness.h"

namespace ws2sim::scenarios::testing {
namespace {

class ProcessContext : public WinsockTest {};

// server-1 parks in accept, then server-2 (same host) parks in recvfrom. Without each fiber's
// own context, server-1's accept resumed as server-2 and the provider gave the accepted socket to
// server-2: server-2's end (its final WSPCleanup) then took it, and server-1's recv failed with
// WSAENOTSOCK.
TEST_F(ProcessContext, Regression499a2cb_AnAcceptedSocketBelongsToTheProcessThatAcceptedIt) {
  OnServer([] {
    SOCKET a = Accepted(Listener());
    const sockaddr_in to = Address(kServerIp, 9000);
    EXPECT_EQ(sendto(Udp(), "done", 4, 0, Sa(to), sizeof(to)), 4);
    Sleep(100);  // server-2 has ended
    EXPECT_EQ(RecvText(a, 100), "hello");
    int last = -1;
    RecvText(a, 100, 0, &last);
    EXPECT_EQ(last, 0);
  });
  OnServer([] {
    SOCKET u = Udp();
    EXPECT_EQ(ErrorOf(Bind(u, kServerIp, 9000)), kOk);
    EXPECT_EQ(RecvText(u, 100), "done");
  });
  OnClient([] {
    SOCKET s = Connected();
    EXPECT_EQ(SendText(s, "hello"), 5);
    EXPECT_EQ(closesocket(s), 0);
    EXPECT_EQ(WSACleanup(), 0);
  });
  Run();
}

}  // namespace
}  // namespace ws2sim::scenarios::testing
