#include "ingest/validate.h"

#include <cmath>
#include <string_view>
#include <unordered_set>

#include "calendar/rfc3339.h"
#include "ingest/properties.h"
#include "ingest/utf8.h"

namespace zaplify::core {
namespace ingest {
namespace {

constexpr std::string_view kMarker = "\xEF\xBF\xBF";  // U+FFFF

bool absent(const RawValue& v) { return v.kind == Kind::Missing || v.kind == Kind::Null; }

std::string missing(const char* field) { return std::string("missing field '") + field + "'"; }

// Checks that a string is well-formed UTF-8 without NUL (PostgreSQL text cannot hold NUL, and the
// same rule on both backends keeps them interchangeable).
std::string check_text(bool marker_is_invalid, std::string_view field, const std::string& v) {
  if (!is_valid_utf8(v) || (marker_is_invalid && v.find(kMarker) != std::string::npos))
    return std::string(field) + " is not valid UTF-8";
  if (v.find('\0') != std::string::npos)
    return std::string(field) + " must not contain NUL characters";
  return {};
}

struct Ctx {
  RawEvent& raw;
  bool marker_is_invalid;
  const EventTypeSnapshot* declared;  // may be null

  // A required (or optional when `optional`) string of min..max code points, moved into `out`.
  std::string get_string(RawValue& v, const char* field, std::size_t min_len, std::size_t max_len,
                         std::string& out, bool optional = false) const {
    if (absent(v)) return optional ? std::string() : missing(field);
    auto range_error = [&] {
      return std::string("'") + field + "' must be a string of " + std::to_string(min_len) + "-" +
             std::to_string(max_len) + " characters";
    };
    if (v.kind != Kind::String) return range_error();
    if (auto e = check_text(marker_is_invalid, field, v.str); !e.empty()) return e;
    const std::size_t len = utf8_length(v.str);
    if (len < min_len || len > max_len) return range_error();
    out = std::move(v.str);
    return {};
  }

  std::string get_enum(RawValue& v, const char* field,
                       std::initializer_list<std::string_view> allowed, std::string& out) const {
    if (absent(v)) return missing(field);
    if (v.kind == Kind::String)
      for (auto a : allowed)
        if (v.str == a) {
          out = std::move(v.str);
          return {};
        }
    std::string list;
    for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    return std::string("'") + field + "' must be one of: " + list;
  }
};

bool is_tenant_id(const std::string& t) {
  if (t.empty() || t.size() > 64) return false;
  for (char ch : t)
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
          ch == '_' || ch == '-'))
      return false;
  return true;
}

std::string check_tokens(const RawValue& tk, sdk::Event& out) {
  switch (tk.kind) {
    case Kind::Unsigned:
      if (tk.u > static_cast<std::uint64_t>(INT64_MAX)) return "'tokens' is out of range";
      out.tokens = static_cast<std::int64_t>(tk.u);
      return {};
    case Kind::Integer:
      if (tk.i < 0) return "'tokens' must be an integer >= 0";
      out.tokens = tk.i;
      return {};
    case Kind::Float:
      // 3.0 is an integer written as a float; 3.5 is not.
      if (!std::isfinite(tk.d) || tk.d < 0 || std::floor(tk.d) != tk.d)
        return "'tokens' must be an integer >= 0";
      if (tk.d >= 9.2e18) return "'tokens' is out of range";
      out.tokens = static_cast<std::int64_t>(tk.d);
      return {};
    default:
      return "'tokens' must be an integer >= 0";
  }
}

std::string validate_message(const Ctx& c, sdk::Event& out) {
  RawEvent& r = c.raw;
  if (auto e = c.get_string(r.conversation_id, "conversation_id", 1, 128, out.conversation_id);
      !e.empty())
    return e;
  if (auto e = c.get_enum(r.sender, "sender", {"lead", "assistant", "agent"}, out.sender);
      !e.empty())
    return e;
  if (absent(r.text)) return "missing field 'text'";
  if (r.text.kind != Kind::String) return "'text' must be a string";
  if (auto e = check_text(c.marker_is_invalid, "text", r.text.str); !e.empty()) return e;
  if (r.text.str.size() > kMaxTextBytes) return "'text' is longer than 65536 bytes";
  out.text = std::move(r.text.str);
  if (const RawValue& rt = r.response_time_ms; !absent(rt)) {
    double v = 0;
    if (rt.kind == Kind::Unsigned)
      v = static_cast<double>(rt.u);
    else if (rt.kind == Kind::Integer)
      v = static_cast<double>(rt.i);
    else if (rt.kind == Kind::Float)
      v = rt.d;
    else
      return "'response_time_ms' must be a number >= 0";
    if (!std::isfinite(v) || v < 0) return "'response_time_ms' must be a number >= 0";
    out.response_time_ms = v;
  }
  if (!absent(r.tokens)) return check_tokens(r.tokens, out);
  return {};
}

std::string validate_funnel(const Ctx& c, sdk::Event& out) {
  RawEvent& r = c.raw;
  if (auto e = c.get_string(r.funnel_id, "funnel_id", 1, 128, out.funnel_id); !e.empty()) return e;
  if (auto e = c.get_string(r.name, "name", 1, 256, out.name); !e.empty()) return e;
  RawStages& st = r.stages;
  if (st.kind == Kind::Missing || st.kind == Kind::Null) return "missing field 'stages'";
  if (st.kind != Kind::Array || st.count == 0 || st.count > 50)
    return "'stages' must be an array of 1-50 distinct strings";
  std::unordered_set<std::string_view> seen;
  for (const std::string& v : st.items) {
    if (auto e = check_text(c.marker_is_invalid, "stages", v); !e.empty()) return e;
    const std::size_t len = utf8_length(v);
    if (len < 1 || len > 128) return "each stage must be a string of 1-128 characters";
    if (!seen.insert(v).second) return "'stages' has a repeated stage '" + v + "'";
  }
  if (st.has_non_string) return "'stages' must be an array of 1-50 distinct strings";
  out.stages = std::move(st.items);
  st.items.clear();  // moved-from: make it empty again for reuse
  return {};
}

std::string validate_typed(const Ctx& c, sdk::Event& out) {
  RawEvent& r = c.raw;
  const std::string& t = out.type;
  if (t == "message") return validate_message(c, out);
  if (t == "lead_created") {
    if (auto e = c.get_string(r.lead_id, "lead_id", 1, 128, out.lead_id); !e.empty()) return e;
    return c.get_string(r.source, "source", 1, 256, out.source, /*optional=*/true);
  }
  if (t == "conversation_started") {
    if (auto e = c.get_string(r.conversation_id, "conversation_id", 1, 128, out.conversation_id);
        !e.empty())
      return e;
    if (auto e = c.get_string(r.lead_id, "lead_id", 1, 128, out.lead_id); !e.empty()) return e;
    if (auto e = c.get_string(r.assistant_id, "assistant_id", 1, 128, out.assistant_id, true);
        !e.empty())
      return e;
    if (auto e = c.get_string(r.channel, "channel", 1, 64, out.channel, true); !e.empty()) return e;
    if (out.channel.empty()) out.channel = "whatsapp";
    return {};
  }
  if (t == "conversation_ended") {
    if (auto e = c.get_string(r.conversation_id, "conversation_id", 1, 128, out.conversation_id);
        !e.empty())
      return e;
    return c.get_enum(r.outcome, "outcome", {"resolved", "handoff", "abandoned"}, out.outcome);
  }
  if (t == "funnel_defined") return validate_funnel(c, out);
  // stage_changed
  if (auto e = c.get_string(r.lead_id, "lead_id", 1, 128, out.lead_id); !e.empty()) return e;
  if (auto e = c.get_string(r.funnel_id, "funnel_id", 1, 128, out.funnel_id); !e.empty()) return e;
  return c.get_string(r.stage, "stage", 1, 128, out.stage);
}

// The declared type `t`, or null (also for built-in types).
const DeclaredEventType* declared_type(const Ctx& c, std::string_view t) {
  if (!c.declared) return nullptr;
  auto it = c.declared->find(t);
  return it == c.declared->end() ? nullptr : &it->second;
}

// Unchanged for the built-in types when no plugin declares one; otherwise the declared ones follow.
std::string type_error(const Ctx& c) {
  std::string msg =
      "'type' must be one of: lead_created, conversation_started, message, conversation_ended, "
      "funnel_defined, stage_changed";
  if (c.declared)
    for (const auto& [name, _] : *c.declared) msg += ", " + name;
  return msg;
}

std::string validate_common(const Ctx& c, const IngestCaller& caller, sdk::Event& out) {
  RawEvent& r = c.raw;
  if (auto e = c.get_string(r.id, "id", 1, 128, out.id); !e.empty()) return e;
  if (absent(r.type)) return "missing field 'type'";
  if (r.type.kind != Kind::String ||
      !(is_builtin_event_type(r.type.str) || declared_type(c, r.type.str)))
    return type_error(c);
  out.type = std::move(r.type.str);
  if (absent(r.tenant_id)) return "missing field 'tenant_id'";
  if (r.tenant_id.kind != Kind::String || !is_tenant_id(r.tenant_id.str))
    return "'tenant_id' must match [A-Za-z0-9_-]{1,64}";
  out.tenant_id = std::move(r.tenant_id.str);
  if (!caller.any_tenant && out.tenant_id != caller.tenant_id)
    return "tenant_id '" + out.tenant_id + "' does not match the caller's tenant";
  if (absent(r.timestamp)) return "missing field 'timestamp'";
  if (r.timestamp.kind != Kind::String || !parse_rfc3339_ms(r.timestamp.str, out.ts_ms))
    return "'timestamp' must be an RFC 3339 timestamp with an offset or Z";
  return {};
}

}  // namespace

std::string validate_raw(RawEvent& raw, const IngestCaller& caller, std::int64_t now_ms,
                         int retention_days, bool marker_is_invalid, sdk::Event& out,
                         const EventTypeSnapshot* declared) {
  const Ctx c{raw, marker_is_invalid, declared};
  if (auto e = validate_common(c, caller, out); !e.empty()) return e;
  if (auto e = check_properties(raw.properties, marker_is_invalid, out.properties); !e.empty())
    return e;
  // A custom type's fields live in its properties; only the common fields and those are stored.
  if (const DeclaredEventType* custom = declared_type(c, out.type)) {
    if (auto e = check_declared_fields(custom->spec, raw.properties.value); !e.empty()) return e;
  } else if (auto e = validate_typed(c, out); !e.empty()) {
    return e;
  }
  if (out.ts_ms < now_ms - static_cast<std::int64_t>(retention_days) * 86400000ll)
    return "timestamp is older than retention (" + std::to_string(retention_days) + " days)";
  if (out.ts_ms > now_ms + kMaxFutureSkewMs) return "timestamp is more than 1 day in the future";
  return {};
}

std::string validate_event_impl(const nlohmann::json& raw, const IngestCaller& caller,
                                std::int64_t now_ms, int retention_days, bool marker_is_invalid,
                                sdk::Event& out, const EventTypeSnapshot* declared) {
  out = sdk::Event{};
  if (!raw.is_object()) return "event must be a JSON object";
  RawEvent r;
  raw_from_json(raw, r);
  return validate_raw(r, caller, now_ms, retention_days, marker_is_invalid, out, declared);
}

}  // namespace ingest

std::string validate_event(const nlohmann::json& raw, const IngestCaller& caller,
                           std::int64_t now_ms, int retention_days, sdk::Event& out) {
  return ingest::validate_event_impl(raw, caller, now_ms, retention_days, false, out);
}

}  // namespace zaplify::core
