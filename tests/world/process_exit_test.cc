// A process that ends without closesocket or WSACleanup has its sockets closed for it, as
// Windows does (D-14, D-15; model/runtime.h): its open connections are reset, its listeners stop
// listening, the sockets it closed keep draining, and the trace shows the final WSPCleanup.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/trace/dump.h"
#include "sim/trace/reader.h"
#include "sim/trace/recorder.h"
// The harness last: it ends with the guest headers, whose macros rename socket, bind, ...
#include "tests/world/winsock_harness.h"

namespace ws2sim::scenarios::testing {
namespace {

using sim::Duration;

class ProcessExit : public WinsockTest {};

TEST_F(ProcessExit, SPI_SOCK_28_EndingResetsOpenConnectionsWhileClosedOnesDrain) {
  ClosedDrainsWhileOpenResets([](SOCKET) {});  // no WSACleanup, no closesocket
  Run();
}

TEST_F(ProcessExit, SPI_CONN_05_TheListenerOfAnEndedProcessRefusesAndItsConnectionIsReset) {
  OnServer([] { Accepted(Listener()); });  // neither is closed
  OnClient([this] {
    SOCKET first = Connected();
    Sleep(100);
    EXPECT_TRUE(AllEnded("server"));
    EXPECT_EQ(RecvError(first), WSAECONNRESET);
    EXPECT_EQ(ErrorOf(Connect(Tcp(), kServerIp, kPort)), WSAECONNREFUSED);
  });
  Run();
}

DWORD WINAPI AcceptOnce(LPVOID listener) {
  accept(static_cast<SOCKET>(reinterpret_cast<uintptr_t>(listener)), nullptr, nullptr);
  return 0;
}

TEST_F(ProcessExit, SPI_CONN_05_AThreadBlockedInAcceptDoesNotKeepTheListenerAlive) {
  OnServer([] {
    SOCKET listener = Listener();
    CreateThread(nullptr, 0, &AcceptOnce, reinterpret_cast<LPVOID>(uintptr_t{listener}), 0,
                 nullptr);
    Sleep(10);  // the thread is blocked in accept; then main returns
  });
  OnClient([] { EXPECT_EQ(ErrorOf(Connect(Tcp(), kServerIp, kPort)), WSAECONNREFUSED); },
           Duration::Milliseconds(100));
  Run();
}

TEST_F(ProcessExit, SPI_START_17_TheFinalWSPCleanupRunsOnTheExitingThreadAfterTheExit) {
  std::unique_ptr<trace::Recorder> recorder = trace::Recorder::InMemory({});
  MakeWorld(CleanLink(), 1, {}, recorder.get());
  OnServer([this] {
    Accepted(Listener());
    AwaitClients();
  });
  OnClient([] { Connected(); });  // ends without closesocket or WSACleanup
  Run();
  recorder->End(world().scheduler().Now(), trace::pb::STOP_COMPLETED, "", "", 0);
  const trace::ReadResult t = trace::ReadTraceBytes(recorder->Bytes(), "exit.w2t");
  ASSERT_TRUE(t.status.ok()) << t.status;
  std::vector<std::string> lines;  // the client's process, call and packet records
  for (const trace::TraceRecord& rec : t.trace.records) {
    const std::string line = trace::DumpRecord(t.trace, rec);
    if (line.find("client/client-2") != std::string::npos) {
      lines.push_back(line.substr(line.find(' ', line.find(' ') + 1) + 1));  // no #seq, time
    }
  }
  std::string all;
  for (const std::string& l : lines) all += l + "\n";
  auto at = [&](const std::string& start) {
    size_t i = 0;
    while (i < lines.size() && lines[i].rfind(start, 0) != 0) ++i;
    return i;
  };
  const size_t exit = at("process client/client-2 exit");
  ASSERT_LE(exit + 5, lines.size()) << all;
  const std::vector<std::string> cleanup = {
      "spi client/client-2/main WSPCleanup enter",
      "upcall client/client-2/main WPUCloseSocketHandle enter socket=0x104",
      "upcall client/client-2/main WPUCloseSocketHandle return socket=0x104 result=0",
      "spi client/client-2/main WSPCleanup return result=0",
  };
  EXPECT_EQ(std::vector<std::string>(lines.begin() + exit + 1, lines.begin() + exit + 5), cleanup)
      << all;
  EXPECT_EQ(std::count(lines.begin(), lines.end(), cleanup[0]), 1) << all;
}

}  // namespace
}  // namespace ws2sim::scenarios::testing
