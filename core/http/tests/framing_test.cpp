// The framing stage alone (http/framing.h): bytes in, a request or a refusal out.
#include <gtest/gtest.h>

#include <string>

#include "http/framing.h"

namespace zaplify::core {
namespace {

Frame frame(const std::string& raw, FramingLimits limits = {}) {
  return frame_request(raw, limits);
}

TEST(Framing, SimpleGetWithQueryAndHeaders) {
  std::string raw =
      "GET /metrics/kpi?from=a&to=b HTTP/1.1\r\nHost: x\r\nX-Tenant-ID:  acme \r\n\r\n";
  auto f = frame(raw + "GET");
  ASSERT_EQ(f.kind, Frame::Kind::Request);
  EXPECT_EQ(f.request.method, "GET");
  EXPECT_EQ(f.request.path, "/metrics/kpi");
  EXPECT_EQ(f.request.query, "from=a&to=b");
  EXPECT_EQ(f.request.headers.at("x-tenant-id"), "acme");
  EXPECT_TRUE(f.request.keep_alive);
  EXPECT_EQ(f.consumed, raw.size());
}

TEST(Framing, IncompleteHeadOrBodyNeedsMore) {
  EXPECT_EQ(frame("GET / HTTP/1.1\r\nHost: x\r\n").kind, Frame::Kind::NeedMore);
  EXPECT_EQ(frame("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nabc").kind, Frame::Kind::NeedMore);
  EXPECT_EQ(frame("").kind, Frame::Kind::NeedMore);
}

TEST(Framing, PipelinedRequestsAreFramedOneByOne) {
  std::string two = "POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET /b HTTP/1.1\r\n\r\n";
  auto first = frame(two);
  ASSERT_EQ(first.kind, Frame::Kind::Request);
  EXPECT_EQ(first.request.body, "abc");
  auto second = frame(two.substr(first.consumed));
  ASSERT_EQ(second.kind, Frame::Kind::Request);
  EXPECT_EQ(second.request.path, "/b");
}

TEST(Framing, ContentLengthMustBeOneNonNegativeDecimal) {
  for (const char* cl : {"-5", "-1", "+1", "1.0", "0x1", "", "1 1", "1,2", " ,1"}) {
    auto f = frame(std::string("POST / HTTP/1.1\r\nContent-Length: ") + cl + "\r\n\r\n");
    EXPECT_EQ(f.kind, Frame::Kind::Error) << cl;
    EXPECT_EQ(f.status, 400) << cl;
  }
  EXPECT_EQ(frame("POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc").status,
            400);
  auto same = frame("POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nab");
  EXPECT_EQ(same.kind, Frame::Kind::Request);  // identical copies are one value (RFC 9112 §6.3)
}

TEST(Framing, HugeContentLengthIs413WithoutOverflow) {
  FramingLimits limits;
  limits.max_body_bytes = 100;
  for (const char* cl :
       {"101", "18446744073709551615", "18446744073709551616", "999999999999999999999999999999"}) {
    auto f = frame(std::string("POST / HTTP/1.1\r\nContent-Length: ") + cl + "\r\n\r\n", limits);
    EXPECT_EQ(f.status, 413) << cl;
  }
  EXPECT_EQ(frame("POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\n", limits).kind,
            Frame::Kind::NeedMore);
}

TEST(Framing, ChunkedBodiesAreDecoded) {
  auto f = frame(
      "POST / HTTP/1.1\r\nTransfer-Encoding: "
      "Chunked\r\n\r\n3;x=y\r\nabc\r\nA\r\n0123456789\r\n0\r\nT: 1\r\n\r\nX");
  ASSERT_EQ(f.kind, Frame::Kind::Request);
  EXPECT_EQ(f.request.body, "abc0123456789");
  EXPECT_EQ(f.consumed,
            std::string("POST / HTTP/1.1\r\nTransfer-Encoding: "
                        "Chunked\r\n\r\n3;x=y\r\nabc\r\nA\r\n0123456789\r\n0\r\nT: 1\r\n\r\n")
                .size());
  EXPECT_EQ(frame("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab").kind,
            Frame::Kind::NeedMore);
}

TEST(Framing, MalformedChunkedBodiesAreRefusedAtOnce) {
  std::string head = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  EXPECT_EQ(frame(head + "{\"events\": []}").status, 400);  // not chunked at all
  EXPECT_EQ(frame(head + "3\r\nabcX").status, 400);         // data not followed by CRLF
  EXPECT_EQ(frame(head + "zz\r\n").status, 400);
  FramingLimits limits;
  limits.max_body_bytes = 10;
  EXPECT_EQ(frame(head + "B\r\n", limits).status, 413);
  EXPECT_EQ(frame(head + "FFFFFFFFFFFFFFFFFFFFFFFF\r\n", limits).status, 413);
}

TEST(Framing, TransferEncodingRules) {
  EXPECT_EQ(
      frame("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n").status,
      400);
  EXPECT_EQ(frame("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n").status, 501);
  EXPECT_EQ(frame("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n").status, 501);
  EXPECT_EQ(frame("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n").status, 400);
}

TEST(Framing, RequestLineAndHeaderSyntax) {
  EXPECT_EQ(frame("GET / HTTP/9.9\r\n\r\n").code, "unsupported_http_version");
  EXPECT_EQ(frame("GET / HTTP/9.9\r\nHost: incomplete").code,
            "unsupported_http_version");  // judged early
  EXPECT_EQ(frame("GET foo HTTP/1.1\r\n\r\n").status, 400);
  EXPECT_EQ(frame("G(T / HTTP/1.1\r\n\r\n").status, 400);
  EXPECT_EQ(frame("GET / HTTP/1.1\r\nBad Name: x\r\n\r\n").status, 400);
  EXPECT_EQ(frame("GET / HTTP/1.1\r\nName : x\r\n\r\n").status, 400);
  EXPECT_EQ(frame("GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n").status, 400);
  EXPECT_EQ(frame(std::string("GET / HTTP/1.1\r\nA: b") + '\0' + "c\r\n\r\n").status, 400);
  EXPECT_EQ(frame("GET / HTTP/1.1\nHost: x\n\n").status, 400);  // bare LF
  EXPECT_EQ(frame("\r\n\r\nGET / HTTP/1.1\r\n\r\n").kind,
            Frame::Kind::Request);  // leading empty lines
}

TEST(Framing, ErrorsKeepTheRequestIdForTheAnswer) {
  auto f = frame("GET / HTTP/1.1\r\nX-Request-ID: abc\r\nContent-Length: -1\r\n\r\n");
  EXPECT_EQ(f.status, 400);
  EXPECT_EQ(f.request.headers.at("x-request-id"), "abc");
  EXPECT_EQ(f.request.method, "GET");
}

TEST(Framing, SizeLimits) {
  FramingLimits limits;
  limits.max_target_bytes = 100;
  limits.max_head_bytes = 1000;
  EXPECT_EQ(frame("GET /" + std::string(200, 'a') + " HTTP/1.1\r\n\r\n", limits).status, 414);
  EXPECT_EQ(frame("GET /" + std::string(5000, 'a'), limits).status, 414);  // before the line ends
  EXPECT_EQ(frame("GET / HTTP/1.1\r\nA: " + std::string(2000, 'a'), limits).status, 431);
  std::string blank_lines;  // only empty lines: bounded like a head, not buffered forever
  for (int i = 0; i < 600; ++i) blank_lines += "\r\n";
  EXPECT_EQ(frame(blank_lines, limits).status, 431);
}

TEST(Framing, ChunkCountIsBounded) {
  std::string body;
  for (int i = 0; i < 70000; ++i) body += "1\r\na\r\n";
  auto f = frame("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + body);
  EXPECT_EQ(f.status, 413);
}

TEST(Framing, ConnectionAndExpect) {
  EXPECT_FALSE(frame("GET / HTTP/1.1\r\nConnection: Close\r\n\r\n").request.keep_alive);
  EXPECT_FALSE(frame("GET / HTTP/1.0\r\n\r\n").request.keep_alive);
  EXPECT_TRUE(frame("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").request.keep_alive);
  auto f = frame("POST / HTTP/1.1\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(f.kind, Frame::Kind::NeedMore);
  EXPECT_TRUE(f.expects_continue);
}

TEST(Framing, RepeatedHeadersAreJoined) {
  auto f = frame("GET / HTTP/1.1\r\nX-Tenant-ID: a\r\nX-Tenant-ID: b\r\n\r\n");
  EXPECT_EQ(f.request.headers.at("x-tenant-id"), "a, b");  // then refused as a malformed tenant
}

TEST(Framing, ResponseHeadNeverLetsAValueSplitIt) {
  std::string head =
      response_head(200, {{"X-A", "1"}, {"X-B", "bad\r\nInjected: 1"}, {"Bad Name", "x"}}, 5, true);
  EXPECT_EQ(head,
            "HTTP/1.1 200 OK\r\nX-A: 1\r\nContent-Length: 5\r\nConnection: Keep-Alive\r\n\r\n");
  EXPECT_NE(response_head(503, {}, 0, false).find("Connection: Close"), std::string::npos);
}

}  // namespace
}  // namespace zaplify::core
