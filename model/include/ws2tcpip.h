/* ws2tcpip.h -- TCP/IP-specific Winsock 2 additions for ws2sim guests.
 *
 * Nothing here is in the seeds: names and values are later Winsock's (ws2tcpip.h, ws2def.h,
 * ws2ipdef.h) and are marked "(not in seeds)" once, here, for the whole file. The EAI_* codes alias
 * the WSA error codes, as on Windows; they are not glibc's negative values.
 *
 * winsock2.h already renames every identifier declared here that glibc also declares (socklen_t,
 * addrinfo, ip_mreq, ipv6_mreq, getaddrinfo, freeaddrinfo, getnameinfo, gai_strerror, inet_pton,
 * inet_ntop, in6addr_any, in6addr_loopback) and removes glibc's AI_/NI_/EAI_/IP_/IPV6_ macros of
 * the same names, because it is winsock2.h that brings glibc's declarations in.
 */
#ifndef _WS2TCPIP_H_
#define _WS2TCPIP_H_

#include "winsock2.h"

/* Address length argument type: int on Windows (unsigned on Linux). */
typedef int socklen_t;

/* ---- Protocols ---- */
#define IPPROTO_IPV6 41   /* IPv6 header */
#define IPPROTO_ICMPV6 58 /* ICMPv6 */

/* ---- IPPROTO_IP level options (IP_OPTIONS = 1 is in winsock2.h, from the seed) ---- */
#define IP_HDRINCL 2          /* header is included with data */
#define IP_TOS 3              /* IP type of service and preced */
#define IP_TTL 4              /* IP time to live */
#define IP_MULTICAST_IF 9     /* set/get IP multicast interface */
#define IP_MULTICAST_TTL 10   /* set/get IP multicast TTL */
#define IP_MULTICAST_LOOP 11  /* set/get IP multicast loopback */
#define IP_ADD_MEMBERSHIP 12  /* add an IP group membership */
#define IP_DROP_MEMBERSHIP 13 /* drop an IP group membership */
#define IP_DONTFRAGMENT 14    /* don't fragment IP datagrams */

/* Argument structure for IP_ADD_MEMBERSHIP and IP_DROP_MEMBERSHIP */
struct ip_mreq {
  struct in_addr imr_multiaddr; /* IP multicast address of group */
  struct in_addr imr_interface; /* local IP address of interface */
};

/* ---- IPPROTO_IPV6 level options ---- */
#define IPV6_HOPOPTS 1
#define IPV6_HDRINCL 2
#define IPV6_UNICAST_HOPS 4
#define IPV6_MULTICAST_IF 9
#define IPV6_MULTICAST_HOPS 10
#define IPV6_MULTICAST_LOOP 11
#define IPV6_ADD_MEMBERSHIP 12
#define IPV6_JOIN_GROUP IPV6_ADD_MEMBERSHIP
#define IPV6_DROP_MEMBERSHIP 13
#define IPV6_LEAVE_GROUP IPV6_DROP_MEMBERSHIP
#define IPV6_V6ONLY 27 /* treat wildcard bind as AF_INET6-only */

/* Argument structure for IPV6_JOIN_GROUP and IPV6_LEAVE_GROUP */
struct ipv6_mreq {
  struct in6_addr ipv6mr_multiaddr; /* IPv6 multicast address */
  u_long ipv6mr_interface;          /* interface index */
};

/* ---- Address strings and well-known IPv6 addresses ---- */
#define INET_ADDRSTRLEN 22
#define INET6_ADDRSTRLEN 65

#define IN6ADDR_ANY_INIT { { { 0 } } }
#define IN6ADDR_LOOPBACK_INIT { { { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } } }

/* ---- Name resolution (answered by ws2sim's namespace providers) ---- */
typedef struct addrinfo {
  int ai_flags;              /* AI_PASSIVE, AI_CANONNAME, AI_NUMERICHOST */
  int ai_family;             /* PF_xxx */
  int ai_socktype;           /* SOCK_xxx */
  int ai_protocol;           /* 0 or IPPROTO_xxx for IPv4 and IPv6 */
  size_t ai_addrlen;         /* length of ai_addr */
  char *ai_canonname;        /* canonical name for nodename (Windows order: before ai_addr) */
  struct sockaddr *ai_addr;  /* binary address */
  struct addrinfo *ai_next;  /* next structure in linked list */
} ADDRINFOA, *PADDRINFOA, ADDRINFO, FAR *LPADDRINFO; /* 48 bytes */

/* Flags used in "hints" argument to getaddrinfo() */
#define AI_PASSIVE 0x00000001     /* socket address will be used in bind() call */
#define AI_CANONNAME 0x00000002   /* return canonical name in first ai_canonname */
#define AI_NUMERICHOST 0x00000004 /* nodename must be a numeric address string */
#define AI_NUMERICSERV 0x00000008 /* servicename must be a numeric port number */
#define AI_ALL 0x00000100         /* query both IP6 and IP4 with AI_V4MAPPED */
#define AI_ADDRCONFIG 0x00000400  /* resolution only if global address configured */
#define AI_V4MAPPED 0x00000800    /* on v6 failure, query v4 and convert to V4MAPPED format */

/* Flags for getnameinfo() */
#define NI_NOFQDN 0x01      /* only return nodename portion for local hosts */
#define NI_NUMERICHOST 0x02 /* return numeric form of the host's address */
#define NI_NAMEREQD 0x04    /* error if the host's name not in DNS */
#define NI_NUMERICSERV 0x08 /* return numeric form of the service (port #) */
#define NI_DGRAM 0x10       /* service is a datagram service */

#define NI_MAXHOST 1025 /* max size of a fully-qualified domain name */
#define NI_MAXSERV 32   /* max size of a service name */

/* Error codes from getaddrinfo() and getnameinfo(): the Winsock codes themselves. */
#define EAI_AGAIN WSATRY_AGAIN
#define EAI_BADFLAGS WSAEINVAL
#define EAI_FAIL WSANO_RECOVERY
#define EAI_FAMILY WSAEAFNOSUPPORT
#define EAI_MEMORY WSA_NOT_ENOUGH_MEMORY
#define EAI_NONAME WSAHOST_NOT_FOUND
#define EAI_SERVICE WSATYPE_NOT_FOUND
#define EAI_SOCKTYPE WSAESOCKTNOSUPPORT
#define EAI_NODATA EAI_NONAME

#ifdef __cplusplus
extern "C" {
#endif

extern const struct in6_addr in6addr_any;
extern const struct in6_addr in6addr_loopback;

INT WSAAPI getaddrinfo(PCSTR pNodeName, PCSTR pServiceName, const ADDRINFOA *pHints,
                       PADDRINFOA *ppResult);
VOID WSAAPI freeaddrinfo(PADDRINFOA pAddrInfo);
INT WSAAPI getnameinfo(const SOCKADDR *pSockaddr, socklen_t SockaddrLength, PCHAR pNodeBuffer,
                       DWORD NodeBufferSize, PCHAR pServiceBuffer, DWORD ServiceBufferSize,
                       INT Flags);
char *WSAAPI gai_strerror(int ecode);

INT WSAAPI inet_pton(INT Family, PCSTR pszAddrString, PVOID pAddrBuf);
PCSTR WSAAPI inet_ntop(INT Family, const VOID *pAddr, PSTR pStringBuf, size_t StringBufSize);

#ifdef __cplusplus
}
#endif

#endif /* _WS2TCPIP_H_ */
