// Socket lifecycle through the Winsock API and the tcpip provider (CHECKLIST section 2,
// SPI-SOCK; SPEC 2.3, 2.4, 2.8-2.10).
#include <algorithm>
#include <set>

#include "gtest/gtest.h"
// The harness last: it ends with the guest headers, whose macros rename socket, bind, ...
#include "tests/world/winsock_harness.h"

namespace ws2sim::scenarios::testing {
namespace {

using sim::Duration;

class Sockets : public WinsockTest {};

WSAPROTOCOL_INFOW ProtocolInfo(SOCKET s) {
  WSAPROTOCOL_INFOW info;
  std::memset(&info, 0, sizeof(info));
  int len = sizeof(info);
  EXPECT_EQ(ErrorOf(getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFO, reinterpret_cast<char*>(&info),
                               &len)),
            kOk);
  return info;
}

TEST_F(Sockets, SPI_SOCK_01_ProtocolZeroGetsTheTypesDefaultProtocol) {
  OnClient([] {
    SOCKET t = socket(AF_INET, SOCK_STREAM, 0);
    SOCKET u = socket(AF_INET, SOCK_DGRAM, 0);
    ASSERT_NE(t, INVALID_SOCKET);
    ASSERT_NE(u, INVALID_SOCKET);
    EXPECT_EQ(ProtocolInfo(t).iProtocol, IPPROTO_TCP);
    EXPECT_EQ(ProtocolInfo(u).iProtocol, IPPROTO_UDP);
    EXPECT_EQ(GetInt(t, SOL_SOCKET, SO_TYPE), SOCK_STREAM);
    EXPECT_EQ(GetInt(u, SOL_SOCKET, SO_TYPE), SOCK_DGRAM);
  });
  Run();
}

TEST_F(Sockets, SPI_SOCK_02_AfUnspecNeedsAnExplicitProtocol) {
  OnClient([] {
    EXPECT_EQ(ErrorOf(socket(AF_UNSPEC, SOCK_STREAM, 0)), WSAEPROTONOSUPPORT);
    EXPECT_EQ(ErrorOf(socket(AF_UNSPEC, SOCK_DGRAM, 0)), WSAEPROTONOSUPPORT);
    SOCKET t = socket(AF_UNSPEC, SOCK_STREAM, IPPROTO_TCP);
    SOCKET u = socket(AF_UNSPEC, SOCK_DGRAM, IPPROTO_UDP);
    ASSERT_NE(t, INVALID_SOCKET) << WSAGetLastError();
    ASSERT_NE(u, INVALID_SOCKET) << WSAGetLastError();
    EXPECT_EQ(ProtocolInfo(t).iProtocol, IPPROTO_TCP);
    EXPECT_EQ(ProtocolInfo(u).iProtocol, IPPROTO_UDP);
    EXPECT_EQ(ErrorOf(Bind(t, kClientIp, 0)), kOk);  // a working AF_INET socket
  });
  Run();
}

TEST_F(Sockets, SPI_SOCK_04_SocketFailsWithEmfileAtTheDescriptorLimit) {
  MakeWorld(CleanLink(), 1, {.max_sockets_per_process = 3});
  OnClient([] {
    std::vector<SOCKET> held;
    for (int i = 0; i < 3; ++i) {
      held.push_back(socket(AF_INET, i % 2 ? SOCK_DGRAM : SOCK_STREAM, 0));
      ASSERT_NE(held.back(), INVALID_SOCKET) << WSAGetLastError();
    }
    EXPECT_EQ(ErrorOf(socket(AF_INET, SOCK_STREAM, 0)), WSAEMFILE);
    EXPECT_EQ(ErrorOf(closesocket(held[1])), kOk);
    EXPECT_NE(socket(AF_INET, SOCK_DGRAM, 0), INVALID_SOCKET);  // a descriptor is free again
  });
  // Another process has its own descriptors.
  OnServer([] { EXPECT_NE(socket(AF_INET, SOCK_STREAM, 0), INVALID_SOCKET); });
  Run();
}

TEST_F(Sockets, SPI_SOCK_21_AClosingConnectionHoldsItsDescriptorUntilItHasDrained) {
  // A 100 kbit/s link: 64 KiB of unsent data takes seconds to drain after closesocket.
  MakeWorld({.delay_ns = 1'000'000, .rate_bytes_per_s = 12'500}, 1,
            {.max_sockets_per_process = 2});
  OnServer([] {
    SOCKET s = Accepted(Listener());
    std::vector<char> buf(4096);
    while (recv(s, buf.data(), static_cast<int>(buf.size()), 0) > 0) {
    }
    closesocket(s);
  });
  OnClient([] {
    SOCKET s = Connected();
    int big = 65536;
    setsockopt(s, SOL_SOCKET, SO_SNDBUF, reinterpret_cast<char*>(&big), sizeof(big));
    std::vector<char> data(65536, 'x');
    ASSERT_EQ(send(s, data.data(), static_cast<int>(data.size()), 0), 65536);
    ASSERT_EQ(ErrorOf(closesocket(s)), kOk);  // graceful: returns at once, data still queued
    SOCKET other = socket(AF_INET, SOCK_DGRAM, 0);
    ASSERT_NE(other, INVALID_SOCKET);
    EXPECT_EQ(ErrorOf(socket(AF_INET, SOCK_DGRAM, 0)), WSAEMFILE);  // the draining one counts
    Sleep(300000);  // after the drain, the FIN exchange and TIME_WAIT (240 s)
    EXPECT_NE(socket(AF_INET, SOCK_DGRAM, 0), INVALID_SOCKET) << WSAGetLastError();
  });
  Run();
}

TEST_F(Sockets, SPI_SOCK_03_SocketReportsWhyNoProtocolFits) {
  OnClient([] {
    EXPECT_EQ(ErrorOf(socket(AF_IPX, SOCK_STREAM, 0)), WSAEAFNOSUPPORT);
    EXPECT_EQ(ErrorOf(socket(AF_INET, SOCK_SEQPACKET, 0)), WSAESOCKTNOSUPPORT);
    EXPECT_EQ(ErrorOf(socket(AF_INET, SOCK_RAW, 0)), WSAESOCKTNOSUPPORT);
    EXPECT_EQ(ErrorOf(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP)), WSAEPROTOTYPE);
    EXPECT_EQ(ErrorOf(socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP)), WSAEPROTOTYPE);
    EXPECT_EQ(ErrorOf(socket(AF_INET, SOCK_STREAM, 99)), WSAEPROTONOSUPPORT);
  });
  Run();
}

TEST_F(Sockets, SPI_SOCK_05_NewSocketsHaveTheDefaultOptions) {
  OnClient([] {
    for (int type : {SOCK_STREAM, SOCK_DGRAM}) {
      SCOPED_TRACE(type);
      SOCKET s = socket(AF_INET, type, 0);
      ExpectDefaultOptions(s, type);
      sockaddr_in name;
      int len = sizeof(name);
      EXPECT_EQ(ErrorOf(getsockname(s, Sa(name), &len)), WSAEINVAL);  // and unbound
    }
  });
  Run();
}

TEST_F(Sockets, SPI_SOCK_06_HandlesAreUniqueAndNeverReused) {
  std::vector<SOCKET> server_handles, client_handles;
  OnServer([&] {
    SOCKET listener = Listener();
    server_handles.push_back(listener);
    for (int i = 0; i < 3; ++i) {
      SOCKET a = accept(listener, nullptr, nullptr);
      server_handles.push_back(a);
      EXPECT_EQ(closesocket(a), 0);
      SOCKET u = Udp();
      server_handles.push_back(u);
      EXPECT_EQ(closesocket(u), 0);
    }
  });
  OnClient([&] {
    for (int i = 0; i < 3; ++i) {
      SOCKET s = Connected();
      client_handles.push_back(s);
      Sleep(10);
      EXPECT_EQ(closesocket(s), 0);
    }
  });
  Run();
  ASSERT_EQ(server_handles.size(), 7u);
  ASSERT_EQ(client_handles.size(), 3u);
  for (const auto* handles : {&server_handles, &client_handles}) {
    EXPECT_TRUE(std::is_sorted(handles->begin(), handles->end()));  // allocated monotonically
    for (SOCKET s : *handles) EXPECT_EQ(s % 4, 0u) << s;               // D-92: step 4
  }
  std::set<SOCKET> all(server_handles.begin(), server_handles.end());
  all.insert(client_handles.begin(), client_handles.end());
  EXPECT_EQ(all.size(), 10u);  // unique across processes, closed ones never handed out again
}

TEST_F(Sockets, SPI_SOCK_07_BindChecksTheFamilyBytesAndTheLength) {
  OnClient([] {
    SOCKET s = Tcp();
    sockaddr_in a = Address(kClientIp, 5000);
    a.sin_family = AF_INET6;
    EXPECT_EQ(ErrorOf(bind(s, Sa(a), sizeof(a))), WSAEFAULT);
    a.sin_family = AF_IPX;
    EXPECT_EQ(ErrorOf(bind(s, Sa(a), sizeof(a))), WSAEFAULT);
    a.sin_family = AF_INET;
    EXPECT_EQ(ErrorOf(bind(s, Sa(a), sizeof(a) - 1)), WSAEFAULT);
    EXPECT_EQ(ErrorOf(bind(s, Sa(a), 0)), WSAEFAULT);
    EXPECT_EQ(ErrorOf(bind(s, Sa(a), sizeof(a))), kOk);  // the socket was still unbound
    SOCKET six = socket(AF_INET6, SOCK_DGRAM, 0);
    ASSERT_NE(six, INVALID_SOCKET);
    sockaddr_in6 a6;
    std::memset(&a6, 0, sizeof(a6));
    a6.sin6_family = AF_INET6;
    EXPECT_EQ(ErrorOf(bind(six, reinterpret_cast<sockaddr*>(&a6), 16)), WSAEFAULT);  // < 28
    EXPECT_EQ(ErrorOf(bind(six, reinterpret_cast<sockaddr*>(&a6), sizeof(a6))), kOk);
  });
  Run();
}

TEST_F(Sockets, SPI_SOCK_08_ASecondBindFailsWithInval) {
  OnServer([this] {
    Listener();
    AwaitClients();
  });
  OnClient([] {
    SOCKET s = Tcp();
    EXPECT_EQ(ErrorOf(Bind(s, kClientIp, 5000)), kOk);
    EXPECT_EQ(ErrorOf(Bind(s, kClientIp, 5001)), WSAEINVAL);
    EXPECT_EQ(ErrorOf(Bind(s, "0.0.0.0", 0)), WSAEINVAL);
    SOCKET u = Udp();
    EXPECT_EQ(ErrorOf(Bind(u, "0.0.0.0", 0)), kOk);
    EXPECT_EQ(ErrorOf(Bind(u, "0.0.0.0", 0)), WSAEINVAL);
    SOCKET c = Connected();  // bound implicitly by connect
    EXPECT_EQ(ErrorOf(Bind(c, kClientIp, 5002)), WSAEINVAL);
  });
  Run();
}

TEST_F(Sockets, SPI_SOCK_09_BindToAnAddressInUseFailsUnlessReuseAddr) {
  OnClient([] {
    for (int type : {SOCK_STREAM, SOCK_DGRAM}) {
      SCOPED_TRACE(type);
      SOCKET first = socket(AF_INET, type, 0);
      EXPECT_EQ(ErrorOf(Bind(first, kClientIp, 6000)), kOk);
      SOCKET second = socket(AF_INET, type, 0);
      EXPECT_EQ(ErrorOf(Bind(second, kClientIp, 6000)), WSAEADDRINUSE);
      EXPECT_EQ(ErrorOf(Bind(second, "0.0.0.0", 6000)), WSAEADDRINUSE);
      EXPECT_EQ(ErrorOf(Bind(second, kClientIp, 6001)), kOk);  // another port is free
      SOCKET third = socket(AF_INET, type, 0);
      EXPECT_EQ(SetInt(third, SOL_SOCKET, SO_REUSEADDR, TRUE), 0);
      EXPECT_EQ(ErrorOf(Bind(third, kClientIp, 6000)), kOk);
      closesocket(first);
      closesocket(second);
      closesocket(third);
    }
  });
  Run();
}

TEST_F(Sockets, SPI_SOCK_10_ReuseAddrChangedAfterBindChangesNothing) {
  OnClient([] {
    SOCKET a = Tcp();
    EXPECT_EQ(ErrorOf(Bind(a, kClientIp, 6000)), kOk);
    EXPECT_EQ(SetInt(a, SOL_SOCKET, SO_REUSEADDR, TRUE), 0);  // too late to matter
    SOCKET b = Tcp();
    EXPECT_EQ(ErrorOf(Bind(b, kClientIp, 6000)), WSAEADDRINUSE);

    SOCKET c = Tcp();
    EXPECT_EQ(SetInt(c, SOL_SOCKET, SO_REUSEADDR, TRUE), 0);
    EXPECT_EQ(ErrorOf(Bind(c, kClientIp, 6100)), kOk);
    EXPECT_EQ(SetInt(c, SOL_SOCKET, SO_REUSEADDR, FALSE), 0);
    EXPECT_EQ(GetInt(c, SOL_SOCKET, SO_REUSEADDR), FALSE);
    sockaddr_in name;
    int len = sizeof(name);
    EXPECT_EQ(getsockname(c, Sa(name), &len), 0);  // c keeps its binding
    EXPECT_EQ(ntohs(name.sin_port), 6100);
    SOCKET d = Tcp();
    EXPECT_EQ(ErrorOf(Bind(d, kClientIp, 6100)), WSAEADDRINUSE);
    SOCKET e = Tcp();
    EXPECT_EQ(SetInt(e, SOL_SOCKET, SO_REUSEADDR, TRUE), 0);
    EXPECT_EQ(ErrorOf(Bind(e, kClientIp, 6100)), kOk);  // c's change did not affect e
  });
  Run();
}

TEST_F(Sockets, SPI_SOCK_11_GetSockNameNeedsABindingAndShowsAddrAnyWithThePort) {
  OnClient([] {
    SOCKET s = Tcp();
    sockaddr_in name;
    int len = sizeof(name);
    EXPECT_EQ(ErrorOf(getsockname(s, Sa(name), &len)), WSAEINVAL);
    EXPECT_EQ(ErrorOf(Bind(s, "0.0.0.0", 7000)), kOk);
    len = sizeof(name);
    EXPECT_EQ(ErrorOf(getsockname(s, Sa(name), &len)), kOk);
    EXPECT_EQ(name.sin_family, AF_INET);
    EXPECT_EQ(name.sin_addr.s_addr, htonl(INADDR_ANY));
    EXPECT_EQ(ntohs(name.sin_port), 7000);
    SOCKET u = Udp();
    EXPECT_EQ(ErrorOf(Bind(u, "0.0.0.0", 0)), kOk);
    len = sizeof(name);
    EXPECT_EQ(ErrorOf(getsockname(u, Sa(name), &len)), kOk);
    EXPECT_EQ(name.sin_addr.s_addr, htonl(INADDR_ANY));
    EXPECT_NE(ntohs(name.sin_port), 0);  // the provider's choice
  });
  Run();
}

TEST_F(Sockets, SPI_SOCK_12_ConnectAssignsALocalNameGetSockNameReports) {
  u_short client_port = 0, seen_by_server = 0;
  OnServer([&] {
    SOCKET listener = Listener();
    sockaddr_in peer;
    int len = sizeof(peer);
    SOCKET a = accept(listener, Sa(peer), &len);
    ASSERT_NE(a, INVALID_SOCKET);
    seen_by_server = ntohs(peer.sin_port);
  });
  OnClient([&] {
    SOCKET s = Connected();
    sockaddr_in6 big;  // a larger buffer: namelen must come back as 16
    int len = sizeof(big);
    ASSERT_EQ(ErrorOf(getsockname(s, reinterpret_cast<sockaddr*>(&big), &len)), kOk);
    EXPECT_EQ(len, static_cast<int>(sizeof(sockaddr_in)));
    const auto* name = reinterpret_cast<const sockaddr_in*>(&big);
    EXPECT_EQ(name->sin_family, AF_INET);
    EXPECT_EQ(name->sin_addr.s_addr, inet_addr(kClientIp));
    client_port = ntohs(name->sin_port);
    EXPECT_NE(client_port, 0);
  });
  Run();
  EXPECT_EQ(client_port, seen_by_server);
}

TEST_F(Sockets, SPI_SOCK_13_NameBuffersTooSmallFailWithFault) {
  Pair([](SOCKET) {},
       [](SOCKET s) {
         sockaddr_in name;
         int len = sizeof(name) - 1;
         EXPECT_EQ(ErrorOf(getsockname(s, Sa(name), &len)), WSAEFAULT);
         len = sizeof(name) - 1;
         EXPECT_EQ(ErrorOf(getpeername(s, Sa(name), &len)), WSAEFAULT);
         len = 0;
         EXPECT_EQ(ErrorOf(getpeername(s, Sa(name), &len)), WSAEFAULT);
         len = sizeof(name);
         EXPECT_EQ(ErrorOf(getpeername(s, Sa(name), &len)), kOk);
       });
  Run();
}

TEST_F(Sockets, SPI_SOCK_14_GetPeerNameNeedsAConnection) {
  Pair([](SOCKET s) {
         sockaddr_in peer;
         int len = sizeof(peer);
         EXPECT_EQ(ErrorOf(getpeername(s, Sa(peer), &len)), kOk);
         EXPECT_EQ(peer.sin_addr.s_addr, inet_addr(kClientIp));
       },
       [](SOCKET s) {
         sockaddr_in peer;
         int len = sizeof(peer);
         EXPECT_EQ(ErrorOf(getpeername(Tcp(), Sa(peer), &len)), WSAENOTCONN);
         EXPECT_EQ(ErrorOf(getpeername(Udp(), Sa(peer), &len)), WSAENOTCONN);
         SOCKET bound = Tcp();
         Bind(bound, kClientIp, 0);
         EXPECT_EQ(ErrorOf(getpeername(bound, Sa(peer), &len)), WSAENOTCONN);
         len = sizeof(peer);
         EXPECT_EQ(ErrorOf(getpeername(s, Sa(peer), &len)), kOk);
         EXPECT_EQ(len, static_cast<int>(sizeof(peer)));
         EXPECT_EQ(peer.sin_family, AF_INET);
         EXPECT_EQ(peer.sin_addr.s_addr, inet_addr(kServerIp));
         EXPECT_EQ(ntohs(peer.sin_port), kPort);
       });
  Run();
}

TEST_F(Sockets, SPI_SOCK_15_EveryCallOnAClosedSocketFailsWithNotSock) {
  Pair([](SOCKET) {},
       [](SOCKET s) {
         EXPECT_EQ(closesocket(s), 0);
         char buffer[4];
         sockaddr_in a = Address(kServerIp, kPort);
         int len = sizeof(a);
         int value = 1;
         u_long arg = 0;
         EXPECT_EQ(ErrorOf(send(s, "x", 1, 0)), WSAENOTSOCK);
         EXPECT_EQ(ErrorOf(recv(s, buffer, sizeof(buffer), 0)), WSAENOTSOCK);
         EXPECT_EQ(ErrorOf(sendto(s, "x", 1, 0, Sa(a), sizeof(a))), WSAENOTSOCK);
         EXPECT_EQ(ErrorOf(recvfrom(s, buffer, sizeof(buffer), 0, Sa(a), &len)), WSAENOTSOCK);
         EXPECT_EQ(ErrorOf(bind(s, Sa(a), sizeof(a))), WSAENOTSOCK);
         EXPECT_EQ(ErrorOf(connect(s, Sa(a), sizeof(a))), WSAENOTSOCK);
         EXPECT_EQ(ErrorOf(listen(s, 1)), WSAENOTSOCK);
         EXPECT_EQ(ErrorOf(accept(s, nullptr, nullptr)), WSAENOTSOCK);
         EXPECT_EQ(ErrorOf(getsockname(s, Sa(a), &len)), WSAENOTSOCK);
         EXPECT_EQ(ErrorOf(getpeername(s, Sa(a), &len)), WSAENOTSOCK);
         len = sizeof(value);
         EXPECT_EQ(ErrorOf(getsockopt(s, SOL_SOCKET, SO_TYPE, reinterpret_cast<char*>(&value),
                                      &len)),
                   WSAENOTSOCK);
         EXPECT_EQ(ErrorOf(SetInt(s, SOL_SOCKET, SO_KEEPALIVE, 1)), WSAENOTSOCK);
         EXPECT_EQ(ErrorOf(ioctlsocket(s, FIONREAD, &arg)), WSAENOTSOCK);
         EXPECT_EQ(ErrorOf(shutdown(s, SD_BOTH)), WSAENOTSOCK);
         EXPECT_EQ(Poll(s, ZeroTimeout()).rc, SOCKET_ERROR);
         EXPECT_EQ(WSAGetLastError(), WSAENOTSOCK);
         EXPECT_EQ(ErrorOf(closesocket(s)), WSAENOTSOCK);
       });
  Run();
}

TEST_F(Sockets, SPI_SOCK_16_DefaultCloseReturnsAtOnceAndThePeerGetsEverything) {
  const std::vector<uint8_t> data = Pattern(60000);
  Pair([&](SOCKET s) {
         Sleep(500);  // the client has closed by now, with most of its data unsent
         int last = -1;
         EXPECT_EQ(RecvToEnd(s, &last), data);
         EXPECT_EQ(last, 0);  // a graceful close
       },
       [&, this](SOCKET s) {
         EXPECT_EQ(SendAllThenClose(s, data), Duration::Zero());  // no waiting
       });
  Run();
}

TEST_F(Sockets, SPI_SOCK_17_AbortiveCloseDiscardsDataAndResetsThePeer) {
  const std::vector<uint8_t> data = Pattern(60000);
  Pair([&](SOCKET s) {
         Sleep(500);
         EXPECT_EQ(RecvError(s), WSAECONNRESET);
       },
       [&, this](SOCKET s) {
         EXPECT_EQ(SetLinger(s, 1, 0), 0);
         EXPECT_EQ(SendAllThenClose(s, data), Duration::Zero());
       });
  Run();
}

TEST_F(Sockets, SPI_SOCK_18_LingeringCloseWaitsUntilTheDataIsSent) {
  const std::vector<uint8_t> data = Pattern(60000);
  Duration closed_after, first_read;
  Pair([&, this](SOCKET s) {
         Sleep(2000);  // the window stays closed until the server reads
         first_read = Elapsed();
         int last = -1;
         EXPECT_EQ(RecvToEnd(s, &last), data);
         EXPECT_EQ(last, 0);
       },
       [&, this](SOCKET s) {
         EXPECT_EQ(SetLinger(s, 1, 30), 0);
         closed_after = SendAllThenClose(s, data);
       });
  Run();
  EXPECT_GT(closed_after, first_read - Duration::Milliseconds(10));  // waited for the reader
  EXPECT_LT(closed_after, Duration::Seconds(30));                    // but not for the timeout
}

TEST_F(Sockets, SPI_SOCK_19_LingerTimeoutResetsTheConnectionBeforeCloseReturns) {
  const std::vector<uint8_t> data = Pattern(60000);
  Pair([&](SOCKET s) {
         Sleep(5000);  // never reads before the client gave up
         EXPECT_EQ(RecvError(s), WSAECONNRESET);
       },
       [&, this](SOCKET s) {
         EXPECT_EQ(SetLinger(s, 1, 2), 0);
         EXPECT_EQ(SendAllThenClose(s, data), Duration::Seconds(2));
       });
  Run();
}

TEST_F(Sockets, SPI_SOCK_20_LingeringCloseOfANonBlockingSocketWouldBlock) {
  Pair([](SOCKET s) {
         Sleep(2000);
         EXPECT_EQ(RecvText(s, 100), "queued");
       },
       [this](SOCKET s) {
         EXPECT_EQ(SendText(s, "queued"), 6);
         EXPECT_EQ(SetLinger(s, 1, 5), 0);
         EXPECT_EQ(SetNonBlocking(s, true), 0);
         const Duration before = Elapsed();
         EXPECT_EQ(ErrorOf(closesocket(s)), WSAEWOULDBLOCK);
         EXPECT_EQ(Elapsed(), before);
         EXPECT_EQ(GetInt(s, SOL_SOCKET, SO_TYPE), SOCK_STREAM);  // still a socket
       });
  Run();
}

TEST_F(Sockets, SPI_SOCK_22_ShutdownSendStopsSendsAndThePeerReadsToAZeroReceive) {
  Pair([](SOCKET s) {
         Sleep(100);
         int last = -1;
         const std::vector<uint8_t> got = RecvToEnd(s, &last);
         EXPECT_EQ(std::string(got.begin(), got.end()), "last words");
         EXPECT_EQ(last, 0);
         EXPECT_EQ(RecvText(s, 10, 0, &last), "");
         EXPECT_EQ(last, 0);  // and again
         EXPECT_EQ(SendText(s, "reply"), 5);  // the other direction still works
       },
       [](SOCKET s) {
         EXPECT_EQ(SendText(s, "last words"), 10);
         EXPECT_EQ(shutdown(s, SD_SEND), 0);
         EXPECT_EQ(ErrorOf(SendText(s, "more")), WSAESHUTDOWN);
         EXPECT_EQ(RecvText(s, 100), "reply");
       });
  Run();
}

TEST_F(Sockets, SPI_SOCK_23_ShutdownReceiveOnAStreamClosesTheWindowWithoutAReset) {
  // SPEC D-81: arriving data is buffered up to the window, never delivered; no RST.
  Pair([](SOCKET s) {
         EXPECT_EQ(shutdown(s, SD_RECEIVE), 0);
         int rc = 0;
         RecvText(s, 10, 0, &rc);
         EXPECT_EQ(rc, SOCKET_ERROR);
         EXPECT_EQ(WSAGetLastError(), WSAESHUTDOWN);
         Sleep(40000);
         RecvText(s, 100, 0, &rc);
         EXPECT_EQ(rc, SOCKET_ERROR);
         EXPECT_EQ(WSAGetLastError(), WSAESHUTDOWN);
       },
       [](SOCKET s) {
         EXPECT_EQ(SetNonBlocking(s, true), 0);
         const std::vector<uint8_t> chunk = Pattern(1000);
         size_t accepted = 0, accepted_at_20s = 0;
         for (int second = 0; second < 30; ++second) {
           for (;;) {
             const int n = send(s, reinterpret_cast<const char*>(chunk.data()),
                                static_cast<int>(chunk.size()), 0);
             if (n == SOCKET_ERROR) {
               EXPECT_EQ(WSAGetLastError(), WSAEWOULDBLOCK);  // never a reset
               break;
             }
             accepted += static_cast<size_t>(n);
           }
           if (second == 20) accepted_at_20s = accepted;
           Sleep(1000);
         }
         EXPECT_GE(accepted, 8192u);        // at least the send buffer
         EXPECT_LE(accepted, 8192u + 8192u);  // send buffer + the peer's window, no more
         EXPECT_EQ(accepted, accepted_at_20s);  // the window stayed closed
         const Readiness r = Poll(s, ZeroTimeout());
         EXPECT_FALSE(r.except);
         EXPECT_FALSE(r.read);
       });
  Run();
}

TEST_F(Sockets, SPI_SOCK_24_ShutdownReceiveOnADatagramSocketStillQueuesDatagrams) {
  OnServer([] {
    SOCKET u = Udp();
    EXPECT_EQ(ErrorOf(Bind(u, kServerIp, 9000)), kOk);
    EXPECT_EQ(shutdown(u, SD_RECEIVE), 0);
    Sleep(100);  // the client's datagram arrives meanwhile
    EXPECT_EQ(Ioctl(u, FIONREAD), 5u);  // queued
    int rc = 0;
    RecvText(u, 100, 0, &rc);
    EXPECT_EQ(rc, SOCKET_ERROR);
    EXPECT_EQ(WSAGetLastError(), WSAESHUTDOWN);
  });
  OnClient([] {
    SOCKET u = Udp();
    const sockaddr_in to = Address(kServerIp, 9000);
    EXPECT_EQ(sendto(u, "hello", 5, 0, Sa(to), sizeof(to)), 5);
  });
  Run();
}

TEST_F(Sockets, SPI_SOCK_25_ShutdownWithABadHowFailsWithInval) {
  Pair([](SOCKET s) { EXPECT_EQ(RecvText(s, 10), "ok"); },
       [](SOCKET s) {
         EXPECT_EQ(ErrorOf(shutdown(s, 3)), WSAEINVAL);
         EXPECT_EQ(ErrorOf(shutdown(s, -1)), WSAEINVAL);
         EXPECT_EQ(ErrorOf(shutdown(Udp(), 7)), WSAEINVAL);
         EXPECT_EQ(SendText(s, "ok"), 2);  // nothing was shut down
       });
  Run();
}

TEST_F(Sockets, SPI_SOCK_26_ShutdownOfAnUnconnectedStreamFailsWithNotConn) {
  OnServer([] {
    SOCKET listener = Listener();
    EXPECT_EQ(ErrorOf(shutdown(listener, SD_BOTH)), WSAENOTCONN);
    SOCKET s = Tcp();
    EXPECT_EQ(ErrorOf(shutdown(s, SD_SEND)), WSAENOTCONN);
    Bind(s, kServerIp, 0);
    EXPECT_EQ(ErrorOf(shutdown(s, SD_RECEIVE)), WSAENOTCONN);
  });
  Run();
}

TEST_F(Sockets, SPI_SOCK_27_ShutdownNeverBlocksEvenWhenLingering) {
  const std::vector<uint8_t> data = Pattern(60000);
  Pair([&](SOCKET s) {
         Sleep(3000);
         EXPECT_EQ(RecvToEnd(s), data);
       },
       [&, this](SOCKET s) {
         EXPECT_EQ(SetInt(s, SOL_SOCKET, SO_SNDBUF, 65536), 0);
         ASSERT_TRUE(SendAll(s, data));
         EXPECT_EQ(SetLinger(s, 1, 30), 0);
         const Duration before = Elapsed();
         EXPECT_EQ(shutdown(s, SD_BOTH), 0);
         EXPECT_EQ(Elapsed(), before);
       });
  Run();
}

TEST_F(Sockets, SPI_SOCK_28_CleanupResetsOpenConnectionsWhileClosedOnesDrain) {
  ClosedDrainsWhileOpenResets([](SOCKET open_one) {
    EXPECT_EQ(WSACleanup(), 0);
    EXPECT_EQ(ErrorOf(SendText(open_one, "x")), WSANOTINITIALISED);
  });
  Run();
}

TEST_F(Sockets, SPI_SOCK_30_UndeliverableDataTimesTheConnectionOut) {
  Pair([](SOCKET) {},
       [this](SOCKET s) {
         Sleep(100);  // the handshake's last ACK reaches the server
         ASSERT_TRUE(world().network().SetLinkUp("wire", false).ok());
         EXPECT_EQ(SendText(s, "into the void"), 13);
         const Duration before = Elapsed();
         int rc = 0;
         RecvText(s, 10, 0, &rc);  // blocks until TCP gives up
         EXPECT_EQ(rc, SOCKET_ERROR);
         EXPECT_EQ(WSAGetLastError(), WSAETIMEDOUT);
         EXPECT_GT(Elapsed() - before, Duration::Seconds(30));
         EXPECT_EQ(ErrorOf(SendText(s, "again")), WSAETIMEDOUT);
       });
  Run();
}

TEST_F(Sockets, SPI_SOCK_31_GracefulDrainingOutlivesTheProcess) {
  const std::vector<uint8_t> data = Pattern(60000);
  OnServer([&, this] {
    SOCKET s = Accepted(Listener());
    Sleep(2000);
    EXPECT_TRUE(AllEnded("client"));  // with most of the data still queued
    int last = -1;
    EXPECT_EQ(RecvToEnd(s, &last), data);
    EXPECT_EQ(last, 0);
  });
  OnClient([&, this] { SendAllThenClose(Connected(), data); });  // the process ends here
  Run();
}

}  // namespace
}  // namespace ws2sim::scenarios::testing
