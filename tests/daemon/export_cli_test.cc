// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// `lrs export` and `lrs import` (lrs/daemon/export_cli.h).

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "lrs/daemon/cli.h"
#include "tests/daemon/daemon_util.h"

namespace lrs::daemon {
namespace {

struct Ran {
  int rc;
  std::string out, err;
};

Ran Cli(std::vector<std::string> args) {
  std::ostringstream out, err;
  EnvLookup no_env = [](const char*) -> std::optional<std::string> { return std::nullopt; };
  int rc = RunCli(args, out, err, no_env);
  return {rc, out.str(), err.str()};
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::size_t Lines(const std::string& s) { return std::count(s.begin(), s.end(), '\n'); }

TEST_CASE("CLI: import NDJSON idempotently, report bad lines, export NDJSON and CSV, resume",
          "[daemon][cli]") {
  lrs::testing::TempDir dir;
  const std::string data = dir.path() + "/data";
  const std::string dump = dir.path() + "/dump.ndjson";
  std::filesystem::create_directories(dir.path());
  {
    std::ofstream f(dump);
    for (int i = 0; i < 30; ++i)
      f << lrs::testing::Statement("l" + std::to_string(i % 4) + "@example.com",
                                   "http://adlnet.gov/expapi/verbs/completed",
                                   "http://example.com/m" + std::to_string(i),
                                   R"("result":{"score":{"scaled":0.75}})")
        << "\r\n";  // CRLF lines are fine
    f << "\n";                                         // blank: skipped
    f << "[1,2]\n";                                    // line 32: not a statement object
    f << R"({"actor":{"mbox":"x"},"verb":{"id":"http://x/v"},"object":{"id":"http://x/o"}})"
      << "\n";                                         // line 33: invalid
  }
  Ran r = Cli({"import", dump, "--data", data, "--batch", "7"});
  CHECK(r.rc == 1);  // some lines failed
  CHECK(r.out.find("33 lines, 30 stored, 0 already present, 2 failed") != std::string::npos);
  CHECK(r.err.find("line 32:") != std::string::npos);
  CHECK(r.err.find("line 33: actor.mbox") != std::string::npos);

  // Our own export, imported again: everything is already there.
  const std::string out = dir.path() + "/out.ndjson";
  r = Cli({"export", "--data", data, "--output", out});
  INFO(r.err);
  REQUIRE(r.rc == 0);
  CHECK(Lines(ReadFile(out)) == 30);
  CHECK(r.err.find("--after 30") != std::string::npos);
  r = Cli({"import", out, "--data", data});
  CHECK(r.rc == 0);
  CHECK(r.out.find("30 lines, 0 stored, 30 already present, 0 failed") != std::string::npos);

  // Resumable by stored position.
  r = Cli({"export", "--data", data, "--limit", "10"});
  REQUIRE(r.rc == 0);
  std::string first = r.out;
  r = Cli({"export", "--data", data, "--after", "10"});
  REQUIRE(r.rc == 0);
  CHECK(first + r.out == ReadFile(out));

  r = Cli({"export", "--data", data, "--format", "csv", "--fields",
           "id,actor.mbox,result.score.scaled", "--limit", "2"});
  REQUIRE(r.rc == 0);
  CHECK(r.out.rfind("id,actor.mbox,result.score.scaled\r\n", 0) == 0);
  CHECK(Lines(r.out) == 3);
  CHECK(r.out.find(",mailto:l0@example.com,0.75\r\n") != std::string::npos);

  CHECK(Cli({"export", "--data", data, "--format", "xml"}).rc == 2);
  CHECK(Cli({"export", "--data", data, "--fields", "id"}).rc == 2);  // fields need csv
  r = Cli({"export", "--data", data, "--format", "csv", "--fields", "a..b"});
  CHECK(r.rc == 1);
  CHECK(r.err.find("fields:") != std::string::npos);
  CHECK(Cli({"export", "--data", data, "--store", "nope"}).rc == 1);
  CHECK(Cli({"import", dir.path() + "/missing.ndjson", "--data", data}).rc == 1);
}

TEST_CASE("CLI: erase a learner (dry run first), then the audit record", "[daemon][cli]") {
  lrs::testing::TempDir dir;
  const std::string data = dir.path() + "/data";
  const std::string dump = dir.path() + "/dump.ndjson";
  std::filesystem::create_directories(dir.path());
  {
    std::ofstream f(dump);
    for (int i = 0; i < 6; ++i)
      f << lrs::testing::Statement(i % 2 ? "ana@example.com" : "bo@example.com",
                                   "http://adlnet.gov/expapi/verbs/completed",
                                   "http://example.com/m" + std::to_string(i))
        << "\n";
  }
  REQUIRE(Cli({"import", dump, "--data", data}).rc == 0);
  const std::string ana = R"({"mbox":"mailto:ana@example.com"})";
  Ran r = Cli({"erase", "--agent", ana, "--data", data});
  INFO(r.err);
  REQUIRE(r.rc == 0);
  CHECK(r.out.find("dry run: about 3 statements") != std::string::npos);
  r = Cli({"export", "--data", data});
  CHECK(Lines(r.out) == 6);  // nothing erased yet
  r = Cli({"erase", "--agent", ana, "--yes", "--data", data});
  REQUIRE(r.rc == 0);
  CHECK(r.out.find("3 statements") != std::string::npos);
  r = Cli({"export", "--data", data});
  CHECK(Lines(r.out) == 3);
  CHECK(r.out.find("ana@example.com") == std::string::npos);
  r = Cli({"audit", "--data", data});
  REQUIRE(r.rc == 0);
  CHECK(Lines(r.out) == 1);
  CHECK(r.out.find("\"op\":\"erase_agent\"") != std::string::npos);
  CHECK(r.out.find("ana@") == std::string::npos);  // no personal data in the audit record
  r = Cli({"erase", "--agent", R"({"mbox":"ana@example.com"})", "--yes", "--data", data});
  CHECK(r.rc == 1);
  CHECK(r.err.find("mbox") != std::string::npos);
}

}  // namespace
}  // namespace lrs::daemon
