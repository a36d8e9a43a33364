// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// StatementsEquivalent: Data 2.3.1 Statement Immutability and the Statement
// Comparison Requirements (2.3.1.s9).

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <utility>

#include "lrs/xapi/statement_ops.h"
#include "tests/xapi/xapi_test_util.h"

namespace lrs::xapi {
namespace {

using testing::Doc;
using testing::kLongExample;
using testing::kMatchingStatement;
using testing::kSubStatement;
using testing::Replace;
using testing::ReplaceAll;

// The long example as a client would send it: no stored/authority/version.
json::Document AsSent(std::string_view text) {
  json::Document d = Doc(text);
  d.RemoveMember("stored");
  d.RemoveMember("authority");
  d.RemoveMember("version");
  return d;
}

bool Equivalent(std::string_view incoming, std::string_view stored) {
  json::Document a = Doc(incoming), b = Doc(stored);
  return StatementsEquivalent(a, b);
}

TEST_CASE("Data 2.3.1.s9: identical statements are equivalent") {
  for (std::string_view text : {kLongExample, kMatchingStatement, kSubStatement}) {
    CHECK(Equivalent(text, text));
  }
}

TEST_CASE("Data 2.3.1.s9: non-objects are never equivalent") {
  json::Document a = Doc("[]"), b = Doc("[]");
  CHECK_FALSE(StatementsEquivalent(a, b));
}

TEST_CASE("Data 2.3.1.b1: id, authority, stored and version assigned by the LRS are ignored") {
  json::Document stored = Doc(kLongExample);
  json::Document sent = AsSent(kLongExample);
  CHECK(StatementsEquivalent(sent, stored));
  sent.RemoveMember("id");
  CHECK(StatementsEquivalent(sent, stored));

  json::Document other =
      Doc(Replace(Replace(Replace(kLongExample, "\"version\": \"1.0.0\"", "\"version\": \"2.0.0\""),
                          "\"stored\": \"2013-05-18T05:32:34.804+00:00\"",
                          "\"stored\": \"2020-01-01T00:00:00Z\""),
                  "\"name\": \"anonymous\"", "\"name\": \"someone else\""));
  CHECK(StatementsEquivalent(other, stored));
  CHECK(StatementsEquivalent(stored, other));
}

TEST_CASE("Data 2.3.1.b1: a timestamp absent from the incoming statement is ignored") {
  json::Document stored = Doc(kLongExample);
  json::Document sent = AsSent(kLongExample);
  sent.RemoveMember("timestamp");
  CHECK(StatementsEquivalent(sent, stored));
}

TEST_CASE("Data 2.3.1.b1: a timestamp present in the incoming statement counts") {
  json::Document stored = Doc(kLongExample);
  json::Document sent =
      Doc(Replace(kLongExample, "2013-05-18T05:32:34.804+00:00", "2013-05-18T05:32:35.804+00:00"));
  CHECK_FALSE(StatementsEquivalent(sent, stored));
  json::Document no_stored_timestamp = Doc(kLongExample);
  no_stored_timestamp.RemoveMember("timestamp");
  CHECK_FALSE(StatementsEquivalent(stored, no_stored_timestamp));
}

TEST_CASE("Data 2.3.1.b4: timestamps are compared as instants") {
  const std::string_view ts = "2013-05-18T05:32:34.804+00:00";
  CHECK(Equivalent(Replace(kLongExample, ts, "2013-05-18T07:32:34.804+02:00"), kLongExample));
  CHECK(Equivalent(Replace(kLongExample, ts, "2013-05-18T05:32:34.804Z"), kLongExample));
  CHECK(Equivalent(Replace(kLongExample, ts, "2013-05-18T00:02:34.8040-05:30"), kLongExample));
  CHECK_FALSE(Equivalent(Replace(kLongExample, ts, "2013-05-18T05:32:34.804+01:00"), kLongExample));
  CHECK_FALSE(Equivalent(Replace(kLongExample, ts, "2013-05-18T05:32:34.805Z"), kLongExample));
}

TEST_CASE("Data 4.5.s1.b7: a stored timestamp truncated or rounded to milliseconds matches") {
  const std::string_view ts = "2013-05-18T05:32:34.804+00:00";
  const std::string stored = Replace(kLongExample, ts, "2013-05-18T05:32:34.805Z");
  CHECK(Equivalent(Replace(kLongExample, ts, "2013-05-18T05:32:34.805999Z"), stored));  // truncated
  CHECK(Equivalent(Replace(kLongExample, ts, "2013-05-18T05:32:34.8046Z"), stored));    // rounded
  CHECK_FALSE(Equivalent(Replace(kLongExample, ts, "2013-05-18T05:32:34.8044Z"), stored));
  CHECK_FALSE(Equivalent(Replace(kLongExample, ts, "2013-05-18T05:32:34.806Z"), stored));
  // A stored timestamp with sub-millisecond digits was not truncated.
  const std::string precise = Replace(kLongExample, ts, "2013-05-18T05:32:34.805100Z");
  CHECK_FALSE(Equivalent(Replace(kLongExample, ts, "2013-05-18T05:32:34.805Z"), precise));
}

TEST_CASE("Data 2.3.1.b4: a SubStatement timestamp is compared as an instant, never assigned") {
  const std::string with_ts = Replace(kSubStatement, "\"objectType\": \"SubStatement\",",
                                      "\"objectType\": \"SubStatement\", "
                                      "\"timestamp\": \"2020-02-02T10:00:00Z\",");
  CHECK(Equivalent(with_ts, with_ts));
  CHECK(Equivalent(Replace(with_ts, "2020-02-02T10:00:00Z", "2020-02-02T11:00:00+01:00"), with_ts));
  CHECK_FALSE(
      Equivalent(Replace(with_ts, "2020-02-02T10:00:00Z", "2020-02-02T10:00:01Z"), with_ts));
  CHECK_FALSE(Equivalent(kSubStatement, with_ts));
  CHECK_FALSE(Equivalent(with_ts, kSubStatement));
}

TEST_CASE("Data 2.3.1.b2: Activity definitions are not part of the statement") {
  // Statement object.
  json::Document stored = Doc(kLongExample);
  json::Document sent = Doc(kLongExample);
  sent["object"].RemoveMember("definition");
  CHECK(StatementsEquivalent(sent, stored));
  CHECK(StatementsEquivalent(stored, sent));
  CHECK(Equivalent(Replace(kLongExample, "\"en-GB\": \"example meeting\"",
                           "\"en-GB\": \"a renamed meeting\", \"fr\": \"réunion\""),
                   kLongExample));
  // contextActivities.
  CHECK(Equivalent(Replace(kLongExample, "\"en\": \"team meeting\"", "\"en\": \"standup\""),
                   kLongExample));
  CHECK(Equivalent(Replace(kMatchingStatement, "\"interactionType\": \"matching\"",
                           "\"interactionType\": \"choice\""),
                   kMatchingStatement));
  // SubStatement object and SubStatement contextActivities.
  CHECK(Equivalent(Replace(kSubStatement, "\"en\": \"Other\"", "\"en\": \"Another\""),
                   kSubStatement));
  CHECK(Equivalent(Replace(kSubStatement, "\"en-GB\": \"GB name\"", "\"en-GB\": \"other\""),
                   kSubStatement));
}

TEST_CASE("Data 2.3.1.b2: Activity ids still count") {
  CHECK_FALSE(Equivalent(
      Replace(kLongExample, "meetings/occurances/34534", "meetings/occurances/9"), kLongExample));
  CHECK_FALSE(Equivalent(Replace(kLongExample, "meetings/series/267", "meetings/series/268"),
                         kLongExample));
  CHECK_FALSE(Equivalent(Replace(kSubStatement, "http://www.example.com/unicode", "http://x.org/u"),
                         kSubStatement));
  // An extra or a missing contextActivities entry.
  CHECK_FALSE(Equivalent(
      Replace(kLongExample, R"("other": [)", R"("other": [{"id": "http://example.com/x"}, )"),
      kLongExample));
  json::Document sent = Doc(kLongExample), stored = Doc(kLongExample);
  sent["context"]["contextActivities"].RemoveMember("parent");
  CHECK_FALSE(StatementsEquivalent(sent, stored));
}

TEST_CASE("Data 2.3.1.b2: an explicit objectType of Activity is not a difference") {
  json::Document stored = Doc(kLongExample);
  json::Document sent = Doc(kLongExample);
  sent["object"].RemoveMember("objectType");
  sent["context"]["contextActivities"]["parent"][0].RemoveMember("objectType");
  CHECK(StatementsEquivalent(sent, stored));
  CHECK(StatementsEquivalent(stored, sent));
}

TEST_CASE("Data 2.3.1.b3: Verb display is not part of the statement") {
  CHECK(Equivalent(Replace(kLongExample, "\"en-GB\": \"attended\", ", ""), kLongExample));
  CHECK(Equivalent(Replace(kMatchingStatement, "\"de\": \"beantwortet\"", "\"it\": \"risposto\""),
                   kMatchingStatement));
  json::Document sent = Doc(kLongExample), stored = Doc(kLongExample);
  sent["verb"].RemoveMember("display");
  CHECK(StatementsEquivalent(sent, stored));
  // Inside a SubStatement.
  CHECK(Equivalent(Replace(kSubStatement, ", \"ja-JP\": \"出席した\"", ""), kSubStatement));
  // The verb id counts.
  CHECK_FALSE(Equivalent(Replace(kLongExample, "verbs/attended", "verbs/attempted"), kLongExample));
  CHECK_FALSE(Equivalent(Replace(kSubStatement,
                                 "\"id\": \"http://adlnet.gov/expapi/verbs/attended\",\n"
                                 "             \"display\"",
                                 "\"id\": \"http://adlnet.gov/expapi/verbs/failed\",\n"
                                 "             \"display\""),
                         kSubStatement));
}

TEST_CASE("Data 2.3.1.b5: group member order is ignored in comparison") {
  json::Document stored = Doc(kLongExample);
  json::Document sent = Doc(kLongExample);
  auto& members = sent["actor"]["member"];
  members[0].Swap(members[2]);
  CHECK(StatementsEquivalent(sent, stored));
  members[1].Swap(members[2]);
  CHECK(StatementsEquivalent(sent, stored));
}

TEST_CASE("Data 2.3.1.b5: group members are compared as a multiset") {
  json::Document stored = Doc(kLongExample);
  json::Document sent = Doc(kLongExample);
  auto& members = sent["actor"]["member"];
  // [A, B, C] vs [A, B, B]
  members[2].CopyFrom(members[1], sent.GetAllocator());
  CHECK_FALSE(StatementsEquivalent(sent, stored));
  // [A, B] vs [A, B, C]
  members.PopBack();
  CHECK_FALSE(StatementsEquivalent(sent, stored));
  CHECK_FALSE(StatementsEquivalent(stored, sent));
  // [A, A, B] vs [A, B, B]
  json::Document x = Doc(R"({"actor": {"objectType": "Group", "member": [
      {"mbox": "mailto:a@x.org"}, {"mbox": "mailto:a@x.org"}, {"mbox": "mailto:b@x.org"}]}})");
  json::Document y = Doc(R"({"actor": {"objectType": "Group", "member": [
      {"mbox": "mailto:b@x.org"}, {"mbox": "mailto:a@x.org"}, {"mbox": "mailto:b@x.org"}]}})");
  CHECK_FALSE(StatementsEquivalent(x, y));
  // Same multiset, other order, with case-insensitive parts.
  json::Document z = Doc(R"({"actor": {"objectType": "Group", "member": [
      {"mbox": "mailto:b@X.org"}, {"mbox": "mailto:a@x.ORG"}, {"mbox": "mailto:a@x.org"}]}})");
  CHECK(StatementsEquivalent(x, z));
  // A member's name still counts.
  CHECK_FALSE(Equivalent(Replace(kLongExample, "Toby Nichols", "Toby N."), kLongExample));
}

TEST_CASE("Data 2.3.1.b5: member order is ignored in SubStatements and xAPI 2.0 contextGroups") {
  json::Document stored = Doc(kMatchingStatement);
  json::Document sent = Doc(kMatchingStatement);
  auto& members = sent["context"]["contextGroups"][0]["group"]["member"];
  members[0].Swap(members[1]);
  CHECK(StatementsEquivalent(sent, stored));

  const std::string two =
      Replace(kSubStatement,
              R"("member": [{"objectType": "Agent", "name": "M", "mbox": "mailto:m@adlnet.gov"}])",
              R"("member": [{"objectType": "Agent", "name": "M", "mbox": "mailto:m@adlnet.gov"},
                    {"objectType": "Agent", "name": "N", "mbox": "mailto:n@adlnet.gov"}])");
  const std::string swapped =
      Replace(kSubStatement,
              R"("member": [{"objectType": "Agent", "name": "M", "mbox": "mailto:m@adlnet.gov"}])",
              R"("member": [{"objectType": "Agent", "name": "N", "mbox": "mailto:n@ADLNET.gov"},
                    {"objectType": "Agent", "name": "M", "mbox": "mailto:m@adlnet.gov"}])");
  CHECK(Equivalent(swapped, two));
  CHECK_FALSE(Equivalent(kSubStatement, two));
}

TEST_CASE("Data 2.3.1.b6: attachment metadata counts, payloads are not compared") {
  const std::string_view attached = R"({
    "actor": {"mbox": "mailto:a@example.com"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
    "object": {"id": "http://example.com/a"},
    "attachments": [{
      "usageType": "http://adlnet.gov/expapi/attachments/signature",
      "display": {"en-US": "Signature"},
      "contentType": "application/octet-stream",
      "length": 4235,
      "sha2": "672fa5fa658017f1b72d65036f13379c6ab05d4ab3b6664908d8acf0b6a0c634"
    }]
  })";
  CHECK(Equivalent(attached, attached));
  CHECK(Equivalent(Replace(attached, "672fa5fa658017f1b72d", "672FA5FA658017F1B72D"), attached));
  CHECK_FALSE(Equivalent(Replace(attached, "672fa5fa", "772fa5fa"), attached));
  CHECK_FALSE(Equivalent(Replace(attached, "4235", "4236"), attached));
  CHECK_FALSE(Equivalent(Replace(attached, "\"Signature\"", "\"Sig\""), attached));
  CHECK_FALSE(Equivalent(Replace(attached, "application/octet-stream", "text/plain"), attached));
  json::Document sent = Doc(attached), stored = Doc(attached);
  sent.RemoveMember("attachments");
  CHECK_FALSE(StatementsEquivalent(sent, stored));
}

TEST_CASE("Data 2.3.1.b7: UUIDs are compared case-insensitively") {
  const std::string upper_ref =
      Replace(kLongExample, "\"StatementRef\", \"id\": \"6690e6c9-3ef0-4ed3-8b37-7f3964730bee\"",
              "\"StatementRef\", \"id\": \"6690E6C9-3EF0-4ED3-8B37-7F3964730BEE\"");
  CHECK(Equivalent(upper_ref, kLongExample));
  CHECK(Equivalent(ReplaceAll(kLongExample, "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
                              "EC531277-B57B-4C15-8D91-D292C5B2B8F7"),
                   kLongExample));
  CHECK_FALSE(Equivalent(Replace(kLongExample, "ec531277-b57b", "ec531277-b57c"), kLongExample));
  // A StatementRef as the object.
  const std::string_view ref = R"({"actor": {"mbox": "mailto:a@example.com"},
      "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
      "object": {"objectType": "StatementRef", "id": "9e13cefd-53d3-4eac-b5ed-2cf6693903bb"}})";
  CHECK(Equivalent(Replace(ref, "9e13cefd-53d3-4eac-b5ed", "9E13CEFD-53D3-4EAC-B5ED"), ref));
  CHECK_FALSE(Equivalent(Replace(ref, "9e13cefd", "9e13cefe"), ref));
}

TEST_CASE("Data 2.3.1.b7: the mbox domain is case-insensitive, the local part is not") {
  CHECK(
      Equivalent(ReplaceAll(kLongExample, "mailto:teampb@example.com", "mailto:teampb@EXAMPLE.Com"),
                 kLongExample));
  CHECK(Equivalent(
      Replace(kMatchingStatement, "mailto:chris@example.com", "mailto:chris@Example.com"),
      kMatchingStatement));
  CHECK_FALSE(
      Equivalent(Replace(kLongExample, "mailto:teampb@example.com", "mailto:TeamPB@example.com"),
                 kLongExample));
  CHECK_FALSE(
      Equivalent(Replace(kLongExample, "mailto:teampb@example.com", "mailto:teampb@example.org"),
                 kLongExample));
}

TEST_CASE("Data 2.3.1.b7: mbox_sha1sum hex is case-insensitive; openid and account are not") {
  CHECK(Equivalent(Replace(kLongExample, "ebd31e95054c018b10727ccffd2ef2ec3a016ee9",
                           "EBD31E95054C018B10727CCFFD2EF2EC3A016EE9"),
                   kLongExample));
  CHECK_FALSE(Equivalent(Replace(kLongExample, "toby.openid", "Toby.openid"), kLongExample));
  CHECK_FALSE(Equivalent(Replace(kLongExample, "\"13936749\"", "\"13936750\""), kLongExample));
  CHECK_FALSE(Equivalent(Replace(kLongExample, "http://www.example.com\", \"name\": \"13936749\"",
                                 "http://www.example.com/\", \"name\": \"13936749\""),
                         kLongExample));
}

TEST_CASE("Data 2.3.1.b8: Result duration is compared as a string") {
  CHECK_FALSE(Equivalent(Replace(kLongExample, "PT1H0M0S", "PT1H"), kLongExample));
  CHECK_FALSE(Equivalent(Replace(kLongExample, "PT1H0M0S", "PT60M"), kLongExample));
  CHECK_FALSE(Equivalent(Replace(kMatchingStatement, "PT1M30S", "PT90S"), kMatchingStatement));
}

TEST_CASE("Data 4.6: precision beyond 0.01 s is not part of a duration comparison") {
  const std::string a = Replace(kMatchingStatement, "PT1M30S", "P1DT12H36M0.12S");
  CHECK(Equivalent(Replace(kMatchingStatement, "PT1M30S", "P1DT12H36M0.1237S"), a));
  CHECK(Equivalent(Replace(kMatchingStatement, "PT1M30S", "P1DT12H36M0.129S"), a));
  CHECK(Equivalent(Replace(kMatchingStatement, "PT1M30S", "P1DT12H36M0.120S"), a));
  // Truncated, not rounded; and hundredths still count.
  CHECK_FALSE(Equivalent(Replace(kMatchingStatement, "PT1M30S", "P1DT12H36M0.13S"), a));
  CHECK_FALSE(Equivalent(Replace(kMatchingStatement, "PT1M30S", "P1DT12H36M0.1S"), a));
  CHECK(Equivalent(Replace(kMatchingStatement, "PT1M30S", "PT1.10S"),
                   Replace(kMatchingStatement, "PT1M30S", "PT1.1S")));
}

TEST_CASE("Data 2.3.1.s9.b2: every other difference counts") {
  const std::pair<std::string_view, std::string_view> changes[] = {
      {"\"success\": true", "\"success\": false"},
      {"We agreed on some example actions.", "We agreed on nothing."},
      {"examplemeeting.one", "examplemeeting.two"},
      {"Example virtual meeting software", "Other software"},
      {"\"language\": \"tlh\"", "\"language\": \"en\""},
      {"\"name\": \"Team PB\",\n    \"mbox\"", "\"name\": \"Team B\",\n    \"mbox\""},
      {"\"team\": {\"name\": \"Team PB\"", "\"team\": {\"name\": \"Team C\""},
  };
  for (const auto& [from, to] : changes) {
    INFO(from << " -> " << to);
    CHECK_FALSE(Equivalent(Replace(kLongExample, from, to), kLongExample));
  }
  // Missing or extra properties.
  json::Document stored = Doc(kLongExample);
  for (const char* member : {"result", "context"}) {
    json::Document sent = Doc(kLongExample);
    sent.RemoveMember(member);
    INFO(member);
    CHECK_FALSE(StatementsEquivalent(sent, stored));
    CHECK_FALSE(StatementsEquivalent(stored, sent));
  }
  json::Document sent = Doc(kLongExample);
  sent["context"].AddMember("revision", "2", sent.GetAllocator());
  CHECK_FALSE(StatementsEquivalent(sent, stored));
  // Another kind of object with the same id.
  CHECK_FALSE(Equivalent(
      Replace(kSubStatement, "\"objectType\": \"SubStatement\"", "\"objectType\": \"Activity\""),
      kSubStatement));
  // The instructor, and xAPI 2.0 contextAgents.
  CHECK_FALSE(
      Equivalent(Replace(kLongExample, "\"instructor\": {\n      \"name\": \"Andrew Downes\"",
                         "\"instructor\": {\n      \"name\": \"A. Downes\""),
                 kLongExample));
  CHECK_FALSE(Equivalent(Replace(kMatchingStatement, "http://example.com/types/coach",
                                 "http://example.com/types/referee"),
                         kMatchingStatement));
  CHECK_FALSE(Equivalent(
      Replace(kMatchingStatement, "mailto:chris@example.com", "mailto:chris2@example.com"),
      kMatchingStatement));
  CHECK_FALSE(Equivalent(
      Replace(kMatchingStatement, "\"name\": \"Kickball team\"", "\"name\": \"Baseball team\""),
      kMatchingStatement));
}

TEST_CASE("Data 2.2.s4: numbers are compared by value") {
  CHECK(
      Equivalent(Replace(kMatchingStatement, "\"raw\": 95", "\"raw\": 95.0"), kMatchingStatement));
  CHECK(Equivalent(Replace(kMatchingStatement, "\"scaled\": 0.95", "\"scaled\": 9.5e-1"),
                   kMatchingStatement));
  CHECK(Equivalent(Replace(kMatchingStatement, "\"min\": 0", "\"min\": -0.0"), kMatchingStatement));
  CHECK_FALSE(
      Equivalent(Replace(kMatchingStatement, "\"raw\": 95", "\"raw\": 95.5"), kMatchingStatement));
}

TEST_CASE("Data 2.4.2: an omitted Agent objectType equals an explicit \"Agent\"") {
  json::Document stored = Doc(kLongExample);
  json::Document sent = Doc(kLongExample);
  sent["context"]["instructor"].RemoveMember("objectType");
  sent["actor"]["member"][1].RemoveMember("objectType");
  CHECK(StatementsEquivalent(sent, stored));
  // But a Group is not an Agent.
  CHECK_FALSE(
      Equivalent(Replace(kSubStatement, "\"objectType\": \"Group\"", "\"objectType\": \"Agent\""),
                 kSubStatement));
}

TEST_CASE("Data 2.3.1: member order of JSON objects is irrelevant") {
  const std::string_view a = R"({"actor": {"mbox": "mailto:a@x.org", "name": "A"},
      "verb": {"id": "http://x.org/v"}, "object": {"id": "http://x.org/o"},
      "result": {"extensions": {"http://x.org/e1": 1, "http://x.org/e2": {"k": [1, 2]}}}})";
  const std::string_view b = R"({"result": {"extensions": {"http://x.org/e2": {"k": [1, 2]},
      "http://x.org/e1": 1}}, "object": {"id": "http://x.org/o"},
      "verb": {"id": "http://x.org/v"}, "actor": {"name": "A", "mbox": "mailto:a@x.org"}})";
  CHECK(Equivalent(a, b));
  CHECK_FALSE(Equivalent(Replace(a, "[1, 2]", "[2, 1]"), b));  // arrays keep their order
}

}  // namespace
}  // namespace lrs::xapi
