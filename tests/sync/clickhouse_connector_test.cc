// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The ClickHouse connector against a real clickhouse-server (Debian's
// 18.16, started on a loopback port by tests/sync/clickhouse_util.h) with
// the table of scripts/clickhouse/xapi_statements.sql: flattened rows, a
// batch sent twice counted once (ReplacingMergeTree by statement id, read
// with FINAL), a reporting query over the table, rows the table cannot
// take rejected alone, the server down or refusing credentials ->
// unavailable, and the settings checked by name.

#include <catch2/catch.hpp>

#include <map>
#include <sstream>

#include "lrs/json/json.h"
#include "lrs/sync/relay.h"
#include "tests/support/test_util.h"
#include "tests/sync/clickhouse_util.h"
#include "tests/sync/sync_test_util.h"
#include "tests/sync/test_records.h"

namespace lrs::sync {
namespace {

using testing::ClickHouseServer;
using testing::ConnectorHarness;
using testing::Ptrs;

#define REQUIRE_OK(expr)                 \
  do {                                   \
    const ::lrs::Status _s = (expr);     \
    INFO(_s.ToString());                 \
    REQUIRE(_s.ok());                    \
  } while (0)

// A server for this test case, or a skip when the build found none.
#define START_CLICKHOUSE(ch)                                             \
  if (!ClickHouseServer::Available()) {                                  \
    WARN("skipped: no clickhouse-server (scripts/bootstrap installs it)"); \
    return;                                                              \
  }                                                                      \
  ClickHouseServer ch;                                                   \
  REQUIRE_OK(ch.Start())

std::string Settings(const ClickHouseServer& ch, const std::string& extra = "") {
  return R"({"categories_include_education":true,"url":")" + ch.url() + "\"" + extra + "}";
}

std::unique_ptr<Connector> Make(ConnectorHarness& h) {
  std::unique_ptr<Connector> c;
  REQUIRE_OK(NewConnector("clickhouse", h.ctx, &c));
  return c;
}

std::string Id(int i) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "6f1c0d9e-2b3a-4c5d-8e7f-%012d", i);
  return buf;
}

// Statements as the store keeps them (stored, authority, version set).
OutRecord Stmt(int i, const std::string& body) {
  OutRecord r;
  r.seq = static_cast<std::uint64_t>(i);
  r.statement_id = Id(i);
  r.learner = "mbox:mailto:learner" + std::to_string(i % 3) + "@example.com";
  r.idempotency_key = std::string(32, 'a');
  r.statement = R"({"id":")" + r.statement_id + R"(","actor":{"objectType":"Agent","name":"Learner )" +
                std::to_string(i % 3) + R"(","mbox":"mailto:learner)" + std::to_string(i % 3) +
                R"(@example.com"},)" + body +
                R"(,"stored":"2026-03-01T09:00:01.250Z","authority":{"objectType":"Agent",)"
                R"("account":{"homePage":"https://lrs.example.com","name":"app"}},"version":"1.0.3"})";
  return r;
}

std::vector<OutRecord> Course() {
  const std::string completed = R"("verb":{"id":"http://adlnet.gov/expapi/verbs/completed",)"
                                R"("display":{"fr":"a terminé","en-US":"completed"}})";
  const std::string module = R"("object":{"id":"http://example.com/course/m1","definition":)"
                             R"({"name":{"en-US":"Module 1"},"type":"http://adlnet.gov/expapi/activities/module"}})";
  std::vector<OutRecord> v;
  for (int i = 0; i < 6; ++i) {
    const std::string scaled = std::to_string(0.5 + 0.1 * i).substr(0, 3);
    v.push_back(Stmt(i, completed + "," + module +
                            R"(,"result":{"score":{"scaled":)" + scaled + R"(,"raw":)" +
                            std::to_string(50 + 10 * i) +
                            R"(,"min":0,"max":100},"success":)" + (i % 2 ? "true" : "false") +
                            R"(,"completion":true,"duration":"PT1M30.5S","response":"a[,]b"},)"
                            R"("context":{"registration":"0b5a8c38-6a3f-4e39-9d8f-8b1e2d3c4f50",)"
                            R"("contextActivities":{"parent":[{"id":"http://example.com/course"}],)"
                            R"("grouping":[{"id":"http://example.com/program"},{"id":"http://example.com/y2026"}]},)"
                            R"("platform":"iOS","language":"en-US"},)"
                            R"("timestamp":"2026-03-0)" + std::to_string(1 + i % 2) + R"(T10:00:00.123+01:00")"));
  }
  // Not a score: an agent as object, a substatement, and the voiding of #0.
  v.push_back(Stmt(6, R"("verb":{"id":"http://example.com/verbs/mentored"},)"
                      R"("object":{"objectType":"Agent","account":{"homePage":"https://x.example","name":"m"}},)"
                      R"("timestamp":"2026-03-02T08:00:00Z")"));
  v.push_back(Stmt(7, R"("verb":{"id":"http://example.com/verbs/planned"},)"
                      R"("object":{"objectType":"SubStatement","actor":{"mbox":"mailto:x@example.com"},)"
                      R"("verb":{"id":"http://example.com/verbs/attend"},"object":{"id":"http://example.com/e"}},)"
                      R"("timestamp":"2026-03-02T08:00:00Z")"));
  v.push_back(Stmt(8, R"("verb":{"id":"http://adlnet.gov/expapi/verbs/voided","display":{"en":"voided"}},)"
                      R"("object":{"objectType":"StatementRef","id":")" + Id(0) + R"("},)"
                      R"("timestamp":"2026-03-02T09:00:00Z")"));
  return v;
}

std::map<std::string, json::Document> Rows(ClickHouseServer& ch, const std::string& where = "") {
  std::string out;
  REQUIRE_OK(ch.Query("SELECT * FROM xapi_statements FINAL " + where + " FORMAT JSONEachRow", &out));
  std::map<std::string, json::Document> rows;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    json::Document d;
    REQUIRE_OK(json::Parse(line, &d));
    rows[std::string(json::StringOr(d, "id"))].Swap(d);
  }
  return rows;
}

std::string Field(const json::Value& row, const char* name) {
  const json::Value* v = json::Member(row, name);
  REQUIRE(v);
  return v->IsString() ? std::string(json::View(*v)) : json::Write(*v);
}

TEST_CASE("ClickHouse: flattened rows; a batch sent twice counts once; a report over the table",
          "[sync][clickhouse]") {
  START_CLICKHOUSE(ch);
  REQUIRE_OK(ch.CreateStatementsTable());
  ConnectorHarness h(Settings(ch));
  auto c = Make(h);
  CHECK(c->max_batch() == 1000);
  CHECK_FALSE(c->uses_mapping());
  CHECK(c->preserves_batch_order());

  const std::vector<OutRecord> recs = Course();
  for (int pass = 0; pass < 2; ++pass) {  // the second: a retried batch
    DeliveryResult r = c->Deliver(Ptrs(recs));
    INFO(r.error);
    REQUIRE(r.kind == DeliveryResult::Kind::kDone);
    for (const auto& x : r.records) CHECK(x.outcome == Outcome::kDelivered);
  }
  std::string n;
  REQUIRE_OK(ch.Query("SELECT count() FROM xapi_statements", &n));
  CHECK(n == "18\n");  // both inserts are there until a merge...
  REQUIRE_OK(ch.Query("SELECT count() FROM xapi_statements FINAL", &n));
  CHECK(n == "9\n");  // ...but not to FINAL
  REQUIRE_OK(ch.Query("OPTIMIZE TABLE xapi_statements FINAL"));
  REQUIRE_OK(ch.Query("SELECT count() FROM xapi_statements", &n));
  CHECK(n == "9\n");  // and not after the merge

  auto rows = Rows(ch);
  REQUIRE(rows.size() == 9);
  const json::Value& r1 = rows.at(Id(1));
  CHECK(Field(r1, "timestamp") == "2026-03-02 09:00:00");  // UTC
  CHECK(Field(r1, "timestamp_ms") == "1772442000123");
  CHECK(Field(r1, "stored_ms") == "1772355601250");
  CHECK(Field(r1, "date") == "2026-03-02");
  CHECK(Field(r1, "version") == "1.0.3");
  CHECK(Field(r1, "actor_id") == "mbox:mailto:learner1@example.com");
  CHECK(Field(r1, "actor_name") == "Learner 1");
  CHECK(Field(r1, "actor_type") == "Agent");
  CHECK(Field(r1, "verb_id") == "http://adlnet.gov/expapi/verbs/completed");
  CHECK(Field(r1, "verb_display") == "completed");
  CHECK(Field(r1, "object_type") == "Activity");
  CHECK(Field(r1, "object_id") == "http://example.com/course/m1");
  CHECK(Field(r1, "object_name") == "Module 1");
  CHECK(Field(r1, "object_definition_type") == "http://adlnet.gov/expapi/activities/module");
  CHECK(Field(r1, "result_score_scaled") == "0.6");
  CHECK(Field(r1, "result_score_raw") == "60");
  CHECK(Field(r1, "result_score_max") == "100");
  CHECK(Field(r1, "result_success") == "1");
  CHECK(Field(rows.at(Id(2)), "result_success") == "0");
  CHECK(Field(r1, "result_completion") == "1");
  CHECK(Field(r1, "result_duration_ms") == "90500");
  CHECK(Field(r1, "result_response") == "a[,]b");
  CHECK(Field(r1, "registration") == "0b5a8c38-6a3f-4e39-9d8f-8b1e2d3c4f50");
  CHECK(Field(r1, "parent_ids") == R"(["http://example.com/course"])");
  CHECK(Field(r1, "grouping_ids") == R"(["http://example.com/program","http://example.com/y2026"])");
  CHECK(Field(r1, "category_ids") == "[]");
  CHECK(Field(r1, "platform") == "iOS");
  CHECK(Field(r1, "language") == "en-US");
  CHECK(Field(r1, "voided_id") == "null");
  CHECK(Field(r1, "authority_id") == "account:https://lrs.example.com|app");
  CHECK(Field(r1, "statement") == recs[1].statement);  // exact
  const json::Value& agent = rows.at(Id(6));
  CHECK(Field(agent, "object_type") == "Agent");
  CHECK(Field(agent, "object_id") == "account:https://x.example|m");
  CHECK(Field(agent, "result_score_scaled") == "null");
  CHECK(Field(agent, "registration") == "null");
  CHECK(Field(agent, "verb_display") == "");
  CHECK(Field(rows.at(Id(7)), "object_type") == "SubStatement");
  CHECK(Field(rows.at(Id(8)), "voided_id") == Id(0));
  CHECK(Field(rows.at(Id(8)), "verb_display") == "voided");

  // A report: per module, learners who completed it, their average scaled
  // score and time spent, voided statements left out.
  std::string report;
  REQUIRE_OK(ch.Query(
      "SELECT object_id, uniqExact(actor_id) AS learners, round(avg(result_score_scaled), 2) AS "
      "avg_scaled, sum(result_duration_ms) AS time_ms, countIf(result_success = 1) AS passed "
      "FROM xapi_statements FINAL "
      "WHERE verb_id = 'http://adlnet.gov/expapi/verbs/completed' AND id NOT IN "
      "(SELECT voided_id FROM xapi_statements FINAL WHERE voided_id IS NOT NULL) "
      "GROUP BY object_id ORDER BY object_id FORMAT TabSeparated",
      &report));
  // #0 (scaled 0.5) is voided: #1..#5 remain, scaled 0.6..1.0.
  CHECK(report == "http://example.com/course/m1\t3\t0.8\t452500\t3\n");
  // Per day: statements by UTC date.
  REQUIRE_OK(ch.Query("SELECT date, count() FROM xapi_statements FINAL GROUP BY date ORDER BY date "
                      "FORMAT TabSeparated",
                      &report));
  CHECK(report == "2026-03-01\t3\n2026-03-02\t6\n");
}

TEST_CASE("ClickHouse: rows the table cannot take are rejected alone, the rest delivered",
          "[sync][clickhouse]") {
  START_CLICKHOUSE(ch);
  // An operator's narrower table: raw scores as unsigned integers, and only
  // the columns it wants (the others are skipped).
  REQUIRE_OK(ch.Query(
      "CREATE TABLE scores (id UUID, date Date, actor_id String, result_score_raw Nullable(UInt32)) "
      "ENGINE = ReplacingMergeTree PARTITION BY toYYYYMM(date) ORDER BY (date, id)"));
  ConnectorHarness h(Settings(ch, R"(,"table":"scores","batch_size":50)"));
  auto c = Make(h);
  std::vector<OutRecord> recs;
  for (int i = 0; i < 40; ++i) {
    const int raw = (i == 7 || i == 30 || i == 31) ? -5 : i;  // three negative scores
    recs.push_back(Stmt(i, R"("verb":{"id":"http://adlnet.gov/expapi/verbs/scored"},)"
                           R"("object":{"id":"http://example.com/quiz"},)"
                           R"("result":{"score":{"raw":)" + std::to_string(raw) + R"(}},)"
                           R"("timestamp":"2026-03-01T10:00:00Z")"));
  }
  DeliveryResult r = c->Deliver(Ptrs(recs));
  INFO(r.error);
  REQUIRE(r.kind == DeliveryResult::Kind::kDone);
  for (int i = 0; i < 40; ++i) {
    INFO(i << ": " << r.records[static_cast<std::size_t>(i)].error);
    if (i == 7 || i == 30 || i == 31) {
      CHECK(r.records[static_cast<std::size_t>(i)].outcome == Outcome::kReject);
      CHECK(r.records[static_cast<std::size_t>(i)].error.find("ClickHouse 72") != std::string::npos);
    } else {
      CHECK(r.records[static_cast<std::size_t>(i)].outcome == Outcome::kDelivered);
    }
  }
  std::string n;
  REQUIRE_OK(ch.Query("SELECT count(), sum(result_score_raw) FROM scores FINAL", &n));
  CHECK(n == "37\t" + std::to_string(39 * 40 / 2 - 7 - 30 - 31) + "\n");
}

TEST_CASE("ClickHouse: server down, unknown table or bad password -> unavailable, then delivered",
          "[sync][clickhouse]") {
  START_CLICKHOUSE(ch);
  const std::vector<OutRecord> recs = Course();
  {
    ConnectorHarness h(Settings(ch, R"(,"timeout_ms":5000)"));
    auto c = Make(h);
    // No table yet: the operator's mistake, nothing dead-lettered.
    DeliveryResult r = c->Deliver(Ptrs(recs));
    CHECK(r.kind == DeliveryResult::Kind::kUnavailable);
    CHECK(r.error.find("xapi_statements doesn't exist") != std::string::npos);
    REQUIRE_OK(ch.CreateStatementsTable());
    // Down: connection refused.
    ch.Kill();
    r = c->Deliver(Ptrs(recs));
    CHECK(r.kind == DeliveryResult::Kind::kUnavailable);
    CHECK_FALSE(r.error.empty());
    REQUIRE_OK(ch.Start());
    r = c->Deliver(Ptrs(recs));
    INFO(r.error);
    REQUIRE(r.kind == DeliveryResult::Kind::kDone);
    std::string n;
    REQUIRE_OK(ch.Query("SELECT count() FROM xapi_statements FINAL", &n));
    CHECK(n == "9\n");
  }
  {
    ConnectorHarness h(Settings(ch, R"(,"user":"analyst","password":"pw-s3cret-1")"));
    auto c = Make(h);
    DeliveryResult r = c->Deliver(Ptrs(recs));
    CHECK(r.kind == DeliveryResult::Kind::kUnavailable);
    CHECK(r.error.find("credentials rejected") != std::string::npos);
    CHECK(r.error.find("pw-s3cret-1") == std::string::npos);
  }
}

TEST_CASE("ClickHouse: settings are checked and named", "[sync][clickhouse]") {
  auto status = [](const std::string& settings) {
    ConnectorHarness h(settings);
    std::unique_ptr<Connector> c;
    return NewConnector("clickhouse", h.ctx, &c).ToString();
  };
  const std::string edu = R"("categories_include_education":true,)";
  CHECK(status("{" + edu + R"("url":"http://127.0.0.1:1"})") == "OK");
  CHECK(status(R"({"categories_include_education":true})").find("url: required") != std::string::npos);
  CHECK(status("{" + edu + R"("url":"ftp://x"})").find("url:") != std::string::npos);
  CHECK(status("{" + edu + R"("url":"http://x/?database=y"})").find("url: no query") !=
        std::string::npos);
  CHECK(status("{" + edu + R"("url":"http://x","table":"a;drop"})").find("table:") !=
        std::string::npos);
  CHECK(status("{" + edu + R"("url":"http://x","database":"a`b"})").find("database:") !=
        std::string::npos);
  CHECK(status("{" + edu + R"("url":"http://x","batch_size":100001})").find("batch_size") !=
        std::string::npos);
  CHECK(status("{" + edu + R"("url":"http://x","password_env":"LRS_NO_SUCH_VAR_42"})")
            .find("password") != std::string::npos);
  // Whole statements carry education data (docs/sync.md, categories).
  CHECK(status(R"({"url":"http://127.0.0.1:1"})").find("categories must include education") !=
        std::string::npos);
}

TEST_CASE("ClickHouse: a stored statement flattens without a server", "[sync][clickhouse]") {
  std::string row;
  CHECK_FALSE(FlattenStatement("[1]", "x", &row));
  REQUIRE(FlattenStatement(
      R"({"id":"6f1c0d9e-2b3a-4c5d-8e7f-000000000001","actor":{"member":[{"mbox":"mailto:a@x"}],"objectType":"Group"},)"
      R"("verb":{"id":"v"},"object":{"id":"o"},"timestamp":"1969-12-31T23:59:59.500Z","stored":"2026-01-01T00:00:00Z",)"
      R"("result":{"duration":"P1D"},"context":{"contextActivities":{"parent":{"id":"p"}}}})",
      "group:mbox:mailto:a@x", &row));
  json::Document d;
  REQUIRE_OK(json::Parse(row, &d));
  CHECK(Field(d, "timestamp") == "0");  // DateTime starts in 1970
  CHECK(Field(d, "timestamp_ms") == "-500");
  CHECK(Field(d, "date") == "1970-01-01");
  CHECK(Field(d, "version") == "1.0.0");
  CHECK(Field(d, "actor_type") == "Group");
  CHECK(Field(d, "actor_id") == "group:mbox:mailto:a@x");
  CHECK(Field(d, "result_duration_ms") == "86400000");
  CHECK(Field(d, "parent_ids") == R"(["p"])");
  CHECK(Field(d, "statement").find("\"P1D\"") != std::string::npos);
}

TEST_CASE("sync dry-run: the ClickHouse insert and the Kafka message, nothing sent",
          "[sync][clickhouse][kafka]") {
  lrs::testing::TestStore store;
  std::vector<std::string> ids;
  REQUIRE_OK(store->PutStatements(
      StatementWrite{},
      lrs::testing::Statement("ana@example.com", "http://adlnet.gov/expapi/verbs/completed",
                              "http://example.com/m3", R"("result":{"score":{"scaled":0.82}})"),
      &ids));
  // Nothing listens on port 1: a dry run that sent would fail or hang.
  std::string report;
  REQUIRE_OK(DryRun(store.store.get(), R"([{"name":"wh","type":"clickhouse","url":"http://127.0.0.1:1","password":"ch-s3cret-pw"}])",
                    "wh", ids[0], &report));
  CHECK(report.find("POST http://127.0.0.1:1/?query=INSERT%20INTO%20%60default%60.%60xapi_statements%60"
                    "%20FORMAT%20JSONEachRow") != std::string::npos);
  CHECK(report.find("X-ClickHouse-Key: <redacted>") != std::string::npos);
  CHECK(report.find("ch-s3cret-pw") == std::string::npos);
  CHECK(report.find(R"("result_score_scaled":0.82)") != std::string::npos);
  const auto t0 = std::chrono::steady_clock::now();
  REQUIRE_OK(DryRun(store.store.get(), R"([{"name":"st","type":"kafka","brokers":"127.0.0.1:1","topic":"xapi.default"}])",
                    "st", ids[0], &report));
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
  CHECK(report.find("produce to topic xapi.default at 127.0.0.1:1") != std::string::npos);
  const std::size_t key = report.find("\nkey: ");
  REQUIRE(key != std::string::npos);
  CHECK(report.substr(key + 6, 64).find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(report.find("header statement_id: " + ids[0]) != std::string::npos);
  CHECK(report.find("header xapi_version: ") != std::string::npos);
  CHECK(report.find(R"("scaled":0.82)") != std::string::npos);
}

}  // namespace
}  // namespace lrs::sync
