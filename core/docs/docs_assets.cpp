// The /docs page and the Swagger UI files it loads, all served by the service itself.
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "docs/openapi.h"

#ifndef ZAPLIFY_DOCS_ASSETS_DIR
#define ZAPLIFY_DOCS_ASSETS_DIR "docs-assets"
#endif

namespace zaplify::core {
namespace {

// Every URL is relative to the service: no CDN, no third-party host.
constexpr const char* kIndexPage = R"html(<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Zaplify Analytics API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
  <link rel="icon" type="image/png" href="/docs/favicon-16x16.png" sizes="16x16">
  <style>body { margin: 0; }</style>
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/swagger-ui-standalone-preset.js"></script>
  <script>
    window.onload = function () {
      window.ui = SwaggerUIBundle({
        url: "/openapi.json",
        dom_id: "#swagger-ui",
        deepLinking: true,
        presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
        plugins: [SwaggerUIBundle.plugins.DownloadUrl],
        layout: "StandaloneLayout",
        validatorUrl: null,
        persistAuthorization: true
      });
    };
  </script>
</body>
</html>
)html";

/// The files copied from swagger-ui-dist at build time (core/extra.cmake), by content type.
const std::map<std::string, std::string>& known_assets() {
  static const std::map<std::string, std::string> assets = {
      {"swagger-ui.css", "text/css; charset=utf-8"},
      {"swagger-ui-bundle.js", "application/javascript; charset=utf-8"},
      {"swagger-ui-standalone-preset.js", "application/javascript; charset=utf-8"},
      {"favicon-32x32.png", "image/png"},
      {"favicon-16x16.png", "image/png"},
  };
  return assets;
}

}  // namespace

std::optional<DocsAsset> docs_asset(const std::string& name) {
  if (name.empty() || name == "index.html")
    return DocsAsset{kIndexPage, "text/html; charset=utf-8"};
  auto known = known_assets().find(name);  // an allow-list: no path ever reaches the file system
  if (known == known_assets().end()) return std::nullopt;

  static std::mutex mutex;
  static std::map<std::string, std::string> loaded;  // read once, served from memory after
  std::lock_guard lock(mutex);
  auto it = loaded.find(name);
  if (it == loaded.end()) {
    // An installed server (no build tree) names its assets folder in DOCS_ASSETS_DIR.
    const char* dir = std::getenv("DOCS_ASSETS_DIR");
    std::string base = dir && *dir ? dir : ZAPLIFY_DOCS_ASSETS_DIR;
    std::ifstream in(base + "/" + name, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream body;
    body << in.rdbuf();
    it = loaded.emplace(name, body.str()).first;
  }
  return DocsAsset{it->second, known->second};
}

}  // namespace zaplify::core
