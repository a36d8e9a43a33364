// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The statement resource over HTTP values (xAPI Communication 2.1): PUT,
// POST, GET of single statements, parameters, content types, methods.
// Queries and paging: statements_query_test.cc; attachments:
// statements_attachments_test.cc; signatures: statements_signature_test.cc.

#include <catch2/catch.hpp>

#include "lrs/api/context.h"
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

const std::string kId = "d0c5ee66-8d3a-4a9e-8f5c-1a2b3c4d5e6f";

std::string WithId(const std::string& id, const std::string& actor = "a@example.com") {
  return Statement(actor, kVerb, kActivity, "\"id\":\"" + id + "\"");
}

TEST_CASE("Communication 2.1.1: PUT stores a statement and answers 204 No Content",
          "[statements]") {
  Lrs lrs;
  http::Response r = lrs.Call("PUT", "statements?statementId=" + kId, WithId(kId));
  INFO(r.body);
  CHECK(r.status == 204);
  CHECK(r.body.empty());
  r = lrs.Call("GET", "statements?statementId=" + kId);
  REQUIRE(r.status == 200);
  auto d = ParseJson(r.body);
  CHECK(std::string(d["id"].GetString()) == kId);
  // The credential's authority replaces any in the statement (Data 2.4.9).
  CHECK(json::Equal(d["authority"], ParseJson(lrs.who.authority_json)));
  // A statement without an id takes statementId.
  const std::string id2 = "0f4b1e2c-3d5a-4b6c-8d7e-9f0a1b2c3d4e";
  r = lrs.Call("PUT", "statements?statementId=" + id2,
               Statement("b@example.com", kVerb, kActivity));
  CHECK(r.status == 204);
  CHECK(lrs.Call("GET", "statements?statementId=" + id2).status == 200);
}

TEST_CASE("Communication 2.1.1: PUT without a statementId parameter is 400", "[statements]") {
  Lrs lrs;
  CHECK(lrs.Call("PUT", "statements", WithId(kId)).status == 400);
  // Communication 3.2.s3.b8: parameter names are case-sensitive.
  CHECK(lrs.Call("PUT", "statements?StatementId=" + kId, WithId(kId)).status == 400);
  CHECK(lrs.Call("PUT", "statements?statementId=not-a-uuid", WithId(kId)).status == 400);
}

TEST_CASE("Communication 2.1.1: PUT with a differing id in the body is 400", "[statements]") {
  Lrs lrs;
  http::Response r = lrs.Call("PUT", "statements?statementId=" + kId,
                              WithId("11111111-2222-4333-8444-555555555555"));
  CHECK(r.status == 400);
  CHECK(r.body.find("\"field\":\"id\"") != std::string::npos);
  // Nothing was stored under either id.
  CHECK(lrs.Call("GET", "statements?statementId=" + kId).status == 404);
}

TEST_CASE("Communication 2.1.1: PUT of a batch, malformed JSON or an invalid statement is 400",
          "[statements]") {
  Lrs lrs;
  CHECK(lrs.Call("PUT", "statements?statementId=" + kId, "[" + WithId(kId) + "]").status == 400);
  CHECK(lrs.Call("PUT", "statements?statementId=" + kId, "{\"actor\":").status == 400);
  CHECK(lrs.Call("PUT", "statements?statementId=" + kId, "").status == 400);
  http::Response r = lrs.Call("PUT", "statements?statementId=" + kId,
                              "{\"id\":\"" + kId + "\",\"verb\":{\"id\":\"" + kVerb +
                                  "\"},\"object\":{\"id\":\"" + kActivity + "\"}}");
  CHECK(r.status == 400);
  CHECK(r.body.find("actor") != std::string::npos);  // the message names the rule
}

TEST_CASE("Communication 2.1.1.s2: an equal statement again is 204, a different one 409",
          "[statements]") {
  Lrs lrs;
  REQUIRE(lrs.Call("PUT", "statements?statementId=" + kId, WithId(kId)).status == 204);
  CHECK(lrs.Call("PUT", "statements?statementId=" + kId, WithId(kId)).status == 204);
  CHECK(lrs.Call("PUT", "statements?statementId=" + kId, WithId(kId, "other@example.com")).status ==
        409);
  CHECK(lrs.Call("POST", "statements", WithId(kId, "other@example.com")).status == 409);
  // The stored statement did not change (Communication 2.1.1.s2.b2).
  auto d = ParseJson(lrs.Call("GET", "statements?statementId=" + kId).body);
  CHECK(std::string(d["actor"]["mbox"].GetString()) == "mailto:a@example.com");
}

TEST_CASE("Communication 2.1.2: POST answers 200 with the statement ids in order", "[statements]") {
  Lrs lrs;
  http::Response r = lrs.Call("POST", "statements", Statement("a@example.com", kVerb, kActivity));
  REQUIRE(r.status == 200);
  CHECK(r.headers.Get("Content-Type") == "application/json");
  auto one = ParseJson(r.body);
  REQUIRE(one.IsArray());
  REQUIRE(one.Size() == 1);
  CHECK(lrs.Call("GET", std::string("statements?statementId=") + one[0].GetString()).status == 200);

  auto ids = lrs.Post("[" + WithId(kId) + "," + Statement("b@example.com", kVerb, kActivity) + "]");
  REQUIRE(ids.size() == 2);
  CHECK(ids[0] == kId);
  CHECK(ids[1].size() == 36);
  CHECK(lrs.Post("[]").empty());
}

TEST_CASE("Communication 2.1.2 / 3.2.s3.b9: a batch with one bad statement stores nothing",
          "[statements]") {
  Lrs lrs;
  const std::string good = WithId(kId);
  const std::string bad = "{\"actor\":" + Agent("b@example.com") + ",\"verb\":{\"id\":\"nope\"}," +
                          "\"object\":{\"id\":\"" + kActivity + "\"}}";
  http::Response r = lrs.Call("POST", "statements", "[" + good + "," + bad + "]");
  CHECK(r.status == 400);
  CHECK(r.body.find("[1].verb") != std::string::npos);
  CHECK(lrs.Call("GET", "statements?statementId=" + kId).status == 404);
  // The same id twice in one batch (Communication 2.1.2.s2.b6).
  CHECK(lrs.Call("POST", "statements", "[" + good + "," + good + "]").status == 400);
}

TEST_CASE("Communication 3.2.s2.b1: unknown parameters are 400 on every method", "[statements]") {
  Lrs lrs;
  CHECK(lrs.Call("POST", "statements?foo=bar", WithId(kId)).status == 400);
  CHECK(lrs.Call("POST", "statements?statementId=" + kId, WithId(kId)).status == 400);
  CHECK(lrs.Call("PUT", "statements?statementId=" + kId + "&foo=1", WithId(kId)).status == 400);
  CHECK(lrs.Call("GET", "statements?foo=bar").status == 400);
  CHECK(lrs.Call("GET", "statements?LIMIT=1").status == 400);
  CHECK(lrs.Call("GET", "statements?Verb=" + std::string(kVerb)).status == 400);
  CHECK(lrs.Call("GET", "statements?limit=1&limit=2").status == 400);
}

TEST_CASE("Communication 1.5.1: PUT and POST bodies are application/json or multipart/mixed",
          "[statements][content-type]") {
  Lrs lrs;
  const std::string s = Statement("a@example.com", kVerb, kActivity);
  CHECK(lrs.Call("POST", "statements", s, {{"Content-Type", "multipart/form-data; boundary=x"}})
            .status == 400);
  CHECK(lrs.Call("POST", "statements", s, {{"Content-Type", "text/plain"}}).status == 400);
  CHECK(lrs.Call("PUT", "statements?statementId=" + kId, WithId(kId),
                 {{"Content-Type", "application/x-www-form-urlencoded"}})
            .status == 400);
  CHECK(lrs.Call("POST", "statements", s, {{"Content-Type", "application/json; charset=UTF-8"}})
            .status == 200);
  CHECK(lrs.Call("POST", "statements", s, {{"Content-Type", "Application/JSON"}}).status == 200);
  // No Content-Type at all.
  http::Request req;
  req.method = "POST";
  req.path = "/xapi/statements";
  req.headers.Set("X-Experience-API-Version", "2.0.0");
  req.body = s;
  CHECK(api::XapiService(lrs.store(), {"/xapi"}).Handle(req, lrs.who).status == 400);
}

TEST_CASE("Communication 2.1.3: GET statementId returns the statement, with Last-Modified",
          "[statements]") {
  Lrs lrs;
  REQUIRE(lrs.Call("PUT", "statements?statementId=" + kId, WithId(kId)).status == 204);
  http::Response r = lrs.Call("GET", "statements?statementId=" + kId);
  REQUIRE(r.status == 200);
  CHECK(r.headers.Get("Content-Type") == "application/json");
  auto d = ParseJson(r.body);
  ParsedTime stored;
  REQUIRE(ParseIso8601(d["stored"].GetString(), &stored));
  auto lm = r.headers.Get("Last-Modified");
  REQUIRE(lm);
  CHECK(*lm == api::HttpDate(stored.micros / 1000));  // to the second
  // Upper-case UUID digits name the same statement (Data 2.3.1).
  std::string upper = kId;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CHECK(lrs.Call("GET", "statements?statementId=" + upper).status == 200);
}

TEST_CASE("Communication 2.1.3: an unknown statementId is 404, a malformed one 400",
          "[statements]") {
  Lrs lrs;
  CHECK(lrs.Call("GET", "statements?statementId=" + kId).status == 404);
  CHECK(lrs.Call("GET", "statements?voidedStatementId=" + kId).status == 404);
  CHECK(lrs.Call("GET", "statements?statementId=xyz").status == 400);
}

TEST_CASE("Communication 2.1.3.s2.b2: only attachments and format may accompany statementId",
          "[statements]") {
  Lrs lrs;
  REQUIRE(lrs.Call("PUT", "statements?statementId=" + kId, WithId(kId)).status == 204);
  const std::string base = "statements?statementId=" + kId;
  for (const char* extra :
       {"&agent=%7B%22mbox%22%3A%22mailto%3Aa%40example.com%22%7D", "&verb=http%3A%2F%2Fx.org%2Fv",
        "&activity=http%3A%2F%2Fx.org%2Fa", "&registration=" "d0c5ee66-8d3a-4a9e-8f5c-1a2b3c4d5e6f",
        "&related_activities=true", "&related_agents=true", "&since=2020-01-01T00:00:00Z",
        "&until=2030-01-01T00:00:00Z", "&limit=1", "&ascending=true"}) {
    INFO(extra);
    CHECK(lrs.Call("GET", base + extra).status == 400);
    CHECK(lrs.Call("GET", "statements?voidedStatementId=" + kId + extra).status == 400);
  }
  CHECK(lrs.Call("GET", base + "&format=ids").status == 200);
  CHECK(lrs.Call("GET", base + "&attachments=false").status == 200);
  CHECK(lrs.Call("GET", base + "&format=exact&attachments=false").status == 200);
  CHECK(lrs.Call("GET", base + "&voidedStatementId=" + kId).status == 400);
  CHECK(lrs.Call("GET", base + "&format=full").status == 400);
  CHECK(lrs.Call("GET", base + "&attachments=yes").status == 400);
}

TEST_CASE("Communication 2.1.4: a voided statement is returned only by voidedStatementId",
          "[statements][voiding]") {
  Lrs lrs;
  REQUIRE(lrs.Call("PUT", "statements?statementId=" + kId, WithId(kId)).status == 204);
  CHECK(lrs.Call("GET", "statements?voidedStatementId=" + kId).status == 404);  // not voided yet
  const std::string voiding =
      "{\"actor\":" + Agent("a@example.com") +
      ",\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/voided\","
      "\"display\":{\"en-US\":\"voided\"}}"
      ",\"object\":{\"objectType\":\"StatementRef\",\"id\":\"" + kId + "\"}}";
  auto ids = lrs.Post(voiding);
  CHECK(lrs.Call("GET", "statements?statementId=" + kId).status == 404);
  http::Response r = lrs.Call("GET", "statements?voidedStatementId=" + kId);
  REQUIRE(r.status == 200);
  CHECK(std::string(ParseJson(r.body)["id"].GetString()) == kId);
  // Queries never list it, but do list the voiding statement.
  auto page = ParseJson(lrs.Call("GET", "statements").body);
  REQUIRE(page["statements"].Size() == 1);
  CHECK(std::string(page["statements"][0]["id"].GetString()) == ids[0]);
}

TEST_CASE("Communication 1.1: HEAD answers as GET does (the server drops the body)",
          "[statements][head]") {
  Lrs lrs;
  REQUIRE(lrs.Call("PUT", "statements?statementId=" + kId, WithId(kId)).status == 204);
  for (std::string target : {std::string("statements"), "statements?statementId=" + kId,
                             "statements?statementId=" + std::string(36, '0'),
                             std::string("statements?x=1")}) {
    INFO(target);
    http::Response g = lrs.Call("GET", target);
    http::Response h = lrs.Call("HEAD", target);
    CHECK(h.status == g.status);
    CHECK(h.headers.Get("Content-Type") == g.headers.Get("Content-Type"));
    CHECK(h.headers.Get("Last-Modified") == g.headers.Get("Last-Modified"));
    CHECK(h.headers.Get("X-Experience-API-Consistent-Through").has_value());
  }
}

TEST_CASE("Communication 2.1: other methods are 405 with Allow", "[statements]") {
  Lrs lrs;
  http::Response r = lrs.Call("DELETE", "statements?statementId=" + kId);
  CHECK(r.status == 405);
  CHECK(r.headers.Get("Allow") == "GET, HEAD, PUT, POST");
  CHECK(ParseJson(r.body)["error"]["status"].GetInt() == 405);
}

TEST_CASE("Communication 3.3: statements under 1.0.3 are stored and read back", "[statements]") {
  Lrs lrs;
  http::Response r =
      lrs.Call("PUT", "statements?statementId=" + kId, WithId(kId), {}, "1.0.3");
  CHECK(r.status == 204);
  r = lrs.Call("GET", "statements?statementId=" + kId, "", {}, "1.0.3");
  CHECK(r.status == 200);
  CHECK(r.headers.Get("X-Experience-API-Version") == "1.0.3");
}

}  // namespace
}  // namespace lrs
