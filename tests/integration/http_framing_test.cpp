// The HTTP framing stage over raw sockets against the real server (issue 13): every malformed
// frame gets its status with the JSON error envelope (docs/api.md, Responses, errors and caching)
// at once (no hang), pipelined requests are all answered in order, and `Connection: close` /
// HTTP/1.0 close the socket after the answer.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "support/server.h"

namespace zaplify::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// Hang guard: the bar is one second; the guard is generous so sanitizer builds stay stable.
constexpr int kReplyGuardMs = 5000;

using WireResponse = HttpResponse;

/// A raw client socket: sends bytes as given and reads answers one by one.
class RawClient {
 public:
  explicit RawClient(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{kReplyGuardMs / 1000, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      ADD_FAILURE() << "connect failed";
  }
  ~RawClient() { ::close(fd_); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  /// Sends everything it can; a server that already answered and closed may refuse the rest.
  void send(const std::string& bytes) {
    std::size_t off = 0;
    while (off < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return;
      off += static_cast<std::size_t>(n);
    }
  }

  /// The next answer; status 0 when none arrived within the guard (a hang) or the socket closed
  /// first.
  WireResponse read_response() {
    ResponseParser parser;
    bool complete = !buffer_.empty() && parser.feed(buffer_.data(), buffer_.size());
    buffer_.clear();
    while (!complete) {
      if (!fill()) {
        if (eof_ && parser.finish_on_eof()) break;
        return WireResponse{};
      }
      complete = parser.feed(buffer_.data(), buffer_.size());
      buffer_.clear();
    }
    buffer_ = std::move(parser.leftover());  // the start of a pipelined next answer
    return std::move(parser.response());
  }

  /// Milliseconds until the server closes the connection (EOF), or -1 when it does not within the
  /// guard.
  long ms_until_eof() {
    auto start = Clock::now();
    while (buffer_.empty() && fill()) {
    }
    if (!buffer_.empty() || !eof_) return -1;
    return static_cast<long>(
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count());
  }

 private:
  bool fill() {
    char chunk[65536];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n == 0) eof_ = true;
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }
  int fd_ = -1;
  bool eof_ = false;
  std::string buffer_;
};

class HttpFramingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = std::make_unique<ServerProcess>(ServerOptions{}); }
  static void TearDownTestSuite() { server_.reset(); }

  /// Sends `raw` on a fresh connection and returns the first answer, checking it came in time.
  static WireResponse exchange(const std::string& raw) {
    RawClient client(server_->port());
    auto start = Clock::now();
    client.send(raw);
    WireResponse r = client.read_response();
    EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(kReplyGuardMs)) << raw.substr(0, 80);
    return r;
  }

  /// Expects `status` with the error envelope of docs/api.md (Responses, errors and caching) and a
  /// request id.
  static void expect_envelope(const WireResponse& r, int status, const std::string& code = {}) {
    EXPECT_EQ(r.status, status) << r.body;
    json body = r.json();
    ASSERT_TRUE(body.is_object() && body.contains("error")) << r.body;
    EXPECT_TRUE(body["error"]["message"].is_string());
    if (!code.empty()) EXPECT_EQ(body["error"]["code"], code);
    EXPECT_FALSE(r.headers.count("x-request-id") == 0) << "no X-Request-ID";
    EXPECT_EQ(r.headers.at("content-type"), "application/json");
  }

  static std::string batch_of(const std::string& id) {
    return json{{"events",
                 {{{"id", id},
                   {"type", "lead_created"},
                   {"tenant_id", "default"},
                   {"timestamp", rfc3339(now_ms() - 60000)},
                   {"lead_id", "l-" + id}}}}}
        .dump();
  }

  static std::unique_ptr<ServerProcess> server_;
};

std::unique_ptr<ServerProcess> HttpFramingTest::server_;

TEST_F(HttpFramingTest, NegativeContentLengthIs400EnvelopeWithAccessLogLine) {
  for (const char* cl : {"-5", "-1", "+5", "5x", "", "0x10", "1 2"}) {
    auto r =
        exchange(std::string("GET /health HTTP/1.1\r\nHost: t\r\nX-Request-ID: neg-cl-probe\r\n") +
                 "Content-Length: " + cl + "\r\n\r\n");
    expect_envelope(r, 400, "bad_request");
    EXPECT_EQ(r.headers["x-request-id"], "neg-cl-probe");
    EXPECT_EQ(r.body.find("stoull"), std::string::npos);
  }
  EXPECT_NE(server_->log().find("GET unmatched 400"), std::string::npos);
  EXPECT_NE(server_->log().find("request_id=neg-cl-probe"), std::string::npos);
}

TEST_F(HttpFramingTest, HugeContentLengthIs413Envelope) {
  for (const char* cl :
       {"18446744073709551615", "18446744073709551616", "99999999999999999999999999", "16777217"}) {
    auto r = exchange(std::string("POST /analytics/process/batch HTTP/1.1\r\nHost: t\r\n") +
                      "Content-Type: application/json\r\nContent-Length: " + cl + "\r\n\r\n{}");
    expect_envelope(r, 413, "payload_too_large");
  }
}

TEST_F(HttpFramingTest, ConflictingContentLengthsAre400) {
  auto r = exchange(
      "POST /analytics/process/batch HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
      "Content-Length: 2\r\nContent-Length: 14\r\n\r\n{\"events\": []}");
  expect_envelope(r, 400, "bad_request");
  r = exchange(
      "POST /analytics/process/batch HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
      "Content-Length: 2, 3\r\n\r\n{}");
  expect_envelope(r, 400, "bad_request");
}

TEST_F(HttpFramingTest, ContentLengthWithTransferEncodingIs400) {
  auto r = exchange(
      "POST /analytics/process/batch HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
      "Content-Length: 14\r\nTransfer-Encoding: chunked\r\n\r\ne\r\n{\"events\": []}\r\n0\r\n\r\n");
  expect_envelope(r, 400, "bad_request");
}

TEST_F(HttpFramingTest, ChunkedWithAnUnchunkedBodyIsRefusedAtOnce) {
  auto r = exchange(
      "POST /analytics/process/batch HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n{\"events\": []}");
  expect_envelope(r, 400, "bad_request");
}

TEST_F(HttpFramingTest, UnsupportedTransferEncodingIs501) {
  auto r = exchange(
      "POST /analytics/process/batch HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: gzip, chunked\r\n\r\n");
  expect_envelope(r, 501, "not_implemented");
}

TEST_F(HttpFramingTest, ChunkedBodyIsDecodedAndStored) {
  std::string body = batch_of("chunked-1");
  std::string half = body.substr(0, body.size() / 2), rest = body.substr(body.size() / 2);
  auto hex = [](std::size_t n) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%zx", n);
    return std::string(buf);
  };
  auto r = exchange(
      "POST /analytics/process/batch HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n" +
      hex(half.size()) + ";ext=1\r\n" + half + "\r\n" + hex(rest.size()) + "\r\n" + rest +
      "\r\n0\r\nX-Trailer: t\r\n\r\n");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["accepted"], 1) << r.body;
}

TEST_F(HttpFramingTest, TrailingNulAfterJsonBodyIs400) {
  std::string body = std::string("{\"events\": []}") + '\0';
  auto r = exchange(
      "POST /analytics/process/batch HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body);
  expect_envelope(r, 400);
}

TEST_F(HttpFramingTest, NonJsonContentTypesAre415Envelope) {
  for (const char* type : {"foo", "application/", "application/jsonp", "text/plain"}) {
    auto r = exchange(
        std::string("POST /analytics/process/batch HTTP/1.1\r\nHost: t\r\nContent-Type: ") + type +
        "\r\nContent-Length: 14\r\n\r\n{\"events\": []}");
    expect_envelope(r, 415, "unsupported_media_type");
  }
}

TEST_F(HttpFramingTest, TwentyMebibyteBodyIs413EnvelopeBeforeTheBodyIsSent) {
  RawClient client(server_->port());
  client.send(
      "POST /analytics/process/batch HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
      "Content-Length: 20971520\r\n\r\n");
  auto r = client.read_response();
  expect_envelope(r, 413, "payload_too_large");
}

TEST_F(HttpFramingTest, UnknownHttpVersionIs400Envelope) {
  expect_envelope(exchange("GET /health HTTP/9.9\r\nHost: t\r\n\r\n"), 400,
                  "unsupported_http_version");
  expect_envelope(exchange("GET /health HTTP/2.0\r\nHost: t\r\n\r\n"), 400,
                  "unsupported_http_version");
  expect_envelope(exchange("GET health HTTP/1.1\r\nHost: t\r\n\r\n"), 400, "bad_request");
  expect_envelope(exchange("GET /health HTTP/1.1\nHost: t\n\n"), 400, "bad_request");
}

TEST_F(HttpFramingTest, MegabyteQueryStringIsAnsweredFastWith414) {
  std::string query;
  while (query.size() < (1u << 20)) query += "from=2026-01-01&";
  auto start = Clock::now();
  auto r = exchange("GET /metrics/kpi?" + query + " HTTP/1.1\r\nHost: t\r\n\r\n");
  expect_envelope(r, 414, "uri_too_long");
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(kReplyGuardMs));
}

TEST_F(HttpFramingTest, ThreePipelinedGetsGetThreeAnswersInOrder) {
  RawClient client(server_->port());
  std::string raw;
  for (const char* id : {"pipe-1", "pipe-2", "pipe-3"})
    raw += std::string("GET /health HTTP/1.1\r\nHost: t\r\nX-Request-ID: ") + id + "\r\n\r\n";
  client.send(raw);
  for (const char* id : {"pipe-1", "pipe-2", "pipe-3"}) {
    auto r = client.read_response();
    ASSERT_EQ(r.status, 200) << id;
    EXPECT_EQ(r.headers["x-request-id"], id);
  }
}

TEST_F(HttpFramingTest, PipelinedGetAndPostStoreTheBatch) {
  RawClient client(server_->port());
  std::string body = batch_of("pipelined-1");
  client.send(
      "GET /health HTTP/1.1\r\nHost: t\r\n\r\nPOST /analytics/process/batch HTTP/1.1\r\nHost: t\r\n"
      "Content-Type: application/json\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body);
  EXPECT_EQ(client.read_response().status, 200);
  auto post = client.read_response();
  ASSERT_EQ(post.status, 200) << post.body;
  EXPECT_EQ(post.json()["accepted"], 1) << post.body;
  // Stored: the same event again is a duplicate.
  auto again = server_->request("POST", "/analytics/process/batch", body,
                                {{"Content-Type", "application/json"}});
  EXPECT_EQ(again.json()["duplicates"], 1) << again.body;
}

TEST_F(HttpFramingTest, ConnectionCloseEndsTheSocketRightAfterTheAnswer) {
  RawClient client(server_->port());
  client.send(
      "GET /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\nGET /health HTTP/1.1\r\nHost: "
      "t\r\n\r\n");
  auto r = client.read_response();
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["connection"], "Close");
  long eof_ms = client.ms_until_eof();  // the second request is never answered
  EXPECT_GE(eof_ms, 0) << "the socket stayed open";
  EXPECT_LT(eof_ms, 1000);
}

TEST_F(HttpFramingTest, Http10ClosesAfterTheAnswer) {
  RawClient client(server_->port());
  client.send("GET /health HTTP/1.0\r\n\r\n");
  auto r = client.read_response();
  ASSERT_EQ(r.status, 200);
  long eof_ms = client.ms_until_eof();
  EXPECT_GE(eof_ms, 0) << "the socket stayed open";
  EXPECT_LT(eof_ms, 1000);
}

TEST_F(HttpFramingTest, KeepAliveWithoutConnectionHeaderServesManyRequests) {
  RawClient client(server_->port());
  for (int i = 0; i < 5; ++i) {
    client.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n");
    auto r = client.read_response();
    ASSERT_EQ(r.status, 200) << i;
    EXPECT_EQ(r.headers["connection"], "Keep-Alive");
  }
}

TEST_F(HttpFramingTest, FramingErrorClosesTheConnection) {
  RawClient client(server_->port());
  client.send("GET /health HTTP/1.1\r\nContent-Length: -1\r\n\r\nGET /health HTTP/1.1\r\n\r\n");
  expect_envelope(client.read_response(), 400);
  EXPECT_GE(client.ms_until_eof(), 0);
}

TEST_F(HttpFramingTest, ExpectContinueGets100BeforeTheBody) {
  RawClient client(server_->port());
  client.send(
      "POST /analytics/process/batch HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
      "Content-Length: 14\r\nExpect: 100-continue\r\n\r\n");
  auto interim = client.read_response();
  EXPECT_EQ(interim.status, 100);
  client.send("{\"events\": []}");
  EXPECT_EQ(client.read_response().status, 200);
}

}  // namespace
}  // namespace zaplify::testing
