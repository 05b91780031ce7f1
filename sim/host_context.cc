#include "sim/host_context.h"

namespace ws2sim::sim {
namespace {
// One run is one OS thread (DESIGN.md section 3).
net::Host* g_current_host = nullptr;
uint32_t g_current_process_id = 0;
}  // namespace

net::Host* CurrentHost() { return g_current_host; }
uint32_t CurrentProcessId() { return g_current_process_id; }

ScopedHost::ScopedHost(net::Host* host, uint32_t process_id)
    : previous_host_(g_current_host), previous_process_id_(g_current_process_id) {
  g_current_host = host;
  g_current_process_id = process_id;
}

ScopedHost::~ScopedHost() {
  g_current_host = previous_host_;
  g_current_process_id = previous_process_id_;
}

}  // namespace ws2sim::sim
