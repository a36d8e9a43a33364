// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
#include "lrs/sync/transport.h"

#include <filesystem>
#include <thread>

#include "lrs/http/server.h"
#include "tests/support/test_util.h"
#include "tests/support/tls_util.h"
#include "tests/sync/sync_test_util.h"

namespace lrs::sync {
namespace {

using testing::MockServer;

TEST_CASE("curl transport sends requests concurrently and reads status, headers, body") {
  MockServer mock([](const testing::Received& r) {
    http::Response resp = testing::Json(r.path == "/missing" ? 404 : 200,
                                        "{\"echo\":\"" + r.body + "\"}");
    resp.headers.Set("X-Seen-Method", r.method);
    resp.headers.Set("Retry-After", "7");
    return resp;
  });
  auto t = NewCurlTransport();
  std::vector<HttpRequest> reqs(3);
  reqs[0].url = mock.url() + "/a";
  reqs[0].body = "one";
  reqs[0].headers = {{"Authorization", "Bearer x"}, {"Content-Type", "text/plain"}};
  reqs[1].method = "PUT";
  reqs[1].url = mock.url() + "/b";
  reqs[1].body = "two";
  reqs[2].method = "GET";
  reqs[2].url = mock.url() + "/missing";
  std::vector<HttpResponse> out;
  t->SendAll(reqs, &out);
  REQUIRE(out.size() == 3);
  CHECK(out[0].status == 200);
  CHECK(out[0].body == "{\"echo\":\"one\"}");
  CHECK(out[0].Header("x-seen-method") == "POST");
  CHECK(out[0].Header("RETRY-AFTER") == "7");
  CHECK(out[1].status == 200);
  CHECK(out[1].Header("X-Seen-Method") == "PUT");
  CHECK(out[2].status == 404);
  auto got = mock.received();
  REQUIRE(got.size() == 3);
  for (const auto& r : got) {
    if (r.path == "/a") {
      CHECK(r.headers.Get("Authorization").value_or("") == "Bearer x");
      CHECK(r.body == "one");
    }
  }
}

TEST_CASE("curl transport reports a refused connection as status 0 with an error") {
  auto t = NewCurlTransport();
  HttpRequest req;
  req.url = "http://127.0.0.1:1/nothing";
  req.timeout = std::chrono::milliseconds(2000);
  HttpResponse r = t->Send(req);
  CHECK(r.status == 0);
  CHECK_FALSE(r.error.empty());
}

TEST_CASE("curl transport times out a slow server") {
  MockServer mock([](const testing::Received&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    return testing::Json(200, "{}");
  });
  auto t = NewCurlTransport();
  HttpRequest req;
  req.url = mock.url() + "/slow";
  req.timeout = std::chrono::milliseconds(300);
  HttpResponse r = t->Send(req);
  CHECK(r.status == 0);
  CHECK_FALSE(r.error.empty());
}

// Issue [7/7] point 5: TLS verification on every outbound call.
TEST_CASE("curl transport verifies TLS peers and host names, always", "[ssrf][tls]") {
  lrs::testing::TempDir dir;
  std::filesystem::create_directories(dir.path());
  http::ServerOptions o;
  o.listen = "127.0.0.1:0";
  o.tls_cert_file = dir.path() + "/cert.pem";  // self-signed, CN=localhost
  o.tls_key_file = dir.path() + "/key.pem";
  REQUIRE(lrs::testing::MakeSelfSigned(o.tls_cert_file, o.tls_key_file));
  std::unique_ptr<http::Server> server;
  REQUIRE(http::Server::Start(
              o, [](http::Request&) { return testing::Json(200, "{}"); }, nullptr, &server)
              .ok());
  const std::string port = std::to_string(server->port());
  HttpRequest req;
  req.method = "GET";
  req.url = "https://localhost:" + port + "/x";
  req.timeout = std::chrono::milliseconds(5000);

  // A certificate no trusted CA signed: refused.
  HttpResponse r = NewCurlTransport()->Send(req);
  CHECK(r.status == 0);
  CHECK(r.error.find("certificate") != std::string::npos);

  // Trusted (its own CA file): accepted, for the name it carries only.
  TransportOptions to;
  to.ca_file = o.tls_cert_file;
  auto trusting = NewCurlTransport(to);
  r = trusting->Send(req);
  CHECK(r.status == 200);
  req.url = "https://127.0.0.1:" + port + "/x";  // not the certificate's name
  r = trusting->Send(req);
  CHECK(r.status == 0);
  CHECK_FALSE(r.error.empty());
  server->Stop(std::chrono::milliseconds(500));
}

TEST_CASE("curl transport refuses non-HTTP schemes") {
  auto t = NewCurlTransport();
  HttpRequest req;
  req.url = "file:///etc/passwd";
  HttpResponse r = t->Send(req);
  CHECK(r.status == 0);
  CHECK(r.body.empty());
}

TEST_CASE("Retry-After is read as seconds or an HTTP date") {
  CHECK(ParseRetryAfter("120", 0) == std::chrono::milliseconds(120000));
  CHECK(ParseRetryAfter(" 3 ", 0) == std::chrono::milliseconds(3000));
  CHECK(ParseRetryAfter("soon", 0) == std::chrono::milliseconds(-1));
  CHECK(ParseRetryAfter("", 0) == std::chrono::milliseconds(-1));
  // Sun, 06 Nov 1994 08:49:37 GMT = 784111777 s.
  CHECK(ParseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", 784111770000) ==
        std::chrono::milliseconds(7000));
  CHECK(ParseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", 784111790000) ==
        std::chrono::milliseconds(0));
}

TEST_CASE("secrets resolve from the environment, a file or the setting, never echoed") {
  json::Document d;
  REQUIRE(json::Parse(R"({"token_env":"LRS_TEST_TOKEN_VAR","key":"inline","missing_env":"LRS_NOPE_NOT_SET"})", &d).ok());
  ::setenv("LRS_TEST_TOKEN_VAR", "s3cr3t", 1);
  std::string v;
  REQUIRE(ResolveSecret(d, "token", &v).ok());
  CHECK(v == "s3cr3t");
  REQUIRE(ResolveSecret(d, "key", &v).ok());
  CHECK(v == "inline");
  Status s = ResolveSecret(d, "missing", &v);
  CHECK(s.IsInvalidArgument());
  CHECK(s.message().find("LRS_NOPE_NOT_SET") != std::string::npos);
  s = ResolveSecret(d, "absent", &v);
  CHECK(s.IsInvalidArgument());
  CHECK_FALSE(HasSecret(d, "absent"));
  CHECK(HasSecret(d, "token"));
}

}  // namespace
}  // namespace lrs::sync
