// The tcpip provider's SPI: WSPStartup and the 30 WSPPROC_TABLE functions (S1 §3.1; SPEC 2.1-2.22,
// 3.1; S4). Win32 profile: blocking calls block in the provider (the calling fiber parks until the
// socket's state lets the call complete). Slots this issue does not implement answer
// WSAEOPNOTSUPP: WSPJoinLeaf, WSPGetQOSByName, WSPCancelBlockingCall.
#include <cstring>
#include <tuple>
#include <vector>

#include "providers/tcpip/wsp_internal.h"

namespace ws2sim::providers::tcpip {

// --- WSPStartup / WSPCleanup -----------------------------------------------------------------

int WSPAPI WSPCleanup(LPINT error) {
  TcpipProvider* provider = TcpipProvider::Active();
  const uint32_t pid = sim::CurrentProcessId();
  int& count = provider->startups(pid);
  if (count == 0) return Fail(error, WSANOTINITIALISED);  // D-82
  if (--count > 0) return 0;
  // D-14: the last cleanup resets the process's connected sockets and frees all of them.
  if (sim::net::Host* host = sim::CurrentHost()) {
    TcpipStack& stack = provider->StackFor(*host);
    for (TcpipSocket* s : stack.SocketsOf(pid)) {
      // The process's descriptors of it; a socket shared with another process lives on (D-69).
      std::vector<uint32_t> mine;
      if (s->owner_pid == pid) mine.push_back(s->handle);
      for (const auto& [handle, owner] : s->shared) {
        if (owner == pid) mine.push_back(handle);
      }
      for (uint32_t handle : mine) {
        int ignored = 0;
        if (stack.DropDescriptor(s, handle)) {
          g_upcalls.lpWPUCloseSocketHandle(handle, &ignored);
          continue;
        }
        CancelOverlapped(s);  // WSA_OPERATION_ABORTED (D-14)
        if (s->connection != nullptr) s->connection->Abort();
        g_upcalls.lpWPUCloseSocketHandle(handle, &ignored);
        stack.DestroySocket(s);
        break;
      }
    }
  }
  return 0;
}

namespace {

// --- Slots this issue does not implement: WSAEOPNOTSUPP -----------------------------------------

// A slot's stub: sets *lpErrno (always the last parameter) to WSAEOPNOTSUPP and returns the
// slot's failure value (BOOL is int here, so the value is given, not derived from the type).
template <typename Fn, auto kFailure>
struct NotSupported;
template <typename R, typename... Args, auto kFailure>
struct NotSupported<R (*)(Args...), kFailure> {
  static R WSPAPI Call(Args... args) {
    LPINT error = std::get<sizeof...(Args) - 1>(std::tuple<Args...>(args...));
    *error = WSAEOPNOTSUPP;
    return static_cast<R>(kFailure);
  }
};
template <typename Fn, auto kFailure = SOCKET_ERROR>
Fn Unsupported() {
  return &NotSupported<Fn, kFailure>::Call;
}

}  // namespace

int WSPAPI WSPStartup(WORD version_requested, LPWSADATA data, LPWSAPROTOCOL_INFOW info,
                      WSPUPCALLTABLE upcalls, LPWSPPROC_TABLE table) {
  (void)info;
  if (data == nullptr || table == nullptr) return WSAEFAULT;
  if (sim::CurrentHost() == nullptr || TcpipProvider::Active() == nullptr) return WSASYSNOTREADY;
  // Supports SPI versions 1.1 through 2.0 (SPEC 2.1, D-10).
  const WORD lowest = MAKEWORD(1, 1), highest = MAKEWORD(2, 0);
  auto less = [](WORD a, WORD b) {
    return LOBYTE(a) != LOBYTE(b) ? LOBYTE(a) < LOBYTE(b) : HIBYTE(a) < HIBYTE(b);
  };
  if (less(version_requested, lowest)) return WSAVERNOTSUPPORTED;
  std::memset(data, 0, sizeof(*data));
  data->wVersion = less(version_requested, highest) ? version_requested : highest;
  data->wHighVersion = highest;
  std::strncpy(data->szDescription, TcpipProvider::kDescription, WSADESCRIPTION_LEN);
  std::strncpy(data->szSystemStatus, "Running", WSASYS_STATUS_LEN);
  data->iMaxSockets = 0x7fff;
  data->iMaxUdpDg = 512;  // D-78
  g_upcalls = upcalls;
  ++TcpipProvider::Active()->startups(sim::CurrentProcessId());

  table->lpWSPAccept = &WSPAccept;
  table->lpWSPAddressToString = &WSPAddressToString;
  table->lpWSPAsyncSelect = &WSPAsyncSelect;
  table->lpWSPBind = &WSPBind;
  table->lpWSPCancelBlockingCall = Unsupported<LPWSPCANCELBLOCKINGCALL>();
  table->lpWSPCleanup = &WSPCleanup;
  table->lpWSPCloseSocket = &WSPCloseSocket;
  table->lpWSPConnect = &WSPConnect;
  table->lpWSPDuplicateSocket = &WSPDuplicateSocket;
  table->lpWSPEnumNetworkEvents = &WSPEnumNetworkEvents;
  table->lpWSPEventSelect = &WSPEventSelect;
  table->lpWSPGetOverlappedResult = &WSPGetOverlappedResult;
  table->lpWSPGetPeerName = &WSPGetPeerName;
  table->lpWSPGetSockName = &WSPGetSockName;
  table->lpWSPGetSockOpt = &WSPGetSockOpt;
  table->lpWSPGetQOSByName = Unsupported<LPWSPGETQOSBYNAME, FALSE>();
  table->lpWSPIoctl = &WSPIoctl;
  table->lpWSPJoinLeaf = Unsupported<LPWSPJOINLEAF, INVALID_SOCKET>();
  table->lpWSPListen = &WSPListen;
  table->lpWSPRecv = &WSPRecv;
  table->lpWSPRecvDisconnect = &WSPRecvDisconnect;
  table->lpWSPRecvFrom = &WSPRecvFrom;
  table->lpWSPSelect = &WSPSelect;
  table->lpWSPSend = &WSPSend;
  table->lpWSPSendDisconnect = &WSPSendDisconnect;
  table->lpWSPSendTo = &WSPSendTo;
  table->lpWSPSetSockOpt = &WSPSetSockOpt;
  table->lpWSPShutdown = &WSPShutdown;
  table->lpWSPSocket = &WSPSocket;
  table->lpWSPStringToAddress = &WSPStringToAddress;
  return 0;
}

void* TcpipProvider::StartupEntry() { return reinterpret_cast<void*>(&WSPStartup); }

}  // namespace ws2sim::providers::tcpip
