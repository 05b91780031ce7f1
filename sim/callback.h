// sim::Callback: a move-only `void()` callable stored inline, never on the heap.
//
// The scheduler keeps one per pending event; holding the callable inline is what makes
// scheduling allocation-free in steady state. Captures larger than kCallbackBytes (or more
// aligned than a pointer) do not compile: capture a pointer to state instead.
#ifndef WS2SIM_SIM_CALLBACK_H_
#define WS2SIM_SIM_CALLBACK_H_

#include <cstddef>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

namespace ws2sim::sim {

// 32 bytes: four pointers, or a std::function. With the ops pointer a Callback is 40 bytes, which
// keeps a scheduler slot within one 64-byte cache line.
inline constexpr size_t kCallbackBytes = 32;

class Callback {
 public:
  Callback() = default;

  template <typename F, typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, Callback>>>
  Callback(F&& f) {  // NOLINT(google-explicit-constructor): lambdas convert implicitly.
    using Fn = std::decay_t<F>;
    static_assert(sizeof(Fn) <= kCallbackBytes, "capture too large for sim::Callback");
    static_assert(alignof(Fn) <= alignof(void*), "capture too aligned for sim::Callback");
    static_assert(std::is_invocable_r_v<void, Fn&>, "sim::Callback needs a void() callable");
    new (storage_) Fn(std::forward<F>(f));
    ops_ = &kOps<Fn>;
  }

  Callback(Callback&& other) noexcept { MoveFrom(other); }
  Callback& operator=(Callback&& other) noexcept {
    if (this != &other) {
      Reset();
      MoveFrom(other);
    }
    return *this;
  }
  Callback(const Callback&) = delete;
  Callback& operator=(const Callback&) = delete;
  ~Callback() { Reset(); }

  explicit operator bool() const { return ops_ != nullptr; }
  void operator()() { ops_->invoke(storage_); }

  void Reset() {
    if (ops_ != nullptr) {
      if (ops_->destroy != nullptr) ops_->destroy(storage_);
      ops_ = nullptr;
    }
  }

 private:
  // relocate and destroy are null for trivially copyable / destructible callables (most
  // lambdas capture pointers and integers): the event hot path then copies bytes inline.
  struct Ops {
    size_t bytes;  // sizeof the callable: a trivial relocation copies exactly these bytes
    void (*invoke)(void*);
    void (*relocate)(void* from, void* to);  // move-construct into `to`, destroy `from`
    void (*destroy)(void*);
  };
  template <typename Fn>
  static constexpr Ops kOps = {
      std::is_empty_v<Fn> ? 0 : sizeof(Fn),  // an empty lambda has no bytes worth copying
      [](void* p) { (*static_cast<Fn*>(p))(); },
      std::is_trivially_copyable_v<Fn>
          ? nullptr
          : +[](void* from, void* to) {
              new (to) Fn(std::move(*static_cast<Fn*>(from)));
              static_cast<Fn*>(from)->~Fn();
            },
      std::is_trivially_destructible_v<Fn> ? nullptr
                                           : +[](void* p) { static_cast<Fn*>(p)->~Fn(); },
  };

  void MoveFrom(Callback& other) {
    if (other.ops_ != nullptr) {
      if (other.ops_->relocate == nullptr) {
        std::memcpy(storage_, other.storage_, other.ops_->bytes);
      } else {
        other.ops_->relocate(other.storage_, storage_);
      }
      ops_ = other.ops_;
      other.ops_ = nullptr;
    }
  }

  alignas(void*) unsigned char storage_[kCallbackBytes];
  const Ops* ops_ = nullptr;
};

}  // namespace ws2sim::sim

#endif  // WS2SIM_SIM_CALLBACK_H_
