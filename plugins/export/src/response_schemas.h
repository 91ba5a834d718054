#pragma once
// What the export plugin's routes answer (sdk/schema.h). A JSON export is an array of row
// objects of the chosen data source (the host publishes each data source's row as <Name>Row and
// their union as DataSourceRow); a CSV export is text whose header row is those columns.
// Header-only so the route declarations include it without a build change.

#include "zaplify/sdk/schema.h"

namespace zaplify::exporting::schemas {

namespace s = sdk::schema;

inline sdk::Schema datasets_response() {
  auto column =
      s::object("A column; also the field of a JSON row")
          .field("name", s::string())
          .field("type",
                 s::string("Cell type")
                     .one_of({"string", "integer", "number", "timestamp", "date", "boolean"}))
          .optional_field("description", s::string());
  auto parameter =
      s::object("A query parameter the data source takes beyond from/to/tz")
          .field("name", s::string())
          .field("in", s::string().one_of({"query", "path"}))
          .field(
              "type",
              s::string("OpenAPI scalar type").one_of({"string", "integer", "number", "boolean"}))
          .field("required", s::boolean())
          .field("description", s::string())
          .optional_field("default", s::string("Applied when absent"))
          .optional_field("allowed", s::array_of(s::string(), "The values allowed"));
  auto dataset = s::object("A registered data source")
                     .field("name", s::string("The `dataset` of /analytics/export/metrics"))
                     .field("plugin", s::string("The plugin that registered it"))
                     .field("description", s::string())
                     .field("columns", s::array_of(column, "In CSV and row order"))
                     .field("parameters", s::array_of(parameter))
                     .named("Dataset");
  return s::object()
      .field("datasets", s::array_of(dataset, "Every data source of every plugin, by name"))
      .named("DatasetsResponse");
}

/// format=json (the default): an array of row objects, one per row, in the data source's order.
inline sdk::Schema json_export() {
  return s::array_of(s::host_component("DataSourceRow"),
                     "The rows of the chosen dataset, each an object of its columns (the "
                     "dataset's <Name>Row schema)")
      .named("Rows");
}

/// format=csv or Accept: text/csv.
inline sdk::ResponseBody csv_export() {
  return {"text/csv", "with format=csv or Accept: text/csv",
          s::text("RFC 4180 CSV, UTF-8, CRLF line ends: a header row with the dataset's column "
                  "names (the fields of its <Name>Row schema, in that order), then one line per "
                  "row; an empty cell is null; a text cell starting with = + - @ TAB or CR is "
                  "prefixed with ' against formula injection")};
}

}  // namespace zaplify::exporting::schemas
