// On whose behalf code runs now: a simulated host and, within it, a process.
//
// The SPI passes a provider neither: the Winsock DLL sets both (ScopedHost) around every SPI call
// it makes, so a provider entered through its procedure table finds its host's network stack with
// CurrentHost() and keeps per-process state (a provider DLL is loaded once per process on
// Windows; ws2sim links one copy) keyed by CurrentProcessId(). A provider's own events (timers,
// packet arrivals) know their host and sockets already and do not need it. Null / 0 outside.
#ifndef WS2SIM_SIM_HOST_CONTEXT_H_
#define WS2SIM_SIM_HOST_CONTEXT_H_

#include <cstdint>

namespace ws2sim::sim {
namespace net {
class Host;
}  // namespace net

net::Host* CurrentHost();
uint32_t CurrentProcessId();

class ScopedHost {
 public:
  ScopedHost(net::Host* host, uint32_t process_id);
  ~ScopedHost();
  ScopedHost(const ScopedHost&) = delete;
  ScopedHost& operator=(const ScopedHost&) = delete;

 private:
  net::Host* previous_host_;
  uint32_t previous_process_id_;
};

}  // namespace ws2sim::sim

#endif  // WS2SIM_SIM_HOST_CONTEXT_H_
