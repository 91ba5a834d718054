#pragma once
// The response schemas of the core's own routes (/health, /admin/*, /openapi.json, /docs,
// /metrics), declared like any plugin's (sdk/schema.h) so OpenAPI and the contract test cover them.

#include <vector>

#include "zaplify/sdk/schema.h"

namespace zaplify::core {

sdk::Schema health_schema();                         ///< GET /health (200 and 503 alike).
sdk::Schema admin_plugins_schema();                  ///< GET /admin/plugins.
sdk::Schema admin_reload_schema();                   ///< POST /admin/reload.
sdk::Schema openapi_document_schema();               ///< GET /openapi.json.
sdk::ResponseBody docs_page_body();                  ///< GET /docs (HTML).
std::vector<sdk::ResponseBody> docs_asset_bodies();  ///< GET /docs/{asset}: JS, CSS, PNG.
sdk::ResponseBody prometheus_text_body();            ///< GET /metrics.

}  // namespace zaplify::core
