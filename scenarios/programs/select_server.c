/* select_server: a select()-based non-blocking TCP echo server in the style of the classic
 * Winsock "select model" samples. Usage: select_server [port] [clients]
 *   port     TCP port to listen on (default 27015)
 *   clients  how many connections to serve to the end before exiting (default 1; 0 = forever)
 * One thread serves every connection: the listener and all client sockets are non-blocking
 * (FIONBIO); each round builds a read set (the listener, and every client with buffer room that
 * has not finished sending) and a write set (every client with echo data pending), calls select()
 * and handles what FD_ISSET reports. A client that shut down its sending side gets the rest of
 * its echo, then SD_SEND and closesocket. */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <winsock2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DATA_BUFSIZE 4096
#define DEFAULT_PORT 27015

typedef struct _SOCKET_INFORMATION {
  SOCKET Socket;
  CHAR Buffer[DATA_BUFSIZE];
  DWORD BytesPending; /* received, not yet echoed */
  BOOL PeerDone;      /* the client shut down its sending side */
  DWORD Total;
} SOCKET_INFORMATION, *LPSOCKET_INFORMATION;

static LPSOCKET_INFORMATION SocketArray[FD_SETSIZE];
static DWORD TotalSockets = 0;

static BOOL CreateSocketInformation(SOCKET s) {
  LPSOCKET_INFORMATION si;
  if (TotalSockets >= FD_SETSIZE - 1) return FALSE; /* the listener needs a slot too */
  si = (LPSOCKET_INFORMATION)malloc(sizeof(SOCKET_INFORMATION));
  if (si == NULL) return FALSE;
  si->Socket = s;
  si->BytesPending = 0;
  si->PeerDone = FALSE;
  si->Total = 0;
  SocketArray[TotalSockets++] = si;
  return TRUE;
}

static void FreeSocketInformation(DWORD index) {
  LPSOCKET_INFORMATION si = SocketArray[index];
  DWORD i;
  closesocket(si->Socket);
  free(si);
  for (i = index; i < TotalSockets - 1; i++) SocketArray[i] = SocketArray[i + 1];
  TotalSockets--;
}

int main(int argc, char** argv) {
  int port = argc > 1 ? atoi(argv[1]) : DEFAULT_PORT;
  int clients = argc > 2 ? atoi(argv[2]) : 1;
  int served = 0;
  WSADATA wsaData;
  SOCKET ListenSocket, AcceptSocket;
  SOCKADDR_IN InternetAddr;
  FD_SET ReadSet, WriteSet;
  DWORD i;
  int Total;
  u_long NonBlock = 1;

  if (WSAStartup(MAKEWORD(2, 2), &wsaData) != 0) {
    printf("WSAStartup failed\n");
    return 1;
  }
  ListenSocket = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (ListenSocket == INVALID_SOCKET) {
    printf("socket failed with error %d\n", WSAGetLastError());
    return 1;
  }
  memset(&InternetAddr, 0, sizeof(InternetAddr));
  InternetAddr.sin_family = AF_INET;
  InternetAddr.sin_addr.s_addr = htonl(INADDR_ANY);
  InternetAddr.sin_port = htons((u_short)port);
  if (bind(ListenSocket, (PSOCKADDR)&InternetAddr, sizeof(InternetAddr)) == SOCKET_ERROR) {
    printf("bind failed with error %d\n", WSAGetLastError());
    return 1;
  }
  if (listen(ListenSocket, 5) == SOCKET_ERROR) {
    printf("listen failed with error %d\n", WSAGetLastError());
    return 1;
  }
  if (ioctlsocket(ListenSocket, FIONBIO, &NonBlock) == SOCKET_ERROR) {
    printf("ioctlsocket failed with error %d\n", WSAGetLastError());
    return 1;
  }
  printf("listening on port %d\n", port);

  while (clients == 0 || served < clients) {
    FD_ZERO(&ReadSet);
    FD_ZERO(&WriteSet);
    FD_SET(ListenSocket, &ReadSet);
    for (i = 0; i < TotalSockets; i++) {
      LPSOCKET_INFORMATION si = SocketArray[i];
      if (!si->PeerDone && si->BytesPending < DATA_BUFSIZE) FD_SET(si->Socket, &ReadSet);
      if (si->BytesPending > 0) FD_SET(si->Socket, &WriteSet);
    }
    if ((Total = select(0, &ReadSet, &WriteSet, NULL, NULL)) == SOCKET_ERROR) {
      printf("select returned with error %d\n", WSAGetLastError());
      return 1;
    }

    if (FD_ISSET(ListenSocket, &ReadSet)) {
      Total--;
      if ((AcceptSocket = accept(ListenSocket, NULL, NULL)) != INVALID_SOCKET) {
        NonBlock = 1;
        if (ioctlsocket(AcceptSocket, FIONBIO, &NonBlock) == SOCKET_ERROR) {
          printf("ioctlsocket(FIONBIO) failed with error %d\n", WSAGetLastError());
          return 1;
        }
        if (!CreateSocketInformation(AcceptSocket)) {
          printf("too many connections\n");
          closesocket(AcceptSocket);
        }
      } else if (WSAGetLastError() != WSAEWOULDBLOCK) {
        printf("accept failed with error %d\n", WSAGetLastError());
        return 1;
      }
    }

    for (i = 0; Total > 0 && i < TotalSockets; i++) {
      LPSOCKET_INFORMATION si = SocketArray[i];
      BOOL failed = FALSE;
      if (FD_ISSET(si->Socket, &ReadSet)) {
        int n;
        Total--;
        n = recv(si->Socket, si->Buffer + si->BytesPending, DATA_BUFSIZE - si->BytesPending, 0);
        if (n > 0) {
          si->BytesPending += n;
          si->Total += n;
        } else if (n == 0) {
          si->PeerDone = TRUE;
        } else if (WSAGetLastError() != WSAEWOULDBLOCK) {
          printf("recv failed with error %d\n", WSAGetLastError());
          failed = TRUE;
        }
      }
      if (!failed && FD_ISSET(si->Socket, &WriteSet)) {
        int n;
        Total--;
        n = send(si->Socket, si->Buffer, si->BytesPending, 0);
        if (n > 0) {
          memmove(si->Buffer, si->Buffer + n, si->BytesPending - n);
          si->BytesPending -= n;
        } else if (n == SOCKET_ERROR && WSAGetLastError() != WSAEWOULDBLOCK) {
          printf("send failed with error %d\n", WSAGetLastError());
          failed = TRUE;
        }
      }
      if (failed || (si->PeerDone && si->BytesPending == 0)) {
        if (!failed) {
          printf("echoed %lu bytes\n", (unsigned long)si->Total);
          shutdown(si->Socket, SD_SEND);
        }
        FreeSocketInformation(i);
        i--;
        served++;
      }
    }
  }
  closesocket(ListenSocket);
  printf("served %d clients\n", served);
  WSACleanup();
  return 0;
}
