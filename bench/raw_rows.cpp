#include "raw_rows.h"

#include <charconv>
#include <stdexcept>

#include "dataset.h"

namespace zaplify::bench {
namespace {

using json = nlohmann::json;

std::optional<std::string> text_of(const json& e, const char* key) {
  auto it = e.find(key);
  if (it == e.end() || !it->is_string() || it->get_ref<const std::string&>().empty())
    return std::nullopt;
  return it->get<std::string>();
}

std::string required(const json& e, const char* key) {
  auto v = text_of(e, key);
  if (!v) throw std::invalid_argument(std::string("event without a string '") + key + "'");
  return *v;
}

std::optional<double> double_of(const json& e, const char* key) {
  auto it = e.find(key);
  if (it == e.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

std::optional<std::int64_t> integer_of(const json& e, const char* key) {
  auto it = e.find(key);
  if (it == e.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<std::int64_t>();
}

template <typename T>
void append_number(std::string& out, T v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

}  // namespace

EventRow row_from_event(const json& e) {
  if (!e.is_object()) throw std::invalid_argument("event is not a JSON object");
  EventRow r;
  r.tenant_id = required(e, "tenant_id");
  r.id = required(e, "id");
  r.type = required(e, "type");
  r.ts_ms = parse_rfc3339_ms(required(e, "timestamp"));
  r.lead_id = text_of(e, "lead_id");
  r.conversation_id = text_of(e, "conversation_id");
  r.assistant_id = text_of(e, "assistant_id");
  r.channel = text_of(e, "channel");
  if (r.type == "conversation_started" && !r.channel)
    r.channel = "whatsapp";  // the server's default
  r.sender = text_of(e, "sender");
  r.text = text_of(e, "text");
  r.response_time_ms = double_of(e, "response_time_ms");
  r.tokens = integer_of(e, "tokens");
  r.outcome = text_of(e, "outcome");
  r.funnel_id = text_of(e, "funnel_id");
  r.stage = text_of(e, "stage");
  r.name = text_of(e, "name");
  if (auto it = e.find("stages"); r.type == "funnel_defined" && it != e.end() && it->is_array())
    r.stages = it->dump();
  r.source = text_of(e, "source");
  return r;
}

std::vector<EventRow> rows_from_body(const std::string& body) {
  json doc = json::parse(body);
  const json& events = doc.at("events");
  std::vector<EventRow> rows;
  rows.reserve(events.size());
  for (const auto& e : events) rows.push_back(row_from_event(e));
  return rows;
}

std::string raw_schema_sql(const std::string& table) {
  return "CREATE TABLE " + table +
         " (tenant_id TEXT NOT NULL, id TEXT NOT NULL, type TEXT NOT NULL, ts BIGINT NOT NULL,"
         " lead_id TEXT, conversation_id TEXT, assistant_id TEXT, channel TEXT,"
         " sender TEXT, text TEXT, response_time_ms DOUBLE PRECISION, tokens BIGINT,"
         " outcome TEXT, funnel_id TEXT, stage TEXT, name TEXT, stages TEXT, source TEXT,"
         " PRIMARY KEY (tenant_id, id));"
         "CREATE INDEX " +
         table + "_tenant_type_ts ON " + table + " (tenant_id, type, ts)";
}

std::string raw_insert_sql(const std::string& table) {
  std::string marks;
  for (int i = 0; i < kRawColumnCount; ++i) marks += i ? ",?" : "?";
  return "INSERT INTO " + table + " (" + kRawColumns + ") VALUES (" + marks +
         ") ON CONFLICT DO NOTHING";
}

std::string raw_copy_sql(const std::string& table) {
  return "COPY " + table + " (" + kRawColumns + ") FROM STDIN";
}

void append_copy_field(std::string& out, const std::optional<std::string>& value) {
  if (!value) {
    out += "\\N";
    return;
  }
  for (char c : *value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
}

void append_copy_row(std::string& out, const EventRow& r) {
  auto text = [&](const std::optional<std::string>& v) {
    append_copy_field(out, v);
    out += '\t';
  };
  text(r.tenant_id);
  text(r.id);
  text(r.type);
  append_number(out, r.ts_ms);
  out += '\t';
  for (const auto* v :
       {&r.lead_id, &r.conversation_id, &r.assistant_id, &r.channel, &r.sender, &r.text})
    text(*v);
  if (r.response_time_ms)
    append_number(out, *r.response_time_ms);
  else
    out += "\\N";
  out += '\t';
  if (r.tokens)
    append_number(out, *r.tokens);
  else
    out += "\\N";
  out += '\t';
  for (const auto* v : {&r.outcome, &r.funnel_id, &r.stage, &r.name, &r.stages}) text(*v);
  append_copy_field(out, r.source);
  out += '\n';
}

}  // namespace zaplify::bench
