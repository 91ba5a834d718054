// A well-behaved test plugin: two routes, a data source, a migration, an ingest hook, and a stop()
// that leaves a marker file (config `stop_marker`) so tests can see it ran.
#include <atomic>
#include <fstream>

#include "zaplify/sdk/sdk.h"

namespace {

std::atomic<int> hook_calls{0};

class GoodPlugin final : public zaplify::sdk::Plugin {
 public:
  void start(zaplify::sdk::Host& host) override {
    using namespace zaplify::sdk;
    greeting_ = host.config().value("greeting", std::string("hello"));
    stop_marker_ = host.config().value("stop_marker", std::string());
    RouteSpec hello;
    hello.method = Method::Get;
    hello.path = "/good/hello";
    hello.summary = "Says hello";
    hello.heavy = false;
    std::string greeting = greeting_;
    hello.handler = [greeting](const Request&) {
      return Response::of_json({{"greeting", greeting}, {"hook_calls", hook_calls.load()}});
    };
    host.routes().add(std::move(hello));

    RouteSpec item;
    item.path = "/good/items/{item_id}";
    item.summary = "One item";
    item.windowed = true;
    item.params.push_back(
        ParamSpec{"limit", ParamLocation::Query, "integer", false, "Max", "10", {}});
    item.handler = [](const Request& r) {
      if (r.path_param("item_id") == "missing") throw not_found("no such item", "item_id");
      return Response::of_json({{"item", r.path_param("item_id")}});
    };
    host.routes().add(std::move(item));

    DataSourceSpec rows;
    rows.name = "good_rows";
    rows.description = "Two rows";
    rows.columns = {{"n", ColumnType::Integer, ""}, {"label", ColumnType::String, ""}};
    rows.produce = [](const DataSourceRequest& req, RowSink& sink) {
      if (req.params.count("fail")) throw invalid_parameter("fail", "asked to fail");
      sink.row({Value(std::int64_t{1}), Value(std::string("one"))});
      sink.row({Value(std::int64_t{2}), Value(std::string("two"))});
    };
    host.data_sources().add(std::move(rows));

    host.migrations().add(Migration{1, "good table", "CREATE TABLE good_t (tenant_id TEXT)", ""});
    host.ingest_hooks().add([](const IngestBatch& batch, SqlWriter&) {
      hook_calls += static_cast<int>(batch.events ? batch.events->size() : 0);
    });
  }

  void stop() noexcept override {
    if (stop_marker_.empty()) return;
    std::ofstream(stop_marker_) << greeting_;
  }

 private:
  std::string greeting_;
  std::string stop_marker_;
};

}  // namespace

ZAPLIFY_PLUGIN(GoodPlugin, "good", "1.2.3", "Test plugin that works")
