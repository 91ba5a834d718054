#include "ingest/validate.h"

#include <cmath>
#include <string_view>
#include <unordered_set>

#include "ingest/utf8.h"

namespace zaplify::core {
namespace ingest {
namespace {

using json = nlohmann::json;
constexpr std::string_view kMarker = "\xEF\xBF\xBF";  // U+FFFF

struct Ctx {
  const json& raw;
  bool marker_is_invalid;
};

// Checks that a string is well-formed UTF-8 without NUL (PostgreSQL text cannot hold NUL, and the
// same rule on both backends keeps them interchangeable).
std::string check_text(const Ctx& c, std::string_view field, const std::string& v) {
  if (!is_valid_utf8(v) || (c.marker_is_invalid && v.find(kMarker) != std::string::npos))
    return std::string(field) + " is not valid UTF-8";
  if (v.find('\0') != std::string::npos) return std::string(field) + " must not contain NUL characters";
  return {};
}

// A required (or optional when `optional`) string of min..max code points.
std::string get_string(const Ctx& c, const char* field, std::size_t min_len, std::size_t max_len,
                       std::string& out, bool optional = false) {
  auto it = c.raw.find(field);
  if (it == c.raw.end() || it->is_null()) {
    if (optional) return {};
    return std::string("missing field '") + field + "'";
  }
  const std::string range = std::to_string(min_len) + "-" + std::to_string(max_len);
  if (!it->is_string()) return std::string("'") + field + "' must be a string of " + range + " characters";
  const auto& v = it->get_ref<const std::string&>();
  if (auto e = check_text(c, field, v); !e.empty()) return e;
  std::size_t len = utf8_length(v);
  if (len < min_len || len > max_len) return std::string("'") + field + "' must be a string of " + range + " characters";
  out = v;
  return {};
}

std::string get_enum(const Ctx& c, const char* field, std::initializer_list<std::string_view> allowed,
                     std::string& out) {
  auto it = c.raw.find(field);
  std::string list;
  for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  if (it == c.raw.end() || it->is_null()) return std::string("missing field '") + field + "'";
  if (it->is_string()) {
    const auto& v = it->get_ref<const std::string&>();
    for (auto a : allowed)
      if (v == a) {
        out = v;
        return {};
      }
  }
  return std::string("'") + field + "' must be one of: " + list;
}

bool is_tenant_id(const std::string& t) {
  if (t.empty() || t.size() > 64) return false;
  for (char ch : t)
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-'))
      return false;
  return true;
}

std::string validate_message(const Ctx& c, sdk::Event& out) {
  if (auto e = get_string(c, "conversation_id", 1, 128, out.conversation_id); !e.empty()) return e;
  if (auto e = get_enum(c, "sender", {"lead", "assistant", "agent"}, out.sender); !e.empty()) return e;
  auto it = c.raw.find("text");
  if (it == c.raw.end() || it->is_null()) return "missing field 'text'";
  if (!it->is_string()) return "'text' must be a string";
  const auto& text = it->get_ref<const std::string&>();
  if (auto e = check_text(c, "text", text); !e.empty()) return e;
  if (text.size() > kMaxTextBytes) return "'text' is longer than 65536 bytes";
  out.text = text;
  if (auto rt = c.raw.find("response_time_ms"); rt != c.raw.end() && !rt->is_null()) {
    if (!rt->is_number()) return "'response_time_ms' must be a number >= 0";
    double v = rt->get<double>();
    if (!std::isfinite(v) || v < 0) return "'response_time_ms' must be a number >= 0";
    out.response_time_ms = v;
  }
  if (auto tk = c.raw.find("tokens"); tk != c.raw.end() && !tk->is_null()) {
    if (tk->is_number_unsigned()) {
      auto v = tk->get<std::uint64_t>();
      if (v > static_cast<std::uint64_t>(INT64_MAX)) return "'tokens' is out of range";
      out.tokens = static_cast<std::int64_t>(v);
    } else if (tk->is_number_integer()) {
      auto v = tk->get<std::int64_t>();
      if (v < 0) return "'tokens' must be an integer >= 0";
      out.tokens = v;
    } else if (tk->is_number_float()) {
      double v = tk->get<double>();
      // 3.0 is an integer written as a float; 3.5 is not.
      if (!std::isfinite(v) || v < 0 || std::floor(v) != v) return "'tokens' must be an integer >= 0";
      if (v >= 9.2e18) return "'tokens' is out of range";
      out.tokens = static_cast<std::int64_t>(v);
    } else {
      return "'tokens' must be an integer >= 0";
    }
  }
  return {};
}

std::string validate_funnel(const Ctx& c, sdk::Event& out) {
  if (auto e = get_string(c, "funnel_id", 1, 128, out.funnel_id); !e.empty()) return e;
  if (auto e = get_string(c, "name", 1, 256, out.name); !e.empty()) return e;
  auto it = c.raw.find("stages");
  if (it == c.raw.end() || it->is_null()) return "missing field 'stages'";
  if (!it->is_array() || it->empty() || it->size() > 50) return "'stages' must be an array of 1-50 distinct strings";
  std::unordered_set<std::string_view> seen;
  out.stages.reserve(it->size());
  for (const auto& s : *it) {
    if (!s.is_string()) return "'stages' must be an array of 1-50 distinct strings";
    const auto& v = s.get_ref<const std::string&>();
    if (auto e = check_text(c, "stages", v); !e.empty()) return e;
    std::size_t len = utf8_length(v);
    if (len < 1 || len > 128) return "each stage must be a string of 1-128 characters";
    if (!seen.insert(v).second) return "'stages' has a repeated stage '" + v + "'";
    out.stages.push_back(v);
  }
  return {};
}

std::string validate_typed(const Ctx& c, sdk::Event& out) {
  const std::string& t = out.type;
  if (t == "message") return validate_message(c, out);
  if (t == "lead_created") {
    if (auto e = get_string(c, "lead_id", 1, 128, out.lead_id); !e.empty()) return e;
    return get_string(c, "source", 1, 256, out.source, /*optional=*/true);
  }
  if (t == "conversation_started") {
    if (auto e = get_string(c, "conversation_id", 1, 128, out.conversation_id); !e.empty()) return e;
    if (auto e = get_string(c, "lead_id", 1, 128, out.lead_id); !e.empty()) return e;
    if (auto e = get_string(c, "assistant_id", 1, 128, out.assistant_id, true); !e.empty()) return e;
    if (auto e = get_string(c, "channel", 1, 64, out.channel, true); !e.empty()) return e;
    if (out.channel.empty()) out.channel = "whatsapp";
    return {};
  }
  if (t == "conversation_ended") {
    if (auto e = get_string(c, "conversation_id", 1, 128, out.conversation_id); !e.empty()) return e;
    return get_enum(c, "outcome", {"resolved", "handoff", "abandoned"}, out.outcome);
  }
  if (t == "funnel_defined") return validate_funnel(c, out);
  // stage_changed
  if (auto e = get_string(c, "lead_id", 1, 128, out.lead_id); !e.empty()) return e;
  if (auto e = get_string(c, "funnel_id", 1, 128, out.funnel_id); !e.empty()) return e;
  return get_string(c, "stage", 1, 128, out.stage);
}

bool is_known_type(const std::string& t) {
  return t == "lead_created" || t == "conversation_started" || t == "message" || t == "conversation_ended" ||
         t == "funnel_defined" || t == "stage_changed";
}

std::string validate_common(const Ctx& c, const IngestCaller& caller, sdk::Event& out) {
  if (auto e = get_string(c, "id", 1, 128, out.id); !e.empty()) return e;
  auto type = c.raw.find("type");
  if (type == c.raw.end() || type->is_null()) return "missing field 'type'";
  if (!type->is_string() || !is_known_type(type->get_ref<const std::string&>()))
    return "'type' must be one of: lead_created, conversation_started, message, conversation_ended, "
           "funnel_defined, stage_changed";
  out.type = type->get_ref<const std::string&>();
  auto tenant = c.raw.find("tenant_id");
  if (tenant == c.raw.end() || tenant->is_null()) return "missing field 'tenant_id'";
  if (!tenant->is_string() || !is_tenant_id(tenant->get_ref<const std::string&>()))
    return "'tenant_id' must match [A-Za-z0-9_-]{1,64}";
  out.tenant_id = tenant->get_ref<const std::string&>();
  if (!caller.any_tenant && out.tenant_id != caller.tenant_id)
    return "tenant_id '" + out.tenant_id + "' does not match the caller's tenant";
  auto ts = c.raw.find("timestamp");
  if (ts == c.raw.end() || ts->is_null()) return "missing field 'timestamp'";
  if (!ts->is_string() || !parse_rfc3339_ms(ts->get_ref<const std::string&>(), out.ts_ms))
    return "'timestamp' must be an RFC 3339 timestamp with an offset or Z";
  return {};
}

}  // namespace

std::string validate_event_impl(const json& raw, const IngestCaller& caller, std::int64_t now_ms,
                                int retention_days, bool marker_is_invalid, sdk::Event& out) {
  out = sdk::Event{};
  if (!raw.is_object()) return "event must be a JSON object";
  Ctx c{raw, marker_is_invalid};
  if (auto e = validate_common(c, caller, out); !e.empty()) return e;
  if (auto e = validate_typed(c, out); !e.empty()) return e;
  if (out.ts_ms < now_ms - static_cast<std::int64_t>(retention_days) * 86400000ll)
    return "timestamp is older than retention (" + std::to_string(retention_days) + " days)";
  if (out.ts_ms > now_ms + kMaxFutureSkewMs) return "timestamp is more than 1 day in the future";
  return {};
}

}  // namespace ingest

std::string validate_event(const nlohmann::json& raw, const IngestCaller& caller, std::int64_t now_ms,
                           int retention_days, sdk::Event& out) {
  return ingest::validate_event_impl(raw, caller, now_ms, retention_days, false, out);
}

}  // namespace zaplify::core
