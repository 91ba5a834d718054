#pragma once
// StringTable<V>: a hash table from text keys (lead ids, conversation ids) to values, for the
// per-request aggregation an analytics handler does over ~10^5 rows. Open addressing over one flat
// array, keys copied once into a TextArena the table owns: no allocation per key and no pointer
// chase per lookup, which a node-based std::unordered_map costs (measured on the sentiment route
// and the funnel breakdown, docs/benchmarks.md). Header-only: nothing of it crosses the plugin ABI.
//
// Not thread-safe: one handler call builds and reads it. Keys handed out by for_each stay
// valid as long as the table; a pointer to a value is valid until the next insert (values move
// when the table grows).

#include <cstddef>
#include <cstring>
#include <functional>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

namespace zaplify::sdk {

/// Copies of strings kept for as long as the arena lives, in 64 KiB blocks: the views it hands out
/// never move, and keeping 10^5 short ids costs a few allocations, not one each.
class TextArena {
 public:
  /// A copy of `text` valid as long as the arena.
  std::string_view keep(std::string_view text) {
    if (text.size() > room_) {
      const std::size_t size = text.size() > kBlockBytes ? text.size() : kBlockBytes;
      blocks_.push_back(std::make_unique<char[]>(size));
      next_ = blocks_.back().get();
      room_ = size;
    }
    if (!text.empty()) std::memcpy(next_, text.data(), text.size());
    const std::string_view kept(next_, text.size());
    next_ += text.size();
    room_ -= text.size();
    return kept;
  }

 private:
  static constexpr std::size_t kBlockBytes = 1 << 16;
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* next_ = nullptr;
  std::size_t room_ = 0;
};

template <class V>
class StringTable {
 public:
  /// `expected_keys`: room for that many keys before the first growth.
  explicit StringTable(std::size_t expected_keys = 0) {
    std::size_t capacity = 16;
    while (capacity < expected_keys * 2) capacity *= 2;
    slots_.resize(capacity);
  }
  StringTable(StringTable&&) noexcept = default;
  StringTable& operator=(StringTable&&) noexcept = default;

  /// The value of `key`, value-initialized and inserted (the key copied) when absent; `second` is
  /// true when it was inserted.
  std::pair<V*, bool> insert(std::string_view key) {
    if ((size_ + 1) * 2 > slots_.size()) grow();
    const std::size_t h = std::hash<std::string_view>{}(key);
    for (std::size_t i = h & mask();; i = (i + 1) & mask()) {
      Slot& s = slots_[i];
      if (!s.used) {
        s = Slot{h, keys_.keep(key), true, V{}};
        ++size_;
        return {&s.value, true};
      }
      if (s.hash == h && s.key == key) return {&s.value, false};
    }
  }
  V& operator[](std::string_view key) { return *insert(key).first; }

  /// The value of `key`, or nullptr.
  const V* find(std::string_view key) const {
    const std::size_t h = std::hash<std::string_view>{}(key);
    for (std::size_t i = h & mask();; i = (i + 1) & mask()) {
      const Slot& s = slots_[i];
      if (!s.used) return nullptr;
      if (s.hash == h && s.key == key) return &s.value;
    }
  }
  V* find(std::string_view key) {
    return const_cast<V*>(static_cast<const StringTable&>(*this).find(key));
  }

  std::size_t size() const { return size_; }

  /// f(key, value) for every entry, in no particular order.
  template <class F>
  void for_each(F&& f) const {
    for (const Slot& s : slots_)
      if (s.used) f(s.key, s.value);
  }

 private:
  struct Slot {
    std::size_t hash = 0;
    std::string_view key;  ///< In keys_.
    bool used = false;
    V value{};
  };
  std::size_t mask() const { return slots_.size() - 1; }

  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    for (Slot& s : old) {
      if (!s.used) continue;
      std::size_t i = s.hash & mask();
      while (slots_[i].used) i = (i + 1) & mask();
      slots_[i] = std::move(s);
    }
  }

  std::vector<Slot> slots_;  ///< A power of two in size, at most half full.
  std::size_t size_ = 0;
  TextArena keys_;
};

}  // namespace zaplify::sdk
