#include "model/api_context.h"

#include <cstdio>
#include <cstdlib>

namespace ws2sim::model {

Thread& ApiContext::CurrentThreadOrDie(const char* name) {
  Runtime* rt = Runtime::Active();
  Thread* t = rt == nullptr ? nullptr : rt->processes().CurrentThread();
  if (t == nullptr) {
    std::fprintf(stderr, "ws2sim: %s called outside a simulated thread\n", name);
    std::abort();
  }
  return *t;
}

ApiContext::ApiContext(const char* name)
    : rt(*Runtime::Active()),
      thread(CurrentThreadOrDie(name)),
      process(*thread.process),
      dll(rt.DllOf(process)) {
  sim::SetLastApiCall(name);
}

WinsockDll::Provider* ApiContext::ProviderOf(SOCKET s, int* error) {
  if (!dll.started()) {
    *error = WSANOTINITIALISED;
    return nullptr;
  }
  const WinsockDll::Socket* socket = dll.FindSocket(s);
  if (socket == nullptr) {
    *error = WSAENOTSOCK;
    return nullptr;
  }
  return dll.FindProvider(socket->provider_id);
}

}  // namespace ws2sim::model
