// How errors travel (CHECKLIST section 18, SPI-ERR; S1 §2.6, §3.1, App. A, B.3): provider results
// through the tcpip provider's procedure table, and the API's last error.
#include <functional>
#include <utility>

#include "gtest/gtest.h"
#include "providers/tcpip/tcpip_provider.h"
// The harness last: it ends with the guest headers, whose macros rename socket, bind, ...
#include "tests/world/winsock_harness.h"

namespace ws2sim::scenarios::testing {
namespace {

constexpr SOCKET kNotASocket = 0x7ff0;

// A Winsock error code of SPEC 5.1: WSABASEERR-based (10000..11999) or one of the WSA_ aliases
// of Win32 codes.
bool IsWinsockError(int e) {
  return (e >= WSABASEERR && e < WSABASEERR + 2000) || e == WSA_IO_PENDING ||
         e == WSA_IO_INCOMPLETE || e == WSA_INVALID_HANDLE || e == WSA_INVALID_PARAMETER ||
         e == WSA_NOT_ENOUGH_MEMORY || e == WSA_OPERATION_ABORTED;
}

// Every socket-taking SPI entry of `table`, called on `s` with otherwise harmless arguments,
// WSPCloseSocket last: (name, returned value, *lpErrno).
std::vector<std::tuple<std::string, int64_t, int>> CallEverySlot(const WSPPROC_TABLE& t, SOCKET s) {
  std::vector<std::tuple<std::string, int64_t, int>> out;
  auto call = [&](const char* name, const std::function<int64_t(LPINT)>& fn) {
    int error = 0;
    const int64_t rc = fn(&error);
    out.emplace_back(name, rc, error);
  };
  char buffer[16];
  WSABUF wsabuf{sizeof(buffer), buffer};
  DWORD bytes = 0;
  INT flags = 0;
  sockaddr_in a = Address(kServerIp, kPort);
  int len = sizeof(a);
  u_long arg = 0;
  WSANETWORKEVENT events[8];
  INT count = 8;
  call("WSPAccept", [&](LPINT e) { return static_cast<int64_t>(t.lpWSPAccept(s, nullptr, nullptr, nullptr, 0, e)); });
  call("WSPBind", [&](LPINT e) { return t.lpWSPBind(s, Sa(a), sizeof(a), e); });
  call("WSPConnect", [&](LPINT e) {
    return t.lpWSPConnect(s, Sa(a), sizeof(a), nullptr, nullptr, 0, nullptr, nullptr, e);
  });
  call("WSPEnumNetworkEvents", [&](LPINT e) { return t.lpWSPEnumNetworkEvents(s, nullptr, events, &count, e); });
  call("WSPEventSelect", [&](LPINT e) { return t.lpWSPEventSelect(s, nullptr, 0, e); });
  call("WSPGetPeerName", [&](LPINT e) { return t.lpWSPGetPeerName(s, Sa(a), &len, e); });
  call("WSPGetSockName", [&](LPINT e) { return t.lpWSPGetSockName(s, Sa(a), &len, e); });
  call("WSPGetSockOpt", [&](LPINT e) {
    int v = 0, l = sizeof(v);
    return t.lpWSPGetSockOpt(s, SOL_SOCKET, SO_TYPE, reinterpret_cast<char*>(&v), &l, e);
  });
  call("WSPIoctl", [&](LPINT e) { return t.lpWSPIoctl(s, FIONREAD, &arg, e); });
  call("WSPListen", [&](LPINT e) { return t.lpWSPListen(s, 5, e); });
  call("WSPRecv", [&](LPINT e) { return t.lpWSPRecv(s, &wsabuf, 1, &bytes, &flags, nullptr, nullptr, e); });
  call("WSPRecvFrom", [&](LPINT e) {
    return t.lpWSPRecvFrom(s, &wsabuf, 1, &bytes, &flags, nullptr, nullptr, nullptr, nullptr, e);
  });
  call("WSPSend", [&](LPINT e) { return t.lpWSPSend(s, &wsabuf, 1, &bytes, 0, nullptr, nullptr, e); });
  call("WSPSendTo", [&](LPINT e) {
    return t.lpWSPSendTo(s, &wsabuf, 1, &bytes, 0, Sa(a), sizeof(a), nullptr, nullptr, e);
  });
  call("WSPSetSockOpt", [&](LPINT e) {
    int v = 1;
    return t.lpWSPSetSockOpt(s, SOL_SOCKET, SO_KEEPALIVE, reinterpret_cast<char*>(&v), sizeof(v), e);
  });
  call("WSPShutdown", [&](LPINT e) { return t.lpWSPShutdown(s, SD_BOTH, e); });
  call("WSPCloseSocket", [&](LPINT e) { return t.lpWSPCloseSocket(s, e); });
  return out;
}

class Errors : public WinsockTest {};

TEST_F(Errors, SPI_ERR_01_EverySlotFailsANonSocketWithSocketErrorAndAWinsockCode) {
  OnServer([] {
    SOCKET real = Tcp();  // for the provider's table
    SpiScope spi(real);
    ASSERT_TRUE(spi.ok());
    for (const auto& [name, rc, error] : CallEverySlot(*spi.operator->(), kNotASocket)) {
      if (name == "WSPAccept") {
        EXPECT_EQ(static_cast<SOCKET>(rc), INVALID_SOCKET) << name;
      } else {
        EXPECT_EQ(rc, SOCKET_ERROR) << name;  // never another negative value (SPI-ERR-02)
      }
      EXPECT_EQ(error, WSAENOTSOCK) << name;  // SPI-ERR-07
      EXPECT_TRUE(IsWinsockError(error)) << name << " " << error;  // SPI-ERR-01
    }
  });
  Run();
}

TEST_F(Errors, SPI_ERR_02_OnARealSocketResultsAreZeroOrSocketErrorWithAWinsockCode) {
  OnServer([] {
    SOCKET s = Tcp();
    SpiScope spi(s);
    ASSERT_TRUE(spi.ok());
    for (const auto& [name, rc, error] : CallEverySlot(*spi.operator->(), s)) {
      if (name == "WSPAccept") {
        EXPECT_EQ(static_cast<SOCKET>(rc), INVALID_SOCKET) << name;  // not listening
        EXPECT_TRUE(IsWinsockError(error)) << name << " " << error;
        continue;
      }
      EXPECT_TRUE(rc == 0 || rc == SOCKET_ERROR) << name << " returned " << rc;
      if (rc == SOCKET_ERROR) {
        EXPECT_TRUE(IsWinsockError(error)) << name << " " << error;
      }
    }
  });
  Run();
}

TEST_F(Errors, SPI_ERR_03_WSPStartupReturnsItsErrorDirectly) {
  OnServer([] {
    SOCKET s = Tcp();
    SpiScope on_the_machine(s);
    auto startup = reinterpret_cast<LPWSPSTARTUP>(providers::tcpip::TcpipProvider::StartupEntry());
    WSADATA data;
    WSPPROC_TABLE table;
    WSPUPCALLTABLE upcalls{};
    EXPECT_EQ(startup(MAKEWORD(1, 0), &data, nullptr, upcalls, &table), WSAVERNOTSUPPORTED);
    EXPECT_EQ(startup(MAKEWORD(2, 0), nullptr, nullptr, upcalls, &table), WSAEFAULT);
  });
  Run();
}

TEST_F(Errors, SPI_ERR_06_TheProvidersLpErrnoIsWhatWSAGetLastErrorReturns) {
  OnServer([] {
    SOCKET via_spi = Tcp(), via_api = Tcp();
    SpiScope spi(via_spi);
    char buffer[4];
    WSABUF wsabuf{sizeof(buffer), buffer};
    DWORD bytes = 0;
    INT flags = 0;
    int error = 0;
    EXPECT_EQ(spi->lpWSPRecv(via_spi, &wsabuf, 1, &bytes, &flags, nullptr, nullptr, &error),
              SOCKET_ERROR);
    EXPECT_EQ(recv(via_api, buffer, sizeof(buffer), 0), SOCKET_ERROR);
    EXPECT_EQ(WSAGetLastError(), error);
    EXPECT_EQ(error, WSAENOTCONN);
  });
  Run();
}

TEST_F(Errors, SPI_ERR_07_EverySocketApiFunctionRejectsANonSocket) {
  OnServer([] {
    const SOCKET s = kNotASocket;
    sockaddr_in a = Address(kServerIp, kPort);
    int len = sizeof(a);
    char buffer[4];
    u_long arg = 0;
    int v = 0, vlen = sizeof(v);
    WSANETWORKEVENTS events;
    fd_set set;
    FD_ZERO(&set);
    FD_SET(s, &set);
    const std::vector<std::pair<const char*, std::function<int()>>> calls = {
        {"bind", [&] { return bind(s, Sa(a), sizeof(a)); }},
        {"listen", [&] { return listen(s, 5); }},
        {"accept", [&] { return accept(s, nullptr, nullptr) == INVALID_SOCKET ? SOCKET_ERROR : 0; }},
        {"connect", [&] { return connect(s, Sa(a), sizeof(a)); }},
        {"send", [&] { return send(s, buffer, 1, 0); }},
        {"sendto", [&] { return sendto(s, buffer, 1, 0, Sa(a), sizeof(a)); }},
        {"recv", [&] { return recv(s, buffer, 1, 0); }},
        {"recvfrom", [&] { return recvfrom(s, buffer, 1, 0, nullptr, nullptr); }},
        {"shutdown", [&] { return shutdown(s, SD_BOTH); }},
        {"getsockname", [&] { return getsockname(s, Sa(a), &len); }},
        {"getpeername", [&] { return getpeername(s, Sa(a), &len); }},
        {"getsockopt", [&] { return getsockopt(s, SOL_SOCKET, SO_TYPE, reinterpret_cast<char*>(&v), &vlen); }},
        {"setsockopt", [&] { return setsockopt(s, SOL_SOCKET, SO_TYPE, reinterpret_cast<char*>(&v), vlen); }},
        {"ioctlsocket", [&] { return ioctlsocket(s, FIONREAD, &arg); }},
        {"select", [&] { return select(0, &set, nullptr, nullptr, ZeroTimeout()); }},
        {"WSAEventSelect", [&] { return WSAEventSelect(s, nullptr, 0); }},
        {"WSAEnumNetworkEvents", [&] { return WSAEnumNetworkEvents(s, nullptr, &events); }},
        {"closesocket", [&] { return closesocket(s); }},
    };
    for (const auto& [name, call] : calls) {
      WSASetLastError(0);
      EXPECT_EQ(call(), SOCKET_ERROR) << name;
      EXPECT_EQ(WSAGetLastError(), WSAENOTSOCK) << name;
    }
  });
  Run();
}

}  // namespace
}  // namespace ws2sim::scenarios::testing
