#include "export_routes.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "response_schemas.h"

namespace zaplify::exporting {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

const std::set<std::string>& reserved_params() {
  static const std::set<std::string> names = {"dataset", "format", "from", "to", "tz", "interval"};
  return names;
}

sdk::DataSourceInfo find_source(const sdk::DataSourceRegistry& registry, const std::string& name) {
  for (auto& info : registry.list())
    if (info.name == name) return info;
  throw sdk::not_found(
      "unknown dataset \"" + name + "\"; GET /analytics/export/datasets lists them", "dataset");
}

nlohmann::json describe_param(const sdk::ParamSpec& p) {
  nlohmann::json j = {{"name", p.name},
                      {"in", p.in == sdk::ParamLocation::Path ? "path" : "query"},
                      {"type", p.type},
                      {"required", p.required},
                      {"description", p.description}};
  if (!p.default_value.empty()) j["default"] = p.default_value;
  if (!p.allowed.empty()) j["allowed"] = p.allowed;
  return j;
}

}  // namespace

ExportFormat choose_format(const sdk::Request& req) {
  if (auto f = req.param("format")) {
    std::string v = lower(*f);
    if (v == "csv") return ExportFormat::Csv;
    if (v == "json") return ExportFormat::Json;
    throw sdk::invalid_parameter("format", "format must be \"csv\" or \"json\"");
  }
  return lower(req.header("accept")).find("text/csv") != std::string::npos ? ExportFormat::Csv
                                                                           : ExportFormat::Json;
}

std::map<std::string, std::string> producer_params(const sdk::Request& req,
                                                   const sdk::DataSourceInfo& source) {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : req.query)
    if (!reserved_params().count(k)) out[k] = v;
  for (const auto& p : source.params) {
    auto it = out.find(p.name);
    if (it == out.end() && !p.default_value.empty())
      it = out.emplace(p.name, p.default_value).first;
    if (it == out.end()) {
      if (p.required)
        throw sdk::invalid_parameter(
            p.name, "dataset \"" + source.name + "\" needs the parameter " + p.name);
      continue;
    }
    if (!p.allowed.empty() &&
        std::find(p.allowed.begin(), p.allowed.end(), it->second) == p.allowed.end())
      throw sdk::invalid_parameter(
          p.name, p.name + " has a value dataset \"" + source.name + "\" does not allow");
  }
  return out;
}

namespace {

// The columns this request has: a column with `present_with` only when that parameter is set.
std::vector<std::size_t> present_columns(const std::vector<sdk::Column>& columns,
                                         const std::map<std::string, std::string>& params) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (columns[i].present_with.empty() || params.count(columns[i].present_with)) out.push_back(i);
  return out;
}

// Passes on only the kept cells of each row (every cell when all columns are kept).
class ColumnFilter final : public sdk::RowSink {
 public:
  ColumnFilter(const std::vector<std::size_t>& kept, std::size_t all, sdk::RowSink& out)
      : kept_(kept), all_(kept.size() == all), out_(out) {}
  void row(const std::vector<sdk::Value>& cells) override {
    if (all_) return out_.row(cells);
    buffer_.clear();
    for (std::size_t i : kept_) buffer_.push_back(i < cells.size() ? cells[i] : sdk::Value{});
    out_.row(buffer_);
  }

 private:
  const std::vector<std::size_t>& kept_;
  bool all_;
  sdk::RowSink& out_;
  std::vector<sdk::Value> buffer_;
};

}  // namespace

std::string export_filename(const std::string& dataset, const sdk::Window& window,
                            const sdk::Calendar& calendar, ExportFormat format) {
  std::string name;
  for (unsigned char c : dataset)
    name += (std::isalnum(c) || c == '_' || c == '-') ? static_cast<char>(c) : '_';
  if (name.empty()) name = "export";
  return name + "_" + calendar.local_date(window.from_ms, window.tz) + "_" +
         calendar.local_date(window.to_ms, window.tz) +
         (format == ExportFormat::Csv ? ".csv" : ".json");
}

nlohmann::json describe(const sdk::DataSourceInfo& source) {
  nlohmann::json columns = nlohmann::json::array();
  for (const auto& c : source.columns) {
    nlohmann::json col = {{"name", c.name}, {"type", sdk::column_type_name(c.type)}};
    if (!c.description.empty()) col["description"] = c.description;
    columns.push_back(std::move(col));
  }
  nlohmann::json params = nlohmann::json::array();
  for (const auto& p : source.params) params.push_back(describe_param(p));
  return {{"name", source.name},
          {"plugin", source.plugin},
          {"description", source.description},
          {"columns", std::move(columns)},
          {"parameters", std::move(params)}};
}

sdk::RouteSpec make_datasets_route(const sdk::DataSourceRegistry& registry) {
  sdk::RouteSpec spec;
  spec.method = sdk::Method::Get;
  spec.path = "/analytics/export/datasets";
  spec.summary = "List every exportable data source (all plugins), with columns and parameters";
  spec.tag = "export";
  spec.cache = sdk::CachePolicy::None;  // changes on plugin reload, costs nothing to compute
  spec.heavy = false;
  spec.response_schema = schemas::datasets_response();
  spec.handler = [&registry](const sdk::Request&) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& info : registry.list()) list.push_back(describe(info));
    return sdk::Response::of_json({{"datasets", std::move(list)}});
  };
  return spec;
}

sdk::RouteSpec make_export_route(const sdk::DataSourceRegistry& registry,
                                 const sdk::Calendar& calendar) {
  sdk::RouteSpec spec;
  spec.method = sdk::Method::Get;
  spec.path = "/analytics/export/metrics";
  spec.summary = "Stream a data source as CSV or JSON";
  spec.description =
      "JSON is an array of row objects; CSV is RFC 4180 (header row, CRLF, UTF-8) with text cells "
      "starting with = + - @ TAB or CR prefixed by ' against formula injection. Parameters a data "
      "source declares (e.g. funnel_id) are passed through.";
  spec.tag = "export";
  spec.params = {{"dataset",
                  sdk::ParamLocation::Query,
                  "string",
                  false,
                  "A name from /analytics/export/datasets",
                  kDefaultDataset,
                  {}},
                 {"format",
                  sdk::ParamLocation::Query,
                  "string",
                  false,
                  "csv or json; without it, Accept: text/csv selects CSV",
                  "",
                  {"csv", "json"}}};
  spec.cache = sdk::CachePolicy::None;
  spec.windowed = true;  // the host adds no `window` to an array: json_export() stays as it is
  spec.response_schema = schemas::json_export();
  spec.other_responses = {schemas::csv_export()};
  spec.handler = [&registry, &calendar](const sdk::Request& req) {
    const std::string name = req.param("dataset").value_or(kDefaultDataset);
    const ExportFormat format = choose_format(req);  // before the lookup: both are 400/404 early
    sdk::DataSourceInfo source = find_source(registry, name);
    sdk::DataSourceRequest produce_req{req.tenant_id, req.window, producer_params(req, source)};
    const std::vector<std::size_t> kept = present_columns(source.columns, produce_req.params);

    sdk::Response res;
    res.content_type = format == ExportFormat::Csv ? "text/csv; charset=utf-8" : "application/json";
    res.headers.emplace_back(
        "Content-Disposition",
        "attachment; filename=\"" + export_filename(name, req.window, calendar, format) + "\"");
    res.headers.emplace_back("Cache-Control", "no-store");
    std::vector<sdk::Column> columns;
    for (std::size_t i : kept) columns.push_back(source.columns[i]);
    res.stream = [&registry, name, produce_req = std::move(produce_req),
                  columns = std::move(columns), kept, all = source.columns.size(),
                  format](sdk::ByteSink& sink) {
      auto run = [&](RowWriter& writer) {
        ColumnFilter filtered(kept, all, writer);
        registry.produce(name, produce_req, filtered);
        writer.finish();
      };
      if (format == ExportFormat::Csv) {
        CsvWriter writer(columns, sink);
        run(writer);
      } else {
        JsonWriter writer(columns, sink);
        run(writer);
      }
    };
    return res;
  };
  return spec;
}

}  // namespace zaplify::exporting
