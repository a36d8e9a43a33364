// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The daemon's routing, credentials at start, metrics and access log, with
// requests handed to Daemon::Handle directly (no sockets).

#include "lrs/daemon/daemon.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "lrs/json/json.h"
#include "tests/daemon/daemon_util.h"

namespace lrs::daemon {
namespace {

using testing::BasicAuth;
using testing::MakeRequest;
using testing::TestDaemon;

TEST_CASE("Daemon: first start creates one development credential", "[daemon]") {
  TestDaemon t;
  REQUIRE(t.daemon->dev_credential().has_value());
  const auth::CredentialInfo dev = *t.daemon->dev_credential();
  CHECK(dev.store == "default");
  CHECK(dev.scopes == auth::kAll);
  CHECK(dev.secret.size() == 43);
  CHECK(t.Log().find(dev.secret) == std::string::npos);  // logged without its secret
  CHECK(t.Log().find(dev.key) != std::string::npos);
  t.daemon.reset();
  t.Open();  // second start: the credential exists
  CHECK_FALSE(t.daemon->dev_credential().has_value());
  std::vector<auth::CredentialInfo> list;
  REQUIRE(t.daemon->registry()->ListCredentials("", &list).ok());
  CHECK(list.size() == 1);
}

TEST_CASE("Daemon: LRS_BOOTSTRAP_CREDENTIAL creates that credential once", "[daemon]") {
  Config c;
  c.bootstrap_credential = "ci-key:ci-secret-123";
  TestDaemon t(c);
  CHECK_FALSE(t.daemon->dev_credential().has_value());
  auth::Principal who;
  REQUIRE(t.daemon->registry()->Authenticate(BasicAuth("ci-key", "ci-secret-123"), &who).ok());
  CHECK(who.scopes == auth::kAll);
  CHECK(who.store == "default");
  t.daemon.reset();
  t.Open();  // idempotent
  std::vector<auth::CredentialInfo> list;
  REQUIRE(t.daemon->registry()->ListCredentials("", &list).ok());
  CHECK(list.size() == 1);
  CHECK(t.Log().find("ci-secret-123") == std::string::npos);

  t.daemon.reset();
  t.config.bootstrap_credential = "ci-key:another-secret";
  std::unique_ptr<Daemon> d;
  Status s = Daemon::Open(t.config, &d);
  CHECK(s.IsConflict());
  CHECK(s.message().find("another-secret") == std::string::npos);
}

TEST_CASE("Daemon: routing of health, unknown paths and metrics", "[daemon]") {
  TestDaemon t;
  auto req = MakeRequest("GET", "/health");
  http::Response r = t.daemon->Handle(req);
  CHECK(r.status == 200);
  CHECK(r.body == R"({"status":"ok"})");

  req = MakeRequest("GET", "/nope");
  r = t.daemon->Handle(req);
  CHECK(r.status == 404);
  json::Document d;
  REQUIRE(json::Parse(r.body, &d).ok());
  CHECK(json::StringOr(d["error"], "code") == "NotFound");
  CHECK(d["error"]["status"].GetInt() == 404);

  req = MakeRequest("GET", "/metrics");
  r = t.daemon->Handle(req);
  CHECK(r.status == 200);
  CHECK(r.headers.Get("Content-Type")->find("text/plain") == 0);
  CHECK(r.body.find("lrs_statements_stored{store=\"default\"} 0") != std::string::npos);

  req = MakeRequest("GET", "/metrics");
  req.remote = "192.0.2.7:4000";
  CHECK(t.daemon->Handle(req).status == 403);
  req.remote = "[::1]:4000";
  CHECK(t.daemon->Handle(req).status == 200);
}

TEST_CASE("Daemon: xAPI requests need credentials, except preflight and about", "[daemon]") {
  TestDaemon t;
  const auto dev = *t.daemon->dev_credential();

  auto req = MakeRequest("GET", "/xapi/statements");
  req.headers.Set("X-Experience-API-Version", "2.0.0");
  http::Response r = t.daemon->Handle(req);
  CHECK(r.status == 401);
  CHECK(r.headers.Get("WWW-Authenticate") ==
        std::optional<std::string_view>("Basic realm=\"lrs\""));
  CHECK(r.headers.Get("Access-Control-Allow-Origin").has_value());

  req.headers.Set("Authorization", BasicAuth(dev.key, "wrong-secret"));
  r = t.daemon->Handle(req);
  CHECK(r.status == 401);
  CHECK(r.body.find("wrong-secret") == std::string::npos);

  req = MakeRequest("OPTIONS", "/xapi/statements");
  req.headers.Set("Origin", "https://content.example.com");
  req.headers.Set("Access-Control-Request-Method", "POST");
  r = t.daemon->Handle(req);
  CHECK(r.status / 100 == 2);
  CHECK(r.headers.Get("Access-Control-Allow-Origin") ==
        std::optional<std::string_view>("https://content.example.com"));

  req = MakeRequest("GET", "/xapi/about");
  r = t.daemon->Handle(req);
  CHECK(r.status == 200);
  CHECK(r.body.find("version") != std::string::npos);
}

TEST_CASE("Daemon: a statement stored and read back through Handle", "[daemon]") {
  TestDaemon t;
  const auto dev = *t.daemon->dev_credential();
  auto post = MakeRequest("POST", "/xapi/statements", "", testing::kStatement);
  post.headers.Set("Authorization", BasicAuth(dev.key, dev.secret));
  post.headers.Set("X-Experience-API-Version", "2.0.0");
  post.headers.Set("Content-Type", "application/json");
  http::Response r = t.daemon->Handle(post);
  INFO(r.body);
  REQUIRE(r.status == 200);
  http::Exchange ex{&post, &r, std::chrono::microseconds(1234)};
  t.daemon->Observe(ex);

  auto get = MakeRequest("GET", "/xapi/statements");
  get.headers.Set("Authorization", BasicAuth(dev.key, dev.secret));
  get.headers.Set("X-Experience-API-Version", "2.0.0");
  r = t.daemon->Handle(get);
  REQUIRE(r.status == 200);
  CHECK(r.body.find("http://example.com/course/1") != std::string::npos);
  CHECK(r.body.find(dev.key) != std::string::npos);  // the authority names the credential
  CHECK(r.body.find("http://localhost/lrs/credentials") != std::string::npos);

  const std::string metrics = t.daemon->MetricsText();
  CHECK(metrics.find("lrs_statements_stored{store=\"default\"} 1") != std::string::npos);
  CHECK(metrics.find(
            "lrs_http_requests_total{route=\"statements\",method=\"POST\",status=\"200\"} 1") !=
        std::string::npos);

  // The access line names store and key, never the secret or the header.
  const std::string log = t.Log();
  CHECK(log.find("\"msg\":\"access\"") != std::string::npos);
  CHECK(log.find("\"route\":\"statements\"") != std::string::npos);
  CHECK(log.find("\"duration_us\":1234") != std::string::npos);
  CHECK(log.find("\"key\":\"" + dev.key + "\"") != std::string::npos);
  CHECK(log.find(dev.secret) == std::string::npos);
  CHECK(log.find("Basic ") == std::string::npos);
}

TEST_CASE("Daemon: credentials of another store reach only that store", "[daemon]") {
  TestDaemon t;
  REQUIRE(t.daemon->registry()->AddStore("acme").ok());
  auth::NewCredential nc;
  nc.store = "acme";
  auth::CredentialInfo acme;
  REQUIRE(t.daemon->registry()->AddCredential(nc, &acme).ok());
  const auto dev = *t.daemon->dev_credential();

  auto post = MakeRequest("POST", "/xapi/statements", "", testing::kStatement);
  post.headers.Set("Authorization", BasicAuth(acme.key, acme.secret));
  post.headers.Set("X-Experience-API-Version", "2.0.0");
  post.headers.Set("Content-Type", "application/json");
  REQUIRE(t.daemon->Handle(post).status == 200);

  auto get = MakeRequest("GET", "/xapi/statements");
  get.headers.Set("X-Experience-API-Version", "2.0.0");
  get.headers.Set("Authorization", BasicAuth(dev.key, dev.secret));
  http::Response r = t.daemon->Handle(get);
  REQUIRE(r.status == 200);
  CHECK(r.body.find("course/1") == std::string::npos);  // default store: empty
  get.headers.Set("Authorization", BasicAuth(acme.key, acme.secret));
  r = t.daemon->Handle(get);
  REQUIRE(r.status == 200);
  CHECK(r.body.find("course/1") != std::string::npos);
  CHECK(t.daemon->MetricsText().find("lrs_statements_stored{store=\"acme\"} 1") !=
        std::string::npos);

  // Revocation takes effect on the next request.
  REQUIRE(t.daemon->registry()->RevokeCredential(acme.key).ok());
  CHECK(t.daemon->Handle(get).status == 401);
}

TEST_CASE("Daemon: concurrent requests open a store once", "[daemon]") {
  TestDaemon t;
  REQUIRE(t.daemon->registry()->AddStore("busy").ok());
  auth::NewCredential nc;
  nc.store = "busy";
  auth::CredentialInfo c;
  REQUIRE(t.daemon->registry()->AddCredential(nc, &c).ok());
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int k = 0; k < 5; ++k) {
        auto post = MakeRequest("POST", "/xapi/statements", "", testing::kStatement);
        post.headers.Set("Authorization", BasicAuth(c.key, c.secret));
        post.headers.Set("X-Experience-API-Version", "2.0.0");
        post.headers.Set("Content-Type", "application/json");
        http::Response r = t.daemon->Handle(post);
        http::Exchange ex{&post, &r, std::chrono::microseconds(10)};
        t.daemon->Observe(ex);
        if (r.status == 200) ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(ok == 20);
  CHECK(t.daemon->MetricsText().find("lrs_statements_stored{store=\"busy\"} 20") !=
        std::string::npos);
}

}  // namespace
}  // namespace lrs::daemon
