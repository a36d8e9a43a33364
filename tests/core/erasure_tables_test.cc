// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Store::EraseAgent beyond statements: documents, the Person record,
// attachments, the sync tables, the audit table (also in a store created
// before it existed), and erasure under concurrent readers and writers.

#include <catch2/catch.hpp>

#include <openssl/sha.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>

#include "lrs/common/coding.h"
#include "lrs/core/store_impl.h"
#include "lrs/json/json.h"
#include "tests/support/test_util.h"

namespace lrs {
namespace {

using storage::Table;
using testing::Agent;
using testing::Statement;
using testing::TempDir;
using testing::TestStore;

constexpr const char* kDone = "http://adlnet.gov/expapi/verbs/completed";
constexpr const char* kA1 = "http://example.com/a/1";
constexpr const char* kReg = "11111111-2222-4333-8444-555555555555";
const std::string kAna = Agent("ana@example.com");
const std::string kBob = Agent("bob@example.com");

// A statement whose actor has a name.
std::string Named(const std::string& email, const std::string& name) {
  return "{\"actor\":" + Agent(email, name) + ",\"verb\":{\"id\":\"" + kDone +
         "\"},\"object\":{\"id\":\"" + kA1 + "\"}}";
}

core::StoreImpl* Impl(TestStore& ts) { return static_cast<core::StoreImpl*>(ts.store.get()); }

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

std::string Person(TestStore& ts, const std::string& agent) {
  std::string p;
  REQUIRE(ts->GetPerson(agent, &p).ok());
  return p;
}

// Opens a copy of the store's data file, as a crash would leave it (the
// index buffer not merged: it is rebuilt from the pending log).
void CheckCrashCopy(TestStore& ts, const std::function<void(TestStore&)>& check) {
  TestStore copy;
  copy.store.reset();
  std::filesystem::remove_all(copy.dir.path());
  std::filesystem::create_directories(copy.dir.path());
  std::filesystem::copy_file(ts.dir.path() + "/data.mdb", copy.dir.path() + "/data.mdb");
  copy.Reopen();
  check(copy);
}

TEST_CASE("EraseAgent deletes the agent's state and agent profiles, keeps the rest",
          "[erasure][documents]") {
  TestStore ts;
  auto key = [](DocumentKind kind, const std::string& activity, const std::string& agent,
                const std::string& id, bool reg = false) {
    DocumentKey k;
    k.kind = kind;
    k.activity_id = activity;
    k.agent = agent;
    k.id = id;
    if (reg) k.registration = kReg;
    return k;
  };
  std::vector<DocumentKey> anas, others;
  for (int a = 1; a <= 5; ++a) {
    const std::string act = "http://example.com/a/" + std::to_string(a);
    others.push_back(key(DocumentKind::kState, act, kBob, "bookmark"));
    if (a % 2 == 0) {  // state under some activities only, between other learners'
      anas.push_back(key(DocumentKind::kState, act, Agent("ana@example.com", "Ana"), "bookmark"));
      anas.push_back(key(DocumentKind::kState, act, kAna, "progress", true));
    }
  }
  others.push_back(key(DocumentKind::kState, kA1, Agent("zoe@example.com"), "bookmark"));
  anas.push_back(key(DocumentKind::kAgentProfile, "", kAna, "preferences"));
  others.push_back(key(DocumentKind::kAgentProfile, "", kBob, "preferences"));
  others.push_back(key(DocumentKind::kActivityProfile, kA1, "", "syllabus"));
  for (const auto& k : anas) REQUIRE(ts->PutDocument(k, "{\"x\":1}", "application/json", {}, nullptr).ok());
  for (const auto& k : others) REQUIRE(ts->PutDocument(k, "{\"y\":2}", "application/json", {}, nullptr).ok());

  ErasureReport report;
  REQUIRE(ts->EraseAgent(kAna, &report).ok());
  CHECK(report.documents == anas.size());
  CHECK(report.statements == 0);
  Document d;
  for (const auto& k : anas) CHECK(ts->GetDocument(k, &d).IsNotFound());
  for (const auto& k : others) CHECK(ts->GetDocument(k, &d).ok());
  DocumentListQuery lq;
  lq.key = key(DocumentKind::kState, "http://example.com/a/2", kAna, "");
  std::vector<std::string> ids;
  REQUIRE(ts->ListDocuments(lq, &ids).ok());
  CHECK(ids.empty());
  lq.key.agent = kBob;
  REQUIRE(ts->ListDocuments(lq, &ids).ok());
  CHECK(ids == std::vector<std::string>{"bookmark"});
  // Documents written afterwards are stored normally.
  REQUIRE(ts->PutDocument(anas[0], "{\"z\":3}", "application/json", {}, nullptr).ok());
  REQUIRE(ts->GetDocument(anas[0], &d).ok());
  CHECK(d.content == "{\"z\":3}");
}

TEST_CASE("EraseAgent forgets the agent's names in the agents table", "[erasure][agents]") {
  const bool merged = GENERATE(false, true);
  INFO("merged " << merged);
  TestStore ts;
  REQUIRE(ts->PutStatements({}, Named("ana@example.com", "Ana Learner"),
                            nullptr).ok());
  REQUIRE(ts->PutStatements({}, Named("bob@example.com", "Bob Builder"), nullptr).ok());
  if (merged) ts.Reopen();
  REQUIRE(Person(ts, kAna).find("Ana Learner") != std::string::npos);
  REQUIRE(ts->EraseAgent(kAna, nullptr).ok());
  CHECK(Person(ts, kAna).find("Ana Learner") == std::string::npos);
  CHECK(Person(ts, kBob).find("Bob Builder") != std::string::npos);
  CheckCrashCopy(ts, [](TestStore& c) {
    CHECK(Person(c, kAna).find("Ana Learner") == std::string::npos);
    CHECK(Person(c, kBob).find("Bob Builder") != std::string::npos);
  });
  ts.Reopen();
  CHECK(Person(ts, kAna).find("Ana Learner") == std::string::npos);
  // A later statement naming her records the name again.
  REQUIRE(ts->PutStatements({}, Named("ana@example.com", "Ana Learner"),
                            nullptr).ok());
  CHECK(Person(ts, kAna).find("Ana Learner") != std::string::npos);
}

TEST_CASE("EraseAgent deletes attachment payloads only erased statements use",
          "[erasure][attachments]") {
  TestStore ts;
  auto att = [](const std::string& sha2) {
    return "{\"usageType\":\"http://example.com/usage\",\"display\":{\"en-US\":\"A\"},"
           "\"contentType\":\"text/plain\",\"length\":4,\"sha2\":\"" + sha2 + "\"}";
  };
  const std::string own = "mine", shared = "ours";
  const std::string own_sha = HexSha256(own), shared_sha = HexSha256(shared);
  StatementWrite w;
  w.attachments = {{own_sha, "text/plain", own}, {shared_sha, "text/plain", shared}};
  REQUIRE(ts->PutStatements(w, Statement("ana@example.com", kDone, kA1,
                                         "\"attachments\":[" + att(own_sha) + "," + att(shared_sha) + "]"),
                            nullptr).ok());
  StatementWrite wb;
  wb.attachments = {{shared_sha, "text/plain", shared}};
  std::vector<std::string> ids;
  REQUIRE(ts->PutStatements(wb, Statement("bob@example.com", kDone, kA1,
                                          "\"attachments\":[" + att(shared_sha) + "]"),
                            &ids).ok());
  REQUIRE(ts->EraseAgent(kAna, nullptr).ok());
  storage::ReadTxn txn;
  REQUIRE(Impl(ts)->env()->BeginRead(&txn).ok());
  std::string_view v;
  CHECK(txn.Get(Table::kAttachments, own_sha, &v).IsNotFound());
  CHECK(txn.Get(Table::kAttachments, shared_sha, &v).ok());
  txn.Reset();
  StatementGet g;
  g.id = ids[0];
  g.attachments = true;
  std::string json;
  std::vector<AttachmentPayload> payloads;
  REQUIRE(ts->GetStatement(g, &json, &payloads).ok());
  REQUIRE(payloads.size() == 1);
  CHECK(payloads[0].data == shared);
}

TEST_CASE("EraseAgent deletes sync retry, dead-letter and remote-id entries of the agent",
          "[erasure][sync]") {
  TestStore ts;
  core::StoreImpl* impl = Impl(ts);
  REQUIRE(ts->PutStatements({}, Statement("bob@example.com", kDone, kA1), nullptr).ok());   // 1
  REQUIRE(ts->PutStatements({}, Statement("ana@example.com", kDone, kA1), nullptr).ok());   // 2
  REQUIRE(ts->PutStatements({}, Statement("ana@example.com", kDone, kA1), nullptr).ok());   // 3
  std::vector<core::StoreImpl::OutboxEntry> out;
  REQUIRE(impl->ReadOutbox(0, 10, false, &out).ok());
  REQUIRE(out.size() == 3);
  auto id_of = [&](int i) {
    json::Document d;
    REQUIRE(json::Parse(out[i].json, &d).ok());
    return std::string(d["id"].GetString());
  };
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
      M{Table::kSyncRetry, retry(2), std::string("r")},
      M{Table::kSyncRetry, retry(3), std::string("r")},
      M{Table::kSyncDlq, dlq(1), dlq_value(id_of(0))},
      M{Table::kSyncDlq, dlq(2), dlq_value(id_of(1))},
      M{Table::kSyncDlq, dlq(99), dlq_value(id_of(2))},  // found by its statement id
      M{Table::kSyncState, dest + "scontact:ana@example.com", std::string("101")},
      M{Table::kSyncState, dest + "slead:Ana@Example.COM", std::string("7")},
      M{Table::kSyncState, dest + "scontact:bob@example.com", std::string("102")},
      M{Table::kSyncState, dest + "scontact:xana@example.com", std::string("103")},
      M{Table::kSyncState, dest + "soauth_token", std::string("1 t")},
      M{Table::kSyncState, dest + "ssf:" + id_of(1), std::string("a0X1")},  // erased statement
      M{Table::kSyncState, dest + "ssf:" + id_of(0), std::string("a0X0")},
      M{Table::kSyncCursors, "crm", Fixed64BE(3)},
  }).ok());
  ErasureReport report;
  REQUIRE(ts->EraseAgent(kAna, &report).ok());
  CHECK(report.statements == 2);
  CHECK(report.sync_records == 7);
  auto keys = [&](Table t) {
    std::vector<std::pair<std::string, std::string>> kv;
    REQUIRE(impl->SyncScan(t, dest, "", 100, &kv).ok());
    std::vector<std::string> r;
    for (auto& [k, v] : kv) r.push_back(k);
    return r;
  };
  CHECK(keys(Table::kSyncRetry) == std::vector<std::string>{retry(1)});
  CHECK(keys(Table::kSyncDlq) == std::vector<std::string>{dlq(1)});
  CHECK(keys(Table::kSyncState) ==
        std::vector<std::string>{dest + "scontact:bob@example.com",
                                 dest + "scontact:xana@example.com", dest + "soauth_token",
                                 dest + "ssf:" + id_of(0)});
  std::string v;
  CHECK(impl->SyncGet(Table::kSyncCursors, "crm", &v).ok());
}

TEST_CASE("EraseAgent leaves one audit record per erasure, without personal data",
          "[erasure][audit]") {
  TestStore ts;
  REQUIRE(ts->PutStatements({}, Named("ana@example.com", "Ana Learner"),
                            nullptr).ok());
  DocumentKey k;
  k.kind = DocumentKind::kAgentProfile;
  k.agent = kAna;
  k.id = "p";
  REQUIRE(ts->PutDocument(k, "x", "text/plain", {}, nullptr).ok());
  ErasureReport first, second;
  REQUIRE(ts->EraseAgent(Agent("ana@example.com", "Ana Learner"), &first).ok());
  REQUIRE(ts->EraseAgent(kBob, &second).ok());
  ts.Reopen();
  std::vector<std::string> audit;
  REQUIRE(ts->ListAudit(&audit).ok());
  REQUIRE(audit.size() == 2);
  json::Document d;
  REQUIRE(json::Parse(audit[0], &d).ok());
  CHECK(std::string(d["id"].GetString()) == first.audit_id);
  CHECK(std::string(d["op"].GetString()) == "erase_agent");
  CHECK(std::string(d["agent_sha256"].GetString()) == HexSha256("mbox:mailto:ana@example.com"));
  CHECK(d["statements"].GetUint64() == 1);
  CHECK(d["documents"].GetUint64() == 1);
  CHECK(d["sync_records"].GetUint64() == 0);
  CHECK(std::string(d["at"].GetString()).size() == 24);  // 2026-01-02T03:04:05.678Z
  for (const auto& r : audit) {
    INFO(r);
    CHECK(r.find("ana") == std::string::npos);
    CHECK(r.find("Ana") == std::string::npos);
    CHECK(r.find("example.com") == std::string::npos);
    CHECK(r.find("mailto") == std::string::npos);
  }
  REQUIRE(json::Parse(audit[1], &d).ok());
  CHECK(std::string(d["id"].GetString()) == second.audit_id);
}

TEST_CASE("A store created before the audit table existed opens and gets one",
          "[erasure][audit][format]") {
  TempDir dir;
  {
    std::unique_ptr<Store> s;
    REQUIRE(Store::Open(Options(), dir.path(), &s).ok());
    REQUIRE(s->PutStatements({}, Statement("ana@example.com", kDone, kA1), nullptr).ok());
  }
  {
    std::unique_ptr<storage::Env> env;
    REQUIRE(storage::Env::Open(dir.path(), storage::EnvOptions(), &env).ok());
    storage::WriteTxn txn;
    REQUIRE(env->BeginWrite(&txn).ok());
    REQUIRE(mdb_drop(txn.txn(), env->dbi(Table::kAudit), 1) == MDB_SUCCESS);  // as before it existed
    REQUIRE(txn.Commit().ok());
  }
  std::unique_ptr<Store> s;
  REQUIRE(Store::Open(Options(), dir.path(), &s).ok());
  std::vector<std::string> audit;
  REQUIRE(s->ListAudit(&audit).ok());
  CHECK(audit.empty());
  ErasureReport report;
  REQUIRE(s->EraseAgent(kAna, &report).ok());
  CHECK(report.statements == 1);
  REQUIRE(s->ListAudit(&audit).ok());
  CHECK(audit.size() == 1);
}

TEST_CASE("EraseAgent under concurrent writers and readers", "[erasure][concurrency]") {
  Options o;
  o.index_buffer_statements = 16;  // merges happen during the run
  TestStore ts(o);
  core::StoreImpl* impl = Impl(ts);
  std::atomic<bool> stop{false};
  std::vector<std::string> bob_ids, failures;
  std::mutex mu;  // guards bob_ids and failures (Catch2 macros are not thread-safe)
  auto fail = [&](const Status& s) {
    if (s.ok()) return;
    std::lock_guard<std::mutex> l(mu);
    failures.push_back(s.ToString());
  };
  std::vector<std::thread> threads;
  for (int w = 0; w < 2; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < 60; ++i) {
        std::vector<std::string> ids;
        const std::string who = (i % 2 == 0) ? "ana@example.com" : "bob@example.com";
        Status s = ts->PutStatements({}, Statement(who, kDone, "http://example.com/a/" +
                                                                   std::to_string(w)),
                                     &ids);
        fail(s);
        if (s.ok() && who[0] == 'b') {
          std::lock_guard<std::mutex> l(mu);
          bob_ids.push_back(ids[0]);
        }
      }
    });
  }
  for (int r = 0; r < 2; ++r) {
    threads.emplace_back([&, r] {
      while (!stop) {
        StatementQuery q;
        q.agent = r == 0 ? kAna : kBob;
        q.limit = 5;
        StatementPage page;
        fail(ts->QueryStatements(q, &page));
        q = {};
        q.verb = kDone;
        fail(ts->QueryStatements(q, &page));
        std::string p;
        fail(ts->GetPerson(kAna, &p));
        std::vector<core::StoreImpl::OutboxEntry> out;
        fail(impl->ReadOutbox(0, 50, false, &out));
      }
    });
  }
  std::thread eraser([&] {
    for (int i = 0; i < 6; ++i) {
      fail(ts->EraseAgent(kAna, nullptr));
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  for (int w = 0; w < 2; ++w) threads[w].join();
  eraser.join();
  stop = true;
  for (std::size_t t = 2; t < threads.size(); ++t) threads[t].join();
  CHECK(failures == std::vector<std::string>{});

  REQUIRE(ts->EraseAgent(kAna, nullptr).ok());
  auto count = [&](const std::string& agent) {
    StatementQuery q;
    q.agent = agent;
    StatementPage page;
    REQUIRE(ts->QueryStatements(q, &page).ok());
    return page.statements.size();
  };
  CHECK(count(kAna) == 0);
  CHECK(count(kBob) == bob_ids.size());
  ts.Reopen(o);
  CHECK(count(kAna) == 0);
  CHECK(count(kBob) == bob_ids.size());
  StoreStats st;
  REQUIRE(ts->GetStats(&st).ok());
  CHECK(st.statements == bob_ids.size());
}

}  // namespace
}  // namespace lrs
