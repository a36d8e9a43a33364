// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The authority filter of StatementQuery and StatementGet, which serves
// credentials limited to statements/read/mine (xAPI Communication 4.1 scope
// list): only statements whose authority is the principal's are visible,
// across pages and together with the other filters.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "lrs/json/json.h"
#include "tests/support/test_util.h"

namespace lrs {
namespace {

using testing::Agent;
using testing::Statement;
using testing::TestStore;

constexpr const char* kDone = "http://adlnet.gov/expapi/verbs/completed";
constexpr const char* kA1 = "http://example.com/a/1";

const std::string kAlice = Agent("alice-app@example.com", "Alice's app");
const std::string kBob = Agent("bob-app@example.com");
const std::string kApp =
    "{\"objectType\":\"Group\",\"member\":[" + Agent("user@example.com") +
    ",{\"objectType\":\"Agent\","
    "\"account\":{\"homePage\":\"http://example.com\",\"name\":\"app\"}}]}";

std::string PutAs(TestStore& ts, const std::string& authority, const std::string& stmt) {
  StatementWrite w;
  w.authority = authority;
  std::vector<std::string> ids;
  Status s = ts->PutStatements(w, stmt, &ids);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return ids[0];
}

std::vector<std::string> Ids(const StatementPage& p) {
  std::vector<std::string> r;
  for (const auto& s : p.statements) {
    json::Document d;
    REQUIRE(json::Parse(s, &d).ok());
    r.push_back(d["id"].GetString());
  }
  return r;
}

TEST_CASE("statements/read/mine: a query sees only statements of its authority",
          "[query][authority]") {
  TestStore ts;
  std::string a1 = PutAs(ts, kAlice, Statement("x@example.com", kDone, kA1));
  std::string b1 = PutAs(ts, kBob, Statement("x@example.com", kDone, kA1));
  std::string a2 = PutAs(ts, kAlice, Statement("y@example.com", kDone, kA1));
  // An OAuth-style authority (anonymous Group: user + app), carried by the
  // statement itself (embedded use without a credential authority).
  std::string g1 = PutAs(ts, "", Statement("y@example.com", kDone, kA1, "\"authority\":" + kApp));

  StatementQuery q;
  q.authority = kAlice;
  StatementPage page;
  REQUIRE(ts->QueryStatements(q, &page).ok());
  CHECK(Ids(page) == std::vector<std::string>{a2, a1});

  q.authority = kApp;  // an anonymous Group (OAuth app + user)
  REQUIRE(ts->QueryStatements(q, &page).ok());
  CHECK(Ids(page) == std::vector<std::string>{g1});

  q.authority = kAlice;  // with another filter
  q.agent = Agent("y@example.com");
  REQUIRE(ts->QueryStatements(q, &page).ok());
  CHECK(Ids(page) == std::vector<std::string>{a2});

  q.agent.reset();
  q.authority = Agent("nobody@example.com");  // never an authority
  REQUIRE(ts->QueryStatements(q, &page).ok());
  CHECK(page.statements.empty());
  (void)b1;
}

TEST_CASE("statements/read/mine: the filter holds across more pages",
          "[query][authority][paging]") {
  TestStore ts;
  std::vector<std::string> mine;
  for (int i = 0; i < 5; ++i) {
    mine.push_back(PutAs(ts, kAlice, Statement("x@example.com", kDone, kA1)));
    PutAs(ts, kBob, Statement("x@example.com", kDone, kA1));
  }
  StatementQuery q;
  q.authority = kAlice;
  q.limit = 2;
  q.ascending = true;
  std::vector<std::string> got;
  StatementPage page;
  REQUIRE(ts->QueryStatements(q, &page).ok());
  for (int guard = 0; guard < 10; ++guard) {
    for (auto& id : Ids(page)) got.push_back(id);
    if (page.more.empty()) break;
    std::string token = page.more;
    REQUIRE(ts->More(token, &page).ok());
  }
  CHECK(got == mine);
}

TEST_CASE("statements/read/mine: a single fetch of another authority's statement is NotFound",
          "[statements][authority]") {
  TestStore ts;
  std::string a1 = PutAs(ts, kAlice, Statement("x@example.com", kDone, kA1));
  std::string b1 = PutAs(ts, kBob, Statement("x@example.com", kDone, kA1));
  StatementGet g;
  g.authority = kAlice;
  std::string json;
  g.id = a1;
  CHECK(ts->GetStatement(g, &json, nullptr).ok());
  g.id = b1;
  CHECK(ts->GetStatement(g, &json, nullptr).IsNotFound());
  g.authority = "{not json";
  CHECK(ts->GetStatement(g, &json, nullptr).IsInvalidArgument());
}

}  // namespace
}  // namespace lrs
