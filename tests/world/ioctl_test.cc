// ioctlsocket through the Winsock API and the tcpip provider's WSPIoctl (CHECKLIST section 12,
// SPI-IOCTL; SPEC 2.22; D-60, D-62).
#include "gtest/gtest.h"
// The harness last: it ends with the guest headers, whose macros rename socket, bind, ...
#include "tests/world/winsock_harness.h"

namespace ws2sim::scenarios::testing {
namespace {

using sim::Duration;

class Ioctls : public WinsockTest {};

TEST_F(Ioctls, SPI_IOCTL_01_FionreadOnAStreamCountsEveryQueuedByte) {
  Pair([](SOCKET s) {
         EXPECT_EQ(Ioctl(s, FIONREAD), 0u);
         Sleep(1000);
         EXPECT_EQ(Ioctl(s, FIONREAD), 300u);
         RecvText(s, 120);
         EXPECT_EQ(Ioctl(s, FIONREAD), 180u);
       },
       [](SOCKET s) {
         SetInt(s, SOL_PROVIDER, TCP_NODELAY, TRUE);
         Sleep(500);  // the server looks first
         for (int i = 0; i < 3; ++i) {
           EXPECT_EQ(SendText(s, std::string(100, 'a' + i)), 100);
           Sleep(100);
         }
       });
  Run();
}

TEST_F(Ioctls, SPI_IOCTL_02_FionreadOnADatagramSocketIsTheFirstDatagramsSize) {
  OnServer([] {
    SOCKET u = Udp();
    Bind(u, kServerIp, 9000);
    EXPECT_EQ(Ioctl(u, FIONREAD), 0u);
    Sleep(100);
    EXPECT_EQ(Ioctl(u, FIONREAD), 7u);
    RecvText(u, 100);
    EXPECT_EQ(Ioctl(u, FIONREAD), 5u);  // "three", not the 8 bytes queued
  });
  OnClient([] {
    SOCKET u = Udp();
    Connect(u, kServerIp, 9000);
    SendText(u, "seven!!");
    SendText(u, "three");
    SendText(u, "3!!");
  });
  Run();
}

TEST_F(Ioctls, SPI_IOCTL_03_FionbioMakesABlockingSocketNonBlocking) {
  Pair([](SOCKET s) {
         Sleep(2000);
         SendText(s, "now");
       },
       [this](SOCKET s) {
         const Duration before = Elapsed();
         u_long on = 5;
         EXPECT_EQ(ioctlsocket(s, FIONBIO, &on), 0);
         int rc = 0;
         RecvText(s, 10, 0, &rc);
         EXPECT_EQ(rc, SOCKET_ERROR);
         EXPECT_EQ(WSAGetLastError(), WSAEWOULDBLOCK);
         EXPECT_EQ(Elapsed(), before);
         u_long off = 0;
         EXPECT_EQ(ioctlsocket(s, FIONBIO, &off), 0);
         EXPECT_EQ(RecvText(s, 10), "now");  // blocking again
         EXPECT_GE(Elapsed(), Duration::Seconds(2));
       });
  Run();
}

TEST_F(Ioctls, SPI_IOCTL_06_AtMarkFailsOnDatagramsAndTellsWhetherUrgentDataIsPending) {
  Pair([](SOCKET s) {
         EXPECT_EQ(Ioctl(s, SIOCATMARK), static_cast<u_long>(TRUE));  // nothing pending
         const Readiness r = Poll(s, nullptr, false, false, true);
         EXPECT_TRUE(r.except);
         EXPECT_EQ(Ioctl(s, SIOCATMARK), static_cast<u_long>(FALSE));  // urgent byte pending
         EXPECT_EQ(RecvText(s, 10, MSG_OOB), "!");
         EXPECT_EQ(Ioctl(s, SIOCATMARK), static_cast<u_long>(TRUE));
       },
       [](SOCKET s) {
         Sleep(100);
         EXPECT_EQ(SendText(s, "!", MSG_OOB), 1);
         int error = kOk;
         Ioctl(Udp(), SIOCATMARK, &error);
         EXPECT_EQ(error, WSAEINVAL);
       });
  Run();
}

TEST_F(Ioctls, SPI_IOCTL_07_UnsupportedCommandsFailWithInval) {
  OnClient([] {
    for (SOCKET s : {Tcp(), Udp()}) {
      for (u_long cmd : {static_cast<u_long>(FIOASYNC), static_cast<u_long>(SIOCSHIWAT),
                         static_cast<u_long>(SIOCGHIWAT), static_cast<u_long>(SIOCSLOWAT),
                         static_cast<u_long>(SIOCGLOWAT), 0x12345678u, 0u}) {
        int error = kOk;
        Ioctl(s, static_cast<LONG>(cmd), &error);
        EXPECT_EQ(error, WSAEINVAL) << std::hex << cmd;
      }
    }
  });
  Run();
}

TEST_F(Ioctls, SPI_IOCTL_08_CommandCodesHaveTheHeadersValues) {
  EXPECT_EQ(static_cast<uint32_t>(FIONREAD), 0x4004667Fu);
  EXPECT_EQ(static_cast<uint32_t>(FIONBIO), 0x8004667Eu);
  EXPECT_EQ(static_cast<uint32_t>(FIOASYNC), 0x8004667Du);
  EXPECT_EQ(static_cast<uint32_t>(SIOCATMARK), 0x40047307u);
  // And the provider answers to exactly those values.
  OnClient([] {
    SOCKET s = Tcp();
    u_long arg = 1;
    EXPECT_EQ(ioctlsocket(s, static_cast<LONG>(0x8004667Eu), &arg), 0);  // FIONBIO
    int rc = 0;
    RecvText(s, 1, 0, &rc);
    EXPECT_EQ(WSAGetLastError(), WSAENOTCONN);
    arg = 99;
    EXPECT_EQ(ioctlsocket(s, static_cast<LONG>(0x4004667Fu), &arg), 0);  // FIONREAD
    EXPECT_EQ(arg, 0u);
    EXPECT_EQ(ioctlsocket(s, static_cast<LONG>(0x40047307u), &arg), 0);  // SIOCATMARK
  });
  Run();
}

}  // namespace
}  // namespace ws2sim::scenarios::testing
