// Socket options through getsockopt / setsockopt and the tcpip provider (CHECKLIST section 11,
// SPI-OPT; SPEC 3.1; D-20..D-24, D-63, D-64, D-72, D-96).
#include "gtest/gtest.h"
// The harness last: it ends with the guest headers, whose macros rename socket, bind, ...
#include "tests/world/winsock_harness.h"

namespace ws2sim::scenarios::testing {
namespace {

using sim::Duration;

class SocketOptions : public WinsockTest {};

constexpr int kTcpMaxseg = 0x02;  // BSD's TCP_MAXSEG: not in the seed's header, not supported

TEST_F(SocketOptions, SPI_OPT_01_OptionsNeverSetReadTheirDefaults) {
  OnClient([] {
    for (int type : {SOCK_STREAM, SOCK_DGRAM}) {
      SCOPED_TRACE(type);
      ExpectDefaultOptions(socket(AF_INET, type, 0), type);
    }
    EXPECT_EQ(GetInt(Tcp(), SOL_PROVIDER, TCP_NODELAY), FALSE);  // Nagle on
  });
  Run();
}

TEST_F(SocketOptions, SPI_OPT_02_GetSetsOptlenAndRejectsSmallBuffers) {
  OnClient([] {
    SOCKET s = Tcp();
    char buffer[64];
    int len = sizeof(buffer);
    EXPECT_EQ(getsockopt(s, SOL_SOCKET, SO_LINGER, buffer, &len), 0);
    EXPECT_EQ(len, 4);
    EXPECT_EQ(sizeof(struct linger), 4u);
    for (int name : {SO_KEEPALIVE, SO_TYPE, SO_RCVBUF, SO_DONTLINGER}) {
      len = sizeof(buffer);
      EXPECT_EQ(getsockopt(s, SOL_SOCKET, name, buffer, &len), 0) << name;
      EXPECT_EQ(len, static_cast<int>(sizeof(int))) << name;
    }
    len = sizeof(buffer);
    EXPECT_EQ(getsockopt(s, SOL_PROVIDER, TCP_NODELAY, buffer, &len), 0);
    EXPECT_EQ(len, static_cast<int>(sizeof(int)));
    len = 3;
    EXPECT_EQ(ErrorOf(getsockopt(s, SOL_SOCKET, SO_LINGER, buffer, &len)), WSAEFAULT);
    len = 3;
    EXPECT_EQ(ErrorOf(getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, buffer, &len)), WSAEFAULT);
    len = 0;
    EXPECT_EQ(ErrorOf(getsockopt(s, SOL_SOCKET, SO_TYPE, buffer, &len)), WSAEFAULT);
  });
  Run();
}

TEST_F(SocketOptions, SPI_OPT_03_UnsupportedBsdOptionsFailWithNoProtoOpt) {
  OnClient([] {
    SOCKET s = Tcp();
    for (int name : {SO_ERROR, SO_RCVLOWAT, SO_RCVTIMEO, SO_SNDLOWAT, SO_SNDTIMEO}) {
      int error = kOk;
      GetInt(s, SOL_SOCKET, name, &error);
      EXPECT_EQ(error, WSAENOPROTOOPT) << name;
      EXPECT_EQ(ErrorOf(SetInt(s, SOL_SOCKET, name, 1)), WSAENOPROTOOPT) << name;
    }
    int error = kOk;
    GetInt(s, IPPROTO_IP, IP_OPTIONS, &error);
    EXPECT_EQ(error, WSAENOPROTOOPT);
    EXPECT_EQ(ErrorOf(SetInt(s, IPPROTO_IP, IP_OPTIONS, 1)), WSAENOPROTOOPT);
    GetInt(s, SOL_PROVIDER, kTcpMaxseg, &error);
    EXPECT_EQ(error, WSAENOPROTOOPT);
    EXPECT_EQ(ErrorOf(SetInt(s, SOL_PROVIDER, kTcpMaxseg, 536)), WSAENOPROTOOPT);
    EXPECT_EQ(ErrorOf(SetInt(s, SOL_SOCKET, SO_ACCEPTCONN, 1)), WSAENOPROTOOPT);
    EXPECT_EQ(ErrorOf(SetInt(s, SOL_SOCKET, SO_TYPE, SOCK_DGRAM)), WSAENOPROTOOPT);
    EXPECT_EQ(GetInt(s, SOL_SOCKET, SO_TYPE), SOCK_STREAM);
  });
  Run();
}

TEST_F(SocketOptions, SPI_OPT_04_AnInvalidLevelFailsDifferentlyOnSetAndGet) {
  OnClient([] {
    SOCKET s = Tcp();
    EXPECT_EQ(ErrorOf(SetInt(s, 0x1234, SO_KEEPALIVE, 1)), WSAEINVAL);
    int error = kOk;
    GetInt(s, 0x1234, SO_KEEPALIVE, &error);
    EXPECT_EQ(error, WSAENOPROTOOPT);
    EXPECT_EQ(GetInt(s, SOL_SOCKET, SO_KEEPALIVE), FALSE);  // nothing was set
  });
  Run();
}

TEST_F(SocketOptions, SPI_OPT_05_BooleansAreAnyNonZeroIntOrZero) {
  OnClient([] {
    SOCKET t = Tcp(), u = Udp();
    const struct {
      SOCKET s;
      int level;
      int name;
    } options[] = {{t, SOL_SOCKET, SO_KEEPALIVE}, {t, SOL_SOCKET, SO_OOBINLINE},
                   {t, SOL_SOCKET, SO_DEBUG},     {t, SOL_SOCKET, SO_DONTROUTE},
                   {t, SOL_SOCKET, SO_REUSEADDR}, {t, SOL_SOCKET, SO_INTERRUPT},
                   {t, SOL_PROVIDER, TCP_NODELAY}, {u, SOL_SOCKET, SO_BROADCAST}};
    for (const auto& o : options) {
      SCOPED_TRACE(o.name);
      for (int on : {7, -1, 0x10000, 1}) {
        EXPECT_EQ(SetInt(o.s, o.level, o.name, 0), 0);
        EXPECT_EQ(GetInt(o.s, o.level, o.name), FALSE);
        EXPECT_EQ(SetInt(o.s, o.level, o.name, on), 0);
        EXPECT_EQ(GetInt(o.s, o.level, o.name), TRUE) << on;
      }
    }
  });
  Run();
}

TEST_F(SocketOptions, SPI_OPT_06_DontLingerAndLingerAreTwoViewsOfOneState) {
  OnClient([] {
    SOCKET s = Tcp();
    EXPECT_EQ(SetLinger(s, 1, 5), 0);
    EXPECT_EQ(GetInt(s, SOL_SOCKET, SO_DONTLINGER), FALSE);
    EXPECT_EQ(SetInt(s, SOL_SOCKET, SO_DONTLINGER, TRUE), 0);
    EXPECT_EQ(GetLinger(s).l_onoff, 0);
    EXPECT_EQ(SetInt(s, SOL_SOCKET, SO_DONTLINGER, FALSE), 0);  // D-72: l_onoff 1, same l_linger
    const struct linger l = GetLinger(s);
    EXPECT_NE(l.l_onoff, 0);
    EXPECT_EQ(l.l_linger, 5);
    EXPECT_EQ(SetLinger(s, 0, 5), 0);
    EXPECT_EQ(GetInt(s, SOL_SOCKET, SO_DONTLINGER), TRUE);
  });
  Run();
}

TEST_F(SocketOptions, SPI_OPT_07_LingerOneSevenReadsBackAndCloseWaitsUpToSevenSeconds) {
  Pair([](SOCKET s) {
         Sleep(20000);  // does not read in time
         EXPECT_EQ(RecvError(s), WSAECONNRESET);
       },
       [this](SOCKET s) {
         EXPECT_EQ(SetLinger(s, 1, 7), 0);
         const struct linger l = GetLinger(s);
         EXPECT_EQ(l.l_onoff, 1);
         EXPECT_EQ(l.l_linger, 7);
         EXPECT_EQ(SendAllThenClose(s, Pattern(60000)), Duration::Seconds(7));
       });
  Run();
}

TEST_F(SocketOptions, SPI_OPT_08_ASocketOutsideAGroupHasGroupIdZeroAndNoPriority) {
  Pair([](SOCKET s) { EXPECT_EQ(GetInt(s, SOL_SOCKET, SO_GROUP_ID), 0); },
       [](SOCKET s) {
         for (SOCKET x : {s, Tcp(), Udp()}) {
           EXPECT_EQ(GetInt(x, SOL_SOCKET, SO_GROUP_ID), 0);
           int error = kOk;
           GetInt(x, SOL_SOCKET, SO_GROUP_PRIORITY, &error);
           EXPECT_EQ(error, WSAENOPROTOOPT);
           EXPECT_EQ(ErrorOf(SetInt(x, SOL_SOCKET, SO_GROUP_PRIORITY, 1)), WSAENOPROTOOPT);
         }
         EXPECT_EQ(ErrorOf(SetInt(s, SOL_SOCKET, SO_GROUP_ID, 5)), WSAENOPROTOOPT);  // get only
       });
  Run();
}

TEST_F(SocketOptions, SPI_OPT_10_FlowSpecsAreNotOptionsOfAProviderWithoutThem) {
  Pair([](SOCKET) {},
       [](SOCKET s) {
         for (SOCKET x : {s, Tcp(), Udp()}) {
           for (int name : {SO_FLOWSPEC, SO_GROUP_FLOWSPEC}) {
             char qos[sizeof(QOS)];
             std::memset(qos, 0, sizeof(qos));
             int len = sizeof(qos);
             EXPECT_EQ(ErrorOf(getsockopt(x, SOL_SOCKET, name, qos, &len)), WSAENOPROTOOPT);
             EXPECT_EQ(ErrorOf(setsockopt(x, SOL_SOCKET, name, qos, sizeof(qos))),
                       WSAENOPROTOOPT);
           }
         }
       });
  Run();
}

TEST_F(SocketOptions, SPI_OPT_12_MaxDgSizeIsTheProvidersLimitAndCannotBeSet) {
  OnClient([] {
    SOCKET u = Udp();
    EXPECT_EQ(SO_MAX_MSGDG_SIZE, 0x2005);
    EXPECT_EQ(SO_MAX_DG_SIZE, SO_MAX_MSGDG_SIZE);
    EXPECT_EQ(GetInt(u, SOL_SOCKET, SO_MAX_DG_SIZE), 65507);  // IPv4 UDP
    EXPECT_EQ(ErrorOf(SetInt(u, SOL_SOCKET, SO_MAX_DG_SIZE, 100)), WSAENOPROTOOPT);
    EXPECT_EQ(GetInt(u, SOL_SOCKET, SO_MAX_MSGDG_SIZE), 65507);
  });
  Run();
}

TEST_F(SocketOptions, SPI_OPT_13_TapiOptionsFailWithNoProtoOpt) {
  OnClient([] {
    SOCKET s = Tcp();
    for (int level : {SOL_PROVIDER, SOL_SOCKET}) {
      for (int name : {PVD_CALL_ID, TAPI_DEVICE_ID}) {
        char buffer[64];
        int len = sizeof(buffer);
        EXPECT_EQ(ErrorOf(getsockopt(s, level, name, buffer, &len)), WSAENOPROTOOPT);
        EXPECT_EQ(ErrorOf(setsockopt(s, level, name, buffer, 4)), WSAENOPROTOOPT);
      }
    }
  });
  Run();
}

TEST_F(SocketOptions, SPI_OPT_14_NoDelayAndProviderConfigLiveAtSolProvider) {
  OnClient([] {
    EXPECT_EQ(SOL_PROVIDER, 6);
    SOCKET s = Tcp();
    EXPECT_EQ(SetInt(s, SOL_PROVIDER, TCP_NODELAY, TRUE), 0);
    EXPECT_EQ(GetInt(s, SOL_PROVIDER, TCP_NODELAY), TRUE);
    const char config[] = "provider-private configuration";
    EXPECT_EQ(setsockopt(s, SOL_PROVIDER, PVD_CONFIG, config, sizeof(config)), 0);
    char back[64];
    int len = sizeof(back);
    EXPECT_EQ(getsockopt(s, SOL_PROVIDER, PVD_CONFIG, back, &len), 0);
    EXPECT_EQ(len, static_cast<int>(sizeof(config)));
    EXPECT_STREQ(back, config);
    len = 4;
    EXPECT_EQ(ErrorOf(getsockopt(s, SOL_PROVIDER, PVD_CONFIG, back, &len)), WSAEFAULT);
  });
  Run();
}

TEST_F(SocketOptions, SPI_OPT_15_StoredIgnoredOptionsReadBackWithoutChangingBehaviour) {
  // The tcpip provider stores SO_DEBUG and SO_DONTROUTE (note (i)): they read back as set and
  // the connection behaves as before.
  Pair([](SOCKET s) {
         EXPECT_EQ(RecvText(s, 100), "routed anyway");
         EXPECT_EQ(SendText(s, "ok"), 2);
       },
       [](SOCKET s) {
         EXPECT_EQ(SetInt(s, SOL_SOCKET, SO_DEBUG, TRUE), 0);
         EXPECT_EQ(SetInt(s, SOL_SOCKET, SO_DONTROUTE, TRUE), 0);
         EXPECT_EQ(GetInt(s, SOL_SOCKET, SO_DEBUG), TRUE);
         EXPECT_EQ(GetInt(s, SOL_SOCKET, SO_DONTROUTE), TRUE);
         EXPECT_EQ(SendText(s, "routed anyway"), 13);
         EXPECT_EQ(RecvText(s, 100), "ok");
       });
  Run();
}

TEST_F(SocketOptions, SPI_OPT_16_AKeepAliveDropFailsTheCallInProgressThenNotConn) {
  Pair([](SOCKET) {},
       [this](SOCKET s) {
         EXPECT_EQ(SetInt(s, SOL_SOCKET, SO_KEEPALIVE, TRUE), 0);
         Sleep(100);  // the handshake's last ACK reaches the server
         ASSERT_TRUE(world().network().SetLinkUp("wire", false).ok());
         int rc = 0;
         RecvText(s, 10, 0, &rc);  // in progress when the probes give up
         EXPECT_EQ(rc, SOCKET_ERROR);
         EXPECT_EQ(WSAGetLastError(), WSAENETRESET);
         EXPECT_GT(Elapsed(), Duration::Seconds(2 * 3600));
         RecvText(s, 10, 0, &rc);
         EXPECT_EQ(rc, SOCKET_ERROR);
         EXPECT_EQ(WSAGetLastError(), WSAENOTCONN);
         EXPECT_EQ(ErrorOf(SendText(s, "x")), WSAENOTCONN);
         EXPECT_EQ(ErrorOf(SetInt(s, SOL_SOCKET, SO_KEEPALIVE, TRUE)), WSAENOTCONN);  // D-96
       });
  Run();
}

TEST_F(SocketOptions, SPI_OPT_17_ProtocolInfoIsGetOnlyAndInterruptIsABoolean) {
  OnClient([] {
    SOCKET t1 = Tcp(), t2 = Tcp(), u = Udp();
    WSAPROTOCOL_INFOW a, b, c;
    int len = sizeof(a);
    ASSERT_EQ(getsockopt(t1, SOL_SOCKET, SO_PROTOCOL_INFO, reinterpret_cast<char*>(&a), &len), 0)
        << WSAGetLastError();
    EXPECT_EQ(len, static_cast<int>(sizeof(a)));
    len = sizeof(b);
    ASSERT_EQ(getsockopt(t2, SOL_SOCKET, SO_PROTOCOL_INFO, reinterpret_cast<char*>(&b), &len), 0);
    len = sizeof(c);
    ASSERT_EQ(getsockopt(u, SOL_SOCKET, SO_PROTOCOL_INFO, reinterpret_cast<char*>(&c), &len), 0);
    EXPECT_EQ(a.iAddressFamily, AF_INET);
    EXPECT_EQ(a.iSocketType, SOCK_STREAM);
    EXPECT_EQ(a.iProtocol, IPPROTO_TCP);
    EXPECT_EQ(a.iMaxSockAddr, 16);
    EXPECT_EQ(a.dwServiceFlags1, 0x1066u);  // the catalog's ProtocolAttributes
    EXPECT_NE(a.dwCatalogEntryId, 0u);
    EXPECT_EQ(a.dwCatalogEntryId, b.dwCatalogEntryId);  // the same catalog entry
    EXPECT_NE(a.dwCatalogEntryId, c.dwCatalogEntryId);
    EXPECT_EQ(c.iSocketType, SOCK_DGRAM);
    EXPECT_EQ(c.dwServiceFlags1, 0x0209u);
    len = sizeof(a) - 1;
    EXPECT_EQ(ErrorOf(getsockopt(t1, SOL_SOCKET, SO_PROTOCOL_INFO, reinterpret_cast<char*>(&a),
                                 &len)),
              WSAEFAULT);
    EXPECT_EQ(ErrorOf(setsockopt(t1, SOL_SOCKET, SO_PROTOCOL_INFO, reinterpret_cast<char*>(&c),
                                 sizeof(c))),
              WSAENOPROTOOPT);
    EXPECT_EQ(GetInt(t1, SOL_SOCKET, SO_INTERRUPT), FALSE);
    EXPECT_EQ(SetInt(t1, SOL_SOCKET, SO_INTERRUPT, TRUE), 0);
    EXPECT_EQ(GetInt(t1, SOL_SOCKET, SO_INTERRUPT), TRUE);
  });
  Run();
}

TEST_F(SocketOptions, SPI_OPT_18_OptionsWorkInEveryState) {
  auto check = [](SOCKET s, const char* state) {
    SCOPED_TRACE(state);
    EXPECT_EQ(SetInt(s, SOL_SOCKET, SO_KEEPALIVE, TRUE), 0);
    EXPECT_EQ(GetInt(s, SOL_SOCKET, SO_KEEPALIVE), TRUE);
    EXPECT_EQ(SetLinger(s, 1, 3), 0);
    EXPECT_EQ(GetLinger(s).l_linger, 3);
    EXPECT_EQ(SetLinger(s, 0, 0), 0);
    EXPECT_EQ(SetInt(s, SOL_SOCKET, SO_RCVBUF, 16384), 0);
    EXPECT_EQ(GetInt(s, SOL_SOCKET, SO_RCVBUF), 16384);
    EXPECT_EQ(SetInt(s, SOL_PROVIDER, TCP_NODELAY, TRUE), 0);
    EXPECT_EQ(GetInt(s, SOL_PROVIDER, TCP_NODELAY), TRUE);
    EXPECT_EQ(GetInt(s, SOL_SOCKET, SO_TYPE), SOCK_STREAM);
  };
  OnServer([&] {
    check(Tcp(), "unbound");
    SOCKET listener = Listener();
    check(listener, "listening");
    SOCKET a = Accepted(listener);
    check(a, "accepted");
    EXPECT_EQ(shutdown(a, SD_BOTH), 0);
    check(a, "shut down");
  });
  OnClient([&] {
    SOCKET s = Connected();
    check(s, "connected");
    Sleep(100);
  });
  Run();
}

}  // namespace
}  // namespace ws2sim::scenarios::testing
