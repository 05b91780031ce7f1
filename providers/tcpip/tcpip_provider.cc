#include "providers/tcpip/tcpip_provider.h"

#include "providers/tcpip/wsp_internal.h"  // OnSocketChanged; the guest headers come last

namespace ws2sim::providers::tcpip {
namespace {
TcpipProvider* g_active = nullptr;
}  // namespace

TcpipProvider::TcpipProvider(sim::net::Network& network, uint64_t seed, Options options)
    : network_(network), seed_(seed), options_(options), previous_active_(g_active) {
  g_active = this;
}

TcpipProvider::~TcpipProvider() { g_active = previous_active_; }

TcpipProvider* TcpipProvider::Active() { return g_active; }

TcpipStack& TcpipProvider::StackFor(sim::net::Host& host) {
  std::unique_ptr<TcpipStack>& stack = stacks_[host.name()];
  if (stack == nullptr) {
    stack = std::make_unique<TcpipStack>(host, seed_);
    stack->SetSocketChangedHook(&OnSocketChanged);
  }
  return *stack;
}

std::vector<ProtocolEntry> TcpipProvider::CatalogEntries() {
  constexpr uint32_t kStream = 0x1066;  // FRAGMENTATION|EXPEDITED|GRACEFUL_CLOSE|ORDER|DELIVERY
  constexpr uint32_t kDgram = 0x0209;   // SUPPORTS_BROADCAST|MESSAGE_ORIENTED|CONNECTIONLESS
  return {
      {2, 1, 6, 16, 16, kStream, "TCP/IP stream (TCP)"},
      {2, 2, 17, 16, 16, kDgram, "TCP/IP datagram (UDP)"},
      {23, 1, 6, 28, 28, kStream, "TCP/IPv6 stream (TCP)"},
      {23, 2, 17, 28, 28, kDgram, "TCP/IPv6 datagram (UDP)"},
  };
}

}  // namespace ws2sim::providers::tcpip
