// The simulated host on whose behalf code runs now.
//
// The SPI passes a provider no host: the Winsock DLL sets the current host (ScopedHost) around
// every SPI call it makes, so a provider entered through its procedure table finds its host's
// network stack with CurrentHost(). A provider's own events (timers, packet arrivals) know their
// host already and do not need it. Null outside any host.
#ifndef WS2SIM_SIM_HOST_CONTEXT_H_
#define WS2SIM_SIM_HOST_CONTEXT_H_

namespace ws2sim::sim {
namespace net {
class Host;
}  // namespace net

net::Host* CurrentHost();

class ScopedHost {
 public:
  explicit ScopedHost(net::Host* host);
  ~ScopedHost();
  ScopedHost(const ScopedHost&) = delete;
  ScopedHost& operator=(const ScopedHost&) = delete;

 private:
  net::Host* previous_;
};

}  // namespace ws2sim::sim

#endif  // WS2SIM_SIM_HOST_CONTEXT_H_
