#include "projections/projection_log.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace zaplify::core::projections {
namespace {

constexpr const char* kEventColumns =
    "seq, tenant_id, id, type, ts, lead_id, conversation_id, assistant_id, channel, sender, text,"
    " response_time_ms, tokens, outcome, funnel_id, stage, name, stages, source";

std::vector<std::string> parse_stages(std::string_view text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_array()) return out;
  for (const auto& s : json)
    if (s.is_string()) out.push_back(s.get<std::string>());
  return out;
}

LoggedEvent event_from_row(const sdk::Row& r) {
  LoggedEvent le;
  le.seq = r.int64(0);
  sdk::Event& e = le.event;
  e.tenant_id = r.text(1);
  e.id = r.text(2);
  e.type = r.text(3);
  e.ts_ms = r.int64(4);
  e.lead_id = r.text(5);
  e.conversation_id = r.text(6);
  e.assistant_id = r.text(7);
  e.channel = r.text(8);
  e.sender = r.text(9);
  e.text = r.text(10);
  if (!r.is_null(11)) e.response_time_ms = r.number(11);
  if (!r.is_null(12)) e.tokens = r.int64(12);
  e.outcome = r.text(13);
  e.funnel_id = r.text(14);
  e.stage = r.text(15);
  e.name = r.text(16);
  e.stages = parse_stages(r.text(17));
  e.source = r.text(18);
  return le;
}

}  // namespace

bool is_identifier(const std::string& s) {
  if (s.empty() || s.size() > 63 || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

void lock_projections(sdk::SqlWriter& w, bool exclusive) {
  if (w.dialect() != sdk::Dialect::PostgreSQL) return;
  constexpr std::int64_t kLockId = 0x5A50524A4Cll;  // "ZPRJL": all instances agree on it
  w.query(exclusive ? "SELECT pg_advisory_xact_lock(?)" : "SELECT pg_advisory_xact_lock_shared(?)",
          {kLockId}, [](const sdk::Row&) {});
}

std::int64_t read_epoch(sdk::SqlWriter& w) {
  std::int64_t epoch = 0;
  w.query("SELECT epoch FROM projection_epoch WHERE id = 1", {},
          [&](const sdk::Row& r) { epoch = r.int64(0); });
  return epoch;
}

void bump_epoch(sdk::SqlWriter& w) {
  w.execute("UPDATE projection_epoch SET epoch = epoch + 1 WHERE id = 1", {});
}

std::int64_t max_event_seq(sdk::SqlWriter& w) {
  std::int64_t seq = 0;
  w.query("SELECT MAX(seq) FROM events", {}, [&](const sdk::Row& r) {
    if (!r.is_null(0)) seq = r.int64(0);
  });
  return seq;
}

std::optional<ProjectionState> load_state(sdk::SqlWriter& w, const std::string& key) {
  std::optional<ProjectionState> out;
  w.query("SELECT state, version, applied_seq FROM projection_state WHERE projection = ?", {key},
          [&](const sdk::Row& r) {
            out = ProjectionState{std::string(r.text(0)), static_cast<int>(r.int64(1)), r.int64(2)};
          });
  return out;
}

void save_state(sdk::SqlWriter& w, const std::string& key, const std::string& plugin,
                const ProjectionState& s, std::int64_t now_ms) {
  w.execute(
      "INSERT INTO projection_state (projection, plugin, version, state, applied_seq, updated_at)"
      " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (projection) DO UPDATE SET plugin = excluded.plugin,"
      " version = excluded.version, state = excluded.state, applied_seq = excluded.applied_seq,"
      " updated_at = excluded.updated_at",
      {key, plugin, static_cast<std::int64_t>(s.version), s.state, s.applied_seq, now_ms});
}

void deactivate(sdk::SqlWriter& w, const std::vector<std::string>& keys, std::int64_t seq,
                std::int64_t now_ms) {
  for (const auto& key : keys)
    w.execute(
        "UPDATE projection_state SET state = 'inactive', applied_seq = ?, updated_at = ?"
        " WHERE projection = ? AND state = 'active'",
        {seq, now_ms, key});
}

std::vector<std::string> active_keys(sdk::SqlWriter& w) {
  std::vector<std::string> out;
  w.query("SELECT projection FROM projection_state WHERE state = 'active'", {},
          [&](const sdk::Row& r) { out.emplace_back(r.text(0)); });
  return out;
}

void record_tables(sdk::SqlWriter& w, const std::string& key,
                   const std::vector<sdk::ProjectionTable>& tables) {
  w.execute("DELETE FROM projection_tables WHERE projection = ?", {key});
  for (const auto& t : tables) {
    if (!is_identifier(t.name) || !is_identifier(t.age_column) || t.age_unit_ms < 1)
      throw std::invalid_argument("projection '" + key + "': table '" + t.name +
                                  "' needs plain identifiers and age_unit_ms >= 1");
    w.execute(
        "INSERT INTO projection_tables (projection, table_name, age_column, age_unit_ms)"
        " VALUES (?, ?, ?, ?)",
        {key, t.name, t.age_column, t.age_unit_ms});
  }
}

void clear_tables(sdk::SqlWriter& w, const std::vector<sdk::ProjectionTable>& tables) {
  for (const auto& t : tables) w.execute("DELETE FROM " + t.name, {});
}

int forget_undeclared(sdk::SqlWriter& w, const std::string& plugin,
                      const std::vector<std::string>& declared) {
  std::vector<std::string> stale;
  w.query("SELECT projection FROM projection_state WHERE plugin = ?", {plugin},
          [&](const sdk::Row& r) {
            std::string key(r.text(0));
            if (std::find(declared.begin(), declared.end(), key) == declared.end())
              stale.push_back(std::move(key));
          });
  for (const auto& key : stale) {
    w.execute("DELETE FROM projection_tables WHERE projection = ?", {key});
    w.execute("DELETE FROM projection_state WHERE projection = ?", {key});
  }
  return static_cast<int>(stale.size());
}

void read_events_after(sdk::SqlWriter& w, std::int64_t after, int limit,
                       std::vector<LoggedEvent>& out) {
  out.clear();
  w.query(std::string("SELECT ") + kEventColumns +
              " FROM events WHERE seq > ? ORDER BY seq LIMIT " + std::to_string(limit),
          {after}, [&](const sdk::Row& r) { out.push_back(event_from_row(r)); });
}

std::vector<std::pair<std::string, sdk::ProjectionTable>> recorded_tables(const sdk::Store& store) {
  std::vector<std::pair<std::string, sdk::ProjectionTable>> out;
  store.query(
      "SELECT projection, table_name, age_column, age_unit_ms FROM projection_tables"
      " ORDER BY projection, table_name",
      {}, [&](const sdk::Row& r) {
        sdk::ProjectionTable t{std::string(r.text(1)), std::string(r.text(2)), r.int64(3)};
        if (is_identifier(t.name) && is_identifier(t.age_column) && t.age_unit_ms >= 1)
          out.emplace_back(std::string(r.text(0)), std::move(t));
      });
  return out;
}

std::pair<std::string, std::int64_t> purge_statement(const sdk::ProjectionTable& t,
                                                     std::int64_t cutoff_ms) {
  // Unit u spans [u·len, (u+1)·len): it ends at or before the cutoff when u < floor(cutoff/len).
  std::int64_t limit = cutoff_ms / t.age_unit_ms;
  if (cutoff_ms < 0 && cutoff_ms % t.age_unit_ms != 0) --limit;  // floor, not truncation
  return {"DELETE FROM " + t.name + " WHERE " + t.age_column + " < ?", limit};
}

}  // namespace zaplify::core::projections
