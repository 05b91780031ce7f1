/* echo_server: a blocking TCP echo server in the style of the classic Winsock getting-started
 * sample. Usage: echo_server [port] [clients] [backlog]
 *   port     TCP port to listen on (default 27015)
 *   clients  how many connections to serve before exiting (default 1; 0 = serve forever)
 *   backlog  listen backlog (default SOMAXCONN, which the seed's header makes 5; the provider
 *            clamps it to its somaxconn parameter)
 * Each connection is served on its own thread: everything received is sent back until the client
 * shuts down its sending side, then the server shuts down its own and closes. */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <stdio.h>
#include <stdlib.h>

#define DEFAULT_BUFLEN 512
#define DEFAULT_PORT "27015"

static DWORD WINAPI ServeClient(LPVOID param) {
  SOCKET client = (SOCKET)(UINT_PTR)param;
  char buf[DEFAULT_BUFLEN];
  int received, total = 0;
  do {
    received = recv(client, buf, DEFAULT_BUFLEN, 0);
    if (received > 0) {
      int sent = 0;
      while (sent < received) {
        int n = send(client, buf + sent, received - sent, 0);
        if (n == SOCKET_ERROR) {
          printf("send failed with error: %d\n", WSAGetLastError());
          closesocket(client);
          return 1;
        }
        sent += n;
      }
      total += received;
    } else if (received < 0) {
      printf("recv failed with error: %d\n", WSAGetLastError());
      closesocket(client);
      return 1;
    }
  } while (received > 0);
  printf("echoed %d bytes\n", total);
  if (shutdown(client, SD_SEND) == SOCKET_ERROR) {
    printf("shutdown failed with error: %d\n", WSAGetLastError());
  }
  closesocket(client);
  return 0;
}

int main(int argc, char** argv) {
  const char* port = argc > 1 ? argv[1] : DEFAULT_PORT;
  int clients = argc > 2 ? atoi(argv[2]) : 1;
  int backlog = argc > 3 ? atoi(argv[3]) : SOMAXCONN;
  WSADATA wsaData;
  struct addrinfo* result = NULL;
  struct addrinfo hints;
  SOCKET listener;
  HANDLE* threads;
  int served = 0, i;

  int rc = WSAStartup(MAKEWORD(2, 2), &wsaData);
  if (rc != 0) {
    printf("WSAStartup failed with error: %d\n", rc);
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
    WSACleanup();
    return 1;
  }
  listener = socket(result->ai_family, result->ai_socktype, result->ai_protocol);
  if (listener == INVALID_SOCKET) {
    printf("socket failed with error: %d\n", WSAGetLastError());
    freeaddrinfo(result);
    WSACleanup();
    return 1;
  }
  if (bind(listener, result->ai_addr, (int)result->ai_addrlen) == SOCKET_ERROR) {
    printf("bind failed with error: %d\n", WSAGetLastError());
    freeaddrinfo(result);
    closesocket(listener);
    WSACleanup();
    return 1;
  }
  freeaddrinfo(result);
  if (listen(listener, backlog) == SOCKET_ERROR) {
    printf("listen failed with error: %d\n", WSAGetLastError());
    closesocket(listener);
    WSACleanup();
    return 1;
  }
  printf("listening on port %s\n", port);

  threads = (HANDLE*)malloc(sizeof(HANDLE) * (clients > 0 ? clients : 1));
  while (clients == 0 || served < clients) {
    SOCKET client = accept(listener, NULL, NULL);
    if (client == INVALID_SOCKET) {
      printf("accept failed with error: %d\n", WSAGetLastError());
      break;
    }
    HANDLE t = CreateThread(NULL, 0, ServeClient, (LPVOID)(UINT_PTR)client, 0, NULL);
    if (clients > 0) threads[served] = t; else CloseHandle(t);
    ++served;
  }
  closesocket(listener);
  for (i = 0; clients > 0 && i < served; ++i) {
    WaitForSingleObject(threads[i], INFINITE);
    CloseHandle(threads[i]);
  }
  free(threads);
  printf("served %d clients\n", served);
  WSACleanup();
  return 0;
}
