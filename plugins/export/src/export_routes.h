#pragma once
// GET /analytics/export/datasets and GET /analytics/export/metrics.

#include <map>
#include <string>

#include "row_writers.h"
#include "zaplify/sdk/calendar.h"
#include "zaplify/sdk/data_source.h"
#include "zaplify/sdk/http.h"

namespace zaplify::exporting {

inline constexpr const char* kDefaultDataset = "kpi_daily";

/// `format` when given ("csv" | "json", any case), else CSV when the Accept header asks for
/// text/csv, else JSON. Throws 400 naming "format" for anything else.
ExportFormat choose_format(const sdk::Request& req);

/// The parameters handed to the producer: every query parameter except the export's own
/// (dataset, format) and the window's (from, to, tz, interval), with declared defaults filled in.
/// Throws 400 naming the parameter when a required one is missing or a value is not allowed.
std::map<std::string, std::string> producer_params(const sdk::Request& req,
                                                   const sdk::DataSourceInfo& source);

/// "NAME_FROMDATE_TODATE.csv": NAME reduced to [A-Za-z0-9_-], dates local to the window's tz.
std::string export_filename(const std::string& dataset, const sdk::Window& window,
                            const sdk::Calendar& calendar, ExportFormat format);

/// The JSON description of one data source, as listed by /analytics/export/datasets.
nlohmann::json describe(const sdk::DataSourceInfo& source);

/// Both routes. `registry` and `calendar` belong to the host and must outlive the routes and any
/// stream they return.
sdk::RouteSpec make_datasets_route(const sdk::DataSourceRegistry& registry);
sdk::RouteSpec make_export_route(const sdk::DataSourceRegistry& registry,
                                 const sdk::Calendar& calendar);

}  // namespace zaplify::exporting
