#include "ingest/raw_event.h"

#include "ingest/properties.h"

namespace zaplify::core::ingest {
namespace {

void set_from_json(const nlohmann::json& v, RawValue& out) {
  switch (v.type()) {
    case nlohmann::json::value_t::null:
      out.kind = Kind::Null;
      break;
    case nlohmann::json::value_t::string:
      out.kind = Kind::String;
      out.str = v.get_ref<const std::string&>();
      break;
    case nlohmann::json::value_t::number_unsigned:
      out.kind = Kind::Unsigned;
      out.u = v.get<std::uint64_t>();
      break;
    case nlohmann::json::value_t::number_integer:
      out.kind = Kind::Integer;
      out.i = v.get<std::int64_t>();
      break;
    case nlohmann::json::value_t::number_float:
      out.kind = Kind::Float;
      out.d = v.get<double>();
      break;
    case nlohmann::json::value_t::array:
      out.kind = Kind::Array;
      break;
    default:
      out.kind = Kind::Other;
      break;
  }
}

void stages_from_json(const nlohmann::json& v, RawStages& out) {
  out.items.clear();
  out.count = 0;
  out.has_non_string = false;
  if (v.is_null()) {
    out.kind = Kind::Null;
    return;
  }
  if (!v.is_array()) {
    out.kind = Kind::Other;
    return;
  }
  out.kind = Kind::Array;
  out.count = v.size();
  for (const auto& s : v) {
    if (!s.is_string()) {
      out.has_non_string = true;
      break;
    }
    out.items.push_back(s.get_ref<const std::string&>());
  }
}

}  // namespace

void RawEvent::reset() {
  for (RawValue* v :
       {&id, &type, &tenant_id, &timestamp, &lead_id, &source, &conversation_id, &assistant_id,
        &channel, &sender, &text, &response_time_ms, &tokens, &outcome, &funnel_id, &name, &stage})
    v->kind = Kind::Missing;
  stages.kind = Kind::Missing;
  stages.count = 0;
  stages.has_non_string = false;
  stages.items.clear();
  properties.kind = Kind::Missing;
  properties.is_object = false;
  properties.too_deep = false;
  properties.min_bytes = 0;
  properties.value = nullptr;
}

RawValue* RawEvent::value(Field f) {
  switch (f) {
    case Field::kId:
      return &id;
    case Field::kType:
      return &type;
    case Field::kTenantId:
      return &tenant_id;
    case Field::kTimestamp:
      return &timestamp;
    case Field::kLeadId:
      return &lead_id;
    case Field::kSource:
      return &source;
    case Field::kConversationId:
      return &conversation_id;
    case Field::kAssistantId:
      return &assistant_id;
    case Field::kChannel:
      return &channel;
    case Field::kSender:
      return &sender;
    case Field::kText:
      return &text;
    case Field::kResponseTimeMs:
      return &response_time_ms;
    case Field::kTokens:
      return &tokens;
    case Field::kOutcome:
      return &outcome;
    case Field::kFunnelId:
      return &funnel_id;
    case Field::kName:
      return &name;
    case Field::kStage:
      return &stage;
    default:
      return nullptr;
  }
}

// A switch on length, then on a distinguishing character, then one full compare: the SAX parser
// calls this for every key of every event.
Field field_of(std::string_view k) {
  auto is = [&](std::string_view name, Field f) { return k == name ? f : Field::kUnknown; };
  switch (k.size()) {
    case 2:
      return is("id", Field::kId);
    case 4:
      switch (k[0]) {
        case 't':
          return k[1] == 'y' ? is("type", Field::kType) : is("text", Field::kText);
        case 'n':
          return is("name", Field::kName);
        default:
          return Field::kUnknown;
      }
    case 5:
      return is("stage", Field::kStage);
    case 6:
      switch (k[0]) {
        case 's':
          if (k[1] == 'o') return is("source", Field::kSource);
          return k[1] == 'e' ? is("sender", Field::kSender) : is("stages", Field::kStages);
        case 't':
          return is("tokens", Field::kTokens);
        default:
          return Field::kUnknown;
      }
    case 7:
      switch (k[0]) {
        case 'l':
          return is("lead_id", Field::kLeadId);
        case 'c':
          return is("channel", Field::kChannel);
        case 'o':
          return is("outcome", Field::kOutcome);
        default:
          return Field::kUnknown;
      }
    case 9:
      switch (k[0]) {
        case 't':
          return k[1] == 'e' ? is("tenant_id", Field::kTenantId)
                             : is("timestamp", Field::kTimestamp);
        case 'f':
          return is("funnel_id", Field::kFunnelId);
        default:
          return Field::kUnknown;
      }
    case 10:
      return is("properties", Field::kProperties);
    case 12:
      return is("assistant_id", Field::kAssistantId);
    case 15:
      return is("conversation_id", Field::kConversationId);
    case 16:
      return is("response_time_ms", Field::kResponseTimeMs);
    default:
      return Field::kUnknown;
  }
}

void raw_from_json(const nlohmann::json& raw, RawEvent& out) {
  out.reset();
  for (const auto& [key, v] : raw.items()) {
    const Field f = field_of(key);
    if (f == Field::kStages)
      stages_from_json(v, out.stages);
    else if (f == Field::kProperties)
      properties_from_json(v, out.properties);
    else if (RawValue* slot = out.value(f))
      set_from_json(v, *slot);
  }
}

}  // namespace zaplify::core::ingest
