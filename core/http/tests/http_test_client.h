#pragma once
// A tiny blocking HTTP/1.1 client over loopback, for the server tests (no client library, so the
// tests see exactly what goes over the wire).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>

namespace zaplify::core::testing {

struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  ///< Lower-cased names.
  std::string body;
  std::string header(const std::string& n) const {
    auto it = headers.find(n);
    return it == headers.end() ? std::string() : it->second;
  }
};

class TestConnection {
 public:
  explicit TestConnection(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{30, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      throw std::runtime_error("connect failed");
  }
  ~TestConnection() { ::close(fd_); }
  TestConnection(const TestConnection&) = delete;
  TestConnection& operator=(const TestConnection&) = delete;

  void send_all(const std::string& data) {
    std::size_t off = 0;
    while (off < data.size()) {
      ssize_t n = ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error("send failed");
      off += static_cast<std::size_t>(n);
    }
  }

  /// Sends one request; `extra` holds raw header lines ending in CRLF.
  RawResponse request(const std::string& method, const std::string& target,
                      const std::string& extra = {}, const std::string& body = {}) {
    std::string req = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n" + extra;
    if (!body.empty() || method == "POST")
      req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    req += "\r\n" + body;
    send_all(req);
    return read_response();
  }

  RawResponse read_response() {
    std::size_t header_end;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos)
      if (!fill()) throw std::runtime_error("connection closed before headers");
    RawResponse r;
    std::string head = buffer_.substr(0, header_end);
    buffer_.erase(0, header_end + 4);
    std::size_t line_end = head.find("\r\n");
    std::string status_line = head.substr(0, line_end);
    r.status = std::stoi(status_line.substr(status_line.find(' ') + 1, 3));
    std::size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      std::size_t e = head.find("\r\n", pos);
      if (e == std::string::npos) e = head.size();
      std::string line = head.substr(pos, e - pos);
      std::size_t colon = line.find(':');
      std::string name = line.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(), ::tolower);
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      r.headers[name] = value;
      pos = e + 2;
    }
    if (r.headers.count("content-length")) {
      std::size_t len = std::stoull(r.headers["content-length"]);
      while (buffer_.size() < len)
        if (!fill()) throw std::runtime_error("connection closed mid-body");
      r.body = buffer_.substr(0, len);
      buffer_.erase(0, len);
    } else if (r.header("transfer-encoding") == "chunked") {
      read_chunked(r.body);
    } else {
      while (fill()) {
      }
      r.body.swap(buffer_);
    }
    return r;
  }

  /// True when the server has closed the connection (reads EOF within the socket timeout).
  bool closed_by_peer() {
    timeval tv{2, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char c;
    return ::recv(fd_, &c, 1, 0) == 0;
  }

 private:
  bool fill() {
    char chunk[65536];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }
  void read_chunked(std::string& out) {
    for (;;) {
      std::size_t e;
      while ((e = buffer_.find("\r\n")) == std::string::npos)
        if (!fill()) throw std::runtime_error("closed in chunk header");
      std::size_t len = std::stoull(buffer_.substr(0, e), nullptr, 16);
      buffer_.erase(0, e + 2);
      while (buffer_.size() < len + 2)
        if (!fill()) throw std::runtime_error("closed in chunk");
      out.append(buffer_, 0, len);
      buffer_.erase(0, len + 2);
      if (len == 0) return;
    }
  }
  int fd_ = -1;
  std::string buffer_;
};

}  // namespace zaplify::core::testing
