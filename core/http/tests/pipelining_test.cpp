// Pipelined requests on one connection (http/connection.h): answered in order, each once, also
// when an answer is a spooled file that Pistache writes in two pieces (head, then the file).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

#include "http/tests/http_test_client.h"
#include "http/tests/server_fixture.h"

namespace zaplify::core::testing {
namespace {

constexpr std::size_t kFileBytes = 4u << 20;

sdk::RouteSpec file_spec() {
  return get_spec("/file", [](const sdk::Request&) {
    sdk::Response r;
    r.content_type = "text/plain";
    r.stream = [](sdk::ByteSink& sink) { sink.write(std::string(kFileBytes, 'f')); };
    return r;
  });
}

sdk::RouteSpec echo_id_spec() {
  return get_spec(
      "/id",
      [](const sdk::Request& r) {
        return sdk::Response::of_json({{"id", r.request_id}});
      },
      false);
}

TEST(Pipelining, AnswersInOrderAfterASpooledFile) {
  ServerHarness h({route(file_spec()), route(echo_id_spec())});
  TestConnection c(h.port());
  c.send_all(
      "GET /file HTTP/1.1\r\nHost: t\r\n\r\n"
      "GET /id HTTP/1.1\r\nHost: t\r\nX-Request-ID: second\r\n\r\n"
      "GET /file HTTP/1.1\r\nHost: t\r\n\r\n"
      "GET /id HTTP/1.1\r\nHost: t\r\nX-Request-ID: fourth\r\n\r\n");
  auto first = c.read_response();
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(first.body, std::string(kFileBytes, 'f'));
  auto second = c.read_response();
  ASSERT_EQ(second.status, 200);
  EXPECT_EQ(nlohmann::json::parse(second.body)["id"], "second");
  EXPECT_EQ(c.read_response().body.size(), kFileBytes);
  EXPECT_EQ(nlohmann::json::parse(c.read_response().body)["id"], "fourth");
}

TEST(Pipelining, ManyInOneWriteEachAnsweredOnce) {
  ServerHarness h({route(echo_id_spec())});
  TestConnection c(h.port());
  std::string raw;
  for (int i = 0; i < 100; ++i)
    raw += "GET /id HTTP/1.1\r\nX-Request-ID: r" + std::to_string(i) + "\r\n\r\n";
  c.send_all(raw + "GET /id HTTP/1.1\r\nConnection: close\r\nX-Request-ID: last\r\n\r\n");
  for (int i = 0; i < 100; ++i)
    ASSERT_EQ(nlohmann::json::parse(c.read_response().body)["id"], "r" + std::to_string(i));
  auto last = c.read_response();
  EXPECT_EQ(last.header("connection"), "Close");
  EXPECT_TRUE(c.closed_by_peer());
}

}  // namespace
}  // namespace zaplify::core::testing
