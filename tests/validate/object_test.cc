// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The object of a statement (Data 2.4.4): Activities, Statement References
// and SubStatements, and the verb (2.4.3).

#include <catch2/catch.hpp>

#include "tests/validate/validate_test_util.h"

namespace lrs::validate::testing {
namespace {

std::string ObjectError(std::string_view object, XapiVersion v = k103) {
  return ErrorWith(kMinimal, "/object", object, v);
}

// Data 2.4.4.3.s9: "I planned to visit 'Some Awesome Website'".
constexpr std::string_view kSubStatementExample = R"({
  "actor": {"objectType": "Agent", "mbox":"mailto:test@example.com"},
  "verb" : {"id":"http://example.com/planned", "display":{"en-US":"planned"}},
  "object": {
    "objectType": "SubStatement",
    "actor" : {"objectType": "Agent", "mbox":"mailto:test@example.com"},
    "verb" : {"id":"http://example.com/visited", "display":{"en-US":"will visit"}},
    "object": {
      "objectType": "Activity",
      "id":"http://example.com/website",
      "definition": {"name" : {"en-US":"Some Awesome Website"}}
    }
  }
})";

// Data 2.4.4.3.s5: a comment on a statement, by StatementRef.
constexpr std::string_view kStatementRefExample = R"({
  "actor" : {"objectType": "Agent", "mbox":"mailto:test@example.com"},
  "verb" : {"id":"http://example.com/commented", "display": {"en-US":"commented"}},
  "object" : {"objectType":"StatementRef", "id":"8f87ccde-bb56-4c2e-ab83-44982ef22df0"},
  "result" : {"response" : "Wow, nice work!"}
})";

TEST_CASE("Data 2.4.4.3: the StatementRef and SubStatement examples are valid",
          "[validate][1.0.3][2.0.0]") {
  for (XapiVersion v : {k103, k200}) {
    CHECK(ErrorOf(kSubStatementExample, v) == "");
    CHECK(ErrorOf(kStatementRefExample, v) == "");
  }
}

TEST_CASE("Data Appendix B: the example objects of each type are valid",
          "[validate][1.0.3][2.0.0]") {
  for (XapiVersion v : {k103, k200}) {
    CHECK(ObjectError(R"({"id": "http://www.example.co.uk/exampleactivity",
        "definition": {"name": {"en-GB": "example activity", "en-US": "example activity"},
          "description": {"en-GB": "An example of an activity",
                          "en-US": "An example of an activity"},
          "type": "http://www.example.co.uk/types/exampleactivitytype"},
        "objectType": "Activity"})",
                      v) == "");
    CHECK(ObjectError(R"({"name": "Andrew Downes", "mbox": "mailto:andrew@example.co.uk",
        "objectType": "Agent"})",
                      v) == "");
    CHECK(ObjectError(R"({"name": "Example Group",
        "account" : {"homePage" : "http://example.com/homePage", "name" : "GroupAccount"},
        "objectType": "Group",
        "member": [{"name": "Andrew Downes", "mbox": "mailto:andrew@example.com",
                     "objectType": "Agent"},
                   {"name": "Aaron Silvers", "openid": "http://aaron.openid.example.org",
                     "objectType": "Agent"}]})",
                      v) == "");
    CHECK(ObjectError(R"({"objectType": "SubStatement",
        "actor" : {"objectType": "Agent", "mbox":"mailto:agent@example.com"},
        "verb" : {"id":"http://example.com/confirmed", "display":{"en":"confirmed"}},
        "object": {"objectType":"StatementRef", "id" :"9e13cefd-53d3-4eac-b5ed-2cf6693903bb"}})",
                      v) == "");
  }
}

TEST_CASE("Data 2.4.3: verb id is a required IRI, display a language map", "[validate][1.0.3]") {
  CHECK(ErrorWith(kMinimal, "/verb", R"({"display":{"en-US":"x"}})") ==
        "verb: missing required property \"id\"");
  CHECK(ErrorWith(kMinimal, "/verb/id", "\"adlnet.gov/expapi/verbs/created\"") ==
        "verb.id: must be an absolute IRI");
  CHECK(ErrorWith(kMinimal, "/verb/id", "\"\"") == "verb.id: must be an absolute IRI");
  CHECK(ErrorWith(kMinimal, "/verb/display", R"({"a12345":"x"})") ==
        "verb.display: key \"a12345\" must be an RFC 5646 language tag");
  CHECK(ErrorWith(kMinimal, "/verb/display", R"({"en-US":12})") ==
        "verb.display.en-US: must be a string");
  CHECK(ErrorWith(kMinimal, "/verb/display", R"("created")") ==
        "verb.display: must be a language map (JSON object)");
  CHECK(ErrorOf(Remove(kMinimal, "/verb/display")) == "");
}

TEST_CASE("Data 2.4.4.s2: objectType names the kind of object exactly",
          "[validate][1.0.3][2.0.0]") {
  for (XapiVersion v : {k103, k200}) {
    for (const char* bad :
         {"activity", "agent", "group", "statementref", "substatement", "Statement"}) {
      INFO(bad);
      CHECK(
          ObjectError(std::string(R"({"objectType":")") + bad + R"(","id":"http://e.com/a"})", v) ==
          "object.objectType: must be \"Activity\", \"Agent\", \"Group\", \"StatementRef\" or "
          "\"SubStatement\"");
    }
    CHECK(ObjectError(R"({"objectType":1,"id":"http://e.com/a"})", v) ==
          "object.objectType: must be a string");
  }
}

TEST_CASE("Data 2.4.4.1: an Activity has an IRI id", "[validate][1.0.3][2.0.0]") {
  for (XapiVersion v : {k103, k200}) {
    CHECK(ObjectError(R"({"id":"http://e.com/a"})", v) == "");
    CHECK(ObjectError(R"({"objectType":"Activity","id":"http://e.com/a"})", v) == "");
    CHECK(ObjectError(R"({"objectType":"Activity"})", v) ==
          "object: missing required property \"id\"");
    CHECK(ObjectError(R"({"id":"www.example.com/meetings/occurances/34534"})", v) ==
          "object.id: must be an absolute IRI");
    CHECK(ObjectError(R"({"id":12345})", v) == "object.id: must be a string");
    CHECK(ObjectError(R"({"id":"http://e.com/a","version":"1"})", v) ==
          "object: unknown property \"version\"");
    CHECK(ObjectError("\"http://e.com/a\"", v) == "object: must be a JSON object");
  }
}

TEST_CASE("Data 2.4.4.3.s4: a Statement Reference has objectType and a UUID id only",
          "[validate][1.0.3][2.0.0]") {
  for (XapiVersion v : {k103, k200}) {
    CHECK(ObjectError(R"({"objectType":"StatementRef"})", v) ==
          "object: missing required property \"id\"");
    CHECK(ObjectError(R"({"objectType":"StatementRef","id":"should fail"})", v) ==
          "object.id: must be a UUID (8-4-4-4-12 hex digits)");
    CHECK(ObjectError(R"({"objectType":"StatementRef","id":"http://e.com/a"})", v) ==
          "object.id: must be a UUID (8-4-4-4-12 hex digits)");
    CHECK(ObjectError(R"({"objectType":"StatementRef","id":"8f87ccde-bb56-4c2e-ab83-44982ef22df0",
                          "definition":{}})",
                      v) == "object: unknown property \"definition\"");
  }
}

TEST_CASE("Data 2.4.4.3.s8.b2: a SubStatement is validated as a Statement", "[validate][1.0.3]") {
  CHECK(ErrorWith(kSubStatementExample, "/object/actor/mbox", "\"test@example.com\"") ==
        "object.actor.mbox: must be a mailto: IRI");
  CHECK(ErrorOf(Remove(kSubStatementExample, "/object/actor")) ==
        "object: missing required property \"actor\"");
  CHECK(ErrorOf(Remove(kSubStatementExample, "/object/verb")) ==
        "object: missing required property \"verb\"");
  CHECK(ErrorOf(Remove(kSubStatementExample, "/object/object")) ==
        "object: missing required property \"object\"");
  CHECK(ErrorWith(kSubStatementExample, "/object/object/objectType", "\"activity\"") ==
        "object.object.objectType: must be \"Activity\", \"Agent\", \"Group\", \"StatementRef\" or "
        "\"SubStatement\"");
  CHECK(ErrorWith(kSubStatementExample, "/object/result/duration", "\"PA1H0M0S\"") ==
        "object.result.duration: must be an ISO 8601 duration");
  CHECK(ErrorWith(kSubStatementExample, "/object/foo", "1") == "object: unknown property \"foo\"");
  CHECK(ErrorWith(kSubStatementExample, "/object/verb/display", R"({"en-US":null})") ==
        "object.verb.display.en-US: must not be null");
}

TEST_CASE("Data 2.4.4.3.s8: a SubStatement may have result, context, timestamp, attachments",
          "[validate][1.0.3][2.0.0]") {
  std::string s = Set(kSubStatementExample, "/object/result", R"({"completion":true})");
  s = Set(s, "/object/context", R"({"registration":"ec531277-b57b-4c15-8d91-d292c5b2b8f7",
                                    "revision":"1","platform":"web"})");
  // Data 2.4.7.s3.b5: a SubStatement's timestamp may be in the future.
  s = Set(s, "/object/timestamp", "\"2999-01-01T00:00:00Z\"");
  s = Set(s, "/object/attachments", "[]");
  CHECK(ErrorOf(s, k103) == "");
  CHECK(ErrorOf(s, k200) == "");
}

TEST_CASE("Data 2.4.4.3.s8.b3: a SubStatement has no id, stored, version or authority",
          "[validate][1.0.3][2.0.0]") {
  for (XapiVersion v : {k103, k200}) {
    CHECK(ErrorWith(kSubStatementExample, "/object/id", "\"fd41c918-b88b-4b20-a0a5-a4c32391aaa0\"",
                    v) == "object.id: not allowed in a SubStatement");
    CHECK(ErrorWith(kSubStatementExample, "/object/stored", "\"2013-05-18T05:32:34.804Z\"", v) ==
          "object.stored: not allowed in a SubStatement");
    CHECK(ErrorWith(kSubStatementExample, "/object/version", "\"1.0.0\"", v) ==
          "object.version: not allowed in a SubStatement");
    CHECK(ErrorWith(kSubStatementExample, "/object/authority", R"({"mbox":"mailto:a@e.com"})", v) ==
          "object.authority: not allowed in a SubStatement");
  }
}

TEST_CASE("Data 2.4.4.3.s8.b4: a SubStatement cannot contain a SubStatement",
          "[validate][1.0.3][2.0.0]") {
  for (XapiVersion v : {k103, k200}) {
    CHECK(ErrorWith(kSubStatementExample, "/object/object",
                    R"({"objectType":"SubStatement","actor":{"mbox":"mailto:a@e.com"},
                        "verb":{"id":"http://e.com/v"},"object":{"id":"http://e.com/a"}})",
                    v) == "object.object.objectType: a SubStatement cannot contain a SubStatement");
  }
}

TEST_CASE("Data 2.4.4.3: a SubStatement's object may be an Agent, Group or StatementRef",
          "[validate][1.0.3]") {
  CHECK(ErrorWith(kSubStatementExample, "/object/object",
                  R"({"objectType":"Agent","mbox":"mailto:a@e.com"})") == "");
  CHECK(ErrorWith(kSubStatementExample, "/object/object",
                  R"({"objectType":"Group","member":[{"mbox":"mailto:a@e.com"}]})") == "");
  CHECK(ErrorWith(kSubStatementExample, "/object/object", R"({"mbox":"mailto:a@e.com"})") ==
        "object.object: objectType is required when the object is an Agent or Group");
  CHECK(ErrorWith(kSubStatementExample, "/object/object",
                  R"({"objectType":"StatementRef","id":"8f87ccde-bb56-4c2e-ab83-44982ef22df0"})") ==
        "");
}

}  // namespace
}  // namespace lrs::validate::testing
