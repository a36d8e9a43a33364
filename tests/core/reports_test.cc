// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Store::Report (docs/reporting.md) over the aggregates kept at write time
// (lrs/core/aggregates.h): every report on a small course with known
// answers; filters (days, group, agent, registration); voiding; the build
// of the aggregates at open (a store written with them off answers as one
// that always had them); bad parameters.

#include <catch2/catch.hpp>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "lrs/core/store_impl.h"
#include "lrs/json/json.h"
#include "lrs/storage/env.h"
#include "tests/support/test_util.h"

namespace lrs {
namespace {

using testing::Agent;
using testing::TestStore;
using Params = std::vector<std::pair<std::string, std::string>>;

constexpr const char* kCompleted = "http://adlnet.gov/expapi/verbs/completed";
constexpr const char* kPassed = "http://adlnet.gov/expapi/verbs/passed";
constexpr const char* kFailed = "http://adlnet.gov/expapi/verbs/failed";
constexpr const char* kAttempted = "http://adlnet.gov/expapi/verbs/attempted";
constexpr const char* kCourse = "https://example.com/course/c";
constexpr const char* kM1 = "https://example.com/course/c/m1";
constexpr const char* kM2 = "https://example.com/course/c/m2";
constexpr const char* kObj = "https://example.com/objective/fractions";
constexpr const char* kReg = "11111111-2222-4333-8444-555555555555";

std::string S(const std::string& email, const char* verb, const std::string& object,
              const std::string& day, const std::string& result = "",
              const std::string& context = "", const std::string& id = "") {
  std::string s = "{";
  if (!id.empty()) s += "\"id\":\"" + id + "\",";
  s += "\"actor\":" + Agent(email, email.substr(0, email.find('@'))) + ",\"verb\":{\"id\":\"" +
       verb + "\"},\"object\":" + object + ",\"timestamp\":\"" + day + "T10:00:00Z\"";
  if (!result.empty()) s += ",\"result\":" + result;
  if (!context.empty()) s += ",\"context\":" + context;
  return s + "}";
}
std::string Activity(const std::string& id, const std::string& name = "",
                     const std::string& type = "") {
  std::string s = "{\"objectType\":\"Activity\",\"id\":\"" + id + "\"";
  if (!name.empty() || !type.empty()) {
    s += ",\"definition\":{";
    if (!name.empty()) s += "\"name\":{\"en-US\":\"" + name + "\"}";
    if (!type.empty()) s += std::string(name.empty() ? "" : ",") + "\"type\":\"" + type + "\"";
    s += "}";
  }
  return s + "}";
}
std::string Parent(const std::string& id, const std::string& extra = "") {
  return "{\"contextActivities\":{\"parent\":[{\"id\":\"" + id + "\"}]}" + extra + "}";
}
std::string Grouping(const std::string& id) {
  return "{\"contextActivities\":{\"grouping\":[{\"id\":\"" + id + "\"}]}}";
}
std::string Score(double scaled, const std::string& more = "") {
  return "{\"score\":{\"scaled\":" + std::to_string(scaled) + "}" + more + "}";
}

constexpr const char* kVoidMe = "aaaaaaaa-0000-4000-8000-000000000001";

// The course: ana finishes it, bob fails module 1, cy does module 2 only;
// dan's completion is voided.
std::vector<std::string> Course() {
  const std::string obj = Activity(kObj, "Fractions", "http://adlnet.gov/expapi/activities/objective");
  return {
      S("ana@x.org", kCompleted, Activity(kM1, "Module 1"), "2026-11-01",
        Score(0.9, ",\"duration\":\"PT10M\""), Parent(kCourse)),
      S("ana@x.org", kPassed, obj, "2026-11-01", Score(0.9, ",\"success\":true"), Parent(kM1)),
      S("ana@x.org", kCompleted, Activity(kM2, "Module 2"), "2026-11-02",
        Score(0.7, ",\"duration\":\"PT5M\""), Parent(kCourse)),
      S("ana@x.org", kCompleted, Activity(kCourse, "Course C"), "2026-11-02",
        Score(0.85, ",\"success\":true,\"completion\":true")),
      S("bob@x.org", kAttempted, Activity(kM1), "2026-11-01", "{\"duration\":\"PT3M\"}",
        Parent(kCourse, ",\"registration\":\"" + std::string(kReg) + "\"")),
      S("bob@x.org", kFailed, Activity(kM1), "2026-11-02", Score(0.4, ",\"success\":false"),
        Parent(kCourse, ",\"registration\":\"" + std::string(kReg) + "\"")),
      S("bob@x.org", kFailed, Activity(kObj), "2026-11-02", Score(0.5, ",\"success\":false"),
        Parent(kM1)),
      S("cy@x.org", kCompleted, Activity(kM2), "2026-11-03", Score(1.0), Grouping(kCourse)),
      S("dan@x.org", kCompleted, Activity(kM1), "2026-11-03", Score(0.2), Parent(kCourse), kVoidMe),
  };
}

void Put(TestStore& ts, const std::vector<std::string>& stmts) {
  for (const auto& s : stmts) {
    StatementWrite w;
    std::vector<std::string> ids;
    REQUIRE(ts->PutStatements(w, s, &ids).ok());
  }
}

void VoidDan(TestStore& ts) {
  StatementWrite w;
  std::vector<std::string> ids;
  const std::string v = "{\"actor\":" + Agent("admin@x.org") +
                        ",\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/voided\"},"
                        "\"object\":{\"objectType\":\"StatementRef\",\"id\":\"" +
                        std::string(kVoidMe) + "\"}}";
  REQUIRE(ts->PutStatements(w, v, &ids).ok());
}

json::Document Report(TestStore& ts, const std::string& name, const Params& params) {
  std::string out;
  Status s = ts->Report(name, params, &out);
  INFO(name << " " << s.ToString());
  REQUIRE(s.ok());
  json::Document d;
  REQUIRE(json::Parse(out, &d).ok());
  return d;
}

std::int64_t I(const json::Value& v, const char* k) { return json::Member(v, k)->GetInt64(); }
double D(const json::Value& v, const char* k) { return json::Member(v, k)->GetDouble(); }

const json::Value* Row(const json::Value& rows, const std::string& key, const char* field = "key") {
  for (const auto& r : rows.GetArray())
    if (json::StringOr(r, field) == key) return &r;
  return nullptr;
}

TEST_CASE("reports: statement counts by day, verb and activity", "[reports]") {
  TestStore ts;
  Put(ts, Course());
  VoidDan(ts);
  auto d = Report(ts, "statements", {{"by", "day"}});
  const json::Value& rows = *json::Member(d, "rows");
  REQUIRE(rows.Size() == 3);
  CHECK(json::StringOr(rows[0], "key") == "2026-11-01");
  CHECK(I(rows[0], "statements") == 3);
  CHECK(I(rows[1], "statements") == 4);
  CHECK(I(rows[2], "statements") == 1);  // dan's is voided; voiding statements never count

  d = Report(ts, "statements", {{"by", "day"}, {"since", "2026-11-02"}, {"until", "2026-11-02"}});
  REQUIRE(json::Member(d, "rows")->Size() == 1);

  d = Report(ts, "statements", {{"by", "verb"}});
  const json::Value* completed = Row(*json::Member(d, "rows"), kCompleted);
  REQUIRE(completed);
  CHECK(I(*completed, "statements") == 4);
  CHECK(json::StringOr(*completed, "display") == "completed");
  CHECK(json::StringOr((*json::Member(d, "rows"))[0], "key") == kCompleted);  // largest first

  d = Report(ts, "statements", {{"by", "activity"}});
  const json::Value* m1 = Row(*json::Member(d, "rows"), kM1);
  REQUIRE(m1);
  CHECK(I(*m1, "statements") == 3);
  CHECK(json::StringOr(*m1, "name") == "Module 1");

  // An activity's subtree by day: the course's own statement and its modules'.
  d = Report(ts, "statements", {{"by", "day"}, {"activity", kCourse}});
  std::int64_t total = 0;
  for (const auto& r : json::Member(d, "rows")->GetArray()) total += I(r, "statements");
  CHECK(total == 6);
}

TEST_CASE("reports: one activity's completion, pass rate, scores and time", "[reports]") {
  TestStore ts;
  Put(ts, Course());
  VoidDan(ts);
  auto m1 = Report(ts, "activity", {{"activity", kM1}});
  CHECK(json::StringOr(m1, "name") == "Module 1");
  CHECK(I(m1, "statements") == 3);
  CHECK(I(m1, "statements_in_subtree") == 5);  // + the objective's two
  CHECK(I(m1, "learners") == 2);
  CHECK(I(m1, "completed") == 1);
  CHECK(I(m1, "passed") == 0);
  CHECK(I(m1, "failed") == 1);
  CHECK(D(m1, "completion_rate") == Approx(0.5));
  const json::Value& scores = *json::Member(m1, "scores");
  CHECK(I(scores, "count") == 2);
  CHECK(D(scores, "mean") == Approx(0.65));
  const json::Value& hist = *json::Member(scores, "histogram");
  REQUIRE(hist.Size() == 20);
  CHECK(I(hist[14], "count") == 1);  // 0.4
  CHECK(I(hist[19], "count") == 1);  // 0.9
  CHECK(D(hist[19], "to") == Approx(1.0));
  const json::Value& time = *json::Member(m1, "time_spent");
  CHECK(I(time, "total_ms") == 13 * 60 * 1000);
  CHECK(I(time, "mean_ms_per_learner") == 13 * 60 * 1000 / 2);

  auto course = Report(ts, "activity", {{"activity", kCourse}});
  CHECK(I(course, "statements") == 1);
  CHECK(I(course, "statements_in_subtree") == 6);
  CHECK(I(course, "learners") == 3);
  CHECK(I(course, "completed") == 1);
  CHECK(I(course, "passed") == 1);

  // Unknown activity: zeros, not an error.
  auto none = Report(ts, "activity", {{"activity", "https://example.com/none"}});
  CHECK(I(none, "learners") == 0);
  CHECK(json::Member(none, "completion_rate")->IsNull());
}

TEST_CASE("reports: modules of a course, progress, objectives", "[reports]") {
  TestStore ts;
  Put(ts, Course());
  VoidDan(ts);
  auto acts = Report(ts, "activities", {{"parent", kCourse}});
  const json::Value& list = *json::Member(acts, "activities");
  REQUIRE(list.Size() == 2);
  CHECK(json::StringOr(list[0], "activity") == kM1);  // 5 in its subtree
  CHECK(json::StringOr(list[1], "activity") == kM2);
  CHECK(I(list[1], "completed") == 2);

  auto all = Report(ts, "activities", {{"limit", "2"}});
  CHECK(json::Member(all, "activities")->Size() == 2);

  auto prog = Report(ts, "progress", {{"activity", kCourse}});
  CHECK(I(prog, "modules") == 2);
  const json::Value& learners = *json::Member(prog, "learners");
  REQUIRE(learners.Size() == 3);
  CHECK(json::StringOr(*json::Member(learners[0], "agent"), "mbox") == "mailto:cy@x.org");  // latest
  const json::Value* ana = nullptr;
  for (const auto& l : learners.GetArray())
    if (json::StringOr(*json::Member(l, "agent"), "mbox") == "mailto:ana@x.org") ana = &l;
  REQUIRE(ana);
  CHECK(json::StringOr(*json::Member(*ana, "agent"), "name") == "ana");
  CHECK(json::Member(*ana, "completed")->GetBool());
  CHECK(json::Member(*ana, "passed")->GetBool());
  CHECK(D(*ana, "best_scaled") == Approx(0.85));
  CHECK(I(*ana, "modules_completed") == 2);
  CHECK(I(*ana, "time_spent_ms") == 15 * 60 * 1000);
  CHECK(I(*ana, "statements") == 3);
  CHECK(json::StringOr(*ana, "first") == "2026-11-01T10:00:00.000Z");
  // With dates, the per-day rows: ana's module 1 (on 11-01) is outside.
  auto later = Report(ts, "progress", {{"activity", kCourse}, {"since", "2026-11-02"}});
  const json::Value* ana2 = nullptr;
  for (const auto& l : json::Member(later, "learners")->GetArray())
    if (json::StringOr(*json::Member(l, "agent"), "mbox") == "mailto:ana@x.org") ana2 = &l;
  REQUIRE(ana2);
  CHECK(I(*ana2, "modules_completed") == 1);
  CHECK(I(*ana2, "statements") == 2);
  CHECK(json::StringOr(*ana2, "first") == "2026-11-02T10:00:00.000Z");
  auto m1_late = Report(ts, "activity", {{"activity", kM1}, {"since", "2026-11-02"}});
  CHECK(I(m1_late, "learners") == 1);  // bob only (failed on 11-02)

  auto obj = Report(ts, "objectives", {});
  const json::Value& objs = *json::Member(obj, "objectives");
  REQUIRE(objs.Size() == 1);
  CHECK(json::StringOr(objs[0], "name") == "Fractions");
  CHECK(I(objs[0], "attempts") == 2);
  CHECK(I(objs[0], "learners") == 2);
  CHECK(I(objs[0], "passed") == 1);
  CHECK(D(objs[0], "mean_scaled") == Approx(0.7));
  CHECK(I(objs[0], "learners_at_mastery") == 1);
  auto low = Report(ts, "objectives", {{"mastery", "0.5"}});
  CHECK(I((*json::Member(low, "objectives"))[0], "learners_at_mastery") == 2);
  CHECK(json::Member(Report(ts, "objectives", {{"parent", kM1}}), "objectives")->Size() == 1);
  CHECK(json::Member(Report(ts, "objectives", {{"parent", kCourse}}), "objectives")->Size() == 0);
}

TEST_CASE("reports: group, agent and registration filters", "[reports]") {
  TestStore ts;
  Put(ts, Course());
  const std::string group = "{\"objectType\":\"Group\",\"member\":[" + Agent("ana@x.org") + "," +
                            Agent("cy@x.org") + "]}";
  auto m2 = Report(ts, "activity", {{"activity", kM2}, {"group", group}});
  CHECK(I(m2, "learners") == 2);
  auto m1 = Report(ts, "activity", {{"activity", kM1}, {"group", group}});
  CHECK(I(m1, "learners") == 1);
  CHECK(I(m1, "statements") == 1);  // ana's only (dan's is not voided here, but not a member)
  CHECK(I(*json::Member(m1, "scores"), "count") == 1);
  auto bob = Report(ts, "progress", {{"activity", kCourse}, {"agent", Agent("bob@x.org")}});
  REQUIRE(json::Member(bob, "learners")->Size() == 1);

  auto reg = Report(ts, "activity", {{"activity", kM1}, {"registration", kReg}});
  CHECK(I(reg, "statements") == 2);
  CHECK(I(reg, "learners") == 1);
  CHECK(I(reg, "failed") == 1);
  auto by_verb = Report(ts, "statements", {{"by", "verb"}, {"agent", Agent("bob@x.org")}});
  const json::Value* failed = Row(*json::Member(by_verb, "rows"), kFailed);
  REQUIRE(failed);
  CHECK(I(*failed, "statements") == 2);
}

TEST_CASE("reports: voiding takes a statement out; built at open as if kept all along",
          "[reports]") {
  TestStore ts;
  Put(ts, Course());
  CHECK(I(Report(ts, "activity", {{"activity", kM1}}), "completed") == 2);  // dan counts
  VoidDan(ts);
  CHECK(I(Report(ts, "activity", {{"activity", kM1}}), "completed") == 1);

  // A store written with aggregates off (in part), then opened with them on.
  Options off;
  off.aggregates = false;
  TestStore other(off);
  std::string out;
  CHECK(other->Report("statements", {{"by", "day"}}, &out).code() == Status::Code::kNotSupported);
  auto stmts = Course();
  Put(other, stmts);
  other.Reopen(off);
  VoidDan(other);
  other.Reopen(Options());
  for (const auto& [name, params] : std::vector<std::pair<std::string, Params>>{
           {"statements", {{"by", "day"}}},
           {"statements", {{"by", "verb"}}},
           {"activity", {{"activity", kM1}}},
           {"activities", {}},
           {"progress", {{"activity", kCourse}}},
           {"objectives", {}}}) {
    std::string a, b;
    REQUIRE(ts->Report(name, params, &a).ok());
    REQUIRE(other->Report(name, params, &b).ok());
    CHECK(a == b);
  }
  // Reopening keeps them (no rebuild needed, same answers).
  std::string before;
  REQUIRE(ts->Report("progress", {{"activity", kCourse}}, &before).ok());
  ts.Reopen();
  std::string after;
  REQUIRE(ts->Report("progress", {{"activity", kCourse}}, &after).ok());
  CHECK(before == after);
}

TEST_CASE("reports: erasure and purge take their statements out of the aggregates",
          "[reports]") {
  TestStore ts;
  Put(ts, Course());
  VoidDan(ts);
  ErasureReport er;
  REQUIRE(ts->EraseAgent(Agent("ana@x.org"), &er).ok());
  CHECK(er.statements == 4);
  auto m2 = Report(ts, "activity", {{"activity", kM2}});
  CHECK(I(m2, "learners") == 1);  // cy
  CHECK(I(m2, "statements") == 1);
  auto prog = Report(ts, "progress", {{"activity", kCourse}});
  CHECK(json::Member(prog, "learners")->Size() == 2);
  CHECK(std::string(json::Write(prog)).find("ana@x.org") == std::string::npos);
  auto obj = Report(ts, "objectives", {});
  CHECK(I((*json::Member(obj, "objectives"))[0], "learners") == 1);  // bob

  // The same as a store that never had ana's statements.
  TestStore without;
  for (const auto& st : Course())
    if (st.find("ana@x.org") == std::string::npos) Put(without, {st});
  VoidDan(without);
  for (const auto& [name, params] : std::vector<std::pair<std::string, Params>>{
           {"statements", {{"by", "day"}}},
           {"statements", {{"by", "verb"}}},
           {"progress", {{"activity", kCourse}}}}) {
    std::string a, b;
    REQUIRE(ts->Report(name, params, &a).ok());
    REQUIRE(without->Report(name, params, &b).ok());
    CHECK(a == b);
  }
  // (Activity reports differ only in names: ana's statements defined them,
  // and definitions stay.)
  auto c1 = Report(ts, "activity", {{"activity", kCourse}});
  auto c2 = Report(without, "activity", {{"activity", kCourse}});
  for (const char* k : {"statements", "statements_in_subtree", "learners", "completed", "failed"})
    CHECK(I(c1, k) == I(c2, k));

  // Closing merges the pending deltas into the tables (StoreImpl::
  // FlushIndexBuffer): the same figures, and ana's name is in neither
  // aggregate table, nor pending.
  std::string before;
  REQUIRE(ts->Report("progress", {{"activity", kCourse}}, &before).ok());
  // ana's name is in no aggregate table, pending or merged.
  auto no_ana = [&](bool flushed) {
    auto* impl = static_cast<core::StoreImpl*>(ts.store.get());
    storage::ReadTxn txn;
    REQUIRE(impl->env()->BeginRead(&txn).ok());
    for (storage::Table t : {storage::Table::kAgg, storage::Table::kAggLearners, storage::Table::kAggPending}) {
      storage::Cursor c;
      REQUIRE(c.Open(txn.txn(), txn.dbi(t)).ok());
      MDB_val k, v;
      std::size_t n = 0;
      for (Status cs = c.Get(&k, &v, MDB_FIRST); cs.ok(); cs = c.Get(&k, &v, MDB_NEXT)) {
        ++n;
        CHECK(storage::View(v).find("ana@x.org") == std::string_view::npos);
      }
      if (flushed && t == storage::Table::kAggPending) CHECK(n == 0);
      if (!flushed && t == storage::Table::kAggPending) CHECK(n > 0);
    }
  };
  no_ana(false);
  ts.Reopen();
  std::string after;
  REQUIRE(ts->Report("progress", {{"activity", kCourse}}, &after).ok());
  CHECK(after == before);
  no_ana(true);

  // Purge everything: nothing left to count.
  PurgeRequest pr;
  pr.before_ms = 4102444800000;  // 2100-01-01
  pr.dry_run = false;
  PurgeReport rep;
  REQUIRE(ts->PurgeStatements(pr, &rep).ok());
  CHECK(json::Member(Report(ts, "statements", {{"by", "day"}}), "rows")->Size() == 0);
  CHECK(I(Report(ts, "activity", {{"activity", kCourse}}), "learners") == 0);
  CHECK(json::Member(Report(ts, "progress", {{"activity", kCourse}}), "learners")->Size() == 0);
}

// The aggregates of each commit wait in agg_pending (and memory) until a
// flush merges them into their tables: when the index buffer flushes, and
// on their own past StoreImpl::kAggPendingEntries. Reports read both, and
// read again when a flush moves them during the read.
TEST_CASE("reports: pending aggregates, their flushes, and readers meanwhile", "[reports]") {
  // Aggregates flushed with the index buffer, and (with the default
  // buffer) on their own: 12,000 statements keep more than 32,768 entries.
  const std::size_t buffer = GENERATE(std::size_t{3000}, std::size_t{65536});
  Options o;
  o.index_buffer_statements = buffer;
  TestStore ts(o);
  constexpr int kWriters = 2, kBatches = 60, kBatch = 100;
  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  std::thread reader([&] {
    std::int64_t seen = 0;
    while (!done) {
      std::string out;
      Status s = ts->Report("statements", {{"by", "verb"}}, &out);
      if (!s.ok()) {
        FAIL_CHECK(s.ToString());
        return;
      }
      json::Document d;
      if (!json::Parse(out, &d).ok()) return;
      std::int64_t n = 0;
      for (const auto& r : (*json::Member(d, "rows")).GetArray()) n += I(r, "statements");
      // Never counted twice, never lost: a count only grows, by whole batches.
      if (n < seen || n % kBatch != 0) FAIL_CHECK("count " << n << " after " << seen);
      seen = n;
      ++reads;
    }
  });
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int b = 0; b < kBatches; ++b) {
        std::string batch = "[";
        for (int i = 0; i < kBatch; ++i) {
          const int n = (w * kBatches + b) * kBatch + i;
          if (i) batch += ",";
          // Many learners and days: many learner cells to keep pending.
          batch += S("l" + std::to_string(n % 997) + "@x.org", n % 3 ? kCompleted : kFailed,
                     Activity("https://example.com/a/" + std::to_string(n % 50)),
                     "2026-10-" + std::string(n % 28 < 9 ? "0" : "") + std::to_string(1 + n % 28),
                     Score((n % 100) / 100.0), Parent(kCourse));
        }
        batch += "]";
        std::vector<std::string> ids;
        Status s = ts->PutStatements(StatementWrite(), batch, &ids);
        if (!s.ok()) FAIL_CHECK(s.ToString());
      }
    });
  }
  for (auto& t : writers) t.join();
  done = true;
  reader.join();
  CHECK(reads > 0);

  const Params course = {{"activity", kCourse}};
  auto a = Report(ts, "activity", course);
  CHECK(I(a, "statements_in_subtree") == kWriters * kBatches * kBatch);
  CHECK(I(a, "learners") == 997);
  std::string before_p, before_d;
  REQUIRE(ts->Report("progress", {{"activity", kCourse}, {"limit", "10000"}}, &before_p).ok());
  REQUIRE(ts->Report("statements", {{"by", "day"}}, &before_d).ok());
  // After a reopen (everything merged) the same figures.
  ts.Reopen(o);
  std::string after_p, after_d;
  REQUIRE(ts->Report("progress", {{"activity", kCourse}, {"limit", "10000"}}, &after_p).ok());
  REQUIRE(ts->Report("statements", {{"by", "day"}}, &after_d).ok());
  CHECK(after_p == before_p);
  CHECK(after_d == before_d);
}

TEST_CASE("reports: bad parameters are named", "[reports]") {
  TestStore ts;
  std::string out;
  auto err = [&](const std::string& name, const Params& p) {
    Status s = ts->Report(name, p, &out);
    return s.ToString();
  };
  CHECK(err("nope", {}).find("report") != std::string::npos);
  CHECK(ts->Report("nope", {}, &out).IsNotFound());
  CHECK(err("statements", {}).find("by: required") != std::string::npos);
  CHECK(err("statements", {{"by", "month"}}).find("by: must be") != std::string::npos);
  CHECK(err("statements", {{"by", "day"}, {"since", "yesterday"}}).find("since:") != std::string::npos);
  CHECK(err("statements", {{"by", "day"}, {"since", "2026-11-03"}, {"until", "2026-11-01"}})
            .find("until:") != std::string::npos);
  CHECK(err("activity", {}).find("activity: required") != std::string::npos);
  CHECK(err("activity", {{"activity", "not an iri"}}).find("activity: must be an absolute IRI") !=
        std::string::npos);
  CHECK(err("activities", {{"limit", "0"}}).find("limit:") != std::string::npos);
  CHECK(err("activities", {{"colour", "red"}}).find("colour: not a parameter") != std::string::npos);
  CHECK(err("activity", {{"activity", kM1}, {"registration", "x"}}).find("registration:") !=
        std::string::npos);
  CHECK(err("activity", {{"activity", kM1}, {"group", "{\"objectType\":\"Group\"}"}})
            .find("group:") != std::string::npos);
  CHECK(err("objectives", {{"mastery", "2"}}).find("mastery:") != std::string::npos);
  CHECK(ts->Report("activity", {{"activity", kM1}, {"group", "{"}}, &out).IsInvalidArgument());
}

}  // namespace
}  // namespace lrs
