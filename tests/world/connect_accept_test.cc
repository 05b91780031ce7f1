// Listen, connect and accept through the Winsock API and the tcpip provider (CHECKLIST section 3:
// SPI-LISTEN, SPI-CONN, SPI-ACCEPT without condition functions or notifications; SPEC 2.5-2.7).
#include "gtest/gtest.h"
// The harness last: it ends with the guest headers, whose macros rename socket, bind, ...
#include "tests/world/winsock_harness.h"

namespace ws2sim::scenarios::testing {
namespace {

using sim::Duration;

class Listen : public WinsockTest {};
class Connection : public WinsockTest {};
class Accept : public WinsockTest {};

// --- SPI-LISTEN ------------------------------------------------------------------------------

TEST_F(Listen, SPI_LISTEN_01_ListenOnAnUnboundSocketFailsWithInval) {
  OnServer([] {
    SOCKET s = Tcp();
    EXPECT_EQ(ErrorOf(listen(s, 5)), WSAEINVAL);
    EXPECT_EQ(GetInt(s, SOL_SOCKET, SO_ACCEPTCONN), FALSE);
  });
  Run();
}

TEST_F(Listen, SPI_LISTEN_02_ListenOnAConnectedOrDatagramSocketFails) {
  Pair([](SOCKET) {},
       [](SOCKET s) {
         EXPECT_EQ(ErrorOf(listen(s, 5)), WSAEISCONN);
         SOCKET u = Udp();
         EXPECT_EQ(ErrorOf(Bind(u, kClientIp, 0)), kOk);
         EXPECT_EQ(ErrorOf(listen(u, 5)), WSAEOPNOTSUPP);
       });
  Run();
}

// Connects `count` blocking sockets to `port` one after the other; the errors in order.
std::vector<int> ConnectMany(u_short port, int count) {
  std::vector<int> errors;
  for (int i = 0; i < count; ++i) errors.push_back(ErrorOf(Connect(Tcp(), kServerIp, port)));
  return errors;
}

TEST_F(Listen, SPI_LISTEN_03_BacklogIsClampedToOneAndSomaxconn) {
  OnServer([] {
    SOCKET zero = Tcp(), hundred = Tcp();
    Bind(zero, kServerIp, 7000);
    Bind(hundred, kServerIp, 7001);
    EXPECT_EQ(ErrorOf(listen(zero, 0)), kOk);
    EXPECT_EQ(ErrorOf(listen(hundred, 100)), kOk);
    Sleep(10000);  // never accepts
  });
  OnClient([] {
    EXPECT_EQ(ConnectMany(7000, 2), (std::vector<int>{kOk, WSAECONNREFUSED}));
    EXPECT_EQ(ConnectMany(7001, 6),
              (std::vector<int>{kOk, kOk, kOk, kOk, kOk, WSAECONNREFUSED}));
  });
  Run();
}

TEST_F(Listen, SPI_LISTEN_04_ARequestBeyondAFullQueueIsRefused) {
  OnServer([] {
    SOCKET listener = Listener(kPort, 2);
    Sleep(1000);
    EXPECT_NE(accept(listener, nullptr, nullptr), INVALID_SOCKET);  // makes room for one
    Sleep(10000);
  });
  OnClient([] {
    EXPECT_EQ(ConnectMany(kPort, 3), (std::vector<int>{kOk, kOk, WSAECONNREFUSED}));
    Sleep(2000);
    EXPECT_EQ(ConnectMany(kPort, 2), (std::vector<int>{kOk, WSAECONNREFUSED}));
  });
  Run();
}

TEST_F(Listen, SPI_LISTEN_05_AcceptConnReadsTrueAfterListen) {
  OnServer([] {
    SOCKET s = Tcp();
    Bind(s, kServerIp, kPort);
    EXPECT_EQ(GetInt(s, SOL_SOCKET, SO_ACCEPTCONN), FALSE);
    EXPECT_EQ(listen(s, 5), 0);
    EXPECT_EQ(GetInt(s, SOL_SOCKET, SO_ACCEPTCONN), TRUE);
  });
  Run();
}

// --- SPI-CONN --------------------------------------------------------------------------------

TEST_F(Connection, SPI_CONN_01_AConnectedStreamSendsAndReceives) {
  Pair([](SOCKET s) {
         EXPECT_EQ(RecvText(s, 100), "ping");
         EXPECT_EQ(SendText(s, "pong"), 4);
       },
       [](SOCKET s) {
         EXPECT_EQ(SendText(s, "ping"), 4);
         EXPECT_EQ(RecvText(s, 100), "pong");
       });
  Run();
}

TEST_F(Connection, SPI_CONN_02_ConnectToAnAllZeroAddressFailsWithAddrNotAvail) {
  OnServer([this] {
    Listener();
    AwaitClients();
  });
  OnClient([] {
    EXPECT_EQ(ErrorOf(Connect(Tcp(), "0.0.0.0", kPort)), WSAEADDRNOTAVAIL);
    EXPECT_EQ(ErrorOf(Connect(Udp(), "0.0.0.0", 9000)), WSAEADDRNOTAVAIL);
    SOCKET s = Tcp();
    EXPECT_EQ(ErrorOf(Connect(s, "0.0.0.0", kPort)), WSAEADDRNOTAVAIL);
    EXPECT_EQ(ErrorOf(Connect(s, kServerIp, kPort)), kOk);  // the socket is still usable
  });
  Run();
}

TEST_F(Connection, SPI_CONN_03_ConnectOnAListeningOrConnectedSocketFails) {
  OnServer([this] {
    SOCKET listener = Listener();
    EXPECT_EQ(ErrorOf(Connect(listener, kClientIp, 80)), WSAEINVAL);
    Accepted(listener);
    AwaitClients();
  });
  OnClient([] {
    SOCKET s = Connected();
    EXPECT_EQ(ErrorOf(Connect(s, kServerIp, kPort)), WSAEISCONN);
  });
  Run();
}

TEST_F(Connection, SPI_CONN_04_NonBlockingConnectWouldBlockThenIsAlreadyUnderWay) {
  // FD_CONNECT / FD_WRITE belong to the notification machinery; completion is seen by select.
  OnServer([this] {
    Accepted(Listener());
    AwaitClients();  // the client goes on using the connection
  });
  OnClient([] {
    SOCKET s = Tcp();
    EXPECT_EQ(SetNonBlocking(s, true), 0);
    EXPECT_EQ(ErrorOf(Connect(s, kServerIp, kPort)), WSAEWOULDBLOCK);
    EXPECT_EQ(ErrorOf(Connect(s, kServerIp, kPort)), WSAEALREADY);
    const Readiness r = Poll(s, nullptr, false, true, true);
    EXPECT_EQ(r.rc, 1);
    EXPECT_TRUE(r.write);
    EXPECT_FALSE(r.except);
    EXPECT_EQ(ErrorOf(Connect(s, kServerIp, kPort)), WSAEISCONN);
    EXPECT_EQ(SendText(s, "x"), 1);
  });
  Run();
}

TEST_F(Connection, SPI_CONN_05_RefusedUnansweredAndUnreachableConnectsFail) {
  OnServer([this] {
    Listener();
    AwaitClients();
  });
  OnClient([this] {
    EXPECT_EQ(ErrorOf(Connect(Tcp(), kServerIp, 9)), WSAECONNREFUSED);  // nobody listens
    const Duration before = Elapsed();
    EXPECT_EQ(ErrorOf(Connect(Tcp(), "10.0.0.99", kPort)), WSAETIMEDOUT);  // nobody there
    EXPECT_GT(Elapsed() - before, Duration::Seconds(20));
    const Duration unreachable = Elapsed();
    EXPECT_EQ(ErrorOf(Connect(Tcp(), "192.168.7.7", kPort)), WSAENETUNREACH);  // no route
    EXPECT_EQ(Elapsed(), unreachable);  // at call time
  });
  Run();
}

TEST_F(Connection, SPI_CONN_06_ConnectingADatagramSocketSetsItsDefaultPeer) {
  OnServer([] {
    SOCKET peer = Udp(), stranger = Udp();
    EXPECT_EQ(ErrorOf(Bind(peer, kServerIp, 9000)), kOk);
    EXPECT_EQ(ErrorOf(Bind(stranger, kServerIp, 9001)), kOk);
    sockaddr_in from;
    int len = sizeof(from);
    char buffer[100];
    const int n = recvfrom(peer, buffer, sizeof(buffer), 0, Sa(from), &len);
    ASSERT_EQ(n, 5);
    EXPECT_EQ(std::string(buffer, 5), "hello");
    EXPECT_EQ(from.sin_addr.s_addr, inet_addr(kClientIp));
    EXPECT_EQ(sendto(stranger, "wrong", 5, 0, Sa(from), sizeof(from)), 5);
    Sleep(10);
    EXPECT_EQ(sendto(peer, "right", 5, 0, Sa(from), sizeof(from)), 5);
  });
  OnClient([] {
    SOCKET u = Udp();
    EXPECT_EQ(ErrorOf(Connect(u, kServerIp, 9000)), kOk);
    EXPECT_EQ(SendText(u, "hello"), 5);  // goes to the default peer
    EXPECT_EQ(RecvText(u, 100), "right");  // only the peer's datagrams are delivered
    EXPECT_EQ(Ioctl(u, FIONREAD), 0u);
  });
  Run();
}

TEST_F(Connection, SPI_CONN_09_CallerDataOnAProviderWithoutConnectDataIsNotSupported) {
  // The tcpip provider's TCP has no XP_CONNECT_DATA; connect() passes no caller data, so the
  // call goes through the provider's procedure table.
  OnServer([this] {
    Accepted(Listener());
    AwaitClients();  // the client goes on using the connection
  });
  OnClient([] {
    SOCKET s = Tcp();
    const sockaddr_in a = Address(kServerIp, kPort);
    char hello[] = "hello";
    WSABUF caller = {5, hello};
    int error = 0;
    {
      SpiScope spi(s);
      ASSERT_TRUE(spi.ok());
      EXPECT_EQ(spi->lpWSPConnect(s, Sa(a), sizeof(a), &caller, nullptr, 0, nullptr, nullptr,
                                  &error),
                SOCKET_ERROR);
      EXPECT_EQ(error, WSAEPROTONOSUPPORT);
    }
    EXPECT_EQ(ErrorOf(connect(s, Sa(a), sizeof(a))), kOk);  // no attempt was made
  });
  Run();
}

// --- SPI-ACCEPT ------------------------------------------------------------------------------

TEST_F(Accept, SPI_ACCEPT_18_APendingRequestWithoutADescriptorFailsWithEmfile) {
  MakeWorld(CleanLink(), 1, {.max_sockets_per_process = 2});
  OnServer([] {
    SOCKET listener = Listener();
    SOCKET spare = socket(AF_INET, SOCK_DGRAM, 0);  // the server's second and last descriptor
    ASSERT_NE(spare, INVALID_SOCKET);
    Sleep(50);  // the client's connection is queued by now
    EXPECT_EQ(ErrorOf(accept(listener, nullptr, nullptr)), WSAEMFILE);
    ASSERT_EQ(ErrorOf(closesocket(spare)), kOk);
    SOCKET s = accept(listener, nullptr, nullptr);  // the request was still queued
    EXPECT_NE(s, INVALID_SOCKET) << WSAGetLastError();
  });
  OnClient([this] {
    Connected();
    AwaitServers();  // the request stays queued, not reset
  });
  Run();
}

TEST_F(Accept, SPI_ACCEPT_01_AcceptNeedsAListeningStreamSocket) {
  OnServer([] {
    SOCKET s = Tcp();
    EXPECT_EQ(ErrorOf(accept(s, nullptr, nullptr)), WSAEINVAL);
    Bind(s, kServerIp, kPort);
    EXPECT_EQ(ErrorOf(accept(s, nullptr, nullptr)), WSAEINVAL);
    SOCKET u = Udp();
    EXPECT_EQ(ErrorOf(accept(u, nullptr, nullptr)), WSAEOPNOTSUPP);
    Bind(u, kServerIp, 9000);
    EXPECT_EQ(ErrorOf(accept(u, nullptr, nullptr)), WSAEOPNOTSUPP);
  });
  Run();
}

TEST_F(Accept, SPI_ACCEPT_02_NonBlockingAcceptOnAnEmptyQueueWouldBlock) {
  OnServer([this] {
    SOCKET listener = Listener();
    EXPECT_EQ(SetNonBlocking(listener, true), 0);
    const Duration before = Elapsed();
    EXPECT_EQ(ErrorOf(accept(listener, nullptr, nullptr)), WSAEWOULDBLOCK);
    EXPECT_EQ(Elapsed(), before);
  });
  Run();
}

TEST_F(Accept, SPI_ACCEPT_03_BlockingAcceptWaitsForARequest) {
  Duration accepted_at;
  OnServer([&, this] {
    SOCKET listener = Listener();
    EXPECT_NE(accept(listener, nullptr, nullptr), INVALID_SOCKET);
    accepted_at = Elapsed();
  });
  OnClient([] { Connected(); }, Duration::Seconds(2));
  Run();
  EXPECT_GE(accepted_at, Duration::Seconds(2));
}

TEST_F(Accept, SPI_ACCEPT_04_AcceptWithoutAConditionTakesTheFirstRequest) {
  u_short first_port = 0, second_port = 0, accepted_port = 0;
  OnServer([&] {
    SOCKET listener = Tcp();
    Bind(listener, kServerIp, kPort);
    EXPECT_EQ(SetInt(listener, SOL_SOCKET, SO_KEEPALIVE, TRUE), 0);
    EXPECT_EQ(SetLinger(listener, 1, 9), 0);
    EXPECT_EQ(listen(listener, 5), 0);
    EXPECT_EQ(SetInt(listener, SOL_SOCKET, SO_OOBINLINE, TRUE), 0);  // after listen
    Sleep(1000);  // both requests are queued
    sockaddr_in peer;
    int len = sizeof(peer);
    SOCKET a = accept(listener, Sa(peer), &len);
    ASSERT_NE(a, INVALID_SOCKET);
    accepted_port = ntohs(peer.sin_port);
    EXPECT_EQ(GetInt(a, SOL_SOCKET, SO_GROUP_ID), 0);  // no group created or joined
    // The new socket has the listener's properties (S1 §3.1.11).
    EXPECT_EQ(GetInt(a, SOL_SOCKET, SO_OOBINLINE), TRUE);
    EXPECT_EQ(GetInt(a, SOL_SOCKET, SO_KEEPALIVE), TRUE);
    EXPECT_EQ(GetInt(a, SOL_SOCKET, SO_DONTLINGER), FALSE);
    EXPECT_EQ(GetInt(a, SOL_SOCKET, SO_TYPE), SOCK_STREAM);
    EXPECT_EQ(GetInt(a, SOL_SOCKET, SO_ACCEPTCONN), FALSE);
    // ... and the inline urgent data really is inline on it.
    Sleep(1000);
    EXPECT_EQ(RecvText(a, 10), "a");
    EXPECT_EQ(RecvText(a, 10), "!");
  });
  OnClient([&, this] {
    SOCKET first = Connected(), second = Connected();
    sockaddr_in name;
    int len = sizeof(name);
    getsockname(first, Sa(name), &len);
    first_port = ntohs(name.sin_port);
    len = sizeof(name);
    getsockname(second, Sa(name), &len);
    second_port = ntohs(name.sin_port);
    Sleep(1500);
    EXPECT_EQ(SendText(first, "a!", MSG_OOB), 2);
    AwaitServers();  // until the server has read it
  });
  Run();
  EXPECT_NE(first_port, second_port);
  EXPECT_EQ(accepted_port, first_port);
}

TEST_F(Accept, SPI_ACCEPT_13_AcceptChecksAddrlenAndAllowsNoAddress) {
  OnServer([] {
    SOCKET listener = Listener();
    Sleep(1000);
    sockaddr_in peer;
    int len = sizeof(peer) - 1;
    EXPECT_EQ(ErrorOf(accept(listener, Sa(peer), &len)), WSAEFAULT);
    len = sizeof(peer);
    SOCKET a = accept(listener, Sa(peer), &len);  // the request is still queued
    EXPECT_NE(a, INVALID_SOCKET);
    EXPECT_EQ(len, static_cast<int>(sizeof(peer)));
    EXPECT_EQ(peer.sin_addr.s_addr, inet_addr(kClientIp));
    EXPECT_NE(accept(listener, nullptr, nullptr), INVALID_SOCKET);
  });
  OnClient([this] {
    Connected();
    Connected();
    AwaitServers();  // the requests stay queued, not reset
  });
  Run();
}

TEST_F(Accept, SPI_ACCEPT_17_TheListenerKeepsListeningAndAcceptedSocketsCannotAccept) {
  OnServer([] {
    SOCKET listener = Listener();
    SOCKET a = accept(listener, nullptr, nullptr);
    ASSERT_NE(a, INVALID_SOCKET);
    EXPECT_EQ(ErrorOf(accept(a, nullptr, nullptr)), WSAEINVAL);
    EXPECT_EQ(GetInt(listener, SOL_SOCKET, SO_ACCEPTCONN), TRUE);
    SOCKET b = accept(listener, nullptr, nullptr);
    EXPECT_NE(b, INVALID_SOCKET);
    EXPECT_EQ(RecvText(b, 10), "second");
  });
  OnClient([this] {
    Connected();
    Sleep(100);
    SOCKET second = Connected();
    EXPECT_EQ(SendText(second, "second"), 6);
    AwaitServers();  // until the server has read it
  });
  Run();
}

}  // namespace
}  // namespace ws2sim::scenarios::testing
