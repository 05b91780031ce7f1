#include "model/process_heaps.h"

#include <algorithm>
#include <cstring>

#include "model/kernel_objects.h"

namespace ws2sim::model {
namespace {

constexpr uint32_t kErrorNotEnoughMemory = 8;

}  // namespace

uint32_t ProcessHeaps::HeapOf(Process& process) {
  auto it = heap_of_process_.find(process.pid());
  if (it != heap_of_process_.end()) return it->second;
  const uint32_t handle = processes_.NewHandle();
  heap_of_process_[process.pid()] = handle;
  heaps_[handle];
  owner_[handle] = process.pid();
  return handle;
}

ProcessHeaps::Heap* ProcessHeaps::Find(Process& process, uint32_t heap) {
  auto owner = owner_.find(heap);
  if (owner == owner_.end() || owner->second != process.pid()) return nullptr;
  return &heaps_[heap];
}

void* ProcessHeaps::Allocate(Process& process, uint32_t heap, size_t bytes, uint32_t* error) {
  Heap* h = Find(process, heap);
  if (h == nullptr) {
    *error = kErrorInvalidHandle;
    return nullptr;
  }
  Block b;
  b.capacity = std::max<size_t>(bytes, 1);
  b.bytes = std::make_unique<uint8_t[]>(b.capacity);  // value-initialised: zero
  b.size = bytes;
  void* p = b.bytes.get();
  h->blocks[reinterpret_cast<uintptr_t>(p)] = std::move(b);
  return p;
}

void* ProcessHeaps::Reallocate(Process& process, uint32_t heap, void* block, size_t bytes,
                               bool in_place, uint32_t* error) {
  Heap* h = Find(process, heap);
  auto it = h != nullptr ? h->blocks.find(reinterpret_cast<uintptr_t>(block))
                         : decltype(Heap::blocks)::iterator();
  if (h == nullptr || it == h->blocks.end()) {
    *error = kErrorInvalidParameter;
    return nullptr;
  }
  Block& b = it->second;
  if (bytes <= b.capacity) {
    if (bytes > b.size) std::memset(b.bytes.get() + b.size, 0, bytes - b.size);
    b.size = bytes;
    return block;
  }
  if (in_place) {
    *error = kErrorNotEnoughMemory;
    return nullptr;
  }
  void* moved = Allocate(process, heap, bytes, error);  // may rehash: look the old block up again
  auto old = h->blocks.find(reinterpret_cast<uintptr_t>(block));
  std::memcpy(moved, old->second.bytes.get(), old->second.size);
  h->blocks.erase(old);
  return moved;
}

bool ProcessHeaps::Free(Process& process, uint32_t heap, void* block, uint32_t* error) {
  Heap* h = Find(process, heap);
  if (h == nullptr) {
    *error = kErrorInvalidHandle;
    return false;
  }
  if (block == nullptr) return true;
  if (h->blocks.erase(reinterpret_cast<uintptr_t>(block)) == 0) {
    *error = kErrorInvalidParameter;
    return false;
  }
  return true;
}

bool ProcessHeaps::Size(Process& process, uint32_t heap, const void* block, size_t* size,
                        uint32_t* error) {
  Heap* h = Find(process, heap);
  if (h == nullptr) {
    *error = kErrorInvalidHandle;
    return false;
  }
  auto it = h->blocks.find(reinterpret_cast<uintptr_t>(block));
  if (it == h->blocks.end()) {
    *error = kErrorInvalidParameter;
    return false;
  }
  *size = it->second.size;
  return true;
}

}  // namespace ws2sim::model
