#pragma once
// Fresh events for the soak benchmark's ingest batches: new leads, conversations, lead and
// assistant messages, funnel progress and endings, with new ids and timestamps just before "now",
// so the data keeps growing and the real-time routes see activity. Pure and deterministic.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace zaplify::bench {

class SoakEventGenerator {
 public:
  /// `stages`: the funnel's stages in order (stage_changed events go into them); may be empty,
  /// then no stage_changed events are made. `run_tag` keeps ids apart between runs.
  SoakEventGenerator(std::string tenant, std::string funnel_id, std::vector<std::string> stages,
                     std::string run_tag = "soak");
  /// `count` events with timestamps spread over the second before `now_ms` (the last one at
  /// `now_ms`), in time order. Each call continues where the previous one stopped.
  std::vector<nlohmann::json> next_events(std::size_t count, std::int64_t now_ms);
  /// The same as an ingest body `{"events": [...]}`.
  std::string next_body(std::size_t count, std::int64_t now_ms);
  std::uint64_t produced() const { return produced_; }

 private:
  nlohmann::json event_of_step(std::uint64_t unit, int step, bool& unit_done);

  std::string tenant_;
  std::string funnel_id_;
  std::vector<std::string> stages_;
  std::string tag_;
  std::uint64_t unit_ = 0;  ///< One unit = one lead and its conversation.
  int step_ = 0;            ///< Next step within the unit.
  std::uint64_t produced_ = 0;
};

}  // namespace zaplify::bench
