// The costs plugin: GET /metrics/cost and the `cost_daily` data source (docs/api.md, costs
// plugin), priced from its `config:` block. The in-tree example of a small plugin: config read
// once in start(), one route, one data source, all reads through sdk::Store.

#include <memory>
#include <string>
#include <utility>

#include "cost_queries.h"
#include "cost_units.h"
#include "zaplify/sdk/sdk.h"

namespace zaplify::costs {
namespace {

namespace s = sdk::schema;

/// What GET /metrics/cost answers (sdk/schema.h); published as CostsCostResponse. Amounts are in
/// the answer's `currency`.
sdk::Schema cost_schema() {
  auto money = [](std::string what) { return s::number(std::move(what)).with_unit("currency"); };
  auto count = [](std::string what) { return s::integer(std::move(what)).with_unit("count"); };
  auto per = [](std::string n) {
    return s::number("cost / " + n + "; null when 0").with_unit("currency").or_null();
  };
  auto assistant =
      s::object("One assistant's tokens, cost and outcomes in W")
          .field("assistant_id", s::string())
          .field("tokens", s::integer("Tokens of its assistant messages in W").with_unit("tokens"))
          .field("cost", money("tokens / 1000 × its price"))
          .field("conversations", count("Conversations started in W"))
          .field("resolutions", count("Conversations resolved in W"))
          .field("conversions", count("KPI conversions in W credited to it"))
          .field("cost_per_conversation", per("conversations"))
          .field("cost_per_resolution", per("resolutions"))
          .field("cost_per_conversion", per("conversions"))
          .named("AssistantCost");
  auto unattributed =
      s::object("Assistant messages of unknown or human-only conversations, at the default price")
          .field("tokens", s::integer().with_unit("tokens"))
          .field("cost", money("At the default price"));
  return s::object("Totals = the listed assistants + unattributed")
      .field("currency", s::string("The config's currency (default USD)"))
      .field("tokens", s::integer("Tokens of assistant messages in W").with_unit("tokens"))
      .field("cost", money("Their cost"))
      .field("unattributed", unattributed)
      .field("assistants", s::array_of(assistant, "By cost desc, then assistant_id"))
      .named("CostResponse");
}

sdk::ConfigSpec costs_config() {
  sdk::ConfigSpec spec;
  spec.keys = {
      {"currency", s::string("Currency code shown with every amount"), "\"USD\""},
      {"default_per_1k_tokens",
       s::number("Price of 1,000 tokens of an assistant not listed, and of unattributed tokens"),
       "0", false, 0.0},
      {"assistants", s::map_of(s::number(), "Price of 1,000 tokens by assistant_id (≥ 0)"), "{}"}};
  spec.check = sdk::check_by_parsing(
      [](const nlohmann::json& block, const sdk::ConfigCheckContext&) { parse_prices(block); });
  return spec;
}

class CostsPlugin final : public sdk::Plugin {
 public:
  void start(sdk::Host& host) override {
    // A bad price fails this plugin's start (shown in /health) and the others keep serving.
    auto prices = std::make_shared<const Prices>(parse_prices(host.config()));
    const sdk::Store& store = host.store();
    const sdk::FunnelCatalog& funnels = host.funnels();
    const sdk::Calendar& calendar = host.calendar();
    for (auto& m : cost_units_migrations()) host.migrations().add(std::move(m));
    host.projections().add(cost_units_projection());

    sdk::RouteSpec cost;
    cost.path = "/metrics/cost";
    cost.summary = "Token cost per assistant and per outcome in W";
    cost.description =
        "Tokens of assistant messages in W priced per assistant (config), with conversations "
        "started, resolutions and conversions per assistant and the cost of each; tokens of "
        "unknown or human-only conversations count in the totals at the default price.";
    cost.tag = "costs";
    cost.windowed = true;
    cost.cache = sdk::CachePolicy::Standard;
    cost.response_schema = cost_schema();
    cost.handler = [prices, &store, &funnels](const sdk::Request& req) {
      return sdk::Response::of_json(
          cost_json(compute_cost(store, funnels, *prices, req.tenant_id, req.window)));
    };
    host.routes().add(std::move(cost));

    sdk::DataSourceSpec daily;
    daily.name = "cost_daily";
    daily.description = "Assistant-message tokens and their cost per local day and assistant";
    daily.columns = {{"date", sdk::ColumnType::Date, "local date in tz"},
                     {"assistant_id", sdk::ColumnType::String, "null: unattributed tokens"},
                     {"tokens", sdk::ColumnType::Integer, "sum of tokens (rows with tokens > 0)"},
                     {"cost", sdk::ColumnType::Number, "tokens / 1000 × the assistant's price"}};
    daily.produce = [prices, &store, &calendar](const sdk::DataSourceRequest& r, sdk::RowSink& s) {
      produce_cost_daily(store, calendar, *prices, r, s);
    };
    host.data_sources().add(std::move(daily));
  }
};

}  // namespace
}  // namespace zaplify::costs

ZAPLIFY_PLUGIN(zaplify::costs::CostsPlugin, "costs", "1.0.0",
               "Cost per outcome: assistant tokens priced per assistant (GET /metrics/cost)")
ZAPLIFY_PLUGIN_CONFIG(zaplify::costs::costs_config)
