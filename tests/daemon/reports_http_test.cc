// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// GET /reports/... in `lrs serve` (docs/reporting.md, "Access"): who may
// read which store's reports, the JSON answers, and 4xx errors that name
// the parameter. The figures themselves are tested in
// tests/core/reports_test.cc.

#include <catch2/catch.hpp>

#include <string>

#include "lrs/auth/registry.h"
#include "lrs/json/json.h"
#include "tests/daemon/daemon_util.h"

namespace lrs::daemon {
namespace {

using testing::BasicAuth;
using testing::MakeRequest;
using testing::TestDaemon;

std::string AddCredential(Daemon* d, const std::string& store, std::uint32_t scopes) {
  auth::NewCredential nc;
  nc.store = store;
  nc.label = "t";
  nc.scopes = scopes;
  auth::CredentialInfo info;
  REQUIRE(d->registry()->AddCredential(nc, &info).ok());
  return BasicAuth(info.key, info.secret);
}

http::Response Call(Daemon* d, const std::string& method, const std::string& path,
                    const std::string& query, const std::string& auth, std::string body = "") {
  http::Request r = MakeRequest(method, path, query, std::move(body));
  if (!auth.empty()) r.headers.Add("Authorization", auth);
  r.headers.Add("X-Experience-API-Version", "2.0.0");
  if (method == "POST") r.headers.Add("Content-Type", "application/json");
  return d->Handle(r);
}

TEST_CASE("reports over HTTP: scoped to the credential's store, JSON errors", "[daemon][reports]") {
  TestDaemon t;
  Daemon* d = t.daemon.get();
  REQUIRE(d->registry()->AddStore("other").ok());
  const std::string writer = AddCredential(d, "default", auth::kStatementsWrite);
  const std::string reader = AddCredential(d, "default", auth::kStatementsRead);
  const std::string mine = AddCredential(d, "default", auth::kStatementsReadMine);
  const std::string other = AddCredential(d, "other", auth::kAll);

  const std::string stmt =
      R"({"actor":{"mbox":"mailto:ana@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},)"
      R"("object":{"id":"http://example.com/m1"},"timestamp":"2026-11-20T09:00:00Z",)"
      R"("result":{"score":{"scaled":0.8}},"context":{"contextActivities":{"parent":[{"id":"http://example.com/c"}]}}})";
  REQUIRE(Call(d, "POST", "/xapi/statements", "", writer, stmt).status == 200);

  auto r = Call(d, "GET", "/reports/activity", "activity=http%3A%2F%2Fexample.com%2Fm1", reader);
  REQUIRE(r.status == 200);
  CHECK(r.headers.Get("Content-Type").value_or("").find("application/json") != std::string::npos);
  json::Document doc;
  REQUIRE(json::Parse(r.body, &doc).ok());
  CHECK(json::Member(doc, "learners")->GetInt() == 1);
  CHECK(json::Member(doc, "completed")->GetInt() == 1);

  r = Call(d, "GET", "/reports/statements", "by=day", reader);
  REQUIRE(r.status == 200);
  CHECK(r.body == R"({"by":"day","rows":[{"key":"2026-11-20","statements":1}]})");

  // Another store's credential sees its own (empty) store, and cannot ask
  // for this one.
  r = Call(d, "GET", "/reports/statements", "by=day", other);
  REQUIRE(r.status == 200);
  CHECK(r.body == R"({"by":"day","rows":[]})");
  CHECK(Call(d, "GET", "/reports/statements", "by=day&store=default", other).status == 403);

  // Who may not: no credential, a writer, a statements/read/mine reader.
  CHECK(Call(d, "GET", "/reports/statements", "by=day", "").status == 401);
  r = Call(d, "GET", "/reports/statements", "by=day", writer);
  CHECK(r.status == 403);
  CHECK(r.body.find("statements/read") != std::string::npos);
  CHECK(Call(d, "GET", "/reports/statements", "by=day", mine).status == 403);

  // Errors name the parameter.
  r = Call(d, "GET", "/reports/statements", "by=week", reader);
  CHECK(r.status == 400);
  CHECK(r.body.find("by: must be day, verb or activity") != std::string::npos);
  r = Call(d, "GET", "/reports/activity", "", reader);
  CHECK(r.status == 400);
  CHECK(r.body.find("activity: required") != std::string::npos);
  CHECK(Call(d, "GET", "/reports/nope", "", reader).status == 404);
  r = Call(d, "POST", "/reports/statements", "by=day", reader);
  CHECK(r.status == 405);
  CHECK(r.headers.Get("Allow").value_or("") == "GET, HEAD");
}

}  // namespace
}  // namespace lrs::daemon
