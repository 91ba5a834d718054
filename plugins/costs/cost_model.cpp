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

nlohmann::json opt(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }

const std::string kNone;

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

bool ConversationIndex::earlier(std::int64_t ts, const std::string& id, const Start& than) {
  // (timestamp, id) order with ids compared byte-wise: "earliest" as docs/api.md defines it (ties:
  // smallest event id).
  return ts < than.ts || (ts == than.ts && id < than.event_id);
}

void ConversationIndex::add_start(const std::string& conversation_id, const std::string& event_id,
                                  const std::string& lead_id, const std::string& assistant_id,
                                  std::int64_t ts) {
  auto [it, inserted] = conversations_.try_emplace(conversation_id);
  if (inserted || earlier(ts, event_id, it->second)) it->second = Start{ts, event_id, lead_id, assistant_id};
  leads_built_ = false;
}

const std::string& ConversationIndex::assistant_of(const std::string& conversation_id) const {
  auto it = conversations_.find(conversation_id);
  return it == conversations_.end() ? kNone : it->second.assistant_id;
}

const std::string& ConversationIndex::first_assistant_of_lead(const std::string& lead_id) const {
  if (!leads_built_) {
    first_by_lead_.clear();
    for (const auto& [conv, s] : conversations_) {
      if (s.lead_id.empty()) continue;
      auto [it, inserted] = first_by_lead_.try_emplace(s.lead_id, &s);
      if (!inserted && earlier(s.ts, s.event_id, *it->second)) it->second = &s;
    }
    leads_built_ = true;
  }
  auto it = first_by_lead_.find(lead_id);
  return it == first_by_lead_.end() ? kNone : it->second->assistant_id;
}

CostAccumulator::CostAccumulator(const ConversationIndex& index, const Prices& prices,
                                 std::int64_t from, std::int64_t to)
    : index_(index), prices_(prices), from_(from), to_(to) {}

AssistantCost& CostAccumulator::line(const std::string& assistant_id) {
  auto [it, inserted] = lines_.try_emplace(assistant_id);
  if (inserted) it->second.assistant_id = assistant_id;
  return it->second;
}

void CostAccumulator::add_messages(const std::string& conversation_id, std::int64_t assistant_tokens) {
  const std::string& assistant = index_.assistant_of(conversation_id);
  if (assistant.empty())
    unattributed_tokens_ += assistant_tokens;
  else
    line(assistant).tokens += assistant_tokens;  // listed even at 0 tokens: it has a message
}

void CostAccumulator::add_ending(const std::string& conversation_id, const std::string& event_id,
                                 std::int64_t ts, const std::string& outcome) {
  auto [it, inserted] = first_endings_.try_emplace(conversation_id);
  Ending& e = it->second;
  if (inserted || ts < e.ts || (ts == e.ts && event_id < e.event_id)) e = Ending{ts, event_id, outcome};
}

void CostAccumulator::add_conversion(const std::string& lead_id) {
  const std::string& assistant = index_.first_assistant_of_lead(lead_id);
  if (!assistant.empty()) ++line(assistant).conversions;
}

CostReport CostAccumulator::finish() {
  index_.for_each_started(from_, to_, [this](const std::string& assistant) {
    if (!assistant.empty()) ++line(assistant).conversations;
  });
  // An assistant with only a resolution in W is not listed (docs/api.md, costs plugin: a message,
  // start or conversion in W lists it).
  for (const auto& [conv, e] : first_endings_) {
    if (e.ts < from_ || e.ts >= to_ || e.outcome != "resolved") continue;
    auto it = lines_.find(index_.assistant_of(conv));
    if (it != lines_.end()) ++it->second.resolutions;
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

DailyCostAccumulator::DailyCostAccumulator(const ConversationIndex& index, const Prices& prices,
                                           std::vector<std::int64_t> day_starts)
    : index_(index), prices_(prices), day_starts_(std::move(day_starts)) {}

void DailyCostAccumulator::add_reply(const std::string& conversation_id, std::int64_t ts,
                                     std::int64_t tokens) {
  auto it = std::upper_bound(day_starts_.begin(), day_starts_.end(), ts);
  if (it == day_starts_.begin() || tokens <= 0) return;
  const auto day = static_cast<std::size_t>(it - day_starts_.begin() - 1);
  tokens_[{day, index_.assistant_of(conversation_id)}] += tokens;
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
          {"unattributed", {{"tokens", report.unattributed_tokens}, {"cost", report.unattributed_cost}}},
          {"assistants", std::move(assistants)}};
}

}  // namespace zaplify::costs
