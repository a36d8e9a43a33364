// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The Marketo connector against a loopback mock of Marketo's contract: the
// identity endpoint (1-hour tokens on the test's FakeClock; the same token
// comes back while it is valid), HTTP 200 + {"success":false,"errors":[..]}
// envelopes, leads createOrUpdate by e-mail, custom activities (not
// de-duplicated: effects counted), and per-record "skipped" reasons.

#include <cctype>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>
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

constexpr char kClientId[] = "a1b2c3-client";
constexpr char kSecret[] = "S3cr3t&Value=+";
constexpr std::int64_t kTypeId = 100001;
constexpr std::int64_t kHourUs = 3'600'000'000LL;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

http::Response Fail(const std::string& code, const std::string& msg) {
  return Json(200, R"({"requestId":"e42b#14272d07d78","success":false,"errors":[{"code":")" + code +
                       R"(","message":")" + msg + "\"}]}");
}

// Marketo as far as this connector sees it.
class MarketoMock {
 public:
  explicit MarketoMock(FakeClock* clock)
      : clock_(clock), server_([this](const Received& r) { return Handle(r); }) {}
  ~MarketoMock() { CHECK(violations == std::vector<std::string>{}); }
  std::string url() const { return server_.url(); }
  std::vector<Received> received() const { return server_.received(); }
  std::size_t requests(const std::string& path) const {
    std::size_t n = 0;
    for (const auto& r : server_.received()) n += r.path == path;
    return n;
  }

  // Knobs (set before Deliver).
  std::deque<std::string> codes;     // the next REST calls fail with these codes
  std::set<std::string> bad_emails;  // leads skipped: 1003
  std::set<std::string> bad_values;  // a primaryAttributeValue Marketo refuses: 709
  bool revoke = false;               // drop every token now (next REST call: 601)
  int stall_ms = 0;                  // after recording activities, wait this long

  // Effects.
  std::mutex mu;
  int identity_calls = 0;
  std::map<std::string, std::int64_t> tokens;  // token -> expiry (us)
  std::map<std::string, std::int64_t> leads;   // lowercased e-mail -> id
  std::set<std::int64_t> deleted;              // lead ids merged away
  std::vector<std::string> activities;         // added, as received
  std::map<std::string, int> per_value;        // primaryAttributeValue -> times added
  std::vector<std::string> violations;

 private:
  void Expect(bool ok, const std::string& what) {
    if (!ok) violations.push_back(what);
  }

  http::Response Handle(const Received& r) {
    std::lock_guard<std::mutex> l(mu);
    const std::int64_t now = clock_->NowMicros();
    if (r.path == "/identity/oauth/token") return Identity(r, now);
    Expect(r.query.find("access_token") == std::string::npos, "token in the query");
    std::string auth(r.headers.Get("Authorization").value_or(""));
    std::string token = auth.rfind("Bearer ", 0) == 0 ? auth.substr(7) : "";
    if (revoke) {
      tokens.clear();
      revoke = false;
    }
    auto t = tokens.find(token);
    if (t == tokens.end()) return Fail("601", "Access token invalid");
    if (now >= t->second) return Fail("602", "Access token expired");
    if (!codes.empty()) {
      std::string c = codes.front();
      codes.pop_front();
      return Fail(c, "error " + c);
    }
    json::Document d;
    if (r.method != "POST" || !json::Parse(r.body, &d).ok() || !d.IsObject() ||
        !json::Member(d, "input") || !json::Member(d, "input")->IsArray())
      return Fail("609", "Invalid JSON");
    const json::Value& input = *json::Member(d, "input");
    if (input.Size() > 300) return Fail("1003", "Batch too large");
    if (r.path == "/rest/v1/leads.json") return Leads(d, input);
    if (r.path == "/rest/v1/activities/external.json") return Activities(input);
    return Fail("610", "Requested resource not found");
  }

  http::Response Identity(const Received& r, std::int64_t now) {
    ++identity_calls;
    std::vector<std::pair<std::string, std::string>> q;
    Expect(r.method == "GET", "identity method");
    Expect(http::ParseForm(r.query, &q), "identity query");
    std::map<std::string, std::string> m(q.begin(), q.end());
    if (m["grant_type"] != "client_credentials" || m["client_id"] != kClientId ||
        m["client_secret"] != kSecret)
      return Json(401, R"({"error":"unauthorized","error_description":"Bad client credentials"})");
    // The same token comes back while it is valid, with its remaining life.
    for (const auto& [tok, exp] : tokens) {
      if (now < exp) {
        return Json(200, R"({"access_token":")" + tok + R"(","token_type":"bearer","expires_in":)" +
                             std::to_string((exp - now) / 1000000) + R"(,"scope":"api@x.com"})");
      }
    }
    std::string tok = "tok-" + std::to_string(identity_calls) + ":ab";
    tokens[tok] = now + kHourUs;
    return Json(200, R"({"access_token":")" + tok +
                         R"(","token_type":"bearer","expires_in":3599,"scope":"api@x.com"})");
  }

  http::Response Leads(const json::Document& d, const json::Value& input) {
    Expect(json::StringOr(d, "action") == "createOrUpdate", "action");
    Expect(json::StringOr(d, "lookupField") == "email", "lookupField");
    std::set<std::string> seen;
    std::string result;
    for (const json::Value& lead : input.GetArray()) {
      std::string email = Lower(std::string(json::StringOr(lead, "email")));
      Expect(seen.insert(email).second, "duplicate e-mail in one call: " + email);
      if (!result.empty()) result += ',';
      if (bad_emails.count(email)) {
        result += R"({"status":"skipped","reasons":[{"code":"1003","message":"Invalid email"}]})";
        continue;
      }
      bool fresh = !leads.count(email);
      if (fresh) leads[email] = next_lead_++;
      result += R"({"id":)" + std::to_string(leads[email]) + R"(,"status":")" +
                (fresh ? "created" : "updated") + "\"}";
    }
    return Json(200, R"({"requestId":"1#1","success":true,"result":[)" + result + "]}");
  }

  http::Response Activities(const json::Value& input) {
    for (const json::Value& a : input.GetArray()) {
      if (bad_values.count(std::string(json::StringOr(a, "primaryAttributeValue"))))
        return Fail("709", "Business rule violation: primary attribute value");
    }
    std::string result;
    for (const json::Value& a : input.GetArray()) {
      const json::Value* lead = json::Member(a, "leadId");
      const json::Value* type = json::Member(a, "activityTypeId");
      Expect(type && type->IsInt64() && type->GetInt64() == kTypeId, "activityTypeId");
      Expect(json::StringOr(a, "activityDate").size() == 24, "activityDate");
      Expect(json::Member(a, "attributes") && json::Member(a, "attributes")->IsArray(),
             "attributes");
      bool known = false;
      for (const auto& [e, id] : leads)
        known = known || (lead && lead->IsInt64() && lead->GetInt64() == id);
      if (!result.empty()) result += ',';
      if (!known || deleted.count(lead->GetInt64())) {
        result += R"({"status":"skipped","reasons":[{"code":"1004","message":"Lead not found"}]})";
        continue;
      }
      activities.push_back(json::Write(a));
      ++per_value[std::string(json::StringOr(a, "primaryAttributeValue"))];
      result += R"({"id":)" + std::to_string(activities.size()) + R"(,"status":"added"})";
    }
    if (stall_ms)
      std::this_thread::sleep_for(std::chrono::milliseconds(std::exchange(stall_ms, 0)));
    return Json(200, R"({"requestId":"2#2","success":true,"result":[)" + result + "]}");
  }

  FakeClock* clock_;
  std::int64_t next_lead_ = 1000;
  MockServer server_;
};

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
  // All of a batch already confirmed: no call at all.
  const std::size_t calls = mock.received().size();
  AllDelivered(c->Deliver(Ptrs(recs)), 3);
  CHECK(mock.received().size() == calls);
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
  AllDelivered(c->Deliver(Ptrs(recs)), 1);
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
