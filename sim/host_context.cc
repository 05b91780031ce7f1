#include "sim/host_context.h"

namespace ws2sim::sim {
namespace {
net::Host* g_current_host = nullptr;  // one run is one OS thread (DESIGN.md section 3)
}  // namespace

net::Host* CurrentHost() { return g_current_host; }

ScopedHost::ScopedHost(net::Host* host) : previous_(g_current_host) { g_current_host = host; }
ScopedHost::~ScopedHost() { g_current_host = previous_; }

}  // namespace ws2sim::sim
