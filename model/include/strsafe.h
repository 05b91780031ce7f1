/* strsafe.h -- the bounded string functions of the Windows SDK that Winsock samples use
 * (StringCchPrintf and friends). As in the SDK, header-only: static inline functions over the C
 * library. Cch functions count characters (including the NUL), Cb functions bytes.
 *
 * Results (HRESULT): S_OK; STRSAFE_E_INSUFFICIENT_BUFFER when the result was truncated (the
 * destination then holds the truncated, NUL-terminated text); STRSAFE_E_INVALID_PARAMETER when
 * the size is 0 or above STRSAFE_MAX_CCH (nothing written) or a pointer is NULL. */
#ifndef _STRSAFE_H_INCLUDED_
#define _STRSAFE_H_INCLUDED_

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "windows.h"

#define STRSAFE_MAX_CCH 2147483647
#define STRSAFE_E_INSUFFICIENT_BUFFER ((HRESULT)0x8007007A)
#define STRSAFE_E_INVALID_PARAMETER ((HRESULT)0x80070057)
#define STRSAFE_E_END_OF_FILE ((HRESULT)0x80070026)

static inline HRESULT StringCchVPrintfA(LPSTR pszDest, size_t cchDest, LPCSTR pszFormat,
                                        va_list argList) {
  int n;
  if (pszDest == NULL || cchDest == 0 || cchDest > STRSAFE_MAX_CCH) {
    return STRSAFE_E_INVALID_PARAMETER;
  }
  if (pszFormat == NULL) {
    pszDest[0] = '\0';
    return STRSAFE_E_INVALID_PARAMETER;
  }
  n = vsnprintf(pszDest, cchDest, pszFormat, argList);
  if (n < 0) {
    pszDest[0] = '\0';
    return STRSAFE_E_INVALID_PARAMETER;
  }
  return (size_t)n >= cchDest ? STRSAFE_E_INSUFFICIENT_BUFFER : S_OK;
}

static inline HRESULT StringCchPrintfA(LPSTR pszDest, size_t cchDest, LPCSTR pszFormat, ...) {
  HRESULT hr;
  va_list args;
  va_start(args, pszFormat);
  hr = StringCchVPrintfA(pszDest, cchDest, pszFormat, args);
  va_end(args);
  return hr;
}

static inline HRESULT StringCbPrintfA(LPSTR pszDest, size_t cbDest, LPCSTR pszFormat, ...) {
  HRESULT hr;
  va_list args;
  va_start(args, pszFormat);
  hr = StringCchVPrintfA(pszDest, cbDest, pszFormat, args); /* 1 byte = 1 char */
  va_end(args);
  return hr;
}

/* Copies at most cchDest - 1 characters of pszSrc and terminates. */
static inline HRESULT StringCchCopyA(LPSTR pszDest, size_t cchDest, LPCSTR pszSrc) {
  size_t n;
  if (pszDest == NULL || cchDest == 0 || cchDest > STRSAFE_MAX_CCH) {
    return STRSAFE_E_INVALID_PARAMETER;
  }
  if (pszSrc == NULL) pszSrc = "";
  n = strlen(pszSrc);
  if (n >= cchDest) {
    memcpy(pszDest, pszSrc, cchDest - 1);
    pszDest[cchDest - 1] = '\0';
    return STRSAFE_E_INSUFFICIENT_BUFFER;
  }
  memcpy(pszDest, pszSrc, n + 1);
  return S_OK;
}

/* Appends pszSrc to the NUL-terminated pszDest. INVALID_PARAMETER if pszDest has no NUL within
 * cchDest characters. */
static inline HRESULT StringCchCatA(LPSTR pszDest, size_t cchDest, LPCSTR pszSrc) {
  size_t used;
  if (pszDest == NULL || cchDest == 0 || cchDest > STRSAFE_MAX_CCH) {
    return STRSAFE_E_INVALID_PARAMETER;
  }
  used = strnlen(pszDest, cchDest);
  if (used == cchDest) return STRSAFE_E_INVALID_PARAMETER;
  return StringCchCopyA(pszDest + used, cchDest - used, pszSrc);
}

/* The length without the NUL in *pcchLength; INVALID_PARAMETER if there is no NUL within
 * cchMax characters. */
static inline HRESULT StringCchLengthA(LPCSTR psz, size_t cchMax, size_t *pcchLength) {
  size_t n;
  if (psz == NULL || cchMax > STRSAFE_MAX_CCH) {
    if (pcchLength != NULL) *pcchLength = 0;
    return STRSAFE_E_INVALID_PARAMETER;
  }
  n = strnlen(psz, cchMax);
  if (pcchLength != NULL) *pcchLength = n == cchMax ? 0 : n;
  return n == cchMax ? STRSAFE_E_INVALID_PARAMETER : S_OK;
}

static inline HRESULT StringCbCopyA(LPSTR pszDest, size_t cbDest, LPCSTR pszSrc) {
  return StringCchCopyA(pszDest, cbDest, pszSrc);
}
static inline HRESULT StringCbCatA(LPSTR pszDest, size_t cbDest, LPCSTR pszSrc) {
  return StringCchCatA(pszDest, cbDest, pszSrc);
}

#ifndef UNICODE
#define StringCchPrintf StringCchPrintfA
#define StringCbPrintf StringCbPrintfA
#define StringCchVPrintf StringCchVPrintfA
#define StringCchCopy StringCchCopyA
#define StringCchCat StringCchCatA
#define StringCchLength StringCchLengthA
#define StringCbCopy StringCbCopyA
#define StringCbCat StringCbCatA
#endif

#endif /* _STRSAFE_H_INCLUDED_ */
