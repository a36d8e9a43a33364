// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The document resources over HTTP values (xAPI Communication 2.2, 2.3, 2.6,
// 2.7, 1.1 HEAD, 3.1 concurrency, 3.2 errors), through XapiService::Handle
// without sockets.

#include <atomic>
#include <catch2/catch.hpp>
#include <ctime>
#include <string>
#include <utility>
#include <vector>

#include "lrs/api/service.h"
#include "lrs/auth/credentials.h"
#include "lrs/clock.h"
#include "lrs/common/time.h"
#include "lrs/json/json.h"
#include "tests/support/test_util.h"

namespace lrs {
namespace {

using Param = std::pair<std::string, std::string>;
using HeaderList = std::vector<std::pair<std::string, std::string>>;

constexpr const char* kAct = "http://example.com/activities/course-1";
constexpr const char* kAgent = R"({"objectType":"Agent","mbox":"mailto:ana@example.com"})";
constexpr const char* kReg = "6f1c0a4e-3b2d-4c5e-8f70-a1b2c3d4e5f6";
constexpr const char* kEtagAbc = "\"a9993e364706816aba3e25717850c26c9cd0d89d\"";  // SHA-1("abc")

struct Api {
  explicit Api(std::uint32_t scopes = auth::kAll, Options options = Options()) : ts(options) {
    who.scopes = scopes;
  }

  http::Response Call(const std::string& method, const std::string& resource,
                      const std::vector<Param>& params, std::string body = "",
                      const HeaderList& headers = {}, const std::string& version = "2.0.0") {
    http::Request req;
    req.method = method;
    req.path = "/xapi/" + resource;
    for (const auto& [k, v] : params) {
      if (!req.query.empty()) req.query += '&';
      req.query += http::UrlEncode(k) + "=" + http::UrlEncode(v);
    }
    if (!version.empty()) req.headers.Set("X-Experience-API-Version", version);
    for (const auto& [k, v] : headers) req.headers.Add(k, v);
    req.body = std::move(body);
    return svc.Handle(req, who);
  }

  testing::TestStore ts;
  api::XapiService svc{ts.store.get(), {"/xapi"}};
  auth::Principal who;
};

std::vector<Param> State(const std::string& id = "s1") {
  std::vector<Param> p = {{"activityId", kAct}, {"agent", kAgent}};
  if (!id.empty()) p.emplace_back("stateId", id);
  return p;
}

HeaderList Json(HeaderList more = {}) {
  more.emplace_back("Content-Type", "application/json");
  return more;
}

std::string Header(const http::Response& r, const char* name) {
  auto v = r.headers.Get(name);
  return v ? std::string(*v) : std::string();
}

bool JsonEq(const std::string& a, const std::string& b) {
  json::Document da, db;
  return json::Parse(a, &da).ok() && json::Parse(b, &db).ok() && json::Equal(da, db);
}

// The error body names the parameter at fault (or a path inside it: "agent.mbox").
void RequireField(const http::Response& r, const std::string& field) {
  json::Document d;
  REQUIRE(json::Parse(r.body, &d).ok());
  const json::Value* err = json::Member(d, "error");
  REQUIRE(err != nullptr);
  const std::string got(json::StringOr(*err, "field"));
  CHECK((got == field || got.rfind(field + ".", 0) == 0));
}

// An RFC 7231 IMF-fixdate ("Thu, 01 Jan 2026 00:00:00 GMT") as epoch ms.
bool ParseImfDate(const std::string& text, std::int64_t* ms) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0' || text.size() != 29) return false;
  *ms = static_cast<std::int64_t>(timegm(&tm)) * 1000;
  return true;
}

TEST_CASE(
    "Communication 2.3.s3: PUT stores bytes; GET returns them with Content-Type, ETag and "
    "Last-Modified (2.2.s6.b1, 3.1.s4.b1-b4)") {
  Api api;
  auto put = api.Call("PUT", "activities/state", State(), "abc", {{"Content-Type", "text/plain"}});
  REQUIRE(put.status == 204);
  CHECK(Header(put, "ETag") == kEtagAbc);
  auto get = api.Call("GET", "activities/state", State());
  REQUIRE(get.status == 200);
  CHECK(get.body == "abc");
  CHECK(Header(get, "Content-Type") == "text/plain");
  CHECK(Header(get, "ETag") == kEtagAbc);
  std::int64_t ms = 0;
  CHECK(ParseImfDate(Header(get, "Last-Modified"), &ms));
  CHECK(Header(get, "X-Experience-API-Version") == "2.0.0");
}

class ManualClock : public Clock {
 public:
  explicit ManualClock(std::int64_t us) : us_(us) {}
  std::int64_t NowMicros() override { return us_.load(); }
  void Set(std::int64_t us) { us_ = us; }

 private:
  std::atomic<std::int64_t> us_;
};

TEST_CASE("Communication 2.2.s6.b1: Last-Modified follows the document's updates") {
  constexpr std::int64_t kT0 = 1767225600000000;  // 2026-01-01T00:00:00Z
  ManualClock clock(kT0);
  Options o;
  o.clock = &clock;
  Api api(auth::kAll, o);
  REQUIRE(api.Call("POST", "activities/state", State(), R"({"a":1})", Json()).status == 204);
  auto r = api.Call("GET", "activities/state", State());
  CHECK(Header(r, "Last-Modified") == "Thu, 01 Jan 2026 00:00:00 GMT");
  clock.Set(kT0 + 1'500'000);
  REQUIRE(api.Call("POST", "activities/state", State(), R"({"a":2})", Json()).status == 204);
  r = api.Call("GET", "activities/state", State());
  CHECK(Header(r, "Last-Modified") == "Thu, 01 Jan 2026 00:00:01 GMT");
  clock.Set(kT0 + 5'000'000);
  REQUIRE(api.Call("PUT", "activities/state", State("b"), "x").status == 204);
  r = api.Call("GET", "activities/state", State(""));
  CHECK(Header(r, "Last-Modified") == "Thu, 01 Jan 2026 00:00:05 GMT");
}

TEST_CASE("Communication 1.1.s3.b1: HEAD on a document answers as GET without the body") {
  Api api;
  REQUIRE(api.Call("PUT", "activities/state", State(), "abc").status == 204);
  auto head = api.Call("HEAD", "activities/state", State());
  CHECK(head.status == 200);
  CHECK(head.body.empty());
  CHECK(Header(head, "ETag") == kEtagAbc);
  CHECK(!Header(head, "Last-Modified").empty());
  auto list = api.Call("HEAD", "activities/state", State(""));
  CHECK(list.status == 200);
  CHECK(list.body.empty());
  // Errors too: the status and headers of the GET, no body.
  auto missing = api.Call("HEAD", "activities/state", State("nope"));
  CHECK(missing.status == 404);
  CHECK(missing.body.empty());
  auto bad = api.Call("HEAD", "activities/state", {{"activityId", kAct}});
  CHECK(bad.status == 400);
  CHECK(bad.body.empty());
}

TEST_CASE("Communication 3.2.s2.b4: GET of a document that does not exist is 404") {
  Api api;
  CHECK(api.Call("GET", "activities/state", State("nope")).status == 404);
  CHECK(api.Call("GET", "activities/profile", {{"activityId", kAct}, {"profileId", "p"}}).status ==
        404);
}

TEST_CASE(
    "Communication 2.3.s3.table1: required, unknown, repeated and miscased parameters are "
    "400 (3.2.s3.b7, 3.2.s3.b8)") {
  Api api;
  auto r = api.Call("GET", "activities/state", {{"agent", kAgent}, {"stateId", "s"}});
  CHECK(r.status == 400);
  RequireField(r, "activityId");
  r = api.Call("DELETE", "activities/state", {{"activityId", kAct}});
  CHECK(r.status == 400);
  RequireField(r, "agent");
  r = api.Call("PUT", "activities/state", State(""), "{}", Json());
  CHECK(r.status == 400);
  RequireField(r, "stateId");
  CHECK(api.Call("POST", "activities/state", State(""), "{}", Json()).status == 400);
  auto p = State();
  p.emplace_back("foo", "bar");
  CHECK(api.Call("GET", "activities/state", p).status == 400);
  p = State();
  p.emplace_back("stateId", "again");
  CHECK(api.Call("GET", "activities/state", p).status == 400);
  CHECK(api.Call("GET", "activities/state",
                 {{"ActivityId", kAct}, {"agent", kAgent}, {"stateId", "s"}})
            .status == 400);
  // `since` belongs to GET only (XAPI-00205).
  p = State();
  p.emplace_back("since", "2020-01-01T00:00:00Z");
  CHECK(api.Call("DELETE", "activities/state", p).status == 400);
  CHECK(api.Call("GET", "activities/state", State("")).status == 200);
  r = api.Call("GET", "activities/state", State(""));
  CHECK(r.body == "[]");
}

TEST_CASE(
    "Communication 2.3.s3.table1.row2: an agent that is not JSON or not a valid Agent is 400") {
  Api api;
  for (const char* bad : {"not JSON", "true", R"({"objectType":"Agent","name":"no ifi"})",
                          R"({"mbox":"ana@example.com"})"}) {
    INFO(bad);
    std::vector<Param> p = {{"activityId", kAct}, {"agent", bad}, {"stateId", "s"}};
    auto r = api.Call("PUT", "activities/state", p, "{}", Json());
    CHECK(r.status == 400);
    RequireField(r, "agent");
    CHECK(api.Call("GET", "activities/state", p).status == 400);
    CHECK(api.Call("DELETE", "activities/state", p).status == 400);
  }
  std::vector<Param> p = {{"activityId", "not an iri"}, {"agent", kAgent}, {"stateId", "s"}};
  CHECK(api.Call("PUT", "activities/state", p, "{}", Json()).status == 400);
}

TEST_CASE(
    "Communication 2.3.s3.table1.row3: registration must be a UUID and scopes the "
    "documents") {
  Api api;
  auto with_reg = State();
  with_reg.emplace_back("registration", kReg);
  REQUIRE(api.Call("PUT", "activities/state", with_reg, "r").status == 204);
  CHECK(api.Call("GET", "activities/state", with_reg).body == "r");
  CHECK(api.Call("GET", "activities/state", State()).status == 404);
  auto bad = State();
  bad.emplace_back("registration", "true");
  CHECK(api.Call("PUT", "activities/state", bad, "r").status == 400);
  CHECK(api.Call("GET", "activities/state", bad).status == 400);
  CHECK(api.Call("DELETE", "activities/state", bad).status == 400);
}

TEST_CASE(
    "Communication 2.3.s4: GET without stateId lists ids, since is exclusive and checked; "
    "Last-Modified is the newest (2.2.s6.b2)") {
  Api api;
  REQUIRE(api.Call("PUT", "activities/state", State("a"), "1").status == 204);
  REQUIRE(api.Call("PUT", "activities/state", State("b"), "2").status == 204);
  auto r = api.Call("GET", "activities/state", State(""));
  REQUIRE(r.status == 200);
  CHECK(Header(r, "Content-Type") == "application/json");
  CHECK((JsonEq(r.body, R"(["a","b"])") || JsonEq(r.body, R"(["b","a"])")));
  CHECK(Header(r, "ETag").size() == 42);
  auto get_b = api.Call("GET", "activities/state", State("b"));
  std::int64_t list_ms = 0, b_ms = 0;
  REQUIRE(ParseImfDate(Header(r, "Last-Modified"), &list_ms));
  REQUIRE(ParseImfDate(Header(get_b, "Last-Modified"), &b_ms));
  CHECK(list_ms >= b_ms);

  auto since = State("");
  since.emplace_back("since", FormatIso8601Millis((b_ms + 3'600'000) * 1000));
  r = api.Call("GET", "activities/state", since);
  CHECK(r.status == 200);
  CHECK(r.body == "[]");
  since.back().second = "2000-01-01T00:00:00Z";
  r = api.Call("GET", "activities/state", since);
  CHECK((JsonEq(r.body, R"(["a","b"])") || JsonEq(r.body, R"(["b","a"])")));
  since.back().second = "not a timestamp";
  r = api.Call("GET", "activities/state", since);
  CHECK(r.status == 400);
  RequireField(r, "since");
  // With a stateId, since is accepted (and ignored) but still checked.
  auto single = State("a");
  single.emplace_back("since", "2000-01-01T00:00:00Z");
  CHECK(api.Call("GET", "activities/state", single).status == 200);
  single.back().second = "yesterday";
  CHECK(api.Call("GET", "activities/state", single).status == 400);
}

TEST_CASE(
    "Communication 2.3.s5: DELETE without stateId deletes every state document of "
    "(activity, agent, registration)") {
  Api api;
  auto with_reg = State("r1");
  with_reg.emplace_back("registration", kReg);
  REQUIRE(api.Call("PUT", "activities/state", State("a"), "1").status == 204);
  REQUIRE(api.Call("PUT", "activities/state", State("b"), "2").status == 204);
  REQUIRE(api.Call("PUT", "activities/state", with_reg, "3").status == 204);
  CHECK(api.Call("DELETE", "activities/state", State("")).status == 204);
  CHECK(api.Call("GET", "activities/state", State("")).body == "[]");
  CHECK(api.Call("GET", "activities/state", with_reg).status == 200);
  CHECK(api.Call("DELETE", "activities/state", State("a")).status == 204);  // already gone
}

TEST_CASE(
    "Communication 2.2.s7: POST merges top-level properties of JSON objects; 2.2.s8.b2: 204") {
  Api api;
  REQUIRE(
      api.Call("POST", "activities/state", State(), R"({"x":"foo","y":"bar"})", Json()).status ==
      204);
  REQUIRE(
      api.Call("POST", "activities/state", State(), R"({"x":"bash","z":"faz"})", Json()).status ==
      204);
  auto r = api.Call("GET", "activities/state", State());
  CHECK(JsonEq(r.body, R"({"x":"bash","y":"bar","z":"faz"})"));
  CHECK(Header(r, "Content-Type") == "application/json");
}

TEST_CASE(
    "Communication 2.2.s8.b1: POST is 400 unless both documents are application/json "
    "objects, and the document is left unchanged") {
  Api api;
  const std::string doc = R"({"car":"Honda"})";
  REQUIRE(api.Call("POST", "activities/state", State(), doc, Json()).status == 204);
  auto r = api.Call("POST", "activities/state", State(), "abcdefg", {{"Content-Type", "not/json"}});
  CHECK(r.status == 400);
  RequireField(r, "Content-Type");
  CHECK(api.Call("POST", "activities/state", State(), doc + "{", Json()).status == 400);
  CHECK(api.Call("POST", "activities/state", State(), "[1]", Json()).status == 400);
  CHECK(api.Call("POST", "activities/state", State(), "abc",
                 {{"Content-Type", "application/x-www-form-urlencoded"}})
            .status == 400);
  CHECK(JsonEq(api.Call("GET", "activities/state", State()).body, doc));

  // The stored document is not JSON.
  REQUIRE(api.Call("PUT", "activities/state", State("bin"), "/ asdf / undefined",
                   {{"Content-Type", "application/octet-stream"}})
              .status == 204);
  CHECK(api.Call("POST", "activities/state", State("bin"), doc, Json()).status == 400);
  CHECK(api.Call("GET", "activities/state", State("bin")).body == "/ asdf / undefined");
}

TEST_CASE("Communication 2.2.s7 (XAPI-00233): POST to a missing document stores it") {
  Api api;
  REQUIRE(api.Call("POST", "agents/profile", {{"agent", kAgent}, {"profileId", "p"}}, R"({"a":1})",
                   Json())
              .status == 204);
  auto r = api.Call("GET", "agents/profile", {{"agent", kAgent}, {"profileId", "p"}});
  CHECK(r.status == 200);
  CHECK(JsonEq(r.body, R"({"a":1})"));
}

TEST_CASE("Communication 3.2.s3.b6: a body sent as application/json must be JSON") {
  Api api;
  CHECK(api.Call("PUT", "activities/state", State(), "{not json", Json()).status == 400);
  CHECK(api.Call("PUT", "activities/state", State(), "[1,2]", Json()).status == 204);
}

TEST_CASE(
    "Communication 3.1.s4.b5/b9/b10: PUT with If-Match: a stale ETag is 412 and changes "
    "nothing; the current one is accepted") {
  Api api;
  REQUIRE(api.Call("PUT", "activities/state", State(), "abc").status == 204);
  auto r = api.Call("PUT", "activities/state", State(), "new", {{"If-Match", "\"1234\""}});
  CHECK(r.status == 412);
  CHECK(!r.body.empty());
  CHECK(api.Call("GET", "activities/state", State()).body == "abc");
  CHECK(api.Call("PUT", "activities/state", State(), "new", {{"If-Match", kEtagAbc}}).status ==
        204);
  CHECK(api.Call("GET", "activities/state", State()).body == "new");
  // If-Match on a document that does not exist fails too.
  CHECK(api.Call("PUT", "activities/state", State("other"), "x", {{"If-Match", kEtagAbc}}).status ==
        412);
}

TEST_CASE("Communication 3.1.s4.b6: PUT with If-None-Match: * is 412 when the document exists") {
  Api api;
  std::vector<Param> p = {{"activityId", kAct}, {"profileId", "p"}};
  CHECK(api.Call("PUT", "activities/profile", p, "1", {{"If-None-Match", "*"}}).status == 204);
  CHECK(api.Call("PUT", "activities/profile", p, "2", {{"If-None-Match", "*"}}).status == 412);
  CHECK(api.Call("GET", "activities/profile", p).body == "1");
}

TEST_CASE("Communication 3.1.s4.b7/b11/b12: POST and DELETE honour If-Match") {
  Api api;
  REQUIRE(api.Call("POST", "activities/state", State(), R"({"n":1})", Json()).status == 204);
  const std::string etag = Header(api.Call("GET", "activities/state", State()), "ETag");
  CHECK(
      api.Call("POST", "activities/state", State(), R"({"n":2})", Json({{"If-Match", "\"1234\""}}))
          .status == 412);
  CHECK(api.Call("DELETE", "activities/state", State(), "", {{"If-Match", "\"1234\""}}).status ==
        412);
  CHECK(JsonEq(api.Call("GET", "activities/state", State()).body, R"({"n":1})"));
  CHECK(api.Call("POST", "activities/state", State(), R"({"n":2})", Json({{"If-Match", etag}}))
            .status == 204);
  const std::string etag2 = Header(api.Call("GET", "activities/state", State()), "ETag");
  CHECK(api.Call("DELETE", "activities/state", State(), "", {{"If-Match", etag2}}).status == 204);
  CHECK(api.Call("GET", "activities/state", State()).status == 404);
}

TEST_CASE(
    "Communication 3.1.s3: a State PUT needs no concurrency headers under 1.0.3; under "
    "2.0.0 replacing one without them is 409 (ADL 2.0 suite, 4.1.4-Concurrency)") {
  Api api;
  REQUIRE(api.Call("PUT", "activities/state", State(), "1", {}, "1.0.3").status == 204);
  CHECK(api.Call("PUT", "activities/state", State(), "2", {}, "1.0.3").status == 204);
  CHECK(api.Call("GET", "activities/state", State()).body == "2");

  REQUIRE(api.Call("PUT", "activities/state", State("v2"), "1", {}, "2.0.0").status == 204);
  auto r = api.Call("PUT", "activities/state", State("v2"), "2", {}, "2.0.0");
  CHECK(r.status == 409);
  CHECK(r.body.find("If-Match") != std::string::npos);
  CHECK(api.Call("GET", "activities/state", State("v2")).body == "1");
  // POST without headers still merges (3.1.s3: only PUT is checked).
  REQUIRE(api.Call("PUT", "activities/state", State("j"), R"({"a":1})", Json(), "2.0.0").status ==
          204);
  CHECK(api.Call("POST", "activities/state", State("j"), R"({"b":1})", Json(), "2.0.0").status ==
        204);
}

TEST_CASE(
    "Communication 3.1.s4.b13-b15 and 3.1.s3.b1: a profile PUT without If-Match or "
    "If-None-Match is 409 over an existing document and 400 otherwise") {
  for (const char* version : {"1.0.3", "2.0.0"}) {
    INFO(version);
    Api api;
    std::vector<Param> p = {{"activityId", kAct}, {"profileId", "p"}};
    auto r = api.Call("PUT", "activities/profile", p, "1", {}, version);
    CHECK(r.status == 400);
    CHECK(api.Call("GET", "activities/profile", p, "", {}, version).status == 404);
    REQUIRE(api.Call("POST", "activities/profile", p, R"({"a":1})", Json(), version).status == 204);
    r = api.Call("PUT", "activities/profile", p, R"({"b":1})", Json(), version);
    CHECK(r.status == 409);
    CHECK(r.body.find("If-Match") != std::string::npos);  // 3.1.s4.b14
    CHECK(JsonEq(api.Call("GET", "activities/profile", p, "", {}, version).body, R"({"a":1})"));
    std::vector<Param> g = {{"agent", kAgent}, {"profileId", "p"}};
    CHECK(api.Call("PUT", "agents/profile", g, "1", {}, version).status == 400);
  }
}

TEST_CASE("Communication 2.7: the activity profile resource stores, lists and deletes documents") {
  Api api;
  std::vector<Param> p1 = {{"activityId", kAct}, {"profileId", "one"}};
  std::vector<Param> p2 = {{"activityId", kAct}, {"profileId", "two"}};
  REQUIRE(api.Call("PUT", "activities/profile", p1, "1", {{"If-None-Match", "*"}}).status == 204);
  REQUIRE(api.Call("POST", "activities/profile", p2, R"({"x":1})", Json()).status == 204);
  auto r = api.Call("GET", "activities/profile", {{"activityId", kAct}});
  CHECK((JsonEq(r.body, R"(["one","two"])") || JsonEq(r.body, R"(["two","one"])")));
  CHECK(!Header(r, "Last-Modified").empty());
  CHECK(api.Call("DELETE", "activities/profile", p1).status == 204);
  CHECK(api.Call("GET", "activities/profile", {{"activityId", kAct}}).body == R"(["two"])");
  // 2.7.s3.table1: profileId is required to DELETE; agent is not a parameter here.
  CHECK(api.Call("DELETE", "activities/profile", {{"activityId", kAct}}).status == 400);
  CHECK(api.Call("GET", "activities/profile", {{"activityId", kAct}, {"agent", kAgent}}).status ==
        400);
  auto bad_since = std::vector<Param>{{"activityId", kAct}, {"since", "true"}};
  CHECK(api.Call("GET", "activities/profile", bad_since).status == 400);
}

TEST_CASE("Communication 2.6: the agent profile resource stores, lists and deletes documents") {
  Api api;
  std::vector<Param> p = {{"agent", kAgent}, {"profileId", "prefs"}};
  REQUIRE(api.Call("PUT", "agents/profile", p, "{}", Json({{"If-None-Match", "*"}})).status == 204);
  // The same person under another name finds the same document.
  std::vector<Param> named = {{"agent", R"({"name":"Ana","mbox":"mailto:ana@example.com"})"},
                              {"profileId", "prefs"}};
  CHECK(api.Call("GET", "agents/profile", named).status == 200);
  auto r =
      api.Call("GET", "agents/profile", {{"agent", kAgent}, {"since", "2000-01-01T00:00:00Z"}});
  CHECK(r.body == R"(["prefs"])");
  CHECK(api.Call("DELETE", "agents/profile", {{"agent", kAgent}}).status == 400);
  CHECK(api.Call("GET", "agents/profile", {{"profileId", "prefs"}}).status == 400);
  CHECK(api.Call("GET", "agents/profile", {{"agent", "true"}, {"profileId", "prefs"}}).status ==
        400);
  CHECK(api.Call("DELETE", "agents/profile", p).status == 204);
  CHECK(api.Call("GET", "agents/profile", p).status == 404);
  CHECK(api.Call("GET", "agents/profile", {{"agent", kAgent}, {"profileId", ""}}).status == 400);
}

TEST_CASE("Communication 4.2 and 3.2.s3.b10: document scopes; all/read reads but does not write") {
  Api state_only(auth::kState);
  CHECK(state_only.Call("PUT", "activities/state", State(), "1").status == 204);
  CHECK(state_only.Call("GET", "activities/state", State()).status == 200);
  auto r = state_only.Call("GET", "activities/profile", {{"activityId", kAct}});
  CHECK(r.status == 403);
  CHECK(state_only
            .Call("PUT", "agents/profile", {{"agent", kAgent}, {"profileId", "p"}}, "1",
                  {{"If-None-Match", "*"}})
            .status == 403);

  Api read_only(auth::kAllRead);
  CHECK(read_only.Call("GET", "activities/state", State("")).status == 200);
  CHECK(read_only.Call("GET", "agents/profile", {{"agent", kAgent}}).status == 200);
  CHECK(read_only.Call("PUT", "activities/state", State(), "1").status == 403);
  CHECK(read_only.Call("DELETE", "activities/profile", {{"activityId", kAct}, {"profileId", "p"}})
            .status == 403);

  Api profile(auth::kProfile);
  CHECK(profile
            .Call("POST", "activities/profile", {{"activityId", kAct}, {"profileId", "p"}}, "{}",
                  Json())
            .status == 204);
  CHECK(profile.Call("GET", "activities/state", State()).status == 403);
  Api none(auth::kStatementsWrite);
  CHECK(none.Call("GET", "activities/state", State()).status == 403);
}

TEST_CASE("Communication 2.2: methods other than GET, HEAD, PUT, POST and DELETE are 405") {
  Api api;
  auto r = api.Call("PATCH", "activities/state", State(), "{}", Json());
  CHECK(r.status == 405);
  CHECK(Header(r, "Allow") == "GET, HEAD, PUT, POST, DELETE");
}

}  // namespace
}  // namespace lrs
