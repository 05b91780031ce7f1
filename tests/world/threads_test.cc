// Win32 threads as guests create them (DESIGN.md section 7): CreateThread's stack size.
#include "gtest/gtest.h"
// The harness last: it ends with the guest headers, whose macros rename socket, bind, ...
#include "tests/world/winsock_harness.h"

namespace ws2sim::scenarios::testing {
namespace {

// Uses `bytes` of its stack (touching every page), then returns the sum it read back.
DWORD WINAPI DeepStack(LPVOID param) {
  const size_t bytes = reinterpret_cast<size_t>(param);
  volatile char* frame = static_cast<volatile char*>(__builtin_alloca(bytes));
  for (size_t i = 0; i < bytes; i += 4096) frame[i] = 1;
  DWORD sum = 0;
  for (size_t i = 0; i < bytes; i += 4096) sum += static_cast<DWORD>(frame[i]);
  return sum;
}

class Threads : public WinsockTest {};

TEST_F(Threads, CreateThreadGivesTheStackSizeAsked) {
  // 2 MiB of locals: far beyond the default reservation (256 KiB, 1 MiB under ASan).
  constexpr size_t kBytes = 2 * 1024 * 1024;
  OnServer([] {
    HANDLE t = CreateThread(nullptr, kBytes + 256 * 1024, &DeepStack,
                            reinterpret_cast<LPVOID>(kBytes), 0, nullptr);
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(WaitForSingleObject(t, INFINITE), WAIT_OBJECT_0);
    HANDLE r = CreateThread(nullptr, kBytes + 256 * 1024, &DeepStack,
                            reinterpret_cast<LPVOID>(kBytes), STACK_SIZE_PARAM_IS_A_RESERVATION,
                            nullptr);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(WaitForSingleObject(r, INFINITE), WAIT_OBJECT_0);
  });
  Run();
}

}  // namespace
}  // namespace ws2sim::scenarios::testing
