// select through the Winsock API and the tcpip provider's WSPSelect (CHECKLIST section 6,
// SPI-SELECT; SPEC 2.16; D-17, D-18).
#include "gtest/gtest.h"
// The harness last: it ends with the guest headers, whose macros rename socket, bind, ...
#include "tests/world/winsock_harness.h"

namespace ws2sim::scenarios::testing {
namespace {

using sim::Duration;

class Select : public WinsockTest {};

TEST_F(Select, SPI_SELECT_01_AListenerWithAPendingRequestIsReadable) {
  OnServer([this] {
    SOCKET listener = Listener();
    EXPECT_EQ(Poll(listener, ZeroTimeout(), true, false, false).rc, 0);
    const Readiness r = Poll(listener, nullptr, true, false, false);  // until the request
    EXPECT_EQ(r.rc, 1);
    EXPECT_TRUE(r.read);
    const Duration before = Elapsed();
    EXPECT_NE(accept(listener, nullptr, nullptr), INVALID_SOCKET);
    EXPECT_EQ(Elapsed(), before);  // completed at once
    EXPECT_EQ(Poll(listener, ZeroTimeout(), true, false, false).rc, 0);
  });
  OnClient([] { Connected(); }, Duration::Seconds(1));
  Run();
}

TEST_F(Select, SPI_SELECT_02_DataACloseAndAResetMakeASocketReadable) {
  OnServer([] {
    SOCKET listener = Listener();
    SOCKET graceful = accept(listener, nullptr, nullptr);
    SOCKET reset = accept(listener, nullptr, nullptr);
    EXPECT_FALSE(Poll(graceful, ZeroTimeout(), true, false, false).read);
    EXPECT_TRUE(Poll(graceful, nullptr, true, false, false).read);  // data
    EXPECT_EQ(RecvText(graceful, 10), "data");
    EXPECT_TRUE(Poll(graceful, nullptr, true, false, false).read);  // the close
    int rc = -1;
    RecvText(graceful, 10, 0, &rc);
    EXPECT_EQ(rc, 0);
    EXPECT_TRUE(Poll(reset, nullptr, true, false, false).read);  // the reset
    RecvText(reset, 10, 0, &rc);
    EXPECT_EQ(rc, SOCKET_ERROR);
    EXPECT_EQ(WSAGetLastError(), WSAECONNRESET);
  });
  OnClient([] {
    SOCKET graceful = Connected(), reset = Connected();
    Sleep(1000);
    EXPECT_EQ(SendText(graceful, "data"), 4);
    Sleep(1000);
    EXPECT_EQ(closesocket(graceful), 0);
    Sleep(1000);
    EXPECT_EQ(SetLinger(reset, 1, 0), 0);
    EXPECT_EQ(closesocket(reset), 0);
  });
  Run();
}

TEST_F(Select, SPI_SELECT_03_AConnectingSocketBecomesWritableOrExceptional) {
  OnServer([this] {
    Accepted(Listener());
    AwaitClients();  // the client goes on using the connection
  });
  OnClient([] {
    SOCKET good = Tcp(), bad = Tcp();
    SetNonBlocking(good, true);
    SetNonBlocking(bad, true);
    EXPECT_EQ(ErrorOf(Connect(good, kServerIp, kPort)), WSAEWOULDBLOCK);
    EXPECT_EQ(ErrorOf(Connect(bad, kServerIp, 9)), WSAEWOULDBLOCK);  // refused
    Readiness r = Poll(good, ZeroTimeout(), false, true, true);
    EXPECT_EQ(r.rc, 0);  // still connecting
    r = Poll(good, nullptr, false, true, true);
    EXPECT_TRUE(r.write);
    EXPECT_FALSE(r.except);
    r = Poll(bad, nullptr, false, true, true);
    EXPECT_FALSE(r.write);
    EXPECT_TRUE(r.except);
    EXPECT_EQ(r.rc, 1);
  });
  Run();
}

TEST_F(Select, SPI_SELECT_04_WritableExactlyWhileTheSendBufferHasRoom) {
  Pair([](SOCKET s) {
         Sleep(2000);
         RecvToEnd(s);
       },
       [](SOCKET s) {
         EXPECT_TRUE(Poll(s, ZeroTimeout(), false, true, false).write);
         SetNonBlocking(s, true);
         const std::vector<char> chunk(4096, 'w');
         while (send(s, chunk.data(), static_cast<int>(chunk.size()), 0) != SOCKET_ERROR) {
         }
         EXPECT_EQ(WSAGetLastError(), WSAEWOULDBLOCK);
         EXPECT_FALSE(Poll(s, ZeroTimeout(), false, true, false).write);
         EXPECT_TRUE(Poll(s, nullptr, false, true, false).write);  // once the server reads
         EXPECT_NE(send(s, chunk.data(), static_cast<int>(chunk.size()), 0), SOCKET_ERROR);
         closesocket(s);
       });
  Run();
}

TEST_F(Select, SPI_SELECT_05_SetsAreReducedAndTheCountIsOfReadyPairs) {
  Pair([](SOCKET s) { EXPECT_EQ(SendText(s, "r"), 1); },
       [](SOCKET s) {
         Sleep(100);  // s: readable and writable
         SOCKET idle = Connected();  // writable only
         SOCKET listener = Tcp();    // nothing
         Bind(listener, kClientIp, 0);
         listen(listener, 1);
         fd_set r, w, e;
         FD_ZERO(&r);
         FD_ZERO(&w);
         FD_ZERO(&e);
         for (SOCKET x : {s, idle, listener}) {
           FD_SET(x, &r);
           FD_SET(x, &e);
         }
         FD_SET(s, &w);
         FD_SET(idle, &w);
         EXPECT_EQ(select(0, &r, &w, &e, ZeroTimeout()), 3);  // (r, s), (w, s), (w, idle)
         ASSERT_EQ(r.fd_count, 1u);
         EXPECT_EQ(r.fd_array[0], s);
         ASSERT_EQ(w.fd_count, 2u);
         EXPECT_TRUE(FD_ISSET(s, &w));
         EXPECT_TRUE(FD_ISSET(idle, &w));
         EXPECT_EQ(e.fd_count, 0u);
       });
  Run();
}

TEST_F(Select, SPI_SELECT_06_NullSetsAreAllowedButNotAllOfThem) {
  Pair([](SOCKET) {},
       [](SOCKET s) {
         fd_set w;
         FD_ZERO(&w);
         FD_SET(s, &w);
         EXPECT_EQ(select(0, nullptr, &w, nullptr, ZeroTimeout()), 1);
         EXPECT_EQ(ErrorOf(select(0, nullptr, nullptr, nullptr, ZeroTimeout())), WSAEINVAL);
         fd_set r, e;
         FD_ZERO(&r);
         FD_ZERO(&w);
         FD_ZERO(&e);
         EXPECT_EQ(ErrorOf(select(0, &r, &w, &e, ZeroTimeout())), WSAEINVAL);
         const timeval one = {1, 0};
         EXPECT_EQ(ErrorOf(select(0, &r, nullptr, nullptr, &one)), WSAEINVAL);
       });
  Run();
}

TEST_F(Select, SPI_SELECT_07_TimeoutsPollWaitAndBlock) {
  Pair([](SOCKET s) {
         Sleep(5000);
         EXPECT_EQ(SendText(s, "x"), 1);
       },
       [this](SOCKET s) {
         Duration before = Elapsed();
         EXPECT_EQ(Poll(s, ZeroTimeout(), true, false, false).rc, 0);
         EXPECT_EQ(Elapsed(), before);
         const timeval one_and_a_half = {1, 500000};
         before = Elapsed();
         EXPECT_EQ(Poll(s, &one_and_a_half, true, false, false).rc, 0);
         EXPECT_EQ(Elapsed() - before, Duration::Milliseconds(1500));
         EXPECT_EQ(Poll(s, nullptr, true, false, false).rc, 1);  // until the data, ~5 s
         EXPECT_GE(Elapsed(), Duration::Seconds(5));
       });
  Run();
}

TEST_F(Select, SPI_SELECT_08_ANonSocketInAnySetFailsWithNotSock) {
  OnClient([] {
    SOCKET good = Udp();
    SOCKET closed = Udp();
    closesocket(closed);
    for (SOCKET bad : {static_cast<SOCKET>(12345), closed}) {
      for (int which = 0; which < 3; ++which) {
        fd_set sets[3];
        for (fd_set& set : sets) {
          FD_ZERO(&set);
          FD_SET(good, &set);
        }
        FD_SET(bad, &sets[which]);
        EXPECT_EQ(ErrorOf(select(0, &sets[0], &sets[1], &sets[2], ZeroTimeout())), WSAENOTSOCK)
            << bad << " in set " << which;
      }
    }
  });
  Run();
}

TEST_F(Select, SPI_SELECT_10_FdSetMacrosCapAddRemoveAndTest) {
  OnClient([] {
    fd_set set;
    FD_ZERO(&set);
    EXPECT_EQ(set.fd_count, 0u);
    for (SOCKET s = 1; s <= 70; ++s) FD_SET(s * 4, &set);
    EXPECT_EQ(set.fd_count, static_cast<u_int>(FD_SETSIZE));
    EXPECT_EQ(FD_SETSIZE, 64);
    EXPECT_TRUE(FD_ISSET(64 * 4, &set));
    EXPECT_FALSE(FD_ISSET(65 * 4, &set));  // beyond FD_SETSIZE: ignored
    FD_CLR(10 * 4, &set);
    EXPECT_EQ(set.fd_count, 63u);
    EXPECT_FALSE(FD_ISSET(10 * 4, &set));
    EXPECT_EQ(set.fd_array[8], 9u * 4);
    EXPECT_EQ(set.fd_array[9], 11u * 4);  // shifted down
    EXPECT_EQ(set.fd_array[62], 64u * 4);
    FD_SET(99 * 4, &set);  // room again: appended at the end
    EXPECT_EQ(set.fd_count, 64u);
    EXPECT_EQ(set.fd_array[63], 99u * 4);
  });
  Run();
}

TEST_F(Select, SPI_SELECT_11_AKeepAliveFailureIsReportedInExceptFds) {
  Pair([](SOCKET) {},
       [this](SOCKET s) {
         EXPECT_EQ(SetInt(s, SOL_SOCKET, SO_KEEPALIVE, TRUE), 0);
         Sleep(100);  // the handshake's last ACK reaches the server
         ASSERT_TRUE(world().network().SetLinkUp("wire", false).ok());
         const Readiness r = Poll(s, nullptr, false, false, true);  // waits ~2 h (idle time)
         EXPECT_EQ(r.rc, 1);
         EXPECT_TRUE(r.except);
         EXPECT_GT(Elapsed(), Duration::Seconds(2 * 3600));
       });
  Run();
}

// SPI-SELECT-12's spies: the tcpip provider's DLL under two file names, each recording the
// sockets its WSPSelect is given.
template <int kTag>
struct SelectSpy {
  static inline LPWSPSELECT real = nullptr;
  static inline std::vector<SOCKET> seen;
  static int WSPAPI Select(int nfds, fd_set* r, fd_set* w, fd_set* e, const timeval* t,
                           LPINT error) {
    for (fd_set* set : {r, w, e}) {
      if (set == nullptr) continue;
      for (u_int i = 0; i < set->fd_count; ++i) seen.push_back(set->fd_array[i]);
    }
    return real(nfds, r, w, e, t, error);
  }
  static int WSPAPI Startup(WORD version, LPWSADATA data, LPWSAPROTOCOL_INFOW info,
                            WSPUPCALLTABLE upcalls, LPWSPPROC_TABLE table) {
    auto tcpip = reinterpret_cast<LPWSPSTARTUP>(providers::tcpip::TcpipProvider::StartupEntry());
    const int rc = tcpip(version, data, info, upcalls, table);
    real = table->lpWSPSelect;
    table->lpWSPSelect = &Select;
    return rc;
  }
};

TEST_F(Select, SPI_SELECT_12_ASelectOverTwoProvidersMergesTheirAnswers) {
  // The client machine's catalog: provider "spy4" serves IPv4 and provider "spy6" IPv6 (both
  // the tcpip provider behind a spy), so an IPv4 and an IPv6 socket belong to two providers.
  MakeWorld();
  SelectSpy<4>::seen.clear();
  SelectSpy<6>::seen.clear();
  model::ProviderDirectory& dlls = world().runtime().providers();
  dlls.Register("spy4.wsp", reinterpret_cast<void*>(&SelectSpy<4>::Startup));
  dlls.Register("spy6.wsp", reinterpret_cast<void*>(&SelectSpy<6>::Startup));
  model::Registry& registry = world().runtime().FindMachine("client")->registry();
  std::vector<model::CatalogEntry> v4, v6;
  for (model::CatalogEntry& e : World::TcpipCatalogEntries()) {
    (e.address_family == AF_INET ? v4 : v6).push_back(std::move(e));
  }
  model::InstallProviderInRegistry(registry, "tcpip", "spy4.wsp", "IPv4", AF_INET, 16, v4, true);
  model::InstallProviderInRegistry(registry, "tcpip6", "spy6.wsp", "IPv6", AF_INET6, 28, v6, true);
  SOCKET four = INVALID_SOCKET, six = INVALID_SOCKET;
  OnClient([&, this] {
    four = Udp();
    ASSERT_EQ(ErrorOf(Bind(four, "127.0.0.1", 9000)), kOk);
    six = socket(AF_INET6, SOCK_DGRAM, 0);
    ASSERT_NE(six, INVALID_SOCKET);
    sockaddr_in6 a6;
    std::memset(&a6, 0, sizeof(a6));
    a6.sin6_family = AF_INET6;
    a6.sin6_port = htons(9006);
    inet_pton(AF_INET6, "::1", &a6.sin6_addr);
    ASSERT_EQ(ErrorOf(bind(six, reinterpret_cast<sockaddr*>(&a6), sizeof(a6))), kOk);
    WSAPROTOCOL_INFOW i4, i6;
    int len = sizeof(i4);
    getsockopt(four, SOL_SOCKET, SO_PROTOCOL_INFO, reinterpret_cast<char*>(&i4), &len);
    len = sizeof(i6);
    getsockopt(six, SOL_SOCKET, SO_PROTOCOL_INFO, reinterpret_cast<char*>(&i6), &len);
    EXPECT_NE(i4.dwProviderReserved, i6.dwProviderReserved);  // two providers

    fd_set r, w;
    auto both = [&] {
      FD_ZERO(&r);
      FD_ZERO(&w);
      for (SOCKET x : {four, six}) {
        FD_SET(x, &r);
        FD_SET(x, &w);
      }
    };
    both();
    EXPECT_EQ(select(0, &r, &w, nullptr, ZeroTimeout()), 2);  // both writable, none readable
    EXPECT_EQ(r.fd_count, 0u);
    EXPECT_TRUE(FD_ISSET(four, &w));
    EXPECT_TRUE(FD_ISSET(six, &w));

    EXPECT_EQ(sendto(six, "6", 1, 0, reinterpret_cast<sockaddr*>(&a6), sizeof(a6)), 1);
    Sleep(10);
    both();
    EXPECT_EQ(select(0, &r, &w, nullptr, ZeroTimeout()), 3);
    ASSERT_EQ(r.fd_count, 1u);
    EXPECT_EQ(r.fd_array[0], six);
    EXPECT_EQ(RecvText(six, 10), "6");

    // Blocking across providers: until another process's datagram reaches the IPv4 socket.
    FD_ZERO(&r);
    FD_SET(four, &r);
    FD_SET(six, &r);
    EXPECT_EQ(select(0, &r, nullptr, nullptr, nullptr), 1);
    ASSERT_EQ(r.fd_count, 1u);
    EXPECT_EQ(r.fd_array[0], four);
    EXPECT_GE(Elapsed(), sim::Duration::Seconds(2));
    const timeval half = {0, 500000};
    FD_ZERO(&r);
    FD_SET(six, &r);
    FD_SET(four, &r);
    RecvText(four, 10);
    const sim::Duration before = Elapsed();
    EXPECT_EQ(select(0, &r, nullptr, nullptr, &half), 0);  // the timeout, across providers too
    EXPECT_EQ(Elapsed() - before, sim::Duration::Milliseconds(500));
  });
  OnClient(
      [] {
        SOCKET u = Udp();
        const sockaddr_in to = Address("127.0.0.1", 9000);
        EXPECT_EQ(sendto(u, "4", 1, 0, Sa(to), sizeof(to)), 1);
      },
      sim::Duration::Seconds(2));
  Run();
  // Each provider saw only its own socket.
  ASSERT_FALSE(SelectSpy<4>::seen.empty());
  ASSERT_FALSE(SelectSpy<6>::seen.empty());
  for (SOCKET x : SelectSpy<4>::seen) EXPECT_EQ(x, four);
  for (SOCKET x : SelectSpy<6>::seen) EXPECT_EQ(x, six);
}

// SPI-SELECT-13's second thread: fills the send buffer.
struct Filler {
  SOCKET s;
  size_t sent = 0;
};
DWORD WINAPI FillSendBuffer(LPVOID arg) {
  auto* f = static_cast<Filler*>(arg);
  const std::vector<char> chunk(1024, 'f');
  for (;;) {
    const int n = send(f->s, chunk.data(), static_cast<int>(chunk.size()), 0);
    if (n == SOCKET_ERROR) break;
    f->sent += static_cast<size_t>(n);
  }
  EXPECT_EQ(WSAGetLastError(), WSAEWOULDBLOCK);
  return 0;
}

TEST_F(Select, SPI_SELECT_13_AWritableSocketCanStillWouldBlockAfterAnotherThreadFillsIt) {
  Pair([](SOCKET) { Sleep(5000); },  // never reads
       [](SOCKET s) {
         SetNonBlocking(s, true);
         EXPECT_TRUE(Poll(s, ZeroTimeout(), false, true, false).write);
         Filler filler{s};
         HANDLE t = CreateThread(nullptr, 0, &FillSendBuffer, &filler, 0, nullptr);
         ASSERT_NE(t, nullptr);
         EXPECT_EQ(WaitForSingleObject(t, INFINITE), WAIT_OBJECT_0);
         CloseHandle(t);
         EXPECT_GT(filler.sent, 0u);
         EXPECT_EQ(ErrorOf(SendText(s, "late")), WSAEWOULDBLOCK);
       });
  Run();
}

}  // namespace
}  // namespace ws2sim::scenarios::testing
