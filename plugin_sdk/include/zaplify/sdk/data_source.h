#pragma once
// Data sources: named, typed tables a plugin can produce on demand. The export plugin lists them
// and streams them as JSON or CSV; a third party's data source is exported the same way.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "zaplify/sdk/calendar.h"
#include "zaplify/sdk/http.h"
#include "zaplify/sdk/value.h"
#include "zaplify/sdk/version.h"

namespace zaplify::sdk {

enum class ColumnType { String, Integer, Number, Timestamp, Date, Boolean };

inline const char* column_type_name(ColumnType t) {
  switch (t) {
    case ColumnType::String:
      return "string";
    case ColumnType::Integer:
      return "integer";
    case ColumnType::Number:
      return "number";
    case ColumnType::Timestamp:
      return "timestamp";
    case ColumnType::Date:
      return "date";
    case ColumnType::Boolean:
      return "boolean";
  }
  return "string";
}

/// One column of a data source: it is also the field of the same name in a JSON export row, so
/// it declares what a response schema declares (published as components/schemas/<Name>Row).
struct Column {
  std::string name;
  ColumnType type = ColumnType::String;
  std::string description;
  /// SDK 2.0. What a number measures (schema.h's units: "ms", "ratio", ...); empty: none.
  std::string unit;
  /// SDK 2.0. Whether a cell may be NULL. RowSink accepts NULL in any column, so true unless the
  /// producer guarantees a value.
  bool nullable = true;
  /// SDK 2.0. When set, the column exists only in requests that pass this parameter (e.g. a
  /// `breakdown_value` column with `breakdown`): the producer still sends a cell for it in every
  /// row (NULL when absent), and exporters leave the column out of answers without the parameter.
  std::string present_with;
};

/// Receives rows in order. Each row has one Value per declared column (NULL allowed).
/// Timestamps are given as RFC 3339 text, dates as "YYYY-MM-DD", booleans as 0/1.
class ZAPLIFY_SDK_API RowSink {
 public:
  virtual ~RowSink() = default;
  virtual void row(const std::vector<Value>& cells) = 0;
};

/// What a producer is asked for: the tenant, the window (always parsed by the host) and the
/// remaining query parameters (e.g. funnel_id).
struct DataSourceRequest {
  std::string tenant_id;
  Window window;
  std::map<std::string, std::string> params;
};

/// Writes the rows of the data source for `request` into `sink`. Called from worker threads
/// concurrently: must be thread-safe. May throw HttpError (e.g. 400 for a missing parameter,
/// 404 for an unknown funnel) before writing the first row.
using RowProducer = std::function<void(const DataSourceRequest&, RowSink&)>;

struct DataSourceSpec {
  std::string name;  ///< Unique across all plugins, e.g. "kpi_daily".
  std::string description;
  std::vector<Column> columns;
  std::vector<ParamSpec> params;  ///< Beyond from/to/tz, which every data source takes.
  RowProducer produce;
};

/// A registered data source as seen by a consumer. `plugin` names the plugin that registered it.
struct DataSourceInfo {
  std::string name;
  std::string plugin;
  std::string description;
  std::vector<Column> columns;
  std::vector<ParamSpec> params;
};

/// Registration and lookup of data sources. Thread-safe.
class ZAPLIFY_SDK_API DataSourceRegistry {
 public:
  virtual ~DataSourceRegistry() = default;
  /// REQUIRES: called only from Plugin::start(). A name already taken fails the load, naming both
  /// plugins.
  virtual void add(DataSourceSpec spec) = 0;
  /// Every data source currently served, sorted by name.
  virtual std::vector<DataSourceInfo> list() const = 0;
  /// Runs the named data source. The host keeps the producing plugin loaded while it runs.
  /// Throws HttpError 404 for an unknown name.
  virtual void produce(const std::string& name, const DataSourceRequest& request,
                       RowSink& sink) const = 0;
};

}  // namespace zaplify::sdk
