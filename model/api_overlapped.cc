// WSASocket and the overlapped-capable data functions WSASend, WSASendTo, WSARecv, WSARecvFrom and
// WSAGetOverlappedResult, as the Win32 DLL realizes them (S1 §2.6, §3.1.20-3.1.25; SPEC 2.3,
// 2.17-2.19, Table E; D-49..D-55): each maps to its WSPPROC_TABLE slot. The provider does the
// overlapped work (pending queues, completion routines as APCs of the calling thread, events); the
// DLL checks the pointers it must and passes the arguments through.
#include "model/api_context.h"

using ws2sim::model::ApiContext;
using ws2sim::model::CatalogEntry;
using ws2sim::model::Dispatch;

namespace {

// WSASocketA / WSASocketW. With `info`, its dwCatalogEntryId selects the catalog entry (WSAEINVAL
// when no entry has it) and FROM_PROTOCOL_INFO in af, type or protocol takes the record's value;
// without, the entry is chosen as socket() chooses it. Groups are formed at connect/accept time
// (D-33), so `g` must be 0 (WSAEINVAL). `flags` reach WSPSocket (WSA_FLAG_OVERLAPPED, S1 §3.1.25).
template <typename Info>
SOCKET WsaSocket(const char* name, int af, int type, int protocol, const Info* info, GROUP g,
                 DWORD flags) {
  ApiContext ctx(name, 0, {af, type, protocol, flags});
  if (!ctx.dll.started()) return ctx.Fail(WSANOTINITIALISED, INVALID_SOCKET);
  if (g != 0) return ctx.Fail(WSAEINVAL, INVALID_SOCKET);
  const CatalogEntry* entry = nullptr;
  if (info != nullptr) {
    entry = ctx.dll.catalog().FindById(info->dwCatalogEntryId);
    if (entry == nullptr) return ctx.Fail(WSAEINVAL, INVALID_SOCKET);
    if (af == FROM_PROTOCOL_INFO) af = info->iAddressFamily;
    if (type == FROM_PROTOCOL_INFO) type = info->iSocketType;
    if (protocol == FROM_PROTOCOL_INFO) protocol = info->iProtocol;
  } else {
    entry = ctx.dll.catalog().Select(af, type, protocol);
    if (entry == nullptr) {
      return ctx.Fail(ws2sim::model::NoEntryError(ctx.dll.catalog(), af, type, protocol),
                      INVALID_SOCKET);
    }
  }
  return ws2sim::model::CreateSocket(ctx, *entry, af, type, protocol, flags,
                                     info != nullptr ? info->dwProviderReserved : 0);
}

// The byte count a call reports: the caller's, or (overlapped calls may pass NULL, the result
// then comes from the completion) a scratch value. Null, for WSAEFAULT, when the buffers are
// missing or there is nowhere to put the count of a non-overlapped call.
LPDWORD BytesOut(LPWSABUF buffers, LPDWORD caller, LPWSAOVERLAPPED overlapped, DWORD* scratch) {
  if (buffers == nullptr) return nullptr;
  if (caller != nullptr) return caller;
  return overlapped != nullptr ? scratch : nullptr;
}

// WSARecv and WSARecvFrom up to their SPI call: the ApiContext (count and *lpFlags traced), the
// pointers checked (WSAEFAULT), then `dispatch(ctx, received, flags)`. *lpFlags: MSG_PEEK /
// MSG_OOB in; on return (and in the completion) MSG_PARTIAL when only part of a message arrived
// (D-55).
template <typename DispatchFn>
int Receive(const char* name, SOCKET s, LPWSABUF buffers, DWORD count, LPDWORD received,
            LPDWORD flags, LPWSAOVERLAPPED overlapped, DispatchFn dispatch) {
  ApiContext ctx(name, s, {count, flags == nullptr ? -1 : int64_t{*flags}});
  DWORD scratch = 0;
  LPDWORD out = BytesOut(buffers, received, overlapped, &scratch);
  if (out == nullptr || flags == nullptr) return ctx.Fail(WSAEFAULT);
  return dispatch(ctx, out, reinterpret_cast<LPINT>(flags));
}

}  // namespace

extern "C" {

SOCKET WSAAPI WSASocketA(int af, int type, int protocol, LPWSAPROTOCOL_INFOA lpProtocolInfo,
                         GROUP g, DWORD dwFlags) {
  return WsaSocket("WSASocketA", af, type, protocol, lpProtocolInfo, g, dwFlags);
}

SOCKET WSAAPI WSASocketW(int af, int type, int protocol, LPWSAPROTOCOL_INFOW lpProtocolInfo,
                         GROUP g, DWORD dwFlags) {
  return WsaSocket("WSASocketW", af, type, protocol, lpProtocolInfo, g, dwFlags);
}

int WSAAPI WSASend(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesSent,
                   DWORD dwFlags, LPWSAOVERLAPPED lpOverlapped,
                   LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
  ApiContext ctx("WSASend", s, {dwBufferCount, dwFlags});
  DWORD scratch = 0;
  LPDWORD sent = BytesOut(lpBuffers, lpNumberOfBytesSent, lpOverlapped, &scratch);
  if (sent == nullptr) return ctx.Fail(WSAEFAULT);
  return Dispatch(ctx, s, "WSPSend", &WSPPROC_TABLE::lpWSPSend, lpBuffers, dwBufferCount, sent,
                  static_cast<int>(dwFlags), lpOverlapped, lpCompletionRoutine);
}

int WSAAPI WSASendTo(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                     LPDWORD lpNumberOfBytesSent, DWORD dwFlags, const struct sockaddr FAR* lpTo,
                     int iTolen, LPWSAOVERLAPPED lpOverlapped,
                     LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
  ApiContext ctx("WSASendTo", s, {dwBufferCount, dwFlags, iTolen});
  DWORD scratch = 0;
  LPDWORD sent = BytesOut(lpBuffers, lpNumberOfBytesSent, lpOverlapped, &scratch);
  if (sent == nullptr) return ctx.Fail(WSAEFAULT);
  return Dispatch(ctx, s, "WSPSendTo", &WSPPROC_TABLE::lpWSPSendTo, lpBuffers, dwBufferCount,
                  sent, static_cast<int>(dwFlags), lpTo, iTolen, lpOverlapped,
                  lpCompletionRoutine);
}

int WSAAPI WSARecv(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                   LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags, LPWSAOVERLAPPED lpOverlapped,
                   LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
  return Receive("WSARecv", s, lpBuffers, dwBufferCount, lpNumberOfBytesRecvd, lpFlags,
                 lpOverlapped, [&](ApiContext& ctx, LPDWORD received, LPINT flags) {
                   return Dispatch(ctx, s, "WSPRecv", &WSPPROC_TABLE::lpWSPRecv, lpBuffers,
                                   dwBufferCount, received, flags, lpOverlapped,
                                   lpCompletionRoutine);
                 });
}

int WSAAPI WSARecvFrom(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                       LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags, struct sockaddr FAR* lpFrom,
                       LPINT lpFromlen, LPWSAOVERLAPPED lpOverlapped,
                       LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
  return Receive("WSARecvFrom", s, lpBuffers, dwBufferCount, lpNumberOfBytesRecvd, lpFlags,
                 lpOverlapped, [&](ApiContext& ctx, LPDWORD received, LPINT flags) {
                   return Dispatch(ctx, s, "WSPRecvFrom", &WSPPROC_TABLE::lpWSPRecvFrom,
                                   lpBuffers, dwBufferCount, received, flags, lpFrom, lpFromlen,
                                   lpOverlapped, lpCompletionRoutine);
                 });
}

BOOL WSAAPI WSAGetOverlappedResult(SOCKET s, LPWSAOVERLAPPED lpOverlapped, LPDWORD lpcbTransfer,
                                   BOOL fWait, LPDWORD lpdwFlags) {
  ApiContext ctx("WSAGetOverlappedResult", s, {fWait});
  return ws2sim::model::DispatchOr(ctx, BOOL{FALSE}, s, "WSPGetOverlappedResult",
                                   &WSPPROC_TABLE::lpWSPGetOverlappedResult, lpOverlapped,
                                   lpcbTransfer, fWait, lpdwFlags);
}

}  // extern "C"
