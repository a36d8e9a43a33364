// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The Marketo connector against the loopback mock of Marketo's contract in
// tests/sync/marketo_mock.h (1-hour tokens on the test's FakeClock).

#include <cctype>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <utility>

#include "tests/sync/marketo_mock.h"

namespace lrs::sync {
namespace {

using testing::ConnectorHarness;
using testing::FakeClock;
using testing::Json;
using testing::MarketoMock;
using testing::MockServer;
using testing::Received;

constexpr const char* kClientId = MarketoMock::kClientId;
constexpr const char* kSecret = MarketoMock::kSecret;
constexpr std::int64_t kTypeId = MarketoMock::kTypeId;
constexpr std::int64_t kHourUs = MarketoMock::kHourUs;

OutRecord Rec(int n, const std::string& email, const std::string& contact = "{}",
              const std::string& props = "") {
  OutRecord r;
  r.seq = static_cast<std::uint64_t>(n);
  char key[40];
  std::snprintf(key, sizeof key, "fedcba9876543210fedcba98%08x", n);
  r.idempotency_key = key;
  r.statement_id = "00000000-0000-4000-8000-" + std::string(key + 20);
  r.learner = email;
  r.mapped.email = email;
  r.mapped.event = "completed";
  r.mapped.timestamp_ms = 1767225600000 + n;
  r.mapped.properties =
      props.empty() ? R"({"activity_name":"Course )" + std::to_string(n) + R"(","score":0.5})"
                    : props;
  r.mapped.contact = contact;
  return r;
}

std::vector<const OutRecord*> Ptrs(const std::vector<OutRecord>& v) {
  std::vector<const OutRecord*> out;
  for (const auto& r : v) out.push_back(&r);
  return out;
}

std::string Settings(const MarketoMock& m, const std::string& extra = "") {
  return R"({"url":")" + m.url() + R"(","client_id":")" + kClientId + R"(","client_secret":")" +
         kSecret + R"(","activity_type_id":)" + std::to_string(kTypeId) + extra + "}";
}

std::unique_ptr<Connector> Make(ConnectorHarness& h) {
  std::unique_ptr<Connector> c;
  Status s = NewMarketoConnector(h.ctx, &c);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return c;
}

void AllDelivered(const DeliveryResult& r, std::size_t n) {
  INFO(r.error);
  REQUIRE(r.kind == DeliveryResult::Kind::kDone);
  REQUIRE(r.records.size() == n);
  for (const auto& x : r.records) {
    INFO(x.error);
    CHECK(x.outcome == Outcome::kDelivered);
  }
}

TEST_CASE("marketo: one token, leads upserted once per e-mail, one activity per record") {
  FakeClock clock;
  MarketoMock mock(&clock);
  ConnectorHarness h(Settings(mock), &clock);
  auto c = Make(h);
  CHECK(c->max_batch() == 300);
  std::vector<OutRecord> recs = {Rec(1, "Ann@x.org", R"({"firstName":"Ann"})"), Rec(2, "bob@x.org"),
                                 Rec(3, "ann@x.org", R"({"lastName":"Lee"})", R"({"score":1})")};
  AllDelivered(c->Deliver(Ptrs(recs)), 3);
  CHECK(mock.identity_calls == 1);
  CHECK(mock.requests("/rest/v1/leads.json") == 1);
  CHECK(mock.requests("/rest/v1/activities/external.json") == 1);
  for (const auto& r : mock.received()) {
    if (r.path == "/rest/v1/leads.json") {
      CHECK(r.body.find(R"("firstName":"Ann","lastName":"Lee")") != std::string::npos);
    }
    if (r.path != "/identity/oauth/token") {
      CHECK(r.headers.Get("Authorization").value_or("").rfind("Bearer tok-", 0) == 0);
    }
  }
  REQUIRE(mock.activities.size() == 3);
  json::Document a;
  REQUIRE(json::Parse(mock.activities[0], &a).ok());
  CHECK(json::Member(a, "leadId")->GetInt64() == mock.leads["ann@x.org"]);
  CHECK(json::StringOr(a, "activityDate") == "2026-01-01T00:00:00.001Z");
  CHECK(json::StringOr(a, "primaryAttributeValue") == "Course 1");
  CHECK(json::Write(*json::Member(a, "attributes")) == R"([{"name":"score","value":"0.5"}])");
  REQUIRE(json::Parse(mock.activities[2], &a).ok());
  CHECK(json::StringOr(a, "primaryAttributeValue") == "completed");  // the event name
  auto state = h.state.snapshot();
  CHECK(state["lead:ann@x.org"] == std::to_string(mock.leads["ann@x.org"]));
  CHECK(state.count("sent:" + recs[1].idempotency_key) == 1);
  CHECK(state.count("oauth_token") == 1);
  // Known leads without contact fields need no leads call.
  std::vector<OutRecord> more = {Rec(4, "bob@x.org"), Rec(5, "ANN@x.org")};
  AllDelivered(c->Deliver(Ptrs(more)), 2);
  CHECK(mock.requests("/rest/v1/leads.json") == 1);
  CHECK(mock.activities.size() == 5);
  CHECK(mock.identity_calls == 1);
}

TEST_CASE("marketo: the token survives a restart and is renewed once per expiry") {
  FakeClock clock;
  MarketoMock mock(&clock);
  ConnectorHarness h(Settings(mock), &clock);
  std::vector<OutRecord> recs = {Rec(1, "a@x.org")};
  AllDelivered(Make(h)->Deliver(Ptrs(recs)), 1);
  CHECK(mock.identity_calls == 1);
  auto c = Make(h);  // a restart: same state
  std::vector<OutRecord> r2 = {Rec(2, "a@x.org")};
  AllDelivered(c->Deliver(Ptrs(r2)), 1);
  CHECK(mock.identity_calls == 1);
  SECTION("past the expiry: one new token, then no more identity calls") {
    clock.Advance(kHourUs + 5'000'000);
    for (int i = 3; i < 6; ++i) {
      std::vector<OutRecord> r = {Rec(i, "a@x.org")};
      AllDelivered(c->Deliver(Ptrs(r)), 1);
    }
    CHECK(mock.identity_calls == 2);
    CHECK(mock.tokens.size() == 2);
  }
  SECTION("inside the last minute: Marketo's same token is used until it expires") {
    clock.Advance(kHourUs - 30'000'000);  // 30 s left
    for (int i = 3; i < 6; ++i) {
      std::vector<OutRecord> r = {Rec(i, "a@x.org")};
      AllDelivered(c->Deliver(Ptrs(r)), 1);
      clock.Advance(5'000'000);
    }
    CHECK(mock.identity_calls == 2);  // asked once; the same token came back
    CHECK(mock.tokens.size() == 1);
    clock.Advance(20'000'000);  // now expired
    std::vector<OutRecord> r = {Rec(9, "a@x.org")};
    AllDelivered(c->Deliver(Ptrs(r)), 1);
    CHECK(mock.identity_calls == 3);
    CHECK(mock.tokens.size() == 2);
  }
  CHECK(mock.received().size() == mock.identity_calls + mock.requests("/rest/v1/leads.json") +
                                      mock.requests("/rest/v1/activities/external.json"));
}

TEST_CASE("marketo: 601/602 refresh the token once and retry the call") {
  FakeClock clock;
  MarketoMock mock(&clock);
  ConnectorHarness h(Settings(mock), &clock);
  auto c = Make(h);
  std::vector<OutRecord> recs = {Rec(1, "a@x.org")};
  AllDelivered(c->Deliver(Ptrs(recs)), 1);
  mock.revoke = true;  // Marketo forgets the token
  std::vector<OutRecord> r2 = {Rec(2, "a@x.org")};
  AllDelivered(c->Deliver(Ptrs(r2)), 1);
  CHECK(mock.identity_calls == 2);
  CHECK(mock.activities.size() == 2);
  // A token rejected again after the refresh: unavailable, no loop.
  mock.codes = {"602", "602"};
  std::vector<OutRecord> r3 = {Rec(3, "a@x.org")};
  DeliveryResult r = c->Deliver(Ptrs(r3));
  CHECK(r.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(r.error.find("602") != std::string::npos);
  CHECK(mock.identity_calls == 3);
  CHECK(mock.activities.size() == 2);
}

TEST_CASE("marketo: limits and transient errors make the destination unavailable") {
  FakeClock clock(1772404200LL * 1000000);  // 2026-03-01T22:30:00Z
  MarketoMock mock(&clock);
  ConnectorHarness h(Settings(mock), &clock);
  auto c = Make(h);
  std::vector<OutRecord> recs = {Rec(1, "a@x.org")};
  struct Case {
    const char* code;
    std::chrono::milliseconds wait;
  } cases[] = {{"606", std::chrono::seconds(20)},
               {"607", std::chrono::minutes(450)},  // 06:00 UTC: midnight CST
               {"615", std::chrono::seconds(5)},
               {"604", std::chrono::milliseconds(-1)},
               {"608", std::chrono::milliseconds(-1)},
               {"611", std::chrono::milliseconds(-1)},
               {"613", std::chrono::milliseconds(-1)},
               {"713", std::chrono::milliseconds(-1)}};
  for (const Case& k : cases) {
    INFO(k.code);
    mock.codes = {k.code};
    DeliveryResult r = c->Deliver(Ptrs(recs));
    CHECK(r.kind == DeliveryResult::Kind::kUnavailable);
    CHECK(r.retry_after == k.wait);
    CHECK(r.error.find(k.code) != std::string::npos);
    CHECK(r.records.empty());
  }
  CHECK(mock.leads.empty());
  AllDelivered(c->Deliver(Ptrs(recs)), 1);
  CHECK(mock.activities.size() == 1);
  ConnectorHarness h2(Settings(mock, R"(,"daily_reset_utc_hour":0)"), &clock);
  mock.codes = {"607"};
  CHECK(Make(h2)->Deliver(Ptrs(recs)).retry_after == std::chrono::minutes(90));
}

TEST_CASE("marketo: record reasons reject bad values and retry a lead gone missing") {
  FakeClock clock;
  MarketoMock mock(&clock);
  ConnectorHarness h(Settings(mock), &clock);
  auto c = Make(h);
  std::vector<OutRecord> recs = {Rec(1, "ok@x.org"), Rec(2, "bad@x"), Rec(3, "gone@x.org")};
  AllDelivered(c->Deliver({&recs[0], &recs[2]}), 2);
  mock.bad_emails = {"bad@x"};
  mock.deleted = {mock.leads["gone@x.org"]};  // merged away in Marketo
  std::vector<OutRecord> next = {Rec(4, "ok@x.org"), Rec(5, "bad@x"), Rec(6, "gone@x.org")};
  DeliveryResult r = c->Deliver(Ptrs(next));
  REQUIRE(r.kind == DeliveryResult::Kind::kDone);
  CHECK(r.records[0].outcome == Outcome::kDelivered);
  CHECK(r.records[1].outcome == Outcome::kReject);
  CHECK(r.records[1].error.find("1003") != std::string::npos);
  CHECK(r.records[2].outcome == Outcome::kRetry);
  CHECK(r.records[2].error.find("1004") != std::string::npos);
  CHECK(h.state.snapshot().count("lead:gone@x.org") == 0);  // the stale id is dropped
  CHECK(mock.activities.size() == 3);
  // The retry looks the lead up again.
  mock.leads.erase("gone@x.org");
  std::vector<OutRecord> retry = {next[2]};
  AllDelivered(c->Deliver(Ptrs(retry)), 1);
  CHECK(mock.activities.size() == 4);
}

TEST_CASE("marketo: confirmed activities are never sent twice") {
  FakeClock clock;
  MarketoMock mock(&clock);
  ConnectorHarness h(Settings(mock), &clock);
  auto c = Make(h);
  std::vector<OutRecord> recs = {Rec(1, "a@x.org"), Rec(2, "b@x.org"), Rec(3, "c@x.org")};
  // The relay sent A and B, Marketo confirmed, the relay died before noting it.
  AllDelivered(c->Deliver({&recs[0], &recs[1]}), 2);
  AllDelivered(Make(h)->Deliver(Ptrs(recs)), 3);
  CHECK(mock.activities.size() == 3);
  for (const auto& [value, n] : mock.per_value) CHECK(n == 1);
  std::string last;
  for (const auto& r : mock.received()) {
    if (r.path == "/rest/v1/activities/external.json") last = r.body;
  }
  CHECK(last.find("Course 3") != std::string::npos);
  CHECK(last.find("Course 1") == std::string::npos);
  // All of a batch already confirmed (the relay died again before noting
  // it, a new connector): no call at all.
  const std::size_t calls = mock.received().size();
  AllDelivered(Make(h)->Deliver(Ptrs(recs)), 3);
  CHECK(mock.received().size() == calls);
}

TEST_CASE("marketo: confirmation keys are deleted once the relay recorded the outcomes") {
  FakeClock clock;
  MarketoMock mock(&clock);
  ConnectorHarness h(Settings(mock), &clock);
  auto c = Make(h);
  std::vector<OutRecord> first = {Rec(1, "a@x.org"), Rec(2, "b@x.org")};
  std::vector<OutRecord> next = {Rec(3, "c@x.org")};
  auto sent_keys = [&] {
    std::size_t n = 0;
    for (const auto& [k, v] : h.state.snapshot()) n += k.rfind("sent:", 0) == 0;
    return n;
  };
  AllDelivered(c->Deliver(Ptrs(first)), 2);
  CHECK(sent_keys() == 2);  // until the relay has recorded them
  AllDelivered(c->Deliver(Ptrs(next)), 1);
  CHECK(sent_keys() == 1);  // only the last call's: the state does not grow
  CHECK(h.state.snapshot().count("sent:" + next[0].idempotency_key) == 1);
}

TEST_CASE("marketo: a call that fails as a whole keeps its confirmation keys for the retry") {
  FakeClock clock;
  MarketoMock mock(&clock);
  ConnectorHarness h(Settings(mock, R"(,"timeout_ms":300)"), &clock);
  std::vector<OutRecord> recs = {Rec(1, "a@x.org"), Rec(2, "b@x.org")};
  // Confirmed by Marketo; the process died before the relay noted it.
  AllDelivered(Make(h)->Deliver({&recs[0]}), 1);
  auto c = Make(h);
  mock.stall_ms = 900;  // record 2's answer comes too late: the call fails as a whole
  CHECK(c->Deliver(Ptrs(recs)).kind == DeliveryResult::Kind::kUnavailable);
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  mock.stall_ms = 0;
  AllDelivered(c->Deliver(Ptrs(recs)), 2);  // the relay retries the batch
  CHECK(mock.per_value["Course 1"] == 1);  // its key survived the failed call
  CHECK(mock.per_value["Course 2"] == 2);  // the documented at-least-once window
  std::vector<OutRecord> next = {Rec(3, "c@x.org")};
  AllDelivered(c->Deliver(Ptrs(next)), 1);
  std::size_t keys = 0;
  for (const auto& [k, v] : h.state.snapshot()) keys += k.rfind("sent:", 0) == 0;
  CHECK(keys == 1);
}

TEST_CASE("marketo: the at-least-once window: recorded, then the answer lost") {
  FakeClock clock;
  MarketoMock mock(&clock);
  ConnectorHarness h(Settings(mock, R"(,"timeout_ms":300)"), &clock);
  auto c = Make(h);
  std::vector<OutRecord> recs = {Rec(1, "a@x.org")};
  mock.stall_ms = 900;  // Marketo adds the activity; its answer comes too late
  DeliveryResult r = c->Deliver(Ptrs(recs));
  CHECK(r.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(h.state.snapshot().count("sent:" + recs[0].idempotency_key) == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(700));  // let the stalled answer finish
  AllDelivered(c->Deliver(Ptrs(recs)), 1);
  CHECK(mock.per_value["Course 1"] == 2);  // the documented duplicate
  // Noted by Marketo this time: a restart before the relay recorded it
  // sends nothing again.
  AllDelivered(Make(h)->Deliver(Ptrs(recs)), 1);
  CHECK(mock.per_value["Course 1"] == 2);
}

TEST_CASE("marketo: a request refused for its content is bisected to the bad record") {
  FakeClock clock;
  MarketoMock mock(&clock);
  ConnectorHarness h(Settings(mock), &clock);
  auto c = Make(h);
  std::vector<OutRecord> recs;
  for (int i = 1; i <= 6; ++i) recs.push_back(Rec(i, "u@x.org"));
  mock.bad_values = {"Course 4"};
  DeliveryResult r = c->Deliver(Ptrs(recs));
  REQUIRE(r.kind == DeliveryResult::Kind::kDone);
  for (int i = 0; i < 6; ++i) {
    INFO(i);
    CHECK(r.records[i].outcome == (i == 3 ? Outcome::kReject : Outcome::kDelivered));
  }
  CHECK(r.records[3].error.find("709") != std::string::npos);
  CHECK(mock.activities.size() == 5);
  for (const auto& [value, n] : mock.per_value) CHECK(n == 1);
}

TEST_CASE("marketo: no e-mail rejects; bad credentials stay out of errors") {
  FakeClock clock;
  MarketoMock mock(&clock);
  {
    ConnectorHarness h(Settings(mock), &clock);
    auto c = Make(h);
    std::vector<OutRecord> recs = {Rec(1, "")};
    DeliveryResult r = c->Deliver(Ptrs(recs));
    REQUIRE(r.kind == DeliveryResult::Kind::kDone);
    CHECK(r.records[0].outcome == Outcome::kReject);
    CHECK(mock.received().empty());
  }
  ConnectorHarness h(R"({"url":")" + mock.url() +
                         R"(","client_id":"x","client_secret":"WRONG-s3cr3t",)"
                         R"("activity_type_id":1})",
                     &clock);
  auto c = Make(h);
  std::vector<OutRecord> recs = {Rec(1, "a@x.org")};
  DeliveryResult r = c->Deliver(Ptrs(recs));
  CHECK(r.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(r.error.find("401") != std::string::npos);
  CHECK(r.error.find("WRONG") == std::string::npos);
  CHECK(mock.requests("/rest/v1/leads.json") == 0);
}

TEST_CASE("marketo: settings are checked and name the bad one") {
  FakeClock clock;
  auto check = [&](const std::string& settings, const std::string& what) {
    ConnectorHarness h(settings, &clock);
    std::unique_ptr<Connector> c;
    Status s = NewMarketoConnector(h.ctx, &c);
    INFO(settings);
    CHECK(s.IsInvalidArgument());
    CHECK(s.message().find(what) != std::string::npos);
    CHECK(s.message().find("s3cr3t") == std::string::npos);
  };
  const std::string ok = R"("client_id":"i","client_secret":"s3cr3t","activity_type_id":7)";
  check("{" + ok + "}", "url");
  check(R"({"url":"https://1-A.mktorest.com","client_secret":"s3cr3t","activity_type_id":7})",
        "client_id");
  check(R"({"url":"https://1-A.mktorest.com","client_id":"i","activity_type_id":7})",
        "client_secret");
  check(R"({"url":"https://1-A.mktorest.com","client_id":"i","client_secret":"s3cr3t"})",
        "activity_type_id");
  check(R"({"url":"https://1-A.mktorest.com",)" + ok + R"(,"batch_size":301})", "batch_size");
  check(R"({"url":"https://1-A.mktorest.com",)" + ok + R"(,"identity_url":"x"})", "identity_url");
  check(R"({"url":"https://1-A.mktorest.com",)" + ok + R"(,"primary_attribute":""})",
        "primary_attribute");
  ConnectorHarness h(R"({"url":"https://1-A.mktorest.com/",)" + ok + "}", &clock);
  std::unique_ptr<Connector> c;
  CHECK(NewMarketoConnector(h.ctx, &c).ok());
}

}  // namespace
}  // namespace lrs::sync
