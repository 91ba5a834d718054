#include "support/harness/http_client.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace zaplify::testing {
namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t");
  auto e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

}  // namespace

std::string HttpResponse::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

nlohmann::json HttpResponse::json() const {
  auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_discarded())
    throw std::runtime_error("response body is not JSON (status " + std::to_string(status) +
                             (error.empty() ? "" : ", " + error) + "): " + body.substr(0, 500));
  return parsed;
}

bool ResponseParser::feed(const char* data, std::size_t n) {
  buf_.append(data, n);
  if (state_ == State::Head && !parse_head()) return false;
  return parse_body();
}

bool ResponseParser::finish_on_eof() {
  if (state_ != State::UntilEof) return state_ == State::Done;
  resp_.body += buf_;
  buf_.clear();
  state_ = State::Done;
  return true;
}

bool ResponseParser::parse_head() {
  auto end = buf_.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  std::string head = buf_.substr(0, end);
  buf_.erase(0, end + 4);
  auto line_end = head.find("\r\n");
  std::string status_line = head.substr(0, line_end);
  if (status_line.rfind("HTTP/1.", 0) != 0 || status_line.size() < 12)
    throw std::runtime_error("malformed status line: " + status_line.substr(0, 80));
  resp_.status = std::stoi(status_line.substr(9, 3));
  bool http10 = status_line.rfind("HTTP/1.0", 0) == 0;
  std::size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
  bool chunked = false;
  long long length = -1;
  bool keep_alive_header = false;
  while (pos < head.size()) {
    auto next = head.find("\r\n", pos);
    if (next == std::string::npos) next = head.size();
    std::string line = head.substr(pos, next - pos);
    pos = next + 2;
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = lower(trim(line.substr(0, colon)));
    std::string value = trim(line.substr(colon + 1));
    if (name == "content-length") length = std::stoll(value);
    if (name == "transfer-encoding" && lower(value).find("chunked") != std::string::npos)
      chunked = true;
    if (name == "connection") {
      close_ = lower(value).find("close") != std::string::npos;
      keep_alive_header = lower(value).find("keep-alive") != std::string::npos;
    }
    resp_.headers.emplace(name, value);
  }
  if (http10 && !keep_alive_header) close_ = true;
  bool no_body = head_ || resp_.status == 204 || resp_.status == 304 ||
                 (resp_.status >= 100 && resp_.status < 200);
  if (no_body)
    state_ = State::Done;
  else if (chunked)
    state_ = State::Chunked;
  else if (length >= 0) {
    state_ = State::Length;
    remaining_ = static_cast<std::size_t>(length);
    resp_.body.reserve(remaining_);
  } else {
    state_ = State::UntilEof;
    close_ = true;
  }
  return true;
}

bool ResponseParser::parse_body() {
  switch (state_) {
    case State::Done:
      return true;
    case State::Head:
      return false;
    case State::UntilEof:
      resp_.body += buf_;
      buf_.clear();
      return false;
    case State::Length: {
      std::size_t take = std::min(remaining_, buf_.size());
      resp_.body.append(buf_, 0, take);
      buf_.erase(0, take);
      remaining_ -= take;
      if (remaining_ == 0) state_ = State::Done;
      return state_ == State::Done;
    }
    case State::Chunked:
      return parse_chunked();
  }
  return false;
}

// remaining_ > 0: inside a chunk's data; == 0: at a size line. A size-0 chunk ends the body
// after its trailer section (an empty line).
bool ResponseParser::parse_chunked() {
  std::size_t pos = 0;
  bool done = false;
  while (!done) {
    if (remaining_ > 0) {
      std::size_t take = std::min(remaining_ - 2, buf_.size() - pos);  // data without CRLF
      if (remaining_ > 2) {
        resp_.body.append(buf_, pos, take);
        pos += take;
        remaining_ -= take;
        if (remaining_ > 2) break;
      }
      if (buf_.size() - pos < 2) break;
      if (buf_.compare(pos, 2, "\r\n") != 0) throw std::runtime_error("bad chunk terminator");
      pos += 2;
      remaining_ = 0;
      continue;
    }
    auto eol = buf_.find("\r\n", pos);
    if (eol == std::string::npos) break;
    std::string size_line = buf_.substr(pos, eol - pos);
    auto semi = size_line.find(';');
    if (semi != std::string::npos) size_line.resize(semi);
    size_line = trim(size_line);
    if (size_line.empty() ||
        size_line.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
      throw std::runtime_error("bad chunk size line");
    std::size_t size = std::stoull(size_line, nullptr, 16);
    if (size == 0) {
      // Trailers: skip header lines up to the empty line.
      auto p = eol + 2;
      for (;;) {
        auto e = buf_.find("\r\n", p);
        if (e == std::string::npos) {
          buf_.erase(0, pos);
          return false;  // wait for more; re-parse the size-0 line later
        }
        if (e == p) {
          pos = e + 2;
          done = true;
          break;
        }
        p = e + 2;
      }
      break;
    }
    pos = eol + 2;
    remaining_ = size + 2;
  }
  buf_.erase(0, pos);
  if (done) state_ = State::Done;
  return done;
}

std::pair<std::string, std::uint16_t> parse_base_url(const std::string& url) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0)
    throw std::runtime_error("only http:// URLs are supported: " + url);
  std::string rest = url.substr(scheme.size());
  rest = rest.substr(0, rest.find('/'));
  auto colon = rest.rfind(':');
  if (colon == std::string::npos) return {rest, 80};
  int port = std::stoi(rest.substr(colon + 1));
  if (port <= 0 || port > 65535) throw std::runtime_error("bad port in " + url);
  return {rest.substr(0, colon), static_cast<std::uint16_t>(port)};
}

HttpConnection::HttpConnection(std::string host, std::uint16_t port, int timeout_ms)
    : host_(std::move(host)), port_(port), timeout_ms_(timeout_ms) {}

HttpConnection::~HttpConnection() { close_socket(); }

void HttpConnection::close_socket() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void HttpConnection::open() {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  std::string port = std::to_string(port_);
  if (::getaddrinfo(host_.c_str(), port.c_str(), &hints, &res) != 0 || !res)
    throw std::runtime_error("cannot resolve " + host_);
  int fd = ::socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, res->ai_protocol);
  int rc = fd < 0 ? -1 : ::connect(fd, res->ai_addr, res->ai_addrlen);
  ::freeaddrinfo(res);
  if (rc != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("connect to " + host_ + ":" + port + ": " + std::strerror(errno));
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  fd_ = fd;
  ++connects_;
}

HttpResponse HttpConnection::request(const std::string& method, const std::string& target,
                                     const std::string& body, const Headers& headers) {
  std::string wire;
  wire.reserve(256 + body.size());
  wire +=
      method + " " + target + " HTTP/1.1\r\nHost: " + host_ + ":" + std::to_string(port_) + "\r\n";
  bool has_connection = false;
  bool has_type = false;
  for (const auto& [name, value] : headers) {
    wire += name + ": " + value + "\r\n";
    has_connection = has_connection || lower(name) == "connection";
    has_type = has_type || lower(name) == "content-type";
  }
  if (!has_connection) wire += "Connection: keep-alive\r\n";
  if (!body.empty() || method == "POST" || method == "PUT") {
    if (!has_type) wire += "Content-Type: application/json\r\n";
    wire += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  wire += "\r\n";
  wire += body;
  bool reused = fd_ >= 0;
  HttpResponse r = exchange(wire, method == "HEAD");
  // A kept-alive socket the server closed meanwhile fails on first use: retry once, fresh.
  if (r.status == 0 && reused) r = exchange(wire, method == "HEAD");
  return r;
}

HttpResponse HttpConnection::exchange(const std::string& wire, bool head) {
  HttpResponse failed;
  try {
    if (fd_ < 0) open();
    std::size_t sent = 0;
    while (sent < wire.size()) {
      ssize_t n = ::send(fd_, wire.data() + sent, wire.size() - sent, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw std::runtime_error(std::string("send: ") + std::strerror(errno));
      sent += static_cast<std::size_t>(n);
    }
    ResponseParser parser(head);
    std::vector<char> buf(1 << 16);
    for (;;) {
      pollfd p{fd_, POLLIN, 0};
      int pr = ::poll(&p, 1, timeout_ms_);
      if (pr == 0) throw std::runtime_error("timeout waiting for the response");
      if (pr < 0 && errno == EINTR) continue;
      ssize_t n = ::recv(fd_, buf.data(), buf.size(), 0);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw std::runtime_error(std::string("recv: ") + std::strerror(errno));
      if (n == 0) {
        if (parser.finish_on_eof()) {
          close_socket();
          return std::move(parser.response());
        }
        throw std::runtime_error("connection closed before the response was complete");
      }
      if (parser.feed(buf.data(), static_cast<std::size_t>(n))) {
        if (parser.connection_close()) close_socket();
        return std::move(parser.response());
      }
    }
  } catch (const std::exception& e) {
    close_socket();
    failed.error = e.what();
  }
  return failed;
}

HttpResponse http_request(std::uint16_t port, const std::string& method, const std::string& target,
                          const std::string& body, const Headers& headers, int timeout_ms) {
  HttpConnection connection("127.0.0.1", port, timeout_ms);
  Headers with_close = headers;
  with_close.emplace("Connection", "close");
  return connection.request(method, target, body, with_close);
}

std::string url_encode(const std::string& value) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

}  // namespace zaplify::testing
