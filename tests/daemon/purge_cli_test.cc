// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// `lrs purge` (lrs/daemon/retention_cli.h): a dry run, then the purge, the
// audit record, and bad arguments.

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "lrs/common/time.h"
#include "lrs/daemon/cli.h"
#include "tests/daemon/daemon_util.h"

namespace lrs::daemon {
namespace {

using testing::Cli;
using testing::Ran;

std::size_t Lines(const std::string& s) { return std::count(s.begin(), s.end(), '\n'); }

// Imports `n` statements about `course`, stored now.
void Import(const std::string& data, const std::string& file, int n, const std::string& course) {
  {
    std::ofstream f(file);
    for (int i = 0; i < n; ++i)
      f << lrs::testing::Statement("ana@example.com", "http://adlnet.gov/expapi/verbs/completed",
                                   "http://example.com/" + course + "/" + std::to_string(i))
        << "\n";
  }
  Ran r = Cli({"import", file, "--data", data});
  INFO(r.err);
  REQUIRE(r.rc == 0);
}

TEST_CASE("CLI: purge statements stored before a date (dry run first), then the audit record",
          "[daemon][cli][retention]") {
  lrs::testing::TempDir dir;
  const std::string data = dir.path() + "/data";
  std::filesystem::create_directories(dir.path());
  Import(data, dir.path() + "/old.ndjson", 3, "old");
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const std::int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
  const std::string before = FormatIso8601Millis(now_ms * 1000);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  Import(data, dir.path() + "/new.ndjson", 2, "new");

  Ran r = Cli({"purge", "--before", before, "--data", data});
  INFO(r.out << r.err);
  REQUIRE(r.rc == 0);
  CHECK(r.out.find("dry run: 3 statements stored before " + before) != std::string::npos);
  CHECK(r.out.find("--yes") != std::string::npos);
  CHECK(Lines(Cli({"export", "--data", data}).out) == 5);  // nothing purged yet
  CHECK(Lines(Cli({"audit", "--data", data}).out) == 0);

  r = Cli({"purge", "--before", before, "--yes", "--data", data});
  REQUIRE(r.rc == 0);
  CHECK(r.out.find("purged from store default: 3 statements") != std::string::npos);
  CHECK(r.out.find("in 1 commit,") != std::string::npos);
  CHECK(r.out.find("audit record ") != std::string::npos);
  r = Cli({"export", "--data", data});
  CHECK(Lines(r.out) == 2);
  CHECK(r.out.find("/old/") == std::string::npos);
  r = Cli({"audit", "--data", data});
  REQUIRE(r.rc == 0);
  CHECK(Lines(r.out) == 1);
  CHECK(r.out.find("\"op\":\"purge\"") != std::string::npos);
  CHECK(r.out.find("\"statements\":3") != std::string::npos);
  CHECK(r.out.find("ana@") == std::string::npos);

  // A date means its midnight UTC; nothing that old is left.
  r = Cli({"purge", "--before", "2001-02-03", "--store", "default", "--data", data});
  REQUIRE(r.rc == 0);
  CHECK(r.out.find("no statement in store default was stored before 2001-02-03T00:00:00.000Z") !=
        std::string::npos);

  // Bad arguments.
  r = Cli({"purge", "--before", "last week", "--data", data});
  CHECK(r.rc == 2);
  CHECK(r.err.find("--before: must be an ISO 8601 date") != std::string::npos);
  r = Cli({"purge", "--before", "2024-01-01T00:00:00", "--yes", "--data", data});
  CHECK(r.rc == 2);  // a timestamp needs a time zone
  CHECK(Cli({"purge", "--data", data}).rc == 2);  // --before is required
  r = Cli({"purge", "--before", "2999-01-01", "--store", "nope", "--data", data});
  CHECK(r.rc == 1);
  CHECK(r.err.find("no store named") != std::string::npos);
  CHECK(Lines(Cli({"export", "--data", data}).out) == 2);
}

}  // namespace
}  // namespace lrs::daemon
