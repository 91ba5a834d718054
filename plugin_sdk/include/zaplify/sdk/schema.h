#pragma once
// Response and request body schemas: a small JSON Schema subset as plain data, with a builder.
//
// A route declares the JSON it answers (RouteSpec::response_schema) and a data source its row
// through its columns; the host turns both into OpenAPI under components/schemas, and the
// integration suite validates every live response against them. The types here are the SDK's own:
// a plugin never needs a JSON Schema library, and the host may change how it renders them.
//
// Example (the shape of {"value": 1.5, "previous": null}):
//   using namespace zaplify::sdk::schema;
//   Schema kpi = object("A KPI of W with its W′ value")
//                    .field("value", number("Value in W").with_unit("ms").or_null())
//                    .field("previous", number("Value in W′").with_unit("ms").or_null())
//                    .named("KpiValue");

#include <string>
#include <utility>
#include <vector>

namespace zaplify::sdk {

enum class SchemaType {
  Unspecified,  ///< Not declared: OpenAPI says only "a JSON value" (the default of RouteSpec).
  Object,
  Array,
  String,
  Integer,
  Number,
  Boolean,
  Ref,  ///< A component the host publishes (e.g. "Error", "Window", "DataSourceRow").
};

struct SchemaProperty;

/// One schema node. Plain data: copyable, no references to anything else. Build it with the
/// functions of `sdk::schema` below rather than field by field.
struct Schema {
  SchemaType type = SchemaType::Unspecified;
  /// Non-empty: published once under components/schemas and referenced by `$ref`. The host
  /// prefixes it with the plugin's name in CamelCase ("KpiResponse" of plugin metrics →
  /// "MetricsKpiResponse") unless it already starts with it. Names are [A-Za-z0-9_]+.
  std::string name;
  std::string description;
  /// What a number measures, rendered as `x-unit` and at the end of the description. Use one of
  /// "ms", "seconds", "minutes", "hours", "days", "ratio" (0–1 share, may exceed 1 when stated),
  /// "percent", "percentage_points", "count", "tokens", "score" or your own word.
  std::string unit;
  std::string format;                      ///< "date-time" (RFC 3339), "date" (YYYY-MM-DD), ...
  bool nullable = false;                   ///< null is a valid value (e.g. a ratio over zero).
  std::vector<std::string> enum_values;    ///< Strings only; empty: any value of `type`.
  std::vector<SchemaProperty> properties;  ///< Object: the declared fields, in this order.
  /// Object: false = closed (additionalProperties: false; an undeclared field is a contract
  /// violation). true = other fields may appear (typed by `values` when given).
  bool open = false;
  std::vector<Schema> values;  ///< Object used as a map {key: values[0]}; at most one element.
  std::vector<Schema> items;   ///< Array: exactly one element, the item schema.
  std::string ref;             ///< SchemaType::Ref: the host component's name, unprefixed.
  std::string example_json;    ///< JSON text of an example value; the host parses it.

  // Builder steps. Each returns *this, so they chain on a temporary.
  Schema& describe(std::string text) {
    description = std::move(text);
    return *this;
  }
  Schema& with_unit(std::string u) {
    unit = std::move(u);
    return *this;
  }
  Schema& or_null() {
    nullable = true;
    return *this;
  }
  Schema& named(std::string n) {
    name = std::move(n);
    return *this;
  }
  Schema& one_of(std::vector<std::string> allowed) {
    enum_values = std::move(allowed);
    return *this;
  }
  Schema& example(std::string json_text) {
    example_json = std::move(json_text);
    return *this;
  }
  /// Adds a field that is always present (it may still be null when its schema says so).
  Schema& field(std::string field_name, Schema schema);
  /// Adds a field that appears only in some answers (e.g. `series` with `interval`).
  Schema& optional_field(std::string field_name, Schema schema);
  /// Allows fields beyond the declared ones.
  Schema& allow_more() {
    open = true;
    return *this;
  }
};

struct SchemaProperty {
  std::string name;
  Schema schema;
  bool required = true;
};

inline Schema& Schema::field(std::string field_name, Schema schema) {
  properties.push_back({std::move(field_name), std::move(schema), true});
  return *this;
}
inline Schema& Schema::optional_field(std::string field_name, Schema schema) {
  properties.push_back({std::move(field_name), std::move(schema), false});
  return *this;
}

/// One more media type of a route's successful answer, beside the JSON of response_schema
/// (e.g. text/csv, image/svg+xml). `schema` is usually schema::text(...).
struct ResponseBody {
  std::string content_type;
  std::string description;
  Schema schema;
};

namespace schema {

namespace detail {
inline Schema of(SchemaType t, std::string description) {
  Schema s;
  s.type = t;
  s.description = std::move(description);
  return s;
}
}  // namespace detail

/// A closed object: add fields with .field()/.optional_field().
inline Schema object(std::string description = {}) {
  return detail::of(SchemaType::Object, std::move(description));
}
/// An object whose keys are data (e.g. {"whatsapp": 12, "web": 3}): every value has `values`.
inline Schema map_of(Schema values, std::string description = {}) {
  Schema s = detail::of(SchemaType::Object, std::move(description));
  s.open = true;
  s.values.push_back(std::move(values));
  return s;
}
inline Schema array_of(Schema items, std::string description = {}) {
  Schema s = detail::of(SchemaType::Array, std::move(description));
  s.items.push_back(std::move(items));
  return s;
}
inline Schema string(std::string description = {}) {
  return detail::of(SchemaType::String, std::move(description));
}
/// Text that is not JSON (a CSV file, an SVG drawing, Prometheus text).
inline Schema text(std::string description = {}) { return string(std::move(description)); }
/// An RFC 3339 instant, e.g. "2026-11-20T14:03:00.250Z".
inline Schema timestamp(std::string description = {}) {
  Schema s = string(std::move(description));
  s.format = "date-time";
  return s;
}
/// A calendar date "YYYY-MM-DD".
inline Schema date(std::string description = {}) {
  Schema s = string(std::move(description));
  s.format = "date";
  return s;
}
inline Schema integer(std::string description = {}) {
  return detail::of(SchemaType::Integer, std::move(description));
}
inline Schema number(std::string description = {}) {
  return detail::of(SchemaType::Number, std::move(description));
}
inline Schema boolean(std::string description = {}) {
  return detail::of(SchemaType::Boolean, std::move(description));
}
/// A schema the host publishes: "Error" (the error envelope), "Window" ({from, to, tz}),
/// "DataSourceRow" (a row of any registered data source).
inline Schema host_component(std::string component) {
  Schema s;
  s.type = SchemaType::Ref;
  s.ref = std::move(component);
  return s;
}

}  // namespace schema
}  // namespace zaplify::sdk
