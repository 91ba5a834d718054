#include "backfill.h"

#include <chrono>
#include <cstdio>
#include <random>
#include <stdexcept>

namespace zaplify::bench {
namespace {

// splitmix64's finaliser: spreads FNV-1a's weak low bits over the whole word.
std::uint64_t mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t hash_id(const std::string& id, std::uint64_t seed) {
  std::uint64_t h = 0xcbf29ce484222325ULL ^ mix(seed);
  for (unsigned char c : id) h = (h ^ c) * 0x100000001b3ULL;
  return mix(h);
}

// `{"events":[e1,e2,...]}` from already serialised events: byte for byte what nlohmann's dump()
// of the same object gives (the time-ordered bodies are made that way).
std::string body_of(const std::vector<std::string>& events, const std::vector<std::size_t>& order,
                    std::size_t from, std::size_t to) {
  std::size_t bytes = 16;
  for (std::size_t i = from; i < to; ++i) bytes += events[order[i]].size() + 1;
  std::string body;
  body.reserve(bytes);
  body += "{\"events\":[";
  for (std::size_t i = from; i < to; ++i) {
    if (i > from) body += ',';
    body += events[order[i]];
  }
  body += "]}";
  return body;
}

}  // namespace

std::string data_shape_name(DataShape shape) {
  return shape == DataShape::Backfill ? "backfill" : "time-ordered";
}

DataShape data_shape_from(const std::string& name) {
  if (name == "time-ordered") return DataShape::TimeOrdered;
  if (name == "backfill") return DataShape::Backfill;
  throw std::invalid_argument("--data: expected time-ordered, backfill or both, got '" + name +
                              "'");
}

std::vector<std::size_t> backfill_permutation(std::size_t n, std::uint64_t seed) {
  std::vector<std::size_t> p(n);
  for (std::size_t i = 0; i < n; ++i) p[i] = i;
  std::mt19937_64 engine(mix(seed ^ 0x6261636b66696c6cULL));  // apart from the generator's stream
  for (std::size_t i = n; i > 1; --i) {
    // Modulo bias is below 2^-40 for any data set that fits in memory: irrelevant here.
    std::size_t j = static_cast<std::size_t>(engine() % i);
    std::swap(p[i - 1], p[j]);
  }
  return p;
}

std::string backfill_id(const std::string& id, std::uint64_t seed) {
  char prefix[16];
  std::snprintf(prefix, sizeof prefix, "%08x", static_cast<unsigned>(hash_id(id, seed) >> 32));
  return std::string(prefix) + "-" + id;
}

Dataset build_backfill_dataset(const EventSource& source, std::size_t batch_size,
                               std::uint64_t seed) {
  if (batch_size == 0) throw std::invalid_argument("batch_size must be positive");
  auto start = std::chrono::steady_clock::now();
  Dataset d;
  std::vector<std::string> events;  // serialised one by one: a DOM per event would cost ~2 KB
  std::vector<nlohmann::json> batch;
  auto take = [&] {
    for (auto& e : batch) {
      if (auto it = e.find("id"); it != e.end() && it->is_string())
        *it = backfill_id(it->get<std::string>(), seed);
      d.stats.observe(e);
      events.push_back(e.dump());
    }
    batch.clear();
  };
  while (source(batch, batch_size)) take();
  take();  // a source may hand its last events together with `false`
  auto order = backfill_permutation(events.size(), seed);
  for (std::size_t from = 0; from < events.size(); from += batch_size)
    d.bodies.push_back(body_of(events, order, from, std::min(events.size(), from + batch_size)));
  d.generate_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return d;
}

}  // namespace zaplify::bench
