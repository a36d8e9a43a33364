// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Analytics destinations benchmark (run by scripts/bench --sync; not a test):
// N statements (tests/bench/statement_gen.h, ~1 KB each) are loaded into a
// source store; then one relay per destination forwards them all, timed
// from Relay::Open until the destination's lag is 0:
//  - kafka: librdkafka's idempotent producer into librdkafka's in-process
//    mock cluster (3 brokers, 6 partitions; the real protocol over loopback,
//    but the mock's broker is no Kafka: figures bound the relay and the
//    producer, not a cluster), batch_size 1000 / 5000;
//  - clickhouse: HTTP JSONEachRow inserts into Debian's clickhouse-server
//    (started here on loopback, the table of scripts/clickhouse/), batch
//    sizes 1000 and 5000; then the rows in the table (FINAL) and a
//    reporting query's time.
// Usage: bench_analytics_bench [--dir DIR] [--sync-total N]
// Other flags (scripts/bench passes them) are ignored.

#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "lrs/store.h"
#include "lrs/sync/relay.h"
#include "tests/bench/statement_gen.h"
#include "tests/sync/clickhouse_util.h"
#include "tests/sync/kafka_util.h"

namespace {
using Clock = std::chrono::steady_clock;
using lrs::Status;

[[noreturn]] void Die(const Status& s, const char* what) {
  std::fprintf(stderr, "bench_analytics: %s: %s\n", what, s.ToString().c_str());
  std::exit(1);
}

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Forwards everything in `store` to `destinations` (one destination);
// returns seconds until its lag is 0, or -1 after 600 s.
double Forward(lrs::Store* store, const std::string& destinations, double* cpu) {
  lrs::sync::RelayOptions o;
  o.destinations_json = destinations;
  o.tick = std::chrono::milliseconds(20);
  const double c0 = CpuSeconds();
  const auto t0 = Clock::now();
  std::unique_ptr<lrs::sync::Relay> relay;
  if (Status s = lrs::sync::Relay::Open(store, o, &relay); !s.ok()) Die(s, "relay");
  std::vector<lrs::sync::DestinationStatus> st;
  for (;;) {
    relay->WaitIdle(std::chrono::milliseconds(100));
    if (Status s = relay->GetStatus(&st); !s.ok()) Die(s, "status");
    if (st[0].lag == 0 && st[0].retrying == 0) break;
    if (Clock::now() - t0 > std::chrono::seconds(600)) return -1;
  }
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  *cpu = CpuSeconds() - c0;
  if (st[0].dead_lettered) std::printf("  (%llu dead-lettered: %s)\n",
                                       static_cast<unsigned long long>(st[0].dead_lettered),
                                       st[0].last_error.c_str());
  return secs;
}

void Report(const char* what, std::uint64_t n, double secs, double cpu) {
  if (secs < 0) {
    std::printf("  %-44s did not finish in 600 s\n", what);
    return;
  }
  std::printf("  %-44s %9.0f statements/s  (%6.2f s, %5.1f us CPU/statement in this process)\n",
              what, static_cast<double>(n) / secs, secs, cpu * 1e6 / static_cast<double>(n));
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = std::filesystem::temp_directory_path() / "lrs_analytics_bench";
  std::uint64_t total = 100000;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--dir") && i + 1 < argc) {
      dir = argv[++i];
    } else if (!std::strcmp(argv[i], "--sync-total") && i + 1 < argc) {
      total = std::strtoull(argv[++i], nullptr, 10);
    } else if (!std::strcmp(argv[i], "--total") || !std::strcmp(argv[i], "--seconds")) {
      ++i;  // scripts/bench's flags for other benches
    }
  }
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  lrs::Options so;
  so.sync = false;  // loading is not what is measured
  std::unique_ptr<lrs::Store> store;
  if (Status s = lrs::Store::Open(so, dir + "/source", &store); !s.ok()) Die(s, "open");
  lrs::bench::LoadStatements(store.get(), total, 91, [](const Status& s) { Die(s, "load"); });
  std::printf("  %llu statements loaded (analytics destinations; %u cores)\n",
              static_cast<unsigned long long>(total), std::thread::hardware_concurrency());

#ifdef LRS_WITH_KAFKA
  for (int batch : {1000, 5000}) {
    lrs::sync::testing::KafkaMockCluster kafka(3, "xapi.bench", 6);
    double cpu = 0;
    const double secs = Forward(
        store.get(),
        R"([{"name":"kafka)" + std::to_string(batch) + R"(","type":"kafka","brokers":")" + kafka.bootstraps +
            R"(","topic":"xapi.bench","batch_size":)" + std::to_string(batch) +
            R"(,"properties":{"linger.ms":"5","compression.type":"lz4"},"allow_networks":["127.0.0.1"]}])",
        &cpu);
    Report(("kafka (mock cluster), batch_size " + std::to_string(batch)).c_str(), total, secs, cpu);
  }
#else
  std::printf("  kafka: not in this build (librdkafka-dev)\n");
#endif

  if (!lrs::sync::testing::ClickHouseServer::Available()) {
    std::printf("  clickhouse: no clickhouse-server (scripts/bootstrap installs it)\n");
    return 0;
  }
  for (int batch : {1000, 5000}) {
    lrs::sync::testing::ClickHouseServer ch;
    if (Status s = ch.Start(); !s.ok()) Die(s, "clickhouse-server");
    if (Status s = ch.CreateStatementsTable(); !s.ok()) Die(s, "create table");
    double cpu = 0;
    const double secs = Forward(store.get(),
                                R"([{"name":"clickhouse)" + std::to_string(batch) + R"(","type":"clickhouse","url":")" + ch.url() +
                                    R"(","batch_size":)" + std::to_string(batch) +
                                    R"(,"allow_networks":["127.0.0.1"]}])",
                                &cpu);
    Report(("clickhouse, batch_size " + std::to_string(batch)).c_str(), total, secs, cpu);
    std::string rows;
    if (Status s = ch.Query("SELECT count() FROM xapi_statements FINAL", &rows); !s.ok())
      Die(s, "count");
    const auto q0 = Clock::now();
    std::string report;
    if (Status s = ch.Query(
            "SELECT object_id, uniqExact(actor_id), avg(result_score_scaled), "
            "countIf(result_success = 1) FROM xapi_statements FINAL "
            "GROUP BY object_id ORDER BY object_id FORMAT TabSeparated",
            &report);
        !s.ok())
      Die(s, "report");
    const double q = std::chrono::duration<double>(Clock::now() - q0).count();
    if (!rows.empty() && rows.back() == '\n') rows.pop_back();
    std::printf("    rows in the table (FINAL): %s; a per-activity report over them: %.0f ms\n",
                rows.c_str(), q * 1e3);
  }
  store.reset();
  std::filesystem::remove_all(dir);
  return 0;
}
