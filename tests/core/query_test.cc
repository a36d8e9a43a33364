// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Statement queries (Communication 2.1.3): each filter, related_*, groups,
// StatementRef targets, time range, order, paging, formats.

#include <catch2/catch.hpp>

#include <set>

#include "lrs/clock.h"
#include "lrs/json/json.h"
#include "tests/support/test_util.h"

namespace lrs {
namespace {

using testing::Agent;
using testing::Statement;
using testing::TestStore;

constexpr const char* kDone = "http://adlnet.gov/expapi/verbs/completed";
constexpr const char* kTried = "http://adlnet.gov/expapi/verbs/attempted";
constexpr const char* kA1 = "http://example.com/a/1";
constexpr const char* kA2 = "http://example.com/a/2";
constexpr const char* kCourse = "http://example.com/course";

class ManualClock : public Clock {
 public:
  std::int64_t NowMicros() override { return now_us; }
  std::int64_t now_us = 1700000000000000;  // 2023-11-14
};

std::string Id(const std::string& json) {
  json::Document d;
  REQUIRE(json::Parse(json, &d).ok());
  return d["id"].GetString();
}

std::vector<std::string> Ids(const StatementPage& p) {
  std::vector<std::string> r;
  for (auto& s : p.statements) r.push_back(Id(s));
  return r;
}

std::vector<std::string> Run(TestStore& ts, StatementQuery q) {
  StatementPage page;
  Status s = ts->QueryStatements(q, &page);
  REQUIRE(s.ok());
  return Ids(page);
}

std::string Put(TestStore& ts, const std::string& stmt) {
  std::vector<std::string> ids;
  Status s = ts->PutStatements({}, stmt, &ids);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return ids[0];
}

TEST_CASE("Communication 2.1.3: verb, activity, agent and registration filters", "[query]") {
  TestStore ts;
  const std::string reg = "6b2a4b9e-1c1e-4f6a-9a3e-2d2b1a0c9f10";
  std::string s1 = Put(ts, Statement("ana@example.com", kDone, kA1));
  std::string s2 = Put(ts, Statement("bob@example.com", kTried, kA1,
                                     "\"context\":{\"registration\":\"" + reg + "\"}"));
  std::string s3 = Put(ts, Statement("ana@example.com", kTried, kA2));
  StatementQuery q;
  q.verb = kTried;
  CHECK(Run(ts, q) == std::vector<std::string>{s3, s2});  // newest first
  q = {};
  q.activity = kA1;
  CHECK(Run(ts, q) == std::vector<std::string>{s2, s1});
  q = {};
  q.agent = Agent("ana@example.com");
  CHECK(Run(ts, q) == std::vector<std::string>{s3, s1});
  q.verb = kTried;
  CHECK(Run(ts, q) == std::vector<std::string>{s3});
  q = {};
  q.registration = "6B2A4B9E-1C1E-4F6A-9A3E-2D2B1A0C9F10";  // UUIDs compare case-insensitively
  CHECK(Run(ts, q) == std::vector<std::string>{s2});
  q = {};
  q.verb = "http://example.com/never-used";
  CHECK(Run(ts, q).empty());
  q = {};
  q.verb = "not an iri";
  StatementPage page;
  CHECK(ts->QueryStatements(q, &page).IsInvalidArgument());
  q = {};
  q.agent = "{\"mbox\":\"ana@example.com\"}";
  CHECK(ts->QueryStatements(q, &page).IsInvalidArgument());
}

TEST_CASE("Communication 2.1.3: related_activities and related_agents", "[query]") {
  TestStore ts;
  std::string ctx = "\"context\":{\"contextActivities\":{\"parent\":{\"id\":\"" + std::string(kCourse) +
                    "\"}},\"instructor\":" + Agent("teacher@example.com") + "}";
  std::string s1 = Put(ts, Statement("ana@example.com", kDone, kA1, ctx));
  std::string s2 = Put(ts, Statement("bob@example.com", kDone, kCourse));
  StatementQuery q;
  q.activity = kCourse;
  CHECK(Run(ts, q) == std::vector<std::string>{s2});
  q.related_activities = true;
  CHECK(Run(ts, q) == std::vector<std::string>{s2, s1});
  q = {};
  q.agent = Agent("teacher@example.com");
  CHECK(Run(ts, q).empty());
  q.related_agents = true;
  CHECK(Run(ts, q) == std::vector<std::string>{s1});
}

TEST_CASE("Communication 2.1.3: a group's members match the agent filter", "[query]") {
  TestStore ts;
  std::string group = "{\"objectType\":\"Group\",\"name\":\"Team\",\"member\":[" +
                      Agent("ana@example.com") + "," + Agent("bob@example.com") + "]}";
  std::string s1 = Put(ts, "{\"actor\":" + group + ",\"verb\":{\"id\":\"" + kDone +
                               "\"},\"object\":{\"id\":\"" + kA1 + "\"}}");
  StatementQuery q;
  q.agent = Agent("bob@example.com");
  CHECK(Run(ts, q) == std::vector<std::string>{s1});
}

TEST_CASE("Communication 2.1.3.s3: statements targeting a match also match, recursively", "[query][refs]") {
  TestStore ts;
  std::string target = Put(ts, Statement("ben@example.com", kDone, kA1));
  auto ref = [](const std::string& id) {
    return "{\"actor\":" + Agent("andrew@example.com") +
           ",\"verb\":{\"id\":\"http://example.com/confirmed\"},\"object\":{\"objectType\":"
           "\"StatementRef\",\"id\":\"" + id + "\"}}";
  };
  std::string r1 = Put(ts, ref(target));
  std::string r2 = Put(ts, ref(r1));
  StatementQuery q;
  q.agent = Agent("ben@example.com");
  CHECK(Run(ts, q) == std::vector<std::string>{r2, r1, target});
  q = {};
  q.activity = kA1;
  CHECK(Run(ts, q) == std::vector<std::string>{r2, r1, target});
  // A reference stored before its target gains the target's terms on arrival.
  std::string later = "aaaaaaaa-0000-4000-8000-000000000001";
  std::string early = Put(ts, ref(later));
  REQUIRE(ts->PutStatement({}, later, Statement("zed@example.com", kTried, kA2)).ok());
  q = {};
  q.activity = kA2;
  CHECK(Run(ts, q) == std::vector<std::string>{later, early});
}

TEST_CASE("Communication 2.1.3: since, until, ascending, limit and more", "[query][paging]") {
  ManualClock clock;
  Options o;
  o.clock = &clock;
  TestStore ts(o);
  std::vector<std::string> ids;
  for (int i = 0; i < 25; ++i) {
    clock.now_us += 1000000;  // one second apart
    ids.push_back(Put(ts, Statement("u" + std::to_string(i) + "@example.com", kDone, kA1)));
  }
  // since is exclusive, until inclusive: stored of ids[i] is base + (i+1) s.
  StatementQuery q;
  q.since = "2023-11-14T22:13:25.000Z";  // = stored of ids[4]
  q.until = "2023-11-14T22:13:30Z";      // = stored of ids[9]
  q.ascending = true;
  CHECK(Run(ts, q) == std::vector<std::string>(ids.begin() + 5, ids.begin() + 10));

  // Paging: limit 4 through all 25, newest first, while new statements arrive.
  q = {};
  q.limit = 4;
  q.verb = kDone;
  StatementPage page;
  REQUIRE(ts->QueryStatements(q, &page).ok());
  std::vector<std::string> all = Ids(page);
  int pages = 1;
  while (!page.more.empty()) {
    clock.now_us += 1000000;
    Put(ts, Statement("late@example.com", kDone, kA1));  // not in this result set
    std::string token = page.more;
    REQUIRE(ts->More(token, &page).ok());
    auto got = Ids(page);
    all.insert(all.end(), got.begin(), got.end());
    ++pages;
  }
  CHECK(pages == 7);
  CHECK(all == std::vector<std::string>(ids.rbegin(), ids.rend()));
  CHECK(page.consistent_through_ms > 0);
  CHECK(ts->More("garbage!", &page).IsInvalidArgument());
}

TEST_CASE("Communication 2.1.3: format=ids and format=canonical", "[query][format]") {
  TestStore ts;
  std::string stmt = "{\"actor\":" + Agent("ana@example.com", "Ana") + ",\"verb\":{\"id\":\"" + kDone +
                     "\",\"display\":{\"en-US\":\"completed\",\"fr-FR\":\"a terminé\"}},\"object\":{\"id\":\"" +
                     kA1 + "\",\"definition\":{\"name\":{\"en-US\":\"One\",\"fr-FR\":\"Un\"}}}}";
  Put(ts, stmt);
  StatementQuery q;
  q.format = StatementFormat::kIds;
  StatementPage page;
  REQUIRE(ts->QueryStatements(q, &page).ok());
  json::Document d;
  REQUIRE(json::Parse(page.statements[0], &d).ok());
  CHECK(!d["actor"].HasMember("name"));
  CHECK(!d["verb"].HasMember("display"));
  CHECK(!d["object"].HasMember("definition"));
  q.format = StatementFormat::kCanonical;
  q.languages = {"fr-FR"};
  REQUIRE(ts->QueryStatements(q, &page).ok());
  REQUIRE(json::Parse(page.statements[0], &d).ok());
  CHECK(d["object"]["definition"]["name"].MemberCount() == 1);
  CHECK(std::string(d["object"]["definition"]["name"]["fr-FR"].GetString()) == "Un");
  CHECK(d["verb"]["display"].MemberCount() == 1);
}

}  // namespace
}  // namespace lrs
