// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// MergeActivityDefinition: the canonical Activity definition returned by the
// Activities resource (Communication 2.5), built from the definitions in
// statements (Data 2.4.4.1).

#include <catch2/catch.hpp>

#include <string_view>

#include "lrs/xapi/statement_ops.h"
#include "tests/xapi/xapi_test_util.h"

namespace lrs::xapi {
namespace {

using testing::Doc;

// Merges `incoming` into `canonical` and returns the result. The incoming
// document is destroyed before the result is read, so that anything not
// deep-copied shows up under the sanitizers.
json::Document Merge(std::string_view canonical, std::string_view incoming) {
  json::Document c = Doc(canonical);
  {
    json::Document in = Doc(incoming);
    MergeActivityDefinition(c, in, c.GetAllocator());
  }
  return c;
}

void CheckJson(const json::Value& actual, std::string_view expected_text) {
  json::Document expected = Doc(expected_text);
  INFO("actual:   " << json::Write(actual));
  INFO("expected: " << json::Write(expected));
  CHECK(json::Equal(actual, expected));
}

TEST_CASE("Communication 2.5: language maps are unioned (ADL XAPI-00254)") {
  json::Document d = Merge(
      R"({"name": {"en-US": "example meeting"}, "description": {"en-US": "An example meeting"},
          "type": "http://adlnet.gov/expapi/activities/meeting"})",
      R"({"name": {"fr-FR": "réunion"}, "description": {"de": "Ein Beispieltreffen"},
          "type": "http://adlnet.gov/expapi/activities/meeting"})");
  CheckJson(d, R"({"name": {"en-US": "example meeting", "fr-FR": "réunion"},
                   "description": {"en-US": "An example meeting", "de": "Ein Beispieltreffen"},
                   "type": "http://adlnet.gov/expapi/activities/meeting"})");
}

TEST_CASE("Communication 2.5: the incoming entry wins for the same language") {
  CheckJson(Merge(R"({"name": {"en-US": "old", "fr": "ancien"}})", R"({"name": {"en-US": "new"}})"),
            R"({"name": {"en-US": "new", "fr": "ancien"}})");
  // Language tags are case-insensitive (RFC 5646 2.1.1): one entry remains.
  CheckJson(Merge(R"({"name": {"en-us": "old"}})", R"({"name": {"en-US": "new"}})"),
            R"({"name": {"en-US": "new"}})");
}

TEST_CASE("Communication 2.5: properties absent from the incoming definition are kept") {
  CheckJson(Merge(R"({"name": {"en": "n"}, "type": "http://x.org/t", "moreInfo": "http://x.org/m",
                      "extensions": {"http://x.org/e": 1}})",
                  R"({"description": {"en": "d"}})"),
            R"({"name": {"en": "n"}, "description": {"en": "d"}, "type": "http://x.org/t",
                "moreInfo": "http://x.org/m", "extensions": {"http://x.org/e": 1}})");
  CheckJson(Merge(R"({"name": {"en": "n"}})", "{}"), R"({"name": {"en": "n"}})");
}

TEST_CASE("Communication 2.5: type, moreInfo, interactionType and patterns are replaced") {
  CheckJson(Merge(R"({"type": "http://x.org/a", "moreInfo": "http://x.org/m1",
                      "interactionType": "fill-in", "correctResponsesPattern": ["a"]})",
                  R"({"type": "http://x.org/b", "moreInfo": "http://x.org/m2",
                      "interactionType": "long-fill-in", "correctResponsesPattern": ["b", "c"]})"),
            R"({"type": "http://x.org/b", "moreInfo": "http://x.org/m2",
                "interactionType": "long-fill-in", "correctResponsesPattern": ["b", "c"]})");
}

TEST_CASE("Communication 2.5: extensions are merged per key, incoming winning") {
  CheckJson(Merge(R"({"extensions": {"http://x.org/a": {"deep": 1}, "http://x.org/b": "keep"}})",
                  R"({"extensions": {"http://x.org/a": {"other": 2}, "http://x.org/c": [1]}})"),
            R"({"extensions": {"http://x.org/a": {"other": 2}, "http://x.org/b": "keep",
                               "http://x.org/c": [1]}})");
}

TEST_CASE("Data 2.4.4.1: component lists are replaced, descriptions merged by id") {
  // Data Appendix C "choice", then a statement with a changed list.
  const std::string_view canonical = R"json({
    "description": {"en-US": "Which of these prototypes are available at the beta site?"},
    "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
    "interactionType": "choice",
    "correctResponsesPattern": ["golf[,]tetris"],
    "choices": [
      {"id": "golf", "description": {"en-US": "Golf Example"}},
      {"id": "facebook", "description": {"en-US": "Facebook App"}},
      {"id": "tetris", "description": {"en-US": "Tetris Example"}}
    ]
  })json";
  const std::string_view incoming = R"json({
    "description": {"fr": "Lesquels de ces prototypes sont disponibles ?"},
    "interactionType": "choice",
    "correctResponsesPattern": ["golf[,]scrabble"],
    "choices": [
      {"id": "golf", "description": {"fr": "Exemple de golf", "en-US": "Golf example (new)"}},
      {"id": "scrabble", "description": {"en-US": "Scrabble Example"}},
      {"id": "tetris"}
    ]
  })json";
  json::Document d = Merge(canonical, incoming);
  CheckJson(d, R"json({
    "description": {"en-US": "Which of these prototypes are available at the beta site?",
                    "fr": "Lesquels de ces prototypes sont disponibles ?"},
    "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
    "interactionType": "choice",
    "correctResponsesPattern": ["golf[,]scrabble"],
    "choices": [
      {"id": "golf", "description": {"en-US": "Golf example (new)", "fr": "Exemple de golf"}},
      {"id": "scrabble", "description": {"en-US": "Scrabble Example"}},
      {"id": "tetris", "description": {"en-US": "Tetris Example"}}
    ]
  })json");
}

TEST_CASE("Data 2.4.4.1: matching source and target lists merge independently") {
  const std::string_view canonical = R"json({
    "interactionType": "matching",
    "source": [{"id": "ben", "description": {"en-US": "Ben"}}],
    "target": [{"id": "1", "description": {"en-US": "Swift Kick in the Grass"}},
               {"id": "2", "description": {"en-US": "We got Runs"}}]
  })json";
  const std::string_view incoming = R"json({
    "target": [{"id": "1", "description": {"fr": "Coup rapide"}},
               {"id": "2", "description": {"en-US": "We got runs"}}]
  })json";
  json::Document d = Merge(canonical, incoming);
  CheckJson(d, R"json({
    "interactionType": "matching",
    "source": [{"id": "ben", "description": {"en-US": "Ben"}}],
    "target": [{"id": "1",
                "description": {"en-US": "Swift Kick in the Grass", "fr": "Coup rapide"}},
               {"id": "2", "description": {"en-US": "We got runs"}}]
  })json");
}

TEST_CASE("Data 2.4.4.1: a new interactionType drops component lists that do not fit it") {
  const std::string_view choice = R"json({
    "interactionType": "choice", "correctResponsesPattern": ["golf"],
    "choices": [{"id": "golf", "description": {"en-US": "Golf Example"}}]
  })json";
  CheckJson(Merge(choice, R"json({"interactionType": "likert", "correctResponsesPattern": ["l0"],
                                  "scale": [{"id": "l0", "description": {"en-US": "OK"}}]})json"),
            R"json({"interactionType": "likert", "correctResponsesPattern": ["l0"],
                    "scale": [{"id": "l0", "description": {"en-US": "OK"}}]})json");
  CheckJson(Merge(choice, R"({"interactionType": "numeric", "correctResponsesPattern": ["4[:]"]})"),
            R"({"interactionType": "numeric", "correctResponsesPattern": ["4[:]"]})");
  // Still fitting (sequencing also uses choices), or no interactionType sent.
  CheckJson(Merge(choice, R"({"interactionType": "sequencing"})"),
            R"json({"interactionType": "sequencing", "correctResponsesPattern": ["golf"],
                    "choices": [{"id": "golf", "description": {"en-US": "Golf Example"}}]})json");
  CheckJson(Merge(choice, R"({"name": {"en": "Golf"}})"),
            R"json({"interactionType": "choice", "correctResponsesPattern": ["golf"],
                    "choices": [{"id": "golf", "description": {"en-US": "Golf Example"}}],
                    "name": {"en": "Golf"}})json");
}

TEST_CASE("Communication 2.5: a first definition is copied whole") {
  json::Document c;  // null
  {
    json::Document in = Doc(R"({"name": {"en": "n"}, "scale": [{"id": "a"}]})");
    MergeActivityDefinition(c, in, c.GetAllocator());
  }
  CheckJson(c, R"({"name": {"en": "n"}, "scale": [{"id": "a"}]})");
  // A non-object incoming definition changes nothing.
  json::Document none = Doc("null");
  MergeActivityDefinition(c, none, c.GetAllocator());
  CheckJson(c, R"({"name": {"en": "n"}, "scale": [{"id": "a"}]})");
}

TEST_CASE("Communication 2.5: merging the same definition again changes nothing") {
  const std::string_view def = R"json({
    "name": {"en-US": "Kickball teams"},
    "interactionType": "matching",
    "source": [{"id": "ben", "description": {"en-US": "Ben"}}],
    "target": [{"id": "1", "description": {"en-US": "Swift Kick"}}],
    "extensions": {"http://x.org/e": {"a": [1, 2]}}
  })json";
  json::Document once = Merge(def, def);
  CHECK(json::Equal(once, Doc(def)));
}

}  // namespace
}  // namespace lrs::xapi
