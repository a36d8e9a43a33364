// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Test helpers for lrs/http: a blocking raw-socket HTTP/1.1 client with
// poll() timeouts (so a misbehaving server fails a test instead of hanging
// it), a minimal response reader, and a server started on 127.0.0.1:0.

#ifndef LRS_TESTS_HTTP_HTTP_TEST_UTIL_H_
#define LRS_TESTS_HTTP_HTTP_TEST_UTIL_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include "lrs/http/message.h"
#include "lrs/http/server.h"

namespace lrs::http::testing {

using Ms = std::chrono::milliseconds;

struct ClientResponse {
  int status = 0;
  Headers headers;
  std::string body;
};

class RawClient {
 public:
  explicit RawClient(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      connect_errno_ = errno;
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~RawClient() { Close(); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  int connect_errno() const { return connect_errno_; }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  bool Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Reads one response (Content-Length framing; `head`: no body expected).
  // Returns false on timeout, EOF or garbage.
  bool Read(ClientResponse* out, bool head = false, Ms timeout = Ms(5000)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::size_t end;
    while ((end = pending_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill(deadline)) return false;
    }
    std::string_view block(pending_.data(), end);
    std::size_t line_end = block.find("\r\n");
    std::string_view status_line = block.substr(0, line_end);
    if (status_line.size() < 12 || status_line.substr(0, 5) != "HTTP/") return false;
    *out = ClientResponse();
    out->status = std::stoi(std::string(status_line.substr(9, 3)));
    std::size_t pos = line_end == std::string_view::npos ? block.size() : line_end + 2;
    while (pos < block.size()) {
      std::size_t eol = block.find("\r\n", pos);
      if (eol == std::string_view::npos) eol = block.size();
      std::string_view line = block.substr(pos, eol - pos);
      std::size_t colon = line.find(':');
      if (colon == std::string_view::npos) return false;
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      out->headers.Add(line.substr(0, colon), value);
      pos = eol + 2;
    }
    pending_.erase(0, end + 4);
    std::size_t length = 0;
    if (auto cl = out->headers.Get("Content-Length"); cl && !head) {
      length = std::stoul(std::string(*cl));
    }
    while (pending_.size() < length) {
      if (!Fill(deadline)) return false;
    }
    out->body = pending_.substr(0, length);
    pending_.erase(0, length);
    return true;
  }

  // True iff the server closes the connection (EOF or reset) within
  // `timeout`; bytes received meanwhile are appended to *data if given.
  bool WaitClosed(Ms timeout, std::string* data = nullptr) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      int r = WaitReadable(deadline);
      if (r <= 0) return false;  // timeout
      char buf[4096];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return true;
      if (data != nullptr) data->append(buf, static_cast<std::size_t>(n));
    }
  }

  const std::string& pending() const { return pending_; }

 private:
  int WaitReadable(std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<Ms>(deadline - std::chrono::steady_clock::now());
    if (left.count() < 0) return 0;
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(left.count()));
  }
  bool Fill(std::chrono::steady_clock::time_point deadline) {
    if (WaitReadable(deadline) <= 0) return false;
    char buf[16384];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    pending_.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  int connect_errno_ = 0;
  std::string pending_;
};

// One request on a fresh connection.
inline bool Fetch(std::uint16_t port, std::string_view raw, ClientResponse* out) {
  RawClient c(port);
  return c.connected() && c.Send(raw) && c.Read(out);
}

// Options for tests: loopback, port 0, few threads. Every handler runs on
// the worker pool (tests of inline reads turn inline_reads back on).
inline ServerOptions TestOptions() {
  ServerOptions o;
  o.listen = "127.0.0.1:0";
  o.io_threads = 1;
  o.worker_threads = 4;
  o.inline_reads = false;
  return o;
}

// Echoes the request: "METHOD PATH?QUERY|BODY", and X-Echo-Host = Host.
inline Response EchoHandler(Request& req) {
  Response resp;
  resp.headers.Set("Content-Type", "text/plain");
  if (auto host = req.headers.Get("host")) resp.headers.Set("X-Echo-Host", *host);
  resp.body = req.method + " " + req.path + "?" + req.query + "|" + req.body;
  return resp;
}

// Starts a server or fails the test (with the Status as context).
inline std::unique_ptr<Server> StartOrFail(const ServerOptions& o, Handler h = EchoHandler,
                                           Observer obs = nullptr) {
  std::unique_ptr<Server> server;
  Status s = Server::Start(o, std::move(h), std::move(obs), &server);
  INFO(s.ToString());
  REQUIRE(s.ok());
  REQUIRE(server->port() != 0);
  return server;
}

}  // namespace lrs::http::testing

#endif  // LRS_TESTS_HTTP_HTTP_TEST_UTIL_H_
