#include "docs/event_schemas.h"

#include <utility>
#include <vector>

namespace zaplify::core {
namespace {

using nlohmann::json;
namespace schema = sdk::schema;

sdk::Schema id_field(std::string what) {
  return schema::string(std::move(what) + " (1-128 characters)").example("\"lead-42\"");
}

/// Every event has these; the type-specific fields follow. Unknown extra fields are ignored by
/// ingestion, not an error: the event objects are open.
sdk::Schema event_base(const std::string& type, const std::string& description) {
  sdk::Schema e = schema::object(description);
  e.allow_more();
  e.field("id", schema::string("Idempotency key, unique per tenant (1-128 characters); a second "
                               "event with the same id is a duplicate and changes nothing")
                    .example("\"evt-0001\""));
  e.field("type", schema::string("The event type").one_of({type}));
  e.field("tenant_id", schema::string("[A-Za-z0-9_-]{1,64}; the caller's tenant unless the token's "
                                      "tenant_id is *")
                           .example("\"default\""));
  e.field("timestamp", schema::timestamp("RFC 3339 with an offset or Z; stored as UTC, truncated "
                                         "to the millisecond")
                           .example("\"2026-11-20T14:03:00.250-03:00\""));
  return e;
}

sdk::Schema any_properties() {
  return schema::object("Free-form data of the event: a JSON object of at most " +
                        std::to_string(sdk::kMaxPropertiesBytes) +
                        " bytes (compact), nested at most " +
                        std::to_string(sdk::kMaxPropertiesDepth) +
                        " deep, without NUL characters; stored with the event and readable in SQL "
                        "(sdk::property_sql)")
      .allow_more()
      .or_null()
      .example(R"({"campaign": "black-friday"})");
}

sdk::Schema field_schema(const sdk::EventFieldSpec& f) {
  sdk::Schema s;
  switch (f.type) {
    case sdk::JsonType::String:
      s = schema::string(f.description);
      break;
    case sdk::JsonType::Number:
      s = schema::number(f.description);
      break;
    case sdk::JsonType::Integer:
      s = schema::integer(f.description + " (a JSON integer: 3, not 3.0)");
      break;
    case sdk::JsonType::Boolean:
      s = schema::boolean(f.description);
      break;
    case sdk::JsonType::Object:
      s = schema::object(f.description).allow_more();
      break;
    case sdk::JsonType::Array:
      s = schema::array_of(sdk::Schema{}, f.description);
      break;
  }
  if (!f.required) s.or_null();
  return s;
}

// A declared type: the common fields, and its own fields inside `properties`, which stays open
// (undeclared keys are stored too).
sdk::Schema declared_event(const DeclaredEventType& d) {
  auto e = event_base(d.spec.type, d.spec.description + " Declared by plugin `" + d.plugin + "`.");
  sdk::Schema props =
      schema::object("The event's fields (at most " + std::to_string(sdk::kMaxPropertiesBytes) +
                     " bytes of compact JSON); other keys are stored as they are");
  props.allow_more();
  bool any_required = false;
  for (const auto& f : d.spec.fields) {
    any_required |= f.required;
    if (f.required)
      props.field(f.name, field_schema(f));
    else
      props.optional_field(f.name, field_schema(f));
  }
  if (any_required)
    e.field("properties", std::move(props));
  else
    e.optional_field("properties", props.or_null());
  return e;
}

std::vector<std::pair<std::string, sdk::Schema>> event_types() {
  std::vector<std::pair<std::string, sdk::Schema>> out;
  auto lead = event_base("lead_created", "A new lead.");
  lead.field("lead_id", id_field("The lead"));
  lead.optional_field("source",
                      schema::string("Where the lead came from (1-256 characters)").or_null());
  out.emplace_back("LeadCreatedEvent", std::move(lead));

  auto started =
      event_base("conversation_started", "A conversation began; its earliest start describes it.");
  started.field("conversation_id", id_field("The conversation"));
  started.field("lead_id", id_field("The lead it is with"));
  started.optional_field("assistant_id",
                         schema::string("The AI assistant; null or absent: human only").or_null());
  started.optional_field("channel", schema::string("1-64 characters; absent or null: whatsapp")
                                        .or_null()
                                        .example("\"whatsapp\""));
  out.emplace_back("ConversationStartedEvent", std::move(started));

  auto message = event_base("message", "One message of a conversation.");
  message.field("conversation_id", id_field("The conversation"));
  message.field("sender", schema::string("Who wrote it").one_of({"lead", "assistant", "agent"}));
  message.field("text", schema::string("Valid UTF-8, at most 65,536 bytes"));
  message.optional_field("response_time_ms",
                         schema::number("Time the reply took, >= 0").with_unit("ms").or_null());
  message.optional_field("tokens",
                         schema::integer("Model tokens of a reply, >= 0 (3.0 is taken as 3)")
                             .with_unit("tokens")
                             .or_null());
  out.emplace_back("MessageEvent", std::move(message));

  auto ended = event_base("conversation_ended", "A conversation ended; its earliest end counts.");
  ended.field("conversation_id", id_field("The conversation"));
  ended.field("outcome",
              schema::string("How it ended").one_of({"resolved", "handoff", "abandoned"}));
  out.emplace_back("ConversationEndedEvent", std::move(ended));

  auto funnel = event_base("funnel_defined",
                           "A funnel's definition; the latest by timestamp is the current one.");
  funnel.field("funnel_id", id_field("The funnel"));
  funnel.field("name", schema::string("Display name (1-256 characters)"));
  funnel.field("stages", schema::array_of(schema::string("Stage name (1-128 characters)"),
                                          "1-50 distinct stages, in order; the last is final"));
  out.emplace_back("FunnelDefinedEvent", std::move(funnel));

  auto stage = event_base("stage_changed", "A lead moved into a stage of a funnel.");
  stage.field("lead_id", id_field("The lead"));
  stage.field("funnel_id", id_field("The funnel"));
  stage.field("stage", schema::string("The stage entered (1-128 characters); a name that is not a "
                                      "stage of the funnel is stored and counted as unknown"));
  out.emplace_back("StageChangedEvent", std::move(stage));
  for (auto& [_, s] : out) s.optional_field("properties", any_properties());
  return out;
}

}  // namespace

void publish_event_schemas(SchemaPublisher& publisher) {
  publish_event_schemas(publisher, *EventTypeCatalog::process().current());
}

void publish_event_schemas(SchemaPublisher& publisher, const EventTypeSnapshot& declared) {
  json one_of = json::array();
  json mapping = json::object();
  auto add = [&](const std::string& name, const sdk::Schema& schema_of_type,
                 const std::string& plugin) {
    const std::string type = schema_of_type.properties[1].schema.enum_values.front();
    std::string published = publisher.publish(name, publisher.render(schema_of_type, plugin));
    std::string ref = "#/components/schemas/" + published;
    one_of.push_back({{"$ref", ref}});
    mapping[type] = ref;
  };
  for (auto& [name, schema_of_type] : event_types()) add(name, schema_of_type, "core");
  for (const auto& [type, d] : declared)
    add(SchemaPublisher::component_name(d.plugin, camel_case(type) + "Event"), declared_event(d),
        d.plugin);
  json events = {
      {"type", "array"},
      {"description",
       "At most ingest.max_events_per_batch (default 10,000) events; an invalid event is "
       "rejected alone (listed in `rejected`), the valid ones are stored. Besides the six "
       "built-in types, the custom types of the running plugins are accepted; any other type is "
       "rejected."},
      {"items",
       {{"oneOf", one_of}, {"discriminator", {{"propertyName", "type"}, {"mapping", mapping}}}}}};
  publisher.publish("BatchRequest",
                    {{"type", "object"},
                     {"description", "A batch of events (docs/api.md, Sending events)."},
                     {"required", {"events"}},
                     {"properties", {{"events", events}}}});
}

sdk::Schema batch_response_schema() {
  sdk::Schema rejected =
      schema::object("An event that was not stored")
          .field("index", schema::integer("Its position in `events`, from 0"))
          .field("id", schema::string("Its id, when it had a string one").or_null())
          .field("error", schema::string("Why it was rejected"));
  return schema::object("What happened to the batch; accepted events are committed.")
      .field("accepted", schema::integer("Events stored now").with_unit("count"))
      .field("duplicates",
             schema::integer("Events whose (tenant_id, id) was already stored").with_unit("count"))
      .field("rejected", schema::array_of(rejected, "Invalid events, in batch order"))
      .named("BatchResponse");
}

}  // namespace zaplify::core
