#pragma once
// What one ingest batch adds to the per-unit tables (rollup.h), gathered in C++ so that each
// (unit) and (unit, assistant) row is written once per batch. Internal to the ingest hook.

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "rollup.h"
#include "zaplify/sdk/events.h"
#include "zaplify/sdk/store.h"

namespace zaplify::metrics {

/// One metrics_assistant_units row's change (counts may be negative: a conversation moved away).
struct AssistantDelta {
  std::int64_t conversations = 0, replies = 0, tokens = 0, ended = 0, resolved = 0, handoff = 0;
  std::string rt_vals;  ///< packed_values.h text to append.

  void add_ending(std::string_view outcome, std::int64_t n);
};

struct HookDeltas {
  std::map<std::int64_t, UnitSums> units;  ///< rt_values unused; see unit_vals.
  std::map<std::int64_t, std::string> unit_vals;
  std::map<std::pair<std::int64_t, std::string>, AssistantDelta> assistants;
};

/// The batch reduced: earliest start / ending per conversation, replies, leads.
struct Reduced {
  std::map<std::string, const sdk::Event*> starts, ends;
  std::vector<const sdk::Event*> replies, leads;
};

/// Brings metrics_conversations up to date with the batch and records in `d` how conversation,
/// ending and reply counts move between units and assistants. has_replies marks the rows whose
/// stored replies must move when the conversation's assistant changes.
/// `seq_horizon`: stored events after it are not applied yet (a replay, see sdk/projection.h).
/// REQUIRES (PostgreSQL): the batch's conversation rows are locked already.
void apply_conversations(const std::string& tenant, const Reduced& r, sdk::SqlWriter& w,
                         HookDeltas& d, std::int64_t seq_horizon);

}  // namespace zaplify::metrics
