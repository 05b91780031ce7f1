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
      dll(rt.DllOf(process)),
      name_(name) {
  sim::SetLastApiCall(name);
  TraceCall(trace::pb::PHASE_ENTER);
}

ApiContext::~ApiContext() { TraceCall(trace::pb::PHASE_RETURN); }

void ApiContext::TraceCall(trace::pb::CallPhase phase) {
  trace::Recorder* rec = rt.scheduler().recorder();
  if (rec == nullptr) return;
  const bool returning = phase == trace::pb::PHASE_RETURN;
  rec->Call(rt.scheduler().Now(), rt.scheduler().FiberLane(thread.fiber), trace::pb::LAYER_API,
            rec->Intern(name_), phase, 0, returning && failed_error_ != 0 ? -1 : 0,
            returning ? static_cast<uint32_t>(failed_error_) : 0);
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

namespace ws2sim::model {

void ApiContext::TraceSpiEnter(const char* function, SOCKET s) {
  dll.TraceSpi(rt.scheduler().FiberLane(thread.fiber), function, trace::pb::PHASE_ENTER, s, 0, 0);
}

void ApiContext::TraceSpiReturn(const char* function, SOCKET s, int64_t result, int error) {
  dll.TraceSpi(rt.scheduler().FiberLane(thread.fiber), function, trace::pb::PHASE_RETURN, s,
               result, error);
}

}  // namespace ws2sim::model
