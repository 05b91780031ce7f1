/* select_server.c: a select()-based non-blocking echo server (issue 4; being written). */
int main(void) { return 0; }
