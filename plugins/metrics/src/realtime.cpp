#include "realtime.h"

#include "conversation_table.h"
#include "sql.h"

namespace zaplify::metrics {
namespace {

// Naming every type lets both databases seek the (tenant_id, type, ts) index once per type
// instead of scanning the tenant's rows. Starts and endings are not among them: only each
// conversation's earliest one is activity (docs/api.md, How events are interpreted and GET
// /analytics/real-time/activity), counted through for_each_first.
constexpr const char* kPlainTypes =
    "('lead_created', 'message', 'funnel_defined', 'stage_changed')";

constexpr std::int64_t kMinuteMs = 60'000;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

}  // namespace

std::int64_t count_active_conversations(const sdk::Store& store, const std::string& tenant,
                                        const RealtimeRange& r) {
  // CROSS JOIN fixes SQLite's join order: drive from R's few events (type/ts index); a DISTINCT
  // subquery made it pick the (tenant, conversation) index and scan every event of the tenant.
  // The latest activity is the earliest start or the latest message: a start event in R counts
  // only when it is that earliest start, and a repeated start never makes one inactive.
  auto n = query_ints(
      store,
      "SELECT COUNT(DISTINCT c.conversation_id) FROM events a CROSS JOIN metrics_conversations c "
      "WHERE a.tenant_id = ? AND a.type IN ('conversation_started', 'message') AND a.ts >= ? AND "
      "a.ts <= ? AND c.tenant_id = a.tenant_id AND c.conversation_id = a.conversation_id AND "
      "c.start_ts IS NOT NULL AND c.end_ts IS NULL AND c.start_ts <= ? AND "
      "(a.type = 'message' OR a.ts = c.start_ts) AND NOT EXISTS (SELECT 1 FROM events f "
      "WHERE f.tenant_id = c.tenant_id AND f.conversation_id = c.conversation_id AND "
      "f.type = 'message' AND f.ts > ?)",
      {tenant, r.from_ms, r.now_ms, r.now_ms, r.now_ms});
  return n.empty() ? 0 : n[0];
}

Activity compute_activity(const sdk::Store& store, const std::string& tenant,
                          const RealtimeRange& r) {
  Activity a;
  const std::int64_t first = floor_div(r.from_ms, kMinuteMs);
  const std::int64_t last = floor_div(r.now_ms, kMinuteMs);
  for (std::int64_t m = first; m <= last; ++m) a.per_minute.push_back({m * kMinuteMs, 0, 0});
  auto count_event_at = [&](std::int64_t ts) {
    const std::int64_t idx = floor_div(ts, kMinuteMs) - first;
    if (idx >= 0 && idx < static_cast<std::int64_t>(a.per_minute.size()))
      ++a.per_minute[static_cast<std::size_t>(idx)].events;
  };
  store.query(std::string("SELECT ts / 60000, type, COUNT(*) FROM events WHERE tenant_id = ? AND "
                          "type IN ") +
                  kPlainTypes + " AND ts >= ? AND ts <= ? GROUP BY ts / 60000, type",
              {tenant, r.from_ms, r.now_ms}, [&](const sdk::Row& row) {
                const std::int64_t idx = row.int64(0) - first;
                const std::string type(row.text(1));
                const std::int64_t n = row.int64(2);
                if (type == "message") a.messages += n;
                if (type == "stage_changed") a.stage_changes += n;
                if (idx < 0 || idx >= static_cast<std::int64_t>(a.per_minute.size())) return;
                a.per_minute[static_cast<std::size_t>(idx)].events += n;
                if (type == "message") a.per_minute[static_cast<std::size_t>(idx)].messages += n;
              });
  for_each_first(store, tenant, false, r.from_ms, r.now_ms, true,
                 [&](std::int64_t ts, std::string_view, std::string_view) {
                   ++a.conversations_started;
                   count_event_at(ts);
                 });
  for_each_first(store, tenant, true, r.from_ms, r.now_ms, true,
                 [&](std::int64_t ts, std::string_view, std::string_view) {
                   ++a.conversations_ended;
                   count_event_at(ts);
                 });
  auto leads = query_ints(
      store,
      "SELECT COUNT(DISTINCT c.lead_id) FROM events m JOIN metrics_conversations c ON "
      "c.tenant_id = m.tenant_id AND c.conversation_id = m.conversation_id WHERE m.tenant_id = ? "
      "AND m.type = 'message' AND m.sender = 'lead' AND m.ts >= ? AND m.ts <= ?",
      {tenant, r.from_ms, r.now_ms});
  a.active_leads = leads.empty() ? 0 : leads[0];
  a.active_conversations = count_active_conversations(store, tenant, r);
  return a;
}

}  // namespace zaplify::metrics
