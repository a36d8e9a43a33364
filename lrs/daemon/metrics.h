// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Prometheus metrics of the `lrs` program (text exposition format 0.0.4):
//   lrs_http_requests_total{route,method,status}        counter
//   lrs_http_request_duration_seconds{route}            histogram
//   lrs_statements_stored{store}                        gauge
//   lrs_commits_total{store}                            counter (since open)
//   lrs_grouped_writes_total{store}                     counter (since open)
//   lrs_writes_per_commit{store}                        gauge (group size)
//   lrs_lmdb_map_size_bytes{store}, lrs_lmdb_map_used_bytes{store}  gauges
// and per sync destination ({store,destination,type}):
//   lrs_sync_lag_statements, lrs_sync_retrying, lrs_sync_dlq_size,
//   lrs_sync_breaker_open, lrs_sync_paused,
//   lrs_sync_last_success_timestamp_seconds                  gauges
//   lrs_sync_delivered_total, lrs_sync_retried_total,
//   lrs_sync_dead_lettered_total, lrs_sync_filtered_total    counters (since start)
// Labels have bounded cardinality: routes are normalized resource names
// (RouteOf), methods a fixed set, stores those open in this process,
// destinations those configured.
//
// Thread safety: Record and Render may be called concurrently.

#ifndef LRS_DAEMON_METRICS_H_
#define LRS_DAEMON_METRICS_H_

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lrs/store.h"
#include "lrs/sync/relay.h"

namespace lrs::daemon {

// The route label of a path: "health", "metrics", the xAPI resource below
// `base` ("statements", "activities/state", "about", ...; "xapi_other" for
// unknown resources), or "other".
std::string_view RouteOf(std::string_view path, std::string_view base = "/xapi");
// GET, HEAD, POST, PUT, DELETE, OPTIONS, or "other".
std::string_view MethodLabel(std::string_view method);

// One sync destination's figures (Relay::GetStatus) and its store.
struct SyncMetrics {
  std::string store;
  sync::DestinationStatus status;
};

class Metrics {
 public:
  // Upper bounds (seconds) of the duration histogram's buckets.
  static constexpr std::array<double, 14> kBuckets = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5};

  void Record(std::string_view route, std::string_view method, int status,
              std::chrono::microseconds duration);

  // The HTTP metrics, for each (store name, stats) the store metrics, and
  // for each sync destination its metrics.
  std::string Render(const std::vector<std::pair<std::string, StoreStats>>& stores,
                     const std::vector<SyncMetrics>& sync = {}) const;

 private:
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> buckets{};  // non-cumulative
    std::uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  // (route, method, status) -> count
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;  // GUARDED_BY(mu_)
  std::map<std::string, Histogram> durations_;                                   // GUARDED_BY(mu_)
};

}  // namespace lrs::daemon

#endif  // LRS_DAEMON_METRICS_H_
