/* overlapped_server.c: an overlapped echo server with completion routines and SleepEx (issue 4; being written). */
int main(void) { return 0; }
