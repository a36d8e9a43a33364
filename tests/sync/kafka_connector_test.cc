// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The Kafka connector against librdkafka's in-process mock cluster (the
// real Kafka protocol over loopback sockets): messages with the learner's
// hash as key, the statement as value and its id and version as headers,
// in order per learner; brokers down -> unavailable, then delivered when
// they come back; a leader change between batches. The mock does not
// de-duplicate an idempotent producer's retries, so after failures the
// test asserts at-least-once (every record present).

#ifdef LRS_WITH_KAFKA

#include <catch2/catch.hpp>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <openssl/sha.h>

#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "lrs/sync/relay.h"
#include "tests/support/test_util.h"
#include "tests/sync/kafka_util.h"
#include "tests/sync/sync_test_util.h"
#include "tests/sync/test_records.h"

namespace lrs::sync {
namespace {

using testing::ConnectorHarness;
using testing::Ptrs;
using testing::Record;

constexpr const char* kTopic = "xapi-default";

std::string Sha256Hex(std::string_view s) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), md);
  char hex[65];
  for (int i = 0; i < 32; ++i) std::snprintf(hex + 2 * i, 3, "%02x", md[i]);
  return std::string(hex, 64);
}

using MockCluster = testing::KafkaMockCluster;
using Message = testing::KafkaMessage;

std::vector<Message> Consume(const MockCluster& m, std::size_t want) {
  return testing::ConsumeTopic(m, want);
}

// Records 1..n over `learners` learners (record i belongs to learner i % learners).
std::vector<OutRecord> Records(int from, int n, int learners) {
  std::vector<OutRecord> v;
  for (int i = from; i < from + n; ++i) {
    OutRecord r = Record(i);
    r.learner = "mailto:learner" + std::to_string(i % learners) + "@example.com";
    v.push_back(std::move(r));
  }
  return v;
}

std::unique_ptr<Connector> Make(ConnectorHarness& h) {
  std::unique_ptr<Connector> c;
  Status s = NewConnector("kafka", h.ctx, &c);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return c;
}

// What the relay does with a batch, briefly: unavailable -> the batch
// again; records to retry -> those again; until all are delivered.
bool DeliverAll(Connector& c, const std::vector<OutRecord>& recs, int attempts) {
  std::vector<const OutRecord*> left = Ptrs(recs);
  for (int a = 0; a < attempts && !left.empty(); ++a) {
    DeliveryResult r = c.Deliver(left);
    if (r.kind != DeliveryResult::Kind::kDone) continue;
    std::vector<const OutRecord*> again;
    for (std::size_t i = 0; i < left.size(); ++i) {
      if (r.records[i].outcome == Outcome::kReject) return false;
      if (r.records[i].outcome == Outcome::kRetry) again.push_back(left[i]);
    }
    left = std::move(again);
  }
  return left.empty();
}

std::string Settings(const MockCluster& m, const std::string& extra = "") {
  return R"({"categories_include_education":true,"brokers":")" + m.bootstraps +
         R"(","topic":")" + kTopic + "\"" + extra + "}";
}

TEST_CASE("Kafka: keyed by learner, statement as value, id and version as headers, order kept",
          "[sync][kafka]") {
  MockCluster m(3, kTopic);
  ConnectorHarness h(Settings(m));
  auto c = Make(h);
  CHECK(c->preserves_batch_order());
  CHECK_FALSE(c->uses_mapping());
  auto recs = Records(1, 40, 4);
  DeliveryResult r = c->Deliver(Ptrs(recs));
  REQUIRE(r.kind == DeliveryResult::Kind::kDone);
  REQUIRE(r.records.size() == 40);
  for (const auto& rr : r.records) CHECK(rr.outcome == Outcome::kDelivered);

  std::vector<Message> got = Consume(m, 40);
  REQUIRE(got.size() == 40);
  std::map<std::string, std::string> learner_of_key;
  for (int l = 0; l < 4; ++l) {
    const std::string learner = "mailto:learner" + std::to_string(l) + "@example.com";
    learner_of_key[Sha256Hex(learner)] = learner;
  }
  std::map<std::string, std::vector<std::string>> per_key;  // statement ids in arrival order
  std::map<std::string, int> partition_of_key;
  for (const Message& msg : got) {
    REQUIRE(learner_of_key.count(msg.key));
    CHECK(msg.version == "1.0.3");
    CHECK(msg.value.find("\"id\":\"" + msg.statement_id + "\"") != std::string::npos);
    per_key[msg.key].push_back(msg.statement_id);
    // One learner, one partition.
    auto [it, fresh] = partition_of_key.emplace(msg.key, msg.partition);
    if (!fresh) CHECK(it->second == msg.partition);
  }
  for (const auto& [key, ids] : per_key) {
    CHECK(ids.size() == 10);
    CHECK(std::is_sorted(ids.begin(), ids.end()));  // the ids grow with the stored order
  }
}

TEST_CASE("Kafka: the mapped record as value", "[sync][kafka]") {
  MockCluster m(1, kTopic);
  ConnectorHarness h(Settings(m, R"(,"send":"mapped")"));
  auto c = Make(h);
  CHECK(c->uses_mapping());
  auto recs = Records(1, 2, 2);
  DeliveryResult r = c->Deliver(Ptrs(recs));
  REQUIRE(r.kind == DeliveryResult::Kind::kDone);
  std::vector<Message> got = Consume(m, 2);
  REQUIRE(got.size() == 2);
  std::set<std::string> ids;
  for (const Message& msg : got) {
    json::Document d;
    REQUIRE(json::Parse(msg.value, &d).ok());
    ids.insert(std::string(json::StringOr(d, "statement_id")));
    CHECK(json::StringOr(d, "event") == "completed");
    CHECK(json::Member(d, "properties")->IsObject());
  }
  CHECK(ids == std::set<std::string>{recs[0].statement_id, recs[1].statement_id});
}

TEST_CASE("Kafka: brokers down make it unavailable; back up, and across a leader change, delivered",
          "[sync][kafka]") {
  MockCluster m(3, kTopic);
  ConnectorHarness h(Settings(m, R"(,"timeout_ms":1500)"));
  auto c = Make(h);
  auto first = Records(1, 10, 3);
  REQUIRE(c->Deliver(Ptrs(first)).kind == DeliveryResult::Kind::kDone);

  for (int b = 1; b <= 3; ++b) rd_kafka_mock_broker_set_down(m.mc, b);
  auto second = Records(11, 10, 3);
  DeliveryResult down = c->Deliver(Ptrs(second));
  CHECK(down.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(down.error.find("kafka") != std::string::npos);

  for (int b = 1; b <= 3; ++b) rd_kafka_mock_broker_set_up(m.mc, b);
  CHECK(DeliverAll(*c, second, 10));  // the relay's retries, after its backoff

  // Every partition's leader moves to another broker.
  for (int p = 0; p < 3; ++p) rd_kafka_mock_partition_set_leader(m.mc, kTopic, p, 1 + (p + 1) % 3);
  auto third = Records(21, 10, 3);
  CHECK(DeliverAll(*c, third, 10));

  // At least once: all 30 are there (retries may have added copies).
  std::vector<Message> got = Consume(m, 30);
  std::set<std::string> ids;
  for (const Message& msg : got) ids.insert(msg.statement_id);
  for (const auto* set : {&first, &second, &third})
    for (const auto& r : *set) CHECK(ids.count(r.statement_id));
}

TEST_CASE("Kafka: settings are checked and named", "[sync][kafka]") {
  // What the relay adds when the destination's categories include
  // education (the default for kafka).
  auto status = [](const std::string& settings, bool education = true) {
    ConnectorHarness h(education ? R"({"categories_include_education":true,)" + settings.substr(1)
                                 : settings);
    std::unique_ptr<Connector> c;
    return NewConnector("kafka", h.ctx, &c).ToString();
  };
  // Whole statements carry education data (docs/sync.md, categories).
  CHECK(status(R"({"brokers":"127.0.0.1:1","topic":"t"})", false).find("categories include education") !=
        std::string::npos);
  CHECK(status(R"({"brokers":"127.0.0.1:1","topic":"t","send":"mapped"})", false) == "OK");
  CHECK(status(R"({"topic":"t"})").find("brokers: required") != std::string::npos);
  CHECK(status(R"({"brokers":"127.0.0.1:1"})").find("topic: required") != std::string::npos);
  CHECK(status(R"({"brokers":"127.0.0.1:1","topic":"a b"})").find("topic: only") != std::string::npos);
  CHECK(status(R"({"brokers":"127.0.0.1:1","topic":"t","send":"x"})").find("send:") != std::string::npos);
  CHECK(status(R"({"brokers":"127.0.0.1:1","topic":"t","properties":{"no.such.setting":"1"}})")
            .find("properties.no.such.setting") != std::string::npos);
  CHECK(status(R"({"brokers":"127.0.0.1:1","topic":"t","batch_size":0})").find("batch_size") !=
        std::string::npos);
  // TLS verification stays on (issue [7/7] point 5), and the connector's
  // own settings stay its own.
  CHECK(status(R"({"brokers":"127.0.0.1:1","topic":"t","properties":{"enable.ssl.certificate.verification":"false"}})")
            .find("cannot be turned off") != std::string::npos);
  CHECK(status(R"({"brokers":"127.0.0.1:1","topic":"t","properties":{"ssl.endpoint.identification.algorithm":"none"}})")
            .find("must stay \"https\"") != std::string::npos);
  CHECK(status(R"({"brokers":"127.0.0.1:1","topic":"t","properties":{"enable.idempotence":"false"}})")
            .find("set by the connector") != std::string::npos);
  CHECK(status(R"({"brokers":"127.0.0.1:1","topic":"t","properties":{"ssl.endpoint.identification.algorithm":"https","security.protocol":"plaintext"}})") == "OK");
}

TEST_CASE("Kafka: the SSRF guard judges every broker address", "[sync][kafka][ssrf]") {
  MockCluster m(1, kTopic);
  ConnectorHarness h(Settings(m, R"(,"timeout_ms":1000)"));
  h.ctx.guard = std::make_shared<NetworkGuard>();  // refuses loopback
  std::unique_ptr<Connector> c;
  REQUIRE(NewConnector("kafka", h.ctx, &c).ok());
  auto recs = Records(1, 1, 1);
  DeliveryResult d = c->Deliver(Ptrs(recs));
  REQUIRE(d.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(d.error.find("broker refused by the SSRF guard: 127.0.0.1 is loopback") !=
        std::string::npos);
  CHECK(Consume(m, 0).empty());

  // Allowed: delivered (the default message timeout: a first delivery
  // waits for metadata and a producer id, slow on a loaded machine).
  c.reset();
  NetworkGuard allow;
  REQUIRE(NetworkGuard::Parse({"127.0.0.1"}, &allow).ok());
  ConnectorHarness allowed(Settings(m));
  allowed.ctx.guard = std::make_shared<NetworkGuard>(allow);
  REQUIRE(NewConnector("kafka", allowed.ctx, &c).ok());
  d = c->Deliver(Ptrs(recs));
  INFO(d.error);
  REQUIRE(d.kind == DeliveryResult::Kind::kDone);
  CHECK(d.records[0].outcome == Outcome::kDelivered);
}

TEST_CASE("Kafka relay: the cursor moves only on delivery reports", "[sync][kafka]") {
  // Kafka destination, point 1 of docs/sync.md: a record is handled when
  // its delivery report says so; while the brokers are down nothing is
  // dead-lettered and the cursor stays.
  MockCluster m(3, kTopic);
  for (int b = 1; b <= 3; ++b) rd_kafka_mock_broker_set_down(m.mc, b);
  Options options;
  options.sync = false;
  lrs::testing::TestStore store(options);
  std::vector<std::string> ids;
  std::string batch = "[";
  for (int i = 0; i < 30; ++i)
    batch += (i ? "," : "") + lrs::testing::Statement("l" + std::to_string(i % 4) + "@example.com",
                                                      "http://adlnet.gov/expapi/verbs/completed",
                                                      "http://example.com/a" + std::to_string(i));
  batch += "]";
  REQUIRE(store->PutStatements(StatementWrite{}, batch + "", &ids).ok());
  REQUIRE(ids.size() == 30);

  RelayOptions ro;
  ro.destinations_json = R"([{"name":"stream","type":"kafka","brokers":")" + m.bootstraps +
                         R"(","topic":")" + kTopic +
                         R"(","timeout_ms":1000,"retry":{"base_ms":50,"cap_ms":200},)"
                         R"("allow_networks":["127.0.0.1"]}])";
  ro.tick = std::chrono::milliseconds(50);
  std::unique_ptr<Relay> relay;
  {
    Status s = Relay::Open(store.store.get(), ro, &relay);
    INFO(s.ToString());
    REQUIRE(s.ok());
  }
  std::vector<DestinationStatus> st;
  const auto t0 = std::chrono::steady_clock::now();
  do {  // two failed deliveries at least (1 s message timeout each)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    REQUIRE(relay->GetStatus(&st).ok());
  } while (st[0].last_error.empty() && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(20));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  REQUIRE(relay->GetStatus(&st).ok());
  INFO(st[0].last_error);
  CHECK(st[0].cursor == 0);
  CHECK(st[0].lag == 30);
  CHECK(st[0].dead_lettered == 0);
  CHECK(st[0].delivered == 0);
  CHECK_FALSE(st[0].last_error.empty());

  for (int b = 1; b <= 3; ++b) rd_kafka_mock_broker_set_up(m.mc, b);
  const auto t1 = std::chrono::steady_clock::now();
  do {
    relay->WaitIdle(std::chrono::milliseconds(200));
    REQUIRE(relay->GetStatus(&st).ok());
  } while (st[0].lag > 0 && std::chrono::steady_clock::now() - t1 < std::chrono::seconds(30));
  CHECK(st[0].lag == 0);
  CHECK(st[0].cursor == st[0].last_sequence);
  CHECK(st[0].dead_lettered == 0);
  relay.reset();
  std::set<std::string> got;
  for (const Message& msg : Consume(m, 0)) got.insert(msg.statement_id);
  CHECK(got == std::set<std::string>(ids.begin(), ids.end()));
}

}  // namespace
}  // namespace lrs::sync

#endif  // LRS_WITH_KAFKA
