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

// A mock cluster of `brokers` brokers with kTopic in 3 partitions.
struct MockCluster {
  explicit MockCluster(int brokers) {
    char err[256];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    REQUIRE(rk);
    mc = rd_kafka_mock_cluster_new(rk, brokers);
    REQUIRE(mc);
    bootstraps = rd_kafka_mock_cluster_bootstraps(mc);
    REQUIRE(rd_kafka_mock_topic_create(mc, kTopic, 3, brokers) == RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  ~MockCluster() {
    rd_kafka_mock_cluster_destroy(mc);
    rd_kafka_destroy(rk);
  }
  rd_kafka_t* rk = nullptr;
  rd_kafka_mock_cluster_t* mc = nullptr;
  std::string bootstraps;
};

struct Message {
  std::string key, value, statement_id, version;
  int partition = -1;
};

// Everything on kTopic, read from the beginning of each partition until
// `want` messages arrived or 15 s passed.
std::vector<Message> Consume(const MockCluster& m, std::size_t want) {
  char err[256];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  REQUIRE(rd_kafka_conf_set(conf, "bootstrap.servers", m.bootstraps.c_str(), err, sizeof err) ==
          RD_KAFKA_CONF_OK);
  REQUIRE(rd_kafka_conf_set(conf, "group.id", "test", err, sizeof err) == RD_KAFKA_CONF_OK);
  rd_kafka_t* c = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  REQUIRE(c);
  rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(3);
  for (int p = 0; p < 3; ++p)
    rd_kafka_topic_partition_list_add(parts, kTopic, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  REQUIRE(rd_kafka_assign(c, parts) == RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_topic_partition_list_destroy(parts);
  std::vector<Message> out;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (out.size() < want && std::chrono::steady_clock::now() < until) {
    rd_kafka_message_t* msg = rd_kafka_consumer_poll(c, 100);
    if (!msg) continue;
    if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      Message mm;
      mm.key.assign(static_cast<const char*>(msg->key), msg->key_len);
      mm.value.assign(static_cast<const char*>(msg->payload), msg->len);
      mm.partition = msg->partition;
      rd_kafka_headers_t* h = nullptr;
      if (rd_kafka_message_headers(msg, &h) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const void* v;
        size_t n;
        if (rd_kafka_header_get_last(h, "statement_id", &v, &n) == RD_KAFKA_RESP_ERR_NO_ERROR)
          mm.statement_id.assign(static_cast<const char*>(v), n);
        if (rd_kafka_header_get_last(h, "xapi_version", &v, &n) == RD_KAFKA_RESP_ERR_NO_ERROR)
          mm.version.assign(static_cast<const char*>(v), n);
      }
      out.push_back(std::move(mm));
    }
    rd_kafka_message_destroy(msg);
  }
  rd_kafka_consumer_close(c);
  rd_kafka_destroy(c);
  return out;
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
  MockCluster m(3);
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
  MockCluster m(1);
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
  MockCluster m(3);
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
}

}  // namespace
}  // namespace lrs::sync

#endif  // LRS_WITH_KAFKA
