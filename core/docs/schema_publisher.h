#pragma once
// Renders the SDK's schemas (sdk/schema.h) as OpenAPI 3.0 schema objects and publishes the named
// ones under components/schemas, with stable names per plugin ("KpiResponse" of plugin metrics →
// "MetricsKpiResponse").

#include <string>

#include <nlohmann/json.hpp>

#include "zaplify/sdk/data_source.h"
#include "zaplify/sdk/schema.h"

namespace zaplify::core {

/// Not thread-safe: one per document being built. `components` is the document's
/// components/schemas object; it must outlive the publisher.
class SchemaPublisher {
 public:
  explicit SchemaPublisher(nlohmann::json& components) : components_(components) {}

  /// The OpenAPI schema of `s` as declared by `plugin` ("core" for the host's own). Named nodes
  /// (at any depth) are published once and answered as a `$ref`. Throws std::invalid_argument for
  /// a malformed schema (an array without items, an example that is not JSON).
  nlohmann::json render(const sdk::Schema& s, const std::string& plugin);

  /// Publishes `schema` under `name` (or name2, name3... when a different schema already has it)
  /// and returns the name used. Publishing an identical schema twice reuses the first.
  std::string publish(const std::string& name, const nlohmann::json& schema);

  /// The component name of a schema named `name` by `plugin`: the plugin's name in CamelCase
  /// prefixed unless `name` already starts with it; the core's names are used as they are.
  static std::string component_name(const std::string& plugin, const std::string& name);

 private:
  nlohmann::json render_body(const sdk::Schema& s, const std::string& plugin);
  nlohmann::json& components_;
};

/// "event_counter" → "EventCounter", "kpi_daily" → "KpiDaily", "conversion-flow" →
/// "ConversionFlow".
std::string camel_case(const std::string& snake);

/// The schema of one JSON export row of a data source: each column a required field, typed by
/// its ColumnType, nullable as declared; closed.
sdk::Schema data_source_row_schema(const sdk::DataSourceInfo& source);

}  // namespace zaplify::core
