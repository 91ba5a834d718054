#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <future>
#include <thread>

#include "http/tests/http_test_client.h"
#include "http/tests/server_fixture.h"
#include "zaplify/sdk/store.h"

namespace zaplify::core::testing {
namespace {

using nlohmann::json;

std::size_t spool_fds_open() {
  std::size_t n = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
    auto target = std::filesystem::read_symlink(e.path(), ec).string();
    if (target.find("(deleted)") != std::string::npos) ++n;
  }
  return n;
}

sdk::Response hello(const sdk::Request& r) {
  return sdk::Response::of_json({{"tenant", r.tenant_id}});
}

TEST(HttpServer, UnknownPathIs404Envelope) {
  ServerHarness h({route(get_spec("/hello", hello, false))});
  TestConnection c(h.port());
  auto r = c.request("GET", "/nope");
  EXPECT_EQ(r.status, 404);
  auto body = json::parse(r.body);
  EXPECT_EQ(body["error"]["code"], "not_found");
  EXPECT_TRUE(body["error"].contains("message"));
  EXPECT_FALSE(r.header("x-request-id").empty());
}

TEST(HttpServer, WrongMethodIs405WithAllow) {
  ServerHarness h({route(get_spec("/hello", hello, false))});
  TestConnection c(h.port());
  auto r = c.request("DELETE", "/hello");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("allow"), "GET");
  EXPECT_EQ(json::parse(r.body)["error"]["code"], "method_not_allowed");
}

TEST(HttpServer, AnswersWithTenantFromHeaderAndEchoesRequestId) {
  ServerHarness h({route(get_spec("/hello", hello, false))});
  TestConnection c(h.port());
  auto r = c.request("GET", "/hello", "X-Tenant-ID: acme\r\nX-Request-ID: abc-123\r\n");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body)["tenant"], "acme");
  EXPECT_EQ(r.header("x-request-id"), "abc-123");
  EXPECT_EQ(r.header("content-type"), "application/json");
}

TEST(HttpServer, QueryIsPercentDecodedAndPathParamsPassed) {
  auto spec = get_spec("/items/{id}", [](const sdk::Request& r) {
    return sdk::Response::of_json({{"id", r.path_param("id")}, {"q", r.param("q").value_or("")}});
  });
  ServerHarness h({route(spec)});
  TestConnection c(h.port());
  auto r = c.request("GET", "/items/a%20b?q=x%26y+z");
  ASSERT_EQ(r.status, 200);
  auto body = json::parse(r.body);
  EXPECT_EQ(body["id"], "a b");
  EXPECT_EQ(body["q"], "x&y z");
}

sdk::RouteSpec echo_spec() {
  sdk::RouteSpec s;
  s.method = sdk::Method::Post;
  s.path = "/echo";
  s.handler = [](const sdk::Request& r) {
    return sdk::Response::of_json({{"bytes", r.body.size()}});
  };
  return s;
}

TEST(HttpServer, BodyOverLimitIs413Json) {
  HttpSettings s;
  s.max_request_bytes = 1000;
  ServerHarness h({route(echo_spec())}, s);
  TestConnection c(h.port());
  auto ok =
      c.request("POST", "/echo", "Content-Type: application/json\r\n", std::string(1000, ' '));
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(json::parse(ok.body)["bytes"], 1000);
  TestConnection c2(h.port());
  auto r =
      c2.request("POST", "/echo", "Content-Type: application/json\r\n", std::string(5000, ' '));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(json::parse(r.body)["error"]["code"], "payload_too_large");
}

TEST(HttpServer, NonJsonContentTypeIs415) {
  ServerHarness h({route(echo_spec())});
  TestConnection c(h.port());
  auto r = c.request("POST", "/echo", "Content-Type: text/plain\r\n", "{}");
  EXPECT_EQ(r.status, 415);
  EXPECT_EQ(json::parse(r.body)["error"]["code"], "unsupported_media_type");
  auto ok = c.request("POST", "/echo", "Content-Type: application/json; charset=utf-8\r\n", "{}");
  EXPECT_EQ(ok.status, 200);
}

TEST(HttpServer, ExceptionIs500WithoutLeakingTheMessage) {
  auto boom = get_spec("/boom", [](const sdk::Request&) -> sdk::Response {
    throw std::runtime_error("secret sauce SELECT * FROM events");
  });
  auto down = get_spec("/down", [](const sdk::Request&) -> sdk::Response {
    throw sdk::StoreError("connection refused to db:5432", true);
  });
  auto bad = get_spec("/bad", [](const sdk::Request&) -> sdk::Response {
    throw sdk::invalid_parameter("limit", "limit must be positive");
  });
  ServerHarness h({route(boom), route(down), route(bad)});
  TestConnection c(h.port());
  auto r = c.request("GET", "/boom");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("secret"), std::string::npos);
  EXPECT_EQ(json::parse(r.body)["error"]["code"], "internal_error");
  auto d = c.request("GET", "/down");
  EXPECT_EQ(d.status, 503);
  EXPECT_EQ(d.header("retry-after"), "5");
  EXPECT_EQ(d.body.find("5432"), std::string::npos);
  auto b = c.request("GET", "/bad");
  EXPECT_EQ(b.status, 400);
  EXPECT_EQ(json::parse(b.body)["error"]["field"], "limit");
}

TEST(HttpServer, KeepAliveWithoutConnectionHeaderReusesTheSocket) {
  ServerHarness h({route(get_spec("/hello", hello, false))});
  TestConnection c(h.port());
  for (int i = 0; i < 5; ++i) {
    auto r = c.request("GET", "/hello");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("connection"), "Keep-Alive");
  }
  // An explicit close is honoured: the answer says Close.
  auto last = c.request("GET", "/hello", "Connection: close\r\n");
  EXPECT_EQ(last.status, 200);
  EXPECT_EQ(last.header("connection"), "Close");
}

TEST(HttpServer, FullPoolAndQueueAnswer503WithRetryAfter) {
  Gate gate;
  std::atomic<int> entered{0};
  auto block = get_spec("/block", [&](const sdk::Request&) {
    ++entered;
    gate.wait();
    return sdk::Response::of_json({{"ok", true}});
  });
  HttpSettings s;
  s.max_concurrent_requests = 2;
  s.queue_size = 1;
  ServerHarness h({route(block)}, s);
  // 2 running + 1 queued fill it; the 4th is refused.
  std::vector<std::unique_ptr<TestConnection>> conns;
  for (int i = 0; i < 3; ++i) {
    conns.push_back(std::make_unique<TestConnection>(h.port()));
    conns.back()->send_all("GET /block HTTP/1.1\r\nHost: x\r\n\r\n");
  }
  while (entered.load() < 2) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  while (h.server->in_flight() < 3) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  TestConnection extra(h.port());
  auto r = extra.request("GET", "/block");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.header("retry-after"), "1");
  EXPECT_EQ(json::parse(r.body)["error"]["code"], "overloaded");
  gate.open();
  for (auto& c : conns) EXPECT_EQ(c->read_response().status, 200);
  EXPECT_NE(h.metrics.render().find("http_overload_rejections_total 1"), std::string::npos);
}

TEST(HttpServer, StreamedFiftyMegabytesArriveComplete) {
  constexpr std::size_t kLine = 100, kLines = 500000;  // 50 MB
  auto big = get_spec("/big", [&](const sdk::Request&) {
    sdk::Response r;
    r.content_type = "text/csv";
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"x.csv\"");
    r.stream = [](sdk::ByteSink& sink) {
      std::string line(kLine - 1, 'a');
      line.push_back('\n');
      for (std::size_t i = 0; i < kLines; ++i) {
        line[0] = static_cast<char>('a' + i % 26);
        sink.write(line);
      }
    };
    return r;
  });
  ServerHarness h({route(big)});
  TestConnection c(h.port());
  auto r = c.request("GET", "/big");
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.body.size(), kLine * kLines);
  for (std::size_t i = 0; i < kLines; i += 4999)
    ASSERT_EQ(r.body[i * kLine], static_cast<char>('a' + i % 26));
  EXPECT_EQ(r.header("content-disposition"), "attachment; filename=\"x.csv\"");
  EXPECT_NE(r.header("content-type").find("text/csv"), std::string::npos);
  // The connection still works afterwards.
  EXPECT_EQ(c.request("GET", "/big").body.size(), kLine * kLines);
  // The spool files are gone: no descriptor to a deleted (anonymous) file stays open.
  for (int i = 0; i < 100 && spool_fds_open() > 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(spool_fds_open(), 0u);
}

TEST(HttpServer, ShutdownDrainsAnInFlightRequest) {
  Gate gate;
  std::atomic<bool> entered{false};
  auto slow = get_spec("/slow", [&](const sdk::Request&) {
    entered = true;
    gate.wait();
    return sdk::Response::of_json({{"done", true}});
  });
  ServerHarness h({route(slow)});
  TestConnection c(h.port());
  c.send_all("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
  while (!entered) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  auto done = std::async(std::launch::async, [&] { h.server->shutdown(5000); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  gate.open();
  auto r = c.read_response();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body)["done"], true);
  done.get();
  EXPECT_EQ(h.server->in_flight(), 0);
}

}  // namespace
}  // namespace zaplify::core::testing
