// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The C API (include/lrs/lrs.h) through its published functions only, so
// the sanitizer build checks what bindings rely on: ownership of returned
// memory, no exception crossing, per-thread error messages, concurrent use,
// and handles stopping cleanly. The Python ctypes test (capi_test.py) drives
// the same API the way a binding would; this file runs under ASan+UBSan.

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "lrs/common/time.h"
#include "lrs/json/json.h"
#include "lrs/lrs.h"
#include "tests/support/test_util.h"

namespace {

using lrs::testing::TempDir;

// An lrs output as a std::string, released with lrs_free.
struct Out {
  char* p = nullptr;
  size_t n = 0;
  ~Out() { lrs_free(p); }
  std::string str() const { return p ? std::string(p, n) : std::string(); }
  lrs::json::Document json() const {
    lrs::json::Document d;
    REQUIRE(lrs::json::Parse(str(), &d).ok());
    return d;
  }
};

struct Store {
  TempDir dir;
  lrs_store* db = nullptr;
  Store() { REQUIRE(lrs_open(dir.path().c_str(), nullptr, 0, &db) == LRS_OK); }
  ~Store() { lrs_close(db); }
};

std::string Statement(const std::string& email, const std::string& activity) {
  return lrs::testing::Statement(email, "http://adlnet.gov/expapi/verbs/completed", activity);
}

int Put(lrs_store* db, const std::string& body, Out* out, const char* params = nullptr) {
  return lrs_statements_put(db, params, LRS_NTS, body.data(), body.size(), &out->p, &out->n);
}

TEST_CASE("C API: versions, codes, misuse and messages") {
  CHECK(std::string(lrs_version()) == LRS_VERSION_STRING);
  CHECK(lrs_version_number() == LRS_VERSION_NUMBER);
  lrs::json::Document info;
  REQUIRE(lrs::json::Parse(lrs_build_info(), &info).ok());
  CHECK(std::string(lrs_errstr(LRS_INVALID_ARGUMENT)) == "InvalidArgument");
  CHECK(std::string(lrs_errstr(LRS_MISUSE)) == "Misuse");
  CHECK(std::string(lrs_errstr(9999)) == "Unknown");

  lrs_close(nullptr);
  lrs_free(nullptr);
  lrs_sync_close(nullptr);
  lrs_server_stop(nullptr);
  Out o;
  CHECK(lrs_stats(nullptr, &o.p, &o.n) == LRS_MISUSE);
  CHECK(std::string(lrs_errmsg()).find("NULL") != std::string::npos);

  TempDir dir;
  lrs_store* db = nullptr;
  const char* bad = "{\"sync\":true,\"bogus\":1}";
  CHECK(lrs_open(dir.path().c_str(), bad, LRS_NTS, &db) == LRS_INVALID_ARGUMENT);
  CHECK(std::string(lrs_errmsg()).find("options.bogus") != std::string::npos);
  CHECK(db == nullptr);
  // The length is honoured: only the first 13 bytes are the options.
  const char* prefix = "{\"sync\":true}{not json";
  CHECK(lrs_open(dir.path().c_str(), prefix, 13, &db) == LRS_OK);
  CHECK(std::string(lrs_errmsg()).empty());
  lrs_store* second = nullptr;
  CHECK(lrs_open(dir.path().c_str(), nullptr, 0, &second) == LRS_BUSY);
  lrs_close(db);
}

TEST_CASE("C API: statements put, get, query with paging, void") {
  Store s;
  Out ids;
  std::string batch = "[" + Statement("ana@example.com", "http://example.com/m1") + "," +
                      Statement("ana@example.com", "http://example.com/m2") + "," +
                      Statement("bo@example.com", "http://example.com/m1") + "]";
  REQUIRE(Put(s.db, batch, &ids) == LRS_OK);
  auto idv = ids.json();
  REQUIRE(idv.IsArray());
  REQUIRE(idv.Size() == 3);
  std::string first = idv[0].GetString();

  Out bad;
  CHECK(Put(s.db, R"({"actor":{"mbox":"ana@example.com"},"verb":{"id":"http://x/v"},"object":{"id":"http://x/o"}})",
            &bad) == LRS_INVALID_ARGUMENT);
  CHECK(bad.p == nullptr);
  CHECK(std::string(lrs_errmsg()).find("actor.mbox") != std::string::npos);

  Out got;
  std::string get = "{\"statementId\":\"" + first + "\"}";
  REQUIRE(lrs_statement_get(s.db, get.c_str(), LRS_NTS, &got.p, &got.n) == LRS_OK);
  CHECK(got.json()["id"].GetString() == first);
  CHECK(got.n == std::strlen(got.p));

  // Pages of one, following "more", each statement once.
  std::vector<std::string> seen;
  Out page;
  REQUIRE(lrs_statements_query(s.db, R"({"agent":{"mbox":"mailto:ana@example.com"},"limit":1})",
                               LRS_NTS, &page.p, &page.n) == LRS_OK);
  for (int guard = 0; guard < 10; ++guard) {
    auto d = page.json();
    for (const auto& st : d["statements"].GetArray()) seen.emplace_back(st["id"].GetString());
    std::string more = d["more"].GetString();
    if (more.empty()) break;
    Out next;
    REQUIRE(lrs_statements_more(s.db, more.data(), more.size(), &next.p, &next.n) == LRS_OK);
    std::swap(page.p, next.p);
    std::swap(page.n, next.n);
  }
  CHECK(seen.size() == 2);

  Out voiding;
  REQUIRE(lrs_statement_void(s.db, nullptr, 0, first.c_str(), LRS_NTS,
                             R"({"mbox":"mailto:admin@example.com"})", LRS_NTS, &voiding.p,
                             &voiding.n) == LRS_OK);
  CHECK(voiding.str().size() == 36);
  Out gone;
  CHECK(lrs_statement_get(s.db, get.c_str(), LRS_NTS, &gone.p, &gone.n) == LRS_NOT_FOUND);
  std::string vget = "{\"voidedStatementId\":\"" + first + "\"}";
  Out voided;
  CHECK(lrs_statement_get(s.db, vget.c_str(), LRS_NTS, &voided.p, &voided.n) == LRS_OK);
}

TEST_CASE("C API: documents keep binary content; preconditions hold") {
  Store s;
  const char* params =
      R"({"resource":"state","activityId":"http://example.com/m1",)"
      R"("agent":{"mbox":"mailto:ana@example.com"},"stateId":"bookmark"})";
  const char bytes[] = {'a', '\0', 'b', '\xff'};
  Out etag;
  REQUIRE(lrs_document_put(s.db, params, LRS_NTS, bytes, sizeof bytes, "application/octet-stream",
                           &etag.p, &etag.n) == LRS_OK);
  void* content = nullptr;
  size_t n = 0;
  char* meta = nullptr;
  REQUIRE(lrs_document_get(s.db, params, LRS_NTS, &content, &n, &meta) == LRS_OK);
  CHECK(n == sizeof bytes);
  CHECK(std::memcmp(content, bytes, n) == 0);
  lrs::json::Document m;
  REQUIRE(lrs::json::Parse(meta, &m).ok());
  CHECK(std::string(m["etag"].GetString()) == etag.json()["etag"].GetString());
  CHECK(std::string(m["contentType"].GetString()) == "application/octet-stream");
  lrs_free(content);
  lrs_free(meta);

  const char* stale =
      R"({"resource":"state","activityId":"http://example.com/m1",)"
      R"("agent":{"mbox":"mailto:ana@example.com"},"stateId":"bookmark","ifMatch":"\"0000\""})";
  CHECK(lrs_document_put(s.db, stale, LRS_NTS, "x", 1, nullptr, nullptr, nullptr) ==
        LRS_PRECONDITION_FAILED);

  Out list;
  REQUIRE(lrs_document_list(
              s.db,
              R"({"resource":"state","activityId":"http://example.com/m1","agent":{"mbox":"mailto:ana@example.com"}})",
              LRS_NTS, &list.p, &list.n) == LRS_OK);
  CHECK(list.str() == "[\"bookmark\"]");
  CHECK(lrs_document_delete(s.db, params, LRS_NTS) == LRS_OK);
  content = nullptr;
  CHECK(lrs_document_get(s.db, params, LRS_NTS, &content, &n, nullptr) == LRS_NOT_FOUND);
  CHECK(content == nullptr);

  CHECK(lrs_document_get(s.db, R"({"resource":"profile"})", LRS_NTS, &content, &n, nullptr) ==
        LRS_INVALID_ARGUMENT);
  CHECK(std::string(lrs_errmsg()).find("params.resource") != std::string::npos);
}

int Collect(void* ctx, const char* data, size_t len) {
  static_cast<std::string*>(ctx)->append(data, len);
  return 0;
}

int StopAtOnce(void*, const char*, size_t) { return 1; }

TEST_CASE("C API: export streams NDJSON and resumes; erase removes a learner") {
  Store s;
  for (int i = 0; i < 5; ++i) {
    Out ids;
    REQUIRE(Put(s.db, Statement(i % 2 ? "ana@example.com" : "bo@example.com",
                                "http://example.com/m" + std::to_string(i)),
                &ids) == LRS_OK);
  }
  std::string text;
  Out summary;
  REQUIRE(lrs_export(s.db, "{\"limit\":2}", LRS_NTS, Collect, &text, &summary.p, &summary.n) ==
          LRS_OK);
  CHECK(summary.str() == "{\"exported\":2,\"last\":2}");
  REQUIRE(lrs_export(s.db, "{\"after\":2}", LRS_NTS, Collect, &text, nullptr, nullptr) == LRS_OK);
  CHECK(std::count(text.begin(), text.end(), '\n') == 5);
  CHECK(lrs_export(s.db, nullptr, 0, StopAtOnce, nullptr, nullptr, nullptr) == LRS_ABORTED);

  Out report;
  REQUIRE(lrs_erase_agent(s.db, R"({"mbox":"mailto:ana@example.com"})", LRS_NTS, &report.p,
                          &report.n) == LRS_OK);
  CHECK(report.json()["statements"].GetUint64() == 2);
  text.clear();
  REQUIRE(lrs_export(s.db, nullptr, 0, Collect, &text, nullptr, nullptr) == LRS_OK);
  CHECK(std::count(text.begin(), text.end(), '\n') == 3);
  CHECK(text.find("ana@example.com") == std::string::npos);
}

TEST_CASE("C API: purge counts in a dry run, then deletes what was stored before a time") {
  Store s;
  for (int i = 0; i < 3; ++i) {
    Out ids;
    REQUIRE(Put(s.db, Statement("ana@example.com", "http://example.com/old" + std::to_string(i)),
                &ids) == LRS_OK);
  }
  // The bound: a millisecond after the old statements, before the new ones.
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const std::int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
  const std::string before = lrs::FormatIso8601Millis(now_ms * 1000);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  for (int i = 0; i < 2; ++i) {
    Out ids;
    REQUIRE(Put(s.db, Statement("bo@example.com", "http://example.com/new"), &ids) == LRS_OK);
  }
  const std::string params = "{\"before\":\"" + before + "\"}";

  Out dry;  // dry_run is the default
  REQUIRE(lrs_purge(s.db, params.data(), params.size(), &dry.p, &dry.n) == LRS_OK);
  lrs::json::Document d = dry.json();
  CHECK(d["dry_run"].IsTrue());
  CHECK(std::string(d["before"].GetString()) == before);
  CHECK(d["statements"].GetUint64() == 3);
  CHECK(d["bytes"].GetUint64() > 0);
  CHECK(d["oldest"].IsString());
  CHECK(d["newest"].IsString());
  CHECK(d["batches"].GetUint64() == 0);
  CHECK(d["audit_id"].IsNull());
  Out stats;
  REQUIRE(lrs_stats(s.db, &stats.p, &stats.n) == LRS_OK);
  CHECK(stats.json()["statements"].GetUint64() == 5);

  const std::string apply = "{\"before\":\"" + before + "\",\"dry_run\":false}";
  Out report;
  REQUIRE(lrs_purge(s.db, apply.data(), LRS_NTS, &report.p, &report.n) == LRS_OK);
  d = report.json();
  CHECK(d["dry_run"].IsFalse());
  CHECK(d["statements"].GetUint64() == 3);
  CHECK(d["batches"].GetUint64() == 1);
  CHECK(std::string(d["audit_id"].GetString()).size() == 36);
  std::string text;
  REQUIRE(lrs_export(s.db, nullptr, 0, Collect, &text, nullptr, nullptr) == LRS_OK);
  CHECK(std::count(text.begin(), text.end(), '\n') == 2);
  CHECK(text.find("/old") == std::string::npos);
  // A date means its midnight UTC; the output is optional.
  REQUIRE(lrs_purge(s.db, "{\"before\":\"2000-01-01\",\"dry_run\":false}", LRS_NTS, nullptr,
                    nullptr) == LRS_OK);
  text.clear();
  REQUIRE(lrs_export(s.db, nullptr, 0, Collect, &text, nullptr, nullptr) == LRS_OK);
  CHECK(std::count(text.begin(), text.end(), '\n') == 2);

  // Bad parameters name the member; nothing is purged.
  const char* bad[][2] = {{"{}", "params.before: required"},
                          {"{\"before\":\"2024-01-01T00:00:00\"}", "params.before: must be"},
                          {"{\"before\":\"soon\",\"dry_run\":false}", "params.before: must be"},
                          {"{\"before\":\"2999-01-01\",\"dry_run\":\"no\"}", "params.dry_run"},
                          {"{\"before\":\"2999-01-01\",\"bogus\":1}", "params.bogus"},
                          {"[]", "params"}};
  for (const auto& [p, msg] : bad) {
    INFO(p);
    Out o;
    CHECK(lrs_purge(s.db, p, LRS_NTS, &o.p, &o.n) == LRS_INVALID_ARGUMENT);
    CHECK(std::string(lrs_errmsg()).find(msg) != std::string::npos);
    CHECK(o.p == nullptr);
  }
  CHECK(lrs_purge(nullptr, apply.data(), LRS_NTS, nullptr, nullptr) == LRS_MISUSE);
  Out after;
  REQUIRE(lrs_stats(s.db, &after.p, &after.n) == LRS_OK);
  CHECK(after.json()["statements"].GetUint64() == 2);
}

TEST_CASE("C API: one handle used from many threads; messages stay per thread") {
  Store s;
  constexpr int kThreads = 8, kEach = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        Out ids;
        if (t % 2 == 0 || i % 5 != 0) {
          if (Put(s.db, Statement("t" + std::to_string(t) + "@example.com", "http://example.com/x"),
                  &ids) != LRS_OK || std::strlen(lrs_errmsg()) != 0)
            ++failures;
        } else {
          // A failing call on this thread: its message, not another thread's.
          if (Put(s.db, "{\"actor\":1}", &ids) != LRS_INVALID_ARGUMENT ||
              std::string(lrs_errmsg()).find("actor") == std::string::npos)
            ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures == 0);
  Out stats;
  REQUIRE(lrs_stats(s.db, &stats.p, &stats.n) == LRS_OK);
  CHECK(stats.json()["statements"].GetUint64() == kThreads * kEach - (kThreads / 2) * (kEach / 5));
}

TEST_CASE("C API: one app's store syncs to another's local endpoint") {
  lrs::json::Document info;
  Store upstream;
  lrs_server* server = nullptr;
  int rc = lrs_server_start(upstream.db, R"({"key":"central","secret":"central-secret-1"})",
                            LRS_NTS, &server);
  if (rc == LRS_NOT_SUPPORTED) return;  // a build without HTTP
  REQUIRE(rc == LRS_OK);
  Out o;
  REQUIRE(lrs_server_info(server, &o.p, &o.n) == LRS_OK);
  info = o.json();
  std::string endpoint = info["endpoint"].GetString();
  CHECK(endpoint.rfind("http://127.0.0.1:", 0) == 0);

  lrs_server* remote = nullptr;
  CHECK(lrs_server_start(upstream.db, R"({"listen":"0.0.0.0:0"})", LRS_NTS, &remote) ==
        LRS_INVALID_ARGUMENT);
  CHECK(remote == nullptr);

  Store app;
  std::string options = R"({"start_paused":true,"tick_ms":50,"destinations":[{"name":"central",)"
                        R"("type":"xapi","url":")" + endpoint +
                        R"(","key":"central","secret":"central-secret-1",)"
                        R"("allow_networks":["127.0.0.1"]}]})";
  REQUIRE(lrs_sync_validate(options.c_str(), LRS_NTS) == LRS_OK);
  CHECK(lrs_sync_validate(R"({"destinations":[{"name":"x","type":"nope"}]})", LRS_NTS) ==
        LRS_INVALID_ARGUMENT);
  std::atomic<int> logs{0};
  lrs_sync* sync = nullptr;
  REQUIRE(lrs_sync_open(app.db, options.c_str(), LRS_NTS,
                        [](void* ctx, int, const char*) { ++*static_cast<std::atomic<int>*>(ctx); },
                        &logs, &sync) == LRS_OK);
  for (int i = 0; i < 20; ++i) {
    Out ids;
    REQUIRE(Put(app.db, Statement("ana@example.com", "http://example.com/m" + std::to_string(i)),
                &ids) == LRS_OK);
  }
  Out status;
  REQUIRE(lrs_sync_status(sync, &status.p, &status.n) == LRS_OK);
  CHECK(status.json()[0]["lag"].GetUint64() == 20);
  CHECK(status.json()[0]["paused"].GetBool());
  CHECK(lrs_sync_wait_idle(sync, 100) == LRS_BUSY);

  REQUIRE(lrs_sync_resume(sync) == LRS_OK);
  REQUIRE(lrs_sync_now(sync) == LRS_OK);
  REQUIRE(lrs_sync_wait_idle(sync, 30000) == LRS_OK);
  Out dlq;
  REQUIRE(lrs_sync_dlq_list(sync, "central", 0, 0, &dlq.p, &dlq.n) == LRS_OK);
  CHECK(dlq.str() == "[]");
  lrs_sync_close(sync);

  Out stats;
  REQUIRE(lrs_stats(upstream.db, &stats.p, &stats.n) == LRS_OK);
  CHECK(stats.json()["statements"].GetUint64() == 20);
  lrs_server_stop(server);
}
}  // namespace
