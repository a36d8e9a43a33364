// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The webhook connector against a loopback receiver that verifies Standard
// Webhooks signatures with its own implementation (OpenSSL, checked against
// the spec libraries' published test vector).

#include <cstdlib>
#include <mutex>
#include <set>

#include "lrs/common/time.h"
#include "tests/sync/test_records.h"
#include "tests/sync/webhook_receiver.h"

namespace lrs::sync {
namespace {

using testing::ConnectorHarness;
using testing::FakeClock;
using testing::MockServer;
using testing::Ptrs;
using testing::Received;
using testing::Record;

// The secret and vector of the Standard Webhooks libraries' tests
// (libraries/go/webhook_test.go, TestWebhookSign).
constexpr const char* kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr std::int64_t kNowSeconds = 1614265330;

// Receiver-side verification (tests/sync/webhook_receiver.h).
std::string DecodeKey(const std::string& secret) { return testing::DecodeWebhookKey(secret); }

std::string ExpectedSignature(const std::string& secret, const std::string& id,
                              const std::string& ts, const std::string& body) {
  return testing::WebhookSignature(secret, id, ts, body);
}

bool Verify(const Received& r, const std::string& secret = kSecret) {
  return testing::VerifyWebhook(r, secret);
}

std::string Settings(const std::string& url, const std::string& extra = "") {
  return R"({"url":")" + url + R"(/hook","secret":")" + kSecret + "\"" + extra + "}";
}

std::unique_ptr<Connector> Make(ConnectorHarness& h) {
  std::unique_ptr<Connector> c;
  Status s = NewWebhookConnector(h.ctx, &c);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return c;
}

Status MakeStatus(const std::string& settings) {
  ConnectorHarness h(settings);
  std::unique_ptr<Connector> c;
  return NewWebhookConnector(h.ctx, &c);
}

std::string Key(const Received& r) { return std::string(r.headers.Get("webhook-id").value_or("")); }

TEST_CASE("webhook test verifier reproduces the Standard Webhooks test vector") {
  CHECK(DecodeKey(kSecret).size() == 24);
  CHECK(ExpectedSignature(kSecret, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330",
                          R"({"test": 2432232314})") ==
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST_CASE("webhook sends one signed POST per record with the Standard Webhooks headers") {
  MockServer mock([](const Received&) { return testing::Json(204, ""); });
  FakeClock clock(kNowSeconds * 1'000'000 + 250'000);
  ConnectorHarness h(Settings(mock.url()), &clock);
  auto c = Make(h);
  CHECK(c->max_batch() == 20);
  CHECK(c->uses_mapping());
  std::vector<OutRecord> recs = {Record(1), Record(2), Record(3)};
  DeliveryResult d = c->Deliver(Ptrs(recs));
  REQUIRE(d.kind == DeliveryResult::Kind::kDone);
  REQUIRE(d.records.size() == 3);
  for (const auto& r : d.records) CHECK(r.outcome == Outcome::kDelivered);
  auto got = mock.received();
  REQUIRE(got.size() == 3);
  std::set<std::string> ids;
  for (const Received& r : got) {
    CHECK(r.method == "POST");
    CHECK(r.path == "/hook");
    CHECK(r.headers.Get("content-type").value_or("") == "application/json");
    CHECK(r.headers.Get("webhook-timestamp").value_or("") == "1614265330");
    CHECK(std::string(r.headers.Get("webhook-signature").value_or("")).rfind("v1,", 0) == 0);
    CHECK(Verify(r));
    ids.insert(Key(r));
    json::Document body;
    REQUIRE(json::Parse(r.body, &body).ok());
    CHECK(json::StringOr(body, "type") == "xapi.statement");
    const json::Value* data = json::Member(body, "data");
    REQUIRE(data);
    REQUIRE(data->IsObject());
    // Match the body to its record by webhook-id.
    const OutRecord* rec = nullptr;
    for (const auto& o : recs)
      if (o.idempotency_key == Key(r)) rec = &o;
    REQUIRE(rec);
    CHECK(json::StringOr(body, "timestamp") ==
          FormatIso8601Millis(rec->mapped.timestamp_ms * 1000));
    CHECK(json::StringOr(*data, "email") == rec->mapped.email);
    CHECK(json::StringOr(*data, "event") == "completed");
    CHECK(json::StringOr(*data, "statement_id") == rec->statement_id);
    CHECK(json::StringOr(*data, "timestamp") == json::StringOr(body, "timestamp"));
    const json::Value* ext = json::Member(*data, "external_id");
    REQUIRE(ext);
    if (rec->mapped.external_id.empty()) {
      CHECK(ext->IsNull());
    } else {
      CHECK(json::View(*ext) == rec->mapped.external_id);
    }
    json::Document props, contact;
    REQUIRE(json::Parse(rec->mapped.properties, &props).ok());
    REQUIRE(json::Parse(rec->mapped.contact, &contact).ok());
    REQUIRE(json::Member(*data, "properties"));
    CHECK(json::Equal(*json::Member(*data, "properties"), props));
    CHECK(json::Equal(*json::Member(*data, "contact"), contact));
    // A tampered body no longer verifies.
    Received tampered = r;
    tampered.body += " ";
    CHECK_FALSE(Verify(tampered));
  }
  CHECK(ids == std::set<std::string>{recs[0].idempotency_key, recs[1].idempotency_key,
                                     recs[2].idempotency_key});
}

TEST_CASE("webhook re-delivery keeps the webhook-id, so the receiver applies it once") {
  std::mutex mu;
  std::set<std::string> seen;
  int effects = 0;
  MockServer mock([&](const Received& r) {
    if (!Verify(r)) return testing::Json(401, R"({"error":"bad signature"})");
    std::lock_guard<std::mutex> l(mu);
    if (seen.insert(Key(r)).second) ++effects;
    return testing::Json(200, "{}");
  });
  FakeClock clock(kNowSeconds * 1'000'000);
  ConnectorHarness h(Settings(mock.url()), &clock);
  auto c = Make(h);
  std::vector<OutRecord> recs = {Record(4)};
  REQUIRE(c->Deliver(Ptrs(recs)).records.at(0).outcome == Outcome::kDelivered);
  clock.Advance(90'000'000);
  REQUIRE(c->Deliver(Ptrs(recs)).records.at(0).outcome == Outcome::kDelivered);
  auto got = mock.received();
  REQUIRE(got.size() == 2);
  CHECK(Key(got[0]) == Key(got[1]));
  CHECK(Key(got[0]) == recs[0].idempotency_key);
  CHECK(got[0].headers.Get("webhook-timestamp").value_or("") == "1614265330");
  CHECK(got[1].headers.Get("webhook-timestamp").value_or("") == "1614265420");
  CHECK(got[0].body == got[1].body);
  CHECK(effects == 1);
}

TEST_CASE("webhook 410 Gone disables the destination") {
  MockServer mock([](const Received& r) {
    return testing::Json(Key(r) == Record(2).idempotency_key ? 410 : 200, "");
  });
  ConnectorHarness h(Settings(mock.url()));
  auto c = Make(h);
  std::vector<OutRecord> recs = {Record(1), Record(2)};
  DeliveryResult d = c->Deliver(Ptrs(recs));
  CHECK(d.kind == DeliveryResult::Kind::kDisabled);
  CHECK(d.error.find("endpoint gone") != std::string::npos);
}

TEST_CASE("webhook-delivery: abort-message rejects that record; other 4xx retries it") {
  MockServer mock([](const Received& r) {
    if (Key(r) == Record(1).idempotency_key) {
      http::Response resp = testing::Json(400, R"({"error":"unknown learner"})");
      resp.headers.Set("Webhook-Delivery", "abort-message");
      return resp;
    }
    if (Key(r) == Record(2).idempotency_key) return testing::Json(422, "not now");
    if (Key(r) == Record(3).idempotency_key) {  // any status, even 2xx
      http::Response resp = testing::Json(202, "");
      resp.headers.Set("webhook-delivery", "Abort-Message");
      return resp;
    }
    return testing::Json(200, "");
  });
  ConnectorHarness h(Settings(mock.url()));
  auto c = Make(h);
  std::vector<OutRecord> recs = {Record(1), Record(2), Record(3), Record(4)};
  DeliveryResult d = c->Deliver(Ptrs(recs));
  REQUIRE(d.kind == DeliveryResult::Kind::kDone);
  REQUIRE(d.records.size() == 4);
  CHECK(d.records[0].outcome == Outcome::kReject);
  CHECK(d.records[0].error.find("abort-message") != std::string::npos);
  CHECK(d.records[0].error.find("unknown learner") != std::string::npos);
  CHECK(d.records[1].outcome == Outcome::kRetry);
  CHECK(d.records[1].error == "HTTP 422: not now");
  CHECK(d.records[2].outcome == Outcome::kReject);
  CHECK(d.records[3].outcome == Outcome::kDelivered);
}

TEST_CASE("webhook 429 makes the whole batch unavailable with Retry-After") {
  MockServer mock([](const Received& r) {
    if (Key(r) != Record(2).idempotency_key) return testing::Json(200, "");
    http::Response resp = testing::Json(429, "slow down");
    resp.headers.Set("Retry-After", "30");
    return resp;
  });
  ConnectorHarness h(Settings(mock.url()));
  auto c = Make(h);
  std::vector<OutRecord> recs = {Record(1), Record(2), Record(3)};
  DeliveryResult d = c->Deliver(Ptrs(recs));
  CHECK(d.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(d.retry_after == std::chrono::milliseconds(30000));
  CHECK(d.error.find("429") != std::string::npos);
  CHECK(mock.count() == 3);
}

TEST_CASE("webhook 5xx and 408 make the destination unavailable") {
  int status = GENERATE(500, 502, 503, 408);
  MockServer mock([status](const Received&) { return testing::Json(status, "oops"); });
  ConnectorHarness h(Settings(mock.url()));
  auto c = Make(h);
  std::vector<OutRecord> recs = {Record(1)};
  DeliveryResult d = c->Deliver(Ptrs(recs));
  CHECK(d.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(d.retry_after == std::chrono::milliseconds(-1));
  CHECK(d.error == "HTTP " + std::to_string(status) + ": oops");
}

TEST_CASE("webhook connection refused makes the destination unavailable") {
  ConnectorHarness h(Settings("http://127.0.0.1:1", R"(,"timeout_ms":2000)"));
  auto c = Make(h);
  std::vector<OutRecord> recs = {Record(1), Record(2)};
  DeliveryResult d = c->Deliver(Ptrs(recs));
  CHECK(d.kind == DeliveryResult::Kind::kUnavailable);
  CHECK_FALSE(d.error.empty());
  CHECK(d.error.find("MfKQ9r8") == std::string::npos);
}

TEST_CASE("webhook payload \"statement\" sends the whole statement, only with education") {
  MockServer mock([](const Received&) { return testing::Json(200, ""); });
  ConnectorHarness h(
      Settings(mock.url(), R"(,"payload":"statement","categories_include_education":true)"));
  auto c = Make(h);
  CHECK_FALSE(c->uses_mapping());
  OutRecord rec = Record(5);
  rec.mapped = MappedRecord{};  // unset when the connector sends statements
  DeliveryResult d = c->Deliver({&rec});
  REQUIRE(d.kind == DeliveryResult::Kind::kDone);
  CHECK(d.records.at(0).outcome == Outcome::kDelivered);
  auto got = mock.received();
  REQUIRE(got.size() == 1);
  CHECK(Verify(got[0]));
  json::Document body, statement;
  REQUIRE(json::Parse(got[0].body, &body).ok());
  REQUIRE(json::Parse(rec.statement, &statement).ok());
  CHECK(json::StringOr(body, "type") == "xapi.statement");
  CHECK(json::StringOr(body, "timestamp") == "2026-03-01T09:00:00.000Z");
  REQUIRE(json::Member(body, "data"));
  CHECK(json::Equal(*json::Member(body, "data"), statement));
  // The statement's bytes are sent as stored.
  CHECK(got[0].body.find(rec.statement) != std::string::npos);

  for (const char* extra : {R"(,"payload":"statement")",
                            R"(,"payload":"statement","categories_include_education":false)"}) {
    Status s = MakeStatus(Settings(mock.url(), extra));
    CHECK(s.IsInvalidArgument());
    CHECK(s.message().find("payload") != std::string::npos);
    CHECK(s.message().find("education") != std::string::npos);
  }
  CHECK(MakeStatus(Settings(mock.url(), R"(,"payload":"mapped")")).ok());
  CHECK(MakeStatus(Settings(mock.url(), R"(,"payload":"everything")")).IsInvalidArgument());
}

TEST_CASE("webhook rejects a malformed secret at construction without echoing it") {
  const std::string url = "http://127.0.0.1:9";
  for (const char* bad : {"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",     // no prefix
                          "whsec_MfKQ9r8GKYqr*wjUPD8ILPZIo2LaLaSw",  // not base64
                          "whsec_c2hvcnRrZXk=",                     // 8 bytes: too short
                          "whsec_"}) {
    Status s = MakeStatus(R"({"url":")" + url + R"(","secret":")" + bad + "\"}");
    INFO(bad);
    CHECK(s.IsInvalidArgument());
    CHECK(s.message().find("secret") != std::string::npos);
    CHECK(s.message().find(bad) == std::string::npos);
  }
  CHECK(MakeStatus(R"({"url":")" + url + "\"}").IsInvalidArgument());
  CHECK(MakeStatus(R"({"secret":")" + std::string(kSecret) + "\"}").IsInvalidArgument());
  CHECK(MakeStatus(R"({"url":"ftp://x","secret":")" + std::string(kSecret) + "\"}")
            .IsInvalidArgument());
  // From the environment, as any secret setting.
  ::setenv("LRS_TEST_WEBHOOK_SECRET", kSecret, 1);
  CHECK(MakeStatus(R"({"url":")" + url + R"(","secret_env":"LRS_TEST_WEBHOOK_SECRET"})").ok());
  // Unpadded base64 is accepted.
  CHECK(MakeStatus(R"({"url":")" + url +
                   R"(","secret":"whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})")
            .ok());
}

TEST_CASE("webhook batch_size bounds") {
  CHECK(MakeStatus(Settings("http://127.0.0.1:9", R"(,"batch_size":100)")).ok());
  CHECK(MakeStatus(Settings("http://127.0.0.1:9", R"(,"batch_size":101)")).IsInvalidArgument());
  CHECK(MakeStatus(Settings("http://127.0.0.1:9", R"(,"batch_size":0)")).IsInvalidArgument());
  CHECK(MakeStatus(Settings("http://127.0.0.1:9", R"(,"timeout_ms":-1)")).IsInvalidArgument());
  ConnectorHarness h(Settings("http://127.0.0.1:9", R"(,"batch_size":7)"));
  CHECK(Make(h)->max_batch() == 7);
}

TEST_CASE("webhook sends a full batch concurrently") {
  MockServer mock([](const Received& r) {
    return testing::Json(Verify(r) ? 200 : 401, "");
  });
  ConnectorHarness h(Settings(mock.url(), R"(,"batch_size":100)"));
  auto c = Make(h);
  std::vector<OutRecord> recs;
  for (int i = 0; i < 100; ++i) recs.push_back(Record(i));
  DeliveryResult d = c->Deliver(Ptrs(recs));
  REQUIRE(d.kind == DeliveryResult::Kind::kDone);
  for (const auto& r : d.records) CHECK(r.outcome == Outcome::kDelivered);
  CHECK(mock.count() == 100);
}

}  // namespace
}  // namespace lrs::sync
