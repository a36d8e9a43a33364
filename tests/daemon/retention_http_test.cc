// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Retention over HTTP (lrs/daemon/retention_http.cc): POST
// /admin/retention/purge and /admin/retention/erase (dry runs, then
// applied), GET /admin/audit with paging, who may call them, and the
// errors. The store's clock is a manual one, so stored times are exact.

#include <catch2/catch.hpp>

#include <atomic>
#include <cctype>
#include <string>
#include <vector>

#include "lrs/clock.h"
#include "lrs/common/time.h"
#include "lrs/json/json.h"
#include "tests/daemon/daemon_util.h"

namespace lrs::daemon {
namespace {

using testing::BasicAuth;
using testing::MakeRequest;
using testing::TestDaemon;

constexpr std::int64_t kT0 = 1700000000000;  // ms

class ManualClock : public Clock {
 public:
  std::int64_t NowMicros() override { return now_us; }
  std::atomic<std::int64_t> now_us{kT0 * 1000};
};

std::string Iso(std::int64_t ms) { return FormatIso8601Millis(ms * 1000); }

// Percent-encodes a query parameter value.
std::string Enc(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

json::Document Parse(const std::string& body) {
  json::Document d;
  INFO(body);
  REQUIRE(json::Parse(body, &d).ok());
  return d;
}

std::string FieldOf(const http::Response& r) {
  json::Document d = Parse(r.body);
  return std::string(json::StringOr(d["error"], "field"));
}

struct Fixture {
  Fixture() : t(Configured()) {
    REQUIRE(t.daemon->Start().ok());
    const auto dev = *t.daemon->dev_credential();
    xapi = BasicAuth(dev.key, dev.secret);
    json::Document d = Parse(testing::ReadFile(RuntimeFilePath(t.config.data_dir)));
    token = "Bearer " + std::string(json::StringOr(d, "admin_token"));
  }
  ~Fixture() { t.daemon->Stop(std::chrono::milliseconds(100)); }
  Config Configured() {
    Config c;
    c.store.clock = &clock;
    return c;
  }

  // Stores a statement by `email` at `ms`; returns its id.
  std::string Post(const std::string& email, std::int64_t ms) {
    clock.now_us = ms * 1000;
    auto req = MakeRequest("POST", "/xapi/statements", "",
                           R"({"actor":{"mbox":"mailto:)" + email +
                               R"("},"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},)"
                               R"("object":{"id":"http://example.com/course/1"}})");
    req.headers.Set("X-Experience-API-Version", "2.0.0");
    req.headers.Set("Content-Type", "application/json");
    req.headers.Set("Authorization", xapi);
    http::Response r = t.daemon->Handle(req);
    INFO(r.body);
    REQUIRE(r.status == 200);
    return std::string(json::View(Parse(r.body)[0]));
  }

  // The ids GET /xapi/statements returns.
  std::vector<std::string> Ids() {
    auto req = MakeRequest("GET", "/xapi/statements", "limit=100");
    req.headers.Set("X-Experience-API-Version", "2.0.0");
    req.headers.Set("Authorization", xapi);
    http::Response r = t.daemon->Handle(req);
    REQUIRE(r.status == 200);
    json::Document d = Parse(r.body);
    std::vector<std::string> ids;
    for (const auto& s : d["statements"].GetArray()) ids.emplace_back(json::StringOr(s, "id"));
    return ids;
  }

  http::Response Call(const std::string& method, const std::string& path, const std::string& query,
                      const std::string& auth, const std::string& body = "") {
    auto req = MakeRequest(method, path, query, body);
    if (!body.empty()) req.headers.Set("Content-Type", "application/json");
    if (!auth.empty()) req.headers.Set("Authorization", auth);
    return t.daemon->Handle(req);
  }

  ManualClock clock;
  TestDaemon t;
  std::string xapi, token;
};

TEST_CASE("retention over HTTP: purge and erase, dry runs first, and the audit records",
          "[daemon][retention]") {
  Fixture f;
  const std::string a1 = f.Post("ana@example.com", kT0 + 1000);
  const std::string b1 = f.Post("bob@example.com", kT0 + 2000);
  const std::string a2 = f.Post("ana@example.com", kT0 + 3000);
  const std::string b2 = f.Post("bob@example.com", kT0 + 4000);
  REQUIRE(f.Ids().size() == 4);

  // Purge: a dry run changes nothing.
  const std::string before = "before=" + Enc(Iso(kT0 + 3000));
  http::Response r = f.Call("POST", "/admin/retention/purge", before, f.token);
  REQUIRE(r.status == 200);
  CHECK(r.headers.Get("Content-Type").value_or("").find("application/json") == 0);
  json::Document d = Parse(r.body);
  CHECK(d["dry_run"].IsTrue());
  CHECK(std::string(d["before"].GetString()) == Iso(kT0 + 3000));
  CHECK(d["statements"].GetUint64() == 2);
  CHECK(d["bytes"].GetUint64() > 0);
  CHECK(std::string(d["oldest"].GetString()) == Iso(kT0 + 1000));
  CHECK(std::string(d["newest"].GetString()) == Iso(kT0 + 2000));
  CHECK(d["audit_id"].IsNull());
  CHECK(f.Ids().size() == 4);
  r = f.Call("POST", "/admin/retention/purge", before + "&apply=false", f.token);
  CHECK(Parse(r.body)["dry_run"].IsTrue());
  CHECK(f.Ids().size() == 4);
  r = f.Call("GET", "/admin/audit", "", f.token);
  REQUIRE(r.status == 200);
  CHECK(Parse(r.body)["records"].Size() == 0);

  // Applied: the statements stored before the bound are gone.
  f.clock.now_us = (kT0 + 10000) * 1000;
  r = f.Call("POST", "/admin/retention/purge", before + "&apply=true", f.token);
  REQUIRE(r.status == 200);
  d = Parse(r.body);
  CHECK(d["dry_run"].IsFalse());
  CHECK(d["statements"].GetUint64() == 2);
  CHECK(d["batches"].GetUint64() == 1);
  const std::string purge_id = d["audit_id"].GetString();
  CHECK(f.Ids() == std::vector<std::string>{b2, a2});  // stored exactly at `before`: kept
  {
    auto req = MakeRequest("GET", "/xapi/statements", "statementId=" + a1);
    req.headers.Set("X-Experience-API-Version", "2.0.0");
    req.headers.Set("Authorization", f.xapi);
    CHECK(f.t.daemon->Handle(req).status == 404);
  }
  // A date means its midnight UTC.
  r = f.Call("POST", "/admin/retention/purge", "before=2023-11-14&apply=true", f.token);
  REQUIRE(r.status == 200);
  CHECK(Parse(r.body)["statements"].GetUint64() == 0);

  // Erase: the agent in the query (dry run), then in the body (applied).
  const std::string ana = R"({"mbox":"mailto:ana@example.com"})";
  r = f.Call("POST", "/admin/retention/erase", "agent=" + Enc(ana), f.token);
  REQUIRE(r.status == 200);
  d = Parse(r.body);
  CHECK(d["dry_run"].IsTrue());
  CHECK(d["statements"].GetUint64() == 1);
  CHECK(f.Ids().size() == 2);
  r = f.Call("POST", "/admin/retention/erase", "apply=true", f.token, R"({"agent":)" + ana + "}");
  REQUIRE(r.status == 200);
  d = Parse(r.body);
  CHECK(d["dry_run"].IsFalse());
  CHECK(d["statements"].GetUint64() == 1);
  CHECK(d["documents"].GetUint64() == 0);
  CHECK(d["sync_records"].GetUint64() == 0);
  const std::string erase_id = d["audit_id"].GetString();
  CHECK(f.Ids() == std::vector<std::string>{b2});

  // The audit records, oldest first, paged.
  r = f.Call("GET", "/admin/audit", "", f.token);
  REQUIRE(r.status == 200);
  d = Parse(r.body);
  REQUIRE(d["records"].Size() == 3);
  CHECK(d["more"].IsFalse());
  CHECK(std::string(d["records"][0]["id"].GetString()) == purge_id);
  CHECK(std::string(d["records"][0]["op"].GetString()) == "purge");
  CHECK(std::string(d["records"][0]["before"].GetString()) == Iso(kT0 + 3000));
  CHECK(d["records"][0]["statements"].GetUint64() == 2);
  CHECK(std::string(d["records"][1]["op"].GetString()) == "purge");
  CHECK(std::string(d["records"][2]["op"].GetString()) == "erase_agent");
  CHECK(std::string(d["records"][2]["id"].GetString()) == erase_id);
  CHECK(r.body.find("ana@example.com") == std::string::npos);
  r = f.Call("GET", "/admin/audit", "limit=2", f.token);
  d = Parse(r.body);
  CHECK(d["records"].Size() == 2);
  CHECK(d["more"].IsTrue());
  const std::string second = d["records"][1]["id"].GetString();
  r = f.Call("GET", "/admin/audit", "limit=2&after=" + second, f.token);
  d = Parse(r.body);
  REQUIRE(d["records"].Size() == 1);
  CHECK(std::string(d["records"][0]["id"].GetString()) == erase_id);
  CHECK(d["more"].IsFalse());
  CHECK(f.Call("HEAD", "/admin/audit", "", f.token).status == 200);

  // Applied operations are logged, without the learner.
  const std::string log = f.t.Log();
  CHECK(log.find("retention purge") != std::string::npos);
  CHECK(log.find("retention erase") != std::string::npos);
  CHECK(log.find(purge_id) != std::string::npos);
  CHECK(log.find("ana@example.com") == std::string::npos);
}

TEST_CASE("retention over HTTP: only admins; errors name the parameter", "[daemon][retention]") {
  Fixture f;
  f.Post("ana@example.com", kT0 + 1000);
  const std::string q = "before=2999-01-01&apply=true";

  // No credential: 401; a credential without the admin scope: 403; the
  // admin scope of the store: allowed.
  CHECK(f.Call("POST", "/admin/retention/purge", q, "").status == 401);
  http::Response r = f.Call("POST", "/admin/retention/purge", q, f.xapi);
  CHECK(r.status == 403);
  CHECK(r.body.find("admin scope") != std::string::npos);
  CHECK(f.Call("POST", "/admin/retention/erase",
               "apply=true&agent=" + Enc(R"({"mbox":"mailto:ana@example.com"})"), f.xapi)
            .status == 403);
  CHECK(f.Call("GET", "/admin/audit", "", f.xapi).status == 403);
  CHECK(f.Call("GET", "/admin/audit", "", "").status == 401);
  CHECK(f.Ids().size() == 1);  // nothing was purged

  auth::NewCredential nc;
  nc.store = "default";
  nc.label = "ops";
  nc.scopes = auth::kAdmin;
  auth::CredentialInfo info;
  REQUIRE(f.t.daemon->registry()->AddCredential(nc, &info).ok());
  const std::string admin = BasicAuth(info.key, info.secret);
  r = f.Call("POST", "/admin/retention/purge", "before=2999-01-01", admin);
  REQUIRE(r.status == 200);
  CHECK(Parse(r.body)["statements"].GetUint64() == 1);

  // Bad input: 400 naming the parameter; a wrong method: 405.
  struct Bad {
    const char* path;
    std::string query, body, field;
  };
  const std::vector<Bad> bad = {
      {"/admin/retention/purge", "", "", "before"},
      {"/admin/retention/purge", "before=yesterday", "", "before"},
      {"/admin/retention/purge", "before=2024-01-01T00:00:00", "", "before"},  // no time zone
      {"/admin/retention/purge", "before=2024-01-01&apply=yes", "", "apply"},
      {"/admin/retention/purge", "before=2024-01-01&force=1", "", "force"},
      {"/admin/retention/purge", "before=2024-01-01&before=2024-01-02", "", "before"},
      {"/admin/retention/erase", "", "", "agent"},
      {"/admin/retention/erase", "agent=" + Enc("{not json"), "", "agent"},
      {"/admin/retention/erase", "agent=" + Enc(R"({"name":"no identifier"})"), "", "agent"},
      {"/admin/retention/erase", "apply=true&agent=" + Enc(R"({"mbox":"ana@example.com"})"), "",
       "agent.mbox"},
      {"/admin/retention/erase", "", "[1]", "body"},
      {"/admin/retention/erase", "", R"({"agent":"ana"})", "agent"},
      {"/admin/retention/erase", "", R"({"agent":{"mbox":"mailto:a@example.com"},"x":1})",
       "body.x"},
      {"/admin/retention/erase", "agent=" + Enc(R"({"mbox":"mailto:a@example.com"})"),
       R"({"agent":{"mbox":"mailto:a@example.com"}})", "agent"},
  };
  for (const auto& b : bad) {
    INFO(b.path << "?" << b.query << " " << b.body);
    r = f.Call("POST", b.path, b.query, f.token, b.body);
    CHECK(r.status == 400);
    CHECK(FieldOf(r) == b.field);
  }
  r = f.Call("GET", "/admin/audit", "limit=0", f.token);
  CHECK(r.status == 400);
  CHECK(FieldOf(r) == "limit");
  r = f.Call("GET", "/admin/audit", "after=nope", f.token);
  CHECK(r.status == 400);
  CHECK(FieldOf(r) == "after");
  r = f.Call("GET", "/admin/retention/purge", "before=2024-01-01", f.token);
  CHECK(r.status == 405);
  CHECK(r.headers.Get("Allow").value_or("") == "POST");
  r = f.Call("DELETE", "/admin/retention/erase", "", f.token);
  CHECK(r.status == 405);
  r = f.Call("POST", "/admin/audit", "", f.token);
  CHECK(r.status == 405);
  CHECK(r.headers.Get("Allow").value_or("") == "GET, HEAD");
  r = f.Call("GET", "/admin/audit", "", f.token);
  CHECK(Parse(r.body)["records"].Size() == 0);  // no bad request did anything
}

}  // namespace
}  // namespace lrs::daemon
