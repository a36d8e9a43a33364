// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
#include "lrs/http/server.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <stdexcept>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/http/http_test_util.h"

namespace lrs::http {
namespace {

using testing::ClientResponse;
using testing::EchoHandler;
using testing::Fetch;
using testing::Ms;
using testing::RawClient;
using testing::StartOrFail;
using testing::TestOptions;

TEST_CASE("Server: echo of method, path, query, headers, body", "[http][server]") {
  std::string remote;
  auto server = StartOrFail(TestOptions(), [&](Request& req) {
    remote = req.remote;
    return EchoHandler(req);
  });
  ClientResponse resp;
  REQUIRE(Fetch(server->port(),
                "POST /xapi/statements?verb=x&limit=2 HTTP/1.1\r\nHOST: lrs.test\r\n"
                "Content-Length: 5\r\n\r\nhello",
                &resp));
  CHECK(resp.status == 200);
  CHECK(resp.body == "POST /xapi/statements?verb=x&limit=2|hello");
  CHECK(resp.headers.Get("x-echo-host") == "lrs.test");
  CHECK(resp.headers.Get("Content-Length") == "42");
  CHECK(resp.headers.Get("Content-Type") == "text/plain");
  CHECK(remote.rfind("127.0.0.1:", 0) == 0);

  // Chunked request body.
  REQUIRE(Fetch(server->port(),
                "PUT /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
                &resp));
  CHECK(resp.body == "PUT /c?|abcde");
  server->Stop(Ms(1000));
}

TEST_CASE("Server: keep-alive, pipelining, Connection: close, HTTP/1.0", "[http][server]") {
  auto server = StartOrFail(TestOptions(), EchoHandler);
  RawClient c(server->port());
  REQUIRE(c.connected());
  for (int i = 0; i < 5; ++i) {
    std::string body = "n" + std::to_string(i);
    REQUIRE(c.Send("POST /k HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) +
                   "\r\n\r\n" + body));
    ClientResponse resp;
    REQUIRE(c.Read(&resp));
    CHECK(resp.body == "POST /k?|" + body);
    CHECK_FALSE(resp.headers.Get("Connection").has_value());
  }
  // Two pipelined requests in one write: answered in order.
  REQUIRE(c.Send("GET /p1 HTTP/1.1\r\nHost: x\r\n\r\nGET /p2 HTTP/1.1\r\nHost: x\r\n\r\n"));
  ClientResponse r1, r2;
  REQUIRE(c.Read(&r1));
  REQUIRE(c.Read(&r2));
  CHECK(r1.body == "GET /p1?|");
  CHECK(r2.body == "GET /p2?|");
  // Connection: close is honoured.
  REQUIRE(c.Send("GET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  ClientResponse last;
  REQUIRE(c.Read(&last));
  CHECK(last.headers.Get("Connection") == "close");
  CHECK(c.WaitClosed(Ms(2000)));

  // HTTP/1.0: closes unless keep-alive is asked for.
  RawClient c10(server->port());
  REQUIRE(c10.Send("GET /old HTTP/1.0\r\n\r\n"));
  ClientResponse old;
  REQUIRE(c10.Read(&old));
  CHECK(old.body == "GET /old?|");
  CHECK(c10.WaitClosed(Ms(2000)));
  RawClient ka(server->port());
  REQUIRE(ka.Send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  REQUIRE(ka.Read(&old));
  CHECK(old.headers.Get("Connection") == "keep-alive");
  REQUIRE(ka.Send("GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  REQUIRE(ka.Read(&old));
  CHECK(old.body == "GET /b?|");
}

TEST_CASE("Server: percent-decoded path, raw query, bad escapes", "[http][server]") {
  auto server = StartOrFail(TestOptions(), EchoHandler);
  ClientResponse resp;
  REQUIRE(Fetch(server->port(), "GET /a%20b/%C3%A9?q=%20x+y HTTP/1.1\r\nHost: x\r\n\r\n", &resp));
  CHECK(resp.status == 200);
  CHECK(resp.body == "GET /a b/é?q=%20x+y|");
  for (const char* bad : {"/a%zz", "/a%2", "/a%00b"}) {
    REQUIRE(
        Fetch(server->port(), std::string("GET ") + bad + " HTTP/1.1\r\nHost: x\r\n\r\n", &resp));
    CHECK(resp.status == 400);
    CHECK(resp.headers.Get("Content-Type") == "application/json");
    CHECK(resp.body.find(R"("code":"InvalidArgument","status":400)") != std::string::npos);
  }
}

TEST_CASE("Server: HEAD keeps Content-Length and sends no body", "[http][server]") {
  auto server = StartOrFail(TestOptions(), [](Request& req) {
    Response resp;
    resp.body = "eleven char";
    if (req.path == "/empty") {  // a handler that knows only the length
      resp.body.clear();
      resp.headers.Set("Content-Length", "321");
    }
    return resp;
  });
  RawClient c(server->port());
  REQUIRE(c.Send("HEAD /x HTTP/1.1\r\nHost: x\r\n\r\n"));
  ClientResponse head;
  REQUIRE(c.Read(&head, /*head=*/true));
  CHECK(head.status == 200);
  CHECK(head.headers.Get("Content-Length") == "11");
  CHECK(head.body.empty());
  REQUIRE(c.Send("HEAD /empty HTTP/1.1\r\nHost: x\r\n\r\n"));
  REQUIRE(c.Read(&head, /*head=*/true));
  CHECK(head.headers.Get("Content-Length") == "321");
  // No body bytes were sent: the next response on the connection parses.
  REQUIRE(c.Send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n"));
  ClientResponse get;
  REQUIRE(c.Read(&get));
  CHECK(get.body == "eleven char");
  CHECK(c.pending().empty());
}

TEST_CASE("Server: Expect 100-continue", "[http][server]") {
  auto server = StartOrFail(TestOptions(), EchoHandler);
  RawClient c(server->port());
  REQUIRE(
      c.Send("PUT /e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n"));
  ClientResponse cont;
  REQUIRE(c.Read(&cont));
  CHECK(cont.status == 100);
  REQUIRE(c.Send("body"));
  ClientResponse resp;
  REQUIRE(c.Read(&resp));
  CHECK(resp.status == 200);
  CHECK(resp.body == "PUT /e?|body");
}

TEST_CASE("Server: handler exceptions become 500, observer sees each exchange", "[http][server]") {
  std::mutex mu;
  std::vector<std::string> log;
  auto server = StartOrFail(
      TestOptions(),
      [](Request& req) -> Response {
        if (req.path == "/throw") throw std::runtime_error("boom");
        return EchoHandler(req);
      },
      [&](const Exchange& ex) {
        std::lock_guard<std::mutex> lock(mu);
        log.push_back(ex.request->method + " " + ex.request->path + " " +
                      std::to_string(ex.response->status) +
                      (ex.duration.count() >= 0 ? "" : " negative"));
      });
  ClientResponse resp;
  REQUIRE(Fetch(server->port(), "GET /throw HTTP/1.1\r\nHost: x\r\n\r\n", &resp));
  CHECK(resp.status == 500);
  CHECK(resp.body.find(R"("code":"Internal")") != std::string::npos);
  CHECK(resp.body.find("boom") != std::string::npos);
  REQUIRE(Fetch(server->port(), "DELETE /ok HTTP/1.1\r\nHost: x\r\n\r\n", &resp));
  CHECK(resp.status == 200);
  REQUIRE(Fetch(server->port(), "GET /bad%zz?a HTTP/1.1\r\nHost: x\r\n\r\n", &resp));
  server->Stop(Ms(1000));
  std::lock_guard<std::mutex> lock(mu);
  std::sort(log.begin(), log.end());
  CHECK(log == std::vector<std::string>{"DELETE /ok 200", "GET /bad%zz?a 400", "GET /throw 500"});
}

TEST_CASE("Server: Start reports listen errors as Status", "[http][server]") {
  auto first = StartOrFail(TestOptions(), EchoHandler);
  ServerOptions o = TestOptions();
  o.listen = "127.0.0.1:" + std::to_string(first->port());
  std::unique_ptr<Server> second;
  Status s = Server::Start(o, EchoHandler, nullptr, &second);
  CHECK(s.code() == Status::Code::kIOError);
  CHECK(s.message().find("cannot listen on 127.0.0.1:") != std::string::npos);
  CHECK(second == nullptr);

  for (const char* bad :
       {"127.0.0.1", "127.0.0.1:99999", "127.0.0.1:x", "no.such.host.invalid:1"}) {
    o.listen = bad;
    CHECK(Server::Start(o, EchoHandler, nullptr, &second).code() == Status::Code::kInvalidArgument);
  }
  o.listen = "127.0.0.1:0";
  CHECK_FALSE(Server::Start(o, nullptr, nullptr, &second).ok());
}

TEST_CASE("Server: IPv6 listen address", "[http][server]") {
  ServerOptions o = TestOptions();
  o.listen = "[::1]:0";
  std::unique_ptr<Server> server;
  Status s = Server::Start(o, EchoHandler, nullptr, &server);
  if (!s.ok()) {
    WARN("no IPv6 loopback here: " << s.ToString());
    return;
  }
  CHECK(server->port() != 0);
}

}  // namespace
}  // namespace lrs::http
