// The WPU upcalls a provider makes into the DLL (S1 §4; SPEC Table B, 1.5, 2.24; D-65..D-67,
// D-85). They find the DLL through the runtime: socket handles are unique in the run, so a call
// from a provider's network event (no process current) still reaches the socket's DLL.
#include "model/runtime.h"
// The guest headers last: their macros rename socket, bind, select, ...
#include "model/include/ws2spi.h"

namespace ws2sim::model {
namespace {

// An upcall's Call records: enter, and return with the result and error. `failure` is the value
// that means failure for its return type (INVALID_SOCKET, SOCKET_ERROR, FALSE).
void TraceUpcall(const char* name, trace::pb::CallPhase phase, SOCKET s, int64_t result,
                 int error) {
  Runtime* rt = Runtime::Active();
  trace::Recorder* rec = rt == nullptr ? nullptr : rt->scheduler().recorder();
  if (rec == nullptr) return;
  Thread* t = rt->processes().CurrentThread();  // none in a provider's network event
  rec->Call(rt->scheduler().Now(), t == nullptr ? 0 : rt->scheduler().FiberLane(t->fiber),
            trace::pb::LAYER_UPCALL, rec->Intern(name), phase, s, result,
            static_cast<uint32_t>(error));
}

template <typename R, typename Body>
R Traced(const char* name, SOCKET s, R failure, LPINT error, Body body) {
  TraceUpcall(name, trace::pb::PHASE_ENTER, s, 0, 0);
  const R r = body();
  TraceUpcall(name, trace::pb::PHASE_RETURN, s, static_cast<int64_t>(r),
              r == failure && error != nullptr ? *error : 0);
  return r;
}

WinsockDll* CurrentDll() {
  Runtime* rt = Runtime::Active();
  Process* p = rt == nullptr ? nullptr : rt->processes().Current();
  return p == nullptr ? nullptr : &rt->DllOf(*p);
}

WinsockDll* DllOfSocket(SOCKET s) {
  Runtime* rt = Runtime::Active();
  return rt == nullptr ? nullptr : rt->DllOfSocket(s);
}

SOCKET CreateSocketHandleImpl(DWORD catalog_entry_id, LPVOID context, LPINT error) {
  WinsockDll* dll = CurrentDll();
  if (dll == nullptr) {  // only WSPSocket / WSPAccept, on a process's thread, make sockets
    *error = WSAEINVAL;
    return INVALID_SOCKET;
  }
  return dll->CreateSocketHandle(catalog_entry_id, context, error);
}

int CloseSocketHandleImpl(SOCKET s, LPINT error) {
  WinsockDll* dll = DllOfSocket(s);
  if (dll == nullptr) {
    *error = WSAENOTSOCK;
    return SOCKET_ERROR;
  }
  return dll->CloseSocketHandle(s, error) ? 0 : SOCKET_ERROR;
}

int QuerySocketHandleContextImpl(SOCKET s, LPVOID* context, LPINT error) {
  WinsockDll* dll = DllOfSocket(s);
  const WinsockDll::Socket* socket = dll == nullptr ? nullptr : dll->FindSocket(s);
  if (socket == nullptr) {
    *error = WSAENOTSOCK;
    return SOCKET_ERROR;
  }
  *context = socket->context;
  return 0;
}

int SetSocketHandleContextImpl(SOCKET s, LPVOID context, LPINT error) {
  WinsockDll* dll = DllOfSocket(s);
  if (dll == nullptr) {
    *error = WSAENOTSOCK;
    return SOCKET_ERROR;
  }
  return dll->SetSocketContext(s, context, error) ? 0 : SOCKET_ERROR;
}

SOCKET WSPAPI CreateSocketHandle(DWORD catalog_entry_id, LPVOID context, LPINT error) {
  return Traced("WPUCreateSocketHandle", 0, INVALID_SOCKET, error,
                [&] { return CreateSocketHandleImpl(catalog_entry_id, context, error); });
}
int WSPAPI CloseSocketHandle(SOCKET s, LPINT error) {
  return Traced("WPUCloseSocketHandle", s, SOCKET_ERROR, error,
                [&] { return CloseSocketHandleImpl(s, error); });
}
int WSPAPI QuerySocketHandleContext(SOCKET s, LPVOID* context, LPINT error) {
  return Traced("WPUQuerySocketHandleContext", s, SOCKET_ERROR, error,
                [&] { return QuerySocketHandleContextImpl(s, context, error); });
}
int WSPAPI SetSocketHandleContext(SOCKET s, LPVOID context, LPINT error) {
  return Traced("WPUSetSocketHandleContext", s, SOCKET_ERROR, error,
                [&] { return SetSocketHandleContextImpl(s, context, error); });
}

int WSPAPI FdIsSet(SOCKET s, fd_set* set) {  // what __WSAFDIsSet answers
  for (u_int i = 0; i < set->fd_count; ++i) {
    if (set->fd_array[i] == s) return 1;
  }
  return 0;
}

WSAEVENT WSPAPI CreateEventUpcall(LPINT error) {
  Runtime* rt = Runtime::Active();
  Process* p = rt == nullptr ? nullptr : rt->processes().Current();
  if (p == nullptr) {
    *error = WSAEINVAL;
    return WSA_INVALID_EVENT;
  }
  return reinterpret_cast<WSAEVENT>(
      static_cast<uintptr_t>(rt->kernel().CreateEventObject(*p, /*manual_reset=*/true, false)));
}

uint32_t HandleValue(WSAEVENT e) { return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(e)); }

BOOL WSPAPI SetEventUpcall(WSAEVENT e, LPINT error) {
  return Traced("WPUSetEvent", 0, FALSE, error, [&]() -> BOOL {
    uint32_t win32_error = 0;
    if (!Runtime::Active()->kernel().SignalFromProvider(HandleValue(e), true, &win32_error)) {
      *error = WSA_INVALID_HANDLE;
      return FALSE;
    }
    return TRUE;
  });
}

BOOL WSPAPI ResetEventUpcall(WSAEVENT e, LPINT error) {
  uint32_t win32_error = 0;
  if (!Runtime::Active()->kernel().SignalFromProvider(HandleValue(e), false, &win32_error)) {
    *error = WSA_INVALID_HANDLE;
    return FALSE;
  }
  return TRUE;
}

BOOL WSPAPI CloseEventUpcall(WSAEVENT e, LPINT error) {
  Runtime* rt = Runtime::Active();
  Process* p = rt->processes().Current();
  uint32_t win32_error = 0;
  if (p == nullptr || !rt->kernel().CloseHandle(*p, HandleValue(e), &win32_error)) {
    *error = WSA_INVALID_HANDLE;
    return FALSE;
  }
  return TRUE;
}

int WSPAPI OpenCurrentThread(LPWSATHREADID thread_id, LPINT error) {
  Runtime* rt = Runtime::Active();
  Thread* t = rt == nullptr ? nullptr : rt->processes().CurrentThread();
  if (t == nullptr) {
    *error = WSAEINVAL;
    return SOCKET_ERROR;
  }
  thread_id->ThreadHandle =
      reinterpret_cast<HANDLE>(static_cast<uintptr_t>(rt->kernel().ThreadHandle(*t->process, *t)));
  thread_id->Reserved = t->tid;
  return 0;
}

int WSPAPI CloseThread(LPWSATHREADID thread_id, LPINT error) {
  Runtime* rt = Runtime::Active();
  Thread* t = rt->processes().FindThread(static_cast<uint32_t>(thread_id->Reserved));
  uint32_t win32_error = 0;
  if (t == nullptr || !rt->kernel().CloseHandle(
                          *t->process,
                          static_cast<uint32_t>(reinterpret_cast<uintptr_t>(thread_id->ThreadHandle)),
                          &win32_error)) {
    *error = WSAEINVAL;
    return SOCKET_ERROR;
  }
  return 0;
}

int QueueApcImpl(LPWSATHREADID thread_id, LPWSAUSERAPC apc, DWORD_PTR context, LPINT error) {
  Runtime* rt = Runtime::Active();
  Thread* t = rt->processes().FindThread(static_cast<uint32_t>(thread_id->Reserved));
  if (t == nullptr || !rt->kernel().QueueApc(*t, [apc, context] { apc(context); })) {
    *error = WSAEINVAL;  // D-67
    return SOCKET_ERROR;
  }
  return 0;
}

int WSPAPI QueueApc(LPWSATHREADID thread_id, LPWSAUSERAPC apc, DWORD_PTR context, LPINT error) {
  return Traced("WPUQueueApc", 0, SOCKET_ERROR, error,
                [&] { return QueueApcImpl(thread_id, apc, context, error); });
}

// WPUPostMessage (S1 §4; SPEC 2.12): queues the message to the window's thread, FIFO per
// window (CHECKLIST SPI-UPCALL-07); FALSE for a window that does not exist (any more). Traced
// with the socket async select posts for, wParam.
BOOL WSPAPI PostMessageUpcall(HWND hwnd, UINT msg, WPARAM wparam, LPARAM lparam) {
  return Traced("WPUPostMessage", static_cast<SOCKET>(wparam), FALSE, nullptr, [&]() -> BOOL {
    uint32_t ignored = 0;
    return Runtime::Active()->windows().Post(HandleValue(hwnd), msg, wparam, lparam, &ignored)
               ? TRUE
               : FALSE;
  });
}

// Win32 profile: no blocking hooks, so providers get no callback to run while they block.
int WSPAPI QueryBlockingCallback(DWORD, LPBLOCKINGCALLBACK* callback, PDWORD_PTR context,
                                 LPINT) {
  *callback = nullptr;
  *context = 0;
  return 0;
}

int WSPAPI GetProviderPath(LPGUID, WCHAR*, LPINT, LPINT error) {
  *error = WSAEINVAL;  // providers are identified by catalog entry, not by GUID, in ws2sim
  return SOCKET_ERROR;
}

SOCKET WSPAPI ModifyIfsHandle(DWORD, SOCKET, LPINT error) {
  *error = WSAEINVAL;  // installable-file-system handles are out of scope (D-85)
  return INVALID_SOCKET;
}

const WSPUPCALLTABLE kUpcalls = {
    &CloseEventUpcall,    &CloseSocketHandle,       &CreateEventUpcall,    &CreateSocketHandle,
    &FdIsSet,             &GetProviderPath,         &ModifyIfsHandle,      &PostMessageUpcall,
    &QueryBlockingCallback, &QuerySocketHandleContext, &QueueApc,          &ResetEventUpcall,
    &SetEventUpcall,      &OpenCurrentThread,       &CloseThread,          &SetSocketHandleContext,
};

}  // namespace

const void* WinsockDll::UpcallTable() { return &kUpcalls; }

}  // namespace ws2sim::model
