// The SAX batch parser against the DOM reference (parse_batch_dom, i.e. nlohmann DOM +
// validate_event) over many generated and mutated bodies: same 400/413, same events, same
// rejections. Bodies are written as text so that duplicate keys, nesting and odd numbers occur.

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>

#include "ingest/batch_parser.h"
#include "zaplify/sdk/http.h"

namespace zaplify::core::ingest {
namespace {

constexpr std::int64_t kNow = 20777ll * 86400000 + 12 * 3600000;  // 2026-11-20T12:00:00Z

// Concatenation out of line: g++ 12 reports false -Wrestrict errors for inlined "literal" +
// std::string (GCC bug 105651).
[[gnu::noinline]] std::string cat(std::initializer_list<std::string_view> parts) {
  std::string s;
  for (auto p : parts) s.append(p);
  return s;
}

// The whole outcome as text: equal outcomes give equal text.
std::string outcome(std::string_view body, const IngestCaller& caller, int max_events, bool sax) {
  IngestSettings s;
  s.max_events_per_batch = max_events;
  try {
    ParsedBatch b =
        sax ? parse_batch(body, caller, kNow, s) : parse_batch_dom(body, caller, kNow, s);
    nlohmann::json events = nlohmann::json::array();
    for (const auto& e : b.events)
      events.push_back({e.id, e.type, e.tenant_id, e.ts_ms, e.lead_id, e.conversation_id,
                        e.assistant_id, e.channel, e.sender, e.text,
                        e.response_time_ms ? nlohmann::json(*e.response_time_ms) : nullptr,
                        e.tokens ? nlohmann::json(*e.tokens) : nullptr, e.outcome, e.funnel_id,
                        e.stage, e.name, e.stages, e.source});
    return nlohmann::json{
        {"events", events}, {"dups", b.in_batch_duplicates}, {"rejected", b.rejected}}
        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } catch (const sdk::HttpError& e) {
    return cat({std::to_string(e.status()), " ", e.code(), " ", e.what()});
  }
}

class Gen {
 public:
  explicit Gen(unsigned seed) : rng_(seed) {}
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

  std::string str() {
    static const char* kPool[] = {"\"acme\"",
                                  "\"other\"",
                                  "\"\"",
                                  "\"e1\"",
                                  "\"e2\"",
                                  "\"lead\"",
                                  "\"agent\"",
                                  "\"resolved\"",
                                  "\"message\"",
                                  "\"lead_created\"",
                                  "\"funnel_defined\"",
                                  "\"stage_changed\"",
                                  "\"conversation_started\"",
                                  "\"conversation_ended\"",
                                  "\"2026-11-20T10:00:00Z\"",
                                  "\"2026-11-20T10:00:00.1239-03:00\"",
                                  "\"2020-01-01T00:00:00Z\"",
                                  "\"2026-11-25T00:00:00Z\"",
                                  "\"ol\\u00e1\"",
                                  "\"a\\u0000b\"",
                                  "\"\\ud83d\\ude00\"",
                                  "\"bad tenant!\"",
                                  "\"x\xC3\xA9y\""};
    if (pick(8) == 0)
      return cat({"\"", std::string(static_cast<std::size_t>(pick(3) == 0 ? 129 : 60), 'z'), "\""});
    return kPool[pick(static_cast<int>(std::size(kPool)))];
  }
  std::string value(int depth = 0) {
    switch (pick(depth > 1 ? 9 : 11)) {
      case 0:
        return "null";
      case 1:
        return pick(2) ? "true" : "false";
      case 2:
        return std::to_string(pick(1000));
      case 3:
        return cat({"-", std::to_string(pick(5))});
      case 4:
        return pick(2) ? "3.0" : "3.5";
      case 5:
        return pick(2) ? "18446744073709551615" : "1e300";
      case 6:
        return "-0";
      case 9:
        return cat({"[", pick(2) ? cat({str(), ",", str()}) : std::string(),
                    pick(3) ? "" : cat({",", value(depth + 1)}), "]"});
      case 10:
        return cat({"{\"k\":", value(depth + 1), ",\"id\":", str(), "}"});
      default:
        return str();
    }
  }
  std::string stages() {
    if (pick(4) == 0) return value();
    std::string s = "[";
    const int n = pick(5) == 0 ? 51 : pick(5);
    for (int i = 0; i < n; ++i) {
      if (i) s += ',';
      s += pick(6) == 0 ? value() : cat({"\"s", std::to_string(pick(4)), "\""});
    }
    s += "]";
    return s;
  }
  // A plausible event (valid more often than not), with random damage, extra and repeated keys.
  std::string event() {
    static const char* kTypes[] = {"lead_created",       "conversation_started", "message",
                                   "conversation_ended", "funnel_defined",       "stage_changed"};
    std::vector<std::pair<std::string, std::string>> f = {
        {"id", cat({"\"e", std::to_string(pick(30)), "\""})},
        {"type", cat({"\"", kTypes[pick(6)], "\""})},
        {"tenant_id", pick(6) ? "\"acme\"" : "\"other\""},
        {"timestamp", cat({"\"2026-11-20T1", std::to_string(pick(10)), ":00:00Z\""})},
        {"lead_id", "\"L1\""},
        {"conversation_id", "\"C1\""},
        {"sender", "\"lead\""},
        {"text", "\"hi\""},
        {"outcome", "\"handoff\""},
        {"funnel_id", "\"F\""},
        {"name", "\"N\""},
        {"stages", stages()},
        {"stage", "\"s1\""}};
    static const char* kOptional[] = {"source", "assistant_id", "channel", "response_time_ms",
                                      "tokens", "unknown",      "ID"};
    for (int i = pick(4); i > 0; --i) f.emplace_back(kOptional[pick(7)], value());
    for (int i = pick(3); i > 0; --i)
      f[static_cast<std::size_t>(pick(static_cast<int>(f.size())))].second = value();
    for (int i = pick(3); i > 0; --i) f.erase(f.begin() + pick(static_cast<int>(f.size())));
    for (int i = pick(3); i > 0; --i) {  // repeated keys: the last one must win on both paths
      auto copy = f[static_cast<std::size_t>(pick(static_cast<int>(f.size())))];
      copy.second = pick(2) ? value() : copy.second;
      f.push_back(copy);
    }
    std::shuffle(f.begin(), f.end(), rng_);
    std::string s = "{";
    for (std::size_t i = 0; i < f.size(); ++i)
      s += cat({i ? "," : "", "\"", f[i].first, "\":", f[i].second});
    s += "}";
    return s;
  }
  std::string body() {
    std::string s = pick(10) ? "{\"events\":[" : "{\"x\":[1,{\"events\":2}],\"events\":[";
    const int n = pick(12);
    for (int i = 0; i < n; ++i) s += cat({i ? "," : "", pick(15) ? event() : value()});
    s += "]";
    if (pick(15) == 0) s += cat({",\"events\":", pick(2) ? value() : cat({"[", event(), "]"})});
    s += "}";
    return s;
  }
  std::string mutate(std::string s) {
    for (int m = pick(3) + 1; m > 0 && !s.empty(); --m) {
      const auto pos = static_cast<std::size_t>(pick(static_cast<int>(s.size())));
      static const char kBytes[] = {'"',  ',', '{',    '}',    '[',    ']', ':',
                                    '\\', 'x', '\xC0', '\xFF', '\xE2', '0'};
      switch (pick(3)) {
        case 0:
          s[pos] = kBytes[pick(static_cast<int>(sizeof kBytes))];
          break;
        case 1:
          s.erase(pos, 1);
          break;
        default:
          s.insert(pos, 1, kBytes[pick(static_cast<int>(sizeof kBytes))]);
          break;
      }
    }
    return s;
  }

 private:
  std::mt19937 rng_;
};

TEST(SaxDifferential, GeneratedBodiesMatchTheDomReference) {
  Gen g(20261120);
  int accepted_some = 0, rejected_some = 0;
  for (int i = 0; i < 4000; ++i) {
    const std::string body = g.body();
    const IngestCaller caller{"acme", g.pick(5) == 0};
    const int max_events = g.pick(10) == 0 ? 3 : 100;
    const std::string sax = outcome(body, caller, max_events, true);
    ASSERT_EQ(sax, outcome(body, caller, max_events, false)) << body;
    accepted_some += sax.find("\"events\":[[") != std::string::npos;
    rejected_some += sax.find("\"error\"") != std::string::npos;
  }
  // The generator must exercise both outcomes, or the comparison proves little.
  EXPECT_GT(accepted_some, 500);
  EXPECT_GT(rejected_some, 500);
}

TEST(SaxDifferential, MutatedBodiesMatchTheDomReference) {
  Gen g(7);
  for (int i = 0; i < 4000; ++i) {
    const std::string body = g.mutate(g.body());
    const IngestCaller caller{"acme", false};
    ASSERT_EQ(outcome(body, caller, 100, true), outcome(body, caller, 100, false)) << body;
  }
}

TEST(SaxDifferential, InBatchDuplicatesKeepTheFirstOccurrence) {
  Gen g(99);
  for (int i = 0; i < 300; ++i) {
    std::string body = "{\"events\":[";
    std::vector<std::pair<std::string, std::string>> keys;  // (tenant, id) in batch order
    const int n = g.pick(60) + 1;
    for (int k = 0; k < n; ++k) {
      std::string tenant = g.pick(2) ? "a" : "b", id = cat({"e", std::to_string(g.pick(20))});
      keys.emplace_back(tenant, id);
      body += cat({k ? "," : "", "{\"id\":\"", id, "\",\"type\":\"lead_created\",\"tenant_id\":\"",
                   tenant, "\",\"timestamp\":\"2026-11-20T10:00:00Z\",\"lead_id\":\"L",
                   std::to_string(k), "\"}"});
    }
    body += "]}";
    ParsedBatch b = parse_batch(body, {"*", true}, kNow, IngestSettings{});
    // Naive reference: walk in order, keep what was not seen.
    std::set<std::pair<std::string, std::string>> seen;
    std::vector<std::string> expected_leads;
    for (int k = 0; k < n; ++k)
      if (seen.insert(keys[static_cast<std::size_t>(k)]).second)
        expected_leads.push_back(cat({"L", std::to_string(k)}));
    ASSERT_EQ(b.events.size(), expected_leads.size());
    EXPECT_EQ(b.in_batch_duplicates, n - static_cast<std::int64_t>(expected_leads.size()));
    for (std::size_t k = 0; k < expected_leads.size(); ++k)
      EXPECT_EQ(b.events[k].lead_id, expected_leads[k]);
  }
}

}  // namespace
}  // namespace zaplify::core::ingest
