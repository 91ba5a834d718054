#include "support/harness/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <string>
#include <thread>

#include <gtest/gtest.h>

namespace zaplify::testing {
namespace {

// Feeds `wire` in pieces of `step` bytes; returns whether the parser completed.
bool feed_in_steps(ResponseParser& p, const std::string& wire, std::size_t step) {
  bool done = false;
  for (std::size_t i = 0; i < wire.size() && !done; i += step)
    done = p.feed(wire.data() + i, std::min(step, wire.size() - i));
  return done;
}

TEST(ResponseParser, ContentLengthAtEverySplit) {
  const std::string wire =
      "HTTP/1.1 200 OK\r\nContent-Length: 11\r\nX-Cache: HIT\r\n\r\nhello world";
  for (std::size_t step = 1; step <= wire.size(); ++step) {
    ResponseParser p;
    ASSERT_TRUE(feed_in_steps(p, wire, step)) << "step " << step;
    EXPECT_EQ(p.response().status, 200);
    EXPECT_EQ(p.response().body, "hello world");
    EXPECT_EQ(p.response().header("x-cache"), "HIT");
    EXPECT_FALSE(p.connection_close());
  }
}

TEST(ResponseParser, ChunkedWithExtensionAndTrailerAtEverySplit) {
  const std::string wire =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;ext=1\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nX-Trailer: 1\r\n\r\n";
  for (std::size_t step = 1; step <= wire.size(); ++step) {
    ResponseParser p;
    ASSERT_TRUE(feed_in_steps(p, wire, step)) << "step " << step;
    EXPECT_EQ(p.response().body, "hello world") << "step " << step;
    EXPECT_TRUE(p.leftover().empty());
  }
}

TEST(ResponseParser, ChunkedBodyMayContainCrlf) {
  const std::string wire =
      "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n4\r\na\r\nb\r\n0\r\n\r\n";
  ResponseParser p;
  ASSERT_TRUE(p.feed(wire.data(), wire.size()));
  EXPECT_EQ(p.response().body, "a\r\nb");
}

TEST(ResponseParser, BodyUntilEofNeedsFinish) {
  const std::string wire = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nabc";
  ResponseParser p;
  EXPECT_FALSE(p.feed(wire.data(), wire.size()));
  EXPECT_TRUE(p.finish_on_eof());
  EXPECT_EQ(p.response().body, "abc");
  EXPECT_TRUE(p.connection_close());
}

TEST(ResponseParser, NoBodyFor204AndHead) {
  const std::string no_content = "HTTP/1.1 204 No Content\r\n\r\n";
  ResponseParser p;
  EXPECT_TRUE(p.feed(no_content.data(), no_content.size()));
  const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n";
  ResponseParser h(true);
  EXPECT_TRUE(h.feed(head.data(), head.size()));
  EXPECT_TRUE(h.response().body.empty());
}

TEST(ResponseParser, KeepsBytesOfTheNextResponse) {
  const std::string wire = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 404";
  ResponseParser p;
  ASSERT_TRUE(p.feed(wire.data(), wire.size()));
  EXPECT_EQ(p.response().body, "ok");
  EXPECT_EQ(p.leftover(), "HTTP/1.1 404");
}

TEST(ResponseParser, Http10ClosesUnlessKeepAlive) {
  const std::string a = "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n";
  ResponseParser p;
  ASSERT_TRUE(p.feed(a.data(), a.size()));
  EXPECT_TRUE(p.connection_close());
  const std::string b = "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n";
  ResponseParser q;
  ASSERT_TRUE(q.feed(b.data(), b.size()));
  EXPECT_FALSE(q.connection_close());
}

TEST(ResponseParser, MalformedInputThrows) {
  const std::string bad_status = "SMTP 220 hello\r\n\r\n";
  ResponseParser p;
  EXPECT_THROW(p.feed(bad_status.data(), bad_status.size()), std::runtime_error);
  const std::string bad_chunk = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n";
  ResponseParser q;
  EXPECT_THROW(q.feed(bad_chunk.data(), bad_chunk.size()), std::runtime_error);
}

TEST(BaseUrl, Parses) {
  auto [host, port] = parse_base_url("http://127.0.0.1:8003/ignored");
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 8003);
  EXPECT_EQ(parse_base_url("http://localhost").second, 80);
  EXPECT_THROW(parse_base_url("https://x:1"), std::runtime_error);
}

// A one-connection-at-a-time loopback server: answers each request with its ordinal, closing
// after the third so the client must reconnect.
class TinyServer {
 public:
  TinyServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    ::listen(fd_, 4);
    thread_ = std::thread([this] { serve(); });
  }
  ~TinyServer() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::uint16_t port() const { return port_; }
  int accepted() const { return accepted_; }

 private:
  void serve() {
    int served = 0;
    for (;;) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      ++accepted_;
      std::string buf;
      char tmp[4096];
      for (;;) {
        auto end = buf.find("\r\n\r\n");
        if (end == std::string::npos) {
          ssize_t n = ::recv(c, tmp, sizeof tmp, 0);
          if (n <= 0) break;
          buf.append(tmp, static_cast<std::size_t>(n));
          continue;
        }
        buf.erase(0, end + 4);
        ++served;
        std::string body = std::to_string(served);
        bool close_now = served == 3;
        std::string resp = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) +
                           (close_now ? "\r\nConnection: close" : "") + "\r\n\r\n" + body;
        ::send(c, resp.data(), resp.size(), MSG_NOSIGNAL);
        if (close_now) break;
      }
      ::close(c);
    }
  }
  int fd_ = -1;
  std::uint16_t port_ = 0;
  int accepted_ = 0;
  std::thread thread_;
};

TEST(HttpConnection, ReusesTheConnectionAndReconnectsAfterClose) {
  TinyServer server;
  HttpConnection conn("127.0.0.1", server.port(), 5000);
  for (int i = 1; i <= 4; ++i) {
    auto r = conn.request("GET", "/x");
    ASSERT_EQ(r.status, 200) << r.error;
    EXPECT_EQ(r.body, std::to_string(i));
  }
  // Requests 1-3 on the first connection (closed by the server after 3), request 4 on a second.
  EXPECT_EQ(conn.connects(), 2);
}

TEST(HttpConnection, AddsJsonTypeAndLengthAndHonoursTheCallersHeaders) {
  // Reads one request and answers with its head, so the test sees exactly what was sent.
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  socklen_t len = sizeof a;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len);
  ::listen(listener, 1);
  std::thread echo([listener] {
    int c = ::accept(listener, nullptr, nullptr);
    std::string head;
    char tmp[4096];
    while (head.find("\r\n\r\n") == std::string::npos) {
      ssize_t n = ::recv(c, tmp, sizeof tmp, 0);
      if (n <= 0) break;
      head.append(tmp, static_cast<std::size_t>(n));
    }
    std::string resp = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(head.size()) +
                       "\r\nConnection: close\r\n\r\n" + head;
    ::send(c, resp.data(), resp.size(), MSG_NOSIGNAL);
    ::close(c);
  });
  auto r = http_request(ntohs(a.sin_port), "POST", "/b", "{}", {{"X-Tenant-ID", "t1"}});
  echo.join();
  ::close(listener);
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_NE(r.body.find("POST /b HTTP/1.1\r\n"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("X-Tenant-ID: t1\r\n"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("Content-Type: application/json\r\n"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("Content-Length: 2\r\n"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("Connection: close\r\n"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("keep-alive"), std::string::npos) << r.body;
}

TEST(HttpResponse, JsonOfANonJsonBodyThrowsNamingTheStatus) {
  HttpResponse r;
  r.status = 502;
  r.body = "<html>bad gateway</html>";
  try {
    r.json();
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("502"), std::string::npos) << e.what();
  }
  r.body = R"({"a":1})";
  EXPECT_EQ(r.json()["a"], 1);
}

TEST(HttpConnection, RefusedConnectionGivesStatusZero) {
  std::uint16_t port;
  {
    TinyServer s;
    port = s.port();
  }
  HttpConnection conn("127.0.0.1", port, 1000);
  auto r = conn.request("GET", "/");
  EXPECT_EQ(r.status, 0);
  EXPECT_FALSE(r.error.empty());
}

}  // namespace
}  // namespace zaplify::testing
