// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The HubSpot connector against a loopback mock of HubSpot's contract:
// bearer auth, the {"status":"error",...} envelope, contact upsert by e-mail
// (idempotent), event occurrences de-duplicated by uuid (effects counted),
// 207 partial failures, whole-batch 400s, and 429s by policy.

#include <cctype>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>
#include <utility>

#include "lrs/http/message.h"
#include "tests/sync/sync_test_util.h"

namespace lrs::sync {
namespace {

using testing::ConnectorHarness;
using testing::FakeClock;
using testing::Json;
using testing::MockServer;
using testing::Received;

constexpr char kToken[] = "pat-na1-0000-SECRET-TOKEN";
constexpr char kEvent[] = "pe12345_course_completed";

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (s[i] == '-')) return false;
    if (!dash && !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

http::Response Envelope(int status, const std::string& category, const std::string& message) {
  return Json(status,
              R"({"status":"error","message":")" + message +
                  R"(","correlationId":"6b1c0a3e-0000-4000-8000-000000000001","category":")" +
                  category + "\"}");
}

// HubSpot as far as this connector sees it.
class HubSpotMock {
 public:
  HubSpotMock() : server_([this](const Received& r) { return Handle(r); }) {}
  // What the connector sent against the contract (checked here, on the test
  // thread: Catch2 assertions are not thread-safe).
  ~HubSpotMock() { CHECK(violations == std::vector<std::string>{}); }
  std::string url() const { return server_.url(); }
  std::size_t requests(const std::string& path) const {
    std::size_t n = 0;
    for (const auto& r : server_.received()) n += r.path == path;
    return n;
  }
  std::vector<Received> received() const { return server_.received(); }

  // Knobs (set before Deliver).
  std::string policy;       // next request: 429 with this policyName
  std::string retry_after;  // ... and this Retry-After
  int fail_status = 0;      // next request: this status
  bool batch_400 = false;   // a batch holding an invalid event: 400 for all of it
  bool untied = false;      // 207 errors without context
  // A uuid seen before: 0 accepted silently, 207 or 409 refused as a
  // duplicate (HubSpot: "the first will be accepted and all others will be
  // rejected").
  int duplicate_status = 0;
  std::set<std::string> invalid_uuids, flaky_uuids, invalid_emails;

  // Effects.
  std::mutex mu;
  std::map<std::string, std::string> contacts;       // lowercased e-mail -> id
  std::map<std::string, std::string> contact_props;  // e-mail -> last properties JSON
  std::map<std::string, std::string> events;         // uuid -> the input as received
  int duplicates = 0;
  std::vector<std::string> violations;

 private:
  void Expect(bool ok, const std::string& what) {
    if (!ok) violations.push_back(what);
  }

  http::Response Handle(const Received& r) {
    std::lock_guard<std::mutex> l(mu);
    if (r.headers.Get("Authorization").value_or("") != std::string("Bearer ") + kToken)
      return Envelope(401, "INVALID_AUTHENTICATION", "Authentication credentials not found.");
    if (fail_status) {
      int s = std::exchange(fail_status, 0);
      http::Response resp = s == 403 ? Envelope(403, "MISSING_SCOPES", "This app lacks scopes")
                                     : Envelope(s, "INTERNAL_ERROR", "internal error");
      if (!retry_after.empty()) resp.headers.Set("Retry-After", std::exchange(retry_after, ""));
      return resp;
    }
    if (!policy.empty()) {
      http::Response resp =
          Json(429, R"({"status":"error","message":"You have reached your )" + Lower(policy) +
                        R"( limit.","errorType":"RATE_LIMIT",)"
                        R"("correlationId":"c0","policyName":")" +
                        std::exchange(policy, "") + "\"}");
      if (!retry_after.empty()) resp.headers.Set("Retry-After", std::exchange(retry_after, ""));
      return resp;
    }
    json::Document d;
    if (r.method != "POST" || !json::Parse(r.body, &d).ok() || !d.IsObject() ||
        !json::Member(d, "inputs") || !json::Member(d, "inputs")->IsArray())
      return Envelope(400, "VALIDATION_ERROR", "Invalid input JSON");
    const json::Value& inputs = *json::Member(d, "inputs");
    if (r.path == "/crm/v3/objects/contacts/batch/upsert") return Upsert(inputs);
    if (r.path == "/events/v3/send/batch") return Events(inputs);
    return Envelope(404, "OBJECT_NOT_FOUND", "Not found");
  }

  http::Response Upsert(const json::Value& inputs) {
    if (inputs.Size() > 100) return Envelope(400, "VALIDATION_ERROR", "Batch limit is 100");
    std::string results, errors;
    int nerr = 0;
    for (const json::Value& in : inputs.GetArray()) {
      Expect(json::StringOr(in, "idProperty") == "email", "idProperty is not email");
      std::string email = Lower(std::string(json::StringOr(in, "id")));
      if (invalid_emails.count(email)) {
        errors +=
            std::string(nerr++ ? "," : "") +
            R"({"status":"error","category":"VALIDATION_ERROR","message":"Property values were not valid: email","context":{"ids":[")" +
            email + "\"]}}";
        continue;
      }
      bool fresh = !contacts.count(email);
      if (fresh) contacts[email] = std::to_string(500 + contacts.size());
      const json::Value* props = json::Member(in, "properties");
      Expect(props && props->IsObject(), "contact properties");
      contact_props[email] = props ? json::Write(*props) : "";
      if (!results.empty()) results += ',';
      results += R"({"id":")" + contacts[email] + R"(","new":)" + (fresh ? "true" : "false") +
                 R"(,"properties":{"email":")" + email + "\"}}";
    }
    std::string body = R"({"status":"COMPLETE","results":[)" + results + "]";
    if (nerr) body += R"(,"numErrors":)" + std::to_string(nerr) + R"(,"errors":[)" + errors + "]";
    return Json(nerr ? 207 : 200, body + "}");
  }

  http::Response Events(const json::Value& inputs) {
    std::string errors;
    int nerr = 0;
    if (batch_400 && inputs.Size() > 1) {
      for (const json::Value& in : inputs.GetArray()) {
        if (invalid_uuids.count(std::string(json::StringOr(in, "uuid"))))
          return Envelope(400, "VALIDATION_ERROR", "Some event inputs are invalid");
      }
    }
    for (const json::Value& in : inputs.GetArray()) {
      std::string uuid(json::StringOr(in, "uuid"));
      Expect(IsUuid(uuid), "uuid not 8-4-4-4-12: " + uuid);
      Expect(json::StringOr(in, "eventName") == kEvent, "eventName");
      Expect(!json::StringOr(in, "email").empty(), "no email");
      Expect(json::StringOr(in, "occurredAt").size() == 24, "occurredAt");  // ...00.000Z
      Expect(json::Member(in, "properties") && json::Member(in, "properties")->IsObject(),
             "properties");
      std::string category = invalid_uuids.count(uuid) ? "VALIDATION_ERROR"
                             : flaky_uuids.count(uuid) ? "INTERNAL_ERROR"
                                                       : "";
      if (!category.empty()) {
        if (batch_400) return Envelope(400, category, "Property course_score is not a number");
        errors += std::string(nerr++ ? "," : "") + R"({"status":"error","category":")" + category +
                  R"(","message":"occurrence refused: )" + category + "\"" +
                  (untied ? std::string() : R"(,"context":{"uuid":[")" + uuid + "\"]}") + "}";
        continue;
      }
      if (events.count(uuid)) {
        ++duplicates;
        if (duplicate_status == 409 && inputs.Size() == 1)
          return Envelope(409, "CONFLICT", "Event occurrence " + uuid + " already exists");
        if (duplicate_status) {
          errors += std::string(nerr++ ? "," : "") +
                    R"({"status":"error","category":"CONFLICT","message":"duplicate uuid",)"
                    R"("context":{"uuid":[")" +
                    uuid + R"("]}})";
        }
      } else {
        events[uuid] = json::Write(in);
      }
    }
    if (!nerr) {
      http::Response resp;
      resp.status = 204;
      return resp;
    }
    return Json(207, R"({"status":"COMPLETE","results":[],"numErrors":)" + std::to_string(nerr) +
                         R"(,"errors":[)" + errors + "]}");
  }

  MockServer server_;
};

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
