/* overlapped_server: an overlapped TCP echo server with completion routines, in the style of the
 * classic Winsock 2 samples (WSARecv / WSASend with an LPWSAOVERLAPPED_COMPLETION_ROUTINE, the
 * I/O thread parked in SleepEx(INFINITE, TRUE) so the routines can run).
 * Usage: overlapped_server [port] [clients]
 *   port     TCP port to listen on (default 27015)
 *   clients  how many connections to serve before exiting (default 1)
 * The listening socket is made with WSASocket(..., WSA_FLAG_OVERLAPPED); an overlapped socket is
 * always non-blocking, so the main thread waits in select() before each accept(). The accepted
 * socket inherits the overlapped attribute and gets its own I/O thread, which posts the first
 * WSARecv and then sleeps alertably: every completion routine posts the next operation (WSASend of
 * what arrived, then WSARecv again) from inside the routine. A 0-byte receive means the client
 * shut down its sending side: the server shuts down its own and closes. Exits 0 when every client
 * was served without an error. */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <winsock2.h>
#include <stdio.h>
#include <stdlib.h>

#define DATA_BUFSIZE 4096
#define DEFAULT_PORT 27015

/* One connection. The WSAOVERLAPPED comes first: a completion routine gets back to its
 * connection from the lpOverlapped it is given. */
typedef struct {
  WSAOVERLAPPED overlapped;
  SOCKET socket;
  char buffer[DATA_BUFSIZE];
  WSABUF wsabuf;
  int receiving;       /* the operation in flight is a WSARecv (else a WSASend) */
  DWORD bytes_to_send; /* of the last receive */
  DWORD bytes_sent;
  long echoed;
  int done;
  DWORD error;
} CONNECTION;

static void CALLBACK WorkerRoutine(DWORD error, DWORD transferred, LPWSAOVERLAPPED overlapped,
                                   DWORD flags);

static void Fail(CONNECTION* c, const char* call, DWORD error) {
  printf("%s failed with error: %lu\n", call, (unsigned long)error);
  c->error = error;
  c->done = 1;
}

static void PostRecv(CONNECTION* c) {
  DWORD received = 0, flags = 0;
  ZeroMemory(&c->overlapped, sizeof(WSAOVERLAPPED));
  c->wsabuf.len = DATA_BUFSIZE;
  c->wsabuf.buf = c->buffer;
  c->receiving = 1;
  /* Completed at once or pending: either way the routine runs later, in an alertable wait. */
  if (WSARecv(c->socket, &c->wsabuf, 1, &received, &flags, &c->overlapped, WorkerRoutine) ==
          SOCKET_ERROR &&
      WSAGetLastError() != WSA_IO_PENDING) {
    Fail(c, "WSARecv", (DWORD)WSAGetLastError());
  }
}

static void PostSend(CONNECTION* c) {
  DWORD sent = 0;
  ZeroMemory(&c->overlapped, sizeof(WSAOVERLAPPED));
  c->wsabuf.len = c->bytes_to_send - c->bytes_sent;
  c->wsabuf.buf = c->buffer + c->bytes_sent;
  c->receiving = 0;
  if (WSASend(c->socket, &c->wsabuf, 1, &sent, 0, &c->overlapped, WorkerRoutine) ==
          SOCKET_ERROR &&
      WSAGetLastError() != WSA_IO_PENDING) {
    Fail(c, "WSASend", (DWORD)WSAGetLastError());
  }
}

static void CALLBACK WorkerRoutine(DWORD error, DWORD transferred, LPWSAOVERLAPPED overlapped,
                                   DWORD flags) {
  CONNECTION* c = (CONNECTION*)overlapped;
  (void)flags;
  if (error != 0) {
    Fail(c, c->receiving ? "overlapped receive" : "overlapped send", error);
    return;
  }
  if (c->receiving) {
    if (transferred == 0) { /* the client shut down its sending side */
      c->done = 1;
      return;
    }
    c->bytes_to_send = transferred;
    c->bytes_sent = 0;
  } else {
    c->bytes_sent += transferred;
    c->echoed += (long)transferred;
  }
  if (c->bytes_sent < c->bytes_to_send) {
    PostSend(c);
  } else {
    PostRecv(c);
  }
}

static DWORD WINAPI ServeClient(LPVOID param) {
  CONNECTION* c = (CONNECTION*)param;
  PostRecv(c);
  while (!c->done) {
    SleepEx(INFINITE, TRUE); /* returns WAIT_IO_COMPLETION once routines have run */
  }
  printf("echoed %ld bytes\n", c->echoed);
  if (shutdown(c->socket, SD_SEND) == SOCKET_ERROR) {
    printf("shutdown failed with error: %d\n", WSAGetLastError());
  }
  closesocket(c->socket);
  return 0;
}

int main(int argc, char** argv) {
  int port = argc > 1 ? atoi(argv[1]) : DEFAULT_PORT;
  int clients = argc > 2 ? atoi(argv[2]) : 1;
  WSADATA wsaData;
  SOCKET listener;
  struct sockaddr_in local;
  CONNECTION** connections;
  HANDLE* threads;
  int served = 0, failures = 0, i;

  int rc = WSAStartup(MAKEWORD(2, 2), &wsaData);
  if (rc != 0) {
    printf("WSAStartup failed with error: %d\n", rc);
    return 1;
  }
  listener = WSASocket(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_OVERLAPPED);
  if (listener == INVALID_SOCKET) {
    printf("WSASocket failed with error: %d\n", WSAGetLastError());
    WSACleanup();
    return 1;
  }
  ZeroMemory(&local, sizeof(local));
  local.sin_family = AF_INET;
  local.sin_addr.s_addr = htonl(INADDR_ANY);
  local.sin_port = htons((u_short)port);
  if (bind(listener, (struct sockaddr*)&local, sizeof(local)) == SOCKET_ERROR ||
      listen(listener, SOMAXCONN) == SOCKET_ERROR) {
    printf("bind/listen failed with error: %d\n", WSAGetLastError());
    closesocket(listener);
    WSACleanup();
    return 1;
  }
  connections = (CONNECTION**)calloc((size_t)clients, sizeof(CONNECTION*));
  threads = (HANDLE*)calloc((size_t)clients, sizeof(HANDLE));
  while (served < clients) {
    fd_set readable;
    SOCKET accepted;
    FD_ZERO(&readable);
    FD_SET(listener, &readable);
    if (select(0, &readable, NULL, NULL, NULL) == SOCKET_ERROR) {
      printf("select failed with error: %d\n", WSAGetLastError());
      break;
    }
    accepted = accept(listener, NULL, NULL);
    if (accepted == INVALID_SOCKET) {
      if (WSAGetLastError() == WSAEWOULDBLOCK) continue; /* the connection went away */
      printf("accept failed with error: %d\n", WSAGetLastError());
      break;
    }
    connections[served] = (CONNECTION*)calloc(1, sizeof(CONNECTION));
    connections[served]->socket = accepted;
    threads[served] = CreateThread(NULL, 0, ServeClient, connections[served], 0, NULL);
    ++served;
  }
  for (i = 0; i < served; ++i) {
    WaitForSingleObject(threads[i], INFINITE);
    CloseHandle(threads[i]);
    failures += connections[i]->error != 0;
    free(connections[i]);
  }
  free(connections);
  free(threads);
  closesocket(listener);
  WSACleanup();
  printf("served %d clients, %d failed\n", served, failures);
  return served == clients && failures == 0 ? 0 : 1;
}
