// Event-object notification as the Win32 DLL realizes it (S1 §3.1.17, §3.1.18; SPEC 2.14, 2.15):
// WSAEventSelect and WSAEnumNetworkEvents dispatch to the socket's provider; WSACreateEvent,
// WSASetEvent, WSAResetEvent, WSACloseEvent and WSAWaitForMultipleEvents are the DLL's own, on
// the kernel's manual-reset events, in virtual time.
#include <vector>

#include "model/api_context.h"

using ws2sim::model::ApiContext;
using ws2sim::model::AsHandle;
using ws2sim::model::Dispatch;
using ws2sim::model::HandleValue;
using ws2sim::model::WaitCode;

extern "C" {

int WSAAPI WSAEventSelect(SOCKET s, WSAEVENT hEventObject, LONG lNetworkEvents) {
  ApiContext ctx("WSAEventSelect", s, {HandleValue(hEventObject), lNetworkEvents});
  return Dispatch(ctx, s, "WSPEventSelect", &WSPPROC_TABLE::lpWSPEventSelect, hEventObject,
                  lNetworkEvents);
}

// The SPI's array (element i = FD bit i, D-45) becomes the later WSANETWORKEVENTS: the fired
// bits in lNetworkEvents and each one's error in iErrorCode[bit].
int WSAAPI WSAEnumNetworkEvents(SOCKET s, WSAEVENT hEventObject,
                                LPWSANETWORKEVENTS lpNetworkEvents) {
  ApiContext ctx("WSAEnumNetworkEvents", s, {HandleValue(hEventObject)});
  if (lpNetworkEvents == nullptr) return ctx.Fail(WSAEFAULT);
  WSANETWORKEVENT events[FD_MAX_EVENTS] = {};
  INT count = FD_MAX_EVENTS;
  const int rc = Dispatch(ctx, s, "WSPEnumNetworkEvents", &WSPPROC_TABLE::lpWSPEnumNetworkEvents,
                          hEventObject, static_cast<LPWSANETWORKEVENT>(events), &count);
  if (rc == SOCKET_ERROR) return rc;
  lpNetworkEvents->lNetworkEvents = 0;
  for (int bit = 0; bit < FD_MAX_EVENTS; ++bit) {
    const bool fired = bit < count && events[bit].Fired != FALSE;
    if (fired) lpNetworkEvents->lNetworkEvents |= 1L << bit;
    lpNetworkEvents->iErrorCode[bit] = fired ? events[bit].ErrorCode : 0;
  }
  return ctx.Return(0);
}

// A manual-reset event, initially not signaled (S1 §3.1.18's event objects; later Winsock).
WSAEVENT WSAAPI WSACreateEvent(void) {
  ApiContext ctx("WSACreateEvent");
  if (!ctx.dll.started()) return ctx.Fail(WSANOTINITIALISED, WSA_INVALID_EVENT);
  const uint32_t handle = ctx.rt.kernel().CreateEventObject(ctx.process, /*manual_reset=*/true,
                                                            /*initially_signaled=*/false);
  ctx.Return(handle);
  return AsHandle(handle);
}

}  // extern "C"

namespace {

// WSASetEvent, WSAResetEvent, WSACloseEvent: `op` on the kernel's event; FALSE with
// WSA_INVALID_HANDLE for a handle that is no event of this process.
BOOL EventCall(const char* name, WSAEVENT event,
               bool (ws2sim::model::KernelObjects::*op)(ws2sim::model::Process&, uint32_t,
                                                         uint32_t*)) {
  ApiContext ctx(name, 0, {HandleValue(event)});
  if (!ctx.dll.started()) return ctx.Fail(WSANOTINITIALISED, FALSE);
  uint32_t error = 0;
  if (!(ctx.rt.kernel().*op)(ctx.process, HandleValue(event), &error)) {
    return ctx.Fail(WSA_INVALID_HANDLE, FALSE);
  }
  return ctx.Return(TRUE);
}

}  // namespace

extern "C" {

BOOL WSAAPI WSASetEvent(WSAEVENT hEvent) {
  return EventCall("WSASetEvent", hEvent, &ws2sim::model::KernelObjects::SetEvent);
}

BOOL WSAAPI WSAResetEvent(WSAEVENT hEvent) {
  return EventCall("WSAResetEvent", hEvent, &ws2sim::model::KernelObjects::ResetEvent);
}

BOOL WSAAPI WSACloseEvent(WSAEVENT hEvent) {
  return EventCall("WSACloseEvent", hEvent, &ws2sim::model::KernelObjects::CloseHandle);
}

// WaitForMultipleObjectsEx on event objects: WSA_WAIT_EVENT_0 + i, WSA_WAIT_TIMEOUT (timeout in
// virtual milliseconds, WSA_INFINITE), WSA_WAIT_IO_COMPLETION after completion routines ran in an
// alertable wait; WSA_WAIT_FAILED with WSA_INVALID_PARAMETER (0 or more than
// WSA_MAXIMUM_WAIT_EVENTS events) or WSA_INVALID_HANDLE.
DWORD WSAAPI WSAWaitForMultipleEvents(DWORD cEvents, const WSAEVENT FAR* lphEvents, BOOL fWaitAll,
                                      DWORD dwTimeout, BOOL fAlertable) {
  ApiContext ctx("WSAWaitForMultipleEvents", 0, {cEvents, fWaitAll, dwTimeout, fAlertable});
  if (!ctx.dll.started()) return ctx.Fail(WSANOTINITIALISED, WSA_WAIT_FAILED);
  if (cEvents == 0 || cEvents > WSA_MAXIMUM_WAIT_EVENTS || lphEvents == nullptr) {
    return ctx.Fail(WSA_INVALID_PARAMETER, WSA_WAIT_FAILED);
  }
  std::vector<uint32_t> handles;
  for (DWORD i = 0; i < cEvents; ++i) handles.push_back(HandleValue(lphEvents[i]));
  const ws2sim::sim::Duration timeout = dwTimeout == WSA_INFINITE
                                            ? ws2sim::sim::Duration::Max()
                                            : ws2sim::sim::Duration::Milliseconds(dwTimeout);
  return ctx.Return(WaitCode(
      ctx, ctx.rt.kernel().Wait(handles, fWaitAll != FALSE, timeout, fAlertable != FALSE)));
}

}  // extern "C"
