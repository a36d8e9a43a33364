// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.

#include "lrs/daemon/metrics.h"

#include <cstdio>
#include <tuple>

namespace lrs::daemon {
namespace {

constexpr std::string_view kResources[] = {
    "statements", "activities/state", "activities/profile",
    "activities", "agents/profile",   "agents",
    "about",
};

// Exact for integers below 2^53 (printed without an exponent).
std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.17g", v);
  return buf;
}

// Bucket bounds as written in `le` labels ("0.00025", "1"), and sums.
std::string Bound(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.9g", v);
  return buf;
}

// Prometheus label value escaping: backslash, double quote, newline.
std::string Label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

void Header(std::string* out, const char* name, const char* type, const char* help) {
  *out += "# HELP ";
  *out += name;
  *out += ' ';
  *out += help;
  *out += "\n# TYPE ";
  *out += name;
  *out += ' ';
  *out += type;
  *out += '\n';
}

}  // namespace

std::string_view RouteOf(std::string_view path, std::string_view base) {
  if (path == "/health") return "health";
  if (path == "/metrics") return "metrics";
  if (path.substr(0, base.size()) != base) return "other";
  std::string_view rest = path.substr(base.size());
  if (!rest.empty() && rest.front() != '/') return "other";
  while (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  for (std::string_view r : kResources) {
    if (rest == r) return r;
  }
  return "xapi_other";
}

std::string_view MethodLabel(std::string_view method) {
  for (std::string_view m : {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"}) {
    if (method == m) return m;
  }
  return "other";
}

void Metrics::Record(std::string_view route, std::string_view method, int status,
                     std::chrono::microseconds duration) {
  const double seconds = static_cast<double>(duration.count()) / 1e6;
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[std::make_tuple(std::string(route), std::string(MethodLabel(method)), status)];
  Histogram& h = durations_[std::string(route)];
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++h.buckets[i];
      break;
    }
  }
  ++h.count;
  h.sum += seconds;
}

std::string Metrics::Render(const std::vector<std::pair<std::string, StoreStats>>& stores,
                            const std::vector<SyncMetrics>& sync) const {
  std::string out;
  {
    std::lock_guard<std::mutex> lock(mu_);
    Header(&out, "lrs_http_requests_total", "counter", "HTTP requests answered.");
    for (const auto& [k, n] : requests_) {
      const auto& [route, method, status] = k;
      out += "lrs_http_requests_total{route=\"" + Label(route) + "\",method=\"" + method +
             "\",status=\"" + std::to_string(status) + "\"} " + std::to_string(n) + "\n";
    }
    Header(&out, "lrs_http_request_duration_seconds", "histogram",
           "Time from request read to response written.");
    for (const auto& [route, h] : durations_) {
      const std::string r = Label(route);
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        cumulative += h.buckets[i];
        out += "lrs_http_request_duration_seconds_bucket{route=\"" + r + "\",le=\"" +
               Bound(kBuckets[i]) + "\"} " + std::to_string(cumulative) + "\n";
      }
      out += "lrs_http_request_duration_seconds_bucket{route=\"" + r + "\",le=\"+Inf\"} " +
             std::to_string(h.count) + "\n";
      out += "lrs_http_request_duration_seconds_sum{route=\"" + r + "\"} " + Bound(h.sum) + "\n";
      out += "lrs_http_request_duration_seconds_count{route=\"" + r + "\"} " +
             std::to_string(h.count) + "\n";
    }
  }
  struct StoreMetric {
    const char* name;
    const char* type;
    const char* help;
    double (*value)(const StoreStats&);
  };
  static const StoreMetric kStoreMetrics[] = {
      {"lrs_statements_stored", "gauge", "Statements in the store, voided included.",
       [](const StoreStats& s) { return static_cast<double>(s.statements); }},
      {"lrs_commits_total", "counter", "LMDB write commits since the store was opened.",
       [](const StoreStats& s) { return static_cast<double>(s.commits); }},
      {"lrs_grouped_writes_total", "counter",
       "Writes folded into those commits (group commit) since the store was opened.",
       [](const StoreStats& s) { return static_cast<double>(s.grouped_writes); }},
      {"lrs_writes_per_commit", "gauge", "Mean writes per commit since the store was opened.",
       [](const StoreStats& s) {
         return s.commits == 0
                    ? 0.0
                    : static_cast<double>(s.grouped_writes) / static_cast<double>(s.commits);
       }},
      {"lrs_lmdb_map_size_bytes", "gauge", "Size of the LMDB memory map.",
       [](const StoreStats& s) { return static_cast<double>(s.map_size); }},
      {"lrs_lmdb_map_used_bytes", "gauge", "Bytes of the LMDB map in use.",
       [](const StoreStats& s) { return static_cast<double>(s.map_used); }},
  };
  for (const StoreMetric& m : kStoreMetrics) {
    Header(&out, m.name, m.type, m.help);
    for (const auto& [name, stats] : stores) {
      out +=
          std::string(m.name) + "{store=\"" + Label(name) + "\"} " + Number(m.value(stats)) + "\n";
    }
  }
  struct SyncMetric {
    const char* name;
    const char* type;
    const char* help;
    double (*value)(const sync::DestinationStatus&);
  };
  static const SyncMetric kSyncMetrics[] = {
      {"lrs_sync_lag_statements", "gauge",
       "Statements stored after the destination's cursor (not yet handled).",
       [](const sync::DestinationStatus& d) { return static_cast<double>(d.lag); }},
      {"lrs_sync_delivered_total", "counter", "Records delivered since the relay started.",
       [](const sync::DestinationStatus& d) { return static_cast<double>(d.delivered); }},
      {"lrs_sync_retried_total", "counter", "Record-level retries since the relay started.",
       [](const sync::DestinationStatus& d) { return static_cast<double>(d.retried); }},
      {"lrs_sync_dead_lettered_total", "counter",
       "Records dead-lettered since the relay started.",
       [](const sync::DestinationStatus& d) { return static_cast<double>(d.dead_lettered_total); }},
      {"lrs_sync_filtered_total", "counter",
       "Statements the destination's filter skipped since the relay started.",
       [](const sync::DestinationStatus& d) { return static_cast<double>(d.filtered); }},
      {"lrs_sync_retrying", "gauge", "Records waiting in the retry table.",
       [](const sync::DestinationStatus& d) { return static_cast<double>(d.retrying); }},
      {"lrs_sync_dlq_size", "gauge", "Records in the dead-letter queue.",
       [](const sync::DestinationStatus& d) { return static_cast<double>(d.dead_lettered); }},
      {"lrs_sync_breaker_open", "gauge",
       "1 while the circuit breaker holds the destination (open or half-open).",
       [](const sync::DestinationStatus& d) { return d.breaker == "closed" ? 0.0 : 1.0; }},
      {"lrs_sync_paused", "gauge", "1 while the relay is paused or the destination disabled.",
       [](const sync::DestinationStatus& d) { return d.paused ? 1.0 : 0.0; }},
      {"lrs_sync_last_success_timestamp_seconds", "gauge",
       "Unix time of the last successful delivery (0: none since start).",
       [](const sync::DestinationStatus& d) {
         return static_cast<double>(d.last_success_ms) / 1000.0;
       }},
  };
  if (!sync.empty()) {
    for (const SyncMetric& m : kSyncMetrics) {
      Header(&out, m.name, m.type, m.help);
      for (const SyncMetrics& s : sync) {
        out += std::string(m.name) + "{store=\"" + Label(s.store) + "\",destination=\"" +
               Label(s.status.name) + "\",type=\"" + Label(s.status.type) + "\"} " +
               Number(m.value(s.status)) + "\n";
      }
    }
  }
  return out;
}

}  // namespace lrs::daemon
