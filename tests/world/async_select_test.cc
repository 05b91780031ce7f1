// Tests for this area arrive with issue 4.
#include "tests/world/winsock_harness.h"
