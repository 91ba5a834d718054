#pragma once
// Cost per outcome (docs/api.md, costs plugin): token prices, the attribution of messages, endings
// and conversions to assistants, and the sums of GET /metrics/cost and `cost_daily`. Plain data
// in, plain data out: no store and no clock, so every number is testable from hand-made events
// (cost_queries.h feeds these classes from the event store).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

namespace zaplify::costs {

/// Token prices, from the plugin's `config:` block.
struct Prices {
  std::string currency = "USD";
  double default_per_1k = 0;
  std::map<std::string, double> per_1k;  ///< By assistant_id.

  /// The price per 1,000 tokens of an assistant; the default for one without a price and for
  /// unattributed tokens (assistant "").
  double per_1k_of(const std::string& assistant_id) const;
};

/// Reads `currency`, `default_per_1k_tokens` and `assistants`; throws std::invalid_argument naming
/// the offending key (unknown keys included, so a typo does not silently price at 0).
Prices parse_prices(const nlohmann::json& config);

/// Each conversation's earliest `conversation_started` (ties: smallest event id), built from all of
/// a tenant's starts in any order; later starts are ignored (docs/api.md, How events are
/// interpreted). Not thread-safe.
class ConversationIndex {
 public:
  void add_start(const std::string& conversation_id, const std::string& event_id,
                 const std::string& lead_id, const std::string& assistant_id, std::int64_t ts);
  /// The conversation's assistant: "" when the conversation is unknown or human only.
  const std::string& assistant_of(const std::string& conversation_id) const;
  /// Calls f(assistant_id) for every conversation whose earliest start lies in [from, to).
  template <typename F>
  void for_each_started(std::int64_t from, std::int64_t to, F&& f) const {
    for (const auto& [id, s] : conversations_)
      if (s.ts >= from && s.ts < to) f(s.assistant_id);
  }
  /// The assistant of the lead's earliest-starting conversation ("" when none or human only).
  /// REQUIRES: every start was added (the lead table is built on the first call).
  const std::string& first_assistant_of_lead(const std::string& lead_id) const;

 private:
  struct Start {
    std::int64_t ts = 0;
    std::string event_id, lead_id, assistant_id;
  };
  static bool earlier(std::int64_t ts, const std::string& id, const Start& than);
  std::unordered_map<std::string, Start> conversations_;
  mutable std::unordered_map<std::string, const Start*> first_by_lead_;
  mutable bool leads_built_ = false;
};

/// One assistant's line of GET /metrics/cost.
struct AssistantCost {
  std::string assistant_id;
  std::int64_t tokens = 0;
  double cost = 0;
  std::int64_t conversations = 0;
  std::int64_t resolutions = 0;
  std::int64_t conversions = 0;
};

struct CostReport {
  std::string currency;
  std::int64_t tokens = 0;                  ///< Every assistant message's tokens in W.
  double cost = 0;
  std::int64_t unattributed_tokens = 0;     ///< Of unknown or human-only conversations.
  double unattributed_cost = 0;             ///< At the default price.
  std::vector<AssistantCost> assistants;    ///< By cost desc, then assistant_id.
};

/// Sums one window W = [from, to). Not thread-safe; one per request.
class CostAccumulator {
 public:
  /// REQUIRES: `index` holds every start of the tenant and outlives the accumulator.
  CostAccumulator(const ConversationIndex& index, const Prices& prices, std::int64_t from,
                  std::int64_t to);
  /// A conversation with messages in W; `assistant_tokens` sums its assistant messages' tokens.
  void add_messages(const std::string& conversation_id, std::int64_t assistant_tokens);
  /// A `conversation_ended` of any time before `to` (only each conversation's earliest counts).
  void add_ending(const std::string& conversation_id, const std::string& event_id, std::int64_t ts,
                  const std::string& outcome);
  /// A lead counted by /metrics/kpi `conversions` in W (each lead once).
  void add_conversion(const std::string& lead_id);
  CostReport finish();

 private:
  struct Ending {
    std::int64_t ts = 0;
    std::string event_id, outcome;
  };
  AssistantCost& line(const std::string& assistant_id);

  const ConversationIndex& index_;
  const Prices& prices_;
  std::int64_t from_, to_;
  std::int64_t unattributed_tokens_ = 0;
  std::map<std::string, AssistantCost> lines_;
  std::unordered_map<std::string, Ending> first_endings_;
};

/// One row of `cost_daily`: assistant_id "" is the unattributed tokens (exported as null).
struct DailyCost {
  std::size_t day = 0;  ///< Index into the day starts the rows were made for.
  std::string assistant_id;
  std::int64_t tokens = 0;
  double cost = 0;
};

/// Tokens per local day and assistant. Not thread-safe.
class DailyCostAccumulator {
 public:
  /// REQUIRES: `day_starts` ascending (local midnights of W); `index` outlives this object.
  DailyCostAccumulator(const ConversationIndex& index, const Prices& prices,
                       std::vector<std::int64_t> day_starts);
  /// An assistant message of W with its tokens.
  void add_reply(const std::string& conversation_id, std::int64_t ts, std::int64_t tokens);
  /// Rows with tokens > 0, by day, then assistant_id with the unattributed row last.
  std::vector<DailyCost> rows() const;

 private:
  const ConversationIndex& index_;
  const Prices& prices_;
  std::vector<std::int64_t> day_starts_;
  std::map<std::pair<std::size_t, std::string>, std::int64_t> tokens_;
};

nlohmann::json cost_json(const CostReport& report);

}  // namespace zaplify::costs
