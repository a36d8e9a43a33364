// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Store::EraseAgent: which statements go and which stay, queries afterwards
// (with the index buffer unmerged, partly merged, merged, and rebuilt from
// its pending log), StatementRefs and voiding, re-sent statements, the
// outbox's sequence gaps. Documents, Person, sync tables, audit and
// concurrency are in erasure_tables_test.cc.

#include <catch2/catch.hpp>

#include <filesystem>
#include <map>

#include "lrs/clock.h"
#include "lrs/common/time.h"
#include "lrs/core/store_impl.h"
#include "lrs/json/json.h"
#include "tests/support/query_util.h"
#include "tests/support/test_util.h"

namespace lrs {
namespace {

using testing::Agent;
using testing::Statement;
using testing::TempDir;
using testing::TestStore;
using Ids = std::vector<std::string>;

constexpr const char* kDone = "http://adlnet.gov/expapi/verbs/completed";
constexpr const char* kTried = "http://adlnet.gov/expapi/verbs/attempted";
constexpr const char* kConfirmed = "http://example.com/verbs/confirmed";
constexpr const char* kA1 = "http://example.com/a/1";
constexpr const char* kA2 = "http://example.com/a/2";
constexpr const char* kReg = "11111111-2222-4333-8444-555555555555";
const std::string kAna = Agent("ana@example.com");

class ManualClock : public Clock {
 public:
  std::int64_t NowMicros() override { return now_us; }
  std::int64_t now_us = 1700000000000000;  // 2023-11-14T22:13:20Z
};

std::string Uuid4(int n) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%08x-0000-4000-8000-%012x", n, n);
  return buf;
}

std::string WithId(int n, const std::string& stmt) {
  return "{\"id\":\"" + Uuid4(n) + "\"," + stmt.substr(1);
}

std::string Group(const std::string& members) {
  return "{\"objectType\":\"Group\",\"member\":[" + members + "]}";
}

std::string Act(const std::string& actor, const std::string& verb, const std::string& object,
                const std::string& extra = "") {
  return "{\"actor\":" + actor + ",\"verb\":{\"id\":\"" + verb + "\"},\"object\":" + object +
         (extra.empty() ? "" : "," + extra) + "}";
}

std::string Activity(const std::string& iri) { return "{\"id\":\"" + iri + "\"}"; }
std::string Ref(int n) {
  return "{\"objectType\":\"StatementRef\",\"id\":\"" + Uuid4(n) + "\"}";
}
std::string Registration() { return "\"context\":{\"registration\":\"" + std::string(kReg) + "\"}"; }

Ids Run(TestStore& ts, StatementQuery q) { return lrs::testing::QueryIds(ts.store.get(), std::move(q)); }

bool Exists(TestStore& ts, const std::string& id, bool voided = false) {
  StatementGet g;
  g.id = id;
  g.voided = voided;
  std::string out;
  Status s = ts->GetStatement(g, &out, nullptr);
  INFO(s.ToString());
  CHECK((s.ok() || s.IsNotFound()));
  return s.ok();
}

// The statements of the main scenario, in stored order (1 s apart).
struct Scenario {
  std::vector<std::string> json;  // index = Uuid4 number
  std::vector<bool> erased;
};

Scenario Build() {
  Scenario sc;
  auto add = [&](const std::string& stmt, bool erased) {
    sc.json.push_back(WithId(static_cast<int>(sc.json.size()), stmt));
    sc.erased.push_back(erased);
  };
  const std::string ana = Agent("ana@example.com", "Ana Learner"), bob = Agent("bob@example.com"),
                    carol = Agent("carol@example.com"), dave = Agent("dave@example.com");
  add(Act(bob, kDone, Activity(kA1), Registration()), false);                          // 0
  add(Act(ana, kDone, Activity(kA1), Registration()), true);                           // 1 actor
  add(Act(bob, kTried, ana), true);                                                    // 2 object
  add(Act(Group(kAna + "," + bob), kDone, Activity(kA2)), true);                       // 3 member
  add(Act(bob, kDone, Activity(kA2),
          "\"context\":{\"registration\":\"" + std::string(kReg) + "\",\"instructor\":" + kAna +
              "}"),
      true);                                                                           // 4 instructor
  add(Act(carol, kTried, Activity(kA1),
          "\"context\":{\"contextAgents\":[{\"objectType\":\"contextAgent\",\"agent\":" + kAna +
              "}]}"),
      true);                                                                           // 5 context agent
  add(Act(carol, kDone, Activity(kA1),
          "\"context\":{\"contextGroups\":[{\"objectType\":\"contextGroup\",\"group\":" +
              Group(kAna) + "}]}"),
      true);                                                                           // 6 context group
  add(Act(bob, kDone,
          "{\"objectType\":\"SubStatement\",\"actor\":" + kAna + ",\"verb\":{\"id\":\"" + kTried +
              "\"},\"object\":" + Activity(kA2) + "}"),
      true);                                                                           // 7 SubStatement
  add(Act(bob, kTried, Activity(kA2)), false);                                         // 8 authority
  add(Act(carol, kConfirmed, Ref(1)), false);                                          // 9 ref -> 1
  add(Act(dave, kConfirmed, Ref(9)), false);                                           // 10 ref -> 9 -> 1
  add(Act(carol, kDone, Activity(kA2), Registration()), false);                        // 11
  add(Act(bob, kDone, Activity(kA1), "\"context\":{\"team\":" + Group(kAna + "," + carol) + "}"),
      true);                                                                           // 12 team
  return sc;
}

void StoreAll(TestStore& ts, ManualClock& clock, const Scenario& sc) {
  for (std::size_t i = 0; i < sc.json.size(); ++i) {
    clock.now_us += 1000000;
    StatementWrite w;
    if (i == 8) w.authority = kAna;  // ana only as the authority: kept
    Status s = ts->PutStatements(w, sc.json[i], nullptr);
    INFO(i << ": " << s.ToString());
    REQUIRE(s.ok());
  }
}

// "stored" of statement i (see StoreAll()).
std::string StoredAt(int i) {
  return FormatIso8601Millis(1700000000000000 + std::int64_t{i + 1} * 1000000);
}

Ids Of(std::initializer_list<int> ns) {
  Ids r;
  for (int n : ns) r.push_back(Uuid4(n));
  return r;
}

// Every filter, after the scenario's erasure.
void CheckQueries(TestStore& ts) {
  StatementQuery q;
  q.agent = kAna;
  CHECK(Run(ts, q).empty());
  q.related_agents = true;
  CHECK(Run(ts, q) == Of({8}));  // the authority
  q = {};
  q.agent = Agent("bob@example.com");
  CHECK(Run(ts, q) == Of({8, 0}));
  q.related_agents = true;
  CHECK(Run(ts, q) == Of({8, 0}));
  q = {};
  q.agent = Agent("carol@example.com");
  q.limit = 1;  // paging through More
  CHECK(Run(ts, q) == Of({11, 10, 9}));  // 10 inherits carol from 9
  q = {};
  q.verb = kDone;
  CHECK(Run(ts, q) == Of({11, 0}));  // 9 and 10 no longer inherit from 1
  q.verb = kConfirmed;
  CHECK(Run(ts, q) == Of({10, 9}));
  q.verb = kTried;
  CHECK(Run(ts, q) == Of({8}));
  q = {};
  q.activity = kA1;
  CHECK(Run(ts, q) == Of({0}));
  q.related_activities = true;
  CHECK(Run(ts, q) == Of({0}));
  q.activity = kA2;
  CHECK(Run(ts, q) == Of({11, 8}));
  q = {};
  q.registration = kReg;
  CHECK(Run(ts, q) == Of({11, 0}));
  q = {};
  CHECK(Run(ts, q) == Of({11, 10, 9, 8, 0}));
  q.ascending = true;
  q.limit = 2;
  CHECK(Run(ts, q) == Of({0, 8, 9, 10, 11}));
  q = {};
  q.since = StoredAt(3);  // exclusive
  q.until = StoredAt(10);
  CHECK(Run(ts, q) == Of({10, 9, 8}));
  q.since = StoredAt(0);
  q.until = StoredAt(7);
  CHECK(Run(ts, q).empty());
  q.until = StoredAt(12);
  q.ascending = true;
  CHECK(Run(ts, q) == Of({8, 9, 10, 11}));
  StoreStats st;
  REQUIRE(ts->GetStats(&st).ok());
  CHECK(st.statements == 5);
}

TEST_CASE("EraseAgent erases every statement naming the agent, keeps the authority-only one, "
          "and every query agrees", "[erasure]") {
  const int mode = GENERATE(0, 1, 2);  // buffer unmerged, merged every 4 statements, reopened
  INFO("mode " << mode);
  ManualClock clock;
  Options o;
  o.clock = &clock;
  if (mode == 1) o.index_buffer_statements = 4;
  TestStore ts(o);
  const Scenario sc = Build();
  StoreAll(ts, clock, sc);
  if (mode == 2) ts.Reopen(o);

  clock.now_us += 1000000;
  ErasureReport report;
  REQUIRE(ts->EraseAgent(kAna, &report).ok());
  CHECK(report.statements == 8);
  CHECK(report.documents == 0);
  CHECK(report.sync_records == 0);
  CHECK(report.audit_id.size() == 36);
  for (std::size_t i = 0; i < sc.json.size(); ++i) {
    INFO("statement " << i);
    CHECK(Exists(ts, Uuid4(static_cast<int>(i))) == !sc.erased[i]);
  }
  CheckQueries(ts);

  // The index buffer as it is after a crash: rebuilt from its pending log.
  TempDir copy;
  std::filesystem::create_directories(copy.path());
  std::filesystem::copy_file(ts.dir.path() + "/data.mdb", copy.path() + "/data.mdb");
  {
    TestStore crashed(o);
    crashed.store.reset();
    std::filesystem::remove_all(crashed.dir.path());
    std::filesystem::rename(copy.path(), crashed.dir.path());
    crashed.Reopen(o);
    CheckQueries(crashed);
  }
  ts.Reopen(o);  // merged at close
  CheckQueries(ts);

  // Not a ban: an equal statement sent again is stored again, and the
  // references to it resolve again.
  clock.now_us += 1000000;
  REQUIRE(ts->PutStatement({}, Uuid4(1), sc.json[1]).ok());
  CHECK(Exists(ts, Uuid4(1)));
  StatementQuery q;
  q.agent = kAna;
  CHECK(Run(ts, q) == Of({1, 10, 9}));  // 9 and 10 refer to it again
  q = {};
  q.activity = kA1;
  CHECK(Run(ts, q) == Of({1, 10, 9, 0}));
  ts.Reopen(o);
  CHECK(Run(ts, q) == Of({1, 10, 9, 0}));
}

TEST_CASE("EraseAgent and voiding: a statement voided by an erased one stays voided; an erased "
          "statement's voiding statement is kept and voids it again when it is re-sent",
          "[erasure][voiding]") {
  TestStore ts;
  const std::string admin = Agent("admin@example.com");
  const std::string by_bob = WithId(1, Statement("bob@example.com", kDone, kA1));
  const std::string by_ana = WithId(2, Statement("ana@example.com", kDone, kA1));
  REQUIRE(ts->PutStatements({}, "[" + by_bob + "," + by_ana + "]", nullptr).ok());
  std::string ana_voids_bob, admin_voids_ana;
  REQUIRE(ts->VoidStatement({}, Uuid4(1), kAna, &ana_voids_bob).ok());
  REQUIRE(ts->VoidStatement({}, Uuid4(2), admin, &admin_voids_ana).ok());
  CHECK(Exists(ts, Uuid4(1), true));
  CHECK(Exists(ts, Uuid4(2), true));

  ErasureReport report;
  REQUIRE(ts->EraseAgent(kAna, &report).ok());
  CHECK(report.statements == 2);  // her statement and her voiding statement
  CHECK(!Exists(ts, ana_voids_bob));
  CHECK(!Exists(ts, Uuid4(2), true));
  CHECK(!Exists(ts, Uuid4(2)));
  CHECK(Exists(ts, Uuid4(1), true));  // still voided
  CHECK(!Exists(ts, Uuid4(1)));
  CHECK(Exists(ts, admin_voids_ana));
  StatementQuery q;
  CHECK(Run(ts, q) == Ids{admin_voids_ana});
  q.agent = kAna;
  q.related_agents = true;
  CHECK(Run(ts, q).empty());
  q = {};
  q.activity = kA1;  // admin's voiding statement no longer inherits the activity
  CHECK(Run(ts, q).empty());

  // Sent again, ana's statement meets the voiding statement that names it.
  REQUIRE(ts->PutStatements({}, by_ana, nullptr).ok());
  CHECK(Exists(ts, Uuid4(2), true));
  CHECK(!Exists(ts, Uuid4(2)));
  ts.Reopen();
  CHECK(Exists(ts, Uuid4(2), true));
  CHECK(Exists(ts, Uuid4(1), true));
}

TEST_CASE("EraseAgent: an agent that is only a group member, an identified group, mbox case",
          "[erasure]") {
  TestStore ts;
  const std::string team = "{\"objectType\":\"Group\",\"name\":\"T\",\"mbox\":\"mailto:team@example.com\","
                           "\"member\":[" + kAna + "]}";
  REQUIRE(ts->PutStatements({}, WithId(1, Act(team, kDone, Activity(kA1))), nullptr).ok());
  REQUIRE(ts->PutStatements({}, WithId(2, Statement("zed@example.com", kDone, kA1)), nullptr).ok());
  // The domain of an mbox is case-insensitive.
  ErasureReport report;
  REQUIRE(ts->EraseAgent("{\"mbox\":\"mailto:ana@EXAMPLE.com\"}", &report).ok());
  CHECK(report.statements == 1);
  CHECK(!Exists(ts, Uuid4(1)));
  REQUIRE(ts->PutStatements({}, WithId(3, Act(team, kTried, Activity(kA2))), nullptr).ok());
  REQUIRE(ts->EraseAgent(team, &report).ok());  // an identified Group
  CHECK(report.statements == 1);
  StatementQuery q;
  CHECK(Run(ts, q) == Of({2}));
  // Nothing to erase is fine, and still audited.
  REQUIRE(ts->EraseAgent(Agent("nobody@example.com"), &report).ok());
  CHECK(report.statements == 0);
  std::vector<std::string> audit;
  REQUIRE(ts->ListAudit(&audit).ok());
  CHECK(audit.size() == 3);
}

TEST_CASE("EraseAgent: the outbox skips erased sequences, which are never reused",
          "[erasure][outbox]") {
  TestStore ts;
  auto* impl = static_cast<core::StoreImpl*>(ts.store.get());
  REQUIRE(ts->PutStatements({}, WithId(1, Statement("bob@example.com", kDone, kA1)), nullptr).ok());
  REQUIRE(ts->PutStatements({}, WithId(2, Statement("ana@example.com", kDone, kA1)), nullptr).ok());
  REQUIRE(ts->PutStatements({}, WithId(3, Statement("bob@example.com", kDone, kA2)), nullptr).ok());
  REQUIRE(ts->PutStatements({}, WithId(4, Statement("ana@example.com", kDone, kA2)), nullptr).ok());
  REQUIRE(ts->EraseAgent(kAna, nullptr).ok());
  auto seqs = [&](std::uint64_t after, std::size_t max) {
    std::vector<core::StoreImpl::OutboxEntry> out;
    REQUIRE(impl->ReadOutbox(after, max, false, &out).ok());
    std::map<std::uint64_t, std::string> r;
    for (auto& e : out) {
      json::Document d;
      REQUIRE(json::Parse(e.json, &d).ok());
      r[e.seq] = d["id"].GetString();
    }
    return r;
  };
  using M = std::map<std::uint64_t, std::string>;
  CHECK(seqs(0, 10) == M{{1, Uuid4(1)}, {3, Uuid4(3)}});
  CHECK(seqs(1, 1) == M{{3, Uuid4(3)}});
  CHECK(seqs(3, 10).empty());
  CHECK(impl->LastSequence() == 4);
  // The newest statement was erased: after reopening, the next one is 5.
  ts.Reopen();
  impl = static_cast<core::StoreImpl*>(ts.store.get());
  CHECK(impl->LastSequence() == 4);
  REQUIRE(ts->PutStatements({}, WithId(5, Statement("bob@example.com", kDone, kA1)), nullptr).ok());
  CHECK(seqs(3, 10) == M{{5, Uuid4(5)}});
  StoreStats st;
  REQUIRE(ts->GetStats(&st).ok());
  CHECK(st.statements == 3);
  CHECK(st.last_sequence == 5);
}

TEST_CASE("EraseAgent: invalid agents are InvalidArgument naming the field", "[erasure]") {
  TestStore ts;
  for (const char* bad : {"not json", "{\"name\":\"Ana\"}", "{\"mbox\":\"ana@example.com\"}",
                          "[]",
                          "{\"objectType\":\"Group\",\"member\":[{\"mbox\":\"mailto:a@example.com\"}]}"}) {
    INFO(bad);
    Status s = ts->EraseAgent(bad, nullptr);
    CHECK(s.IsInvalidArgument());
    CHECK(s.message().find("agent") != std::string::npos);
  }
  Status s = ts->EraseAgent("{\"mbox\":\"ana@example.com\"}", nullptr);
  CHECK(s.message().find("agent.mbox") != std::string::npos);
  std::vector<std::string> audit;
  REQUIRE(ts->ListAudit(&audit).ok());
  CHECK(audit.empty());
}

}  // namespace
}  // namespace lrs
