#pragma once
// Realistic demo events (docs/api.md, Sending events) for one tenant: funnels, leads, conversations
// in English and Brazilian Portuguese, assistant and agent replies, endings and funnel progress.
// Streaming (memory stays flat for millions of events) and deterministic for a seed.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace zaplify::core {

class IngestService;

struct DemoOptions {
  std::string tenant = "demo";
  std::uint64_t seed = 42;
  std::int64_t leads = 1000;       ///< About 10 events per lead: 100,000 leads ≈ 1M events.
  int days = 30;                   ///< Leads arrive spread over [end_ms − days, end_ms).
  std::int64_t end_ms = 0;         ///< 0: now. No event is later than this.
  int assistants = 4;              ///< Distinct assistant ids (3–5 is realistic).
  double human_only_share = 0.08;  ///< Conversations with no assistant (assistant_id null).
};

/// Not thread-safe; one consumer. Events come out roughly in time order (lead by lead).
class DemoGenerator {
 public:
  explicit DemoGenerator(DemoOptions options);
  ~DemoGenerator();
  DemoGenerator(const DemoGenerator&) = delete;
  DemoGenerator& operator=(const DemoGenerator&) = delete;

  /// Clears `out` and appends up to `max` events. Returns false once nothing is left (then `out`
  /// is empty).
  bool next_batch(std::vector<nlohmann::json>& out, std::size_t max);
  /// Events produced so far.
  std::uint64_t produced() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// Generates and ingests demo data through `ingest` in batches of 1,000 as a "*" caller (with
/// `now` = options.end_ms, or the clock when 0). Returns the number of events accepted.
/// Throws what IngestService::process throws.
std::int64_t load_demo_data(IngestService& ingest, const DemoOptions& options);

}  // namespace zaplify::core
