// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// librdkafka's in-process mock cluster (the real Kafka protocol on loopback
// sockets) for the Kafka destination's tests, and a consumer that reads a
// topic back. Only in builds with librdkafka (LRS_WITH_KAFKA).

#ifndef LRS_TESTS_SYNC_KAFKA_UTIL_H_
#define LRS_TESTS_SYNC_KAFKA_UTIL_H_

#ifdef LRS_WITH_KAFKA

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <string>
#include <vector>

namespace lrs::sync::testing {

// A mock cluster of `brokers` brokers with `topic` in `partitions`
// partitions, replicated on every broker.
struct KafkaMockCluster {
  KafkaMockCluster(int brokers, const std::string& topic, int partitions = 3);
  ~KafkaMockCluster();
  KafkaMockCluster(const KafkaMockCluster&) = delete;
  KafkaMockCluster& operator=(const KafkaMockCluster&) = delete;

  rd_kafka_t* rk = nullptr;  // the mock's host handle
  rd_kafka_mock_cluster_t* mc = nullptr;
  std::string bootstraps;  // "127.0.0.1:PORT,..."
  std::string topic;
  int brokers = 0, partitions = 0;
};

struct KafkaMessage {
  std::string key, value, statement_id, version, idempotency_key;
  int partition = -1;
  long long offset = -1;
};

// The topic's messages, each partition read from its beginning, partition
// after partition in offset order: until `want` arrived (want > 0), or every
// partition was read up to its high watermark at the call (want == 0); at
// most `timeout_s` seconds.
std::vector<KafkaMessage> ConsumeTopic(const KafkaMockCluster& m, std::size_t want,
                                       int timeout_s = 15);

}  // namespace lrs::sync::testing

#endif  // LRS_WITH_KAFKA
#endif  // LRS_TESTS_SYNC_KAFKA_UTIL_H_
