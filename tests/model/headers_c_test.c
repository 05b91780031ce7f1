/* Compile-time checks of ws2sim's guest headers as a C11 guest sees them.
 *
 * Built as strict C11 with -Wall -Wextra -Werror, and the system headers come first on purpose:
 * glibc's <sys/select.h> has already defined its own fd_set, FD_SET and FD_SETSIZE (1024) when
 * winsock2.h arrives, and the Winsock definitions must still win. Every _Static_assert below fails
 * the build when a value or a layout departs from the seed header (S1 App. A.2) or SPEC section 5.
 *
 * The functions at the end run the fd_set macros and report layouts as C compiles them;
 * headers_cxx_test.cc calls them, so C and C++ guests are checked to agree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>

#include <winsock2.h>
#include <ws2tcpip.h>
#include <ws2spi.h>

#include <stddef.h>

#define EXPECT_CONST(expr) _Static_assert((expr), #expr)

/* ---- Error codes: SPEC 5.1 (SPI-ERR-05) ---- */
EXPECT_CONST(WSABASEERR == 10000);
EXPECT_CONST(WSAEINTR == 10004);
EXPECT_CONST(WSAEBADF == 10009);
EXPECT_CONST(WSAEACCES == 10013);
EXPECT_CONST(WSAEFAULT == 10014);
EXPECT_CONST(WSAEINVAL == 10022);
EXPECT_CONST(WSAEMFILE == 10024);
EXPECT_CONST(WSAEWOULDBLOCK == 10035);
EXPECT_CONST(WSAEINPROGRESS == 10036);
EXPECT_CONST(WSAEALREADY == 10037);
EXPECT_CONST(WSAENOTSOCK == 10038);
EXPECT_CONST(WSAEDESTADDRREQ == 10039);
EXPECT_CONST(WSAEMSGSIZE == 10040);
EXPECT_CONST(WSAEPROTOTYPE == 10041);
EXPECT_CONST(WSAENOPROTOOPT == 10042);
EXPECT_CONST(WSAEPROTONOSUPPORT == 10043);
EXPECT_CONST(WSAESOCKTNOSUPPORT == 10044);
EXPECT_CONST(WSAEOPNOTSUPP == 10045);
EXPECT_CONST(WSAEPFNOSUPPORT == 10046);
EXPECT_CONST(WSAEAFNOSUPPORT == 10047);
EXPECT_CONST(WSAEADDRINUSE == 10048);
EXPECT_CONST(WSAEADDRNOTAVAIL == 10049);
EXPECT_CONST(WSAENETDOWN == 10050);
EXPECT_CONST(WSAENETUNREACH == 10051);
EXPECT_CONST(WSAENETRESET == 10052);
EXPECT_CONST(WSAECONNABORTED == 10053);
EXPECT_CONST(WSAECONNRESET == 10054);
EXPECT_CONST(WSAENOBUFS == 10055);
EXPECT_CONST(WSAEISCONN == 10056);
EXPECT_CONST(WSAENOTCONN == 10057);
EXPECT_CONST(WSAESHUTDOWN == 10058);
EXPECT_CONST(WSAETOOMANYREFS == 10059);
EXPECT_CONST(WSAETIMEDOUT == 10060);
EXPECT_CONST(WSAECONNREFUSED == 10061);
EXPECT_CONST(WSAELOOP == 10062);
EXPECT_CONST(WSAENAMETOOLONG == 10063);
EXPECT_CONST(WSAEHOSTDOWN == 10064);
EXPECT_CONST(WSAEHOSTUNREACH == 10065);
EXPECT_CONST(WSAENOTEMPTY == 10066);
EXPECT_CONST(WSAEPROCLIM == 10067);
EXPECT_CONST(WSAEUSERS == 10068);
EXPECT_CONST(WSAEDQUOT == 10069);
EXPECT_CONST(WSAESTALE == 10070);
EXPECT_CONST(WSAEREMOTE == 10071);
EXPECT_CONST(WSASYSNOTREADY == 10091);
EXPECT_CONST(WSAVERNOTSUPPORTED == 10092);
EXPECT_CONST(WSANOTINITIALISED == 10093);
EXPECT_CONST(WSAHOST_NOT_FOUND == 11001);
EXPECT_CONST(WSATRY_AGAIN == 11002);
EXPECT_CONST(WSANO_RECOVERY == 11003);
EXPECT_CONST(WSANO_DATA == 11004);
EXPECT_CONST(WSANO_ADDRESS == WSANO_DATA);
EXPECT_CONST(HOST_NOT_FOUND == 11001 && TRY_AGAIN == 11002 && NO_RECOVERY == 11003);
EXPECT_CONST(NO_DATA == 11004 && NO_ADDRESS == 11004);
/* later Winsock codes (SPEC 5.1, not in seeds) */
EXPECT_CONST(WSA_INVALID_HANDLE == 6);
EXPECT_CONST(WSA_NOT_ENOUGH_MEMORY == 8);
EXPECT_CONST(WSA_INVALID_PARAMETER == 87);
EXPECT_CONST(WSA_OPERATION_ABORTED == 995);
EXPECT_CONST(WSA_IO_INCOMPLETE == 996);
EXPECT_CONST(WSA_IO_PENDING == 997);
EXPECT_CONST(WSAEDISCON == 10101);
EXPECT_CONST(WSAENOMORE == 10102);
EXPECT_CONST(WSAECANCELLED == 10103);
EXPECT_CONST(WSAEINVALIDPROCTABLE == 10104);
EXPECT_CONST(WSAEINVALIDPROVIDER == 10105);
EXPECT_CONST(WSAEPROVIDERFAILEDINIT == 10106);
EXPECT_CONST(WSASYSCALLFAILURE == 10107);
EXPECT_CONST(WSASERVICE_NOT_FOUND == 10108);
EXPECT_CONST(WSATYPE_NOT_FOUND == 10109);
EXPECT_CONST(WSA_E_NO_MORE == 10110);
EXPECT_CONST(WSA_E_CANCELLED == 10111);
EXPECT_CONST(WSAEREFUSED == 10112);
/* The seed maps the Berkeley names onto the Winsock codes, replacing glibc's errno values. */
EXPECT_CONST(EWOULDBLOCK == 10035 && EINPROGRESS == 10036 && ECONNRESET == 10054);
EXPECT_CONST(ETIMEDOUT == 10060 && EHOSTUNREACH == 10065 && EREMOTE == 10071);
/* ws2tcpip.h: EAI_* are the Winsock codes */
EXPECT_CONST(EAI_AGAIN == WSATRY_AGAIN && EAI_BADFLAGS == WSAEINVAL && EAI_FAIL == WSANO_RECOVERY);
EXPECT_CONST(EAI_FAMILY == WSAEAFNOSUPPORT && EAI_MEMORY == WSA_NOT_ENOUGH_MEMORY);
EXPECT_CONST(EAI_NONAME == WSAHOST_NOT_FOUND && EAI_NODATA == WSAHOST_NOT_FOUND);
EXPECT_CONST(EAI_SERVICE == WSATYPE_NOT_FOUND && EAI_SOCKTYPE == WSAESOCKTNOSUPPORT);

/* ---- Handles and return values: SPEC 5.2 ---- */
EXPECT_CONST(sizeof(SOCKET) == 4);
EXPECT_CONST(INVALID_SOCKET == 0xFFFFFFFFu);
EXPECT_CONST(SOCKET_ERROR == -1);
EXPECT_CONST(sizeof(u_char) == 1 && sizeof(u_short) == 2 && sizeof(u_int) == 4);
EXPECT_CONST(sizeof(u_long) == 4); /* Windows unsigned long, not Linux's 8-byte one */
EXPECT_CONST(sizeof(GROUP) == 4);
EXPECT_CONST(sizeof(WSAEVENT) == 8 && sizeof(HANDLE) == 8); /* 64-bit process */

/* ---- windows.h widths ---- */
EXPECT_CONST(sizeof(BYTE) == 1 && sizeof(WORD) == 2 && sizeof(DWORD) == 4);
EXPECT_CONST(sizeof(LONG) == 4 && sizeof(ULONG) == 4 && sizeof(BOOL) == 4);
EXPECT_CONST(sizeof(WCHAR) == 2);
EXPECT_CONST(sizeof(WPARAM) == 8 && sizeof(LPARAM) == 8 && sizeof(DWORD_PTR) == 8);
EXPECT_CONST(sizeof(GUID) == 16);
EXPECT_CONST(sizeof(LARGE_INTEGER) == 8);
EXPECT_CONST(sizeof(CRITICAL_SECTION) == 40);
EXPECT_CONST(MAKEWORD(2, 2) == 0x0202 && MAKEWORD(1, 2) == 0x0201);
EXPECT_CONST(LOBYTE(0x0201) == 1 && HIBYTE(0x0201) == 2);
EXPECT_CONST(WAIT_TIMEOUT == 258 && WAIT_FAILED == 0xFFFFFFFF && INFINITE == 0xFFFFFFFF);
EXPECT_CONST(WSA_WAIT_EVENT_0 == 0 && WSA_WAIT_IO_COMPLETION == 0xC0 && WSA_WAIT_TIMEOUT == 258);

/* ---- fd_set and timeval: SPEC 5.3 ---- */
EXPECT_CONST(FD_SETSIZE == 64); /* the seed's default, not glibc's 1024 */
EXPECT_CONST(offsetof(fd_set, fd_count) == 0);
EXPECT_CONST(offsetof(fd_set, fd_array) == 4);
EXPECT_CONST(sizeof(fd_set) == 4 + 4 * FD_SETSIZE);
EXPECT_CONST(sizeof(struct timeval) == 8);
EXPECT_CONST(offsetof(struct timeval, tv_usec) == 4);

/* ---- Addresses: SPEC 5.4 ---- */
EXPECT_CONST(sizeof(struct in_addr) == 4);
EXPECT_CONST(sizeof(struct sockaddr) == 16);
EXPECT_CONST(offsetof(struct sockaddr, sa_data) == 2);
EXPECT_CONST(sizeof(struct sockaddr_in) == 16);
EXPECT_CONST(offsetof(struct sockaddr_in, sin_family) == 0);
EXPECT_CONST(offsetof(struct sockaddr_in, sin_port) == 2);
EXPECT_CONST(offsetof(struct sockaddr_in, sin_addr) == 4);
EXPECT_CONST(offsetof(struct sockaddr_in, sin_zero) == 8);
EXPECT_CONST(sizeof(struct sockproto) == 4);
EXPECT_CONST(INADDR_ANY == 0 && INADDR_LOOPBACK == 0x7f000001 && INADDR_BROADCAST == 0xffffffff);
EXPECT_CONST(INADDR_NONE == 0xffffffff && ADDR_ANY == INADDR_ANY);
EXPECT_CONST(IN_CLASSA(0x0a000001) && !IN_CLASSA(0x80000001));
EXPECT_CONST(IN_CLASSB(0xac100001) && !IN_CLASSB(0xc0a80001));
EXPECT_CONST(IN_CLASSC(0xc0a80001) && !IN_CLASSC(0xe0000001)); /* D-75: class D is not C */
/* IPv6 (not in seeds): later Winsock layouts */
EXPECT_CONST(AF_INET6 == 23);
EXPECT_CONST(sizeof(struct in6_addr) == 16);
EXPECT_CONST(sizeof(struct sockaddr_in6) == 28);
EXPECT_CONST(offsetof(struct sockaddr_in6, sin6_addr) == 8);
EXPECT_CONST(offsetof(struct sockaddr_in6, sin6_scope_id) == 24);
EXPECT_CONST(sizeof(struct sockaddr_storage) == 128);
EXPECT_CONST(offsetof(struct sockaddr_storage, __ss_align) == 8);
EXPECT_CONST(sizeof(struct addrinfo) == 48);
EXPECT_CONST(offsetof(struct addrinfo, ai_addrlen) == 16);
EXPECT_CONST(offsetof(struct addrinfo, ai_canonname) == 24); /* Windows order, unlike glibc */
EXPECT_CONST(offsetof(struct addrinfo, ai_addr) == 32);
EXPECT_CONST(sizeof(socklen_t) == 4 && (socklen_t)-1 < 0); /* int, as on Windows */
EXPECT_CONST(INET_ADDRSTRLEN == 22 && INET6_ADDRSTRLEN == 65);
EXPECT_CONST(IPPROTO_IPV6 == 41 && IPV6_V6ONLY == 27 && IP_TTL == 4 && IP_TOS == 3);
EXPECT_CONST(IP_ADD_MEMBERSHIP == 12 && IPV6_JOIN_GROUP == 12);
EXPECT_CONST(AI_PASSIVE == 0x1 && AI_CANONNAME == 0x2 && AI_NUMERICHOST == 0x4);
EXPECT_CONST(AI_NUMERICSERV == 0x8 && AI_ALL == 0x100 && AI_ADDRCONFIG == 0x400);
EXPECT_CONST(AI_V4MAPPED == 0x800);
EXPECT_CONST(NI_NOFQDN == 0x1 && NI_NUMERICHOST == 0x2 && NI_NAMEREQD == 0x4);
EXPECT_CONST(NI_NUMERICSERV == 0x8 && NI_DGRAM == 0x10);
EXPECT_CONST(NI_MAXHOST == 1025 && NI_MAXSERV == 32);

/* ---- Families, types, protocols, ports: SPEC 5.5 ---- */
EXPECT_CONST(AF_UNSPEC == 0 && AF_UNIX == 1 && AF_INET == 2 && AF_IMPLINK == 3 && AF_PUP == 4);
EXPECT_CONST(AF_CHAOS == 5 && AF_NS == 6 && AF_ISO == 7 && AF_OSI == 7 && AF_ECMA == 8);
EXPECT_CONST(AF_DATAKIT == 9 && AF_CCITT == 10 && AF_SNA == 11 && AF_DECnet == 12);
EXPECT_CONST(AF_DLI == 13 && AF_LAT == 14 && AF_HYLINK == 15 && AF_APPLETALK == 16);
EXPECT_CONST(AF_NETBIOS == 17 && AF_IPX == 18 && AF_POTS_IT == 19 && AF_ISDNQMUX_IT == 20);
EXPECT_CONST(AF_INET_SPE == 21 && AF_IPX_SPE == 22 && AF_NETBIOS_SPE == 23 && AF_MAX == 24);
EXPECT_CONST(PF_INET == AF_INET && PF_IPX == AF_IPX && PF_MAX == AF_MAX);
EXPECT_CONST(SOCK_STREAM == 1 && SOCK_DGRAM == 2 && SOCK_RAW == 3 && SOCK_RDM == 4);
EXPECT_CONST(SOCK_SEQPACKET == 5 && SOCK_REL_STREAM == 1 && SOCK_REL_DSTREAM == 5);
EXPECT_CONST(SOCK_UNREL_DSTREAM == 101 && SOCK_REL_UNISEND_DSTREAM == 102);
EXPECT_CONST(SOCK_REL_UNIRECV_DSTREAM == 103 && SOCK_UNREL_UNISEND_DSTREAM == 104);
EXPECT_CONST(SOCK_UNREL_UNIRECV_DSTREAM == 105 && SOCK_REL_DGRAM == 106 && SOCK_UNREL_DGRAM == 2);
EXPECT_CONST(SOCK_REL_ISOCH_DSTREAM == 201 && SOCK_UNREL_ISOCH_DSTREAM == 202);
EXPECT_CONST(SOCK_UNREL_ISOCH_STREAM == 203);
EXPECT_CONST(IPPROTO_IP == 0 && IPPROTO_ICMP == 1 && IPPROTO_GGP == 2 && IPPROTO_TCP == 6);
EXPECT_CONST(IPPROTO_PUP == 12 && IPPROTO_UDP == 17 && IPPROTO_IDP == 22 && IPPROTO_ND == 77);
EXPECT_CONST(IPPROTO_RAW == 255 && IPPROTO_MAX == 256 && IP_OPTIONS == 1);
EXPECT_CONST(IPPORT_ECHO == 7 && IPPORT_FTP == 21 && IPPORT_TELNET == 23 && IPPORT_SMTP == 25);
EXPECT_CONST(IPPORT_EXECSERVER == 512 && IPPORT_ROUTESERVER == 520 && IPPORT_RESERVED == 1024);
EXPECT_CONST(IMPLINK_IP == 155 && IMPLINK_LOWEXPER == 156 && IMPLINK_HIGHEXPER == 158);

/* ---- Flags: SPEC 5.6 ---- */
EXPECT_CONST(FD_READ == 0x01 && FD_WRITE == 0x02 && FD_OOB == 0x04 && FD_ACCEPT == 0x08);
EXPECT_CONST(FD_CONNECT == 0x10 && FD_CLOSE == 0x20 && FD_QOS == 0x40 && FD_GROUP_QOS == 0x80);
EXPECT_CONST(FD_READ == 1 << FD_READ_BIT && FD_WRITE == 1 << FD_WRITE_BIT);
EXPECT_CONST(FD_OOB == 1 << FD_OOB_BIT && FD_ACCEPT == 1 << FD_ACCEPT_BIT);
EXPECT_CONST(FD_CONNECT == 1 << FD_CONNECT_BIT && FD_CLOSE == 1 << FD_CLOSE_BIT);
EXPECT_CONST(FD_QOS == 1 << FD_QOS_BIT && FD_GROUP_QOS == 1 << FD_GROUP_QOS_BIT);
EXPECT_CONST(FD_ROUTING_INTERFACE_CHANGE == 0x100 && FD_ADDRESS_LIST_CHANGE == 0x200);
EXPECT_CONST(FD_MAX_EVENTS == 10 && FD_ALL_EVENTS == 0x3ff);
EXPECT_CONST(MSG_OOB == 0x1 && MSG_PEEK == 0x2 && MSG_DONTROUTE == 0x4);
EXPECT_CONST(MSG_INTERRUPT == 0x8 && MSG_MAXIOVLEN == 16 && MSG_PARTIAL == 0x8000);
EXPECT_CONST(CF_ACCEPT == 0 && CF_REJECT == 1 && CF_DEFER == 2);
EXPECT_CONST(SD_RECEIVE == 0 && SD_SEND == 1 && SD_BOTH == 2);
EXPECT_CONST(SG_UNCONSTRAINED_GROUP == 1 && SG_CONSTRAINED_GROUP == 2);
EXPECT_CONST(GuaranteedService == 0 && BestEffortService == 1);
EXPECT_CONST(SOL_SOCKET == 0xffff && SOL_PROVIDER == 6 && SOMAXCONN == 5);
EXPECT_CONST(SO_DEBUG == 0x0001 && SO_ACCEPTCONN == 0x0002 && SO_REUSEADDR == 0x0004);
EXPECT_CONST(SO_KEEPALIVE == 0x0008 && SO_DONTROUTE == 0x0010 && SO_BROADCAST == 0x0020);
EXPECT_CONST(SO_USELOOPBACK == 0x0040 && SO_LINGER == 0x0080 && SO_OOBINLINE == 0x0100);
EXPECT_CONST(SO_DONTLINGER == (int)0xFFFFFF7F);
EXPECT_CONST(SO_SNDBUF == 0x1001 && SO_RCVBUF == 0x1002 && SO_SNDLOWAT == 0x1003);
EXPECT_CONST(SO_RCVLOWAT == 0x1004 && SO_SNDTIMEO == 0x1005 && SO_RCVTIMEO == 0x1006);
EXPECT_CONST(SO_ERROR == 0x1007 && SO_TYPE == 0x1008);
EXPECT_CONST(SO_FLOWSPEC == 0x2001 && SO_GROUP_FLOWSPEC == 0x2002 && SO_GROUP_ID == 0x2003);
EXPECT_CONST(SO_GROUP_PRIORITY == 0x2004 && SO_MAX_DG_SIZE == 0x2005);
EXPECT_CONST(SO_MAX_MSGDG_SIZE == 0x2005 && SO_PROTOCOL_INFO == 0x2006 && SO_INTERRUPT == 0x2007);
EXPECT_CONST(PVD_CALL_ID == 0x3001 && PVD_CONFIG == 0x3002 && TAPI_DEVICE_ID == 0x3003);
EXPECT_CONST(TCP_NODELAY == 0x0001);
EXPECT_CONST(MAXGETHOSTSTRUCT == 1024 && WSADESCRIPTION_LEN == 256 && WSASYS_STATUS_LEN == 128);
EXPECT_CONST(WSA_FLAG_OVERLAPPED == 0x01);
EXPECT_CONST(JL_SENDER_ONLY == 0x01 && JL_RECEIVER_ONLY == 0x02 && JL_BOTH == 0x04);

/* ---- Protocol attributes: SPEC 1.6.4; the seed's registry examples decode exactly ---- */
EXPECT_CONST((XP_FRAGMENTATION | XP_EXPEDITED_DATA | XP_GRACEFUL_CLOSE | XP_GUARANTEED_ORDER |
              XP_GUARANTEED_DELIVERY) == 0x00001066);
EXPECT_CONST((XP_FRAGMENTATION | XP_SUPPORTS_MULTICAST | XP_SUPPORTS_BROADCAST |
              XP_MESSAGE_ORIENTED | XP_CONNECTIONLESS) == 0x00001609);
EXPECT_CONST((XP_DISCONNECT_DATA | XP_MESSAGE_ORIENTED | XP_CONNECTIONLESS) == 0x00000109);
EXPECT_CONST(XP_PSEUDO_STREAM == 0x10 && XP_CONNECT_DATA == 0x80);
EXPECT_CONST(XP_BANDWIDTH_ALLOCATION == 0x800 && XP_ENCRYPTS == 0x2000);

/* ---- ioctl encoding: SPEC 5.7 (SPI-IOCTL-08) ---- */
EXPECT_CONST(IOCPARM_MASK == 0x7f && IOC_VOID == 0x20000000 && IOC_OUT == 0x40000000);
EXPECT_CONST(IOC_IN == 0x80000000 && IOC_INOUT == 0xC0000000);
EXPECT_CONST(FIONREAD == 0x4004667F);
EXPECT_CONST(FIONBIO == 0x8004667E);
EXPECT_CONST(FIOASYNC == 0x8004667D);
EXPECT_CONST(SIOCSHIWAT == 0x80047300 && SIOCGHIWAT == 0x40047301);
EXPECT_CONST(SIOCSLOWAT == 0x80047302 && SIOCGLOWAT == 0x40047303);
EXPECT_CONST(SIOCATMARK == 0x40047307);
EXPECT_CONST(_IO('t', 1) == 0x20007401);

/* ---- Structures: SPEC 5.8, 3.2 ---- */
EXPECT_CONST(sizeof(struct linger) == 4 && offsetof(struct linger, l_linger) == 2);
EXPECT_CONST(offsetof(WSADATA, wVersion) == 0);
EXPECT_CONST(offsetof(WSADATA, wHighVersion) == 2);
EXPECT_CONST(offsetof(WSADATA, szDescription) == 4);
EXPECT_CONST(offsetof(WSADATA, szSystemStatus) == 261);
EXPECT_CONST(offsetof(WSADATA, iMaxSockets) == 390);
EXPECT_CONST(offsetof(WSADATA, iMaxUdpDg) == 392);
EXPECT_CONST(offsetof(WSADATA, lpVendorInfo) == 400); /* 64-bit pointer, 8-aligned */
EXPECT_CONST(sizeof(WSADATA) == 408);
EXPECT_CONST(sizeof(WSABUF) == 16 && offsetof(WSABUF, buf) == 8);
EXPECT_CONST(sizeof(WSAOVERLAPPED) == 24 && offsetof(WSAOVERLAPPED, hEvent) == 16);
EXPECT_CONST(sizeof(WSANETWORKEVENT) == 8);
EXPECT_CONST(sizeof(WSANETWORKEVENTS) == 44 && offsetof(WSANETWORKEVENTS, iErrorCode) == 4);
EXPECT_CONST(sizeof(struct hostent) == 32 && offsetof(struct hostent, h_addrtype) == 16);
EXPECT_CONST(offsetof(struct hostent, h_length) == 18);
EXPECT_CONST(offsetof(struct hostent, h_addr_list) == 24);
EXPECT_CONST(offsetof(struct netent, n_net) == 20 && sizeof(struct netent) == 24);
EXPECT_CONST(offsetof(struct servent, s_port) == 16 && offsetof(struct servent, s_proto) == 24);
EXPECT_CONST(offsetof(struct protoent, p_proto) == 16);
EXPECT_CONST(offsetof(FLOWPARAMS, PeakBandwidth) == 8);
EXPECT_CONST(offsetof(FLOWPARAMS, BurstLength) == 16);
EXPECT_CONST(offsetof(FLOWPARAMS, Latency) == 24);
EXPECT_CONST(offsetof(FLOWPARAMS, DelayVariation) == 32);
EXPECT_CONST(offsetof(FLOWPARAMS, LevelOfGuarantee) == 40);
EXPECT_CONST(offsetof(FLOWPARAMS, CostOfCall) == 44);
EXPECT_CONST(offsetof(FLOWPARAMS, ProviderId) == 48);
EXPECT_CONST(offsetof(FLOWPARAMS, SizePSP) == 52);
EXPECT_CONST(offsetof(FLOWPARAMS, ProviderSpecificParams) == 56);
EXPECT_CONST(sizeof(FLOWPARAMS) == 64);
EXPECT_CONST(sizeof(QOS) == 128 && offsetof(QOS, BackwardFP) == 64);
EXPECT_CONST(sizeof(WSAPROTOCOLCHAIN) == 32 && MAX_PROTOCOL_CHAIN == 7);
EXPECT_CONST(offsetof(WSAPROTOCOL_INFOW, ProviderId) == 20);
EXPECT_CONST(offsetof(WSAPROTOCOL_INFOW, dwCatalogEntryId) == 36);
EXPECT_CONST(offsetof(WSAPROTOCOL_INFOW, ProtocolChain) == 40);
EXPECT_CONST(offsetof(WSAPROTOCOL_INFOW, iVersion) == 72);
EXPECT_CONST(offsetof(WSAPROTOCOL_INFOW, iAddressFamily) == 76);
EXPECT_CONST(offsetof(WSAPROTOCOL_INFOW, dwMessageSize) == 108);
EXPECT_CONST(offsetof(WSAPROTOCOL_INFOW, szProtocol) == 116);
EXPECT_CONST(sizeof(WSAPROTOCOL_INFOW) == 628);
EXPECT_CONST(sizeof(WSAPROTOCOL_INFOA) == 372);
EXPECT_CONST(sizeof(WSAPROTOCOL_INFO) == sizeof(WSAPROTOCOL_INFOA)); /* UNICODE not defined */

/* ---- SPI tables: SPEC 6.1 and Table B ---- */
EXPECT_CONST(sizeof(WSPPROC_TABLE) == 30 * sizeof(void *));
EXPECT_CONST(offsetof(WSPPROC_TABLE, lpWSPAccept) == 0);
EXPECT_CONST(offsetof(WSPPROC_TABLE, lpWSPGetSockOpt) == 14 * sizeof(void *));
EXPECT_CONST(offsetof(WSPPROC_TABLE, lpWSPGetQOSByName) == 15 * sizeof(void *));
EXPECT_CONST(offsetof(WSPPROC_TABLE, lpWSPStringToAddress) == 29 * sizeof(void *));
EXPECT_CONST(sizeof(WSPUPCALLTABLE) == 16 * sizeof(void *));
EXPECT_CONST(sizeof(WSATHREADID) == 16);
EXPECT_CONST(sizeof(WSPDATA) == 4 + 2 * (WSPDESCRIPTION_LEN + 1));

/* ---- The colliding names are ws2sim's, even though glibc's headers came first ---- */
EXPECT_CONST(_Generic(&socket, SOCKET (*)(int, int, int): 1, default: 0));
EXPECT_CONST(_Generic(&select, int (*)(int, struct ws2sim_fd_set *, struct ws2sim_fd_set *,
                                       struct ws2sim_fd_set *, const struct ws2sim_timeval *): 1,
                      default: 0));
EXPECT_CONST(_Generic(&htons, u_short (*)(u_short): 1, default: 0));
EXPECT_CONST(_Generic(&htonl, uint32_t (*)(uint32_t): 1, default: 0));
EXPECT_CONST(_Generic(&gethostname, int (*)(char *, int): 1, default: 0));
EXPECT_CONST(_Generic(&inet_addr, uint32_t (*)(const char *): 1, default: 0));
EXPECT_CONST(_Generic(&getaddrinfo, INT (*)(PCSTR, PCSTR, const ADDRINFOA *, PADDRINFOA *): 1,
                      default: 0));
EXPECT_CONST(_Generic((fd_set *)0, struct ws2sim_fd_set *: 1, default: 0));
EXPECT_CONST(_Generic((struct hostent *)0, struct ws2sim_hostent *: 1, default: 0));

/* ---- Run-time helpers for headers_cxx_test.cc: the macros as C expands them ---- */

/* FD_ZERO, then FD_SET for `count` sockets first, first + 4, first + 8 ... */
void headers_c_fill_fd_set(fd_set *set, SOCKET first, u_int count) {
  u_int i;
  FD_ZERO(set);
  for (i = 0; i < count; i++) {
    FD_SET(first + 4 * i, set);
  }
}

void headers_c_fd_clr(fd_set *set, SOCKET s) { FD_CLR(s, set); }

int headers_c_fd_isset(fd_set *set, SOCKET s) { return FD_ISSET(s, set); }

LONG headers_c_make_select_reply(WORD event, WORD error) {
  return WSAMAKESELECTREPLY(event, error);
}

size_t headers_c_sizeof_fd_set(void) { return sizeof(fd_set); }
size_t headers_c_sizeof_wsadata(void) { return sizeof(WSADATA); }
size_t headers_c_sizeof_wsaprotocol_infow(void) { return sizeof(WSAPROTOCOL_INFOW); }
size_t headers_c_sizeof_wspproc_table(void) { return sizeof(WSPPROC_TABLE); }
size_t headers_c_sizeof_wspupcalltable(void) { return sizeof(WSPUPCALLTABLE); }
