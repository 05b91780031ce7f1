// The Win32 DLL between guests and providers (model/winsock_dll.h, model/api_*.cc), driven through
// the real API functions from native processes against a small fake provider.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "model/runtime.h"
#include "sim/scheduler.h"
#include "sim/trace/reader.h"
#include "sim/trace/recorder.h"
// The guest headers last: their macros rename socket, bind, select, ...
#include "model/include/ws2spi.h"
#include "model/include/ws2tcpip.h"

namespace ws2sim::model {
namespace {

// A provider that records what the DLL asks of it.
struct FakeProvider {
  int startups = 0;
  int cleanups = 0;
  int calls_before_startup = 0;
  WORD answer_version = MAKEWORD(2, 0);
  int send_error = 0;  // when set, WSPSend fails with it
  WSPUPCALLTABLE upcalls{};
  std::vector<SOCKET> closed;
  DWORD startup_entry_id = 0;  // the catalog entry WSPStartup was given
  DWORD socket_entry_id = 0;   // the entry FakeSocket passed to WPUCreateSocketHandle
};
FakeProvider* g_fake = nullptr;

SOCKET WSPAPI FakeSocket(int, int, int, LPWSAPROTOCOL_INFOW info, int, LPINT error) {
  if (g_fake->startups == 0) ++g_fake->calls_before_startup;
  static int contexts = 0;
  g_fake->socket_entry_id = info->dwCatalogEntryId;
  return g_fake->upcalls.lpWPUCreateSocketHandle(info->dwCatalogEntryId, &++contexts, error);
}
int WSPAPI FakeClose(SOCKET s, LPINT error) {
  g_fake->closed.push_back(s);
  return g_fake->upcalls.lpWPUCloseSocketHandle(s, error);
}
int WSPAPI FakeCleanup(LPINT) {
  ++g_fake->cleanups;
  return 0;
}
int WSPAPI FakeSend(SOCKET, LPWSABUF buffers, DWORD, LPDWORD sent, int, LPWSAOVERLAPPED,
                    LPWSAOVERLAPPED_COMPLETION_ROUTINE, LPINT error) {
  if (g_fake->send_error != 0) {
    *error = g_fake->send_error;
    return SOCKET_ERROR;
  }
  *sent = static_cast<DWORD>(buffers[0].len);
  return 0;
}
int WSPAPI FakeStartup(WORD, LPWSADATA data, LPWSAPROTOCOL_INFOW info, WSPUPCALLTABLE upcalls,
                       LPWSPPROC_TABLE table) {
  ++g_fake->startups;
  g_fake->startup_entry_id = info != nullptr ? info->dwCatalogEntryId : 0;
  g_fake->upcalls = upcalls;
  data->wVersion = g_fake->answer_version;
  data->wHighVersion = g_fake->answer_version;
  table->lpWSPSocket = &FakeSocket;
  table->lpWSPCloseSocket = &FakeClose;
  table->lpWSPCleanup = &FakeCleanup;
  table->lpWSPSend = &FakeSend;
  return 0;
}

CatalogEntry Entry(int type, int protocol, uint32_t attributes) {
  CatalogEntry e;
  e.address_family = AF_INET;
  e.socket_type = type;
  e.protocol = protocol;
  e.min_address_length = 16;
  e.max_address_length = 16;
  e.protocol_attributes = attributes;
  return e;
}

class DllTest : public testing::Test {
 protected:
  DllTest() {
    g_fake = &fake_;
    Machine& m = runtime_.AddMachine("alpha", nullptr);
    InstallProviderInRegistry(m.registry(), "fake", "fake.wsp", "Fake", AF_INET, 16,
                              {Entry(SOCK_STREAM, IPPROTO_TCP, 0x1066),
                               Entry(SOCK_DGRAM, IPPROTO_UDP, 0x1609)},
                              true);
    InstallProviderInRegistry(m.registry(), "second", "second.wsp", "Second", AF_INET, 16,
                              {Entry(SOCK_RAW, 255, 0x209)}, true);
    runtime_.providers().Register("FAKE.WSP", reinterpret_cast<void*>(&FakeStartup));
    runtime_.providers().Register("second.wsp", reinterpret_cast<void*>(&FakeStartup));
    runtime_.AddName("beta", {"10.0.0.2", "fe80::2"});
  }
  ~DllTest() override { g_fake = nullptr; }

  // Runs `body` as the main thread of a native process on "alpha" and runs the world.
  void RunProcess(absl::AnyInvocable<void()> body) {
    ASSERT_TRUE(runtime_
                    .StartNative({.host = "alpha", .name = "app"},
                                 [body = std::move(body)](const std::vector<std::string>&) mutable {
                                   body();
                                   return 0;
                                 })
                    .ok());
    sim::RunResult r = scheduler_.Run();
    ASSERT_TRUE(r.ok()) << r.message;
  }

  // The trace so far, ended.
  trace::Trace Trace() {
    recorder_->End(scheduler_.Now(), trace::pb::STOP_COMPLETED, "", "", 0);
    trace::ReadResult r = trace::ReadTraceBytes(recorder_->Bytes(), "dll.w2t");
    EXPECT_TRUE(r.status.ok()) << r.status;
    return r.trace;
  }

  FakeProvider fake_;
  std::unique_ptr<trace::Recorder> recorder_ = trace::Recorder::InMemory({});
  sim::Scheduler scheduler_{{.recorder = recorder_.get()}};
  Runtime runtime_{scheduler_, nullptr};
};

TEST_F(DllTest, SPI_START_01_SocketBeforeStartupFailsWithNotInitialised) {
  RunProcess([] {
    EXPECT_EQ(socket(AF_INET, SOCK_STREAM, 0), INVALID_SOCKET);
    EXPECT_EQ(WSAGetLastError(), WSANOTINITIALISED);
    EXPECT_EQ(closesocket(0x100), SOCKET_ERROR);
    EXPECT_EQ(WSAGetLastError(), WSANOTINITIALISED);
    EXPECT_EQ(WSACleanup(), SOCKET_ERROR);
    EXPECT_EQ(WSAGetLastError(), WSANOTINITIALISED);
  });
  EXPECT_EQ(fake_.startups, 0);
}

TEST_F(DllTest, WSAStartupNegotiatesTheApiVersion) {
  RunProcess([] {
    WSADATA d;
    EXPECT_EQ(WSAStartup(MAKEWORD(2, 2), &d), 0);
    EXPECT_EQ(d.wVersion, MAKEWORD(2, 2));
    EXPECT_EQ(d.wHighVersion, MAKEWORD(2, 2));
    EXPECT_EQ(d.iMaxUdpDg, 512);
    EXPECT_STREQ(d.szSystemStatus, "Running on alpha");
    EXPECT_EQ(WSAStartup(MAKEWORD(1, 1), &d), 0);
    EXPECT_EQ(d.wVersion, MAKEWORD(1, 1));
    EXPECT_EQ(WSAStartup(MAKEWORD(3, 0), &d), 0);
    EXPECT_EQ(d.wVersion, MAKEWORD(2, 2));
    EXPECT_EQ(WSAStartup(MAKEWORD(0, 9), &d), WSAVERNOTSUPPORTED);
    EXPECT_EQ(WSAStartup(MAKEWORD(2, 0), nullptr), WSAEFAULT);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(WSACleanup(), 0);
    EXPECT_EQ(WSACleanup(), SOCKET_ERROR);
  });
}

TEST_F(DllTest, SPI_START_17_OneWSPStartupPerProviderBeforeAnyOtherCallAndOneCleanup) {
  RunProcess([this] {
    WSADATA d;
    WSAStartup(MAKEWORD(2, 2), &d);
    WSAStartup(MAKEWORD(2, 2), &d);
    EXPECT_EQ(fake_.startups, 0);  // providers load on first use
    SOCKET a = socket(AF_INET, SOCK_STREAM, 0);
    SOCKET b = socket(AF_INET, SOCK_DGRAM, 0);
    EXPECT_NE(a, INVALID_SOCKET);
    EXPECT_NE(b, INVALID_SOCKET);
    EXPECT_EQ(fake_.startups, 1);
    EXPECT_EQ(WSACleanup(), 0);
    EXPECT_EQ(fake_.cleanups, 0);
    EXPECT_EQ(WSACleanup(), 0);
    EXPECT_EQ(fake_.cleanups, 1);
  });
  EXPECT_EQ(fake_.calls_before_startup, 0);
}

TEST_F(DllTest, SPI_START_17_AProcessEndingWithoutItsLastWSACleanupGetsTheOneWSPCleanup) {
  SOCKET s = INVALID_SOCKET;
  RunProcess([&] {
    WSADATA d;
    WSAStartup(MAKEWORD(2, 2), &d);
    WSAStartup(MAKEWORD(2, 2), &d);
    s = socket(AF_INET, SOCK_STREAM, 0);
    EXPECT_NE(s, INVALID_SOCKET);
    EXPECT_EQ(WSACleanup(), 0);  // the first of two cleans nothing up
    EXPECT_EQ(fake_.cleanups, 0);
  });  // D-14: main returns; the DLL does the final cleanup
  EXPECT_EQ(fake_.startups, 1);
  EXPECT_EQ(fake_.cleanups, 1);
  EXPECT_EQ(runtime_.DllOfSocket(s), nullptr);  // the handle table entry is released
}

TEST_F(DllTest, SPI_START_17_AProcessThatCleanedUpGetsNoSecondWSPCleanupWhenItEnds) {
  RunProcess([this] {
    WSADATA d;
    WSAStartup(MAKEWORD(2, 2), &d);
    EXPECT_NE(socket(AF_INET, SOCK_STREAM, 0), INVALID_SOCKET);
    EXPECT_EQ(WSACleanup(), 0);
    EXPECT_EQ(fake_.cleanups, 1);
  });
  EXPECT_EQ(fake_.cleanups, 1);
}

TEST_F(DllTest, SPI_START_17_AProcessEndedFromOutsideItsThreadsIsCleanedUpOnItsOwnLane) {
  Process* app = nullptr;
  scheduler_.ScheduleAt(sim::VirtualTime::Zero() + sim::Duration::Milliseconds(5), 0, [&] {
    app = runtime_.processes().All()[0];
    runtime_.processes().Exit(*app, 3);  // no thread of it is running
  });
  RunProcess([] {
    WSADATA d;
    WSAStartup(MAKEWORD(2, 2), &d);
    socket(AF_INET, SOCK_STREAM, 0);
    Sleep(1000);
    ADD_FAILURE() << "the process was not ended";
  });
  ASSERT_NE(app, nullptr);
  EXPECT_EQ(app->exit_code(), 3);
  EXPECT_EQ(fake_.cleanups, 1);
  const trace::Trace t = Trace();
  std::vector<trace::LaneId> lanes;
  for (const trace::TraceRecord& r : t.records) {
    if (r.record.has_call() && t.String(r.record.call().function()) == "WSPCleanup") {
      lanes.push_back(r.record.call().lane());
    }
  }
  EXPECT_EQ(lanes, (std::vector<trace::LaneId>{app->lane(), app->lane()}));  // enter, return
}

TEST_F(DllTest, SPI_START_09_DllRejectsAProviderAnsweringAVersionItCannotUse) {
  fake_.answer_version = MAKEWORD(1, 0);
  RunProcess([this] {
    WSADATA d;
    WSAStartup(MAKEWORD(2, 2), &d);
    EXPECT_EQ(socket(AF_INET, SOCK_STREAM, 0), INVALID_SOCKET);
    EXPECT_EQ(WSAGetLastError(), WSAVERNOTSUPPORTED);
    EXPECT_EQ(fake_.startups, 1);
    EXPECT_EQ(fake_.cleanups, 1);  // the DLL called WSPCleanup and does not use the provider
    EXPECT_EQ(socket(AF_INET, SOCK_STREAM, 0), INVALID_SOCKET);
    EXPECT_EQ(fake_.startups, 1);  // and does not try again
    WSACleanup();
  });
  EXPECT_EQ(fake_.cleanups, 1);
}

TEST_F(DllTest, SPI_SOCK_03_SocketErrorsFollowTheCatalog) {
  RunProcess([] {
    WSADATA d;
    WSAStartup(MAKEWORD(2, 2), &d);
    EXPECT_EQ(socket(AF_IPX, SOCK_STREAM, 0), INVALID_SOCKET);
    EXPECT_EQ(WSAGetLastError(), WSAEAFNOSUPPORT);
    EXPECT_EQ(socket(AF_INET, SOCK_SEQPACKET, 0), INVALID_SOCKET);
    EXPECT_EQ(WSAGetLastError(), WSAESOCKTNOSUPPORT);
    EXPECT_EQ(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), INVALID_SOCKET);
    EXPECT_EQ(WSAGetLastError(), WSAEPROTOTYPE);
    EXPECT_EQ(socket(AF_INET, SOCK_STREAM, 99), INVALID_SOCKET);
    EXPECT_EQ(WSAGetLastError(), WSAEPROTONOSUPPORT);
    WSACleanup();
  });
}

TEST_F(DllTest, SPI_SOCK_02_AfUnspecNeedsAProtocol) {
  RunProcess([] {
    WSADATA d;
    WSAStartup(MAKEWORD(2, 2), &d);
    EXPECT_EQ(socket(AF_UNSPEC, SOCK_STREAM, 0), INVALID_SOCKET);
    EXPECT_EQ(WSAGetLastError(), WSAEPROTONOSUPPORT);
    EXPECT_NE(socket(AF_UNSPEC, SOCK_STREAM, IPPROTO_TCP), INVALID_SOCKET);
    WSACleanup();
  });
}

TEST_F(DllTest, SPI_SOCK_06_HandlesAreUniqueAcrossProvidersAndNeverReused) {
  std::vector<SOCKET> handles;
  RunProcess([&] {
    WSADATA d;
    WSAStartup(MAKEWORD(2, 2), &d);
    for (int i = 0; i < 3; ++i) {
      SOCKET s = socket(AF_INET, i == 1 ? SOCK_RAW : SOCK_STREAM, 0);
      handles.push_back(s);
      EXPECT_EQ(closesocket(s), 0);
    }
    WSACleanup();
  });
  ASSERT_EQ(handles.size(), 3u);
  EXPECT_LT(handles[0], handles[1]);
  EXPECT_LT(handles[1], handles[2]);
  for (SOCKET s : handles) EXPECT_EQ(s % 4, 0u);
}

TEST_F(DllTest, SPI_SOCK_15_CallsOnAClosedSocketFailWithNotSock) {
  RunProcess([this] {
    WSADATA d;
    WSAStartup(MAKEWORD(2, 2), &d);
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    EXPECT_EQ(closesocket(s), 0);
    EXPECT_EQ(fake_.closed, std::vector<SOCKET>{s});
    EXPECT_EQ(send(s, "x", 1, 0), SOCKET_ERROR);
    EXPECT_EQ(WSAGetLastError(), WSAENOTSOCK);
    EXPECT_EQ(closesocket(s), SOCKET_ERROR);
    EXPECT_EQ(WSAGetLastError(), WSAENOTSOCK);
    WSACleanup();
  });
}

TEST_F(DllTest, ProviderErrorsBecomeTheThreadsLastErrorAndEmptySlotsAreNotSupported) {
  fake_.send_error = WSAECONNRESET;
  RunProcess([] {
    WSADATA d;
    WSAStartup(MAKEWORD(2, 2), &d);
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    EXPECT_EQ(send(s, "abc", 3, 0), SOCKET_ERROR);
    EXPECT_EQ(WSAGetLastError(), WSAECONNRESET);
    EXPECT_EQ(listen(s, 5), SOCKET_ERROR);  // the fake leaves WSPListen empty
    EXPECT_EQ(WSAGetLastError(), WSAEOPNOTSUPP);
    WSASetLastError(1234);
    EXPECT_EQ(GetLastError(), 1234u);
    WSACleanup();
  });
}

TEST_F(DllTest, UpcallsReachTheSocketsDllFromANetworkEvent) {
  SOCKET s = INVALID_SOCKET;
  RunProcess([&] {
    WSADATA d;
    WSAStartup(MAKEWORD(2, 2), &d);
    s = socket(AF_INET, SOCK_STREAM, 0);
    // A provider's own event (no process current) asks for the socket's context.
    scheduler_.ScheduleAfter(sim::Duration::Microseconds(1), 0, [&] {
      LPVOID context = nullptr;
      int error = 0;
      EXPECT_EQ(fake_.upcalls.lpWPUQuerySocketHandleContext(s, &context, &error), 0);
      EXPECT_NE(context, nullptr);
      EXPECT_EQ(fake_.upcalls.lpWPUQuerySocketHandleContext(s + 4, &context, &error), SOCKET_ERROR);
      EXPECT_EQ(error, WSAENOTSOCK);
    });
    Sleep(1);
    WSACleanup();
  });
}

TEST_F(DllTest, SPI_UPCALL_01_CreatedHandlesAreUniqueAndCarryTheirContext) {
  RunProcess([&] {
    WSADATA d;
    WSAStartup(MAKEWORD(2, 2), &d);
    closesocket(socket(AF_INET, SOCK_STREAM, 0));  // starts the provider
    int a = 1, b = 2, error = 0;
    const SOCKET h1 = fake_.upcalls.lpWPUCreateSocketHandle(fake_.socket_entry_id, &a, &error);
    const SOCKET h2 = fake_.upcalls.lpWPUCreateSocketHandle(fake_.socket_entry_id, &a, &error);
    ASSERT_NE(h1, INVALID_SOCKET);
    EXPECT_NE(h1, h2);
    LPVOID context = nullptr;
    EXPECT_EQ(fake_.upcalls.lpWPUQuerySocketHandleContext(h1, &context, &error), 0);
    EXPECT_EQ(context, &a);
    EXPECT_EQ(fake_.upcalls.lpWPUSetSocketHandleContext(h1, &b, &error), 0);
    EXPECT_EQ(fake_.upcalls.lpWPUQuerySocketHandleContext(h1, &context, &error), 0);
    EXPECT_EQ(context, &b);
    WSACleanup();
  });
}

TEST_F(DllTest, SPI_UPCALL_02_QueryingAHandleTheDllDidNotMakeFailsWithNotSock) {
  RunProcess([&] {
    WSADATA d;
    WSAStartup(MAKEWORD(2, 2), &d);
    closesocket(socket(AF_INET, SOCK_STREAM, 0));
    const HANDLE event = CreateEventA(nullptr, TRUE, FALSE, nullptr);  // a handle, not a socket
    LPVOID context = nullptr;
    int error = 0;
    EXPECT_EQ(fake_.upcalls.lpWPUQuerySocketHandleContext(
                  static_cast<SOCKET>(reinterpret_cast<uintptr_t>(event)), &context, &error),
              SOCKET_ERROR);
    EXPECT_EQ(error, WSAENOTSOCK);
    WSACleanup();
  });
}

TEST_F(DllTest, SPI_UPCALL_03_AClosedHandleIsGoneFromTheTable) {
  RunProcess([&] {
    WSADATA d;
    WSAStartup(MAKEWORD(2, 2), &d);
    const SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    int error = 0;
    EXPECT_EQ(fake_.upcalls.lpWPUCloseSocketHandle(s, &error), 0);
    LPVOID context = nullptr;
    EXPECT_EQ(fake_.upcalls.lpWPUQuerySocketHandleContext(s, &context, &error), SOCKET_ERROR);
    EXPECT_EQ(error, WSAENOTSOCK);
    EXPECT_EQ(send(s, "x", 1, 0), SOCKET_ERROR);  // the DLL no longer knows it
    EXPECT_EQ(WSAGetLastError(), WSAENOTSOCK);
    EXPECT_EQ(fake_.upcalls.lpWPUCloseSocketHandle(s, &error), SOCKET_ERROR);
    EXPECT_EQ(error, WSAENOTSOCK);
    WSACleanup();
  });
}

TEST_F(DllTest, SPI_UPCALL_04_AFullSocketTableFailsWithNoBufs) {
  RunProcess([&] {
    WSADATA d;
    WSAStartup(MAKEWORD(2, 2), &d);
    runtime_.DllOf(*runtime_.processes().Current()).set_socket_table_capacity(2);
    EXPECT_NE(socket(AF_INET, SOCK_STREAM, 0), INVALID_SOCKET);
    EXPECT_NE(socket(AF_INET, SOCK_STREAM, 0), INVALID_SOCKET);
    EXPECT_EQ(socket(AF_INET, SOCK_STREAM, 0), INVALID_SOCKET);
    EXPECT_EQ(WSAGetLastError(), WSAENOBUFS);
    int error = 0;
    EXPECT_EQ(fake_.upcalls.lpWPUCreateSocketHandle(fake_.socket_entry_id, nullptr, &error),
              INVALID_SOCKET);
    EXPECT_EQ(error, WSAENOBUFS);
    WSACleanup();
  });
}

TEST_F(DllTest, SPI_UPCALL_08_TheStartupEntryIdIsTheOneSocketsAreCreatedWith) {
  RunProcess([&] {
    WSADATA d;
    WSAStartup(MAKEWORD(2, 2), &d);
    EXPECT_NE(socket(AF_INET, SOCK_STREAM, 0), INVALID_SOCKET);
    EXPECT_NE(fake_.startup_entry_id, 0u);
    EXPECT_EQ(fake_.socket_entry_id, fake_.startup_entry_id);
    WSACleanup();
  });
}

TEST_F(DllTest, NamesResolveFromTheScenarioHosts) {
  RunProcess([] {
    WSADATA d;
    WSAStartup(MAKEWORD(2, 2), &d);
    struct hostent* h = gethostbyname("BETA");
    ASSERT_NE(h, nullptr);
    EXPECT_EQ(h->h_addrtype, AF_INET);
    struct in_addr a;
    memcpy(&a, h->h_addr_list[0], 4);
    EXPECT_STREQ(inet_ntoa(a), "10.0.0.2");
    EXPECT_EQ(h->h_addr_list[1], nullptr);
    EXPECT_EQ(gethostbyname("nowhere"), nullptr);
    EXPECT_EQ(WSAGetLastError(), WSAHOST_NOT_FOUND);

    struct addrinfo hints = {};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    struct addrinfo* result = nullptr;
    ASSERT_EQ(getaddrinfo("beta", "27015", &hints, &result), 0);
    ASSERT_NE(result, nullptr);
    EXPECT_EQ(result->ai_family, AF_INET);
    EXPECT_EQ(result->ai_protocol, IPPROTO_TCP);
    EXPECT_EQ(ntohs(reinterpret_cast<sockaddr_in*>(result->ai_addr)->sin_port), 27015);
    ASSERT_NE(result->ai_next, nullptr);
    EXPECT_EQ(result->ai_next->ai_family, AF_INET6);
    freeaddrinfo(result);
    hints.ai_flags = AI_PASSIVE;
    ASSERT_EQ(getaddrinfo(nullptr, "80", &hints, &result), 0);
    EXPECT_EQ(reinterpret_cast<sockaddr_in*>(result->ai_addr)->sin_addr.s_addr, INADDR_ANY);
    freeaddrinfo(result);
    EXPECT_EQ(getaddrinfo("nowhere", "80", &hints, &result), EAI_NONAME);
    char name[64];
    EXPECT_EQ(gethostname(name, sizeof(name)), 0);
    EXPECT_STREQ(name, "alpha");
    EXPECT_EQ(inet_addr("10.1.2.3"), htonl(0x0a010203));
    EXPECT_EQ(inet_addr("10.1.2"), INADDR_NONE);
    WSACleanup();
  });
}

}  // namespace
}  // namespace ws2sim::model

namespace ws2sim::model {
namespace {

TEST_F(DllTest, WSAEnumProtocolsListsTheCatalogInPriorityOrder) {
  RunProcess([] {
    DWORD length = 0;
    EXPECT_EQ(WSAEnumProtocolsW(nullptr, nullptr, &length), SOCKET_ERROR);
    EXPECT_EQ(WSAGetLastError(), WSANOTINITIALISED);
    WSADATA d;
    WSAStartup(MAKEWORD(2, 2), &d);
    EXPECT_EQ(WSAEnumProtocolsW(nullptr, nullptr, &length), SOCKET_ERROR);
    EXPECT_EQ(WSAGetLastError(), WSAENOBUFS);
    EXPECT_EQ(length, 3 * sizeof(WSAPROTOCOL_INFOW));  // fake's two entries, then second's one
    std::vector<WSAPROTOCOL_INFOW> all(3);
    ASSERT_EQ(WSAEnumProtocolsW(nullptr, all.data(), &length), 3);
    EXPECT_EQ(all[0].iSocketType, SOCK_STREAM);
    EXPECT_EQ(all[1].iProtocol, IPPROTO_UDP);
    EXPECT_EQ(all[2].iSocketType, SOCK_RAW);
    EXPECT_EQ(all[0].dwServiceFlags1, 0x1066u);
    EXPECT_LT(all[0].dwCatalogEntryId, all[2].dwCatalogEntryId);
    INT only_udp[] = {IPPROTO_UDP, 0};
    WSAPROTOCOL_INFOA narrow[3];
    length = sizeof(narrow);
    ASSERT_EQ(WSAEnumProtocolsA(only_udp, narrow, &length), 1);
    EXPECT_EQ(narrow[0].iProtocol, IPPROTO_UDP);
    EXPECT_EQ(narrow[0].iAddressFamily, AF_INET);
    WSACleanup();
  });
}

}  // namespace
}  // namespace ws2sim::model
