#pragma once
// Cost per outcome (docs/api.md, costs plugin): token prices and the sums of GET /metrics/cost and
// `cost_daily` from figures already attributed to assistants. The attribution itself (a message,
// start, ending or conversion belongs to the assistant of its conversation's earliest start) is
// read from the host's conversations relation by cost_queries.h. Plain data in, plain data out.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
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
  std::int64_t tokens = 0;  ///< Every assistant message's tokens in W.
  double cost = 0;
  std::int64_t unattributed_tokens = 0;   ///< Of unknown or human-only conversations.
  double unattributed_cost = 0;           ///< At the default price.
  std::vector<AssistantCost> assistants;  ///< By cost desc, then assistant_id.
};

/// Sums one window W = [from, to) from figures attributed to assistants (assistant "" = none:
/// an unknown or human-only conversation). Not thread-safe; one per request.
class CostAccumulator {
 public:
  explicit CostAccumulator(const Prices& prices) : prices_(prices) {}
  /// Assistant-message tokens of W's messages of the assistant's conversations; an assistant with
  /// a message in W is listed even at 0 tokens.
  void add_tokens(const std::string& assistant_id, std::int64_t tokens);
  /// Conversations whose earliest start lies in W.
  void add_started(const std::string& assistant_id, std::int64_t conversations);
  /// Conversations whose earliest ending lies in W and is `resolved`. Counted only for an
  /// assistant listed for another reason (a message, start or conversion in W).
  void add_resolutions(const std::string& assistant_id, std::int64_t resolutions);
  /// One lead counted by /metrics/kpi `conversions` in W, by its first conversation's assistant.
  void add_conversion(const std::string& assistant_id);
  CostReport finish();

 private:
  AssistantCost& line(const std::string& assistant_id);

  const Prices& prices_;
  std::int64_t unattributed_tokens_ = 0;
  std::map<std::string, AssistantCost> lines_;
  std::map<std::string, std::int64_t> resolutions_;
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
  /// REQUIRES: `day_starts` ascending (local midnights of W).
  DailyCostAccumulator(const Prices& prices, std::vector<std::int64_t> day_starts);
  /// An assistant message of W with its tokens, attributed to `assistant_id` ("" = none).
  void add_reply(const std::string& assistant_id, std::int64_t ts, std::int64_t tokens);
  /// Rows with tokens > 0, by day, then assistant_id with the unattributed row last.
  std::vector<DailyCost> rows() const;

 private:
  const Prices& prices_;
  std::vector<std::int64_t> day_starts_;
  std::map<std::pair<std::size_t, std::string>, std::int64_t> tokens_;
};

nlohmann::json cost_json(const CostReport& report);

}  // namespace zaplify::costs
