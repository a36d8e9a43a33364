// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The format parameter of GET /statements (Communication 2.1.3): "ids" and
// "canonical" with language filtering (2.1.3.s4).

#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "lrs/xapi/statement_ops.h"
#include "tests/xapi/xapi_test_util.h"

namespace lrs::xapi {
namespace {

using testing::Doc;
using testing::kLongExample;
using testing::kMatchingStatement;
using testing::kSubStatement;

void CheckJson(const json::Value& actual, std::string_view expected_text) {
  json::Document expected = Doc(expected_text);
  INFO("actual:   " << json::Write(actual));
  INFO("expected: " << json::Write(expected));
  CHECK(json::Equal(actual, expected));
}

json::Document Ids(std::string_view text) {
  json::Document d = Doc(text);
  ApplyIdsFormat(d, d.GetAllocator());
  return d;
}

// A store of canonical Activities for the lookup.
class Canonicals {
 public:
  void Add(std::string_view activity_json) {
    json::Document d = Doc(activity_json);
    std::string id(json::StringOr(d, "id"));
    docs_[id].Swap(d);
  }
  CanonicalActivityLookup Lookup() {
    return [this](std::string_view id) -> const json::Value* {
      looked_up_.emplace_back(id);
      auto it = docs_.find(std::string(id));
      return it == docs_.end() ? nullptr : &it->second;
    };
  }
  const std::vector<std::string>& looked_up() const { return looked_up_; }

 private:
  std::map<std::string, json::Document> docs_;
  std::vector<std::string> looked_up_;
};

json::Document Canonical(std::string_view text, const std::vector<std::string>& languages,
                         const CanonicalActivityLookup& lookup = nullptr) {
  json::Document d = Doc(text);
  ApplyCanonicalFormat(d, d.GetAllocator(), languages, lookup);
  return d;
}

// ---- ids ------------------------------------------------------------------------

TEST_CASE("Communication 2.1.3 format=ids: the long example of Data Appendix A") {
  json::Document d = Ids(kLongExample);
  CheckJson(d, R"json({
    "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
    "actor": {"mbox": "mailto:teampb@example.com", "objectType": "Group"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/attended"},
    "result": {
      "extensions": {
        "http://example.com/profiles/meetings/resultextensions/minuteslocation":
            "X:\\meetings\\minutes\\examplemeeting.one"
      },
      "success": true, "completion": true,
      "response": "We agreed on some example actions.", "duration": "PT1H0M0S"
    },
    "context": {
      "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
      "contextActivities": {
        "parent": [{"id": "http://www.example.com/meetings/series/267"}],
        "category": [{"id": "http://www.example.com/meetings/categories/teammeeting"}],
        "other": [{"id": "http://www.example.com/meetings/occurances/34257"},
                  {"id": "http://www.example.com/meetings/occurances/3425567"}]
      },
      "instructor": {"account": {"homePage": "http://www.example.com", "name": "13936749"},
                     "objectType": "Agent"},
      "team": {"mbox": "mailto:teampb@example.com", "objectType": "Group"},
      "platform": "Example virtual meeting software",
      "language": "tlh",
      "statement": {"objectType": "StatementRef", "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"}
    },
    "timestamp": "2013-05-18T05:32:34.804+00:00",
    "stored": "2013-05-18T05:32:34.804+00:00",
    "authority": {"account": {"homePage": "http://cloud.scorm.com/", "name": "anonymous"},
                  "objectType": "Agent"},
    "version": "1.0.0",
    "object": {"id": "http://www.example.com/meetings/occurances/34534"}
  })json");
}

TEST_CASE("Communication 2.1.3 format=ids: SubStatement parts (ADL XAPI-00171)") {
  json::Document d = Ids(kSubStatement);
  // The checks of the ADL conformance suite.
  CHECK(d["actor"].MemberCount() == 2);
  CHECK(d["object"]["actor"].MemberCount() == 2);
  CHECK(d["object"]["object"].MemberCount() == 1);
  CHECK(d["verb"].MemberCount() == 1);
  CHECK(d["object"]["verb"].MemberCount() == 1);
  CheckJson(d, R"json({
    "actor": {"objectType": "Agent", "mbox": "mailto:xapi@adlnet.gov"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/attended"},
    "object": {
      "objectType": "SubStatement",
      "actor": {"objectType": "Group", "mbox": "mailto:group@adlnet.gov"},
      "verb": {"id": "http://adlnet.gov/expapi/verbs/attended"},
      "object": {"id": "http://www.example.com/unicode"},
      "context": {"contextActivities": {
        "category": [{"id": "http://www.example.com/test/array/statements/pri"}]}}
    }
  })json");
}

TEST_CASE("Communication 2.1.3 format=ids: anonymous groups keep members, each reduced") {
  json::Document d = Ids(R"json({
    "actor": {"objectType": "Group", "name": "Anonymous", "member": [
      {"objectType": "Agent", "name": "A", "mbox": "mailto:a@example.com"},
      {"name": "B", "account": {"homePage": "http://example.com", "name": "b"}},
      {"name": "C", "mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"}]},
    "verb": {"id": "http://example.com/v", "display": {"en": "v"}},
    "object": {"objectType": "Agent", "name": "O", "openid": "http://o.example.org/"},
    "authority": {"objectType": "Group", "member": [
      {"account": {"homePage": "http://example.com/oauth", "name": "app"}, "name": "App"},
      {"mbox": "mailto:user@example.com", "name": "User"}]}
  })json");
  CheckJson(d, R"json({
    "actor": {"objectType": "Group", "member": [
      {"objectType": "Agent", "mbox": "mailto:a@example.com"},
      {"account": {"homePage": "http://example.com", "name": "b"}},
      {"mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"}]},
    "verb": {"id": "http://example.com/v"},
    "object": {"objectType": "Agent", "openid": "http://o.example.org/"},
    "authority": {"objectType": "Group", "member": [
      {"account": {"homePage": "http://example.com/oauth", "name": "app"}},
      {"mbox": "mailto:user@example.com"}]}
  })json");
}

TEST_CASE("Communication 2.1.3 format=ids: identified groups drop their members") {
  json::Document d = Ids(R"json({
    "actor": {"objectType": "Group", "name": "Example Group",
              "account": {"homePage": "http://example.com/homePage", "name": "GroupAccount"},
              "member": [{"name": "Andrew Downes", "mbox": "mailto:andrew@example.com"}]},
    "verb": {"id": "http://example.com/v"},
    "object": {"objectType": "StatementRef", "id": "9e13cefd-53d3-4eac-b5ed-2cf6693903bb"}
  })json");
  CheckJson(d, R"json({
    "actor": {"objectType": "Group",
              "account": {"homePage": "http://example.com/homePage", "name": "GroupAccount"}},
    "verb": {"id": "http://example.com/v"},
    "object": {"objectType": "StatementRef", "id": "9e13cefd-53d3-4eac-b5ed-2cf6693903bb"}
  })json");
}

TEST_CASE("Communication 2.1.3 format=ids: xAPI 2.0 contextAgents and contextGroups") {
  json::Document d = Ids(kMatchingStatement);
  CheckJson(d["context"], R"json({
    "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
    "contextActivities": {"grouping": [{"id": "http://example.com/quiz/kickball"}]},
    "contextAgents": [{
      "objectType": "contextAgent",
      "agent": {"objectType": "Agent", "mbox": "mailto:chris@example.com"},
      "relevantTypes": ["http://example.com/types/coach"]
    }],
    "contextGroups": [{
      "objectType": "contextGroup",
      "group": {"objectType": "Group", "member": [{"mbox": "mailto:troy@example.com"},
                                                 {"openid": "http://freddie.openid.example.org/"}]},
      "relevantTypes": ["http://example.com/types/team"]
    }]
  })json");
  CheckJson(d["object"], R"({"id": "http://example.com/quiz/kickball/q1"})");
  CheckJson(d["actor"], R"({"objectType": "Agent", "mbox": "mailto:ben@example.com"})");
  // Result is not an Agent, Activity, Verb or Group: untouched.
  CHECK(d["result"]["score"]["raw"].GetInt() == 95);
}

TEST_CASE("Communication 2.1.3 format=ids: applying it twice changes nothing more") {
  for (std::string_view text : {kLongExample, kMatchingStatement, kSubStatement}) {
    json::Document once = Ids(text);
    json::Document twice = Ids(text);
    ApplyIdsFormat(twice, twice.GetAllocator());
    CHECK(json::Equal(once, twice));
  }
}

// ---- canonical -------------------------------------------------------------------

TEST_CASE("Communication 2.1.3.s4: canonical format with Accept-Language en-GB (ADL XAPI-00169)") {
  json::Document original = Doc(kSubStatement);
  json::Document d = Canonical(kSubStatement, {"en-GB"});
  // Agents and Groups as in "exact".
  CHECK(json::Equal(d["actor"], original["actor"]));
  CHECK(json::Equal(d["object"]["actor"], original["object"]["actor"]));
  CheckJson(d["verb"], R"({"id": "http://adlnet.gov/expapi/verbs/attended",
                           "display": {"en-GB": "attended"}})");
  CheckJson(d["object"]["verb"], R"({"id": "http://adlnet.gov/expapi/verbs/attended",
                                     "display": {"en-GB": "attended"}})");
  CheckJson(d["object"]["object"], R"json({
    "objectType": "Activity",
    "id": "http://www.example.com/unicode",
    "definition": {
      "name": {"en-GB": "attended"},
      "description": {"en-GB": "On this map, please mark Franklin, TN"},
      "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
      "moreInfo": "http://virtualmeeting.example.com/345256",
      "interactionType": "other",
      "correctResponsesPattern": ["(35.937432,-86.868896)"],
      "extensions": {"http://example.com/profiles/meetings/extension/reporter":
                     {"name": "Thomas", "id": "http://openid.com/342"}}
    }
  })json");
  // ADL XAPI-00172: contextActivities too.
  CheckJson(d["object"]["context"]["contextActivities"]["category"][0]["definition"],
            R"({"name": {"en-GB": "GB name"}})");
}

TEST_CASE("Communication 2.1.3.s4.b1: interaction components keep one language each") {
  json::Document d = Canonical(kMatchingStatement, {"fr"});
  const json::Value& def = d["object"]["definition"];
  CheckJson(def["name"], R"({"fr-FR": "Équipes de kickball"})");
  CheckJson(def["description"], R"({"fr-FR": "Associez ces personnes à leur équipe :"})");
  CheckJson(def["source"], R"json([
    {"id": "ben", "description": {"fr-FR": "Benoît"}},
    {"id": "chris", "description": {"en-US": "Chris"}},
    {"id": "troy", "description": {"en-US": "Troy"}},
    {"id": "freddie", "description": {"en-US": "Freddie"}}
  ])json");
  CheckJson(def["target"][0], R"({"id": "1", "description": {"fr-FR": "Coup rapide"}})");
  CheckJson(def["target"][1], R"({"id": "2", "description": {"en-US": "We got Runs"}})");
  CHECK(def["correctResponsesPattern"][0] == "ben[.]3[,]chris[.]2[,]troy[.]4[,]freddie[.]1");
  CheckJson(d["verb"]["display"], R"({"fr-FR": "a répondu"})");
  CheckJson(d["context"]["contextActivities"]["grouping"][0]["definition"],
            R"({"name": {"fr-FR": "Quiz kickball"}})");
  // Agents in xAPI 2.0 context entries are left alone.
  CHECK(d["context"]["contextAgents"][0]["agent"]["name"] == "Coach Chris");
}

TEST_CASE("Communication 2.1.3: canonical format uses the LRS's canonical definition") {
  Canonicals store;
  store.Add(R"json({
    "objectType": "Activity",
    "id": "http://example.com/quiz/kickball/q1",
    "definition": {
      "name": {"en-US": "Kickball teams (v2)", "de-DE": "Kickball-Mannschaften"},
      "description": {"en-US": "Match the people to their team:"},
      "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
      "interactionType": "likert",
      "correctResponsesPattern": ["likert_3"],
      "scale": [
        {"id": "likert_0", "description": {"en-US": "It's OK", "de-DE": "Es ist OK"}},
        {"id": "likert_3", "description": {"en-US": "It's Gonna Change the World"}}
      ]
    }
  })json");
  store.Add(R"json({"objectType": "Activity", "id": "http://example.com/quiz/kickball"})json");
  json::Document d = Canonical(kMatchingStatement, {"de-CH"}, store.Lookup());
  CheckJson(d["object"], R"json({
    "objectType": "Activity",
    "id": "http://example.com/quiz/kickball/q1",
    "definition": {
      "name": {"de-DE": "Kickball-Mannschaften"},
      "description": {"en-US": "Match the people to their team:"},
      "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
      "interactionType": "likert",
      "correctResponsesPattern": ["likert_3"],
      "scale": [
        {"id": "likert_0", "description": {"de-DE": "Es ist OK"}},
        {"id": "likert_3", "description": {"en-US": "It's Gonna Change the World"}}
      ]
    }
  })json");
  // A canonical Activity without a definition leaves the statement's own
  // (filtered) in place.
  CheckJson(d["context"]["contextActivities"]["grouping"][0]["definition"],
            R"({"name": {"en-US": "Kickball quiz"}})");
  CHECK(store.looked_up() == std::vector<std::string>{"http://example.com/quiz/kickball/q1",
                                                      "http://example.com/quiz/kickball"});
}

TEST_CASE("Communication 2.1.3: canonical format adds a known definition where none was sent") {
  Canonicals store;
  store.Add(R"json({"id": "http://www.example.com/meetings/series/267",
                    "definition": {"name": {"en": "Meeting series", "und": "Series"},
                                   "type": "http://example.com/types/series"}})json");
  json::Document d = Canonical(kLongExample, {"tlh"}, store.Lookup());
  CheckJson(d["context"]["contextActivities"]["parent"][0], R"json({
    "id": "http://www.example.com/meetings/series/267", "objectType": "Activity",
    "definition": {"name": {"und": "Series"}, "type": "http://example.com/types/series"}})json");
  // Unknown activities without a definition get none.
  CheckJson(
      d["context"]["contextActivities"]["other"][0],
      R"({"id": "http://www.example.com/meetings/occurances/34257", "objectType": "Activity"})");
  CHECK(store.looked_up().size() == 5);  // object, parent, category, two others
  // The canonical store itself is untouched.
  json::Document again = Canonical(kLongExample, {"en"}, store.Lookup());
  CheckJson(again["context"]["contextActivities"]["parent"][0]["definition"]["name"],
            R"({"en": "Meeting series"})");
}

TEST_CASE("Communication 2.1.3.s4: SubStatement activities are looked up too") {
  Canonicals store;
  store.Add(R"json({"id": "http://www.example.com/unicode",
                    "definition": {"name": {"en-US": "Canonical unicode"}}})json");
  store.Add(R"json({"id": "http://www.example.com/test/array/statements/pri",
                    "definition": {"name": {"fr": "Catégorie"}}})json");
  json::Document d = Canonical(kSubStatement, {"en-US"}, store.Lookup());
  CheckJson(d["object"]["object"]["definition"], R"({"name": {"en-US": "Canonical unicode"}})");
  CheckJson(d["object"]["context"]["contextActivities"]["category"][0]["definition"],
            R"({"name": {"fr": "Catégorie"}})");
}

TEST_CASE("Communication 2.1.3.s4: canonical format leaves other objects alone") {
  const std::string_view text = R"json({
    "actor": {"objectType": "Group", "name": "G", "member": [{"mbox": "mailto:a@example.com"}]},
    "verb": {"id": "http://example.com/v", "display": {"en-US": "did", "fr": "a fait"}},
    "object": {"objectType": "Agent", "name": "O", "mbox": "mailto:o@example.com"},
    "attachments": [{"usageType": "http://example.com/u", "display": {"en-US": "a", "fr": "b"},
                     "contentType": "text/plain", "length": 1, "sha2": "abc"}]
  })json";
  json::Document original = Doc(text);
  json::Document d = Canonical(text, {"fr"});
  CHECK(json::Equal(d["actor"], original["actor"]));
  CHECK(json::Equal(d["object"], original["object"]));
  CHECK(json::Equal(d["attachments"], original["attachments"]));
  CheckJson(d["verb"], R"({"id": "http://example.com/v", "display": {"fr": "a fait"}})");
}

TEST_CASE("Communication 2.1.3.s4: without Accept-Language, und or the first entry is kept") {
  json::Document d = Canonical(kLongExample, {});
  CheckJson(d["verb"]["display"], R"({"en-GB": "attended"})");
  CheckJson(d["object"]["definition"]["name"], R"({"en-GB": "example meeting"})");
  json::Document u = Canonical(
      R"({"verb": {"id": "http://x.org/v", "display": {"en": "a", "und": "b", "fr": "c"}}})", {});
  CheckJson(u["verb"]["display"], R"({"und": "b"})");
  // An empty language map stays empty.
  json::Document e = Canonical(R"({"verb": {"id": "http://x.org/v", "display": {}}})", {"en"});
  CheckJson(e["verb"]["display"], "{}");
}

TEST_CASE("Communication 2.1.3.s4.b1: all interaction types of Data Appendix C") {
  const std::string_view definitions[] = {
      R"({"interactionType": "choice", "choices": [
          {"id": "golf", "description": {"en-US": "Golf Example", "es": "Golf"}},
          {"id": "tetris", "description": {"en-US": "Tetris Example", "es": "Tetris"}}]})",
      R"({"interactionType": "sequencing", "choices": [
          {"id": "tim", "description": {"en-US": "Tim", "es": "Timoteo"}}]})",
      R"({"interactionType": "likert", "scale": [
          {"id": "likert_0", "description": {"en-US": "It's OK", "es": "Está bien"}}]})",
      R"({"interactionType": "matching", "source": [
          {"id": "ben", "description": {"en-US": "Ben", "es": "Benito"}}], "target": [
          {"id": "1", "description": {"en-US": "Swift Kick", "es": "Patada"}}]})",
      R"({"interactionType": "performance", "steps": [
          {"id": "pong", "description": {"en-US": "Net pong matches won", "es": "Pong"}}]})",
  };
  for (std::string_view def : definitions) {
    std::string text = R"({"verb": {"id": "http://x.org/v"}, "object": {"id": "http://x.org/q",
        "definition": )" +
                       std::string(def) + "}}";
    json::Document d = Canonical(text, {"es-MX", "en"});
    INFO(json::Write(d));
    for (const char* list : {"choices", "scale", "source", "target", "steps"}) {
      const json::Value* components = json::Member(d["object"]["definition"], list);
      if (components == nullptr) continue;
      for (const json::Value& c : components->GetArray()) {
        CHECK(c["description"].MemberCount() == 1);
        CHECK(c["description"].HasMember("es"));
      }
    }
  }
}

}  // namespace
}  // namespace lrs::xapi
