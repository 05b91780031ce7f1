/* winsock2.h -- the Winsock 2 application API of ws2sim.
 *
 * Guests (unmodified Winsock C/C++ programs) compile against this header on Linux x86-64 and run
 * as simulated processes; every function declared here is implemented by ws2sim's DLL model
 * (model/), which reaches the service providers through ws2spi.h's WSPPROC_TABLE.
 *
 * Sources. The seed's only header is the SPI header ws2spi.h (S1 App. A.2); its `#ifndef _WS2API_`
 * parts are the application-visible definitions, and they are here, with the seed's values. Cited
 * as S1 App. A.2 unless a group says otherwise. SPEC = ../shared/spec/SPEC.md; D-nn = its
 * decisions (section 7). Definitions the seeds do not give (function prototypes, IPv6, overlapped
 * and protocol-info types, later error codes) come from later Winsock 2 and are marked
 * "(not in seeds)". Where the seed is silent, later Winsock's signature is used, because that is
 * what unmodified guests are written against; where the seed or a SPEC decision fixes a type or a
 * value, it wins.
 *
 * Widths. This is a 64-bit Linux process: pointers, HANDLEs (WSAEVENT) and *_PTR types are 64-bit.
 * Windows `long` is 32-bit and Linux `long` is 64-bit, so every seed `long` is LONG (int32_t) and
 * `u_long` is uint32_t: sizeof(struct in_addr) == 4, sizeof(struct sockaddr_in) == 16,
 * sizeof(struct timeval) == 8, sizeof(fd_set) == 4 + 4 * FD_SETSIZE, and the ioctl codes, which
 * embed sizeof(u_long), keep their Windows values.
 *
 * ---- Living next to glibc -----------------------------------------------------------------------
 * Guests also include system headers, before or after this one, and glibc declares many of the
 * same names with other layouts (fd_set, struct timeval, struct hostent ...) and other meanings
 * (select(), socket(), htons() ...). This header therefore
 *   1. includes the glibc headers that declare colliding names itself, first, so their include
 *      guards are set and a later #include of them by the guest is a no-op: <errno.h>,
 *      <sys/types.h>, <sys/time.h>, <sys/select.h>, <sys/resource.h> (struct rusage embeds
 *      glibc's timeval), <sys/ioctl.h>, <sys/socket.h>, <netinet/in.h>, <arpa/inet.h>, <netdb.h>,
 *      <unistd.h> (gethostname);
 *   2. #undefs the glibc macros whose names Winsock defines (FD_SET, SOL_SOCKET, FIONBIO, AF_INET6,
 *      h_errno, EWOULDBLOCK ...) and the Linux-only socket macros portable code probes with #ifdef
 *      (MSG_NOSIGNAL, SOCK_NONBLOCK, SO_REUSEPORT, the extra AI_/NI_/EAI_ names), and defines
 *      the Winsock values;
 *   3. renames every Winsock identifier that is also a libc/POSIX symbol, type or tag with an
 *      object-like macro to a ws2sim_-prefixed name, so guest code binds to ws2sim, never to
 *      libc. The redirected names (all of them, including those ws2tcpip.h declares, because this
 *      header already brings in glibc's declarations of them) are:
 *        types and tags  u_long fd_set timeval sockaddr sockaddr_in in_addr linger hostent netent
 *                        servent protoent in6_addr sockaddr_in6 sockaddr_storage addrinfo
 *                        socklen_t ip_mreq ipv6_mreq
 *        functions       accept bind connect getpeername getsockname getsockopt htonl htons
 *                        inet_addr inet_ntoa listen ntohl ntohs recv recvfrom select send sendto
 *                        setsockopt shutdown socket gethostbyaddr gethostbyname gethostname
 *                        getprotobyname getprotobynumber getservbyname getservbyport
 *                        getaddrinfo freeaddrinfo getnameinfo gai_strerror inet_pton inet_ntop
 *        objects         in6addr_any in6addr_loopback
 *      (names that collide with nothing keep their own: WSAStartup, closesocket, ioctlsocket,
 *      __WSAFDIsSet, WSPStartup ...).
 * Consequences for code that includes this header:
 *   - other glibc headers that embed struct timeval or sockaddr must come before this header or
 *     be in the list above (all the usual ones are); glibc's Linux-only socket names that are not
 *     probed by portable code (AF_NETLINK, SO_PEERCRED ...) stay visible with their Linux values;
 *   - a name in the list is renamed everywhere after this header, so C++ code that includes
 *     <filesystem> before this header cannot say file_type::socket; std::bind is kept working
 *     in either order (see "std::bind" below);
 *   - the Berkeley error names (EWOULDBLOCK ... EREMOTE) carry the Winsock values, as the seed
 *     prescribes, so libc errno values must not be compared with them; C++'s std::errc, when
 *     <system_error> is first included after this header, takes the Winsock values too. Define
 *     WS2SIM_NO_BSD_ERRNO_NAMES before including to keep glibc's errno names instead;
 *   - FD_SETSIZE may be defined by the guest before including this header (seed), and it is kept;
 *     glibc's FD_SETSIZE (1024, the size of its bitmask fd_set) is discarded, so the default is
 *     the seed's 64. A glibc header that brings in <sys/select.h> before this one (<stdlib.h>
 *     does in GNU mode) has already replaced a guest's earlier definition with glibc's, which is
 *     then discarded too: such a guest gets 64.
 */
#ifndef _WS2API_
#define _WS2API_
#define _WINSOCK2API_ /* later SDK guard names, for guests that test them (not in seeds) */
#define _WINSOCKAPI_

/* Pull in WINDOWS.H if necessary (seed). */
#ifndef _INC_WINDOWS
#include "windows.h"
#endif

/* ==== 1. glibc headers that declare colliding names, included first =========================== */

#if defined(FD_SETSIZE) && !defined(_SYS_SELECT_H)
/* The guest's own FD_SETSIZE: keep it across <sys/select.h>, which redefines the macro. */
#pragma push_macro("FD_SETSIZE")
#undef FD_SETSIZE
#define WS2SIM_GUEST_FD_SETSIZE_
#endif

#include <errno.h>
#include <sys/types.h>
#include <sys/time.h>
#include <sys/select.h>
#include <sys/resource.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <unistd.h>

#undef FD_SETSIZE /* glibc's: the bit count of its own fd_set */
#ifdef WS2SIM_GUEST_FD_SETSIZE_
#pragma pop_macro("FD_SETSIZE")
#undef WS2SIM_GUEST_FD_SETSIZE_
#endif

/* ==== 2. glibc macros that Winsock defines differently (or that must not leak) ================ */

/* <sys/select.h>, <sys/time.h> */
#undef FD_CLR
#undef FD_SET
#undef FD_ISSET
#undef FD_ZERO
#undef timerisset
#undef timercmp
#undef timerclear
/* <sys/ioctl.h> (Linux ioctl encoding) */
#undef IOC_IN
#undef IOC_OUT
#undef IOC_INOUT
#undef _IO
#undef _IOR
#undef _IOW
#undef FIONREAD
#undef FIONBIO
#undef FIOASYNC
#undef SIOCATMARK
/* <netdb.h> */
#undef h_addr
#undef h_errno
#undef IPPORT_RESERVED
#undef HOST_NOT_FOUND
#undef TRY_AGAIN
#undef NO_RECOVERY
#undef NO_DATA
#undef NO_ADDRESS
#undef AI_PASSIVE
#undef AI_CANONNAME
#undef AI_NUMERICHOST
#undef AI_V4MAPPED
#undef AI_ALL
#undef AI_ADDRCONFIG
#undef AI_IDN
#undef AI_CANONIDN
#undef AI_IDN_ALLOW_UNASSIGNED
#undef AI_IDN_USE_STD3_ASCII_RULES
#undef AI_NUMERICSERV
#undef NI_MAXHOST
#undef NI_MAXSERV
#undef NI_NUMERICHOST
#undef NI_NUMERICSERV
#undef NI_NOFQDN
#undef NI_NAMEREQD
#undef NI_DGRAM
#undef NI_IDN
#undef NI_IDN_ALLOW_UNASSIGNED
#undef NI_IDN_USE_STD3_ASCII_RULES
#undef EAI_BADFLAGS
#undef EAI_NONAME
#undef EAI_AGAIN
#undef EAI_FAIL
#undef EAI_FAMILY
#undef EAI_SOCKTYPE
#undef EAI_SERVICE
#undef EAI_MEMORY
#undef EAI_SYSTEM
#undef EAI_OVERFLOW
#undef EAI_NODATA
#undef EAI_ADDRFAMILY
#undef EAI_INPROGRESS
#undef EAI_CANCELED
#undef EAI_NOTCANCELED
#undef EAI_ALLDONE
#undef EAI_INTR
#undef EAI_IDN_ENCODE
/* <netinet/in.h>, <arpa/inet.h> */
#undef htonl
#undef htons
#undef ntohl
#undef ntohs
#undef IPPROTO_IP
#undef IPPROTO_ICMP
#undef IPPROTO_TCP
#undef IPPROTO_PUP
#undef IPPROTO_UDP
#undef IPPROTO_IDP
#undef IPPROTO_RAW
#undef IPPROTO_MAX
#undef IPPROTO_IPV6
#undef IPPROTO_ICMPV6
#undef IN_CLASSA
#undef IN_CLASSA_NET
#undef IN_CLASSA_NSHIFT
#undef IN_CLASSA_HOST
#undef IN_CLASSA_MAX
#undef IN_CLASSB
#undef IN_CLASSB_NET
#undef IN_CLASSB_NSHIFT
#undef IN_CLASSB_HOST
#undef IN_CLASSB_MAX
#undef IN_CLASSC
#undef IN_CLASSC_NET
#undef IN_CLASSC_NSHIFT
#undef IN_CLASSC_HOST
#undef INADDR_ANY
#undef INADDR_LOOPBACK
#undef INADDR_BROADCAST
#undef INADDR_NONE
#undef INET_ADDRSTRLEN
#undef INET6_ADDRSTRLEN
#undef IN6ADDR_ANY_INIT
#undef IN6ADDR_LOOPBACK_INIT
#undef s6_addr /* glibc's in6_addr union member names; ours are the Windows ones */
#undef s6_addr16
#undef s6_addr32
#undef IN6_IS_ADDR_UNSPECIFIED /* written against glibc's in6_addr; not usable on ours */
#undef IN6_IS_ADDR_LOOPBACK
#undef IN6_IS_ADDR_LINKLOCAL
#undef IN6_IS_ADDR_SITELOCAL
#undef IN6_IS_ADDR_V4MAPPED
#undef IN6_IS_ADDR_V4COMPAT
#undef IN6_IS_ADDR_MULTICAST
#undef IN6_IS_ADDR_MC_NODELOCAL
#undef IN6_IS_ADDR_MC_LINKLOCAL
#undef IN6_IS_ADDR_MC_SITELOCAL
#undef IN6_IS_ADDR_MC_ORGLOCAL
#undef IN6_IS_ADDR_MC_GLOBAL
#undef IN6_ARE_ADDR_EQUAL
#undef IP_OPTIONS
#undef IP_HDRINCL
#undef IP_TOS
#undef IP_TTL
#undef IP_MULTICAST_IF
#undef IP_MULTICAST_TTL
#undef IP_MULTICAST_LOOP
#undef IP_ADD_MEMBERSHIP
#undef IP_DROP_MEMBERSHIP
#undef IPV6_HOPOPTS
#undef IPV6_HDRINCL
#undef IPV6_UNICAST_HOPS
#undef IPV6_MULTICAST_IF
#undef IPV6_MULTICAST_HOPS
#undef IPV6_MULTICAST_LOOP
#undef IPV6_ADD_MEMBERSHIP
#undef IPV6_DROP_MEMBERSHIP
#undef IPV6_JOIN_GROUP
#undef IPV6_LEAVE_GROUP
#undef IPV6_V6ONLY
/* <netinet/tcp.h> is not included here, but a guest may have included it first */
#undef TCP_NODELAY
/* <sys/socket.h> */
#undef SOCK_STREAM
#undef SOCK_DGRAM
#undef SOCK_RAW
#undef SOCK_RDM
#undef SOCK_SEQPACKET
#undef SOCK_DCCP
#undef SOCK_PACKET
#undef SOCK_CLOEXEC
#undef SOCK_NONBLOCK
#undef SOL_SOCKET
#undef SOMAXCONN
#undef SO_DEBUG
#undef SO_ACCEPTCONN
#undef SO_REUSEADDR
#undef SO_KEEPALIVE
#undef SO_DONTROUTE
#undef SO_BROADCAST
#undef SO_LINGER
#undef SO_OOBINLINE
#undef SO_SNDBUF
#undef SO_RCVBUF
#undef SO_SNDLOWAT
#undef SO_RCVLOWAT
#undef SO_SNDTIMEO
#undef SO_RCVTIMEO
#undef SO_ERROR
#undef SO_TYPE
#undef SO_REUSEPORT
#undef MSG_OOB
#undef MSG_PEEK
#undef MSG_DONTROUTE
#undef MSG_TRYHARD
#undef MSG_CTRUNC
#undef MSG_PROXY
#undef MSG_TRUNC
#undef MSG_DONTWAIT
#undef MSG_EOR
#undef MSG_WAITALL /* D-26: not supported, so not defined */
#undef MSG_FIN
#undef MSG_SYN
#undef MSG_CONFIRM
#undef MSG_RST
#undef MSG_ERRQUEUE
#undef MSG_NOSIGNAL
#undef MSG_MORE
#undef MSG_WAITFORONE
#undef MSG_BATCH
#undef MSG_ZEROCOPY
#undef MSG_FASTOPEN
#undef MSG_CMSG_CLOEXEC
#undef AF_UNSPEC
#undef AF_UNIX
#undef AF_INET
#undef AF_SNA
#undef AF_DECnet
#undef AF_APPLETALK
#undef AF_IPX
#undef AF_INET6
#undef AF_MAX
#undef PF_UNSPEC
#undef PF_UNIX
#undef PF_INET
#undef PF_SNA
#undef PF_DECnet
#undef PF_APPLETALK
#undef PF_IPX
#undef PF_INET6
#undef PF_MAX
/* <errno.h>: the Berkeley names the seed maps onto Winsock codes (section 4.12) */
#ifndef WS2SIM_NO_BSD_ERRNO_NAMES
#undef EWOULDBLOCK
#undef EINPROGRESS
#undef EALREADY
#undef ENOTSOCK
#undef EDESTADDRREQ
#undef EMSGSIZE
#undef EPROTOTYPE
#undef ENOPROTOOPT
#undef EPROTONOSUPPORT
#undef ESOCKTNOSUPPORT
#undef EOPNOTSUPP
#undef EPFNOSUPPORT
#undef EAFNOSUPPORT
#undef EADDRINUSE
#undef EADDRNOTAVAIL
#undef ENETDOWN
#undef ENETUNREACH
#undef ENETRESET
#undef ECONNABORTED
#undef ECONNRESET
#undef ENOBUFS
#undef EISCONN
#undef ENOTCONN
#undef ESHUTDOWN
#undef ETOOMANYREFS
#undef ETIMEDOUT
#undef ECONNREFUSED
#undef ELOOP
#undef ENAMETOOLONG
#undef EHOSTDOWN
#undef EHOSTUNREACH
#undef ENOTEMPTY
#undef EPROCLIM
#undef EUSERS
#undef EDQUOT
#undef ESTALE
#undef EREMOTE
#endif

/* ==== 3. Redirection of colliding identifiers (the list at the top) =========================== */

#if defined(__cplusplus) && defined(_GLIBCXX_FUNCTIONAL)
/* std::bind. <functional> came first, so std::bind is declared under its own name, but after the
 * `bind` macro below a guest's std::bind(...) reads std::ws2sim_bind(...). Forward that to the
 * real std::bind. (When <functional> comes after this header, its declaration is renamed along
 * with every use, and nothing is needed.) */
namespace std {
template <typename _Fn, typename... _Args>
inline auto ws2sim_bind(_Fn &&__f, _Args &&...__args)
    -> decltype(::std::bind(::std::forward<_Fn>(__f), ::std::forward<_Args>(__args)...)) {
  return ::std::bind(::std::forward<_Fn>(__f), ::std::forward<_Args>(__args)...);
}
template <typename _Result, typename _Fn, typename... _Args>
inline auto ws2sim_bind(_Fn &&__f, _Args &&...__args)
    -> decltype(::std::bind<_Result>(::std::forward<_Fn>(__f), ::std::forward<_Args>(__args)...)) {
  return ::std::bind<_Result>(::std::forward<_Fn>(__f), ::std::forward<_Args>(__args)...);
}
} /* namespace std */
#endif

/* types and tags */
#define u_long ws2sim_u_long
#define fd_set ws2sim_fd_set
#define timeval ws2sim_timeval
#define sockaddr ws2sim_sockaddr
#define sockaddr_in ws2sim_sockaddr_in
#define in_addr ws2sim_in_addr
#define linger ws2sim_linger
#define hostent ws2sim_hostent
#define netent ws2sim_netent
#define servent ws2sim_servent
#define protoent ws2sim_protoent
#define in6_addr ws2sim_in6_addr
#define sockaddr_in6 ws2sim_sockaddr_in6
#define sockaddr_storage ws2sim_sockaddr_storage
#define addrinfo ws2sim_addrinfo
#define socklen_t ws2sim_socklen_t
#define ip_mreq ws2sim_ip_mreq
#define ipv6_mreq ws2sim_ipv6_mreq
/* functions */
#define accept ws2sim_accept
#define bind ws2sim_bind
#define connect ws2sim_connect
#define getpeername ws2sim_getpeername
#define getsockname ws2sim_getsockname
#define getsockopt ws2sim_getsockopt
#define htonl ws2sim_htonl
#define htons ws2sim_htons
#define inet_addr ws2sim_inet_addr
#define inet_ntoa ws2sim_inet_ntoa
#define listen ws2sim_listen
#define ntohl ws2sim_ntohl
#define ntohs ws2sim_ntohs
#define recv ws2sim_recv
#define recvfrom ws2sim_recvfrom
#define select ws2sim_select
#define send ws2sim_send
#define sendto ws2sim_sendto
#define setsockopt ws2sim_setsockopt
#define shutdown ws2sim_shutdown
#define socket ws2sim_socket
#define gethostbyaddr ws2sim_gethostbyaddr
#define gethostbyname ws2sim_gethostbyname
#define gethostname ws2sim_gethostname
#define getprotobyname ws2sim_getprotobyname
#define getprotobynumber ws2sim_getprotobynumber
#define getservbyname ws2sim_getservbyname
#define getservbyport ws2sim_getservbyport
#define getaddrinfo ws2sim_getaddrinfo
#define freeaddrinfo ws2sim_freeaddrinfo
#define getnameinfo ws2sim_getnameinfo
#define gai_strerror ws2sim_gai_strerror
#define inet_pton ws2sim_inet_pton
#define inet_ntop ws2sim_inet_ntop
/* objects */
#define in6addr_any ws2sim_in6addr_any
#define in6addr_loopback ws2sim_in6addr_loopback

/* ==== 4. The Winsock definitions ============================================================== */

/* Function linkage (not in seeds: the seed uses WSAAPI-free prototypes and WSACALLBACK). */
#define WSAAPI FAR PASCAL
#define WSACALLBACK CALLBACK

/* Version requested by WSAStartup (not in seeds). MAKEWORD is in windows.h (seed: a Winsock
 * extension). */
#define WINSOCK_VERSION MAKEWORD(2, 2)

/* ---- 4.1 Basic system types, from BSD sys/types.h (SPEC 5.2) ---- */
typedef unsigned char u_char;
typedef unsigned short u_short;
typedef unsigned int u_int;
typedef uint32_t u_long; /* seed: unsigned long, 32-bit on Windows */

/* The new type to be used in all instances which refer to sockets. */
typedef u_int SOCKET;

/* ---- 4.2 select() sets (SPEC 5.3; "MUST BE INCLUDED EXACTLY AS SHOWN HERE") ---- */
#ifndef FD_SETSIZE
#define FD_SETSIZE 64
#endif /* FD_SETSIZE */

typedef struct fd_set {
  u_int fd_count;               /* how many are SET?  (seed: u_short; D-76, same Win32 layout) */
  SOCKET fd_array[FD_SETSIZE];  /* an array of SOCKETs */
} fd_set;

#ifdef __cplusplus
extern "C" {
#endif
extern int WSAAPI __WSAFDIsSet(SOCKET, fd_set FAR *); /* seed: WSPAPI; WSPAPI == WSAAPI */
#ifdef __cplusplus
}
#endif

#define FD_CLR(fd, set) do { \
    u_int __i; \
    for (__i = 0; __i < ((fd_set FAR *)(set))->fd_count ; __i++) { \
        if (((fd_set FAR *)(set))->fd_array[__i] == fd) { \
            while (__i < ((fd_set FAR *)(set))->fd_count-1) { \
                ((fd_set FAR *)(set))->fd_array[__i] = \
                    ((fd_set FAR *)(set))->fd_array[__i+1]; \
                __i++; \
            } \
            ((fd_set FAR *)(set))->fd_count--; \
            break; \
        } \
    } \
} while(0)

#define FD_SET(fd, set) do { \
    if (((fd_set FAR *)(set))->fd_count < FD_SETSIZE) \
        ((fd_set FAR *)(set))->fd_array[((fd_set FAR *)(set))->fd_count++]=fd;\
} while(0)

#define FD_ZERO(set) (((fd_set FAR *)(set))->fd_count=0)

#define FD_ISSET(fd, set) __WSAFDIsSet((SOCKET)fd, (fd_set FAR *)set)

/* ---- 4.3 Structure used in select(), from BSD sys/time.h (SPEC 5.3) ---- */
struct timeval {
  LONG tv_sec;  /* seconds           (seed: long) */
  LONG tv_usec; /* and microseconds  (seed: long) */
};

/* Operations on timevals. NB: timercmp does not work for >= or <=.
 * timercmp gains parentheses around its && (same value) so -Wparentheses stays quiet. */
#define timerisset(tvp) ((tvp)->tv_sec || (tvp)->tv_usec)
#define timercmp(tvp, uvp, cmp) \
  ((tvp)->tv_sec cmp (uvp)->tv_sec || \
   ((tvp)->tv_sec == (uvp)->tv_sec && (tvp)->tv_usec cmp (uvp)->tv_usec))
#define timerclear(tvp) (tvp)->tv_sec = (tvp)->tv_usec = 0

/* ---- 4.4 Commands for ioctlsocket(), from BSD fcntl.h (SPEC 5.7) ----
 * Command in the low word, parameter size in the upper word, direction in the top bits;
 * parameters are at most 127 bytes. The seed casts the size to (long); Windows long is 32-bit,
 * so the cast is (LONG) here, which keeps every code a 32-bit unsigned value. */
#define IOCPARM_MASK 0x7f     /* parameters must be < 128 bytes */
#define IOC_VOID 0x20000000   /* no parameters */
#define IOC_OUT 0x40000000    /* copy out parameters */
#define IOC_IN 0x80000000     /* copy in parameters */
#define IOC_INOUT (IOC_IN | IOC_OUT)
                              /* 0x20000000 distinguishes new & old ioctl's */
#define _IO(x, y) (IOC_VOID | ((x) << 8) | (y))
#define _IOR(x, y, t) (IOC_OUT | (((LONG)sizeof(t) & IOCPARM_MASK) << 16) | ((x) << 8) | (y))
#define _IOW(x, y, t) (IOC_IN | (((LONG)sizeof(t) & IOCPARM_MASK) << 16) | ((x) << 8) | (y))

#define FIONREAD _IOR('f', 127, u_long) /* get # bytes to read            0x4004667F */
#define FIONBIO _IOW('f', 126, u_long)  /* set/clear non-blocking i/o     0x8004667E */
#define FIOASYNC _IOW('f', 125, u_long) /* set/clear async i/o            0x8004667D */

/* Socket I/O Controls */
#define SIOCSHIWAT _IOW('s', 0, u_long) /* set high watermark */
#define SIOCGHIWAT _IOR('s', 1, u_long) /* get high watermark */
#define SIOCSLOWAT _IOW('s', 2, u_long) /* set low watermark */
#define SIOCGLOWAT _IOR('s', 3, u_long) /* get low watermark */
#define SIOCATMARK _IOR('s', 7, u_long) /* at oob mark?                   0x40047307 */

/* ---- 4.5 Network data base structures, from BSD netdb.h (SPEC 5.8) ----
 * All addresses are supplied in host order, and returned in network order. */
struct hostent {
  char FAR *h_name;              /* official name of host */
  char FAR *FAR *h_aliases;      /* alias list */
  short h_addrtype;              /* host address type */
  short h_length;                /* length of address */
  char FAR *FAR *h_addr_list;    /* list of addresses */
#define h_addr h_addr_list[0]    /* address, for backward compat */
};

/* It is assumed here that a network number fits in 32 bits. */
struct netent {
  char FAR *n_name;              /* official name of net */
  char FAR *FAR *n_aliases;      /* alias list */
  short n_addrtype;              /* net address type */
  u_long n_net;                  /* network # */
};

/* Seed field order (64-bit Windows later swapped s_port and s_proto; guests use the names). */
struct servent {
  char FAR *s_name;              /* official service name */
  char FAR *FAR *s_aliases;      /* alias list */
  short s_port;                  /* port # */
  char FAR *s_proto;             /* protocol to use */
};

struct protoent {
  char FAR *p_name;              /* official protocol name */
  char FAR *FAR *p_aliases;      /* alias list */
  short p_proto;                 /* protocol # */
};

/* ---- 4.6 Internet constants, per RFC 790, from BSD netinet/in.h (SPEC 5.5) ---- */

/* Protocols */
#define IPPROTO_IP 0    /* dummy for IP */
#define IPPROTO_ICMP 1  /* control message protocol */
#define IPPROTO_GGP 2   /* gateway^2 (deprecated) */
#define IPPROTO_TCP 6   /* tcp */
#define IPPROTO_PUP 12  /* pup */
#define IPPROTO_UDP 17  /* user datagram protocol */
#define IPPROTO_IDP 22  /* xns idp */
#define IPPROTO_ND 77   /* UNOFFICIAL net disk proto */
#define IPPROTO_RAW 255 /* raw IP packet */
#define IPPROTO_MAX 256

/* Port/socket numbers: network standard functions */
#define IPPORT_ECHO 7
#define IPPORT_DISCARD 9
#define IPPORT_SYSTAT 11
#define IPPORT_DAYTIME 13
#define IPPORT_NETSTAT 15
#define IPPORT_FTP 21
#define IPPORT_TELNET 23
#define IPPORT_SMTP 25
#define IPPORT_TIMESERVER 37
#define IPPORT_NAMESERVER 42
#define IPPORT_WHOIS 43
#define IPPORT_MTP 57

/* Port/socket numbers: host specific functions */
#define IPPORT_TFTP 69
#define IPPORT_RJE 77
#define IPPORT_FINGER 79
#define IPPORT_TTYLINK 87
#define IPPORT_SUPDUP 95

/* UNIX TCP sockets */
#define IPPORT_EXECSERVER 512
#define IPPORT_LOGINSERVER 513
#define IPPORT_CMDSERVER 514
#define IPPORT_EFSSERVER 520

/* UNIX UDP sockets */
#define IPPORT_BIFFUDP 512
#define IPPORT_WHOSERVER 513
#define IPPORT_ROUTESERVER 520 /* 520+1 also used */

/* Ports < IPPORT_RESERVED are reserved for privileged processes (e.g. root). */
#define IPPORT_RESERVED 1024

/* Link numbers */
#define IMPLINK_IP 155
#define IMPLINK_LOWEXPER 156
#define IMPLINK_HIGHEXPER 158

/* ---- 4.7 Internet address (old style... should be updated) (SPEC 5.4) ---- */
struct in_addr {
  union {
    struct { u_char s_b1, s_b2, s_b3, s_b4; } S_un_b;
    struct { u_short s_w1, s_w2; } S_un_w;
    u_long S_addr;
  } S_un;
#define s_addr S_un.S_addr         /* can be used for most tcp & ip code */
#define s_host S_un.S_un_b.s_b2    /* host on imp */
#define s_net S_un.S_un_b.s_b1     /* network */
#define s_imp S_un.S_un_w.s_w2     /* imp */
#define s_impno S_un.S_un_b.s_b4   /* imp # */
#define s_lh S_un.S_un_b.s_b3      /* logical host */
};

/* Definitions of bits in internet address integers. On subnets, the decomposition of addresses
 * to host and net parts is done according to subnet mask, not the masks here. The seed's (long)
 * casts are (LONG): Windows long. */
#define IN_CLASSA(i) (((LONG)(i) & 0x80000000) == 0)
#define IN_CLASSA_NET 0xff000000
#define IN_CLASSA_NSHIFT 24
#define IN_CLASSA_HOST 0x00ffffff
#define IN_CLASSA_MAX 128

#define IN_CLASSB(i) (((LONG)(i) & 0xc0000000) == 0x80000000)
#define IN_CLASSB_NET 0xffff0000
#define IN_CLASSB_NSHIFT 16
#define IN_CLASSB_HOST 0x0000ffff
#define IN_CLASSB_MAX 65536

/* D-75: the seed tests (i & 0xc0000000) == 0xc0000000, which also matches classes D and E. */
#define IN_CLASSC(i) (((LONG)(i) & 0xe0000000) == 0xc0000000)
#define IN_CLASSC_NET 0xffffff00
#define IN_CLASSC_NSHIFT 8
#define IN_CLASSC_HOST 0x000000ff

#define INADDR_ANY (u_long)0x00000000
#define INADDR_LOOPBACK 0x7f000001
#define INADDR_BROADCAST (u_long)0xffffffff
#define INADDR_NONE 0xffffffff
/* Winsock extension */
#define ADDR_ANY INADDR_ANY

/* Socket address, internet style. */
struct sockaddr_in {
  short sin_family;
  u_short sin_port;
  struct in_addr sin_addr;
  char sin_zero[8];
}; /* 16 bytes */

/* ---- 4.8 WSAStartup data (SPEC 5.8) ---- */
#define WSADESCRIPTION_LEN 256
#define WSASYS_STATUS_LEN 128

typedef struct WSAData {
  WORD wVersion;                                /* @0 */
  WORD wHighVersion;                            /* @2 */
  char szDescription[WSADESCRIPTION_LEN + 1];   /* @4 */
  char szSystemStatus[WSASYS_STATUS_LEN + 1];   /* @261 */
  unsigned short iMaxSockets;                   /* @390 */
  unsigned short iMaxUdpDg;                     /* @392 */
  char FAR *lpVendorInfo;                       /* @400 (64-bit pointer); sizeof 408 */
} WSADATA;

typedef WSADATA FAR *LPWSADATA;

/* Options for use with [gs]etsockopt at the IP level. */
#define IP_OPTIONS 1 /* set/get IP per-packet options */

/* ---- 4.9 Sockets: types, address families, options, from BSD sys/socket.h (SPEC 5.2, 5.5, 5.6) */

/* This is used instead of -1, since the SOCKET type is unsigned. */
#define INVALID_SOCKET (SOCKET)(~0)
#define SOCKET_ERROR (-1)

/* Types */
#define SOCK_STREAM 1    /* stream socket */
#define SOCK_DGRAM 2     /* datagram socket */
#define SOCK_RAW 3       /* raw-protocol interface */
#define SOCK_RDM 4       /* reliably-delivered message */
#define SOCK_SEQPACKET 5 /* sequenced packet stream */

/* Types -- Winsock extensions for socket types with the following convention
 *          SOCK[_REL|_UNREL][_ISOCH][_UNISEND|_UNIRECV][_STREAM|_DGRAM|_DSTREAM] */
#define SOCK_REL_STREAM SOCK_STREAM
#define SOCK_REL_DSTREAM SOCK_SEQPACKET
#define SOCK_UNREL_DSTREAM 101
#define SOCK_REL_UNISEND_DSTREAM 102
#define SOCK_REL_UNIRECV_DSTREAM 103
#define SOCK_UNREL_UNISEND_DSTREAM 104
#define SOCK_UNREL_UNIRECV_DSTREAM 105
#define SOCK_REL_DGRAM 106
#define SOCK_UNREL_DGRAM SOCK_DGRAM
#define SOCK_REL_ISOCH_DSTREAM 201
#define SOCK_UNREL_ISOCH_DSTREAM 202
#define SOCK_UNREL_ISOCH_STREAM 203

/* Option flags per-socket (SPEC 3.1). */
#define SO_DEBUG 0x0001       /* turn on debugging info recording */
#define SO_ACCEPTCONN 0x0002  /* socket has had listen() */
#define SO_REUSEADDR 0x0004   /* allow local address reuse */
#define SO_KEEPALIVE 0x0008   /* keep connections alive */
#define SO_DONTROUTE 0x0010   /* just use interface addresses */
#define SO_BROADCAST 0x0020   /* permit sending of broadcast msgs */
#define SO_USELOOPBACK 0x0040 /* bypass hardware when possible */
#define SO_LINGER 0x0080      /* linger on close if data present */
#define SO_OOBINLINE 0x0100   /* leave received OOB data in line */

#define SO_DONTLINGER (int)(~SO_LINGER)

/* Additional options. */
#define SO_SNDBUF 0x1001   /* send buffer size */
#define SO_RCVBUF 0x1002   /* receive buffer size */
#define SO_SNDLOWAT 0x1003 /* send low-water mark */
#define SO_RCVLOWAT 0x1004 /* receive low-water mark */
#define SO_SNDTIMEO 0x1005 /* send timeout */
#define SO_RCVTIMEO 0x1006 /* receive timeout */
#define SO_ERROR 0x1007    /* get error status and clear */
#define SO_TYPE 0x1008     /* get socket type */

/* Winsock extension -- options */
#define SO_FLOWSPEC 0x2001       /* flow spec for sockets */
#define SO_GROUP_FLOWSPEC 0x2002 /* flow spec for socket groups */
#define SO_GROUP_ID 0x2003       /* sharing the same physical connection */
#define SO_GROUP_PRIORITY 0x2004 /* the relative priority with a group */
#define SO_MAX_DG_SIZE 0x2005    /* maximum datagram size */
#define SO_MAX_MSGDG_SIZE SO_MAX_DG_SIZE /* the option tables' name for it (D-22) */
#define SO_PROTOCOL_INFO 0x2006  /* (not in seeds: simulator-local value, D-23) */
#define SO_INTERRUPT 0x2007      /* (not in seeds: simulator-local value, D-24; Win16 only) */
#define PVD_CALL_ID 0x3001       /* an opaque Winsock call ID */
#define PVD_CONFIG 0x3002        /* configuration info for service provider */
#define TAPI_DEVICE_ID 0x3003    /* a TAPI line device ID */

/* TCP options. */
#define TCP_NODELAY 0x0001

/* Address families. */
#define AF_UNSPEC 0      /* unspecified */
#define AF_UNIX 1        /* local to host (pipes, portals) */
#define AF_INET 2        /* internetwork: UDP, TCP, etc. */
#define AF_IMPLINK 3     /* arpanet imp addresses */
#define AF_PUP 4         /* pup protocols: e.g. BSP */
#define AF_CHAOS 5       /* mit CHAOS protocols */
#define AF_NS 6          /* XEROX NS protocols */
#define AF_ISO 7         /* ISO protocols */
#define AF_OSI AF_ISO    /* OSI is ISO */
#define AF_ECMA 8        /* european computer manufacturers */
#define AF_DATAKIT 9     /* datakit protocols */
#define AF_CCITT 10      /* CCITT protocols, X.25 etc */
#define AF_SNA 11        /* IBM SNA */
#define AF_DECnet 12     /* DECnet */
#define AF_DLI 13        /* Direct data link interface */
#define AF_LAT 14        /* LAT */
#define AF_HYLINK 15     /* NSC Hyperchannel */
#define AF_APPLETALK 16  /* AppleTalk */
#define AF_NETBIOS 17    /* NetBios-style addresses */
/* Address families -- Winsock extensions. */
#define AF_IPX 18         /* IPX/SPX addresses */
#define AF_POTS_IT 19     /* POTS addresses for Intel Transport */
#define AF_ISDNQMUX_IT 20 /* ISDN addresses for Intel Transport */
#define AF_INET_SPE 21    /* Internet (SPE version) */
#define AF_IPX_SPE 22     /* IPX/SPX (SPE version) */
#define AF_NETBIOS_SPE 23 /* NetBios (SPE version) */
/* (not in seeds) IPv6, with later Winsock's value: it equals the seed's AF_NETBIOS_SPE, which
 * ws2sim has no provider for. */
#define AF_INET6 23

#define AF_MAX 24

/* Structure used by kernel to store most addresses. */
struct sockaddr {
  u_short sa_family; /* address family */
  char sa_data[14];  /* up to 14 bytes of direct address */
};

/* Structure used by kernel to pass protocol information in raw sockets. */
struct sockproto {
  u_short sp_family;   /* address family */
  u_short sp_protocol; /* protocol */
};

/* Protocol families, same as address families for now (the seed omits PF_NETBIOS). */
#define PF_UNSPEC AF_UNSPEC
#define PF_UNIX AF_UNIX
#define PF_INET AF_INET
#define PF_IMPLINK AF_IMPLINK
#define PF_PUP AF_PUP
#define PF_CHAOS AF_CHAOS
#define PF_NS AF_NS
#define PF_ISO AF_ISO
#define PF_OSI AF_OSI
#define PF_ECMA AF_ECMA
#define PF_DATAKIT AF_DATAKIT
#define PF_CCITT AF_CCITT
#define PF_SNA AF_SNA
#define PF_DECnet AF_DECnet
#define PF_DLI AF_DLI
#define PF_LAT AF_LAT
#define PF_HYLINK AF_HYLINK
#define PF_APPLETALK AF_APPLETALK
/* Protocol families -- Winsock extension */
#define PF_IPX AF_IPX
#define PF_POTS_IT AF_POTS_IT
#define PF_ISDNQMUX_IT AF_ISDNQMUX_IT
#define PF_INET_SPE AF_INET_SPE
#define PF_IPX_SPE AF_IPX_SPE
#define PF_NETBIOS_SPE AF_NETBIOS_SPE
#define PF_INET6 AF_INET6 /* (not in seeds) */

#define PF_MAX AF_MAX

/* Structure used for manipulating linger option (D-21: u_short, as the header has it). */
struct linger {
  u_short l_onoff;  /* option on/off */
  u_short l_linger; /* linger time */
};

/* Level number for (get/set)sockopt() to apply to socket itself. */
#define SOL_SOCKET 0xffff /* options for socket level */

/* Winsock extension -- level number for (get/set)socketopt() to apply to service provider level. */
#define SOL_PROVIDER IPPROTO_TCP /* options for service provider level */

/* Maximum queue length specifiable by listen (D-59: providers clamp to this by default). */
#define SOMAXCONN 5

#define MSG_OOB 0x1       /* process out-of-band data */
#define MSG_PEEK 0x2      /* peek at incoming message */
#define MSG_DONTROUTE 0x4 /* send without using routing tables */
#define MSG_INTERRUPT 0x8 /* interrupt-time send or recv (D-26: later headers give 0x8 to
                             MSG_WAITALL, which is therefore not defined) */
#define MSG_PARTIAL 0x8000 /* (not in seeds: later value, D-25) partial message */

#define MSG_MAXIOVLEN 0x10

/* Define constant based on rfc883, used by gethostbyxxxx() calls. */
#define MAXGETHOSTSTRUCT 1024

/* ---- 4.10 Winsock extension -- WSABUF and QOS (SPEC 3.2, 5.8) ---- */
typedef struct _WSABUF {
  int len;       /* the length of the buffer */
  char FAR *buf; /* the pointer to the buffer (@8; sizeof 16) */
} WSABUF, FAR *LPWSABUF;

typedef enum _GUARANTEE {
  GuaranteedService,
  BestEffortService
} GUARANTEE;

/* The seed's int64/int32 are int64_t/int32_t; D-29 fixes the field names. 64 bytes. */
typedef struct _flowparams {
  int64_t AverageBandwidth;         /* in bytes/sec */
  int64_t PeakBandwidth;            /* in bytes/sec */
  int64_t BurstLength;              /* in microseconds */
  int64_t Latency;                  /* in microseconds */
  int64_t DelayVariation;           /* in microseconds */
  GUARANTEE LevelOfGuarantee;       /* guaranteed or best effort */
  int32_t CostOfCall;               /* reserved for future; must be zero */
  int32_t ProviderId;               /* provider identifier */
  int32_t SizePSP;                  /* length of provider specific parameters */
  UCHAR ProviderSpecificParams[1];  /* provider specific parameters */
} FLOWPARAMS;

/* S1's prose calls a flow spec "struct FLOWSPEC" (D-28). Later Winsock's FLOWSPEC and SERVICETYPE
 * (token-bucket fields) are a different structure and are not defined here. */
typedef FLOWPARAMS FLOWSPEC, FAR *LPFLOWSPEC;

typedef struct _QOS {
  FLOWPARAMS ForwardFP;  /* caller (initiator) to callee */
  FLOWPARAMS BackwardFP; /* callee to caller */
} QOS, FAR *LPQOS;       /* 128 bytes */

/* Winsock extension -- WSANETWORKEVENT (S1 §3.1.17; D-45: element i is FD bit i) */
typedef struct _WSANETWORKEVENT {
  BOOL Fired;
  int ErrorCode;
} WSANETWORKEVENT, FAR *LPWSANETWORKEVENT;

/* Winsock extension -- manifest constants for the return value of the condition function */
#define CF_ACCEPT 0x0000
#define CF_REJECT 0x0001
#define CF_DEFER 0x0002

/* Winsock extension -- manifest constants for shutdown() */
#define SD_RECEIVE 0x00
#define SD_SEND 0x01
#define SD_BOTH 0x02

/* Winsock extension -- data type and manifest constants for socket groups (SPEC 3.3) */
typedef unsigned int GROUP;

#define SG_UNCONSTRAINED_GROUP 0x01
#define SG_CONSTRAINED_GROUP 0x02

/* ---- 4.11 Network events, for WSPSelect()/WSAAsyncSelect()/WSAEventSelect() (SPEC 5.6) ----
 * The seed's L suffix makes these Linux longs; every value fits the LONG event masks. */
#define FD_READ 0x01L
#define FD_WRITE 0x02L
#define FD_OOB 0x04L
#define FD_ACCEPT 0x08L
#define FD_CONNECT 0x10L
#define FD_CLOSE 0x20L
/* Winsock extension -- new flags for WSPSelect() */
#define FD_QOS 0x40L
#define FD_GROUP_QOS 0x80L

/* (not in seeds) Bit positions and the event count of later Winsock: FD_x == 1 << FD_x_BIT.
 * ws2sim raises bits 0..7; bits 8 and 9 exist so WSANETWORKEVENTS has the later layout. */
#define FD_READ_BIT 0
#define FD_WRITE_BIT 1
#define FD_OOB_BIT 2
#define FD_ACCEPT_BIT 3
#define FD_CONNECT_BIT 4
#define FD_CLOSE_BIT 5
#define FD_QOS_BIT 6
#define FD_GROUP_QOS_BIT 7
#define FD_ROUTING_INTERFACE_CHANGE_BIT 8
#define FD_ROUTING_INTERFACE_CHANGE (1 << FD_ROUTING_INTERFACE_CHANGE_BIT)
#define FD_ADDRESS_LIST_CHANGE_BIT 9
#define FD_ADDRESS_LIST_CHANGE (1 << FD_ADDRESS_LIST_CHANGE_BIT)
#define FD_MAX_EVENTS 10
#define FD_ALL_EVENTS ((1 << FD_MAX_EVENTS) - 1)

/* ---- 4.12 Error codes (SPEC 5.1) ----
 * All Winsock error constants are biased by WSABASEERR from the "normal" */
#define WSABASEERR 10000

/* Winsock definitions of regular Microsoft C error constants */
#define WSAEINTR (WSABASEERR + 4)
#define WSAEBADF (WSABASEERR + 9)
#define WSAEACCES (WSABASEERR + 13)
#define WSAEFAULT (WSABASEERR + 14)
#define WSAEINVAL (WSABASEERR + 22)
#define WSAEMFILE (WSABASEERR + 24)

/* Winsock definitions of regular Berkeley error constants */
#define WSAEWOULDBLOCK (WSABASEERR + 35)
#define WSAEINPROGRESS (WSABASEERR + 36)
#define WSAEALREADY (WSABASEERR + 37)
#define WSAENOTSOCK (WSABASEERR + 38)
#define WSAEDESTADDRREQ (WSABASEERR + 39)
#define WSAEMSGSIZE (WSABASEERR + 40)
#define WSAEPROTOTYPE (WSABASEERR + 41)
#define WSAENOPROTOOPT (WSABASEERR + 42)
#define WSAEPROTONOSUPPORT (WSABASEERR + 43)
#define WSAESOCKTNOSUPPORT (WSABASEERR + 44)
#define WSAEOPNOTSUPP (WSABASEERR + 45)
#define WSAEPFNOSUPPORT (WSABASEERR + 46)
#define WSAEAFNOSUPPORT (WSABASEERR + 47)
#define WSAEADDRINUSE (WSABASEERR + 48)
#define WSAEADDRNOTAVAIL (WSABASEERR + 49)
#define WSAENETDOWN (WSABASEERR + 50)
#define WSAENETUNREACH (WSABASEERR + 51)
#define WSAENETRESET (WSABASEERR + 52)
#define WSAECONNABORTED (WSABASEERR + 53)
#define WSAECONNRESET (WSABASEERR + 54)
#define WSAENOBUFS (WSABASEERR + 55)
#define WSAEISCONN (WSABASEERR + 56)
#define WSAENOTCONN (WSABASEERR + 57)
#define WSAESHUTDOWN (WSABASEERR + 58)
#define WSAETOOMANYREFS (WSABASEERR + 59)
#define WSAETIMEDOUT (WSABASEERR + 60)
#define WSAECONNREFUSED (WSABASEERR + 61)
#define WSAELOOP (WSABASEERR + 62)
#define WSAENAMETOOLONG (WSABASEERR + 63)
#define WSAEHOSTDOWN (WSABASEERR + 64)
#define WSAEHOSTUNREACH (WSABASEERR + 65)
#define WSAENOTEMPTY (WSABASEERR + 66)
#define WSAEPROCLIM (WSABASEERR + 67)
#define WSAEUSERS (WSABASEERR + 68)
#define WSAEDQUOT (WSABASEERR + 69)
#define WSAESTALE (WSABASEERR + 70)
#define WSAEREMOTE (WSABASEERR + 71)

/* Extended Winsock error constant definitions */
#define WSASYSNOTREADY (WSABASEERR + 91)
#define WSAVERNOTSUPPORTED (WSABASEERR + 92)
#define WSANOTINITIALISED (WSABASEERR + 93)

/* (not in seeds: later Winsock codes, SPEC 5.1) */
#define WSAEDISCON (WSABASEERR + 101)
#define WSAENOMORE (WSABASEERR + 102)
#define WSAECANCELLED (WSABASEERR + 103)
#define WSAEINVALIDPROCTABLE (WSABASEERR + 104)
#define WSAEINVALIDPROVIDER (WSABASEERR + 105)
#define WSAEPROVIDERFAILEDINIT (WSABASEERR + 106)
#define WSASYSCALLFAILURE (WSABASEERR + 107)
#define WSASERVICE_NOT_FOUND (WSABASEERR + 108)
#define WSATYPE_NOT_FOUND (WSABASEERR + 109)
#define WSA_E_NO_MORE (WSABASEERR + 110)
#define WSA_E_CANCELLED (WSABASEERR + 111)
#define WSAEREFUSED (WSABASEERR + 112)

/* (not in seeds: later Winsock) Win32 codes Winsock reuses for overlapped I/O and events. */
#define WSA_IO_PENDING (ERROR_IO_PENDING)                 /* 997 */
#define WSA_IO_INCOMPLETE (ERROR_IO_INCOMPLETE)           /* 996 */
#define WSA_INVALID_HANDLE (ERROR_INVALID_HANDLE)         /* 6 */
#define WSA_INVALID_PARAMETER (ERROR_INVALID_PARAMETER)   /* 87 */
#define WSA_NOT_ENOUGH_MEMORY (ERROR_NOT_ENOUGH_MEMORY)   /* 8 */
#define WSA_OPERATION_ABORTED (ERROR_OPERATION_ABORTED)   /* 995 */

/* Error return codes from gethostbyname() and gethostbyaddr() (when using the resolver). They are
 * retrieved via WSAGetLastError() and are therefore based at WSABASEERR+1001. [WSA]NO_ADDRESS is
 * defined only for compatibility purposes. */
#define h_errno WSAGetLastError()

/* Authoritative Answer: Host not found */
#define WSAHOST_NOT_FOUND (WSABASEERR + 1001)
#define HOST_NOT_FOUND WSAHOST_NOT_FOUND

/* Non-Authoritative: Host not found, or SERVERFAIL */
#define WSATRY_AGAIN (WSABASEERR + 1002)
#define TRY_AGAIN WSATRY_AGAIN

/* Non recoverable errors, FORMERR, REFUSED, NOTIMP */
#define WSANO_RECOVERY (WSABASEERR + 1003)
#define NO_RECOVERY WSANO_RECOVERY

/* Valid name, no data record of requested type */
#define WSANO_DATA (WSABASEERR + 1004)
#define NO_DATA WSANO_DATA

/* no address, look for MX record */
#define WSANO_ADDRESS WSANO_DATA
#define NO_ADDRESS WSANO_ADDRESS

/* Winsock errors redefined as regular Berkeley error constants (for ported code; see the top). */
#ifndef WS2SIM_NO_BSD_ERRNO_NAMES
#define EWOULDBLOCK WSAEWOULDBLOCK
#define EINPROGRESS WSAEINPROGRESS
#define EALREADY WSAEALREADY
#define ENOTSOCK WSAENOTSOCK
#define EDESTADDRREQ WSAEDESTADDRREQ
#define EMSGSIZE WSAEMSGSIZE
#define EPROTOTYPE WSAEPROTOTYPE
#define ENOPROTOOPT WSAENOPROTOOPT
#define EPROTONOSUPPORT WSAEPROTONOSUPPORT
#define ESOCKTNOSUPPORT WSAESOCKTNOSUPPORT
#define EOPNOTSUPP WSAEOPNOTSUPP
#define EPFNOSUPPORT WSAEPFNOSUPPORT
#define EAFNOSUPPORT WSAEAFNOSUPPORT
#define EADDRINUSE WSAEADDRINUSE
#define EADDRNOTAVAIL WSAEADDRNOTAVAIL
#define ENETDOWN WSAENETDOWN
#define ENETUNREACH WSAENETUNREACH
#define ENETRESET WSAENETRESET
#define ECONNABORTED WSAECONNABORTED
#define ECONNRESET WSAECONNRESET
#define ENOBUFS WSAENOBUFS
#define EISCONN WSAEISCONN
#define ENOTCONN WSAENOTCONN
#define ESHUTDOWN WSAESHUTDOWN
#define ETOOMANYREFS WSAETOOMANYREFS
#define ETIMEDOUT WSAETIMEDOUT
#define ECONNREFUSED WSAECONNREFUSED
#define ELOOP WSAELOOP
#define ENAMETOOLONG WSAENAMETOOLONG
#define EHOSTDOWN WSAEHOSTDOWN
#define EHOSTUNREACH WSAEHOSTUNREACH
#define ENOTEMPTY WSAENOTEMPTY
#define EPROCLIM WSAEPROCLIM
#define EUSERS WSAEUSERS
#define EDQUOT WSAEDQUOT
#define ESTALE WSAESTALE
#define EREMOTE WSAEREMOTE
#endif /* WS2SIM_NO_BSD_ERRNO_NAMES */

/* ---- 4.13 Event objects and overlapped I/O ----
 * WSAOVERLAPPED is S1 §3.1.20's (DWORD fields, so 16 + 8 = 24 bytes here). The wait constants and
 * WSAEVENT as a HANDLE are later Winsock (not in seeds). */
typedef HANDLE WSAEVENT;
typedef WSAEVENT FAR *LPWSAEVENT;

#define WSA_INVALID_EVENT ((WSAEVENT)NULL)
#define WSA_MAXIMUM_WAIT_EVENTS (MAXIMUM_WAIT_OBJECTS)
#define WSA_WAIT_FAILED (WAIT_FAILED)
#define WSA_WAIT_EVENT_0 (WAIT_OBJECT_0)
#define WSA_WAIT_IO_COMPLETION (WAIT_IO_COMPLETION)
#define WSA_WAIT_TIMEOUT (WAIT_TIMEOUT)
#define WSA_INFINITE (INFINITE)

typedef struct _WSAOVERLAPPED {
  DWORD Internal;     /* reserved */
  DWORD InternalHigh; /* reserved */
  DWORD Offset;       /* ignored */
  DWORD OffsetHigh;   /* ignored */
  WSAEVENT hEvent;
} WSAOVERLAPPED, FAR *LPWSAOVERLAPPED;

/* Completion routine. S1 §3.1.20 prints three parameters; later Winsock adds dwFlags, which carries
 * the receive flags (e.g. MSG_PARTIAL, D-55) and which every published guest's routine takes. The
 * later four-parameter form is used. */
typedef void(CALLBACK *LPWSAOVERLAPPED_COMPLETION_ROUTINE)(DWORD dwError, DWORD cbTransferred,
                                                           LPWSAOVERLAPPED lpOverlapped,
                                                           DWORD dwFlags);

/* WSAEnumNetworkEvents' result (not in seeds: later Winsock; the SPI keeps S1's
 * WSANETWORKEVENT array, D-45). 44 bytes. */
typedef struct _WSANETWORKEVENTS {
  LONG lNetworkEvents;
  int iErrorCode[FD_MAX_EVENTS];
} WSANETWORKEVENTS, FAR *LPWSANETWORKEVENTS;

/* WSASocket() flags and WSAJoinLeaf() roles (not in seeds: later Winsock, SPEC 5.8). */
#define WSA_FLAG_OVERLAPPED 0x01
/* WSASocket's af, type or protocol taken from its WSAPROTOCOL_INFO (later Winsock). */
#define FROM_PROTOCOL_INFO (-1)
#define JL_SENDER_ONLY 0x01
#define JL_RECEIVER_ONLY 0x02
#define JL_BOTH 0x04

/* ---- 4.14 Condition function for WSAAccept()/WSPAccept() (S1 §3.1.11; D-31) ----
 * S1's six parameters (later Winsock inserted lpSQOS/lpGQOS: not adopted, D-31). The callback
 * data is pointer-sized (the seed's DWORD is as wide as a far pointer on Win16/Win32; a 64-bit
 * guest passes pointers through it, so it is DWORD_PTR here, as in later Winsock). */
typedef int(WSACALLBACK *LPCONDITIONPROC)(LPWSABUF lpCallerId, LPWSABUF lpCallerData,
                                          LPWSABUF lpCalleeId, LPWSABUF lpCalleeData,
                                          GROUP FAR *g, DWORD_PTR dwCallbackData);

/* ---- 4.15 Protocol information (not in seeds: later Winsock, the catalog's record) ----
 * dwServiceFlags1 carries the XP_xxx attributes below (SPEC 1.6.4); later Winsock's XP1_xxx flags
 * have other values and are not defined (SPEC: "do not mix"). */
#define MAX_PROTOCOL_CHAIN 7
#define BASE_PROTOCOL 1
#define LAYERED_PROTOCOL 0

typedef struct _WSAPROTOCOLCHAIN {
  int ChainLen;                            /* 0 = layered protocol, 1 = base protocol,
                                              > 1 = protocol chain */
  DWORD ChainEntries[MAX_PROTOCOL_CHAIN];  /* a list of catalog entry ids */
} WSAPROTOCOLCHAIN, FAR *LPWSAPROTOCOLCHAIN; /* 32 bytes */

#define WSAPROTOCOL_LEN 255

typedef struct _WSAPROTOCOL_INFOA {
  DWORD dwServiceFlags1;
  DWORD dwServiceFlags2;
  DWORD dwServiceFlags3;
  DWORD dwServiceFlags4;
  DWORD dwProviderFlags;
  GUID ProviderId;
  DWORD dwCatalogEntryId;
  WSAPROTOCOLCHAIN ProtocolChain;
  int iVersion;
  int iAddressFamily;
  int iMaxSockAddr;
  int iMinSockAddr;
  int iSocketType;
  int iProtocol;
  int iProtocolMaxOffset;
  int iNetworkByteOrder;
  int iSecurityScheme;
  DWORD dwMessageSize;
  DWORD dwProviderReserved;
  CHAR szProtocol[WSAPROTOCOL_LEN + 1];
} WSAPROTOCOL_INFOA, FAR *LPWSAPROTOCOL_INFOA; /* 372 bytes */

typedef struct _WSAPROTOCOL_INFOW {
  DWORD dwServiceFlags1;
  DWORD dwServiceFlags2;
  DWORD dwServiceFlags3;
  DWORD dwServiceFlags4;
  DWORD dwProviderFlags;
  GUID ProviderId;
  DWORD dwCatalogEntryId;
  WSAPROTOCOLCHAIN ProtocolChain;
  int iVersion;
  int iAddressFamily;
  int iMaxSockAddr;
  int iMinSockAddr;
  int iSocketType;
  int iProtocol;
  int iProtocolMaxOffset;
  int iNetworkByteOrder;
  int iSecurityScheme;
  DWORD dwMessageSize;
  DWORD dwProviderReserved;
  WCHAR szProtocol[WSAPROTOCOL_LEN + 1];
} WSAPROTOCOL_INFOW, FAR *LPWSAPROTOCOL_INFOW; /* 628 bytes */

#ifdef UNICODE
typedef WSAPROTOCOL_INFOW WSAPROTOCOL_INFO;
typedef LPWSAPROTOCOL_INFOW LPWSAPROTOCOL_INFO;
#else
typedef WSAPROTOCOL_INFOA WSAPROTOCOL_INFO;
typedef LPWSAPROTOCOL_INFOA LPWSAPROTOCOL_INFO;
#endif

#define BIGENDIAN 0x0000    /* iNetworkByteOrder values */
#define LITTLEENDIAN 0x0001

/* Protocol attribute flags XP_xxx (SPEC 1.6.4: the seeds refer to the Registration and Resolution
 * API specification for them; values from later Winsock's nspapi.h, not in seeds). */
#define XP_CONNECTIONLESS 0x00000001
#define XP_GUARANTEED_DELIVERY 0x00000002
#define XP_GUARANTEED_ORDER 0x00000004
#define XP_MESSAGE_ORIENTED 0x00000008
#define XP_PSEUDO_STREAM 0x00000010
#define XP_GRACEFUL_CLOSE 0x00000020
#define XP_EXPEDITED_DATA 0x00000040
#define XP_CONNECT_DATA 0x00000080
#define XP_DISCONNECT_DATA 0x00000100
#define XP_SUPPORTS_BROADCAST 0x00000200
#define XP_SUPPORTS_MULTICAST 0x00000400
#define XP_BANDWIDTH_ALLOCATION 0x00000800
#define XP_FRAGMENTATION 0x00001000
#define XP_ENCRYPTS 0x00002000

/* ---- 4.16 IPv6 addresses (not in seeds: later Winsock ws2def.h/in6addr.h/ws2ipdef.h) ---- */
struct in6_addr {
  union {
    UCHAR Byte[16];
    USHORT Word[8];
  } u;
};                             /* 16 bytes */
#define in_addr6 in6_addr
#define s6_addr u.Byte
#define s6_bytes u.Byte
#define s6_words u.Word

struct sockaddr_in6 {
  u_short sin6_family;         /* AF_INET6 */
  u_short sin6_port;           /* transport level port number */
  u_long sin6_flowinfo;        /* IPv6 flow information */
  struct in6_addr sin6_addr;   /* IPv6 address */
  u_long sin6_scope_id;        /* set of interfaces for a scope */
};                             /* 28 bytes */

#define _SS_MAXSIZE 128
#define _SS_ALIGNSIZE (sizeof(int64_t))
#define _SS_PAD1SIZE (_SS_ALIGNSIZE - sizeof(u_short))
#define _SS_PAD2SIZE (_SS_MAXSIZE - (sizeof(u_short) + _SS_PAD1SIZE + _SS_ALIGNSIZE))

struct sockaddr_storage {
  u_short ss_family;           /* address family */
  char __ss_pad1[_SS_PAD1SIZE];
  int64_t __ss_align;          /* field to force desired structure alignment */
  char __ss_pad2[_SS_PAD2SIZE];
};                             /* 128 bytes */

/* ---- 4.17 Microsoft Windows Extended data types ---- */
typedef struct sockaddr SOCKADDR;
typedef struct sockaddr *PSOCKADDR;
typedef struct sockaddr FAR *LPSOCKADDR;

typedef struct sockaddr_in SOCKADDR_IN;
typedef struct sockaddr_in *PSOCKADDR_IN;
typedef struct sockaddr_in FAR *LPSOCKADDR_IN;

typedef struct linger LINGER;
typedef struct linger *PLINGER;
typedef struct linger FAR *LPLINGER;

typedef struct in_addr IN_ADDR;
typedef struct in_addr *PIN_ADDR;
typedef struct in_addr FAR *LPIN_ADDR;

typedef struct fd_set FD_SET;
typedef struct fd_set *PFD_SET;
typedef struct fd_set FAR *LPFD_SET;

typedef struct hostent HOSTENT;
typedef struct hostent *PHOSTENT;
typedef struct hostent FAR *LPHOSTENT;

typedef struct servent SERVENT;
typedef struct servent *PSERVENT;
typedef struct servent FAR *LPSERVENT;

typedef struct protoent PROTOENT;
typedef struct protoent *PPROTOENT;
typedef struct protoent FAR *LPPROTOENT;

typedef struct timeval TIMEVAL;
typedef struct timeval *PTIMEVAL;
typedef struct timeval FAR *LPTIMEVAL;

/* (not in seeds) */
typedef struct in6_addr IN6_ADDR, *PIN6_ADDR, FAR *LPIN6_ADDR;
typedef struct sockaddr_in6 SOCKADDR_IN6, *PSOCKADDR_IN6, FAR *LPSOCKADDR_IN6;
typedef struct sockaddr_storage SOCKADDR_STORAGE, *PSOCKADDR_STORAGE, FAR *LPSOCKADDR_STORAGE;

/* ---- 4.18 Windows message parameter composition and decomposition macros (SPEC Table E) ---- */
/* WSAMAKEASYNCREPLY is intended for use by Winsock when constructing the response to a
 * WSAAsyncGetXByY() routine. */
#define WSAMAKEASYNCREPLY(buflen, error) MAKELONG(buflen, error)
/* WSAMAKESELECTREPLY is intended for use by Winsock when constructing the response to
 * WSAAsyncSelect(). */
#define WSAMAKESELECTREPLY(event, error) MAKELONG(event, error)
/* WSAGETASYNCBUFLEN: the buffer length from the lParam of a WSAAsyncGetXByY() response. */
#define WSAGETASYNCBUFLEN(lParam) LOWORD(lParam)
/* WSAGETASYNCERROR: the error code from the lParam of a WSAAsyncGetXByY() response. */
#define WSAGETASYNCERROR(lParam) HIWORD(lParam)
/* WSAGETSELECTEVENT: the event code from the lParam of a WSAAsyncSelect() message. */
#define WSAGETSELECTEVENT(lParam) LOWORD(lParam)
/* WSAGETSELECTERROR: the error code from the lParam of a WSAAsyncSelect() message. */
#define WSAGETSELECTERROR(lParam) HIWORD(lParam)

/* ==== 5. Function prototypes (not in seeds: later Winsock 2 signatures; long is LONG) ========= */
#ifdef __cplusplus
extern "C" {
#endif

/* Berkeley-style functions (SPEC Table E: socket/connect/accept/recv/select map to WSP*) */
SOCKET WSAAPI accept(SOCKET s, struct sockaddr FAR *addr, int FAR *addrlen);
int WSAAPI bind(SOCKET s, const struct sockaddr FAR *name, int namelen);
int WSAAPI closesocket(SOCKET s);
int WSAAPI connect(SOCKET s, const struct sockaddr FAR *name, int namelen);
int WSAAPI ioctlsocket(SOCKET s, LONG cmd, u_long FAR *argp);
int WSAAPI getpeername(SOCKET s, struct sockaddr FAR *name, int FAR *namelen);
int WSAAPI getsockname(SOCKET s, struct sockaddr FAR *name, int FAR *namelen);
int WSAAPI getsockopt(SOCKET s, int level, int optname, char FAR *optval, int FAR *optlen);
int WSAAPI listen(SOCKET s, int backlog);
int WSAAPI recv(SOCKET s, char FAR *buf, int len, int flags);
int WSAAPI recvfrom(SOCKET s, char FAR *buf, int len, int flags, struct sockaddr FAR *from,
                    int FAR *fromlen);
int WSAAPI select(int nfds, fd_set FAR *readfds, fd_set FAR *writefds, fd_set FAR *exceptfds,
                  const struct timeval FAR *timeout);
int WSAAPI send(SOCKET s, const char FAR *buf, int len, int flags);
int WSAAPI sendto(SOCKET s, const char FAR *buf, int len, int flags, const struct sockaddr FAR *to,
                  int tolen);
int WSAAPI setsockopt(SOCKET s, int level, int optname, const char FAR *optval, int optlen);
int WSAAPI shutdown(SOCKET s, int how);
SOCKET WSAAPI socket(int af, int type, int protocol);

/* Byte order and address conversion (SPEC Table E: realized in the DLL, never passed down) */
u_long WSAAPI htonl(u_long hostlong);
u_short WSAAPI htons(u_short hostshort);
u_long WSAAPI ntohl(u_long netlong);
u_short WSAAPI ntohs(u_short netshort);
u_long WSAAPI inet_addr(const char FAR *cp);
char FAR *WSAAPI inet_ntoa(struct in_addr in);

/* Database functions (answered by the namespace providers) */
struct hostent FAR *WSAAPI gethostbyaddr(const char FAR *addr, int len, int type);
struct hostent FAR *WSAAPI gethostbyname(const char FAR *name);
int WSAAPI gethostname(char FAR *name, int namelen);
struct servent FAR *WSAAPI getservbyport(int port, const char FAR *proto);
struct servent FAR *WSAAPI getservbyname(const char FAR *name, const char FAR *proto);
struct protoent FAR *WSAAPI getprotobynumber(int number);
struct protoent FAR *WSAAPI getprotobyname(const char FAR *name);

/* Startup, cleanup, errors */
int WSAAPI WSAStartup(WORD wVersionRequested, LPWSADATA lpWSAData);
int WSAAPI WSACleanup(void);
void WSAAPI WSASetLastError(int iError);
int WSAAPI WSAGetLastError(void);

/* Blocking hooks (S1 §2.7: realized in the Win16 DLL; SPI calls on Win32) */
BOOL WSAAPI WSAIsBlocking(void);
int WSAAPI WSAUnhookBlockingHook(void);
FARPROC WSAAPI WSASetBlockingHook(FARPROC lpBlockFunc);
int WSAAPI WSACancelBlockingCall(void);

/* Asynchronous database functions (WSAAsyncGetXByY; replies built with WSAMAKEASYNCREPLY) */
HANDLE WSAAPI WSAAsyncGetServByName(HWND hWnd, u_int wMsg, const char FAR *name,
                                   const char FAR *proto, char FAR *buf, int buflen);
HANDLE WSAAPI WSAAsyncGetServByPort(HWND hWnd, u_int wMsg, int port, const char FAR *proto,
                                   char FAR *buf, int buflen);
HANDLE WSAAPI WSAAsyncGetProtoByName(HWND hWnd, u_int wMsg, const char FAR *name, char FAR *buf,
                                    int buflen);
HANDLE WSAAPI WSAAsyncGetProtoByNumber(HWND hWnd, u_int wMsg, int number, char FAR *buf,
                                      int buflen);
HANDLE WSAAPI WSAAsyncGetHostByName(HWND hWnd, u_int wMsg, const char FAR *name, char FAR *buf,
                                   int buflen);
HANDLE WSAAPI WSAAsyncGetHostByAddr(HWND hWnd, u_int wMsg, const char FAR *addr, int len, int type,
                                   char FAR *buf, int buflen);
int WSAAPI WSACancelAsyncRequest(HANDLE hAsyncTaskHandle);

/* Network-event notification (SPEC 2.11-2.15) */
int WSAAPI WSAAsyncSelect(SOCKET s, HWND hWnd, u_int wMsg, LONG lEvent);
int WSAAPI WSAEventSelect(SOCKET s, WSAEVENT hEventObject, LONG lNetworkEvents);
int WSAAPI WSAEnumNetworkEvents(SOCKET s, WSAEVENT hEventObject,
                                LPWSANETWORKEVENTS lpNetworkEvents);

/* Event objects (S1 §2.7: realized in the Win16 DLL) */
WSAEVENT WSAAPI WSACreateEvent(void);
BOOL WSAAPI WSACloseEvent(WSAEVENT hEvent);
BOOL WSAAPI WSASetEvent(WSAEVENT hEvent);
BOOL WSAAPI WSAResetEvent(WSAEVENT hEvent);
DWORD WSAAPI WSAWaitForMultipleEvents(DWORD cEvents, const WSAEVENT FAR *lphEvents, BOOL fWaitAll,
                                      DWORD dwTimeout, BOOL fAlertable);

/* Extended socket functions (S1 §2.6: each maps to one WSPPROC_TABLE slot). WSASocket keeps later
 * Winsock's GROUP argument; groups are formed at connect/accept time per D-33, so the DLL decides
 * how a WSASocket group reaches WSPConnect. */
SOCKET WSAAPI WSASocketA(int af, int type, int protocol, LPWSAPROTOCOL_INFOA lpProtocolInfo,
                         GROUP g, DWORD dwFlags);
SOCKET WSAAPI WSASocketW(int af, int type, int protocol, LPWSAPROTOCOL_INFOW lpProtocolInfo,
                         GROUP g, DWORD dwFlags);
int WSAAPI WSAConnect(SOCKET s, const struct sockaddr FAR *name, int namelen, LPWSABUF lpCallerData,
                      LPWSABUF lpCalleeData, LPQOS lpSQOS, LPQOS lpGQOS);
SOCKET WSAAPI WSAAccept(SOCKET s, struct sockaddr FAR *addr, LPINT addrlen,
                        LPCONDITIONPROC lpfnCondition, DWORD_PTR dwCallbackData);
SOCKET WSAAPI WSAJoinLeaf(SOCKET s, const struct sockaddr FAR *name, int namelen,
                          LPWSABUF lpCallerData, LPWSABUF lpCalleeData, LPQOS lpSQOS, LPQOS lpGQOS,
                          DWORD dwFlags);
int WSAAPI WSARecv(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                   LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags, LPWSAOVERLAPPED lpOverlapped,
                   LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
int WSAAPI WSARecvFrom(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                       LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags, struct sockaddr FAR *lpFrom,
                       LPINT lpFromlen, LPWSAOVERLAPPED lpOverlapped,
                       LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
int WSAAPI WSARecvDisconnect(SOCKET s, LPWSABUF lpInboundDisconnectData);
int WSAAPI WSASend(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesSent,
                   DWORD dwFlags, LPWSAOVERLAPPED lpOverlapped,
                   LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
int WSAAPI WSASendTo(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                     LPDWORD lpNumberOfBytesSent, DWORD dwFlags, const struct sockaddr FAR *lpTo,
                     int iTolen, LPWSAOVERLAPPED lpOverlapped,
                     LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
int WSAAPI WSASendDisconnect(SOCKET s, LPWSABUF lpOutboundDisconnectData);
BOOL WSAAPI WSAGetOverlappedResult(SOCKET s, LPWSAOVERLAPPED lpOverlapped, LPDWORD lpcbTransfer,
                                   BOOL fWait, LPDWORD lpdwFlags);
BOOL WSAAPI WSAGetQOSByName(SOCKET s, LPWSABUF lpQOSName, LPQOS lpQOS);
/* Later Winsock's WSAIoctl over S1's WSPIoctl (SPEC 2.22; D-60): FIONBIO takes a u_long in
 * lpvInBuffer, FIONREAD and SIOCATMARK return one in lpvOutBuffer. */
int WSAAPI WSAIoctl(SOCKET s, DWORD dwIoControlCode, LPVOID lpvInBuffer, DWORD cbInBuffer,
                    LPVOID lpvOutBuffer, DWORD cbOutBuffer, LPDWORD lpcbBytesReturned,
                    LPWSAOVERLAPPED lpOverlapped,
                    LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);

/* Realized in the DLL (S1 §2.6): shared sockets and provider enumeration. WSAEnumGroup is named
 * there too but has no signature in any source and is not declared. */
int WSAAPI WSADuplicateSocketA(SOCKET s, DWORD dwProcessId, LPWSAPROTOCOL_INFOA lpProtocolInfo);
int WSAAPI WSADuplicateSocketW(SOCKET s, DWORD dwProcessId, LPWSAPROTOCOL_INFOW lpProtocolInfo);
int WSAAPI WSAEnumProtocolsA(LPINT lpiProtocols, LPWSAPROTOCOL_INFOA lpProtocolBuffer,
                             LPDWORD lpdwBufferLength);
int WSAAPI WSAEnumProtocolsW(LPINT lpiProtocols, LPWSAPROTOCOL_INFOW lpProtocolBuffer,
                             LPDWORD lpdwBufferLength);

/* Address strings (WSPPROC_TABLE slots 2 and 30) */
INT WSAAPI WSAAddressToStringA(LPSOCKADDR lpsaAddress, DWORD dwAddressLength,
                               LPWSAPROTOCOL_INFOA lpProtocolInfo, LPSTR lpszAddressString,
                               LPDWORD lpdwAddressStringLength);
INT WSAAPI WSAAddressToStringW(LPSOCKADDR lpsaAddress, DWORD dwAddressLength,
                               LPWSAPROTOCOL_INFOW lpProtocolInfo, LPWSTR lpszAddressString,
                               LPDWORD lpdwAddressStringLength);
INT WSAAPI WSAStringToAddressA(LPSTR AddressString, INT AddressFamily,
                               LPWSAPROTOCOL_INFOA lpProtocolInfo, LPSOCKADDR lpAddress,
                               LPINT lpAddressLength);
INT WSAAPI WSAStringToAddressW(LPWSTR AddressString, INT AddressFamily,
                               LPWSAPROTOCOL_INFOW lpProtocolInfo, LPSOCKADDR lpAddress,
                               LPINT lpAddressLength);

#ifdef __cplusplus
}
#endif

#ifdef UNICODE
#define WSASocket WSASocketW
#define WSADuplicateSocket WSADuplicateSocketW
#define WSAEnumProtocols WSAEnumProtocolsW
#define WSAAddressToString WSAAddressToStringW
#define WSAStringToAddress WSAStringToAddressW
#else
#define WSASocket WSASocketA
#define WSADuplicateSocket WSADuplicateSocketA
#define WSAEnumProtocols WSAEnumProtocolsA
#define WSAAddressToString WSAAddressToStringA
#define WSAStringToAddress WSAStringToAddressA
#endif

#endif /* _WS2API_ */
