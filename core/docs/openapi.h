#pragma once
// OpenAPI 3 from the route table, and the self-hosted interactive docs page.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "routing/route_table.h"
#include "zaplify/sdk/data_source.h"

namespace zaplify::core {

/// An OpenAPI 3.0.3 document describing every route of the table (core and plugins), with path and
/// query parameters (the window parameters for windowed routes), the error envelope schema, the
/// bearer security scheme, and the plugin name as tag.
/// Response and request bodies are the schemas the routes declare (RouteSpec::response_schema,
/// published under components/schemas); every data source's row is published as <Name>Row.
nlohmann::json build_openapi(const RouteTable& table, const std::string& server_version,
                             const std::vector<sdk::DataSourceInfo>& data_sources = {});

/// A static asset of the docs viewer (index page, JS, CSS), installed at build time from the npm
/// registry into the build tree and served by the service itself. `name` is "" for the page.
/// Returns nullopt when unknown. Thread-safe.
struct DocsAsset {
  std::string body;
  std::string content_type;
};
std::optional<DocsAsset> docs_asset(const std::string& name);

}  // namespace zaplify::core
