/* windows.h -- the Win32 subset that ws2sim's guest programs and service providers need.
 *
 * Guests are unmodified Winsock C/C++ programs compiled on Linux x86-64 and run as simulated
 * processes (DESIGN.md section 7). This header gives them the Windows types, macros and the
 * declarations of the Win32 functions a Winsock program typically calls; ws2sim's DLL model
 * implements those functions against virtual time and simulated threads. The window and message
 * functions are in winuser.h, the other KERNEL32 conveniences (heap, time, strings, FormatMessage,
 * console) in winbase.h; both are included at the end.
 *
 * The seed ws2spi.h (S1 App. A.2) takes its basic types from windows.h and guards the include with
 * _INC_WINDOWS, which is therefore this header's include guard.
 *
 * Sizes: this is a 64-bit Linux process, so pointers, HANDLEs and the *_PTR types are 64-bit, as
 * on 64-bit Windows. The Windows integer types keep their Windows widths: LONG and ULONG are
 * 32-bit (Windows `long` is 32-bit; Linux `long` is 64-bit, so `long` is never used here), DWORD
 * is 32-bit, WCHAR is 16-bit (char16_t in C++, uint16_t in C; Linux wchar_t is 32-bit, so L""
 * literals do not fit WCHAR).
 *
 * C-compatible: usable from C11 and C++20. Functions have C linkage and are declared only.
 */
#ifndef _INC_WINDOWS
#define _INC_WINDOWS
#define _WINDOWS_ /* the later SDK's guard, for guests that test it (not in seeds) */

#include <stddef.h>
#include <stdint.h>
#include <string.h> /* ZeroMemory, CopyMemory */

/* ---- Calling-convention and segment keywords: all empty on x86-64 ---- */
#define FAR
#define NEAR
#define PASCAL
#define WINAPI
#define WINAPIV
#define CALLBACK
#define APIENTRY
#define CONST const
#define VOID void

#if defined(__cplusplus)
#define WS2SIM_NORETURN [[noreturn]]
#else
#define WS2SIM_NORETURN _Noreturn
#endif

/* ---- Fixed-width Windows integer types ---- */
typedef uint8_t BYTE;
typedef uint16_t WORD;
typedef uint32_t DWORD;
typedef int BOOL;
typedef unsigned char BOOLEAN;
typedef char CHAR;
typedef unsigned char UCHAR;
typedef short SHORT;
typedef unsigned short USHORT;
typedef int INT;
typedef unsigned int UINT;
typedef int32_t LONG;   /* Windows long: 32-bit */
typedef uint32_t ULONG; /* Windows unsigned long: 32-bit */
typedef int64_t LONGLONG;
typedef uint64_t ULONGLONG;
typedef uint64_t DWORD64;
#if defined(__cplusplus)
typedef char16_t WCHAR;
#else
typedef uint16_t WCHAR;
#endif

/* Pointer-sized integers (64-bit here) */
typedef intptr_t INT_PTR;
typedef uintptr_t UINT_PTR;
typedef intptr_t LONG_PTR;
typedef uintptr_t ULONG_PTR;
typedef uintptr_t DWORD_PTR;
typedef ULONG_PTR SIZE_T;

/* ---- Pointer types ---- */
typedef void *PVOID, *LPVOID;
typedef const void *LPCVOID;
typedef CHAR *PCHAR, *PSTR, *LPSTR;
typedef const CHAR *PCSTR, *LPCSTR;
typedef WCHAR *PWCHAR, *PWSTR, *LPWSTR;
typedef const WCHAR *PCWSTR, *LPCWSTR;
typedef BYTE *PBYTE, *LPBYTE;
typedef WORD *PWORD, *LPWORD;
typedef DWORD *PDWORD, *LPDWORD;
typedef BOOL *PBOOL, *LPBOOL;
typedef INT *PINT, *LPINT;
typedef UINT *PUINT, *LPUINT;
typedef LONG *PLONG, *LPLONG;
typedef ULONG *PULONG;
typedef USHORT *PUSHORT;
typedef UCHAR *PUCHAR;
typedef DWORD_PTR *PDWORD_PTR;
typedef ULONG_PTR *PULONG_PTR;

/* ---- Handles (64-bit) ---- */
typedef void *HANDLE;
typedef HANDLE *PHANDLE, *LPHANDLE;
/* STRICT-style distinct handle types, as the Windows SDK declares them by default. */
#define DECLARE_HANDLE(name) \
  struct name##__ {          \
    int unused;              \
  };                         \
  typedef struct name##__ *name
DECLARE_HANDLE(HWND);
DECLARE_HANDLE(HINSTANCE);
typedef HINSTANCE HMODULE;

/* Window-message parameters (pointer-sized) */
typedef UINT_PTR WPARAM;
typedef LONG_PTR LPARAM;
typedef LONG_PTR LRESULT;

typedef INT_PTR(FAR WINAPI *FARPROC)(void);

/* ---- Constants ---- */
#ifndef FALSE
#define FALSE 0
#endif
#ifndef TRUE
#define TRUE 1
#endif

#define INFINITE 0xFFFFFFFF /* wait forever */
#define INVALID_HANDLE_VALUE ((HANDLE)(LONG_PTR)-1)
#define MAXIMUM_WAIT_OBJECTS 64

/* Wait results. Windows writes these with an L suffix; Windows long is 32-bit, so here they are
 * DWORD or int constants (an L suffix would make them 64-bit on Linux). */
#define WAIT_OBJECT_0 ((DWORD)0x00000000)
#define WAIT_ABANDONED ((DWORD)0x00000080)
#define WAIT_ABANDONED_0 WAIT_ABANDONED
#define WAIT_IO_COMPLETION ((DWORD)0x000000C0) /* an APC ran during an alertable wait */
#define WAIT_TIMEOUT 258
#define WAIT_FAILED ((DWORD)0xFFFFFFFF)

/* CreateThread flags */
#define CREATE_SUSPENDED 0x00000004
#define STACK_SIZE_PARAM_IS_A_RESERVATION 0x00010000

/* Win32 error codes (winerror.h subset; the Winsock WSA_* codes alias these) */
#define ERROR_SUCCESS 0
#define NO_ERROR 0
#define ERROR_INVALID_HANDLE 6
#define ERROR_NOT_ENOUGH_MEMORY 8
#define ERROR_INVALID_PARAMETER 87
#define ERROR_OPERATION_ABORTED 995
#define ERROR_IO_INCOMPLETE 996
#define ERROR_IO_PENDING 997

/* ---- Word and byte packing ---- */
/* MAKEWORD: the seed ws2spi.h defines it as a "Winsock extension" (S1 App. A.2);
 * low byte = major version. */
#define MAKEWORD(low, high) ((WORD)(((BYTE)(low)) | (((WORD)((BYTE)(high))) << 8)))
#define MAKELONG(low, high)                       \
  ((LONG)(((WORD)(((DWORD_PTR)(low)) & 0xffff)) | \
          ((DWORD)((WORD)(((DWORD_PTR)(high)) & 0xffff))) << 16))
#define LOWORD(l) ((WORD)(((DWORD_PTR)(l)) & 0xffff))
#define HIWORD(l) ((WORD)((((DWORD_PTR)(l)) >> 16) & 0xffff))
#define LOBYTE(w) ((BYTE)(((DWORD_PTR)(w)) & 0xff))
#define HIBYTE(w) ((BYTE)((((DWORD_PTR)(w)) >> 8) & 0xff))

#define UNREFERENCED_PARAMETER(P) ((void)(P))

/* ---- Memory macros ---- */
#define ZeroMemory(Destination, Length) memset((Destination), 0, (Length))
#define FillMemory(Destination, Length, Fill) memset((Destination), (Fill), (Length))
#define CopyMemory(Destination, Source, Length) memcpy((Destination), (Source), (Length))
#define MoveMemory(Destination, Source, Length) memmove((Destination), (Source), (Length))

/* ---- Structures ---- */
typedef struct _GUID {
  DWORD Data1; /* Windows unsigned long: 32-bit */
  WORD Data2;
  WORD Data3;
  BYTE Data4[8];
} GUID, *LPGUID; /* 16 bytes */

typedef union _LARGE_INTEGER {
  __extension__ struct { /* anonymous, as in Windows; __extension__ keeps -pedantic C++ quiet */
    DWORD LowPart;
    LONG HighPart;
  };
  struct {
    DWORD LowPart;
    LONG HighPart;
  } u;
  LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

typedef struct _SECURITY_ATTRIBUTES {
  DWORD nLength;
  LPVOID lpSecurityDescriptor;
  BOOL bInheritHandle;
} SECURITY_ATTRIBUTES, *PSECURITY_ATTRIBUTES, *LPSECURITY_ATTRIBUTES;

/* Opaque to guests; the field layout is the 64-bit Windows one (40 bytes), which leaves ws2sim
 * room for an owner, a recursion count and a pointer to its own wait state. */
typedef struct _RTL_CRITICAL_SECTION {
  PVOID DebugInfo;
  LONG LockCount;
  LONG RecursionCount;
  HANDLE OwningThread;
  HANDLE LockSemaphore;
  ULONG_PTR SpinCount;
} CRITICAL_SECTION, *PCRITICAL_SECTION, *LPCRITICAL_SECTION;

typedef DWORD(WINAPI *PTHREAD_START_ROUTINE)(LPVOID lpThreadParameter);
typedef PTHREAD_START_ROUTINE LPTHREAD_START_ROUTINE;

/* ---- Functions (implemented by ws2sim's Win32 surface; guest-visible time is virtual) ---- */
#ifdef __cplusplus
extern "C" {
#endif

/* Per-thread last error */
DWORD WINAPI GetLastError(void);
void WINAPI SetLastError(DWORD dwErrCode);

/* Time */
void WINAPI Sleep(DWORD dwMilliseconds);
DWORD WINAPI SleepEx(DWORD dwMilliseconds, BOOL bAlertable);
DWORD WINAPI GetTickCount(void);
BOOL WINAPI QueryPerformanceCounter(LARGE_INTEGER *lpPerformanceCount);
BOOL WINAPI QueryPerformanceFrequency(LARGE_INTEGER *lpFrequency);

/* Threads */
HANDLE WINAPI CreateThread(LPSECURITY_ATTRIBUTES lpThreadAttributes, SIZE_T dwStackSize,
                           LPTHREAD_START_ROUTINE lpStartAddress, LPVOID lpParameter,
                           DWORD dwCreationFlags, LPDWORD lpThreadId);
WS2SIM_NORETURN void WINAPI ExitThread(DWORD dwExitCode);
DWORD WINAPI GetCurrentThreadId(void);

/* Waits */
DWORD WINAPI WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds);
DWORD WINAPI WaitForSingleObjectEx(HANDLE hHandle, DWORD dwMilliseconds, BOOL bAlertable);
DWORD WINAPI WaitForMultipleObjects(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
                                    DWORD dwMilliseconds);
DWORD WINAPI WaitForMultipleObjectsEx(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
                                      DWORD dwMilliseconds, BOOL bAlertable);
BOOL WINAPI CloseHandle(HANDLE hObject);

/* Events */
HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset,
                           BOOL bInitialState, LPCSTR lpName);
HANDLE WINAPI CreateEventW(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset,
                           BOOL bInitialState, LPCWSTR lpName);
BOOL WINAPI SetEvent(HANDLE hEvent);
BOOL WINAPI ResetEvent(HANDLE hEvent);

/* Critical sections */
void WINAPI InitializeCriticalSection(LPCRITICAL_SECTION lpCriticalSection);
void WINAPI EnterCriticalSection(LPCRITICAL_SECTION lpCriticalSection);
void WINAPI LeaveCriticalSection(LPCRITICAL_SECTION lpCriticalSection);
void WINAPI DeleteCriticalSection(LPCRITICAL_SECTION lpCriticalSection);

#ifdef __cplusplus
}
#endif

#ifdef UNICODE
#define CreateEvent CreateEventW
#else
#define CreateEvent CreateEventA
#endif

#include "winbase.h"
#include "winuser.h"

#endif /* _INC_WINDOWS */
