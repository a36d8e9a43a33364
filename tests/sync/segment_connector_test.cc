// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The Segment connector against the loopback emulation of the HTTP
// Tracking API batch endpoint in tests/sync/segment_mock.h.

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>

#include "tests/sync/segment_mock.h"
#include "tests/sync/test_records.h"

namespace lrs::sync {
namespace {

using testing::ConnectorHarness;
using testing::FakeClock;
using testing::MockServer;
using testing::Ptrs;
using testing::Received;
using testing::Record;
using testing::SegmentMock;

constexpr const char* kWriteKey = testing::SegmentMock::kWriteKey;

std::string Settings(const std::string& url, const std::string& extra = "") {
  return R"({"url":")" + url + R"(","write_key":")" + kWriteKey + "\"" + extra + "}";
}

std::unique_ptr<Connector> Make(ConnectorHarness& h) {
  std::unique_ptr<Connector> c;
  Status s = NewSegmentConnector(h.ctx, &c);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return c;
}

Status MakeStatus(const std::string& settings) {
  ConnectorHarness h(settings);
  std::unique_ptr<Connector> c;
  return NewSegmentConnector(h.ctx, &c);
}

json::Document ParseJson(const std::string& text) {
  json::Document d;
  REQUIRE(json::Parse(text, &d).ok());
  return d;
}

// Records every request and answers status 0, without a network.
class CapturingTransport final : public HttpTransport {
 public:
  void SendAll(const std::vector<HttpRequest>& reqs, std::vector<HttpResponse>* out) override {
    for (const auto& r : reqs) sent.push_back(r);
    out->assign(reqs.size(), HttpResponse{0, "offline", {}, {}});
  }
  std::vector<HttpRequest> sent;
};

TEST_CASE("segment sends identify + track per record in one Basic-authenticated batch") {
  SegmentMock seg;
  FakeClock clock(1'772'400'000'123'000);
  ConnectorHarness h(Settings(seg.url()), &clock);
  auto c = Make(h);
  CHECK(c->max_batch() == 100);
  CHECK(c->uses_mapping());
  std::vector<OutRecord> recs = {Record(1), Record(2)};  // 1: contact + external id; 2: e-mail
  DeliveryResult d = c->Deliver(Ptrs(recs));
  REQUIRE(d.kind == DeliveryResult::Kind::kDone);
  CHECK(d.records.at(0).outcome == Outcome::kDelivered);
  CHECK(d.records.at(1).outcome == Outcome::kDelivered);
  auto got = seg.server().received();
  REQUIRE(got.size() == 1);
  CHECK(got[0].headers.Get("Content-Type").value_or("") == "application/json");
  json::Document body = ParseJson(got[0].body);
  CHECK(json::StringOr(body, "sentAt") == "2026-03-01T21:20:00.123Z");
  const json::Value& batch = *json::Member(body, "batch");
  REQUIRE(batch.Size() == 3);
  // Record 1: identify, then track.
  const json::Value& id1 = batch[0];
  CHECK(json::StringOr(id1, "type") == "identify");
  CHECK(json::StringOr(id1, "userId") == "ext-1");
  CHECK(json::StringOr(id1, "messageId") == recs[0].idempotency_key + "-identify");
  CHECK(json::StringOr(id1, "timestamp") == "2026-03-01T09:00:00.001Z");
  CHECK(json::Equal(*json::Member(id1, "traits"), ParseJson(R"({"company":"Acme"})")));
  const json::Value& t1 = batch[1];
  CHECK(json::StringOr(t1, "type") == "track");
  CHECK(json::StringOr(t1, "event") == "completed");
  CHECK(json::StringOr(t1, "userId") == "ext-1");
  CHECK(json::StringOr(t1, "messageId") == recs[0].idempotency_key);
  CHECK(json::StringOr(t1, "timestamp") == "2026-03-01T09:00:00.001Z");
  CHECK(json::Equal(*json::Member(t1, "properties"),
                    ParseJson(R"({"course":"Safety 101","n":1,"statement_id":")" +
                              recs[0].statement_id + "\"}")));
  CHECK(json::Equal(*json::Member(t1, "context"),
                    ParseJson(R"({"library":{"name":"lrs","version":"1"}})")));
  // Record 2: no contact attributes, so no identify; userId falls back to e-mail.
  const json::Value& t2 = batch[2];
  CHECK(json::StringOr(t2, "type") == "track");
  CHECK(json::StringOr(t2, "userId") == "learner2@example.com");
  CHECK(json::StringOr(t2, "messageId") == recs[1].idempotency_key);
  CHECK(seg.applied().size() == 3);
}

TEST_CASE("segment rejects a record without identity or event and sends the rest") {
  SegmentMock seg;
  ConnectorHarness h(Settings(seg.url()));
  auto c = Make(h);
  std::vector<OutRecord> recs = {Record(2), Record(4), Record(6)};
  recs[1].mapped.email.clear();
  recs[1].mapped.external_id.clear();
  recs[2].mapped.event.clear();
  DeliveryResult d = c->Deliver(Ptrs(recs));
  REQUIRE(d.kind == DeliveryResult::Kind::kDone);
  CHECK(d.records[0].outcome == Outcome::kDelivered);
  CHECK(d.records[1].outcome == Outcome::kReject);
  CHECK(d.records[1].error.find("no user identity") != std::string::npos);
  CHECK(d.records[2].outcome == Outcome::kReject);
  CHECK(d.records[2].error.find("no event name") != std::string::npos);
  CHECK(seg.applied() == std::vector<std::string>{recs[0].idempotency_key});
}

TEST_CASE("segment keeps messages under 32 KB and requests under 500 KB") {
  SegmentMock seg;
  ConnectorHarness h(Settings(seg.url()));
  auto c = Make(h);
  std::vector<OutRecord> recs;
  for (int i = 0; i < 60; ++i) {
    recs.push_back(Record(i));
    // ~20 KB of properties each: 60 records are ~1.2 MB, three requests at least.
    recs.back().mapped.properties =
        R"({"notes":")" + std::string(20000, static_cast<char>('a' + i % 26)) + "\"}";
  }
  recs[7].mapped.properties = R"({"notes":")" + std::string(33 * 1024, 'x') + "\"}";
  recs[8].mapped.contact = R"({"bio":")" + std::string(33 * 1024, 'y') + "\"}";  // identify too big
  DeliveryResult d = c->Deliver(Ptrs(recs));
  REQUIRE(d.kind == DeliveryResult::Kind::kDone);
  for (int i = 0; i < 60; ++i) {
    INFO(i);
    if (i == 7 || i == 8) {
      CHECK(d.records[i].outcome == Outcome::kReject);
      CHECK(d.records[i].error.find("32 KB") != std::string::npos);
    } else {
      CHECK(d.records[i].outcome == Outcome::kDelivered);
    }
  }
  auto got = seg.server().received();
  CHECK(got.size() >= 3);
  for (const auto& r : got) CHECK(r.body.size() <= 500 * 1000);
  // Every track and identify of the good records applied once. Requests go
  // concurrently, so only the order within one request is the stored order.
  auto applied = seg.applied();
  std::sort(applied.begin(), applied.end());
  std::vector<std::string> expected;
  for (int i = 0; i < 60; ++i) {
    if (i == 7 || i == 8) continue;
    if (i % 2) expected.push_back(recs[i].idempotency_key + "-identify");
    expected.push_back(recs[i].idempotency_key);
  }
  std::sort(expected.begin(), expected.end());
  CHECK(applied == expected);
  CHECK(seg.duplicates() == 0);
  for (const auto& r : got) {
    json::Document body = ParseJson(r.body);
    // Keys grow with the record index; a record's identify precedes its track.
    std::pair<std::string, int> last;
    for (const json::Value& m : json::Member(body, "batch")->GetArray()) {
      std::pair<std::string, int> at{std::string(json::StringOr(m, "messageId")).substr(0, 32),
                                     json::StringOr(m, "type") == "track" ? 1 : 0};
      CHECK(last < at);
      last = at;
    }
  }
}

TEST_CASE("segment 400 retries each record alone once to find the bad one") {
  SegmentMock seg;
  ConnectorHarness h(Settings(seg.url()));
  auto c = Make(h);
  std::vector<OutRecord> recs = {Record(1), Record(2), Record(3)};
  recs[1].mapped.event = "poison";
  DeliveryResult d = c->Deliver(Ptrs(recs));
  REQUIRE(d.kind == DeliveryResult::Kind::kDone);
  CHECK(d.records[0].outcome == Outcome::kDelivered);
  CHECK(d.records[1].outcome == Outcome::kReject);
  CHECK(d.records[1].error == "HTTP 400: invalid event: poison");
  CHECK(d.records[2].outcome == Outcome::kDelivered);
  CHECK(seg.server().count() == 4);  // the batch, then each record alone
  CHECK(seg.applied().size() == 4);  // identify + track of records 1 and 3
  CHECK(seg.duplicates() == 0);
  // A request of one record that fails is not sent again.
  std::vector<OutRecord> one = {recs[1]};
  d = c->Deliver(Ptrs(one));
  CHECK(d.records.at(0).outcome == Outcome::kReject);
  CHECK(seg.server().count() == 5);
}

TEST_CASE("segment re-sends a batch with the same messageIds, applied once") {
  SegmentMock seg;
  ConnectorHarness h(Settings(seg.url()));
  auto c = Make(h);
  std::vector<OutRecord> recs = {Record(1), Record(2), Record(3)};
  // The vendor applies the batch but the answer is lost (500).
  seg.fail_after_apply = true;
  DeliveryResult d = c->Deliver(Ptrs(recs));
  CHECK(d.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(seg.applied().size() == 5);
  seg.fail_after_apply = false;
  d = c->Deliver(Ptrs(recs));  // the relay's retry
  REQUIRE(d.kind == DeliveryResult::Kind::kDone);
  for (const auto& r : d.records) CHECK(r.outcome == Outcome::kDelivered);
  CHECK(seg.applied().size() == 5);
  CHECK(seg.duplicates() == 5);
  auto got = seg.server().received();
  REQUIRE(got.size() == 2);
  json::Document a = ParseJson(got[0].body), b = ParseJson(got[1].body);
  CHECK(json::Equal(*json::Member(a, "batch"), *json::Member(b, "batch")));
}

TEST_CASE("segment 429, 5xx and a rejected write key make the destination unavailable") {
  SegmentMock seg;
  SECTION("429 with Retry-After") {
    seg.retry_after = "20";
    seg.fail_status = 429;
    ConnectorHarness h(Settings(seg.url()));
    std::vector<OutRecord> recs = {Record(1)};
    DeliveryResult d = Make(h)->Deliver(Ptrs(recs));
    CHECK(d.kind == DeliveryResult::Kind::kUnavailable);
    CHECK(d.retry_after == std::chrono::milliseconds(20000));
    CHECK(d.error == "HTTP 429: try later");
  }
  SECTION("500") {
    seg.fail_status = 503;
    ConnectorHarness h(Settings(seg.url()));
    std::vector<OutRecord> recs = {Record(1), Record(2)};
    DeliveryResult d = Make(h)->Deliver(Ptrs(recs));
    CHECK(d.kind == DeliveryResult::Kind::kUnavailable);
    CHECK(d.retry_after == std::chrono::milliseconds(-1));
  }
  SECTION("wrong write key") {
    ConnectorHarness h(R"({"url":")" + seg.url() + R"(","write_key":"wk_wrong_one"})");
    std::vector<OutRecord> recs = {Record(1)};
    DeliveryResult d = Make(h)->Deliver(Ptrs(recs));
    CHECK(d.kind == DeliveryResult::Kind::kUnavailable);
    CHECK(d.error.find("write key rejected") != std::string::npos);
    CHECK(d.error.find("wk_wrong_one") == std::string::npos);
  }
  SECTION("connection refused") {
    ConnectorHarness h(Settings("http://127.0.0.1:1/v1/batch", R"(,"timeout_ms":2000)"));
    std::vector<OutRecord> recs = {Record(1)};
    DeliveryResult d = Make(h)->Deliver(Ptrs(recs));
    CHECK(d.kind == DeliveryResult::Kind::kUnavailable);
    CHECK_FALSE(d.error.empty());
  }
  CHECK(seg.applied().empty());
}

TEST_CASE("segment settings: default URL, write key from the environment, batch size") {
  ConnectorHarness h(R"({"write_key_env":"LRS_TEST_SEGMENT_KEY","batch_size":250})");
  ::setenv("LRS_TEST_SEGMENT_KEY", "abc123", 1);
  CapturingTransport t;
  h.ctx.transport = &t;
  auto c = Make(h);
  CHECK(c->max_batch() == 250);
  std::vector<OutRecord> recs = {Record(1)};
  DeliveryResult d = c->Deliver(Ptrs(recs));
  CHECK(d.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(d.error == "offline");
  REQUIRE(t.sent.size() == 1);
  CHECK(t.sent[0].url == "https://api.segment.io/v1/batch");
  bool auth = false;
  for (const auto& [k, v] : t.sent[0].headers)
    auth = auth || (k == "Authorization" && v == "Basic YWJjMTIzOg==");  // the docs' example
  CHECK(auth);

  CHECK(MakeStatus(R"({"url":"http://127.0.0.1:9/v1/batch"})").IsInvalidArgument());
  CHECK(MakeStatus(Settings("ftp://x")).IsInvalidArgument());
  CHECK(MakeStatus(Settings("http://127.0.0.1:9", R"(,"batch_size":0)")).IsInvalidArgument());
  CHECK(MakeStatus(Settings("http://127.0.0.1:9", R"(,"batch_size":1001)")).IsInvalidArgument());
  CHECK(MakeStatus(Settings("http://127.0.0.1:9", R"(,"timeout_ms":"1s")")).IsInvalidArgument());
}

}  // namespace
}  // namespace lrs::sync
