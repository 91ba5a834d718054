#include "memory_backend.h"

#include <chrono>
#include <utility>

namespace zaplify::cache {
namespace {

// Unambiguous for any tenant text: the length prefix says where the tenant ends.
std::string composite_key(const std::string& tenant, const std::string& key) {
  std::string out = std::to_string(tenant.size());
  out.reserve(out.size() + 1 + tenant.size() + key.size());
  out += ':';
  out += tenant;
  out += key;
  return out;
}

}  // namespace

MonotonicClock steady_clock_ms() {
  return [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  };
}

// One independently locked LRU. Entries sit on two intrusive lists: the recency list (front = most
// recently used) and their tenant's list, so a tenant's entries can be freed without a scan.
struct MemoryBackend::Shard {
  struct TenantList;
  struct Node {
    const std::string* map_key = nullptr;  // points into `entries`, stable while the node lives
    TenantList* tenant = nullptr;
    std::shared_ptr<const std::string> value;  // shared so get() copies the bytes outside the lock
    std::string generation;
    std::int64_t expires_at_ms = 0;
    std::int64_t bytes = 0;
    Node* lru_prev = nullptr;
    Node* lru_next = nullptr;
    Node* tenant_prev = nullptr;
    Node* tenant_next = nullptr;
  };
  struct TenantList {
    const std::string* name = nullptr;
    Node* head = nullptr;
  };

  std::mutex mutex;
  std::int64_t capacity_bytes = 0;
  std::int64_t used_bytes = 0;
  std::unordered_map<std::string, std::unique_ptr<Node>> entries;
  std::unordered_map<std::string, TenantList> tenants;
  Node* lru_head = nullptr;
  Node* lru_tail = nullptr;

  void link_front(Node* n) {
    n->lru_prev = nullptr;
    n->lru_next = lru_head;
    if (lru_head) lru_head->lru_prev = n;
    lru_head = n;
    if (!lru_tail) lru_tail = n;
  }
  void unlink_lru(Node* n) {
    (n->lru_prev ? n->lru_prev->lru_next : lru_head) = n->lru_next;
    (n->lru_next ? n->lru_next->lru_prev : lru_tail) = n->lru_prev;
  }
  void touch(Node* n) {
    if (lru_head == n) return;
    unlink_lru(n);
    link_front(n);
  }
  void link_tenant(Node* n, const std::string& tenant) {
    auto [it, inserted] = tenants.try_emplace(tenant);
    if (inserted) it->second.name = &it->first;
    TenantList& list = it->second;
    n->tenant = &list;
    n->tenant_prev = nullptr;
    n->tenant_next = list.head;
    if (list.head) list.head->tenant_prev = n;
    list.head = n;
  }
  void unlink_tenant(Node* n) {
    TenantList* list = n->tenant;
    if (n->tenant_prev)
      n->tenant_prev->tenant_next = n->tenant_next;
    else
      list->head = n->tenant_next;
    if (n->tenant_next) n->tenant_next->tenant_prev = n->tenant_prev;
    if (!list->head) tenants.erase(*list->name);
  }
  void erase(Node* n) {
    unlink_lru(n);
    unlink_tenant(n);
    used_bytes -= n->bytes;
    entries.erase(entries.find(*n->map_key));  // destroys n
  }
  void evict_to_capacity() {
    while (used_bytes > capacity_bytes && lru_tail) erase(lru_tail);
  }
  std::int64_t erase_tenant(const std::string& tenant) {
    auto it = tenants.find(tenant);
    if (it == tenants.end()) return 0;
    std::int64_t count = 0;
    // erase() drops the list itself together with its last node.
    for (bool more = true; more; ++count) {
      Node* n = it->second.head;
      more = n->tenant_next != nullptr;
      erase(n);
    }
    return count;
  }
  std::int64_t clear() {
    auto count = static_cast<std::int64_t>(entries.size());
    entries.clear();
    tenants.clear();
    lru_head = lru_tail = nullptr;
    used_bytes = 0;
    return count;
  }
};

MemoryBackend::MemoryBackend(std::int64_t max_bytes, int shards, MonotonicClock clock)
    : clock_(std::move(clock)) {
  if (shards < 1) shards = 1;
  for (int i = 0; i < shards; ++i) {
    auto s = std::make_unique<Shard>();
    s->capacity_bytes = max_bytes / shards;
    shards_.push_back(std::move(s));
  }
}

MemoryBackend::~MemoryBackend() = default;

std::string MemoryBackend::current_generation(const std::string& tenant) const {
  std::uint64_t tenant_gen = 0;
  {
    std::shared_lock lock(generations_mutex_);
    auto it = generations_.find(tenant);
    if (it != generations_.end()) tenant_gen = it->second;
  }
  return std::to_string(epoch_.load(std::memory_order_acquire)) + '.' + std::to_string(tenant_gen);
}

MemoryBackend::Shard& MemoryBackend::shard_for(const std::string& full_key) {
  return *shards_[std::hash<std::string>{}(full_key) % shards_.size()];
}

sdk::CacheLookup MemoryBackend::get(const std::string& tenant, const std::string& key) {
  sdk::CacheLookup out;
  out.generation = current_generation(tenant);
  const std::string full_key = composite_key(tenant, key);
  Shard& shard = shard_for(full_key);
  std::shared_ptr<const std::string> value;
  {
    std::lock_guard lock(shard.mutex);
    auto it = shard.entries.find(full_key);
    if (it == shard.entries.end()) return out;
    Shard::Node* n = it->second.get();
    if (n->expires_at_ms <= clock_() || n->generation != out.generation) {
      shard.erase(n);
      return out;
    }
    shard.touch(n);
    value = n->value;
  }
  out.value = *value;
  return out;
}

void MemoryBackend::put(const std::string& tenant, const std::string& key, const std::string& value,
                        int ttl_seconds, const std::string& generation) {
  if (ttl_seconds <= 0 || generation.empty() || generation != current_generation(tenant)) return;
  std::string full_key = composite_key(tenant, key);
  Shard& shard = shard_for(full_key);
  const auto bytes = static_cast<std::int64_t>(full_key.size() + tenant.size() + value.size() +
                                               generation.size()) +
                     kEntryOverheadBytes;
  auto stored = std::make_shared<const std::string>(value);
  const std::int64_t expires = clock_() + std::int64_t{ttl_seconds} * 1000;

  std::lock_guard lock(shard.mutex);
  if (auto it = shard.entries.find(full_key); it != shard.entries.end())
    shard.erase(it->second.get());
  if (bytes > shard.capacity_bytes) return;  // would evict everything and still not fit
  auto node = std::make_unique<Shard::Node>();
  Shard::Node* n = node.get();
  n->value = std::move(stored);
  n->generation = generation;
  n->expires_at_ms = expires;
  n->bytes = bytes;
  auto [it, inserted] = shard.entries.emplace(std::move(full_key), std::move(node));
  n->map_key = &it->first;
  shard.link_front(n);
  shard.link_tenant(n, tenant);
  shard.used_bytes += bytes;
  shard.evict_to_capacity();
}

std::int64_t MemoryBackend::invalidate_tenant(const std::string& tenant) {
  {
    std::unique_lock lock(generations_mutex_);
    ++generations_[tenant];
  }
  std::int64_t count = 0;
  for (auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    count += shard->erase_tenant(tenant);
  }
  return count;
}

std::int64_t MemoryBackend::invalidate_all() {
  epoch_.fetch_add(1, std::memory_order_acq_rel);
  std::int64_t count = 0;
  for (auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    count += shard->clear();
  }
  return count;
}

std::int64_t MemoryBackend::used_bytes() const {
  std::int64_t total = 0;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    total += shard->used_bytes;
  }
  return total;
}

std::int64_t MemoryBackend::entry_count() const {
  std::int64_t total = 0;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    total += static_cast<std::int64_t>(shard->entries.size());
  }
  return total;
}

}  // namespace zaplify::cache
