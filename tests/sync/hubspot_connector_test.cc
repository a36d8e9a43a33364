// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The HubSpot connector against the loopback mock of HubSpot's contract in
// tests/sync/hubspot_mock.h.

#include <cctype>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>
#include <utility>

#include "tests/sync/hubspot_mock.h"

namespace lrs::sync {
namespace {

using testing::ConnectorHarness;
using testing::FakeClock;
using testing::HubSpotMock;
using testing::Json;
using testing::MockServer;
using testing::Received;

constexpr const char* kToken = HubSpotMock::kToken;
constexpr const char* kEvent = HubSpotMock::kEvent;

OutRecord Rec(int n, const std::string& email, const std::string& contact = "{}",
              const std::string& props = R"({"course":"c1","score":0.9})") {
  OutRecord r;
  r.seq = static_cast<std::uint64_t>(n);
  char key[40];
  std::snprintf(key, sizeof key, "0123456789abcdef01234567%08x", n);
  r.idempotency_key = key;
  r.statement_id = "00000000-0000-4000-8000-" + std::string(key + 20);
  r.learner = email;
  r.mapped.email = email;
  r.mapped.event = "completed";
  r.mapped.timestamp_ms = 1767225600000 + n;  // 2026-01-01T00:00:00.00nZ
  r.mapped.properties = props;
  r.mapped.contact = contact;
  return r;
}

std::string UuidOf(const OutRecord& r) {
  const std::string& k = r.idempotency_key;
  return k.substr(0, 8) + "-" + k.substr(8, 4) + "-" + k.substr(12, 4) + "-" + k.substr(16, 4) +
         "-" + k.substr(20);
}

std::vector<const OutRecord*> Ptrs(const std::vector<OutRecord>& v) {
  std::vector<const OutRecord*> out;
  for (const auto& r : v) out.push_back(&r);
  return out;
}

std::string Settings(const HubSpotMock& m, const std::string& extra = "") {
  return R"({"url":")" + m.url() + R"(","token":")" + kToken + R"(","event_name":")" + kEvent +
         "\"" + extra + "}";
}

std::unique_ptr<Connector> Make(ConnectorHarness& h) {
  std::unique_ptr<Connector> c;
  Status s = NewHubSpotConnector(h.ctx, &c);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return c;
}

TEST_CASE("hubspot: upserts each e-mail once, then sends occurrences with uuids") {
  HubSpotMock mock;
  FakeClock clock;
  ConnectorHarness h(Settings(mock), &clock);
  auto c = Make(h);
  CHECK(c->max_batch() == 100);
  CHECK(c->uses_mapping());
  std::vector<OutRecord> recs = {Rec(1, "Ann@Example.com", R"({"firstname":"Ann"})"),
                                 Rec(2, "bob@example.com", R"({"firstname":"Bob"})"),
                                 Rec(3, "ann@example.com", R"({"lastname":"Lee"})")};
  DeliveryResult r = c->Deliver(Ptrs(recs));
  REQUIRE(r.kind == DeliveryResult::Kind::kDone);
  REQUIRE(r.records.size() == 3);
  for (const auto& x : r.records) CHECK(x.outcome == Outcome::kDelivered);
  CHECK(mock.requests("/crm/v3/objects/contacts/batch/upsert") == 1);
  CHECK(mock.requests("/events/v3/send/batch") == 1);
  CHECK(mock.contacts.size() == 2);
  // Ann's two records merge into one input.
  CHECK(mock.contact_props["ann@example.com"] == R"({"firstname":"Ann","lastname":"Lee"})");
  REQUIRE(mock.events.size() == 3);
  json::Document e;
  REQUIRE(json::Parse(mock.events[UuidOf(recs[1])], &e).ok());
  CHECK(json::StringOr(e, "email") == "bob@example.com");
  CHECK(json::StringOr(e, "occurredAt") == "2026-01-01T00:00:00.002Z");
  CHECK(json::Write(*json::Member(e, "properties")) == R"({"course":"c1","score":0.9})");
  auto state = h.state.snapshot();
  CHECK(state["contact:ann@example.com"] == mock.contacts["ann@example.com"]);
  CHECK(state["contact:bob@example.com"] == mock.contacts["bob@example.com"]);
  for (const auto& rr : mock.received())
    CHECK(rr.headers.Get("Content-Type") == "application/json");
}

TEST_CASE("hubspot: a retried batch has no duplicate effect") {
  HubSpotMock mock;
  FakeClock clock;
  ConnectorHarness h(Settings(mock), &clock);
  auto c = Make(h);
  std::vector<OutRecord> recs = {Rec(1, "a@x.org"), Rec(2, "b@x.org", R"({"city":"Oslo"})"),
                                 Rec(3, "a@x.org")};
  SECTION("HubSpot drops the repeats silently") {}
  SECTION("HubSpot refuses the repeats in a 207") { mock.duplicate_status = 207; }
  for (int round = 0; round < 2; ++round) {
    DeliveryResult r = c->Deliver(Ptrs(recs));
    REQUIRE(r.kind == DeliveryResult::Kind::kDone);
    for (const auto& x : r.records) CHECK(x.outcome == Outcome::kDelivered);
  }
  CHECK(mock.events.size() == 3);  // effects
  CHECK(mock.duplicates == 3);     // the resent occurrences, de-duplicated by uuid
  CHECK(mock.contacts.size() == 2);
  // The second round upserts only b (it brings contact fields); a is known.
  auto got = mock.received();
  REQUIRE(mock.requests("/crm/v3/objects/contacts/batch/upsert") == 2);
  std::string second_upsert;
  for (const auto& rr : got) {
    if (rr.path == "/crm/v3/objects/contacts/batch/upsert") second_upsert = rr.body;
  }
  CHECK(second_upsert.find("b@x.org") != std::string::npos);
  CHECK(second_upsert.find("a@x.org") == std::string::npos);
}

TEST_CASE("hubspot: a resent occurrence refused with 409 is already there: delivered") {
  HubSpotMock mock;
  FakeClock clock;
  ConnectorHarness h(Settings(mock), &clock);
  auto c = Make(h);
  mock.duplicate_status = 409;
  std::vector<OutRecord> recs = {Rec(1, "a@x.org")};
  for (int round = 0; round < 2; ++round) {
    DeliveryResult r = c->Deliver(Ptrs(recs));
    REQUIRE(r.kind == DeliveryResult::Kind::kDone);
    CHECK(r.records[0].outcome == Outcome::kDelivered);
  }
  CHECK(mock.events.size() == 1);
  CHECK(mock.duplicates == 1);
}

TEST_CASE("hubspot: records without an e-mail are rejected and not sent") {
  HubSpotMock mock;
  FakeClock clock;
  ConnectorHarness h(Settings(mock), &clock);
  auto c = Make(h);
  std::vector<OutRecord> recs = {Rec(1, ""), Rec(2, "c@x.org")};
  recs[0].mapped.external_id = "acct-1";
  DeliveryResult r = c->Deliver(Ptrs(recs));
  REQUIRE(r.kind == DeliveryResult::Kind::kDone);
  CHECK(r.records[0].outcome == Outcome::kReject);
  CHECK(r.records[0].error.find("e-mail") != std::string::npos);
  CHECK(r.records[1].outcome == Outcome::kDelivered);
  CHECK(mock.events.size() == 1);
  std::vector<OutRecord> none = {Rec(3, "")};
  r = c->Deliver(Ptrs(none));
  CHECK(r.records[0].outcome == Outcome::kReject);
  CHECK(mock.requests("/events/v3/send/batch") == 1);
}

TEST_CASE("hubspot: 207 errors judge their inputs: VALIDATION_ERROR rejects, others retry") {
  HubSpotMock mock;
  FakeClock clock;
  ConnectorHarness h(Settings(mock), &clock);
  auto c = Make(h);
  std::vector<OutRecord> recs = {Rec(1, "a@x.org"), Rec(2, "b@x.org"), Rec(3, "c@x.org"),
                                 Rec(4, "d@x.org")};
  mock.invalid_uuids = {UuidOf(recs[1])};
  mock.flaky_uuids = {UuidOf(recs[3])};
  DeliveryResult r = c->Deliver(Ptrs(recs));
  REQUIRE(r.kind == DeliveryResult::Kind::kDone);
  CHECK(r.records[0].outcome == Outcome::kDelivered);
  CHECK(r.records[1].outcome == Outcome::kReject);
  CHECK(r.records[1].error.find("VALIDATION_ERROR") != std::string::npos);
  CHECK(r.records[2].outcome == Outcome::kDelivered);
  CHECK(r.records[3].outcome == Outcome::kRetry);
  CHECK(mock.events.size() == 2);
  CHECK(mock.requests("/events/v3/send/batch") == 1);
}

TEST_CASE("hubspot: a 207 error tied to no input is narrowed down by halves") {
  HubSpotMock mock;
  FakeClock clock;
  ConnectorHarness h(Settings(mock), &clock);
  auto c = Make(h);
  std::vector<OutRecord> recs;
  for (int i = 1; i <= 4; ++i) recs.push_back(Rec(i, "u" + std::to_string(i) + "@x.org"));
  mock.untied = true;
  mock.invalid_uuids = {UuidOf(recs[2])};
  DeliveryResult r = c->Deliver(Ptrs(recs));
  REQUIRE(r.kind == DeliveryResult::Kind::kDone);
  for (int i = 0; i < 4; ++i) {
    INFO(i);
    CHECK(r.records[i].outcome == (i == 2 ? Outcome::kReject : Outcome::kDelivered));
  }
  CHECK(mock.events.size() == 3);
  CHECK(mock.requests("/events/v3/send/batch") == 5);  // [4] [2a] [2b] [1] [1]
}

TEST_CASE("hubspot: a 400 for the whole batch is bisected to the bad records") {
  HubSpotMock mock;
  FakeClock clock;
  ConnectorHarness h(Settings(mock), &clock);
  auto c = Make(h);
  std::vector<OutRecord> recs;
  for (int i = 1; i <= 8; ++i) recs.push_back(Rec(i, "u" + std::to_string(i) + "@x.org"));
  mock.batch_400 = true;
  mock.invalid_uuids = {UuidOf(recs[5])};
  DeliveryResult r = c->Deliver(Ptrs(recs));
  REQUIRE(r.kind == DeliveryResult::Kind::kDone);
  for (int i = 0; i < 8; ++i) {
    INFO(i);
    CHECK(r.records[i].outcome == (i == 5 ? Outcome::kReject : Outcome::kDelivered));
  }
  CHECK(r.records[5].error.find("course_score is not a number") != std::string::npos);
  CHECK(mock.events.size() == 7);
  CHECK(mock.duplicates == 0);
  CHECK(mock.requests("/events/v3/send/batch") == 7);  // [8] [4] [4] [2] [2] [1] [1]
}

TEST_CASE("hubspot: a contact HubSpot refuses rejects its records, the others go on") {
  HubSpotMock mock;
  FakeClock clock;
  ConnectorHarness h(Settings(mock), &clock);
  auto c = Make(h);
  std::vector<OutRecord> recs = {Rec(1, "good@x.org"), Rec(2, "bad@x"), Rec(3, "bad@x")};
  mock.invalid_emails = {"bad@x"};
  DeliveryResult r = c->Deliver(Ptrs(recs));
  REQUIRE(r.kind == DeliveryResult::Kind::kDone);
  CHECK(r.records[0].outcome == Outcome::kDelivered);
  CHECK(r.records[1].outcome == Outcome::kReject);
  CHECK(r.records[2].outcome == Outcome::kReject);
  CHECK(r.records[1].error.find("Property values were not valid") != std::string::npos);
  CHECK(mock.events.size() == 1);
  CHECK(h.state.snapshot().count("contact:bad@x") == 0);
}

TEST_CASE("hubspot: 401 and 403 make the destination unavailable, never echoing the token") {
  HubSpotMock mock;
  FakeClock clock;
  std::vector<OutRecord> recs = {Rec(1, "a@x.org")};
  {
    ConnectorHarness h(R"({"url":")" + mock.url() +
                           R"(","token":"pat-wrong-SECRET","event_name":")" + kEvent + "\"}",
                       &clock);
    auto c = Make(h);
    DeliveryResult r = c->Deliver(Ptrs(recs));
    CHECK(r.kind == DeliveryResult::Kind::kUnavailable);
    CHECK(r.error.find("token rejected") != std::string::npos);
    CHECK(r.error.find("SECRET") == std::string::npos);
    CHECK(r.records.empty());
  }
  ConnectorHarness h(Settings(mock), &clock);
  auto c = Make(h);
  mock.fail_status = 403;
  DeliveryResult r = c->Deliver(Ptrs(recs));
  CHECK(r.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(r.error.find("403") != std::string::npos);
  CHECK(r.error.find(kToken) == std::string::npos);
  CHECK(mock.events.empty());
}

TEST_CASE("hubspot: a TEN_SECONDLY_ROLLING 429 waits out the window or Retry-After") {
  HubSpotMock mock;
  FakeClock clock;
  ConnectorHarness h(Settings(mock), &clock);
  auto c = Make(h);
  std::vector<OutRecord> recs = {Rec(1, "a@x.org")};
  mock.policy = "TEN_SECONDLY_ROLLING";
  mock.retry_after = "2";
  DeliveryResult r = c->Deliver(Ptrs(recs));
  CHECK(r.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(r.retry_after == std::chrono::seconds(10));
  CHECK(r.error.find("TEN_SECONDLY_ROLLING") != std::string::npos);
  mock.policy = "TEN_SECONDLY_ROLLING";
  mock.retry_after = "30";
  r = c->Deliver(Ptrs(recs));
  CHECK(r.retry_after == std::chrono::seconds(30));
  r = c->Deliver(Ptrs(recs));  // the limit has passed
  CHECK(r.kind == DeliveryResult::Kind::kDone);
  CHECK(mock.events.size() == 1);
}

TEST_CASE("hubspot: a DAILY 429 waits until the daily reset") {
  HubSpotMock mock;
  FakeClock clock(1772404200LL * 1000000);  // 2026-03-01T22:30:00Z
  std::vector<OutRecord> recs = {Rec(1, "a@x.org")};
  {
    ConnectorHarness h(Settings(mock), &clock);
    auto c = Make(h);
    mock.policy = "DAILY";
    DeliveryResult r = c->Deliver(Ptrs(recs));
    CHECK(r.kind == DeliveryResult::Kind::kUnavailable);
    CHECK(r.retry_after == std::chrono::minutes(90));  // next UTC midnight
    CHECK(r.error.find("DAILY") != std::string::npos);
  }
  ConnectorHarness h(Settings(mock, R"(,"daily_reset_utc_hour":5)"), &clock);
  auto c = Make(h);
  mock.policy = "DAILY";
  DeliveryResult r = c->Deliver(Ptrs(recs));
  CHECK(r.retry_after == std::chrono::minutes(390));  // 05:00 UTC
}

TEST_CASE("hubspot: 5xx and transport errors make the destination unavailable") {
  HubSpotMock mock;
  FakeClock clock;
  std::vector<OutRecord> recs = {Rec(1, "a@x.org")};
  {
    ConnectorHarness h(Settings(mock), &clock);
    auto c = Make(h);
    mock.fail_status = 503;
    mock.retry_after = "7";
    DeliveryResult r = c->Deliver(Ptrs(recs));
    CHECK(r.kind == DeliveryResult::Kind::kUnavailable);
    CHECK(r.retry_after == std::chrono::seconds(7));
    CHECK(r.error.find("503") != std::string::npos);
  }
  ConnectorHarness h(
      R"({"url":"http://127.0.0.1:1","token":"t","event_name":"e","timeout_ms":2000})", &clock);
  auto c = Make(h);
  DeliveryResult r = c->Deliver(Ptrs(recs));
  CHECK(r.kind == DeliveryResult::Kind::kUnavailable);
  CHECK_FALSE(r.error.empty());
}

TEST_CASE("hubspot: upsert_contacts=false sends events only") {
  HubSpotMock mock;
  FakeClock clock;
  ConnectorHarness h(Settings(mock, R"(,"upsert_contacts":false,"batch_size":20)"), &clock);
  auto c = Make(h);
  CHECK(c->max_batch() == 20);
  std::vector<OutRecord> recs = {Rec(1, "a@x.org", R"({"firstname":"A"})")};
  DeliveryResult r = c->Deliver(Ptrs(recs));
  CHECK(r.records[0].outcome == Outcome::kDelivered);
  CHECK(mock.requests("/crm/v3/objects/contacts/batch/upsert") == 0);
  CHECK(mock.events.size() == 1);
}

TEST_CASE("hubspot: settings are checked and name the bad one") {
  FakeClock clock;
  auto check = [&](const std::string& settings, const std::string& what) {
    ConnectorHarness h(settings, &clock);
    std::unique_ptr<Connector> c;
    Status s = NewHubSpotConnector(h.ctx, &c);
    INFO(settings);
    CHECK(s.IsInvalidArgument());
    CHECK(s.message().find(what) != std::string::npos);
    CHECK(s.message().find("s3cr3t") == std::string::npos);
  };
  check(R"({"event_name":"pe1_x"})", "token");
  check(R"({"token":"s3cr3t"})", "event_name");
  check(R"({"token":"s3cr3t","event_name":"e","url":"ftp://x"})", "url");
  check(R"({"token":"s3cr3t","event_name":"e","batch_size":101})", "batch_size");
  check(R"({"token":"s3cr3t","event_name":"e","upsert_contacts":"yes"})", "upsert_contacts");
  check(R"({"token":"s3cr3t","event_name":"e","timeout_ms":0})", "timeout_ms");
  check(R"({"token":"s3cr3t","event_name":"e","daily_reset_utc_hour":24})", "daily_reset_utc_hour");
  ConnectorHarness h(R"({"token":"s3cr3t","event_name":"e"})", &clock);
  std::unique_ptr<Connector> c;
  CHECK(NewHubSpotConnector(h.ctx, &c).ok());
}

}  // namespace
}  // namespace lrs::sync
