// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// MockServer (sync_test_util.h): a small HTTP/1.1 server on plain sockets.
// A thread accepts; each connection has its own thread reading requests
// (request line, headers, a Content-Length body), running the filter and
// handler and writing the answer, until the peer closes, asks to close, or
// the server stops.

#include "tests/sync/sync_test_util.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <list>
#include <thread>

namespace lrs::sync::testing {
namespace {

constexpr std::size_t kMaxHeaderBytes = 64 << 10;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

const char* Reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 207:
      return "Multi-Status";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 413:
      return "Content Too Large";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Status";
  }
}

bool SendAllBytes(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

struct MockServer::Impl {
  struct Conn {
    int fd = -1;
    bool closed = false;  // GUARDED_BY(mu): fd closed by its thread
    std::atomic<bool> done{false};
    std::thread thread;
  };

  MockServer* server = nullptr;
  int listen_fd = -1;
  int wake[2] = {-1, -1};
  std::atomic<bool> stopping{false};
  std::thread acceptor;

  mutable std::mutex mu;
  std::list<Conn> conns;           // GUARDED_BY(mu)
  std::vector<Received> received;  // GUARDED_BY(mu)
  std::size_t count = 0;           // GUARDED_BY(mu)
  bool record = true;              // GUARDED_BY(mu)
  Filter filter;                   // GUARDED_BY(mu)

  void Accept() {
    for (;;) {
      pollfd p[2] = {{listen_fd, POLLIN, 0}, {wake[0], POLLIN, 0}};
      if (::poll(p, 2, -1) < 0 && errno != EINTR) return;
      if (stopping.load()) return;
      if (!(p[0].revents & POLLIN)) continue;
      // Close-on-exec: a process the test spawns must not hold (and so keep
      // open) the mock's connections.
      int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      std::lock_guard<std::mutex> l(mu);
      // Reap the threads of closed connections.
      for (auto it = conns.begin(); it != conns.end();) {
        if (it->done.load()) {
          it->thread.join();
          it = conns.erase(it);
        } else {
          ++it;
        }
      }
      Conn& c = conns.emplace_back();
      c.fd = fd;
      c.thread = std::thread([this, &c] {
        Serve(c.fd);
        {
          std::lock_guard<std::mutex> l2(mu);
          ::close(c.fd);
          c.closed = true;
        }
        c.done = true;
      });
    }
  }

  // Reads until `buf` holds `n` bytes. False on EOF, error or stop.
  bool ReadAtLeast(int fd, std::string* buf, std::size_t n) {
    char chunk[16384];
    while (buf->size() < n) {
      ssize_t got = ::recv(fd, chunk, sizeof chunk, 0);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0 || stopping.load()) return false;
      buf->append(chunk, static_cast<std::size_t>(got));
    }
    return true;
  }

  // Serves one connection's requests.
  void Serve(int fd) {
    std::string buf;
    for (;;) {
      std::size_t end;
      while ((end = buf.find("\r\n\r\n")) == std::string::npos) {
        if (buf.size() > kMaxHeaderBytes || !ReadAtLeast(fd, &buf, buf.size() + 1)) return;
      }
      Received r;
      bool close_after = false;
      std::size_t length = 0;
      {
        std::string_view head(buf.data(), end);
        std::size_t eol = head.find("\r\n");
        std::string_view line = head.substr(0, eol);
        std::size_t sp1 = line.find(' '), sp2 = line.rfind(' ');
        if (sp1 == std::string_view::npos || sp2 <= sp1) return;
        r.method = std::string(line.substr(0, sp1));
        std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
        close_after = line.substr(sp2 + 1) == "HTTP/1.0";
        std::size_t q = target.find('?');
        r.path = PercentDecode(target.substr(0, q));
        if (q != std::string_view::npos) r.query = std::string(target.substr(q + 1));
        head = eol == std::string_view::npos ? std::string_view() : head.substr(eol + 2);
        while (!head.empty()) {
          std::size_t e = head.find("\r\n");
          std::string_view h = head.substr(0, e);
          head = e == std::string_view::npos ? std::string_view() : head.substr(e + 2);
          std::size_t colon = h.find(':');
          if (colon == std::string_view::npos) continue;
          r.headers.Add(Trim(h.substr(0, colon)), Trim(h.substr(colon + 1)));
        }
        if (auto cl = r.headers.Get("Content-Length"))
          length = std::strtoull(std::string(*cl).c_str(), nullptr, 10);
        if (auto c = r.headers.Get("Connection"))
          close_after = close_after || http::EqualsIgnoreCase(*c, "close");
        if (r.headers.Get("Transfer-Encoding")) return;  // chunked bodies: not needed by the tests
        if (auto ex = r.headers.Get("Expect"); ex && http::EqualsIgnoreCase(*ex, "100-continue")) {
          if (!SendAllBytes(fd, "HTTP/1.1 100 Continue\r\n\r\n")) return;
        }
      }
      buf.erase(0, end + 4);
      if (!ReadAtLeast(fd, &buf, length)) return;
      r.body = buf.substr(0, length);
      buf.erase(0, length);

      Filter filter;
      {
        std::lock_guard<std::mutex> l(mu);
        ++count;
        if (record) received.push_back(r);
        filter = this->filter;
      }
      http::Response resp = filter ? filter(r, server->handler_) : server->handler_(r);
      if (resp.status == kReset) {
        linger lg{1, 0};  // close with RST: the peer sees a reset, no answer
        ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        return;
      }
      std::string out =
          "HTTP/1.1 " + std::to_string(resp.status) + " " + Reason(resp.status) + "\r\n";
      for (const auto& [k, v] : resp.headers.fields()) {
        if (http::EqualsIgnoreCase(k, "Content-Length")) continue;
        if (http::EqualsIgnoreCase(k, "Connection") && http::EqualsIgnoreCase(v, "close"))
          close_after = true;
        out += k + ": " + v + "\r\n";
      }
      const bool bodiless = resp.status == 204 || resp.status == 304 || resp.status < 200;
      if (!bodiless) out += "Content-Length: " + std::to_string(resp.body.size()) + "\r\n";
      if (close_after && !resp.headers.Get("Connection")) out += "Connection: close\r\n";
      out += "\r\n";
      if (!bodiless && r.method != "HEAD") out += resp.body;
      if (!SendAllBytes(fd, out) || close_after || stopping.load()) return;
    }
  }
};

MockServer::MockServer(Handler handler) : handler_(std::move(handler)), impl_(new Impl) {
  impl_->server = this;
  REQUIRE(::pipe2(impl_->wake, O_CLOEXEC) == 0);
  impl_->listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(impl_->listen_fd >= 0);
  int one = 1;
  ::setsockopt(impl_->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  REQUIRE(::bind(impl_->listen_fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(::listen(impl_->listen_fd, 128) == 0);
  socklen_t len = sizeof a;
  REQUIRE(::getsockname(impl_->listen_fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
  port_ = ntohs(a.sin_port);
  impl_->acceptor = std::thread([this] { impl_->Accept(); });
}

MockServer::~MockServer() {
  impl_->stopping = true;
  char x = 0;
  (void)!::write(impl_->wake[1], &x, 1);
  impl_->acceptor.join();
  ::close(impl_->listen_fd);
  {
    // Wake connection threads blocked in recv; a running handler finishes.
    std::lock_guard<std::mutex> l(impl_->mu);
    for (auto& c : impl_->conns)
      if (!c.closed) ::shutdown(c.fd, SHUT_RDWR);
  }
  for (auto& c : impl_->conns) c.thread.join();
  ::close(impl_->wake[0]);
  ::close(impl_->wake[1]);
}

std::vector<Received> MockServer::received() const {
  std::lock_guard<std::mutex> l(impl_->mu);
  return impl_->received;
}

std::size_t MockServer::count() const {
  std::lock_guard<std::mutex> l(impl_->mu);
  return impl_->count;
}

void MockServer::SetFilter(Filter filter) {
  std::lock_guard<std::mutex> l(impl_->mu);
  impl_->filter = std::move(filter);
}

void MockServer::set_record(bool on) {
  std::lock_guard<std::mutex> l(impl_->mu);
  impl_->record = on;
}

}  // namespace lrs::sync::testing
