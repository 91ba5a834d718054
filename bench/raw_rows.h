#pragma once
// The rows of the `raw-insert` scenario: the ingest bodies' events as the server stores them, in a
// minimal events table (the server's columns, PRIMARY KEY (tenant_id, id), one index
// (tenant_id, type, ts)), plus the SQL and the PostgreSQL COPY text that insert them. Pure.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace zaplify::bench {

/// One events row, columns in kRawColumns order. std::nullopt is NULL.
struct EventRow {
  std::string tenant_id, id, type;
  std::int64_t ts_ms = 0;
  std::optional<std::string> lead_id, conversation_id, assistant_id, channel, sender, text;
  std::optional<double> response_time_ms;
  std::optional<std::int64_t> tokens;
  std::optional<std::string> outcome, funnel_id, stage, name, stages, source;

  bool operator==(const EventRow&) const = default;
};

inline constexpr const char* kRawColumns =
    "tenant_id, id, type, ts, lead_id, conversation_id, assistant_id, channel, sender, text, "
    "response_time_ms, tokens, outcome, funnel_id, stage, name, stages, source";
inline constexpr int kRawColumnCount = 18;

/// The row the server stores for a valid event, as it stores it (core/ingest/validate.cpp,
/// core/storage): RFC 3339 → epoch ms, a conversation_started without channel gets "whatsapp",
/// `stages` of a funnel_defined is kept as its JSON array text, absent/null/empty strings are NULL.
/// The generator only sends the fields an event's type uses, so no per-type filtering is needed.
/// Throws std::invalid_argument on a missing id/type/tenant_id or a bad timestamp.
EventRow row_from_event(const nlohmann::json& event);
/// Every event of a `{"events":[...]}` body, in body order.
std::vector<EventRow> rows_from_body(const std::string& body);

/// CREATE TABLE + CREATE INDEX (one script; the same text for SQLite and PostgreSQL).
std::string raw_schema_sql(const std::string& table = "raw_events");
/// The prepared SQLite statement: 18 parameters, ON CONFLICT DO NOTHING.
std::string raw_insert_sql(const std::string& table = "raw_events");
/// `COPY table (columns) FROM STDIN` (text format).
std::string raw_copy_sql(const std::string& table = "raw_events");

/// One COPY text field: NULL is \N; backslash, tab, newline and carriage return are escaped
/// (\\, \t, \n, \r) so that no data byte can end a field or a row.
void append_copy_field(std::string& out, const std::optional<std::string>& value);
/// One row in COPY text format: tab-separated fields, '\n'-terminated. Doubles in their shortest
/// round-trip form (the server reads back exactly the same value).
void append_copy_row(std::string& out, const EventRow& row);

}  // namespace zaplify::bench
