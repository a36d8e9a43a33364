// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Statement storage through the public API: ids, immutability, voiding,
// batches, authority, attachments, durability across reopen, limits.

#include <catch2/catch.hpp>

#include <set>
#include <thread>

#include "lrs/json/json.h"
#include "tests/support/test_util.h"

namespace lrs {
namespace {

using testing::Agent;
using testing::Statement;
using testing::TestStore;

constexpr const char* kVerb = "http://adlnet.gov/expapi/verbs/completed";
constexpr const char* kAct = "http://example.com/activities/module-3";

json::Document Parse(const std::string& s) {
  json::Document d;
  REQUIRE(json::Parse(s, &d).ok());
  return d;
}

std::string Get(TestStore& ts, const std::string& id, bool voided = false) {
  StatementGet g;
  g.id = id;
  g.voided = voided;
  std::string out;
  Status s = ts->GetStatement(g, &out, nullptr);
  return s.ok() ? out : "";
}

std::string Uuid4(int n) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%08x-0000-4000-8000-%012x", n, n);
  return buf;
}

TEST_CASE("Communication 2.1.2: POST stores a statement and assigns id, stored, timestamp, version",
          "[statements]") {
  TestStore ts;
  std::vector<std::string> ids;
  REQUIRE(ts->PutStatements({}, Statement("ana@example.com", kVerb, kAct), &ids).ok());
  REQUIRE(ids.size() == 1);
  auto d = Parse(Get(ts, ids[0]));
  CHECK(std::string(d["id"].GetString()) == ids[0]);
  CHECK(d.HasMember("stored"));
  // Data 2.4.7.s3.b2: timestamp defaults to stored.
  CHECK(std::string(d["timestamp"].GetString()) == d["stored"].GetString());
  // Data 2.4.10.s3.b3 (2.0.0 request): version set when absent.
  CHECK(std::string(d["version"].GetString()) == "2.0.0");
  CHECK(std::string(d["object"]["id"].GetString()) == kAct);
}

TEST_CASE("Data 2.4.10.s3.b3: a 1.0.3 statement without version gets 1.0.0", "[statements]") {
  TestStore ts;
  StatementWrite w;
  w.version = XapiVersion::k1_0_3;
  std::vector<std::string> ids;
  REQUIRE(ts->PutStatements(w, Statement("ana@example.com", kVerb, kAct), &ids).ok());
  CHECK(std::string(Parse(Get(ts, ids[0]))["version"].GetString()) == "1.0.0");
}

TEST_CASE("Data 2.4.8.s3.b2: stored is overwritten by the LRS", "[statements]") {
  TestStore ts;
  std::vector<std::string> ids;
  REQUIRE(ts->PutStatements({}, Statement("a@example.com", kVerb, kAct,
                                          "\"stored\":\"2001-01-01T00:00:00.000Z\""), &ids).ok());
  CHECK(std::string(Parse(Get(ts, ids[0]))["stored"].GetString()) != "2001-01-01T00:00:00.000Z");
}

TEST_CASE("Communication 2.1.1.s2.b2/b3: same id and same content is accepted, different content "
          "conflicts, and nothing changes", "[statements]") {
  TestStore ts;
  const std::string id = Uuid4(1);
  std::string s1 = Statement("a@example.com", kVerb, kAct, "\"id\":\"" + id + "\"");
  REQUIRE(ts->PutStatement({}, id, s1).ok());
  std::string first = Get(ts, id);
  // Same statement again (id case differs, verb display differs: both allowed by Data 2.3.1).
  std::string again = Statement("a@example.com", kVerb, kAct);
  REQUIRE(ts->PutStatement({}, id, again).ok());
  std::vector<std::string> ids;
  REQUIRE(ts->PutStatements({}, s1, &ids).ok());
  CHECK(ids == std::vector<std::string>{id});
  // Different content: conflict.
  Status s = ts->PutStatement({}, id, Statement("b@example.com", kVerb, kAct));
  CHECK(s.IsConflict());
  CHECK(Get(ts, id) == first);
  StoreStats st;
  REQUIRE(ts->GetStats(&st).ok());
  CHECK(st.statements == 1);
}

TEST_CASE("Communication 2.1.1.s3.b3: PUT id must match the statementId parameter", "[statements]") {
  TestStore ts;
  Status s = ts->PutStatement({}, Uuid4(2), Statement("a@example.com", kVerb, kAct,
                                                      "\"id\":\"" + Uuid4(3) + "\""));
  CHECK(s.IsInvalidArgument());
  CHECK(ts->PutStatement({}, "not-a-uuid", Statement("a@example.com", kVerb, kAct)).IsInvalidArgument());
}

TEST_CASE("Communication 2.1.2.s2.b6: a batch with a repeated id is rejected whole", "[statements]") {
  TestStore ts;
  std::string id = Uuid4(4);
  std::string a = Statement("a@example.com", kVerb, kAct, "\"id\":\"" + id + "\"");
  Status s = ts->PutStatements({}, "[" + a + "," + a + "]", nullptr);
  CHECK(s.IsInvalidArgument());
  CHECK(s.message().find("twice") != std::string::npos);
  CHECK(Get(ts, id).empty());
}

TEST_CASE("Batches are all-or-nothing: one invalid statement stores nothing", "[statements]") {
  TestStore ts;
  std::string good = Statement("a@example.com", kVerb, kAct, "\"id\":\"" + Uuid4(5) + "\"");
  std::string bad = "{\"actor\":{\"mbox\":\"ana@example.com\"},\"verb\":{\"id\":\"" +
                    std::string(kVerb) + "\"},\"object\":{\"id\":\"" + kAct + "\"}}";
  Status s = ts->PutStatements({}, "[" + good + "," + bad + "]", nullptr);
  REQUIRE(s.IsInvalidArgument());
  CHECK(s.message().rfind("[1].actor", 0) == 0);
  CHECK(Get(ts, Uuid4(5)).empty());
  // A conflict inside a batch also stores nothing.
  REQUIRE(ts->PutStatement({}, Uuid4(6), Statement("x@example.com", kVerb, kAct)).ok());
  std::string conflicting = Statement("y@example.com", kVerb, kAct, "\"id\":\"" + Uuid4(6) + "\"");
  CHECK(ts->PutStatements({}, "[" + good + "," + conflicting + "]", nullptr).IsConflict());
  CHECK(Get(ts, Uuid4(5)).empty());
}

TEST_CASE("Bad input: not JSON, wrong shape, too deep, too large", "[statements][limits]") {
  Options o;
  o.max_statement_request_bytes = 4096;
  TestStore ts(o);
  CHECK(ts->PutStatements({}, "{\"actor\":", nullptr).IsInvalidArgument());
  CHECK(ts->PutStatements({}, "42", nullptr).IsInvalidArgument());
  CHECK(ts->PutStatements({}, "[1]", nullptr).IsInvalidArgument());
  CHECK(ts->PutStatements({}, std::string(100, '[') + std::string(100, ']'), nullptr).code() ==
        Status::Code::kInvalidArgument);
  CHECK(ts->PutStatements({}, std::string(5000, ' '), nullptr).code() == Status::Code::kTooLarge);
  CHECK(ts->PutStatements({}, "\"\xff\xfe\"", nullptr).IsInvalidArgument());
  std::vector<std::string> ids;
  CHECK(ts->PutStatements({}, "[]", &ids).ok());
  CHECK(ids.empty());
}

TEST_CASE("Data 2.4.9: the caller's authority replaces the statement's", "[statements]") {
  TestStore ts;
  StatementWrite w;
  w.authority = Agent("lrs-admin@example.com", "Admin");
  std::vector<std::string> ids;
  REQUIRE(ts->PutStatements(w, Statement("a@example.com", kVerb, kAct,
                                         "\"authority\":" + Agent("evil@example.com")), &ids).ok());
  auto d = Parse(Get(ts, ids[0]));
  CHECK(std::string(d["authority"]["mbox"].GetString()) == "mailto:lrs-admin@example.com");
  // Without a caller authority the statement keeps its own.
  REQUIRE(ts->PutStatements({}, Statement("a@example.com", kVerb, kAct,
                                          "\"authority\":" + Agent("own@example.com")), &ids).ok());
  CHECK(std::string(Parse(Get(ts, ids[0]))["authority"]["mbox"].GetString()) ==
        "mailto:own@example.com");
}

TEST_CASE("Data 2.3.2 / Communication 2.1.4: voiding hides a statement from queries", "[statements][voiding]") {
  TestStore ts;
  std::string target = Uuid4(10);
  REQUIRE(ts->PutStatement({}, target, Statement("a@example.com", kVerb, kAct)).ok());
  std::string voiding;
  REQUIRE(ts->VoidStatement({}, target, Agent("admin@example.com"), &voiding).ok());
  CHECK(Get(ts, target).empty());               // 404 by statementId
  CHECK(!Get(ts, target, true).empty());        // found by voidedStatementId
  CHECK(Get(ts, voiding, true).empty());        // the voiding one is not voided
  CHECK(!Get(ts, voiding).empty());

  StatementQuery q;
  q.verb = kVerb;  // the voiding statement matches through its StatementRef
  StatementPage page;
  REQUIRE(ts->QueryStatements(q, &page).ok());
  REQUIRE(page.statements.size() == 1);
  CHECK(std::string(Parse(page.statements[0])["id"].GetString()) == voiding);
}

TEST_CASE("Data 2.3.2.s2.b5: voiding an unknown statement is accepted; it is voided on arrival",
          "[statements][voiding]") {
  TestStore ts;
  std::string target = Uuid4(11);
  REQUIRE(ts->VoidStatement({}, target, Agent("admin@example.com"), nullptr).ok());
  REQUIRE(ts->PutStatement({}, target, Statement("a@example.com", kVerb, kAct)).ok());
  CHECK(Get(ts, target).empty());
  CHECK(!Get(ts, target, true).empty());
}

TEST_CASE("Data 2.3.2: a voiding statement cannot be voided", "[statements][voiding]") {
  TestStore ts;
  std::string target = Uuid4(12), v1;
  REQUIRE(ts->PutStatement({}, target, Statement("a@example.com", kVerb, kAct)).ok());
  REQUIRE(ts->VoidStatement({}, target, Agent("admin@example.com"), &v1).ok());
  REQUIRE(ts->VoidStatement({}, v1, Agent("admin@example.com"), nullptr).ok());
  CHECK(!Get(ts, v1).empty());
  CHECK(Get(ts, v1, true).empty());
  // A voiding statement whose object is not a StatementRef is rejected.
  std::string bad = Statement("a@example.com", "http://adlnet.gov/expapi/verbs/voided", kAct);
  CHECK(ts->PutStatements({}, bad, nullptr).IsInvalidArgument());
}

TEST_CASE("Data 2.4.11 / Communication 1.5.2: attachment data", "[statements][attachments]") {
  TestStore ts;
  const std::string data = "hello attachment";
  const std::string sha2 = "7fa36b95d5c98859ed72b4787f3c28b29eaa103970786755c9711cbb19be631c";
  const std::string wrong = "0f3b3d1b8d2d3e77f0c9b0e7c5b1d1c0d7a9c1e2b7a5b1b9b2c8e3f4a5b6c7d8";
  auto att = [&](const std::string& sha, bool file_url) {
    std::string a = "\"attachments\":[{\"usageType\":\"http://example.com/usage\",\"display\":"
                    "{\"en-US\":\"A\"},\"contentType\":\"text/plain\",\"length\":16,\"sha2\":\"" +
                    sha + "\"";
    if (file_url) a += ",\"fileUrl\":\"http://example.com/file\"";
    return a + "}]";
  };
  // Data that does not hash to its sha2 is rejected.
  StatementWrite bad;
  bad.attachments.push_back({wrong, "text/plain", data});
  Status s = ts->PutStatements(bad, Statement("a@example.com", kVerb, kAct, att(wrong, false)), nullptr);
  CHECK(s.IsInvalidArgument());
  CHECK(s.message().find("does not match") != std::string::npos);
  // Missing data without fileUrl is rejected; with fileUrl it is fine.
  CHECK(ts->PutStatements({}, Statement("a@example.com", kVerb, kAct, att(sha2, false)), nullptr)
            .IsInvalidArgument());
  CHECK(ts->PutStatements({}, Statement("a@example.com", kVerb, kAct, att(sha2, true)), nullptr).ok());
  // Data that belongs to no statement is rejected.
  StatementWrite stray;
  stray.attachments.push_back({sha2, "text/plain", data});
  CHECK(ts->PutStatements(stray, Statement("a@example.com", kVerb, kAct), nullptr).IsInvalidArgument());
  // Stored with its statement and returned on request.
  StatementWrite w;
  w.attachments.push_back({sha2, "text/plain", data});
  std::vector<std::string> ids;
  REQUIRE(ts->PutStatements(w, Statement("a@example.com", kVerb, kAct, att(sha2, false)), &ids).ok());
  StatementGet g;
  g.id = ids[0];
  g.attachments = true;
  std::string json;
  std::vector<AttachmentPayload> payloads;
  REQUIRE(ts->GetStatement(g, &json, &payloads).ok());
  REQUIRE(payloads.size() == 1);
  CHECK(payloads[0].data == data);
  CHECK(payloads[0].content_type == "text/plain");
  StatementQuery q;
  q.attachments = true;
  StatementPage page;
  REQUIRE(ts->QueryStatements(q, &page).ok());
  CHECK(page.statements.size() == 2);
  REQUIRE(page.attachments.size() == 1);  // each payload once
  CHECK(page.attachments[0].sha2 == sha2);
}

TEST_CASE("Statements survive reopening; sequence and stored keep increasing", "[statements][durability]") {
  TestStore ts;
  std::vector<std::string> first, second;
  REQUIRE(ts->PutStatements({}, "[" + Statement("a@example.com", kVerb, kAct) + "," +
                                    Statement("b@example.com", kVerb, kAct) + "]", &first).ok());
  std::string before = Get(ts, first[1]);
  ts.Reopen();
  CHECK(Get(ts, first[1]) == before);
  REQUIRE(ts->PutStatements({}, Statement("c@example.com", kVerb, kAct), &second).ok());
  StoreStats st;
  REQUIRE(ts->GetStats(&st).ok());
  CHECK(st.statements == 3);
  CHECK(st.last_sequence == 3);
  StatementQuery q;
  StatementPage page;
  REQUIRE(ts->QueryStatements(q, &page).ok());
  REQUIRE(page.statements.size() == 3);
  CHECK(std::string(Parse(page.statements[0])["id"].GetString()) == second[0]);
}

TEST_CASE("Group commit: concurrent writers all land, sharing commits", "[statements][concurrency]") {
  TestStore ts;
  constexpr int kThreads = 16, kEach = 40;
  std::vector<std::thread> threads;
  std::vector<std::vector<std::string>> ids(kThreads);
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        std::vector<std::string> one;
        std::string email = "t" + std::to_string(t) + "-" + std::to_string(i) + "@example.com";
        if (!ts->PutStatements({}, Statement(email, kVerb, kAct), &one).ok()) ++failures;
        else ids[t].push_back(one[0]);
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures == 0);
  std::set<std::string> all;
  for (auto& v : ids) all.insert(v.begin(), v.end());
  CHECK(all.size() == kThreads * kEach);
  StoreStats st;
  REQUIRE(ts->GetStats(&st).ok());
  CHECK(st.statements == kThreads * kEach);
  CHECK(st.grouped_writes >= kThreads * kEach);
}

TEST_CASE("Group commit: a failing op leaves no trace and does not fail its group",
          "[statements][concurrency]") {
  // Writers whose batch ends in a conflicting statement share commit groups
  // with writers that succeed: each failed batch stores nothing (Data 2.1.2:
  // batches are all-or-nothing), every other write lands, and the stored
  // sequence stays gap-free.
  TestStore ts;
  const std::string taken = Uuid4(1);
  REQUIRE(ts->PutStatements({}, "{\"id\":\"" + taken + "\"," +
                                    Statement("a@example.com", kVerb, kAct).substr(1),
                            nullptr).ok());
  constexpr int kThreads = 12, kEach = 30;
  std::atomic<int> conflicts{0}, unexpected{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const int n = 1000 + t * kEach + i;
        const std::string first = "{\"id\":\"" + Uuid4(n) + "\"," +
                                  Statement("t" + std::to_string(n) + "@example.com", kVerb, kAct).substr(1);
        std::string body = first;
        const bool failing = (t + i) % 3 == 0;
        if (failing)  // same id as `taken`, different content: a conflict
          body = "[" + first + ",{\"id\":\"" + taken + "\"," +
                 Statement("b@example.com", kVerb, kAct).substr(1) + "]";
        Status s = ts->PutStatements({}, body, nullptr);
        if (failing && s.IsConflict()) ++conflicts;
        else if (failing || !s.ok()) ++unexpected;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(unexpected == 0);
  const int failed = conflicts.load();
  CHECK(failed == kThreads * kEach / 3);
  for (int t = 0; t < kThreads; ++t)
    for (int i = 0; i < kEach; ++i)
      CHECK(Get(ts, Uuid4(1000 + t * kEach + i)).empty() == ((t + i) % 3 == 0));
  StoreStats st;
  REQUIRE(ts->GetStats(&st).ok());
  CHECK(st.statements == static_cast<std::uint64_t>(1 + kThreads * kEach - failed));
  // Gap-free: paging through everything ascending meets each statement once.
  StatementQuery q;
  q.ascending = true;
  q.limit = 50;
  StatementPage page;
  REQUIRE(ts->QueryStatements(q, &page).ok());
  std::size_t seen = page.statements.size();
  while (!page.more.empty()) {
    std::string more = page.more;
    REQUIRE(ts->More(more, &page).ok());
    seen += page.statements.size();
  }
  CHECK(seen == st.statements);
}

TEST_CASE("The map grows by itself; a hard limit gives NoSpace and no damage", "[statements][limits]") {
  Options o;
  o.initial_map_size = 256 * 1024;
  {
    TestStore ts(o);
    std::string batch = "[";
    for (int i = 0; i < 200; ++i) {
      if (i) batch += ",";
      batch += Statement("u" + std::to_string(i) + "@example.com", kVerb,
                         "http://example.com/act/" + std::to_string(i));
    }
    batch += "]";
    for (int r = 0; r < 10; ++r) REQUIRE(ts->PutStatements({}, batch, nullptr).ok());
    StoreStats st;
    REQUIRE(ts->GetStats(&st).ok());
    CHECK(st.statements == 2000);
    CHECK(st.map_size > o.initial_map_size);
  }
  o.max_map_size = 512 * 1024;
  TestStore ts(o);
  std::string big = "[";
  for (int i = 0; i < 500; ++i) {
    if (i) big += ",";
    big += Statement("u" + std::to_string(i) + "@example.com", kVerb,
                     "http://example.com/act/" + std::to_string(i));
  }
  big += "]";
  Status s;
  int stored_batches = 0;
  for (int r = 0; r < 20 && s.ok(); ++r) {
    s = ts->PutStatements({}, big, nullptr);
    if (s.ok()) ++stored_batches;
  }
  CHECK(s.IsNoSpace());
  StoreStats st;
  REQUIRE(ts->GetStats(&st).ok());
  CHECK(st.statements == static_cast<std::uint64_t>(stored_batches) * 500);  // nothing partial
  ts.Reopen(o);
  REQUIRE(ts->GetStats(&st).ok());
  CHECK(st.statements == static_cast<std::uint64_t>(stored_batches) * 500);
}

TEST_CASE("Communication 2.5 / 2.4: activities and agents resources", "[statements][activities]") {
  TestStore ts;
  std::string s1 = "{\"actor\":" + Agent("ana@example.com", "Ana") + ",\"verb\":{\"id\":\"" + kVerb +
                   "\"},\"object\":{\"id\":\"" + kAct + "\",\"definition\":{\"name\":{\"en-US\":"
                   "\"Module 3\"}}}}";
  std::string s2 = "{\"actor\":" + Agent("ana@example.com", "Ana M.") + ",\"verb\":{\"id\":\"" +
                   kVerb + "\"},\"object\":{\"id\":\"" + kAct + "\",\"definition\":{\"name\":"
                   "{\"fr-FR\":\"Module trois\"}}}}";
  REQUIRE(ts->PutStatements({}, s1, nullptr).ok());
  REQUIRE(ts->PutStatements({}, s2, nullptr).ok());
  std::string act;
  REQUIRE(ts->GetActivity(kAct, &act).ok());
  auto a = Parse(act);
  CHECK(std::string(a["definition"]["name"]["en-US"].GetString()) == "Module 3");
  CHECK(std::string(a["definition"]["name"]["fr-FR"].GetString()) == "Module trois");
  CHECK(ts->GetActivity("http://example.com/never", &act).IsNotFound());
  std::string person;
  REQUIRE(ts->GetPerson(Agent("ana@example.com"), &person).ok());
  auto p = Parse(person);
  CHECK(std::string(p["objectType"].GetString()) == "Person");
  CHECK(p["name"].Size() == 2);
  CHECK(std::string(p["mbox"][0].GetString()) == "mailto:ana@example.com");
  REQUIRE(ts->GetPerson(Agent("nobody@example.com", "No"), &person).ok());
  CHECK(std::string(Parse(person)["name"][0].GetString()) == "No");
  // The same after the write buffer is merged into the tables (at close).
  ts.Reopen();
  REQUIRE(ts->GetActivity(kAct, &act).ok());
  CHECK(Parse(act)["definition"]["name"].MemberCount() == 2);
  REQUIRE(ts->GetPerson(Agent("ana@example.com"), &person).ok());
  CHECK(Parse(person)["name"].Size() == 2);
}

}  // namespace
}  // namespace lrs
