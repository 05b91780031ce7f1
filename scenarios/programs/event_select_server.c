/* event_select_server.c: a WSAEventSelect echo server (issue 4; being written). */
int main(void) { return 0; }
