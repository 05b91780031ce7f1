// The Win32 surface classic Winsock programs use, called from guest-style process bodies: the
// window model (classes, message-only windows, message queues, PostMessage / SendMessage /
// GetMessage / PeekMessage / DispatchMessage, WM_QUIT), time in virtual time, the process heap,
// memory macros, lstr*, strsafe, FormatMessage for Winsock errors and console output. Windows'
// results are the expectations (the SPEC is silent on these).
#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

#include "tests/world/winsock_harness.h"
// After the harness (it ends with the guest headers).
#include "model/include/strsafe.h"

extern "C" time_t __wrap_time(time_t* out);  // what a guest's time() calls (cmake/Guest.cmake)

namespace ws2sim::scenarios::testing {
namespace {

// --- Helpers -------------------------------------------------------------------------------------

// What a window procedure saw, in order: (hwnd, message, wParam, lParam).
struct Seen {
  HWND hwnd;
  UINT message;
  WPARAM wparam;
  LPARAM lparam;
  bool operator==(const Seen&) const = default;
};
std::vector<Seen>& Log() {
  static std::vector<Seen> log;
  return log;
}
LPVOID g_create_params = nullptr;  // lpCreateParams seen in WM_CREATE

// Records every message, answers WM_USER + n with n * 10, and otherwise defers to
// DefWindowProc.
LRESULT CALLBACK Recorder(HWND hwnd, UINT message, WPARAM wparam, LPARAM lparam) {
  Log().push_back({hwnd, message, wparam, lparam});
  if (message == WM_CREATE) {
    g_create_params = reinterpret_cast<CREATESTRUCTA*>(lparam)->lpCreateParams;
  }
  if (message >= WM_USER && message < WM_USER + 100) return (message - WM_USER) * 10;
  return DefWindowProcA(hwnd, message, wparam, lparam);
}

LRESULT CALLBACK RefuseCreate(HWND hwnd, UINT message, WPARAM wparam, LPARAM lparam) {
  if (message == WM_CREATE) return -1;
  return DefWindowProcA(hwnd, message, wparam, lparam);
}

// A message-only window of class "Recorder" (registered on first use in the process).
HWND RecorderWindow(LPVOID params = nullptr) {
  WNDCLASSA wc;
  ZeroMemory(&wc, sizeof(wc));
  wc.lpfnWndProc = Recorder;
  wc.lpszClassName = "Recorder";
  wc.cbWndExtra = 16;
  RegisterClassA(&wc);  // 0 (already exists) after the first time
  return CreateWindowExA(0, "Recorder", "test", 0, 0, 0, 0, 0, HWND_MESSAGE, nullptr, nullptr,
                         params);
}

std::vector<UINT> Messages() {
  std::vector<UINT> out;
  for (const Seen& s : Log()) out.push_back(s.message);
  return out;
}

uint64_t FileTimeTicks(const FILETIME& ft) {
  return (static_cast<uint64_t>(ft.dwHighDateTime) << 32) | ft.dwLowDateTime;
}

class Win32Test : public WinsockTest {
 protected:
  void SetUp() override { Log().clear(); }
};

// --- Windows and classes -------------------------------------------------------------------------

TEST_F(Win32Test, MessageOnlyWindowGetsCreateAndDestroyMessagesAndAHandleValue) {
  OnServer([] {
    int param = 7;
    HWND w = RecorderWindow(&param);
    ASSERT_NE(w, nullptr) << GetLastError();
    const uintptr_t value = reinterpret_cast<uintptr_t>(w);
    EXPECT_EQ(value % 4, 0u);  // a handle value, like every handle in the run
    EXPECT_EQ(g_create_params, &param);
    EXPECT_EQ(Messages(), (std::vector<UINT>{WM_NCCREATE, WM_CREATE}));
    EXPECT_TRUE(IsWindow(w));
    DWORD pid = 0;
    EXPECT_EQ(GetWindowThreadProcessId(w, &pid), GetCurrentThreadId());
    EXPECT_NE(pid, 0u);
    HWND second = RecorderWindow();
    EXPECT_GT(reinterpret_cast<uintptr_t>(second), value);  // never reused, increasing
    Log().clear();
    EXPECT_TRUE(DestroyWindow(w));
    EXPECT_EQ(Messages(), (std::vector<UINT>{WM_DESTROY, WM_NCDESTROY}));
    EXPECT_FALSE(IsWindow(w));
    EXPECT_FALSE(DestroyWindow(w));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_WINDOW_HANDLE));
  });
  Run();
}

TEST_F(Win32Test, ClassRegistrationErrorsAndRefusedCreation) {
  OnServer([] {
    WNDCLASSEXA wc;
    ZeroMemory(&wc, sizeof(wc));
    wc.cbSize = sizeof(wc);
    wc.lpfnWndProc = RefuseCreate;
    wc.lpszClassName = "Refuser";
    const ATOM atom = RegisterClassExA(&wc);
    EXPECT_GE(atom, 0xC000);
    EXPECT_EQ(RegisterClassExA(&wc), 0);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_CLASS_ALREADY_EXISTS));
    wc.cbSize = 0;
    EXPECT_EQ(RegisterClassExA(&wc), 0);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));

    EXPECT_EQ(CreateWindowExA(0, "NoSuchClass", "", 0, 0, 0, 0, 0, HWND_MESSAGE, nullptr,
                              nullptr, nullptr),
              nullptr);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_CANNOT_FIND_WND_CLASS));
    // WM_CREATE answering -1 refuses the window; by atom too.
    EXPECT_EQ(CreateWindowExA(0, MAKEINTATOM(atom), "", 0, 0, 0, 0, 0, HWND_MESSAGE, nullptr,
                              nullptr, nullptr),
              nullptr);
    // Predefined class with the default procedure.
    HWND s = CreateWindowA("STATIC", "", 0, 0, 0, 0, 0, HWND_MESSAGE, nullptr, nullptr, nullptr);
    EXPECT_TRUE(IsWindow(s));
    EXPECT_TRUE(UnregisterClassA("Refuser", nullptr));
    EXPECT_FALSE(UnregisterClassA("Refuser", nullptr));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_CLASS_DOES_NOT_EXIST));
  });
  Run();
}

TEST_F(Win32Test, WindowLongPtrUserDataExtraBytesAndSubclassing) {
  OnServer([] {
    HWND w = RecorderWindow();
    EXPECT_EQ(SetWindowLongPtrA(w, GWLP_USERDATA, 1234), 0);
    EXPECT_EQ(GetWindowLongPtrA(w, GWLP_USERDATA), 1234);
    EXPECT_EQ(SetWindowLongPtrA(w, GWLP_USERDATA, 5), 1234);  // the previous value
    EXPECT_EQ(SetWindowLongPtrA(w, 8, 99), 0);                // cbWndExtra = 16
    EXPECT_EQ(GetWindowLongPtrA(w, 8), 99);
    EXPECT_EQ(GetWindowLongPtrA(w, 9), 0);  // 9 + 8 > 16
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_INDEX));
    EXPECT_EQ(GetWindowLongPtrA(reinterpret_cast<HWND>(0x4444), GWLP_USERDATA), 0);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_WINDOW_HANDLE));
    // Subclassing: GWLP_WNDPROC replaces the procedure.
    const LONG_PTR old = SetWindowLongPtrA(w, GWLP_WNDPROC, reinterpret_cast<LONG_PTR>(RefuseCreate));
    EXPECT_EQ(old, reinterpret_cast<LONG_PTR>(Recorder));
    Log().clear();
    EXPECT_EQ(SendMessageA(w, WM_USER + 3, 0, 0), 0);  // RefuseCreate -> DefWindowProc: 0
    EXPECT_TRUE(Log().empty());
    EXPECT_EQ(CallWindowProcA(Recorder, w, WM_USER + 3, 0, 0), 30);
  });
  Run();
}

TEST_F(Win32Test, DefWindowProcDestroysOnCloseAndThreadEndEndsItsWindows) {
  OnServer([] {
    HWND w = RecorderWindow();
    EXPECT_EQ(SendMessageA(w, WM_CLOSE, 0, 0), 0);
    EXPECT_FALSE(IsWindow(w));
    static HWND from_thread = nullptr;
    HANDLE t = CreateThread(
        nullptr, 0,
        [](LPVOID) -> DWORD {
          from_thread = RecorderWindow();
          return 0;
        },
        nullptr, 0, nullptr);
    EXPECT_EQ(WaitForSingleObject(t, INFINITE), WAIT_OBJECT_0);
    EXPECT_NE(from_thread, nullptr);
    EXPECT_FALSE(IsWindow(from_thread));  // gone with its thread
    EXPECT_FALSE(PostMessageA(from_thread, WM_USER, 0, 0));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_WINDOW_HANDLE));
  });
  Run();
}

// --- Message queues ------------------------------------------------------------------------------

TEST_F(Win32Test, PostedMessagesComeOutFifoAndDispatchCallsTheProcedure) {
  OnServer([] {
    HWND w = RecorderWindow();
    Log().clear();
    EXPECT_TRUE(PostMessageA(w, WM_USER + 1, 11, 111));
    EXPECT_TRUE(PostMessageA(w, WM_USER + 2, 22, 222));
    EXPECT_TRUE(PostMessageA(nullptr, WM_USER + 3, 33, 333));  // a thread message
    PostQuitMessage(42);
    MSG m;
    EXPECT_EQ(GetMessageA(&m, nullptr, 0, 0), TRUE);
    EXPECT_EQ(m.hwnd, w);
    EXPECT_EQ(m.message, static_cast<UINT>(WM_USER + 1));
    EXPECT_EQ(m.wParam, 11u);
    EXPECT_EQ(m.lParam, 111);
    EXPECT_FALSE(TranslateMessage(&m));
    EXPECT_EQ(DispatchMessageA(&m), 10);  // the procedure's result
    EXPECT_EQ(GetMessageA(&m, nullptr, 0, 0), TRUE);
    EXPECT_EQ(m.message, static_cast<UINT>(WM_USER + 2));
    EXPECT_EQ(DispatchMessageA(&m), 20);
    EXPECT_EQ(GetMessageA(&m, nullptr, 0, 0), TRUE);
    EXPECT_EQ(m.hwnd, nullptr);
    EXPECT_EQ(m.message, static_cast<UINT>(WM_USER + 3));
    EXPECT_EQ(DispatchMessageA(&m), 0);  // thread messages have no procedure
    // WM_QUIT only once the queue is empty: GetMessage returns 0 with the exit code.
    EXPECT_EQ(GetMessageA(&m, nullptr, 0, 0), FALSE);
    EXPECT_EQ(m.message, static_cast<UINT>(WM_QUIT));
    EXPECT_EQ(m.wParam, 42u);
    EXPECT_EQ(Log(), (std::vector<Seen>{{w, WM_USER + 1, 11, 111}, {w, WM_USER + 2, 22, 222}}));
  });
  Run();
}

TEST_F(Win32Test, PeekMessageRemoveNoRemoveAndFilters) {
  OnServer([] {
    HWND a = RecorderWindow();
    HWND b = RecorderWindow();
    MSG m;
    EXPECT_FALSE(PeekMessageA(&m, nullptr, 0, 0, PM_REMOVE));  // empty: at once
    PostMessageA(a, WM_USER + 1, 0, 0);
    PostMessageA(b, WM_USER + 2, 0, 0);
    PostMessageA(a, WM_USER + 3, 0, 0);
    EXPECT_TRUE(PeekMessageA(&m, nullptr, 0, 0, PM_NOREMOVE));
    EXPECT_EQ(m.message, static_cast<UINT>(WM_USER + 1));
    EXPECT_TRUE(PeekMessageA(&m, nullptr, 0, 0, PM_NOREMOVE));  // still there
    EXPECT_EQ(m.message, static_cast<UINT>(WM_USER + 1));
    EXPECT_TRUE(PeekMessageA(&m, b, 0, 0, PM_REMOVE));  // by window
    EXPECT_EQ(m.message, static_cast<UINT>(WM_USER + 2));
    EXPECT_TRUE(PeekMessageA(&m, nullptr, WM_USER + 3, WM_USER + 3, PM_REMOVE));  // by range
    EXPECT_EQ(m.message, static_cast<UINT>(WM_USER + 3));
    EXPECT_FALSE(PeekMessageA(&m, reinterpret_cast<HWND>(-1), 0, 0, PM_REMOVE));  // thread only
    EXPECT_TRUE(PeekMessageA(&m, nullptr, 0, 0, PM_REMOVE));
    EXPECT_EQ(m.message, static_cast<UINT>(WM_USER + 1));
    EXPECT_FALSE(PeekMessageA(&m, nullptr, 0, 0, PM_REMOVE));
    // A bad filter window is an error for GetMessage (-1), and WM_QUIT ignores filters.
    EXPECT_EQ(GetMessageA(&m, reinterpret_cast<HWND>(0x4444), 0, 0), -1);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_WINDOW_HANDLE));
    PostQuitMessage(3);
    EXPECT_TRUE(PeekMessageA(&m, a, WM_USER, WM_USER, PM_NOREMOVE));
    EXPECT_EQ(m.message, static_cast<UINT>(WM_QUIT));
    EXPECT_EQ(GetMessageA(&m, a, WM_USER, WM_USER), FALSE);
    EXPECT_FALSE(PeekMessageA(&m, nullptr, 0, 0, PM_REMOVE));  // removed by GetMessage
  });
  Run();
}

TEST_F(Win32Test, GetMessageParksInVirtualTimeUntilAnotherThreadPosts) {
  OnServer([] {
    static HWND w = nullptr;
    w = RecorderWindow();
    const DWORD start = GetTickCount();
    CreateThread(
        nullptr, 0,
        [](LPVOID) -> DWORD {
          Sleep(50);
          PostMessageA(w, WM_USER + 5, 0, 0);
          return 0;
        },
        nullptr, 0, nullptr);
    MSG m;
    EXPECT_EQ(GetMessageA(&m, nullptr, 0, 0), TRUE);
    EXPECT_EQ(m.message, static_cast<UINT>(WM_USER + 5));
    EXPECT_EQ(GetTickCount() - start, 50u);
    EXPECT_EQ(m.time, GetTickCount());  // stamped when posted
    // WaitMessage returns at once while something is queued, and parks until then otherwise.
    CreateThread(
        nullptr, 0,
        [](LPVOID) -> DWORD {
          Sleep(10);
          PostMessageA(w, WM_USER + 6, 0, 0);
          return 0;
        },
        nullptr, 0, nullptr);
    EXPECT_TRUE(WaitMessage());
    EXPECT_EQ(GetTickCount() - start, 60u);
    EXPECT_TRUE(PeekMessageA(&m, nullptr, 0, 0, PM_REMOVE));
    EXPECT_EQ(m.message, static_cast<UINT>(WM_USER + 6));
  });
  Run();
}

TEST_F(Win32Test, PostThreadMessageReachesThatThreadsQueue) {
  OnServer([] {
    static DWORD got = 0;
    DWORD tid = 0;
    HANDLE t = CreateThread(
        nullptr, 0,
        [](LPVOID) -> DWORD {
          MSG m;
          GetMessageA(&m, nullptr, 0, 0);
          got = m.message;
          return 0;
        },
        nullptr, 0, &tid);
    Sleep(5);
    EXPECT_TRUE(PostThreadMessageA(tid, WM_APP + 1, 0, 0));
    WaitForSingleObject(t, INFINITE);
    EXPECT_EQ(got, static_cast<DWORD>(WM_APP + 1));
    EXPECT_FALSE(PostThreadMessageA(tid, WM_APP, 0, 0));  // the thread has ended
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  });
  Run();
}

TEST_F(Win32Test, SendMessageSameThreadCallsDirectlyOtherThreadWaitsForItsLoop) {
  OnServer([] {
    static HWND w = nullptr;
    w = RecorderWindow();
    Log().clear();
    EXPECT_EQ(SendMessageA(w, WM_USER + 4, 1, 2), 40);  // same thread: a direct call
    EXPECT_EQ(Log().size(), 1u);
    static DWORD answered_at = 0;
    static LRESULT answer = 0;
    const DWORD start = GetTickCount();
    CreateThread(
        nullptr, 0,
        [](LPVOID) -> DWORD {
          answer = SendMessageA(w, WM_USER + 7, 0, 0);  // parks until the owner pumps
          answered_at = GetTickCount();
          return 0;
        },
        nullptr, 0, nullptr);
    PostMessageA(w, WM_USER + 1, 0, 0);
    Sleep(30);
    EXPECT_EQ(answered_at, 0u);  // not answered while the owner sleeps
    MSG m;
    // The sent message is handled inside GetMessage, before the posted one is returned.
    EXPECT_EQ(GetMessageA(&m, nullptr, 0, 0), TRUE);
    EXPECT_EQ(m.message, static_cast<UINT>(WM_USER + 1));
    EXPECT_EQ(Messages(), (std::vector<UINT>{WM_USER + 4, WM_USER + 7}));
    Sleep(1);
    EXPECT_EQ(answer, 70);
    EXPECT_EQ(answered_at - start, 30u);
    EXPECT_EQ(SendMessageA(reinterpret_cast<HWND>(0x4444), WM_USER, 0, 0), 0);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_WINDOW_HANDLE));
  });
  Run();
}

TEST_F(Win32Test, SendMessageToAThreadThatEndsUnansweredReturnsZero) {
  OnServer([] {
    static HWND w = nullptr;
    HANDLE owner = CreateThread(
        nullptr, 0,
        [](LPVOID) -> DWORD {
          w = RecorderWindow();
          Sleep(20);  // never pumps
          return 0;
        },
        nullptr, 0, nullptr);
    Sleep(1);
    EXPECT_EQ(SendMessageA(w, WM_USER + 9, 0, 0), 0);
    EXPECT_EQ(WaitForSingleObject(owner, 0), WAIT_OBJECT_0);  // returned when the owner ended
    EXPECT_EQ(GetTickCount(), 20u);  // the owner started at 0 and slept 20 ms
  });
  Run();
}

// --- Time ------------------------------------------------------------------------------------------

TEST_F(Win32Test, TimeFunctionsFollowVirtualTime) {
  OnServer([] {
    const ULONGLONG t0 = GetTickCount64();
    FILETIME f0;
    GetSystemTimeAsFileTime(&f0);
    const time_t s0 = __wrap_time(nullptr);
    EXPECT_EQ(t0, 0u);  // the server starts at virtual time zero
    // 2000-01-01 00:00:00 UTC in FILETIME ticks and Unix seconds.
    EXPECT_EQ(FileTimeTicks(f0), 125911584000000000ull);
    EXPECT_EQ(s0, 946684800);
    Sleep(1500);
    EXPECT_EQ(GetTickCount64(), 1500u);
    FILETIME f1;
    GetSystemTimeAsFileTime(&f1);
    EXPECT_EQ(FileTimeTicks(f1) - FileTimeTicks(f0), 15000000u);  // 100-ns units
    time_t s1 = 0;
    EXPECT_EQ(__wrap_time(&s1), 946684801);
    EXPECT_EQ(s1, 946684801);
  });
  Run();
}

// --- Memory ------------------------------------------------------------------------------------

TEST_F(Win32Test, ProcessHeapAllocatesZeroedBlocksAndRejectsForeignOnes) {
  OnServer([] {
    HANDLE heap = GetProcessHeap();
    ASSERT_NE(heap, nullptr);
    EXPECT_EQ(GetProcessHeap(), heap);
    char* p = static_cast<char*>(HeapAlloc(heap, HEAP_ZERO_MEMORY, 16));
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(std::string(p, 16), std::string(16, '\0'));
    EXPECT_EQ(HeapSize(heap, 0, p), 16u);
    std::memcpy(p, "0123456789abcdef", 16);
    char* q = static_cast<char*>(HeapReAlloc(heap, HEAP_ZERO_MEMORY, p, 4096));
    ASSERT_NE(q, nullptr);
    EXPECT_EQ(std::string(q, 16), "0123456789abcdef");
    EXPECT_EQ(q[4095], '\0');
    EXPECT_EQ(HeapReAlloc(heap, HEAP_REALLOC_IN_PLACE_ONLY, q, 1 << 20), nullptr);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_NOT_ENOUGH_MEMORY));
    EXPECT_TRUE(HeapFree(heap, 0, q));
    EXPECT_FALSE(HeapFree(heap, 0, q));  // double free: an error, not a crash
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
    int local = 0;
    EXPECT_FALSE(HeapFree(heap, 0, &local));
    EXPECT_TRUE(HeapFree(heap, 0, nullptr));
    EXPECT_EQ(HeapAlloc(reinterpret_cast<HANDLE>(0x4444), 0, 8), nullptr);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
    HLOCAL l = LocalAlloc(LPTR, 32);
    ASSERT_NE(l, nullptr);
    EXPECT_EQ(LocalFree(l), nullptr);
    EXPECT_EQ(LocalFree(l), l);  // not a live block any more
  });
  Run();
}

TEST_F(Win32Test, MemoryMacrosAndLstrFunctions) {
  OnServer([] {
    char a[8];
    FillMemory(a, sizeof(a), 'x');
    EXPECT_EQ(std::string(a, 8), "xxxxxxxx");
    ZeroMemory(a, 4);
    EXPECT_EQ(std::string(a, 8), std::string(4, '\0') + "xxxx");
    CopyMemory(a, "abcd", 4);
    MoveMemory(a + 1, a, 4);
    EXPECT_EQ(std::string(a, 5), "aabcd");

    char buf[32];
    EXPECT_EQ(lstrcpyA(buf, "Win"), buf);
    EXPECT_EQ(lstrcatA(buf, "sock"), buf);
    EXPECT_STREQ(buf, "Winsock");
    EXPECT_EQ(lstrlenA(buf), 7);
    EXPECT_EQ(lstrlenA(nullptr), 0);
    const WCHAR wide[] = {'a', 'b', 'c', 0};
    EXPECT_EQ(lstrlenW(wide), 3);
    EXPECT_EQ(lstrcmpA("abc", "abd"), -1);
    EXPECT_EQ(lstrcmpA("abc", "abc"), 0);
    EXPECT_EQ(lstrcmpA("b", "a"), 1);
    EXPECT_EQ(lstrcmpiA("ABC", "abc"), 0);
    EXPECT_STREQ(lstrcpynA(buf, "truncate", 4), "tru");
  });
  Run();
}

TEST_F(Win32Test, StrsafePrintersTruncateAndReport) {
  OnServer([] {
    char buf[8];
    EXPECT_EQ(StringCchPrintfA(buf, sizeof(buf), "%d-%s", 42, "ok"), S_OK);
    EXPECT_STREQ(buf, "42-ok");
    EXPECT_EQ(StringCchPrintfA(buf, sizeof(buf), "%s", "much too long"),
              STRSAFE_E_INSUFFICIENT_BUFFER);
    EXPECT_STREQ(buf, "much to");  // truncated, terminated
    EXPECT_EQ(StringCbPrintfA(buf, 4, "%d", 12345), STRSAFE_E_INSUFFICIENT_BUFFER);
    EXPECT_STREQ(buf, "123");
    EXPECT_EQ(StringCchPrintfA(buf, 0, "x"), STRSAFE_E_INVALID_PARAMETER);
    EXPECT_EQ(StringCchCopyA(buf, sizeof(buf), "abc"), S_OK);
    EXPECT_EQ(StringCchCatA(buf, sizeof(buf), "def"), S_OK);
    EXPECT_STREQ(buf, "abcdef");
    EXPECT_EQ(StringCchCatA(buf, sizeof(buf), "gh"), STRSAFE_E_INSUFFICIENT_BUFFER);
    EXPECT_STREQ(buf, "abcdefg");
    EXPECT_EQ(StringCchCopyA(buf, 3, "abc"), STRSAFE_E_INSUFFICIENT_BUFFER);
    EXPECT_STREQ(buf, "ab");
    size_t length = 0;
    EXPECT_EQ(StringCchLengthA("hello", 10, &length), S_OK);
    EXPECT_EQ(length, 5u);
    EXPECT_TRUE(SUCCEEDED(S_OK));
    EXPECT_TRUE(FAILED(STRSAFE_E_INSUFFICIENT_BUFFER));
  });
  Run();
}

// --- FormatMessage and console -------------------------------------------------------------------

TEST_F(Win32Test, FormatMessageGivesTheWindowsTextOfWinsockErrors) {
  OnServer([] {
    char buf[256];
    const DWORD flags = FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS;
    const std::string reset = "An existing connection was forcibly closed by the remote host.";
    DWORD n = FormatMessageA(flags, nullptr, WSAECONNRESET, MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT),
                             buf, sizeof(buf), nullptr);
    EXPECT_EQ(std::string(buf), reset + "\r\n");
    EXPECT_EQ(n, reset.size() + 2);
    n = FormatMessageA(flags | FORMAT_MESSAGE_MAX_WIDTH_MASK, nullptr, WSAEWOULDBLOCK, 0, buf,
                       sizeof(buf), nullptr);
    EXPECT_STREQ(buf, "A non-blocking socket operation could not be completed immediately.");
    EXPECT_EQ(n, std::strlen(buf));
    FormatMessageA(flags, nullptr, WSAECONNREFUSED, 0, buf, sizeof(buf), nullptr);
    EXPECT_STREQ(buf, "No connection could be made because the target machine actively refused it.\r\n");
    FormatMessageA(flags, nullptr, WSANOTINITIALISED, 0, buf, sizeof(buf), nullptr);
    EXPECT_STREQ(buf, "Either the application has not called WSAStartup, or WSAStartup failed.\r\n");
    LPSTR allocated = nullptr;
    n = FormatMessageA(flags | FORMAT_MESSAGE_ALLOCATE_BUFFER, nullptr, WSAHOST_NOT_FOUND, 0,
                       reinterpret_cast<LPSTR>(&allocated), 0, nullptr);
    ASSERT_NE(allocated, nullptr);
    EXPECT_STREQ(allocated, "No such host is known.\r\n");
    EXPECT_EQ(n, 24u);
    EXPECT_EQ(LocalFree(allocated), nullptr);
    EXPECT_EQ(FormatMessageA(flags, nullptr, 12345, 0, buf, sizeof(buf), nullptr), 0u);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_MR_MID_NOT_FOUND));
    EXPECT_EQ(FormatMessageA(flags, nullptr, WSAECONNRESET, 0, buf, 10, nullptr), 0u);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INSUFFICIENT_BUFFER));
  });
  Run();
}

TEST_F(Win32Test, WriteConsoleGoesToTheProcessOutput) {
  OnServer([] {
    HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
    EXPECT_NE(out, INVALID_HANDLE_VALUE);
    EXPECT_NE(out, GetStdHandle(STD_ERROR_HANDLE));
    DWORD written = 0;
    EXPECT_TRUE(WriteConsoleA(out, "hello console\n", 14, &written, nullptr));
    EXPECT_EQ(written, 14u);
    EXPECT_FALSE(WriteConsoleA(reinterpret_cast<HANDLE>(0x4444), "x", 1, &written, nullptr));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
    EXPECT_EQ(model::Runtime::Active()->processes().Current()->output(), "hello console\n");
  });
  Run();
}

}  // namespace
}  // namespace ws2sim::scenarios::testing
