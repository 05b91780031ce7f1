/* event_select_server: a WSAEventSelect echo server in the style of the classic Winsock samples.
 * Usage: event_select_server port [clients] [sndbuf]
 *   port     TCP port to listen on
 *   clients  how many connections to serve before exiting (default 1)
 *   sndbuf   SO_SNDBUF for accepted connections in bytes (default: the provider's)
 * One thread, one event object per socket, WSAWaitForMultipleEvents over all of them and
 * WSAEnumNetworkEvents to learn what happened: FD_ACCEPT on the listener; FD_READ, FD_WRITE and
 * FD_CLOSE on each connection. Echoed bytes that do not fit the send buffer wait for FD_WRITE;
 * a connection is closed once its peer has closed and everything was echoed. */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <winsock2.h>
#include <stdio.h>
#include <stdlib.h>

#define BUFFER_BYTES 8192

typedef struct {
  SOCKET socket;
  char buffer[BUFFER_BYTES];
  int pending; /* bytes received and not yet echoed, from buffer[sent] */
  int sent;
  int peer_closed;
} Connection;

static SOCKET g_sockets[WSA_MAXIMUM_WAIT_EVENTS];
static WSAEVENT g_events[WSA_MAXIMUM_WAIT_EVENTS];
static Connection* g_connections[WSA_MAXIMUM_WAIT_EVENTS];
static DWORD g_count = 0;

static void Remove(DWORD i) {
  closesocket(g_sockets[i]);
  WSACloseEvent(g_events[i]);
  free(g_connections[i]);
  --g_count;
  g_sockets[i] = g_sockets[g_count];
  g_events[i] = g_events[g_count];
  g_connections[i] = g_connections[g_count];
}

/* Echoes what it can: sends pending bytes, then receives more, until a call would block.
 * Returns 1 when the connection is finished (peer closed and all echoed, or an error). */
static int Pump(Connection* c) {
  for (;;) {
    if (c->pending > 0) {
      int n = send(c->socket, c->buffer + c->sent, c->pending, 0);
      if (n == SOCKET_ERROR) {
        if (WSAGetLastError() == WSAEWOULDBLOCK) return 0; /* FD_WRITE will come */
        printf("send failed with error: %d\n", WSAGetLastError());
        return 1;
      }
      c->sent += n;
      c->pending -= n;
      continue;
    }
    if (c->peer_closed) return 1;
    {
      int n = recv(c->socket, c->buffer, BUFFER_BYTES, 0);
      if (n > 0) {
        c->pending = n;
        c->sent = 0;
      } else if (n == 0) {
        c->peer_closed = 1;
      } else if (WSAGetLastError() == WSAEWOULDBLOCK) {
        return 0; /* FD_READ will come */
      } else {
        printf("recv failed with error: %d\n", WSAGetLastError());
        return 1;
      }
    }
  }
}

int main(int argc, char** argv) {
  WSADATA wsaData;
  struct sockaddr_in address;
  int clients = argc > 2 ? atoi(argv[2]) : 1;
  int sndbuf = argc > 3 ? atoi(argv[3]) : 0;
  int served = 0;
  SOCKET listener;

  if (argc < 2) {
    printf("usage: %s port [clients]\n", argv[0]);
    return 2;
  }
  if (WSAStartup(MAKEWORD(2, 2), &wsaData) != 0) {
    printf("WSAStartup failed\n");
    return 1;
  }
  listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  ZeroMemory(&address, sizeof(address));
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_ANY);
  address.sin_port = htons((u_short)atoi(argv[1]));
  if (listener == INVALID_SOCKET || bind(listener, (struct sockaddr*)&address, sizeof(address)) ||
      listen(listener, SOMAXCONN)) {
    printf("listen failed with error: %d\n", WSAGetLastError());
    WSACleanup();
    return 1;
  }
  g_sockets[0] = listener;
  g_events[0] = WSACreateEvent();
  g_connections[0] = NULL;
  g_count = 1;
  WSAEventSelect(listener, g_events[0], FD_ACCEPT | FD_CLOSE);
  printf("listening on port %s\n", argv[1]);

  while (served < clients) {
    WSANETWORKEVENTS events;
    DWORD i = WSAWaitForMultipleEvents(g_count, g_events, FALSE, WSA_INFINITE, FALSE);
    if (i == WSA_WAIT_FAILED) {
      printf("WSAWaitForMultipleEvents failed with error: %d\n", WSAGetLastError());
      break;
    }
    i -= WSA_WAIT_EVENT_0;
    if (WSAEnumNetworkEvents(g_sockets[i], g_events[i], &events) == SOCKET_ERROR) {
      printf("WSAEnumNetworkEvents failed with error: %d\n", WSAGetLastError());
      break;
    }
    if (events.lNetworkEvents & FD_ACCEPT) {
      SOCKET s = accept(listener, NULL, NULL);
      if (s == INVALID_SOCKET) continue; /* the request went away (WSAEWOULDBLOCK) */
      if (g_count == WSA_MAXIMUM_WAIT_EVENTS) {
        printf("too many connections\n");
        closesocket(s);
        continue;
      }
      g_connections[g_count] = (Connection*)calloc(1, sizeof(Connection));
      g_connections[g_count]->socket = s;
      g_sockets[g_count] = s;
      g_events[g_count] = WSACreateEvent();
      if (sndbuf > 0) setsockopt(s, SOL_SOCKET, SO_SNDBUF, (const char*)&sndbuf, sizeof(sndbuf));
      WSAEventSelect(s, g_events[g_count], FD_READ | FD_WRITE | FD_CLOSE);
      ++g_count;
      printf("connection accepted\n");
      continue;
    }
    if (g_connections[i] == NULL) continue;
    if ((events.lNetworkEvents & FD_CLOSE) && events.iErrorCode[FD_CLOSE_BIT] != 0) {
      printf("connection lost with error: %d\n", events.iErrorCode[FD_CLOSE_BIT]);
      Remove(i);
      ++served;
      continue;
    }
    if (Pump(g_connections[i])) {
      printf("connection done\n");
      Remove(i);
      ++served;
    }
  }
  while (g_count > 0) Remove(g_count - 1);
  WSACleanup();
  printf("served %d connection(s)\n", served);
  return served == clients ? 0 : 1;
}
