// The real-time route and the two data sources (store_queries.h).
#include <algorithm>

#include "sentiment_analyzer.h"
#include "store_queries.h"
#include "time_format.h"

namespace zaplify::conversation {
namespace {

std::string realtime_sql(const sdk::Store& store) {
  const std::string c = sdk::byte_order(store.dialect());
  const std::string first_start =
      "FROM events s WHERE s.tenant_id = ? AND s.conversation_id = a.conversation_id"
      " AND s.type = 'conversation_started' ORDER BY s.ts, s.id" +
      c + " LIMIT 1";
  return "SELECT a.conversation_id, a.last_ts,"
         " (SELECT s.lead_id " +
         first_start +
         "),"
         " (SELECT s.assistant_id " +
         first_start +
         "),"
         " (SELECT s.channel " +
         first_start +
         "),"
         " (SELECT s.ts " +
         first_start +
         "),"
         " (SELECT COUNT(*) FROM events m WHERE m.tenant_id = ? AND m.conversation_id = "
         "a.conversation_id"
         "  AND m.type = 'message'),"
         // The last lead message through the events' conversation index, then its score by key.
         " (SELECT x.score FROM events l JOIN conv_message_scores x ON x.tenant_id = l.tenant_id"
         "  AND x.ts = l.ts AND x.event_id = l.id WHERE l.tenant_id = ? AND l.conversation_id ="
         "  a.conversation_id AND l.type = 'message' AND l.sender = 'lead'"
         "  ORDER BY l.ts DESC, l.id" +
         c +
         " DESC LIMIT 1)"
         // A repeated start is not activity (docs/api.md, How events are interpreted and GET
         // /analytics/real-time/conversations): a start counts only when none is earlier.
         " FROM (SELECT r.conversation_id, MAX(r.ts) AS last_ts FROM events r WHERE r.tenant_id = ?"
         "  AND r.type IN ('conversation_started', 'message') AND r.ts >= ? AND r.ts <= ?"
         "  AND (r.type = 'message' OR NOT EXISTS (SELECT 1 FROM events p WHERE p.tenant_id ="
         "  r.tenant_id AND p.conversation_id = r.conversation_id AND p.type = "
         "'conversation_started'"
         "  AND p.ts < r.ts)) GROUP BY r.conversation_id) a"
         " WHERE EXISTS (SELECT 1 FROM events s WHERE s.tenant_id = ? AND s.conversation_id = "
         "a.conversation_id"
         "  AND s.type = 'conversation_started')"
         " AND NOT EXISTS (SELECT 1 FROM events e WHERE e.tenant_id = ? AND e.conversation_id = "
         "a.conversation_id"
         "  AND e.type = 'conversation_ended')"
         " ORDER BY a.last_ts DESC, a.conversation_id" +
         c;
}

nlohmann::json text_or_null(const sdk::Row& r, std::size_t i) {
  return r.is_null(i) || r.text(i).empty() ? nlohmann::json(nullptr)
                                           : nlohmann::json(std::string(r.text(i)));
}

}  // namespace

nlohmann::json realtime_conversations(const sdk::Store& store, const sdk::Calendar& calendar,
                                      const std::string& tenant, std::int64_t now_ms,
                                      int window_minutes, std::int64_t limit) {
  const std::int64_t since = now_ms - static_cast<std::int64_t>(window_minutes) * 60000;
  auto list = nlohmann::json::array();
  std::int64_t total = 0;
  // A conversation is active when its latest start or message up to now lies in R = [since, now];
  // the inner scan reads only R through the (tenant_id, type, ts) index. Events stamped in the
  // future are ignored so a clock-skewed sender cannot keep a conversation active forever.
  const std::string sql = realtime_sql(store);
  store.query(
      sql, {tenant, tenant, tenant, tenant, tenant, tenant, tenant, since, now_ms, tenant, tenant},
      [&](const sdk::Row& r) {
        ++total;
        if (static_cast<std::int64_t>(list.size()) >= limit) return;
        list.push_back({{"conversation_id", std::string(r.text(0))},
                        {"lead_id", text_or_null(r, 2)},
                        {"assistant_id", text_or_null(r, 3)},
                        {"channel", r.is_null(4) ? "whatsapp" : std::string(r.text(4))},
                        {"started_at", calendar.format_utc(r.int64(5))},
                        {"last_activity_at", calendar.format_utc(r.int64(1))},
                        {"messages", r.int64(6)},
                        {"last_sentiment",
                         r.is_null(7) ? nlohmann::json(nullptr) : nlohmann::json(r.number(7))}});
      });
  return {{"conversations", std::move(list)}, {"limit", limit}, {"total", total}};
}

void produce_sentiment_daily(const sdk::Store& store, const sdk::Calendar& calendar,
                             const sdk::DataSourceRequest& request, sdk::RowSink& sink) {
  sdk::Window w = request.window;
  w.interval = sdk::Interval::Day;
  const auto days = calendar.day_starts(w);
  struct Day {
    std::int64_t counts[3] = {0, 0, 0};
    double sum = 0;
  };
  std::vector<Day> per_day(days.size());
  store.query(
      "SELECT ts, label, score FROM conv_message_scores WHERE tenant_id = ? AND ts >= ? AND ts < ?",
      {request.tenant_id, w.from_ms, w.to_ms}, [&](const sdk::Row& r) {
        auto it = std::upper_bound(days.begin(), days.end(), r.int64(0));
        if (it == days.begin()) return;
        auto& d = per_day[static_cast<std::size_t>(it - days.begin() - 1)];
        d.counts[std::clamp(static_cast<int>(r.int64(1)), -1, 1) + 1] += 1;
        d.sum += r.number(2);
      });
  for (std::size_t i = 0; i < days.size(); ++i) {
    const auto& d = per_day[i];
    const auto n = d.counts[0] + d.counts[1] + d.counts[2];
    sink.row({calendar.local_date(days[i], w.tz), d.counts[2], d.counts[1], d.counts[0],
              n == 0 ? sdk::Value{} : sdk::Value{d.sum / static_cast<double>(n)}});
  }
}

void produce_conversations(const sdk::Store& store, const sdk::Calendar& calendar,
                           const sdk::DataSourceRequest& request, sdk::RowSink& sink) {
  // One reused row: string cells keep their capacity, so a row costs no allocation.
  std::vector<sdk::Value> cells(9, sdk::Value(std::string()));
  auto text = [&](std::size_t i, std::string_view s) -> std::string& {
    if (!std::holds_alternative<std::string>(cells[i])) cells[i] = std::string();
    auto& out = std::get<std::string>(cells[i]);
    out.assign(s);
    return out;
  };
  auto instant = [&](std::size_t i, std::int64_t ms) {
    if (!format_utc_ms(ms, text(i, {}))) cells[i] = calendar.format_utc(ms);
  };
  for_each_conversation(store, request.tenant_id, request.window.from_ms, request.window.to_ms,
                        false, [&](const ConversationView& v) {
                          text(0, v.conversation_id);
                          text(1, v.lead_id);
                          if (v.assistant_id.empty())
                            cells[2] = sdk::Value{};
                          else
                            text(2, v.assistant_id);
                          text(3, v.channel);
                          instant(4, v.started_ms);
                          if (v.ended_ms)
                            instant(5, *v.ended_ms);
                          else
                            cells[5] = sdk::Value{};
                          text(6, v.outcome);
                          cells[7] = v.messages;
                          cells[8] = v.avg_sentiment ? sdk::Value{*v.avg_sentiment} : sdk::Value{};
                          sink.row(cells);
                        });
}

}  // namespace zaplify::conversation
