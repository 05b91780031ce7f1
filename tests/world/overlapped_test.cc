// Overlapped I/O (S1 §3.1.20-3.1.25, §4.5; SPEC 2.19; D-49..D-55, D-61, D-67; ):
// WSASocket with WSA_FLAG_OVERLAPPED, WSARecv / WSASend with events and completion routines,
// WSAGetOverlappedResult, the provider's pending queues, APCs in alertable waits, cancellation at
// close; and the bundled overlapped echo scenario. One test per CHECKLIST item of section 9 plus
// SPI-DATA-20, SPI-IOCTL-05, SPI-UPCALL-05 and SPI-UPCALL-06.
#include <algorithm>
#include <cstdio>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "model/winsock_dll.h"
#include "scenarios/scenario_loader.h"
#include "scenarios/scenario_run.h"
#include "sim/trace/dump.h"
#include "sim/trace/reader.h"
#include "tests/world/winsock_harness.h"

namespace ws2sim::scenarios::testing {
namespace {

// --- Helpers ------------------------------------------------------------------------------------

// An overlapped stream socket: always non-blocking (S1 §3.1.25).
SOCKET OverlappedTcp() {
  SOCKET s = WSASocketA(AF_INET, SOCK_STREAM, IPPROTO_TCP, nullptr, 0, WSA_FLAG_OVERLAPPED);
  EXPECT_NE(s, INVALID_SOCKET) << WSAGetLastError();
  return s;
}

// An overlapped listener on the server's kPort. Being non-blocking, it is polled before accept.
SOCKET OverlappedListener() {
  SOCKET s = OverlappedTcp();
  EXPECT_EQ(ErrorOf(Bind(s, kServerIp, kPort)), kOk);
  EXPECT_EQ(ErrorOf(listen(s, 5)), kOk);
  return s;
}

// Waits (select) for a connection on `listener`, then accepts it.
SOCKET AcceptWhenReady(SOCKET listener) {
  EXPECT_EQ(Poll(listener, nullptr, true, false, false).rc, 1);
  SOCKET s = accept(listener, nullptr, nullptr);
  EXPECT_NE(s, INVALID_SOCKET) << WSAGetLastError();
  return s;
}

// An overlapped receive or send: its bytes, WSABUF and WSAOVERLAPPED, at a stable address, with a
// manual-reset event in hEvent when asked.
struct Request {
  explicit Request(size_t size, bool with_event = false) : data(size, '\0') {
    std::memset(&ov, 0, sizeof(ov));
    buf.len = static_cast<int>(size);
    buf.buf = data.data();
    if (with_event) ov.hEvent = CreateEventA(nullptr, TRUE, FALSE, nullptr);
  }
  explicit Request(const std::vector<uint8_t>& bytes, bool with_event = false)
      : Request(bytes.size(), with_event) {
    std::copy(bytes.begin(), bytes.end(), data.begin());
  }
  Request(const Request&) = delete;
  Request& operator=(const Request&) = delete;
  std::string Got(DWORD n) const { return data.substr(0, n); }
  bool Signaled() const { return WaitForSingleObject(ov.hEvent, 0) == WAIT_OBJECT_0; }

  std::string data;
  WSABUF buf;
  WSAOVERLAPPED ov;
};

// `a` then `b`, as the peer should receive them.
std::string Concat(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  return std::string(a.begin(), a.end()) + std::string(b.begin(), b.end());
}

// WSARecv / WSASend of one request: kOk (done at once, *bytes set), or the error.
int PostRecv(SOCKET s, Request& r, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine = nullptr,
             DWORD* bytes = nullptr) {
  DWORD flags = 0, n = 0;
  return ErrorOf(WSARecv(s, &r.buf, 1, bytes != nullptr ? bytes : &n, &flags, &r.ov, routine));
}
int PostSend(SOCKET s, Request& r, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine = nullptr,
             DWORD* bytes = nullptr) {
  DWORD n = 0;
  return ErrorOf(WSASend(s, &r.buf, 1, bytes != nullptr ? bytes : &n, 0, &r.ov, routine));
}

// WSAGetOverlappedResult: kOk with *bytes, or the error.
int Result(SOCKET s, Request& r, BOOL wait, DWORD* bytes) {
  DWORD flags = 0xffff;
  const BOOL ok = WSAGetOverlappedResult(s, &r.ov, bytes, wait, &flags);
  if (ok) {
    EXPECT_EQ(flags, 0u);  // MSG_PARTIAL never on a stream (D-55)
  }
  return ok ? kOk : WSAGetLastError();
}

// One completion routine call, as the routine saw it.
struct Completion {
  DWORD error = 0;
  DWORD bytes = 0;
  LPWSAOVERLAPPED overlapped = nullptr;
  DWORD flags = 0;
  DWORD thread = 0;
};
std::vector<Completion>& Completions() {
  static std::vector<Completion> completions;
  return completions;
}
int g_depth = 0;      // routines of the test running now (nested ones included)
int g_max_depth = 0;  // the most ever running at once

// A routine starts: counted and recorded. It ends with --g_depth.
void EnterRoutine(DWORD error, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags) {
  g_max_depth = std::max(g_max_depth, ++g_depth);
  Completions().push_back({error, bytes, ov, flags, GetCurrentThreadId()});
}

void CALLBACK Record(DWORD error, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags) {
  EnterRoutine(error, bytes, ov, flags);
  --g_depth;
}

// Records, then waits alertably inside the routine: a nested routine would run there.
void CALLBACK RecordThenWaitAlertably(DWORD error, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags) {
  EnterRoutine(error, bytes, ov, flags);
  SleepEx(0, TRUE);
  --g_depth;
}

// The client side of most tests: after each pause (ms), one send; then it stays connected a
// while, so that no close ends the server's operations early.
void SendAfter(SOCKET c, std::initializer_list<std::pair<DWORD, const char*>> steps,
               DWORD stay_ms = 50) {
  for (const auto& [ms, text] : steps) {
    Sleep(ms);
    EXPECT_EQ(SendText(c, text), static_cast<int>(std::strlen(text)));
  }
  Sleep(stay_ms);
}

// Runs completion routines until `n` have run.
void AwaitCompletions(size_t n) {
  while (Completions().size() < n) EXPECT_EQ(SleepEx(INFINITE, TRUE), WAIT_IO_COMPLETION);
}

const WSPUPCALLTABLE& Upcalls() {
  return *static_cast<const WSPUPCALLTABLE*>(model::WinsockDll::UpcallTable());
}

int g_apcs = 0;
DWORD_PTR g_apc_context = 0;
void CALLBACK CountApc(DWORD_PTR context) {
  ++g_apcs;
  g_apc_context = context;
}

class Overlapped : public WinsockTest {
 protected:
  void SetUp() override {
    Completions().clear();
    g_depth = g_max_depth = 0;
    g_apcs = 0;
    g_apc_context = 0;
  }

  // The server accepts on an overlapped listener (the accepted socket is overlapped too); the
  // client connects with an ordinary blocking socket.
  // Pair with an overlapped listener on the server; both processes end together.
  void OverlappedPair(std::function<void(SOCKET)> server, std::function<void(SOCKET)> client) {
    PairOf([] { return AcceptWhenReady(OverlappedListener()); }, [] { return Connected(); },
           std::move(server), std::move(client));
  }
};

// --- Section 9: overlapped I/O ------------------------------------------------------------------

TEST_F(Overlapped, SPI_OVL_01_SeveralReceivesAndSendsOutstandingAtOnce) {
  const std::vector<uint8_t> first = Pattern(20000, 1), second = Pattern(20000, 2);
  OverlappedPair(
      [&](SOCKET s) {
        ASSERT_EQ(ErrorOf(SetInt(s, SOL_SOCKET, SO_SNDBUF, 2048)), kOk);
        std::deque<Request> receives;
        for (int i = 0; i < 3; ++i) {
          receives.emplace_back(4);
          EXPECT_EQ(PostRecv(s, receives.back(), &Record), WSA_IO_PENDING);
        }
        Request a(first), b(second);
        EXPECT_EQ(PostSend(s, a, &Record), WSA_IO_PENDING);  // more than the send buffer holds
        EXPECT_EQ(PostSend(s, b, &Record), WSA_IO_PENDING);
        AwaitCompletions(5);
        for (const Completion& c : Completions()) EXPECT_EQ(c.error, 0u);
        EXPECT_EQ(receives[0].data + receives[1].data + receives[2].data, "abcdefghijkl");
        EXPECT_EQ(a.ov.InternalHigh, first.size());
        EXPECT_EQ(b.ov.InternalHigh, second.size());
      },
      [&](SOCKET c) {
        SendAfter(c, {{20, "abcdefghijkl"}}, 0);  // once the server's operations are pending
        EXPECT_EQ(RecvExactly(c, first.size() + second.size()), Concat(first, second));
      });
  Run();
}

TEST_F(Overlapped, SPI_OVL_02_PendingOperationReturnsWsaIoPending) {
  OverlappedPair(
      [](SOCKET s) {
        Request r(8, /*with_event=*/true);
        EXPECT_EQ(PostRecv(s, r), WSA_IO_PENDING);
        EXPECT_EQ(r.ov.Internal, static_cast<DWORD>(WSS_OPERATION_IN_PROGRESS));
        EXPECT_FALSE(r.Signaled());
        EXPECT_EQ(WaitForSingleObject(r.ov.hEvent, INFINITE), WAIT_OBJECT_0);
        DWORD n = 0;
        EXPECT_EQ(Result(s, r, FALSE, &n), kOk);
        EXPECT_EQ(r.Got(n), "hello");
        // D-52: data already buffered completes at once (0, bytes) and still signals the event.
        Sleep(30);
        Request again(8, true);
        DWORD now = 0;
        EXPECT_EQ(PostRecv(s, again, nullptr, &now), kOk);
        EXPECT_EQ(now, 5u);
        EXPECT_EQ(again.Got(now), "world");
        EXPECT_TRUE(again.Signaled());
        EXPECT_EQ(again.ov.Internal, 0u);
      },
      [](SOCKET c) {
        EXPECT_EQ(ErrorOf(SetInt(c, IPPROTO_TCP, TCP_NODELAY, 1)), kOk);  // "world" goes at once
        SendAfter(c, {{10, "hello"}, {5, "world"}}, 100);
      });
  Run();
}

TEST_F(Overlapped, SPI_OVL_03_RoutineGetsErrorBytesAndTheSameOverlapped) {
  OverlappedPair(
      [](SOCKET s) {
        Request ok(16), reset(16);
        EXPECT_EQ(PostRecv(s, ok, &Record), WSA_IO_PENDING);
        AwaitCompletions(1);
        EXPECT_EQ(Completions()[0].error, 0u);
        EXPECT_EQ(Completions()[0].bytes, 5u);
        EXPECT_EQ(Completions()[0].overlapped, &ok.ov);
        EXPECT_EQ(ok.Got(5), "12345");
        EXPECT_EQ(PostRecv(s, reset, &Record), WSA_IO_PENDING);
        AwaitCompletions(2);  // the peer resets the connection
        EXPECT_EQ(Completions()[1].error, static_cast<DWORD>(WSAECONNRESET));
        EXPECT_EQ(Completions()[1].bytes, 0u);
        EXPECT_EQ(Completions()[1].overlapped, &reset.ov);
      },
      [](SOCKET c) {
        Sleep(10);
        EXPECT_EQ(SendText(c, "12345"), 5);
        Sleep(20);
        EXPECT_EQ(ErrorOf(SetLinger(c, 1, 0)), kOk);
        EXPECT_EQ(ErrorOf(closesocket(c)), kOk);  // abortive: RST
      });
  Run();
}

// The same through WSARecvFrom / WSASendTo on datagram sockets: a datagram larger than the
// buffers completes with WSAEMSGSIZE and the bytes that fit (D-55), lpFrom filled at completion.
TEST_F(Overlapped, SPI_OVL_03_DatagramTruncationCompletesWithMsgSizeAndBytes) {
  OnServer([] {
    SOCKET s = WSASocketA(AF_INET, SOCK_DGRAM, IPPROTO_UDP, nullptr, 0, WSA_FLAG_OVERLAPPED);
    ASSERT_EQ(ErrorOf(Bind(s, kServerIp, 5000)), kOk);
    Request r(4);
    sockaddr_in from;
    INT fromlen = sizeof(from);
    DWORD n = 0, flags = 0;
    EXPECT_EQ(ErrorOf(WSARecvFrom(s, &r.buf, 1, &n, &flags, Sa(from), &fromlen, &r.ov, &Record)),
              WSA_IO_PENDING);
    AwaitCompletions(1);
    EXPECT_EQ(Completions()[0].error, static_cast<DWORD>(WSAEMSGSIZE));
    EXPECT_EQ(Completions()[0].bytes, 4u);
    EXPECT_EQ(Completions()[0].overlapped, &r.ov);
    EXPECT_EQ(r.Got(4), "trun");
    EXPECT_EQ(from.sin_addr.s_addr, inet_addr(kClientIp));
    EXPECT_EQ(ErrorOf(closesocket(s)), kOk);
  });
  OnClient([] {
    SOCKET c = WSASocketA(AF_INET, SOCK_DGRAM, IPPROTO_UDP, nullptr, 0, WSA_FLAG_OVERLAPPED);
    Sleep(10);
    Request d(10, true);
    d.data = "truncated!";
    d.buf.buf = d.data.data();
    const sockaddr_in to = Address(kServerIp, 5000);
    DWORD n = 0;
    EXPECT_EQ(ErrorOf(WSASendTo(c, &d.buf, 1, &n, 0, Sa(to), sizeof(to), &d.ov, nullptr)), kOk);
    EXPECT_EQ(n, 10u);  // a datagram send completes at once (D-52) and signals
    EXPECT_TRUE(d.Signaled());
  });
  Run();
}

TEST_F(Overlapped, SPI_OVL_04_BuffersFilledAndSentInSubmissionOrder) {
  const std::vector<uint8_t> first = Pattern(3000, 7), second = Pattern(3000, 9);
  OverlappedPair(
      [&](SOCKET s) {
        Request r1(10, true), r2(10, true);
        EXPECT_EQ(PostRecv(s, r1), WSA_IO_PENDING);
        EXPECT_EQ(PostRecv(s, r2), WSA_IO_PENDING);
        // Observed in the other order: R2 first, yet its buffer holds the later bytes.
        EXPECT_EQ(WaitForSingleObject(r2.ov.hEvent, INFINITE), WAIT_OBJECT_0);
        DWORD n = 0;
        EXPECT_EQ(Result(s, r2, FALSE, &n), kOk);
        EXPECT_EQ(r2.Got(n), "abcdefghij");
        EXPECT_EQ(Result(s, r1, FALSE, &n), kOk);
        EXPECT_EQ(r1.Got(n), "0123456789");
        // One receive scatters into its buffers in array order (D-53).
        Request scatter(3, true);
        char tail[4];
        WSABUF both[2] = {scatter.buf, {sizeof(tail), tail}};
        DWORD flags = 0;
        EXPECT_EQ(ErrorOf(WSARecv(s, both, 2, &n, &flags, &scatter.ov, nullptr)), WSA_IO_PENDING);
        EXPECT_EQ(Result(s, scatter, TRUE, &n), kOk);
        EXPECT_EQ(n, 7u);
        EXPECT_EQ(scatter.Got(3) + std::string(tail, 4), "XYZ1234");
        // Sends leave in the order posted, the second waiting behind the first.
        ASSERT_EQ(ErrorOf(SetInt(s, SOL_SOCKET, SO_SNDBUF, 1024)), kOk);
        Request a(first, true), b(second, true);
        EXPECT_EQ(PostSend(s, a), WSA_IO_PENDING);
        EXPECT_EQ(PostSend(s, b), WSA_IO_PENDING);
        EXPECT_EQ(Result(s, b, TRUE, &n), kOk);
        EXPECT_EQ(n, second.size());
        EXPECT_TRUE(a.Signaled());
      },
      [&](SOCKET c) {
        SendAfter(c, {{10, "0123456789abcdefghij"}, {20, "XYZ1234"}}, 0);
        EXPECT_EQ(RecvExactly(c, first.size() + second.size()), Concat(first, second));
      });
  Run();
}

TEST_F(Overlapped, SPI_OVL_05_RoutinesOfOneSocketNeverNest) {
  OverlappedPair(
      [](SOCKET s) {
        Request r1(4), r2(4), r3(4);
        EXPECT_EQ(PostRecv(s, r1, &RecordThenWaitAlertably), WSA_IO_PENDING);
        EXPECT_EQ(PostRecv(s, r2, &RecordThenWaitAlertably), WSA_IO_PENDING);
        EXPECT_EQ(PostRecv(s, r3, &RecordThenWaitAlertably), WSA_IO_PENDING);
        AwaitCompletions(3);  // all three complete together; each routine waits alertably
        EXPECT_EQ(g_max_depth, 1);
        ASSERT_EQ(Completions().size(), 3u);
        EXPECT_EQ(Completions()[0].overlapped, &r1.ov);
        EXPECT_EQ(Completions()[1].overlapped, &r2.ov);
        EXPECT_EQ(Completions()[2].overlapped, &r3.ov);
      },
      [](SOCKET c) { SendAfter(c, {{10, "aaaabbbbcccc"}}); });
  Run();
}

TEST_F(Overlapped, SPI_OVL_06_RoutineRunsOnlyInAnAlertableWait) {
  OverlappedPair(
      [this](SOCKET s) {
        const DWORD me = GetCurrentThreadId();
        Request r(8);
        EXPECT_EQ(PostRecv(s, r, &Record), WSA_IO_PENDING);
        Sleep(50);  // the data arrives meanwhile; a plain Sleep is not alertable
        EXPECT_TRUE(Completions().empty());
        DWORD n = 0;
        EXPECT_EQ(Result(s, r, FALSE, &n), kOk);  // the result is there already
        EXPECT_EQ(n, 3u);
        HANDLE never = CreateEventA(nullptr, TRUE, FALSE, nullptr);
        EXPECT_EQ(WaitForSingleObjectEx(never, 10, FALSE), WAIT_TIMEOUT);
        EXPECT_TRUE(Completions().empty());
        const sim::Duration before = Elapsed();
        EXPECT_EQ(SleepEx(1000, TRUE), WAIT_IO_COMPLETION);
        EXPECT_EQ(Elapsed(), before);  // it ran at once, on entering the alertable wait
        ASSERT_EQ(Completions().size(), 1u);
        EXPECT_EQ(Completions()[0].thread, me);
        EXPECT_EQ(Completions()[0].bytes, 3u);
      },
      [](SOCKET c) { SendAfter(c, {{10, "abc"}}, 100); });
  Run();
}

TEST_F(Overlapped, SPI_OVL_07_NullRoutineSignalsTheEventAndResultGivesBytes) {
  OverlappedPair(
      [this](SOCKET s) {
        Request r(16, true);
        EXPECT_EQ(PostRecv(s, r), WSA_IO_PENDING);
        EXPECT_EQ(WaitForSingleObject(r.ov.hEvent, INFINITE), WAIT_OBJECT_0);
        DWORD n = 0;
        EXPECT_EQ(Result(s, r, FALSE, &n), kOk);
        EXPECT_EQ(r.Got(n), "seven!!");
        // fWait TRUE waits, in virtual time, for the next one.
        Request next(16, true);
        EXPECT_EQ(PostRecv(s, next), WSA_IO_PENDING);
        const sim::Duration before = Elapsed();
        EXPECT_EQ(Result(s, next, TRUE, &n), kOk);
        EXPECT_EQ(next.Got(n), "two");
        EXPECT_GE(Elapsed() - before, sim::Duration::Milliseconds(20));
        EXPECT_TRUE(next.Signaled());
        EXPECT_EQ(SleepEx(0, TRUE), 0u);  // no routine was queued
      },
      [](SOCKET c) { SendAfter(c, {{10, "seven!!"}, {30, "two"}}); });
  Run();
}

TEST_F(Overlapped, TheEventIsResetWhenAnOperationStartsAndSetWhenItCompletes) {
  OverlappedPair(
      [](SOCKET s) {
        Request r(16, true);
        ASSERT_EQ(SetEvent(r.ov.hEvent), TRUE);  // left signaled by an earlier use
        EXPECT_EQ(PostRecv(s, r), WSA_IO_PENDING);
        EXPECT_FALSE(r.Signaled());  // reset as the operation started
        EXPECT_EQ(WaitForSingleObject(r.ov.hEvent, INFINITE), WAIT_OBJECT_0);
        EXPECT_EQ(r.Got(static_cast<DWORD>(r.ov.InternalHigh)), "late");
      },
      [](SOCKET c) { SendAfter(c, {{10, "late"}}); });
  Run();
}

TEST_F(Overlapped, SPI_OVL_08_ResultWithoutWaitBeforeCompletionIsIoIncomplete) {
  OverlappedPair(
      [](SOCKET s) {
        Request r(8, true);
        EXPECT_EQ(PostRecv(s, r), WSA_IO_PENDING);
        DWORD n = 12345;
        EXPECT_EQ(Result(s, r, FALSE, &n), WSA_IO_INCOMPLETE);
        EXPECT_EQ(WaitForSingleObject(r.ov.hEvent, INFINITE), WAIT_OBJECT_0);
        EXPECT_EQ(Result(s, r, FALSE, &n), kOk);
        EXPECT_EQ(n, 2u);
      },
      [](SOCKET c) { SendAfter(c, {{10, "ok"}}); });
  Run();
}

TEST_F(Overlapped, SPI_OVL_09_TooManyOutstandingFailsWithWouldBlock) {
  OverlappedPair(
      [](SOCKET s) {
        std::deque<Request> pending;
        for (int i = 0; i < 64; ++i) {
          pending.emplace_back(1, i == 0);
          EXPECT_EQ(PostRecv(s, pending.back()), WSA_IO_PENDING) << i;
        }
        Request one_more(1);
        EXPECT_EQ(PostRecv(s, one_more), WSAEWOULDBLOCK);
        Request send(1);
        EXPECT_EQ(PostSend(s, send), WSAEWOULDBLOCK);  // the limit counts every operation
        // Once one completes, there is room again.
        EXPECT_EQ(WaitForSingleObject(pending[0].ov.hEvent, INFINITE), WAIT_OBJECT_0);
        EXPECT_EQ(PostRecv(s, one_more), WSA_IO_PENDING);
        EXPECT_EQ(ErrorOf(closesocket(s)), kOk);  // ends them while their requests still exist
      },
      [](SOCKET c) { SendAfter(c, {{10, "x"}}); });
  Run();
}

TEST_F(Overlapped, SPI_OVL_10_NonOverlappedSocketIgnoresOverlappedArguments) {
  Pair(
      [](SOCKET s) {  // socket(): not overlapped, blocking
        Request r(8, true);
        r.ov.Internal = 0x5a5a;
        DWORD n = 0;
        EXPECT_EQ(PostRecv(s, r, &Record, &n), kOk);  // blocks until the data is there
        EXPECT_EQ(r.Got(n), "abc");
        EXPECT_EQ(r.ov.Internal, 0x5a5au);  // untouched
        EXPECT_FALSE(r.Signaled());
        Request reply(2, true);
        reply.data = "ok";
        reply.buf.buf = reply.data.data();
        EXPECT_EQ(PostSend(s, reply, &Record, &n), kOk);
        EXPECT_EQ(n, 2u);
        EXPECT_EQ(SleepEx(10, TRUE), 0u);  // no routine queued
        EXPECT_TRUE(Completions().empty());
      },
      [](SOCKET c) {
        Sleep(10);
        EXPECT_EQ(SendText(c, "abc"), 3);
        EXPECT_EQ(RecvExactly(c, 2), "ok");
      });
  Run();
}

TEST_F(Overlapped, SPI_OVL_11_CloseCompletesPendingWithOperationAborted) {
  OverlappedPair(
      [](SOCKET s) {
        ASSERT_EQ(ErrorOf(SetInt(s, SOL_SOCKET, SO_SNDBUF, 1024)), kOk);
        Request r1(8, true), r2(8, true), r3(8), big(50000, true);
        EXPECT_EQ(PostRecv(s, r1), WSA_IO_PENDING);
        EXPECT_EQ(PostSend(s, big), WSA_IO_PENDING);  // the client never reads
        EXPECT_EQ(PostRecv(s, r2), WSA_IO_PENDING);
        EXPECT_EQ(PostRecv(s, r3, &Record), WSA_IO_PENDING);
        EXPECT_EQ(ErrorOf(closesocket(s)), kOk);
        for (Request* r : {&r1, &r2, &big}) {
          EXPECT_EQ(r->ov.Internal, static_cast<DWORD>(WSA_OPERATION_ABORTED));
          EXPECT_TRUE(r->Signaled());
        }
        EXPECT_GT(big.ov.InternalHigh, 0u);  // what was queued before the close
        EXPECT_LT(big.ov.InternalHigh, 50000u);
        EXPECT_EQ(SleepEx(0, TRUE), WAIT_IO_COMPLETION);
        ASSERT_EQ(Completions().size(), 1u);
        EXPECT_EQ(Completions()[0].error, static_cast<DWORD>(WSA_OPERATION_ABORTED));
        EXPECT_EQ(Completions()[0].overlapped, &r3.ov);
        // The last WSACleanup ends the operations of sockets still open the same way (D-14).
        SOCKET udp = WSASocketA(AF_INET, SOCK_DGRAM, IPPROTO_UDP, nullptr, 0, WSA_FLAG_OVERLAPPED);
        ASSERT_EQ(ErrorOf(Bind(udp, kServerIp, 5000)), kOk);
        Request r4(8, true);
        EXPECT_EQ(PostRecv(udp, r4), WSA_IO_PENDING);
        EXPECT_EQ(WSACleanup(), 0);
        EXPECT_EQ(r4.ov.Internal, static_cast<DWORD>(WSA_OPERATION_ABORTED));
        EXPECT_TRUE(r4.Signaled());
      },
      [](SOCKET) { Sleep(100); });
  Run();
}

// An abortive close (SO_LINGER {1, 0}) too: the reset it sends does not complete the pending
// receive with a connection error first.
TEST_F(Overlapped, SPI_OVL_11_AbortiveCloseCompletesPendingWithOperationAborted) {
  OverlappedPair(
      [](SOCKET s) {
        ASSERT_EQ(ErrorOf(SetLinger(s, 1, 0)), kOk);
        Request r(8, true);
        EXPECT_EQ(PostRecv(s, r), WSA_IO_PENDING);
        EXPECT_EQ(ErrorOf(closesocket(s)), kOk);
        EXPECT_EQ(r.ov.Internal, static_cast<DWORD>(WSA_OPERATION_ABORTED));
        EXPECT_TRUE(r.Signaled());
      },
      [](SOCKET) { Sleep(100); });
  Run();
}

TEST_F(Overlapped, SPI_OVL_12_ReusingAnInFlightOverlappedIsRefused) {
  OverlappedPair(
      [](SOCKET s) {
        Request r(8, true);
        EXPECT_EQ(PostRecv(s, r), WSA_IO_PENDING);
        // the same WSAOVERLAPPED again, on this socket or another one of the process.
        char other[8];
        WSABUF other_buf{sizeof(other), other};
        DWORD n = 0, flags = 0;
        EXPECT_EQ(ErrorOf(WSARecv(s, &other_buf, 1, &n, &flags, &r.ov, nullptr)), WSAEINVAL);
        SOCKET udp = WSASocketA(AF_INET, SOCK_DGRAM, IPPROTO_UDP, nullptr, 0, WSA_FLAG_OVERLAPPED);
        ASSERT_NE(udp, INVALID_SOCKET);
        EXPECT_EQ(ErrorOf(Bind(udp, kServerIp, 5000)), kOk);
        EXPECT_EQ(ErrorOf(WSARecvFrom(udp, &other_buf, 1, &n, &flags, nullptr, nullptr, &r.ov,
                                      nullptr)),
                  WSAEINVAL);
        // The operation in flight is intact; once complete, the structure may be reused.
        EXPECT_EQ(WaitForSingleObject(r.ov.hEvent, INFINITE), WAIT_OBJECT_0);
        EXPECT_EQ(Result(s, r, FALSE, &n), kOk);
        EXPECT_EQ(r.Got(n), "intact");
        EXPECT_EQ(PostRecv(s, r), WSA_IO_PENDING);
        EXPECT_EQ(ErrorOf(closesocket(s)), kOk);
      },
      [](SOCKET c) { SendAfter(c, {{10, "intact"}}); });
  Run();
}

// --- SPI-DATA-20: data calls from inside a completion routine -----------------------------------

// A per-connection echo driven by completion routines alone (the routine re-issues the I/O).
struct EchoState {
  SOCKET s = INVALID_SOCKET;
  WSAOVERLAPPED ov{};
  char data[64] = {};
  WSABUF buf{};
  bool done = false;
  std::vector<int> issue_results;  // kOk or WSA_IO_PENDING expected from every call
} g_echo;

void CALLBACK EchoSent(DWORD error, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags);
void CALLBACK EchoReceived(DWORD error, DWORD bytes, LPWSAOVERLAPPED, DWORD) {
  if (error != 0 || bytes == 0) {
    g_echo.done = true;
    return;
  }
  g_echo.buf = {static_cast<int>(bytes), g_echo.data};
  DWORD n = 0;
  g_echo.issue_results.push_back(
      ErrorOf(WSASend(g_echo.s, &g_echo.buf, 1, &n, 0, &g_echo.ov, &EchoSent)));
}
void CALLBACK EchoSent(DWORD error, DWORD, LPWSAOVERLAPPED, DWORD) {
  if (error != 0) {
    g_echo.done = true;
    return;
  }
  g_echo.buf = {sizeof(g_echo.data), g_echo.data};
  DWORD n = 0, flags = 0;
  g_echo.issue_results.push_back(
      ErrorOf(WSARecv(g_echo.s, &g_echo.buf, 1, &n, &flags, &g_echo.ov, &EchoReceived)));
}

TEST_F(Overlapped, SPI_DATA_20_RecvAndSendFromInsideACompletionRoutine) {
  g_echo = EchoState{};
  OverlappedPair(
      [](SOCKET s) {
        g_echo.s = s;
        EchoSent(0, 0, nullptr, 0);  // posts the first receive
        while (!g_echo.done) SleepEx(INFINITE, TRUE);
        EXPECT_GE(g_echo.issue_results.size(), 5u);  // 1 + 2 per round trip
        for (int rc : g_echo.issue_results) {
          EXPECT_TRUE(rc == kOk || rc == WSA_IO_PENDING) << rc;
        }
        closesocket(s);
      },
      [](SOCKET c) {
        for (const char* text : {"ping", "pong!"}) {
          EXPECT_EQ(SendText(c, text), static_cast<int>(std::strlen(text)));
          EXPECT_EQ(RecvExactly(c, std::strlen(text)), text);
        }
        EXPECT_EQ(ErrorOf(shutdown(c, SD_SEND)), kOk);
        int last = -1;
        EXPECT_TRUE(RecvToEnd(c, &last).empty());
        EXPECT_EQ(last, 0);
      });
  Run();
}

// --- SPI-IOCTL-05 and WSASocket -----------------------------------------------------------------

TEST_F(Overlapped, SPI_IOCTL_05_FionbioZeroOnAnOverlappedSocketFails) {
  OverlappedPair(
      [](SOCKET accepted) {
        // However an overlapped socket is made: WSASocketA's flag, WSASocketW from a protocol
        // info (FROM_PROTOCOL_INFO), or accepted from an overlapped listener.
        WSAPROTOCOL_INFOW infos[8];
        DWORD size = sizeof(infos);
        INT protocols[] = {IPPROTO_TCP, 0};
        ASSERT_GE(WSAEnumProtocolsW(protocols, infos, &size), 1);
        SOCKET from_info = WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO,
                                      &infos[0], 0, WSA_FLAG_OVERLAPPED);
        ASSERT_NE(from_info, INVALID_SOCKET) << WSAGetLastError();
        EXPECT_EQ(GetInt(from_info, SOL_SOCKET, SO_TYPE), SOCK_STREAM);
        for (SOCKET s : {OverlappedTcp(), from_info, accepted}) {
          EXPECT_EQ(ErrorOf(SetNonBlocking(s, false)), WSAEINVAL);
          EXPECT_EQ(ErrorOf(SetNonBlocking(s, true)), kOk);
        }
        // Not overlapped: back to blocking is fine.
        SOCKET plain = WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO,
                                  &infos[0], 0, 0);
        EXPECT_EQ(ErrorOf(SetNonBlocking(plain, true)), kOk);
        EXPECT_EQ(ErrorOf(SetNonBlocking(plain, false)), kOk);
      },
      [](SOCKET) {});
  Run();
}

TEST_F(Overlapped, WSASocket_D33_GroupArgumentOrUnknownCatalogEntryFailsWithEinval) {
  OnServer([] {
    EXPECT_EQ(ErrorOf(WSASocketA(AF_INET, SOCK_STREAM, 0, nullptr, 1, WSA_FLAG_OVERLAPPED)),
              WSAEINVAL);  // groups are formed at connect/accept time (D-33)
    WSAPROTOCOL_INFOA info;
    std::memset(&info, 0, sizeof(info));
    info.dwCatalogEntryId = 0xdead;
    EXPECT_EQ(ErrorOf(WSASocketA(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO,
                                 &info, 0, 0)),
              WSAEINVAL);
    EXPECT_EQ(ErrorOf(WSASocketA(AF_INET, 99, 0, nullptr, 0, 0)),
              WSAESOCKTNOSUPPORT);  // as socket() chooses
  });
  Run();
}

// --- SPI-UPCALL-05 / 06: WPUQueueApc ------------------------------------------------------------

DWORD WINAPI QueueToThreadLater(LPVOID param) {
  Sleep(5);
  int error = 0;
  EXPECT_EQ(Upcalls().lpWPUQueueApc(static_cast<LPWSATHREADID>(param), &CountApc, 2, &error), 0);
  return 0;
}

TEST_F(Overlapped, SPI_UPCALL_05_ApcRunsOnlyInAnAlertableWait) {
  OnServer([this] {
    WSATHREADID me;
    int error = 0;
    ASSERT_EQ(Upcalls().lpWPUOpenCurrentThread(&me, &error), 0);
    ASSERT_EQ(Upcalls().lpWPUQueueApc(&me, &CountApc, 7, &error), 0);
    Sleep(10);
    HANDLE never = CreateEventA(nullptr, TRUE, FALSE, nullptr);
    EXPECT_EQ(WaitForSingleObject(never, 10), WAIT_TIMEOUT);
    EXPECT_EQ(WaitForSingleObjectEx(never, 10, FALSE), WAIT_TIMEOUT);
    EXPECT_EQ(g_apcs, 0);  // not in an alertable wait yet
    EXPECT_EQ(WaitForSingleObjectEx(never, 10, TRUE), WAIT_IO_COMPLETION);
    EXPECT_EQ(g_apcs, 1);
    EXPECT_EQ(g_apc_context, 7u);
    // Queued by another thread while this one sleeps alertably: it wakes and runs it.
    HANDLE other = CreateThread(nullptr, 0, &QueueToThreadLater, &me, 0, nullptr);
    const sim::Duration before = Elapsed();
    EXPECT_EQ(SleepEx(INFINITE, TRUE), WAIT_IO_COMPLETION);
    EXPECT_EQ(Elapsed() - before, sim::Duration::Milliseconds(5));
    EXPECT_EQ(g_apcs, 2);
    EXPECT_EQ(g_apc_context, 2u);
    EXPECT_EQ(WaitForSingleObject(other, INFINITE), WAIT_OBJECT_0);
    EXPECT_EQ(Upcalls().lpWPUCloseThread(&me, &error), 0);
  });
  Run();
}

DWORD WINAPI OpenAndEnd(LPVOID param) {
  int error = 0;
  EXPECT_EQ(Upcalls().lpWPUOpenCurrentThread(static_cast<LPWSATHREADID>(param), &error), 0);
  return 0;
}

TEST_F(Overlapped, SPI_UPCALL_06_QueueApcToAnInvalidThreadFailsWithEinval) {
  OnServer([] {
    WSATHREADID bogus{nullptr, 987654};
    int error = 0;
    EXPECT_EQ(Upcalls().lpWPUQueueApc(&bogus, &CountApc, 1, &error), SOCKET_ERROR);
    EXPECT_EQ(error, WSAEINVAL);  // D-67
    WSATHREADID ended;
    HANDLE t = CreateThread(nullptr, 0, &OpenAndEnd, &ended, 0, nullptr);
    EXPECT_EQ(WaitForSingleObject(t, INFINITE), WAIT_OBJECT_0);
    error = 0;
    EXPECT_EQ(Upcalls().lpWPUQueueApc(&ended, &CountApc, 1, &error), SOCKET_ERROR);
    EXPECT_EQ(error, WSAEINVAL);
    EXPECT_EQ(SleepEx(0, TRUE), 0u);
    EXPECT_EQ(g_apcs, 0);
  });
  Run();
}

// --- The bundled overlapped echo server ---------------------------------------------------------

size_t CountContaining(const std::vector<std::string>& lines, const std::string& text) {
  return static_cast<size_t>(std::count_if(lines.begin(), lines.end(), [&](const std::string& l) {
    return l.find(text) != std::string::npos;
  }));
}

// Every client's echo comes back byte-exact (echo_client exits 0 only then), and the trace shows
// the overlapped path: pending receives, routines queued by WPUQueueApc and run inside SleepEx.
TEST(OverlappedScenario, OverlappedEchoServesEveryClientByteExact) {
  absl::StatusOr<Scenario> s = LoadScenarioFile(std::string(WS2SIM_SOURCE_DIR) +
                                                "/scenarios/examples/overlapped_echo.textproto");
  ASSERT_TRUE(s.ok()) << s.status();
  const std::string path = ::testing::TempDir() + "/overlapped_echo.w2t";
  absl::StatusOr<RunReport> r = RunScenario(*s, {.trace_path = path});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->ok()) << FormatReport(*r, "overlapped_echo");
  ASSERT_EQ(r->processes.size(), 4u);  // the server and its three clients
  for (const ProcessReport& p : r->processes) {
    EXPECT_EQ(p.exit_code, std::optional<int>(0)) << p.host << "/" << p.name;
  }
  trace::ReadResult t = trace::ReadTraceFile(path);
  ASSERT_TRUE(t.status.ok()) << t.status;
  std::vector<std::string> lines;
  for (const trace::TraceRecord& rec : t.trace.records) {
    lines.push_back(trace::DumpRecord(t.trace, rec));
  }
  std::remove(path.c_str());
  EXPECT_GT(CountContaining(lines, "WSPRecv return socket="), 0u);
  EXPECT_GT(CountContaining(lines, "error=997"), 3u);  // WSA_IO_PENDING
  // Notes (not the string definitions): one per routine run, and one when it returns.
  const size_t routines = CountContaining(lines, "\"completion routine runs (error)\" a=");
  EXPECT_GT(routines, 6u);  // at least a receive and a send per client
  EXPECT_EQ(CountContaining(lines, "\"completion routine returned\" a="), routines);
  EXPECT_GE(CountContaining(lines, "WPUQueueApc return result=0"), routines);
}

}  // namespace
}  // namespace ws2sim::scenarios::testing
