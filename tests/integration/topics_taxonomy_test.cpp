// Topic taxonomies over HTTP on the real server (docs/api.md, GET
// /analytics/conversations/topics; issue 20), on SQLite and PostgreSQL: stemmed matching of stored
// lead messages, `tenant_topics` replacing the default for one tenant, and a taxonomy change by
// SIGHUP re-assigning messages stored before it.
//
// The expected counts are computed here from the ingested events and a hand-worked table: each
// word form the lead messages use lists the keywords it matches under the documented matching rule
// (worked out by hand from Snowball's English and Portuguese stems), so the test never calls the
// plugin's matcher.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "support/server.h"

namespace zaplify::testing {
namespace {

// A word form of lead messages and the keywords (as written in the taxonomies below) it matches.
struct Form {
  const char* text;
  std::set<std::string> matches;
};

// pt/en stems in the comments are libstemmer 2.2's.
const std::vector<Form>& forms() {
  static const std::vector<Form> all = {
      {"PREÇOS", {"preço"}},                 // case and accent folded: precos, pt prec = prec
      {"preco", {"preço"}},                  // the keyword's accent is folded too
      {"preciso", {}},                       // pt precis: not prec
      {"quanto custava", {"quanto custa"}},  // pt quant cust = quant cust
      {"Quanto custa", {"quanto custa"}},
      {"quanto tempo", {}},  // a phrase needs both words
      {"custa", {}},
      {"valores", {"valor"}},      // pt valor
      {"valorizo", {}},            // pt valoriz
      {"ENTREGAS", {"entrega"}},   // pt entreg
      {"entregue", {"entrega"}},   // pt entreg
      {"shipped", {"shipping"}},   // en ship
      {"delivered", {"deliver"}},  // en deliv
      {"delivery", {}},            // en deliveri, pt delivery: neither is deliv
      {"refunded", {"refund"}},    // en refund
      {"Refunds", {"refund"}},
      {"cancelado", {"cancelar"}},     // pt cancel
      {"CANCELAMENTO", {"cancelar"}},  // pt cancel
      {"cancelled", {}},               // en cancel, pt cancelled; cancelar is en cancelar
      {"reembolsado", {"reembolso"}},  // pt reembols
      {"PIX", {"pix"}},
      {"pixel", {}},         // whole words only
      {"pagou", {"pagar"}},  // pt pag
      {"paguei", {}},        // pt pagu
  };
  return all;
}

// Words that match no keyword of any taxonomy here (checked by hand against the stems).
const std::vector<std::string> kFiller = {"oi",
                                          "bom dia",
                                          "hello",
                                          "please",
                                          "obrigado",
                                          "amanhã",
                                          "hoje",
                                          "my order",
                                          "meu pedido",
                                          "thanks",
                                          "tudo bem",
                                          "can you help",
                                          "vocês podem ajudar",
                                          "o produto"};

using Taxonomy = std::map<std::string, std::vector<std::string>>;

const Taxonomy kDefaultBefore = {{"price", {"preço", "quanto custa"}},
                                 {"delivery", {"entrega", "deliver"}},
                                 {"refunds", {"refund", "cancelar"}}};
const Taxonomy kDefaultAfter = {{"price", {"preço", "valor"}},
                                {"delivery", {"entrega", "shipping"}},
                                {"payment", {"pix", "pagar"}}};
const Taxonomy kTenantBefore = {{"returns", {"refund", "reembolso"}},
                                {"shipping", {"deliver", "shipping"}}};
const Taxonomy kTenantAfter = {{"returns", {"refund", "reembolso", "cancelar"}},
                               {"shipping", {"shipping"}},
                               {"money", {"quanto custa", "pix", "valor"}}};

const std::string kTenantA = "topics_a";  // has a tenant_topics entry
const std::string kTenantB = "topics_b";  // reads the default taxonomy

nlohmann::json taxonomy_json(const Taxonomy& t) {
  auto o = nlohmann::json::object();
  for (const auto& [name, keywords] : t) o[name] = keywords;
  return o;
}

ServerOptions options(const std::string& backend, const Taxonomy& default_topics,
                      const Taxonomy& tenant_a) {
  ServerOptions o;
  o.database = backend;
  o.plugin_config["conversation"] = {{"topics", taxonomy_json(default_topics)},
                                     {"tenant_topics", {{kTenantA, taxonomy_json(tenant_a)}}}};
  return o;
}

enum class Slot { Window, Previous, Outside };

struct LeadMessage {
  std::string conversation;
  Slot slot;
  std::set<std::string> keywords;  // every keyword one of its forms matches
};

struct TenantData {
  nlohmann::json events = nlohmann::json::array();
  std::vector<LeadMessage> lead_messages;
};

// W = [from, from + 1 day), W′ the day before; "outside" is earlier still.
struct Days {
  std::int64_t from;
  static constexpr std::int64_t kDay = 86400000;
};

nlohmann::json event(const std::string& tenant, const std::string& id, const std::string& type,
                     std::int64_t ts, nlohmann::json extra) {
  extra["id"] = id;
  extra["type"] = type;
  extra["tenant_id"] = tenant;
  extra["timestamp"] = rfc3339(ts);
  return extra;
}

// Conversations of 1–3 lead messages (each filler words and 0–2 forms, shuffled) spread over W, W′
// and earlier, each with an assistant reply that quotes a form (only lead messages count).
TenantData generate(const std::string& tenant, const Days& days, std::uint32_t seed) {
  std::mt19937 rng(seed);
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  TenantData out;
  int next_id = 0;
  auto id = [&] { return tenant + "-" + std::to_string(++next_id); };
  for (int c = 0; c < 40; ++c) {
    const std::string conv = tenant + "-c" + std::to_string(c);
    const auto roll = pick(10);
    const Slot slot = roll < 6 ? Slot::Window : roll < 9 ? Slot::Previous : Slot::Outside;
    const std::int64_t base = slot == Slot::Window     ? days.from
                              : slot == Slot::Previous ? days.from - Days::kDay
                                                       : days.from - 3 * Days::kDay;
    std::int64_t ts = base + 3600000 + static_cast<std::int64_t>(pick(20)) * 3600000;
    out.events.push_back(event(tenant, id(), "conversation_started", ts,
                               {{"conversation_id", conv}, {"lead_id", conv + "-lead"}}));
    const std::size_t lead_count = 1 + pick(3);
    for (std::size_t m = 0; m < lead_count; ++m) {
      std::vector<std::string> parts;
      LeadMessage lead{conv, slot, {}};
      for (std::size_t f = pick(3); f > 0; --f) {
        const Form& form = forms()[pick(forms().size())];
        parts.push_back(form.text);
        lead.keywords.insert(form.matches.begin(), form.matches.end());
      }
      for (std::size_t f = 1 + pick(2); f > 0; --f) parts.push_back(kFiller[pick(kFiller.size())]);
      std::shuffle(parts.begin(), parts.end(), rng);
      std::string text;
      for (const auto& p : parts) text += (text.empty() ? "" : " ") + p;
      ts += 60000;
      out.events.push_back(event(tenant, id(), "message", ts,
                                 {{"conversation_id", conv}, {"sender", "lead"}, {"text", text}}));
      out.lead_messages.push_back(std::move(lead));
    }
    out.events.push_back(
        event(tenant, id(), "message", ts + 30000,
              {{"conversation_id", conv},
               {"sender", "assistant"},
               {"text", std::string("sobre ") + forms()[pick(forms().size())].text}}));
  }
  return out;
}

struct Expected {
  std::int64_t conversations = 0, messages = 0, previous = 0;
};

// A conversation has topic T in a window when one of its lead messages there matches.
std::map<std::string, Expected> expected_topics(const TenantData& data, const Taxonomy& taxonomy,
                                                std::int64_t& conversations_in_w) {
  std::map<std::string, Expected> out;
  std::set<std::string> in_w;
  for (const auto& [topic, keywords] : taxonomy) {
    std::set<std::string> now, before;
    auto& e = out[topic];
    for (const auto& m : data.lead_messages) {
      const bool hit = std::any_of(keywords.begin(), keywords.end(),
                                   [&](const std::string& k) { return m.keywords.count(k) > 0; });
      if (m.slot == Slot::Window) in_w.insert(m.conversation);
      if (!hit) continue;
      if (m.slot == Slot::Window) {
        ++e.messages;
        now.insert(m.conversation);
      } else if (m.slot == Slot::Previous) {
        before.insert(m.conversation);
      }
    }
    e.conversations = static_cast<std::int64_t>(now.size());
    e.previous = static_cast<std::int64_t>(before.size());
  }
  conversations_in_w = static_cast<std::int64_t>(in_w.size());
  return out;
}

std::vector<std::string> names_of(const nlohmann::json& body) {
  std::vector<std::string> names;
  for (const auto& t : body["topics"]) names.push_back(t["topic"].get<std::string>());
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> names_of(const Taxonomy& t) {
  std::vector<std::string> names;
  for (const auto& kv : t) names.push_back(kv.first);
  return names;
}

void expect_topics(const nlohmann::json& body, const TenantData& data, const Taxonomy& taxonomy,
                   const std::string& label) {
  SCOPED_TRACE(label);
  std::int64_t total = 0;
  const auto expected = expected_topics(data, taxonomy, total);
  ASSERT_GT(total, 0);
  EXPECT_EQ(body["conversations"], total);
  ASSERT_EQ(names_of(body), names_of(taxonomy)) << body.dump();
  std::int64_t last = -1;
  std::string last_name;
  for (const auto& t : body["topics"]) {
    const std::string name = t["topic"];
    const Expected& e = expected.at(name);
    EXPECT_EQ(t["conversations"], e.conversations) << name;
    EXPECT_EQ(t["messages"], e.messages) << name;
    EXPECT_EQ(t["previous_conversations"], e.previous) << name;
    EXPECT_DOUBLE_EQ(t["share"].get<double>(),
                     static_cast<double>(e.conversations) / static_cast<double>(total))
        << name;
    if (e.previous == 0)
      EXPECT_TRUE(t["change_pct"].is_null()) << name;
    else
      EXPECT_DOUBLE_EQ(t["change_pct"].get<double>(),
                       static_cast<double>(e.conversations - e.previous) * 100.0 /
                           static_cast<double>(e.previous))
          << name;
    // Sorted by conversations desc, then name.
    if (last >= 0)
      EXPECT_TRUE(e.conversations < last || (e.conversations == last && name > last_name)) << name;
    last = e.conversations;
    last_name = name;
  }
}

// The data must exercise every topic of every taxonomy, or a match that never happens could hide.
void require_coverage(const TenantData& data, const Taxonomy& taxonomy) {
  std::int64_t total = 0;
  for (const auto& [name, e] : expected_topics(data, taxonomy, total)) {
    ASSERT_GT(e.conversations, 0) << name
                                  << ": no conversation of W has this topic; change the seed";
    ASSERT_LT(e.conversations, total)
        << name << ": every conversation has this topic; change the seed";
  }
}

class TopicsTaxonomy : public ::testing::TestWithParam<std::string> {};

TEST_P(TopicsTaxonomy, TenantTaxonomiesAndAReloadReassignStoredMessages) {
  const std::int64_t now = now_ms();
  const Days days{now - 3 * Days::kDay - now % 60000};
  const TenantData a = generate(kTenantA, days, 20);
  const TenantData b = generate(kTenantB, days, 21);
  for (const auto* t : {&kDefaultBefore, &kDefaultAfter, &kTenantBefore, &kTenantAfter}) {
    require_coverage(a, *t);
    require_coverage(b, *t);
  }

  const ServerOptions before = options(GetParam(), kDefaultBefore, kTenantBefore);
  ServerProcess s(before);
  for (const auto& [tenant, data] : {std::pair{&kTenantA, &a}, std::pair{&kTenantB, &b}}) {
    auto r = s.post_json("/analytics/process/batch", {{"events", data->events}},
                         {{"X-Tenant-ID", *tenant}});
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_EQ(r.json()["accepted"], data->events.size()) << r.body;
  }

  const std::string url = "/analytics/conversations/topics?from=" + rfc3339(days.from) +
                          "&to=" + rfc3339(days.from + Days::kDay);
  auto topics = [&](const std::string& tenant) {
    auto r = s.get(url, {{"X-Tenant-ID", tenant}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r;
  };
  expect_topics(topics(kTenantA).json(), a, kTenantBefore,
                "tenant_topics entry, before the reload");
  expect_topics(topics(kTenantB).json(), b, kDefaultBefore, "default taxonomy, before the reload");
  // Cached now: a reload that kept serving these answers would fail below.
  ASSERT_EQ(topics(kTenantB).header("x-cache"), "HIT");

  s.rewrite_config(options(GetParam(), kDefaultAfter, kTenantAfter));
  s.signal(SIGHUP);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (names_of(topics(kTenantB).json()) != names_of(kDefaultAfter) &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(s.wait_caught_up()) << s.log();

  // Messages stored before the reload, read under the new taxonomies.
  expect_topics(topics(kTenantA).json(), a, kTenantAfter, "tenant_topics entry, after the reload");
  expect_topics(topics(kTenantB).json(), b, kDefaultAfter, "default taxonomy, after the reload");
}

INSTANTIATE_TEST_SUITE_P(Backends, TopicsTaxonomy, ::testing::ValuesIn(backends()));

}  // namespace
}  // namespace zaplify::testing
