// The Berkeley-style socket functions and WSAStartup / WSACleanup / WSAGetLastError, as the
// Win32 DLL realizes them (S1 §2.4, §3.1; SPEC 1.2, Table E): validate what the DLL can, find the
// socket's provider in the handle table, call it through its WSPPROC_TABLE with the machine as
// the current host, and turn lpErrno into the thread's last error.
#include <algorithm>
#include <vector>

#include "model/api_context.h"

using ws2sim::model::ApiContext;
using ws2sim::model::CatalogEntry;
using ws2sim::model::Dispatch;
using ws2sim::model::WinsockDll;
using ws2sim::model::Dispatch;

namespace ws2sim::model {

int NoEntryError(const Catalog& catalog, int af, int type, int protocol) {
  if (af == AF_UNSPEC && protocol == 0) return WSAEPROTONOSUPPORT;
  bool family = false, family_type = false, protocol_elsewhere = false;
  for (const CatalogEntry& e : catalog.entries) {
    const bool af_ok = af == AF_UNSPEC || e.address_family == af;
    family |= af_ok;
    family_type |= af_ok && e.socket_type == type;
    protocol_elsewhere |= af_ok && e.protocol == protocol;
  }
  if (!family) return WSAEAFNOSUPPORT;
  if (protocol_elsewhere) return WSAEPROTOTYPE;  // the protocol exists, for another type
  if (!family_type) return WSAESOCKTNOSUPPORT;
  return WSAEPROTONOSUPPORT;
}

SOCKET CreateSocket(ApiContext& ctx, const CatalogEntry& entry, int af, int type, int protocol,
                    DWORD flags, DWORD provider_reserved) {
  int error = 0;
  WinsockDll::Provider* p = ctx.dll.ProviderFor(entry, &error);
  if (p == nullptr) return ctx.Fail(error, INVALID_SOCKET);
  if (p->table->lpWSPSocket == nullptr) return ctx.Fail(WSAEOPNOTSUPP, INVALID_SOCKET);
  WSAPROTOCOL_INFOW info;
  FillProtocolInfo(entry, &info);
  if (provider_reserved != 0) info.dwProviderReserved = provider_reserved;
  SOCKET s;
  {
    auto host = ctx.OnMachine();
    ctx.TraceSpiEnter("WSPSocket", 0);
    s = p->table->lpWSPSocket(af, type, protocol == 0 ? entry.protocol : protocol, &info,
                              static_cast<int>(flags), &error);
    ctx.TraceSpiReturn("WSPSocket", s == INVALID_SOCKET ? 0 : s, s == INVALID_SOCKET ? -1 : 0,
                       s == INVALID_SOCKET ? error : 0);
  }
  return s == INVALID_SOCKET ? ctx.Fail(error, INVALID_SOCKET) : ctx.Return(s);
}

}  // namespace ws2sim::model

extern "C" {

int WSAAPI WSAStartup(WORD wVersionRequested, LPWSADATA lpWSAData) {
  ApiContext ctx("WSAStartup", 0, {wVersionRequested});
  return ctx.Return(ctx.dll.Startup(wVersionRequested, lpWSAData));  // the error is the return value
}

int WSAAPI WSACleanup(void) {
  ApiContext ctx("WSACleanup");
  if (ctx.Unavailable() == WSAEINPROGRESS) return ctx.Fail(WSAEINPROGRESS);  // D-82
  const int rc = ctx.dll.Cleanup();
  return rc == 0 ? 0 : ctx.Fail(rc);
}

int WSAAPI WSAGetLastError(void) {
  ApiContext ctx("WSAGetLastError");
  return ctx.Return(static_cast<int>(ctx.thread.last_error));
}

void WSAAPI WSASetLastError(int iError) {
  ApiContext ctx("WSASetLastError", 0, {iError});
  ctx.thread.last_error = static_cast<uint32_t>(iError);
}

SOCKET WSAAPI socket(int af, int type, int protocol) {
  ApiContext ctx("socket", 0, {af, type, protocol});
  if (const int code = ctx.Unavailable(); code != 0) return ctx.Fail(code, INVALID_SOCKET);
  const CatalogEntry* entry = ctx.dll.catalog().Select(af, type, protocol);
  if (entry == nullptr) {
    return ctx.Fail(ws2sim::model::NoEntryError(ctx.dll.catalog(), af, type, protocol),
                    INVALID_SOCKET);
  }
  return ws2sim::model::CreateSocket(ctx, *entry, af, type, protocol, 0);
}

int WSAAPI closesocket(SOCKET s) {
  ApiContext ctx("closesocket", s);
  return Dispatch(ctx, s, "WSPCloseSocket", &WSPPROC_TABLE::lpWSPCloseSocket);
}

int WSAAPI bind(SOCKET s, const struct sockaddr FAR* name, int namelen) {
  ApiContext ctx("bind", s, {namelen});
  return Dispatch(ctx, s, "WSPBind", &WSPPROC_TABLE::lpWSPBind, name, namelen);
}

int WSAAPI listen(SOCKET s, int backlog) {
  ApiContext ctx("listen", s, {backlog});
  return Dispatch(ctx, s, "WSPListen", &WSPPROC_TABLE::lpWSPListen, backlog);
}

SOCKET WSAAPI accept(SOCKET s, struct sockaddr FAR* addr, int FAR* addrlen) {
  ApiContext ctx("accept", s);
  return Dispatch(ctx, s, "WSPAccept", &WSPPROC_TABLE::lpWSPAccept, addr, addrlen,
                  static_cast<LPCONDITIONPROC>(nullptr), DWORD_PTR{0});
}

int WSAAPI connect(SOCKET s, const struct sockaddr FAR* name, int namelen) {
  ApiContext ctx("connect", s, {namelen});
  return Dispatch(ctx, s, "WSPConnect", &WSPPROC_TABLE::lpWSPConnect, name, namelen, static_cast<LPWSABUF>(nullptr),
                  static_cast<LPWSABUF>(nullptr), static_cast<GROUP>(0), static_cast<LPQOS>(nullptr),
                  static_cast<LPQOS>(nullptr));
}

int WSAAPI send(SOCKET s, const char FAR* buf, int len, int flags) {
  ApiContext ctx("send", s, {len, flags});
  if (len < 0) return ctx.Fail(WSAEFAULT);
  WSABUF wsabuf{len, const_cast<char*>(buf)};
  DWORD sent = 0;
  const int rc = Dispatch(ctx, s, "WSPSend", &WSPPROC_TABLE::lpWSPSend, &wsabuf, DWORD{1}, &sent, flags,
                          static_cast<LPWSAOVERLAPPED>(nullptr),
                          static_cast<LPWSAOVERLAPPED_COMPLETION_ROUTINE>(nullptr));
  return rc == SOCKET_ERROR ? rc : ctx.Return(static_cast<int>(sent));
}

int WSAAPI sendto(SOCKET s, const char FAR* buf, int len, int flags, const struct sockaddr FAR* to,
                  int tolen) {
  ApiContext ctx("sendto", s, {len, flags, tolen});
  if (len < 0) return ctx.Fail(WSAEFAULT);
  WSABUF wsabuf{len, const_cast<char*>(buf)};
  DWORD sent = 0;
  const int rc = Dispatch(ctx, s, "WSPSendTo", &WSPPROC_TABLE::lpWSPSendTo, &wsabuf, DWORD{1}, &sent, flags, to,
                          tolen, static_cast<LPWSAOVERLAPPED>(nullptr),
                          static_cast<LPWSAOVERLAPPED_COMPLETION_ROUTINE>(nullptr));
  return rc == SOCKET_ERROR ? rc : ctx.Return(static_cast<int>(sent));
}

int WSAAPI recv(SOCKET s, char FAR* buf, int len, int flags) {
  ApiContext ctx("recv", s, {len, flags});
  if (len < 0) return ctx.Fail(WSAEFAULT);
  WSABUF wsabuf{len, buf};
  DWORD received = 0;
  INT in_out_flags = flags;
  const int rc = Dispatch(ctx, s, "WSPRecv", &WSPPROC_TABLE::lpWSPRecv, &wsabuf, DWORD{1}, &received,
                          &in_out_flags, static_cast<LPWSAOVERLAPPED>(nullptr),
                          static_cast<LPWSAOVERLAPPED_COMPLETION_ROUTINE>(nullptr));
  return rc == SOCKET_ERROR ? rc : ctx.Return(static_cast<int>(received));
}

int WSAAPI recvfrom(SOCKET s, char FAR* buf, int len, int flags, struct sockaddr FAR* from,
                    int FAR* fromlen) {
  ApiContext ctx("recvfrom", s, {len, flags});
  if (len < 0) return ctx.Fail(WSAEFAULT);
  WSABUF wsabuf{len, buf};
  DWORD received = 0;
  INT in_out_flags = flags;
  const int rc = Dispatch(ctx, s, "WSPRecvFrom", &WSPPROC_TABLE::lpWSPRecvFrom, &wsabuf, DWORD{1}, &received,
                          &in_out_flags, from, fromlen, static_cast<LPWSAOVERLAPPED>(nullptr),
                          static_cast<LPWSAOVERLAPPED_COMPLETION_ROUTINE>(nullptr));
  return rc == SOCKET_ERROR ? rc : ctx.Return(static_cast<int>(received));
}

int WSAAPI shutdown(SOCKET s, int how) {
  ApiContext ctx("shutdown", s, {how});
  return Dispatch(ctx, s, "WSPShutdown", &WSPPROC_TABLE::lpWSPShutdown, how);
}

int WSAAPI getsockname(SOCKET s, struct sockaddr FAR* name, int FAR* namelen) {
  ApiContext ctx("getsockname", s);
  return Dispatch(ctx, s, "WSPGetSockName", &WSPPROC_TABLE::lpWSPGetSockName, name, namelen);
}

int WSAAPI getpeername(SOCKET s, struct sockaddr FAR* name, int FAR* namelen) {
  ApiContext ctx("getpeername", s);
  return Dispatch(ctx, s, "WSPGetPeerName", &WSPPROC_TABLE::lpWSPGetPeerName, name, namelen);
}

int WSAAPI getsockopt(SOCKET s, int level, int optname, char FAR* optval, int FAR* optlen) {
  ApiContext ctx("getsockopt", s, {level, optname});
  return Dispatch(ctx, s, "WSPGetSockOpt", &WSPPROC_TABLE::lpWSPGetSockOpt, level, optname, optval, optlen);
}

int WSAAPI setsockopt(SOCKET s, int level, int optname, const char FAR* optval, int optlen) {
  ApiContext ctx("setsockopt", s, {level, optname, optlen});
  return Dispatch(ctx, s, "WSPSetSockOpt", &WSPPROC_TABLE::lpWSPSetSockOpt, level, optname, optval, optlen);
}

int WSAAPI ioctlsocket(SOCKET s, LONG cmd, u_long FAR* argp) {
  ApiContext ctx("ioctlsocket", s, {cmd});
  return Dispatch(ctx, s, "WSPIoctl", &WSPPROC_TABLE::lpWSPIoctl, cmd, argp);
}

int WSAAPI __WSAFDIsSet(SOCKET s, fd_set FAR* set) {
  for (u_int i = 0; i < set->fd_count; ++i) {
    if (set->fd_array[i] == s) return 1;
  }
  return 0;
}

// select (S1 §3.1.8; SPEC 2.16): the sets go to the provider of their sockets. Sockets of several
// providers are split: each provider is polled (zero timeout) and the DLL waits 1 ms of virtual
// time between rounds until one is ready or the timeout passes.
int WSAAPI select(int nfds, fd_set FAR* readfds, fd_set FAR* writefds, fd_set FAR* exceptfds,
                  const struct timeval FAR* timeout) {
  ApiContext ctx("select", 0,
                 {nfds, readfds == nullptr ? -1 : static_cast<int64_t>(readfds->fd_count),
                  writefds == nullptr ? -1 : static_cast<int64_t>(writefds->fd_count),
                  exceptfds == nullptr ? -1 : static_cast<int64_t>(exceptfds->fd_count)});
  if (const int code = ctx.Unavailable(); code != 0) return ctx.Fail(code);
  fd_set* sets[3] = {readfds, writefds, exceptfds};
  std::vector<uint32_t> providers;
  size_t members = 0;
  for (fd_set* set : sets) {
    if (set == nullptr) continue;
    for (u_int i = 0; i < set->fd_count; ++i) {
      const WinsockDll::Socket* socket = ctx.dll.FindSocket(set->fd_array[i]);
      if (socket == nullptr) return ctx.Fail(WSAENOTSOCK);
      if (std::find(providers.begin(), providers.end(), socket->provider_id) == providers.end()) {
        providers.push_back(socket->provider_id);
      }
      ++members;
    }
  }
  if (members == 0) return ctx.Fail(WSAEINVAL);  // nothing to wait for
  int error = 0;
  if (providers.size() == 1) {
    WinsockDll::Provider* p = ctx.dll.FindProvider(providers[0]);
    if (p->table->lpWSPSelect == nullptr) return ctx.Fail(WSAEOPNOTSUPP);
    auto host = ctx.OnMachine();
    ctx.TraceSpiEnter("WSPSelect", 0);
    const int rc = p->table->lpWSPSelect(nfds, readfds, writefds, exceptfds, timeout, &error);
    ctx.TraceSpiReturn("WSPSelect", 0, rc, rc == SOCKET_ERROR ? error : 0);
    return rc == SOCKET_ERROR ? ctx.Fail(error) : ctx.Return(rc);
  }
  const ws2sim::sim::VirtualTime deadline =
      timeout == nullptr
          ? ws2sim::sim::VirtualTime::Max()
          : ctx.rt.scheduler().Now() + ws2sim::sim::Duration::Seconds(timeout->tv_sec) +
                ws2sim::sim::Duration::Microseconds(timeout->tv_usec);
  const struct timeval poll = {0, 0};
  for (;;) {
    int ready = 0;
    fd_set result[3];
    for (int k = 0; k < 3; ++k) FD_ZERO(&result[k]);
    for (uint32_t id : providers) {
      fd_set subset[3];
      for (int k = 0; k < 3; ++k) {
        FD_ZERO(&subset[k]);
        if (sets[k] == nullptr) continue;
        for (u_int i = 0; i < sets[k]->fd_count; ++i) {
          if (ctx.dll.FindSocket(sets[k]->fd_array[i])->provider_id == id) {
            FD_SET(sets[k]->fd_array[i], &subset[k]);
          }
        }
      }
      WinsockDll::Provider* p = ctx.dll.FindProvider(id);
      if (p->table->lpWSPSelect == nullptr) return ctx.Fail(WSAEOPNOTSUPP);
      int rc;
      {
        auto host = ctx.OnMachine();
        rc = p->table->lpWSPSelect(nfds, sets[0] ? &subset[0] : nullptr,
                                   sets[1] ? &subset[1] : nullptr, sets[2] ? &subset[2] : nullptr,
                                   &poll, &error);
      }
      if (rc == SOCKET_ERROR) return ctx.Fail(error);
      ready += rc;
      for (int k = 0; k < 3; ++k) {
        for (u_int i = 0; i < subset[k].fd_count; ++i) FD_SET(subset[k].fd_array[i], &result[k]);
      }
    }
    if (ready > 0 || ctx.rt.scheduler().Now() >= deadline) {
      for (int k = 0; k < 3; ++k) {
        if (sets[k] != nullptr) *sets[k] = result[k];
      }
      return ctx.Return(ready);
    }
    ctx.rt.scheduler().Park("select over several providers",
                            std::min(deadline, ctx.rt.scheduler().Now() +
                                                   ws2sim::sim::Duration::Milliseconds(1)));
  }
}

}  // extern "C"
