/* ws2spi.h -- the Winsock 2 service provider interface (SPI) of ws2sim.
 *
 * Used by ws2sim's DLL model (the caller) and its service providers (the callees). Source: the seed
 * header "A.2 Winsock SPI Header File - ws2spi.h" (S1 App. A.2) for the callback types, and S4 for
 * WSPPROC_TABLE, whose 30 slots and their order (SPEC 6.1) are an ABI. The seed's own prototypes
 * are a draft; where it and the later Winsock SPI (S0, S2, S4) differ, SPEC's decisions (section 7)
 * choose, and each typedef below says which form it follows:
 *   S1      the seed's parameter list (names normalized, D-01; Windows long as LONG);
 *   later   later Winsock's ws2spi.h (not in seeds), for slots S1 does not describe;
 *   D-nn    a SPEC decision that merges or picks between them.
 * Callback data (dwCallbackData, dwContext) is DWORD_PTR: the seed's DWORD was as wide as a far
 * pointer on Win16/Win32, and this is a 64-bit process (pointers and HANDLEs are 64-bit).
 *
 * The application-visible half of the seed header (everything under its `#ifndef _WS2API_`) is
 * winsock2.h, included here.
 *
 * Providers: the seed exports every WSP function by name; later Winsock (and D-09) reaches them
 * only through the WSPPROC_TABLE that WSPStartup fills, which is what lets ws2sim link several
 * providers into one binary. So only WSPStartup has a prototype; a provider whose entry point must
 * have another name declares it with the WSPSTARTUP function type.
 */
#ifndef _WS2SPI_
#define _WS2SPI_

#include "winsock2.h"

/* SPI function linkage. The seed's "#define WSPAPI WSPAPI" is a self-reference (D-74). */
#define WSPAPI WSAAPI

#ifdef __cplusplus
extern "C" {
#endif

/* ==== 1. Callback types (S1 App. A.2) ========================================================= */

/* Win32 blocking hook (WSPSetBlockingHook32). */
typedef BOOL(WSACALLBACK *LPBLOCKINGPROC)(VOID);

/* S1's WSPCleanup completion callback; the table's WSPCleanup is the later synchronous form (D-13),
 * so this is only the type of the callback the DLL's "draft" mode runs as an APC. */
typedef VOID(WSACALLBACK *LPCLEANUPPROC)(int ErrorCode, DWORD_PTR dwCallbackData);

/* Win16 notification callback (WSPCallbackSelect16). The seed omits the `*` (D-74). */
typedef VOID(WSACALLBACK *LPSELECTPROC)(SOCKET s, LONG lEvent, int ErrorCode,
                                        DWORD_PTR dwCallbackData);

/* User-mode APC, queued by WPUQueueApc. */
typedef VOID(CALLBACK FAR *LPWSAUSERAPC)(DWORD_PTR dwContext);

/* (later) The callback a provider calls periodically while it services a blocking call; obtained
 * with WPUQueryBlockingCallback, successor of the blocking-hook SPI. FALSE = cancel the call. */
typedef BOOL(CALLBACK FAR *LPBLOCKINGCALLBACK)(DWORD_PTR dwContext);

/* (later) WSAOVERLAPPED.Internal of an overlapped operation still in progress: what a provider's
 * WSPGetOverlappedResult tests before the operation completes (then Internal holds its status). */
#define WSS_OPERATION_IN_PROGRESS 0x00000103L

/* (later) A thread, as WPUOpenCurrentThread returns it and WPUQueueApc takes it. */
typedef struct _WSATHREADID {
  HANDLE ThreadHandle;
  DWORD_PTR Reserved;
} WSATHREADID, FAR *LPWSATHREADID;

/* (later) The provider's description record of later Winsock. D-11 keeps WSADATA as WSPStartup's
 * output (iMaxUdpDg and szSystemStatus are checked, SPI-START-16), so WSPDATA is for providers
 * ported from later Winsock only. */
#define WSPDESCRIPTION_LEN 255

typedef struct WSPData {
  WORD wVersion;
  WORD wHighVersion;
  WCHAR szDescription[WSPDESCRIPTION_LEN + 1];
} WSPDATA, FAR *LPWSPDATA;

/* ==== 2. The WSPPROC_TABLE slot types, in slot order (SPEC Table A, 6.1) ====================== */

/* 1 (S1 §3.1.11) */
typedef SOCKET(WSPAPI *LPWSPACCEPT)(SOCKET s, struct sockaddr FAR *addr, LPINT addrlen,
                                    LPCONDITIONPROC lpfnCondition, DWORD_PTR dwCallbackData,
                                    LPINT lpErrno);

/* 2 (later) */
typedef INT(WSPAPI *LPWSPADDRESSTOSTRING)(LPSOCKADDR lpsaAddress, DWORD dwAddressLength,
                                          LPWSAPROTOCOL_INFOW lpProtocolInfo,
                                          LPWSTR lpszAddressString,
                                          LPDWORD lpdwAddressStringLength, LPINT lpErrno);

/* 3 (S1 §3.1.12 WSPAsyncSelect32; Win32 profile) */
typedef int(WSPAPI *LPWSPASYNCSELECT)(SOCKET s, HWND hWnd, unsigned int wMsg, LONG lEvent,
                                      LPINT lpErrno);

/* 4 (S1 §3.1.1) */
typedef int(WSPAPI *LPWSPBIND)(SOCKET s, const struct sockaddr FAR *name, int namelen,
                               LPINT lpErrno);

/* 5 (S1 §3.1.14 WSPCancelBlockingCall32) */
typedef int(WSPAPI *LPWSPCANCELBLOCKINGCALL)(LPINT lpErrno);

/* 6 (D-13: the later synchronous form; S1 adds a completion callback) */
typedef int(WSPAPI *LPWSPCLEANUP)(LPINT lpErrno);

/* 7 (S1 §3.1.2) */
typedef int(WSPAPI *LPWSPCLOSESOCKET)(SOCKET s, LPINT lpErrno);

/* 8 (S1 §3.1.16 with its GROUP argument: groups form at connect time, D-33; later Winsock
 *    dropped g) */
typedef int(WSPAPI *LPWSPCONNECT)(SOCKET s, const struct sockaddr FAR *name, int namelen,
                                  LPWSABUF lpCallerData, LPWSABUF lpCalleeData, GROUP g,
                                  LPQOS lpSFlowspec, LPQOS lpGFlowspec, LPINT lpErrno);

/* 9 (D-69: the later form) */
typedef int(WSPAPI *LPWSPDUPLICATESOCKET)(SOCKET s, DWORD dwProcessId,
                                          LPWSAPROTOCOL_INFOW lpProtocolInfo, LPINT lpErrno);

/* 10 (S1 §3.1.17 and D-45: an array of WSANETWORKEVENT, element i = FD bit i, with its count;
 *     later Winsock passes one WSANETWORKEVENTS instead) */
typedef int(WSPAPI *LPWSPENUMNETWORKEVENTS)(SOCKET s, WSAEVENT hEventObject,
                                            LPWSANETWORKEVENT lpNetworkEvents, LPINT lpiCount,
                                            LPINT lpErrno);

/* 11 (S1 §3.1.18) */
typedef int(WSPAPI *LPWSPEVENTSELECT)(SOCKET s, WSAEVENT hEventObject, LONG lNetworkEvents,
                                      LPINT lpErrno);

/* 12 (later) */
typedef BOOL(WSPAPI *LPWSPGETOVERLAPPEDRESULT)(SOCKET s, LPWSAOVERLAPPED lpOverlapped,
                                               LPDWORD lpcbTransfer, BOOL fWait,
                                               LPDWORD lpdwFlags, LPINT lpErrno);

/* 13 (S1 §3.1.3) */
typedef int(WSPAPI *LPWSPGETPEERNAME)(SOCKET s, struct sockaddr FAR *name, LPINT namelen,
                                      LPINT lpErrno);

/* 14 (S1 §3.1.4) */
typedef int(WSPAPI *LPWSPGETSOCKNAME)(SOCKET s, struct sockaddr FAR *name, LPINT namelen,
                                      LPINT lpErrno);

/* 15 (S1 §3.1.5) */
typedef int(WSPAPI *LPWSPGETSOCKOPT)(SOCKET s, int level, int optname, char FAR *optval,
                                     LPINT optlen, LPINT lpErrno);

/* 16 (later; S3: a SAN provider without QoS fails it with WSAEOPNOTSUPP) */
typedef BOOL(WSPAPI *LPWSPGETQOSBYNAME)(SOCKET s, LPWSABUF lpQOSName, LPQOS lpQOS,
                                        LPINT lpErrno);

/* 17 (S1 §3.1.6 WSPIoctlSocket: FIONBIO, FIONREAD, SIOCATMARK, D-60; the later 11-parameter
 *     WSPIoctl is not modelled, SPEC Table A) */
typedef int(WSPAPI *LPWSPIOCTL)(SOCKET s, LONG cmd, u_long FAR *argp, LPINT lpErrno);

/* 18 (later) */
typedef SOCKET(WSPAPI *LPWSPJOINLEAF)(SOCKET s, const struct sockaddr FAR *name, int namelen,
                                      LPWSABUF lpCallerData, LPWSABUF lpCalleeData, LPQOS lpSQOS,
                                      LPQOS lpGQOS, DWORD dwFlags, LPINT lpErrno);

/* 19 (S1 §3.1.7) */
typedef int(WSPAPI *LPWSPLISTEN)(SOCKET s, int backlog, LPINT lpErrno);

/* 20 (S1 §3.1.20 with D-53's buffer array in place of one buffer; S1's form is a count of 1) */
typedef int(WSPAPI *LPWSPRECV)(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                               LPDWORD lpNumberOfBytesRecvd, LPINT lpFlags,
                               LPWSAOVERLAPPED lpOverlapped,
                               LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine,
                               LPINT lpErrno);

/* 21 (later) */
typedef int(WSPAPI *LPWSPRECVDISCONNECT)(SOCKET s, LPWSABUF lpInboundDisconnectData,
                                         LPINT lpErrno);

/* 22 (S1 §3.1.21 with D-53; lpFrom typed as in later Winsock, the seed has LPVOID) */
typedef int(WSPAPI *LPWSPRECVFROM)(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                                   LPDWORD lpNumberOfBytesRecvd, LPINT lpFlags,
                                   struct sockaddr FAR *lpFrom, LPINT lpFromlen,
                                   LPWSAOVERLAPPED lpOverlapped,
                                   LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine,
                                   LPINT lpErrno);

/* 23 (S1 §3.1.8) */
typedef int(WSPAPI *LPWSPSELECT)(int nfds, fd_set FAR *readfds, fd_set FAR *writefds,
                                 fd_set FAR *exceptfds, const struct timeval FAR *timeout,
                                 LPINT lpErrno);

/* 24 (S1 §3.1.22 with D-53) */
typedef int(WSPAPI *LPWSPSEND)(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                               LPDWORD lpNumberOfBytesSent, int nFlags,
                               LPWSAOVERLAPPED lpOverlapped,
                               LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine,
                               LPINT lpErrno);

/* 25 (later) */
typedef int(WSPAPI *LPWSPSENDDISCONNECT)(SOCKET s, LPWSABUF lpOutboundDisconnectData,
                                         LPINT lpErrno);

/* 26 (S1 §3.1.23 with D-53; lpTo typed const as in later Winsock, the seed has LPVOID) */
typedef int(WSPAPI *LPWSPSENDTO)(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                                 LPDWORD lpNumberOfBytesSent, int nFlags,
                                 const struct sockaddr FAR *lpTo, int nTolen,
                                 LPWSAOVERLAPPED lpOverlapped,
                                 LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine,
                                 LPINT lpErrno);

/* 27 (S1 §3.1.9) */
typedef int(WSPAPI *LPWSPSETSOCKOPT)(SOCKET s, int level, int optname, const char FAR *optval,
                                     int optlen, LPINT lpErrno);

/* 28 (S1 §3.1.10) */
typedef int(WSPAPI *LPWSPSHUTDOWN)(SOCKET s, int how, LPINT lpErrno);

/* 29 (D-70: S1's (af, type, protocol, ..., nFlags) with the catalog entry in place of
 *     dwProviderId; no GROUP argument, D-33) */
typedef SOCKET(WSPAPI *LPWSPSOCKET)(int af, int type, int protocol,
                                    LPWSAPROTOCOL_INFOW lpProtocolInfo, int nFlags,
                                    LPINT lpErrno);

/* 30 (later) */
typedef INT(WSPAPI *LPWSPSTRINGTOADDRESS)(LPWSTR AddressString, INT AddressFamily,
                                          LPWSAPROTOCOL_INFOW lpProtocolInfo,
                                          LPSOCKADDR lpAddress, LPINT lpAddressLength,
                                          LPINT lpErrno);

/* The table WSPStartup fills (S4): exactly these 30 pointers, in this order. */
typedef struct _WSPPROC_TABLE {
  LPWSPACCEPT lpWSPAccept;                           /*  1 */
  LPWSPADDRESSTOSTRING lpWSPAddressToString;         /*  2 */
  LPWSPASYNCSELECT lpWSPAsyncSelect;                 /*  3 */
  LPWSPBIND lpWSPBind;                               /*  4 */
  LPWSPCANCELBLOCKINGCALL lpWSPCancelBlockingCall;   /*  5 */
  LPWSPCLEANUP lpWSPCleanup;                         /*  6 */
  LPWSPCLOSESOCKET lpWSPCloseSocket;                 /*  7 */
  LPWSPCONNECT lpWSPConnect;                         /*  8 */
  LPWSPDUPLICATESOCKET lpWSPDuplicateSocket;         /*  9 */
  LPWSPENUMNETWORKEVENTS lpWSPEnumNetworkEvents;     /* 10 */
  LPWSPEVENTSELECT lpWSPEventSelect;                 /* 11 */
  LPWSPGETOVERLAPPEDRESULT lpWSPGetOverlappedResult; /* 12 */
  LPWSPGETPEERNAME lpWSPGetPeerName;                 /* 13 */
  LPWSPGETSOCKNAME lpWSPGetSockName;                 /* 14 */
  LPWSPGETSOCKOPT lpWSPGetSockOpt;                   /* 15 */
  LPWSPGETQOSBYNAME lpWSPGetQOSByName;               /* 16 (after GetSockName/GetSockOpt) */
  LPWSPIOCTL lpWSPIoctl;                             /* 17 */
  LPWSPJOINLEAF lpWSPJoinLeaf;                       /* 18 */
  LPWSPLISTEN lpWSPListen;                           /* 19 */
  LPWSPRECV lpWSPRecv;                               /* 20 */
  LPWSPRECVDISCONNECT lpWSPRecvDisconnect;           /* 21 */
  LPWSPRECVFROM lpWSPRecvFrom;                       /* 22 */
  LPWSPSELECT lpWSPSelect;                           /* 23 */
  LPWSPSEND lpWSPSend;                               /* 24 */
  LPWSPSENDDISCONNECT lpWSPSendDisconnect;           /* 25 */
  LPWSPSENDTO lpWSPSendTo;                           /* 26 */
  LPWSPSETSOCKOPT lpWSPSetSockOpt;                   /* 27 */
  LPWSPSHUTDOWN lpWSPShutdown;                       /* 28 */
  LPWSPSOCKET lpWSPSocket;                           /* 29 */
  LPWSPSTRINGTOADDRESS lpWSPStringToAddress;         /* 30 */
} WSPPROC_TABLE, FAR *LPWSPPROC_TABLE;

/* ==== 3. Profile-specific SPI functions without a slot (S1; D-95: an extension table) ========= */

/* Win16 (S1 §3.1.13) */
typedef int(WSPAPI *LPWSPCALLBACKSELECT16)(SOCKET s, LPSELECTPROC lpfnCallback,
                                           DWORD_PTR dwCallbackData, LONG lEvent, LPINT lpErrno);
/* Win32 (S1 §3.1.19, §3.1.24, §3.1.27) */
typedef BOOL(WSPAPI *LPWSPISBLOCKING32)(VOID);
typedef LPBLOCKINGPROC(WSPAPI *LPWSPSETBLOCKINGHOOK32)(LPBLOCKINGPROC lpBlockFunc, LPINT lpErrno);
typedef int(WSPAPI *LPWSPUNHOOKBLOCKINGHOOK32)(LPINT lpErrno);

/* ==== 4. Upcalls: provider -> DLL (SPEC Table B, Win32 profile) =================================
 * S0's names and later signatures (D-65); S1's placeholders WPUXxx... map onto them. Where S1
 * describes the upcall (socket handles and their context, S1 §4.1-4.4), S1's parameter types are
 * kept: the context is an LPVOID, and the provider id is the catalog entry id the DLL passed in
 * WSPStartup's protocol info (D-65). */

typedef BOOL(WSPAPI *LPWPUCLOSEEVENT)(WSAEVENT hEvent, LPINT lpErrno);
typedef int(WSPAPI *LPWPUCLOSESOCKETHANDLE)(SOCKET s, LPINT lpErrno);         /* S1 §4.2 */
typedef WSAEVENT(WSPAPI *LPWPUCREATEEVENT)(LPINT lpErrno);
typedef SOCKET(WSPAPI *LPWPUCREATESOCKETHANDLE)(DWORD dwCatalogEntryId, LPVOID lpContext,
                                                LPINT lpErrno);              /* S1 §4.1 */
typedef int(WSPAPI *LPWPUFDISSET)(SOCKET s, fd_set FAR *fdset);  /* == __WSAFDIsSet (S1 A.2) */
typedef int(WSPAPI *LPWPUGETPROVIDERPATH)(LPGUID lpProviderId, WCHAR FAR *lpszProviderDllPath,
                                          LPINT lpProviderDllPathLen, LPINT lpErrno);
typedef SOCKET(WSPAPI *LPWPUMODIFYIFSHANDLE)(DWORD dwCatalogEntryId, SOCKET ProposedHandle,
                                             LPINT lpErrno);
typedef BOOL(WSPAPI *LPWPUPOSTMESSAGE)(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam);
typedef int(WSPAPI *LPWPUQUERYBLOCKINGCALLBACK)(DWORD dwCatalogEntryId,
                                                LPBLOCKINGCALLBACK FAR *lplpfnCallback,
                                                PDWORD_PTR lpdwContext, LPINT lpErrno);
typedef int(WSPAPI *LPWPUQUERYSOCKETHANDLECONTEXT)(SOCKET s, LPVOID FAR *lpContext,
                                                   LPINT lpErrno);           /* S1 §4.3 */
typedef int(WSPAPI *LPWPUQUEUEAPC)(LPWSATHREADID lpThreadId, LPWSAUSERAPC lpfnUserApc,
                                   DWORD_PTR dwContext, LPINT lpErrno);      /* S1 §4.5 */
typedef BOOL(WSPAPI *LPWPURESETEVENT)(WSAEVENT hEvent, LPINT lpErrno);
typedef BOOL(WSPAPI *LPWPUSETEVENT)(WSAEVENT hEvent, LPINT lpErrno);
typedef int(WSPAPI *LPWPUOPENCURRENTTHREAD)(LPWSATHREADID lpThreadId, LPINT lpErrno); /* §4.6 */
typedef int(WSPAPI *LPWPUCLOSETHREAD)(LPWSATHREADID lpThreadId, LPINT lpErrno);
/* S1 §4.4; no later successor, kept as a simulator upcall that providers may ignore (D-65). */
typedef int(WSPAPI *LPWPUSETSOCKETHANDLECONTEXT)(SOCKET s, LPVOID lpContext, LPINT lpErrno);

/* The table the DLL passes to WSPStartup: later Winsock's 15 members in their order, then the
 * simulator's set-context upcall. */
typedef struct _WSPUPCALLTABLE {
  LPWPUCLOSEEVENT lpWPUCloseEvent;
  LPWPUCLOSESOCKETHANDLE lpWPUCloseSocketHandle;
  LPWPUCREATEEVENT lpWPUCreateEvent;
  LPWPUCREATESOCKETHANDLE lpWPUCreateSocketHandle;
  LPWPUFDISSET lpWPUFDIsSet;
  LPWPUGETPROVIDERPATH lpWPUGetProviderPath;
  LPWPUMODIFYIFSHANDLE lpWPUModifyIFSHandle;
  LPWPUPOSTMESSAGE lpWPUPostMessage;
  LPWPUQUERYBLOCKINGCALLBACK lpWPUQueryBlockingCallback;
  LPWPUQUERYSOCKETHANDLECONTEXT lpWPUQuerySocketHandleContext;
  LPWPUQUEUEAPC lpWPUQueueApc;
  LPWPURESETEVENT lpWPUResetEvent;
  LPWPUSETEVENT lpWPUSetEvent;
  LPWPUOPENCURRENTTHREAD lpWPUOpenCurrentThread;
  LPWPUCLOSETHREAD lpWPUCloseThread;
  LPWPUSETSOCKETHANDLECONTEXT lpWPUSetSocketHandleContext; /* simulator extension (D-65) */
} WSPUPCALLTABLE, FAR *LPWSPUPCALLTABLE;

/* Exported directly by the DLL rather than passed in the table (SPEC 1.5, later Winsock). */
typedef int(WSPAPI *LPWPUCOMPLETEOVERLAPPEDREQUEST)(SOCKET s, LPWSAOVERLAPPED lpOverlapped,
                                                    DWORD dwError, DWORD cbTransferred,
                                                    LPINT lpErrno);
int WSPAPI WPUCompleteOverlappedRequest(SOCKET s, LPWSAOVERLAPPED lpOverlapped, DWORD dwError,
                                        DWORD cbTransferred, LPINT lpErrno);

/* ==== 5. The provider entry point (S1 §3.1.26, SPEC 2.1; D-11) ===================================
 * D-11: S1's (wVersionRequested, lpWSAData) plus, as in later Winsock, the catalog entry the DLL
 * is starting the provider for, the upcall table, and the procedure table to fill. It returns the
 * error code itself (0, WSASYSNOTREADY, WSAVERNOTSUPPORTED, WSAEFAULT ...), not SOCKET_ERROR. */
typedef int WSPAPI WSPSTARTUP(WORD wVersionRequested, LPWSADATA lpWSAData,
                              LPWSAPROTOCOL_INFOW lpProtocolInfo, WSPUPCALLTABLE UpcallTable,
                              LPWSPPROC_TABLE lpProcTable);
typedef WSPSTARTUP FAR *LPWSPSTARTUP;

int WSPAPI WSPStartup(WORD wVersionRequested, LPWSADATA lpWSAData,
                      LPWSAPROTOCOL_INFOW lpProtocolInfo, WSPUPCALLTABLE UpcallTable,
                      LPWSPPROC_TABLE lpProcTable);

#ifdef __cplusplus
}
#endif

#endif /* _WS2SPI_ */
