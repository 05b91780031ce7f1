// The process heap of each simulated process (HeapAlloc, HeapFree, HeapReAlloc, HeapSize,
// LocalAlloc, LocalFree; DESIGN.md section 7).
//
// Invariants:
//  - One heap per process, its handle from ProcessTable::NewHandle on first use (deterministic).
//  - Every block is zero-filled, HEAP_ZERO_MEMORY or not, so a guest never reads uninitialised
//    memory (a run is a pure function of its inputs).
//  - Only live blocks of the named heap are accepted: freeing, resizing or sizing anything else
//    fails with ERROR_INVALID_PARAMETER instead of corrupting the simulator. Blocks live until
//    freed or until the runtime is destroyed.
#ifndef WS2SIM_MODEL_PROCESS_HEAPS_H_
#define WS2SIM_MODEL_PROCESS_HEAPS_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "model/process.h"

namespace ws2sim::model {

class ProcessHeaps {
 public:
  explicit ProcessHeaps(ProcessTable& processes) : processes_(processes) {}

  // GetProcessHeap: `process`'s heap handle.
  uint32_t HeapOf(Process& process);
  // HeapAlloc: a zero-filled block of `bytes` (0 allowed: a unique block). Null with
  // ERROR_INVALID_HANDLE for a heap that is not `process`'s.
  void* Allocate(Process& process, uint32_t heap, size_t bytes, uint32_t* error);
  // HeapReAlloc: the block moved (or kept, when `in_place`) to `bytes`, grown bytes zero. Null
  // with ERROR_INVALID_PARAMETER for an unknown block, ERROR_NOT_ENOUGH_MEMORY when `in_place`
  // cannot grow it (it is then unchanged).
  void* Reallocate(Process& process, uint32_t heap, void* block, size_t bytes, bool in_place,
                   uint32_t* error);
  // HeapFree: true for null or a live block (freed); ERROR_INVALID_PARAMETER otherwise.
  bool Free(Process& process, uint32_t heap, void* block, uint32_t* error);
  // HeapSize: the block's size, or false with ERROR_INVALID_PARAMETER.
  bool Size(Process& process, uint32_t heap, const void* block, size_t* size, uint32_t* error);

 private:
  struct Block {
    std::unique_ptr<uint8_t[]> bytes;
    size_t size = 0;
    size_t capacity = 0;
  };
  struct Heap {
    // By address: looked up only, never iterated (addresses are not deterministic).
    absl::flat_hash_map<uintptr_t, Block> blocks;
  };
  Heap* Find(Process& process, uint32_t heap);

  ProcessTable& processes_;
  absl::btree_map<uint32_t, uint32_t> heap_of_process_;  // pid -> handle
  absl::btree_map<uint32_t, Heap> heaps_;                 // by handle
  absl::btree_map<uint32_t, uint32_t> owner_;             // handle -> pid
};

}  // namespace ws2sim::model

#endif  // WS2SIM_MODEL_PROCESS_HEAPS_H_
