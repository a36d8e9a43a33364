// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The upstream-xAPI connector (lrs/sync/xapi_connector.cc) against a
// loopback LRS that keeps the statement resource's contract as the xAPI
// spec states it (/work/spec, "Comm" = xAPI-Communication 2.0.0): version
// header, Basic / bearer / OAuth2 credentials, batches stored all or
// nothing, repeated ids, 400 / 409 / 413, attachments as multipart/mixed,
// and the destination-level failures (5xx, 429, refused, timeouts).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "lrs/common/time.h"
#include "lrs/http/multipart.h"
#include "tests/support/test_util.h"
#include "tests/sync/sync_test_util.h"
#include "tests/sync/test_records.h"
#include "tests/sync/xapi_lrs_mock.h"

namespace lrs::sync {
namespace {

using testing::ConnectorHarness;
using testing::FakeClock;
using testing::Header;
using testing::MockServer;
using testing::Ptrs;
using testing::QueryParam;
using testing::Received;
using testing::Record;
using testing::Sha256Hex;
using testing::UpstreamLrs;
using testing::kBasic;
using testing::kClientBasic;
using testing::kClientId;
using testing::kClientSecret;
using testing::kKey;
using testing::kSecret;
using testing::kStaticToken;

// ---- Records ----------------------------------------------------------------

OutRecord V2(OutRecord r) {
  const std::string from = R"("version":"1.0.3")";
  r.statement.replace(r.statement.find(from), from.size(), R"("version":"2.0.0")");
  return r;
}

// Record i with one attachment per payload (no fileUrl), and optionally one
// more that has only a fileUrl.
OutRecord WithAttachments(int i, const std::vector<AttachmentPayload>& payloads,
                          bool file_url = false) {
  OutRecord r = Record(i);
  std::string a = ",\"attachments\":[";
  bool first = true;
  for (const auto& p : payloads) {
    a += first ? "" : ",";
    a += R"({"usageType":"http://id.tincanapi.com/attachment/certificate-of-completion",)"
         R"("display":{"en-US":"certificate"},"contentType":")" +
         p.content_type + R"(","length":)" + std::to_string(p.data.size()) + R"(,"sha2":")" +
         p.sha2 + "\"}";
    first = false;
    r.attachments.push_back(p);
  }
  if (file_url) {
    a += first ? "" : ",";
    a += R"({"usageType":"http://id.tincanapi.com/attachment/supporting_media",)"
         R"("display":{"en-US":"video"},"contentType":"video/mp4","length":1000,"sha2":")" +
         Sha256Hex("elsewhere") + R"(","fileUrl":"https://cdn.example.com/v.mp4"})";
  }
  a += "]";
  r.statement.insert(r.statement.size() - 1, a);
  return r;
}

AttachmentPayload Payload(std::string data, std::string content_type = "application/pdf") {
  AttachmentPayload p;
  p.sha2 = Sha256Hex(data);
  p.content_type = std::move(content_type);
  p.data = std::move(data);
  return p;
}

// Record i without a verb: every LRS rejects it with 400.
OutRecord Invalid(int i) {
  OutRecord r = Record(i);
  const std::string verb = R"("verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},)";
  r.statement.erase(r.statement.find(verb), verb.size());
  return r;
}

// Record i with `bytes` more bytes of result.response.
OutRecord Large(int i, std::size_t bytes) {
  OutRecord r = Record(i);
  r.statement.insert(r.statement.size() - 1,
                     R"(,"result":{"response":")" + std::string(bytes, 'x') + "\"}");
  return r;
}

// Record i's id with another object: different content under the same id.
std::string Different(int i) {
  std::string s = Record(i).statement;
  const std::string from = "http://example.com/course";
  s.replace(s.find(from), from.size(), "http://example.com/other-course");
  return s;
}

// ---- Connector set-up -----------------------------------------------------------

// One request at a time (parallel_requests defaults to 4): for the tests
// that follow a batch's requests one by one.
constexpr const char* kSerial = R"(,"parallel_requests":1)";

std::string BasicSettings(const std::string& url, const std::string& extra = "") {
  return R"({"url":")" + url + R"(","key":")" + kKey + R"(","secret":")" + kSecret + "\"" +
         extra + "}";
}

std::string OAuthSettings(const UpstreamLrs& up, const std::string& extra = "") {
  return R"({"url":")" + up.endpoint() + R"(","token_url":")" + up.token_url() +
         R"(","client_id":")" + kClientId + R"(","client_secret":")" + kClientSecret + "\"" +
         extra + "}";
}

std::unique_ptr<Connector> Make(ConnectorHarness& h) {
  std::unique_ptr<Connector> c;
  Status s = NewXapiConnector(h.ctx, &c);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return c;
}

Status MakeStatus(const std::string& settings) {
  ConnectorHarness h(settings);
  std::unique_ptr<Connector> c;
  return NewXapiConnector(h.ctx, &c);
}

std::vector<Outcome> Outcomes(const DeliveryResult& d) {
  std::vector<Outcome> out;
  for (const auto& r : d.records) out.push_back(r.outcome);
  return out;
}

std::vector<std::string> Ids(const std::vector<OutRecord>& recs) {
  std::vector<std::string> out;
  for (const auto& r : recs) out.push_back(r.statement_id);
  return out;
}

// A loopback port nothing listens on: connections are refused.
int ClosedPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
  ::close(fd);
  return ntohs(a.sin_port);
}

// Listens on a loopback port and never accepts: the kernel completes the
// handshake, the request is sent, no answer ever comes.
class Blackhole {
 public:
  Blackhole() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(fd_, 64) == 0);
    socklen_t len = sizeof a;
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    port_ = ntohs(a.sin_port);
  }
  ~Blackhole() { ::close(fd_); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/xapi/"; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// ---- Batches, version header, credentials ---------------------------------------------

// Comm 2.1.2: POST stores a batch and answers 200 with the ids; Comm 3.3:
// every request carries X-Experience-API-Version.
TEST_CASE("xapi POSTs a batch with its ids to <url>/statements with the version header and Basic auth") {
  UpstreamLrs up;
  std::string url = up.endpoint();
  url.pop_back();  // "…/xapi": the connector adds the slash
  ConnectorHarness h(BasicSettings(url, kSerial));
  auto c = Make(h);
  CHECK(c->max_batch() == 500);
  CHECK_FALSE(c->uses_mapping());
  CHECK(c->preserves_batch_order());
  std::vector<OutRecord> recs = {Record(1), Record(2), Record(3)};
  DeliveryResult d = c->Deliver(Ptrs(recs));
  REQUIRE(d.kind == DeliveryResult::Kind::kDone);
  CHECK(Outcomes(d) == std::vector<Outcome>(3, Outcome::kDelivered));
  auto got = up.statement_requests();
  REQUIRE(got.size() == 1);
  CHECK(got[0].method == "POST");
  CHECK(got[0].query.empty());
  CHECK(Header(got[0], "X-Experience-API-Version") == "1.0.3");
  CHECK(Header(got[0], "Authorization") == kBasic);
  CHECK(Header(got[0], "Content-Type") == "application/json");
  // The stored statements' bytes, in stored order, ids included.
  CHECK(got[0].body ==
        "[" + recs[0].statement + "," + recs[1].statement + "," + recs[2].statement + "]");
  CHECK(up.order() == Ids(recs));
}

TEST_CASE("xapi sends a bearer token as Authorization: Bearer") {
  UpstreamLrs up(UpstreamLrs::Auth::kStaticBearer);
  ConnectorHarness h(R"({"url":")" + up.endpoint() + R"(","token":")" + kStaticToken + "\"}");
  auto c = Make(h);
  std::vector<OutRecord> recs = {Record(1)};
  DeliveryResult d = c->Deliver(Ptrs(recs));
  REQUIRE(d.kind == DeliveryResult::Kind::kDone);
  CHECK(d.records.at(0).outcome == Outcome::kDelivered);
  auto got = up.statement_requests();
  REQUIRE(got.size() == 1);
  CHECK(Header(got[0], "Authorization") == std::string("Bearer ") + kStaticToken);
  CHECK(up.order() == Ids(recs));
}

TEST_CASE("xapi takes batch_size x parallel_requests records per Deliver (default 500 x 4)") {
  ConnectorHarness d(BasicSettings("http://127.0.0.1:9/xapi/"));
  CHECK(Make(d)->max_batch() == 2000);
  ConnectorHarness h(
      BasicSettings("http://127.0.0.1:9/xapi/", R"(,"batch_size":2000)" + std::string(kSerial)));
  CHECK(Make(h)->max_batch() == 2000);
  ConnectorHarness p(
      BasicSettings("http://127.0.0.1:9/xapi/", R"(,"batch_size":100,"parallel_requests":10)"));
  CHECK(Make(p)->max_batch() == 1000);
}

// Comm 2.1.1 / 2.1.2: an LRS MUST NOT modify anything for an id it holds,
// and may answer a repeat either way; a re-sent batch (the relay sends
// again after a crash) must end up delivered, never stored twice.
TEST_CASE("xapi a re-sent batch is delivered once whether the upstream answers 200 or 409 to known ids") {
  UpstreamLrs up;
  ConnectorHarness h(BasicSettings(up.endpoint(), kSerial));
  auto c = Make(h);
  std::vector<OutRecord> first = {Record(1), Record(2)};
  REQUIRE(c->Deliver(Ptrs(first)).kind == DeliveryResult::Kind::kDone);
  std::vector<OutRecord> again = {Record(1), Record(2), Record(3)};

  SECTION("200 for a repeat with equal content") {
    DeliveryResult d = c->Deliver(Ptrs(again));
    REQUIRE(d.kind == DeliveryResult::Kind::kDone);
    CHECK(Outcomes(d) == std::vector<Outcome>(3, Outcome::kDelivered));
    CHECK(up.statement_requests().size() == 2);  // no fallback needed
  }
  SECTION("409 for any id it holds, even with equal content") {
    up.repeat = UpstreamLrs::Repeat::kConflict;
    DeliveryResult d = c->Deliver(Ptrs(again));
    REQUIRE(d.kind == DeliveryResult::Kind::kDone);
    for (const auto& r : d.records) INFO(r.error);
    CHECK(Outcomes(d) == std::vector<Outcome>(3, Outcome::kDelivered));
    // The first batch, the batch again, then one PUT per statement; a 409
    // to a PUT is checked against the upstream's copy (GET statementId)
    // before anything is dead-lettered.
    auto got = up.statement_requests();
    REQUIRE(got.size() == 7);  // POST, POST, PUT, GET, PUT, GET, PUT
    CHECK(got[1].method == "POST");
    CHECK(got[2].method == "PUT");
    CHECK(QueryParam(got[2], "statementId") == again[0].statement_id);
    CHECK(Header(got[2], "X-Experience-API-Version") == "1.0.3");
    CHECK(Header(got[2], "Authorization") == kBasic);
    CHECK(got[2].body == again[0].statement);  // one object, not an array
    CHECK(got[3].method == "GET");
    CHECK(QueryParam(got[3], "statementId") == again[0].statement_id);
    CHECK(Header(got[3], "X-Experience-API-Version") == "1.0.3");
    CHECK(got[6].method == "PUT");
  }
  SECTION("409 for any id it holds, and the credential may not read to compare") {
    up.repeat = UpstreamLrs::Repeat::kConflict;
    up.forbid_reads = true;
    DeliveryResult d = c->Deliver(Ptrs(again));
    REQUIRE(d.kind == DeliveryResult::Kind::kDone);
    // Nothing tells a repeat from a conflict: dead-lettered, saying why.
    CHECK(Outcomes(d) ==
          std::vector<Outcome>{Outcome::kReject, Outcome::kReject, Outcome::kDelivered});
    CHECK(d.records[0].error.find("could not be read") != std::string::npos);
    CHECK(d.records[0].error.find("HTTP 403") != std::string::npos);
  }
  CHECK(up.order() == Ids(again));
}

// Comm 2.1.1: "SHOULD return 409 Conflict if they do not match".
TEST_CASE("xapi 409 for different content under an id dead-letters that statement only") {
  UpstreamLrs up;
  up.Preload(Record(2).statement_id, Different(2));
  ConnectorHarness h(BasicSettings(up.endpoint(), kSerial));
  auto c = Make(h);
  std::vector<OutRecord> recs = {Record(1), Record(2), Record(3)};
  DeliveryResult d = c->Deliver(Ptrs(recs));
  REQUIRE(d.kind == DeliveryResult::Kind::kDone);
  CHECK(Outcomes(d) ==
        std::vector<Outcome>{Outcome::kDelivered, Outcome::kReject, Outcome::kDelivered});
  CHECK(d.records[1].error.find("different content") != std::string::npos);
  CHECK(d.records[1].error.find("409") != std::string::npos);
  // The batch was refused whole (Comm 3.2), then each statement PUT.
  auto got = up.statement_requests();
  REQUIRE(got.size() >= 4);
  CHECK(got[0].method == "POST");
  std::vector<std::string> puts;
  for (const auto& r : got)
    if (r.method == "PUT") puts.push_back(QueryParam(r, "statementId"));
  CHECK(puts == Ids(recs));
  // The upstream keeps its own copy (MUST NOT modify it).
  CHECK(up.statement(recs[1].statement_id) == Different(2));
  CHECK(up.order() ==
        std::vector<std::string>{recs[1].statement_id, recs[0].statement_id, recs[2].statement_id});
}

// Comm 3.2: "MUST reject a batch of statements if any Statement within that
// batch is rejected"; 400 for an invalid statement.
TEST_CASE("xapi 400 for a batch finds the invalid statement by PUTting each; the others are delivered") {
  UpstreamLrs up;
  ConnectorHarness h(BasicSettings(up.endpoint(), kSerial));
  auto c = Make(h);
  std::vector<OutRecord> recs = {Record(1), Invalid(2), Record(3)};
  DeliveryResult d = c->Deliver(Ptrs(recs));
  REQUIRE(d.kind == DeliveryResult::Kind::kDone);
  CHECK(Outcomes(d) ==
        std::vector<Outcome>{Outcome::kDelivered, Outcome::kReject, Outcome::kDelivered});
  // The upstream's message says why.
  CHECK(d.records[1].error == "HTTP 400: statements[0].verb: missing");
  CHECK(d.records[0].error.empty());
  auto got = up.statement_requests();
  REQUIRE(got.size() == 4);  // POST, then 3 PUTs in stored order
  CHECK(got[0].method == "POST");
  for (int i = 1; i <= 3; ++i) {
    CHECK(got[i].method == "PUT");
    CHECK(QueryParam(got[i], "statementId") == recs[i - 1].statement_id);
  }
  CHECK(up.order() == std::vector<std::string>{recs[0].statement_id, recs[2].statement_id});
}

// Comm 3.2: 413 when the request (statement, batch or attachment) is larger
// than the LRS allows.
TEST_CASE("xapi 413 for a batch falls back to one PUT per statement; a statement too large alone is rejected") {
  UpstreamLrs up;
  std::vector<OutRecord> recs = {Record(1), Large(2, 3000), Record(3)};
  up.max_body = recs[0].statement.size() + 100;  // one small statement fits, no batch does
  ConnectorHarness h(BasicSettings(up.endpoint(), kSerial));
  auto c = Make(h);
  DeliveryResult d = c->Deliver(Ptrs(recs));
  REQUIRE(d.kind == DeliveryResult::Kind::kDone);
  CHECK(Outcomes(d) ==
        std::vector<Outcome>{Outcome::kDelivered, Outcome::kReject, Outcome::kDelivered});
  CHECK(d.records[1].error.rfind("HTTP 413", 0) == 0);
  CHECK(up.order() == std::vector<std::string>{recs[0].statement_id, recs[2].statement_id});
}

// ---- Versions -------------------------------------------------------------------

// Comm 3.3 / Data 2.4.10: each statement goes with the version it was
// stored under; a 2.0.0 statement is refused under a 1.0.x header.
TEST_CASE("xapi splits a batch by statement version and keeps stored order across the parts") {
  UpstreamLrs up;
  ConnectorHarness h(BasicSettings(up.endpoint(), kSerial));
  auto c = Make(h);
  OutRecord v100 = Record(6);  // 1.0.x statements carry "1.0.0" (Comm 3.3 note)
  v100.statement.replace(v100.statement.find("1.0.3"), 5, "1.0.0");
  std::vector<OutRecord> recs = {Record(1), Record(2), V2(Record(3)), V2(Record(4)), Record(5),
                                 v100};
  DeliveryResult d = c->Deliver(Ptrs(recs));
  REQUIRE(d.kind == DeliveryResult::Kind::kDone);
  CHECK(Outcomes(d) == std::vector<Outcome>(6, Outcome::kDelivered));
  auto got = up.statement_requests();
  REQUIRE(got.size() == 3);
  CHECK(Header(got[0], "X-Experience-API-Version") == "1.0.3");
  CHECK(got[0].body == "[" + recs[0].statement + "," + recs[1].statement + "]");
  CHECK(Header(got[1], "X-Experience-API-Version") == "2.0.0");
  CHECK(got[1].body == "[" + recs[2].statement + "," + recs[3].statement + "]");
  CHECK(Header(got[2], "X-Experience-API-Version") == "1.0.3");
  CHECK(got[2].body == "[" + recs[4].statement + "," + recs[5].statement + "]");
  // Stored order at the upstream is the edge's stored order (docs/sync.md:
  // a destination that applies a batch in order gets a learner's records
  // together, in order).
  CHECK(up.order() == Ids(recs));
}

TEST_CASE("xapi goes by the statement's own top-level version, not one nested or quoted inside") {
  UpstreamLrs up;
  ConnectorHarness h(BasicSettings(up.endpoint(), kSerial));
  auto c = Make(h);
  // Before the top-level "version": an extension whose value has a
  // "version" member, and a string holding the text "version":"2.0.0".
  const std::string decoy =
      R"("context":{"extensions":{"http://example.com/ext/app":{"version":"2.0.0"}}},)"
      R"("result":{"response":"{\"version\":\"2.0.0\"}, [\"version\"]"},)";
  OutRecord v1 = Record(1), v2 = V2(Record(2));
  for (OutRecord* r : {&v1, &v2}) r->statement.insert(r->statement.find("\"timestamp\""), decoy);
  std::vector<OutRecord> recs = {v1, v2};
  DeliveryResult d = c->Deliver(Ptrs(recs));
  REQUIRE(d.kind == DeliveryResult::Kind::kDone);
  CHECK(Outcomes(d) == std::vector<Outcome>(2, Outcome::kDelivered));
  auto got = up.statement_requests();
  REQUIRE(got.size() == 2);
  CHECK(Header(got[0], "X-Experience-API-Version") == "1.0.3");
  CHECK(Header(got[1], "X-Experience-API-Version") == "2.0.0");
  // Pretty-printed, and with the name escaped, it is still found.
  OutRecord spaced = V2(Record(3)), escaped = V2(Record(4));
  spaced.statement.replace(spaced.statement.find(R"("version":)"), 10, "\n  \"version\" :\t");
  escaped.statement.replace(escaped.statement.find(R"("version")"), 9, R"("versio\u006e")");
  recs = {spaced, escaped};
  d = c->Deliver(Ptrs(recs));
  REQUIRE(d.kind == DeliveryResult::Kind::kDone);
  got = up.statement_requests();
  REQUIRE(got.size() == 3);
  CHECK(Header(got[2], "X-Experience-API-Version") == "2.0.0");
}

TEST_CASE("xapi results of a version-split batch line up with their records") {
  UpstreamLrs up;
  ConnectorHarness h(BasicSettings(up.endpoint(), kSerial));
  auto c = Make(h);
  std::vector<OutRecord> recs = {V2(Record(1)), Invalid(2), V2(Invalid(3)), Record(4)};
  DeliveryResult d = c->Deliver(Ptrs(recs));
  REQUIRE(d.kind == DeliveryResult::Kind::kDone);
  CHECK(Outcomes(d) == std::vector<Outcome>{Outcome::kDelivered, Outcome::kReject,
                                            Outcome::kReject, Outcome::kDelivered});
  CHECK(up.order() == std::vector<std::string>{recs[0].statement_id, recs[3].statement_id});
}

// ---- Parallel requests ------------------------------------------------------------

// Record i of `learner`.
OutRecord Of(int i, const std::string& learner) {
  OutRecord r = Record(i);
  r.learner = learner;
  return r;
}

std::vector<std::string> BodyIds(const Received& r) {
  std::vector<std::string> ids;
  json::Document d;
  if (!json::Parse(r.body, &d).ok() || !d.IsArray()) return ids;
  for (const json::Value& v : d.GetArray()) ids.emplace_back(json::StringOr(v, "id"));
  return ids;
}

// docs/sync.md: records reach a destination in stored order per learner.
TEST_CASE("xapi parallel_requests sends concurrent requests, each learner's records in one, in order") {
  UpstreamLrs up;
  up.delay_ms = 150;  // long enough for the requests of a wave to overlap
  ConnectorHarness h(BasicSettings(up.endpoint(), R"(,"batch_size":2,"parallel_requests":3)"));
  auto c = Make(h);
  CHECK(c->max_batch() == 6);
  std::vector<OutRecord> recs = {Of(0, "ana"), Of(1, "bob"), Of(2, "ana"),
                                 Of(3, "cy"),  Of(4, "ana"), Of(5, "bob")};
  DeliveryResult d = c->Deliver(Ptrs(recs));
  REQUIRE(d.kind == DeliveryResult::Kind::kDone);
  CHECK(Outcomes(d) == std::vector<Outcome>(6, Outcome::kDelivered));
  CHECK(up.max_in_flight() == 3);
  // ana: [0, 2] then [4] (batch_size 2); bob: [1, 5]; cy: [3].
  std::multiset<std::vector<std::string>> bodies;
  for (const auto& r : up.statement_requests()) bodies.insert(BodyIds(r));
  auto id = [&](int i) { return recs[static_cast<std::size_t>(i)].statement_id; };
  CHECK(bodies == std::multiset<std::vector<std::string>>{
                      {id(0), id(2)}, {id(1), id(5)}, {id(3)}, {id(4)}});
  const auto order = up.order();
  REQUIRE(order.size() == 6);
  auto pos = [&](int i) { return std::find(order.begin(), order.end(), id(i)) - order.begin(); };
  CHECK(pos(0) < pos(2));
  CHECK(pos(2) < pos(4));
  CHECK(pos(1) < pos(5));
}

TEST_CASE("xapi parallel_requests: a refused request is judged per statement, the others delivered") {
  UpstreamLrs up;
  ConnectorHarness h(BasicSettings(up.endpoint(), R"(,"parallel_requests":2)"));
  auto c = Make(h);
  std::vector<OutRecord> recs = {Of(0, "ana"), Of(1, "bob"), Of(2, "ana"), Of(3, "bob")};
  recs[3] = Invalid(3);
  recs[3].learner = "bob";
  DeliveryResult d = c->Deliver(Ptrs(recs));
  REQUIRE(d.kind == DeliveryResult::Kind::kDone);
  CHECK(Outcomes(d) == std::vector<Outcome>{Outcome::kDelivered, Outcome::kDelivered,
                                            Outcome::kDelivered, Outcome::kReject});
  CHECK(d.records[3].error == "HTTP 400: statements[0].verb: missing");
  auto order = up.order();
  std::sort(order.begin(), order.end());
  CHECK(order == std::vector<std::string>{recs[0].statement_id, recs[1].statement_id,
                                          recs[2].statement_id});
}

TEST_CASE("xapi parallel_requests: one request failing at the destination makes the batch unavailable") {
  UpstreamLrs up;
  std::vector<OutRecord> recs = {Of(0, "ana"), Of(1, "bob"), Of(2, "cy")};
  up.fail_marker = recs[1].statement_id;
  ConnectorHarness h(BasicSettings(up.endpoint(), R"(,"parallel_requests":3)"));
  DeliveryResult d = Make(h)->Deliver(Ptrs(recs));
  CHECK(d.kind == DeliveryResult::Kind::kUnavailable);  // the others are re-sent: harmless
  CHECK(d.error == "HTTP 503: overloaded");
  CHECK(d.records.empty());
  CHECK(up.statement_requests().size() == 3);
}

TEST_CASE("xapi parallel_requests with OAuth2: requests refused with 401 share one new token") {
  UpstreamLrs up(UpstreamLrs::Auth::kOAuth2);
  ConnectorHarness h(OAuthSettings(up, R"(,"parallel_requests":4)"));
  auto c = Make(h);
  std::vector<OutRecord> recs = {Of(0, "a"), Of(1, "b"), Of(2, "c"), Of(3, "d")};
  REQUIRE(c->Deliver(Ptrs(recs)).kind == DeliveryResult::Kind::kDone);
  CHECK(up.token_requests() == 1);
  up.RevokeTokens();
  std::vector<OutRecord> more = {Of(4, "a"), Of(5, "b"), Of(6, "c"), Of(7, "d")};
  DeliveryResult d = c->Deliver(Ptrs(more));
  REQUIRE(d.kind == DeliveryResult::Kind::kDone);
  CHECK(Outcomes(d) == std::vector<Outcome>(4, Outcome::kDelivered));
  CHECK(up.token_requests() == 2);
  CHECK(up.order().size() == 8);
}

// Answers each request through `answer`; counts SendAll calls and requests.
class ScriptedTransport final : public HttpTransport {
 public:
  explicit ScriptedTransport(std::function<HttpResponse(const HttpRequest&)> answer)
      : answer_(std::move(answer)) {}
  void SendAll(const std::vector<HttpRequest>& reqs, std::vector<HttpResponse>* out) override {
    ++calls;
    out->clear();
    for (const auto& r : reqs) {
      urls.push_back(r.url);
      out->push_back(answer_(r));
    }
  }
  int calls = 0;
  std::vector<std::string> urls;

 private:
  std::function<HttpResponse(const HttpRequest&)> answer_;
};

HttpResponse Answer(int status, std::string retry_after = "") {
  HttpResponse r;
  r.status = status;
  r.body = R"({"message":"no"})";
  if (!retry_after.empty()) r.headers.emplace_back("retry-after", std::move(retry_after));
  return r;
}

TEST_CASE("xapi parallel_requests: the batch waits for the longest Retry-After among its requests") {
  std::vector<OutRecord> recs = {Of(0, "ana"), Of(1, "bob"), Of(2, "cy")};
  int n = 0;
  // A 503 without Retry-After first, then a 429 asking for 7 s.
  ScriptedTransport t([&](const HttpRequest&) {
    const int i = n++;
    return i == 0 ? Answer(503) : i == 1 ? Answer(429, "7") : Answer(200);
  });
  ConnectorHarness h(BasicSettings("http://127.0.0.1:9/xapi", R"(,"parallel_requests":3)"));
  h.ctx.transport = &t;
  DeliveryResult d = Make(h)->Deliver(Ptrs(recs));
  CHECK(d.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(d.retry_after == std::chrono::milliseconds(7000));
  CHECK(d.error == "HTTP 429: no");
}

TEST_CASE("xapi with OAuth2: a rate-limited wave asks for no new token and re-sends nothing") {
  UpstreamLrs up(UpstreamLrs::Auth::kOAuth2);
  bool limited = false;
  // Token requests go to the real mock; statements: one 401, one 429.
  ScriptedTransport t([&](const HttpRequest& r) {
    if (r.url == up.token_url()) {
      std::vector<HttpResponse> out;
      NewCurlTransport()->SendAll({r}, &out);
      return out.at(0);
    }
    limited = !limited;
    return limited ? Answer(401) : Answer(429, "3");
  });
  ConnectorHarness h(OAuthSettings(up, R"(,"parallel_requests":2)"));
  h.ctx.transport = &t;
  std::vector<OutRecord> recs = {Of(0, "a"), Of(1, "b")};
  DeliveryResult d = Make(h)->Deliver(Ptrs(recs));
  CHECK(d.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(d.retry_after == std::chrono::milliseconds(3000));
  CHECK(up.token_requests() == 1);  // the first token only
  CHECK(t.calls == 2);              // that token, then the one wave
}

// ---- Attachments ------------------------------------------------------------------

// Comm 1.5.2: multipart/mixed, statements first as application/json, then
// one part per attachment with X-Experience-API-Hash and
// Content-Transfer-Encoding: binary; one copy of data used twice; an LRS
// "MUST NOT push Statements into another LRS without including Attachment
// data received".
TEST_CASE("xapi sends attachment payloads as multipart/mixed parts after the statements") {
  UpstreamLrs up;
  ConnectorHarness h(BasicSettings(up.endpoint(), kSerial));
  auto c = Make(h);
  // Binary data, with what looks like a delimiter inside.
  static const char kPdf[] = "%PDF-1.7\r\n--lrs-\0\xff\r\n\r\nend";
  const std::string pdf(kPdf, sizeof kPdf - 1);
  AttachmentPayload cert = Payload(pdf), sig = Payload("{\"sig\":1}", "application/json");
  std::vector<OutRecord> recs = {WithAttachments(1, {cert}), WithAttachments(2, {cert, sig}, true),
                                 Record(3)};
  DeliveryResult d = c->Deliver(Ptrs(recs));
  REQUIRE(d.kind == DeliveryResult::Kind::kDone);
  CHECK(Outcomes(d) == std::vector<Outcome>(3, Outcome::kDelivered));
  auto got = up.statement_requests();
  REQUIRE(got.size() == 1);
  const std::string type = Header(got[0], "Content-Type");
  CHECK(type.rfind("multipart/mixed; boundary=", 0) == 0);
  std::string boundary;
  REQUIRE(http::BoundaryOf(type, &boundary).ok());
  std::vector<http::MultipartPart> parts;
  REQUIRE(http::ParseMultipart(got[0].body, boundary, &parts).ok());
  REQUIRE(parts.size() == 3);  // statements, cert once, sig
  CHECK(parts[0].headers.Get("Content-Type").value_or("") == "application/json");
  CHECK(parts[0].body == "[" + recs[0].statement + "," + recs[1].statement + "," +
                             recs[2].statement + "]");
  std::map<std::string, std::string> by_hash;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    CHECK(parts[i].headers.Get("Content-Transfer-Encoding").value_or("") == "binary");
    std::string hash(parts[i].headers.Get("X-Experience-API-Hash").value_or(""));
    by_hash[hash] = std::string(parts[i].body);
    CHECK(parts[i].headers.Get("Content-Type").value_or("") ==
          (hash == cert.sha2 ? "application/pdf" : "application/json"));
  }
  CHECK(by_hash == std::map<std::string, std::string>{{cert.sha2, pdf}, {sig.sha2, sig.data}});
  CHECK(up.attachments() == by_hash);
  CHECK(up.order() == Ids(recs));
}

// Comm 1.5.1: a batch whose attachments all have a fileUrl is application/json.
TEST_CASE("xapi statements whose attachments all have a fileUrl go as application/json") {
  UpstreamLrs up;
  ConnectorHarness h(BasicSettings(up.endpoint(), kSerial));
  auto c = Make(h);
  std::vector<OutRecord> recs = {WithAttachments(1, {}, true)};
  REQUIRE(c->Deliver(Ptrs(recs)).records.at(0).outcome == Outcome::kDelivered);
  auto got = up.statement_requests();
  REQUIRE(got.size() == 1);
  CHECK(Header(got[0], "Content-Type") == "application/json");
  CHECK(got[0].body == "[" + recs[0].statement + "]");
}

TEST_CASE("xapi a per-statement PUT carries that statement's attachments only") {
  UpstreamLrs up;
  ConnectorHarness h(BasicSettings(up.endpoint(), kSerial));
  auto c = Make(h);
  AttachmentPayload a = Payload("first payload"), b = Payload("second payload", "text/plain");
  std::vector<OutRecord> recs = {WithAttachments(1, {a}), Invalid(2), WithAttachments(3, {b})};
  DeliveryResult d = c->Deliver(Ptrs(recs));
  REQUIRE(d.kind == DeliveryResult::Kind::kDone);
  CHECK(Outcomes(d) ==
        std::vector<Outcome>{Outcome::kDelivered, Outcome::kReject, Outcome::kDelivered});
  auto got = up.statement_requests();
  REQUIRE(got.size() == 4);
  REQUIRE(got[1].method == "PUT");
  std::string boundary;
  REQUIRE(http::BoundaryOf(Header(got[1], "Content-Type"), &boundary).ok());
  std::vector<http::MultipartPart> parts;
  REQUIRE(http::ParseMultipart(got[1].body, boundary, &parts).ok());
  REQUIRE(parts.size() == 2);
  CHECK(parts[0].body == recs[0].statement);
  CHECK(parts[1].headers.Get("X-Experience-API-Hash").value_or("") == a.sha2);
  CHECK(Header(got[2], "Content-Type") == "application/json");  // no attachments
  CHECK(up.attachments() ==
        std::map<std::string, std::string>{{a.sha2, a.data}, {b.sha2, b.data}});
}

// ---- OAuth2 client credentials ------------------------------------------------------

TEST_CASE("xapi OAuth2: one token per lifetime, reused across batches and restarts, renewed 30 s before expiry") {
  UpstreamLrs up(UpstreamLrs::Auth::kOAuth2);
  FakeClock clock;
  ConnectorHarness h(OAuthSettings(up), &clock);
  auto c = Make(h);
  std::vector<OutRecord> recs = {Record(1)};
  for (int i = 0; i < 3; ++i)
    REQUIRE(c->Deliver(Ptrs(recs)).records.at(0).outcome == Outcome::kDelivered);
  CHECK(up.token_requests() == 1);
  // RFC 6749 4.4.2 and 2.3.1: a form-encoded client_credentials grant,
  // the client authenticated with HTTP Basic.
  auto tr = up.token_requests_received();
  REQUIRE(tr.size() == 1);
  CHECK(tr[0].method == "POST");
  CHECK(Header(tr[0], "Content-Type") == "application/x-www-form-urlencoded");
  CHECK(Header(tr[0], "Authorization") == kClientBasic);
  CHECK(tr[0].body == "grant_type=client_credentials");
  for (const auto& r : up.statement_requests())
    CHECK(Header(r, "Authorization") == "Bearer at-1-Xy9");
  // Kept in the destination's state: a restarted connector reuses it.
  auto state = h.state.snapshot();
  REQUIRE(state.count("oauth2_token"));
  CHECK(state["oauth2_token"] ==
        std::to_string(clock.NowMicros() / 1000 + 3600 * 1000) + " at-1-Xy9");
  c = Make(h);
  REQUIRE(c->Deliver(Ptrs(recs)).records.at(0).outcome == Outcome::kDelivered);
  CHECK(up.token_requests() == 1);
  // Still good 30 s before expiry...
  clock.Advance(3569LL * 1'000'000);
  REQUIRE(c->Deliver(Ptrs(recs)).records.at(0).outcome == Outcome::kDelivered);
  CHECK(up.token_requests() == 1);
  // ...then renewed.
  clock.Advance(1'000'000);
  REQUIRE(c->Deliver(Ptrs(recs)).records.at(0).outcome == Outcome::kDelivered);
  CHECK(up.token_requests() == 2);
  CHECK(Header(up.statement_requests().back(), "Authorization") == "Bearer at-2-Xy9");
  CHECK(h.state.snapshot()["oauth2_token"].find(" at-2-Xy9") != std::string::npos);
}

TEST_CASE("xapi OAuth2: a 401 gets one new token and one retry; a second 401 makes the destination unavailable") {
  UpstreamLrs up(UpstreamLrs::Auth::kOAuth2);
  ConnectorHarness h(OAuthSettings(up, kSerial));
  auto c = Make(h);
  std::vector<OutRecord> recs = {Record(1), Record(2)};
  REQUIRE(c->Deliver(Ptrs(recs)).kind == DeliveryResult::Kind::kDone);
  CHECK(up.token_requests() == 1);

  up.RevokeTokens();  // the cached token is no longer valid
  DeliveryResult d = c->Deliver(Ptrs(recs));
  REQUIRE(d.kind == DeliveryResult::Kind::kDone);
  CHECK(Outcomes(d) == std::vector<Outcome>(2, Outcome::kDelivered));
  CHECK(up.token_requests() == 2);
  auto got = up.statement_requests();
  REQUIRE(got.size() == 3);
  CHECK(Header(got[1], "Authorization") == "Bearer at-1-Xy9");
  CHECK(Header(got[2], "Authorization") == "Bearer at-2-Xy9");

  up.refuse_tokens = true;  // e.g. the client lost its statements/write scope
  d = c->Deliver(Ptrs(recs));
  CHECK(d.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(d.error.rfind("HTTP 401", 0) == 0);
  CHECK(d.records.empty());
  CHECK(up.token_requests() == 3);  // one refresh per Deliver, no loop
}

TEST_CASE("xapi OAuth2: a token cached in state that cannot be read is replaced") {
  UpstreamLrs up(UpstreamLrs::Auth::kOAuth2);
  ConnectorHarness h(OAuthSettings(up));
  const char* bad = GENERATE("garbage value", "99999999999999999999999 tok", "no-space", "");
  REQUIRE(h.state.Put("oauth2_token", bad).ok());
  auto c = Make(h);
  std::vector<OutRecord> recs = {Record(1)};
  DeliveryResult d = c->Deliver(Ptrs(recs));
  REQUIRE(d.kind == DeliveryResult::Kind::kDone);
  CHECK(d.records.at(0).outcome == Outcome::kDelivered);
  CHECK(up.token_requests() == 1);
}

TEST_CASE("xapi OAuth2: token endpoint failures make the destination unavailable") {
  UpstreamLrs up(UpstreamLrs::Auth::kOAuth2);
  FakeClock clock;
  std::vector<OutRecord> recs = {Record(1)};
  SECTION("invalid_client") {
    up.token_fail_status = 401;
    up.token_fail_body = R"({"error":"invalid_client","error_description":"unknown client"})";
    ConnectorHarness h(OAuthSettings(up), &clock);
    DeliveryResult d = Make(h)->Deliver(Ptrs(recs));
    CHECK(d.kind == DeliveryResult::Kind::kUnavailable);
    CHECK(d.error.find("token endpoint") != std::string::npos);
    CHECK(d.error.find("invalid_client") != std::string::npos);
  }
  SECTION("429 with Retry-After") {
    up.token_fail_status = 429;
    up.retry_after = "17";
    ConnectorHarness h(OAuthSettings(up), &clock);
    DeliveryResult d = Make(h)->Deliver(Ptrs(recs));
    CHECK(d.kind == DeliveryResult::Kind::kUnavailable);
    CHECK(d.retry_after == std::chrono::milliseconds(17000));
    CHECK(d.error.find("429") != std::string::npos);
  }
  SECTION("200 without an access token") {
    up.token_fail_status = 200;
    up.token_fail_body = R"({"token_type":"Bearer"})";
    ConnectorHarness h(OAuthSettings(up), &clock);
    DeliveryResult d = Make(h)->Deliver(Ptrs(recs));
    CHECK(d.kind == DeliveryResult::Kind::kUnavailable);
    CHECK(d.error.find("access_token") != std::string::npos);
  }
  SECTION("connection refused") {
    ConnectorHarness h(R"({"url":")" + up.endpoint() + R"(","token_url":"http://127.0.0.1:)" +
                           std::to_string(ClosedPort()) +
                           R"(/token","client_id":"a","client_secret":"b"})",
                       &clock);
    DeliveryResult d = Make(h)->Deliver(Ptrs(recs));
    CHECK(d.kind == DeliveryResult::Kind::kUnavailable);
    CHECK_FALSE(d.error.empty());
  }
  CHECK(up.statement_requests().empty());  // nothing sent without a token
}

// ---- Destination-level failures -------------------------------------------------------

// Comm 3.2: 429 and 500; RFC 9110 10.2.3: Retry-After is delay-seconds or an HTTP-date.
TEST_CASE("xapi 5xx, 408 and 429 make the destination unavailable and judge no record") {
  int status = GENERATE(500, 502, 503, 504, 408, 429);
  UpstreamLrs up;
  up.fail_status = status;
  ConnectorHarness h(BasicSettings(up.endpoint(), kSerial));
  std::vector<OutRecord> recs = {Record(1), Record(2)};
  DeliveryResult d = Make(h)->Deliver(Ptrs(recs));
  CHECK(d.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(d.records.empty());
  CHECK(d.retry_after == std::chrono::milliseconds(-1));
  CHECK(d.error == "HTTP " + std::to_string(status) + ": unavailable");
  CHECK(up.statement_requests().size() == 1);  // no per-statement fallback
}

TEST_CASE("xapi Retry-After as delay-seconds or HTTP-date sets the wait") {
  UpstreamLrs up;
  FakeClock clock;  // 2023-11-14T22:13:20Z
  ConnectorHarness h(BasicSettings(up.endpoint()), &clock);
  auto c = Make(h);
  std::vector<OutRecord> recs = {Record(1)};
  up.fail_status = 429;
  up.retry_after = "120";
  DeliveryResult d = c->Deliver(Ptrs(recs));
  CHECK(d.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(d.retry_after == std::chrono::milliseconds(120000));
  up.fail_status = 503;
  up.retry_after = HttpDate(clock.NowMicros() / 1000 + 300000);
  d = c->Deliver(Ptrs(recs));
  CHECK(d.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(d.retry_after == std::chrono::milliseconds(300000));
}

TEST_CASE("xapi 401 / 403 with Basic credentials make the destination unavailable, nothing is rejected") {
  UpstreamLrs up;
  SECTION("wrong secret: 401") {
    ConnectorHarness h(R"({"url":")" + up.endpoint() + R"(","key":"edge-key","secret":"wrong"})");
    std::vector<OutRecord> recs = {Record(1)};
    DeliveryResult d = Make(h)->Deliver(Ptrs(recs));
    CHECK(d.kind == DeliveryResult::Kind::kUnavailable);
    CHECK(d.error == "HTTP 401: credentials refused");
  }
  SECTION("403") {
    up.fail_status = 403;
    ConnectorHarness h(BasicSettings(up.endpoint()));
    std::vector<OutRecord> recs = {Record(1)};
    DeliveryResult d = Make(h)->Deliver(Ptrs(recs));
    CHECK(d.kind == DeliveryResult::Kind::kUnavailable);
    CHECK(d.records.empty());
  }
  CHECK(up.order().empty());
}

TEST_CASE("xapi another 4xx for a whole batch (404: wrong endpoint) is the destination's, not the records'") {
  UpstreamLrs up;
  ConnectorHarness h(BasicSettings(up.endpoint() + "typo/"));
  std::vector<OutRecord> recs = {Record(1), Record(2)};
  DeliveryResult d = Make(h)->Deliver(Ptrs(recs));
  CHECK(d.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(d.error == "HTTP 404: no such resource");
  CHECK(d.records.empty());
}

TEST_CASE("xapi a destination-level failure during the per-statement fallback makes the batch unavailable") {
  // The batch gets 409; then the upstream goes down.
  std::atomic<int> calls{0};
  MockServer flaky([&](const Received&) {
    if (calls++ == 0) return testing::Json(409, R"({"message":"exists"})");
    http::Response resp = testing::Json(503, R"({"message":"down"})");
    resp.headers.Set("Retry-After", "5");
    return resp;
  });
  ConnectorHarness h(BasicSettings(flaky.url() + "/xapi/", kSerial));
  std::vector<OutRecord> recs = {Record(1), Record(2)};
  DeliveryResult d = Make(h)->Deliver(Ptrs(recs));
  CHECK(d.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(d.retry_after == std::chrono::milliseconds(5000));
  CHECK(d.error == "HTTP 503: down");
  CHECK(flaky.count() == 2);  // stopped at the first failing PUT
}

TEST_CASE("xapi a failure on the second version part makes the whole batch unavailable") {
  std::atomic<int> calls{0};
  MockServer mock([&](const Received&) {
    return calls++ == 0 ? testing::Json(200, "[]") : testing::Json(500, "oops");
  });
  ConnectorHarness h(BasicSettings(mock.url() + "/xapi/", kSerial));
  std::vector<OutRecord> recs = {Record(1), V2(Record(2))};
  DeliveryResult d = Make(h)->Deliver(Ptrs(recs));
  CHECK(d.kind == DeliveryResult::Kind::kUnavailable);  // the relay re-sends both: harmless
  CHECK(d.error == "HTTP 500: oops");
  CHECK(mock.count() == 2);
}

TEST_CASE("xapi connection refused makes the destination unavailable") {
  ConnectorHarness h(BasicSettings("http://127.0.0.1:" + std::to_string(ClosedPort()) + "/xapi/"));
  std::vector<OutRecord> recs = {Record(1), Record(2)};
  DeliveryResult d = Make(h)->Deliver(Ptrs(recs));
  CHECK(d.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(d.records.empty());
  CHECK_FALSE(d.error.empty());
}

TEST_CASE("xapi an upstream that never answers times out within timeout_ms and is unavailable") {
  Blackhole hole;
  ConnectorHarness h(BasicSettings(hole.url(), R"(,"timeout_ms":300)"));
  std::vector<OutRecord> recs = {Record(1)};
  auto t0 = std::chrono::steady_clock::now();
  DeliveryResult d = Make(h)->Deliver(Ptrs(recs));
  auto took = std::chrono::steady_clock::now() - t0;
  CHECK(d.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(d.error.find("imeout") != std::string::npos);
  CHECK(took >= std::chrono::milliseconds(250));
  CHECK(took < std::chrono::seconds(5));
}

// ---- Secrets -----------------------------------------------------------------------

TEST_CASE("xapi errors never contain the credentials, even when the upstream echoes them") {
  std::vector<OutRecord> recs = {Record(1), Invalid(2)};
  auto clean = [](const std::string& error) {
    INFO(error);
    CHECK(error.find(kSecret) == std::string::npos);
    CHECK(error.find("ZWRnZS1rZXk6czNjcjN0LVBhNTU") == std::string::npos);  // key:secret
    CHECK(error.find(kStaticToken) == std::string::npos);
    CHECK(error.find(kClientSecret) == std::string::npos);
    CHECK(error.find("ZWRnZS1jbGllbnQ6Y2wxZW50LVMzY3JldA") == std::string::npos);
    CHECK(error.find("at-1-Xy9") == std::string::npos);  // an issued access token
  };
  SECTION("Basic: 500, and a record's 400") {
    UpstreamLrs up;
    up.echo_credentials = true;
    ConnectorHarness h(BasicSettings(up.endpoint()));
    auto c = Make(h);
    DeliveryResult d = c->Deliver(Ptrs(recs));
    REQUIRE(d.kind == DeliveryResult::Kind::kDone);
    REQUIRE(d.records.at(1).outcome == Outcome::kReject);
    CHECK(d.records[1].error.find("verb: missing") != std::string::npos);
    clean(d.records[1].error);
    up.fail_status = 500;
    d = c->Deliver(Ptrs(recs));
    REQUIRE(d.kind == DeliveryResult::Kind::kUnavailable);
    CHECK(d.error.find("unavailable") != std::string::npos);
    clean(d.error);
  }
  SECTION("bearer: 403") {
    UpstreamLrs up(UpstreamLrs::Auth::kStaticBearer);
    up.echo_credentials = true;
    up.fail_status = 403;
    ConnectorHarness h(R"({"url":")" + up.endpoint() + R"(","token":")" + kStaticToken + "\"}");
    DeliveryResult d = Make(h)->Deliver(Ptrs(recs));
    REQUIRE(d.kind == DeliveryResult::Kind::kUnavailable);
    clean(d.error);
  }
  SECTION("OAuth2: the upstream, and a token endpoint that echoes the client") {
    UpstreamLrs up(UpstreamLrs::Auth::kOAuth2);
    up.echo_credentials = true;
    up.fail_status = 500;
    ConnectorHarness h(OAuthSettings(up));
    auto c = Make(h);
    DeliveryResult d = c->Deliver(Ptrs(recs));
    REQUIRE(d.kind == DeliveryResult::Kind::kUnavailable);
    clean(d.error);
    ConnectorHarness h2(OAuthSettings(up));
    up.token_fail_status = 400;
    up.token_fail_body = std::string(R"({"error":"invalid_client","error_description":"client )") +
                         kClientId + ":" + kClientSecret + R"( unknown"})";
    d = Make(h2)->Deliver(Ptrs(recs));
    REQUIRE(d.kind == DeliveryResult::Kind::kUnavailable);
    clean(d.error);
    up.token_fail_status = 200;
    up.token_fail_body = std::string(R"({"accessToken":")") + kClientSecret + "\"}";
    ConnectorHarness h3(OAuthSettings(up));
    d = Make(h3)->Deliver(Ptrs(recs));
    REQUIRE(d.kind == DeliveryResult::Kind::kUnavailable);
    clean(d.error);
  }
}

// ---- Settings -----------------------------------------------------------------------

TEST_CASE("xapi settings errors name the setting and never echo a secret") {
  const std::string url = "http://127.0.0.1:9/xapi/";
  auto msg = [](const std::string& settings) {
    Status s = MakeStatus(settings);
    CHECK(s.IsInvalidArgument());
    return s.message();
  };
  CHECK(msg(R"({"key":"k","secret":"s"})").find("url") != std::string::npos);
  CHECK(msg(R"({"url":"ftp://x/","key":"k","secret":"s"})").find("url") != std::string::npos);
  CHECK(msg(R"({"url":")" + url + "\"}").find("auth") != std::string::npos);
  CHECK(msg(R"({"url":")" + url + R"(","key":"k"})").find("secret") != std::string::npos);
  CHECK(msg(R"({"url":")" + url + R"(","secret":"s3cr3t-Pa55"})").find("key") != std::string::npos);
  CHECK(msg(R"({"url":")" + url + R"(","token":""})").find("token") != std::string::npos);
  CHECK(msg(R"({"url":")" + url +
            R"(","token_url":"file:///x","client_id":"a","client_secret":"b"})")
            .find("token_url") != std::string::npos);
  CHECK(msg(R"({"url":")" + url + R"(","token_url":"http://h/t","client_id":"a"})")
            .find("client_secret") != std::string::npos);
  CHECK(msg(BasicSettings(url, R"(,"batch_size":0)")).find("batch_size") != std::string::npos);
  CHECK(msg(BasicSettings(url, R"(,"batch_size":10001)")).find("batch_size") != std::string::npos);
  CHECK(msg(BasicSettings(url, R"(,"timeout_ms":0)")).find("timeout_ms") != std::string::npos);
  CHECK(msg(BasicSettings(url, R"(,"parallel_requests":0)")).find("parallel_requests") !=
        std::string::npos);
  CHECK(msg(BasicSettings(url, R"(,"parallel_requests":11)")).find("parallel_requests") !=
        std::string::npos);
  // The destination is named; a secret's value never is.
  CHECK(msg(BasicSettings(url, R"(,"batch_size":"x")")).rfind("test: ", 0) == 0);
  CHECK(msg(BasicSettings(url, R"(,"batch_size":"x")")).find(kSecret) == std::string::npos);
  // From the environment or a file, as any secret setting.
  ::setenv("LRS_TEST_XAPI_SECRET", kSecret, 1);
  CHECK(MakeStatus(R"({"url":")" + url + R"(","key":"k","secret_env":"LRS_TEST_XAPI_SECRET"})")
            .ok());
  CHECK(msg(R"({"url":")" + url + R"(","key":"k","secret_env":"LRS_TEST_XAPI_UNSET"})")
            .find("secret_env") != std::string::npos);
  lrs::testing::TempDir dir;
  std::filesystem::create_directories(dir.path());
  const std::string file = dir.path() + "/token";
  std::ofstream(file) << kStaticToken << "\n";
  UpstreamLrs up(UpstreamLrs::Auth::kStaticBearer);
  ConnectorHarness h(R"({"url":")" + up.endpoint() + R"(","token_file":")" + file + "\"}");
  std::vector<OutRecord> recs = {Record(1)};
  CHECK(Make(h)->Deliver(Ptrs(recs)).records.at(0).outcome == Outcome::kDelivered);
}

}  // namespace
}  // namespace lrs::sync
