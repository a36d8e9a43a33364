// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The relay's delivery rules (lrs/sync/relay.h): outbox cursor, backfill,
// restart without re-delivery, per-learner order behind a failing record,
// retries then dead-letter, destination-level failures behind the breaker
// (nothing dead-lettered, Retry-After respected), pause / resume, DLQ
// replay and drop, disabling, rate limits, filters.

#include "lrs/sync/relay.h"

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "lrs/sync/connector.h"
#include "lrs/sync/relay_internal.h"
#include "tests/support/test_util.h"
#include "tests/sync/sync_test_util.h"

namespace lrs::sync {
namespace {

using lrs::testing::Agent;
using lrs::testing::Statement;
using lrs::testing::TestStore;
using namespace std::chrono_literals;

constexpr const char* kVerb = "http://adlnet.gov/expapi/verbs/completed";

// A scripted destination: each record's fate is decided by `decide`, and
// what it delivers is recorded in order.
struct Script {
  std::mutex mu;
  std::vector<std::string> delivered;  // statement ids, in delivery order
  std::vector<std::string> learners;   // learner of each delivered record
  std::vector<std::string> keys;       // idempotency keys
  std::map<std::string, int> attempts; // per statement id
  std::function<Outcome(const OutRecord&, int attempt)> decide;
  std::function<DeliveryResult()> destination_failure;  // set: every Deliver fails so
  std::size_t batch = 50;
  bool ordered = false;
  int calls = 0;
};
Script* g_script = nullptr;

class ScriptConnector final : public Connector {
 public:
  std::size_t max_batch() const override { return g_script->batch; }
  bool uses_mapping() const override { return false; }
  bool preserves_batch_order() const override { return g_script->ordered; }
  DeliveryResult Deliver(const std::vector<const OutRecord*>& records) override {
    std::lock_guard<std::mutex> l(g_script->mu);
    ++g_script->calls;
    if (g_script->destination_failure) return g_script->destination_failure();
    DeliveryResult r;
    for (const OutRecord* rec : records) {
      int n = ++g_script->attempts[rec->statement_id];
      Outcome o = g_script->decide ? g_script->decide(*rec, n) : Outcome::kDelivered;
      RecordResult rr;
      rr.outcome = o;
      if (o != Outcome::kDelivered) rr.error = "scripted failure";
      if (o == Outcome::kDelivered) {
        g_script->delivered.push_back(rec->statement_id);
        g_script->learners.push_back(rec->learner);
        g_script->keys.push_back(rec->idempotency_key);
      }
      r.records.push_back(rr);
    }
    return r;
  }
};

// Polls `pred` until true or 10 s passed.
template <typename Pred>
bool Eventually(Pred pred) {
  for (int i = 0; i < 2000; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return pred();
}

// The statement about activity 0 (see Fixture::Put).
bool IsFirst(const OutRecord& r) {
  return r.statement.find("\"http://example.com/a/0\"") != std::string::npos;
}

struct Fixture {
  Fixture() {
    g_script = &script;
    RegisterConnector("script", [](const ConnectorContext&, std::unique_ptr<Connector>* out) {
      *out = std::make_unique<ScriptConnector>();
      return Status::OK();
    });
  }
  ~Fixture() {
    relay.reset();
    g_script = nullptr;
  }
  void Open(const std::string& extra = "", Clock* clock = nullptr) {
    RelayOptions o;
    // Default retry policy unless `extra` sets its own.
    std::string retry = extra.find("\"retry\"") == std::string::npos
                            ? R"(,"retry":{"max_attempts":3,"base_ms":1,"cap_ms":5})"
                            : "";
    o.destinations_json =
        R"([{"name":"d","type":"script","categories":["education","engagement"])" + retry +
        extra + "}]";
    o.clock = clock;
    o.tick = 20ms;
    o.log = [this](LogLevel level, const std::string& msg) {
      std::lock_guard<std::mutex> l(log_mu);
      logs.emplace_back(level, msg);
    };
    Status s = Relay::Open(store.store.get(), o, &relay);
    INFO(s.ToString());
    REQUIRE(s.ok());
  }
  std::string Put(const std::string& email, int n = 0) {
    std::vector<std::string> ids;
    Status s = store->PutStatements(
        {}, Statement(email, kVerb, "http://example.com/a/" + std::to_string(n)), &ids);
    REQUIRE(s.ok());
    return ids.at(0);
  }
  DestinationStatus Status0() {
    std::vector<DestinationStatus> st;
    REQUIRE(relay->GetStatus(&st).ok());
    REQUIRE(st.size() == 1);
    return st[0];
  }
  std::vector<std::pair<LogLevel, std::string>> Logs() {
    std::lock_guard<std::mutex> l(log_mu);
    return logs;
  }
  Script script;
  TestStore store;
  std::mutex log_mu;
  std::vector<std::pair<LogLevel, std::string>> logs;
  std::unique_ptr<Relay> relay;
};

TEST_CASE("relay delivers every statement once, in stored order, and backfills from the start") {
  Fixture f;
  std::vector<std::string> ids;
  for (int i = 0; i < 30; ++i) ids.push_back(f.Put("l" + std::to_string(i % 7) + "@x.org", i));
  f.Open();  // backfill: statements stored before the destination existed
  REQUIRE(f.relay->WaitIdle(10s));
  for (int i = 0; i < 20; ++i) ids.push_back(f.Put("l" + std::to_string(i % 7) + "@x.org", i));
  REQUIRE(f.relay->WaitIdle(10s));  // woken by the commits
  std::lock_guard<std::mutex> l(f.script.mu);
  CHECK(f.script.delivered == ids);
  auto st = f.Status0();
  CHECK(st.cursor == 50);
  CHECK(st.lag == 0);
  CHECK(st.delivered == 50);
  CHECK(st.breaker == "closed");
  // Idempotency keys are deterministic per (destination, statement, mapping).
  CHECK(f.script.keys[0].size() == 32);
  CHECK(std::set<std::string>(f.script.keys.begin(), f.script.keys.end()).size() == 50);
}

TEST_CASE("a restarted relay resumes from its durable cursor without re-delivering") {
  Fixture f;
  for (int i = 0; i < 10; ++i) f.Put("a@x.org", i);
  f.Open();
  REQUIRE(f.relay->WaitIdle(10s));
  std::string key0 = f.script.keys.at(0);
  f.relay.reset();
  for (int i = 0; i < 5; ++i) f.Put("a@x.org", 100 + i);
  f.Open();
  REQUIRE(f.relay->WaitIdle(10s));
  std::lock_guard<std::mutex> l(f.script.mu);
  CHECK(f.script.delivered.size() == 15);
  CHECK(std::set<std::string>(f.script.delivered.begin(), f.script.delivered.end()).size() == 15);
  CHECK(f.script.keys.at(0) == key0);
}

TEST_CASE("start = now skips the backlog; start = N starts after position N") {
  SECTION("now") {
    Fixture f;
    for (int i = 0; i < 5; ++i) f.Put("a@x.org", i);
    f.Open(R"(,"start":"now")");
    std::string later = f.Put("a@x.org", 9);
    REQUIRE(f.relay->WaitIdle(10s));
    std::lock_guard<std::mutex> l(f.script.mu);
    CHECK(f.script.delivered == std::vector<std::string>{later});
  }
  SECTION("after a position") {
    Fixture f;
    std::vector<std::string> ids;
    for (int i = 0; i < 5; ++i) ids.push_back(f.Put("a@x.org", i));
    f.Open(R"(,"start":3)");
    REQUIRE(f.relay->WaitIdle(10s));
    std::lock_guard<std::mutex> l(f.script.mu);
    CHECK(f.script.delivered == std::vector<std::string>{ids[3], ids[4]});
  }
}

TEST_CASE("a failing record holds back its learner's later records, not other learners'") {
  Fixture f;
  std::atomic<bool> healed{false};
  f.script.decide = [&](const OutRecord& r, int) {
    return IsFirst(r) && !healed ? Outcome::kRetry : Outcome::kDelivered;
  };
  f.Open(R"(,"retry":{"max_attempts":100,"base_ms":1,"cap_ms":2})");
  std::string bad = f.Put("ana@x.org", 0);
  std::string ana2 = f.Put("ana@x.org", 1);
  std::string ana3 = f.Put("ana@x.org", 2);
  std::string bob = f.Put("bob@x.org", 3);
  // Bob's record passes Ana's failing one.
  for (int i = 0; i < 500; ++i) {
    {
      std::lock_guard<std::mutex> l(f.script.mu);
      if (!f.script.delivered.empty()) break;
    }
    std::this_thread::sleep_for(5ms);
  }
  {
    std::lock_guard<std::mutex> l(f.script.mu);
    CHECK(f.script.delivered == std::vector<std::string>{bob});
    CHECK(f.script.attempts[bad] >= 1);
    CHECK(f.script.attempts.count(ana2) == 0);  // never sent ahead of the failing one
  }
  auto st = f.Status0();
  CHECK(st.retrying == 3);  // the failing head and the two waiting behind it
  CHECK(st.dead_lettered == 0);
  healed = true;
  f.relay->SyncNow();
  REQUIRE(f.relay->WaitIdle(10s));
  std::lock_guard<std::mutex> l(f.script.mu);
  CHECK(f.script.delivered == std::vector<std::string>{bob, bad, ana2, ana3});
  CHECK(f.Status0().retrying == 0);
}

TEST_CASE("a record that keeps failing is dead-lettered after max_attempts; the learner moves on") {
  Fixture f;
  f.script.decide = [&](const OutRecord& r, int) {
    return IsFirst(r) ? Outcome::kRetry : Outcome::kDelivered;
  };
  f.Open();  // max_attempts 3, backoff 1..5 ms
  std::string bad = f.Put("ana@x.org", 0);
  std::string next = f.Put("ana@x.org", 1);
  REQUIRE(Eventually([&] { return f.Status0().dead_lettered == 1; }));
  REQUIRE(f.relay->WaitIdle(10s));
  auto st = f.Status0();
  CHECK(st.dead_lettered == 1);
  CHECK(st.retrying == 0);
  {
    std::lock_guard<std::mutex> l(f.script.mu);
    CHECK(f.script.attempts[bad] == 3);
    CHECK(f.script.delivered == std::vector<std::string>{next});
  }
  std::vector<DlqEntry> dlq;
  REQUIRE(f.relay->ListDlq("d", 0, 10, &dlq).ok());
  REQUIRE(dlq.size() == 1);
  CHECK(dlq[0].statement_id == bad);
  CHECK(dlq[0].attempts == 3);
  CHECK(dlq[0].learner == "mbox:mailto:ana@x.org");
  CHECK(dlq[0].error == "scripted failure");

  // Replay after the destination is fixed.
  f.script.decide = nullptr;
  std::size_t n = 0;
  REQUIRE(f.relay->ReplayDlq("d", 0, &n).ok());
  CHECK(n == 1);
  REQUIRE(f.relay->WaitIdle(10s));
  CHECK(f.Status0().dead_lettered == 0);
  std::lock_guard<std::mutex> l(f.script.mu);
  CHECK(f.script.delivered.back() == bad);
}

TEST_CASE("a rejected record goes to the DLQ at once; drop removes it; the DLQ survives restart") {
  Fixture f;
  f.script.decide = [&](const OutRecord& r, int) {
    return IsFirst(r) ? Outcome::kReject : Outcome::kDelivered;
  };
  f.Open();
  std::string bad = f.Put("ana@x.org", 0);
  f.Put("ana@x.org", 1);
  REQUIRE(f.relay->WaitIdle(10s));
  CHECK(f.script.attempts[bad] == 1);
  f.relay.reset();
  f.Open();
  CHECK(f.Status0().dead_lettered == 1);
  std::size_t n = 0;
  CHECK(f.relay->DropDlq("d", 12345, &n).IsNotFound());
  std::vector<DlqEntry> dlq;
  REQUIRE(f.relay->ListDlq("d", 0, 10, &dlq).ok());
  REQUIRE(f.relay->DropDlq("d", dlq.at(0).seq, &n).ok());
  CHECK(n == 1);
  CHECK(f.Status0().dead_lettered == 0);
}

TEST_CASE("an erasure of a learner shows in the relay's counts and queues at once") {
  Fixture f;
  f.script.decide = [&](const OutRecord& r, int) {
    return r.learner.find("ana@") != std::string::npos ? Outcome::kReject : Outcome::kDelivered;
  };
  f.Open();
  f.Put("ana@x.org", 0);
  f.Put("ana@x.org", 1);
  f.Put("bo@x.org", 2);
  REQUIRE(f.relay->WaitIdle(10s));
  REQUIRE(f.Status0().dead_lettered == 2);
  ErasureReport report;
  REQUIRE(f.store->EraseAgent(Agent("ana@x.org"), &report).ok());
  CHECK(report.sync_records == 2);
  CHECK(f.Status0().dead_lettered == 0);
  std::vector<DlqEntry> dlq;
  REQUIRE(f.relay->ListDlq("d", 0, 10, &dlq).ok());
  CHECK(dlq.empty());
  std::size_t n = 99;
  CHECK(f.relay->DropDlq("d", 0, &n).ok());
  CHECK(n == 0);
  CHECK(f.Status0().dead_lettered == 0);
}

TEST_CASE("one relay per store; a log sink may call back into the relay") {
  Fixture f;
  f.script.destination_failure = [] {
    DeliveryResult r;
    r.kind = DeliveryResult::Kind::kUnavailable;
    r.error = "down";
    return r;
  };
  RelayOptions o;
  o.destinations_json = R"([{"name":"d","type":"script","categories":["education","engagement"]}])";
  o.tick = 20ms;
  std::atomic<int> calls{0};
  std::atomic<Relay*> self{nullptr};
  o.log = [&](LogLevel, const std::string&) {
    std::vector<DestinationStatus> st;
    Relay* r = self.load();
    if (r && r->GetStatus(&st).ok()) ++calls;  // deadlocked before: the log ran under the lane's lock
  };
  std::unique_ptr<Relay> relay;
  REQUIRE(Relay::Open(f.store.store.get(), o, &relay).ok());
  self = relay.get();
  std::unique_ptr<Relay> second;
  Status s = Relay::Open(f.store.store.get(), o, &second);
  CHECK(s.code() == Status::Code::kBusy);
  CHECK(second == nullptr);
  f.Put("ana@x.org", 0);
  CHECK(Eventually([&] { return calls.load() > 0; }));
  self = nullptr;
  relay.reset();
  // Closed: the store takes a relay again.
  o.log = nullptr;
  CHECK(Relay::Open(f.store.store.get(), o, &second).ok());
  second.reset();
}

TEST_CASE("destination-level failures open the breaker, wait at least Retry-After, dead-letter nothing") {
  Fixture f;
  testing::FakeClock clock;
  f.script.destination_failure = [] {
    return DeliveryResult::Unavailable("HTTP 503", std::chrono::milliseconds(60000));
  };
  f.Open("", &clock);
  for (int i = 0; i < 5; ++i) f.Put("l" + std::to_string(i) + "@x.org", i);
  for (int i = 0; i < 400 && f.script.calls == 0; ++i) std::this_thread::sleep_for(5ms);
  std::this_thread::sleep_for(100ms);
  auto st = f.Status0();
  CHECK(st.breaker == "open");
  CHECK(st.dead_lettered == 0);
  CHECK(st.retrying == 0);
  CHECK(st.cursor == 0);
  CHECK(st.next_attempt_ms >= clock.NowMicros() / 1000 + 60000);
  CHECK(st.last_error == "HTTP 503");
  int calls = f.script.calls;
  CHECK(calls == 1);  // no attempt before Retry-After
  // After the wait: one probe record (half-open), then full batches.
  f.script.destination_failure = nullptr;
  clock.Advance(61'000'000);
  f.relay->SyncNow();
  REQUIRE(f.relay->WaitIdle(10s));
  st = f.Status0();
  CHECK(st.breaker == "closed");
  CHECK(st.delivered == 5);
  CHECK(f.script.calls == calls + 2);  // the probe with one record, then the other four
  // One warning when the destination paused, one note when it resumed.
  int paused = 0, resumed = 0;
  for (const auto& [level, msg] : f.Logs()) {
    if (msg.find("destination d paused (circuit open): HTTP 503") != std::string::npos) {
      CHECK(level == LogLevel::kWarning);
      ++paused;
    }
    resumed += msg.find("destination d resumed") != std::string::npos;
  }
  CHECK(paused == 1);
  CHECK(resumed == 1);
}

TEST_CASE("a Retry-After still running is honoured after a restart") {
  Fixture f;
  testing::FakeClock clock;
  f.script.destination_failure = [] {
    return DeliveryResult::Unavailable("HTTP 429", std::chrono::milliseconds(30000));
  };
  f.Open("", &clock);
  f.Put("a@x.org");
  for (int i = 0; i < 400 && f.script.calls == 0; ++i) std::this_thread::sleep_for(5ms);
  REQUIRE(f.script.calls == 1);
  // Restarted 1 s later: still waiting, no request before the 30 s are up.
  f.relay.reset();
  f.script.destination_failure = nullptr;
  clock.Advance(1'000'000);
  f.Open("", &clock);
  std::this_thread::sleep_for(150ms);
  CHECK(f.script.calls == 1);
  auto st = f.Status0();
  CHECK(st.breaker == "open");
  CHECK(st.next_attempt_ms >= clock.NowMicros() / 1000 + 28000);
  // When it is over: delivered, and the wait is forgotten.
  clock.Advance(30'000'000);
  f.relay->SyncNow();
  REQUIRE(f.relay->WaitIdle(10s));
  CHECK(f.Status0().delivered == 1);
  f.relay.reset();
  f.Put("a@x.org", 1);
  f.Open("", &clock);
  REQUIRE(f.relay->WaitIdle(10s));
  CHECK(f.script.calls == 3);
}

TEST_CASE("pause stops all sending; resume catches up") {
  Fixture f;
  f.Open();
  f.relay->Pause();
  for (int i = 0; i < 5; ++i) f.Put("a@x.org", i);
  std::this_thread::sleep_for(100ms);
  CHECK(f.script.calls == 0);
  auto st = f.Status0();
  CHECK(st.paused);
  CHECK(st.lag == 5);
  f.relay->Resume();
  REQUIRE(f.relay->WaitIdle(10s));
  CHECK(f.Status0().delivered == 5);
}

TEST_CASE("unordered destinations get at most one record per learner per batch") {
  Fixture f;
  f.script.ordered = false;
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) ids.push_back(f.Put("same@x.org", i));
  f.Open();
  REQUIRE(f.relay->WaitIdle(10s));
  std::lock_guard<std::mutex> l(f.script.mu);
  CHECK(f.script.delivered == ids);
  CHECK(f.script.calls == 6);
}

TEST_CASE("ordered destinations take a learner's records in one batch") {
  Fixture f;
  f.script.ordered = true;
  for (int i = 0; i < 6; ++i) f.Put("same@x.org", i);
  f.Open();
  REQUIRE(f.relay->WaitIdle(10s));
  CHECK(f.script.calls == 1);
}

TEST_CASE("a filter skips statements without delaying the cursor") {
  Fixture f;
  f.Open(R"(,"filter":{"verb":["http://adlnet.gov/expapi/verbs/passed"]})");
  f.Put("a@x.org", 0);  // completed: filtered out
  std::vector<std::string> ids;
  REQUIRE(f.store->PutStatements({}, Statement("a@x.org", "http://adlnet.gov/expapi/verbs/passed",
                                               "http://example.com/a/1"),
                                 &ids).ok());
  REQUIRE(f.relay->WaitIdle(10s));
  auto st = f.Status0();
  CHECK(st.cursor == 2);
  CHECK(st.filtered == 1);
  std::lock_guard<std::mutex> l(f.script.mu);
  CHECK(f.script.delivered == ids);
}

TEST_CASE("a token bucket limits records per second") {
  Fixture f;
  f.script.batch = 5;
  for (int i = 0; i < 40; ++i) f.Put("l" + std::to_string(i) + "@x.org", i);
  auto t0 = std::chrono::steady_clock::now();
  f.Open(R"(,"rate_limit":{"per_second":100,"burst":10})");
  REQUIRE(f.relay->WaitIdle(20s));
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(secs >= 0.25);  // 40 records at 100/s after a burst of 10
  CHECK(f.Status0().delivered == 40);
}

TEST_CASE("a destination that asks to stop is disabled until enabled again") {
  Fixture f;
  f.script.destination_failure = [] {
    DeliveryResult r;
    r.kind = DeliveryResult::Kind::kDisabled;
    r.error = "HTTP 410";
    return r;
  };
  f.Open();
  f.Put("a@x.org", 0);
  for (int i = 0; i < 400 && !f.Status0().disabled; ++i) std::this_thread::sleep_for(5ms);
  CHECK(f.Status0().disabled);
  f.relay.reset();
  f.script.destination_failure = nullptr;
  f.Open();
  CHECK(f.Status0().disabled);  // durable
  REQUIRE(f.relay->Enable("d").ok());
  REQUIRE(f.relay->WaitIdle(10s));
  CHECK(f.Status0().delivered == 1);
}

TEST_CASE("destination config errors name the destination and the setting") {
  auto err = [](const std::string& json) { return ValidateDestinations(json).ToString(); };
  CHECK(err(R"([{"name":"a b","type":"xapi"}])").find("destinations[0] (a b).name:") !=
        std::string::npos);
  CHECK(err(R"([{"name":"x","type":"fax"}])").find("(x).type") != std::string::npos);
  CHECK(err(R"([{"name":"x","type":"hubspot","retry":{"max_attempts":0}}])")
            .find("retry.max_attempts") != std::string::npos);
  CHECK(err(R"([{"name":"x","type":"hubspot","retry":{"tries":3}}])").find("retry.tries") !=
        std::string::npos);
  CHECK(err(R"([{"name":"x","type":"xapi","categories":"engagement"}])").find("categories") !=
        std::string::npos);
  CHECK(err(R"([{"name":"x","type":"webhook"},{"name":"x","type":"webhook"}])")
            .find("used by another") != std::string::npos);
  CHECK(err(R"([{"name":"x","type":"webhook","start":"yesterday"}])").find("start") !=
        std::string::npos);
  CHECK(err(R"([{"name":"x","type":"webhook","rate_limit":{"per_second":-1}}])")
            .find("rate_limit.per_second") != std::string::npos);
  // The connectors' own settings are checked too, before anything runs.
  const std::string sf =
      R"([{"name":"sf","type":"salesforce","instance_url":"https://x.my.salesforce.com",)"
      R"("auth":"client_credentials","client_id":"id","client_secret":"s",)";
  CHECK(err(sf + R"("field_names":[]}])").find("destinations[0] (sf).field_names: must be an object") !=
        std::string::npos);
  // The mapping's "fields" (an array) and Salesforce's renames do not collide.
  CHECK(ValidateDestinations(sf + R"("field_names":{"course":"Course__c"},)"
                                  R"("fields":[{"name":"sid","path":"id","category":"engagement"}]}])")
            .ok());
  CHECK(err(R"([{"name":"w","type":"webhook","url":"http://127.0.0.1:1/h"}])").find("(w).secret") !=
        std::string::npos);
  CHECK(ValidateDestinations("[]").ok());
}

TEST_CASE("learner keys and idempotency keys") {
  json::Document d;
  REQUIRE(json::Parse(Statement("Ana@X.org", kVerb, "http://e.com/a"), &d).ok());
  CHECK(LearnerOf(d) == "mbox:mailto:Ana@x.org");  // the domain is case-insensitive
  REQUIRE(json::Parse(R"({"actor":{"objectType":"Group","member":[{"mbox":"mailto:b@x.org"},{"mbox":"mailto:a@x.org"}]}})", &d).ok());
  CHECK(LearnerOf(d) == "group:mbox:mailto:a@x.org,mbox:mailto:b@x.org");
  CHECK(IdempotencyKey("d", "id", "v1") == IdempotencyKey("d", "id", "v1"));
  CHECK(IdempotencyKey("d", "id", "v1") != IdempotencyKey("d", "id", "v2"));
  CHECK(IdempotencyKey("d", "id", "v1") != IdempotencyKey("e", "id", "v1"));
}

}  // namespace
}  // namespace lrs::sync
