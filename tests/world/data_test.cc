// Data transfer through the Winsock API and the tcpip provider (CHECKLIST section 4, SPI-DATA;
// SPEC 2.17, 2.18). Scatter/gather (D-53) goes through the provider's WSPPROC_TABLE directly: the
// API's send/recv carry one buffer.
#include "gtest/gtest.h"
// The harness last: it ends with the guest headers, whose macros rename socket, bind, ...
#include "tests/world/winsock_harness.h"

namespace ws2sim::scenarios::testing {
namespace {

using sim::Duration;

class Data : public WinsockTest {};

TEST_F(Data, SPI_DATA_01_StreamReceiveReturnsWhenFullOrWhenTheBufferedDataIsOut) {
  Pair([this](SOCKET s) {
         Sleep(100);  // "0123456789" is buffered
         const Duration before = Elapsed();
         EXPECT_EQ(RecvText(s, 4), "0123");      // the buffer is full
         EXPECT_EQ(RecvText(s, 100), "456789");  // what is buffered, without waiting for more
         EXPECT_EQ(Elapsed(), before);
         EXPECT_EQ(RecvText(s, 100), "AB");  // waits for the next bytes
         EXPECT_GE(Elapsed(), Duration::Seconds(1));
       },
       [](SOCKET s) {
         EXPECT_EQ(SendText(s, "0123456789"), 10);
         Sleep(1000);
         EXPECT_EQ(SendText(s, "AB"), 2);
       });
  Run();
}

TEST_F(Data, SPI_DATA_02_AfterAGracefulCloseReceiveReturnsZeroAtOnce) {
  Pair([this](SOCKET s) {
         Sleep(100);
         EXPECT_EQ(RecvText(s, 100), "bye");
         const Duration before = Elapsed();
         for (int i = 0; i < 3; ++i) {
           int rc = -1;
           RecvText(s, 100, 0, &rc);
           EXPECT_EQ(rc, 0);
         }
         EXPECT_EQ(Elapsed(), before);
       },
       [](SOCKET s) {
         EXPECT_EQ(SendText(s, "bye"), 3);
         EXPECT_EQ(closesocket(s), 0);
       });
  Run();
}

TEST_F(Data, SPI_DATA_03_AfterAResetReceiveFailsWithConnReset) {
  Pair([](SOCKET s) {
         int rc = 0;
         RecvText(s, 100, 0, &rc);  // blocked when the reset comes
         EXPECT_EQ(rc, SOCKET_ERROR);
         EXPECT_EQ(WSAGetLastError(), WSAECONNRESET);
         RecvText(s, 100, 0, &rc);
         EXPECT_EQ(rc, SOCKET_ERROR);
         EXPECT_EQ(WSAGetLastError(), WSAECONNRESET);
       },
       [](SOCKET s) {
         Sleep(100);
         EXPECT_EQ(SetLinger(s, 1, 0), 0);
         EXPECT_EQ(closesocket(s), 0);
       });
  Run();
}

TEST_F(Data, SPI_DATA_04_AnOversizedDatagramIsTruncatedWithMsgSize) {
  const std::vector<uint8_t> big = Pattern(100);
  OnServer([&] {
    SOCKET u = Udp();
    Bind(u, kServerIp, 9000);
    Sleep(100);
    char buffer[40];
    EXPECT_EQ(ErrorOf(recv(u, buffer, sizeof(buffer), 0)), WSAEMSGSIZE);
    EXPECT_EQ(std::vector<uint8_t>(buffer, buffer + 40),
              std::vector<uint8_t>(big.begin(), big.begin() + 40));
    EXPECT_EQ(RecvText(u, 100), "small");  // the rest of the big one is gone
    sockaddr_in from;
    int len = sizeof(from);
    EXPECT_EQ(ErrorOf(recvfrom(u, buffer, 3, 0, Sa(from), &len)), WSAEMSGSIZE);
    EXPECT_EQ(std::string(buffer, 3), "thi");
    EXPECT_EQ(from.sin_addr.s_addr, inet_addr(kClientIp));
    EXPECT_EQ(Ioctl(u, FIONREAD), 0u);
  });
  OnClient([&] {
    SOCKET u = Udp();
    Connect(u, kServerIp, 9000);
    EXPECT_EQ(send(u, reinterpret_cast<const char*>(big.data()), 100, 0), 100);
    EXPECT_EQ(SendText(u, "small"), 5);
    EXPECT_EQ(SendText(u, "third"), 5);
  });
  Run();
}

TEST_F(Data, SPI_DATA_06_ADatagramAboveTheMaximumFailsAndSendsNothing) {
  OnServer([] {
    SOCKET u = Udp();
    Bind(u, kServerIp, 9000);
    EXPECT_EQ(RecvText(u, 100), "after");  // the first datagram to arrive
  });
  OnClient([] {
    SOCKET u = Udp();
    const int max = GetInt(u, SOL_SOCKET, SO_MAX_DG_SIZE);
    EXPECT_GT(max, 512);
    std::vector<char> too_big(static_cast<size_t>(max) + 1, 'x');
    const sockaddr_in to = Address(kServerIp, 9000);
    EXPECT_EQ(ErrorOf(sendto(u, too_big.data(), max + 1, 0, Sa(to), sizeof(to))), WSAEMSGSIZE);
    Connect(u, kServerIp, 9000);
    EXPECT_EQ(ErrorOf(send(u, too_big.data(), max + 1, 0)), WSAEMSGSIZE);
    EXPECT_EQ(SendText(u, "after"), 5);
  });
  Run();
}

TEST_F(Data, SPI_DATA_07_BroadcastNeedsSoBroadcast) {
  OnServer([] {
    SOCKET u = Udp();
    Bind(u, "0.0.0.0", 9000);
    EXPECT_EQ(RecvText(u, 100), "limited");
    EXPECT_EQ(RecvText(u, 100), "directed");
  });
  OnClient([] {
    SOCKET u = Udp();
    const sockaddr_in limited = Address("255.255.255.255", 9000);
    const sockaddr_in directed = Address("10.0.0.255", 9000);
    EXPECT_EQ(ErrorOf(sendto(u, "x", 1, 0, Sa(limited), sizeof(limited))), WSAEACCES);
    EXPECT_EQ(ErrorOf(sendto(u, "x", 1, 0, Sa(directed), sizeof(directed))), WSAEACCES);
    EXPECT_EQ(SetInt(u, SOL_SOCKET, SO_BROADCAST, TRUE), 0);
    EXPECT_EQ(sendto(u, "limited", 7, 0, Sa(limited), sizeof(limited)), 7);
    Sleep(10);
    EXPECT_EQ(sendto(u, "directed", 8, 0, Sa(directed), sizeof(directed)), 8);
  });
  Run();
}

TEST_F(Data, SPI_DATA_08_SendAndRecvOnAnUnconnectedStreamFailWithNotConn) {
  OnServer([] {
    SOCKET listener = Listener();
    for (SOCKET s : {Tcp(), listener}) {
      EXPECT_EQ(ErrorOf(SendText(s, "x")), WSAENOTCONN);
      int rc = 0;
      RecvText(s, 10, 0, &rc);
      EXPECT_EQ(rc, SOCKET_ERROR);
      EXPECT_EQ(WSAGetLastError(), WSAENOTCONN);
    }
  });
  Run();
}

TEST_F(Data, SPI_DATA_09_SendToOnAConnectedStreamIgnoresTheDestination) {
  Pair([](SOCKET s) {
         EXPECT_EQ(RecvExactly(s, 16), "to the peerstill");
       },
       [](SOCKET s) {
         const sockaddr_in elsewhere = Address("192.168.7.7", 9);
         EXPECT_EQ(sendto(s, "to the peer", 11, 0, Sa(elsewhere), sizeof(elsewhere)), 11);
         EXPECT_EQ(sendto(s, "still", 5, 0, nullptr, 0), 5);
       });
  Run();
}

TEST_F(Data, SPI_DATA_10_SendToWithoutADestinationFailsWithDestAddrReq) {
  OnClient([] {
    SOCKET u = Udp();
    EXPECT_EQ(ErrorOf(sendto(u, "x", 1, 0, nullptr, 0)), WSAEDESTADDRREQ);
    Bind(u, kClientIp, 0);
    EXPECT_EQ(ErrorOf(sendto(u, "x", 1, 0, nullptr, 0)), WSAEDESTADDRREQ);
  });
  Run();
}

TEST_F(Data, SPI_DATA_11_RecvFromFillsTheSourceOfDatagramsOnly) {
  Pair([](SOCKET s) {
         Sleep(100);
         sockaddr_in from, untouched;
         std::memset(&from, 0xab, sizeof(from));
         std::memset(&untouched, 0xab, sizeof(untouched));
         int len = sizeof(from);
         char buffer[10];
         EXPECT_EQ(recvfrom(s, buffer, 6, 0, Sa(from), &len), 6);  // "stream"
         EXPECT_EQ(len, static_cast<int>(sizeof(from)));             // both ignored
         EXPECT_EQ(std::memcmp(&from, &untouched, sizeof(from)), 0);
         len = 3;  // too small for an address: no matter on a stream
         EXPECT_EQ(recvfrom(s, buffer, sizeof(buffer), 0, Sa(from), &len), 4);  // "more"
         EXPECT_EQ(len, 3);
         EXPECT_EQ(std::memcmp(&from, &untouched, sizeof(from)), 0);
       },
       [](SOCKET s) { EXPECT_EQ(SendText(s, "streammore"), 10); });
  OnServer([] {
    SOCKET u = Udp();
    Bind(u, kServerIp, 9000);
    Sleep(100);
    sockaddr_in from;
    int len = sizeof(from) - 1;
    char buffer[10];
    EXPECT_EQ(ErrorOf(recvfrom(u, buffer, sizeof(buffer), 0, Sa(from), &len)), WSAEFAULT);
    EXPECT_EQ(Ioctl(u, FIONREAD), 4u);  // not consumed
    len = sizeof(from) + 8;
    EXPECT_EQ(recvfrom(u, buffer, sizeof(buffer), 0, Sa(from), &len), 4);
    EXPECT_EQ(len, static_cast<int>(sizeof(from)));
    EXPECT_EQ(from.sin_family, AF_INET);
    EXPECT_EQ(from.sin_addr.s_addr, inet_addr(kClientIp));
    EXPECT_EQ(ntohs(from.sin_port), 9100);
  });
  OnClient([] {
    SOCKET u = Udp();
    Bind(u, kClientIp, 9100);
    const sockaddr_in to = Address(kServerIp, 9000);
    EXPECT_EQ(sendto(u, "dgrm", 4, 0, Sa(to), sizeof(to)), 4);
  });
  Run();
}

TEST_F(Data, SPI_DATA_12_ADatagramTheLinkDropsWasStillSentSuccessfully) {
  MakeWorld();
  sim::net::LinkParams drop_all = CleanLink();
  drop_all.loss_percent = 100;
  ASSERT_TRUE(world().network().SetLinkParams("wire", "client", "server", drop_all).ok());
  OnServer([] {
    SOCKET u = Udp();
    Bind(u, kServerIp, 9000);
    const timeval two_seconds = {2, 0};
    EXPECT_EQ(Poll(u, &two_seconds, true, false, false).rc, 0);  // nothing ever arrives
  });
  OnClient([] {
    SOCKET u = Udp();
    const sockaddr_in to = Address(kServerIp, 9000);
    EXPECT_EQ(sendto(u, "lost", 4, 0, Sa(to), sizeof(to)), 4);
  });
  Run();
}

TEST_F(Data, SPI_DATA_13_NonBlockingCallsThatCannotCompleteWouldBlock) {
  Pair([](SOCKET) { Sleep(5000); },  // never reads
       [this](SOCKET s) {
         EXPECT_EQ(SetNonBlocking(s, true), 0);
         const Duration before = Elapsed();
         int rc = 0;
         RecvText(s, 10, 0, &rc);
         EXPECT_EQ(rc, SOCKET_ERROR);
         EXPECT_EQ(WSAGetLastError(), WSAEWOULDBLOCK);
         const std::vector<char> chunk(4096, 'z');
         int error = kOk;
         size_t total = 0;
         for (int i = 0; i < 100 && error == kOk; ++i) {
           const int n = send(s, chunk.data(), static_cast<int>(chunk.size()), 0);
           error = ErrorOf(n);
           if (n > 0) total += static_cast<size_t>(n);
         }
         EXPECT_EQ(error, WSAEWOULDBLOCK);
         EXPECT_GE(total, 8192u);
         EXPECT_EQ(Elapsed(), before);  // nothing waited
       });
  Run();
}

TEST_F(Data, SPI_DATA_14_BlockingRecvWaitsForData) {
  Pair([this](SOCKET s) {
         EXPECT_EQ(RecvText(s, 100), "late");
         EXPECT_GE(Elapsed(), Duration::Seconds(2));
       },
       [](SOCKET s) {
         Sleep(2000);
         EXPECT_EQ(SendText(s, "late"), 4);
       });
  Run();
}

TEST_F(Data, SPI_DATA_15_PeekReturnsDataWithoutConsumingIt) {
  Pair([](SOCKET s) {
         Sleep(100);
         EXPECT_EQ(Ioctl(s, FIONREAD), 5u);
         EXPECT_EQ(RecvText(s, 3, MSG_PEEK), "hel");
         EXPECT_EQ(RecvText(s, 100, MSG_PEEK), "hello");
         EXPECT_EQ(Ioctl(s, FIONREAD), 5u);
         // D-79: flags other than MSG_PEEK, MSG_OOB and MSG_INTERRUPT are not supported.
         int rc = 0;
         RecvText(s, 100, 0x100, &rc);
         EXPECT_EQ(rc, SOCKET_ERROR);
         EXPECT_EQ(WSAGetLastError(), WSAEOPNOTSUPP);
         EXPECT_EQ(RecvText(s, 100), "hello");
         EXPECT_EQ(Ioctl(s, FIONREAD), 0u);
       },
       [](SOCKET s) { EXPECT_EQ(SendText(s, "hello"), 5); });
  OnServer([] {
    SOCKET u = Udp();
    Bind(u, kServerIp, 9000);
    Sleep(100);
    EXPECT_EQ(RecvText(u, 100, MSG_PEEK), "one");
    EXPECT_EQ(Ioctl(u, FIONREAD), 3u);
    EXPECT_EQ(RecvText(u, 100), "one");
    EXPECT_EQ(RecvText(u, 100), "two");
  });
  OnClient([] {
    SOCKET u = Udp();
    Connect(u, kServerIp, 9000);
    SendText(u, "one");
    SendText(u, "two");
  });
  Run();
}

TEST_F(Data, SPI_DATA_16_SendAcceptsDontRouteAndIgnoresPartialWithoutPartialMessages) {
  Pair([](SOCKET s) {
         Sleep(100);
         EXPECT_EQ(RecvText(s, 100), "direct");
       },
       [](SOCKET s) { EXPECT_EQ(SendText(s, "direct", MSG_DONTROUTE), 6); });
  OnServer([] {
    SOCKET u = Udp();
    Bind(u, kServerIp, 9000);
    EXPECT_EQ(RecvText(u, 100), "route");
    EXPECT_EQ(RecvText(u, 100), "partial");  // one whole message
    EXPECT_EQ(RecvText(u, 100), "rest");
  });
  OnClient([] {
    SOCKET u = Udp();
    Connect(u, kServerIp, 9000);
    EXPECT_EQ(SendText(u, "route", MSG_DONTROUTE), 5);
    EXPECT_EQ(SendText(u, "partial", MSG_PARTIAL), 7);
    EXPECT_EQ(SendText(u, "rest"), 4);
  });
  Run();
}

TEST_F(Data, SPI_DATA_17_ScatterAndGatherFollowTheArrayOrder) {
  Pair([](SOCKET s) {
         Sleep(100);
         char a[2], b[3], c[10];
         WSABUF buffers[3] = {{2, a}, {3, b}, {10, c}};
         DWORD received = 0;
         INT flags = 0;
         int error = 0;
         SpiScope spi(s);
         ASSERT_TRUE(spi.ok());
         EXPECT_EQ(spi->lpWSPRecv(s, buffers, 3, &received, &flags, nullptr, nullptr, &error), 0)
             << error;
         EXPECT_EQ(received, 8u);
         EXPECT_EQ(std::string(a, 2), "ab");
         EXPECT_EQ(std::string(b, 3), "cde");
         EXPECT_EQ(std::string(c, 3), "fgh");
       },
       [](SOCKET s) {
         char x[] = "ab", y[] = "cdef", z[] = "gh";
         WSABUF buffers[3] = {{2, x}, {4, y}, {2, z}};
         DWORD sent = 0;
         int error = 0;
         SpiScope spi(s);
         ASSERT_TRUE(spi.ok());
         EXPECT_EQ(spi->lpWSPSend(s, buffers, 3, &sent, 0, nullptr, nullptr, &error), 0) << error;
         EXPECT_EQ(sent, 8u);
       });
  Run();
}

TEST_F(Data, SPI_DATA_19_RecvOnAnUnboundDatagramSocketFailsWithInval) {
  OnClient([] {
    SOCKET u = Udp();
    int rc = 0;
    RecvText(u, 10, 0, &rc);
    EXPECT_EQ(rc, SOCKET_ERROR);
    EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
    sockaddr_in from;
    int len = sizeof(from);
    char buffer[10];
    EXPECT_EQ(ErrorOf(recvfrom(u, buffer, sizeof(buffer), 0, Sa(from), &len)), WSAEINVAL);
  });
  Run();
}

}  // namespace
}  // namespace ws2sim::scenarios::testing
