// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.

#include "lrs/daemon/metrics.h"

#include <catch2/catch.hpp>

namespace lrs::daemon {
namespace {

TEST_CASE("RouteOf normalizes paths to bounded labels", "[daemon]") {
  CHECK(RouteOf("/health") == "health");
  CHECK(RouteOf("/metrics") == "metrics");
  CHECK(RouteOf("/xapi/statements") == "statements");
  CHECK(RouteOf("/xapi/statements/") == "statements");
  CHECK(RouteOf("/xapi/activities/state") == "activities/state");
  CHECK(RouteOf("/xapi/activities/profile") == "activities/profile");
  CHECK(RouteOf("/xapi/activities") == "activities");
  CHECK(RouteOf("/xapi/agents/profile") == "agents/profile");
  CHECK(RouteOf("/xapi/agents") == "agents");
  CHECK(RouteOf("/xapi/about") == "about");
  CHECK(RouteOf("/xapi/statements/123") == "xapi_other");
  CHECK(RouteOf("/xapi") == "xapi_other");
  CHECK(RouteOf("/xapistatements") == "other");
  CHECK(RouteOf("/random/path") == "other");
  CHECK(MethodLabel("GET") == "GET");
  CHECK(MethodLabel("BREW") == "other");
}

TEST_CASE("Metrics render in the Prometheus text format", "[daemon]") {
  Metrics m;
  m.Record("statements", "POST", 200, std::chrono::microseconds(700));
  m.Record("statements", "POST", 200, std::chrono::microseconds(3000));
  m.Record("statements", "GET", 401, std::chrono::microseconds(50));
  m.Record("health", "PATCH", 405, std::chrono::microseconds(20));
  StoreStats st;
  st.statements = 42;
  st.commits = 4;
  st.grouped_writes = 10;
  st.map_size = std::uint64_t{1} << 44;
  st.map_used = 123456;
  const std::string text = m.Render({{"default", st}});
  auto has = [&](const std::string& line) {
    INFO(line);
    CHECK(text.find(line + "\n") != std::string::npos);
  };
  has("# TYPE lrs_http_requests_total counter");
  has("lrs_http_requests_total{route=\"statements\",method=\"POST\",status=\"200\"} 2");
  has("lrs_http_requests_total{route=\"statements\",method=\"GET\",status=\"401\"} 1");
  has("lrs_http_requests_total{route=\"health\",method=\"other\",status=\"405\"} 1");
  has("# TYPE lrs_http_request_duration_seconds histogram");
  has("lrs_http_request_duration_seconds_bucket{route=\"statements\",le=\"0.0001\"} 1");
  has("lrs_http_request_duration_seconds_bucket{route=\"statements\",le=\"0.001\"} 2");
  has("lrs_http_request_duration_seconds_bucket{route=\"statements\",le=\"0.005\"} 3");
  has("lrs_http_request_duration_seconds_bucket{route=\"statements\",le=\"+Inf\"} 3");
  has("lrs_http_request_duration_seconds_count{route=\"statements\"} 3");
  has("lrs_http_request_duration_seconds_sum{route=\"statements\"} 0.00375");
  has("lrs_statements_stored{store=\"default\"} 42");
  has("# TYPE lrs_commits_total counter");
  has("lrs_commits_total{store=\"default\"} 4");
  has("lrs_grouped_writes_total{store=\"default\"} 10");
  has("lrs_writes_per_commit{store=\"default\"} 2.5");
  has("lrs_lmdb_map_size_bytes{store=\"default\"} 17592186044416");
  has("lrs_lmdb_map_used_bytes{store=\"default\"} 123456");
  // Every sample line is "name{labels} value".
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    REQUIRE(end != std::string::npos);
    std::string line = text.substr(pos, end - pos);
    if (line[0] != '#') {
      CHECK(line.rfind("lrs_", 0) == 0);
      CHECK(line.find("} ") != std::string::npos);
    }
    pos = end + 1;
  }
}

}  // namespace
}  // namespace lrs::daemon
