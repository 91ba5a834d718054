#include "export_routes.h"

#include <gtest/gtest.h>

#include <ctime>

#include "test_support.h"

namespace zaplify::exporting {
namespace {

using sdk::ColumnType;
using sdk::Value;

// Two data sources from two "plugins"; the producer records the request it was given.
struct FakeRegistry : sdk::DataSourceRegistry {
  mutable sdk::DataSourceRequest last;
  void add(sdk::DataSourceSpec) override {}
  std::vector<sdk::DataSourceInfo> list() const override {
    sdk::ParamSpec funnel{"funnel_id", sdk::ParamLocation::Query, "string", true, "The funnel", "",
                          {}};
    sdk::ParamSpec order{"order",        sdk::ParamLocation::Query, "string", false, "", "asc",
                         {"asc", "desc"}};
    return {{"kpi_daily",
             "metrics",
             "One row per day",
             {{"date", ColumnType::Date, ""}, {"conversations", ColumnType::Integer, ""}},
             {}},
            {"stages",
             "funnel",
             "Funnel stages",
             {{"stage", ColumnType::String, ""}},
             {funnel, order}}};
  }
  void produce(const std::string& name, const sdk::DataSourceRequest& req,
               sdk::RowSink& sink) const override {
    last = req;
    if (name == "kpi_daily") {
      sink.row({Value{std::string("2026-11-01")}, Value{std::int64_t{3}}});
      sink.row({Value{std::string("2026-11-02")}, Value{std::int64_t{0}}});
    } else {
      sink.row({Value{std::string("=HYPERLINK(\"x\")")}});
    }
  }
};

// UTC-only calendar: enough for the file name.
struct FakeCalendar : sdk::Calendar {
  std::int64_t now_ms() const override { return 0; }
  std::vector<std::int64_t> bucket_starts(const sdk::Window&) const override { return {}; }
  std::vector<std::int64_t> day_starts(const sdk::Window&) const override { return {}; }
  std::string format_utc(std::int64_t) const override { return {}; }
  std::string format_local(std::int64_t, const std::string&) const override { return {}; }
  std::string local_date(std::int64_t ms, const std::string&) const override {
    std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
  }
};

class ExportRoutes : public ::testing::Test {
 protected:
  sdk::Request request(std::map<std::string, std::string> query,
                       std::map<std::string, std::string> headers = {}) {
    sdk::Request r;
    r.query = std::move(query);
    r.headers = std::move(headers);
    r.tenant_id = "acme";
    r.window = {1793491200000, 1794096000000, "UTC",
                sdk::Interval::None};  // 2026-11-01 .. 2026-11-08
    return r;
  }
  int error_status(const sdk::Request& req, std::string* field) {
    try {
      route_.handler(req);
    } catch (const sdk::HttpError& e) {
      *field = e.field();
      return e.status();
    }
    return 200;
  }
  std::string body(const sdk::Response& res) {
    testing::RecordingSink sink;
    res.stream(sink);
    return sink.all();
  }
  static std::string header(const sdk::Response& res, const std::string& name) {
    for (const auto& [k, v] : res.headers)
      if (k == name) return v;
    return {};
  }

  FakeRegistry registry_;
  FakeCalendar calendar_;
  sdk::RouteSpec route_ = make_export_route(registry_, calendar_);
};

TEST_F(ExportRoutes, DefaultIsKpiDailyAsJsonStreamed) {
  EXPECT_TRUE(route_.windowed);
  EXPECT_EQ(route_.cache, sdk::CachePolicy::None);
  auto res = route_.handler(request({}));
  EXPECT_EQ(res.content_type, "application/json");
  EXPECT_EQ(header(res, "Content-Disposition"),
            "attachment; filename=\"kpi_daily_2026-11-01_2026-11-08.json\"");
  ASSERT_TRUE(res.stream);
  auto parsed = nlohmann::json::parse(body(res));
  EXPECT_EQ(parsed, nlohmann::json::parse(R"([{"date":"2026-11-01","conversations":3},
                                              {"date":"2026-11-02","conversations":0}])"));
  EXPECT_EQ(registry_.last.tenant_id, "acme");
  EXPECT_EQ(registry_.last.window.from_ms, 1793491200000);
}

TEST_F(ExportRoutes, CsvByFormatOrByAcceptHeader) {
  auto by_format = route_.handler(request({{"format", "csv"}}));
  auto by_accept = route_.handler(request({}, {{"accept", "text/csv, */*;q=0.1"}}));
  auto json_wins = route_.handler(request({{"format", "JSON"}}, {{"accept", "text/csv"}}));
  EXPECT_EQ(by_format.content_type, "text/csv; charset=utf-8");
  EXPECT_EQ(by_accept.content_type, "text/csv; charset=utf-8");
  EXPECT_EQ(json_wins.content_type, "application/json");
  EXPECT_EQ(header(by_format, "Content-Disposition"),
            "attachment; filename=\"kpi_daily_2026-11-01_2026-11-08.csv\"");
  auto rec = testing::parse_csv(body(by_format));
  ASSERT_EQ(rec.size(), 3u);
  EXPECT_EQ(rec[0][1].text, "conversations");
  EXPECT_EQ(rec[1][0].text, "2026-11-01");
  EXPECT_EQ(rec[1][1].text, "3");
}

TEST_F(ExportRoutes, ErrorsAreRaisedBeforeAnyByteIsStreamed) {
  std::string field;
  EXPECT_EQ(error_status(request({{"dataset", "nope"}}), &field), 404);
  EXPECT_EQ(field, "dataset");
  EXPECT_EQ(error_status(request({{"format", "xml"}}), &field), 400);
  EXPECT_EQ(field, "format");
  EXPECT_EQ(error_status(request({{"dataset", "stages"}}), &field), 400);
  EXPECT_EQ(field, "funnel_id");
  EXPECT_EQ(
      error_status(request({{"dataset", "stages"}, {"funnel_id", "f"}, {"order", "up"}}), &field),
      400);
  EXPECT_EQ(field, "order");
}

TEST_F(ExportRoutes, DataSourceParametersArePassedWithDefaults) {
  auto res = route_.handler(request({{"dataset", "stages"},
                                     {"funnel_id", "f1"},
                                     {"format", "csv"},
                                     {"from", "2026-11-01"},
                                     {"extra", "x"}}));
  auto rec = testing::parse_csv(body(res));
  EXPECT_EQ(rec[1][0].text, "'=HYPERLINK(\"x\")");
  std::map<std::string, std::string> expected = {
      {"funnel_id", "f1"}, {"order", "asc"}, {"extra", "x"}};
  EXPECT_EQ(registry_.last.params, expected);
}

TEST_F(ExportRoutes, FileNameIsSanitised) {
  sdk::Window w{1793491200000, 1794096000000, "UTC", sdk::Interval::None};
  EXPECT_EQ(export_filename("../evil\"name;x", w, calendar_, ExportFormat::Csv),
            "___evil_name_x_2026-11-01_2026-11-08.csv");
}

TEST_F(ExportRoutes, DatasetsListEverySourceWithColumnsAndParameters) {
  auto res = make_datasets_route(registry_).handler(request({}));
  const auto& list = res.json["datasets"];
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["name"], "kpi_daily");
  EXPECT_EQ(list[0]["plugin"], "metrics");
  EXPECT_EQ(list[0]["columns"][1],
            (nlohmann::json{{"name", "conversations"}, {"type", "integer"}}));
  EXPECT_EQ(list[1]["plugin"], "funnel");
  EXPECT_EQ(list[1]["parameters"][0]["name"], "funnel_id");
  EXPECT_EQ(list[1]["parameters"][0]["required"], true);
  EXPECT_EQ(list[1]["parameters"][1]["default"], "asc");
}

}  // namespace
}  // namespace zaplify::exporting
