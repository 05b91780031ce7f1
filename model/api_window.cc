// The window and message functions of winuser.h over the window model (model/windows_ui.h), and
// WSAAsyncSelect (S1 §3.1.12; SPEC 2.12): validate, then dispatch to the provider's
// WSPAsyncSelect, which posts through WPUPostMessage (upcalls.cc).
#include <string>

#include "model/api_context.h"

using ws2sim::model::ApiContext;
using ws2sim::model::Dispatch;
using ws2sim::model::HandleValue;
using ws2sim::model::ProcAddress;
using ws2sim::model::WindowMessage;
using ws2sim::model::WindowModel;

namespace {

HWND AsHwnd(uint32_t v) { return reinterpret_cast<HWND>(static_cast<uintptr_t>(v)); }

// A class or window name: the text, or, for MAKEINTATOM values (below 0x10000), the atom.
template <typename Char>
std::string NameOf(const Char* s, uint16_t* atom) {
  *atom = 0;
  if (s == nullptr) return "";
  if (reinterpret_cast<uintptr_t>(s) < 0x10000) {
    *atom = static_cast<uint16_t>(reinterpret_cast<uintptr_t>(s));
    return "";
  }
  std::string out;
  for (; *s != 0; ++s) out.push_back(*s < 0x80 ? static_cast<char>(*s) : '?');  // W: ASCII only
  return out;
}

template <typename Char>
std::string TextOf(const Char* s) {
  uint16_t ignored = 0;
  return NameOf(s, &ignored);
}

template <typename Char>
ATOM RegisterClassImpl(const char* function, const Char* name, WNDPROC proc, int window_extra) {
  ApiContext ctx(function);
  uint16_t atom = 0;
  const std::string text = NameOf(name, &atom);
  uint32_t error = 0;
  const ATOM result = ctx.rt.windows().AddClass(ctx.process, text,
                                                reinterpret_cast<ProcAddress>(proc),
                                                window_extra, &error);
  return result == 0 ? ctx.Fail(static_cast<int>(error), ATOM{0}) : ctx.Return(result);
}

template <typename Char>
BOOL UnregisterClassImpl(const char* function, const Char* name) {
  ApiContext ctx(function);
  uint32_t error = 0;
  if (!ctx.rt.windows().RemoveClass(ctx.process, TextOf(name), &error)) {
    return ctx.Fail(static_cast<int>(error), FALSE);
  }
  return ctx.Return(TRUE);
}

template <typename Char>
HWND CreateWindowImpl(const char* function, DWORD ex_style, const Char* class_name,
                      const Char* window_name, DWORD style, HWND parent, LPVOID param) {
  ApiContext ctx(function, 0, {HandleValue(parent), style, ex_style});
  uint16_t atom = 0;
  const std::string cls = NameOf(class_name, &atom);
  const bool message_only = parent == HWND_MESSAGE;
  uint32_t error = 0;
  const uint32_t hwnd =
      ctx.rt.windows().Create(cls, atom, TextOf(window_name), style, ex_style,
                              message_only ? 0 : HandleValue(parent), message_only, param, &error);
  if (hwnd == 0) return ctx.Fail(static_cast<int>(error), static_cast<HWND>(nullptr));
  ctx.Return(hwnd);  // the value, deterministic (HWND is a pointer type)
  return AsHwnd(hwnd);
}

void Fill(const WindowMessage& m, LPMSG out) {
  out->hwnd = AsHwnd(m.hwnd);
  out->message = m.message;
  out->wParam = static_cast<WPARAM>(m.wparam);
  out->lParam = static_cast<LPARAM>(m.lparam);
  out->time = m.time;
  out->pt.x = 0;
  out->pt.y = 0;
}

BOOL GetMessageImpl(const char* function, LPMSG msg, HWND hwnd, UINT min, UINT max) {
  ApiContext ctx(function, 0, {HandleValue(hwnd), min, max});
  if (msg == nullptr) return ctx.Fail(ERROR_INVALID_PARAMETER, -1);
  WindowMessage m;
  uint32_t error = 0;
  const int r = ctx.rt.windows().Get(HandleValue(hwnd), min, max, /*remove=*/true,
                                     /*wait=*/true, &m, &error);
  if (r < 0) return ctx.Fail(static_cast<int>(error), -1);
  Fill(m, msg);
  return ctx.Return(r);  // 0 for WM_QUIT
}

BOOL PeekMessageImpl(const char* function, LPMSG msg, HWND hwnd, UINT min, UINT max,
                     UINT remove) {
  ApiContext ctx(function, 0, {HandleValue(hwnd), min, max, remove});
  if (msg == nullptr) return ctx.Fail(ERROR_INVALID_PARAMETER, FALSE);
  WindowMessage m;
  uint32_t error = 0;
  const int r = ctx.rt.windows().Get(HandleValue(hwnd), min, max, (remove & PM_REMOVE) != 0,
                                     /*wait=*/false, &m, &error);
  if (r < 0) return ctx.Fail(static_cast<int>(error), FALSE);
  if (r == WindowModel::kNothing) return ctx.Return(FALSE);
  Fill(m, msg);
  return ctx.Return(TRUE);  // WM_QUIT too
}

LRESULT DispatchMessageImpl(const char* function, const MSG* msg) {
  ApiContext ctx(function, 0, {msg == nullptr ? 0 : HandleValue(msg->hwnd),
                               msg == nullptr ? 0 : msg->message});
  if (msg == nullptr) return ctx.Fail(ERROR_INVALID_PARAMETER, LRESULT{0});
  return ctx.Return(ctx.rt.windows().Dispatch(WindowMessage{
      HandleValue(msg->hwnd), msg->message, msg->wParam, msg->lParam, msg->time}));
}

BOOL PostMessageImpl(const char* function, HWND hwnd, UINT message, WPARAM wparam,
                     LPARAM lparam) {
  ApiContext ctx(function, 0, {HandleValue(hwnd), message, static_cast<int64_t>(wparam), lparam});
  uint32_t error = 0;
  if (!ctx.rt.windows().Post(HandleValue(hwnd), message, wparam, lparam, &error)) {
    return ctx.Fail(static_cast<int>(error), FALSE);
  }
  return ctx.Return(TRUE);
}

BOOL PostThreadMessageImpl(const char* function, DWORD tid, UINT message, WPARAM wparam,
                           LPARAM lparam) {
  ApiContext ctx(function, 0, {tid, message, static_cast<int64_t>(wparam), lparam});
  uint32_t error = 0;
  if (!ctx.rt.windows().PostToThread(tid, message, wparam, lparam, &error)) {
    return ctx.Fail(static_cast<int>(error), FALSE);
  }
  return ctx.Return(TRUE);
}

LRESULT SendMessageImpl(const char* function, HWND hwnd, UINT message, WPARAM wparam,
                        LPARAM lparam) {
  ApiContext ctx(function, 0, {HandleValue(hwnd), message, static_cast<int64_t>(wparam), lparam});
  bool ok = false;
  uint32_t error = 0;
  const LRESULT r = ctx.rt.windows().Send(HandleValue(hwnd), message, wparam, lparam, &ok, &error);
  return ok ? ctx.Return(r) : ctx.Fail(static_cast<int>(error), LRESULT{0});
}

LRESULT DefWindowProcImpl(const char* function, HWND hwnd, UINT message, WPARAM wparam,
                          LPARAM lparam) {
  ApiContext ctx(function, 0, {HandleValue(hwnd), message});
  return ctx.Return(ctx.rt.windows().DefaultProcedure(HandleValue(hwnd), message, wparam, lparam));
}

LONG_PTR GetWindowLongPtrImpl(const char* function, HWND hwnd, int index) {
  ApiContext ctx(function, 0, {HandleValue(hwnd), index});
  int64_t value = 0;
  uint32_t error = 0;
  if (!ctx.rt.windows().GetLong(HandleValue(hwnd), index, &value, &error)) {
    return ctx.Fail(static_cast<int>(error), LONG_PTR{0});
  }
  return ctx.Return(static_cast<LONG_PTR>(value));
}

LONG_PTR SetWindowLongPtrImpl(const char* function, HWND hwnd, int index, LONG_PTR value) {
  ApiContext ctx(function, 0, {HandleValue(hwnd), index});
  int64_t previous = 0;
  uint32_t error = 0;
  if (!ctx.rt.windows().SetLong(HandleValue(hwnd), index, value, &previous, &error)) {
    return ctx.Fail(static_cast<int>(error), LONG_PTR{0});
  }
  return ctx.Return(static_cast<LONG_PTR>(previous));
}

}  // namespace

extern "C" {

ATOM WINAPI RegisterClassA(const WNDCLASSA* wc) {
  if (wc == nullptr) return RegisterClassImpl<char>("RegisterClassA", nullptr, nullptr, 0);
  return RegisterClassImpl("RegisterClassA", wc->lpszClassName, wc->lpfnWndProc, wc->cbWndExtra);
}
ATOM WINAPI RegisterClassW(const WNDCLASSW* wc) {
  if (wc == nullptr) return RegisterClassImpl<WCHAR>("RegisterClassW", nullptr, nullptr, 0);
  return RegisterClassImpl("RegisterClassW", wc->lpszClassName, wc->lpfnWndProc, wc->cbWndExtra);
}
ATOM WINAPI RegisterClassExA(const WNDCLASSEXA* wc) {
  if (wc == nullptr || wc->cbSize != sizeof(WNDCLASSEXA)) {
    return RegisterClassImpl<char>("RegisterClassExA", nullptr, nullptr, 0);
  }
  return RegisterClassImpl("RegisterClassExA", wc->lpszClassName, wc->lpfnWndProc,
                           wc->cbWndExtra);
}
ATOM WINAPI RegisterClassExW(const WNDCLASSEXW* wc) {
  if (wc == nullptr || wc->cbSize != sizeof(WNDCLASSEXW)) {
    return RegisterClassImpl<WCHAR>("RegisterClassExW", nullptr, nullptr, 0);
  }
  return RegisterClassImpl("RegisterClassExW", wc->lpszClassName, wc->lpfnWndProc,
                           wc->cbWndExtra);
}
BOOL WINAPI UnregisterClassA(LPCSTR name, HINSTANCE) {
  return UnregisterClassImpl("UnregisterClassA", name);
}
BOOL WINAPI UnregisterClassW(LPCWSTR name, HINSTANCE) {
  return UnregisterClassImpl("UnregisterClassW", name);
}

HWND WINAPI CreateWindowExA(DWORD ex_style, LPCSTR class_name, LPCSTR window_name, DWORD style,
                            int, int, int, int, HWND parent, HMENU, HINSTANCE, LPVOID param) {
  return CreateWindowImpl("CreateWindowExA", ex_style, class_name, window_name, style, parent,
                          param);
}
HWND WINAPI CreateWindowExW(DWORD ex_style, LPCWSTR class_name, LPCWSTR window_name, DWORD style,
                            int, int, int, int, HWND parent, HMENU, HINSTANCE, LPVOID param) {
  return CreateWindowImpl("CreateWindowExW", ex_style, class_name, window_name, style, parent,
                          param);
}

BOOL WINAPI DestroyWindow(HWND hwnd) {
  ApiContext ctx("DestroyWindow", 0, {HandleValue(hwnd)});
  uint32_t error = 0;
  if (!ctx.rt.windows().Destroy(HandleValue(hwnd), &error)) {
    return ctx.Fail(static_cast<int>(error), FALSE);
  }
  return ctx.Return(TRUE);
}

BOOL WINAPI IsWindow(HWND hwnd) {
  ApiContext ctx("IsWindow", 0, {HandleValue(hwnd)});
  return ctx.Return(ctx.rt.windows().IsWindow(HandleValue(hwnd)) ? TRUE : FALSE);
}

BOOL WINAPI ShowWindow(HWND hwnd, int) {
  ApiContext ctx("ShowWindow", 0, {HandleValue(hwnd)});
  return ctx.Return(FALSE);  // nothing is displayed: it was hidden before
}

BOOL WINAPI UpdateWindow(HWND hwnd) {
  ApiContext ctx("UpdateWindow", 0, {HandleValue(hwnd)});
  return ctx.Return(ctx.rt.windows().IsWindow(HandleValue(hwnd)) ? TRUE : FALSE);
}

DWORD WINAPI GetWindowThreadProcessId(HWND hwnd, LPDWORD pid) {
  ApiContext ctx("GetWindowThreadProcessId", 0, {HandleValue(hwnd)});
  const uint32_t tid = ctx.rt.windows().OwnerThread(HandleValue(hwnd));
  if (tid == 0) return ctx.Fail(ERROR_INVALID_WINDOW_HANDLE, DWORD{0});
  if (pid != nullptr) *pid = ctx.rt.processes().FindThread(tid)->process->pid();
  return ctx.Return(tid);
}

BOOL WINAPI GetMessageA(LPMSG msg, HWND hwnd, UINT min, UINT max) {
  return GetMessageImpl("GetMessageA", msg, hwnd, min, max);
}
BOOL WINAPI GetMessageW(LPMSG msg, HWND hwnd, UINT min, UINT max) {
  return GetMessageImpl("GetMessageW", msg, hwnd, min, max);
}
BOOL WINAPI PeekMessageA(LPMSG msg, HWND hwnd, UINT min, UINT max, UINT remove) {
  return PeekMessageImpl("PeekMessageA", msg, hwnd, min, max, remove);
}
BOOL WINAPI PeekMessageW(LPMSG msg, HWND hwnd, UINT min, UINT max, UINT remove) {
  return PeekMessageImpl("PeekMessageW", msg, hwnd, min, max, remove);
}

BOOL WINAPI WaitMessage(void) {
  ApiContext ctx("WaitMessage");
  ctx.rt.windows().WaitForInput();
  return ctx.Return(TRUE);
}

BOOL WINAPI TranslateMessage(const MSG* msg) {
  ApiContext ctx("TranslateMessage", 0, {msg == nullptr ? 0 : msg->message});
  return ctx.Return(FALSE);  // no keyboard: nothing to translate
}

LRESULT WINAPI DispatchMessageA(const MSG* msg) { return DispatchMessageImpl("DispatchMessageA", msg); }
LRESULT WINAPI DispatchMessageW(const MSG* msg) { return DispatchMessageImpl("DispatchMessageW", msg); }

BOOL WINAPI PostMessageA(HWND hwnd, UINT message, WPARAM wparam, LPARAM lparam) {
  return PostMessageImpl("PostMessageA", hwnd, message, wparam, lparam);
}
BOOL WINAPI PostMessageW(HWND hwnd, UINT message, WPARAM wparam, LPARAM lparam) {
  return PostMessageImpl("PostMessageW", hwnd, message, wparam, lparam);
}
BOOL WINAPI PostThreadMessageA(DWORD tid, UINT message, WPARAM wparam, LPARAM lparam) {
  return PostThreadMessageImpl("PostThreadMessageA", tid, message, wparam, lparam);
}
BOOL WINAPI PostThreadMessageW(DWORD tid, UINT message, WPARAM wparam, LPARAM lparam) {
  return PostThreadMessageImpl("PostThreadMessageW", tid, message, wparam, lparam);
}
LRESULT WINAPI SendMessageA(HWND hwnd, UINT message, WPARAM wparam, LPARAM lparam) {
  return SendMessageImpl("SendMessageA", hwnd, message, wparam, lparam);
}
LRESULT WINAPI SendMessageW(HWND hwnd, UINT message, WPARAM wparam, LPARAM lparam) {
  return SendMessageImpl("SendMessageW", hwnd, message, wparam, lparam);
}

void WINAPI PostQuitMessage(int code) {
  ApiContext ctx("PostQuitMessage", 0, {code});
  ctx.rt.windows().PostQuit(code);
}

LRESULT WINAPI DefWindowProcA(HWND hwnd, UINT message, WPARAM wparam, LPARAM lparam) {
  return DefWindowProcImpl("DefWindowProcA", hwnd, message, wparam, lparam);
}
LRESULT WINAPI DefWindowProcW(HWND hwnd, UINT message, WPARAM wparam, LPARAM lparam) {
  return DefWindowProcImpl("DefWindowProcW", hwnd, message, wparam, lparam);
}

LRESULT WINAPI CallWindowProcA(WNDPROC proc, HWND hwnd, UINT message, WPARAM wparam,
                               LPARAM lparam) {
  ApiContext ctx("CallWindowProcA", 0, {HandleValue(hwnd), message});
  if (proc == nullptr) return ctx.Return(LRESULT{0});
  return ctx.Return(proc(hwnd, message, wparam, lparam));
}

LONG_PTR WINAPI GetWindowLongPtrA(HWND hwnd, int index) {
  return GetWindowLongPtrImpl("GetWindowLongPtrA", hwnd, index);
}
LONG_PTR WINAPI GetWindowLongPtrW(HWND hwnd, int index) {
  return GetWindowLongPtrImpl("GetWindowLongPtrW", hwnd, index);
}
LONG_PTR WINAPI SetWindowLongPtrA(HWND hwnd, int index, LONG_PTR value) {
  return SetWindowLongPtrImpl("SetWindowLongPtrA", hwnd, index, value);
}
LONG_PTR WINAPI SetWindowLongPtrW(HWND hwnd, int index, LONG_PTR value) {
  return SetWindowLongPtrImpl("SetWindowLongPtrW", hwnd, index, value);
}

// The hInstance window classes are registered with (KERNEL32; winbase.h).
HMODULE WINAPI GetModuleHandleA(LPCSTR) {
  ApiContext ctx("GetModuleHandleA");
  ctx.Return(ws2sim::model::kModuleHandle);
  return reinterpret_cast<HMODULE>(static_cast<uintptr_t>(ws2sim::model::kModuleHandle));
}

// S1 §3.1.12, SPEC 2.12: WSANOTINITIALISED, WSAENOTSOCK, then WSAEINVAL for a window that does
// not exist when lEvent selects something (CHECKLIST SPI-ASEL-25); the provider does the rest.
int WSAAPI WSAAsyncSelect(SOCKET s, HWND hWnd, u_int wMsg, LONG lEvent) {
  ApiContext ctx("WSAAsyncSelect", s, {HandleValue(hWnd), wMsg, lEvent});
  int error = 0;
  if (ctx.ProviderOf(s, &error) == nullptr) return ctx.Fail(error);
  if (lEvent != 0 && !ctx.rt.windows().IsWindow(HandleValue(hWnd))) return ctx.Fail(WSAEINVAL);
  return Dispatch(ctx, s, "WSPAsyncSelect", &WSPPROC_TABLE::lpWSPAsyncSelect, hWnd, wMsg, lEvent);
}

}  // extern "C"
