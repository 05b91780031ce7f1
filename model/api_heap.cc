// The process heap and local memory (winbase.h) over model::ProcessHeaps.
#include "model/api_context.h"

using ws2sim::model::ApiContext;
using ws2sim::model::AsHandle;
using ws2sim::model::HandleValue;

extern "C" {

HANDLE WINAPI GetProcessHeap(void) {
  ApiContext ctx("GetProcessHeap");
  const uint32_t heap = ctx.rt.heaps().HeapOf(ctx.process);
  ctx.Return(heap);
  return AsHandle(heap);
}

LPVOID WINAPI HeapAlloc(HANDLE heap, DWORD flags, SIZE_T bytes) {
  ApiContext ctx("HeapAlloc", 0, {HandleValue(heap), flags, static_cast<int64_t>(bytes)});
  uint32_t error = 0;
  void* p = ctx.rt.heaps().Allocate(ctx.process, HandleValue(heap), bytes, &error);
  return p == nullptr ? ctx.Fail(static_cast<int>(error), p) : ctx.Return(p);
}

LPVOID WINAPI HeapReAlloc(HANDLE heap, DWORD flags, LPVOID block, SIZE_T bytes) {
  ApiContext ctx("HeapReAlloc", 0, {HandleValue(heap), flags, static_cast<int64_t>(bytes)});
  uint32_t error = 0;
  void* p = ctx.rt.heaps().Reallocate(ctx.process, HandleValue(heap), block, bytes,
                                      (flags & HEAP_REALLOC_IN_PLACE_ONLY) != 0, &error);
  return p == nullptr ? ctx.Fail(static_cast<int>(error), p) : ctx.Return(p);
}

BOOL WINAPI HeapFree(HANDLE heap, DWORD flags, LPVOID block) {
  ApiContext ctx("HeapFree", 0, {HandleValue(heap), flags});
  uint32_t error = 0;
  if (!ctx.rt.heaps().Free(ctx.process, HandleValue(heap), block, &error)) {
    return ctx.Fail(static_cast<int>(error), FALSE);
  }
  return ctx.Return(TRUE);
}

SIZE_T WINAPI HeapSize(HANDLE heap, DWORD flags, LPCVOID block) {
  ApiContext ctx("HeapSize", 0, {HandleValue(heap), flags});
  uint32_t error = 0;
  size_t size = 0;
  if (!ctx.rt.heaps().Size(ctx.process, HandleValue(heap), block, &size, &error)) {
    return ctx.Fail(static_cast<int>(error), static_cast<SIZE_T>(-1));
  }
  return ctx.Return(static_cast<SIZE_T>(size));
}

HLOCAL WINAPI LocalAlloc(UINT flags, SIZE_T bytes) {
  ApiContext ctx("LocalAlloc", 0, {flags, static_cast<int64_t>(bytes)});
  uint32_t error = 0;
  void* p = ctx.rt.heaps().Allocate(ctx.process, ctx.rt.heaps().HeapOf(ctx.process), bytes, &error);
  return p == nullptr ? ctx.Fail(static_cast<int>(error), p) : ctx.Return(p);
}

HLOCAL WINAPI LocalFree(HLOCAL block) {
  ApiContext ctx("LocalFree");
  uint32_t error = 0;
  if (!ctx.rt.heaps().Free(ctx.process, ctx.rt.heaps().HeapOf(ctx.process), block, &error)) {
    return ctx.Fail(ERROR_INVALID_HANDLE, block);
  }
  return ctx.Return(static_cast<HLOCAL>(nullptr));
}

}  // extern "C"
