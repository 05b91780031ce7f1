// The minimal window model WSAAsyncSelect needs (DESIGN.md section 7; S1 §3.1.12, SPEC 2.12;
// CHECKLIST SPI-UPCALL-07): window classes, windows (message-only ones included), one message
// queue per thread, posted and sent messages, WM_QUIT, and the default window procedure. The
// guest-facing functions (RegisterClass, CreateWindowEx, GetMessage, ...) are in api_window.cc;
// WPUPostMessage (upcalls.cc) posts through Post.
//
// Invariants:
//  - HWNDs come from ProcessTable::NewHandle: multiples of 4, never reused (D-92). A window
//    belongs to the thread that created it; it is gone after DestroyWindow or when that thread
//    ends (then without WM_DESTROY), and a gone window is never valid again.
//  - A thread's posted messages are retrieved in the order posted (FIFO), whoever posted them
//    (another thread, a provider's upcall from a network event). WM_QUIT is retrieved only when
//    no posted message matches, whatever the filter.
//  - Sent messages from other threads are handled (the window procedure is called) inside the
//    receiving thread's GetMessage / PeekMessage, before any posted message, in the order sent;
//    the sender is parked until then and handles messages sent to itself meanwhile. A send to a
//    thread that ends unanswered returns 0.
//  - A thread blocked in GetMessage parks in virtual time and wakes when a message is posted or
//    sent to it.
#ifndef WS2SIM_MODEL_WINDOWS_UI_H_
#define WS2SIM_MODEL_WINDOWS_UI_H_

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/strings/string_view.h"
#include "model/process.h"
#include "sim/scheduler.h"

namespace ws2sim::model {

// Win32 error codes the window functions set (winerror.h values).
inline constexpr uint32_t kErrorAccessDenied = 5;
inline constexpr uint32_t kErrorInvalidWindowHandle = 1400;
inline constexpr uint32_t kErrorCannotFindWndClass = 1407;
inline constexpr uint32_t kErrorClassAlreadyExists = 1410;
inline constexpr uint32_t kErrorClassDoesNotExist = 1411;
inline constexpr uint32_t kErrorInvalidIndex = 1413;

// GetModuleHandle(NULL) and every window's GWLP_HINSTANCE: the classic image base.
inline constexpr int64_t kModuleHandle = 0x400000;

// A window procedure's address, type-erased (a WNDPROC; windows_ui.cc casts it back to call it).
// Null: the default window procedure.
using ProcAddress = void (*)();

// One queued message: MSG's fields (hwnd 0: a thread message).
struct WindowMessage {
  uint32_t hwnd = 0;
  uint32_t message = 0;
  uint64_t wparam = 0;
  int64_t lparam = 0;
  uint32_t time = 0;  // GetTickCount when posted
};

class WindowModel {
 public:
  // Ends a thread's windows and answers the sends waiting on it (installs a thread exit hook).
  WindowModel(sim::Scheduler& scheduler, ProcessTable& processes);

  // RegisterClassEx: `name` (case-insensitive) in `process`; the class atom (0xC000, 0xC001,
  // ... in registration order), or 0 with ERROR_CLASS_ALREADY_EXISTS.
  uint16_t AddClass(Process& process, absl::string_view name, ProcAddress proc,
                         int window_extra_bytes, uint32_t* error);
  // UnregisterClass: false with ERROR_CLASS_DOES_NOT_EXIST.
  bool RemoveClass(Process& process, absl::string_view name, uint32_t* error);

  // CreateWindowEx from the current thread: class by `name`, or by atom when `name` is empty;
  // "STATIC" and "Message" are predefined (default procedure). `parent` 0 or a valid window;
  // `message_only` for HWND_MESSAGE. Calls the procedure with WM_NCCREATE (FALSE: creation
  // fails) and WM_CREATE (-1: fails, the window is destroyed), each with lParam = a CREATESTRUCT
  // whose lpCreateParams is `create_param`. The HWND, or 0 with ERROR_CANNOT_FIND_WND_CLASS or
  // ERROR_INVALID_WINDOW_HANDLE (bad parent); a refused creation leaves the error 0.
  uint32_t Create(absl::string_view name, uint16_t atom, absl::string_view title,
                        uint32_t style, uint32_t ex_style, uint32_t parent, bool message_only,
                        void* create_param, uint32_t* error);
  // DestroyWindow from the current thread: WM_DESTROY then WM_NCDESTROY, then the window is gone
  // and its posted messages are removed. ERROR_INVALID_WINDOW_HANDLE, or ERROR_ACCESS_DENIED
  // from a thread that does not own it.
  bool Destroy(uint32_t hwnd, uint32_t* error);
  bool IsWindow(uint32_t hwnd) const { return Live(hwnd) != nullptr; }
  // The thread that owns `hwnd` (GetWindowThreadProcessId); 0 if none.
  uint32_t OwnerThread(uint32_t hwnd) const;

  // PostMessage, from any context (an upcall from a network event too): queues to the window's
  // thread. hwnd 0: the current thread's queue (a thread message). ERROR_INVALID_WINDOW_HANDLE.
  bool Post(uint32_t hwnd, uint32_t message, uint64_t wparam, int64_t lparam, uint32_t* error);
  // PostThreadMessage to thread `tid`: ERROR_INVALID_PARAMETER (87) if it is no running thread.
  bool PostToThread(uint32_t tid, uint32_t message, uint64_t wparam, int64_t lparam,
                    uint32_t* error);
  // PostQuitMessage: the current thread will retrieve WM_QUIT with wParam = `code`.
  void PostQuit(int code);
  // SendMessage from the current thread: the procedure's result. Same thread: a direct call;
  // another thread: queued, the caller parks until that thread's message loop handles it (0 if
  // it ends first). False in *ok (with ERROR_INVALID_WINDOW_HANDLE) for a bad window.
  int64_t Send(uint32_t hwnd, uint32_t message, uint64_t wparam, int64_t lparam, bool* ok,
               uint32_t* error);

  // GetMessage / PeekMessage for the current thread. Filter: `hwnd` 0 any message, hwnd -1
  // (0xFFFFFFFF) thread messages only, else that window's; [min, max] the message range (0, 0:
  // all). Handles pending sent messages first. Returns 1 with *out filled, 0 for WM_QUIT
  // (filled too), -1 with ERROR_INVALID_WINDOW_HANDLE for a bad filter window; with `wait`
  // false (PeekMessage), 2 when nothing matched. `remove` false leaves the message queued
  // (PM_NOREMOVE; WM_QUIT too).
  static constexpr int kNothing = 2;
  int Get(uint32_t hwnd, uint32_t min, uint32_t max, bool remove, bool wait, WindowMessage* out,
          uint32_t* error);
  // WaitMessage: parks until the current thread's queue has a message it has not seen.
  void WaitForInput();

  // DispatchMessage: calls the window's procedure (0 for a thread message or a gone window).
  int64_t Dispatch(const WindowMessage& m);
  // Calls `hwnd`'s procedure (its default one when null) with the message, on this thread.
  int64_t CallProcedure(uint32_t hwnd, uint32_t message, uint64_t wparam, int64_t lparam);
  // DefWindowProc: WM_NCCREATE answers TRUE, WM_CLOSE destroys the window; otherwise 0.
  int64_t DefaultProcedure(uint32_t hwnd, uint32_t message, uint64_t wparam, int64_t lparam);

  // GetWindowLongPtr / SetWindowLongPtr: GWLP_USERDATA (-21), GWLP_WNDPROC (-4), GWLP_ID
  // (-12), or a byte offset into the class's extra bytes (8 bytes at a time). Set returns the
  // previous value. ERROR_INVALID_WINDOW_HANDLE, ERROR_INVALID_INDEX.
  bool GetLong(uint32_t hwnd, int index, int64_t* value, uint32_t* error) const;
  bool SetLong(uint32_t hwnd, int index, int64_t value, int64_t* previous, uint32_t* error);

 private:
  struct WindowClass {
    std::string name;  // as registered
    uint16_t atom = 0;
    ProcAddress proc = nullptr;
    int extra_bytes = 0;
  };
  struct Window {
    uint32_t hwnd = 0;
    uint32_t pid = 0;
    uint32_t tid = 0;
    std::string class_name;
    ProcAddress proc = nullptr;
    uint32_t parent = 0;
    bool message_only = false;
    bool alive = true;
    int64_t user_data = 0;
    int64_t id = 0;
    std::vector<uint8_t> extra;
  };
  struct SentMessage {
    WindowMessage message;
    int64_t result = 0;
    bool done = false;
    sim::FiberId sender = sim::kNoFiber;
  };
  struct Queue {
    std::deque<WindowMessage> posted;
    std::deque<std::shared_ptr<SentMessage>> sent;
    bool quit = false;
    int quit_code = 0;
    sim::FiberId waiting = sim::kNoFiber;  // parked in GetMessage / WaitMessage / a send
    bool ended = false;                     // its thread finished
  };

  Window* Live(uint32_t hwnd);
  const Window* Live(uint32_t hwnd) const;
  const WindowClass* FindClass(uint32_t pid, absl::string_view name, uint16_t atom) const;
  Queue& QueueOf(uint32_t tid);
  void Enqueue(uint32_t tid, const WindowMessage& m);
  void Wake(Queue& q);
  // Handles every message other threads sent to the current thread; true if any.
  bool HandleSent(Queue& q);
  void OnThreadExit(Thread& t);
  uint32_t Now() const;

  sim::Scheduler& scheduler_;
  ProcessTable& processes_;
  // std::map with unique_ptr values: a window procedure runs while callers hold a Window* or a
  // Queue&, and may create windows or touch other queues meanwhile.
  std::map<uint32_t, std::unique_ptr<Window>> windows_;  // by HWND; gone ones stay, not alive
  std::map<uint32_t, std::unique_ptr<Queue>> queues_;    // by tid
  // Per process: lower-case class name -> class.
  absl::btree_map<uint32_t, absl::btree_map<std::string, WindowClass>> classes_;
  uint16_t next_atom_ = 0xC000;
};

}  // namespace ws2sim::model

#endif  // WS2SIM_MODEL_WINDOWS_UI_H_
