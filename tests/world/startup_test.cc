// Provider startup and cleanup through the real tcpip provider (CHECKLIST section 1, SPI-START;
// SPEC 2.1; D-12): its WSPStartup called as the DLL calls it, and the DLL's own calls.
#include <cstring>

#include "gtest/gtest.h"
#include "providers/tcpip/tcpip_provider.h"
// The harness last: it ends with the guest headers, whose macros rename socket, bind, ...
#include "tests/world/winsock_harness.h"

namespace ws2sim::scenarios::testing {
namespace {

class Startup : public WinsockTest {
 protected:
  int& StartupsOfThisProcess() {
    return world().tcpip().startups(model::Runtime::Active()->processes().Current()->pid());
  }
};

// The tcpip provider's WSPStartup as the DLL finds it, called with the DLL's upcall table.
int TcpipStartup(WSADATA* data, WSPPROC_TABLE* table) {
  auto startup =
      reinterpret_cast<LPWSPSTARTUP>(providers::tcpip::TcpipProvider::StartupEntry());
  WSAPROTOCOL_INFOW info;
  std::memset(&info, 0, sizeof(info));
  const auto upcalls = *static_cast<const WSPUPCALLTABLE*>(model::WinsockDll::UpcallTable());
  return startup(MAKEWORD(2, 0), data, &info, upcalls, table);
}

TEST_F(Startup, SPI_START_15_StartupWithoutWsaDataOrATableFailsWithFault) {
  OnClient([] {
    const sim::ScopedHost on = OnOwnMachine();
    WSADATA data;
    WSPPROC_TABLE table;
    EXPECT_EQ(TcpipStartup(nullptr, &table), WSAEFAULT);
    EXPECT_EQ(TcpipStartup(&data, nullptr), WSAEFAULT);
  });
  Run();
}

TEST_F(Startup, SPI_START_15_AProviderOnAMachineWithoutANetworkIsNotReady) {
  World::InstallTcpip(world().runtime().AddMachine("island", nullptr));
  Spawn("island", [] {
    EXPECT_EQ(ErrorOf(socket(AF_INET, SOCK_STREAM, 0)), WSASYSNOTREADY);  // the DLL's WSPStartup
    const sim::ScopedHost on = OnOwnMachine();
    WSADATA data;
    WSPPROC_TABLE table;
    EXPECT_EQ(TcpipStartup(&data, &table), WSASYSNOTREADY);
  });
  Run();
}

TEST_F(Startup, SPI_START_16_WsaDataHasMaxUdpDg512AndTerminatedStringsWithinTheirLimits) {
  OnClient([] {
    const sim::ScopedHost on = OnOwnMachine();
    WSADATA data;
    std::memset(&data, 0x7f, sizeof(data));  // no NUL anywhere until the provider writes one
    WSPPROC_TABLE table;
    ASSERT_EQ(TcpipStartup(&data, &table), 0);
    EXPECT_EQ(data.iMaxUdpDg, 512);
    EXPECT_NE(std::memchr(data.szDescription, '\0', WSADESCRIPTION_LEN + 1), nullptr);
    EXPECT_NE(std::memchr(data.szSystemStatus, '\0', WSASYS_STATUS_LEN + 1), nullptr);
    EXPECT_STREQ(data.szDescription, providers::tcpip::TcpipProvider::kDescription);
    EXPECT_GT(std::strlen(data.szSystemStatus), 0u);
    int error = 0;
    EXPECT_EQ(table.lpWSPCleanup(&error), 0);
  });
  Run();
}

TEST_F(Startup, SPI_START_18_AProviderStartedTwiceCleansUpOnlyOnTheSecondCleanup) {
  Pair([](SOCKET s) {
         EXPECT_EQ(RecvText(s, 100), "still usable");
         EXPECT_EQ(RecvError(s), WSAECONNRESET);  // the second cleanup's
       },
       [this](SOCKET s) {  // the DLL started the provider for connect
         WSADATA data;
         WSPPROC_TABLE table;
         int error = 0;
         {
           const sim::ScopedHost on = OnOwnMachine();
           ASSERT_EQ(TcpipStartup(&data, &table), 0);
           EXPECT_EQ(StartupsOfThisProcess(), 2);
           EXPECT_EQ(table.lpWSPCleanup(&error), 0);
         }
         EXPECT_EQ(SendText(s, "still usable"), 12);
         Sleep(100);  // the server has read it
         {
           const sim::ScopedHost on = OnOwnMachine();
           EXPECT_EQ(table.lpWSPCleanup(&error), 0);
           EXPECT_EQ(StartupsOfThisProcess(), 0);
         }
         EXPECT_EQ(ErrorOf(SendText(s, "x")), WSAENOTSOCK);  // freed, its handle closed
       });
  Run();
}

TEST_F(Startup, SPI_START_19_AfterACompletedCleanupANewStartupWorksNormally) {
  OnServer([] {
    SOCKET listener = Listener();
    SOCKET before = Accepted(listener);
    SOCKET after = Accepted(listener);
    EXPECT_EQ(RecvText(after, 100), "after a restart");
    EXPECT_EQ(RecvError(before), WSAECONNRESET);
  });
  OnClient([this] {
    SOCKET before = Connected();
    EXPECT_EQ(WSACleanup(), 0);
    EXPECT_EQ(StartupsOfThisProcess(), 0);  // completed: the provider cleaned up
    WSADATA data;
    ASSERT_EQ(WSAStartup(MAKEWORD(2, 2), &data), 0);
    SOCKET after = Connected();  // the DLL starts the provider again
    EXPECT_EQ(StartupsOfThisProcess(), 1);
    EXPECT_EQ(SendText(after, "after a restart"), 15);
    EXPECT_EQ(ErrorOf(SendText(before, "x")), WSAENOTSOCK);
    AwaitServers();  // until the server has read
  });
  Run();
}

}  // namespace
}  // namespace ws2sim::scenarios::testing
