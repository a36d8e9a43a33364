// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Activity Definitions (Data 2.4.4.1.s2) and interaction activities
// (2.4.4.1.s6 - s16), with every example definition of Data Appendix C.

#include <catch2/catch.hpp>
#include <utility>

#include "tests/validate/validate_test_util.h"

namespace lrs::validate::testing {
namespace {

std::string DefinitionError(std::string_view definition, XapiVersion v = k103) {
  return ErrorWith(kMinimal, "/object/definition", definition, v);
}

// Data Appendix C, one definition per interaction type.
const std::pair<const char*, const char*> kAppendixC[] = {
    {"true-false", R"({
      "description": {"en-US": "Does the xAPI include the concept of statements?"},
      "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
      "interactionType": "true-false",
      "correctResponsesPattern": ["true"]})"},
    {"choice", R"({
      "description": {"en-US": "Which of these prototypes are available at the beta site?"},
      "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
      "interactionType": "choice",
      "correctResponsesPattern": ["golf[,]tetris"],
      "choices": [
        {"id": "golf", "description": {"en-US": "Golf Example"}},
        {"id": "facebook", "description": {"en-US": "Facebook App"}},
        {"id": "tetris", "description": {"en-US": "Tetris Example"}},
        {"id": "scrabble", "description": {"en-US": "Scrabble Example"}}]})"},
    {"fill-in", R"({
      "description": {"en-US": "Ben is often heard saying: "},
      "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
      "interactionType": "fill-in",
      "correctResponsesPattern": ["Bob's your uncle"]})"},
    {"long-fill-in", R"({
      "description": {"en-US": "What is the purpose of the xAPI?"},
      "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
      "interactionType": "long-fill-in",
      "correctResponsesPattern": [
        "{case_matters=false}{lang=en}To store and provide access to learning experiences."]})"},
    {"likert", R"({
      "description": {"en-US": "How awesome is Experience API?"},
      "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
      "interactionType": "likert",
      "correctResponsesPattern": ["likert_3"],
      "scale": [
        {"id": "likert_0", "description": {"en-US": "It's OK"}},
        {"id": "likert_1", "description": {"en-US": "It's Pretty Cool"}},
        {"id": "likert_2", "description": {"en-US": "It's Damn Cool"}},
        {"id": "likert_3", "description": {"en-US": "It's Gonna Change the World"}}]})"},
    {"matching", R"({
      "description": {"en-US": "Match these people to their kickball team:"},
      "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
      "interactionType": "matching",
      "correctResponsesPattern": ["ben[.]3[,]chris[.]2[,]troy[.]4[,]freddie[.]1"],
      "source": [
        {"id": "ben", "description": {"en-US": "Ben"}},
        {"id": "chris", "description": {"en-US": "Chris"}},
        {"id": "troy", "description": {"en-US": "Troy"}},
        {"id": "freddie", "description": {"en-US": "Freddie"}}],
      "target": [
        {"id": "1", "description": {"en-US": "Swift Kick in the Grass"}},
        {"id": "2", "description": {"en-US": "We got Runs"}},
        {"id": "3", "description": {"en-US": "Duck"}},
        {"id": "4", "description": {"en-US": "Van Delay Industries"}}]})"},
    {"performance", R"({
      "description": {"en-US": "This interaction measures performance over a day of RS sports:"},
      "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
      "interactionType": "performance",
      "correctResponsesPattern": ["pong[.]1:[,]dg[.]:10[,]lunch[.]"],
      "steps": [
        {"id": "pong", "description": {"en-US": "Net pong matches won"}},
        {"id": "dg", "description": {"en-US": "Strokes over par in disc golf at Liberty"}},
        {"id": "lunch", "description": {"en-US": "Lunch having been eaten"}}]})"},
    {"sequencing", R"({
      "description": {"en-US": "Order players by their pong ladder position:"},
      "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
      "interactionType": "sequencing",
      "correctResponsesPattern": ["tim[,]mike[,]ells[,]ben"],
      "choices": [
        {"id": "tim", "description": {"en-US": "Tim"}},
        {"id": "ben", "description": {"en-US": "Ben"}},
        {"id": "ells", "description": {"en-US": "Ells"}},
        {"id": "mike", "description": {"en-US": "Mike"}}]})"},
    {"numeric", R"({
      "description": {"en-US": "How many jokes is Chris the butt of each day?"},
      "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
      "interactionType": "numeric",
      "correctResponsesPattern": ["4[:]"]})"},
    {"other", R"js({
      "description": {"en-US": "On this map, please mark Franklin, TN"},
      "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
      "interactionType": "other",
      "correctResponsesPattern": ["(35.937432,-86.868896)"]})js"},
};

TEST_CASE("Data Appendix C: the example definition of every interaction type is valid",
          "[validate][1.0.3][2.0.0]") {
  for (const auto& [type, definition] : kAppendixC) {
    INFO(type);
    CHECK(DefinitionError(definition, k103) == "");
    CHECK(DefinitionError(definition, k200) == "");
  }
}

TEST_CASE("Data 2.4.4.1.s2: name, description, type, moreInfo and extensions are checked",
          "[validate][1.0.3][2.0.0]") {
  for (XapiVersion v : {k103, k200}) {
    CHECK(DefinitionError(R"({"name":{"en-US":"x"},"description":{"de-DE":"y"},
        "type":"http://adlnet.gov/expapi/activities/meeting","moreInfo":"http://e.com/info",
        "extensions":{"http://e.com/ext":{"any":["json",1,null]}}})",
                          v) == "");
    CHECK(DefinitionError("{}", v) == "");
    CHECK(DefinitionError(R"({"name":"meeting"})", v) ==
          "object.definition.name: must be a language map (JSON object)");
    CHECK(DefinitionError(R"({"name":{"a12345":"x"}})", v) ==
          "object.definition.name: key \"a12345\" must be an RFC 5646 language tag");
    CHECK(DefinitionError(R"({"description":{"en-US":12345}})", v) ==
          "object.definition.description.en-US: must be a string");
    CHECK(DefinitionError(R"({"type":"meeting"})", v) ==
          "object.definition.type: must be an absolute IRI");
    CHECK(DefinitionError(R"({"moreInfo":"virtualmeeting.example.com/345256"})", v) ==
          "object.definition.moreInfo: must be an absolute IRL");
    CHECK(DefinitionError(R"({"extensions":{"room":1}})", v) ==
          "object.definition.extensions: key \"room\" must be an absolute IRI");
    CHECK(DefinitionError(R"({"extensions":[]})", v) ==
          "object.definition.extensions: must be a JSON object");
    CHECK(DefinitionError(R"({"title":{"en":"x"}})", v) ==
          "object.definition: unknown property \"title\"");
    CHECK(DefinitionError("\"meeting\"", v) == "object.definition: must be a JSON object");
  }
}

TEST_CASE("Data 2.4.4.1.s13.b1: interactionType must be one of the ten values, exactly",
          "[validate][1.0.3][2.0.0]") {
  constexpr std::string_view kRule =
      "object.definition.interactionType: must be one of true-false, choice, fill-in, "
      "long-fill-in, matching, performance, sequencing, likert, numeric, other";
  for (XapiVersion v : {k103, k200}) {
    for (const char* bad : {"true-faLse", "choiCe", "fill-iN", "long-fiLl-in", "matchIng",
                            "perfOrmance", "seqUencing", "liKert", "nUmeric", "Other", "essay",
                            "http://adlnet.gov/expapi/activities/cmi.interaction", ""}) {
      INFO(bad);
      CHECK(DefinitionError(std::string(R"({"interactionType":")") + bad + "\"}", v) == kRule);
    }
    CHECK(DefinitionError(R"({"interactionType":12345})", v) ==
          "object.definition.interactionType: must be a string");
    CHECK(DefinitionError(R"({"interactionType":{"a":1}})", v) ==
          "object.definition.interactionType: must be a string");
  }
}

TEST_CASE("Data 2.4.4.1.s8: interaction properties require an interactionType",
          "[validate][1.0.3][2.0.0]") {
  for (XapiVersion v : {k103, k200}) {
    CHECK(
        DefinitionError(R"({"correctResponsesPattern":["true"]})", v) ==
        "object.definition.interactionType: required when \"correctResponsesPattern\" is present");
    for (const char* list : {"choices", "scale", "source", "target", "steps"}) {
      INFO(list);
      CHECK(DefinitionError(std::string("{\"") + list + R"(":[{"id":"a"}]})", v) ==
            std::string("object.definition.interactionType: required when \"") + list +
                "\" is present");
    }
  }
}

TEST_CASE("Data 2.4.4.1.s8: correctResponsesPattern is an array of strings", "[validate][1.0.3]") {
  CHECK(DefinitionError(R"({"interactionType":"choice","correctResponsesPattern":[]})") == "");
  CHECK(DefinitionError(R"({"interactionType":"fill-in","correctResponsesPattern":"foo"})") ==
        "object.definition.correctResponsesPattern: must be an array of strings");
  CHECK(DefinitionError(R"({"interactionType":"numeric","correctResponsesPattern":["1[:]2",4]})") ==
        "object.definition.correctResponsesPattern[1]: must be a string");
  CHECK(DefinitionError(R"({"interactionType":"numeric","correctResponsesPattern":[null]})") ==
        "object.definition.correctResponsesPattern[0]: must not be null");
}

TEST_CASE("Data 2.4.4.1.s15: each interaction type takes only its component lists",
          "[validate][1.0.3][2.0.0]") {
  struct Case {
    const char* type;
    const char* list;
    bool ok;
  };
  const Case cases[] = {
      {"choice", "choices", true},      {"sequencing", "choices", true},
      {"likert", "scale", true},        {"matching", "source", true},
      {"matching", "target", true},     {"performance", "steps", true},
      {"choice", "scale", false},       {"likert", "choices", false},
      {"true-false", "choices", false}, {"fill-in", "choices", false},
      {"long-fill-in", "steps", false}, {"numeric", "scale", false},
      {"other", "source", false},       {"performance", "target", false},
      {"sequencing", "steps", false},   {"matching", "choices", false},
  };
  for (XapiVersion v : {k103, k200}) {
    for (const Case& c : cases) {
      INFO(c.type << " with " << c.list);
      std::string def = std::string(R"({"interactionType":")") + c.type + R"(",")" + c.list +
                        R"(":[{"id":"a"}]})";
      CHECK(DefinitionError(def, v) ==
            (c.ok ? std::string()
                  : std::string("object.definition.") + c.list +
                        ": not allowed with interactionType \"" + c.type + "\""));
    }
  }
  // The lists are optional even for the types that take them.
  CHECK(DefinitionError(R"({"interactionType":"choice"})") == "");
  CHECK(DefinitionError(R"({"interactionType":"matching","source":[]})") == "");
}

TEST_CASE("Data 2.4.4.1.s15: interaction components have a string id and a description",
          "[validate][1.0.3]") {
  CHECK(DefinitionError(R"({"interactionType":"choice","choices":[{"description":{"en":"x"}}]})") ==
        "object.definition.choices[0]: missing required property \"id\"");
  CHECK(DefinitionError(R"({"interactionType":"choice","choices":[{"id":1}]})") ==
        "object.definition.choices[0].id: must be a string");
  CHECK(DefinitionError(
            R"({"interactionType":"likert","scale":[{"id":"a","description":{"x_y":"z"}}]})") ==
        "object.definition.scale[0].description: key \"x_y\" must be an RFC 5646 language tag");
  CHECK(DefinitionError(R"({"interactionType":"likert","scale":[{"id":"a","name":{"en":"z"}}]})") ==
        "object.definition.scale[0]: unknown property \"name\"");
  CHECK(DefinitionError(R"({"interactionType":"performance","steps":{"id":"a"}})") ==
        "object.definition.steps: must be an array of interaction components");
  CHECK(DefinitionError(R"({"interactionType":"performance","steps":["a"]})") ==
        "object.definition.steps[0]: must be a JSON object");
}

TEST_CASE("Data 2.4.4.1.s16.b1: component ids are unique within a list",
          "[validate][1.0.3][2.0.0]") {
  for (XapiVersion v : {k103, k200}) {
    CHECK(DefinitionError(
              R"({"interactionType":"choice","choices":[{"id":"a"},{"id":"b"},{"id":"a"}]})", v) ==
          "object.definition.choices[2].id: must be unique within choices");
    // The same id in source and target is fine: uniqueness is per list.
    CHECK(DefinitionError(
              R"({"interactionType":"matching","source":[{"id":"a"}],"target":[{"id":"a"}]})", v) ==
          "");
    CHECK(DefinitionError(R"({"interactionType":"matching","source":[{"id":"a"}],
                              "target":[{"id":"1"},{"id":"1"}]})",
                          v) == "object.definition.target[1].id: must be unique within target");
  }
  // Long lists take the sorting path.
  std::string list;
  for (int i = 0; i < 100; ++i) list += R"({"id":"c)" + std::to_string(i) + "\"},";
  CHECK(DefinitionError(R"({"interactionType":"choice","choices":[)" + list + R"({"id":"z"}]})") ==
        "");
  CHECK(
      DefinitionError(R"({"interactionType":"choice","choices":[)" + list + R"({"id":"c57"}]})") ==
      "object.definition.choices[100].id: must be unique within choices");
}

}  // namespace
}  // namespace lrs::validate::testing
