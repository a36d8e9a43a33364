// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The two store features the HTTP document resources need: the newest
// `updated` time of a listing (Last-Modified of a multiple-document GET,
// Communication 2.2.s6.b2) and the per-call rule for a PUT without
// concurrency headers (DocumentPrecondition::Require, Communication 3.1).

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "lrs/clock.h"
#include "tests/support/test_util.h"

namespace lrs {
namespace {

using testing::TestStore;
using Require = DocumentPrecondition::Require;

constexpr const char* kAct = "http://example.com/activities/course-1";
constexpr const char* kAgent = R"({"mbox":"mailto:ana@example.com"})";
constexpr std::int64_t kT0 = 1767225600000000;  // 2026-01-01T00:00:00Z, microseconds

class FixedClock : public Clock {
 public:
  explicit FixedClock(std::int64_t us) : us_(us) {}
  std::int64_t NowMicros() override { return us_.load(); }
  void Set(std::int64_t us) { us_ = us; }

 private:
  std::atomic<std::int64_t> us_;
};

DocumentKey StateKey(const std::string& id) {
  DocumentKey k;
  k.kind = DocumentKind::kState;
  k.activity_id = kAct;
  k.agent = kAgent;
  k.id = id;
  return k;
}

DocumentKey ProfileKey(const std::string& id) {
  DocumentKey k;
  k.kind = DocumentKind::kActivityProfile;
  k.activity_id = kAct;
  k.id = id;
  return k;
}

DocumentPrecondition NoHeaders(Require r) {
  DocumentPrecondition p;
  p.require = r;
  return p;
}

TEST_CASE(
    "Communication 2.2.s6.b2: ListDocuments reports the newest updated time of the listed "
    "documents",
    "[documents]") {
  FixedClock clock(kT0);
  Options o;
  o.clock = &clock;
  TestStore ts(o);
  DocumentListQuery q;
  q.key = StateKey("");
  std::vector<std::string> ids;
  std::int64_t newest = -1;
  REQUIRE(ts->ListDocuments(q, &ids, &newest).ok());
  CHECK(ids.empty());
  CHECK(newest == 0);

  REQUIRE(ts->PutDocument(StateKey("a"), "1", "text/plain", {}, nullptr).ok());
  clock.Set(kT0 + 60'000'000);
  REQUIRE(ts->PutDocument(StateKey("b"), "2", "text/plain", {}, nullptr).ok());
  clock.Set(kT0 + 120'000'000);
  REQUIRE(ts->ListDocuments(q, &ids, &newest).ok());
  CHECK(ids.size() == 2);
  CHECK(newest == (kT0 + 60'000'000) / 1000);

  // Only the listed documents count.
  q.since = "2026-01-01T00:01:00Z";  // exclusive: "b" is not after it
  REQUIRE(ts->ListDocuments(q, &ids, &newest).ok());
  CHECK(ids.empty());
  CHECK(newest == 0);
  q.since = "2026-01-01T00:00:30Z";
  REQUIRE(ts->ListDocuments(q, &ids, &newest).ok());
  CHECK(ids == std::vector<std::string>{"b"});
  CHECK(newest == (kT0 + 60'000'000) / 1000);
  // The two-argument form still works.
  REQUIRE(ts->ListDocuments(q, &ids).ok());
  CHECK(ids.size() == 1);
}

TEST_CASE(
    "Communication 3.1.s3: by default a state PUT without headers replaces; kToReplace "
    "makes it PreconditionRequired",
    "[documents]") {
  TestStore ts;
  REQUIRE(ts->PutDocument(StateKey("s"), "1", "text/plain", {}, nullptr).ok());
  REQUIRE(ts->PutDocument(StateKey("s"), "2", "text/plain", NoHeaders(Require::kDefault), nullptr)
              .ok());
  Status s =
      ts->PutDocument(StateKey("s"), "3", "text/plain", NoHeaders(Require::kToReplace), nullptr);
  CHECK(s.code() == Status::Code::kPreconditionRequired);
  Document d;
  REQUIRE(ts->GetDocument(StateKey("s"), &d).ok());
  CHECK(d.content == "2");
  // Creating needs no header; a header satisfies the rule.
  CHECK(ts->PutDocument(StateKey("new"), "1", "", NoHeaders(Require::kToReplace), nullptr).ok());
  DocumentPrecondition with = NoHeaders(Require::kToReplace);
  with.if_match = d.etag;
  CHECK(ts->PutDocument(StateKey("s"), "3", "text/plain", with, nullptr).ok());
  // POST is not subject to the rule.
  CHECK(ts->PostDocument(StateKey("j"), "{}", "application/json", NoHeaders(Require::kToReplace),
                         nullptr)
            .ok());
  CHECK(ts->PostDocument(StateKey("j"), R"({"a":1})", "application/json",
                         NoHeaders(Require::kToReplace), nullptr)
            .ok());
}

TEST_CASE(
    "Communication 3.1.s3.b1: kAlways makes a PUT creating a document without headers "
    "InvalidArgument, and one replacing it PreconditionRequired",
    "[documents]") {
  TestStore ts;
  for (const DocumentKey& k : {ProfileKey("p"), StateKey("s")}) {
    Status s = ts->PutDocument(k, "1", "text/plain", NoHeaders(Require::kAlways), nullptr);
    CHECK(s.IsInvalidArgument());
    Document d;
    CHECK(ts->GetDocument(k, &d).IsNotFound());
    DocumentPrecondition create = NoHeaders(Require::kAlways);
    create.if_none_match = "*";
    REQUIRE(ts->PutDocument(k, "1", "text/plain", create, nullptr).ok());
    s = ts->PutDocument(k, "2", "text/plain", NoHeaders(Require::kAlways), nullptr);
    CHECK(s.code() == Status::Code::kPreconditionRequired);
    REQUIRE(ts->GetDocument(k, &d).ok());
    CHECK(d.content == "1");
  }
}

}  // namespace
}  // namespace lrs
