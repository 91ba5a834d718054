// The export plugin over HTTP: the dataset list, CSV and JSON exports of every dataset that agree
// with each other (through the strict RFC 4180 parser of the export plugin's tests), kpi_daily
// against /metrics/kpi, and the errors raised before streaming.

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <stdexcept>
#include <string_view>

#include "plugins/export/tests/rfc4180.h"
#include "support/server.h"

namespace zaplify::testing {
namespace {

using nlohmann::json;
constexpr std::int64_t kDayMs = 86'400'000;

using Field = zaplify::exporting::testing::CsvField;
using zaplify::exporting::testing::parse_csv;

// A CSV cell read back as the JSON export would show it, by the dataset's declared column type.
json typed(const Field& f, const std::string& type) {
  if (f.text.empty() && !f.quoted) return nullptr;
  if (type == "integer") return std::stoll(f.text);
  if (type == "number") return std::stod(f.text);
  if (type == "boolean") return f.text == "true";
  if (type == "string" && f.text.size() > 1 && f.text[0] == '\'' &&
      std::string("=+-@\t\r").find(f.text[1]) != std::string::npos)
    return f.text.substr(1);  // the formula guard
  return f.text;
}

// Conversations whose ids need quoting and the formula guard in CSV.
json events(const std::string& tenant, std::int64_t day) {
  const std::vector<std::string> ids = {"plain", "c,1", "c\"2", "=c3", "+c4",
                                        "c😀5",   "-c6", "@c7",  "a b"};
  json out = json::array();
  int n = 0;
  for (std::size_t k = 0; k < 40; ++k) {
    const std::string conv = ids[k % ids.size()] + std::to_string(k);
    const std::int64_t ts = day + static_cast<std::int64_t>(k % 3) * kDayMs + 3'600'000 +
                            static_cast<std::int64_t>(k) * 60'000;
    auto ev = [&](const std::string& type, std::int64_t t, json fields) {
      fields["id"] = "e" + std::to_string(n++);
      fields["type"] = type;
      fields["tenant_id"] = tenant;
      fields["timestamp"] = rfc3339(t);
      out.push_back(fields);
    };
    ev("lead_created", ts - 1000, {{"lead_id", "=L" + std::to_string(k)}});
    ev("conversation_started", ts,
       {{"conversation_id", conv},
        {"lead_id", "=L" + std::to_string(k)},
        {"assistant_id", k % 4 ? json("a" + std::to_string(k % 2)) : json(nullptr)}});
    ev("message", ts + 1000,
       {{"conversation_id", conv}, {"sender", "lead"}, {"text", "I love it, thanks!"}});
    ev("message", ts + 2000,
       {{"conversation_id", conv},
        {"sender", "assistant"},
        {"text", "ok"},
        {"response_time_ms", 100 + static_cast<int>(k)},
        {"tokens", 7}});
    if (k % 3)
      ev("conversation_ended", ts + 60'000,
         {{"conversation_id", conv}, {"outcome", k % 2 ? "resolved" : "handoff"}});
  }
  return out;
}

class ExportTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ServerOptions o;
    o.database = GetParam();
    server_ = std::make_unique<ServerProcess>(o);
    auto r = server_->post_json("/analytics/process/batch", {{"events", events("t1", day_)}}, h_);
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_EQ(r.json()["rejected"].size(), 0u) << r.body;
  }
  std::string window() const {
    return "from=" + rfc3339(day_).substr(0, 10) +
           "&to=" + rfc3339(day_ + 4 * kDayMs).substr(0, 10);
  }
  json datasets() const {
    auto r = server_->get("/analytics/export/datasets", h_);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json()["datasets"];
  }

  std::int64_t day_ = (now_ms() / kDayMs - 6) * kDayMs;
  Headers h_{{"X-Tenant-ID", "t1"}};
  std::unique_ptr<ServerProcess> server_;
};

TEST_P(ExportTest, DatasetsListEveryDataSourceWithTypedColumns) {
  json list = datasets();
  ASSERT_TRUE(list.is_array());
  std::set<std::string> names;
  for (const auto& d : list) {
    names.insert(d["name"].get<std::string>());
    EXPECT_FALSE(d["plugin"].get<std::string>().empty());
    EXPECT_GT(d["columns"].size(), 0u) << d["name"];
    for (const auto& c : d["columns"])
      EXPECT_TRUE(
          std::set<std::string>({"string", "integer", "number", "timestamp", "date", "boolean"})
              .count(c["type"].get<std::string>()));
    EXPECT_TRUE(d["parameters"].is_array());
  }
  EXPECT_EQ(names.size(), list.size()) << "names are unique";
  EXPECT_TRUE(names.count("kpi_daily"));
}

TEST_P(ExportTest, CsvAndJsonExportsAgreeForEveryDataset) {
  int compared = 0;
  for (const auto& d : datasets()) {
    bool needs_param = false;
    for (const auto& p : d["parameters"]) needs_param = needs_param || p["required"] == true;
    if (needs_param) continue;
    const std::string name = d["name"];
    auto j =
        server_->get("/analytics/export/metrics?dataset=" + name + "&format=json&" + window(), h_);
    auto c = server_->get("/analytics/export/metrics?dataset=" + name + "&" + window(),
                          {{"X-Tenant-ID", "t1"}, {"Accept", "text/csv"}});
    ASSERT_EQ(j.status, 200) << name << j.body;
    ASSERT_EQ(c.status, 200) << name << c.body;
    EXPECT_EQ(j.header("content-type"), "application/json");
    EXPECT_EQ(c.header("content-type"), "text/csv; charset=utf-8");
    EXPECT_EQ(c.header("content-disposition"),
              "attachment; filename=\"" + name + "_" + rfc3339(day_).substr(0, 10) + "_" +
                  rfc3339(day_ + 4 * kDayMs).substr(0, 10) + ".csv\"");
    json rows = json::parse(j.body);
    auto records = parse_csv(c.body);
    ASSERT_EQ(records.size(), rows.size() + 1) << name;
    ASSERT_EQ(records[0].size(), d["columns"].size());
    for (std::size_t k = 0; k < d["columns"].size(); ++k)
      EXPECT_EQ(records[0][k].text, d["columns"][k]["name"]);
    for (std::size_t r = 0; r < rows.size(); ++r) {
      json from_csv = json::object();
      for (std::size_t k = 0; k < d["columns"].size(); ++k)
        from_csv[d["columns"][k]["name"].get<std::string>()] =
            typed(records[r + 1][k], d["columns"][k]["type"]);
      EXPECT_EQ(from_csv, rows[r]) << name << " row " << r;
    }
    ++compared;
  }
  EXPECT_GE(compared, 1);
}

TEST_P(ExportTest, KpiDailyMatchesTheKpiSeries) {
  auto e = server_->get("/analytics/export/metrics?dataset=kpi_daily&" + window(), h_);
  ASSERT_EQ(e.status, 200) << e.body;
  json rows = json::parse(e.body);
  ASSERT_EQ(rows.size(), 4u) << "one row per day of W, empty days included";
  auto k = server_->get("/metrics/kpi?interval=day&" + window(), h_);
  if (k.status == 404) GTEST_SKIP() << "metrics plugin not loaded";
  ASSERT_EQ(k.status, 200) << k.body;
  json series = k.json()["series"];
  ASSERT_EQ(series.size(), rows.size());
  int conversations = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i]["date"], rfc3339(day_ + static_cast<std::int64_t>(i) * kDayMs).substr(0, 10));
    for (const char* f : {"conversations", "messages", "new_leads", "conversions"})
      EXPECT_EQ(rows[i][f], series[i][f]) << f << " day " << i;
    conversations += rows[i]["conversations"].get<int>();
  }
  EXPECT_EQ(conversations, 40) << "every conversation of the fixture falls in W";
}

TEST_P(ExportTest, BadRequestsGetJsonErrorsNotHalfBodies) {
  auto unknown = server_->get("/analytics/export/metrics?dataset=nope&" + window(), h_);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.json()["error"]["field"], "dataset");
  auto format = server_->get("/analytics/export/metrics?format=xml&" + window(), h_);
  EXPECT_EQ(format.status, 400);
  EXPECT_EQ(format.json()["error"]["field"], "format");
  auto window_error = server_->get("/analytics/export/metrics?from=2026-13-45", h_);
  EXPECT_EQ(window_error.status, 400);
  for (const auto& d : datasets()) {
    for (const auto& p : d["parameters"]) {
      if (p["required"] != true) continue;
      auto r = server_->get(
          "/analytics/export/metrics?dataset=" + d["name"].get<std::string>() + "&" + window(), h_);
      EXPECT_EQ(r.status, 400) << d["name"];
      EXPECT_EQ(r.json()["error"]["field"], p["name"]) << d["name"];
      break;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, ExportTest, ::testing::ValuesIn(backends()));

}  // namespace
}  // namespace zaplify::testing
