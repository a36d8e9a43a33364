// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The document resources through the public API: state (Communication 2.3),
// agent profile (2.6) and activity profile (2.7), the POST merge of 2.2.s7/s8
// and the concurrency rules of 3.1.

#include <catch2/catch.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "lrs/clock.h"
#include "lrs/json/json.h"
#include "tests/support/test_util.h"

namespace lrs {
namespace {

using testing::TestStore;

constexpr const char* kAct = "http://example.com/activities/course-1";
constexpr const char* kAct2 = "http://example.com/activities/course-2";
constexpr const char* kAgent =
    R"({"objectType":"Agent","mbox":"mailto:ana@example.com","name":"Ana"})";
constexpr const char* kAgent2 = R"({"mbox":"mailto:bo@example.com"})";
constexpr const char* kReg = "6f1c0a4e-3b2d-4c5e-8f70-a1b2c3d4e5f6";
constexpr const char* kReg2 = "0e4f3d2c-1b0a-4c9d-8e7f-6a5b4c3d2e1f";
constexpr const char* kJson = "application/json";

// SHA-1 test vectors (FIPS 180-1).
constexpr const char* kEtagAbc = "\"a9993e364706816aba3e25717850c26c9cd0d89d\"";
constexpr const char* kEtagEmpty = "\"da39a3ee5e6b4b0d3255bfef95601890afd80709\"";

constexpr DocumentKind kAllKinds[] = {DocumentKind::kState, DocumentKind::kActivityProfile,
                                      DocumentKind::kAgentProfile};
constexpr DocumentKind kProfileKinds[] = {DocumentKind::kActivityProfile,
                                          DocumentKind::kAgentProfile};

const char* KindName(DocumentKind k) {
  switch (k) {
    case DocumentKind::kState: return "state";
    case DocumentKind::kActivityProfile: return "activity profile";
    case DocumentKind::kAgentProfile: return "agent profile";
  }
  return "?";
}

// A key of `kind` with the fields that kind uses.
DocumentKey Key(DocumentKind kind, const std::string& id, const std::string& activity = kAct,
                const std::string& agent = kAgent) {
  DocumentKey k;
  k.kind = kind;
  if (kind != DocumentKind::kAgentProfile) k.activity_id = activity;
  if (kind != DocumentKind::kActivityProfile) k.agent = agent;
  k.id = id;
  return k;
}

DocumentKey StateKey(const std::string& id, std::optional<std::string> reg = std::nullopt,
                     const std::string& agent = kAgent, const std::string& activity = kAct) {
  DocumentKey k = Key(DocumentKind::kState, id, activity, agent);
  k.registration = std::move(reg);
  return k;
}

DocumentPrecondition IfMatch(const std::string& etag) {
  DocumentPrecondition p;
  p.if_match = etag;
  return p;
}
DocumentPrecondition IfNoneMatch(const std::string& v) {
  DocumentPrecondition p;
  p.if_none_match = v;
  return p;
}
// What a client creating a profile document sends (3.1.s3.b1).
DocumentPrecondition Create() { return IfNoneMatch("*"); }

Document Get(TestStore& ts, const DocumentKey& k) {
  Document d;
  Status s = ts->GetDocument(k, &d);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return d;
}

bool Exists(TestStore& ts, const DocumentKey& k) {
  Document d;
  Status s = ts->GetDocument(k, &d);
  REQUIRE((s.ok() || s.IsNotFound()));
  return s.ok();
}

std::vector<std::string> List(TestStore& ts, const DocumentKey& k,
                              std::optional<std::string> since = std::nullopt) {
  DocumentListQuery q;
  q.key = k;
  q.since = std::move(since);
  std::vector<std::string> ids;
  Status s = ts->ListDocuments(q, &ids);
  INFO(s.ToString());
  REQUIRE(s.ok());
  std::sort(ids.begin(), ids.end());
  return ids;
}

bool JsonEq(const std::string& a, const std::string& b) {
  json::Document da, db;
  if (!json::Parse(a, &da).ok() || !json::Parse(b, &db).ok()) return false;
  return json::Equal(da, db);
}

// Stores a JSON document the way a well-behaved client would.
void PutJson(TestStore& ts, const DocumentKey& k, const std::string& content) {
  Status s = ts->PutDocument(k, content, kJson, Create(), nullptr);
  INFO(s.ToString());
  REQUIRE(s.ok());
}

class ManualClock : public Clock {
 public:
  explicit ManualClock(std::int64_t us) : us_(us) {}
  std::int64_t NowMicros() override { return us_.load(); }
  void Set(std::int64_t us) { us_ = us; }

 private:
  std::atomic<std::int64_t> us_;
};

constexpr std::int64_t kT0 = 1767225600000000;  // 2026-01-01T00:00:00Z

TEST_CASE(
    "Communication 2.2: PUT stores a document; GET returns content, type, ETag and updated time",
    "[documents]") {
  ManualClock clock(kT0);
  Options o;
  o.clock = &clock;
  TestStore ts(o);
  for (DocumentKind kind : kAllKinds) {
    INFO(KindName(kind));
    DocumentKey k = Key(kind, "doc-1");
    Document put;
    REQUIRE(ts->PutDocument(k, "abc", "text/plain", Create(), &put).ok());
    // Communication 3.1.s4.b2/b4: quoted lowercase hex SHA-1 of the content.
    CHECK(put.etag == kEtagAbc);
    CHECK(put.updated_ms == kT0 / 1000);
    Document d = Get(ts, k);
    CHECK(d.content == "abc");
    CHECK(d.content_type == "text/plain");
    CHECK(d.etag == kEtagAbc);
    CHECK(d.updated_ms == kT0 / 1000);

    Document empty;
    REQUIRE(ts->PutDocument(Key(kind, "empty"), "", "text/plain", Create(), &empty).ok());
    CHECK(empty.etag == kEtagEmpty);
    CHECK(Get(ts, Key(kind, "empty")).content.empty());
  }
}

TEST_CASE("Communication 2.2.s2: binary documents round-trip byte for byte with their content type",
          "[documents]") {
  TestStore ts;
  std::string bytes;
  for (int i = 0; i < 4096; ++i) bytes.push_back(static_cast<char>((i * 37 + i / 256) & 0xff));
  bytes[10] = '\0';
  for (DocumentKind kind : kAllKinds) {
    INFO(KindName(kind));
    REQUIRE(ts->PutDocument(Key(kind, "bin"), bytes, "image/png", Create(), nullptr).ok());
    Document d = Get(ts, Key(kind, "bin"));
    CHECK(d.content == bytes);
    CHECK(d.content_type == "image/png");
    // No content type: stored as opaque bytes.
    REQUIRE(ts->PutDocument(Key(kind, "untyped"), "abc", "", Create(), nullptr).ok());
    CHECK(Get(ts, Key(kind, "untyped")).content_type == "application/octet-stream");
  }
}

TEST_CASE("Communication 2.3.s3, 2.6.s3, 2.7.s3: GET of a missing document is NotFound",
          "[documents]") {
  TestStore ts;
  for (DocumentKind kind : kAllKinds) {
    INFO(KindName(kind));
    Document d;
    // Activity and agent never seen by the store.
    CHECK(ts->GetDocument(Key(kind, "nope"), &d).IsNotFound());
    PutJson(ts, Key(kind, "present"), "{}");
    Status s = ts->GetDocument(Key(kind, "nope"), &d);
    CHECK(s.IsNotFound());
    CHECK(s.message().find("nope") != std::string::npos);
  }
}

TEST_CASE("Communication 2.2.s7: POST merges JSON objects, replacing top-level properties",
          "[documents]") {
  TestStore ts;
  for (DocumentKind kind : kAllKinds) {
    INFO(KindName(kind));
    DocumentKey k = Key(kind, "merge");
    PutJson(ts, k, R"({"x":"foo","y":"bar"})");
    Document before = Get(ts, k);
    Document out;
    REQUIRE(ts->PostDocument(k, R"({"x":"bash","z":"faz"})", kJson, {}, &out).ok());
    Document d = Get(ts, k);
    CHECK(JsonEq(d.content, R"({"x":"bash","y":"bar","z":"faz"})"));
    CHECK(d.content_type == "application/json");
    CHECK(d.etag == out.etag);
    CHECK(d.etag != before.etag);
    CHECK(out.content == d.content);

    // XAPI-00183: only one level deep; a nested object is replaced whole.
    DocumentKey k2 = Key(kind, "deep");
    PutJson(
        ts, k2,
        R"({"car":{"make":"Ford","model":"Escape"},"driver":"Dale","series":{"nascar":{"series":"sprint"}},"keep":1})");
    REQUIRE(ts->PostDocument(k2,
                             R"({"car":{"make":"Dodge"},"series":{"nascar":{"series":"nextel"}}})",
                             "application/json; charset=utf-8", {}, nullptr)
                .ok());
    CHECK(JsonEq(
        Get(ts, k2).content,
        R"({"car":{"make":"Dodge"},"driver":"Dale","series":{"nascar":{"series":"nextel"}},"keep":1})"));
  }
}

TEST_CASE("Communication 2.2.s7 (XAPI-00233): POST of a missing document stores it as-is",
          "[documents]") {
  TestStore ts;
  for (DocumentKind kind : kAllKinds) {
    INFO(KindName(kind));
    REQUIRE(ts->PostDocument(Key(kind, "new-json"), R"({"a":1})", kJson, {}, nullptr).ok());
    Document d = Get(ts, Key(kind, "new-json"));
    CHECK(d.content == R"({"a":1})");
    CHECK(d.content_type == kJson);
    REQUIRE(
        ts->PostDocument(Key(kind, "new-bin"), "\x01\x02", "application/octet-stream", {}, nullptr)
            .ok());
    d = Get(ts, Key(kind, "new-bin"));
    CHECK(d.content == "\x01\x02");
    CHECK(d.content_type == "application/octet-stream");
  }
}

TEST_CASE(
    "Communication 2.2.s8.b1: POST is InvalidArgument when either document is not a JSON object, "
    "and changes nothing",
    "[documents]") {
  TestStore ts;
  struct Case {
    const char* name;
    const char* stored;
    const char* stored_type;
    const char* posted;
    const char* posted_type;
  };
  const Case cases[] = {
      {"posted is not application/json", R"({"a":1})", kJson, "abcdefg", "not/json"},
      {"posted is text that looks like JSON", R"({"a":1})", kJson, R"({"b":2})", "text/plain"},
      {"stored is not application/json", "/ asdf / undefined", "application/octet-stream",
       R"({"b":2})", kJson},
      {"posted is invalid JSON", R"({"a":1})", kJson, "abc", kJson},
      {"posted has trailing garbage", R"({"a":1})", kJson, R"({"b":2}{)", kJson},
      {"posted is truncated", R"({"a":1})", kJson, R"({"b":2)", kJson},
      {"posted is an array", R"({"a":1})", kJson, R"([{"b":2}])", kJson},
      {"posted is a string", R"({"a":1})", kJson, R"("b")", kJson},
      {"stored is an array", R"([1,2])", kJson, R"({"b":2})", kJson},
      {"stored is invalid JSON", R"({"a":)", kJson, R"({"b":2})", kJson},
  };
  for (DocumentKind kind : kAllKinds) {
    for (const Case& c : cases) {
      INFO(KindName(kind) << ": " << c.name);
      DocumentKey k = Key(kind, c.name);
      REQUIRE(ts->PutDocument(k, c.stored, c.stored_type, Create(), nullptr).ok());
      Document before = Get(ts, k);
      Status s = ts->PostDocument(k, c.posted, c.posted_type, {}, nullptr);
      CHECK(s.IsInvalidArgument());
      CHECK(s.message().find("JSON object") != std::string::npos);
      Document after = Get(ts, k);
      CHECK(after.content == before.content);
      CHECK(after.content_type == before.content_type);
      CHECK(after.etag == before.etag);
    }
  }
}

TEST_CASE(
    "Communication 3.1.s4.b13-b15: PUT of an existing profile document without If-Match or "
    "If-None-Match is PreconditionRequired; State is exempt (3.1.s3)",
    "[documents]") {
  TestStore ts;
  for (DocumentKind kind : kProfileKinds) {
    INFO(KindName(kind));
    DocumentKey k = Key(kind, "p");
    // Absent: a PUT without headers creates it.
    REQUIRE(ts->PutDocument(k, R"({"v":1})", kJson, {}, nullptr).ok());
    Document before = Get(ts, k);
    Status s = ts->PutDocument(k, R"({"v":2})", kJson, {}, nullptr);
    CHECK(s.code() == Status::Code::kPreconditionRequired);
    CHECK(s.message().find("If-Match") != std::string::npos);  // 3.1.s4.b14: explain the fix
    CHECK(Get(ts, k).etag == before.etag);                     // 3.1.s4.b15
    // With the current ETag it succeeds.
    REQUIRE(ts->PutDocument(k, R"({"v":2})", kJson, IfMatch(before.etag), nullptr).ok());
    CHECK(Get(ts, k).content == R"({"v":2})");
  }
  DocumentKey sk = StateKey("s");
  REQUIRE(ts->PutDocument(sk, R"({"v":1})", kJson, {}, nullptr).ok());
  REQUIRE(ts->PutDocument(sk, R"({"v":2})", kJson, {}, nullptr).ok());
  CHECK(Get(ts, sk).content == R"({"v":2})");
}

TEST_CASE(
    "Communication 3.1.s3.b2/b3: POST and DELETE of existing profile documents need no "
    "precondition header",
    "[documents]") {
  TestStore ts;
  for (DocumentKind kind : kAllKinds) {
    INFO(KindName(kind));
    DocumentKey k = Key(kind, "nohdr");
    PutJson(ts, k, R"({"a":1})");
    REQUIRE(ts->PostDocument(k, R"({"b":2})", kJson, {}, nullptr).ok());
    CHECK(JsonEq(Get(ts, k).content, R"({"a":1,"b":2})"));
    REQUIRE(ts->DeleteDocument(k, {}).ok());
    CHECK_FALSE(Exists(ts, k));
  }
}

TEST_CASE(
    "Communication 3.1.s4.b5/b7/b9-b12: If-Match must match the current ETag for PUT, POST "
    "and DELETE; a failed precondition changes nothing",
    "[documents]") {
  TestStore ts;
  const std::string bad = "\"1111111111111111111111111111111111111111\"";
  for (DocumentKind kind : kAllKinds) {
    INFO(KindName(kind));
    DocumentKey k = Key(kind, "ifmatch");
    PutJson(ts, k, R"({"name":"orig"})");
    const Document orig = Get(ts, k);

    CHECK(
        ts->PutDocument(k, R"({"name":"x"})", kJson, IfMatch(bad), nullptr).IsPreconditionFailed());
    CHECK(ts->PostDocument(k, R"({"name":"x"})", kJson, IfMatch(bad), nullptr)
              .IsPreconditionFailed());
    CHECK(ts->DeleteDocument(k, IfMatch("\"1234\"")).IsPreconditionFailed());
    Document now = Get(ts, k);
    CHECK(now.content == orig.content);
    CHECK(now.etag == orig.etag);

    // Correct ETag: PUT, then POST with the new ETag, then DELETE.
    Document put;
    REQUIRE(ts->PutDocument(k, R"({"name":"put"})", kJson, IfMatch(orig.etag), &put).ok());
    CHECK(ts->PostDocument(k, R"({"more":1})", kJson, IfMatch(orig.etag), nullptr)
              .IsPreconditionFailed());
    Document post;
    REQUIRE(ts->PostDocument(k, R"({"more":1})", kJson, IfMatch(put.etag), &post).ok());
    CHECK(JsonEq(Get(ts, k).content, R"({"name":"put","more":1})"));
    CHECK(ts->DeleteDocument(k, IfMatch(put.etag)).IsPreconditionFailed());
    REQUIRE(ts->DeleteDocument(k, IfMatch(post.etag)).ok());
    CHECK_FALSE(Exists(ts, k));

    // If-Match on a missing document fails and creates nothing (RFC 7232 3.1).
    CHECK(ts->PutDocument(k, "{}", kJson, IfMatch("*"), nullptr).IsPreconditionFailed());
    CHECK(ts->PostDocument(k, "{}", kJson, IfMatch(orig.etag), nullptr).IsPreconditionFailed());
    CHECK(ts->DeleteDocument(k, IfMatch("*")).IsPreconditionFailed());
    CHECK_FALSE(Exists(ts, k));
  }
}

TEST_CASE("Communication 3.1.s4.b5: If-Match accepts \"*\", ETag lists and lenient spellings",
          "[documents]") {
  TestStore ts;
  DocumentKey k = Key(DocumentKind::kActivityProfile, "forms");
  REQUIRE(ts->PutDocument(k, "abc", "text/plain", Create(), nullptr).ok());
  const std::string hex = "a9993e364706816aba3e25717850c26c9cd0d89d";
  const std::string upper = "A9993E364706816ABA3E25717850C26C9CD0D89D";
  const std::vector<std::string> good = {"*",
                                         "\"" + hex + "\"",
                                         hex,
                                         "W/\"" + hex + "\"",
                                         "\"" + upper + "\"",
                                         "\"0000\", \"" + hex + "\"",
                                         "\"0000\" , *"};
  for (const std::string& h : good) {
    INFO(h);
    CHECK(ts->PutDocument(k, "abc", "text/plain", IfMatch(h), nullptr).ok());
  }
  const std::vector<std::string> bad = {"", "\"0000\"", "\"0000\", \"1111\"", "\"" + hex + "0\""};
  for (const std::string& h : bad) {
    INFO(h);
    CHECK(ts->PutDocument(k, "abc", "text/plain", IfMatch(h), nullptr).IsPreconditionFailed());
  }
}

TEST_CASE("Communication 3.1.s4.b6/b8: If-None-Match: * creates only when the document is absent",
          "[documents]") {
  TestStore ts;
  for (DocumentKind kind : kAllKinds) {
    INFO(KindName(kind));
    DocumentKey k = Key(kind, "inm");
    REQUIRE(ts->PutDocument(k, R"({"v":1})", kJson, IfNoneMatch("*"), nullptr).ok());
    Document d = Get(ts, k);
    CHECK(
        ts->PutDocument(k, R"({"v":2})", kJson, IfNoneMatch("*"), nullptr).IsPreconditionFailed());
    CHECK(
        ts->PostDocument(k, R"({"w":2})", kJson, IfNoneMatch("*"), nullptr).IsPreconditionFailed());
    // An ETag list: fails when the current ETag is listed.
    CHECK(ts->PutDocument(k, R"({"v":3})", kJson, IfNoneMatch(d.etag), nullptr)
              .IsPreconditionFailed());
    CHECK(Get(ts, k).etag == d.etag);
    REQUIRE(ts->PutDocument(k, R"({"v":4})", kJson, IfNoneMatch("\"0000\""), nullptr).ok());
    CHECK(Get(ts, k).content == R"({"v":4})");
    // POST of a missing document with If-None-Match: * creates it.
    REQUIRE(ts->PostDocument(Key(kind, "inm-post"), R"({"a":1})", kJson, IfNoneMatch("*"), nullptr)
                .ok());
    CHECK(Exists(ts, Key(kind, "inm-post")));
  }
}

TEST_CASE(
    "Communication 2.3.s3, 2.6.s3, 2.7.s3: DELETE removes one document; deleting a missing "
    "document succeeds",
    "[documents]") {
  TestStore ts;
  for (DocumentKind kind : kAllKinds) {
    INFO(KindName(kind));
    PutJson(ts, Key(kind, "a"), "{}");
    PutJson(ts, Key(kind, "b"), "{}");
    REQUIRE(ts->DeleteDocument(Key(kind, "a"), {}).ok());
    CHECK_FALSE(Exists(ts, Key(kind, "a")));
    CHECK(Exists(ts, Key(kind, "b")));
    CHECK(ts->DeleteDocument(Key(kind, "a"), {}).ok());
    CHECK(ts->DeleteDocument(Key(kind, "never", kAct2, kAgent2), {}).ok());
    // A deleted document can be created again.
    PutJson(ts, Key(kind, "a"), R"({"again":true})");
    CHECK(Get(ts, Key(kind, "a")).content == R"({"again":true})");
  }
  // Only the state resource deletes by context; the profiles need an id.
  CHECK(ts->DeleteDocument(Key(DocumentKind::kActivityProfile, ""), {}).IsInvalidArgument());
  CHECK(ts->DeleteDocument(Key(DocumentKind::kAgentProfile, ""), {}).IsInvalidArgument());
}

TEST_CASE(
    "Communication 2.3.s5: DELETE without stateId removes every state document of "
    "(activity, agent, registration) and nothing else",
    "[documents]") {
  TestStore ts;
  for (const char* id : {"a", "b", "c"}) {
    PutJson(ts, StateKey(id), "{}");
    PutJson(ts, StateKey(id, kReg), "{}");
    PutJson(ts, StateKey(id, kReg2), "{}");
    PutJson(ts, StateKey(id, std::nullopt, kAgent2), "{}");
    PutJson(ts, StateKey(id, std::nullopt, kAgent, kAct2), "{}");
  }
  PutJson(ts, Key(DocumentKind::kActivityProfile, "a"), "{}");
  PutJson(ts, Key(DocumentKind::kAgentProfile, "a"), "{}");

  // Preconditions name one document.
  CHECK(ts->DeleteDocument(StateKey(""), IfMatch("*")).IsInvalidArgument());
  CHECK(List(ts, StateKey("")).size() == 3);

  REQUIRE(ts->DeleteDocument(StateKey(""), {}).ok());  // no registration
  CHECK(List(ts, StateKey("")).empty());
  CHECK(List(ts, StateKey("", kReg)).size() == 3);
  CHECK(List(ts, StateKey("", kReg2)).size() == 3);
  CHECK(List(ts, StateKey("", std::nullopt, kAgent2)).size() == 3);
  CHECK(List(ts, StateKey("", std::nullopt, kAgent, kAct2)).size() == 3);

  REQUIRE(ts->DeleteDocument(StateKey("", kReg), {}).ok());
  CHECK(List(ts, StateKey("", kReg)).empty());
  CHECK(List(ts, StateKey("", kReg2)).size() == 3);
  CHECK(Exists(ts, Key(DocumentKind::kActivityProfile, "a")));
  CHECK(Exists(ts, Key(DocumentKind::kAgentProfile, "a")));
  // Nothing to delete is fine.
  CHECK(ts->DeleteDocument(StateKey("", kReg), {}).ok());
  CHECK(
      ts->DeleteDocument(StateKey("", std::nullopt, R"({"mbox":"mailto:nobody@example.com"})"), {})
          .ok());
}

TEST_CASE(
    "Communication 2.3.s3: registration partitions state; none is its own bucket and UUIDs "
    "compare case-insensitively",
    "[documents]") {
  TestStore ts;
  PutJson(ts, StateKey("s"), R"({"r":"none"})");
  PutJson(ts, StateKey("s", kReg), R"({"r":"1"})");
  PutJson(ts, StateKey("s", kReg2), R"({"r":"2"})");
  CHECK(Get(ts, StateKey("s")).content == R"({"r":"none"})");
  CHECK(Get(ts, StateKey("s", kReg)).content == R"({"r":"1"})");
  CHECK(Get(ts, StateKey("s", kReg2)).content == R"({"r":"2"})");
  std::string upper = kReg;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CHECK(Get(ts, StateKey("s", upper)).content == R"({"r":"1"})");
  CHECK(List(ts, StateKey("", upper)) == std::vector<std::string>{"s"});
  // The all-zero UUID is a registration like any other, not "none".
  CHECK_FALSE(Exists(ts, StateKey("s", "00000000-0000-0000-0000-000000000000")));
}

TEST_CASE(
    "Communication 2.6.s3, 2.3.s3: the agent is identified by its inverse functional "
    "identifier, not its name",
    "[documents]") {
  TestStore ts;
  for (DocumentKind kind : {DocumentKind::kState, DocumentKind::kAgentProfile}) {
    INFO(KindName(kind));
    PutJson(ts,
            Key(kind, "who", kAct,
                R"({"objectType":"Agent","mbox":"mailto:ana@example.com","name":"Ana"})"),
            R"({"v":1})");
    // Same mbox, other name, no objectType, domain in other case.
    CHECK(Get(ts, Key(kind, "who", kAct, R"({"mbox":"mailto:ana@EXAMPLE.com","name":"Ana Silva"})"))
              .content == R"({"v":1})");
    // Another IFI is another agent.
    CHECK_FALSE(Exists(ts, Key(kind, "who", kAct, R"({"mbox":"mailto:Ana@example.com"})")));
    CHECK_FALSE(Exists(ts, Key(kind, "who", kAct,
                               R"({"account":{"homePage":"http://example.com","name":"ana"}})")));
    const char* acct = R"({"account":{"homePage":"http://example.com/home","name":"ana"}})";
    PutJson(ts, Key(kind, "acct", kAct, acct), R"({"v":2})");
    CHECK(Get(ts,
              Key(kind, "acct", kAct,
                  R"({"name":"x","account":{"name":"ana","homePage":"http://example.com/home"}})"))
              .content == R"({"v":2})");
  }
}

TEST_CASE("Communication 2.3.s4, 2.6.s4, 2.7.s4: GET without an id lists the ids in the context",
          "[documents]") {
  TestStore ts;
  for (DocumentKind kind : kAllKinds) {
    INFO(KindName(kind));
    CHECK(List(ts, Key(kind, "")).empty());  // never seen
    for (const char* id : {"b", "a", "c", "with space", "ünïcødé"})
      REQUIRE(ts->PutDocument(Key(kind, id), "x", "text/plain", Create(), nullptr).ok());
    // Siblings: another activity (a prefix of this one's IRI) and agent.
    PutJson(ts, Key(kind, "other", std::string(kAct) + "0", kAgent2), "{}");
    PutJson(ts,
            Key(kind, "other2", "http://example.com/activities/course-",
                R"({"mbox":"mailto:a@example.com"})"),
            "{}");
    CHECK(List(ts, Key(kind, "")) ==
          std::vector<std::string>{"a", "b", "c", "with space", "ünïcødé"});
    REQUIRE(ts->DeleteDocument(Key(kind, "b"), {}).ok());
    CHECK(List(ts, Key(kind, "")) == std::vector<std::string>{"a", "c", "with space", "ünïcødé"});
  }
  // The state list is per registration.
  PutJson(ts, StateKey("r1", kReg), "{}");
  CHECK(List(ts, StateKey("", kReg)) == std::vector<std::string>{"r1"});
  CHECK(List(ts, StateKey("")) == std::vector<std::string>{"a", "c", "with space", "ünïcødé"});
}

TEST_CASE("Communication 2.3.s4, 2.6.s4, 2.7.s4: since lists documents updated strictly after it",
          "[documents]") {
  ManualClock clock(kT0);
  Options o;
  o.clock = &clock;
  TestStore ts(o);
  for (DocumentKind kind : kAllKinds) {
    INFO(KindName(kind));
    clock.Set(kT0);
    PutJson(ts, Key(kind, "old"), R"({"a":1})");
    clock.Set(kT0 + 60'000'000);  // one minute later
    PutJson(ts, Key(kind, "new"), R"({"a":1})");

    CHECK(List(ts, Key(kind, ""), "2025-12-31T23:59:59Z") ==
          std::vector<std::string>{"new", "old"});
    CHECK(List(ts, Key(kind, ""), "2026-01-01T00:00:00Z") ==
          std::vector<std::string>{"new"});  // exclusive
    CHECK(List(ts, Key(kind, ""), "2026-01-01T00:00:59.999Z") == std::vector<std::string>{"new"});
    CHECK(List(ts, Key(kind, ""), "2026-01-01T00:01:00.000Z").empty());
    CHECK(List(ts, Key(kind, ""), "2026-01-01T01:00:30+01:00") == std::vector<std::string>{"new"});

    // A POST merge is an update.
    clock.Set(kT0 + 120'000'000);
    REQUIRE(ts->PostDocument(Key(kind, "old"), R"({"b":2})", kJson, {}, nullptr).ok());
    CHECK(Get(ts, Key(kind, "old")).updated_ms == (kT0 + 120'000'000) / 1000);
    CHECK(List(ts, Key(kind, ""), "2026-01-01T00:01:00Z") == std::vector<std::string>{"old"});

    DocumentListQuery q;
    q.key = Key(kind, "");
    q.since = "not a timestamp";
    std::vector<std::string> ids;
    Status s = ts->ListDocuments(q, &ids);
    CHECK(s.IsInvalidArgument());
    CHECK(s.message().find("since") != std::string::npos);
  }
}

TEST_CASE("Communication 2.2.s6: updated time moves forward on every change, never backward",
          "[documents]") {
  ManualClock clock(kT0);
  Options o;
  o.clock = &clock;
  TestStore ts(o);
  DocumentKey k = StateKey("t");
  PutJson(ts, k, "{}");
  clock.Set(kT0 + 1'500'000);
  REQUIRE(ts->PutDocument(k, R"({"a":1})", kJson, {}, nullptr).ok());
  CHECK(Get(ts, k).updated_ms == (kT0 + 1'500'000) / 1000);
  clock.Set(kT0 - 10'000'000);  // the clock steps back
  REQUIRE(ts->PutDocument(k, R"({"a":2})", kJson, {}, nullptr).ok());
  CHECK(Get(ts, k).updated_ms == (kT0 + 1'500'000) / 1000);
}

TEST_CASE("Communication 2.3.s3, 2.6.s3, 2.7.s3: parameters are validated, and errors name them",
          "[documents]") {
  TestStore ts;
  auto put = [&](const DocumentKey& k) { return ts->PutDocument(k, "{}", kJson, {}, nullptr); };
  auto expect_invalid = [&](const DocumentKey& k, const char* param) {
    INFO(param);
    Document d;
    DocumentListQuery q;
    q.key = k;
    std::vector<std::string> ids;
    for (Status s : {put(k), ts->PostDocument(k, "{}", kJson, {}, nullptr), ts->GetDocument(k, &d),
                     ts->DeleteDocument(k, {}), ts->ListDocuments(q, &ids)}) {
      INFO(s.ToString());
      CHECK(s.IsInvalidArgument());
      CHECK(s.message().find(param) != std::string::npos);
    }
  };
  for (DocumentKind kind : {DocumentKind::kState, DocumentKind::kActivityProfile}) {
    INFO(KindName(kind));
    expect_invalid(Key(kind, "x", ""), "activityId");
    expect_invalid(Key(kind, "x", "not an iri"), "activityId");
    expect_invalid(Key(kind, "x", "relative/path"), "activityId");
  }
  for (DocumentKind kind : {DocumentKind::kState, DocumentKind::kAgentProfile}) {
    INFO(KindName(kind));
    expect_invalid(Key(kind, "x", kAct, ""), "agent");
    expect_invalid(Key(kind, "x", kAct, "not JSON"), "agent");
    expect_invalid(Key(kind, "x", kAct, "true"), "agent");
    expect_invalid(Key(kind, "x", kAct, R"({"name":"no ifi"})"), "agent");
    expect_invalid(Key(kind, "x", kAct, R"({"mbox":"ana@example.com"})"), "agent");
    expect_invalid(
        Key(kind, "x", kAct, R"({"mbox":"mailto:a@example.com","openid":"http://a.example.com"})"),
        "agent");
    // 2.6.s3 note: an Agent, not a Group.
    expect_invalid(
        Key(kind, "x", kAct, R"({"objectType":"Group","mbox":"mailto:team@example.com"})"),
        "agent");
    // XAPI-00235: a broken agent parameter.
    expect_invalid(Key(kind, "x", kAct,
                       R"({"objectType":"Agent","account"{"homePage":"http://x.com","name":"r"}})"),
                   "agent");
  }
  for (const char* reg : {"true", "not-a-uuid", "6f1c0a4e3b2d4c5e8f70a1b2c3d4e5f6", ""}) {
    expect_invalid(StateKey("x", reg), "registration");
  }
  // The id is required for single-document calls.
  for (DocumentKind kind : kAllKinds) {
    INFO(KindName(kind));
    const char* name = kind == DocumentKind::kState ? "stateId" : "profileId";
    Document d;
    for (Status s : {put(Key(kind, "")), ts->PostDocument(Key(kind, ""), "{}", kJson, {}, nullptr),
                     ts->GetDocument(Key(kind, ""), &d)}) {
      CHECK(s.IsInvalidArgument());
      CHECK(s.message().find(name) != std::string::npos);
    }
  }
  // Nothing was stored by any of this.
  CHECK(List(ts, Key(DocumentKind::kActivityProfile, "")).empty());
}

TEST_CASE("Communication 1.4: a document id that is not UTF-8 is refused", "[documents]") {
  // Found by conformance/bad_input_test.py: such an id was stored, and the
  // list of ids (JSON, 2.3.s4) was then no longer UTF-8.
  TestStore ts;
  for (DocumentKind kind : kAllKinds) {
    INFO(KindName(kind));
    const char* name = kind == DocumentKind::kState ? "stateId" : "profileId";
    for (const char* id : {"\xC0\xAE\xC0\xAE/", "mor\xC9", "\xED\xA0\x80", "a\xFF"}) {
      Document d;
      for (Status s : {ts->PutDocument(Key(kind, id), "{}", kJson, Create(), nullptr),
                       ts->PostDocument(Key(kind, id), "{}", kJson, {}, nullptr),
                       ts->GetDocument(Key(kind, id), &d), ts->DeleteDocument(Key(kind, id), {})}) {
        INFO(s.ToString());
        CHECK(s.IsInvalidArgument());
        CHECK(s.message() == std::string(name) + ": must be UTF-8 text");
      }
    }
    PutJson(ts, Key(kind, "caf\xC3\xA9 \xE6\x97\xA5"), "{}");  // UTF-8 ids are fine
    CHECK(List(ts, Key(kind, "")) == std::vector<std::string>{"caf\xC3\xA9 \xE6\x97\xA5"});
  }
}

TEST_CASE("Options::max_document_bytes: larger documents are TooLarge and not stored",
          "[documents]") {
  Options o;
  o.max_document_bytes = 64;
  TestStore ts(o);
  for (DocumentKind kind : kAllKinds) {
    INFO(KindName(kind));
    DocumentKey k = Key(kind, "big");
    CHECK(ts->PutDocument(k, std::string(65, 'x'), "text/plain", Create(), nullptr).code() ==
          Status::Code::kTooLarge);
    CHECK(ts->PostDocument(k, std::string(65, 'x'), "text/plain", {}, nullptr).code() ==
          Status::Code::kTooLarge);
    CHECK_FALSE(Exists(ts, k));
    REQUIRE(ts->PutDocument(k, std::string(64, 'x'), "text/plain", Create(), nullptr).ok());
    // A merge whose result would exceed the limit.
    DocumentKey m = Key(kind, "merge");
    PutJson(ts, m, R"({"a":"0123456789012345678901234567890123456789"})");
    Status s = ts->PostDocument(m, R"({"b":"01234567890123456789"})", kJson, {}, nullptr);
    CHECK(s.code() == Status::Code::kTooLarge);
    CHECK(Get(ts, m).content == R"({"a":"0123456789012345678901234567890123456789"})");
  }
}

TEST_CASE(
    "Communication 2.2.s2: ids of any length are kept exactly (long ids are hashed into the key)",
    "[documents]") {
  TestStore ts;
  const std::string base(1000, 'i');
  const std::vector<std::string> ids = {
      std::string(399, 'j'), std::string(400, 'j'), std::string(401, 'j'), base + "1", base + "2",
      std::string(5000, 'k')};
  for (DocumentKind kind : kAllKinds) {
    INFO(KindName(kind));
    for (const auto& id : ids)
      REQUIRE(ts->PutDocument(Key(kind, id), id, "text/plain", Create(), nullptr).ok());
    for (const auto& id : ids) CHECK(Get(ts, Key(kind, id)).content == id);
    std::vector<std::string> want = ids;
    std::sort(want.begin(), want.end());
    CHECK(List(ts, Key(kind, "")) == want);
    REQUIRE(ts->DeleteDocument(Key(kind, base + "1"), {}).ok());
    CHECK_FALSE(Exists(ts, Key(kind, base + "1")));
    CHECK(Exists(ts, Key(kind, base + "2")));
  }
}

TEST_CASE("Communication 2.2: documents are durable across reopen", "[documents]") {
  TestStore ts;
  for (DocumentKind kind : kAllKinds) PutJson(ts, Key(kind, "keep"), R"({"k":1})");
  PutJson(ts, StateKey("keep", kReg), R"({"k":2})");
  std::vector<Document> before;
  for (DocumentKind kind : kAllKinds) before.push_back(Get(ts, Key(kind, "keep")));
  ts.Reopen();
  int i = 0;
  for (DocumentKind kind : kAllKinds) {
    Document d = Get(ts, Key(kind, "keep"));
    CHECK(d.content == before[i].content);
    CHECK(d.etag == before[i].etag);
    CHECK(d.updated_ms == before[i].updated_ms);
    ++i;
  }
  CHECK(Get(ts, StateKey("keep", kReg)).content == R"({"k":2})");
  // Writes after reopen find the same terms.
  PutJson(ts, Key(DocumentKind::kActivityProfile, "more"), "{}");
  CHECK(List(ts, Key(DocumentKind::kActivityProfile, "")) ==
        std::vector<std::string>{"keep", "more"});
}

TEST_CASE("Communication 2.2: a stored document survives a crash (no clean close)", "[documents]") {
  testing::TempDir dir;
  // The child writes and dies without closing the store (no destructors).
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    std::unique_ptr<Store> store;
    bool ok = Store::Open(Options(), dir.path(), &store).ok();
    for (DocumentKind kind : kAllKinds) {
      ok =
          ok && store->PutDocument(Key(kind, "crash"), R"({"c":1})", kJson, Create(), nullptr).ok();
    }
    ok = ok &&
         store->PutDocument(StateKey("crash", kReg, kAgent2, kAct2), "x", "text/plain", {}, nullptr)
             .ok();
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  std::unique_ptr<Store> store;
  REQUIRE(Store::Open(Options(), dir.path(), &store).ok());
  for (DocumentKind kind : kAllKinds) {
    INFO(KindName(kind));
    Document d;
    Status s = store->GetDocument(Key(kind, "crash"), &d);
    INFO(s.ToString());
    CHECK(s.ok());
    CHECK(d.content == R"({"c":1})");
  }
  Document d;
  CHECK(store->GetDocument(StateKey("crash", kReg, kAgent2, kAct2), &d).ok());
  // New writes after recovery land on the same documents.
  CHECK(store->PutDocument(Key(DocumentKind::kActivityProfile, "crash"), "{}", kJson, {}, nullptr)
            .code() == Status::Code::kPreconditionRequired);
}

TEST_CASE(
    "Communication 2.2: documents share activity and agent ids with statements, across "
    "index flushes and reopen",
    "[documents]") {
  Options o;
  o.index_buffer_statements = 1;  // merge the index buffer after every statement commit
  TestStore ts(o);
  const char* verb = "http://adlnet.gov/expapi/verbs/experienced";
  // A statement first (its terms go through the index buffer), then documents.
  REQUIRE(ts->PutStatements({}, testing::Statement("ana@example.com", verb, kAct), nullptr).ok());
  for (DocumentKind kind : kAllKinds) PutJson(ts, Key(kind, "after-stmt"), R"({"a":1})");
  // Documents first (new terms), then a statement with the same terms.
  for (DocumentKind kind : kAllKinds)
    PutJson(ts, Key(kind, "before-stmt", kAct2, kAgent2), R"({"b":1})");
  REQUIRE(ts->PutStatements({}, testing::Statement("bo@example.com", verb, kAct2), nullptr).ok());
  auto check = [&] {
    for (DocumentKind kind : kAllKinds) {
      INFO(KindName(kind));
      CHECK(Get(ts, Key(kind, "after-stmt")).content == R"({"a":1})");
      CHECK(Get(ts, Key(kind, "before-stmt", kAct2, kAgent2)).content == R"({"b":1})");
      CHECK(List(ts, Key(kind, "")) == std::vector<std::string>{"after-stmt"});
    }
  };
  check();
  ts.Reopen(o);
  check();
}

TEST_CASE("Communication 2.2: reads find documents while statement writes flush the index buffer",
          "[documents]") {
  Options o;
  o.index_buffer_statements = 30;
  TestStore ts(o);
  const char* verb = "http://adlnet.gov/expapi/verbs/experienced";
  constexpr int kRounds = 10, kPerRound = 10;
  auto act = [](int i) { return std::string(kAct) + "/" + std::to_string(i); };
  std::atomic<int> published{0}, misses{0}, reads{0};
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    while (!stop) {
      int n = published;
      for (int i = 0; i < n; ++i) {
        Document d;
        if (!ts->GetDocument(Key(DocumentKind::kActivityProfile, "p", act(i)), &d).ok()) ++misses;
        ++reads;
      }
    }
  });
  for (int r = 0; r < kRounds; ++r) {
    // New activities arrive through statements (their terms wait in the
    // index buffer), then get documents, then filler statements flush the
    // buffer into LMDB while the reader is reading.
    for (int i = r * kPerRound; i < (r + 1) * kPerRound; ++i)
      REQUIRE(
          ts->PutStatements({}, testing::Statement("ana@example.com", verb, act(i)), nullptr).ok());
    for (int i = r * kPerRound; i < (r + 1) * kPerRound; ++i)
      PutJson(ts, Key(DocumentKind::kActivityProfile, "p", act(i)), "{}");
    published = (r + 1) * kPerRound;
    for (int i = 0; i < 20; ++i)
      REQUIRE(
          ts->PutStatements({}, testing::Statement("ana@example.com", verb, kAct), nullptr).ok());
  }
  stop = true;
  reader.join();
  CHECK(reads > 0);
  CHECK(misses == 0);
}

TEST_CASE(
    "Communication 2.2.s7, 3.1: concurrent POSTs from several threads to one document all "
    "merge (no lost update)",
    "[documents]") {
  TestStore ts;
  constexpr int kThreads = 8, kPerThread = 25;
  for (DocumentKind kind : kAllKinds) {
    INFO(KindName(kind));
    DocumentKey k = Key(kind, "shared");
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          std::string body = "{\"t" + std::to_string(t) + "_" + std::to_string(i) +
                             "\":" + std::to_string(i) + "}";
          if (!ts->PostDocument(k, body, kJson, {}, nullptr).ok()) ++failures;
        }
      });
    }
    for (auto& th : threads) th.join();
    CHECK(failures == 0);
    json::Document d;
    REQUIRE(json::Parse(Get(ts, k).content, &d).ok());
    REQUIRE(d.IsObject());
    CHECK(d.MemberCount() == kThreads * kPerThread);
  }
}

TEST_CASE(
    "Communication 3.1: optimistic concurrency with If-Match from several threads loses no "
    "update",
    "[documents]") {
  TestStore ts;
  constexpr int kThreads = 6, kPerThread = 15;
  for (DocumentKind kind : kAllKinds) {
    INFO(KindName(kind));
    DocumentKey k = Key(kind, "counter");
    PutJson(ts, k, R"({"n":0})");
    std::atomic<int> errors{0}, conflicts{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < kPerThread;) {
          Document cur;
          if (!ts->GetDocument(k, &cur).ok()) {
            ++errors;
            return;
          }
          json::Document d;
          if (!json::Parse(cur.content, &d).ok()) {
            ++errors;
            return;
          }
          std::string next = "{\"n\":" + std::to_string(d["n"].GetInt() + 1) + "}";
          Status s = ts->PutDocument(k, next, kJson, IfMatch(cur.etag), nullptr);
          if (s.ok()) {
            ++i;
          } else if (s.IsPreconditionFailed()) {
            ++conflicts;  // someone else won; retry from a fresh GET
          } else {
            ++errors;
            return;
          }
        }
      });
    }
    for (auto& th : threads) th.join();
    CHECK(errors == 0);
    CHECK(Get(ts, k).content == "{\"n\":" + std::to_string(kThreads * kPerThread) + "}");
  }
}

TEST_CASE("Communication 3.1.s4.b6: concurrent creates with If-None-Match: * let exactly one win",
          "[documents]") {
  TestStore ts;
  constexpr int kThreads = 8;
  for (DocumentKind kind : kAllKinds) {
    INFO(KindName(kind));
    DocumentKey k = Key(kind, "race");
    std::atomic<int> won{0}, lost{0}, other{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        Status s = ts->PutDocument(k, "{\"w\":" + std::to_string(t) + "}", kJson, IfNoneMatch("*"),
                                   nullptr);
        if (s.ok())
          ++won;
        else if (s.IsPreconditionFailed())
          ++lost;
        else
          ++other;
      });
    }
    for (auto& th : threads) th.join();
    CHECK(won == 1);
    CHECK(lost == kThreads - 1);
    CHECK(other == 0);
  }
}

}  // namespace
}  // namespace lrs
