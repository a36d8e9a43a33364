// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// A real clickhouse-server (Debian's, scripts/bootstrap installs it) for
// the ClickHouse destination's tests: started as a plain process with a
// small XML config in a temporary directory, listening on 127.0.0.1 on
// free ports, stopped (and its directory removed) when destroyed. The
// statements table is created from scripts/clickhouse/xapi_statements.sql.
//
// Built with LRS_CLICKHOUSE_SERVER (CMake's find_program); without it,
// Available() is false and the tests say they skipped.

#ifndef LRS_TESTS_SYNC_CLICKHOUSE_UTIL_H_
#define LRS_TESTS_SYNC_CLICKHOUSE_UTIL_H_

#include <sys/types.h>

#include <memory>
#include <string>

#include "lrs/status.h"
#include "lrs/sync/transport.h"
#include "tests/support/test_util.h"

namespace lrs::sync::testing {

class ClickHouseServer {
 public:
  // Whether this build knows a clickhouse-server binary.
  static bool Available();

  ClickHouseServer();
  ~ClickHouseServer();  // Kill()
  ClickHouseServer(const ClickHouseServer&) = delete;
  ClickHouseServer& operator=(const ClickHouseServer&) = delete;

  // Starts it (again, on the same ports and data after Stop/Kill) and
  // waits until it answers /ping.
  Status Start();
  // SIGTERM and wait; Kill: SIGKILL and wait.
  void Stop();
  void Kill();
  bool running() const { return pid_ > 0; }

  // "http://127.0.0.1:PORT" of the HTTP interface.
  std::string url() const { return "http://127.0.0.1:" + std::to_string(http_port_); }
  // Runs one SQL statement over HTTP; the body of the answer, or an error
  // with ClickHouse's message.
  Status Query(const std::string& sql, std::string* out = nullptr);
  // CREATE TABLE from scripts/clickhouse/xapi_statements.sql.
  Status CreateStatementsTable();

 private:
  Status Spawn();
  lrs::testing::TempDir dir_;
  std::unique_ptr<HttpTransport> transport_;
  int http_port_ = 0, tcp_port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace lrs::sync::testing

#endif  // LRS_TESTS_SYNC_CLICKHOUSE_UTIL_H_
