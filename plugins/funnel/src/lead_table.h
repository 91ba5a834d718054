#pragma once
// Per-lead state for one scan, found by lead id. Rows arrive in time order, so a lead's events are
// scattered through the scan and its state must be looked up for every row: an open-addressing
// hash table whose slots point into an arena where each lead's state sits right before its id
// bytes (one allocation per 64 KiB, one cache line or two per lookup, no per-entry nodes).

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <new>
#include <string_view>
#include <type_traits>
#include <vector>

namespace zaplify::funnel {

/// Not thread-safe; one table per scan. State references stay valid as long as the table.
/// REQUIRES: State is trivially copyable and destructible (the arena never runs destructors).
template <typename State>
class LeadTable {
  static_assert(std::is_trivially_copyable_v<State> && std::is_trivially_destructible_v<State>);

 public:
  LeadTable() : slots_(1024) {}
  LeadTable(const LeadTable&) = delete;
  LeadTable& operator=(const LeadTable&) = delete;

  static std::uint32_t hash_of(std::string_view id) {
    return static_cast<std::uint32_t>(std::hash<std::string_view>{}(id));
  }

  /// Lookups are memory-bound (a slot and a record, both random): callers that see ids ahead of
  /// time announce them in two steps so the misses of many lookups overlap.
  /// Step 1: fetch the id's home slot.
  void prefetch_slot(std::uint32_t hash) const {
    __builtin_prefetch(&slots_[hash & (slots_.size() - 1)]);
  }
  /// Step 2 (after step 1 had time): fetch the record the home slot points to, if any.
  void prefetch_record(std::uint32_t hash) const {
    if (const char* r = slots_[hash & (slots_.size() - 1)].record) {
      __builtin_prefetch(r);
      __builtin_prefetch(r + kHead);
    }
  }

  /// The state of lead `id`, value-initialised on its first lookup.
  State& find_or_add(std::string_view id) { return find_or_add(id, hash_of(id)); }
  /// The same with `hash` = hash_of(id) already computed.
  State& find_or_add(std::string_view id, std::uint32_t hash) {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.record == nullptr) {
        s = Slot{hash, static_cast<std::uint32_t>(id.size()), add(id)};
        if (records_.size() * 2 > slots_.size()) grow();
        return *reinterpret_cast<State*>(records_.back());
      }
      if (s.hash == hash && s.size == id.size() &&
          std::memcmp(key(s.record), id.data(), id.size()) == 0)
        return *reinterpret_cast<State*>(s.record);
    }
  }

  std::size_t size() const { return records_.size(); }

  /// Calls f(id, state) for every lead, in first-seen order.
  template <typename F>
  void for_each(F&& f) const {
    for (const char* r : records_)
      f(std::string_view(key(r), load_size(r)), *reinterpret_cast<const State*>(r));
  }

 private:
  // A record: State, then the id's length (uint32), then its bytes; aligned for State.
  static constexpr std::size_t kHead = (sizeof(State) + sizeof(std::uint32_t));
  static constexpr std::size_t kAlign = alignof(State) < 8 ? 8 : alignof(State);
  static constexpr std::size_t kBlockBytes = 64 * 1024;

  struct Slot {
    std::uint32_t hash = 0;
    std::uint32_t size = 0;
    char* record = nullptr;  // null marks an empty slot
  };

  static const char* key(const char* record) { return record + kHead; }
  static std::uint32_t load_size(const char* record) {
    std::uint32_t n;
    std::memcpy(&n, record + sizeof(State), sizeof n);
    return n;
  }

  char* add(std::string_view id) {
    const std::size_t bytes = (kHead + id.size() + kAlign - 1) / kAlign * kAlign;
    if (bytes > left_) {
      const std::size_t size = std::max(kBlockBytes, bytes);
      blocks_.push_back(std::make_unique<char[]>(size + kAlign));
      auto addr = reinterpret_cast<std::uintptr_t>(blocks_.back().get());
      pos_ = blocks_.back().get() + ((kAlign - addr % kAlign) % kAlign);
      left_ = size;
    }
    char* r = pos_;
    new (r) State{};
    const auto n = static_cast<std::uint32_t>(id.size());
    std::memcpy(r + sizeof(State), &n, sizeof n);
    if (!id.empty()) std::memcpy(r + kHead, id.data(), id.size());
    pos_ += bytes;
    left_ -= bytes;
    records_.push_back(r);
    return r;
  }

  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    const std::size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.record == nullptr) continue;
      std::size_t i = s.hash & mask;
      while (slots_[i].record != nullptr) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;  // size is a power of two, at most half full
  std::vector<char*> records_;
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* pos_ = nullptr;
  std::size_t left_ = 0;
};

}  // namespace zaplify::funnel
