#include "ingest_hook.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "batch_sql.h"
#include "hook_deltas.h"
#include "metrics_math.h"
#include "packed_values.h"

namespace zaplify::metrics {
namespace {

constexpr std::int32_t kLockClass = 0x4d545243;  // "MTRC": the metrics plugin's advisory locks

bool earlier(const sdk::Event& a, const sdk::Event& b) {
  return a.ts_ms < b.ts_ms || (a.ts_ms == b.ts_ms && a.id < b.id);
}

void keep_earliest(std::map<std::string, const sdk::Event*>& m, const sdk::Event& e) {
  auto [it, fresh] = m.emplace(e.conversation_id, &e);
  if (!fresh && earlier(e, *it->second)) it->second = &e;
}

Reduced reduce(const std::vector<sdk::Event>& events, HookDeltas& d) {
  Reduced r;
  for (const sdk::Event& e : events) {
    if (e.type == "message" || e.type == "stage_changed") {
      const std::int64_t unit = unit_floor(e.ts_ms);
      d.units[unit].add_event(e.type, e.sender, e.response_time_ms);
      if (e.type == "message" && e.sender == "assistant" && e.response_time_ms)
        pack_value(d.unit_vals[unit], *e.response_time_ms);
    }
    if (e.type == "conversation_started" && !e.conversation_id.empty()) keep_earliest(r.starts, e);
    if (e.type == "conversation_ended" && !e.conversation_id.empty()) keep_earliest(r.ends, e);
    if (e.type == "message" && e.sender == "assistant" && !e.conversation_id.empty())
      r.replies.push_back(&e);
    if (e.type == "lead_created" && !e.lead_id.empty()) r.leads.push_back(&e);
  }
  return r;
}

// PostgreSQL, READ COMMITTED: two concurrent transactions would each miss the other's rows (a
// reply and its conversation's start; two occurrences of one lead) and compute their deltas from
// stale state. So the hook first takes a transaction-scoped advisory lock per conversation and
// lead it touches (no table writes; released at commit, after which the next holder's statements
// see the committed rows). Keys are sorted and taken in that order (a VALUES list), and
// before any row lock, so every transaction locks in the same order: no deadlocks. Distinct ids
// sharing a 32-bit key only serialise a little more.
std::int32_t lock_key(char kind, const std::string& tenant, const std::string& id) {
  std::uint32_t h = 2166136261u;  // FNV-1a: stable across builds and hosts sharing a database
  auto mix = [&](char c) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619u;
  };
  mix(kind);
  for (char c : tenant) mix(c);
  mix('\x1f');
  for (char c : id) mix(c);
  return static_cast<std::int32_t>(h);
}

void lock_keys(const std::string& tenant, const Reduced& r, sdk::SqlWriter& w) {
  std::set<std::int32_t> keys;
  for (const auto& [id, e] : r.starts) keys.insert(lock_key('c', tenant, id));
  for (const auto& [id, e] : r.ends) keys.insert(lock_key('c', tenant, id));
  for (const sdk::Event* e : r.replies) keys.insert(lock_key('c', tenant, e->conversation_id));
  for (const sdk::Event* e : r.leads) keys.insert(lock_key('l', tenant, e->lead_id));
  std::vector<std::int32_t> sorted(keys.begin(), keys.end());
  for (std::size_t done = 0; done < sorted.size();) {
    const std::size_t n = std::min(kMaxChunkRows, sorted.size() - done);
    std::size_t padded = 1;  // powers of two: few statement texts; the repeated key is re-entrant
    while (padded < n) padded *= 2;
    std::string keys_sql;
    std::vector<sdk::Value> params{std::int64_t{kLockClass}};
    for (std::size_t i = 0; i < padded; ++i) {
      keys_sql += i ? ", (CAST(? AS INTEGER))" : "(CAST(? AS INTEGER))";
      params.emplace_back(std::int64_t{sorted[done + std::min(i, n - 1)]});
    }
    // A VALUES list, scanned in order: PostgreSQL plans a long UNION ALL 100x slower, on every
    // batch (the host does not prepare statements there). Both name its column column1.
    w.query("SELECT pg_advisory_xact_lock(CAST(? AS INTEGER), v.column1) FROM (VALUES " + keys_sql +
                ") AS v",
            params, [](const sdk::Row&) {});
    done += n;
  }
}

sdk::Value or_null(const std::optional<std::int64_t>& x) {
  return x ? sdk::Value{*x} : sdk::Value{};
}

// Each occurrence stores the time of the lead's previous occurrence in (ts, event_id) order, so
// "distinct leads with an occurrence in [a, b)" is a plain count of rows in [a, b) whose previous
// occurrence is before a (or absent). New occurrences may fall between stored ones: the leads of
// the batch get their chains recomputed and changed links rewritten.
void write_leads(const std::string& tenant, const Reduced& r, sdk::SqlWriter& w) {
  struct Occ {
    std::int64_t ts;
    std::string id;
    std::optional<std::int64_t> prev;
    bool stored;
  };
  std::map<std::string, std::vector<Occ>> chains;
  for (const sdk::Event* e : r.leads) chains[e->lead_id].push_back({e->ts_ms, e->id, {}, false});
  std::vector<std::string> ids;
  for (const auto& [id, c] : chains) ids.push_back(id);
  for_id_chunks(ids, [&](const std::string& in, const std::vector<sdk::Value>& chunk) {
    std::vector<sdk::Value> params{tenant};
    params.insert(params.end(), chunk.begin(), chunk.end());
    w.query(
        "SELECT lead_id, ts, event_id, prev_ts FROM metrics_lead_created WHERE tenant_id = ? "
        "AND lead_id IN (" +
            in + ")",
        params, [&](const sdk::Row& row) {
          std::optional<std::int64_t> prev;
          if (!row.is_null(3)) prev = row.int64(3);
          chains[std::string(row.text(0))].push_back(
              {row.int64(1), std::string(row.text(2)), prev, true});
        });
  });
  std::vector<SqlRow> rows;
  for (auto& [lead, chain] : chains) {
    std::sort(chain.begin(), chain.end(), [](const Occ& a, const Occ& b) {
      return a.ts < b.ts || (a.ts == b.ts && a.id < b.id);
    });
    for (std::size_t i = 0; i < chain.size(); ++i) {
      std::optional<std::int64_t> prev;
      if (i > 0) prev = chain[i - 1].ts;
      const Occ& o = chain[i];
      if (!o.stored) {
        rows.push_back({tenant, o.ts, lead, o.id, or_null(prev)});
      } else if (o.prev != prev) {
        w.execute(
            "UPDATE metrics_lead_created SET prev_ts = ? WHERE tenant_id = ? AND ts = ? AND "
            "lead_id = ? AND event_id = ?",
            {or_null(prev), tenant, o.ts, lead, o.id});
      }
    }
  }
  if (!rows.empty())
    w.insert_rows("metrics_lead_created", {"tenant_id", "ts", "lead_id", "event_id", "prev_ts"},
                  rows);
}

void write_units(const std::string& tenant, const HookDeltas& d, sdk::SqlWriter& w) {
  std::vector<SqlRow> rows;
  for (const auto& [unit, s] : d.units) {
    auto v = d.unit_vals.find(unit);
    rows.push_back({tenant, unit, s.msg, s.msg_lead, s.msg_assistant, s.msg_agent, s.rt_agent_n,
                    s.rt_agent_sum, s.rt_assistant_n, s.rt_assistant_sum, s.stage, s.started,
                    s.ended, s.resolved, s.handoff,
                    v == d.unit_vals.end() ? std::string() : v->second});
  }
  execute_values(
      w, "INSERT INTO metrics_units (tenant_id, unit, " + std::string(kUnitColumns) + ", rt_vals)",
      16,
      "ON CONFLICT (tenant_id, unit) DO UPDATE SET msg = metrics_units.msg + "
      "excluded.msg, msg_lead = metrics_units.msg_lead + excluded.msg_lead, "
      "msg_assistant = metrics_units.msg_assistant + excluded.msg_assistant, "
      "msg_agent = metrics_units.msg_agent + excluded.msg_agent, rt_agent_n = "
      "metrics_units.rt_agent_n + excluded.rt_agent_n, rt_agent_sum = "
      "metrics_units.rt_agent_sum + excluded.rt_agent_sum, rt_assistant_n = "
      "metrics_units.rt_assistant_n + excluded.rt_assistant_n, rt_assistant_sum = "
      "metrics_units.rt_assistant_sum + excluded.rt_assistant_sum, stage = "
      "metrics_units.stage + excluded.stage, started = metrics_units.started + "
      "excluded.started, ended = metrics_units.ended + excluded.ended, resolved = "
      "metrics_units.resolved + excluded.resolved, handoff = metrics_units.handoff + "
      "excluded.handoff, rt_vals = metrics_units.rt_vals || excluded.rt_vals",
      rows);
  rows.clear();
  for (const auto& [key, a] : d.assistants) {
    if (a.conversations == 0 && a.replies == 0 && a.tokens == 0 && a.ended == 0 &&
        a.resolved == 0 && a.handoff == 0 && a.rt_vals.empty())
      continue;  // a conversation moved within one cell
    rows.push_back({tenant, key.first, key.second, a.conversations, a.replies, a.tokens, a.ended,
                    a.resolved, a.handoff, a.rt_vals});
  }
  execute_values(w,
                 "INSERT INTO metrics_assistant_units (tenant_id, unit, assistant_id, "
                 "conversations, replies, tokens, ended, resolved, handoff, rt_vals)",
                 10,
                 "ON CONFLICT (tenant_id, unit, assistant_id) DO UPDATE SET conversations = "
                 "metrics_assistant_units.conversations + excluded.conversations, replies = "
                 "metrics_assistant_units.replies + excluded.replies, tokens = "
                 "metrics_assistant_units.tokens + excluded.tokens, ended = "
                 "metrics_assistant_units.ended + excluded.ended, resolved = "
                 "metrics_assistant_units.resolved + excluded.resolved, handoff = "
                 "metrics_assistant_units.handoff + excluded.handoff, rt_vals = "
                 "metrics_assistant_units.rt_vals || excluded.rt_vals",
                 rows);
}

}  // namespace

void update_derived_tables(const sdk::IngestBatch& batch, sdk::SqlWriter& writer) {
  if (batch.events == nullptr || batch.events->empty()) return;
  HookDeltas d;
  const Reduced r = reduce(*batch.events, d);
  const std::string& tenant = batch.tenant_id;
  if (writer.dialect() == sdk::Dialect::PostgreSQL) lock_keys(tenant, r, writer);
  apply_conversations(tenant, r, writer, d, batch.seq_horizon);
  write_leads(tenant, r, writer);
  write_units(tenant, d, writer);
}

sdk::ProjectionSpec derived_tables_projection() {
  sdk::ProjectionSpec p;
  p.name = "derived_tables";
  // A conversation row ages with its start (the KPI counts it there); unit rows with their
  // 15-minute unit; lead rows with their event. Stage changes are the host's (stage_events).
  p.tables = {{"metrics_conversations", "start_ts", 1},
              {"metrics_units", "unit", kUnitMs},
              {"metrics_assistant_units", "unit", kUnitMs},
              {"metrics_lead_created", "ts", 1}};
  p.apply = &update_derived_tables;
  return p;
}

}  // namespace zaplify::metrics
