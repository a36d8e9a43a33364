// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.

#include "tests/sync/kafka_util.h"

#ifdef LRS_WITH_KAFKA

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <stdexcept>

namespace lrs::sync::testing {

KafkaMockCluster::KafkaMockCluster(int n, const std::string& t, int parts)
    : topic(t), brokers(n), partitions(parts) {
  char err[256];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "0", err, sizeof err);  // the mock's own chatter
  rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk) throw std::runtime_error(std::string("rd_kafka_new: ") + err);
  mc = rd_kafka_mock_cluster_new(rk, n);
  if (!mc) throw std::runtime_error("rd_kafka_mock_cluster_new failed");
  bootstraps = rd_kafka_mock_cluster_bootstraps(mc);
  if (rd_kafka_mock_topic_create(mc, topic.c_str(), parts, n) != RD_KAFKA_RESP_ERR_NO_ERROR)
    throw std::runtime_error("rd_kafka_mock_topic_create failed");
}

KafkaMockCluster::~KafkaMockCluster() {
  rd_kafka_mock_cluster_destroy(mc);
  rd_kafka_destroy(rk);
}

std::vector<KafkaMessage> ConsumeTopic(const KafkaMockCluster& m, std::size_t want, int timeout_s) {
  char err[256];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", m.bootstraps.c_str(), err, sizeof err);
  rd_kafka_conf_set(conf, "group.id", "test", err, sizeof err);
  rd_kafka_conf_set(conf, "enable.partition.eof", "true", err, sizeof err);
  rd_kafka_conf_set(conf, "log_level", "0", err, sizeof err);
  rd_kafka_t* c = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (!c) throw std::runtime_error(std::string("rd_kafka_new: ") + err);
  rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(m.partitions);
  for (int p = 0; p < m.partitions; ++p)
    rd_kafka_topic_partition_list_add(parts, m.topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_assign(c, parts);
  rd_kafka_topic_partition_list_destroy(parts);
  std::vector<KafkaMessage> out;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  // want == 0: read each partition up to its high watermark, asked of the
  // leader first (an end-of-partition event alone may come from a fetch
  // that began before the last appends).
  std::vector<long long> high(static_cast<std::size_t>(m.partitions), -1), next(high.size(), 0);
  if (want == 0) {
    for (int p = 0; p < m.partitions; ++p) {
      int64_t lo = 0, hi = 0;
      while (rd_kafka_query_watermark_offsets(c, m.topic.c_str(), p, &lo, &hi, 1000) !=
                 RD_KAFKA_RESP_ERR_NO_ERROR &&
             std::chrono::steady_clock::now() < until) {
      }
      high[static_cast<std::size_t>(p)] = hi;
      if (lo > 0)  // the mock's retention (5 MiB per partition) dropped messages
        std::fprintf(stderr, "ConsumeTopic(%s): partition %d starts at offset %lld, not 0\n",
                     m.topic.c_str(), p, static_cast<long long>(lo));
    }
  }
  auto all_read = [&] {
    for (std::size_t p = 0; p < high.size(); ++p)
      if (next[p] < high[p]) return false;
    return true;
  };
  while (std::chrono::steady_clock::now() < until) {
    if (want > 0 && out.size() >= want) break;
    if (want == 0 && all_read()) break;
    rd_kafka_message_t* msg = rd_kafka_consumer_poll(c, 100);
    if (!msg) continue;
    if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      next[static_cast<std::size_t>(msg->partition)] = msg->offset + 1;
      KafkaMessage mm;
      if (msg->key) mm.key.assign(static_cast<const char*>(msg->key), msg->key_len);
      if (msg->payload) mm.value.assign(static_cast<const char*>(msg->payload), msg->len);
      mm.partition = msg->partition;
      mm.offset = msg->offset;
      rd_kafka_headers_t* h = nullptr;
      if (rd_kafka_message_headers(msg, &h) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const void* v;
        size_t n;
        auto get = [&](const char* name, std::string* to) {
          if (rd_kafka_header_get_last(h, name, &v, &n) == RD_KAFKA_RESP_ERR_NO_ERROR)
            to->assign(static_cast<const char*>(v), n);
        };
        get("statement_id", &mm.statement_id);
        get("xapi_version", &mm.version);
        get("idempotency_key", &mm.idempotency_key);
      }
      out.push_back(std::move(mm));
    }
    rd_kafka_message_destroy(msg);
  }
  if (want == 0 && !all_read()) {
    // Say so: a short read looks like lost messages to the caller.
    std::string where;
    for (std::size_t p = 0; p < high.size(); ++p)
      where += " p" + std::to_string(p) + " " + std::to_string(next[p]) + "/" +
               std::to_string(high[p]);
    std::fprintf(stderr, "ConsumeTopic(%s): timed out after %d s with %zu messages read:%s\n",
                 m.topic.c_str(), timeout_s, out.size(), where.c_str());
  }
  rd_kafka_consumer_close(c);
  rd_kafka_destroy(c);
  std::stable_sort(out.begin(), out.end(), [](const KafkaMessage& a, const KafkaMessage& b) {
    return a.partition != b.partition ? a.partition < b.partition : a.offset < b.offset;
  });
  return out;
}

}  // namespace lrs::sync::testing

#endif  // LRS_WITH_KAFKA
