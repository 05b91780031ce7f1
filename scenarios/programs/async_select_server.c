/* async_select_server.c: a WSAAsyncSelect echo server with a hidden window and a message loop (issue 4; being written). */
int main(void) { return 0; }
