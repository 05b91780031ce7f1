// Behaviour of ws2sim's guest headers as a C++20 guest sees them.
//
// Include order is the point of this file. <functional> comes first, as in a guest that includes
// it (or <algorithm>) before winsock2.h: std::bind must survive winsock2.h's `bind` macro. Then
// the Winsock headers, and only then the system headers a guest typically adds, including the
// glibc ones that declare fd_set, timeval, select() and friends: they must be no-ops by now, and
// every Winsock name must still mean ws2sim's type or function.
#include <functional>

#include <winsock2.h>
#include <ws2tcpip.h>
#include <ws2spi.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/time.h>
#include <netdb.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <iterator>
#include <type_traits>
#include <vector>

#include <gtest/gtest.h>

// headers_c_test.c: the same macros and layouts compiled as C11.
extern "C" {
void headers_c_fill_fd_set(fd_set *set, SOCKET first, u_int count);
void headers_c_fd_clr(fd_set *set, SOCKET s);
int headers_c_fd_isset(fd_set *set, SOCKET s);
LONG headers_c_make_select_reply(WORD event, WORD error);
size_t headers_c_sizeof_fd_set(void);
size_t headers_c_sizeof_wsadata(void);
size_t headers_c_sizeof_wsaprotocol_infow(void);
size_t headers_c_sizeof_wspproc_table(void);
size_t headers_c_sizeof_wspupcalltable(void);
}

// Test-local stand-ins for functions ws2sim's DLL model implements. They record their calls so a
// test can prove that a guest's call reached ws2sim's symbol and not libc's.
namespace {
struct FdIsSetCall {
  SOCKET s = 0;
  fd_set *set = nullptr;
};
std::vector<FdIsSetCall> fd_isset_calls;
int htons_calls = 0;
struct SelectCall {
  int nfds = 0;
  fd_set *readfds = nullptr;
  const struct timeval *timeout = nullptr;
};
std::vector<SelectCall> select_calls;
}  // namespace

extern "C" int WSAAPI __WSAFDIsSet(SOCKET s, fd_set FAR *set) {
  fd_isset_calls.push_back({s, set});
  for (u_int i = 0; i < set->fd_count; ++i) {
    if (set->fd_array[i] == s) return 1;
  }
  return 0;
}

extern "C" u_short WSAAPI ws2sim_htons(u_short hostshort) {
  ++htons_calls;
  return static_cast<u_short>((hostshort << 8) | (hostshort >> 8));
}

extern "C" int WSAAPI ws2sim_select(int nfds, fd_set FAR *readfds, fd_set FAR *, fd_set FAR *,
                                    const struct timeval FAR *timeout) {
  select_calls.push_back({nfds, readfds, timeout});
  return 7;
}

namespace {

#define WS2SIM_STR_(x) #x
#define WS2SIM_EXPANDED(x) WS2SIM_STR_(x)

std::vector<SOCKET> Members(const fd_set &set) {
  return std::vector<SOCKET>(set.fd_array, set.fd_array + set.fd_count);
}

// ---- fd_set: the seed's array layout and macros (S1 App. A.2, SPEC 5.3) ----

TEST(FdSetLayout, IsTheSeedsCountedArrayNotGlibcsBitmask) {
  static_assert(std::is_same_v<fd_set, ws2sim_fd_set>);
  static_assert(FD_SETSIZE == 64);
  static_assert(offsetof(fd_set, fd_count) == 0);
  static_assert(offsetof(fd_set, fd_array) == 4);
  static_assert(sizeof(fd_set) == 4 + 4 * FD_SETSIZE);
  static_assert(std::is_same_v<decltype(fd_set::fd_count), u_int>);
  static_assert(std::is_same_v<std::remove_extent_t<decltype(fd_set::fd_array)>, SOCKET>);
}

TEST(FdSetMacros, SPI_SELECT_10_FdSetAppendsInOrderAndIgnoresAdditionsBeyondFdSetsize) {
  fd_set set;
  FD_ZERO(&set);
  std::vector<SOCKET> added;
  for (SOCKET s = 0x100; s < 0x100 + 4 * (FD_SETSIZE + 6); s += 4) {
    FD_SET(s, &set);
    if (added.size() < FD_SETSIZE) added.push_back(s);
  }
  EXPECT_EQ(set.fd_count, static_cast<u_int>(FD_SETSIZE));
  EXPECT_EQ(Members(set), added);
}

TEST(FdSetMacros, FdSetDoesNotCheckForDuplicatesAsInTheSeed) {
  fd_set set;
  FD_ZERO(&set);
  FD_SET(0x104, &set);
  FD_SET(0x104, &set);
  EXPECT_EQ(Members(set), (std::vector<SOCKET>{0x104, 0x104}));
}

TEST(FdSetMacros, SPI_SELECT_10_FdClrRemovesTheFirstMatchAndShiftsTheTailDown) {
  fd_set set;
  FD_ZERO(&set);
  for (SOCKET s : {0x100u, 0x104u, 0x108u, 0x104u, 0x10cu}) FD_SET(s, &set);
  FD_CLR(0x104, &set);
  EXPECT_EQ(Members(set), (std::vector<SOCKET>{0x100, 0x108, 0x104, 0x10c}));
  FD_CLR(0x10c, &set);  // the last element
  EXPECT_EQ(Members(set), (std::vector<SOCKET>{0x100, 0x108, 0x104}));
  FD_CLR(0x200, &set);  // not a member: unchanged
  EXPECT_EQ(Members(set), (std::vector<SOCKET>{0x100, 0x108, 0x104}));
}

TEST(FdSetMacros, FdZeroEmptiesTheSet) {
  fd_set set;
  FD_ZERO(&set);
  FD_SET(0x100, &set);
  FD_SET(0x104, &set);
  FD_ZERO(&set);
  EXPECT_EQ(set.fd_count, 0u);
}

// FD_ISSET is a call to __WSAFDIsSet with the socket and the set.
TEST(FdSetMacros, SPI_SELECT_10_FdIssetAsksWSAFDIsSetWithTheSocketAndTheSet) {
  fd_set set;
  FD_ZERO(&set);
  FD_SET(0x108, &set);
  fd_isset_calls.clear();
  EXPECT_TRUE(FD_ISSET(0x108, &set));
  EXPECT_FALSE(FD_ISSET(0x10c, &set));
  ASSERT_EQ(fd_isset_calls.size(), 2u);
  EXPECT_EQ(fd_isset_calls[0].s, 0x108u);
  EXPECT_EQ(fd_isset_calls[0].set, &set);
  EXPECT_EQ(fd_isset_calls[1].s, 0x10cu);
}

// ---- The glibc collision: names are redirected to ws2sim's ----

TEST(Redirection, EveryCollidingNameExpandsToItsWs2simName) {
  const std::vector<std::pair<std::string, std::string>> expansions = {
      {WS2SIM_EXPANDED(u_long), "ws2sim_u_long"},
      {WS2SIM_EXPANDED(fd_set), "ws2sim_fd_set"},
      {WS2SIM_EXPANDED(timeval), "ws2sim_timeval"},
      {WS2SIM_EXPANDED(sockaddr), "ws2sim_sockaddr"},
      {WS2SIM_EXPANDED(sockaddr_in), "ws2sim_sockaddr_in"},
      {WS2SIM_EXPANDED(in_addr), "ws2sim_in_addr"},
      {WS2SIM_EXPANDED(linger), "ws2sim_linger"},
      {WS2SIM_EXPANDED(hostent), "ws2sim_hostent"},
      {WS2SIM_EXPANDED(netent), "ws2sim_netent"},
      {WS2SIM_EXPANDED(servent), "ws2sim_servent"},
      {WS2SIM_EXPANDED(protoent), "ws2sim_protoent"},
      {WS2SIM_EXPANDED(in6_addr), "ws2sim_in6_addr"},
      {WS2SIM_EXPANDED(sockaddr_in6), "ws2sim_sockaddr_in6"},
      {WS2SIM_EXPANDED(sockaddr_storage), "ws2sim_sockaddr_storage"},
      {WS2SIM_EXPANDED(addrinfo), "ws2sim_addrinfo"},
      {WS2SIM_EXPANDED(socklen_t), "ws2sim_socklen_t"},
      {WS2SIM_EXPANDED(ip_mreq), "ws2sim_ip_mreq"},
      {WS2SIM_EXPANDED(ipv6_mreq), "ws2sim_ipv6_mreq"},
      {WS2SIM_EXPANDED(accept), "ws2sim_accept"},
      {WS2SIM_EXPANDED(bind), "ws2sim_bind"},
      {WS2SIM_EXPANDED(connect), "ws2sim_connect"},
      {WS2SIM_EXPANDED(getpeername), "ws2sim_getpeername"},
      {WS2SIM_EXPANDED(getsockname), "ws2sim_getsockname"},
      {WS2SIM_EXPANDED(getsockopt), "ws2sim_getsockopt"},
      {WS2SIM_EXPANDED(htonl), "ws2sim_htonl"},
      {WS2SIM_EXPANDED(htons), "ws2sim_htons"},
      {WS2SIM_EXPANDED(inet_addr), "ws2sim_inet_addr"},
      {WS2SIM_EXPANDED(inet_ntoa), "ws2sim_inet_ntoa"},
      {WS2SIM_EXPANDED(listen), "ws2sim_listen"},
      {WS2SIM_EXPANDED(ntohl), "ws2sim_ntohl"},
      {WS2SIM_EXPANDED(ntohs), "ws2sim_ntohs"},
      {WS2SIM_EXPANDED(recv), "ws2sim_recv"},
      {WS2SIM_EXPANDED(recvfrom), "ws2sim_recvfrom"},
      {WS2SIM_EXPANDED(select), "ws2sim_select"},
      {WS2SIM_EXPANDED(send), "ws2sim_send"},
      {WS2SIM_EXPANDED(sendto), "ws2sim_sendto"},
      {WS2SIM_EXPANDED(setsockopt), "ws2sim_setsockopt"},
      {WS2SIM_EXPANDED(shutdown), "ws2sim_shutdown"},
      {WS2SIM_EXPANDED(socket), "ws2sim_socket"},
      {WS2SIM_EXPANDED(gethostbyaddr), "ws2sim_gethostbyaddr"},
      {WS2SIM_EXPANDED(gethostbyname), "ws2sim_gethostbyname"},
      {WS2SIM_EXPANDED(gethostname), "ws2sim_gethostname"},
      {WS2SIM_EXPANDED(getprotobyname), "ws2sim_getprotobyname"},
      {WS2SIM_EXPANDED(getprotobynumber), "ws2sim_getprotobynumber"},
      {WS2SIM_EXPANDED(getservbyname), "ws2sim_getservbyname"},
      {WS2SIM_EXPANDED(getservbyport), "ws2sim_getservbyport"},
      {WS2SIM_EXPANDED(getaddrinfo), "ws2sim_getaddrinfo"},
      {WS2SIM_EXPANDED(freeaddrinfo), "ws2sim_freeaddrinfo"},
      {WS2SIM_EXPANDED(getnameinfo), "ws2sim_getnameinfo"},
      {WS2SIM_EXPANDED(gai_strerror), "ws2sim_gai_strerror"},
      {WS2SIM_EXPANDED(inet_pton), "ws2sim_inet_pton"},
      {WS2SIM_EXPANDED(inet_ntop), "ws2sim_inet_ntop"},
      {WS2SIM_EXPANDED(in6addr_any), "ws2sim_in6addr_any"},
      {WS2SIM_EXPANDED(in6addr_loopback), "ws2sim_in6addr_loopback"},
  };
  for (const auto &[expanded, wanted] : expansions) EXPECT_EQ(expanded, wanted);
  // Names that collide with nothing keep their own.
  EXPECT_STREQ(WS2SIM_EXPANDED(closesocket), "closesocket");
  EXPECT_STREQ(WS2SIM_EXPANDED(ioctlsocket), "ioctlsocket");
  EXPECT_STREQ(WS2SIM_EXPANDED(WSAStartup), "WSAStartup");
}

TEST(Redirection, FunctionsHaveWinsockSignaturesNotLibcOnes) {
  static_assert(std::is_same_v<decltype(&socket), SOCKET (*)(int, int, int)>);
  static_assert(std::is_same_v<decltype(&socket), decltype(&ws2sim_socket)>);
  static_assert(std::is_same_v<decltype(&accept), SOCKET (*)(SOCKET, sockaddr *, int *)>);
  static_assert(std::is_same_v<decltype(&bind), int (*)(SOCKET, const sockaddr *, int)>);
  static_assert(std::is_same_v<decltype(&recv), int (*)(SOCKET, char *, int, int)>);
  static_assert(
      std::is_same_v<decltype(&select), int (*)(int, ws2sim_fd_set *, ws2sim_fd_set *,
                                                ws2sim_fd_set *, const ws2sim_timeval *)>);
  static_assert(std::is_same_v<decltype(&htonl), uint32_t (*)(uint32_t)>);
  static_assert(std::is_same_v<decltype(&gethostname), int (*)(char *, int)>);
  static_assert(std::is_same_v<decltype(&inet_pton), INT (*)(INT, PCSTR, PVOID)>);
  static_assert(std::is_same_v<decltype(&getnameinfo), INT (*)(const SOCKADDR *, int, PCHAR, DWORD,
                                                               PCHAR, DWORD, INT)>);
  SUCCEED();
}

TEST(Redirection, GuestCallsReachWs2simsSymbolsNotLibcs) {
  htons_calls = 0;
  EXPECT_EQ(htons(0x1234), 0x3412);
  EXPECT_EQ(htons_calls, 1);  // glibc's htons would not have counted

  fd_set readfds;
  FD_ZERO(&readfds);
  FD_SET(0x100, &readfds);
  struct timeval timeout = {2, 500000};
  select_calls.clear();
  EXPECT_EQ(select(0, &readfds, nullptr, nullptr, &timeout), 7);
  ASSERT_EQ(select_calls.size(), 1u);
  EXPECT_EQ(select_calls[0].readfds, &readfds);
  EXPECT_EQ(select_calls[0].timeout, &timeout);
  EXPECT_EQ(select_calls[0].timeout->tv_sec, 2);
  EXPECT_EQ(select_calls[0].timeout->tv_usec, 500000);
}

TEST(Redirection, TypesKeepWindowsLayoutsAfterGlibcHeadersAreIncludedAgain) {
  static_assert(sizeof(struct timeval) == 8);  // glibc's is 16
  static_assert(sizeof(u_long) == 4);          // glibc's is 8
  static_assert(sizeof(struct in_addr) == 4);
  static_assert(sizeof(struct sockaddr_in) == 16);
  static_assert(std::is_same_v<decltype(hostent::h_addrtype), short>);  // glibc: int
  static_assert(std::is_same_v<socklen_t, int>);                        // glibc: unsigned
  static_assert(offsetof(struct addrinfo, ai_canonname) < offsetof(struct addrinfo, ai_addr));

  struct sockaddr_in sin;
  std::memset(&sin, 0, sizeof sin);
  sin.sin_addr.s_addr = 0x0100007f;  // s_addr is the seed's S_un.S_addr
  EXPECT_EQ(sin.sin_addr.S_un.S_un_b.s_b1, 0x7f);
  EXPECT_EQ(sin.sin_addr.s_net, 0x7f);
  EXPECT_EQ(sin.sin_addr.s_impno, 0x01);
}

TEST(Redirection, StdBindStillBindsWhenFunctionalCameFirst) {
  auto add = [](int a, int b) { return a + b; };
  auto add40 = std::bind(add, std::placeholders::_1, 40);
  EXPECT_EQ(add40(2), 42);
  auto as_long = std::bind<long>(add, 1, std::placeholders::_1);
  static_assert(std::is_same_v<decltype(as_long(1)), long>);
  EXPECT_EQ(as_long(2), 3L);
}

TEST(Redirection, GlibcOnlySocketMacrosPortableCodeProbesAreGone) {
#if defined(MSG_NOSIGNAL) || defined(MSG_DONTWAIT) || defined(MSG_WAITALL)
  ADD_FAILURE() << "a Linux-only MSG_ flag is visible";
#endif
#if defined(SOCK_NONBLOCK) || defined(SOCK_CLOEXEC) || defined(SO_REUSEPORT)
  ADD_FAILURE() << "a Linux-only socket macro is visible";
#endif
#if defined(EAI_SYSTEM) || defined(AI_IDN)
  ADD_FAILURE() << "a glibc-only getaddrinfo name is visible";
#endif
  SUCCEED();
}

// The Berkeley names still carry the Winsock codes after <cerrno> and <iostream> came in.
TEST(ErrorCodes, SPI_ERR_05_CodesAreWsabaseerrPlusTheBerkeleyErrnoUnderBothNames) {
  EXPECT_EQ(WSAEWOULDBLOCK, 10035);
  EXPECT_EQ(WSAECONNRESET, WSABASEERR + 54);
  EXPECT_EQ(WSATRY_AGAIN, 11002);
  EXPECT_EQ(EWOULDBLOCK, WSAEWOULDBLOCK);
  EXPECT_EQ(EINPROGRESS, 10036);
  EXPECT_EQ(ECONNREFUSED, 10061);
  EXPECT_EQ(EREMOTE, 10071);
  // h_errno reads the thread's Winsock error, not glibc's resolver error.
  EXPECT_STREQ(WS2SIM_EXPANDED(h_errno), "WSAGetLastError()");
  EXPECT_EQ(HOST_NOT_FOUND, WSAHOST_NOT_FOUND);
}

// ---- Messages and word macros ----

TEST(SelectMessages, WSAGetSelectEventAndErrorSplitWhatWSAMakeSelectReplyJoins) {
  LPARAM lParam = WSAMAKESELECTREPLY(FD_CLOSE, WSAECONNRESET);
  EXPECT_EQ(WSAGETSELECTEVENT(lParam), FD_CLOSE);
  EXPECT_EQ(WSAGETSELECTERROR(lParam), WSAECONNRESET);
  lParam = WSAMAKESELECTREPLY(FD_READ, 0);
  EXPECT_EQ(WSAGETSELECTEVENT(lParam), FD_READ);
  EXPECT_EQ(WSAGETSELECTERROR(lParam), 0);
  LPARAM async = WSAMAKEASYNCREPLY(MAXGETHOSTSTRUCT, WSAHOST_NOT_FOUND);
  EXPECT_EQ(WSAGETASYNCBUFLEN(async), MAXGETHOSTSTRUCT);
  EXPECT_EQ(WSAGETASYNCERROR(async), WSAHOST_NOT_FOUND);
}

// The low byte is the major version.
TEST(WindowsMacros, SPI_START_14_MakeWordPutsTheMajorVersionInTheLowByte) {
  static_assert(std::is_same_v<decltype(MAKEWORD(2, 2)), WORD>);
  EXPECT_EQ(MAKEWORD(2, 2), 0x0202);
  EXPECT_EQ(MAKEWORD(1, 1), 0x0101);
  EXPECT_EQ(MAKEWORD(2, 0), 0x0002);
  WORD version = MAKEWORD(1, 2);
  EXPECT_EQ(LOBYTE(version), 1);
  EXPECT_EQ(HIBYTE(version), 2);
  EXPECT_EQ(MAKEWORD(0x1ff, 0x2fe), 0xfeff);  // each half truncated to a byte
  LONG packed = MAKELONG(0x1234, 0xabcd);
  EXPECT_EQ(LOWORD(packed), 0x1234);
  EXPECT_EQ(HIWORD(packed), 0xabcd);
}

TEST(Timeval, TimerMacrosFollowTheSeed) {
  struct timeval a = {1, 500}, b = {1, 700}, c = {2, 0};
  EXPECT_TRUE(timercmp(&a, &b, <));
  EXPECT_TRUE(timercmp(&b, &c, <));
  EXPECT_FALSE(timercmp(&c, &a, <));
  EXPECT_TRUE(timercmp(&c, &a, >));
  EXPECT_TRUE(timerisset(&a));
  timerclear(&a);
  EXPECT_FALSE(timerisset(&a));
  EXPECT_EQ(a.tv_sec, 0);
  EXPECT_EQ(a.tv_usec, 0);
}

// <sys/ioctl.h> came after winsock2.h and did not bring Linux's codes back.
TEST(Ioctl, SPI_IOCTL_08_CommandCodesKeepTheSeedsEncodingAfterSysIoctl) {
  EXPECT_EQ(static_cast<uint32_t>(FIONREAD), 0x4004667Fu);
  EXPECT_EQ(static_cast<uint32_t>(FIONBIO), 0x8004667Eu);
  EXPECT_EQ(static_cast<uint32_t>(FIOASYNC), 0x8004667Du);
  EXPECT_EQ(static_cast<uint32_t>(SIOCATMARK), 0x40047307u);
  static_assert(sizeof(u_long) == 4);  // the size the codes embed
}

// ---- SPI tables ----

// 30 slots in S4's order (GetSockName, GetSockOpt, then GetQOSByName).
TEST(SpiTables, SPI_SAN_01_WspProcTableHasThirtyPointerSlotsInS4Order) {
  struct Slot {
    const char *name;
    size_t offset;
  };
#define WS2SIM_SLOT(member) Slot{#member, offsetof(WSPPROC_TABLE, member)}
  const Slot slots[] = {
      WS2SIM_SLOT(lpWSPAccept),           WS2SIM_SLOT(lpWSPAddressToString),
      WS2SIM_SLOT(lpWSPAsyncSelect),      WS2SIM_SLOT(lpWSPBind),
      WS2SIM_SLOT(lpWSPCancelBlockingCall), WS2SIM_SLOT(lpWSPCleanup),
      WS2SIM_SLOT(lpWSPCloseSocket),      WS2SIM_SLOT(lpWSPConnect),
      WS2SIM_SLOT(lpWSPDuplicateSocket),  WS2SIM_SLOT(lpWSPEnumNetworkEvents),
      WS2SIM_SLOT(lpWSPEventSelect),      WS2SIM_SLOT(lpWSPGetOverlappedResult),
      WS2SIM_SLOT(lpWSPGetPeerName),      WS2SIM_SLOT(lpWSPGetSockName),
      WS2SIM_SLOT(lpWSPGetSockOpt),       WS2SIM_SLOT(lpWSPGetQOSByName),
      WS2SIM_SLOT(lpWSPIoctl),            WS2SIM_SLOT(lpWSPJoinLeaf),
      WS2SIM_SLOT(lpWSPListen),           WS2SIM_SLOT(lpWSPRecv),
      WS2SIM_SLOT(lpWSPRecvDisconnect),   WS2SIM_SLOT(lpWSPRecvFrom),
      WS2SIM_SLOT(lpWSPSelect),           WS2SIM_SLOT(lpWSPSend),
      WS2SIM_SLOT(lpWSPSendDisconnect),   WS2SIM_SLOT(lpWSPSendTo),
      WS2SIM_SLOT(lpWSPSetSockOpt),       WS2SIM_SLOT(lpWSPShutdown),
      WS2SIM_SLOT(lpWSPSocket),           WS2SIM_SLOT(lpWSPStringToAddress),
  };
#undef WS2SIM_SLOT
  ASSERT_EQ(std::size(slots), 30u);
  for (size_t i = 0; i < std::size(slots); ++i) {
    EXPECT_EQ(slots[i].offset, i * sizeof(void *)) << "slot " << i + 1 << " " << slots[i].name;
  }
  EXPECT_EQ(sizeof(WSPPROC_TABLE), 30 * sizeof(void *));
  static_assert(std::is_pointer_v<decltype(WSPPROC_TABLE::lpWSPAccept)>);
}

TEST(SpiTables, SlotTypesFollowSpecDecisions) {
  // D-33: WSPConnect keeps S1's GROUP argument; D-70: WSPSocket takes the catalog entry.
  static_assert(std::is_same_v<LPWSPCONNECT,
                               int (*)(SOCKET, const sockaddr *, int, LPWSABUF, LPWSABUF, GROUP,
                                       LPQOS, LPQOS, LPINT)>);
  static_assert(std::is_same_v<LPWSPSOCKET,
                               SOCKET (*)(int, int, int, LPWSAPROTOCOL_INFOW, int, LPINT)>);
  // D-45: an array of WSANETWORKEVENT and its count; D-13: synchronous cleanup.
  static_assert(std::is_same_v<LPWSPENUMNETWORKEVENTS,
                               int (*)(SOCKET, WSAEVENT, LPWSANETWORKEVENT, LPINT, LPINT)>);
  static_assert(std::is_same_v<LPWSPCLEANUP, int (*)(LPINT)>);
  // D-11: WSPStartup returns the error code and fills WSADATA and the table.
  static_assert(std::is_same_v<LPWSPSTARTUP, decltype(&WSPStartup)>);
  static_assert(std::is_same_v<decltype(WSPStartup(0, nullptr, nullptr, WSPUPCALLTABLE{}, nullptr)),
                               int>);
  SUCCEED();
}

TEST(SpiTables, UpcallTableHasTheLaterFifteenThenTheSimulatorsSetContext) {
  EXPECT_EQ(offsetof(WSPUPCALLTABLE, lpWPUCloseEvent), 0u);
  EXPECT_EQ(offsetof(WSPUPCALLTABLE, lpWPUFDIsSet), 4 * sizeof(void *));
  EXPECT_EQ(offsetof(WSPUPCALLTABLE, lpWPUCloseThread), 14 * sizeof(void *));
  EXPECT_EQ(offsetof(WSPUPCALLTABLE, lpWPUSetSocketHandleContext), 15 * sizeof(void *));
  EXPECT_EQ(sizeof(WSPUPCALLTABLE), 16 * sizeof(void *));
  // WPUFDIsSet has __WSAFDIsSet's type, so the DLL can hand out that function.
  static_assert(std::is_same_v<LPWPUFDISSET, decltype(&__WSAFDIsSet)>);
}

// ---- C and C++ see the same ABI ----

TEST(CrossLanguage, CCompiledFdSetMacrosAndLayoutsMatchCxx) {
  fd_set set;
  headers_c_fill_fd_set(&set, 0x100, 3);
  EXPECT_EQ(Members(set), (std::vector<SOCKET>{0x100, 0x104, 0x108}));
  headers_c_fd_clr(&set, 0x104);
  EXPECT_EQ(Members(set), (std::vector<SOCKET>{0x100, 0x108}));
  fd_isset_calls.clear();
  EXPECT_EQ(headers_c_fd_isset(&set, 0x108), 1);
  EXPECT_EQ(headers_c_fd_isset(&set, 0x104), 0);
  EXPECT_EQ(fd_isset_calls.size(), 2u);
  EXPECT_EQ(headers_c_make_select_reply(FD_CONNECT, WSAECONNREFUSED),
            WSAMAKESELECTREPLY(FD_CONNECT, WSAECONNREFUSED));

  EXPECT_EQ(headers_c_sizeof_fd_set(), sizeof(fd_set));
  EXPECT_EQ(headers_c_sizeof_wsadata(), sizeof(WSADATA));
  EXPECT_EQ(headers_c_sizeof_wsaprotocol_infow(), sizeof(WSAPROTOCOL_INFOW));
  EXPECT_EQ(headers_c_sizeof_wspproc_table(), sizeof(WSPPROC_TABLE));
  EXPECT_EQ(headers_c_sizeof_wspupcalltable(), sizeof(WSPUPCALLTABLE));
}

}  // namespace
