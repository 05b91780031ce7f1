/* async_select_server: a WSAAsyncSelect echo server in the style of Microsoft's classic samples:
 * a hidden (message-only) window, a GetMessage / TranslateMessage / DispatchMessage loop, and a
 * window procedure that handles FD_ACCEPT, FD_READ, FD_WRITE and FD_CLOSE.
 * Usage: async_select_server [port] [clients]
 *   port     TCP port to listen on (default 27015)
 *   clients  how many connections to serve before exiting (default 1)
 * Everything received is sent back. A send that would block keeps the rest for FD_WRITE; while
 * bytes wait, FD_READ is not answered with recv (one recv after the flush re-enables it). On
 * FD_CLOSE (posted only after all data was read) the rest is flushed, the sending side is shut
 * down and the socket closed; after the last client the loop ends with PostQuitMessage. */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <stdio.h>
#include <stdlib.h>
#include <strsafe.h>

#define WM_SOCKET (WM_USER + 1)
#define DATA_BUFSIZE 4096
#define MAX_CONNECTIONS 64

typedef struct {
  SOCKET s;
  char buf[DATA_BUFSIZE];
  int len;    /* bytes received and not yet echoed */
  int off;    /* of them, already sent */
  BOOL closing; /* FD_CLOSE arrived: close once flushed */
  long echoed;
} CONNECTION;

static CONNECTION* g_connections[MAX_CONNECTIONS];
static SOCKET g_listener = INVALID_SOCKET;
static int g_served = 0, g_clients = 1;

static void PrintError(const char* what, int error) {
  char text[256];
  if (FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS |
                         FORMAT_MESSAGE_MAX_WIDTH_MASK,
                     NULL, (DWORD)error, 0, text, sizeof(text), NULL) == 0) {
    StringCchPrintfA(text, sizeof(text), "error %d", error);
  }
  printf("%s failed with error %d: %s\n", what, error, text);
}

static CONNECTION* Find(SOCKET s) {
  int i;
  for (i = 0; i < MAX_CONNECTIONS; i++) {
    if (g_connections[i] != NULL && g_connections[i]->s == s) return g_connections[i];
  }
  return NULL;
}

static BOOL Add(SOCKET s) {
  int i;
  for (i = 0; i < MAX_CONNECTIONS; i++) {
    if (g_connections[i] == NULL) {
      g_connections[i] =
          (CONNECTION*)HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(CONNECTION));
      if (g_connections[i] == NULL) return FALSE;
      g_connections[i]->s = s;
      return TRUE;
    }
  }
  return FALSE;
}

/* Closes and forgets the connection; after the last client, ends the message loop. */
static void Finish(CONNECTION* c) {
  int i;
  printf("echoed %ld bytes on socket %u\n", c->echoed, (unsigned)c->s);
  shutdown(c->s, SD_SEND);
  closesocket(c->s);
  for (i = 0; i < MAX_CONNECTIONS; i++) {
    if (g_connections[i] == c) g_connections[i] = NULL;
  }
  HeapFree(GetProcessHeap(), 0, c);
  if (++g_served == g_clients) PostQuitMessage(0);
}

/* Sends what waits; FALSE while a send would block (FD_WRITE will come) or on an error. */
static BOOL Flush(CONNECTION* c) {
  while (c->off < c->len) {
    int n = send(c->s, c->buf + c->off, c->len - c->off, 0);
    if (n == SOCKET_ERROR) {
      if (WSAGetLastError() != WSAEWOULDBLOCK) PrintError("send", WSAGetLastError());
      return FALSE;
    }
    c->off += n;
    c->echoed += n;
  }
  c->len = c->off = 0;
  return TRUE;
}

/* One recv (which re-enables FD_READ), then echo it. */
static void ReadAndEcho(CONNECTION* c) {
  int n = recv(c->s, c->buf, DATA_BUFSIZE, 0);
  if (n == SOCKET_ERROR) {
    if (WSAGetLastError() != WSAEWOULDBLOCK) PrintError("recv", WSAGetLastError());
    return; /* a stale FD_READ: nothing to read after all */
  }
  c->len = n;
  c->off = 0;
  Flush(c);
}

static LRESULT CALLBACK WindowProc(HWND hwnd, UINT msg, WPARAM wParam, LPARAM lParam) {
  SOCKET s = (SOCKET)wParam;
  CONNECTION* c;
  if (msg != WM_SOCKET) return DefWindowProc(hwnd, msg, wParam, lParam);
  if (WSAGETSELECTERROR(lParam) != 0 && WSAGETSELECTEVENT(lParam) != FD_CLOSE) {
    PrintError("socket event", WSAGETSELECTERROR(lParam));
    return 0;
  }
  switch (WSAGETSELECTEVENT(lParam)) {
    case FD_ACCEPT: {
      SOCKET a = accept(g_listener, NULL, NULL);
      if (a == INVALID_SOCKET) {
        if (WSAGetLastError() != WSAEWOULDBLOCK) PrintError("accept", WSAGetLastError());
        break;
      }
      if (!Add(a)) {
        printf("too many connections\n");
        closesocket(a);
        break;
      }
      /* The listener selected FD_ACCEPT only, so nothing was posted for a yet. */
      if (WSAAsyncSelect(a, hwnd, WM_SOCKET, FD_READ | FD_WRITE | FD_CLOSE) == SOCKET_ERROR) {
        PrintError("WSAAsyncSelect", WSAGetLastError());
      }
      break;
    }
    case FD_READ:
      c = Find(s);
      if (c != NULL && c->len == 0) ReadAndEcho(c); /* else FD_WRITE flushes first */
      break;
    case FD_WRITE:
      c = Find(s);
      if (c == NULL || !Flush(c)) break;
      if (c->closing) {
        Finish(c);
      } else {
        ReadAndEcho(c);
      }
      break;
    case FD_CLOSE:
      c = Find(s);
      if (c == NULL) break;
      if (WSAGETSELECTERROR(lParam) != 0) PrintError("connection", WSAGETSELECTERROR(lParam));
      c->closing = TRUE;
      if (Flush(c)) Finish(c);
      break;
  }
  return 0;
}

int main(int argc, char** argv) {
  const char* port = argc > 1 ? argv[1] : "27015";
  WSADATA wsaData;
  struct addrinfo hints, *result = NULL;
  WNDCLASSEXA wc;
  HWND hwnd;
  MSG msg;
  BOOL got;
  int rc;

  g_clients = argc > 2 ? atoi(argv[2]) : 1;
  rc = WSAStartup(MAKEWORD(2, 2), &wsaData);
  if (rc != 0) {
    printf("WSAStartup failed with error: %d\n", rc);
    return 1;
  }

  ZeroMemory(&wc, sizeof(wc));
  wc.cbSize = sizeof(wc);
  wc.lpfnWndProc = WindowProc;
  wc.hInstance = GetModuleHandle(NULL);
  wc.lpszClassName = "AsyncSelectServer";
  if (RegisterClassEx(&wc) == 0) {
    printf("RegisterClassEx failed with error: %lu\n", (unsigned long)GetLastError());
    return 1;
  }
  hwnd = CreateWindowEx(0, "AsyncSelectServer", "", 0, 0, 0, 0, 0, HWND_MESSAGE, NULL,
                        wc.hInstance, NULL);
  if (hwnd == NULL) {
    printf("CreateWindowEx failed with error: %lu\n", (unsigned long)GetLastError());
    return 1;
  }

  ZeroMemory(&hints, sizeof(hints));
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_protocol = IPPROTO_TCP;
  hints.ai_flags = AI_PASSIVE;
  rc = getaddrinfo(NULL, port, &hints, &result);
  if (rc != 0) {
    printf("getaddrinfo failed with error: %d\n", rc);
    return 1;
  }
  g_listener = socket(result->ai_family, result->ai_socktype, result->ai_protocol);
  if (g_listener == INVALID_SOCKET) {
    PrintError("socket", WSAGetLastError());
    return 1;
  }
  if (bind(g_listener, result->ai_addr, (int)result->ai_addrlen) == SOCKET_ERROR) {
    PrintError("bind", WSAGetLastError());
    return 1;
  }
  freeaddrinfo(result);
  /* FD_ACCEPT only on the listener: accepted sockets then get their own registration. */
  if (WSAAsyncSelect(g_listener, hwnd, WM_SOCKET, FD_ACCEPT) == SOCKET_ERROR) {
    PrintError("WSAAsyncSelect", WSAGetLastError());
    return 1;
  }
  if (listen(g_listener, SOMAXCONN) == SOCKET_ERROR) {
    PrintError("listen", WSAGetLastError());
    return 1;
  }
  printf("listening on port %s for %d client(s)\n", port, g_clients);

  while ((got = GetMessage(&msg, NULL, 0, 0)) != 0) {
    if (got == -1) {
      printf("GetMessage failed with error: %lu\n", (unsigned long)GetLastError());
      return 1;
    }
    TranslateMessage(&msg);
    DispatchMessage(&msg);
  }
  printf("served %d client(s)\n", g_served);
  closesocket(g_listener);
  DestroyWindow(hwnd);
  WSACleanup();
  return (int)msg.wParam;
}
