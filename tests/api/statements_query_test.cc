// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// GET /statements queries over HTTP values (Communication 2.1.3, Data 2.5):
// parameters and their validation, the StatementResult and its `more`
// pages, X-Experience-API-Consistent-Through, formats, and scopes
// (statements/read, statements/read/mine, statements/write).

#include <catch2/catch.hpp>

#include "lrs/common/time.h"
#include "tests/api/statements_test_util.h"

namespace lrs {
namespace {

using testing::Agent;
using testing::kActivity;
using testing::kVerb;
using testing::Lrs;
using testing::ParseJson;
using testing::Statement;

std::vector<std::string> Ids(const json::Value& result) {
  std::vector<std::string> ids;
  for (const auto& s : result["statements"].GetArray()) ids.emplace_back(s["id"].GetString());
  return ids;
}

// The query part of a `more` IRL ("/xapi/statements?more=..." -> "statements?more=...").
std::string MoreTarget(const json::Value& result) {
  std::string more = result["more"].GetString();
  REQUIRE(more.rfind("/xapi/statements?", 0) == 0);
  return more.substr(6);
}

TEST_CASE("Data 2.5: a query answers a StatementResult with statements and more",
          "[statements][query]") {
  Lrs lrs;
  auto ids = lrs.Post("[" + Statement("a@example.com", kVerb, kActivity) + "," +
                      Statement("b@example.com", kVerb, kActivity) + "]");
  http::Response r = lrs.Call("GET", "statements");
  REQUIRE(r.status == 200);
  CHECK(r.headers.Get("Content-Type") == "application/json");
  auto d = ParseJson(r.body);
  CHECK(Ids(d) == std::vector<std::string>{ids[1], ids[0]});  // newest first
  CHECK(std::string(d["more"].GetString()).empty());  // Data 2.5.s2.table1.row2
  // Communication 2.1.3.s2.b4: an empty result is not an error.
  d = ParseJson(lrs.Call("GET", "statements?verb=http%3A%2F%2Fexample.com%2Fnone").body);
  CHECK(d["statements"].Empty());
  CHECK(d.HasMember("more"));
}

TEST_CASE("Data 2.5: more IRLs page through the results with the same rules",
          "[statements][query][paging]") {
  Lrs lrs;
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i)
    ids.push_back(lrs.Post(Statement("a@example.com", kVerb, kActivity))[0]);
  std::vector<std::string> got;
  http::Response r = lrs.Call("GET", "statements?limit=2&ascending=true");
  for (int page = 0; page < 10; ++page) {
    REQUIRE(r.status == 200);
    CHECK(r.headers.Get("X-Experience-API-Consistent-Through").has_value());
    auto d = ParseJson(r.body);
    auto some = Ids(d);
    CHECK(some.size() <= 2);
    got.insert(got.end(), some.begin(), some.end());
    if (std::string(d["more"].GetString()).empty()) break;
    r = lrs.Call("GET", MoreTarget(d));
  }
  CHECK(got == ids);
  // A bad or altered token is 400; more takes no other parameters.
  CHECK(lrs.Call("GET", "statements?more=jAAAA").status == 400);
  CHECK(lrs.Call("GET", "statements?more=xyz").status == 400);
  CHECK(lrs.Call("GET", "statements?more=").status == 400);
  auto d = ParseJson(lrs.Call("GET", "statements?limit=1").body);
  CHECK(lrs.Call("GET", MoreTarget(d) + "&limit=3").status == 400);
}

TEST_CASE("Communication 2.1.3: the filters select statements", "[statements][query]") {
  Lrs lrs;
  const std::string reg = "ec531277-b57b-4c15-8d91-d292c5b2b8f7";
  auto a = lrs.Post(Statement("a@example.com", kVerb, kActivity,
                              "\"context\":{\"registration\":\"" + reg + "\",\"instructor\":" +
                                  Agent("teacher@example.com") + "}"))[0];
  auto b = lrs.Post(Statement("b@example.com", "http://example.com/verbs/other",
                              "http://example.com/activities/2"))[0];
  auto q = [&](const std::string& query) {
    http::Response r = lrs.Call("GET", "statements?" + query);
    INFO(query << " -> " << r.body);
    REQUIRE(r.status == 200);
    return Ids(ParseJson(r.body));
  };
  using V = std::vector<std::string>;
  CHECK(q("agent=" + http::UrlEncode(Agent("a@example.com"))) == V{a});
  CHECK(q("verb=" + http::UrlEncode(kVerb)) == V{a});
  CHECK(q("activity=" + http::UrlEncode("http://example.com/activities/2")) == V{b});
  CHECK(q("registration=" + reg) == V{a});
  CHECK(q("agent=" + http::UrlEncode(Agent("teacher@example.com"))).empty());
  const std::string teacher = http::UrlEncode(Agent("teacher@example.com"));
  CHECK(q("agent=" + teacher + "&related_agents=true") == V{a});
  CHECK(q("since=2000-01-01T00:00:00Z&until=2999-01-01T00:00:00%2B01:00") == V{b, a});
  CHECK(q("until=2000-01-01T00:00:00Z").empty());
  CHECK(q("limit=0") == V{b, a});  // 0: the server's maximum
  CHECK(q("limit=1") == V{b});
  CHECK(q("limit=99999999999999999999") == V{b, a});
}

TEST_CASE("Communication 2.1.3: malformed query parameters are 400", "[statements][query]") {
  Lrs lrs;
  for (const char* query :
       {"agent=notjson", "agent=%7B%7D", "agent=%7B%22mbox%22%3A%22a%40example.com%22%7D",
        "verb=not%20an%20iri", "activity=relative/iri", "registration=1234",
        "related_agents=yes", "related_activities=1", "since=2020-01-01T00:00:00",
        "since=yesterday", "until=2020-13-01T00:00:00Z", "limit=-1", "limit=ten", "limit=",
        "format=full", "attachments=TRUE", "ascending=0"}) {
    INFO(query);
    http::Response r = lrs.Call("GET", std::string("statements?") + query);
    CHECK(r.status == 400);
    CHECK(ParseJson(r.body)["error"]["status"].GetInt() == 400);
  }
}

TEST_CASE("Malformed query parameters: the error body is UTF-8 JSON whatever the bytes sent "
          "(found by query_fuzz)",
          "[statements][query]") {
  Lrs lrs;
  // A parameter name or value that is not UTF-8 is quoted in the message.
  for (const char* query : {"mor%C9=1", "verb=%FF%FE", "since=%ED%A0%80", "x%F4%90%80%80=1"}) {
    INFO(query);
    http::Response r = lrs.Call("GET", std::string("statements?") + query);
    CHECK(r.status == 400);
    json::Document d;
    REQUIRE(json::Parse(r.body, &d).ok());
  }
  json::Document d;
  REQUIRE(json::Parse(lrs.Call("GET", "statements?mor%C9=1").body, &d).ok());
  CHECK(std::string(d["error"]["message"].GetString()) ==
        "mor\xEF\xBF\xBD: unknown parameter for this resource");
}

TEST_CASE("Communication 2.1.3.s2.b5: X-Experience-API-Consistent-Through on every GET",
          "[statements][query]") {
  Lrs lrs;
  lrs.Post(Statement("a@example.com", kVerb, kActivity));
  for (const char* target : {"statements", "statements?limit=1", "statements?LIMIT=1",
                             "statements?statementId=00000000-0000-4000-8000-000000000000",
                             "statements?since=bad", "statements?attachments=true"}) {
    INFO(target);
    http::Response r = lrs.Call("GET", target);
    auto h = r.headers.Get("X-Experience-API-Consistent-Through");
    REQUIRE(h);
    ParsedTime t;
    CHECK(ParseIso8601(*h, &t));
    CHECK(t.has_offset);
  }
  // 2.0.0: "on all responses to Statements Resource requests".
  CHECK(lrs.Call("POST", "statements", Statement("a@example.com", kVerb, kActivity))
            .headers.Get("X-Experience-API-Consistent-Through"));
  CHECK(lrs.Call("PUT", "statements", "{}").headers.Get("X-Experience-API-Consistent-Through"));
}

TEST_CASE("Communication 2.1.3: format=ids and format=canonical with Accept-Language",
          "[statements][query][format]") {
  Lrs lrs;
  const std::string s =
      "{\"actor\":" + Agent("a@example.com", "Alice") + ",\"verb\":{\"id\":\"" + kVerb +
      "\",\"display\":{\"en-US\":\"completed\",\"fr-FR\":\"a fini\"}},\"object\":{\"id\":\"" +
      kActivity + "\",\"definition\":{\"name\":{\"en-US\":\"One\",\"fr-FR\":\"Un\"}}}}";
  auto id = lrs.Post(s)[0];
  auto d = ParseJson(lrs.Call("GET", "statements?format=ids").body);
  const json::Value& st = d["statements"][0];
  CHECK_FALSE(st["actor"].HasMember("name"));
  CHECK_FALSE(st["verb"].HasMember("display"));
  CHECK_FALSE(st["object"].HasMember("definition"));

  http::Response r = lrs.Call("GET", "statements?format=canonical&statementId=" + id, "",
                              {{"Accept-Language", "fr-FR, en;q=0.5"}});
  REQUIRE(r.status == 200);
  auto c = ParseJson(r.body);
  CHECK(c["verb"]["display"].MemberCount() == 1);
  CHECK(c["verb"]["display"].HasMember("fr-FR"));
  CHECK(c["object"]["definition"]["name"].HasMember("fr-FR"));
  // Without format=canonical every language is returned.
  auto e = ParseJson(lrs.Call("GET", "statements?statementId=" + id, "",
                              {{"Accept-Language", "fr-FR"}}).body);
  CHECK(e["verb"]["display"].MemberCount() == 2);
}

TEST_CASE("Communication 4.1 scopes: statements/write is needed to PUT and POST",
          "[statements][scopes]") {
  Lrs lrs;
  lrs.who.scopes = auth::kStatementsRead | auth::kState;
  http::Response r = lrs.Call("POST", "statements", Statement("a@example.com", kVerb, kActivity));
  CHECK(r.status == 403);
  CHECK(r.body.find("statements/write") != std::string::npos);
  CHECK(lrs.Call("PUT", "statements?statementId=00000000-0000-4000-8000-000000000000",
                 Statement("a@example.com", kVerb, kActivity))
            .status == 403);
  CHECK(lrs.Call("GET", "statements").status == 200);
}

TEST_CASE("Communication 4.1 scopes: statements/read (or all/read) is needed to GET",
          "[statements][scopes]") {
  Lrs lrs;
  lrs.who.scopes = auth::kStatementsWrite;
  auto id = lrs.Post(Statement("a@example.com", kVerb, kActivity))[0];
  CHECK(lrs.Call("GET", "statements").status == 403);
  CHECK(lrs.Call("GET", "statements?statementId=" + id).status == 403);
  CHECK(lrs.Call("HEAD", "statements").status == 403);
  lrs.who.scopes = auth::kAllRead;
  CHECK(lrs.Call("GET", "statements?statementId=" + id).status == 200);
}

TEST_CASE("Communication 4.1 scopes: statements/read/mine sees only its own statements",
          "[statements][scopes]") {
  Lrs lrs;
  const std::string me = lrs.who.authority_json;
  auto mine1 = lrs.Post(Statement("a@example.com", kVerb, kActivity))[0];
  lrs.who.authority_json = Agent("someone-else@example.com");
  auto theirs = lrs.Post(Statement("a@example.com", kVerb, kActivity))[0];
  lrs.who.authority_json = me;
  auto mine2 = lrs.Post(Statement("b@example.com", kVerb, kActivity))[0];

  lrs.who.scopes = auth::kStatementsReadMine | auth::kStatementsWrite;
  auto d = ParseJson(lrs.Call("GET", "statements").body);
  CHECK(Ids(d) == std::vector<std::string>{mine2, mine1});
  const std::string agent = http::UrlEncode(Agent("a@example.com"));
  d = ParseJson(lrs.Call("GET", "statements?agent=" + agent).body);
  CHECK(Ids(d) == std::vector<std::string>{mine1});
  CHECK(lrs.Call("GET", "statements?statementId=" + mine1).status == 200);
  CHECK(lrs.Call("GET", "statements?statementId=" + theirs).status == 404);
  // Paging keeps the restriction.
  d = ParseJson(lrs.Call("GET", "statements?limit=1").body);
  CHECK(Ids(d) == std::vector<std::string>{mine2});
  d = ParseJson(lrs.Call("GET", MoreTarget(d)).body);
  CHECK(Ids(d) == std::vector<std::string>{mine1});
  // A credential for read/mine without an authority sees nothing.
  lrs.who.authority_json.clear();
  CHECK(lrs.Call("GET", "statements").status == 403);
}

}  // namespace
}  // namespace lrs
