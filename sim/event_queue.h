// sim::EventQueue: the future-event list, a radix heap (Ahuja, Mehlhorn, Orlin, Tarjan 1990) over
// int64 nanosecond times with FIFO order among equal times.
//
// Invariants:
//  - Keys are monotone: a pushed time should be >= the current minimum (the time Top or Pop last
//    found), which a discrete-event simulation guarantees as long as it does not peek past Now().
//    An earlier push is still correct but rebuilds the heap (O(n)); the scheduler only does it
//    after pausing (RunUntil) with a peeked minimum beyond Now().
//  - Entries with equal times pop in push order, so the queue orders by (time, sequence) without
//    storing a sequence number. (Equal keys always share a bucket; buckets are append-only and
//    redistributed in order.)
//  - An entry is 16 bytes; buckets keep their capacity, so steady-state push/pop allocate nothing.
// Push and Pop are amortised O(log(max time span)).
#ifndef WS2SIM_SIM_EVENT_QUEUE_H_
#define WS2SIM_SIM_EVENT_QUEUE_H_

#include <array>
#include <bit>
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ws2sim::sim {

struct QueueEntry {
  int64_t time_ns;
  uint32_t slot;
  uint32_t generation;
};
static_assert(sizeof(QueueEntry) == 16);

class EventQueue {
 public:
  // Each bucket starts with room for kInitialBucketEntries: a bucket is first used when virtual
  // time crosses its power of two, which could be long after the run has reached steady state.
  EventQueue() {
    for (std::vector<QueueEntry>& b : buckets_) b.reserve(kInitialBucketEntries);
  }

  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }

  void Push(const QueueEntry& e) {
    if (static_cast<uint64_t>(e.time_ns) < last_) [[unlikely]] Rebase(static_cast<uint64_t>(e.time_ns));
    buckets_[BucketOf(static_cast<uint64_t>(e.time_ns))].push_back(e);
    ++size_;
  }

  // True when more entries share the current minimum time; lets the caller take every entry due
  // at one time without looking further (which would move the minimum past it).
  bool MoreAtCurrentMinimum() const { return head0_ < buckets_[0].size(); }
  // The entry `k` places after Top among those at the current minimum, or null (for prefetching).
  const QueueEntry* AheadAtCurrentMinimum(size_t k) const {
    return head0_ + k < buckets_[0].size() ? &buckets_[0][head0_ + k] : nullptr;
  }

  // The entry that Pop would return. Requires !empty().
  const QueueEntry& Top() {
    if (head0_ == buckets_[0].size()) Refill();
    return buckets_[0][head0_];
  }

  // Removes and returns the smallest (time, push order) entry. Requires !empty().
  QueueEntry Pop() {
    if (head0_ == buckets_[0].size()) Refill();
    --size_;
    return buckets_[0][head0_++];
  }

 private:
  // Bucket 0 holds times equal to last_; bucket i >= 1 holds times whose highest bit differing
  // from last_ is bit i-1.
  size_t BucketOf(uint64_t t) const { return t == last_ ? 0 : 64 - std::countl_zero(t ^ last_); }

  // Bucket 0 is used up: moves the lowest non-empty bucket down around its minimum.
  void Refill() {
    buckets_[0].clear();
    head0_ = 0;
    size_t i = 1;
    while (buckets_[i].empty()) ++i;
    std::vector<QueueEntry>& from = buckets_[i];
    uint64_t min = static_cast<uint64_t>(from[0].time_ns);
    for (const QueueEntry& e : from) min = std::min(min, static_cast<uint64_t>(e.time_ns));
    last_ = min;
    for (const QueueEntry& e : from) buckets_[BucketOf(static_cast<uint64_t>(e.time_ns))].push_back(e);
    from.clear();
  }

  // Makes `base` the new minimum key, keeping (time, push order) among the entries.
  void Rebase(uint64_t base) {
    std::vector<QueueEntry> all(buckets_[0].begin() + static_cast<std::ptrdiff_t>(head0_),
                                buckets_[0].end());
    for (size_t i = 1; i < buckets_.size(); ++i) {
      all.insert(all.end(), buckets_[i].begin(), buckets_[i].end());
      buckets_[i].clear();
    }
    buckets_[0].clear();
    head0_ = 0;
    last_ = base;
    // Equal times were in one bucket in push order, so a stable pass keeps that order.
    for (const QueueEntry& e : all) buckets_[BucketOf(static_cast<uint64_t>(e.time_ns))].push_back(e);
  }

  static constexpr size_t kInitialBucketEntries = 64;

  std::array<std::vector<QueueEntry>, 65> buckets_;
  size_t head0_ = 0;  // bucket 0 is consumed from the front
  uint64_t last_ = 0;
  size_t size_ = 0;
};

}  // namespace ws2sim::sim

#endif  // WS2SIM_SIM_EVENT_QUEUE_H_
