// The dashboard plugin: GET /dashboard (a single page) and GET /dashboard/{asset} (its scripts,
// styles and the chart library), served from files installed beside the plugin. The page reads
// every number from the public API with the caller's own credentials; these routes carry no
// tenant data.

#include <memory>
#include <string>

#include "asset_store.h"
#include "zaplify/sdk/sdk.h"

namespace zaplify::dashboard {
namespace {

sdk::Response serve(const AssetStore& assets, const std::string& name, const sdk::Request& req) {
  auto asset = assets.find(name, accepts_gzip(req.header("accept-encoding")));
  if (!asset) throw sdk::not_found("no dashboard file named '" + name + "'", "asset");
  auto r = sdk::Response::of_text(*asset->body, asset->content_type);
  // The page and its own scripts (18 kB gzipped) are fetched again on each visit, so an upgraded
  // server never mixes old and new modules; the large chart library may be kept for an hour.
  r.headers.emplace_back("Cache-Control",
                         name == "echarts.min.js" ? "public, max-age=3600" : "no-cache");
  r.headers.emplace_back("Vary", "Accept-Encoding");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (asset->gzip) r.headers.emplace_back("Content-Encoding", "gzip");
  if (name == "index.html")
    r.headers.emplace_back(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'");
  return r;
}

sdk::RouteSpec page_route(std::shared_ptr<const AssetStore> assets) {
  sdk::RouteSpec r;
  r.path = "/dashboard";
  r.summary = "The analytics dashboard (a single page over this API)";
  r.description = "Static page; its views call the public API with the caller's token.";
  r.response_description = "The page";
  r.other_responses = {{"text/html", "the single page", sdk::schema::text("HTML page")}};
  r.required_role = sdk::Role::Public;  // a page load sends no token; the views' API calls do
  r.heavy = false;
  r.handler = [assets](const sdk::Request& req) { return serve(*assets, "index.html", req); };
  return r;
}

sdk::RouteSpec asset_route(std::shared_ptr<const AssetStore> assets) {
  sdk::RouteSpec r;
  r.path = "/dashboard/{asset}";
  r.summary = "A static file of the dashboard (script, style, chart library)";
  r.required_role = sdk::Role::Public;
  r.heavy = false;
  r.params.push_back(
      {"asset", sdk::ParamLocation::Path, "string", true, "File name, e.g. app.js", "", {}});
  // Its Content-Type follows the file's extension; gzip-encoded when the client accepts it.
  r.other_responses = {{"text/javascript", "a script", sdk::schema::text("JavaScript")},
                       {"text/css", "a style sheet", sdk::schema::text("CSS")},
                       {"text/html", "the page", sdk::schema::text("HTML")}};
  r.handler = [assets](const sdk::Request& req) {
    return serve(*assets, req.path_param("asset"), req);
  };
  return r;
}

class DashboardPlugin final : public sdk::Plugin {
 public:
  void start(sdk::Host& host) override {
    auto assets =
        std::make_shared<const AssetStore>(AssetStore::load(host.plugin_dir() + "/dashboard-web"));
    host.logger().info("dashboard: " + std::to_string(assets->size()) +
                       " files served at /dashboard");
    host.routes().add(page_route(assets));
    host.routes().add(asset_route(assets));
  }
};

}  // namespace
}  // namespace zaplify::dashboard

ZAPLIFY_PLUGIN(zaplify::dashboard::DashboardPlugin, "dashboard", "1.0.0",
               "A single-page dashboard over the public API, at /dashboard")

// Takes no `config:` keys: an empty declaration refuses any (a typo is not silently ignored).
ZAPLIFY_PLUGIN_CONFIG(zaplify::sdk::ConfigSpec)
