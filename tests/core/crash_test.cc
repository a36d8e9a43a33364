// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Crash consistency: a child process writes statements and dies without
// closing the store (no destructors, no index flush); every statement it
// was told is stored must then be found by id and by every filter.

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <signal.h>

#include "lrs/json/json.h"
#include "tests/support/test_util.h"

namespace lrs {
namespace {

using testing::Statement;
using testing::TempDir;

constexpr const char* kVerb = "http://adlnet.gov/expapi/verbs/completed";

// Runs in the child: writes `n` statements, logs each acknowledged id, then
// either _exit()s or SIGKILLs itself.
[[noreturn]] void Child(const std::string& dir, const std::string& log, int n, std::size_t buffer,
                        bool sigkill) {
  Options o;
  o.index_buffer_statements = buffer;
  std::unique_ptr<Store> store;
  if (Status s = Store::Open(o, dir, &store); !s.ok()) {
    std::fprintf(stderr, "child open: %s\n", s.ToString().c_str());
    _exit(2);
  }
  std::ofstream out(log, std::ios::app);
  for (int i = 0; i < n; ++i) {
    std::vector<std::string> ids;
    std::string s = Statement("crash" + std::to_string(i % 7) + "@example.com", kVerb,
                              "http://example.com/act/" + std::to_string(i % 5),
                              "\"context\":{\"registration\":\"33333333-3333-4333-8333-33333333333" +
                                  std::to_string(i % 3) + "\"}");
    if (Status ps = store->PutStatements({}, s, &ids); !ps.ok()) {
      std::fprintf(stderr, "child put: %s\n", ps.ToString().c_str());
      _exit(3);
    }
    out << ids[0] << "\n";
    out.flush();
  }
  store.release();  // never destroyed: no flush, no close
  if (sigkill) kill(getpid(), SIGKILL);
  _exit(0);
}

std::set<std::string> ReadLog(const std::string& path) {
  std::set<std::string> ids;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) ids.insert(line);
  return ids;
}

TEST_CASE("Acknowledged statements survive a crash and stay indexed", "[crash]") {
  for (std::size_t buffer : {std::size_t{65536}, std::size_t{10}}) {
    TempDir dir;
    const std::string store_dir = dir.path() + "-store";
    const std::string log = dir.path() + "-acked";
    for (int round = 0; round < 3; ++round) {
      pid_t pid = fork();
      REQUIRE(pid >= 0);
      if (pid == 0) Child(store_dir, log, 40, buffer, round % 2 == 1);
      int status = 0;
      REQUIRE(waitpid(pid, &status, 0) == pid);
      REQUIRE((WIFEXITED(status) ? WEXITSTATUS(status) == 0 : WTERMSIG(status) == SIGKILL));
    }
    std::set<std::string> acked = ReadLog(log);
    REQUIRE(acked.size() == 120);

    std::unique_ptr<Store> store;
    Options o;
    o.index_buffer_statements = buffer;
    REQUIRE(Store::Open(o, store_dir, &store).ok());
    for (const auto& id : acked) {
      StatementGet g;
      g.id = id;
      std::string json;
      REQUIRE(store->GetStatement(g, &json, nullptr).ok());
    }
    // Every filter finds all of them.
    auto count = [&](StatementQuery q) {
      std::set<std::string> got;
      StatementPage page;
      REQUIRE(store->QueryStatements(q, &page).ok());
      for (;;) {
        for (auto& s : page.statements) {
          json::Document d;
          REQUIRE(json::Parse(s, &d).ok());
          got.insert(d["id"].GetString());
        }
        if (page.more.empty()) break;
        std::string t = page.more;
        REQUIRE(store->More(t, &page).ok());
      }
      return got;
    };
    StatementQuery q;
    q.verb = kVerb;
    q.limit = 25;
    CHECK(count(q) == acked);
    std::size_t by_agent = 0;
    for (int a = 0; a < 7; ++a) {
      StatementQuery qa;
      qa.agent = testing::Agent("crash" + std::to_string(a) + "@example.com");
      by_agent += count(qa).size();
    }
    CHECK(by_agent == acked.size());
    std::size_t by_reg = 0;
    for (int r = 0; r < 3; ++r) {
      StatementQuery qr;
      qr.registration = "33333333-3333-4333-8333-33333333333" + std::to_string(r);
      by_reg += count(qr).size();
    }
    CHECK(by_reg == acked.size());
    // The activities table (buffered like the indexes) survived too.
    for (int a = 0; a < 5; ++a) {
      std::string act;
      CHECK(store->GetActivity("http://example.com/act/" + std::to_string(a), &act).ok());
    }
    // The reporting aggregates (each commit's deltas durable in agg_pending,
    // merged into their tables with the indexes) count every acknowledged
    // statement once, and the learners by name.
    auto report = [&](std::string_view name, std::vector<std::pair<std::string, std::string>> p) {
      std::string json;
      Status rs = store->Report(name, p, &json);
      INFO(rs.ToString());
      REQUIRE(rs.ok());
      json::Document d;
      REQUIRE(json::Parse(json, &d).ok());
      return d;
    };
    json::Document by_verb = report("statements", {{"by", "verb"}});
    REQUIRE(by_verb["rows"].Size() == 1);
    CHECK(by_verb["rows"][0]["statements"].GetInt64() == 120);
    for (int a = 0; a < 5; ++a) {
      json::Document act = report("activity", {{"activity", "http://example.com/act/" + std::to_string(a)}});
      CHECK(act["statements"].GetInt64() == 24);
      CHECK(act["learners"].GetInt64() == 7);
    }
    json::Document progress = report("progress", {{"activity", "http://example.com/act/0"}});
    CHECK(progress["learners"].Size() == 7);
    for (const auto& l : progress["learners"].GetArray()) CHECK(l["agent"].HasMember("mbox"));
    // Writes continue after recovery; a repeated statement id is still known.
    std::vector<std::string> ids;
    REQUIRE(store->PutStatements({}, Statement("after@example.com", kVerb, "http://example.com/x"), &ids).ok());
    StoreStats st;
    REQUIRE(store->GetStats(&st).ok());
    CHECK(st.statements == 121);
    CHECK(st.last_sequence == 121);
    store.reset();
    std::filesystem::remove_all(store_dir);
    std::filesystem::remove(log);
  }
}

}  // namespace
}  // namespace lrs
