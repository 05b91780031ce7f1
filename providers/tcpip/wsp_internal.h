// What the tcpip provider's WSP* files share: the upcall table the DLL gave WSPStartup, socket
// lookup through the handle context, sockaddr conversion, error mapping, the readiness tests
// select and the notifications use, and the WSP functions WSPStartup puts in the table.
#ifndef WS2SIM_PROVIDERS_TCPIP_WSP_INTERNAL_H_
#define WS2SIM_PROVIDERS_TCPIP_WSP_INTERNAL_H_

#include "absl/functional/any_invocable.h"
#include "providers/tcpip/tcpip_provider.h"
#include "sim/host_context.h"
// The guest headers last: their macros rename socket, bind, select, ...
#include "model/include/ws2spi.h"

namespace ws2sim::providers::tcpip {

using State = TcpipSocket::State;

// The DLL's upcalls, from WSPStartup (one DLL model serves every process).
extern WSPUPCALLTABLE g_upcalls;

// The provider's socket behind handle `s` (WPUQuerySocketHandleContext); null with *error
// WSAENOTSOCK.
TcpipSocket* Lookup(SOCKET s, LPINT error);
// Sets *error = code and returns SOCKET_ERROR.
int Fail(LPINT error, int code);
int WinsockFamily(sim::net::Family f);  // AF_INET / AF_INET6
int AddressBytes(sim::net::Family f);   // sizeof sockaddr_in / sockaddr_in6: 16 / 28
// A sockaddr of the socket's family, checked as S1 §3.1.1 says: the first two bytes must be the
// family, namelen at least the family's address size. False: WSAEFAULT.
bool ParseAddress(const TcpipSocket& s, const struct sockaddr* name, int namelen, Endpoint* out);
// Writes `e` as a sockaddr; false (WSAEFAULT) when *namelen is too small.
bool WriteAddress(const Endpoint& e, struct sockaddr* name, LPINT namelen);
// The WSA error code of a TCP engine error (0 for none).
int TcpErrorCode(TcpError e);
// Binds an unbound socket to the wildcard address and an ephemeral port (implicit bind).
int EnsureBound(TcpipSocket* s);
// MSG_OOB needs a stream socket whose protocol has XP_EXPEDITED_DATA (S1 §3.1.20, §3.1.22;
// D-30, D-57).
bool OobSupported(const TcpipSocket& s);
// A connection dropped by keep-alive: a call in progress when it happened fails with
// WSAENETRESET, later calls with WSAENOTCONN (S1 §3.1.5; SPEC 2.17, 3.1; D-96).
bool DroppedByKeepAlive(const TcpipSocket& s);

// Readiness as WSPSelect reports it (S1 §3.1.8; SPEC 2.16).
bool Readable(const TcpipSocket& s);
bool Writable(const TcpipSocket& s);
bool Exceptional(const TcpipSocket& s);

// Notifications (wsp_notify.cc; SPEC 2.11-2.15).
// What holds on `s` now, for its NetworkEvents.
providers::NetworkEvents::Conditions ConditionsOf(const TcpipSocket& s);
// `s` may have changed (a network event, or a call): progresses its overlapped operations, then
// delivers its due notifications. The stack calls it on every state change of a socket.
void OnSocketChanged(TcpipSocket* s);
// A re-enabling function ran on descriptor `handle` of `s` and failed with `error` (0: it
// succeeded). Nothing to do for a descriptor that never had a registration.
void Reenable(TcpipSocket* s, SOCKET handle, long events, int error);
// A re-enabling function (S1 §3.1.12, §3.1.18; SPEC 2.11 rule 4): runs `call(s)` on the socket
// of `handle`, found once, then re-enables `events` on it, whatever the result, unless the call
// closed it. `failure` is the call's failure value (SOCKET_ERROR, INVALID_SOCKET).
template <typename R, typename Call>
R Reenabling(SOCKET handle, long events, R failure, LPINT error, Call call) {
  TcpipSocket* s = Lookup(handle, error);
  if (s == nullptr) return failure;
  TcpipStack& stack = *s->stack;
  const uint64_t id = s->id;
  const R result = call(s);
  if (TcpipSocket* still = stack.FindSocket(id)) {
    Reenable(still, handle, events, result == failure ? *error : 0);
  }
  return result;
}
// A socket accepted from `listener` takes its registration and gets its first FD_WRITE (Win32,
// S1 §3.1.12, §3.1.18; SPEC 2.6 step 8).
void InheritNotifications(const TcpipSocket& listener, SOCKET listener_handle,
                          TcpipSocket* accepted);

// Overlapped operations (wsp_overlapped.cc; S1 §3.1.20-3.1.23, §4.5; SPEC 2.19, D-49..D-55).
// At most this many operations wait on one socket; one more fails WSAEWOULDBLOCK (S1 §3.1.20,
// CHECKLIST SPI-OVL-09).
inline constexpr size_t kMaxPendingOverlapped = 64;
enum class OverlappedDirection { kReceive, kSend };
// One try of an operation's transfer that never blocks: moves what `s` allows now, keeps *bytes
// the operation's byte count so far and sets *flags to its output flags (MSG_PARTIAL, D-55).
// Returns 0 when the operation is done, WSAEWOULDBLOCK while it must wait, or the WSA error that
// ends it (WSAEMSGSIZE ends it with its bytes, D-55).
using OverlappedTransfer = absl::AnyInvocable<int(TcpipSocket& s, DWORD* bytes, INT* flags)>;
// Starts an overlapped operation on an overlapped socket (SPEC 2.19). Operations of one direction
// run in submission order: with none ahead, `transfer` is tried at once and, if done, the call
// returns 0 with *bytes (and *flags, if given) set and still queues the completion (D-52);
// otherwise it returns SOCKET_ERROR with WSA_IO_PENDING and the operation waits. Completion sets
// overlapped->Internal (the status: WSS_OPERATION_IN_PROGRESS while pending), InternalHigh (the
// bytes) and OffsetHigh (the flags, which later Winsock reserves for providers), then queues
// `routine` as an APC to the calling thread (WPUQueueApc), or signals overlapped->hEvent
// (WPUSetEvent) when `routine` is null (D-50). Errors: the transfer's first error (no completion
// queued); WSAEWOULDBLOCK with kMaxPendingOverlapped operations waiting; WSAEINVAL when
// `overlapped` is already in flight on a socket of the process (R-27, a trace Note says so).
int SubmitOverlapped(TcpipSocket* s, OverlappedDirection direction, OverlappedTransfer transfer,
                     LPDWORD bytes, LPINT flags, LPWSAOVERLAPPED overlapped,
                     LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPINT error);
// Completes what the socket's state now allows of its pending operations, in submission order
// per direction: receives fill their buffers in the order posted, sends go out in order.
void ProgressOverlapped(TcpipSocket* s);
// Completes every pending operation with WSA_OPERATION_ABORTED (closesocket, WSPCleanup; D-14).
void CancelOverlapped(TcpipSocket* s);

// The WSPPROC_TABLE entries (S1 §3.1; SPEC 2.2-2.22), by file.
// wsp.cc
int WSPAPI WSPCleanup(LPINT error);
// wsp_sockets.cc: lifetime, naming, connections
SOCKET WSPAPI WSPSocket(int af, int type, int protocol, LPWSAPROTOCOL_INFOW info, int flags,
                        LPINT error);
int WSPAPI WSPCloseSocket(SOCKET handle, LPINT error);
int WSPAPI WSPBind(SOCKET handle, const struct sockaddr* name, int namelen, LPINT error);
int WSPAPI WSPGetSockName(SOCKET handle, struct sockaddr* name, LPINT namelen, LPINT error);
int WSPAPI WSPGetPeerName(SOCKET handle, struct sockaddr* name, LPINT namelen, LPINT error);
int WSPAPI WSPListen(SOCKET handle, int backlog, LPINT error);
SOCKET WSPAPI WSPAccept(SOCKET handle, struct sockaddr* addr, LPINT addrlen,
                        LPCONDITIONPROC condition, DWORD_PTR callback_data, LPINT error);
int WSPAPI WSPConnect(SOCKET handle, const struct sockaddr* name, int namelen,
                      LPWSABUF caller_data, LPWSABUF callee_data, GROUP g, LPQOS sqos,
                      LPQOS gqos, LPINT error);
int WSPAPI WSPShutdown(SOCKET handle, int how, LPINT error);
int WSPAPI WSPDuplicateSocket(SOCKET handle, DWORD process_id, LPWSAPROTOCOL_INFOW info,
                              LPINT error);
int WSPAPI WSPSendDisconnect(SOCKET handle, LPWSABUF data, LPINT error);
int WSPAPI WSPRecvDisconnect(SOCKET handle, LPWSABUF data, LPINT error);
// wsp_address.cc
INT WSPAPI WSPAddressToString(LPSOCKADDR address, DWORD address_length,
                              LPWSAPROTOCOL_INFOW info, LPWSTR text, LPDWORD text_length,
                              LPINT error);
INT WSPAPI WSPStringToAddress(LPWSTR text, INT family, LPWSAPROTOCOL_INFOW info,
                              LPSOCKADDR address, LPINT address_length, LPINT error);
// wsp_data.cc
int WSPAPI WSPSend(SOCKET handle, LPWSABUF buffers, DWORD count, LPDWORD sent, int flags,
                   LPWSAOVERLAPPED overlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                   LPINT error);
int WSPAPI WSPSendTo(SOCKET handle, LPWSABUF buffers, DWORD count, LPDWORD sent, int flags,
                     const struct sockaddr* to, int tolen, LPWSAOVERLAPPED overlapped,
                     LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPINT error);
int WSPAPI WSPRecv(SOCKET handle, LPWSABUF buffers, DWORD count, LPDWORD received, LPINT flags,
                   LPWSAOVERLAPPED overlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                   LPINT error);
int WSPAPI WSPRecvFrom(SOCKET handle, LPWSABUF buffers, DWORD count, LPDWORD received,
                       LPINT flags, struct sockaddr* from, LPINT fromlen,
                       LPWSAOVERLAPPED overlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                       LPINT error);
// wsp_select.cc
int WSPAPI WSPSelect(int nfds, fd_set* readfds, fd_set* writefds, fd_set* exceptfds,
                     const struct timeval* timeout, LPINT error);
int WSPAPI WSPIoctl(SOCKET handle, LONG cmd, u_long* argp, LPINT error);
// wsp_overlapped.cc
BOOL WSPAPI WSPGetOverlappedResult(SOCKET handle, LPWSAOVERLAPPED overlapped, LPDWORD transferred,
                                   BOOL wait, LPDWORD flags, LPINT error);
// wsp_notify.cc
int WSPAPI WSPAsyncSelect(SOCKET handle, HWND hwnd, unsigned int msg, LONG events, LPINT error);
int WSPAPI WSPEventSelect(SOCKET handle, WSAEVENT event, LONG events, LPINT error);
int WSPAPI WSPEnumNetworkEvents(SOCKET handle, WSAEVENT event, LPWSANETWORKEVENT network_events,
                                LPINT count, LPINT error);
// wsp_options.cc
int WSPAPI WSPGetSockOpt(SOCKET handle, int level, int optname, char* optval, LPINT optlen,
                         LPINT error);
int WSPAPI WSPSetSockOpt(SOCKET handle, int level, int optname, const char* optval, int optlen,
                         LPINT error);

}  // namespace ws2sim::providers::tcpip

#endif  // WS2SIM_PROVIDERS_TCPIP_WSP_INTERNAL_H_
