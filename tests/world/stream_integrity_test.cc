// Stream integrity through the whole Winsock path: for 50 seeds, a client sends 256 KiB with
// send() over a link that loses, reorders and duplicates packets, and the server checks with
// recv() that every byte arrives exactly once and in order, then the graceful close (S1 §3.1.25:
// reliable, ordered, no duplication; SPI-DATA-01, SPI-DATA-02 under weather).
#include "gtest/gtest.h"
// The harness last: it ends with the guest headers, whose macros rename socket, bind, ...
#include "tests/world/winsock_harness.h"

namespace ws2sim::scenarios::testing {
namespace {

constexpr size_t kBytes = 256 << 10;

class StreamIntegrity : public WinsockTest, public ::testing::WithParamInterface<int> {};

TEST_P(StreamIntegrity, EveryByteArrivesOnceAndInOrder) {
  const int seed = GetParam();
  sim::net::LinkParams weather;
  weather.delay_ns = 2'000'000;
  weather.jitter_ns = 500'000;
  weather.loss_percent = 3;
  weather.duplicate_percent = 3;
  weather.reorder_percent = 10;
  MakeWorld(weather, static_cast<uint64_t>(seed));
  const std::vector<uint8_t> data = Pattern(kBytes, static_cast<uint32_t>(seed));
  size_t received = 0;
  int64_t first_bad = -1;
  int last = -1, last_error = 0;
  bool client_done = false;
  Pair([&](SOCKET s) {
         std::vector<char> buffer(3000 + static_cast<size_t>(seed) * 17);
         for (;;) {
           const int n = recv(s, buffer.data(), static_cast<int>(buffer.size()), 0);
           if (n <= 0) {
             last = n;
             last_error = n == SOCKET_ERROR ? WSAGetLastError() : 0;
             break;
           }
           for (int i = 0; i < n; ++i, ++received) {
             if (first_bad < 0 &&
                 (received >= data.size() || static_cast<uint8_t>(buffer[i]) != data[received])) {
               first_bad = static_cast<int64_t>(received);
             }
           }
         }
         closesocket(s);
       },
       [&](SOCKET s) {
         EXPECT_EQ(SetInt(s, SOL_SOCKET, SO_SNDBUF, 32768), 0);
         // Writes of varying sizes, so segment boundaries vary too.
         size_t done = 0;
         for (size_t k = 1; done < data.size(); ++k) {
           const size_t n = std::min(data.size() - done, 500 + (k * 7919) % 9000);
           const int sent = send(s, reinterpret_cast<const char*>(data.data()) + done,
                                 static_cast<int>(n), 0);
           ASSERT_NE(sent, SOCKET_ERROR) << "seed " << seed << ": " << WSAGetLastError();
           done += static_cast<size_t>(sent);
         }
         EXPECT_EQ(shutdown(s, SD_SEND), 0);
         int rc = -1;
         RecvText(s, 10, 0, &rc);  // the server's close
         EXPECT_EQ(rc, 0) << "seed " << seed;
         closesocket(s);
         client_done = true;
       });
  Run();
  EXPECT_TRUE(client_done) << "seed " << seed;
  EXPECT_EQ(received, kBytes) << "seed " << seed;
  EXPECT_EQ(first_bad, -1) << "seed " << seed << ": first wrong byte at offset " << first_bad;
  EXPECT_EQ(last, 0) << "seed " << seed << ": the stream ended with error " << last_error;
  // The weather really happened.
  uint64_t lost = 0, duplicated = 0, reordered = 0;
  for (const sim::net::DirectionReport& d : world().network().Directions()) {
    if (d.link != "wire") continue;
    lost += d.counters->dropped.total().packets;
    duplicated += d.counters->duplicated;
    reordered += d.counters->reordered;
  }
  EXPECT_GT(lost, 0u) << "seed " << seed;
  EXPECT_GT(duplicated, 0u) << "seed " << seed;
  EXPECT_GT(reordered, 0u) << "seed " << seed;
}

INSTANTIATE_TEST_SUITE_P(Seeds, StreamIntegrity, ::testing::Range(1, 51));

}  // namespace
}  // namespace ws2sim::scenarios::testing
