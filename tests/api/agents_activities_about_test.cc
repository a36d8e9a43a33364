// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The agents (xAPI Communication 2.4), activities (2.5) and about (2.8)
// resources over HTTP values, through XapiService::Handle without sockets.

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

#include "lrs/api/service.h"
#include "lrs/auth/credentials.h"
#include "lrs/json/json.h"
#include "tests/support/test_util.h"

namespace lrs {
namespace {

using Param = std::pair<std::string, std::string>;

constexpr const char* kAct = "http://example.com/activities/meeting-1";
constexpr const char* kVerb = "http://adlnet.gov/expapi/verbs/attended";

struct Api {
  explicit Api(std::uint32_t scopes = auth::kAll) { who.scopes = scopes; }

  http::Response Call(const std::string& method, const std::string& resource,
                      const std::vector<Param>& params, const std::string& version = "2.0.0") {
    http::Request req;
    req.method = method;
    req.path = "/xapi/" + resource;
    for (const auto& [k, v] : params) {
      if (!req.query.empty()) req.query += '&';
      req.query += http::UrlEncode(k) + "=" + http::UrlEncode(v);
    }
    if (!version.empty()) req.headers.Set("X-Experience-API-Version", version);
    return svc.Handle(req, who);
  }

  void Store(const std::string& statement) {
    Status s = ts->PutStatements(StatementWrite{}, statement, nullptr);
    INFO(s.ToString());
    REQUIRE(s.ok());
  }

  testing::TestStore ts;
  api::XapiService svc{ts.store.get(), {"/xapi"}};
  auth::Principal who;
};

json::Document Parse(const std::string& text) {
  json::Document d;
  REQUIRE(json::Parse(text, &d).ok());
  return d;
}

std::string Header(const http::Response& r, const char* name) {
  auto v = r.headers.Get(name);
  return v ? std::string(*v) : std::string();
}

TEST_CASE(
    "Communication 2.4.s3.b3: an unknown agent still yields a Person built from the "
    "request") {
  Api api;
  auto r = api.Call("GET", "agents", {{"agent", testing::Agent("nobody@example.com", "No One")}});
  REQUIRE(r.status == 200);
  CHECK(Header(r, "Content-Type") == "application/json");
  json::Document p = Parse(r.body);
  CHECK(json::StringOr(p, "objectType") == "Person");
  REQUIRE(json::Member(p, "mbox") != nullptr);
  REQUIRE((*json::Member(p, "mbox"))[0].IsString());
  CHECK(json::View((*json::Member(p, "mbox"))[0]) == "mailto:nobody@example.com");
  REQUIRE(json::Member(p, "name") != nullptr);
  CHECK((*json::Member(p, "name")).IsArray());
}

TEST_CASE("Communication 2.4.s5: a known agent's Person has array properties (2.4.s6.b1)") {
  Api api;
  api.Store(testing::Statement("ana@example.com", kVerb, kAct));
  api.Store(
      "{\"actor\":{\"objectType\":\"Agent\",\"name\":\"Ana\",\"mbox\":\"mailto:ana@example.com\"},"
      "\"verb\":{\"id\":\"" +
      std::string(kVerb) + "\"},\"object\":{\"id\":\"" + kAct + "\"}}");
  auto r = api.Call("GET", "agents", {{"agent", testing::Agent("ana@example.com")}});
  REQUIRE(r.status == 200);
  json::Document p = Parse(r.body);
  CHECK(json::StringOr(p, "objectType") == "Person");
  const json::Value* names = json::Member(p, "name");
  REQUIRE(names != nullptr);
  REQUIRE(names->IsArray());
  REQUIRE(names->Size() >= 1);
  CHECK((*names)[0].IsString());
  const json::Value* mbox = json::Member(p, "mbox");
  REQUIRE(mbox != nullptr);
  CHECK(mbox->IsArray());
  CHECK(!Header(r, "ETag").empty());
}

TEST_CASE("Communication 2.4.s2.table1.row1: agent is required and must be a valid Agent (400)") {
  Api api;
  CHECK(api.Call("GET", "agents", {}).status == 400);
  CHECK(api.Call("GET", "agents", {{"agent", "not JSON"}}).status == 400);
  CHECK(api.Call("GET", "agents", {{"agent", R"({"objectType":"Agent","name":"Rick"})"}}).status ==
        400);
  CHECK(
      api.Call("GET", "agents", {{"agent", testing::Agent("a@example.com")}, {"x", "1"}}).status ==
      400);
  CHECK(api.Call("PUT", "agents", {{"agent", testing::Agent("a@example.com")}}).status == 405);
}

TEST_CASE("Communication 2.5.s1: GET activities returns the canonical Activity object") {
  Api api;
  api.Store("{\"actor\":" + testing::Agent("ana@example.com") + ",\"verb\":{\"id\":\"" + kVerb +
            "\"},\"object\":{\"objectType\":\"Activity\",\"id\":\"" + kAct +
            "\",\"definition\":{\"name\":{\"en-US\":\"example meeting\"}}}}");
  api.Store("{\"actor\":" + testing::Agent("bo@example.com") + ",\"verb\":{\"id\":\"" + kVerb +
            "\"},\"object\":{\"id\":\"" + kAct +
            "\",\"definition\":{\"name\":{\"fr-FR\":\"r\xc3\xa9union\"}}}}");
  auto r = api.Call("GET", "activities", {{"activityId", kAct}});
  REQUIRE(r.status == 200);
  json::Document a = Parse(r.body);
  CHECK(json::StringOr(a, "id") == kAct);
  const json::Value* def = json::Member(a, "definition");
  REQUIRE(def != nullptr);
  const json::Value* name = json::Member(*def, "name");
  REQUIRE(name != nullptr);
  // XAPI-00254: what every statement said is merged.
  CHECK(json::StringOr(*name, "en-US") == "example meeting");
  CHECK(json::StringOr(*name, "fr-FR") == "r\xc3\xa9union");
}

TEST_CASE("Communication 2.5.s2.b1: an activity never seen still yields an Activity object") {
  Api api;
  const std::string iri = "http://www.example.com/never-before-seen/1";
  auto r = api.Call("GET", "activities", {{"activityId", iri}});
  REQUIRE(r.status == 200);
  json::Document a = Parse(r.body);
  CHECK(json::StringOr(a, "objectType") == "Activity");
  CHECK(json::StringOr(a, "id") == iri);
  CHECK(a.MemberCount() == 2);
}

TEST_CASE("Communication 2.5.s1.table1.row1: activityId is required and must be an IRI (400)") {
  Api api;
  CHECK(api.Call("GET", "activities", {}).status == 400);
  CHECK(api.Call("GET", "activities", {{"activityId", "true"}}).status == 400);
  CHECK(api.Call("GET", "activities", {{"activityId", kAct}, {"activityId", kAct}}).status == 400);
  CHECK(api.Call("POST", "activities", {{"activityId", kAct}}).status == 405);
}

TEST_CASE("Communication 1.1.s3.b1: HEAD agents and activities answer as GET without a body") {
  Api api;
  auto r = api.Call("HEAD", "agents", {{"agent", testing::Agent("a@example.com")}});
  CHECK(r.status == 200);
  CHECK(r.body.empty());
  CHECK(Header(r, "Content-Type") == "application/json");
  r = api.Call("HEAD", "activities", {{"activityId", kAct}});
  CHECK(r.status == 200);
  CHECK(r.body.empty());
  r = api.Call("HEAD", "about", {}, "");
  CHECK(r.status == 200);
  CHECK(r.body.empty());
}

TEST_CASE(
    "Communication 4.2: agents and activities need statements/read, define, all/read or "
    "all (403 otherwise, 3.2.s3.b10)") {
  const std::vector<Param> agent = {{"agent", testing::Agent("a@example.com")}};
  const std::vector<Param> act = {{"activityId", kAct}};
  for (std::uint32_t ok : {auth::kStatementsRead, auth::kDefine, auth::kAllRead, auth::kAll}) {
    Api api(ok);
    CHECK(api.Call("GET", "agents", agent).status == 200);
    CHECK(api.Call("GET", "activities", act).status == 200);
  }
  for (std::uint32_t no :
       {auth::kState, auth::kProfile, auth::kStatementsWrite, auth::kStatementsReadMine}) {
    Api api(no);
    CHECK(api.Call("GET", "agents", agent).status == 403);
    CHECK(api.Call("GET", "activities", act).status == 403);
  }
}

TEST_CASE(
    "Communication 2.8.s4/s5: about lists 1.0.3 and 2.0.0 and nothing but version and "
    "extensions") {
  Api api;
  auto r = api.Call("GET", "about", {});
  REQUIRE(r.status == 200);
  json::Document a = Parse(r.body);
  REQUIRE(json::Member(a, "version") != nullptr);
  const json::Value& v = *json::Member(a, "version");
  REQUIRE(v.IsArray());
  std::vector<std::string> versions;
  for (const auto& x : v.GetArray()) versions.emplace_back(json::View(x));
  CHECK(versions == std::vector<std::string>{"1.0.3", "2.0.0"});
  for (const auto& m : a.GetObject()) {
    std::string_view name = json::View(m.name);
    CHECK((name == "version" || name == "extensions"));
  }
}

TEST_CASE("Communication 2.8.s5.b3/b4: about needs no credentials and no version header") {
  Api api(0);
  auto r = api.Call("GET", "about", {}, "");
  CHECK(r.status == 200);
  CHECK(!Header(r, "X-Experience-API-Version").empty());
  CHECK(api.Call("GET", "about", {}, "1.0.3").status == 200);
  CHECK(api::IsPublic(
      [] {
        http::Request req;
        req.method = "GET";
        req.path = "/xapi/about";
        return req;
      }(),
      "/xapi"));
}

TEST_CASE("Communication 2.8 and 3.2.s3.b7: about takes no parameters and only GET/HEAD") {
  Api api;
  CHECK(api.Call("GET", "about", {{"x", "1"}}).status == 400);
  auto r = api.Call("POST", "about", {});
  CHECK(r.status == 405);
  CHECK(Header(r, "Allow") == "GET, HEAD");
}

}  // namespace
}  // namespace lrs
