// Conditional acceptance and the other WSA socket functions through the Winsock API and the
// tcpip provider: WSAAccept with a condition function (CHECKLIST SPI-ACCEPT-05..16, 22, 23;
// SPEC 2.6, D-32, D-37, D-38, D-48), WSAConnect's caller / callee data (SPI-CONN-07, 08),
// WSADuplicateSocket (D-69), WSASendDisconnect / WSARecvDisconnect, WSAIoctl (D-60), the address
// strings, and the bundled select() echo server (scenarios/examples/select_echo.textproto).
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "scenarios/scenario_loader.h"
#include "scenarios/scenario_run.h"
// The harness last: it ends with the guest headers, whose macros rename socket, bind, ...
#include "tests/world/winsock_harness.h"

namespace ws2sim::scenarios::testing {
namespace {

using sim::Duration;

// --- Helpers -------------------------------------------------------------------------------------

// What a test's condition function answers and what it saw, one entry per call.
struct Conditions {
  std::vector<int> answers;  // returned in order; the last one repeats
  GROUP group = 0;           // written to *g
  std::function<void()> inside;  // runs inside the condition function
  // Seen:
  int calls = 0;
  std::vector<u_short> caller_ports;
  std::vector<std::string> caller_ips, callee_ids;
  std::vector<int> caller_data_lengths, callee_data_lengths;
};

std::string Text(const sockaddr_in& a) {
  return std::string(inet_ntoa(a.sin_addr)) + ":" + std::to_string(ntohs(a.sin_port));
}

int WSACALLBACK Condition(LPWSABUF caller_id, LPWSABUF caller_data, LPWSABUF callee_id,
                          LPWSABUF callee_data, GROUP FAR* g, DWORD_PTR data) {
  auto* c = reinterpret_cast<Conditions*>(data);
  sockaddr_in caller, callee;
  std::memcpy(&caller, caller_id->buf, sizeof(caller));
  std::memcpy(&callee, callee_id->buf, sizeof(callee));
  EXPECT_EQ(caller_id->len, static_cast<int>(sizeof(sockaddr_in)));
  c->caller_ports.push_back(ntohs(caller.sin_port));
  c->caller_ips.push_back(inet_ntoa(caller.sin_addr));
  c->callee_ids.push_back(Text(callee));
  c->caller_data_lengths.push_back(caller_data == nullptr ? -1 : caller_data->len);
  c->callee_data_lengths.push_back(callee_data == nullptr ? -1 : callee_data->len);
  *g = c->group;
  if (c->inside) c->inside();
  const size_t i = std::min<size_t>(static_cast<size_t>(c->calls), c->answers.size() - 1);
  ++c->calls;
  return c->answers[i];
}

SOCKET Accept(SOCKET listener, Conditions* c, sockaddr_in* peer = nullptr) {
  int len = sizeof(sockaddr_in);
  return WSAAccept(listener, peer == nullptr ? nullptr : Sa(*peer),
                   peer == nullptr ? nullptr : &len, &Condition, reinterpret_cast<DWORD_PTR>(c));
}

u_short LocalPort(SOCKET s) {
  sockaddr_in name;
  int len = sizeof(name);
  getsockname(s, Sa(name), &len);
  return ntohs(name.sin_port);
}

// Registers FD_ACCEPT event select on `listener` through the provider (WSPEventSelect).
void SelectAccept(SOCKET listener) {
  HANDLE event = CreateEventA(nullptr, TRUE, FALSE, nullptr);
  int error = 0;
  SpiScope spi(listener);
  ASSERT_TRUE(spi.ok());
  ASSERT_EQ(spi->lpWSPEventSelect(listener, reinterpret_cast<WSAEVENT>(event), FD_ACCEPT, &error),
            0);
}

// Whether FD_ACCEPT was recorded since the last look (WSPEnumNetworkEvents clears the record).
bool AcceptRecorded(SOCKET listener) {
  WSANETWORKEVENT events[FD_MAX_EVENTS] = {};
  int count = FD_MAX_EVENTS, error = 0;
  SpiScope spi(listener);
  EXPECT_EQ(spi->lpWSPEnumNetworkEvents(listener, nullptr, events, &count, &error), 0);
  return count > FD_ACCEPT_BIT && events[FD_ACCEPT_BIT].Fired;
}

// The error of one recv on `s` (kOk when it received bytes or the end of the stream).
int RecvError(SOCKET s) {
  int rc = 0;
  RecvText(s, 10, 0, &rc);
  return ErrorOf(rc);
}

// A listener with FD_ACCEPT event select whose first request was signalled and then deferred.
SOCKET DeferredListener(Conditions* c) {
  SOCKET listener = Listener();
  SelectAccept(listener);
  Sleep(100);
  EXPECT_TRUE(AcceptRecorded(listener));
  EXPECT_EQ(ErrorOf(Accept(listener, c)), WSATRY_AGAIN);
  return listener;
}

class ConditionalAccept : public WinsockTest {};
class WsaConnect : public WinsockTest {};
class WsaSockets : public WinsockTest {};

// --- SPI-ACCEPT ----------------------------------------------------------------------------------

TEST_F(ConditionalAccept, SPI_ACCEPT_05_AcceptedSocketHasTheListenersTypeAndOptions) {
  Conditions c{.answers = {CF_ACCEPT}};
  OnServer([&] {
    SOCKET listener = Tcp();
    Bind(listener, kServerIp, kPort);
    EXPECT_EQ(SetInt(listener, SOL_SOCKET, SO_KEEPALIVE, TRUE), 0);
    EXPECT_EQ(SetInt(listener, SOL_SOCKET, SO_OOBINLINE, TRUE), 0);
    EXPECT_EQ(SetLinger(listener, 1, 7), 0);
    EXPECT_EQ(listen(listener, 5), 0);
    SOCKET a = Accept(listener, &c);
    ASSERT_NE(a, INVALID_SOCKET) << WSAGetLastError();
    EXPECT_EQ(GetInt(a, SOL_SOCKET, SO_TYPE), SOCK_STREAM);
    EXPECT_EQ(GetInt(a, SOL_SOCKET, SO_KEEPALIVE), TRUE);
    EXPECT_EQ(GetInt(a, SOL_SOCKET, SO_OOBINLINE), TRUE);
    EXPECT_EQ(GetInt(a, SOL_SOCKET, SO_DONTLINGER), FALSE);
    EXPECT_EQ(GetInt(a, SOL_SOCKET, SO_ACCEPTCONN), FALSE);
    EXPECT_EQ(GetInt(a, SOL_SOCKET, SO_GROUP_ID), 0);  // *g left 0: no group
    EXPECT_EQ(RecvText(a, 10), "hi");
  });
  OnClient([this] {
    EXPECT_EQ(SendText(Connected(), "hi"), 2);
    AwaitServers();  // the connection lives until the server has read
  });
  Run();
  EXPECT_EQ(c.calls, 1);
}

TEST_F(ConditionalAccept, SPI_ACCEPT_06_RejectRefusesTheRequestAndResetsTheInitiator) {
  // TCP acknowledges a request before it is queued (S1 §3.1.7), so the initiator's connect has
  // completed by the time the condition function rejects it: it sees the reset on its next call.
  Conditions c{.answers = {CF_REJECT}};
  OnServer([&] {
    SOCKET listener = Listener();
    EXPECT_EQ(ErrorOf(Accept(listener, &c)), WSAECONNREFUSED);
    EXPECT_EQ(SetNonBlocking(listener, true), 0);
    EXPECT_EQ(ErrorOf(accept(listener, nullptr, nullptr)), WSAEWOULDBLOCK);  // it is gone
  });
  OnClient([] {
    SOCKET s = Connected();
    EXPECT_EQ(RecvError(s), WSAECONNRESET);
  });
  Run();
}

TEST_F(ConditionalAccept, SPI_ACCEPT_07_DeferFailsTryAgainKeepsTheRequestWithoutFdAccept) {
  Conditions c{.answers = {CF_DEFER, CF_ACCEPT}};
  OnServer([&] {
    SOCKET listener = DeferredListener(&c);
    Sleep(100);
    EXPECT_FALSE(AcceptRecorded(listener));  // still pending, but FD_ACCEPT was not re-enabled
    SOCKET a = Accept(listener, &c);  // the same request, still queued
    ASSERT_NE(a, INVALID_SOCKET) << WSAGetLastError();
    EXPECT_EQ(RecvText(a, 10), "x");
  });
  OnClient([this] {
    EXPECT_EQ(SendText(Connected(), "x"), 1);
    AwaitServers();
  });
  Run();
  EXPECT_EQ(c.calls, 2);
}

TEST_F(ConditionalAccept, SPI_ACCEPT_08_TheCallAfterDeferPresentsTheSameRequest) {
  Conditions c{.answers = {CF_DEFER, CF_ACCEPT}};
  u_short first = 0, second = 0, accepted = 0;
  OnServer([&] {
    SOCKET listener = Listener();
    Sleep(200);  // both requests are queued
    EXPECT_EQ(ErrorOf(Accept(listener, &c)), WSATRY_AGAIN);
    sockaddr_in peer;
    SOCKET a = Accept(listener, &c, &peer);
    ASSERT_NE(a, INVALID_SOCKET) << WSAGetLastError();
    accepted = ntohs(peer.sin_port);
  });
  OnClient([&] {
    first = LocalPort(Connected());
    second = LocalPort(Connected());
    AwaitServers();  // both requests stay until the server has decided
  });
  Run();
  ASSERT_EQ(c.calls, 2);
  EXPECT_EQ(c.caller_ports[0], first);
  EXPECT_EQ(c.caller_ports[1], first);  // the deferred request again, not the second one
  EXPECT_EQ(c.caller_data_lengths[0], c.caller_data_lengths[1]);
  EXPECT_EQ(accepted, first);
  EXPECT_NE(first, second);
}

TEST_F(ConditionalAccept, SPI_ACCEPT_09_AWithdrawnDeferredRequestWouldBlockAndReenablesFdAccept) {
  Conditions c{.answers = {CF_DEFER, CF_ACCEPT}};
  u_short second = 0;
  OnServer([&] {
    SOCKET listener = DeferredListener(&c);
    Sleep(500);  // the first initiator gives up; a second request arrives
    EXPECT_FALSE(AcceptRecorded(listener));
    EXPECT_EQ(ErrorOf(Accept(listener, &c)), WSAEWOULDBLOCK);  // D-37
    EXPECT_TRUE(AcceptRecorded(listener));  // re-enabled: the second request is signalled
    sockaddr_in peer;
    SOCKET a = Accept(listener, &c, &peer);
    ASSERT_NE(a, INVALID_SOCKET) << WSAGetLastError();
    EXPECT_EQ(ntohs(peer.sin_port), second);
  });
  OnClient([&] {
    SOCKET first = Connected();
    Sleep(200);
    EXPECT_EQ(closesocket(first), 0);  // withdrawn
    Sleep(100);
    SOCKET s = Connected();
    second = LocalPort(s);
    Sleep(1000);
  });
  Run();
  EXPECT_EQ(c.calls, 2);  // the withdrawn request was not presented again
}

TEST_F(ConditionalAccept, SPI_ACCEPT_10_ADeferredRequestIsDiscardedAfterTheTimeout) {
  EXPECT_EQ(providers::tcpip::TcpipProvider::Options{}.accept_defer_timeout, Duration::Seconds(30));
  MakeWorld(CleanLink(), 1, {.accept_defer_timeout = Duration::Seconds(2)});
  Conditions c{.answers = {CF_DEFER}};
  Duration reset_at;
  OnServer([&] {
    SOCKET listener = Listener();
    EXPECT_EQ(ErrorOf(Accept(listener, &c)), WSATRY_AGAIN);
    Sleep(1000);
    EXPECT_EQ(ErrorOf(Accept(listener, &c)), WSATRY_AGAIN);  // within the timeout: presented
    Sleep(2000);
    EXPECT_EQ(ErrorOf(Accept(listener, &c)), WSAEWOULDBLOCK);
  });
  OnClient([&, this] {
    SOCKET s = Connected();
    EXPECT_EQ(RecvError(s), WSAECONNRESET);  // the discarded request is reset
    reset_at = Elapsed();
  });
  Run();
  EXPECT_EQ(c.calls, 2);
  EXPECT_GE(reset_at, Duration::Seconds(2));
  EXPECT_LT(reset_at, Duration::Seconds(3));
}

TEST_F(ConditionalAccept, SPI_ACCEPT_11_WhileDeferredANewRequestRaisesNoFdAccept) {
  Conditions c{.answers = {CF_DEFER, CF_ACCEPT}};
  OnServer([&] {
    SOCKET listener = DeferredListener(&c);
    Sleep(500);  // a second request arrives meanwhile
    EXPECT_FALSE(AcceptRecorded(listener));
    EXPECT_NE(Accept(listener, &c), INVALID_SOCKET);  // WSPAccept called again: re-enabled
    EXPECT_TRUE(AcceptRecorded(listener));            // now the second one is signalled
  });
  OnClient([] {
    Connected();
    Sleep(200);
    Connected();
    Sleep(1000);
  });
  Run();
}

TEST_F(ConditionalAccept, SPI_ACCEPT_12_AddrIsFilledOnRejectAndDefer) {
  Conditions c{.answers = {CF_DEFER, CF_REJECT}};
  u_short port = 0;
  OnServer([&] {
    SOCKET listener = Listener();
    sockaddr_in deferred, rejected;
    std::memset(&deferred, 0, sizeof(deferred));
    std::memset(&rejected, 0, sizeof(rejected));
    EXPECT_EQ(ErrorOf(Accept(listener, &c, &deferred)), WSATRY_AGAIN);
    EXPECT_EQ(ErrorOf(Accept(listener, &c, &rejected)), WSAECONNREFUSED);
    EXPECT_EQ(deferred.sin_family, AF_INET);
    EXPECT_EQ(std::string(inet_ntoa(deferred.sin_addr)), kClientIp);
    EXPECT_EQ(ntohs(deferred.sin_port), port);
    EXPECT_EQ(Text(rejected), Text(deferred));
  });
  OnClient([&] {
    SOCKET s = Tcp();
    EXPECT_EQ(Bind(s, kClientIp, 4321), 0);
    port = 4321;
    EXPECT_EQ(Connect(s, kServerIp, kPort), 0);
    Sleep(500);
  });
  Run();
}

TEST_F(ConditionalAccept, SPI_ACCEPT_14_TheCalleeDataBufferIsEmptyWithoutConnectData) {
  // TCP has no XP_CONNECT_DATA: the provider offers a callee buffer of 0 bytes, and the
  // initiator's lpCalleeData comes back with len 0.
  Conditions c{.answers = {CF_ACCEPT}};
  int callee_len = -1;
  OnServer([&] { EXPECT_NE(Accept(Listener(), &c), INVALID_SOCKET); });
  OnClient([&] {
    SOCKET s = Tcp();
    char buffer[16];
    WSABUF callee{sizeof(buffer), buffer};
    const sockaddr_in a = Address(kServerIp, kPort);
    EXPECT_EQ(WSAConnect(s, Sa(a), sizeof(a), nullptr, &callee, nullptr, nullptr), 0);
    callee_len = callee.len;
  });
  Run();
  ASSERT_EQ(c.calls, 1);
  EXPECT_EQ(c.callee_data_lengths[0], 0);
  EXPECT_EQ(c.callee_ids[0], std::string(kServerIp) + ":" + std::to_string(kPort));
  EXPECT_EQ(callee_len, 0);
}

TEST_F(ConditionalAccept, SPI_ACCEPT_15_AnUnknownAnswerOrAnInvalidGroupFailsWithInval) {
  Conditions bad_answer{.answers = {7}};
  Conditions bad_group{.answers = {CF_ACCEPT}, .group = 12345};
  Conditions good{.answers = {CF_ACCEPT}};
  OnServer([&] {
    SOCKET listener = Listener();
    Sleep(200);
    EXPECT_EQ(ErrorOf(Accept(listener, &bad_answer)), WSAEINVAL);
    EXPECT_EQ(ErrorOf(Accept(listener, &bad_group)), WSAEINVAL);  // the same request, rejected
    EXPECT_NE(Accept(listener, &good), INVALID_SOCKET);          // the second request
  });
  OnClient([&] {
    SOCKET first = Connected();
    SOCKET second = Connected();
    EXPECT_EQ(RecvError(first), WSAECONNRESET);
    (void)second;
  });
  Run();
  EXPECT_EQ(bad_answer.caller_ports, bad_group.caller_ports);
  ASSERT_EQ(good.calls, 1);
  EXPECT_NE(good.caller_ports[0], bad_group.caller_ports[0]);
}

TEST_F(ConditionalAccept, SPI_ACCEPT_16_ConstrainedGroupIdIsReadableWithSoGroupId) {
  Conditions constrained{.answers = {CF_ACCEPT}, .group = SG_CONSTRAINED_GROUP};
  Conditions unconstrained{.answers = {CF_ACCEPT}, .group = SG_UNCONSTRAINED_GROUP};
  OnServer([&] {
    SOCKET listener = Listener();
    SOCKET a = Accept(listener, &constrained);
    ASSERT_NE(a, INVALID_SOCKET) << WSAGetLastError();
    const int group = GetInt(a, SOL_SOCKET, SO_GROUP_ID);
    EXPECT_GT(group, SG_CONSTRAINED_GROUP);  // never 0, 1 or 2
    EXPECT_EQ(GetInt(a, SOL_SOCKET, SO_GROUP_PRIORITY), 0);
    EXPECT_EQ(SetInt(a, SOL_SOCKET, SO_GROUP_PRIORITY, 3), 0);
    EXPECT_EQ(GetInt(a, SOL_SOCKET, SO_GROUP_PRIORITY), 3);
    // The same host may join it; an unconstrained group is another new group.
    Conditions join{.answers = {CF_ACCEPT}, .group = static_cast<GROUP>(group)};
    SOCKET b = Accept(listener, &join);
    ASSERT_NE(b, INVALID_SOCKET) << WSAGetLastError();
    EXPECT_EQ(GetInt(b, SOL_SOCKET, SO_GROUP_ID), group);
    SOCKET u = Accept(listener, &unconstrained);
    ASSERT_NE(u, INVALID_SOCKET) << WSAGetLastError();
    const int other = GetInt(u, SOL_SOCKET, SO_GROUP_ID);
    EXPECT_GT(other, SG_CONSTRAINED_GROUP);
    EXPECT_NE(other, group);
  });
  OnClient([] {
    Connected();
    Connected();
    Connected();
    Sleep(500);
  });
  Run();
}

TEST_F(ConditionalAccept, SPI_ACCEPT_22_WinsockCallsInsideTheConditionFunctionFailInProgress) {
  Conditions c{.answers = {CF_ACCEPT}};
  SOCKET other = INVALID_SOCKET;
  std::vector<int> inside;
  c.inside = [&] {
    inside.push_back(ErrorOf(socket(AF_INET, SOCK_STREAM, 0)));
    inside.push_back(ErrorOf(SendText(other, "x")));
    inside.push_back(ErrorOf(closesocket(other)));
    int len = 0;
    inside.push_back(ErrorOf(getsockopt(other, SOL_SOCKET, SO_TYPE, nullptr, &len)));
    inside.push_back(ErrorOf(accept(other, nullptr, nullptr)));
    inside.push_back(ErrorOf(WSACleanup()));  // D-82
  };
  OnServer([&] {
    SOCKET listener = Listener();
    other = Udp();
    EXPECT_NE(Accept(listener, &c), INVALID_SOCKET);
    EXPECT_EQ(GetInt(other, SOL_SOCKET, SO_TYPE), SOCK_DGRAM);  // usable again afterwards
    EXPECT_EQ(ErrorOf(closesocket(other)), kOk);
  });
  OnClient([] { Connected(); });
  Run();
  EXPECT_EQ(inside, std::vector<int>(6, WSAEINPROGRESS));
}

TEST_F(ConditionalAccept, SPI_ACCEPT_23_ARequestArrivingDuringTheDecisionQueuesBehind) {
  Conditions c{.answers = {CF_ACCEPT}};
  c.inside = [] { Sleep(500); };  // the second request arrives while this one is decided
  u_short first = 0, second = 0;
  std::vector<u_short> accepted;
  OnServer([&] {
    SOCKET listener = Listener();
    for (int i = 0; i < 2; ++i) {
      sockaddr_in peer;
      ASSERT_NE(Accept(listener, &c, &peer), INVALID_SOCKET) << WSAGetLastError();
      accepted.push_back(ntohs(peer.sin_port));
    }
  });
  OnClient([&] {
    first = LocalPort(Connected());
    Sleep(100);
    second = LocalPort(Connected());
    Sleep(1000);
  });
  Run();
  EXPECT_EQ(accepted, (std::vector<u_short>{first, second}));
  EXPECT_EQ(c.caller_ports, (std::vector<u_short>{first, second}));
}

DWORD WINAPI CloseSocketThread(LPVOID socket) {
  Sleep(100);
  return static_cast<DWORD>(closesocket(static_cast<SOCKET>(reinterpret_cast<uintptr_t>(socket))));
}

TEST_F(ConditionalAccept, AnotherThreadClosingTheListenerDuringTheDecisionEndsTheAccept) {
  // D-48 is per thread: another thread may close the listener while the condition function
  // runs; the accept then ends with WSAEINTR (as a blocking accept does) and nothing dangles.
  Conditions c{.answers = {CF_ACCEPT}};
  c.inside = [] { Sleep(500); };
  OnServer([&] {
    SOCKET listener = Listener();
    Sleep(100);  // the request is queued
    HANDLE closer = CreateThread(nullptr, 0, &CloseSocketThread,
                                 reinterpret_cast<LPVOID>(static_cast<uintptr_t>(listener)), 0,
                                 nullptr);
    EXPECT_EQ(ErrorOf(Accept(listener, &c)), WSAEINTR);
    EXPECT_EQ(WaitForSingleObject(closer, INFINITE), WAIT_OBJECT_0);
    EXPECT_EQ(ErrorOf(accept(listener, nullptr, nullptr)), WSAENOTSOCK);
  });
  OnClient([] {
    SOCKET s = Connected();
    EXPECT_EQ(RecvError(s), WSAECONNRESET);  // the closed listener reset its queue
  });
  Run();
  EXPECT_EQ(c.calls, 1);
}

// --- SPI-CONN ------------------------------------------------------------------------------------

TEST_F(WsaConnect, SPI_CONN_07_CallerDataReachesTheConditionFunction) {
  // TCP carries no connect data: the only caller data it can take is empty, and the condition
  // function's lpCallerData then has len 0. Non-empty caller data is refused (SPI-CONN-09).
  Conditions c{.answers = {CF_ACCEPT}};
  OnServer([&] { EXPECT_NE(Accept(Listener(), &c), INVALID_SOCKET); });
  OnClient([] {
    SOCKET s = Tcp();
    const sockaddr_in a = Address(kServerIp, kPort);
    char hello[] = "hello";
    WSABUF some{5, hello}, none{0, hello};
    EXPECT_EQ(ErrorOf(WSAConnect(s, Sa(a), sizeof(a), &some, nullptr, nullptr, nullptr)),
              WSAEPROTONOSUPPORT);
    EXPECT_EQ(ErrorOf(WSAConnect(s, Sa(a), sizeof(a), &none, nullptr, nullptr, nullptr)), kOk);
  });
  Run();
  ASSERT_EQ(c.calls, 1);
  EXPECT_EQ(c.caller_data_lengths[0], 0);
  EXPECT_EQ(c.caller_ips[0], kClientIp);
}

TEST_F(WsaConnect, SPI_CONN_08_CalleeDataLenIsZeroAfterFdConnectWhenNoneCame) {
  int after = -1;
  OnServer([] { accept(Listener(), nullptr, nullptr); });
  OnClient([&] {
    SOCKET s = Tcp();
    EXPECT_EQ(SetNonBlocking(s, true), 0);
    char buffer[16];
    WSABUF callee{sizeof(buffer), buffer};
    QOS qos;
    std::memset(&qos, 0, sizeof(qos));
    const sockaddr_in a = Address(kServerIp, kPort);
    EXPECT_EQ(ErrorOf(WSAConnect(s, Sa(a), sizeof(a), nullptr, &callee, &qos, nullptr)),
              WSAEWOULDBLOCK);
    const timeval second = {1, 0};
    const Readiness r = Poll(s, &second, false, true, false);  // connected: writable
    EXPECT_TRUE(r.write);
    after = callee.len;
  });
  Run();
  EXPECT_EQ(after, 0);
}

// --- WSADuplicateSocket (D-69) -------------------------------------------------------------------

uint32_t CurrentPid() { return model::Runtime::Active()->processes().Current()->pid(); }

TEST_F(WsaSockets, DuplicateSocketSharesAConnectionBetweenTwoProcesses) {
  uint32_t second_pid = 0;
  WSAPROTOCOL_INFOW info;
  bool shared = false, first_closed = false;
  std::string got_by_second;
  OnServer([&] {  // the second process on the server host: waits for the record
    second_pid = CurrentPid();
    while (!shared) Sleep(10);
    SOCKET s = WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &info, 0, 0);
    ASSERT_NE(s, INVALID_SOCKET);
    EXPECT_EQ(GetInt(s, SOL_SOCKET, SO_TYPE), SOCK_STREAM);
    got_by_second = RecvExactly(s, 3);  // both descriptors reach the one connection
    while (!first_closed) Sleep(10);
    EXPECT_EQ(SendText(s, "still"), 5);  // closing the first descriptor kept it
    EXPECT_EQ(closesocket(s), 0);
  });
  OnServer([&] {
    SOCKET listener = Listener();
    SOCKET a = accept(listener, nullptr, nullptr);
    ASSERT_NE(a, INVALID_SOCKET);
    WSAPROTOCOL_INFOW bogus;
    EXPECT_EQ(ErrorOf(WSADuplicateSocketW(a, 0x7ffffff0, &bogus)), WSAEINVAL);
    WSAPROTOCOL_INFOA narrow;
    EXPECT_EQ(WSADuplicateSocketA(a, second_pid, &narrow), 0);
    EXPECT_EQ(narrow.iSocketType, SOCK_STREAM);
    ASSERT_EQ(WSADuplicateSocketW(a, second_pid, &info), 0);
    EXPECT_EQ(info.iAddressFamily, AF_INET);
    shared = true;
    EXPECT_EQ(SendText(a, "one"), 3);
    Sleep(200);
    EXPECT_EQ(closesocket(a), 0);
    first_closed = true;
  }, Duration::Milliseconds(1));
  OnClient([] {
    SOCKET s = Connected();
    EXPECT_EQ(RecvExactly(s, 3), "one");
    EXPECT_EQ(SendText(s, "two"), 3);
    EXPECT_EQ(RecvExactly(s, 5), "still");
    int last = 0;
    RecvToEnd(s, &last);
    EXPECT_EQ(last, 0);  // the last descriptor's close ends the connection gracefully
  }, Duration::Milliseconds(2));
  Run();
  EXPECT_EQ(got_by_second, "two");
}

TEST_F(WsaSockets, DuplicateRecordIsRedeemedOnlyByItsTargetProcess) {
  uint32_t target = 0;
  OnServer([&] { target = CurrentPid(); Sleep(1000); });
  OnServer([&] {
    SOCKET u = Udp();
    WSAPROTOCOL_INFOW info;
    ASSERT_EQ(WSADuplicateSocketW(u, target, &info), 0);
    // Here (not the target) the record makes an ordinary new socket, not the shared one.
    SOCKET other = WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &info, 0, 0);
    ASSERT_NE(other, INVALID_SOCKET);
    EXPECT_NE(other, u);
    EXPECT_EQ(ErrorOf(Bind(u, kServerIp, 9100)), kOk);
    sockaddr_in name;
    int len = sizeof(name);
    EXPECT_EQ(ErrorOf(getsockname(other, Sa(name), &len)), WSAEINVAL);  // not bound: another one
  }, Duration::Milliseconds(1));
  Run();
}

TEST_F(WsaSockets, EachDuplicatedDescriptorHasItsOwnEventSelectRegistration) {
  // D-69: notification registrations are per descriptor. Two processes select FD_READ on their
  // descriptors of one UDP socket, each with its own event object.
  uint32_t second_pid = 0;
  WSAPROTOCOL_INFOW info;
  bool shared = false, first_done = false;
  OnServer([&] {
    second_pid = CurrentPid();
    while (!shared) Sleep(10);
    SOCKET mine = WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &info,
                             0, 0);
    ASSERT_NE(mine, INVALID_SOCKET);
    WSAEVENT e = WSACreateEvent();
    EXPECT_EQ(WSAEventSelect(mine, e, FD_READ), 0);
    EXPECT_EQ(WSAWaitForMultipleEvents(1, &e, FALSE, 5000, FALSE), WSA_WAIT_EVENT_0);
    WSANETWORKEVENTS events;
    EXPECT_EQ(WSAEnumNetworkEvents(mine, e, &events), 0);
    EXPECT_EQ(events.lNetworkEvents, FD_READ);  // its own record, not cleared by the other's
    while (!first_done) Sleep(10);
    EXPECT_EQ(closesocket(mine), 0);
  });
  OnServer([&] {
    SOCKET u = Udp();
    ASSERT_EQ(ErrorOf(Bind(u, kServerIp, 9200)), kOk);
    ASSERT_EQ(WSADuplicateSocketW(u, second_pid, &info), 0);
    WSAEVENT e = WSACreateEvent();
    EXPECT_EQ(WSAEventSelect(u, e, FD_READ), 0);
    shared = true;
    EXPECT_EQ(WSAWaitForMultipleEvents(1, &e, FALSE, 5000, FALSE), WSA_WAIT_EVENT_0);
    WSANETWORKEVENTS events;
    EXPECT_EQ(WSAEnumNetworkEvents(u, e, &events), 0);
    EXPECT_EQ(events.lNetworkEvents, FD_READ);
    Sleep(2000);
    first_done = true;
    Sleep(100);
  }, Duration::Milliseconds(1));
  OnClient([] {
    Sleep(500);
    SOCKET c = Udp();
    const sockaddr_in to = Address(kServerIp, 9200);
    EXPECT_EQ(sendto(c, "d", 1, 0, Sa(to), sizeof(to)), 1);
  });
  Run();
}

// --- WSASendDisconnect / WSARecvDisconnect -----------------------------------------------------

TEST_F(WsaSockets, SendDisconnectShutsDownSendingAndRefusesDisconnectData) {
  Pair(
      [](SOCKET s) {
        char data[] = "bye";
        WSABUF disconnect{3, data};
        EXPECT_EQ(ErrorOf(WSASendDisconnect(s, &disconnect)), WSAENOPROTOOPT);
        EXPECT_EQ(SendText(s, "last"), 4);
        EXPECT_EQ(ErrorOf(WSASendDisconnect(s, nullptr)), kOk);
        EXPECT_EQ(ErrorOf(SendText(s, "more")), WSAESHUTDOWN);
        EXPECT_EQ(RecvText(s, 10), "reply");  // receiving still works
      },
      [](SOCKET s) {
        int last = -1;
        const std::vector<uint8_t> got = RecvToEnd(s, &last);
        EXPECT_EQ(std::string(got.begin(), got.end()), "last");
        EXPECT_EQ(last, 0);
        EXPECT_EQ(SendText(s, "reply"), 5);
      });
  Run();
}

TEST_F(WsaSockets, RecvDisconnectShutsDownReceiving) {
  Pair(
      [](SOCKET s) {
        char data[8];
        WSABUF disconnect{sizeof(data), data};
        EXPECT_EQ(ErrorOf(WSARecvDisconnect(s, &disconnect)), WSAENOPROTOOPT);
        EXPECT_EQ(ErrorOf(WSARecvDisconnect(s, nullptr)), kOk);
        EXPECT_EQ(RecvError(s), WSAESHUTDOWN);
        EXPECT_EQ(SendText(s, "ok"), 2);  // sending still works
      },
      [](SOCKET s) { EXPECT_EQ(RecvText(s, 10), "ok"); });
  OnClient([] {
    EXPECT_EQ(ErrorOf(WSASendDisconnect(Tcp(), nullptr)), WSAENOTCONN);
    EXPECT_EQ(ErrorOf(WSARecvDisconnect(Tcp(), nullptr)), WSAENOTCONN);
  });
  Run();
}

// --- WSAIoctl ------------------------------------------------------------------------------------

TEST_F(WsaSockets, WsaIoctlCarriesFionbioFionreadAndSiocatmark) {
  Pair(
      [](SOCKET s) {
        u_long on = 1, out = 0xdead;
        DWORD returned = 99;
        EXPECT_EQ(WSAIoctl(s, FIONBIO, &on, sizeof(on), nullptr, 0, &returned, nullptr, nullptr),
                  0);
        EXPECT_EQ(returned, 0u);
        EXPECT_EQ(ErrorOf(RecvText(s, 10).empty() ? SOCKET_ERROR : 0), WSAEWOULDBLOCK);
        Sleep(500);  // "12345" arrived
        EXPECT_EQ(WSAIoctl(s, FIONREAD, nullptr, 0, &out, sizeof(out), &returned, nullptr,
                           nullptr),
                  0);
        EXPECT_EQ(out, 5u);
        EXPECT_EQ(returned, sizeof(u_long));
        EXPECT_EQ(WSAIoctl(s, SIOCATMARK, nullptr, 0, &out, sizeof(out), &returned, nullptr,
                           nullptr),
                  0);
        EXPECT_EQ(out, static_cast<u_long>(TRUE));  // no urgent data
        uint16_t small = 0;
        EXPECT_EQ(ErrorOf(WSAIoctl(s, FIONREAD, nullptr, 0, &small, sizeof(small), &returned,
                                   nullptr, nullptr)),
                  WSAEFAULT);
        EXPECT_EQ(ErrorOf(WSAIoctl(s, FIONBIO, nullptr, 0, nullptr, 0, &returned, nullptr,
                                   nullptr)),
                  WSAEFAULT);
        EXPECT_EQ(ErrorOf(WSAIoctl(s, FIOASYNC, &on, sizeof(on), nullptr, 0, &returned, nullptr,
                                   nullptr)),
                  WSAEINVAL);
        EXPECT_EQ(ErrorOf(WSAIoctl(s, 0x12345678, nullptr, 0, nullptr, 0, &returned, nullptr,
                                   nullptr)),
                  WSAEINVAL);
        EXPECT_EQ(ErrorOf(WSAIoctl(0x7ffffffc, FIONREAD, nullptr, 0, &out, sizeof(out),
                                   &returned, nullptr, nullptr)),
                  WSAENOTSOCK);
      },
      [](SOCKET s) {
        Sleep(100);
        EXPECT_EQ(SendText(s, "12345"), 5);
        Sleep(1000);
      });
  Run();
}

// The completion routine of an overlapped WSAIoctl: what it was called with.
struct IoctlCompletion {
  int calls = 0;
  DWORD error = 99;
  DWORD bytes = 99;
  LPWSAOVERLAPPED overlapped = nullptr;
};
IoctlCompletion g_ioctl_completion;
void CALLBACK IoctlDone(DWORD error, DWORD bytes, LPWSAOVERLAPPED overlapped, DWORD) {
  ++g_ioctl_completion.calls;
  g_ioctl_completion.error = error;
  g_ioctl_completion.bytes = bytes;
  g_ioctl_completion.overlapped = overlapped;
}

TEST_F(WsaSockets, OverlappedWsaIoctlCompletesAtOnceThenRunsItsRoutineOrSetsItsEvent) {
  g_ioctl_completion = {};
  OnServer([] {
    SOCKET s = Tcp();
    u_long out = 0;
    DWORD returned = 0;
    WSAOVERLAPPED ov;
    std::memset(&ov, 0, sizeof(ov));
    EXPECT_EQ(WSAIoctl(s, FIONREAD, nullptr, 0, &out, sizeof(out), &returned, &ov, &IoctlDone),
              0);
    EXPECT_EQ(g_ioctl_completion.calls, 0);  // only in an alertable wait (D-52)
    EXPECT_EQ(SleepEx(0, TRUE), static_cast<DWORD>(WAIT_IO_COMPLETION));
    EXPECT_EQ(g_ioctl_completion.calls, 1);
    EXPECT_EQ(g_ioctl_completion.error, 0u);
    EXPECT_EQ(g_ioctl_completion.bytes, sizeof(u_long));
    EXPECT_EQ(g_ioctl_completion.overlapped, &ov);
    EXPECT_EQ(ov.InternalHigh, sizeof(u_long));
    WSAOVERLAPPED with_event;
    std::memset(&with_event, 0, sizeof(with_event));
    with_event.hEvent = WSACreateEvent();
    EXPECT_EQ(WSAIoctl(s, FIONREAD, nullptr, 0, &out, sizeof(out), &returned, &with_event,
                       nullptr),
              0);
    EXPECT_EQ(WSAWaitForMultipleEvents(1, &with_event.hEvent, FALSE, 0, FALSE), WSA_WAIT_EVENT_0);
  });
  Run();
}

// --- Address strings -----------------------------------------------------------------------------

std::string AddressString(const sockaddr* a, DWORD length, DWORD capacity = 64,
                          int* error = nullptr, DWORD* needed = nullptr) {
  char text[64] = {};
  DWORD len = capacity;
  const int rc =
      WSAAddressToStringA(const_cast<sockaddr*>(a), length, nullptr, text, &len);
  if (error != nullptr) *error = ErrorOf(rc);
  if (needed != nullptr) *needed = len;
  return rc == 0 ? std::string(text) : std::string();
}

TEST_F(WsaSockets, AddressToStringGivesAddressAndPortForBothFamilies) {
  OnServer([] {
    const sockaddr_in v4 = Address("1.2.3.4", 80);
    EXPECT_EQ(AddressString(Sa(v4), sizeof(v4)), "1.2.3.4:80");
    const sockaddr_in no_port = Address("10.0.0.1", 0);
    EXPECT_EQ(AddressString(Sa(no_port), sizeof(no_port)), "10.0.0.1");
    sockaddr_in6 v6;
    std::memset(&v6, 0, sizeof(v6));
    v6.sin6_family = AF_INET6;
    v6.sin6_port = htons(80);
    v6.sin6_addr.s6_addr[15] = 1;
    EXPECT_EQ(AddressString(reinterpret_cast<sockaddr*>(&v6), sizeof(v6)), "[::1]:80");
    v6.sin6_port = 0;
    EXPECT_EQ(AddressString(reinterpret_cast<sockaddr*>(&v6), sizeof(v6)), "::1");
    // Too small a buffer: WSAEFAULT and the length needed, with the NUL.
    int error = 0;
    DWORD needed = 0;
    EXPECT_EQ(AddressString(Sa(v4), sizeof(v4), 5, &error, &needed), "");
    EXPECT_EQ(error, WSAEFAULT);
    EXPECT_EQ(needed, 11u);
    EXPECT_EQ(AddressString(Sa(v4), sizeof(v4) - 1, 64, &error), "");  // short address
    EXPECT_EQ(error, WSAEFAULT);
    sockaddr_in other = v4;
    other.sin_family = 99;
    EXPECT_EQ(AddressString(Sa(other), sizeof(other), 64, &error), "");
    EXPECT_EQ(error, WSAEINVAL);
    // The wide form.
    WCHAR wide[32];
    DWORD len = 32;
    ASSERT_EQ(WSAAddressToStringW(const_cast<sockaddr*>(Sa(v4)), sizeof(v4), nullptr, wide, &len),
              0);
    EXPECT_EQ(len, 11u);
    EXPECT_EQ(std::string(wide, wide + 10), "1.2.3.4:80");
  });
  Run();
}

TEST_F(WsaSockets, StringToAddressParsesBothFamiliesAndRejectsNonsense) {
  OnServer([] {
    sockaddr_in v4;
    int len = sizeof(v4);
    char text[] = "1.2.3.4:80";
    ASSERT_EQ(WSAStringToAddressA(text, AF_INET, nullptr, Sa(v4), &len), 0);
    EXPECT_EQ(len, static_cast<int>(sizeof(v4)));
    EXPECT_EQ(v4.sin_family, AF_INET);
    EXPECT_EQ(v4.sin_addr.s_addr, inet_addr("1.2.3.4"));
    EXPECT_EQ(ntohs(v4.sin_port), 80);
    char bare[] = "10.0.0.2";
    ASSERT_EQ(WSAStringToAddressA(bare, AF_INET, nullptr, Sa(v4), &len), 0);
    EXPECT_EQ(ntohs(v4.sin_port), 0);
    sockaddr_in6 v6;
    len = sizeof(v6);
    char six[] = "[::1]:80";
    ASSERT_EQ(WSAStringToAddressA(six, AF_INET6, nullptr, reinterpret_cast<sockaddr*>(&v6), &len),
              0);
    EXPECT_EQ(len, static_cast<int>(sizeof(v6)));
    EXPECT_EQ(v6.sin6_family, AF_INET6);
    EXPECT_EQ(ntohs(v6.sin6_port), 80);
    EXPECT_EQ(v6.sin6_addr.s6_addr[15], 1);
    // Round trip through the other direction.
    EXPECT_EQ(AddressString(reinterpret_cast<sockaddr*>(&v6), sizeof(v6)), "[::1]:80");
    for (const char* bad : {"1.2.3", "hello", "1.2.3.4:99999", "1.2.3.4:", "::1"}) {
      std::string copy = bad;
      len = sizeof(v4);
      EXPECT_EQ(ErrorOf(WSAStringToAddressA(copy.data(), AF_INET, nullptr, Sa(v4), &len)),
                WSAEINVAL)
          << bad;
    }
    char v4_in_six[] = "1.2.3.4";
    len = sizeof(v6);
    EXPECT_EQ(ErrorOf(WSAStringToAddressA(v4_in_six, AF_INET6, nullptr,
                                          reinterpret_cast<sockaddr*>(&v6), &len)),
              WSAEINVAL);
    len = 4;  // too small: WSAEFAULT with the size needed
    EXPECT_EQ(ErrorOf(WSAStringToAddressA(text, AF_INET, nullptr, Sa(v4), &len)), WSAEFAULT);
    EXPECT_EQ(len, static_cast<int>(sizeof(v4)));
    WCHAR wide[] = {'[', ':', ':', '1', ']', ':', '8', '1', 0};
    len = sizeof(v6);
    ASSERT_EQ(WSAStringToAddressW(wide, AF_INET6, nullptr, reinterpret_cast<sockaddr*>(&v6),
                                  &len),
              0);
    EXPECT_EQ(ntohs(v6.sin6_port), 81);
  });
  Run();
}

TEST(AcceptDeferTimeout, IsAScenarioParameterOfTheTcpipProvider) {
  const std::string head =
      R"(name: "t" hosts { name: "h" interfaces { name: "e" addresses: "10.0.0.1/24" } } )";
  absl::StatusOr<Scenario> set =
      LoadScenarioText(head + R"(tcpip { accept_defer_timeout: "2s" })", "set.textproto");
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->accept_defer_timeout(), Duration::Seconds(2));
  absl::StatusOr<Scenario> unset = LoadScenarioText(head, "unset.textproto");
  ASSERT_TRUE(unset.ok()) << unset.status();
  EXPECT_FALSE(unset->accept_defer_timeout().has_value());  // the provider's 30 s
  EXPECT_FALSE(
      LoadScenarioText(head + R"(tcpip { accept_defer_timeout: "0s" })", "zero.textproto").ok());
}

// --- The bundled select() server -----------------------------------------------------------------

TEST(SelectEchoScenario, ServesEveryClientByteExactAndExits) {
  absl::StatusOr<Scenario> s =
      LoadScenarioFile(std::string(WS2SIM_SOURCE_DIR) + "/scenarios/examples/select_echo.textproto");
  ASSERT_TRUE(s.ok()) << s.status();
  absl::StatusOr<RunReport> r = RunScenario(*s, RunOptions{});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->ok()) << FormatReport(*r, "select_echo");
  ASSERT_EQ(r->processes.size(), 5u);  // the server, three small clients, one bulk client
  for (const auto& p : r->processes) EXPECT_EQ(p.exit_code, 0) << p.name;
}

}  // namespace
}  // namespace ws2sim::scenarios::testing
