// The tcpip service provider (DESIGN.md section 6): TCP and UDP for AF_INET and AF_INET6 over
// sim::net, behind the 30-entry WSPPROC_TABLE its WSPStartup fills (wsp.cc). One TcpipProvider
// serves a run (like a provider DLL loaded by every process of every host, with its protocol
// state per host: TcpipStack); the WSP functions find it through Active() and the calling host
// through sim::CurrentHost(). It reaches the world only through sim::net and the upcall table.
#ifndef WS2SIM_PROVIDERS_TCPIP_TCPIP_PROVIDER_H_
#define WS2SIM_PROVIDERS_TCPIP_TCPIP_PROVIDER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "providers/tcpip/stack.h"
#include "sim/net/network.h"

namespace ws2sim::providers::tcpip {

// What the installer writes in a machine's registry for this provider (S1 §2.1.1.2).
struct ProtocolEntry {
  int32_t address_family;
  int32_t socket_type;
  int32_t protocol;
  int32_t min_address_length;
  int32_t max_address_length;
  uint32_t attributes;  // XP_* (SPEC 1.6.4)
  const char* description;
};

class TcpipProvider {
 public:
  static constexpr char kFileName[] = "tcpip.wsp";
  static constexpr char kDescription[] = "ws2sim TCP/IP";

  struct Options {
    int somaxconn = 5;  // listen backlogs are clamped to [1, somaxconn] (S1 §3.1.7; D-59)
    // Descriptors one process may hold: its sockets plus its closed connections still draining
    // (S1 §3.1.2). Beyond it WSPSocket and WSPAccept fail with WSAEMFILE. WSADATA's iMaxSockets.
    int max_sockets_per_process = 0x7fff;
    // When a graceful FD_CLOSE is delivered: true (D-42), once every received byte was read;
    // false, at the close indication (later Windows; race R-21). The one place this is chosen.
    bool fd_close_waits_for_data = true;
    // A request a condition function deferred (CF_DEFER) and did not decide on within this time
    // is reset and discarded; the next WSPAccept fails with WSAEWOULDBLOCK (D-38).
    sim::Duration accept_defer_timeout = sim::Duration::Seconds(30);
  };

  TcpipProvider(sim::net::Network& network, uint64_t seed, Options options);
  ~TcpipProvider();
  TcpipProvider(const TcpipProvider&) = delete;
  TcpipProvider& operator=(const TcpipProvider&) = delete;

  // The provider serving the run now; null when none exists.
  static TcpipProvider* Active();
  // Its WSPStartup (an LPWSPSTARTUP), for model::ProviderDirectory under kFileName.
  static void* StartupEntry();
  // Stream and datagram entries for AF_INET (16-byte addresses) and AF_INET6 (28).
  static std::vector<ProtocolEntry> CatalogEntries();

  const Options& options() const { return options_; }
  // The stack of `host`, made on first use.
  TcpipStack& StackFor(sim::net::Host& host);
  // WSPStartup / WSPCleanup reference counts per process (D-12).
  int& startups(uint32_t pid) { return startups_[pid]; }

 private:
  sim::net::Network& network_;
  uint64_t seed_;
  Options options_;
  absl::btree_map<std::string, std::unique_ptr<TcpipStack>> stacks_;  // by host name
  absl::btree_map<uint32_t, int> startups_;
  TcpipProvider* previous_active_;
};

}  // namespace ws2sim::providers::tcpip

#endif  // WS2SIM_PROVIDERS_TCPIP_TCPIP_PROVIDER_H_
