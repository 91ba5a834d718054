#include "support/projection_drill_support.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <random>
#include <thread>

namespace zaplify::testing {

using nlohmann::json;

std::vector<json> drill_events(std::int64_t end, int conversations, int leads) {
  std::mt19937_64 rng(20240612);
  auto uni = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  const std::int64_t begin = end - 19 * kDayMs;
  std::vector<json> bulk;
  int n = 0;
  auto make = [&](const std::string& type, std::int64_t ts, json f) {
    std::int64_t t = std::clamp(ts, begin - kDayMs, end);
    char id[16];
    std::snprintf(id, sizeof id, "e%06d", n++);
    f["id"] = id;
    f["type"] = type;
    f["tenant_id"] = "t1";
    f["timestamp"] = rfc3339(t);
    return f;
  };
  auto add = [&](const std::string& type, std::int64_t ts, json f) {
    bulk.push_back(make(type, ts, std::move(f)));
  };
  const std::vector<std::pair<std::string, std::vector<std::string>>> funnels = {
      {"sales", {"new", "qualified", "proposal", "won"}},
      {"support", {"open", "triage", "solved"}},
      {"re", {"x", "y", "z"}},
      {"late", {"l1", "l2", "l3"}}};
  std::vector<json> early = {
      make("funnel_defined", begin,
           {{"funnel_id", "sales"}, {"name", "Sales"}, {"stages", funnels[0].second}}),
      make("funnel_defined", begin,
           {{"funnel_id", "support"}, {"name", "Support"}, {"stages", funnels[1].second}}),
      make("funnel_defined", begin,
           {{"funnel_id", "re"}, {"name", "Re v1"}, {"stages", funnels[2].second}})};
  json redefine = make("funnel_defined", begin + 5 * kDayMs,
                       {{"funnel_id", "re"}, {"name", "Re v2"}, {"stages", {"x", "y"}}});
  json late = make("funnel_defined", begin + kDayMs,
                   {{"funnel_id", "late"}, {"name", "Late"}, {"stages", funnels[3].second}});
  json stale = make("funnel_defined", begin - 1,
                    {{"funnel_id", "sales"}, {"name", "Stale"}, {"stages", {"new", "won"}}});
  for (int l = 0; l < leads; ++l) {
    const std::string lead = "L" + std::to_string(l);
    const std::int64_t created = begin + uni(0, 18 * kDayMs);
    add("lead_created", created, {{"lead_id", lead}, {"source", l % 3 ? "ads" : "organic"}});
    if (uni(0, 19) == 0) add("lead_created", created + uni(-kDayMs, kDayMs), {{"lead_id", lead}});
    const auto& [fid, stages] = funnels[static_cast<std::size_t>(uni(0, 3))];
    std::int64_t t = created + uni(0, 6 * kHourMs);
    for (int k = 0, steps = static_cast<int>(uni(0, 4));
         k < steps && k < static_cast<int>(stages.size()); ++k) {
      std::string stage = uni(0, 24) == 0 ? "bogus"
                                          : stages[static_cast<std::size_t>(std::min<std::int64_t>(
                                                k + uni(0, 1), stages.size() - 1))];
      add("stage_changed", t, {{"lead_id", lead}, {"funnel_id", fid}, {"stage", stage}});
      if (uni(0, 14) == 0)
        add("stage_changed", t + uni(0, kHourMs),
            {{"lead_id", lead}, {"funnel_id", fid}, {"stage", stage}});
      t += uni(kMinMs, 2 * kDayMs);
    }
  }
  const char* lead_texts[] = {"I love this, thanks a lot!",
                              "this is terrible, I want a refund",
                              "not good at all",
                              "quanto custa? está muito caro",
                              "a entrega atrasou, péssimo atendimento",
                              "ótimo, obrigado!",
                              "my order never arrived",
                              "can I pay with pix or card?",
                              "the product is broken, very bad quality",
                              "hello",
                              "ok",
                              "não gostei, quero cancelar",
                              "very happy with the discount 😀",
                              "where is my delivery tracking?",
                              "tem garantia e troca?",
                              "muito bom, adorei"};
  const char* reply_texts[] = {"Sure, happy to help!", "Sorry about that, let me check.",
                               "Claro, posso ajudar.", "Done."};
  const char* channels[] = {"whatsapp", "instagram", "webchat"};
  const char* outcomes[] = {"resolved", "handoff", "abandoned"};
  for (int c = 0; c < conversations; ++c) {
    const std::string conv = "C" + std::to_string(c);
    const std::int64_t start = begin + uni(0, 18 * kDayMs);
    const std::int64_t a = uni(0, 12);
    json started = {
        {"conversation_id", conv},
        {"lead_id", "L" + std::to_string(uni(0, leads - 1))},
        {"assistant_id", a >= 4 && a < 5 ? json(nullptr) : json("a" + std::to_string(a % 4))}};
    if (uni(0, 3)) started["channel"] = channels[uni(0, 2)];
    add("conversation_started", start, started);
    if (std::int64_t d = uni(0, 19);
        d < 2) {  // a repeated start: earlier, later or tied, another assistant
      json again = {
          {"conversation_id", conv}, {"lead_id", "Lx"}, {"assistant_id", "a9"}, {"channel", "sms"}};
      // Draws in named steps: the order of evaluation of operands and arguments is unspecified
      // (GCC and clang differ), and the data must not depend on the compiler.
      std::int64_t shift = 0;
      if (d == 0) {
        shift = -uni(1, kDayMs);
      } else {
        const std::int64_t later = uni(0, 1);
        shift = later * uni(1, kHourMs);
      }
      add("conversation_started", start + shift, again);
    }
    std::int64_t t = start;
    for (int m = 0, count = static_cast<int>(uni(1, 14)); m < count; ++m) {
      const char* sender = m % 2 == 0 ? "lead" : (uni(0, 5) == 0 ? "agent" : "assistant");
      json f = {{"conversation_id", conv}, {"sender", sender}};
      f["text"] = sender == std::string("lead") ? lead_texts[uni(0, 15)] : reply_texts[uni(0, 3)];
      if (sender != std::string("lead") && uni(0, 6)) f["response_time_ms"] = uni(50, 90'000);
      if (sender == std::string("assistant")) f["tokens"] = uni(0, 800);
      t += uni(2'000, 20 * kMinMs);
      add("message", uni(0, 49) == 0 ? start - uni(1, kHourMs) : t, f);  // a few before the start
    }
    if (uni(0, 3)) {
      const std::int64_t at = t + uni(1, kHourMs);
      add("conversation_ended", at, {{"conversation_id", conv}, {"outcome", outcomes[uni(0, 2)]}});
    }
    if (uni(0, 19) == 0) {
      const std::int64_t at = t + uni(-kHourMs, 3 * kHourMs);
      add("conversation_ended", at, {{"conversation_id", conv}, {"outcome", outcomes[uni(0, 2)]}});
    }
  }
  std::shuffle(bulk.begin(), bulk.end(), rng);
  const std::size_t originals = bulk.size();
  for (std::size_t k = 0; k < originals / 50; ++k) {  // id duplicates: first write wins
    json dup = bulk[static_cast<std::size_t>(uni(0, static_cast<std::int64_t>(originals) - 1))];
    if (k % 2 && dup["type"] == "message") dup["text"] = "duplicate id, other text: awful";
    bulk.insert(bulk.begin() + uni(0, static_cast<std::int64_t>(bulk.size())), std::move(dup));
  }
  bulk.insert(bulk.begin(), early.begin(), early.end());
  bulk.insert(bulk.begin() + static_cast<std::ptrdiff_t>(bulk.size() / 2), redefine);
  bulk.insert(bulk.begin() + static_cast<std::ptrdiff_t>(bulk.size() / 3), late);
  bulk.push_back(stale);
  return bulk;
}

void ingest(const ServerProcess& s, const std::vector<json>& events, std::size_t from,
            std::size_t to) {
  for (std::size_t i = from; i < to; i += 1000) {
    json batch = json::array();
    for (std::size_t k = i; k < std::min(to, i + 1000); ++k) batch.push_back(events[k]);
    auto r = s.post_json("/analytics/process/batch", {{"events", batch}}, kDrillTenant);
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_EQ(r.json()["rejected"].size(), 0u) << r.body.substr(0, 500);
  }
}

void strip_as_of(json& j) {
  if (j.is_object()) j.erase("data_as_of");
  if (j.is_structured())
    for (auto& v : j) strip_as_of(v);
}

double rel_diff(const json& a, const json& b) {
  const double x = a.get<double>(), y = b.get<double>();
  return x == y ? 0 : std::abs(x - y) / std::max(std::abs(x), std::abs(y));
}

bool same(const json& a, const json& b) {
  if (a.is_number_float() && b.is_number_float()) return rel_diff(a, b) <= kFloatRelTolerance;
  if (a.type() != b.type() || a.size() != b.size()) return false;
  if (a.is_object()) {
    for (auto it = a.begin(); it != a.end(); ++it)
      if (!b.contains(it.key()) || !same(*it, b[it.key()])) return false;
    return true;
  }
  if (a.is_array()) {
    for (std::size_t i = 0; i < a.size(); ++i)
      if (!same(a[i], b[i])) return false;
    return true;
  }
  return a == b;
}

void diff(const json& a, const json& b, const std::string& path, std::vector<std::string>& out) {
  if (same(a, b)) return;
  if (a.is_object() && b.is_object()) {
    for (auto it = a.begin(); it != a.end(); ++it)
      diff(*it, b.contains(it.key()) ? b[it.key()] : json("<missing>"), path + "." + it.key(), out);
    for (auto it = b.begin(); it != b.end(); ++it)
      if (!a.contains(it.key())) diff(json("<missing>"), *it, path + "." + it.key(), out);
  } else if (a.is_array() && b.is_array() && a.size() == b.size()) {
    for (std::size_t i = 0; i < a.size(); ++i)
      diff(a[i], b[i], path + "[" + std::to_string(i) + "]", out);
  } else {
    const bool rounding = a.is_number_float() && b.is_number_float() && rel_diff(a, b) < 1e-12;
    char rel[48] = "";
    if (rounding) std::snprintf(rel, sizeof rel, "  (rounding, rel %.1e)", rel_diff(a, b));
    out.push_back(std::string(rounding ? "~ " : "! ") + path + ": " + a.dump().substr(0, 200) +
                  "  !=  " + b.dump().substr(0, 200) + rel);
  }
}

std::string day_text(std::int64_t ms) { return rfc3339(ms).substr(0, 10); }

std::vector<std::string> read_targets(const ServerProcess& s, std::int64_t end) {
  const std::string full = "from=" + day_text(end - 20 * kDayMs) + "&to=" + day_text(end + kDayMs);
  const std::string week = "from=" + day_text(end - 6 * kDayMs) + "&to=" + day_text(end + kDayMs);
  const std::vector<std::string> windows = {full, full + "&interval=day", week + "&interval=day",
                                            week + "&tz=America/Sao_Paulo&interval=day",
                                            full + "&interval=week"};
  auto funnels = s.get("/analytics/funnels", kDrillTenant).json()["funnels"];
  auto datasets = s.get("/analytics/export/datasets", kDrillTenant).json()["datasets"];
  EXPECT_EQ(funnels.size(), 4u) << funnels.dump();
  EXPECT_GE(datasets.size(), 5u) << datasets.dump();
  std::vector<std::string> out = {"/analytics/funnels", "/analytics/export/datasets"};
  for (const auto& w : windows) {
    for (const char* p :
         {"/metrics/kpi", "/metrics/conversion", "/metrics/performance", "/analytics/conversations",
          "/analytics/conversations/sentiment", "/analytics/conversations/topics?limit=100"})
      out.push_back(std::string(p) + (std::string(p).find('?') == std::string::npos ? "?" : "&") +
                    w);
    for (const auto& f : funnels) {
      const std::string id = f["funnel_id"];
      const std::string base = "/analytics/funnel/" + id;
      out.push_back("/metrics/conversion?funnel_id=" + id + "&" + w);
      for (const char* sub : {"?", "/conversion-flow?", "/bottlenecks?"})
        out.push_back(base + sub + w);
      for (std::size_t k = 0; k + 1 < f["stages"].size(); ++k)  // the final stage has no drop: 400
        out.push_back(base + "/dropped?limit=1000&stage=" + url_encode(f["stages"][k]) + "&" + w);
    }
    for (const auto& d : datasets) {
      bool needs_funnel = false;
      for (const auto& p : d.value("parameters", json::array()))
        needs_funnel |= p.value("name", "") == "funnel_id";
      const std::string q =
          "/analytics/export/metrics?format=json&dataset=" + d["name"].get<std::string>() + "&" + w;
      if (!needs_funnel)
        out.push_back(q);
      else
        for (const auto& f : funnels)
          out.push_back(q + "&funnel_id=" + f["funnel_id"].get<std::string>());
    }
  }
  return out;
}

bool wait_running(const ServerProcess& s, const std::vector<std::string>& names,
                  json& seen_progress, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    auto body = json::parse(s.get("/health").body, nullptr, false);
    std::size_t running = 0;
    if (body.is_object() && body["plugins"].is_array())
      for (const auto& p : body["plugins"]) {
        if (std::find(names.begin(), names.end(), p.value("name", "")) == names.end()) continue;
        running += p.value("status", "") == "running";
        if (p.value("status", "") == "catching_up") seen_progress.push_back(p["catch_up"]);
      }
    if (running == names.size()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

std::vector<std::vector<std::string>> db_rows(const std::string& url, const std::string& sql) {
  std::vector<std::vector<std::string>> out;
  const std::string prefix = "sqlite3://";
  if (url.rfind(prefix, 0) == 0) {
    sqlite3* db = nullptr;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_open_v2(url.substr(prefix.size()).c_str(), &db, SQLITE_OPEN_READONLY, nullptr) !=
            SQLITE_OK ||
        sqlite3_busy_timeout(db, 5000) != SQLITE_OK ||
        sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
      ADD_FAILURE() << url << ": " << sql << ": " << sqlite3_errmsg(db);
    while (st && sqlite3_step(st) == SQLITE_ROW) {
      out.emplace_back();
      for (int c = 0; c < sqlite3_column_count(st); ++c) {
        const auto* text = sqlite3_column_text(st, c);
        out.back().emplace_back(text ? reinterpret_cast<const char*>(text) : "");
      }
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
  }
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(url.c_str()), &PQfinish);
  std::unique_ptr<PGresult, decltype(&PQclear)> res(PQexec(conn.get(), sql.c_str()), &PQclear);
  if (PQresultStatus(res.get()) != PGRES_TUPLES_OK) {
    ADD_FAILURE() << sql << ": " << PQerrorMessage(conn.get());
    return out;
  }
  for (int r = 0; r < PQntuples(res.get()); ++r) {
    out.emplace_back();
    for (int c = 0; c < PQnfields(res.get()); ++c)
      out.back().emplace_back(PQgetvalue(res.get(), r, c));
  }
  return out;
}

std::int64_t db_count(const std::string& url, const std::string& sql) {
  auto rows = db_rows(url, sql);
  return rows.empty() || rows[0].empty() ? -1 : std::stoll(rows[0][0]);
}

ServerOptions drill_options(const std::string& database) {
  ServerOptions o;
  o.database = database;
  o.plugins = {"metrics", "funnel", "conversation", "export"};
  o.disabled = {"cache"};  // every read is computed
  o.plugin_config["conversation"] = json{{"topics",
                                          {{"price", {"preço", "caro", "price", "discount"}},
                                           {"delivery", {"entrega", "delivery", "never arrived"}},
                                           {"cancellation", {"cancelar", "refund"}},
                                           {"warranty", {"garantia"}}}}};
  return o;
}

bool wait_for_tenant_status(const ServerProcess& s, const std::string& target, int status,
                            int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (s.get(target, kDrillTenant).status == status) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return false;
}

ReadComparison compare_reads(const ServerProcess& expected, const std::string& expected_name,
                             const ServerProcess& actual, const std::string& actual_name,
                             const std::vector<std::string>& targets, const std::string& what) {
  ReadComparison out;
  [&] {  // a void body, so that ASSERT_* may end it
    for (const auto& target : targets) {
      auto re = expected.get(target, kDrillTenant), ra = actual.get(target, kDrillTenant);
      ASSERT_EQ(re.status, 200) << target << " on " << expected_name << ": "
                                << re.body.substr(0, 300);
      ASSERT_EQ(ra.status, 200) << target << " on " << actual_name << ": "
                                << ra.body.substr(0, 300);
      json je = json::parse(re.body), ja = json::parse(ra.body);
      strip_as_of(je);
      strip_as_of(ja);
      if (target.find("from=") == std::string::npos)
        je.erase("window"), ja.erase("window");  // "now"-relative
      ++out.compared;
      std::vector<std::string> lines;
      diff(je, ja, "", lines);
      if (lines.empty()) continue;
      const bool rounding_only =
          std::all_of(lines.begin(), lines.end(), [](const std::string& l) { return l[0] == '~'; });
      std::string text;
      for (std::size_t i = 0; i < std::min<std::size_t>(lines.size(), 6); ++i)
        text += "\n    " + lines[i];
      ADD_FAILURE() << target << " differs (" << what << ") in " << lines.size() << " values"
                    << (rounding_only ? ", all float rounding only:" : ":") << text;
      ++out.mismatches;
      out.rounding_mismatches += rounding_only;
    }
  }();
  return out;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace zaplify::testing
