#include "cost_model.h"

#include <algorithm>
#include <stdexcept>

namespace zaplify::costs {
namespace {

double price_at(const nlohmann::json& v, const std::string& key) {
  if (!v.is_number() || v.get<double>() < 0)
    throw std::invalid_argument("costs: " + key + " must be a number >= 0");
  return v.get<double>();
}

std::optional<double> ratio(double num, std::int64_t den) {
  if (den == 0) return std::nullopt;
  return num / static_cast<double>(den);
}

nlohmann::json opt(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json();
}

}  // namespace

double Prices::per_1k_of(const std::string& assistant_id) const {
  auto it = per_1k.find(assistant_id);
  return it == per_1k.end() ? default_per_1k : it->second;
}

Prices parse_prices(const nlohmann::json& config) {
  Prices p;
  if (config.is_null()) return p;
  if (!config.is_object()) throw std::invalid_argument("costs: config must be a mapping");
  for (const auto& [key, value] : config.items()) {
    if (key == "currency") {
      if (!value.is_string() || value.get<std::string>().empty())
        throw std::invalid_argument("costs: currency must be a non-empty string");
      p.currency = value.get<std::string>();
    } else if (key == "default_per_1k_tokens") {
      p.default_per_1k = price_at(value, key);
    } else if (key == "assistants") {
      if (!value.is_object() && !value.is_null())
        throw std::invalid_argument("costs: assistants must map assistant_id to a price");
      if (value.is_object())
        for (const auto& [id, price] : value.items())
          p.per_1k[id] = price_at(price, "assistants." + id);
    } else {
      throw std::invalid_argument("costs: unknown config key '" + key +
                                  "' (known: currency, default_per_1k_tokens, assistants)");
    }
  }
  return p;
}

AssistantCost& CostAccumulator::line(const std::string& assistant_id) {
  auto [it, inserted] = lines_.try_emplace(assistant_id);
  if (inserted) it->second.assistant_id = assistant_id;
  return it->second;
}

void CostAccumulator::add_tokens(const std::string& assistant_id, std::int64_t tokens) {
  if (assistant_id.empty())
    unattributed_tokens_ += tokens;
  else
    line(assistant_id).tokens += tokens;  // listed even at 0 tokens: it has a message
}

void CostAccumulator::add_started(const std::string& assistant_id, std::int64_t conversations) {
  if (!assistant_id.empty()) line(assistant_id).conversations += conversations;
}

void CostAccumulator::add_resolutions(const std::string& assistant_id, std::int64_t resolutions) {
  if (!assistant_id.empty()) resolutions_[assistant_id] += resolutions;
}

void CostAccumulator::add_conversion(const std::string& assistant_id) {
  if (!assistant_id.empty()) ++line(assistant_id).conversions;
}

CostReport CostAccumulator::finish() {
  // An assistant with only a resolution in W is not listed (docs/api.md, costs plugin: a message,
  // start or conversion in W lists it).
  for (const auto& [assistant, n] : resolutions_) {
    auto it = lines_.find(assistant);
    if (it != lines_.end()) it->second.resolutions += n;
  }
  CostReport r;
  r.currency = prices_.currency;
  r.unattributed_tokens = unattributed_tokens_;
  r.unattributed_cost = static_cast<double>(unattributed_tokens_) / 1000.0 * prices_.default_per_1k;
  r.tokens = r.unattributed_tokens;
  r.cost = r.unattributed_cost;
  for (auto& [id, a] : lines_) {
    a.cost = static_cast<double>(a.tokens) / 1000.0 * prices_.per_1k_of(id);
    r.tokens += a.tokens;
    r.cost += a.cost;
    r.assistants.push_back(a);
  }
  std::stable_sort(r.assistants.begin(), r.assistants.end(),
                   [](const AssistantCost& a, const AssistantCost& b) { return a.cost > b.cost; });
  return r;  // stable on the map's id order: equal costs stay by assistant_id
}

DailyCostAccumulator::DailyCostAccumulator(const Prices& prices,
                                           std::vector<std::int64_t> day_starts)
    : prices_(prices), day_starts_(std::move(day_starts)) {}

void DailyCostAccumulator::add_reply(const std::string& assistant_id, std::int64_t ts,
                                     std::int64_t tokens) {
  auto it = std::upper_bound(day_starts_.begin(), day_starts_.end(), ts);
  if (it == day_starts_.begin() || tokens <= 0) return;
  const auto day = static_cast<std::size_t>(it - day_starts_.begin() - 1);
  tokens_[{day, assistant_id}] += tokens;
}

std::vector<DailyCost> DailyCostAccumulator::rows() const {
  std::vector<DailyCost> out;
  for (const auto& [key, tokens] : tokens_)
    out.push_back({key.first, key.second, tokens,
                   static_cast<double>(tokens) / 1000.0 * prices_.per_1k_of(key.second)});
  // The map sorts "" (unattributed) first within a day; move it after the named assistants.
  std::stable_sort(out.begin(), out.end(), [](const DailyCost& a, const DailyCost& b) {
    if (a.day != b.day) return a.day < b.day;
    return !a.assistant_id.empty() && b.assistant_id.empty();
  });
  return out;
}

nlohmann::json cost_json(const CostReport& report) {
  nlohmann::json assistants = nlohmann::json::array();
  for (const auto& a : report.assistants)
    assistants.push_back({{"assistant_id", a.assistant_id},
                          {"tokens", a.tokens},
                          {"cost", a.cost},
                          {"conversations", a.conversations},
                          {"resolutions", a.resolutions},
                          {"conversions", a.conversions},
                          {"cost_per_conversation", opt(ratio(a.cost, a.conversations))},
                          {"cost_per_resolution", opt(ratio(a.cost, a.resolutions))},
                          {"cost_per_conversion", opt(ratio(a.cost, a.conversions))}});
  return {{"currency", report.currency},
          {"tokens", report.tokens},
          {"cost", report.cost},
          {"unattributed",
           {{"tokens", report.unattributed_tokens}, {"cost", report.unattributed_cost}}},
          {"assistants", std::move(assistants)}};
}

}  // namespace zaplify::costs
