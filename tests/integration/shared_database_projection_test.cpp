// Projections (issue 12) when several server instances share one PostgreSQL database, the
// production deployment: an operator disables funnel and conversation on instance A only (SIGHUP)
// while instance B keeps them, events keep arriving through both, then A enables them again.
// Every event must be applied to every projection exactly once — by whichever instance — so after
// the catch-ups every read on A and on B equals that of a reference server R that saw the same
// events with nothing ever disabled. A double-applied event (counted on B and replayed again by A,
// or the other way round) shows up as a count or a sum too high.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "support/projection_drill_support.h"
#include "support/server.h"

namespace zaplify::testing {
namespace {

using nlohmann::json;

// A database made by fresh_postgres_database() for servers that do not own it: dropped when this
// ends, so declare it before them (they end first).
struct OwnedDatabase {
  std::string url = fresh_postgres_database();
  ~OwnedDatabase() { drop_postgres_database(url); }
};

// "name:status" of each plugin of `names` in `s`'s /health (e.g. "funnel:catching_up").
std::set<std::string> plugin_statuses(const ServerProcess& s,
                                      const std::vector<std::string>& names) {
  std::set<std::string> out;
  auto body = json::parse(s.get("/health").body, nullptr, false);
  if (body.is_object() && body["plugins"].is_array())
    for (const auto& p : body["plugins"])
      for (const auto& n : names)
        if (p.value("name", "") == n) out.insert(n + ":" + p.value("status", "?"));
  return out;
}

// Diagnosis only: the rows of `sql` on PostgreSQL as "a b c; d e f", or the error (never a failure,
// so a renamed column in the server's state tables cannot fail the test).
std::string pg_text(const std::string& url, const std::string& sql) {
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(url.c_str()), &PQfinish);
  std::unique_ptr<PGresult, decltype(&PQclear)> res(PQexec(conn.get(), sql.c_str()), &PQclear);
  if (PQresultStatus(res.get()) != PGRES_TUPLES_OK)
    return std::string("(") + PQerrorMessage(conn.get()) + ")";
  std::string out;
  for (int r = 0; r < PQntuples(res.get()); ++r) {
    out += r ? "; " : "";
    for (int c = 0; c < PQnfields(res.get()); ++c)
      out += (c ? " " : "") + std::string(PQgetvalue(res.get(), r, c));
  }
  return out;
}

const char* kStateQuery =
    "SELECT projection, state, applied_seq, (SELECT MAX(seq) FROM events) FROM projection_state "
    "ORDER BY 1";

std::string joined(const std::set<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out.empty() ? "-" : out;
}

class Cluster {
 public:
  Cluster(const ServerProcess& a, const ServerProcess& b, const ServerProcess& r,
          const std::vector<json>& events)
      : a_(a), b_(b), r_(r), events_(events) {}

  // events[from, to) in batches of 1,000 alternately through A and B (one batch at a time, so the
  // shared database stores them in the same order as R), and the same batches into R. After each
  // batch, B's /health statuses of funnel and conversation are noted in `seen_on_b`.
  void ingest_alternately(std::size_t from, std::size_t to, std::set<std::string>& seen_on_b) {
    for (std::size_t i = from; i < to; i += 1000) {
      const std::size_t stop = std::min(to, i + 1000);
      ingest(((i - from) / 1000) % 2 == 0 ? a_ : b_, events_, i, stop);
      if (::testing::Test::HasFatalFailure()) return;
      ingest(r_, events_, i, stop);
      if (::testing::Test::HasFatalFailure()) return;
      for (const auto& s : plugin_statuses(b_, {"funnel", "conversation"})) seen_on_b.insert(s);
    }
  }

 private:
  const ServerProcess& a_;
  const ServerProcess& b_;
  const ServerProcess& r_;
  const std::vector<json>& events_;
};

bool fail_without_postgres_in_ci() {
  const char* ci = std::getenv("CI");
  return ci && std::string(ci) == "true";
}

// Instances sharing one database toggle a plugin one after the other (a rolling reload): both
// replay what they missed, sharing the work through the position recorded in the database, and
// nothing is applied twice. (An instance that keeps a plugin off while another has it on does not
// apply it to the events it ingests — docs/architecture.md, a known limit.)
TEST(SharedDatabase, PluginToggledOnEveryInstanceStaysExact) {
  if (!postgres_available()) {
    if (fail_without_postgres_in_ci())
      FAIL() << "CI=true but ZAPLIFY_TEST_PG_URL is not set: PostgreSQL tests must run";
    GTEST_SKIP() << "ZAPLIFY_TEST_PG_URL not set: instances sharing one database need PostgreSQL";
  }
  const auto t0 = std::chrono::steady_clock::now();
  const std::int64_t end = now_ms() - kDayMs;
  const auto events = drill_events(end, 2500, 1380);
  constexpr std::size_t kFirst = 2'500, kWhileOff = 20'000;
  ASSERT_GE(events.size(), kFirst + kWhileOff + 4'500) << events.size();
  const std::size_t off_end = kFirst + kWhileOff;

  OwnedDatabase shared;
  ServerOptions on = drill_options("postgres");
  on.database_url = shared.url;
  ServerProcess a(on);
  ServerProcess b(on);
  ServerProcess r(drill_options("postgres"));  // its own fresh database; never toggled
  if (HasFailure()) return;
  Cluster cluster(a, b, r, events);
  std::set<std::string> b_before, b_while_off, b_after_on;

  cluster.ingest_alternately(0, kFirst, b_before);
  if (HasFatalFailure()) return;

  // Funnel and conversation off: first on A, then on B.
  ServerOptions off = on;
  off.plugins = {"metrics", "export"};
  off.disabled = {"funnel", "conversation", "cache"};
  for (ServerProcess* s : {&a, &b}) {
    s->rewrite_config(off);
    s->signal(SIGHUP);
    ASSERT_TRUE(wait_for_status(*s, "/analytics/funnels", 404)) << s->log();
    ASSERT_TRUE(wait_for_status(*s, "/analytics/conversations", 404)) << s->log();
  }
  const auto off_at = std::chrono::steady_clock::now();
  cluster.ingest_alternately(kFirst, off_end, b_while_off);
  if (HasFatalFailure()) return;
  const double off_s = seconds_since(off_at);
  const std::string state_while_off = pg_text(shared.url, kStateQuery);

  // On again: A, then B while A may still be replaying.
  a.rewrite_config(on);
  const auto reenabled = std::chrono::steady_clock::now();
  a.signal(SIGHUP);
  b.rewrite_config(on);
  b.signal(SIGHUP);
  json progress = json::array();
  ASSERT_TRUE(wait_running(a, {"metrics", "funnel", "conversation"}, progress, 120'000)) << a.log();
  ASSERT_TRUE(a.wait_caught_up(120'000)) << a.log();
  ASSERT_TRUE(b.wait_caught_up(120'000)) << b.log();
  for (const ServerProcess* s : {&a, &b}) {
    const char* name = s == &a ? "A" : "B";
    ASSERT_TRUE(wait_for_tenant_status(*s, "/analytics/funnels", 200)) << name << ":\n" << s->log();
    ASSERT_TRUE(wait_for_tenant_status(*s, "/analytics/conversations", 200)) << name << ":\n"
                                                                             << s->log();
  }
  const double catch_up_s = seconds_since(reenabled);
  for (const auto& s : plugin_statuses(b, {"funnel", "conversation"})) b_after_on.insert(s);

  cluster.ingest_alternately(off_end, events.size(), b_after_on);
  if (HasFatalFailure()) return;
  ASSERT_TRUE(a.wait_caught_up(120'000)) << a.log();
  ASSERT_TRUE(b.wait_caught_up(120'000)) << b.log();

  const auto targets = read_targets(r, end);
  const ReadComparison on_a =
      compare_reads(r, "R", a, "A", targets, "R never toggled != A, which toggled");
  if (HasFatalFailure()) return;
  const ReadComparison on_b =
      compare_reads(r, "R", b, "B", targets, "R never toggled != B, sharing A's database");
  if (HasFatalFailure()) return;

  // Non-trivial data behind the comparison.
  const std::string full = "?from=" + day_text(end - 20 * kDayMs) + "&to=" + day_text(end + kDayMs);
  auto kpi = r.get("/metrics/kpi" + full, kDrillTenant).json();
  EXPECT_GT(kpi["kpis"]["conversations"]["value"].get<double>(), 2000) << kpi.dump();
  EXPECT_GT(kpi["kpis"]["conversions"]["value"].get<double>(), 0) << kpi.dump();
  auto sentiment = r.get("/analytics/conversations/sentiment" + full, kDrillTenant).json();
  EXPECT_GT(sentiment["distribution"]["negative"].get<double>(), 0) << sentiment.dump();
  EXPECT_GT(sentiment["distribution"]["positive"].get<double>(), 0) << sentiment.dump();

  // Diagnosis only (the reads above are the bar): projection tables whose row count differs
  // between the shared database and R's.
  std::string counts;
  for (const auto& t :
       db_rows(r.database_url(), "SELECT DISTINCT table_name FROM projection_tables ORDER BY 1")) {
    const std::string q = "SELECT COUNT(*) FROM " + t[0];
    const std::int64_t want = db_count(r.database_url(), q), got = db_count(shared.url, q);
    if (want != got)
      counts += " " + t[0] + " " + std::to_string(got) + " (R " + std::to_string(want) + ")";
  }
  std::cerr
      << "shared database drill: " << events.size() << " events (" << kFirst << " + " << kWhileOff
      << " with "
      << "funnel, conversation off on A and B for " << off_s << " s + " << events.size() - off_end
      << "); " << targets.size() << " reads compared per instance: A " << on_a.mismatches
      << " differ (" << on_a.rounding_mismatches << " rounding only), B " << on_b.mismatches
      << " differ (" << on_b.rounding_mismatches
      << " rounding only); B's /health while off: " << joined(b_while_off)
      << ", afterwards: " << joined(b_after_on) << "; A's catch-up " << catch_up_s
      << " s (catching_up seen " << progress.size() << " times"
      << (progress.empty() ? "" : ", last " + progress.back().dump()) << ")"
      << "; row counts differing from R:" << (counts.empty() ? " none" : counts)
      << "\n  projection_state (projection state applied_seq max_seq) at the end of the off phase: "
      << state_while_off << "\n  at the end: " << pg_text(shared.url, kStateQuery) << "\n  total "
      << seconds_since(t0) << " s\n";
}

}  // namespace
}  // namespace zaplify::testing
