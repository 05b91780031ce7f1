// Out-of-band data through the Winsock API and the tcpip provider, Win32 blocking and
// non-blocking calls (CHECKLIST section 5, SPI-OOB; SPEC 2.20, 2.22; BSD semantics D-62, D-98).
#include "gtest/gtest.h"
// The harness last: it ends with the guest headers, whose macros rename socket, bind, ...
#include "tests/world/winsock_harness.h"

namespace ws2sim::scenarios::testing {
namespace {

using sim::Duration;

class Oob : public WinsockTest {};

// Waits (select, no timeout) until urgent data is reported in exceptfds.
void WaitForUrgent(SOCKET s) {
  const Readiness r = Poll(s, nullptr, false, false, true);
  EXPECT_EQ(r.rc, 1);
  EXPECT_TRUE(r.except);
}

TEST_F(Oob, SPI_OOB_01_MsgOobOnADatagramSocketIsNotSupported) {
  OnServer([] {
    SOCKET u = Udp();
    Bind(u, kServerIp, 9000);
    Sleep(100);
    EXPECT_EQ(Ioctl(u, FIONREAD), 5u);  // only the plain datagram came
    char buffer[10];
    EXPECT_EQ(ErrorOf(recv(u, buffer, sizeof(buffer), MSG_OOB)), WSAEOPNOTSUPP);
    sockaddr_in from;
    int len = sizeof(from);
    EXPECT_EQ(ErrorOf(recvfrom(u, buffer, sizeof(buffer), MSG_OOB, Sa(from), &len)),
              WSAEOPNOTSUPP);
    EXPECT_EQ(RecvText(u, 10), "plain");
  });
  OnClient([] {
    SOCKET u = Udp();
    const sockaddr_in to = Address(kServerIp, 9000);
    EXPECT_EQ(ErrorOf(sendto(u, "u", 1, MSG_OOB, Sa(to), sizeof(to))), WSAEOPNOTSUPP);
    Connect(u, kServerIp, 9000);
    EXPECT_EQ(ErrorOf(SendText(u, "u", MSG_OOB)), WSAEOPNOTSUPP);
    EXPECT_EQ(SendText(u, "plain"), 5);
  });
  Run();
}

TEST_F(Oob, SPI_OOB_02_MsgOobWithoutExpeditedDataIsNotSupported) {
  // Both machines' catalogs describe TCP without XP_EXPEDITED_DATA (D-30, D-57).
  MakeWorld();
  for (const char* host : {"server", "client"}) {
    std::vector<model::CatalogEntry> entries;
    for (const providers::tcpip::ProtocolEntry& p :
         providers::tcpip::TcpipProvider::CatalogEntries()) {
      model::CatalogEntry e;
      e.address_family = p.address_family;
      e.socket_type = p.socket_type;
      e.protocol = p.protocol;
      e.min_address_length = p.min_address_length;
      e.max_address_length = p.max_address_length;
      e.protocol_attributes = p.attributes & ~static_cast<uint32_t>(XP_EXPEDITED_DATA);
      e.socket_description = p.description;
      entries.push_back(std::move(e));
    }
    model::InstallProviderInRegistry(world().runtime().FindMachine(host)->registry(), "tcpip",
                                     providers::tcpip::TcpipProvider::kFileName, "no urgent data",
                                     AF_INET, 28, entries, true);
  }
  Pair([](SOCKET s) {
         Sleep(100);
         char buffer[10];
         EXPECT_EQ(ErrorOf(recv(s, buffer, sizeof(buffer), MSG_OOB)), WSAEOPNOTSUPP);
         EXPECT_EQ(RecvText(s, 10), "normal");
       },
       [](SOCKET s) {
         EXPECT_EQ(ErrorOf(SendText(s, "urgent", MSG_OOB)), WSAEOPNOTSUPP);
         EXPECT_EQ(SendText(s, "normal"), 6);
       });
  Run();
}

TEST_F(Oob, SPI_OOB_03_UrgentDataIsReadApartFromNormalData) {
  Pair([](SOCKET s) {
         WaitForUrgent(s);
         EXPECT_EQ(RecvText(s, 10, MSG_OOB), "X");  // without reading "abc" first
         EXPECT_EQ(RecvText(s, 10), "abc");
         EXPECT_EQ(RecvText(s, 10), "def");
       },
       [](SOCKET s) {
         EXPECT_EQ(SendText(s, "abc"), 3);
         EXPECT_EQ(SendText(s, "X", MSG_OOB), 1);
         EXPECT_EQ(SendText(s, "def"), 3);
       });
  Run();
}

TEST_F(Oob, SPI_OOB_05_InlineUrgentDataStopsReceivesAtTheMark) {
  Pair([](SOCKET s) {
         EXPECT_EQ(SetInt(s, SOL_SOCKET, SO_OOBINLINE, TRUE), 0);
         Sleep(1000);
         EXPECT_EQ(Ioctl(s, SIOCATMARK), static_cast<u_long>(FALSE));  // "abc" precedes the mark
         EXPECT_EQ(RecvText(s, 100), "abc");  // stops at the mark
         EXPECT_EQ(RecvText(s, 100), "X");
         EXPECT_EQ(Ioctl(s, SIOCATMARK), static_cast<u_long>(TRUE));
         EXPECT_EQ(RecvText(s, 100), "def");
         EXPECT_EQ(Ioctl(s, SIOCATMARK), static_cast<u_long>(TRUE));
       },
       [](SOCKET s) {
         Sleep(500);  // SO_OOBINLINE is on by then
         EXPECT_EQ(SendText(s, "abc"), 3);
         EXPECT_EQ(SendText(s, "X", MSG_OOB), 1);
         EXPECT_EQ(SendText(s, "def"), 3);
       });
  Run();
}

TEST_F(Oob, SPI_OOB_06_NoReceiveMixesUrgentAndNormalData) {
  Pair([](SOCKET s) {
         Sleep(100);
         // Non-inline: the urgent byte never shows up in the normal stream.
         EXPECT_EQ(RecvText(s, 100), "abc");
         EXPECT_EQ(RecvText(s, 100), "def");
         EXPECT_EQ(RecvText(s, 100, MSG_OOB), "X");
         // Inline: the urgent byte comes alone.
         EXPECT_EQ(SetInt(s, SOL_SOCKET, SO_OOBINLINE, TRUE), 0);
         Sleep(1000);
         EXPECT_EQ(RecvText(s, 100), "ghi");
         EXPECT_EQ(RecvText(s, 100), "Y");
         EXPECT_EQ(RecvText(s, 100), "jkl");
       },
       [](SOCKET s) {
         EXPECT_EQ(SendText(s, "abc"), 3);
         EXPECT_EQ(SendText(s, "X", MSG_OOB), 1);
         EXPECT_EQ(SendText(s, "def"), 3);
         Sleep(500);
         EXPECT_EQ(SendText(s, "ghi"), 3);
         EXPECT_EQ(SendText(s, "Y", MSG_OOB), 1);
         EXPECT_EQ(SendText(s, "jkl"), 3);
       });
  Run();
}

TEST_F(Oob, SPI_OOB_07_PeekingAtUrgentDataLeavesItThere) {
  Pair([](SOCKET s) {
         WaitForUrgent(s);
         EXPECT_EQ(RecvText(s, 10, MSG_PEEK | MSG_OOB), "!");
         EXPECT_EQ(RecvText(s, 10, MSG_PEEK | MSG_OOB), "!");
         EXPECT_TRUE(Poll(s, ZeroTimeout(), false, false, true).except);
         EXPECT_EQ(RecvText(s, 10, MSG_OOB), "!");
         EXPECT_FALSE(Poll(s, ZeroTimeout(), false, false, true).except);
         int rc = 0;
         RecvText(s, 10, MSG_OOB, &rc);
         EXPECT_EQ(rc, SOCKET_ERROR);  // consumed
       },
       [](SOCKET s) { EXPECT_EQ(SendText(s, "!", MSG_OOB), 1); });
  Run();
}

TEST_F(Oob, SPI_OOB_08_SelectReportsUrgentDataInExceptOrReadFds) {
  Pair([](SOCKET s) {
         WaitForUrgent(s);
         Readiness r = Poll(s, ZeroTimeout(), true, false, true);
         EXPECT_TRUE(r.except);
         EXPECT_FALSE(r.read);  // no normal data
         EXPECT_EQ(r.rc, 1);
         EXPECT_EQ(RecvText(s, 10, MSG_OOB), "1");
         EXPECT_EQ(SetInt(s, SOL_SOCKET, SO_OOBINLINE, TRUE), 0);
         Sleep(1000);  // the second urgent byte arrives, inline
         r = Poll(s, ZeroTimeout(), true, false, true);
         EXPECT_TRUE(r.read);
         EXPECT_FALSE(r.except);
         EXPECT_EQ(r.rc, 1);
         EXPECT_EQ(RecvText(s, 10), "2");
       },
       [](SOCKET s) {
         EXPECT_EQ(SendText(s, "1", MSG_OOB), 1);
         Sleep(500);
         EXPECT_EQ(SendText(s, "2", MSG_OOB), 1);
       });
  Run();
}

TEST_F(Oob, SPI_OOB_09_OnlyTheLastByteIsUrgentAndANewerUrgentBytePushesTheOlderInline) {
  Pair([](SOCKET s) {
         WaitForUrgent(s);
         EXPECT_EQ(RecvText(s, 10, MSG_OOB), "X");
         EXPECT_EQ(RecvText(s, 10), "abc");  // n-1 normal bytes
         Sleep(1000);  // "1A" then "2B" arrived, both urgent: A was not read in time
         EXPECT_EQ(RecvText(s, 10, MSG_OOB), "B");
         EXPECT_EQ(RecvText(s, 10), "1A2");  // A stays in the normal stream at its place
         int rc = 0;
         RecvText(s, 10, MSG_OOB, &rc);
         EXPECT_EQ(rc, SOCKET_ERROR);  // no other urgent byte
       },
       [](SOCKET s) {
         EXPECT_EQ(SendText(s, "abcX", MSG_OOB), 4);
         Sleep(500);
         EXPECT_EQ(SendText(s, "1A", MSG_OOB), 2);
         Sleep(10);
         EXPECT_EQ(SendText(s, "2B", MSG_OOB), 2);
       });
  Run();
}

class OobOverALossyLink : public WinsockTest, public ::testing::WithParamInterface<int> {};

TEST_P(OobOverALossyLink, SPI_OOB_10_OneUrgentByteArrivesOverALossyLink) {
  const int seed = GetParam();
  sim::net::LinkParams lossy = CleanLink();
  lossy.loss_percent = 20;
  MakeWorld(lossy, static_cast<uint64_t>(seed));
  Pair([seed](SOCKET s) {
         WaitForUrgent(s);
         EXPECT_EQ(RecvText(s, 10, MSG_OOB), "U") << "seed " << seed;
         int last = -1;
         const std::vector<uint8_t> rest = RecvToEnd(s, &last);
         EXPECT_EQ(std::string(rest.begin(), rest.end()), "beforeafter") << "seed " << seed;
         EXPECT_EQ(last, 0) << "seed " << seed;
       },
       [](SOCKET s) {
         EXPECT_EQ(SendText(s, "before"), 6);
         EXPECT_EQ(SendText(s, "U", MSG_OOB), 1);
         EXPECT_EQ(SendText(s, "after"), 5);
         EXPECT_EQ(shutdown(s, SD_SEND), 0);
       });
  Run();
}

INSTANTIATE_TEST_SUITE_P(Seeds, OobOverALossyLink, ::testing::Range(1, 11));

}  // namespace
}  // namespace ws2sim::scenarios::testing
