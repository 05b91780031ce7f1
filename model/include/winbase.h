/* winbase.h -- the KERNEL32 conveniences classic Winsock programs use besides threads and waits
 * (DESIGN.md section 7), included by windows.h: time in virtual time, the process heap, local
 * memory, lstr* strings, FormatMessage for Winsock and common Win32 error codes, console output.
 * ws2sim implements them in model/api_time.cc, api_heap.cc, api_strings.cc, api_console.cc.
 * Windows' values throughout.
 *
 * Virtual time zero is 2000-01-01 00:00:00 UTC: GetSystemTimeAsFileTime and the C library's
 * time() count from there; GetTickCount64 counts milliseconds from zero. */
#ifndef _WINBASE_
#define _WINBASE_

#ifndef _INC_WINDOWS
#error "include windows.h, not winbase.h"
#endif

#include <stdarg.h>

typedef LONG HRESULT;
#define S_OK ((HRESULT)0)
#define SUCCEEDED(hr) (((HRESULT)(hr)) >= 0)
#define FAILED(hr) (((HRESULT)(hr)) < 0)

/* 100-ns intervals since 1601-01-01 UTC. */
typedef struct _FILETIME {
  DWORD dwLowDateTime;
  DWORD dwHighDateTime;
} FILETIME, *PFILETIME, *LPFILETIME;

typedef HANDLE HLOCAL;

/* HeapAlloc / HeapReAlloc flags */
#define HEAP_NO_SERIALIZE 0x00000001
#define HEAP_GENERATE_EXCEPTIONS 0x00000004
#define HEAP_ZERO_MEMORY 0x00000008
#define HEAP_REALLOC_IN_PLACE_ONLY 0x00000010
/* LocalAlloc flags */
#define LMEM_FIXED 0x0000
#define LMEM_ZEROINIT 0x0040
#define LPTR (LMEM_FIXED | LMEM_ZEROINIT)

/* FormatMessage */
#define FORMAT_MESSAGE_ALLOCATE_BUFFER 0x00000100 /* *(LPSTR*)lpBuffer = LocalAlloc'd text */
#define FORMAT_MESSAGE_IGNORE_INSERTS 0x00000200
#define FORMAT_MESSAGE_FROM_STRING 0x00000400     /* not supported: ERROR_INVALID_PARAMETER */
#define FORMAT_MESSAGE_FROM_HMODULE 0x00000800    /* not supported: ERROR_INVALID_PARAMETER */
#define FORMAT_MESSAGE_FROM_SYSTEM 0x00001000
#define FORMAT_MESSAGE_ARGUMENT_ARRAY 0x00002000
#define FORMAT_MESSAGE_MAX_WIDTH_MASK 0x000000FF
#define LANG_NEUTRAL 0x00
#define SUBLANG_DEFAULT 0x01
#define MAKELANGID(p, s) ((((WORD)(s)) << 10) | (WORD)(p))

/* Console */
#define STD_INPUT_HANDLE ((DWORD)-10)
#define STD_OUTPUT_HANDLE ((DWORD)-11)
#define STD_ERROR_HANDLE ((DWORD)-12)

/* Error codes these functions set (winerror.h) */
#define ERROR_INSUFFICIENT_BUFFER 122
#define ERROR_MR_MID_NOT_FOUND 317

#ifdef __cplusplus
extern "C" {
#endif

/* Time (virtual) */
ULONGLONG WINAPI GetTickCount64(void);
void WINAPI GetSystemTimeAsFileTime(LPFILETIME lpSystemTimeAsFileTime);

/* The process heap: one per process, a handle value like any other. HeapAlloc: NULL when out
 * of memory; HeapFree / HeapReAlloc / HeapSize of a block that is not a live block of that heap
 * fail (FALSE / NULL / (SIZE_T)-1) with ERROR_INVALID_PARAMETER instead of corrupting it. */
HANDLE WINAPI GetProcessHeap(void);
LPVOID WINAPI HeapAlloc(HANDLE hHeap, DWORD dwFlags, SIZE_T dwBytes);
LPVOID WINAPI HeapReAlloc(HANDLE hHeap, DWORD dwFlags, LPVOID lpMem, SIZE_T dwBytes);
BOOL WINAPI HeapFree(HANDLE hHeap, DWORD dwFlags, LPVOID lpMem);
SIZE_T WINAPI HeapSize(HANDLE hHeap, DWORD dwFlags, LPCVOID lpMem);
/* Local memory: the process heap. LocalFree returns NULL, or hMem (ERROR_INVALID_HANDLE). */
HLOCAL WINAPI LocalAlloc(UINT uFlags, SIZE_T uBytes);
HLOCAL WINAPI LocalFree(HLOCAL hMem);

/* Strings. lstrcmp / lstrcmpi answer -1, 0 or 1; NULL counts as an empty string. */
int WINAPI lstrlenA(LPCSTR lpString);
int WINAPI lstrlenW(LPCWSTR lpString);
LPSTR WINAPI lstrcpyA(LPSTR lpString1, LPCSTR lpString2);
LPSTR WINAPI lstrcpynA(LPSTR lpString1, LPCSTR lpString2, int iMaxLength);
LPSTR WINAPI lstrcatA(LPSTR lpString1, LPCSTR lpString2);
int WINAPI lstrcmpA(LPCSTR lpString1, LPCSTR lpString2);
int WINAPI lstrcmpiA(LPCSTR lpString1, LPCSTR lpString2);

/* FormatMessageA with FORMAT_MESSAGE_FROM_SYSTEM: the system text of dwMessageId (Winsock
 * 10004..11031 and the common Win32 codes) followed by "\r\n", as Windows writes it; the length
 * without the terminating NUL. 0 with ERROR_MR_MID_NOT_FOUND for an unknown code,
 * ERROR_INSUFFICIENT_BUFFER when nSize is too small, ERROR_INVALID_PARAMETER otherwise. */
DWORD WINAPI FormatMessageA(DWORD dwFlags, LPCVOID lpSource, DWORD dwMessageId, DWORD dwLanguageId,
                            LPSTR lpBuffer, DWORD nSize, va_list *Arguments);

/* Console: the standard handles are fixed pseudo handles of every process; output goes to the
 * process's captured stdout (stderr for STD_ERROR_HANDLE). */
HANDLE WINAPI GetStdHandle(DWORD nStdHandle);
BOOL WINAPI WriteConsoleA(HANDLE hConsoleOutput, const VOID *lpBuffer, DWORD nNumberOfCharsToWrite,
                          LPDWORD lpNumberOfCharsWritten, LPVOID lpReserved);

/* The program's module handle (NULL: the program): a fixed value, 0x400000. */
HMODULE WINAPI GetModuleHandleA(LPCSTR lpModuleName);

#ifdef __cplusplus
}
#endif

#ifdef UNICODE
#define lstrlen lstrlenW
#else
#define lstrlen lstrlenA
#endif
#define lstrcpy lstrcpyA
#define lstrcpyn lstrcpynA
#define lstrcat lstrcatA
#define lstrcmp lstrcmpA
#define lstrcmpi lstrcmpiA
#define FormatMessage FormatMessageA
#define WriteConsole WriteConsoleA
#define GetModuleHandle GetModuleHandleA

#endif /* _WINBASE_ */
