// The conversation part of the ingest hook: reads the stored state of every conversation the
// batch touches, merges the batch's starts and endings (earliest wins), and turns the difference
// into per-unit deltas, so the unit tables never need re-reading.

#include <algorithm>
#include <optional>
#include <set>
#include <unordered_map>

#include "batch_sql.h"
#include "hook_deltas.h"
#include "packed_values.h"

namespace zaplify::metrics {
namespace {

struct Mark {  // a start or an ending: (ts, id) orders them
  std::int64_t ts = 0;
  std::string id;
  bool operator==(const Mark&) const = default;
};

struct ConvState {
  bool exists = false;
  bool has_replies = false;  ///< Stored replies exist (they move when the assistant changes).
  std::optional<Mark> start, end;
  std::string lead_id, assistant_id, channel, outcome;
};

bool precedes(const sdk::Event& e, const std::optional<Mark>& m) {
  return !m || e.ts_ms < m->ts || (e.ts_ms == m->ts && e.id < m->id);
}

sdk::Value text_or_null(const std::string& s) { return s.empty() ? sdk::Value{} : sdk::Value{s}; }

std::unordered_map<std::string, ConvState> read_states(const std::string& tenant,
                                                       const std::vector<std::string>& ids,
                                                       sdk::SqlWriter& w) {
  std::unordered_map<std::string, ConvState> out;
  for_id_chunks(ids, [&](const std::string& in, const std::vector<sdk::Value>& chunk) {
    std::vector<sdk::Value> params{tenant};
    params.insert(params.end(), chunk.begin(), chunk.end());
    w.query(
        "SELECT conversation_id, start_ts, start_id, lead_id, assistant_id, channel, end_ts, "
        "end_id, outcome, has_replies FROM metrics_conversations WHERE tenant_id = ? AND "
        "conversation_id IN (" +
            in + ")",
        params, [&](const sdk::Row& row) {
          ConvState& s = out[std::string(row.text(0))];
          s.exists = true;
          if (!row.is_null(1)) s.start = Mark{row.int64(1), std::string(row.text(2))};
          s.lead_id = row.text(3);
          s.assistant_id = row.text(4);
          s.channel = row.text(5);
          if (!row.is_null(6)) s.end = Mark{row.int64(6), std::string(row.text(7))};
          s.outcome = row.text(8);
          s.has_replies = row.int64(9) != 0;
        });
  });
  return out;
}

std::string owner(const ConvState& s) { return s.start ? s.assistant_id : std::string(); }

// Moves the conversation's counts from its old (unit, assistant) cells to its new ones.
void record_move(const ConvState& old, const ConvState& now, HookDeltas& d) {
  if (old.start != now.start) {
    if (old.start) d.units[unit_floor(old.start->ts)].started -= 1;
    d.units[unit_floor(now.start->ts)].started += 1;
  }
  if (old.end != now.end || old.outcome != now.outcome) {
    if (old.end) d.units[unit_floor(old.end->ts)].add_ending(old.outcome, -1);
    d.units[unit_floor(now.end->ts)].add_ending(now.outcome, 1);
  }
  auto cell = [&](std::int64_t ts, const std::string& a) -> AssistantDelta& {
    return d.assistants[{unit_floor(ts), a}];
  };
  if (const std::string a = owner(old); !a.empty()) {
    cell(old.start->ts, a).conversations -= 1;
    if (old.end) cell(old.end->ts, a).add_ending(old.outcome, -1);
  }
  if (const std::string a = owner(now); !a.empty()) {
    cell(now.start->ts, a).conversations += 1;
    if (now.end) cell(now.end->ts, a).add_ending(now.outcome, 1);
  }
}

void upsert_rows(const std::string& tenant, const std::map<std::string, ConvState>& rows,
                 sdk::SqlWriter& w) {
  std::vector<SqlRow> out;
  for (const auto& [id, s] : rows) {
    auto ts = [](const std::optional<Mark>& m) { return m ? sdk::Value{m->ts} : sdk::Value{}; };
    auto mid = [](const std::optional<Mark>& m) { return m ? sdk::Value{m->id} : sdk::Value{}; };
    out.push_back({tenant, id, ts(s.start), mid(s.start), text_or_null(s.lead_id),
                   text_or_null(s.assistant_id), text_or_null(s.channel), ts(s.end), mid(s.end),
                   text_or_null(s.outcome), std::int64_t{s.has_replies ? 1 : 0}});
  }
  // The rows were read (and on PostgreSQL locked) in this transaction, so whole rows are written.
  execute_values(
      w,
      "INSERT INTO metrics_conversations (tenant_id, conversation_id, start_ts, "
      "start_id, lead_id, assistant_id, channel, end_ts, end_id, outcome, has_replies)",
      11,
      "ON CONFLICT (tenant_id, conversation_id) DO UPDATE SET start_ts = "
      "excluded.start_ts, start_id = excluded.start_id, lead_id = excluded.lead_id, "
      "assistant_id = excluded.assistant_id, channel = excluded.channel, end_ts = "
      "excluded.end_ts, end_id = excluded.end_id, outcome = excluded.outcome, has_replies = "
      "excluded.has_replies",
      out);
}

// Stored replies of conversations whose assistant changed move to the new one (rare: a start
// that arrives after its messages, or an earlier start naming another assistant). They are read
// from the events table through its (tenant_id, conversation_id, ts) index; this batch's own
// events are already there and are skipped (write_replies attributes them). During a replay the
// events after the batch are stored but not applied yet: `seq <= horizon` leaves them out.
void reattribute(const std::string& tenant, const Reduced& r,
                 const std::map<std::string, std::pair<std::string, std::string>>& moved,
                 sdk::SqlWriter& w, HookDeltas& d, std::int64_t seq_horizon) {
  std::vector<std::string> ids;
  for (const auto& [id, m] : moved) ids.push_back(id);
  std::set<std::string, std::less<>> batch;
  for (const sdk::Event* e : r.replies)
    if (moved.count(e->conversation_id)) batch.insert(e->id);
  for_id_chunks(ids, [&](const std::string& in, const std::vector<sdk::Value>& chunk) {
    std::vector<sdk::Value> params{tenant};
    params.insert(params.end(), chunk.begin(), chunk.end());
    params.emplace_back(seq_horizon);
    // type and sender are tested here: naming the type would let SQLite's planner (no
    // statistics) prefer the (tenant_id, type, ts) index and scan every message.
    w.query(
        "SELECT conversation_id, id, ts, type, sender, response_time_ms, tokens FROM events "
        "WHERE tenant_id = ? AND conversation_id IN (" +
            in + ") AND seq <= ?",
        params, [&](const sdk::Row& row) {
          if (row.text(3) != "message" || row.text(4) != "assistant") return;
          if (batch.count(row.text(1))) return;
          const auto& [from, to] = moved.at(std::string(row.text(0)));
          const std::int64_t unit = unit_floor(row.int64(2));
          const std::int64_t tokens = row.is_null(6) ? 0 : row.int64(6);
          for (int side = 0; side < 2; ++side) {
            const std::string& a = side == 0 ? from : to;
            if (a.empty()) continue;
            AssistantDelta& c = d.assistants[{unit, a}];
            const std::int64_t sign = side == 0 ? -1 : 1;
            c.replies += sign;
            c.tokens += sign * tokens;
            if (!row.is_null(5)) pack_value(c.rt_vals, row.number(5), side == 0);
          }
        });
  });
}

void record_replies(const Reduced& r, const std::unordered_map<std::string, std::string>& owners,
                    HookDeltas& d) {
  for (const sdk::Event* e : r.replies) {
    const std::string& a = owners.at(e->conversation_id);
    if (a.empty()) continue;
    AssistantDelta& c = d.assistants[{unit_floor(e->ts_ms), a}];
    ++c.replies;
    c.tokens += e->tokens.value_or(0);
    if (e->response_time_ms) pack_value(c.rt_vals, *e->response_time_ms);
  }
}

}  // namespace

void AssistantDelta::add_ending(std::string_view outcome, std::int64_t n) {
  ended += n;
  if (outcome == "resolved") resolved += n;
  if (outcome == "handoff") handoff += n;
}

void apply_conversations(const std::string& tenant, const Reduced& r, sdk::SqlWriter& w,
                         HookDeltas& d, std::int64_t seq_horizon) {
  std::vector<std::string> ids;
  for (const auto& [id, e] : r.starts) ids.push_back(id);
  for (const auto& [id, e] : r.ends) ids.push_back(id);
  for (const sdk::Event* e : r.replies) ids.push_back(e->conversation_id);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  auto states = read_states(tenant, ids, w);
  std::map<std::string, ConvState> changed;
  std::map<std::string, std::pair<std::string, std::string>> moved;
  std::unordered_map<std::string, std::string> owners;
  std::set<std::string, std::less<>> replied;
  for (const sdk::Event* e : r.replies) replied.insert(e->conversation_id);
  for (const std::string& id : ids) {
    const ConvState old = states[id];
    ConvState now = old;
    if (auto it = r.starts.find(id); it != r.starts.end() && precedes(*it->second, now.start)) {
      const sdk::Event& e = *it->second;
      now.start = Mark{e.ts_ms, e.id};
      now.lead_id = e.lead_id;
      now.assistant_id = e.assistant_id;
      now.channel = e.channel.empty() ? std::string("whatsapp") : e.channel;
    }
    if (auto it = r.ends.find(id); it != r.ends.end() && precedes(*it->second, now.end)) {
      now.end = Mark{it->second->ts_ms, it->second->id};
      now.outcome = it->second->outcome;
    }
    if (replied.count(id)) now.has_replies = true;
    owners[id] = owner(now);
    if (old.has_replies && owner(old) != owner(now)) moved[id] = {owner(old), owner(now)};
    if (old.start != now.start || old.end != now.end) record_move(old, now, d);
    if (!old.exists || old.start != now.start || old.end != now.end ||
        old.has_replies != now.has_replies)
      changed.emplace(id, now);
  }
  if (!moved.empty()) reattribute(tenant, r, moved, w, d, seq_horizon);
  upsert_rows(tenant, changed, w);
  record_replies(r, owners, d);
}

}  // namespace zaplify::metrics
