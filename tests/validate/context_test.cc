// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Context (Data 2.4.6), contextActivities (2.4.6.2) and the xAPI 2.0.0
// context agents and groups.

#include <catch2/catch.hpp>

#include "tests/validate/validate_test_util.h"

namespace lrs::validate::testing {
namespace {

std::string ContextError(std::string_view context, XapiVersion v = k103) {
  return ErrorWith(kMinimal, "/context", context, v);
}

constexpr std::string_view kContextAgents = R"([{
    "objectType": "contextAgent",
    "agent": {"objectType": "Agent", "mbox": "mailto:player-1@example.com"},
    "relevantTypes": ["https://example.com/xapi/american-footbal/activity-types/personnel/player",
                      "https://example.com/xapi/american-footbal/activity-types/position/qb"]
  }])";

constexpr std::string_view kContextGroups = R"([{
    "objectType": "contextGroup",
    "group": {"objectType": "Group", "mbox": "mailto:team-1@example.com",
              "member": [{"objectType": "Agent", "mbox": "mailto:player-1@example.com"}]},
    "relevantTypes": ["https://example.com/xapi/american-footbal/activity-types/team/a"]
  }, {
    "objectType": "contextGroup",
    "group": {"objectType": "Group", "member": [{"mbox": "mailto:player-3@example.com"}]}
  }])";

TEST_CASE("Data 2.4.6: a full context is accepted", "[validate][1.0.3][2.0.0]") {
  for (XapiVersion v : {k103, k200}) {
    CHECK(ContextError(R"({
        "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
        "instructor": {"name": "Andrew Downes", "mbox": "mailto:andrew@example.com"},
        "team": {"objectType": "Group", "mbox": "mailto:teampb@example.com"},
        "contextActivities": {"parent": [{"id": "http://e.com/p"}], "grouping": [],
                              "category": [{"id": "http://e.com/c"}],
                              "other": [{"id": "http://e.com/o"}]},
        "revision": "rev_10_3_2",
        "platform": "Example virtual meeting software",
        "language": "tlh",
        "statement": {"objectType": "StatementRef", "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"},
        "extensions": {"http://example.com/contextextensions/airspeed": "600mph"}})",
                       v) == "");
    CHECK(ContextError("{}", v) == "");
  }
}

TEST_CASE("Data 2.4.6.1: registration is a UUID", "[validate][1.0.3][2.0.0]") {
  for (XapiVersion v : {k103, k200}) {
    CHECK(ContextError(R"({"registration":"should fail"})", v) ==
          "context.registration: must be a UUID (8-4-4-4-12 hex digits)");
    CHECK(ContextError(R"({"registration":12345})", v) == "context.registration: must be a string");
  }
}

TEST_CASE("Data 2.4.6.s3: instructor is an Agent or Group, team a Group",
          "[validate][1.0.3][2.0.0]") {
  for (XapiVersion v : {k103, k200}) {
    CHECK(ContextError(
              R"({"instructor":{"objectType":"Group","member":[{"mbox":"mailto:a@e.com"}]}})", v) ==
          "");
    CHECK(ContextError(R"({"instructor":{"mbox":"a@e.com"}})", v) ==
          "context.instructor.mbox: must be a mailto: IRI");
    CHECK(ContextError(R"({"team":{"mbox":"mailto:team@example.com"}})", v) ==
          "context.team: must be a Group (objectType \"Group\")");
    CHECK(ContextError(R"({"team":{"objectType":"Agent","mbox":"mailto:team@example.com"}})", v) ==
          "context.team: must be a Group (objectType \"Group\")");
    CHECK(ContextError(R"({"team":{"objectType":"Group","name":"anon"}})", v) ==
          "context.team: an anonymous Group must have a \"member\" property (or one IFI)");
  }
}

TEST_CASE("Data 2.4.6.s4.b1, b2: revision and platform only with an Activity object",
          "[validate][1.0.3][2.0.0]") {
  const std::string agent_object =
      Set(kMinimal, "/object", R"({"objectType":"Agent","mbox":"mailto:b@example.com"})");
  const std::string ref_object =
      Set(kMinimal, "/object",
          R"({"objectType":"StatementRef","id":"8f87ccde-bb56-4c2e-ab83-44982ef22df0"})");
  for (XapiVersion v : {k103, k200}) {
    CHECK(ContextError(R"({"revision":"1","platform":"web"})", v) == "");
    CHECK(ErrorWith(agent_object, "/context", R"({"revision":"1"})", v) ==
          "context.revision: only allowed when the statement's object is an Activity");
    CHECK(ErrorWith(ref_object, "/context", R"({"platform":"web"})", v) ==
          "context.platform: only allowed when the statement's object is an Activity");
    CHECK(ContextError(R"({"revision":12345})", v) == "context.revision: must be a string");
    CHECK(ContextError(R"({"platform":{"a":1}})", v) == "context.platform: must be a string");
  }
}

TEST_CASE("Data 2.4.6.s3: language is an RFC 5646 tag", "[validate][1.0.3][2.0.0]") {
  for (XapiVersion v : {k103, k200}) {
    CHECK(ContextError(R"({"language":"cmn"})", v) == "");
    CHECK(ContextError(R"({"language":"a12345"})", v) ==
          "context.language: must be an RFC 5646 language tag");
    CHECK(ContextError(R"({"language":{"a12345":"should fail"}})", v) ==
          "context.language: must be a string");
  }
}

TEST_CASE("Data 2.4.6.s3: statement is a Statement Reference", "[validate][1.0.3][2.0.0]") {
  for (XapiVersion v : {k103, k200}) {
    CHECK(ContextError(R"({"statement":{"id":"6690e6c9-3ef0-4ed3-8b37-7f3964730bee"}})", v) ==
          "context.statement: missing required property \"objectType\"");
    CHECK(
        ContextError(
            R"({"statement":{"objectType":"SubStatement",
                          "id":"6690e6c9-3ef0-4ed3-8b37-7f3964730bee"}})",
            v) == "context.statement.objectType: must be \"StatementRef\"");
    CHECK(ContextError(R"({"statement":{"objectType":"StatementRef","id":"x"}})", v) ==
          "context.statement.id: must be a UUID (8-4-4-4-12 hex digits)");
  }
}

TEST_CASE("Data 4.1.s3.b1: context extension keys are IRIs", "[validate][1.0.3][2.0.0]") {
  for (XapiVersion v : {k103, k200}) {
    CHECK(ContextError(R"({"extensions":{"airspeed":1}})", v) ==
          "context.extensions: key \"airspeed\" must be an absolute IRI");
    CHECK(ContextError(R"({"extensions":{}})", v) == "");
  }
}

TEST_CASE("Data 2.4.6.2.s4.b1: contextActivities keys are parent, grouping, category, other",
          "[validate][1.0.3][2.0.0]") {
  for (XapiVersion v : {k103, k200}) {
    CHECK(ContextError(R"({"contextActivities":{"parents":[{"id":"http://e.com/p"}]}})", v) ==
          "context.contextActivities: unknown property \"parents\"");
    CHECK(ContextError(R"({"contextActivities":{"Parent":[{"id":"http://e.com/p"}]}})", v) ==
          "context.contextActivities: unknown property \"Parent\"");
    CHECK(ContextError(R"({"contextActivities":[{"id":"http://e.com/p"}]})", v) ==
          "context.contextActivities: must be a JSON object");
  }
}

TEST_CASE("Data 2.4.6.2.s4.b2: contextActivities values are Activities",
          "[validate][1.0.3][2.0.0]") {
  for (XapiVersion v : {k103, k200}) {
    CHECK(ContextError(R"({"contextActivities":{"parent":[{"id":"http://e.com/p"},{"id":"p2"}]}})",
                       v) == "context.contextActivities.parent[1].id: must be an absolute IRI");
    CHECK(ContextError(R"({"contextActivities":{"grouping":"http://e.com/g"}})", v) ==
          "context.contextActivities.grouping: must be an Activity or an array of Activities");
    CHECK(
        ContextError(
            R"({"contextActivities":{"category":[{"objectType":"Agent","id":"http://e.com/c"}]}})",
            v) == "context.contextActivities.category[0].objectType: must be \"Activity\"");
    CHECK(
        ContextError(
            R"({"contextActivities":{"other":{"id":"http://e.com/o","definition":{"name":"x"}}}})",
            v) ==
        "context.contextActivities.other.definition.name: must be a language map (JSON object)");
  }
}

TEST_CASE("Data 2.4.6.2.s4.b3, b4: a single context Activity is normalized to an array",
          "[validate][1.0.3][2.0.0]") {
  for (XapiVersion v : {k103, k200}) {
    std::string in = Set(kMinimal, "/context", R"({"contextActivities":{
        "parent":{"id":"http://e.com/p"},"grouping":[{"id":"http://e.com/g"}],
        "category":{"id":"http://e.com/c","objectType":"Activity"},
        "other":{"id":"http://e.com/o"}}})");
    json::Document out = ParseOrDie(Normalized(in, v));
    const json::Value& ca = out["context"]["contextActivities"];
    for (const char* k : {"parent", "grouping", "category", "other"}) {
      INFO(k);
      REQUIRE(ca[k].IsArray());
      CHECK(ca[k].Size() == 1);
    }
    CHECK(json::Write(ca["parent"]) == R"([{"id":"http://e.com/p"}])");
    CHECK(json::Write(ca["category"]) == R"([{"id":"http://e.com/c","objectType":"Activity"}])");
    // Also in a SubStatement.
    std::string sub = Set(kMinimal, "/object", R"({"objectType":"SubStatement",
        "actor":{"mbox":"mailto:a@e.com"},"verb":{"id":"http://e.com/v"},
        "object":{"id":"http://e.com/a"},
        "context":{"contextActivities":{"parent":{"id":"http://e.com/p"}}}})");
    json::Document sub_out = ParseOrDie(Normalized(sub, v));
    CHECK(json::Write(sub_out["object"]["context"]["contextActivities"]["parent"]) ==
          R"([{"id":"http://e.com/p"}])");
  }
}

TEST_CASE("Data 2.4.6 (1.0.3): contextAgents and contextGroups do not exist in 1.0.3",
          "[validate][1.0.3]") {
  CHECK(ErrorWith(kMinimal, "/context/contextAgents", kContextAgents, k103) ==
        "context: unknown property \"contextAgents\" (new in xAPI 2.0.0)");
  CHECK(ErrorWith(kMinimal, "/context/contextGroups", kContextGroups, k103) ==
        "context: unknown property \"contextGroups\" (new in xAPI 2.0.0)");
}

TEST_CASE("Data 2.4.6 (2.0.0): contextAgents is an array of contextAgent objects",
          "[validate][2.0.0]") {
  CHECK(ErrorWith(kMinimal, "/context/contextAgents", kContextAgents, k200) == "");
  CHECK(ErrorWith(kMinimal, "/context/contextAgents", "[]", k200) == "");
  CHECK(ErrorWith(kMinimal, "/context/contextAgents",
                  R"([{"objectType":"contextAgent","agent":{"mbox":"mailto:a@e.com"}}])",
                  k200) == "");
  CHECK(ErrorWith(kMinimal, "/context/contextAgents", R"({"objectType":"contextAgent"})", k200) ==
        "context.contextAgents: must be an array of contextAgent objects");
  CHECK(ErrorWith(kMinimal, "/context/contextAgents",
                  R"([{"objectType":"Should fail","agent":{"mbox":"mailto:a@e.com"}}])",
                  k200) == "context.contextAgents[0].objectType: must be \"contextAgent\"");
  CHECK(ErrorWith(kMinimal, "/context/contextAgents", R"([{"agent":{"mbox":"mailto:a@e.com"}}])",
                  k200) == "context.contextAgents[0]: missing required property \"objectType\"");
  CHECK(ErrorWith(kMinimal, "/context/contextAgents", R"([{"objectType":"contextAgent"}])", k200) ==
        "context.contextAgents[0]: missing required property \"agent\"");
  CHECK(ErrorWith(kMinimal, "/context/contextAgents",
                  R"([{"objectType":"contextAgent","agent":{"key":"Should fail"}}])",
                  k200) == "context.contextAgents[0].agent: unknown property \"key\"");
  CHECK(
      ErrorWith(
          kMinimal, "/context/contextAgents",
          R"([{"objectType":"contextAgent",
                       "agent":{"objectType":"Group","mbox":"mailto:g@e.com"}}])",
          k200) == "context.contextAgents[0].agent: must be an Agent, not a Group");
  CHECK(ErrorWith(kMinimal, "/context/contextAgents",
                  R"([{"objectType":"contextAgent","agent":{"mbox":"mailto:a@e.com"},"group":{}}])",
                  k200) == "context.contextAgents[0]: unknown property \"group\"");
}

TEST_CASE("Data 2.4.6 (2.0.0): contextGroups is an array of contextGroup objects",
          "[validate][2.0.0]") {
  CHECK(ErrorWith(kMinimal, "/context/contextGroups", kContextGroups, k200) == "");
  CHECK(
      ErrorWith(
          kMinimal, "/context/contextGroups",
          R"([{"objectType":"Should fail",
                       "group":{"objectType":"Group","mbox":"mailto:g@e.com"}}])",
          k200) == "context.contextGroups[0].objectType: must be \"contextGroup\"");
  CHECK(ErrorWith(kMinimal, "/context/contextGroups",
                  R"([{"objectType":"contextGroup","group":{"key":"Should fail"}}])",
                  k200) == "context.contextGroups[0].group: unknown property \"key\"");
  CHECK(ErrorWith(kMinimal, "/context/contextGroups",
                  R"([{"objectType":"contextGroup","group":{"mbox":"mailto:g@e.com"}}])", k200) ==
        "context.contextGroups[0].group: must be a Group (objectType \"Group\")");
  CHECK(ErrorWith(kMinimal, "/context/contextGroups",
                  R"([{"objectType":"contextGroup","group":{"objectType":"Group","member":[
                      {"objectType":"Group","mbox":"mailto:g@e.com"}]}}])",
                  k200) ==
        "context.contextGroups[0].group.member[0]: must be an Agent: Groups cannot be members");
}

TEST_CASE("Data 2.4.6 (2.0.0): relevantTypes is a non-empty array of IRIs", "[validate][2.0.0]") {
  for (const char* list : {"contextAgents", "contextGroups"}) {
    INFO(list);
    std::string base =
        Set(kMinimal, (std::string("/context/") + list).c_str(),
            std::string_view(list) == "contextAgents" ? kContextAgents : kContextGroups);
    std::string p = std::string("/context/") + list + "/0/relevantTypes";
    std::string prefix = std::string("context.") + list + "[0].relevantTypes";
    CHECK(ErrorWith(base, p.c_str(), "[]", k200) == prefix + ": must not be empty");
    CHECK(ErrorWith(base, p.c_str(), R"(["abc"])", k200) ==
          prefix + "[0]: must be an absolute IRI");
    CHECK(ErrorWith(base, p.c_str(), R"("http://e.com/t")", k200) ==
          prefix + ": must be an array of IRIs");
    CHECK(ErrorWith(base, p.c_str(), R"(["http://e.com/t",null])", k200) ==
          prefix + "[1]: must not be null");
  }
}

TEST_CASE("Data 2.4.6 (2.0.0): a SubStatement's context may have contextAgents and contextGroups",
          "[validate][2.0.0]") {
  std::string sub = Set(kMinimal, "/object", R"({"objectType":"SubStatement",
      "actor":{"mbox":"mailto:a@e.com"},"verb":{"id":"http://e.com/v"},
      "object":{"id":"http://e.com/a"}})");
  CHECK(ErrorWith(sub, "/object/context/contextAgents", kContextAgents, k200) == "");
  CHECK(ErrorWith(sub, "/object/context/contextGroups", kContextGroups, k200) == "");
  CHECK(ErrorWith(sub, "/object/context/contextAgents", kContextAgents, k103) ==
        "object.context: unknown property \"contextAgents\" (new in xAPI 2.0.0)");
  CHECK(ErrorWith(sub, "/object/context/contextGroups", "[{}]", k200) ==
        "object.context.contextGroups[0]: missing required property \"objectType\"");
}

}  // namespace
}  // namespace lrs::validate::testing
