// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// End to end: the daemon on 127.0.0.1 port 0 with a temporary data
// directory, driven over real sockets by a tiny HTTP/1.1 client; and
// Serve() (what `lrs serve` runs) stopped by SIGTERM.

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <catch2/catch.hpp>
#include <csignal>
#include <mutex>
#include <regex>
#include <streambuf>
#include <thread>

#include "lrs/daemon/cli.h"
#include "tests/daemon/daemon_util.h"

namespace lrs::daemon {
namespace {

using testing::BasicAuth;
using testing::TestDaemon;

struct Reply {
  int status = 0;
  std::string head;
  std::string body;
};

// Sends one request on a new connection ("Connection: close") and reads the
// reply to the end.
Reply Send(std::uint16_t port, const std::string& method, const std::string& target,
           const std::vector<std::pair<std::string, std::string>>& headers = {},
           const std::string& body = "") {
  namespace net = boost::asio;
  net::io_context io;
  net::ip::tcp::socket sock(io);
  sock.connect({net::ip::address_v4::loopback(), port});
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
  req += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  net::write(sock, net::buffer(req));
  std::string data;
  boost::system::error_code ec;
  char buf[4096];
  for (;;) {
    std::size_t n = sock.read_some(net::buffer(buf), ec);
    data.append(buf, n);
    if (ec) break;
  }
  Reply r;
  std::size_t end = data.find("\r\n\r\n");
  if (end == std::string::npos || data.size() < 12) return r;
  r.status = std::stoi(data.substr(9, 3));
  r.head = data.substr(0, end);
  r.body = data.substr(end + 4);
  return r;
}

TEST_CASE("Serve over sockets: health, 401, statements, metrics", "[daemon][e2e]") {
  TestDaemon t;
  REQUIRE(t.daemon->Start().ok());
  const std::uint16_t port = t.daemon->port();
  REQUIRE(port != 0);
  CHECK(t.daemon->Endpoint() == "http://127.0.0.1:" + std::to_string(port) + "/xapi/");
  const auto dev = *t.daemon->dev_credential();

  Reply r = Send(port, "GET", "/health");
  CHECK(r.status == 200);
  CHECK(r.body == R"({"status":"ok"})");

  r = Send(port, "GET", "/xapi/statements", {{"X-Experience-API-Version", "2.0.0"}});
  CHECK(r.status == 401);
  CHECK(r.head.find("WWW-Authenticate: Basic realm=\"lrs\"") != std::string::npos);

  const std::string auth = BasicAuth(dev.key, dev.secret);
  r = Send(port, "POST", "/xapi/statements",
           {{"Authorization", auth},
            {"X-Experience-API-Version", "2.0.0"},
            {"Content-Type", "application/json"}},
           testing::kStatement);
  INFO(r.body);
  REQUIRE(r.status == 200);
  const std::string id = r.body.substr(2, 36);  // ["<uuid>"]

  r = Send(port, "GET", "/xapi/statements?statementId=" + id,
           {{"Authorization", auth}, {"X-Experience-API-Version", "2.0.0"}});
  REQUIRE(r.status == 200);
  CHECK(r.body.find(id) != std::string::npos);

  r = Send(port, "GET", "/metrics");
  CHECK(r.status == 200);
  CHECK(r.body.find("lrs_statements_stored{store=\"default\"} 1") != std::string::npos);
  CHECK(r.body.find(
            "lrs_http_requests_total{route=\"statements\",method=\"POST\",status=\"200\"} 1") !=
        std::string::npos);

  t.daemon->Stop(std::chrono::milliseconds(2000));
  const std::string log = t.Log();
  CHECK(log.find(dev.secret) == std::string::npos);
  CHECK(log.find("\"route\":\"health\"") != std::string::npos);
}

// A streambuf that may be written by one thread and read by another.
class SharedBuf : public std::streambuf {
 public:
  std::string str() {
    std::lock_guard<std::mutex> lock(mu_);
    return text_;
  }

 protected:
  int_type overflow(int_type c) override {
    if (c != traits_type::eof()) {
      std::lock_guard<std::mutex> lock(mu_);
      text_.push_back(static_cast<char>(c));
    }
    return c;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    std::lock_guard<std::mutex> lock(mu_);
    text_.append(s, static_cast<std::size_t>(n));
    return n;
  }

 private:
  std::mutex mu_;
  std::string text_;
};

TEST_CASE("Serve prints the listening line and stops on SIGTERM", "[daemon][e2e]") {
  lrs::testing::TempDir dir;
  Config c;
  c.data_dir = dir.path() + "/data";
  c.server.listen = "127.0.0.1:0";
  c.server.worker_threads = 2;
  c.log.file = dir.path() + "/lrs.log";
  c.store.sync = false;
  SharedBuf out_buf, err_buf;
  std::ostream out(&out_buf), err(&err_buf);
  int rc = -1;
  std::thread server([&] { rc = Serve(c, out, err); });

  std::smatch m;
  const std::regex listening(R"(lrs: listening on http://127\.0\.0\.1:([0-9]+)/xapi/\n)");
  std::string text;
  for (int i = 0; i < 500 && !std::regex_search(text, m, listening); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    text = out_buf.str();
  }
  REQUIRE(std::regex_search(text, m, listening));
  const auto port = static_cast<std::uint16_t>(std::stoi(m[1].str()));
  CHECK(text.find("lrs:   key:    ") != std::string::npos);
  CHECK(text.find("curl -u '") != std::string::npos);
  CHECK(text.find("http://127.0.0.1:" + m[1].str() + "/xapi/statements") != std::string::npos);
  CHECK(Send(port, "GET", "/health").status == 200);

  std::raise(SIGTERM);
  server.join();
  CHECK(rc == 0);
  INFO(err_buf.str());
  CHECK(testing::ReadFile(c.log.file).find("\"msg\":\"stopped\"") != std::string::npos);
}

}  // namespace
}  // namespace lrs::daemon
