// WSAEventSelect and WSAEnumNetworkEvents through the DLL and the tcpip provider (CHECKLIST
// section 8, SPI-EVSEL and SPI-ENUM; SPEC 2.11, 2.14, 2.15; D-45, D-61, D-84, D-99, D-100), and
// the event-select halves of SPI-ACCEPT-20, SPI-IOCTL-04, SPI-OOB-04 and SPI-SELECT-09.
#include "gtest/gtest.h"
// The harness last: it ends with the guest headers, whose macros rename socket, bind, ...
#include "tests/world/winsock_harness.h"

namespace ws2sim::scenarios::testing {
namespace {

using sim::Duration;

// The events WSAEnumNetworkEvents reports for `s` now (clearing them; resets `reset` if given).
long Enum(SOCKET s, WSAEVENT reset = WSA_INVALID_EVENT, WSANETWORKEVENTS* out = nullptr) {
  WSANETWORKEVENTS events;
  std::memset(&events, 0xab, sizeof(events));
  EXPECT_EQ(ErrorOf(WSAEnumNetworkEvents(s, reset, &events)), kOk);
  if (out != nullptr) *out = events;
  return events.lNetworkEvents;
}

// Whether `e` is signaled now (a zero-timeout wait).
bool Signaled(WSAEVENT e) {
  return WSAWaitForMultipleEvents(1, &e, FALSE, 0, FALSE) == WSA_WAIT_EVENT_0;
}

// Waits up to `ms` virtual milliseconds for `e`.
bool WaitFor(WSAEVENT e, DWORD ms) {
  return WSAWaitForMultipleEvents(1, &e, FALSE, ms, FALSE) == WSA_WAIT_EVENT_0;
}

class EventSelect : public WinsockTest {};

TEST_F(EventSelect, SPI_EVSEL_01_MakesTheSocketNonBlockingEvenWithAZeroMask) {
  OnServer([] {
    SOCKET listener = Listener();
    WSAEVENT e = WSACreateEvent();
    ASSERT_NE(e, WSA_INVALID_EVENT);
    EXPECT_EQ(WSAEventSelect(listener, e, 0), 0);
    EXPECT_EQ(accept(listener, nullptr, nullptr), INVALID_SOCKET);
    EXPECT_EQ(WSAGetLastError(), WSAEWOULDBLOCK);  // would have blocked before
    Sleep(100);
  });
  Run();
}

TEST_F(EventSelect, SPI_EVSEL_02_ASelectedEventRecordsItsBitAndErrorAndSignals) {
  OnClient([] {
    SOCKET s = Tcp();
    WSAEVENT e = WSACreateEvent();
    EXPECT_EQ(WSAEventSelect(s, e, FD_CONNECT), 0);
    EXPECT_EQ(ErrorOf(Connect(s, kServerIp, 9)), WSAEWOULDBLOCK);  // nobody listens on 9
    EXPECT_FALSE(Signaled(e));
    EXPECT_TRUE(WaitFor(e, 5000));
    WSANETWORKEVENTS events;
    EXPECT_EQ(Enum(s, e, &events), FD_CONNECT);
    EXPECT_EQ(events.iErrorCode[FD_CONNECT_BIT], WSAECONNREFUSED);
  });
  Run();
}

TEST_F(EventSelect, SPI_EVSEL_03_WSAEventSelectClearsTheRecord) {
  Pair(
      [](SOCKET s) {
        WSAEVENT e = WSACreateEvent();
        EXPECT_EQ(WSAEventSelect(s, e, FD_READ), 0);
        EXPECT_TRUE(WaitFor(e, 5000));
        EXPECT_EQ(WSAEventSelect(s, e, FD_CLOSE), 0);  // FD_READ was recorded: now cleared
        EXPECT_EQ(Enum(s), 0);
        Sleep(5000);
      },
      [](SOCKET s) {
        EXPECT_EQ(SendText(s, "x"), 1);
        Sleep(5000);
      });
  Run();
}

TEST_F(EventSelect, SPI_EVSEL_04_ASecondSelectReplacesTheFirstEventAndMask) {
  Pair(
      [](SOCKET s) {
        WSAEVENT e1 = WSACreateEvent(), e2 = WSACreateEvent();
        EXPECT_EQ(WSAEventSelect(s, e1, FD_READ), 0);
        EXPECT_EQ(WSAEventSelect(s, e2, FD_WRITE), 0);  // writable now: FD_WRITE (D-99)
        Sleep(1000);                                    // the data has arrived
        EXPECT_FALSE(Signaled(e1));
        EXPECT_TRUE(Signaled(e2));
        EXPECT_EQ(Enum(s), FD_WRITE);
      },
      [](SOCKET s) {
        Sleep(500);
        EXPECT_EQ(SendText(s, "x"), 1);
        Sleep(2000);
      });
  Run();
}

TEST_F(EventSelect, SPI_EVSEL_05_AZeroMaskCancelsAndClosingKeepsTheEventValid) {
  Pair(
      [](SOCKET s) {
        WSAEVENT e = WSACreateEvent();
        EXPECT_EQ(WSAEventSelect(s, e, FD_READ), 0);
        EXPECT_EQ(WSAEventSelect(s, WSA_INVALID_EVENT, 0), 0);  // the event argument is ignored
        Sleep(1000);                                             // data arrived meanwhile
        EXPECT_FALSE(Signaled(e));
        EXPECT_EQ(Enum(s), 0);
        EXPECT_EQ(WSAEventSelect(s, e, FD_READ), 0);  // data waits: recorded at once
        EXPECT_TRUE(Signaled(e));
        EXPECT_EQ(WSAResetEvent(e), TRUE);
        EXPECT_EQ(closesocket(s), 0);
        Sleep(1000);  // more data for the closed socket: nothing is recorded or signaled
        EXPECT_FALSE(Signaled(e));
        EXPECT_EQ(WSASetEvent(e), TRUE);  // the event object stays valid
        EXPECT_TRUE(Signaled(e));
        EXPECT_EQ(WSACloseEvent(e), TRUE);
      },
      [](SOCKET s) {
        Sleep(500);
        EXPECT_EQ(SendText(s, "a"), 1);
        Sleep(1000);
        SendText(s, "b");
        Sleep(1000);
      });
  Run();
}

TEST_F(EventSelect, SPI_EVSEL_06_ClearingTheRecordDoesNotReenable) {
  Pair(
      [](SOCKET s) {
        WSAEVENT e = WSACreateEvent();
        EXPECT_EQ(WSAEventSelect(s, e, FD_READ), 0);
        EXPECT_TRUE(WaitFor(e, 5000));
        EXPECT_EQ(Enum(s, e), FD_READ);
        Sleep(1000);  // a second arrival before any recv
        EXPECT_FALSE(Signaled(e));
        EXPECT_EQ(Enum(s, e), 0);
        EXPECT_EQ(RecvText(s, 1), "a");  // re-enables; "b" still waits: recorded again
        EXPECT_TRUE(Signaled(e));
        EXPECT_EQ(Enum(s, e), FD_READ);
      },
      [](SOCKET s) {
        EXPECT_EQ(SendText(s, "a"), 1);
        Sleep(500);
        EXPECT_EQ(SendText(s, "b"), 1);
        Sleep(2000);
      });
  Run();
}

TEST_F(EventSelect, SPI_EVSEL_07_APartialRecvRerecordsFdReadAndResignals) {
  Pair(
      [](SOCKET s) {
        WSAEVENT e = WSACreateEvent();
        EXPECT_EQ(WSAEventSelect(s, e, FD_READ), 0);
        Sleep(1000);  // 100 bytes queued
        EXPECT_EQ(Enum(s, e), FD_READ);
        EXPECT_FALSE(Signaled(e));
        EXPECT_EQ(RecvText(s, 50).size(), 50u);
        EXPECT_TRUE(Signaled(e));  // 50 remain
        EXPECT_EQ(Enum(s, e), FD_READ);
        EXPECT_EQ(RecvText(s, 50).size(), 50u);
        EXPECT_FALSE(Signaled(e));  // nothing remains
        EXPECT_EQ(Enum(s, e), 0);
      },
      [](SOCKET s) {
        EXPECT_EQ(SendText(s, std::string(100, 'z')), 100);
        Sleep(2000);
      });
  Run();
}

TEST_F(EventSelect, SPI_EVSEL_08_SelectingFdAcceptWithARequestPendingRecordsAtOnce) {
  OnServer([] {
    SOCKET listener = Listener();
    Sleep(1000);  // the request is queued
    WSAEVENT e = WSACreateEvent();
    EXPECT_EQ(WSAEventSelect(listener, e, FD_ACCEPT), 0);
    EXPECT_TRUE(Signaled(e));
    EXPECT_EQ(Enum(listener, e), FD_ACCEPT);
    EXPECT_NE(accept(listener, nullptr, nullptr), INVALID_SOCKET);
    Sleep(1000);
  });
  OnClient([] {
    Connected();
    Sleep(2000);
  });
  Run();
}

TEST_F(EventSelect, SPI_EVSEL_09_AcceptedSocketSignalsTheListenersEventUntilReselected) {
  OnServer([] {
    SOCKET listener = Listener();
    WSAEVENT listener_event = WSACreateEvent(), accepted_event = WSACreateEvent();
    EXPECT_EQ(WSAEventSelect(listener, listener_event, FD_ACCEPT | FD_READ | FD_WRITE), 0);
    EXPECT_TRUE(WaitFor(listener_event, 5000));
    EXPECT_EQ(Enum(listener, listener_event), FD_ACCEPT);
    SOCKET a = accept(listener, nullptr, nullptr);
    ASSERT_NE(a, INVALID_SOCKET);
    // The accepted socket's first FD_WRITE signals the listener's event.
    EXPECT_TRUE(Signaled(listener_event));
    EXPECT_EQ(Enum(a, listener_event), FD_WRITE);
    Sleep(1000);  // data arrives: FD_READ, on the listener's event too
    EXPECT_TRUE(Signaled(listener_event));
    // Re-selecting with its own event records FD_WRITE and the pending FD_READ there.
    EXPECT_EQ(WSAEventSelect(a, accepted_event, FD_READ | FD_WRITE), 0);
    EXPECT_TRUE(Signaled(accepted_event));
    EXPECT_EQ(Enum(a, accepted_event), FD_READ | FD_WRITE);
  });
  OnClient([] {
    SOCKET s = Connected();
    Sleep(500);
    EXPECT_EQ(SendText(s, "hello"), 5);
    Sleep(2000);
  });
  Run();
}

TEST_F(EventSelect, SPI_EVSEL_10_AStaleSignalMakesTheNextRecvWouldBlock) {
  Pair(
      [](SOCKET s) {
        WSAEVENT e = WSACreateEvent();
        EXPECT_EQ(WSAEventSelect(s, e, FD_READ), 0);
        EXPECT_TRUE(WaitFor(e, 5000));
        EXPECT_EQ(RecvText(s, 10), "data");  // read without enumerating: e stays signaled
        EXPECT_TRUE(Signaled(e));
        int rc = 0;
        EXPECT_EQ(RecvText(s, 10, 0, &rc), "");
        EXPECT_EQ(rc, SOCKET_ERROR);
        EXPECT_EQ(WSAGetLastError(), WSAEWOULDBLOCK);  // a notification only predicts
      },
      [](SOCKET s) {
        EXPECT_EQ(SendText(s, "data"), 4);
        Sleep(2000);
      });
  Run();
}

TEST_F(EventSelect, SPI_EVSEL_11_BadSocketsAndArgumentsFail) {
  OnServer([] {
    WSAEVENT e = WSACreateEvent();
    EXPECT_EQ(ErrorOf(WSAEventSelect(0x7ff0, e, FD_READ)), WSAENOTSOCK);
    SOCKET s = Tcp();
    EXPECT_EQ(ErrorOf(WSAEventSelect(s, WSA_INVALID_EVENT, FD_READ)), WSAEINVAL);
    EXPECT_EQ(ErrorOf(WSAEventSelect(s, e, 0x10000)), WSAEINVAL);  // no such event
  });
  Run();
}

TEST_F(EventSelect, SPI_ENUM_01_EnumerationReturnsTheRecordAndClearsIt) {
  Pair(
      [](SOCKET s) {
        WSAEVENT e = WSACreateEvent();
        EXPECT_EQ(WSAEventSelect(s, e, FD_READ | FD_CLOSE), 0);
        Sleep(1000);  // the data and the close have arrived
        EXPECT_EQ(Enum(s), FD_READ);
        EXPECT_EQ(Enum(s), 0);
        EXPECT_EQ(RecvText(s, 10), "bye");  // all read: the graceful close is reportable
        WSANETWORKEVENTS events;
        EXPECT_EQ(Enum(s, WSA_INVALID_EVENT, &events), FD_CLOSE);
        EXPECT_EQ(events.iErrorCode[FD_CLOSE_BIT], 0);
        EXPECT_EQ(Enum(s), 0);
      },
      [](SOCKET s) {
        EXPECT_EQ(SendText(s, "bye"), 3);
        EXPECT_EQ(closesocket(s), 0);
        Sleep(2000);
      });
  Run();
}

TEST_F(EventSelect, SPI_ENUM_02_PassingTheEventResetsItAndNullLeavesItSignaled) {
  Pair(
      [](SOCKET s) {
        WSAEVENT e = WSACreateEvent();
        EXPECT_EQ(WSAEventSelect(s, e, FD_WRITE), 0);  // writable: recorded at once
        EXPECT_TRUE(Signaled(e));
        EXPECT_EQ(Enum(s), FD_WRITE);  // without the event
        EXPECT_TRUE(Signaled(e));
        EXPECT_EQ(WSAEventSelect(s, e, FD_WRITE), 0);
        EXPECT_EQ(Enum(s, e), FD_WRITE);  // with it
        EXPECT_FALSE(Signaled(e));
      },
      [](SOCKET) { Sleep(1000); });
  Run();
}

TEST_F(EventSelect, SPI_ENUM_03_AnEventArrivingAtTheEnumerationInstantIsNeverLost) {
  // The data reaches the server at exactly 1 s + 1 ms of virtual time (the client sends at 1 s
  // over a 1 ms link); the server enumerates at that same instant. Whichever runs first, FD_READ
  // is either returned or left recorded with the event signaled.
  Pair(
      [this](SOCKET s) {
        WSAEVENT e = WSACreateEvent();
        EXPECT_EQ(WSAEventSelect(s, e, FD_READ), 0);
        Sleep(static_cast<DWORD>(1001 - Elapsed().ns() / 1'000'000));
        const long first = Enum(s, e);
        if (first == FD_READ) {
          EXPECT_FALSE(Signaled(e));
        } else {
          EXPECT_EQ(first, 0);
          EXPECT_TRUE(WaitFor(e, 1000));
          EXPECT_EQ(Enum(s, e), FD_READ);
        }
      },
      [this](SOCKET s) {
        Sleep(static_cast<DWORD>(1000 - Elapsed().ns() / 1'000'000));
        EXPECT_EQ(SendText(s, "x"), 1);
        Sleep(2000);
      });
  Run();
}

// A socket whose refused connect (nobody listens on port 9) recorded FD_CONNECT on `*e`; then
// WSPEnumNetworkEvents through the provider's table with an array of `count` elements: its
// result, *lpErrno, the count it reports and the array.
struct RawEnumeration {
  SOCKET s = INVALID_SOCKET;
  WSAEVENT e = WSA_INVALID_EVENT;
  int rc = 0;
  INT error = 0;
  INT count = 0;
  WSANETWORKEVENT array[8] = {};
};
RawEnumeration EnumerateRefusedConnect(INT count) {
  RawEnumeration r;
  r.s = Tcp();
  SpiScope spi(r.s);
  r.e = WSACreateEvent();
  EXPECT_EQ(WSAEventSelect(r.s, r.e, FD_CONNECT), 0);
  EXPECT_EQ(ErrorOf(Connect(r.s, kServerIp, 9)), WSAEWOULDBLOCK);
  EXPECT_TRUE(WaitFor(r.e, 5000));
  EXPECT_TRUE(spi.ok());
  r.count = count;
  if (spi.ok()) r.rc = spi->lpWSPEnumNetworkEvents(r.s, r.e, r.array, &r.count, &r.error);
  return r;
}

TEST_F(EventSelect, SPI_ENUM_04_ElementIIsFdBitIWithItsErrorCode) {
  OnClient([] {
    const RawEnumeration r = EnumerateRefusedConnect(8);
    EXPECT_EQ(r.rc, 0);
    EXPECT_EQ(r.count, FD_CONNECT_BIT + 1);  // up to the highest recorded bit (D-45)
    for (int i = 0; i < FD_CONNECT_BIT; ++i) EXPECT_EQ(r.array[i].Fired, FALSE) << i;
    EXPECT_EQ(r.array[FD_CONNECT_BIT].Fired, TRUE);
    EXPECT_EQ(r.array[FD_CONNECT_BIT].ErrorCode, WSAECONNREFUSED);
  });
  Run();
}

TEST_F(EventSelect, SPI_ENUM_05_ATooSmallArrayFailsAndKeepsTheRecordAndTheEvent) {
  OnClient([] {
    const RawEnumeration r = EnumerateRefusedConnect(2);
    EXPECT_EQ(r.rc, SOCKET_ERROR);
    EXPECT_EQ(r.error, WSAENOBUFS);
    EXPECT_EQ(r.count, FD_CONNECT_BIT + 1);
    EXPECT_TRUE(Signaled(r.e));               // not reset
    EXPECT_EQ(Enum(r.s, r.e), FD_CONNECT);    // not cleared
  });
  Run();
}

TEST_F(EventSelect, SPI_ENUM_06_EnumeratingWithoutARegistrationReturnsNothing) {
  OnServer([] {
    SOCKET s = Tcp();
    WSAEVENT e = WSACreateEvent();
    EXPECT_EQ(WSASetEvent(e), TRUE);
    EXPECT_EQ(Enum(s, e), 0);  // D-84: succeeds, empty, and resets the event given
    EXPECT_FALSE(Signaled(e));
  });
  Run();
}

TEST_F(EventSelect, SPI_ACCEPT_20_AnAcceptedSocketInheritsTheEventAndMask) {
  OnServer([] {
    SOCKET listener = Listener();
    WSAEVENT e = WSACreateEvent();
    EXPECT_EQ(WSAEventSelect(listener, e, FD_ACCEPT | FD_READ), 0);
    EXPECT_TRUE(WaitFor(e, 5000));
    EXPECT_EQ(Enum(listener, e), FD_ACCEPT);
    SOCKET a = accept(listener, nullptr, nullptr);
    ASSERT_NE(a, INVALID_SOCKET);
    EXPECT_FALSE(Signaled(e));  // FD_WRITE is not in the inherited mask
    EXPECT_TRUE(WaitFor(e, 5000));  // the data: FD_READ on the inherited event
    EXPECT_EQ(Enum(a, e), FD_READ);
    EXPECT_EQ(ErrorOf(SetNonBlocking(a, false)), WSAEINVAL);  // the registration is inherited
  });
  OnClient([] {
    SOCKET s = Connected();
    Sleep(1000);
    EXPECT_EQ(SendText(s, "x"), 1);
    Sleep(2000);
  });
  Run();
}

TEST_F(EventSelect, SPI_IOCTL_04_BlockingModeOnlyAfterTheRegistrationIsCancelled) {
  OnServer([] {
    SOCKET s = Tcp();
    WSAEVENT e = WSACreateEvent();
    EXPECT_EQ(WSAEventSelect(s, e, FD_READ), 0);
    EXPECT_EQ(ErrorOf(SetNonBlocking(s, false)), WSAEINVAL);  // D-61
    EXPECT_EQ(ErrorOf(SetNonBlocking(s, true)), kOk);
    EXPECT_EQ(WSAEventSelect(s, e, 0), 0);
    EXPECT_EQ(ErrorOf(SetNonBlocking(s, false)), kOk);
  });
  Run();
}

TEST_F(EventSelect, SPI_OOB_04_UrgentDataIsFdOobApartAndFdReadInline) {
  OnServer([] {
    SOCKET listener = Listener();
    SOCKET apart = accept(listener, nullptr, nullptr);
    SOCKET inline_oob = accept(listener, nullptr, nullptr);
    EXPECT_EQ(SetInt(inline_oob, SOL_SOCKET, SO_OOBINLINE, TRUE), 0);
    WSAEVENT e1 = WSACreateEvent(), e2 = WSACreateEvent();
    EXPECT_EQ(WSAEventSelect(apart, e1, FD_READ | FD_OOB), 0);
    EXPECT_EQ(WSAEventSelect(inline_oob, e2, FD_READ | FD_OOB), 0);
    Sleep(2000);  // one urgent byte on each
    EXPECT_EQ(Enum(apart, e1), FD_OOB);
    EXPECT_EQ(Enum(inline_oob, e2), FD_READ);
  });
  OnClient([] {
    SOCKET a = Connected(), b = Connected();
    Sleep(1000);
    EXPECT_EQ(SendText(a, "!", MSG_OOB), 1);
    EXPECT_EQ(SendText(b, "!", MSG_OOB), 1);
    Sleep(2000);
  });
  Run();
}

TEST_F(EventSelect, SPI_SELECT_09_SelectNeitherClearsTheRecordNorReenables) {
  Pair(
      [](SOCKET s) {
        WSAEVENT e = WSACreateEvent();
        EXPECT_EQ(WSAEventSelect(s, e, FD_READ), 0);
        EXPECT_TRUE(WaitFor(e, 5000));
        EXPECT_TRUE(Poll(s, ZeroTimeout(), true, false, false).read);
        EXPECT_EQ(Enum(s, e), FD_READ);  // still recorded after select
        Sleep(1000);                     // more data; select is no re-enabling function
        EXPECT_TRUE(Poll(s, ZeroTimeout(), true, false, false).read);
        EXPECT_FALSE(Signaled(e));
        EXPECT_EQ(Enum(s, e), 0);
      },
      [](SOCKET s) {
        EXPECT_EQ(SendText(s, "a"), 1);
        Sleep(1000);
        EXPECT_EQ(SendText(s, "b"), 1);
        Sleep(2000);
      });
  Run();
}

TEST_F(EventSelect, FdCloseAtTheCloseIndicationWhenTheScenarioChoosesLaterWindowsTiming) {
  MakeWorld(CleanLink(), 1, {.fd_close_waits_for_data = false});
  Pair(
      [](SOCKET s) {
        WSAEVENT e = WSACreateEvent();
        EXPECT_EQ(WSAEventSelect(s, e, FD_READ | FD_CLOSE), 0);
        Sleep(1000);  // "bye" and the FIN have arrived; nothing was read
        WSANETWORKEVENTS events;
        EXPECT_EQ(Enum(s, e, &events), FD_READ | FD_CLOSE);
        EXPECT_EQ(events.iErrorCode[FD_CLOSE_BIT], 0);
        EXPECT_EQ(RecvText(s, 10), "bye");  // the data is still there to read
      },
      [](SOCKET s) {
        EXPECT_EQ(SendText(s, "bye"), 3);
        EXPECT_EQ(closesocket(s), 0);
        Sleep(2000);
      });
  Run();
}

TEST_F(EventSelect, FdCloseReportsAResetWithWsaeconnresetOnce) {
  Pair(
      [](SOCKET s) {
        WSAEVENT e = WSACreateEvent();
        EXPECT_EQ(WSAEventSelect(s, e, FD_READ | FD_CLOSE), 0);
        EXPECT_TRUE(WaitFor(e, 5000));
        WSANETWORKEVENTS events;
        EXPECT_EQ(Enum(s, e, &events), FD_CLOSE);  // unread data was discarded (D-42)
        EXPECT_EQ(events.iErrorCode[FD_CLOSE_BIT], WSAECONNRESET);
        Sleep(1000);
        EXPECT_FALSE(Signaled(e));  // once only
      },
      [](SOCKET s) {
        EXPECT_EQ(SetLinger(s, 1, 0), 0);
        EXPECT_EQ(closesocket(s), 0);  // abortive
        Sleep(2000);
      });
  Run();
}

TEST_F(EventSelect, WSAWaitForMultipleEventsTimesOutInVirtualTimeAndRejectsBadArguments) {
  OnServer([this] {
    WSAEVENT e[2] = {WSACreateEvent(), WSACreateEvent()};
    const Duration before = Elapsed();
    EXPECT_EQ(WSAWaitForMultipleEvents(2, e, FALSE, 250, FALSE), static_cast<DWORD>(WSA_WAIT_TIMEOUT));
    EXPECT_EQ(Elapsed() - before, Duration::Milliseconds(250));
    EXPECT_EQ(WSASetEvent(e[1]), TRUE);
    EXPECT_EQ(WSAWaitForMultipleEvents(2, e, FALSE, WSA_INFINITE, FALSE), WSA_WAIT_EVENT_0 + 1);
    EXPECT_EQ(WSAWaitForMultipleEvents(2, e, TRUE, 0, FALSE), static_cast<DWORD>(WSA_WAIT_TIMEOUT));
    EXPECT_EQ(WSAWaitForMultipleEvents(0, e, FALSE, 0, FALSE), static_cast<DWORD>(WSA_WAIT_FAILED));
    EXPECT_EQ(WSAGetLastError(), WSA_INVALID_PARAMETER);
    EXPECT_EQ(WSACloseEvent(e[0]), TRUE);
    EXPECT_EQ(WSACloseEvent(e[0]), FALSE);
    EXPECT_EQ(WSAGetLastError(), WSA_INVALID_HANDLE);
  });
  Run();
}

}  // namespace
}  // namespace ws2sim::scenarios::testing
