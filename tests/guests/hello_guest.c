/* A guest used by tests/model/guest_program_test.cc: plain C, globals, console output, exit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int calls = 0; /* one per instance: instances must not share it */

static int helper(int x) { return x + 1; }

int main(int argc, char** argv) {
  calls = helper(calls);
  printf("hello from %s (call %d)\n", argc > 1 ? argv[1] : "nobody", calls);
  puts("a line by puts");
  fprintf(stderr, "to stderr %d\n", argc);
  fputs("fputs\n", stdout);
  putchar('!');
  putchar('\n');
  if (argc > 2 && strcmp(argv[2], "exit") == 0) exit(7);
  return 3;
}
