// The harness of the Winsock behaviour tests (tests/world/*_test.cc): a World with two hosts,
// "server" (10.0.0.1) and "client" (10.0.0.2), on one link "wire"; native processes whose C++
// bodies call the real Winsock API (model/api_*.cc) through the DLL model into the tcpip
// provider; and small helpers the bodies use (addresses, connected pairs, error codes, virtual
// time). Each test is named after the CHECKLIST item it proves.
//
// Include this header LAST in a test file: it ends with the guest headers, whose macros rename
// socket, bind, select, ...
//
// Bodies run on simulated threads: gtest's EXPECT_* work there; an ASSERT_* leaves the body.
// A body that returns ends its process, which closes its sockets as Windows does (D-14: open
// connections are reset, closed ones keep draining). A body whose sockets a peer still uses
// waits for it first (AwaitClients / AwaitServers); Pair's two processes end together.
#ifndef WS2SIM_TESTS_WORLD_WINSOCK_HARNESS_H_
#define WS2SIM_TESTS_WORLD_WINSOCK_HARNESS_H_

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "model/runtime.h"
#include "model/winsock_dll.h"
#include "scenarios/world.h"
#include "sim/host_context.h"
#include "sim/net/network.h"
#include "sim/time.h"
// The guest headers last: their macros rename socket, bind, select, ...
#include "model/include/ws2spi.h"
#include "model/include/ws2tcpip.h"

namespace ws2sim::scenarios::testing {

inline constexpr char kServerIp[] = "10.0.0.1";
inline constexpr char kClientIp[] = "10.0.0.2";
inline constexpr u_short kPort = 27015;
// ErrorOf's answer for a call that succeeded.
inline constexpr int kOk = 0;

// --- Helpers for process bodies ---------------------------------------------------------------

inline sockaddr_in Address(const char* ip, u_short port) {
  sockaddr_in a;
  std::memset(&a, 0, sizeof(a));
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = inet_addr(ip);
  return a;
}
inline const sockaddr* Sa(const sockaddr_in& a) { return reinterpret_cast<const sockaddr*>(&a); }
inline sockaddr* Sa(sockaddr_in& a) { return reinterpret_cast<sockaddr*>(&a); }

// The thread's last error after a failed call, kOk after a successful one.
inline int ErrorOf(int rc) { return rc == SOCKET_ERROR ? WSAGetLastError() : kOk; }
inline int ErrorOf(SOCKET s) { return s == INVALID_SOCKET ? WSAGetLastError() : kOk; }

inline SOCKET Tcp() {
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_NE(s, INVALID_SOCKET) << WSAGetLastError();
  return s;
}
inline SOCKET Udp() {
  SOCKET s = socket(AF_INET, SOCK_DGRAM, 0);
  EXPECT_NE(s, INVALID_SOCKET) << WSAGetLastError();
  return s;
}
inline int Bind(SOCKET s, const char* ip, u_short port) {
  const sockaddr_in a = Address(ip, port);
  return bind(s, Sa(a), sizeof(a));
}
inline int Connect(SOCKET s, const char* ip, u_short port) {
  const sockaddr_in a = Address(ip, port);
  return connect(s, Sa(a), sizeof(a));
}
// A stream socket bound to the server's address and `port`, listening.
inline SOCKET Listener(u_short port = kPort, int backlog = 5) {
  SOCKET s = Tcp();
  EXPECT_EQ(ErrorOf(Bind(s, kServerIp, port)), kOk);
  EXPECT_EQ(ErrorOf(listen(s, backlog)), kOk);
  return s;
}
// The next connection accepted on `listener` (blocking), INVALID_SOCKET after a failure.
inline SOCKET Accepted(SOCKET listener) {
  SOCKET s = accept(listener, nullptr, nullptr);
  EXPECT_NE(s, INVALID_SOCKET) << WSAGetLastError();
  return s;
}
// A stream socket connected (blocking) to the server's `port`.
inline SOCKET Connected(u_short port = kPort) {
  SOCKET s = Tcp();
  EXPECT_EQ(ErrorOf(Connect(s, kServerIp, port)), kOk);
  return s;
}
inline int SendText(SOCKET s, const std::string& text, int flags = 0) {
  return send(s, text.data(), static_cast<int>(text.size()), flags);
}
// One recv into a buffer of `capacity` bytes: the bytes, or "" with *rc = SOCKET_ERROR / 0.
inline std::string RecvText(SOCKET s, int capacity, int flags = 0, int* rc = nullptr) {
  std::string buffer(static_cast<size_t>(capacity), '\0');
  const int n = recv(s, buffer.data(), capacity, flags);
  if (rc != nullptr) *rc = n;
  return n > 0 ? buffer.substr(0, static_cast<size_t>(n)) : std::string();
}
// Receives exactly `n` bytes (fewer at end of stream or on an error).
inline std::string RecvExactly(SOCKET s, size_t n) {
  std::string out;
  char buffer[4096];
  while (out.size() < n) {
    const int got = recv(s, buffer, static_cast<int>(std::min(sizeof(buffer), n - out.size())), 0);
    if (got <= 0) break;
    out.append(buffer, static_cast<size_t>(got));
  }
  return out;
}
// Sends every byte (blocking); false on an error.
inline bool SendAll(SOCKET s, const std::vector<uint8_t>& data) {
  size_t done = 0;
  while (done < data.size()) {
    const int n = send(s, reinterpret_cast<const char*>(data.data()) + done,
                       static_cast<int>(data.size() - done), 0);
    if (n == SOCKET_ERROR) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}
// Receives until end of stream or an error; the bytes, and the final recv's result in *last.
inline std::vector<uint8_t> RecvToEnd(SOCKET s, int* last = nullptr, int* error = nullptr) {
  std::vector<uint8_t> data;
  char buffer[4096];
  for (;;) {
    const int n = recv(s, buffer, sizeof(buffer), 0);
    if (n <= 0) {
      if (last != nullptr) *last = n;
      if (error != nullptr) *error = n == SOCKET_ERROR ? WSAGetLastError() : 0;
      return data;
    }
    data.insert(data.end(), buffer, buffer + n);
  }
}
inline std::vector<uint8_t> Pattern(size_t n, uint32_t salt = 0) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>((i * 131 + salt + (i >> 8)) & 0xff);
  return v;
}

inline int GetInt(SOCKET s, int level, int name, int* error = nullptr) {
  int value = -12345;
  int len = sizeof(value);
  const int rc = getsockopt(s, level, name, reinterpret_cast<char*>(&value), &len);
  if (error != nullptr) *error = ErrorOf(rc);
  return value;
}
inline int SetInt(SOCKET s, int level, int name, int value) {
  return setsockopt(s, level, name, reinterpret_cast<const char*>(&value), sizeof(value));
}
inline struct linger GetLinger(SOCKET s) {
  struct linger l;
  l.l_onoff = 0xeeee;
  l.l_linger = 0xeeee;
  int len = sizeof(l);
  EXPECT_EQ(ErrorOf(getsockopt(s, SOL_SOCKET, SO_LINGER, reinterpret_cast<char*>(&l), &len)),
            kOk);
  return l;
}
inline int SetLinger(SOCKET s, u_short onoff, u_short seconds) {
  struct linger l;
  l.l_onoff = onoff;
  l.l_linger = seconds;
  return setsockopt(s, SOL_SOCKET, SO_LINGER, reinterpret_cast<const char*>(&l), sizeof(l));
}
inline int SetNonBlocking(SOCKET s, bool on) {
  u_long arg = on ? 1 : 0;
  return ioctlsocket(s, FIONBIO, &arg);
}
inline u_long Ioctl(SOCKET s, LONG cmd, int* error = nullptr) {
  u_long arg = 0xdeadbeef;
  const int rc = ioctlsocket(s, cmd, &arg);
  if (error != nullptr) *error = ErrorOf(rc);
  return arg;
}

// One recv on `s`: its error (kOk when it returned data or 0).
inline int RecvError(SOCKET s) {
  char buffer[256];
  return ErrorOf(recv(s, buffer, sizeof(buffer), 0));
}

// The options of a new socket of `type` read their defaults (S1 §3.1.5; SPEC 3.1).
inline void ExpectDefaultOptions(SOCKET s, int type) {
  EXPECT_EQ(GetInt(s, SOL_SOCKET, SO_ACCEPTCONN), FALSE);
  EXPECT_EQ(GetInt(s, SOL_SOCKET, SO_BROADCAST), FALSE);
  EXPECT_EQ(GetInt(s, SOL_SOCKET, SO_DEBUG), FALSE);
  EXPECT_EQ(GetInt(s, SOL_SOCKET, SO_DONTLINGER), TRUE);
  EXPECT_EQ(GetInt(s, SOL_SOCKET, SO_DONTROUTE), FALSE);
  EXPECT_EQ(GetInt(s, SOL_SOCKET, SO_GROUP_ID), 0);
  EXPECT_EQ(GetInt(s, SOL_SOCKET, SO_KEEPALIVE), FALSE);
  EXPECT_EQ(GetInt(s, SOL_SOCKET, SO_OOBINLINE), FALSE);
  EXPECT_EQ(GetInt(s, SOL_SOCKET, SO_REUSEADDR), FALSE);
  EXPECT_EQ(GetInt(s, SOL_SOCKET, SO_INTERRUPT), FALSE);
  EXPECT_EQ(GetInt(s, SOL_SOCKET, SO_TYPE), type);
  EXPECT_EQ(GetLinger(s).l_onoff, 0);
  EXPECT_EQ(GetInt(s, SOL_SOCKET, SO_RCVBUF), 8192);  // implementation dependent
  EXPECT_EQ(GetInt(s, SOL_SOCKET, SO_SNDBUF), 8192);
}

// select on one socket: which of read / write / except it is in, or the call's error.
struct Readiness {
  int rc = 0;
  bool read = false;
  bool write = false;
  bool except = false;
};
inline Readiness Poll(SOCKET s, const timeval* timeout, bool read = true, bool write = true,
                      bool except = true) {
  fd_set r, w, e;
  FD_ZERO(&r);
  FD_ZERO(&w);
  FD_ZERO(&e);
  FD_SET(s, &r);
  FD_SET(s, &w);
  FD_SET(s, &e);
  Readiness out;
  out.rc = select(0, read ? &r : nullptr, write ? &w : nullptr, except ? &e : nullptr, timeout);
  out.read = read && FD_ISSET(s, &r);
  out.write = write && FD_ISSET(s, &w);
  out.except = except && FD_ISSET(s, &e);
  return out;
}
inline const timeval* ZeroTimeout() {
  static const timeval zero = {0, 0};
  return &zero;
}

// The provider's procedure table for socket `s` of the calling process, with the SPI calls made
// through it running on the process's machine (as the DLL sets it around its own calls). For
// the SPI features the API functions do not reach (WSABUF arrays: D-53).
class SpiScope {
 public:
  explicit SpiScope(SOCKET s) {
    model::WinsockDll* dll = model::Runtime::Active()->DllOfSocket(s);
    if (dll == nullptr || dll->FindSocket(s) == nullptr) return;
    table_ = dll->FindProvider(dll->FindSocket(s)->provider_id)->table.get();
    host_.emplace(dll->machine().net_host(), dll->process().pid());
  }
  const WSPPROC_TABLE* operator->() const { return table_; }
  bool ok() const { return table_ != nullptr; }

 private:
  const WSPPROC_TABLE* table_ = nullptr;
  std::optional<sim::ScopedHost> host_;
};

// While it lives, calls into a provider run on the calling process's machine, as the DLL sets it
// around its own SPI calls (WSPStartup, WSPCleanup).
inline sim::ScopedHost OnOwnMachine() {
  model::Runtime* rt = model::Runtime::Active();
  model::Process& p = *rt->processes().Current();
  return sim::ScopedHost(rt->DllOf(p).machine().net_host(), p.pid());
}

// --- The fixture --------------------------------------------------------------------------------

class WinsockTest : public ::testing::Test {
 protected:
  // 1 ms each way, nothing lost.
  static sim::net::LinkParams CleanLink() { return {.delay_ns = 1'000'000}; }

  // Makes the world (once, before the first Spawn): two hosts on link "wire" with `params`,
  // traced into `recorder` when it is given.
  void MakeWorld(const sim::net::LinkParams& params = CleanLink(), uint64_t seed = 1,
                 providers::tcpip::TcpipProvider::Options tcpip = {},
                 trace::Recorder* recorder = nullptr) {
    ASSERT_EQ(world_, nullptr) << "MakeWorld twice";
    world_ = std::make_unique<World>(World::Options{
        .seed = seed, .recorder = recorder, .echo = &output_, .tcpip = tcpip});
    ASSERT_TRUE(world_->AddHost("server").ok());
    ASSERT_TRUE(world_->AddHost("client").ok());
    const absl::Status link = world_->network().AddLink(
        {.name = "wire",
         .a = {.host = "server", .interface = "eth0", .addresses = {"10.0.0.1/24"}},
         .b = {.host = "client", .interface = "eth0", .addresses = {"10.0.0.2/24"}},
         .params = params});
    ASSERT_TRUE(link.ok()) << link;
  }
  World& world() {
    if (world_ == nullptr) MakeWorld();
    return *world_;
  }

  // Starts `body` as a native process on `host` ("server" or "client") at virtual time `at`,
  // after a successful WSAStartup(2.2). The process ends when `body` returns.
  void Spawn(const std::string& host, std::function<void()> body,
             sim::Duration at = sim::Duration::Zero()) {
    const std::string name = host + "-" + std::to_string(++processes_);
    ++bodies_[host].left;
    absl::StatusOr<model::Process*> p = world().StartNative(
        host, name,
        [this, host, body = std::move(body)](const std::vector<std::string>&) {
          WSADATA data;
          EXPECT_EQ(WSAStartup(MAKEWORD(2, 2), &data), 0);
          body();
          Arrive(bodies_[host]);
          return 0;
        },
        at);
    ASSERT_TRUE(p.ok()) << p.status();
  }
  void OnServer(std::function<void()> body, sim::Duration at = sim::Duration::Zero()) {
    Spawn("server", std::move(body), at);
  }
  // Clients start 1 ms in, so a server's listener is ready.
  void OnClient(std::function<void()> body, sim::Duration at = sim::Duration::Milliseconds(1)) {
    Spawn("client", std::move(body), at);
  }

  // From a body: waits until every body started on the client (server) host has returned and
  // its process has ended.
  void AwaitClients() { Wait(bodies_["client"]); }
  void AwaitServers() { Wait(bodies_["server"]); }

  // A connection: the server listens on kPort and accepts once, the client connects; each body
  // gets its end. Both processes end when both bodies have returned.
  void Pair(std::function<void(SOCKET)> server, std::function<void(SOCKET)> client) {
    PairOf([] { return Accepted(Listener()); }, [] { return Connected(); }, std::move(server),
           std::move(client));
  }
  // Pair with the server's end made by `accept_one` and the client's by `connect_one`.
  void PairOf(std::function<SOCKET()> accept_one, std::function<SOCKET()> connect_one,
              std::function<void(SOCKET)> server, std::function<void(SOCKET)> client) {
    auto ends = std::make_shared<Countdown>(Countdown{.left = 2});
    OnServer([this, ends, accept_one = std::move(accept_one), server = std::move(server)] {
      SOCKET s = accept_one();
      if (s != INVALID_SOCKET) server(s);
      Arrive(*ends);
      Wait(*ends);
    });
    OnClient([this, ends, connect_one = std::move(connect_one), client = std::move(client)] {
      client(connect_one());
      Arrive(*ends);
      Wait(*ends);
    });
  }

  // R-17 (SPEC 4.1): the client queues 60000 bytes on one connection and closes it gracefully,
  // leaves a second one open and calls `end` (WSACleanup, say; its process ends after it). A
  // second in, the server finds the client ended, reads all the closed one's data and a graceful
  // end, and a reset on the open one.
  void ClosedDrainsWhileOpenResets(std::function<void(SOCKET open_one)> end) {
    const std::vector<uint8_t> data = Pattern(60000);
    OnServer([this, data] {
      SOCKET listener = Listener();
      SOCKET closed_one = Accepted(listener);
      SOCKET open_one = Accepted(listener);
      Sleep(1000);
      EXPECT_TRUE(AllEnded("client"));  // with most of the data still queued
      int last = -1;
      EXPECT_EQ(RecvToEnd(closed_one, &last), data);
      EXPECT_EQ(last, 0);
      EXPECT_EQ(RecvError(open_one), WSAECONNRESET);
    });
    OnClient([this, data, end = std::move(end)] {
      SOCKET closed_one = Connected();
      SOCKET open_one = Connected();
      SendAllThenClose(closed_one, data);
      end(open_one);
    });
  }

  // Runs the world to its end; the run must complete (no deadlock, no limit).
  void Run() {
    const sim::RunResult r = world().Run();
    EXPECT_TRUE(r.ok()) << r.message << "\n" << output_.str();
  }

  // True when every process started on `host` has ended.
  bool AllEnded(const std::string& host) {
    for (model::Process* p : world().runtime().processes().All()) {
      if (p->spec().host == host && !p->exit_code().has_value()) return false;
    }
    return true;
  }

  // Virtual time since the start of the run.
  sim::Duration Elapsed() { return world().scheduler().Now() - sim::VirtualTime::Zero(); }

  // From a body: sets a 64 KiB send buffer, sends `data` (most of it stays queued) and closes
  // `s`, expecting success; how long closesocket took.
  sim::Duration SendAllThenClose(SOCKET s, const std::vector<uint8_t>& data) {
    EXPECT_EQ(SetInt(s, SOL_SOCKET, SO_SNDBUF, 65536), 0);
    EXPECT_TRUE(SendAll(s, data));
    const sim::Duration before = Elapsed();
    EXPECT_EQ(closesocket(s), 0);
    return Elapsed() - before;
  }

 private:
  // Bodies waiting for one another across processes: each Arrive counts one down; Wait parks
  // the calling body until the count is 0.
  struct Countdown {
    int left = 0;
    std::vector<sim::FiberId> waiters;
  };
  void Arrive(Countdown& c) {
    if (--c.left > 0) return;
    for (sim::FiberId f : c.waiters) world().scheduler().Unpark(f);
    c.waiters.clear();
  }
  void Wait(Countdown& c) {
    while (c.left > 0) {
      c.waiters.push_back(world().scheduler().CurrentFiber());
      world().scheduler().Park("other test processes to finish");
    }
  }

  std::ostringstream output_;
  std::unique_ptr<World> world_;
  int processes_ = 0;
  std::map<std::string, Countdown> bodies_;  // by host; a std::map keeps them in place
};

}  // namespace ws2sim::scenarios::testing

#endif  // WS2SIM_TESTS_WORLD_WINSOCK_HARNESS_H_
