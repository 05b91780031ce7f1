// The WSA socket functions that map to one WSPPROC_TABLE slot each (S1 §2.6; SPEC 1.2, Table E):
// WSAAccept (with the DLL's own condition-function frame, D-48), WSAConnect, WSADuplicateSocketA/W
// (D-69), WSASendDisconnect, WSARecvDisconnect, WSAIoctl (D-60) and WSAAddressToStringA/W /
// WSAStringToAddressA/W (slots 2 and 30, served by the first catalog entry of the address family
// unless lpProtocolInfo names one).
#include <algorithm>
#include <cstring>
#include <string>

#include "model/api_context.h"

using ws2sim::model::ApiContext;
using ws2sim::model::CatalogEntry;
using ws2sim::model::Dispatch;
using ws2sim::model::WinsockDll;

namespace {

namespace trace = ws2sim::trace;

// --- WSAAccept's condition function -----------------------------------------------------------

// What the DLL gives WSPAccept as dwCallbackData: the application's function and data, and the
// call (its thread, DLL and listening socket).
struct ConditionFrame {
  LPCONDITIONPROC function;
  DWORD_PTR data;
  ApiContext* ctx;
  SOCKET listener;
};

// A Call record (layer UPCALL: the provider calls back into the DLL) around the condition
// function, returning its result.
void TraceCondition(const ConditionFrame& f, trace::pb::CallPhase phase, int64_t result) {
  trace::Recorder* rec = f.ctx->rt.scheduler().recorder();
  if (rec == nullptr) return;
  rec->Call(f.ctx->rt.scheduler().Now(), f.ctx->rt.scheduler().FiberLane(f.ctx->thread.fiber),
            trace::pb::LAYER_UPCALL, rec->Intern("condition function"), phase, f.listener, result,
            0);
}

// The condition function WSPAccept calls: the application's, with the thread marked as inside
// it, so that its Winsock calls fail with WSAEINPROGRESS (S1 §3.1.11; D-48, R-29).
int WSACALLBACK ConditionTrampoline(LPWSABUF caller_id, LPWSABUF caller_data, LPWSABUF callee_id,
                                    LPWSABUF callee_data, GROUP FAR* g, DWORD_PTR frame_data) {
  auto* frame = reinterpret_cast<ConditionFrame*>(frame_data);
  struct Inside {  // left even if the thread is unwound inside the function
    ConditionFrame* f;
    explicit Inside(ConditionFrame* frame) : f(frame) {
      f->ctx->dll.EnterCondition(f->ctx->thread.tid);
    }
    ~Inside() { f->ctx->dll.LeaveCondition(f->ctx->thread.tid); }
  } inside(frame);
  TraceCondition(*frame, trace::pb::PHASE_ENTER, 0);
  const int decision =
      frame->function(caller_id, caller_data, callee_id, callee_data, g, frame->data);
  TraceCondition(*frame, trace::pb::PHASE_RETURN, decision);
  return decision;
}

// --- Address strings ---------------------------------------------------------------------------

// The catalog entry serving address strings of family `af`: the one `catalog_entry_id` names
// (non-zero), else the first entry of the family. Null: WSAEINVAL.
const CatalogEntry* EntryFor(ApiContext& ctx, int af, uint32_t catalog_entry_id) {
  if (catalog_entry_id != 0) return ctx.dll.catalog().FindById(catalog_entry_id);
  for (const CatalogEntry& e : ctx.dll.catalog().entries) {
    if (e.address_family == af) return &e;
  }
  return nullptr;
}

// Calls a non-socket slot (address strings) of the provider serving `entry`; the error code, 0 on
// success.
template <typename Call>
int CallForEntry(ApiContext& ctx, const char* function, const CatalogEntry* entry, Call call) {
  if (const int code = ctx.Unavailable(); code != 0) return code;
  if (entry == nullptr) return WSAEINVAL;
  int error = 0;
  WinsockDll::Provider* p = ctx.dll.ProviderFor(*entry, &error);
  if (p == nullptr) return error;
  WSAPROTOCOL_INFOW info;
  ws2sim::model::FillProtocolInfo(*entry, &info);
  auto host = ctx.OnMachine();
  ctx.TraceSpiEnter(function, 0);
  const int rc = call(*p->table, &info, &error);
  ctx.TraceSpiReturn(function, 0, rc, rc == SOCKET_ERROR ? error : 0);
  return rc == SOCKET_ERROR ? error : 0;
}

int AddressToString(ApiContext& ctx, LPSOCKADDR address, DWORD length, uint32_t entry_id,
                    LPWSTR text, LPDWORD text_length) {
  if (address == nullptr || length < sizeof(u_short)) return WSAEFAULT;
  u_short af;
  std::memcpy(&af, address, sizeof(af));
  const CatalogEntry* entry = EntryFor(ctx, af, entry_id);
  return CallForEntry(ctx, "WSPAddressToString", entry,
                      [&](const WSPPROC_TABLE& t, LPWSAPROTOCOL_INFOW info, LPINT error) {
                        if (t.lpWSPAddressToString == nullptr) return (*error = WSAEOPNOTSUPP, -1);
                        return t.lpWSPAddressToString(address, length, info, text, text_length,
                                                      error);
                      });
}

int StringToAddress(ApiContext& ctx, LPWSTR text, INT af, uint32_t entry_id, LPSOCKADDR address,
                    LPINT address_length) {
  const CatalogEntry* entry = EntryFor(ctx, af, entry_id);
  return CallForEntry(ctx, "WSPStringToAddress", entry,
                      [&](const WSPPROC_TABLE& t, LPWSAPROTOCOL_INFOW info, LPINT error) {
                        if (t.lpWSPStringToAddress == nullptr) return (*error = WSAEOPNOTSUPP, -1);
                        return t.lpWSPStringToAddress(text, af, info, address, address_length,
                                                      error);
                      });
}

// The catalog entry a protocol info record names (0: none given).
template <typename Info>
uint32_t EntryIdOf(const Info* info) {
  return info == nullptr ? 0 : info->dwCatalogEntryId;
}

// The API result of an error code: 0, or SOCKET_ERROR with the thread's last error set.
int Result(ApiContext& ctx, int code) { return code == 0 ? ctx.Return(0) : ctx.Fail(code); }

// WSADuplicateSocket's target must be a running process (WSAEINVAL); 0 if it is.
int TargetError(ApiContext& ctx, DWORD pid) {
  if (ctx.Unavailable() != 0) return 0;  // Dispatch reports that
  ws2sim::model::Process* target = ctx.rt.processes().Find(pid);
  return target == nullptr || !target->running() ? WSAEINVAL : 0;
}

}  // namespace

extern "C" {

// --- Accept and connect --------------------------------------------------------------------------

SOCKET WSAAPI WSAAccept(SOCKET s, struct sockaddr FAR* addr, LPINT addrlen,
                        LPCONDITIONPROC lpfnCondition, DWORD_PTR dwCallbackData) {
  ApiContext ctx("WSAAccept", s);
  ConditionFrame frame{lpfnCondition, dwCallbackData, &ctx, s};
  return Dispatch(ctx, s, "WSPAccept", &WSPPROC_TABLE::lpWSPAccept, addr, addrlen,
                  lpfnCondition == nullptr ? nullptr : &ConditionTrampoline,
                  lpfnCondition == nullptr ? DWORD_PTR{0} : reinterpret_cast<DWORD_PTR>(&frame));
}

// Caller / callee data and the flow specs go to WSPConnect as given; no group (later Winsock's
// WSAConnect has no g; groups come from WSAAccept here, D-33).
int WSAAPI WSAConnect(SOCKET s, const struct sockaddr FAR* name, int namelen,
                      LPWSABUF lpCallerData, LPWSABUF lpCalleeData, LPQOS lpSQOS, LPQOS lpGQOS) {
  ApiContext ctx("WSAConnect", s, {namelen});
  return Dispatch(ctx, s, "WSPConnect", &WSPPROC_TABLE::lpWSPConnect, name, namelen,
                  lpCallerData, lpCalleeData, GROUP{0}, lpSQOS, lpGQOS);
}

// --- Shared sockets (D-69) -------------------------------------------------------------------------

// The provider fills the record; dwProcessId must name a running process.
int WSAAPI WSADuplicateSocketW(SOCKET s, DWORD dwProcessId, LPWSAPROTOCOL_INFOW lpProtocolInfo) {
  ApiContext ctx("WSADuplicateSocketW", s, {dwProcessId});
  if (const int code = TargetError(ctx, dwProcessId); code != 0) return ctx.Fail(code);
  return Dispatch(ctx, s, "WSPDuplicateSocket", &WSPPROC_TABLE::lpWSPDuplicateSocket,
                  dwProcessId, lpProtocolInfo);
}

int WSAAPI WSADuplicateSocketA(SOCKET s, DWORD dwProcessId, LPWSAPROTOCOL_INFOA lpProtocolInfo) {
  ApiContext ctx("WSADuplicateSocketA", s, {dwProcessId});
  if (const int code = TargetError(ctx, dwProcessId); code != 0) return ctx.Fail(code);
  if (lpProtocolInfo == nullptr) return ctx.Fail(WSAEFAULT);
  WSAPROTOCOL_INFOW wide;
  const int rc = Dispatch(ctx, s, "WSPDuplicateSocket", &WSPPROC_TABLE::lpWSPDuplicateSocket,
                          dwProcessId, &wide);
  if (rc == 0) ws2sim::model::NarrowProtocolInfo(&wide, lpProtocolInfo);
  return rc;
}

// --- Disconnects ----------------------------------------------------------------------------------

int WSAAPI WSASendDisconnect(SOCKET s, LPWSABUF lpOutboundDisconnectData) {
  ApiContext ctx("WSASendDisconnect", s);
  return Dispatch(ctx, s, "WSPSendDisconnect", &WSPPROC_TABLE::lpWSPSendDisconnect,
                  lpOutboundDisconnectData);
}

int WSAAPI WSARecvDisconnect(SOCKET s, LPWSABUF lpInboundDisconnectData) {
  ApiContext ctx("WSARecvDisconnect", s);
  return Dispatch(ctx, s, "WSPRecvDisconnect", &WSPPROC_TABLE::lpWSPRecvDisconnect,
                  lpInboundDisconnectData);
}

// --- WSAIoctl ------------------------------------------------------------------------------------

// FIONBIO reads its u_long from lpvInBuffer; FIONREAD and SIOCATMARK write theirs to lpvOutBuffer
// and set *lpcbBytesReturned to its size (0 for FIONBIO); a buffer too small for the u_long
// fails with WSAEFAULT. Every other code goes to WSPIoctl, which answers WSAEINVAL (D-60). The
// call completes at once; with lpOverlapped it still completes as an overlapped call does (D-52):
// Internal 0 and InternalHigh the bytes returned, then lpCompletionRoutine queued as an APC of
// this thread (it runs in an alertable wait) or, without one, hEvent set.
int WSAAPI WSAIoctl(SOCKET s, DWORD dwIoControlCode, LPVOID lpvInBuffer, DWORD cbInBuffer,
                    LPVOID lpvOutBuffer, DWORD cbOutBuffer, LPDWORD lpcbBytesReturned,
                    LPWSAOVERLAPPED lpOverlapped,
                    LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
  ApiContext ctx("WSAIoctl", s, {static_cast<int64_t>(dwIoControlCode), cbInBuffer, cbOutBuffer});
  const LONG cmd = static_cast<LONG>(dwIoControlCode);
  const DWORD code = dwIoControlCode;
  const bool reads_in = code == static_cast<DWORD>(FIONBIO);
  const bool writes_out =
      code == static_cast<DWORD>(FIONREAD) || code == static_cast<DWORD>(SIOCATMARK);
  u_long arg = 0;
  if (reads_in) {
    if (lpvInBuffer == nullptr || cbInBuffer < sizeof(u_long)) return ctx.Fail(WSAEFAULT);
    std::memcpy(&arg, lpvInBuffer, sizeof(arg));
  }
  if (writes_out && (lpvOutBuffer == nullptr || cbOutBuffer < sizeof(u_long))) {
    return ctx.Fail(WSAEFAULT);
  }
  const int rc = Dispatch(ctx, s, "WSPIoctl", &WSPPROC_TABLE::lpWSPIoctl, cmd, &arg);
  if (rc == SOCKET_ERROR) return rc;
  if (writes_out) std::memcpy(lpvOutBuffer, &arg, sizeof(arg));
  const DWORD returned = writes_out ? sizeof(u_long) : 0;
  if (lpcbBytesReturned != nullptr) *lpcbBytesReturned = returned;
  if (lpOverlapped != nullptr) {
    lpOverlapped->Internal = 0;
    lpOverlapped->InternalHigh = returned;
    if (lpCompletionRoutine != nullptr) {
      ctx.rt.kernel().QueueApc(ctx.thread, [lpCompletionRoutine, returned, lpOverlapped] {
        lpCompletionRoutine(0, returned, lpOverlapped, 0);
      });
    } else if (lpOverlapped->hEvent != nullptr) {
      uint32_t ignored = 0;
      ctx.rt.kernel().SignalFromProvider(ws2sim::model::HandleValue(lpOverlapped->hEvent), true,
                                         &ignored);
    }
  }
  return ctx.Return(0);
}

// --- Address strings -----------------------------------------------------------------------------

INT WSAAPI WSAAddressToStringW(LPSOCKADDR lpsaAddress, DWORD dwAddressLength,
                               LPWSAPROTOCOL_INFOW lpProtocolInfo, LPWSTR lpszAddressString,
                               LPDWORD lpdwAddressStringLength) {
  ApiContext ctx("WSAAddressToStringW", 0, {dwAddressLength});
  return Result(ctx, AddressToString(ctx, lpsaAddress, dwAddressLength, EntryIdOf(lpProtocolInfo),
                                     lpszAddressString, lpdwAddressStringLength));
}

// The provider writes wide characters; they are narrowed (numeric strings are ASCII).
INT WSAAPI WSAAddressToStringA(LPSOCKADDR lpsaAddress, DWORD dwAddressLength,
                               LPWSAPROTOCOL_INFOA lpProtocolInfo, LPSTR lpszAddressString,
                               LPDWORD lpdwAddressStringLength) {
  ApiContext ctx("WSAAddressToStringA", 0, {dwAddressLength});
  if (lpdwAddressStringLength == nullptr) return ctx.Fail(WSAEFAULT);
  WCHAR wide[128];
  DWORD wide_length = sizeof(wide) / sizeof(wide[0]);
  const int code = AddressToString(ctx, lpsaAddress, dwAddressLength, EntryIdOf(lpProtocolInfo),
                                   wide, &wide_length);
  if (code != 0) return ctx.Fail(code);
  if (lpszAddressString == nullptr || *lpdwAddressStringLength < wide_length) {
    *lpdwAddressStringLength = wide_length;
    return ctx.Fail(WSAEFAULT);
  }
  for (DWORD i = 0; i < wide_length; ++i) lpszAddressString[i] = static_cast<char>(wide[i]);
  *lpdwAddressStringLength = wide_length;
  return ctx.Return(0);
}

INT WSAAPI WSAStringToAddressW(LPWSTR AddressString, INT AddressFamily,
                               LPWSAPROTOCOL_INFOW lpProtocolInfo, LPSOCKADDR lpAddress,
                               LPINT lpAddressLength) {
  ApiContext ctx("WSAStringToAddressW", 0, {AddressFamily});
  return Result(ctx, StringToAddress(ctx, AddressString, AddressFamily, EntryIdOf(lpProtocolInfo),
                                     lpAddress, lpAddressLength));
}

INT WSAAPI WSAStringToAddressA(LPSTR AddressString, INT AddressFamily,
                               LPWSAPROTOCOL_INFOA lpProtocolInfo, LPSOCKADDR lpAddress,
                               LPINT lpAddressLength) {
  ApiContext ctx("WSAStringToAddressA", 0, {AddressFamily});
  if (AddressString == nullptr) return ctx.Fail(WSAEFAULT);
  std::basic_string<WCHAR> wide;
  for (const char* p = AddressString; *p != '\0'; ++p) {
    wide.push_back(static_cast<WCHAR>(static_cast<unsigned char>(*p)));
  }
  return Result(ctx, StringToAddress(ctx, wide.data(), AddressFamily, EntryIdOf(lpProtocolInfo),
                                     lpAddress, lpAddressLength));
}

}  // extern "C"
