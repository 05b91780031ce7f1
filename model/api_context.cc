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

ApiContext::ApiContext(const char* name, int64_t socket, std::initializer_list<int64_t> args)
    : rt(*Runtime::Active()),
      thread(CurrentThreadOrDie(name)),
      process(*thread.process),
      dll(rt.DllOf(process)),
      name_(name),
      socket_(socket) {
  sim::SetLastApiCall(name);
  trace::Recorder* rec = rt.scheduler().recorder();
  if (rec == nullptr) return;
  rec->Call(rt.scheduler().Now(), rt.scheduler().FiberLane(thread.fiber), trace::pb::LAYER_API,
            rec->Intern(name_), trace::pb::PHASE_ENTER, socket_, 0, 0,
            absl::MakeConstSpan(args.begin(), args.size()));
}

ApiContext::~ApiContext() {
  trace::Recorder* rec = rt.scheduler().recorder();
  if (rec == nullptr) return;
  rec->Call(rt.scheduler().Now(), rt.scheduler().FiberLane(thread.fiber), trace::pb::LAYER_API,
            rec->Intern(name_), trace::pb::PHASE_RETURN, socket_, result_,
            static_cast<uint32_t>(failed_error_));
}

int ApiContext::Unavailable() const {
  if (!dll.started()) return WSANOTINITIALISED;
  if (dll.InCondition(thread.tid)) return WSAEINPROGRESS;
  return 0;
}

WinsockDll::Provider* ApiContext::ProviderOf(SOCKET s, int* error) {
  if (const int code = Unavailable(); code != 0) {
    *error = code;
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

namespace ws2sim::model {

void ApiContext::TraceSpiEnter(const char* function, SOCKET s) {
  dll.TraceSpi(rt.scheduler().FiberLane(thread.fiber), function, trace::pb::PHASE_ENTER, s, 0, 0);
}

void ApiContext::TraceSpiReturn(const char* function, SOCKET s, int64_t result, int error) {
  dll.TraceSpi(rt.scheduler().FiberLane(thread.fiber), function, trace::pb::PHASE_RETURN, s,
               result, error);
}

}  // namespace ws2sim::model
