/* echo_client: a blocking TCP echo client in the style of the classic Winsock getting-started
 * sample. Usage: echo_client server [port] [bytes]
 *   server  host name or address of the echo server
 *   port    TCP port (default 27015)
 *   bytes   how many bytes to send (default 64); the payload is a fixed pattern
 * It connects (getaddrinfo, then each address in turn), sends everything, shuts down its sending
 * side (SD_SEND), and exits 0 only if the echo comes back byte-exact before the server closes.
 * A second thread receives while the main thread sends: with the echo flowing back, a client that
 * sent everything before reading would fill both ends' buffers and deadlock (classic TCP). */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <stdio.h>
#include <stdlib.h>

#define DEFAULT_BUFLEN 512
#define DEFAULT_PORT "27015"

static char PatternByte(long i) { return (char)('a' + (i * 7 + i / 26) % 26); }

struct Receiver {
  SOCKET conn;
  long received;
  long mismatches;
  int error;
};

static DWORD WINAPI ReceiveEcho(LPVOID param) {
  struct Receiver* r = (struct Receiver*)param;
  char buf[DEFAULT_BUFLEN];
  for (;;) {
    int i, n = recv(r->conn, buf, DEFAULT_BUFLEN, 0);
    if (n > 0) {
      for (i = 0; i < n; ++i) r->mismatches += buf[i] != PatternByte(r->received + i);
      r->received += n;
    } else if (n == 0) {
      printf("connection closed; bytes received: %ld\n", r->received);
      return 0;
    } else {
      r->error = WSAGetLastError();
      printf("recv failed with error: %d\n", r->error);
      return 1;
    }
  }
}

int main(int argc, char** argv) {
  WSADATA wsaData;
  SOCKET conn = INVALID_SOCKET;
  struct addrinfo *result = NULL, *ptr = NULL, hints;
  const char* port = argc > 2 ? argv[2] : DEFAULT_PORT;
  long bytes = argc > 3 ? atol(argv[3]) : 64;
  char buf[DEFAULT_BUFLEN];
  long sent = 0;
  struct Receiver receiver = {INVALID_SOCKET, 0, 0, 0};
  HANDLE reader;
  int rc;

  if (argc < 2) {
    printf("usage: %s server [port] [bytes]\n", argv[0]);
    return 2;
  }
  rc = WSAStartup(MAKEWORD(2, 2), &wsaData);
  if (rc != 0) {
    printf("WSAStartup failed with error: %d\n", rc);
    return 1;
  }
  ZeroMemory(&hints, sizeof(hints));
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_protocol = IPPROTO_TCP;
  rc = getaddrinfo(argv[1], port, &hints, &result);
  if (rc != 0) {
    printf("getaddrinfo failed with error: %d\n", rc);
    WSACleanup();
    return 1;
  }
  for (ptr = result; ptr != NULL; ptr = ptr->ai_next) {
    conn = socket(ptr->ai_family, ptr->ai_socktype, ptr->ai_protocol);
    if (conn == INVALID_SOCKET) {
      printf("socket failed with error: %d\n", WSAGetLastError());
      freeaddrinfo(result);
      WSACleanup();
      return 1;
    }
    if (connect(conn, ptr->ai_addr, (int)ptr->ai_addrlen) == SOCKET_ERROR) {
      printf("connect failed with error: %d\n", WSAGetLastError());
      closesocket(conn);
      conn = INVALID_SOCKET;
      continue;
    }
    break;
  }
  freeaddrinfo(result);
  if (conn == INVALID_SOCKET) {
    printf("unable to connect to server %s\n", argv[1]);
    WSACleanup();
    return 1;
  }

  receiver.conn = conn;
  reader = CreateThread(NULL, 0, ReceiveEcho, &receiver, 0, NULL);
  while (sent < bytes) {
    int chunk = (int)(bytes - sent < DEFAULT_BUFLEN ? bytes - sent : DEFAULT_BUFLEN), i, n;
    for (i = 0; i < chunk; ++i) buf[i] = PatternByte(sent + i);
    n = send(conn, buf, chunk, 0);
    if (n == SOCKET_ERROR) {
      printf("send failed with error: %d\n", WSAGetLastError());
      break;
    }
    sent += n;
  }
  printf("bytes sent: %ld\n", sent);
  if (shutdown(conn, SD_SEND) == SOCKET_ERROR) {
    printf("shutdown failed with error: %d\n", WSAGetLastError());
  }
  WaitForSingleObject(reader, INFINITE);
  CloseHandle(reader);
  closesocket(conn);
  WSACleanup();
  if (sent != bytes || receiver.received != bytes || receiver.mismatches != 0) {
    printf("echo differs: sent %ld, received %ld of %ld bytes, %ld mismatched\n", sent,
           receiver.received, bytes, receiver.mismatches);
    return 1;
  }
  printf("echo verified\n");
  return 0;
}
