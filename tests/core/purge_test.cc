// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Store::PurgeStatements (retention): dry-run counts, the exclusive bound,
// every query filter afterwards (index buffer unmerged, merged during the
// writes, rebuilt from its pending log after a crash, merged at close),
// StatementRefs and voiding across the bound, batches, re-runs,
// attachments, sync entries, the audit record, concurrency; and
// ParsePurgeBefore.

#include <catch2/catch.hpp>

#include <openssl/sha.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>

#include "lrs/clock.h"
#include "lrs/common/coding.h"
#include "lrs/common/time.h"
#include "lrs/core/store_impl.h"
#include "lrs/json/json.h"
#include "tests/support/query_util.h"
#include "tests/support/test_util.h"

namespace lrs {
namespace {

using storage::Table;
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
constexpr std::int64_t kT0 = 1700000000000;  // ms: 2023-11-14T22:13:20Z
const std::string kAna = Agent("ana@example.com");
const std::string kBob = Agent("bob@example.com");
const std::string kCarol = Agent("carol@example.com");
const std::string kDave = Agent("dave@example.com");

class ManualClock : public Clock {
 public:
  std::int64_t NowMicros() override { return now_us; }
  std::int64_t now_us = kT0 * 1000;
};

std::string Uuid4(int n) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%08x-0000-4000-8000-%012x", n, n);
  return buf;
}

std::string WithId(int n, const std::string& stmt) {
  return "{\"id\":\"" + Uuid4(n) + "\"," + stmt.substr(1);
}

std::string Act(const std::string& actor, const std::string& verb, const std::string& object,
                const std::string& extra = "") {
  return "{\"actor\":" + actor + ",\"verb\":{\"id\":\"" + verb + "\"},\"object\":" + object +
         (extra.empty() ? "" : "," + extra) + "}";
}
std::string Activity(const std::string& iri) { return "{\"id\":\"" + iri + "\"}"; }
std::string Ref(int n) { return "{\"objectType\":\"StatementRef\",\"id\":\"" + Uuid4(n) + "\"}"; }
std::string Registration() {
  return "\"context\":{\"registration\":\"" + std::string(kReg) + "\"}";
}

core::StoreImpl* Impl(TestStore& ts) { return static_cast<core::StoreImpl*>(ts.store.get()); }

Ids Run(TestStore& ts, StatementQuery q) { return lrs::testing::QueryIds(ts.store.get(), std::move(q)); }

Ids Of(std::initializer_list<int> ns) {
  Ids r;
  for (int n : ns) r.push_back(Uuid4(n));
  return r;
}

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

std::uint64_t Count(TestStore& ts) {
  StoreStats st;
  REQUIRE(ts->GetStats(&st).ok());
  return st.statements;
}

// Stores `stmts` one per second: statement i is stored at StoredMs(i).
std::int64_t StoredMs(int i) { return kT0 + std::int64_t{i + 1} * 1000; }
std::string StoredAt(int i) { return FormatIso8601Millis(StoredMs(i) * 1000); }

void StoreEach(TestStore& ts, ManualClock& clock, const std::vector<std::string>& stmts) {
  for (std::size_t i = 0; i < stmts.size(); ++i) {
    clock.now_us = StoredMs(static_cast<int>(i)) * 1000;
    Status s = ts->PutStatements({}, stmts[i], nullptr);
    INFO(i << ": " << s.ToString());
    REQUIRE(s.ok());
  }
}

PurgeReport Purge(TestStore& ts, std::int64_t before_ms, bool dry_run = false,
                  std::size_t batch = 10000) {
  PurgeRequest req;
  req.before_ms = before_ms;
  req.dry_run = dry_run;
  req.batch_statements = batch;
  PurgeReport r;
  Status s = ts->PurgeStatements(req, &r);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return r;
}

// The main scenario: 0..3 are purged (before = StoredMs(4)), 4..9 kept.
std::vector<std::string> Scenario() {
  const std::string admin = Agent("admin@example.com");
  return {
      WithId(0, Act(kAna, kDone, Activity(kA1), Registration())),
      WithId(1, Act(kBob, kTried, Activity(kA2))),
      WithId(2, Act(kCarol, kDone, Activity(kA1),
                    "\"context\":{\"contextActivities\":{\"parent\":[" + Activity(kA2) + "]}}")),
      WithId(3, Act(kDave, kTried, Activity(kA1))),
      WithId(4, Act(kCarol, kConfirmed, Ref(1))),  // refers to a purged statement
      WithId(5, Act(kDave, kConfirmed, Ref(4))),   // 5 -> 4 -> 1
      WithId(6, Act(kAna, kDone, Activity(kA1), Registration())),
      WithId(7, Act(kBob, kTried, Activity(kA2),
                    "\"context\":{\"instructor\":" + kAna + "}")),
      WithId(8, Act(admin, "http://adlnet.gov/expapi/verbs/voided", Ref(2))),  // voids a purged one
      WithId(9, Act(kCarol, kDone, Activity(kA2), Registration())),
  };
}

// Every filter, after the scenario's purge.
void CheckQueries(TestStore& ts) {
  StatementQuery q;
  CHECK(Run(ts, q) == Of({9, 8, 7, 6, 5, 4}));
  q.ascending = true;
  q.limit = 4;  // paging through More
  CHECK(Run(ts, q) == Of({4, 5, 6, 7, 8, 9}));
  q = {};
  q.agent = kAna;
  CHECK(Run(ts, q) == Of({6}));
  q.related_agents = true;
  CHECK(Run(ts, q) == Of({7, 6}));
  q = {};
  q.agent = kBob;
  CHECK(Run(ts, q) == Of({7}));  // 4 and 5 no longer inherit bob from 1
  q.agent = kCarol;
  q.limit = 1;
  CHECK(Run(ts, q) == Of({9, 5, 4}));  // 5 inherits carol from 4, which stays
  q = {};
  q.agent = kDave;
  CHECK(Run(ts, q) == Of({5}));
  q = {};
  q.verb = kTried;
  CHECK(Run(ts, q) == Of({7}));
  q.verb = kConfirmed;
  CHECK(Run(ts, q) == Of({5, 4}));
  q.verb = kDone;
  CHECK(Run(ts, q) == Of({9, 6}));
  q.verb = "http://adlnet.gov/expapi/verbs/voided";
  CHECK(Run(ts, q) == Of({8}));
  q = {};
  q.activity = kA1;
  CHECK(Run(ts, q) == Of({6}));
  q.related_activities = true;
  CHECK(Run(ts, q) == Of({6}));
  q.activity = kA2;
  CHECK(Run(ts, q) == Of({9, 7}));
  q.related_activities = false;
  CHECK(Run(ts, q) == Of({9, 7}));
  q = {};
  q.registration = kReg;
  CHECK(Run(ts, q) == Of({9, 6}));
  q = {};
  q.since = StoredAt(2);  // exclusive
  q.until = StoredAt(6);
  CHECK(Run(ts, q) == Of({6, 5, 4}));
  q.since = FormatIso8601Millis((kT0 - 60000) * 1000);  // before everything
  q.until = StoredAt(3);
  CHECK(Run(ts, q).empty());
  q.until.reset();
  q.ascending = true;
  CHECK(Run(ts, q) == Of({4, 5, 6, 7, 8, 9}));
  q = {};
  q.agent = kAna;
  q.related_agents = true;
  q.verb = kDone;
  q.registration = kReg;
  CHECK(Run(ts, q) == Of({6}));
  for (int i = 0; i < 10; ++i) {
    INFO("statement " << i);
    CHECK(Exists(ts, Uuid4(i)) == (i >= 4));
  }
  CHECK(!Exists(ts, Uuid4(2), true));  // its voiding statement stays; it is gone
  CHECK(Count(ts) == 6);
}

// Opens a copy of the store's data file, as a crash would leave it (the
// index buffer not merged: it is rebuilt from the pending log).
void CheckCrashCopy(TestStore& ts, const Options& o, const std::function<void(TestStore&)>& check) {
  TestStore copy(o);
  copy.store.reset();
  std::filesystem::remove_all(copy.dir.path());
  std::filesystem::create_directories(copy.dir.path());
  std::filesystem::copy_file(ts.dir.path() + "/data.mdb", copy.dir.path() + "/data.mdb");
  copy.Reopen(o);
  check(copy);
}

TEST_CASE("PurgeStatements: a dry run counts exactly and changes nothing", "[purge]") {
  ManualClock clock;
  Options o;
  o.clock = &clock;
  TestStore ts(o);
  StoreEach(ts, clock, Scenario());
  PurgeReport r = Purge(ts, StoredMs(4), /*dry_run=*/true);
  CHECK(r.dry_run);
  CHECK(r.before_ms == StoredMs(4));
  CHECK(r.statements == 4);
  CHECK(r.bytes > 4 * 40);
  CHECK(r.oldest_ms == StoredMs(0));
  CHECK(r.newest_ms == StoredMs(3));
  CHECK(r.batches == 0);
  CHECK(r.audit_id.empty());
  CHECK(Count(ts) == 10);
  std::vector<std::string> audit;
  REQUIRE(ts->ListAudit(&audit).ok());
  CHECK(audit.empty());
  StatementQuery q;
  CHECK(Run(ts, q).size() == 9);  // 2 is voided
  // Exclusive bound: the statement stored exactly at `before` is not counted.
  CHECK(Purge(ts, StoredMs(4) + 1, true).statements == 5);
  CHECK(Purge(ts, StoredMs(0), true).statements == 0);
  r = Purge(ts, StoredMs(0), true);
  CHECK(r.oldest_ms == 0);
  CHECK(r.newest_ms == 0);
  CHECK(Purge(ts, StoredMs(100), true).statements == 10);
}

TEST_CASE("PurgeStatements deletes what was stored before the bound, and every query agrees",
          "[purge]") {
  // 0: buffer unmerged; 1: merged every 3 statements; 2: reopened before the purge
  const int mode = GENERATE(0, 1, 2);
  INFO("mode " << mode);
  ManualClock clock;
  Options o;
  o.clock = &clock;
  if (mode == 1) o.index_buffer_statements = 3;
  TestStore ts(o);
  StoreEach(ts, clock, Scenario());
  if (mode == 2) ts.Reopen(o);
  const PurgeReport dry = Purge(ts, StoredMs(4), true);

  clock.now_us += 1000000;
  PurgeReport r = Purge(ts, StoredMs(4));
  CHECK(!r.dry_run);
  CHECK(r.statements == 4);
  CHECK(r.bytes == dry.bytes);
  CHECK(r.oldest_ms == StoredMs(0));
  CHECK(r.newest_ms == StoredMs(3));
  CHECK(r.batches == 1);
  CHECK(r.sync_records == 0);
  CHECK(r.audit_id.size() == 36);
  CHECK(Exists(ts, Uuid4(4)));  // stored exactly at `before`: kept
  CheckQueries(ts);
  CheckCrashCopy(ts, o, [](TestStore& c) { CheckQueries(c); });
  ts.Reopen(o);  // merged at close
  CheckQueries(ts);
  // Nothing more to purge; a second run changes nothing.
  r = Purge(ts, StoredMs(4));
  CHECK(r.statements == 0);
  CheckQueries(ts);

  // Not a ban: a purged statement sent again is stored again (stored now),
  // and the references to it resolve again.
  clock.now_us += 1000000;
  REQUIRE(ts->PutStatements({}, Scenario()[1], nullptr).ok());
  StatementQuery q;
  q.agent = kBob;
  CHECK(Run(ts, q) == Of({1, 7, 5, 4}));
}

TEST_CASE("PurgeStatements and voiding across the bound: a kept statement voided by a purged "
          "one stays voided; a kept voiding statement voids its purged target again if it is "
          "sent again",
          "[purge][voiding]") {
  ManualClock clock;
  Options o;
  o.clock = &clock;
  TestStore ts(o);
  const std::string admin = Agent("admin@example.com");
  const std::string voided = "http://adlnet.gov/expapi/verbs/voided";
  // Statements 10..15, stored in this order; 10 voids 13 (stored before its
  // target), 12 voids 11, 15 voids 14.
  StoreEach(ts, clock,
            {WithId(10, Act(admin, voided, Ref(13))),
             WithId(11, Statement("bob@example.com", kDone, kA1)),
             WithId(12, Act(admin, voided, Ref(11))),
             WithId(13, Statement("bob@example.com", kTried, kA1)),
             WithId(14, Statement("ana@example.com", kDone, kA2)),
             WithId(15, Act(admin, voided, Ref(14)))});
  CHECK(Exists(ts, Uuid4(13), true));
  CHECK(Exists(ts, Uuid4(14), true));
  // 10..12 go; 13 (voided by 10) stays.
  PurgeReport r = Purge(ts, StoredMs(3));
  CHECK(r.statements == 3);
  CHECK(!Exists(ts, Uuid4(10)));
  CHECK(!Exists(ts, Uuid4(11), true));
  CHECK(!Exists(ts, Uuid4(12)));
  CHECK(Exists(ts, Uuid4(13), true));  // its voiding statement was purged: still voided
  CHECK(!Exists(ts, Uuid4(13)));
  StatementQuery q;
  CHECK(Run(ts, q) == Of({15}));  // 13 voided, 14 voided
  q.verb = kTried;
  CHECK(Run(ts, q).empty());
  ts.Reopen(o);
  CHECK(Exists(ts, Uuid4(13), true));

  r = Purge(ts, StoredMs(5));  // 3 and 4; 5 (voiding 4) stays
  CHECK(r.statements == 2);
  CHECK(Exists(ts, Uuid4(15)));
  CHECK(!Exists(ts, Uuid4(14), true));
  q = {};
  CHECK(Run(ts, q) == Of({15}));
  q.activity = kA2;  // the voiding statement no longer inherits its target's activity
  CHECK(Run(ts, q).empty());
  // Sent again, 14 meets the kept voiding statement that names it.
  clock.now_us += 1000000;
  REQUIRE(
      ts->PutStatements({}, WithId(14, Statement("ana@example.com", kDone, kA2)), nullptr).ok());
  CHECK(Exists(ts, Uuid4(14), true));
  CHECK(!Exists(ts, Uuid4(14)));
}

TEST_CASE("PurgeStatements in many batches, and a run that stopped halfway finishes",
          "[purge][batches]") {
  const std::size_t buffer = GENERATE(std::size_t{5}, std::size_t{65536});
  INFO("index_buffer_statements " << buffer);
  ManualClock clock;
  Options o;
  o.clock = &clock;
  o.index_buffer_statements = buffer;
  TestStore ts(o);
  std::vector<std::string> stmts;
  for (int i = 0; i < 40; ++i) {
    const std::string who = i % 2 ? "ana@example.com" : "bob@example.com";
    std::string s =
        Statement(who, i % 3 ? kDone : kTried, i % 4 ? kA1 : kA2, i % 5 ? "" : Registration());
    // Some refer to earlier statements (chains across batches).
    if (i % 7 == 6) s = Act(Agent(who), kConfirmed, Ref(i - 3));
    stmts.push_back(WithId(i, s));
  }
  StoreEach(ts, clock, stmts);

  // A run that stopped after some batches leaves what a purge with an
  // earlier bound leaves (batches go oldest first); run it on a crash copy.
  REQUIRE(Purge(ts, StoredMs(9), false, 4).statements == 9);
  auto check = [&](TestStore& s) {
    PurgeReport r = Purge(s, StoredMs(30), false, 4);
    CHECK(r.statements == 21);
    CHECK(r.batches == 6);  // 4+4+4+4+4+1
    CHECK(r.oldest_ms == StoredMs(9));
    CHECK(r.newest_ms == StoredMs(29));
    StatementQuery q;
    Ids expect;
    for (int i = 39; i >= 30; --i) expect.push_back(Uuid4(i));
    CHECK(Run(s, q) == expect);
    q.verb = kConfirmed;
    CHECK(Run(s, q) == Of({34}));  // 34 -> 31 stays; 27 -> 24 and earlier went
    q = {};
    q.agent = kAna;
    Ids ana;
    for (int i = 39; i >= 30; --i)
      if (i % 2 || i == 34) ana.push_back(Uuid4(i));  // 34 inherits ana from 31
    CHECK(Run(s, q) == ana);
    q = {};
    q.registration = kReg;
    CHECK(Run(s, q) == Of({35, 30}));
    CHECK(Count(s) == 10);
    std::vector<std::string> audit;
    REQUIRE(s->ListAudit(&audit).ok());
    REQUIRE(audit.size() == 2);  // one per run
    json::Document d;
    REQUIRE(json::Parse(audit[1], &d).ok());
    CHECK(d["statements"].GetUint64() == 21);  // updated by every batch
    s.Reopen(o);
    CHECK(Run(s, {}).size() == 10);
  };
  CheckCrashCopy(ts, o, check);
  check(ts);
}

TEST_CASE("PurgeStatements: the audit record has the run's counts and no personal data",
          "[purge][audit]") {
  ManualClock clock;
  Options o;
  o.clock = &clock;
  TestStore ts(o);
  StoreEach(ts, clock, Scenario());
  clock.now_us = (kT0 + 3600 * 1000) * 1000;
  REQUIRE(ts->EraseAgent(kDave, nullptr).ok());
  PurgeReport r = Purge(ts, StoredMs(4), false, 2);
  CHECK(r.statements == 3);  // 3 was dave's: erased already
  CHECK(r.batches == 2);
  std::vector<std::string> audit;
  REQUIRE(ts->ListAudit(&audit).ok());
  REQUIRE(audit.size() == 2);
  json::Document d;
  REQUIRE(json::Parse(audit[1], &d).ok());
  CHECK(d.MemberCount() == 6);
  CHECK(std::string(d["id"].GetString()) == r.audit_id);
  CHECK(std::string(d["op"].GetString()) == "purge");
  CHECK(std::string(d["at"].GetString()) == "2023-11-14T23:13:20.000Z");
  CHECK(std::string(d["before"].GetString()) == StoredAt(4));
  CHECK(d["statements"].GetUint64() == 3);
  CHECK(d["sync_records"].GetUint64() == 0);
  CHECK(audit[1].find("example.com") == std::string::npos);
  // A run with nothing to purge is audited too.
  r = Purge(ts, StoredMs(4));
  CHECK(r.statements == 0);
  CHECK(r.batches == 1);
  REQUIRE(ts->ListAudit(&audit).ok());
  CHECK(audit.size() == 3);
}

TEST_CASE("PurgeStatements deletes the sync retry, dead-letter and remote-id entries of purged "
          "statements and leaves cursors",
          "[purge][sync]") {
  ManualClock clock;
  Options o;
  o.clock = &clock;
  TestStore ts(o);
  core::StoreImpl* impl = Impl(ts);
  StoreEach(ts, clock,
            {WithId(1, Statement("ana@example.com", kDone, kA1)),
             WithId(2, Statement("ana@example.com", kDone, kA1)),
             WithId(3, Statement("ana@example.com", kDone, kA1))});
  const std::string dest = std::string("crm") + '\0', hash(32, 'a');
  auto retry = [&](std::uint64_t seq) { return dest + hash + Fixed64BE(seq); };
  auto dlq = [&](std::uint64_t seq) { return dest + Fixed64BE(seq); };
  auto dlq_value = [&](const std::string& id) {
    return "{\"statement_id\":\"" + id + "\",\"learner\":\"mbox:mailto:x\",\"attempts\":3,"
           "\"error\":\"e\",\"at_ms\":1}";
  };
  using M = core::StoreImpl::SyncMutation;
  REQUIRE(impl->SyncWrite({
      M{Table::kSyncRetry, retry(1), std::string("r")},
      M{Table::kSyncRetry, retry(3), std::string("r")},
      M{Table::kSyncDlq, dlq(2), dlq_value(Uuid4(2))},
      M{Table::kSyncDlq, dlq(3), dlq_value(Uuid4(3))},
      M{Table::kSyncState, dest + "ssf:" + Uuid4(1), std::string("a0X1")},
      M{Table::kSyncState, dest + "ssf:" + Uuid4(3), std::string("a0X3")},
      M{Table::kSyncState, dest + "scontact:ana@example.com", std::string("101")},
      M{Table::kSyncCursors, "crm", Fixed64BE(3)},
  }).ok());
  const std::uint64_t epoch = impl->ErasureEpoch();
  PurgeReport r = Purge(ts, StoredMs(2));
  CHECK(r.statements == 2);
  CHECK(r.sync_records == 3);
  CHECK(impl->ErasureEpoch() > epoch);  // the relay reloads its queues
  auto keys = [&](Table t) {
    std::vector<std::pair<std::string, std::string>> kv;
    REQUIRE(impl->SyncScan(t, dest, "", 100, &kv).ok());
    std::vector<std::string> out;
    for (auto& [k, v] : kv) out.push_back(k);
    return out;
  };
  CHECK(keys(Table::kSyncRetry) == std::vector<std::string>{retry(3)});
  CHECK(keys(Table::kSyncDlq) == std::vector<std::string>{dlq(3)});
  CHECK(keys(Table::kSyncState) ==
        std::vector<std::string>{dest + "scontact:ana@example.com", dest + "ssf:" + Uuid4(3)});
  std::string v;
  REQUIRE(impl->SyncGet(Table::kSyncCursors, "crm", &v).ok());
  CHECK(v == Fixed64BE(3));  // a position: unaffected
  std::vector<std::string> audit;
  REQUIRE(ts->ListAudit(&audit).ok());
  REQUIRE(audit.size() == 1);
  json::Document d;
  REQUIRE(json::Parse(audit[0], &d).ok());
  CHECK(d["sync_records"].GetUint64() == 3);
}

std::string HexSha256(const std::string& s) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), md);
  std::string out;
  char buf[3];
  for (unsigned char b : md) {
    std::snprintf(buf, sizeof buf, "%02x", b);
    out += buf;
  }
  return out;
}

TEST_CASE("PurgeStatements deletes attachment payloads only purged statements use",
          "[purge][attachments]") {
  // Round sizes: 1 (a new round per payload), 2, and the default.
  const std::size_t round = GENERATE(std::size_t{1}, std::size_t{2}, std::size_t{100000});
  INFO("round " << round);
  ManualClock clock;
  Options o;
  o.clock = &clock;
  TestStore ts(o);
  Impl(ts)->TEST_SetPurgeRoundHashes(round);
  auto att = [](const std::string& sha2) {
    return "{\"usageType\":\"http://example.com/usage\",\"display\":{\"en-US\":\"A\"},"
           "\"contentType\":\"text/plain\",\"length\":4,\"sha2\":\"" + sha2 + "\"}";
  };
  // own: statement 0 only; early: 0 and 2 (both purged, in different
  // batches); shared: 1 (purged) and 4 (kept); late: 5 (kept).
  const std::vector<std::string> data = {"own!", "earl", "shar", "late"};
  std::vector<std::string> sha;
  for (const auto& d : data) sha.push_back(HexSha256(d));
  auto put = [&](int i, std::vector<int> which) {
    clock.now_us = StoredMs(i) * 1000;
    StatementWrite w;
    std::string atts;
    for (int k : which) {
      w.attachments.push_back({sha[static_cast<std::size_t>(k)], "text/plain",
                               data[static_cast<std::size_t>(k)]});
      atts += (atts.empty() ? "" : ",") + att(sha[static_cast<std::size_t>(k)]);
    }
    std::string extra = which.empty() ? "" : "\"attachments\":[" + atts + "]";
    REQUIRE(ts->PutStatements(w, WithId(i, Statement("ana@example.com", kDone, kA1, extra)),
                              nullptr).ok());
  };
  put(0, {0, 1});
  put(1, {2});
  put(2, {1});
  put(3, {});
  put(4, {2});
  put(5, {3});
  PurgeReport r = Purge(ts, StoredMs(4), false, 2);
  CHECK(r.statements == 4);
  CHECK(r.attachments == 2);  // own and early
  storage::ReadTxn txn;
  REQUIRE(Impl(ts)->env()->BeginRead(&txn).ok());
  std::string_view v;
  CHECK(txn.Get(Table::kAttachments, sha[0], &v).IsNotFound());
  CHECK(txn.Get(Table::kAttachments, sha[1], &v).IsNotFound());
  CHECK(txn.Get(Table::kAttachments, sha[2], &v).ok());
  CHECK(txn.Get(Table::kAttachments, sha[3], &v).ok());
  txn.Reset();
  StatementGet g;
  g.id = Uuid4(4);
  g.attachments = true;
  std::string json;
  std::vector<AttachmentPayload> payloads;
  REQUIRE(ts->GetStatement(g, &json, &payloads).ok());
  REQUIRE(payloads.size() == 1);
  CHECK(payloads[0].data == "shar");
  // Purging the rest takes the remaining payloads.
  r = Purge(ts, StoredMs(6));
  CHECK(r.statements == 2);
  CHECK(r.attachments == 2);
}

TEST_CASE("PurgeStatements of everything: stored-time boundaries stay exact for new statements",
          "[purge]") {
  ManualClock clock;
  Options o;
  o.clock = &clock;
  TestStore ts(o);
  StoreEach(ts, clock, Scenario());
  clock.now_us = StoredMs(20) * 1000;
  PurgeReport r = Purge(ts, StoredMs(20));
  CHECK(r.statements == 10);
  CHECK(Count(ts) == 0);
  CHECK(Run(ts, {}).empty());
  StoreStats st;
  REQUIRE(ts->GetStats(&st).ok());
  CHECK(st.last_sequence == 10);
  // A new statement in the same millisecond as the newest purged one, and
  // later ones: since/until find them.
  clock.now_us = StoredMs(9) * 1000;
  REQUIRE(
      ts->PutStatements({}, WithId(50, Statement("ana@example.com", kDone, kA1)), nullptr).ok());
  clock.now_us = StoredMs(30) * 1000;
  REQUIRE(
      ts->PutStatements({}, WithId(51, Statement("ana@example.com", kDone, kA1)), nullptr).ok());
  auto check = [&](TestStore& s) {
    StatementQuery q;
    q.since = StoredAt(0);
    CHECK(Run(s, q) == Of({51, 50}));
    q.until = StoredAt(29);
    CHECK(Run(s, q) == Of({50}));
    q.since = StoredAt(29);
    q.until.reset();
    CHECK(Run(s, q) == Of({51}));
  };
  check(ts);
  ts.Reopen(o);
  check(ts);
  REQUIRE(ts->GetStats(&st).ok());
  CHECK(st.last_sequence == 12);  // sequences are never reused
}

TEST_CASE("PurgeStatements: bad requests", "[purge]") {
  TestStore ts;
  PurgeRequest req;
  req.batch_statements = 0;
  req.dry_run = false;
  Status s = ts->PurgeStatements(req, nullptr);
  CHECK(s.IsInvalidArgument());
  CHECK(s.message().find("batch_statements") == 0);
  // A bound before anything was stored purges nothing.
  req.batch_statements = 10;
  req.before_ms = -5;
  PurgeReport r;
  REQUIRE(ts->PurgeStatements(req, &r).ok());
  CHECK(r.statements == 0);
}

TEST_CASE("PurgeStatements under concurrent writers and readers", "[purge][concurrency]") {
  Options o;
  o.index_buffer_statements = 16;  // merges happen during the run
  TestStore ts(o);
  for (int i = 0; i < 300; ++i)
    REQUIRE(ts->PutStatements({}, Statement(i % 2 ? "ana@example.com" : "bob@example.com", kDone,
                                            kA1),
                              nullptr).ok());
  std::int64_t before = 0;
  REQUIRE(ParsePurgeBefore("2999-01-01", &before).ok());  // everything stored so far
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::mutex mu;
  std::vector<std::string> failures;
  auto fail = [&](const Status& s) {
    if (s.ok()) return;
    std::lock_guard<std::mutex> l(mu);
    failures.push_back(s.ToString());
  };
  std::thread writer([&] {
    while (!stop) {
      fail(ts->PutStatements({}, Statement("carol@example.com", kTried, kA2), nullptr));
      ++written;
    }
  });
  std::thread reader([&] {
    while (!stop) {
      StatementQuery q;
      q.agent = Agent("ana@example.com");
      StatementPage page;
      fail(ts->QueryStatements(q, &page));
    }
  });
  PurgeRequest req;
  req.before_ms = before;
  req.dry_run = false;
  req.batch_statements = 7;
  PurgeReport r;
  Status s = ts->PurgeStatements(req, &r);
  stop = true;
  writer.join();
  reader.join();
  REQUIRE(s.ok());
  CHECK(failures.empty());
  // Statements stored after the purge began are never purged.
  CHECK(r.statements == 300);
  CHECK(Count(ts) + r.statements == 300 + static_cast<std::uint64_t>(written.load()));
  StatementQuery q;
  q.agent = Agent("bob@example.com");
  CHECK(Run(ts, q).empty());
}

TEST_CASE("ParsePurgeBefore: dates and timestamps with a time zone", "[purge]") {
  std::int64_t ms = 0;
  REQUIRE(ParsePurgeBefore("2024-01-31", &ms).ok());
  CHECK(ms == 1706659200000);
  REQUIRE(ParsePurgeBefore("2024-01-31T00:00:00Z", &ms).ok());
  CHECK(ms == 1706659200000);
  REQUIRE(ParsePurgeBefore("2024-01-31T02:00:00+02:00", &ms).ok());
  CHECK(ms == 1706659200000);
  REQUIRE(ParsePurgeBefore("2024-01-31T00:00:00.0005Z", &ms).ok());
  CHECK(ms == 1706659200001);  // stored at ...000 ms is before it
  REQUIRE(ParsePurgeBefore("2024-01-31T00:00:00.250Z", &ms).ok());
  CHECK(ms == 1706659200250);
  for (const char* bad : {"", "2024-1-31", "2024-13-01", "2024-01-31T00:00:00", "yesterday",
                          "2024-01-31 00:00:00Z", "1706659200000"}) {
    INFO(bad);
    Status s = ParsePurgeBefore(bad, &ms);
    CHECK(s.IsInvalidArgument());
    CHECK(s.message().find("before: ") == 0);
  }
}

}  // namespace
}  // namespace lrs
