// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// `lrs export` and `lrs import` (lrs/daemon/export_cli.h).

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>
#include <fstream>
#include <sstream>

#include "lrs/daemon/cli.h"
#include "tests/daemon/daemon_util.h"

namespace lrs::daemon {
namespace {

using testing::Cli;
using testing::Ran;

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
  Ran r = Cli({"import", dump, "--data", data, "--batch", "7", "--progress"});
  CHECK(r.rc == 1);  // some lines failed
  // The progress bar (drawn on a terminal, or with --progress), ending full.
  CHECK(r.err.find("\r[##############################] 100%  ") != std::string::npos);
  CHECK(r.err.find(" read, 30 stored, 0 present, 2 failed\n") != std::string::npos);
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

// ---- lrs import of StatementResult dumps and JSON arrays -------------------------

// A statement as another LRS returns it: id, stored, authority, version.
std::string Foreign(int i, const std::string& stored = "1999-01-01T00:00:00.000Z") {
  char id[40];
  std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", i);
  return std::string(R"({"id":")") + id + R"(","actor":{"mbox":"mailto:l)" +
         std::to_string(i % 7) +
         R"(@example.com","objectType":"Agent"},"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},)"
         R"("object":{"id":"http://example.com/m)" + std::to_string(i) +
         R"(","objectType":"Activity"},"result":{"score":{"scaled":0.50,"raw":1e1}},)"
         R"("timestamp":"2001-02-03T04:05:06.000Z","stored":")" + stored +
         R"(","authority":{"objectType":"Agent","account":{"homePage":"http://other.example.com","name":"other-lrs"}},"version":"1.0.0"})";
}

// {"statements":[Foreign(from)..Foreign(from+n-1)],"more":more}, members in
// the given order.
std::string Page(int from, int n, const std::string& more, bool more_first = false) {
  std::string list = "[";
  for (int i = from; i < from + n; ++i) list += (i > from ? ",\n  " : "\n  ") + Foreign(i);
  list += "\n]";
  return more_first ? R"({"more":")" + more + R"(","statements":)" + list + "}"
                    : R"({"statements":)" + list + R"(,"more":")" + more + R"("})";
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
}

TEST_CASE("CLI: import a 3-page StatementResult dump; stored is re-stamped; idempotent",
          "[daemon][cli][import]") {
  lrs::testing::TempDir dir;
  const std::string data = dir.path() + "/data";
  const std::string dump = dir.path() + "/dump.json";
  std::filesystem::create_directories(dir.path());
  // Pages saved one after another, as GET /xapi/statements and its `more`
  // links return them (the first names `more` first: still a StatementResult).
  WriteFile(dump, "\xEF\xBB\xBF  " + Page(0, 10, "/xapi/statements?more=p2", true) + "\n" +
                      Page(10, 10, "/xapi/statements?more=p3") + Page(20, 10, "") + "\n\n");
  Ran r = Cli({"import", dump, "--data", data, "--batch", "7"});
  INFO(r.out << r.err);
  CHECK(r.rc == 0);
  CHECK(r.out.find("3 documents, 30 items, 30 stored, 0 already present, 0 failed") !=
        std::string::npos);
  CHECK(r.out.find("note: 30 statements came with a \"stored\" time; this LRS set its own") !=
        std::string::npos);

  r = Cli({"export", "--data", data});
  REQUIRE(r.rc == 0);
  CHECK(Lines(r.out) == 30);
  CHECK(r.out.find("00000000-0000-4000-8000-000000000029") != std::string::npos);
  CHECK(r.out.find("\"stored\":\"1999-") == std::string::npos);  // the LRS's own stored time
  CHECK(r.out.find("\"timestamp\":\"2001-02-03T04:05:06.000Z\"") != std::string::npos);
  CHECK(r.out.find("other-lrs") != std::string::npos);  // the authority kept

  r = Cli({"import", dump, "--data", data});
  CHECK(r.rc == 0);
  CHECK(r.out.find("30 items, 0 stored, 30 already present, 0 failed") != std::string::npos);
}

TEST_CASE("CLI: import a plain JSON array, and a mix of good and bad statements",
          "[daemon][cli][import]") {
  lrs::testing::TempDir dir;
  const std::string data = dir.path() + "/data";
  std::filesystem::create_directories(dir.path());
  const std::string array = dir.path() + "/array.json";
  WriteFile(array, "[" + Foreign(1) + ",\n" + Foreign(2) + "]");
  Ran r = Cli({"import", array, "--data", data});
  INFO(r.out << r.err);
  CHECK(r.rc == 0);
  CHECK(r.out.find("1 document, 2 items, 2 stored, 0 already present, 0 failed") !=
        std::string::npos);

  // Bad items are named by their index and skipped; the others are stored.
  const std::string mixed = dir.path() + "/mixed.json";
  std::string page = "{\"statements\":[";
  for (int i = 0; i < 20; ++i) {
    if (i) page += ",";
    if (i == 17) {
      page += R"({"actor":{"mbox":"ana@example.com"},"verb":{"id":"http://x/v"},"object":{"id":"http://x/o"}})";
    } else if (i == 5) {
      page += "42";
    } else if (i == 9) {
      page += R"([{"actor":{}}])";
    } else {
      page += Foreign(100 + i);
    }
  }
  page += "],\"more\":\"\"}";
  WriteFile(mixed, page + "\n" + "[" + Foreign(200) + ",\"x\"]\n" + "{\"more\":\"\"}\n" + "[]");
  r = Cli({"import", mixed, "--data", data, "--batch", "4"});
  CHECK(r.rc == 1);
  CHECK(r.out.find("4 documents, 23 items, 18 stored, 0 already present, 5 failed") !=
        std::string::npos);
  CHECK(r.err.find("lrs: statements[5]: not a statement object") != std::string::npos);
  CHECK(r.err.find("lrs: statements[9]: not a statement object") != std::string::npos);
  CHECK(r.err.find("lrs: statements[17]: actor.mbox") != std::string::npos);
  CHECK(r.err.find("lrs: document 2: [1]: not a statement object") != std::string::npos);
  CHECK(r.err.find("lrs: document 3: not a StatementResult") != std::string::npos);
  r = Cli({"export", "--data", data});
  CHECK(Lines(r.out) == 2 + 17 + 1);
}

TEST_CASE("CLI: a truncated document stops the import at its byte offset",
          "[daemon][cli][import]") {
  lrs::testing::TempDir dir;
  const std::string data = dir.path() + "/data";
  std::filesystem::create_directories(dir.path());
  const std::string cut = dir.path() + "/cut.json";
  const std::string page = Page(0, 10, "");
  const std::size_t seventh = page.find(Foreign(6));
  REQUIRE(seventh != std::string::npos);
  const std::string truncated = page.substr(0, seventh + 40);  // inside statement 7
  WriteFile(cut, truncated);
  Ran r = Cli({"import", cut, "--data", data});
  INFO(r.out << r.err);
  CHECK(r.rc == 1);
  CHECK(r.err.find("lrs: import stopped: byte " + std::to_string(truncated.size()) + ": ") !=
        std::string::npos);
  CHECK(r.out.find("6 items, 6 stored") != std::string::npos);  // those before it are stored
  r = Cli({"export", "--data", data});
  CHECK(Lines(r.out) == 6);

  // A syntax error inside a document, not at its end.
  WriteFile(cut, R"({"statements":[)" + Foreign(50) + R"(,{"actor" 1}]})");
  r = Cli({"import", cut, "--data", data});
  CHECK(r.rc == 1);
  const std::size_t at = (R"({"statements":[)" + Foreign(50) + R"(,{"actor" )").size();
  CHECK(r.err.find("import stopped: byte " + std::to_string(at) + ": Missing a colon") !=
        std::string::npos);
}

// Anonymous resident memory of this process (the heap; not the store's
// file-backed LMDB map), in bytes.
std::size_t AnonRss() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("RssAnon:", 0) == 0) return std::stoul(line.substr(8)) * 1024;
  }
  return 0;
}

// Writes a StatementResult of n statements of ~2 KB each; returns its size.
std::uintmax_t WriteBigResult(const std::string& path, int from, int n) {
  const std::string padding(1500, 'p');
  {
    std::ofstream f(path, std::ios::binary);
    f << "{\"statements\":[";
    for (int i = from; i < from + n; ++i) {
      std::string st = Foreign(i);
      st.insert(st.size() - 1, R"(,"context":{"extensions":{"http://example.com/pad":")" +
                                   padding + "\"}}");
      f << (i > from ? ",\n" : "\n") << st;
    }
    f << "],\"more\":\"\"}";
  }
  return std::filesystem::file_size(path);
}

// The peak growth of the heap while `args` runs, and its result.
std::size_t PeakHeapGrowth(const std::vector<std::string>& args, Ran* ran) {
  const std::size_t before = AnonRss();
  std::atomic<bool> running{true};
  std::atomic<std::size_t> peak{before};
  std::thread sampler([&] {
    while (running) {
      peak = std::max(peak.load(), AnonRss());
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  *ran = Cli(args);
  running = false;
  sampler.join();
  return peak > before ? peak - before : 0;
}

TEST_CASE("CLI: importing 20,000 statements from a StatementResult keeps memory flat",
          "[daemon][cli][import]") {
  lrs::testing::TempDir dir;
  std::filesystem::create_directories(dir.path());
  const std::string small = dir.path() + "/small.json", big = dir.path() + "/big.json";
  WriteBigResult(small, 0, 5000);
  const auto big_size = WriteBigResult(big, 0, 20000);
  REQUIRE(big_size > (std::uintmax_t{35} << 20));
  // A first import warms up what any store opening costs once per process.
  Ran r = Cli({"import", small, "--data", dir.path() + "/warm"});
  REQUIRE(r.rc == 0);

  const std::size_t small_growth = PeakHeapGrowth({"import", small, "--data", dir.path() + "/a"}, &r);
  CHECK(r.rc == 0);
  const std::size_t big_growth = PeakHeapGrowth({"import", big, "--data", dir.path() + "/b"}, &r);
  INFO(r.out << r.err);
  CHECK(r.rc == 0);
  CHECK(r.out.find("20000 items, 20000 stored") != std::string::npos);
  INFO("heap growth: " << small_growth << " bytes for 5,000 statements, " << big_growth
                       << " for 20,000 (a " << big_size << " byte file)");
  // One statement and one batch in memory at a time: four times the
  // statements take no more memory, and much less than the file (about
  // 15 MB here, mostly what a new store costs, for a 40 MB file; reading
  // the document whole would take more than the file's size). Not under
  // AddressSanitizer: its quarantine keeps freed memory from being reused,
  // so the heap grows with what was ever allocated.
#if defined(__SANITIZE_ADDRESS__)
  SUCCEED("memory not measured under AddressSanitizer");
#else
  CHECK(big_growth < small_growth + (std::size_t{4} << 20));
  CHECK(big_growth < big_size / 2);
#endif

  // Exporting them back is flat too: one page of statements at a time.
  const std::size_t small_export =
      PeakHeapGrowth({"export", "--data", dir.path() + "/a", "--output", dir.path() + "/a.ndjson"}, &r);
  CHECK(r.rc == 0);
  const std::size_t big_export =
      PeakHeapGrowth({"export", "--data", dir.path() + "/b", "--output", dir.path() + "/b.ndjson"}, &r);
  CHECK(r.rc == 0);
  CHECK(Lines(ReadFile(dir.path() + "/b.ndjson")) == 20000);
  INFO("export heap growth: " << small_export << " bytes for 5,000 statements, " << big_export
                              << " for 20,000");
#if !defined(__SANITIZE_ADDRESS__)
  CHECK(big_export < small_export + (std::size_t{4} << 20));
  CHECK(big_export < big_size / 4);
#endif
}

}  // namespace
}  // namespace lrs::daemon
