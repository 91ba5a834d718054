#include "redis_backend.h"

#include <hiredis.h>

#include <sys/time.h>
#include <chrono>
#include <initializer_list>
#include <random>
#include <string_view>

namespace zaplify::cache {
namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

timeval to_timeval(int ms) {
  timeval tv{};
  tv.tv_sec = ms / 1000;
  tv.tv_usec = (ms % 1000) * 1000;
  return tv;
}

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

// Binary-safe: every argument travels with its length, none goes through a format string.
Reply run(redisContext* c, std::initializer_list<std::string_view> args) {
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  argv.reserve(args.size());
  lengths.reserve(args.size());
  for (auto a : args) {
    argv.push_back(a.data());
    lengths.push_back(a.size());
  }
  return Reply(static_cast<redisReply*>(
      redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lengths.data())));
}

bool is_error(const Reply& r) { return !r || r->type == REDIS_REPLY_ERROR; }

std::string random_counter() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::to_string((rng() >> 12) + 1);  // < 2^52: far from INCR's overflow
}

}  // namespace

// A context checked out of the pool for one operation; returned (or dropped, after an error) on
// destruction.
class RedisBackend::Lease {
 public:
  explicit Lease(RedisBackend& owner) : owner_(owner), c_(owner.acquire()) {}
  ~Lease() {
    if (c_) owner_.release(c_);
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  explicit operator bool() const { return c_ != nullptr; }
  redisContext* get() const { return c_; }

 private:
  RedisBackend& owner_;
  redisContext* c_;
};

RedisBackend::RedisBackend(RedisOptions options) : options_(std::move(options)) {
  // Connect once up front so /health is right from the start.
  if (redisContext* c = acquire()) release(c);
}

RedisBackend::~RedisBackend() {
  std::lock_guard lock(pool_mutex_);
  for (redisContext* c : idle_) redisFree(c);
  idle_.clear();
}

std::string RedisBackend::generation_key(const std::string& tenant) const {
  return options_.key_prefix + "g:" + tenant;
}

std::string RedisBackend::entry_key(const std::string& tenant, const std::string& key) const {
  std::string out = options_.key_prefix;
  out += "e:";
  out += std::to_string(tenant.size());
  out += ':';
  out += tenant;
  out += ':';
  out += key;
  return out;
}

redisContext* RedisBackend::connect() {
  const RedisEndpoint& ep = options_.endpoint;
  redisContext* c =
      redisConnectWithTimeout(ep.host.c_str(), ep.port, to_timeval(options_.connect_timeout_ms));
  if (!c) return nullptr;
  bool ok = !c->err && redisSetTimeout(c, to_timeval(options_.io_timeout_ms)) == REDIS_OK;
  if (ok) redisEnableKeepAlive(c);
  if (ok && !ep.password.empty()) {
    Reply r =
        ep.user.empty() ? run(c, {"AUTH", ep.password}) : run(c, {"AUTH", ep.user, ep.password});
    ok = !is_error(r);
  }
  if (ok && ep.db != 0) ok = !is_error(run(c, {"SELECT", std::to_string(ep.db)}));
  if (!ok) {
    redisFree(c);
    return nullptr;
  }
  return c;
}

redisContext* RedisBackend::acquire() {
  redisContext* c = nullptr;
  {
    std::lock_guard lock(pool_mutex_);
    if (!idle_.empty()) {
      c = idle_.back();
      idle_.pop_back();
    }
  }
  if (!c) {
    if (!healthy_.load(std::memory_order_acquire)) {
      // Only the caller that moves next_attempt_ms_ forward tries; the others answer at once.
      std::int64_t now = now_ms();
      std::int64_t next = next_attempt_ms_.load();
      if (now < next ||
          !next_attempt_ms_.compare_exchange_strong(next, now + options_.reconnect_backoff_ms))
        return nullptr;
    }
    c = connect();
    if (!c) {
      on_failure();
      return nullptr;
    }
    if (!healthy_.exchange(true) && ever_failed_.load() && options_.reconnects)
      options_.reconnects->inc();
  }
  if (has_pending_.load(std::memory_order_acquire) && !replay_pending(c)) {
    redisFree(c);
    on_failure();
    return nullptr;
  }
  return c;
}

void RedisBackend::release(redisContext* c) {
  if (c->err) {
    redisFree(c);
    on_failure();
    return;
  }
  std::lock_guard lock(pool_mutex_);
  if (static_cast<int>(idle_.size()) < options_.max_idle_connections) {
    idle_.push_back(c);
    return;
  }
  redisFree(c);
}

void RedisBackend::on_failure() {
  healthy_.store(false, std::memory_order_release);
  ever_failed_.store(true);
  next_attempt_ms_.store(now_ms() + options_.reconnect_backoff_ms);
  if (options_.errors) options_.errors->inc();
  // The idle contexts were talking to the same server: most likely dead too.
  std::vector<redisContext*> dead;
  {
    std::lock_guard lock(pool_mutex_);
    dead.swap(idle_);
  }
  for (redisContext* d : dead) redisFree(d);
}

bool RedisBackend::replay_pending(redisContext* c) {
  std::set<std::string> tenants;
  bool all = false;
  {
    std::lock_guard lock(pending_mutex_);
    tenants.swap(pending_tenants_);
    std::swap(all, pending_all_);
    has_pending_.store(false, std::memory_order_release);
  }
  bool ok = !all || !is_error(run(c, {"INCR", epoch_key()}));
  for (auto it = tenants.begin(); ok && it != tenants.end(); it = tenants.erase(it))
    ok = !is_error(run(c, {"INCR", generation_key(*it)}));
  if (ok) return true;
  std::lock_guard lock(pending_mutex_);
  pending_all_ = pending_all_ || all;
  pending_tenants_.merge(tenants);
  has_pending_.store(true, std::memory_order_release);
  return false;
}

void RedisBackend::remember_pending(const std::string* tenant) {
  std::lock_guard lock(pending_mutex_);
  if (tenant)
    pending_tenants_.insert(*tenant);
  else
    pending_all_ = true;
  has_pending_.store(true, std::memory_order_release);
}

void RedisBackend::initialise_counters(redisContext* c, bool epoch_missing,
                                       const std::string& gen_key, bool gen_missing) {
  // NX: when several instances race, the first value wins and all of them read it back.
  if (epoch_missing && is_error(run(c, {"SET", epoch_key(), random_counter(), "NX"})) &&
      options_.errors)
    options_.errors->inc();
  if (gen_missing && is_error(run(c, {"SET", gen_key, random_counter(), "NX"})) && options_.errors)
    options_.errors->inc();
}

sdk::CacheLookup RedisBackend::get(const std::string& tenant, const std::string& key) {
  sdk::CacheLookup out;
  Lease lease(*this);
  if (!lease) return out;
  const std::string gen_key = generation_key(tenant);
  const std::string ekey = entry_key(tenant, key);
  Reply r;
  // Two passes at most: the second only after creating missing counters (a new or flushed Redis).
  for (int pass = 0; pass < 2; ++pass) {
    r = run(lease.get(), {"MGET", epoch_key(), gen_key, ekey});
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 3) {
      if (r && options_.errors) options_.errors->inc();
      return out;
    }
    bool epoch_missing = r->element[0]->type != REDIS_REPLY_STRING;
    bool gen_missing = r->element[1]->type != REDIS_REPLY_STRING;
    if (!epoch_missing && !gen_missing) break;
    if (pass == 1) return out;  // still unknown: serve nothing, store nothing
    initialise_counters(lease.get(), epoch_missing, gen_key, gen_missing);
  }
  const redisReply* epoch = r->element[0];
  const redisReply* gen = r->element[1];
  const redisReply* entry = r->element[2];
  out.generation.assign(epoch->str, epoch->len);
  out.generation += '.';
  out.generation.append(gen->str, gen->len);
  if (entry->type != REDIS_REPLY_STRING) return out;
  std::string_view payload(entry->str, entry->len);
  const std::size_t token_len = out.generation.size();
  if (payload.size() > token_len && payload[token_len] == '\n' &&
      payload.substr(0, token_len) == out.generation)
    out.value.emplace(payload.substr(token_len + 1));
  return out;
}

void RedisBackend::put(const std::string& tenant, const std::string& key, const std::string& value,
                       int ttl_seconds, const std::string& generation) {
  if (ttl_seconds <= 0 || generation.empty()) return;
  Lease lease(*this);
  if (!lease) return;
  std::string payload;
  payload.reserve(generation.size() + 1 + value.size());
  payload += generation;
  payload += '\n';
  payload += value;
  Reply r =
      run(lease.get(), {"SET", entry_key(tenant, key), payload, "EX", std::to_string(ttl_seconds)});
  if (r && is_error(r) && options_.errors) options_.errors->inc();
}

std::int64_t RedisBackend::invalidate_tenant(const std::string& tenant) {
  {
    Lease lease(*this);
    if (lease && !is_error(run(lease.get(), {"INCR", generation_key(tenant)}))) return 0;
  }
  remember_pending(&tenant);
  return 0;
}

std::int64_t RedisBackend::invalidate_all() {
  {
    Lease lease(*this);
    if (lease && !is_error(run(lease.get(), {"INCR", epoch_key()}))) return 0;
  }
  remember_pending(nullptr);
  return 0;
}

}  // namespace zaplify::cache
