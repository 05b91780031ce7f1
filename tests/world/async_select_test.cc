// WSAAsyncSelect / WSPAsyncSelect32 (S1 §3.1.12; SPEC 2.11, 2.12; CHECKLIST section 7 SPI-ASEL,
// SPI-ACCEPT-19, SPI-IOCTL-04, SPI-UPCALL-07): process bodies make a message-only window, select
// events for it, and read the posted messages with PeekMessage / GetMessage, recording
// (wParam, message, event, error) in order. The races are fixed interleavings
// in virtual time: the client acts at known instants over a 1 ms link, the server sleeps past
// them.
//
// SPI-ASEL-17 (FD_QOS / FD_GROUP_QOS) has no test: the tcpip provider has no flow specs yet
// (issue 8).
#include <bit>
#include <fstream>
#include <iterator>
#include <functional>
#include <string>
#include <vector>

#include "model/winsock_dll.h"
#include "providers/common/network_events.h"
#include "scenarios/scenario_loader.h"
#include "scenarios/scenario_run.h"
#include "sim/trace/dump.h"
#include "sim/trace/reader.h"
#include "tests/world/winsock_harness.h"

namespace ws2sim::scenarios::testing {
namespace {

// --- Helpers -------------------------------------------------------------------------------------

constexpr UINT kMsg = WM_USER + 1;   // the usual socket message
constexpr UINT kMsg2 = WM_USER + 2;  // a second one (re-registration, accepted sockets)

// One posted message as the application sees it.
struct Note {
  SOCKET s;
  UINT msg;
  WORD event;
  WORD error;
  bool operator==(const Note&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Note& n) {
  return os << "{s=" << n.s << " msg=" << n.msg << " event=" << n.event << " error=" << n.error
            << "}";
}

Note NoteOf(const MSG& m) {
  return {static_cast<SOCKET>(m.wParam), m.message, WSAGETSELECTEVENT(m.lParam),
          WSAGETSELECTERROR(m.lParam)};
}

// A hidden window for socket messages (the predefined "Message" class, default procedure).
HWND SocketWindow() {
  HWND w = CreateWindowExA(0, "Message", "", 0, 0, 0, 0, 0, HWND_MESSAGE, nullptr, nullptr, nullptr);
  EXPECT_NE(w, nullptr) << GetLastError();
  return w;
}

// Every message queued for the calling thread now, in order (PeekMessage, PM_REMOVE).
std::vector<Note> Drain() {
  std::vector<Note> out;
  MSG m;
  while (PeekMessageA(&m, nullptr, 0, 0, PM_REMOVE)) out.push_back(NoteOf(m));
  return out;
}

// Lets `ms` of virtual time pass, then drains.
std::vector<Note> After(DWORD ms) {
  Sleep(ms);
  return Drain();
}

// Each send leaves at once (no Nagle wait for the ACK of the previous one).
void NoDelay(SOCKET s) { EXPECT_EQ(SetInt(s, IPPROTO_TCP, TCP_NODELAY, 1), 0); }

int Select(SOCKET s, HWND w, UINT msg, LONG events) {
  return ErrorOf(WSAAsyncSelect(s, w, msg, events));
}

// The next message for the calling thread (GetMessage: parks until one is posted).
Note Next() {
  MSG m;
  EXPECT_GT(GetMessageA(&m, nullptr, 0, 0), 0);
  return NoteOf(m);
}

// Waits for listener `l`'s FD_ACCEPT (posted with `msg`), then accepts.
SOCKET AcceptOnFdAccept(SOCKET l, UINT msg) {
  EXPECT_EQ(Next(), (Note{l, msg, FD_ACCEPT, 0}));
  SOCKET a = accept(l, nullptr, nullptr);
  EXPECT_NE(a, INVALID_SOCKET) << WSAGetLastError();
  return a;
}

// A connection body that, with TCP_NODELAY, sends each text `flags` after its delay (ms), then
// stays connected for `linger` ms.
struct Step {
  DWORD delay;
  std::string text;
  int flags = 0;
};
std::function<void(SOCKET)> Sends(std::vector<Step> steps, DWORD linger) {
  return [steps = std::move(steps), linger](SOCKET s) {
    NoDelay(s);
    for (const Step& step : steps) {
      Sleep(step.delay);
      SendText(s, step.text, step.flags);
    }
    Sleep(linger);
  };
}

class AsyncSelectTest : public WinsockTest {};

// --- SPI-ASEL --------------------------------------------------------------------------------------

TEST_F(AsyncSelectTest, SPI_ASEL_01_RegistrationMakesTheSocketNonBlockingEvenWithMaskZero) {
  Pair(
      [](SOCKET s) {
        EXPECT_EQ(Select(s, nullptr, 0, 0), kOk);  // lEvent 0: hWnd is irrelevant
        int rc = 0;
        RecvText(s, 10, 0, &rc);  // no data: would block
        EXPECT_EQ(rc, SOCKET_ERROR);
        EXPECT_EQ(WSAGetLastError(), WSAEWOULDBLOCK);
        EXPECT_TRUE(Drain().empty());
      },
      [](SOCKET) { Sleep(20); });
  Run();
}

TEST_F(AsyncSelectTest, SPI_ASEL_02_EachMessageCarriesTheSocketOneEventAndAnError) {
  Pair(
      [](SOCKET s) {
        HWND w = SocketWindow();
        ASSERT_EQ(Select(s, w, kMsg, FD_READ | FD_WRITE | FD_CLOSE), kOk);
        Sleep(10);  // data and the close arrived
        std::vector<Note> notes;
        MSG m;
        while (notes.size() < 3 && GetMessageA(&m, nullptr, 0, 0) > 0) {
          notes.push_back(NoteOf(m));
          if (notes.back().event == FD_READ) RecvText(s, 100);
        }
        ASSERT_EQ(notes.size(), 3u);
        for (const Note& n : notes) {
          EXPECT_EQ(n.s, s);
          EXPECT_EQ(n.msg, kMsg);
          EXPECT_EQ(std::popcount(static_cast<unsigned>(n.event)), 1) << n;
          EXPECT_EQ(n.error, 0) << n;
        }
        EXPECT_EQ(notes[0].event, FD_WRITE);
        EXPECT_EQ(notes[1].event, FD_READ);
        EXPECT_EQ(notes[2].event, FD_CLOSE);
      },
      [](SOCKET s) {
        Sleep(2);
        SendText(s, "data");
        shutdown(s, SD_SEND);
        Sleep(20);
      });
  Run();
}

TEST_F(AsyncSelectTest, SPI_ASEL_03_ReRegistrationReplacesEventsAndMessage) {
  Pair(
      [](SOCKET s) {
        HWND w = SocketWindow();
        ASSERT_EQ(Select(s, w, kMsg, FD_READ), kOk);
        ASSERT_EQ(Select(s, w, kMsg2, FD_WRITE), kOk);
        EXPECT_EQ(After(20), (std::vector<Note>{{s, kMsg2, FD_WRITE, 0}}));  // data: no FD_READ
      },
      Sends({{5, "data"}}, 20));
  Run();
}

TEST_F(AsyncSelectTest, SPI_ASEL_04_MaskZeroStopsAllPosting) {
  Pair(
      [](SOCKET s) {
        HWND w = SocketWindow();
        ASSERT_EQ(Select(s, w, kMsg, FD_READ | FD_CLOSE), kOk);
        ASSERT_EQ(Select(s, w, 0, 0), kOk);
        EXPECT_TRUE(After(30).empty());  // data and a close arrived meanwhile
      },
      [](SOCKET s) {
        Sleep(5);
        SendText(s, "data");
        closesocket(s);
      });
  Run();
}

TEST_F(AsyncSelectTest, SPI_ASEL_05_FdReadQueuedBeforeCancelIsStillDeliveredRecvWouldBlock) {
  Pair(
      [](SOCKET s) {
        HWND w = SocketWindow();
        ASSERT_EQ(Select(s, w, kMsg, FD_READ), kOk);
        Sleep(10);                             // (1) data arrived: FD_READ posted, not pumped
        EXPECT_EQ(RecvText(s, 100), "hello");  // the data is read (re-enables; queue empty)
        ASSERT_EQ(Select(s, w, 0, 0), kOk);    // (2) cancel
        // (3) the stale FD_READ is still delivered; its recv would block (still non-blocking).
        EXPECT_EQ(Drain(), (std::vector<Note>{{s, kMsg, FD_READ, 0}}));
        int rc = 0;
        RecvText(s, 100, 0, &rc);
        EXPECT_EQ(rc, SOCKET_ERROR);
        EXPECT_EQ(WSAGetLastError(), WSAEWOULDBLOCK);
      },
      Sends({{2, "hello"}}, 20));
  Run();
}

TEST_F(AsyncSelectTest, SPI_ASEL_06_MessagesPostedBeforeCloseStayNoneAfterRecvIsNotSock) {
  Pair(
      [](SOCKET s) {
        HWND w = SocketWindow();
        ASSERT_EQ(Select(s, w, kMsg, FD_READ | FD_CLOSE), kOk);
        Sleep(10);  // FD_READ posted
        ASSERT_EQ(closesocket(s), 0);
        Sleep(30);  // the client sends again and closes: nothing is posted for the closed socket
        EXPECT_EQ(Drain(), (std::vector<Note>{{s, kMsg, FD_READ, 0}}));
        int rc = 0;
        RecvText(s, 100, 0, &rc);
        EXPECT_EQ(rc, SOCKET_ERROR);
        EXPECT_EQ(WSAGetLastError(), WSAENOTSOCK);
      },
      [](SOCKET s) {
        Sleep(2);
        SendText(s, "one");
        Sleep(20);
        SendText(s, "two");
        closesocket(s);
      });
  Run();
}

TEST_F(AsyncSelectTest, SPI_ASEL_07_SecondArrivalBeforeAnyRecvPostsNoSecondFdRead) {
  Pair(
      [](SOCKET s) {
        HWND w = SocketWindow();
        ASSERT_EQ(Select(s, w, kMsg, FD_READ), kOk);
        EXPECT_EQ(After(40), (std::vector<Note>{{s, kMsg, FD_READ, 0}}));
        EXPECT_EQ(RecvText(s, 100), "firstsecond");
      },
      Sends({{2, "first"}, {10, "second"}}, 40));
  Run();
}

TEST_F(AsyncSelectTest, SPI_ASEL_08_PartialRecvPostsAnotherFdReadEmptyingRecvNone) {
  Pair(
      [](SOCKET s) {
        HWND w = SocketWindow();
        ASSERT_EQ(Select(s, w, kMsg, FD_READ), kOk);
        EXPECT_EQ(After(10), (std::vector<Note>{{s, kMsg, FD_READ, 0}}));
        EXPECT_EQ(RecvText(s, 50).size(), 50u);
        EXPECT_EQ(Drain(), (std::vector<Note>{{s, kMsg, FD_READ, 0}}));  // 50 bytes remain
        EXPECT_EQ(RecvText(s, 50).size(), 50u);
        EXPECT_TRUE(After(10).empty());
      },
      Sends({{2, std::string(100, 'x')}}, 30));
  Run();
}

// Through the API every byte leaves the queue by a re-enabling recv, so "FD_READ delivered and the
// queue empty" is reached only after a recv that already re-enabled it; this test shows the
// observable rule (after the WSAEWOULDBLOCK recv, the next arrival posts FD_READ), and
// AsyncSelectStateMachine.SPI_ASEL_09_... below isolates the WSAEWOULDBLOCK re-enable.
TEST_F(AsyncSelectTest, SPI_ASEL_09_WouldBlockRecvReenablesFdReadForTheNextArrival) {
  Pair(
      [](SOCKET s) {
        HWND w = SocketWindow();
        ASSERT_EQ(Select(s, w, kMsg, FD_READ), kOk);
        EXPECT_EQ(After(10), (std::vector<Note>{{s, kMsg, FD_READ, 0}}));
        EXPECT_EQ(RecvText(s, 100), "one");
        int rc = 0;
        RecvText(s, 100, 0, &rc);
        EXPECT_EQ(rc, SOCKET_ERROR);
        EXPECT_EQ(WSAGetLastError(), WSAEWOULDBLOCK);
        EXPECT_TRUE(Drain().empty());
        EXPECT_EQ(After(20), (std::vector<Note>{{s, kMsg, FD_READ, 0}}));  // "two" arrived
      },
      Sends({{2, "one"}, {15, "two"}}, 20));
  Run();
}

// The rule itself, on the shared state machine with a recording WPUPostMessage: FD_READ was
// delivered, the queue emptied without a re-enabling call, a recv failed WSAEWOULDBLOCK; the next
// arrival posts FD_READ, and without that recv it would not.
std::vector<Note>* g_posted = nullptr;
BOOL WSPAPI RecordPost(HWND, UINT msg, WPARAM wparam, LPARAM lparam) {
  g_posted->push_back({static_cast<SOCKET>(wparam), msg, WSAGETSELECTEVENT(lparam),
                       WSAGETSELECTERROR(lparam)});
  return TRUE;
}

TEST(AsyncSelectStateMachine, SPI_ASEL_09_OnlyTheWouldBlockRecvRearmsFdRead) {
  std::vector<Note> posted;
  g_posted = &posted;
  WSPUPCALLTABLE upcalls;
  std::memset(&upcalls, 0, sizeof(upcalls));
  upcalls.lpWPUPostMessage = RecordPost;
  HWND w = reinterpret_cast<HWND>(0x104);
  for (bool recv_would_block : {false, true}) {
    posted.clear();
    providers::NetworkEvents events;
    providers::NetworkEvents::Conditions data, empty;
    data.readable = true;
    events.AsyncSelect(0x100, w, kMsg, FD_READ, empty, upcalls);
    events.Update(0x100, data, upcalls);   // data arrives: FD_READ
    events.Update(0x100, empty, upcalls);  // the queue empties (no recv)
    if (recv_would_block) events.Reenabled(FD_READ | FD_OOB, WSAEWOULDBLOCK);
    events.Update(0x100, data, upcalls);   // the next arrival
    const std::vector<Note> once = {{0x100, kMsg, FD_READ, 0}};
    const std::vector<Note> twice = {{0x100, kMsg, FD_READ, 0}, {0x100, kMsg, FD_READ, 0}};
    EXPECT_EQ(posted, recv_would_block ? twice : once);
  }
}

TEST_F(AsyncSelectTest, SPI_ASEL_10_RegisteringFdAcceptWithARequestPendingPostsAtOnce) {
  OnServer([] {
    SOCKET l = Listener();
    HWND w = SocketWindow();
    Sleep(20);  // the request arrived and completed
    ASSERT_EQ(Select(l, w, kMsg, FD_ACCEPT), kOk);
    EXPECT_EQ(Drain(), (std::vector<Note>{{l, kMsg, FD_ACCEPT, 0}}));  // posted during the call
  });
  OnClient([] {
    Connected();
    Sleep(30);
  });
  Run();
}

TEST_F(AsyncSelectTest, SPI_ASEL_11_AcceptingOneOfTwoPendingPostsAnotherFdAccept) {
  OnServer([] {
    SOCKET l = Listener();
    HWND w = SocketWindow();
    Sleep(20);
    ASSERT_EQ(Select(l, w, kMsg, FD_ACCEPT), kOk);
    EXPECT_EQ(Drain(), (std::vector<Note>{{l, kMsg, FD_ACCEPT, 0}}));
    EXPECT_NE(accept(l, nullptr, nullptr), INVALID_SOCKET);
    EXPECT_EQ(Drain(), (std::vector<Note>{{l, kMsg, FD_ACCEPT, 0}}));  // one still pending
    EXPECT_NE(accept(l, nullptr, nullptr), INVALID_SOCKET);
    EXPECT_TRUE(Drain().empty());
  });
  for (int i = 0; i < 2; ++i) {
    OnClient([] {
      Connected();
      Sleep(30);
    });
  }
  Run();
}

TEST_F(AsyncSelectTest, SPI_ASEL_12_FdWriteWhenConnectCompletesAndWhenAccepted) {
  OnServer([] {
    SOCKET l = Listener();
    HWND w = SocketWindow();
    ASSERT_EQ(Select(l, w, kMsg, FD_ACCEPT | FD_WRITE), kOk);
    SOCKET a = AcceptOnFdAccept(l, kMsg);
    EXPECT_EQ(Drain(), (std::vector<Note>{{a, kMsg, FD_WRITE, 0}}));
  });
  OnClient([] {
    SOCKET s = Tcp();
    HWND w = SocketWindow();
    ASSERT_EQ(Select(s, w, kMsg, FD_CONNECT | FD_WRITE), kOk);
    EXPECT_TRUE(Drain().empty());  // not connected: no FD_WRITE yet
    EXPECT_EQ(ErrorOf(Connect(s, kServerIp, kPort)), WSAEWOULDBLOCK);
    // D-46: both at the same instant, ascending bit order.
    EXPECT_EQ(After(10), (std::vector<Note>{{s, kMsg, FD_WRITE, 0}, {s, kMsg, FD_CONNECT, 0}}));
  });
  Run();
}

TEST_F(AsyncSelectTest, SPI_ASEL_13_OneFdWriteAfterAWouldBlockSendNoneForSuccessfulSends) {
  Pair(
      [](SOCKET s) {
        HWND w = SocketWindow();
        ASSERT_EQ(Select(s, w, kMsg, FD_WRITE), kOk);
        EXPECT_EQ(Drain(), (std::vector<Note>{{s, kMsg, FD_WRITE, 0}}));
        for (int i = 0; i < 3; ++i) EXPECT_EQ(SendText(s, "small"), 5);
        EXPECT_TRUE(After(20).empty());  // sends that never failed: no FD_WRITE
        const std::string chunk(8192, 'z');
        while (SendText(s, chunk) != SOCKET_ERROR) {  // partial sends fill the buffer
        }
        EXPECT_EQ(WSAGetLastError(), WSAEWOULDBLOCK);
        EXPECT_TRUE(Drain().empty());
        EXPECT_EQ(Next(), (Note{s, kMsg, FD_WRITE, 0}));  // ACKs freed send-buffer space
        EXPECT_TRUE(After(500).empty());  // exactly one, however much space freed since
        closesocket(s);
      },
      [](SOCKET s) {
        Sleep(100);  // the server fills its buffers meanwhile
        EXPECT_GE(RecvToEnd(s).size(), 8192u);  // everything sent, then the graceful close
      });
  Run();
}

TEST_F(AsyncSelectTest, SPI_ASEL_14_FdConnectOncePerAttemptWithItsError) {
  OnClient([] {
    HWND w = SocketWindow();
    SOCKET refused = Tcp();
    ASSERT_EQ(Select(refused, w, kMsg, FD_CONNECT), kOk);
    EXPECT_EQ(ErrorOf(Connect(refused, kServerIp, 9)), WSAEWOULDBLOCK);  // nobody listens on 9
    EXPECT_EQ(After(20), (std::vector<Note>{{refused, kMsg, FD_CONNECT, WSAECONNREFUSED}}));
    ASSERT_EQ(Select(refused, w, kMsg, FD_CONNECT), kOk);  // never re-posted
    EXPECT_TRUE(After(20).empty());

    SOCKET ok = Tcp();
    ASSERT_EQ(Select(ok, w, kMsg2, FD_CONNECT), kOk);
    EXPECT_EQ(ErrorOf(Connect(ok, kServerIp, kPort)), WSAEWOULDBLOCK);
    EXPECT_EQ(After(20), (std::vector<Note>{{ok, kMsg2, FD_CONNECT, 0}}));
    ASSERT_EQ(Select(ok, w, kMsg2, FD_CONNECT | FD_READ), kOk);
    EXPECT_TRUE(After(20).empty());
  });
  OnServer([] {
    SOCKET l = Listener();
    accept(l, nullptr, nullptr);
    Sleep(100);
  });
  Run();
}

TEST_F(AsyncSelectTest, SPI_ASEL_15_GracefulCloseFdReadsFirstThenFdCloseZeroAfterAllIsRead) {
  Pair(
      [](SOCKET s) {
        HWND w = SocketWindow();
        Sleep(10);  // 100 bytes and the FIN are here
        ASSERT_EQ(Select(s, w, kMsg, FD_READ | FD_CLOSE), kOk);
        EXPECT_EQ(Drain(), (std::vector<Note>{{s, kMsg, FD_READ, 0}}));  // no FD_CLOSE yet
        EXPECT_EQ(RecvText(s, 50).size(), 50u);
        EXPECT_EQ(Drain(), (std::vector<Note>{{s, kMsg, FD_READ, 0}}));
        EXPECT_EQ(RecvText(s, 50).size(), 50u);
        EXPECT_EQ(Drain(), (std::vector<Note>{{s, kMsg, FD_CLOSE, 0}}));  // never FD_READ for it
        int rc = -1;
        RecvText(s, 50, 0, &rc);
        EXPECT_EQ(rc, 0);
        EXPECT_TRUE(Drain().empty());
      },
      [](SOCKET s) {
        SendText(s, std::string(100, 'y'));
        shutdown(s, SD_SEND);
        Sleep(30);
      });
  Run();
}

TEST_F(AsyncSelectTest, SPI_ASEL_16_ResetPostsFdCloseConnResetAtOnceAndOnlyOnce) {
  Pair(
      [](SOCKET s) {
        HWND w = SocketWindow();
        ASSERT_EQ(Select(s, w, kMsg, FD_CLOSE), kOk);
        EXPECT_EQ(After(10), (std::vector<Note>{{s, kMsg, FD_CLOSE, WSAECONNRESET}}));
        RecvText(s, 100);
        RecvText(s, 100);
        ASSERT_EQ(Select(s, w, kMsg, FD_CLOSE | FD_READ), kOk);
        EXPECT_TRUE(After(10).empty());  // once per socket (D-100)
      },
      [](SOCKET s) {
        Sleep(2);
        SendText(s, "unread");  // discarded by the reset: FD_CLOSE does not wait for it
        SetLinger(s, 1, 0);
        closesocket(s);  // abortive: RST
      });
  Run();
}

// R-04 (i)-(vi): a window procedure handles another message first, reads the data there, and the
// stale FD_READ's recv then fails WSAEWOULDBLOCK with no extra FD_READ posted.
struct R04 {
  SOCKET s = INVALID_SOCKET;
  u_long fionread = 0;
  std::string read_early;
  int stale_rc = 0, stale_error = 0;
  std::vector<UINT> order;
};
R04* g_r04 = nullptr;
LRESULT CALLBACK R04Proc(HWND hwnd, UINT msg, WPARAM wparam, LPARAM lparam) {
  if (msg == kMsg2) {  // (ii) another message; (iii) FIONREAD; (iv) read everything
    g_r04->order.push_back(msg);
    g_r04->fionread = Ioctl(g_r04->s, FIONREAD);
    g_r04->read_early = RecvText(g_r04->s, 100);
    return 0;
  }
  if (msg == kMsg) {  // (v) the FD_READ from (i); (vi) its recv
    g_r04->order.push_back(msg);
    RecvText(g_r04->s, 100, 0, &g_r04->stale_rc);
    g_r04->stale_error = WSAGetLastError();
    return 0;
  }
  return DefWindowProcA(hwnd, msg, wparam, lparam);
}

TEST_F(AsyncSelectTest, SPI_ASEL_18_StaleFdReadAfterFionreadAndRecvWouldBlocks) {
  Pair(
      [](SOCKET s) {
        static R04 r;
        g_r04 = &r;
        r.s = s;
        WNDCLASSA wc;
        ZeroMemory(&wc, sizeof(wc));
        wc.lpfnWndProc = R04Proc;
        wc.lpszClassName = "R04";
        ASSERT_NE(RegisterClassA(&wc), 0);
        HWND w = CreateWindowA("R04", "", 0, 0, 0, 0, 0, HWND_MESSAGE, nullptr, nullptr, nullptr);
        ASSERT_EQ(Select(s, w, kMsg, FD_READ), kOk);
        ASSERT_TRUE(PostMessageA(w, kMsg2, 0, 0));  // queued before the data's FD_READ
        Sleep(10);                                  // (i) data arrives, FD_READ posted
        MSG m;
        while (PeekMessageA(&m, nullptr, 0, 0, PM_REMOVE)) DispatchMessageA(&m);
        EXPECT_EQ(r.order, (std::vector<UINT>{kMsg2, kMsg}));
        EXPECT_EQ(r.fionread, 5u);
        EXPECT_EQ(r.read_early, "hello");
        EXPECT_EQ(r.stale_rc, SOCKET_ERROR);
        EXPECT_EQ(r.stale_error, WSAEWOULDBLOCK);
        EXPECT_TRUE(After(10).empty());  // no extra FD_READ
      },
      Sends({{2, "hello"}}, 30));
  Run();
}

// the listener selects FD_ACCEPT|FD_READ|FD_WRITE; the accepted socket inherits it, so its
// first FD_WRITE and an early FD_READ arrive with the listener's message before re-registration.
TEST_F(AsyncSelectTest, SPI_ASEL_19_AcceptedSocketsEarlyMessagesCarryTheListenersMessage) {
  OnServer([] {
    SOCKET l = Listener();
    HWND w = SocketWindow();
    ASSERT_EQ(Select(l, w, kMsg, FD_ACCEPT | FD_READ | FD_WRITE), kOk);
    SOCKET a = AcceptOnFdAccept(l, kMsg);  // (1) FD_ACCEPT; (2) FD_WRITE(A) with kMsg
    Sleep(10);                                     // (3) the client's data: FD_READ(A), kMsg
    ASSERT_EQ(Select(a, w, kMsg2, FD_READ | FD_WRITE | FD_CLOSE), kOk);  // (4)
    EXPECT_EQ(Drain(), (std::vector<Note>{{a, kMsg, FD_WRITE, 0},
                                          {a, kMsg, FD_READ, 0},
                                          // persistence at (4): data unread, writable (D-99)
                                          {a, kMsg2, FD_READ, 0},
                                          {a, kMsg2, FD_WRITE, 0}}));
  });
  OnClient([] {
    SOCKET s = Connected();
    Sleep(5);  // after the accept (step 3)
    SendText(s, "early");
    Sleep(30);
  });
  Run();
}

// R-01, the recommended pattern: the listener selects FD_ACCEPT only.
TEST_F(AsyncSelectTest, SPI_ASEL_20_FdAcceptOnlyListenerNothingForAcceptedUntilRegistered) {
  OnServer([] {
    SOCKET l = Listener();
    HWND w = SocketWindow();
    ASSERT_EQ(Select(l, w, kMsg, FD_ACCEPT), kOk);
    SOCKET a = AcceptOnFdAccept(l, kMsg);
    EXPECT_TRUE(After(10).empty());  // data arrived for A: nothing
    ASSERT_EQ(Select(a, w, kMsg2, FD_READ | FD_WRITE | FD_CLOSE), kOk);
    EXPECT_EQ(Drain(), (std::vector<Note>{{a, kMsg2, FD_READ, 0}, {a, kMsg2, FD_WRITE, 0}}));
  });
  OnClient([] {
    SOCKET s = Connected();
    SendText(s, "early");
    Sleep(30);
  });
  Run();
}

TEST_F(AsyncSelectTest, SPI_ASEL_21_AsyncSelectAndEventSelectCancelEachOther) {
  Pair(
      [](SOCKET s) {
        HWND w = SocketWindow();
        HANDLE ev = CreateEventA(nullptr, TRUE, FALSE, nullptr);
        SpiScope spi(s);
        ASSERT_TRUE(spi.ok());
        int error = 0;
        // Async select, then event select: the event, no message.
        ASSERT_EQ(Select(s, w, kMsg, FD_READ), kOk);
        ASSERT_EQ(spi->lpWSPEventSelect(s, ev, FD_READ, &error), 0) << error;
        Sleep(10);  // "one" arrived
        EXPECT_TRUE(Drain().empty());
        EXPECT_EQ(WaitForSingleObject(ev, 0), WAIT_OBJECT_0);
        EXPECT_EQ(RecvText(s, 100), "one");
        ResetEvent(ev);
        // Event select, then async select: the message, no event.
        ASSERT_EQ(Select(s, w, kMsg, FD_READ), kOk);
        Sleep(20);  // "two" arrived
        EXPECT_EQ(Drain(), (std::vector<Note>{{s, kMsg, FD_READ, 0}}));
        EXPECT_EQ(WaitForSingleObject(ev, 0), static_cast<DWORD>(WAIT_TIMEOUT));
      },
      Sends({{2, "one"}, {15, "two"}}, 20));
  Run();
}

TEST_F(AsyncSelectTest, SPI_ASEL_22_RegisteringFdWriteOnAWritableSocketPostsAtOnce) {
  Pair(
      [](SOCKET s) {
        HWND w = SocketWindow();
        ASSERT_EQ(Select(s, w, kMsg, FD_WRITE), kOk);
        EXPECT_EQ(Drain(), (std::vector<Note>{{s, kMsg, FD_WRITE, 0}}));
      },
      [](SOCKET) { Sleep(10); });
  Run();
}

TEST_F(AsyncSelectTest, SPI_ASEL_23_ConnectBeforeRegistrationReportsFdConnectOnceLater) {
  OnClient([] {
    SOCKET s = Tcp();
    ASSERT_EQ(SetNonBlocking(s, true), 0);
    EXPECT_EQ(ErrorOf(Connect(s, kServerIp, kPort)), WSAEWOULDBLOCK);
    Sleep(20);  // connected, nobody selected FD_CONNECT
    HWND w = SocketWindow();
    ASSERT_EQ(Select(s, w, kMsg, FD_CONNECT), kOk);
    EXPECT_EQ(Drain(), (std::vector<Note>{{s, kMsg, FD_CONNECT, 0}}));
    ASSERT_EQ(Select(s, w, kMsg, FD_CONNECT), kOk);
    EXPECT_TRUE(Drain().empty());  // once
  });
  OnServer([] {
    SOCKET l = Listener();
    accept(l, nullptr, nullptr);
    Sleep(50);
  });
  Run();
}

TEST_F(AsyncSelectTest, SPI_ASEL_24_SimultaneousEventsPostInAscendingBitOrder) {
  Pair(
      [](SOCKET s) {
        HWND w = SocketWindow();
        Sleep(10);  // data, and urgent data, are here
        // Listed in descending order; posted by bit: FD_READ 1, FD_WRITE 2, FD_OOB 4.
        ASSERT_EQ(Select(s, w, kMsg, FD_OOB | FD_WRITE | FD_READ), kOk);
        EXPECT_EQ(Drain(), (std::vector<Note>{{s, kMsg, FD_READ, 0},
                                              {s, kMsg, FD_WRITE, 0},
                                              {s, kMsg, FD_OOB, 0}}));
      },
      Sends({{0, "data"}, {0, "!", MSG_OOB}}, 20));
  Run();
}

TEST_F(AsyncSelectTest, SPI_ASEL_25_NotASocketFailsNotSockBadWindowOrMaskFailsInval) {
  Pair(
      [](SOCKET s) {
        HWND w = SocketWindow();
        EXPECT_EQ(Select(0x7777, w, kMsg, FD_READ), WSAENOTSOCK);
        EXPECT_EQ(Select(s, reinterpret_cast<HWND>(0x4444), kMsg, FD_READ), WSAEINVAL);
        EXPECT_EQ(Select(s, nullptr, kMsg, FD_READ), WSAEINVAL);
        EXPECT_EQ(Select(s, w, kMsg, 0x10000), WSAEINVAL);  // no such event bit
        DestroyWindow(w);
        EXPECT_EQ(Select(s, w, kMsg, FD_READ), WSAEINVAL);  // a window that is gone
        EXPECT_EQ(WSACleanup(), 0);
        EXPECT_EQ(Select(s, w, kMsg, FD_READ), WSANOTINITIALISED);
      },
      [](SOCKET) { Sleep(10); });
  Run();
}

TEST_F(AsyncSelectTest, SPI_ASEL_26_RecvAndRecvFromBothReenableFdOob) {
  Pair(
      [](SOCKET s) {
        HWND w = SocketWindow();
        ASSERT_EQ(Select(s, w, kMsg, FD_OOB), kOk);
        EXPECT_EQ(After(10), (std::vector<Note>{{s, kMsg, FD_OOB, 0}}));  // "a"
        EXPECT_EQ(RecvText(s, 1, MSG_OOB), "a");                        // WSPRecv re-enables
        EXPECT_EQ(After(20), (std::vector<Note>{{s, kMsg, FD_OOB, 0}}));  // "b"
        char c = 0;
        sockaddr_in from;
        int fromlen = sizeof(from);
        EXPECT_EQ(recvfrom(s, &c, 1, MSG_OOB, Sa(from), &fromlen), 1);  // WSPRecvFrom too
        EXPECT_EQ(c, 'b');
        EXPECT_EQ(After(20), (std::vector<Note>{{s, kMsg, FD_OOB, 0}}));  // "c"
        EXPECT_TRUE(After(20).empty());  // "d" while FD_OOB is not re-enabled: nothing
      },
      Sends({{2, "a", MSG_OOB}, {20, "b", MSG_OOB}, {20, "c", MSG_OOB}, {20, "d", MSG_OOB}}, 30));
  Run();
}

// R-22, as far as one provider goes: events of a TCP and a UDP socket raised at the same instant
// reach the window as one stream in the engine's order, identically in a second run. (The
// two-provider form needs a second transport provider in the catalog.)
class TwoSocketRun : public WinsockTest {
 public:
  void TestBody() override {}
  std::vector<Note> Go() {
    static std::vector<Note> seen;
    seen.clear();
    OnServer([] {
      SOCKET l = Listener();
      SOCKET u = Udp();
      EXPECT_EQ(ErrorOf(Bind(u, kServerIp, kPort)), kOk);
      HWND w = SocketWindow();
      ASSERT_EQ(Select(l, w, kMsg, FD_ACCEPT), kOk);
      ASSERT_EQ(Select(u, w, kMsg2, FD_READ), kOk);
      seen = After(50);
    });
    OnClient([] {
      SOCKET u = Udp();
      Connected();  // returns as its final ACK leaves; the datagram leaves at the same instant
      const sockaddr_in to = Address(kServerIp, kPort);
      sendto(u, "x", 1, 0, Sa(to), sizeof(to));
      Sleep(60);
    });
    Run();
    return seen;
  }
};

TEST_F(AsyncSelectTest, SPI_ASEL_27_SameInstantEventsOfTwoSocketsFormOneReproducibleStream) {
  std::vector<Note> first, second;
  {
    TwoSocketRun run;
    first = run.Go();
  }
  {
    TwoSocketRun run;
    second = run.Go();
  }
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first, second);
  std::vector<WORD> events = {first[0].event, first[1].event};
  std::sort(events.begin(), events.end());
  EXPECT_EQ(events, (std::vector<WORD>{FD_READ, FD_ACCEPT}));
}

// --- Accept inheritance, ioctl, the upcall ---------------------------------------------------------

TEST_F(AsyncSelectTest, SPI_ACCEPT_19_AcceptedSocketInheritsWindowMessageAndMask) {
  OnServer([] {
    SOCKET l = Listener();
    HWND w = SocketWindow();
    ASSERT_EQ(Select(l, w, kMsg2, FD_ACCEPT | FD_READ | FD_CLOSE), kOk);  // no FD_WRITE
    SOCKET a = AcceptOnFdAccept(l, kMsg2);
    EXPECT_EQ(After(10), (std::vector<Note>{{a, kMsg2, FD_READ, 0}}));  // not FD_WRITE
    EXPECT_EQ(RecvText(a, 100), "data");
    EXPECT_EQ(Drain(), (std::vector<Note>{{a, kMsg2, FD_CLOSE, 0}}));
  });
  OnClient([] {
    SOCKET s = Connected();
    SendText(s, "data");
    closesocket(s);
  });
  Run();
}

TEST_F(AsyncSelectTest, SPI_IOCTL_04_FionbioZeroFailsWhileSelectedSucceedsAfterCancel) {
  Pair(
      [](SOCKET s) {
        HWND w = SocketWindow();
        ASSERT_EQ(Select(s, w, kMsg, FD_READ), kOk);
        EXPECT_EQ(ErrorOf(SetNonBlocking(s, false)), WSAEINVAL);
        ASSERT_EQ(Select(s, w, 0, 0), kOk);
        EXPECT_EQ(ErrorOf(SetNonBlocking(s, false)), kOk);
        const DWORD before = GetTickCount();
        EXPECT_EQ(RecvText(s, 100), "late");  // blocking again: waits for the data
        EXPECT_GE(GetTickCount() - before, 20u);
      },
      Sends({{30, "late"}}, 10));
  Run();
}

TEST_F(AsyncSelectTest, SPI_UPCALL_07_MessagesReachTheWindowThroughWpuPostMessageFifo) {
  OnServer([] {
    HWND w = SocketWindow();
    const auto* upcalls = static_cast<const WSPUPCALLTABLE*>(model::WinsockDll::UpcallTable());
    for (WPARAM i = 1; i <= 5; ++i) {
      ASSERT_TRUE(upcalls->lpWPUPostMessage(w, kMsg, i, WSAMAKESELECTREPLY(FD_READ, 0)));
      if (i == 3) PostMessageA(w, kMsg2, 99, 0);  // the application's own post, in between
    }
    EXPECT_FALSE(upcalls->lpWPUPostMessage(reinterpret_cast<HWND>(0x4444), kMsg, 1, 0));
    EXPECT_EQ(Drain(), (std::vector<Note>{{1, kMsg, FD_READ, 0},
                                          {2, kMsg, FD_READ, 0},
                                          {3, kMsg, FD_READ, 0},
                                          {99, kMsg2, 0, 0},
                                          {4, kMsg, FD_READ, 0},
                                          {5, kMsg, FD_READ, 0}}));
  });
  // And from network events: three connections' data, in arrival order, one queue.
  OnServer([] {
    SOCKET l = Listener(kPort + 1);
    HWND w = SocketWindow();
    std::vector<SOCKET> conns;
    for (int i = 0; i < 3; ++i) {
      SOCKET a = accept(l, nullptr, nullptr);
      ASSERT_NE(a, INVALID_SOCKET);
      ASSERT_EQ(Select(a, w, kMsg, FD_READ), kOk);
      conns.push_back(a);
    }
    const std::vector<Note> notes = After(100);
    // The clients send at 30, 20 and 10 ms after connecting: reverse connection order.
    EXPECT_EQ(notes, (std::vector<Note>{{conns[2], kMsg, FD_READ, 0},
                                        {conns[1], kMsg, FD_READ, 0},
                                        {conns[0], kMsg, FD_READ, 0}}));
  });
  for (int i = 0; i < 3; ++i) {
    OnClient(
        [i] {
          SOCKET s = Connected(kPort + 1);
          Sleep(static_cast<DWORD>(30 - 10 * i));
          SendText(s, "x");
          Sleep(60);
        },
        sim::Duration::Milliseconds(1 + 2 * i));
  }
  Run();
}

// --- The bundled WSAAsyncSelect server ------------------------------------------------------------

// scenarios/examples/async_select_echo.textproto: async_select_server (hidden window, message
// loop) serves three echo_clients, each of which checks its 20000-byte echo byte for byte; under
// the default schedule and under random interleavings.
TEST(AsyncSelectScenario, ServerWithMessageLoopEchoesEveryClientByteExact) {
  absl::StatusOr<Scenario> scenario = LoadScenarioFile(
      std::string(WS2SIM_SOURCE_DIR) + "/scenarios/examples/async_select_echo.textproto");
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  for (const std::string strategy : {"fifo", "random"}) {
    for (uint64_t seed : {1, 2, 3}) {
      std::ostringstream output;
      absl::StatusOr<RunReport> r =
          RunScenario(*scenario, {.seed = seed, .strategy = strategy, .echo = &output});
      ASSERT_TRUE(r.ok()) << r.status();
      EXPECT_TRUE(r->ok()) << strategy << " " << seed << "\n" << output.str();
      ASSERT_EQ(r->processes.size(), 4u);
      for (const ProcessReport& p : r->processes) {
        EXPECT_EQ(p.exit_code, std::optional<int>(0)) << p.host << "/" << p.name;
      }
      const std::string text = output.str();
      int verified = 0;
      for (size_t at = text.find("echo verified"); at != std::string::npos;
           at = text.find("echo verified", at + 1)) {
        ++verified;
      }
      EXPECT_EQ(verified, 3) << text;
      EXPECT_NE(text.find("server/echo: served 3 client(s)"), std::string::npos) << text;
    }
  }
}

// The socket messages reach the server's window through the WPUPostMessage upcall (SPEC 2.12),
// each one traced (enter, return TRUE), and the server's message loop retrieves them.
TEST(AsyncSelectScenario, SocketMessagesArriveThroughTracedWpuPostMessage) {
  absl::StatusOr<Scenario> scenario = LoadScenarioFile(
      std::string(WS2SIM_SOURCE_DIR) + "/scenarios/examples/async_select_echo.textproto");
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  const std::string path = ::testing::TempDir() + "/async_select_echo.w2t";
  absl::StatusOr<RunReport> r = RunScenario(*scenario, {.trace_path = path});
  ASSERT_TRUE(r.ok() && r->ok());
  trace::ReadResult t = trace::ReadTraceFile(path);
  ASSERT_TRUE(t.status.ok()) << t.status;
  int enters = 0, posted = 0, retrieved = 0;
  for (const trace::TraceRecord& rec : t.trace.records) {
    if (!rec.record.has_call()) continue;
    const std::string line = trace::DumpRecord(t.trace, rec);
    if (line.find(" upcall ") == std::string::npos) {
      retrieved += line.find("server/echo/main GetMessageA return result=1") != std::string::npos;
      continue;
    }
    enters += line.find(" WPUPostMessage enter") != std::string::npos;
    posted += line.find(" WPUPostMessage return") != std::string::npos &&
              line.find("result=1") != std::string::npos;
  }
  EXPECT_GT(enters, 9);  // at least FD_ACCEPT, FD_READ, FD_CLOSE for each of 3 clients
  EXPECT_EQ(posted, enters);
  EXPECT_EQ(retrieved, posted);  // every posted message was retrieved by the loop
  // A run is a pure function of (scenario, seed): the same trace bytes again.
  const std::string again = ::testing::TempDir() + "/async_select_echo_again.w2t";
  ASSERT_TRUE(RunScenario(*scenario, {.trace_path = again}).ok());
  auto slurp = [](const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  };
  EXPECT_EQ(slurp(path), slurp(again));
  std::remove(path.c_str());
  std::remove(again.c_str());
}

}  // namespace
}  // namespace ws2sim::scenarios::testing
