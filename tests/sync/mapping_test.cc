// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
#include "lrs/sync/mapping.h"

#include <catch2/catch.hpp>

#include <string>
#include <utility>

namespace lrs::sync {
namespace {

constexpr CategorySet kBoth = kEngagement | kEducation;

// A statement as stored, with every part the default fields read.
constexpr std::string_view kStatement = R"J({
  "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
  "actor": {"objectType": "Agent", "name": "Ann", "mbox": "mailto:Ann@Example.com"},
  "verb": {"id": "http://adlnet.gov/expapi/verbs/completed",
           "display": {"fr": "terminé", "en-US": "completed"}},
  "object": {"objectType": "Activity", "id": "https://lms.example.com/course/42/module/3",
             "definition": {"name": {"de": "Modul 3", "en-US": "Module 3"},
                            "type": "http://adlnet.gov/expapi/activities/module"}},
  "result": {"success": true, "completion": true,
             "score": {"scaled": 0.85, "raw": 85, "min": 0, "max": 100},
             "duration": "PT1H2M3.5S", "response": "I liked the second video"},
  "context": {"registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
              "contextActivities": {
                "grouping": [{"id": "https://lms.example.com/course/42"}],
                "parent": [{"id": "https://lms.example.com/course/42/module"}]},
              "extensions": {"http://example.com/ext/cohort": "2026-spring",
                             "http://example.com/ext/seat": {"row": 3},
                             "http://example.com/ext/attempt": 2}},
  "timestamp": "2026-03-01T10:11:12.345+01:00",
  "stored": "2026-03-01T09:11:13.000Z"
})J";

json::Document Doc(std::string_view text) {
  json::Document d;
  Status s = json::Parse(text, &d);
  INFO(text);
  REQUIRE(s.ok());
  return d;
}

std::unique_ptr<Mapping> MustParse(std::string_view config, CategorySet allowed = kBoth) {
  json::Document c = Doc(config);
  std::unique_ptr<Mapping> m;
  Status s = Mapping::Parse(c, allowed, &m);
  INFO(config << "\n" << s.ToString());
  REQUIRE(s.ok());
  REQUIRE(m != nullptr);
  return m;
}

// The error Parse reports for `config` (which must be rejected).
std::string ParseError(std::string_view config) {
  json::Document c = Doc(config);
  std::unique_ptr<Mapping> m;
  Status s = Mapping::Parse(c, kBoth, &m);
  INFO(config);
  REQUIRE(s.IsInvalidArgument());
  return s.message();
}

MappedRecord MapOf(const Mapping& m, std::string_view statement = kStatement) {
  json::Document st = Doc(statement);
  MappedRecord r;
  Status s = m.Map(st, &r);
  REQUIRE(s.ok());
  return r;
}

bool Matches(const Mapping& m, std::string_view statement) { return m.Matches(Doc(statement)); }

// The properties of a mapping with one field `spec` (category engagement
// unless the spec says otherwise) applied to `statement`.
std::string One(std::string_view spec, std::string_view statement = kStatement) {
  std::string s(spec);
  if (s.find("\"category\"") == std::string::npos) s.insert(1, "\"category\":\"engagement\",");
  auto m = MustParse("{\"fields\":[" + s + "]}");
  return MapOf(*m, statement).properties;
}

// The value of field "f" with path `path` and optional transform, as JSON
// text, or "" when absent.
std::string PathValue(std::string_view path, std::string_view transform = {},
                  std::string_view statement = kStatement) {
  std::string spec = "{\"name\":\"f\",\"path\":\"" + std::string(path) + "\"";
  if (!transform.empty()) spec += ",\"transform\":\"" + std::string(transform) + "\"";
  std::string props = One(spec + "}", statement);
  if (props == "{}") return "";
  REQUIRE(props.rfind("{\"f\":", 0) == 0);
  return props.substr(5, props.size() - 6);
}

// A transform applied to the JSON value `value_json`, as JSON text, or ""
// when the field is absent.
std::string Transformed(std::string_view value_json, std::string_view transform) {
  return PathValue("x", transform, "{\"x\":" + std::string(value_json) + "}");
}

// ---- Categories ---------------------------------------------------------

TEST_CASE("ParseCategories: one name, a list, and errors naming what and the value",
          "[sync][mapping]") {
  CategorySet c = 99;
  CHECK(ParseCategories(Doc(R"("education")"), "d.allowed", &c).ok());
  CHECK(c == kEducation);
  CHECK(ParseCategories(Doc(R"(["engagement"])"), "d.allowed", &c).ok());
  CHECK(c == kEngagement);
  CHECK(ParseCategories(Doc(R"(["engagement","education","education"])"), "d", &c).ok());
  CHECK(c == kBoth);

  Status s = ParseCategories(Doc(R"(["engagement","marketing"])"), "d.allowed", &c);
  CHECK(s.IsInvalidArgument());
  CHECK(s.message() == "d.allowed: must be \"education\" or \"engagement\", not \"marketing\"");
  s = ParseCategories(Doc("[]"), "d.allowed", &c);
  CHECK(s.message() == "d.allowed: must not be empty");
  s = ParseCategories(Doc("7"), "d.allowed", &c);
  CHECK(s.message().rfind("d.allowed: must be \"education\", \"engagement\" or an array", 0) == 0);
  CHECK(s.message().find("not 7") != std::string::npos);
  CHECK(c == kBoth);  // untouched on error
}

// ---- Filters ------------------------------------------------------------

TEST_CASE("filter: absent or empty matches everything", "[sync][mapping]") {
  CHECK(Matches(*MustParse("{}"), kStatement));
  CHECK(Matches(*MustParse(R"({"filter":{}})"), kStatement));
  CHECK(Matches(*MustParse(R"({"filter":{"and":[{}]}})"), kStatement));
}

TEST_CASE("filter: verb, activity_type, activity_id_prefix", "[sync][mapping]") {
  auto verb = MustParse(R"({"filter":{"verb":["http://adlnet.gov/expapi/verbs/passed",
                                              "http://adlnet.gov/expapi/verbs/completed"]}})");
  CHECK(Matches(*verb, kStatement));
  CHECK_FALSE(Matches(*verb, R"({"verb":{"id":"http://adlnet.gov/expapi/verbs/failed"}})"));
  CHECK_FALSE(Matches(*verb, R"({"actor":{}})"));

  auto type = MustParse(
      R"({"filter":{"activity_type":["http://adlnet.gov/expapi/activities/module"]}})");
  CHECK(Matches(*type, kStatement));
  CHECK_FALSE(Matches(*type, R"({"object":{"id":"x:y","definition":{"type":"x:other"}}})"));
  CHECK_FALSE(Matches(*type, R"({"object":{"id":"x:y"}})"));

  auto prefix = MustParse(R"({"filter":{"activity_id_prefix":[
      "https://other/", "https://lms.example.com/course/42/"]}})");
  CHECK(Matches(*prefix, kStatement));
  // No objectType means Activity.
  CHECK(Matches(*prefix, R"({"object":{"id":"https://other/a"}})"));
  CHECK_FALSE(Matches(*prefix, R"({"object":{"id":"https://lms.example.com/course/4"}})"));
  // A StatementRef's id is not an activity id.
  CHECK_FALSE(
      Matches(*prefix, R"({"object":{"objectType":"StatementRef","id":"https://other/x"}})"));
}

TEST_CASE("filter: actor in each identifier form", "[sync][mapping]") {
  auto m = MustParse(R"({"filter":{"actor":[
      "mailto:ann@example.com",
      "sha1:0A7D8EA2F2AC01AFBBF12061EB5324D2C8BB73DF",
      "openid:https://id.example.com/bob",
      "account:https://lms.example.com|carol"]}})");
  // The address compares without regard to case.
  CHECK(Matches(*m, kStatement));
  CHECK(Matches(*m, R"({"actor":{"mbox_sha1sum":"0a7d8ea2f2ac01afbbf12061eb5324d2c8bb73df"}})"));
  CHECK(Matches(*m, R"({"actor":{"openid":"https://id.example.com/bob"}})"));
  CHECK(Matches(*m, R"({"actor":{"account":{"homePage":"https://lms.example.com",
                                             "name":"carol"}}})"));
  CHECK(Matches(*m, R"({"actor":{"objectType":"Group","mbox":"mailto:ANN@example.com",
                                  "member":[]}})"));
  CHECK_FALSE(Matches(*m, R"({"actor":{"mbox":"mailto:dan@example.com"}})"));
  CHECK_FALSE(Matches(*m, R"({"actor":{"account":{"homePage":"https://lms.example.com",
                                                   "name":"Carol"}}})"));
  CHECK_FALSE(Matches(*m, R"({"actor":{"openid":"https://id.example.com/bob/"}})"));
  CHECK_FALSE(Matches(*m, R"({"actor":{"objectType":"Group",
                                       "member":[{"mbox":"mailto:ann@example.com"}]}})"));
  CHECK_FALSE(Matches(*m, R"({"verb":{"id":"x:y"}})"));
}

TEST_CASE("filter: result success, completion, min_scaled, max_scaled", "[sync][mapping]") {
  auto success = MustParse(R"({"filter":{"result":{"success":true}}})");
  CHECK(Matches(*success, kStatement));
  CHECK_FALSE(Matches(*success, R"({"result":{"success":false}})"));
  CHECK_FALSE(Matches(*success, R"({"result":{}})"));
  CHECK_FALSE(Matches(*success, "{}"));

  auto incomplete = MustParse(R"({"filter":{"result":{"completion":false}}})");
  CHECK_FALSE(Matches(*incomplete, kStatement));
  CHECK(Matches(*incomplete, R"({"result":{"completion":false}})"));

  auto band = MustParse(R"({"filter":{"result":{"min_scaled":0.5,"max_scaled":0.9}}})");
  CHECK(Matches(*band, kStatement));
  CHECK(Matches(*band, R"({"result":{"score":{"scaled":0.5}}})"));
  CHECK(Matches(*band, R"({"result":{"score":{"scaled":0.9}}})"));
  CHECK_FALSE(Matches(*band, R"({"result":{"score":{"scaled":0.95}}})"));
  CHECK_FALSE(Matches(*band, R"({"result":{"score":{"scaled":0.1}}})"));
  CHECK_FALSE(Matches(*band, R"({"result":{"score":{"raw":70}}})"));

  auto min_only = MustParse(R"({"filter":{"result":{"min_scaled":0}}})");
  CHECK(Matches(*min_only, R"({"result":{"score":{"scaled":1}}})"));
  CHECK_FALSE(Matches(*min_only, R"({"result":{"score":{"scaled":-0.5}}})"));

  auto all = MustParse(
      R"({"filter":{"result":{"success":true,"completion":true,"max_scaled":0.8}}})");
  CHECK_FALSE(Matches(*all, kStatement));  // 0.85
}

TEST_CASE("filter: conditions are ANDed; and, or, not nest", "[sync][mapping]") {
  constexpr std::string_view kPassed =
      R"({"verb":{"id":"v:passed"},"object":{"id":"c:1"},"result":{"success":true}})";
  constexpr std::string_view kFailed =
      R"({"verb":{"id":"v:failed"},"object":{"id":"c:1"},"result":{"success":false}})";
  constexpr std::string_view kPassedOther =
      R"({"verb":{"id":"v:passed"},"object":{"id":"d:1"},"result":{"success":true}})";
  constexpr std::string_view kLaunched = R"({"verb":{"id":"v:launched"},"object":{"id":"c:2"}})";

  auto top = MustParse(R"({"filter":{"verb":["v:passed"],"activity_id_prefix":["c:"]}})");
  CHECK(Matches(*top, kPassed));
  CHECK_FALSE(Matches(*top, kPassedOther));
  CHECK_FALSE(Matches(*top, kFailed));

  auto either = MustParse(R"({"filter":{"or":[{"verb":["v:launched"]},
                                               {"result":{"success":false}}]}})");
  CHECK(Matches(*either, kLaunched));
  CHECK(Matches(*either, kFailed));
  CHECK_FALSE(Matches(*either, kPassed));

  auto negated = MustParse(R"({"filter":{"not":{"verb":["v:launched"]}}})");
  CHECK_FALSE(Matches(*negated, kLaunched));
  CHECK(Matches(*negated, kPassed));

  // c:* activities, and either (passed and not d:) or launched: nested three deep.
  auto nested = MustParse(R"({"filter":{"and":[
      {"activity_id_prefix":["c:"]},
      {"or":[{"and":[{"verb":["v:passed"]},{"not":{"activity_id_prefix":["d:"]}}]},
             {"verb":["v:launched"]}]}]}})");
  CHECK(Matches(*nested, kPassed));
  CHECK(Matches(*nested, kLaunched));
  CHECK_FALSE(Matches(*nested, kFailed));
  CHECK_FALSE(Matches(*nested, kPassedOther));

  auto double_not = MustParse(R"({"filter":{"not":{"not":{"verb":["v:failed"]}}}})");
  CHECK(Matches(*double_not, kFailed));
  CHECK_FALSE(Matches(*double_not, kPassed));
}

// ---- Paths --------------------------------------------------------------

TEST_CASE("paths: dotted names, bracketed IRIs, indices", "[sync][mapping]") {
  CHECK(PathValue("verb.id") == "\"http://adlnet.gov/expapi/verbs/completed\"");
  CHECK(PathValue("verb.display.en-US") == "\"completed\"");
  CHECK(PathValue("context.extensions[http://example.com/ext/cohort]") == "\"2026-spring\"");
  CHECK(PathValue("context[extensions][http://example.com/ext/attempt]") == "2");
  CHECK(PathValue("context.extensions[http://example.com/ext/seat].row") == "3");
  CHECK(PathValue("context.contextActivities.grouping[0].id") ==
        "\"https://lms.example.com/course/42\"");
  CHECK(PathValue("context.contextActivities.grouping[1].id").empty());  // out of range
  CHECK(PathValue("context.contextActivities.grouping[0][id]") ==
        PathValue("context.contextActivities.grouping[0].id"));
  CHECK(PathValue("result.score.scaled") == "0.85");
  CHECK(PathValue("result.success") == "true");
  CHECK(PathValue("result.nothing").empty());
  CHECK(PathValue("verb.id.more").empty());  // through a string
  CHECK(PathValue("context.extensions[http://example.com/ext/missing]").empty());
}

TEST_CASE("paths: [0] of one object, digits as member names, null is absent", "[sync][mapping]") {
  // xAPI 1.0 allows a contextActivities list to be a single object.
  constexpr std::string_view kSingle =
      R"({"context":{"contextActivities":{"grouping":{"id":"c:single"}},
                     "extensions":{"7":"seven","n":null}}})";
  CHECK(PathValue("context.contextActivities.grouping[0].id", {}, kSingle) == "\"c:single\"");
  CHECK(PathValue("context.contextActivities.grouping[1].id", {}, kSingle).empty());
  CHECK(PathValue("context.extensions[7]", {}, kSingle) == "\"seven\"");
  CHECK(PathValue("context.extensions.n", {}, kSingle).empty());
}

TEST_CASE("paths: objects and arrays are sent as compact JSON text", "[sync][mapping]") {
  CHECK(PathValue("context.extensions[http://example.com/ext/seat]") == R"("{\"row\":3}")");
  CHECK(PathValue("context.contextActivities.parent") ==
        R"("[{\"id\":\"https://lms.example.com/course/42/module\"}]")");
}

TEST_CASE("paths: syntax errors are caught at Parse with the field's path", "[sync][mapping]") {
  for (const char* bad : {"a..b", ".a", "a.", "a[b", "a[]", "a.[b]", "a]b", "a[b]c",
                          "context.extensions.http://x/y", "a b", "a{b"}) {
    INFO(bad);
    std::string msg = ParseError(
        std::string(R"({"fields":[{"name":"f","category":"engagement","path":")") + bad + "\"}]}");
    CHECK(msg.rfind("fields[0].path: invalid path \"", 0) == 0);
  }
  CHECK(ParseError(R"({"fields":[{"name":"f","category":"engagement","path":""}]})") ==
        "fields[0].path: path must not be empty");
  CHECK(ParseError(R"({"fields":[{"name":"f","category":"engagement","path":"a..b"}]})") ==
        "fields[0].path: invalid path \"a..b\": empty name at offset 2");
  CHECK(ParseError(R"({"fields":[{"name":"f","category":"engagement","path":"x.http://y"}]})")
            .find("':' in a name") != std::string::npos);
}

// ---- Templates ----------------------------------------------------------

TEST_CASE("templates: placeholders, literal braces, transforms", "[sync][mapping]") {
  CHECK(One(R"({"name":"t","template":"{verb.display.en-US} {object.definition.name.en-US}"})") ==
        R"({"t":"completed Module 3"})");
  CHECK(One(R"({"name":"t",
                "template":"{{x}} {result.score.raw}/{result.score.max} {result.success}"})") ==
        R"({"t":"{x} 85/100 true"})");
  CHECK(One(R"({"name":"t",
                "template":"{verb.display|language:fr}: {object.definition.name|language:de}"})") ==
        R"({"t":"terminé: Modul 3"})");
  CHECK(One(R"({"name":"t",
                "template":"cohort {context.extensions[http://example.com/ext/cohort]}"})") ==
        R"({"t":"cohort 2026-spring"})");
  // The field's transform applies to the rendered text.
  CHECK(One(R"({"name":"t","template":"{verb.display.en-US} {object.definition.name.en-US}",
                "transform":"upper"})") == R"({"t":"COMPLETED MODULE 3"})");
  CHECK(One(R"({"name":"t","template":"no placeholders"})") == R"({"t":"no placeholders"})");
  // A placeholder without a value makes the field absent.
  CHECK(One(R"({"name":"t","template":"{verb.id} {result.nothing}"})") == "{}");
  CHECK(One(R"({"name":"t","template":"{result.duration|duration_seconds}"})",
            R"({"result":{"duration":"bad"}})") == "{}");
}

TEST_CASE("templates: errors", "[sync][mapping]") {
  auto err = [](std::string_view tmpl) {
    return ParseError(R"({"fields":[{"name":"t","category":"engagement","template":")" +
                      std::string(tmpl) + "\"}]}");
  };
  CHECK(err("{verb.id") == "fields[0].template: unclosed '{' at offset 0");
  CHECK(err("a } b").rfind("fields[0].template: unmatched '}' at offset 2", 0) == 0);
  CHECK(err("{verb..id}").rfind("fields[0].template: invalid path \"verb..id\"", 0) == 0);
  CHECK(err("{verb.id|shout}").rfind("fields[0].template: unknown transform \"shout\"", 0) == 0);
  CHECK(err("{}").rfind("fields[0].template: path must not be empty", 0) == 0);
  CHECK(err("") == "fields[0].template: must not be empty");
}

// ---- Transforms ---------------------------------------------------------

TEST_CASE("transform language: tag, primary subtag, und, first entry", "[sync][mapping]") {
  constexpr std::string_view kMap =
      R"({"en-GB":"colour","en-US":"color","und":"?","fr":"couleur"})";
  CHECK(Transformed(kMap, "language:en-US") == "\"color\"");
  CHECK(Transformed(kMap, "language:EN-us") == "\"color\"");
  CHECK(Transformed(kMap, "language:en") == "\"colour\"");       // first en-*
  CHECK(Transformed(kMap, "language:en-AU") == "\"colour\"");    // same primary subtag
  CHECK(Transformed(kMap, "language:de") == "\"?\"");            // und
  CHECK(Transformed(kMap, "language") == "\"?\"");
  CHECK(Transformed(R"({"fr":"oui","en":"yes"})", "language:en-US") == "\"yes\"");
  CHECK(Transformed(R"({"fr":"oui","de":"ja"})", "language:en") == "\"oui\"");  // first
  CHECK(Transformed(R"({"fr":"oui","de":"ja"})", "language") == "\"oui\"");
  CHECK(Transformed(R"("plain")", "language:en") == "\"plain\"");
  CHECK(Transformed("{}", "language:en").empty());
  CHECK(Transformed("3", "language:en").empty());
  CHECK(PathValue("object.definition.name", "language:en") == "\"Module 3\"");
}

TEST_CASE("transform duration_seconds", "[sync][mapping]") {
  CHECK(Transformed(R"("PT1H2M3.5S")", "duration_seconds") == "3723.5");
  CHECK(Transformed(R"("P1DT2H")", "duration_seconds") == "93600");
  CHECK(Transformed(R"("PT4H35M59.14S")", "duration_seconds") == "16559.14");
  CHECK(Transformed(R"("PT16559.14S")", "duration_seconds") == "16559.14");
  CHECK(Transformed(R"("P2W")", "duration_seconds") == "1209600");
  CHECK(Transformed(R"("P1Y2M")", "duration_seconds") == "36720000");
  CHECK(Transformed(R"("PT0S")", "duration_seconds") == "0");
  CHECK(Transformed(R"("PT0,5S")", "duration_seconds") == "0.5");
  CHECK(Transformed(R"("PT90M")", "duration_seconds") == "5400");
  for (const char* bad : {"\"\"", "\"P\"", "\"PT\"", "\"P1DT\"", "\"1H\"", "\"PT1H2H\"",
                          "\"PT2M1H\"", "\"P1H\"", "\"PT1D\"", "\"PT1.5M3S\"", "\"PT.5S\"",
                          "\"PT1\"", "\"PTT1S\"", "\"P99999999999999999999D\"", "12"}) {
    INFO(bad);
    CHECK(Transformed(bad, "duration_seconds").empty());
  }
}

TEST_CASE("transform timestamp:iso, epoch_ms, epoch_s, date", "[sync][mapping]") {
  constexpr std::string_view kTs = R"("2026-03-01T00:11:12.3456+01:00")";
  CHECK(Transformed(kTs, "timestamp:iso") == "\"2026-02-28T23:11:12.345Z\"");
  CHECK(Transformed(kTs, "timestamp:epoch_ms") == "1772320272345");
  CHECK(Transformed(kTs, "timestamp:epoch_s") == "1772320272");
  CHECK(Transformed(kTs, "timestamp:date") == "\"2026-02-28\"");
  CHECK(Transformed(R"("1969-12-31T23:59:59.5Z")", "timestamp:epoch_s") == "-1");
  CHECK(Transformed(R"("1969-12-31T23:59:59.5Z")", "timestamp:epoch_ms") == "-500");
  CHECK(Transformed(R"("yesterday")", "timestamp:iso").empty());
  CHECK(Transformed("1772320272", "timestamp:date").empty());
  CHECK(PathValue("timestamp", "timestamp:iso") == "\"2026-03-01T09:11:12.345Z\"");
}

TEST_CASE("transforms lower, upper, string, iri_last_segment", "[sync][mapping]") {
  CHECK(Transformed(R"("MiXed Ä")", "lower") == "\"mixed Ä\"");  // ASCII only
  CHECK(Transformed(R"("MiXed")", "upper") == "\"MIXED\"");
  CHECK(Transformed("true", "upper") == "true");  // not a string: unchanged
  CHECK(Transformed("0.85", "string") == "\"0.85\"");
  CHECK(Transformed("85", "string") == "\"85\"");
  CHECK(Transformed("false", "string") == "\"false\"");
  CHECK(Transformed(R"("x")", "string") == "\"x\"");
  CHECK(PathValue("context.extensions[http://example.com/ext/seat]", "string") ==
        R"("{\"row\":3}")");
  CHECK(PathValue("verb.id", "iri_last_segment") == "\"completed\"");
  CHECK(Transformed(R"("http://example.com/vocab#passed")", "iri_last_segment") == "\"passed\"");
  CHECK(Transformed(R"("http://example.com/verbs/answered/")", "iri_last_segment") ==
        "\"answered\"");
  CHECK(Transformed(R"("urn:x:y")", "iri_last_segment") == "\"urn:x:y\"");
  CHECK(Transformed(R"("///")", "iri_last_segment").empty());
  CHECK(Transformed("3", "iri_last_segment").empty());
}

TEST_CASE("transforms: unknown names and bad language tags are Parse errors", "[sync][mapping]") {
  auto err = [](std::string_view transform) {
    return ParseError(R"({"fields":[{"name":"f","category":"education","path":"a","transform":")" +
                      std::string(transform) + "\"}]}");
  };
  CHECK(err("round").rfind("fields[0].transform: unknown transform \"round\" (known: ", 0) == 0);
  CHECK(err("timestamp").rfind("fields[0].transform: unknown transform \"timestamp\"", 0) == 0);
  CHECK(err("language:") == "fields[0].transform: invalid language tag \"\"");
  CHECK(err("language:en US") == "fields[0].transform: invalid language tag \"en US\"");
  CHECK(ParseError(R"({"event":{"path":"verb.id","transform":7}})") ==
        "event.transform: must be a string");
}

// ---- Field sources, targets, types --------------------------------------

TEST_CASE("fields: coalesce, constants, contact, JSON types kept", "[sync][mapping]") {
  auto m = MustParse(R"({"fields":[
      {"name":"course","category":"engagement",
       "coalesce":["context.contextActivities.other[0].id",
                   "context.contextActivities.grouping[0].id"]},
      {"name":"source","category":"engagement","value":"lms"},
      {"name":"weight","category":"education","value":1.5},
      {"name":"flag","category":"engagement","value":false},
      {"name":"nothing","category":"engagement","value":null},
      {"name":"first_name","category":"engagement","path":"actor.name","to":"contact"},
      {"name":"cohort","category":"engagement","to":"contact",
       "path":"context.extensions[http://example.com/ext/cohort]","transform":"upper"},
      {"name":"attempt","category":"education",
       "path":"context.extensions[http://example.com/ext/attempt]"},
      {"name":"missing","category":"engagement","coalesce":["a.b","c[0]"]},
      {"name":"kind","category":"engagement","value":"Module","transform":"lower",
       "to":"contact"}]})");
  MappedRecord r = MapOf(*m);
  CHECK(r.properties ==
        R"({"course":"https://lms.example.com/course/42","source":"lms","weight":1.5,"flag":false,)"
        R"("nothing":null,"attempt":2})");
  CHECK(r.contact == R"({"first_name":"Ann","cohort":"2026-SPRING","kind":"module"})");
  CHECK(r.event == "completed");  // the default event
}

TEST_CASE("fields: an empty list sends no properties", "[sync][mapping]") {
  MappedRecord r = MapOf(*MustParse(R"({"fields":[]})"));
  CHECK(r.properties == "{}");
  CHECK(r.contact == "{}");
  CHECK(r.event == "completed");
}

// ---- Default fields and event -------------------------------------------

TEST_CASE("default fields and event", "[sync][mapping]") {
  auto m = MustParse("{}");
  MappedRecord r = MapOf(*m);
  CHECK(r.event == "completed");
  CHECK(r.email == "Ann@Example.com");
  CHECK(r.external_id.empty());
  CHECK(r.timestamp_ms == 1772356272345);
  CHECK(r.properties ==
        R"({"verb_id":"http://adlnet.gov/expapi/verbs/completed",)"
        R"("activity_id":"https://lms.example.com/course/42/module/3",)"
        R"("activity_name":"Module 3",)"
        R"("activity_type":"http://adlnet.gov/expapi/activities/module",)"
        R"("course_id":"https://lms.example.com/course/42",)"
        R"("registration":"ec531277-b57b-4c15-8d91-d292c5b2b8f7",)"
        R"("completion":true,"success":true,"score_scaled":0.85,"score_raw":85,)"
        R"("duration_seconds":3723.5})");
  CHECK(r.contact == "{}");
}

TEST_CASE("default fields: absent values omitted, course from parent, event fallbacks",
          "[sync][mapping]") {
  auto m = MustParse("{}");
  MappedRecord r = MapOf(*m, R"({"actor":{"mbox":"mailto:a@b.c"},
      "verb":{"id":"http://adlnet.gov/expapi/verbs/launched","display":{"de":"gestartet"}},
      "object":{"id":"c:1"},
      "context":{"contextActivities":{"parent":[{"id":"c:course"}]}},
      "stored":"2026-03-01T09:11:13Z"})");
  CHECK(r.event == "gestartet");  // no English: any language
  CHECK(r.properties == R"({"verb_id":"http://adlnet.gov/expapi/verbs/launched",)"
                        R"("activity_id":"c:1","course_id":"c:course"})");
  CHECK(r.timestamp_ms == 1772356273000);  // stored, for want of a timestamp

  r = MapOf(*m, R"({"verb":{"id":"http://example.com/verbs/enrolled/"}})");
  CHECK(r.event == "enrolled");  // no display: the IRI's last segment
  CHECK(r.timestamp_ms == 0);
}

TEST_CASE("event: a custom spec, and its category", "[sync][mapping]") {
  auto tmpl = MustParse(R"({"event":{
      "template":"{verb.id|iri_last_segment} {object.definition.name|language:en}",
                                     "transform":"lower"}})");
  CHECK(MapOf(*tmpl).event == "completed module 3");

  auto education = MustParse(R"({"event":{"path":"result.score.scaled","category":"education"}})",
                             kEngagement);
  CHECK(MapOf(*education).event.empty());  // an education event is not sent to marketing
  auto education_ok =
      MustParse(R"({"event":{"path":"result.score.scaled","category":"education"}})");
  CHECK(MapOf(*education_ok).event == "0.85");

  auto missing = MustParse(R"({"event":{"path":"context.extensions[x:none]"}})");
  CHECK(MapOf(*missing).event.empty());
  auto constant = MustParse(R"({"event":{"value":"Learning activity"}})", kEngagement);
  CHECK(MapOf(*constant).event == "Learning activity");
}

// ---- Categories and free text -------------------------------------------

TEST_CASE("categories: fields of categories a destination may not receive are dropped",
          "[sync][mapping]") {
  MappedRecord engagement = MapOf(*MustParse("{}", kEngagement));
  CHECK(engagement.properties ==
        R"({"verb_id":"http://adlnet.gov/expapi/verbs/completed",)"
        R"("activity_id":"https://lms.example.com/course/42/module/3",)"
        R"("activity_name":"Module 3",)"
        R"("activity_type":"http://adlnet.gov/expapi/activities/module",)"
        R"("course_id":"https://lms.example.com/course/42",)"
        R"("registration":"ec531277-b57b-4c15-8d91-d292c5b2b8f7","completion":true})");
  for (const char* education : {"score", "success", "duration", "response"}) {
    CHECK(engagement.properties.find(education) == std::string::npos);
  }
  CHECK(engagement.event == "completed");

  MappedRecord education = MapOf(*MustParse("{}", kEducation));
  CHECK(education.properties ==
        R"({"success":true,"score_scaled":0.85,"score_raw":85,"duration_seconds":3723.5})");
  CHECK(education.event.empty());  // the default event is engagement

  MappedRecord none = MapOf(*MustParse("{}", 0));
  CHECK(none.properties == "{}");
  CHECK(none.event.empty());
  CHECK(none.email == "Ann@Example.com");  // identity is not a category's field

  auto custom = MustParse(R"({"fields":[
      {"name":"score","category":"education","path":"result.score.scaled","to":"contact"},
      {"name":"course","category":"engagement","path":"context.contextActivities.grouping[0].id",
       "to":"contact"}]})", kEngagement);
  CHECK(MapOf(*custom).contact == R"({"course":"https://lms.example.com/course/42"})");
}

TEST_CASE("free text: blocked unless the field says send_free_text", "[sync][mapping]") {
  // The default "response" field is free text.
  CHECK(MapOf(*MustParse("{}")).properties.find("response") == std::string::npos);

  auto fields = [](std::string_view spec) {
    return MapOf(*MustParse("{\"fields\":[" + std::string(spec) + "]}")).properties;
  };
  CHECK(fields(R"({"name":"r","category":"education","path":"result.response"})") == "{}");
  // A path that reaches the response is free text regardless.
  CHECK(fields(R"({"name":"r","category":"education","path":"result.response",
                   "free_text":false})") == "{}");
  CHECK(fields(R"({"name":"r","category":"education","path":"result[response]"})") == "{}");
  CHECK(fields(R"({"name":"r","category":"education","path":"result"})") == "{}");
  CHECK(fields(R"({"name":"r","category":"education","path":"object"})") == "{}");
  CHECK(fields(R"({"name":"r","category":"education",
                   "coalesce":["result.nothing","result.response"]})") == "{}");
  CHECK(fields(R"({"name":"r","category":"education","template":"said: {result.response}"})") ==
        "{}");
  CHECK(fields(R"({"name":"r","category":"engagement","free_text":true,
                   "path":"context.extensions[http://example.com/ext/cohort]"})") == "{}");

  CHECK(fields(R"({"name":"r","category":"education","path":"result.response",
                   "send_free_text":true})") ==
        R"({"r":"I liked the second video"})");
  CHECK(fields(R"({"name":"r","category":"education","template":"said: {result.response}",
                   "send_free_text":true})") == R"({"r":"said: I liked the second video"})");
  CHECK(fields(R"({"name":"r","category":"engagement","free_text":true,"send_free_text":true,
                   "path":"context.extensions[http://example.com/ext/cohort]"})") ==
        R"({"r":"2026-spring"})");
  // Allowed free text still obeys categories.
  auto engagement_only = MustParse(R"({"fields":[{"name":"r","category":"education",
      "path":"result.response","send_free_text":true}]})", kEngagement);
  CHECK(MapOf(*engagement_only).properties == "{}");
  // Paths near the response that cannot reach it are not free text.
  CHECK(fields(R"({"name":"r","category":"education","path":"result.success"})") ==
        R"({"r":true})");
}

TEST_CASE("free text: an event from the response is blocked too", "[sync][mapping]") {
  CHECK(MapOf(*MustParse(R"({"event":{"path":"result.response"}})")).event.empty());
  CHECK(MapOf(*MustParse(R"({"event":{"path":"result.response","send_free_text":true}})")).event ==
        "I liked the second video");
}

// ---- Identity -----------------------------------------------------------

TEST_CASE("identity: e-mail from mbox and external id from account by default",
          "[sync][mapping]") {
  auto m = MustParse("{}");
  MappedRecord r = MapOf(*m, R"({"actor":{"mbox":"MAILTO:x@y.z"}})");
  CHECK(r.email == "x@y.z");
  r = MapOf(*m, R"({"actor":{"account":{"homePage":"https://sso.example.com","name":"u-17"}}})");
  CHECK(r.email.empty());
  CHECK(r.external_id == "u-17");
  r = MapOf(*m, R"({"actor":{"mbox_sha1sum":"0a7d8ea2f2ac01afbbf12061eb5324d2c8bb73df"}})");
  CHECK(r.email.empty());
  CHECK(r.external_id.empty());
  // A Group: its own identifier, if any.
  r = MapOf(*m, R"({"actor":{"objectType":"Group","mbox":"mailto:team@y.z",
                             "member":[{"mbox":"mailto:a@y.z"}]}})");
  CHECK(r.email == "team@y.z");
  r = MapOf(*m, R"({"actor":{"objectType":"Group","member":[{"mbox":"mailto:a@y.z"},
                             {"account":{"homePage":"h:x","name":"n"}}]}})");
  CHECK(r.email.empty());
  CHECK(r.external_id.empty());
  r = MapOf(*m, R"({"verb":{"id":"v:x"}})");
  CHECK(r.email.empty());
}

TEST_CASE("identity: none, account_home_page", "[sync][mapping]") {
  constexpr std::string_view kAccount =
      R"({"actor":{"account":{"homePage":"https://sso.example.com/","name":"u-17"}}})";
  auto none = MustParse(R"({"identity":{"email":"none","external_id":"none"}})");
  MappedRecord r = MapOf(*none);
  CHECK(r.email.empty());
  CHECK(MapOf(*none, kAccount).external_id.empty());

  auto home = MustParse(R"({"identity":{"account_home_page":"https://sso.example.com"}})");
  CHECK(MapOf(*home, kAccount).external_id == "u-17");  // up to a trailing slash
  CHECK(MapOf(*home, R"({"actor":{"account":{"homePage":"https://other.example.com",
                                               "name":"u-17"}}})")
            .external_id.empty());
  CHECK(MapOf(*home).email == "Ann@Example.com");

  auto explicit_modes = MustParse(R"({"identity":{"email":"mbox","external_id":"account"}})");
  CHECK(MapOf(*explicit_modes, kAccount).external_id == "u-17");
}

TEST_CASE("identity: lookup overrides by actor identifier", "[sync][mapping]") {
  auto m = MustParse(R"({"identity":{"email":"none","lookup":{
      "mailto:ANN@example.com":{"external_id":"crm-1"},
      "sha1:0a7d8ea2f2ac01afbbf12061eb5324d2c8bb73df":{"email":"hashed@example.com"},
      "openid:https://id.example.com/bob":{"email":"bob@example.com","external_id":"crm-2"},
      "account:https://sso.example.com|u-17":{"email":"u17@example.com"}}}})");
  MappedRecord r = MapOf(*m);  // mailto:Ann@Example.com
  CHECK(r.email.empty());      // "none", and the entry gives no e-mail
  CHECK(r.external_id == "crm-1");
  r = MapOf(*m, R"({"actor":{"mbox_sha1sum":"0A7D8EA2F2AC01AFBBF12061EB5324D2C8BB73DF"}})");
  CHECK(r.email == "hashed@example.com");
  r = MapOf(*m, R"({"actor":{"openid":"https://id.example.com/bob"}})");
  CHECK(r.email == "bob@example.com");
  CHECK(r.external_id == "crm-2");
  r = MapOf(*m, R"({"actor":{"account":{"homePage":"https://sso.example.com","name":"u-17"}}})");
  CHECK(r.email == "u17@example.com");
  CHECK(r.external_id == "u-17");  // derived; the entry overrides only the e-mail
  r = MapOf(*m, R"({"actor":{"mbox":"mailto:other@example.com"}})");
  CHECK(r.email.empty());
  CHECK(r.external_id.empty());
}

// ---- Timestamps ---------------------------------------------------------

TEST_CASE("timestamp_ms: timestamp, else stored, else 0", "[sync][mapping]") {
  auto m = MustParse(R"({"fields":[]})");
  CHECK(MapOf(*m).timestamp_ms == 1772356272345);
  CHECK(MapOf(*m, R"({"timestamp":"bad","stored":"1970-01-01T00:00:01.5Z"})").timestamp_ms == 1500);
  CHECK(MapOf(*m, R"({"timestamp":"1969-12-31T23:59:59.9995Z"})").timestamp_ms == -1);
  CHECK(MapOf(*m, "{}").timestamp_ms == 0);
}

TEST_CASE("Map: a statement that is not an object is rejected", "[sync][mapping]") {
  auto m = MustParse("{}");
  MappedRecord r;
  r.email = "stale";
  CHECK(m->Map(Doc("[1]"), &r).IsInvalidArgument());
  CHECK(r.email.empty());
}

// ---- Version ------------------------------------------------------------

TEST_CASE("version: stable, key-order independent, changes with config and categories",
          "[sync][mapping]") {
  constexpr std::string_view kConfig =
      R"({"filter":{"verb":["v:a"]},
          "fields":[{"name":"f","category":"engagement","path":"verb.id"}]})";
  auto version = [](std::string_view config, CategorySet allowed = kBoth) {
    return MustParse(config, allowed)->version();
  };
  const std::string v = version(kConfig);
  CHECK(v.size() == 16);
  CHECK(v.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(version(kConfig) == v);
  CHECK(version(R"({"fields":[{"path":"verb.id","category":"engagement","name":"f"}],
                    "filter":{"verb":["v:a"]}})") == v);
  // Golden: the same config has the same version in every run and build.
  CHECK(version("{}") == "4490cd6a51cd6752");
  CHECK(version("null") == version("{}"));

  CHECK(version(kConfig, kEngagement) != v);
  CHECK(version(R"({"filter":{"verb":["v:b"]},
                    "fields":[{"name":"f","category":"engagement","path":"verb.id"}]})") != v);
  CHECK(version(R"({"filter":{"verb":["v:a"]},
                    "fields":[{"name":"f","category":"education","path":"verb.id"}]})") != v);
  CHECK(version(R"({"filter":{"verb":["v:a"]},
                    "fields":[{"name":"g","category":"engagement","path":"verb.id"}]})") != v);
  CHECK(version(R"({"fields":[{"name":"f","category":"engagement","path":"verb.id"}]})") != v);
  CHECK(version(R"({"fields":[{"name":"a","category":"engagement","path":"verb.id"},
                              {"name":"b","category":"engagement","path":"verb.id"}]})") !=
        version(R"({"fields":[{"name":"b","category":"engagement","path":"verb.id"},
                              {"name":"a","category":"engagement","path":"verb.id"}]})"));
}

// ---- Config errors ------------------------------------------------------

TEST_CASE("config errors name the JSON path of the problem", "[sync][mapping]") {
  struct Case {
    const char* config;
    const char* message;  // the whole message, or its start when it ends in "..."
  };
  const Case kCases[] = {
      {R"([])", "mapping: must be an object"},
      {R"({"colour":1})", "mapping.colour: unknown key"},
      // filter
      {R"({"filter":[]})", "filter: must be an object"},
      {R"({"filter":{"verbs":["v:a"]}})", "filter.verbs: unknown key"},
      {R"({"filter":{"verb":"v:a"}})", "filter.verb: must be a non-empty array of strings"},
      {R"({"filter":{"verb":[]}})", "filter.verb: must be a non-empty array of strings"},
      {R"({"filter":{"verb":["v:a",3]}})", "filter.verb[1]: must be a non-empty string"},
      {R"({"filter":{"activity_type":[""]}})",
       "filter.activity_type[0]: must be a non-empty string"},
      {R"({"filter":{"activity_id_prefix":{}}})",
       "filter.activity_id_prefix: must be a non-empty array of strings"},
      {R"({"filter":{"actor":["mailto:a@b","ann@example.com"]}})",
       "filter.actor[1]: must be \"mailto:<address>\", \"sha1:<hex>\", \"openid:<uri>\" or "
       "\"account:<homePage>|<name>\", not \"ann@example.com\""},
      {R"({"filter":{"actor":["sha1:abc"]}})", "filter.actor[0]: must be \"mailto:..."},
      {R"({"filter":{"actor":["account:https://h"]}})", "filter.actor[0]: must be \"mailto:..."},
      {R"({"filter":{"actor":["mailto:"]}})", "filter.actor[0]: must be \"mailto:..."},
      {R"({"filter":{"result":true}})", "filter.result: must be an object"},
      {R"({"filter":{"result":{}}})",
       "filter.result: must hold success, completion, min_scaled or max_scaled"},
      {R"({"filter":{"result":{"passed":true}}})", "filter.result.passed: unknown key"},
      {R"({"filter":{"result":{"success":"yes"}}})",
       "filter.result.success: must be true or false"},
      {R"({"filter":{"result":{"completion":1}}})",
       "filter.result.completion: must be true or false"},
      {R"({"filter":{"result":{"min_scaled":"0.5"}}})",
       "filter.result.min_scaled: must be a number"},
      {R"({"filter":{"result":{"min_scaled":0.9,"max_scaled":0.5}}})",
       "filter.result: min_scaled exceeds max_scaled"},
      {R"({"filter":{"and":{}}})", "filter.and: must be a non-empty array of filters"},
      {R"({"filter":{"or":[]}})", "filter.or: must be a non-empty array of filters"},
      {R"({"filter":{"or":[{"verb":["v:a"]},{"colour":1}]}})", "filter.or[1].colour: unknown key"},
      {R"({"filter":{"not":[]}})", "filter.not: must be an object"},
      {R"({"filter":{"and":[{"not":{"or":[{"verb":[1]}]}}]}})",
       "filter.and[0].not.or[0].verb[0]: must be a non-empty string"},
      // identity
      {R"({"identity":"mbox"})", "identity: must be an object"},
      {R"({"identity":{"phone":"x"}})", "identity.phone: unknown key"},
      {R"({"identity":{"email":"account"}})",
       "identity.email: must be \"mbox\" or \"none\", not \"account\""},
      {R"({"identity":{"email":true}})", "identity.email: must be a string"},
      {R"({"identity":{"external_id":"mbox"}})",
       "identity.external_id: must be \"account\" or \"none\", not \"mbox\""},
      {R"({"identity":{"account_home_page":""}})", "identity.account_home_page: must not be empty"},
      {R"({"identity":{"account_home_page":1}})", "identity.account_home_page: must be a string"},
      {R"({"identity":{"lookup":[]}})", "identity.lookup: must be an object"},
      {R"({"identity":{"lookup":{"ann@example.com":{"email":"a@b"}}}})",
       "identity.lookup[ann@example.com]: key must be \"mailto:<address>\"..."},
      {R"({"identity":{"lookup":{"mailto:a@b":"crm-1"}}})",
       "identity.lookup[mailto:a@b]: must be an object"},
      {R"({"identity":{"lookup":{"mailto:a@b":{}}}})",
       "identity.lookup[mailto:a@b]: must give \"email\" or \"external_id\""},
      {R"({"identity":{"lookup":{"mailto:a@b":{"id":"x"}}}})",
       "identity.lookup[mailto:a@b].id: unknown key"},
      {R"({"identity":{"lookup":{"mailto:a@b":{"external_id":7}}}})",
       "identity.lookup[mailto:a@b].external_id: must be a string"},
      {R"({"identity":{"lookup":{"mailto:a@b":{"email":"x"},"mailto:A@B":{"email":"y"}}}})",
       "identity.lookup[mailto:A@B]: names the same actor as another key"},
      // event
      {R"({"event":"verb.id"})", "event: must be an object"},
      {R"({"event":{"name":"e","path":"verb.id"}})", "event.name: unknown key"},
      {R"({"event":{"path":"verb.id","to":"contact"}})", "event.to: unknown key"},
      {R"({"event":{}})", "event: needs one of path, template, coalesce or value"},
      {R"({"event":{"path":"verb..id"}})", "event.path: invalid path \"verb..id\"..."},
      {R"({"event":{"path":"verb.id","category":"marketing"}})",
       "event.category: must be \"education\" or \"engagement\", not \"marketing\""},
      // fields
      {R"({"fields":{}})", "fields: must be an array of field specs"},
      {R"({"fields":["verb.id"]})", "fields[0]: must be an object"},
      {R"({"fields":[{"category":"engagement","path":"verb.id"}]})", "fields[0].name: required"},
      {R"({"fields":[{"name":"a-b","category":"engagement","path":"verb.id"}]})",
       "fields[0].name: must match [A-Za-z0-9_]+, not \"a-b\""},
      {R"({"fields":[{"name":"","category":"engagement","path":"verb.id"}]})",
       "fields[0].name: must match [A-Za-z0-9_]+, not \"\""},
      {R"({"fields":[{"name":7,"category":"engagement","path":"verb.id"}]})",
       "fields[0].name: must be a string"},
      {R"({"fields":[{"name":"a","category":"engagement","path":"verb.id"},
                     {"name":"a","category":"engagement","path":"object.id"}]})",
       "fields[1].name: duplicate field name \"a\""},
      {R"({"fields":[{"name":"a","category":"engagement"}]})",
       "fields[0]: needs one of path, template, coalesce or value"},
      {R"({"fields":[{"name":"a","category":"engagement","path":"verb.id","value":1}]})",
       "fields[0]: \"path\" and \"value\" exclude each other..."},
      {R"({"fields":[{"name":"a","category":"engagement","template":"x","coalesce":["a"]}]})",
       "fields[0]: \"template\" and \"coalesce\" exclude each other..."},
      {R"({"fields":[{"name":"a","category":"engagement","path":3}]})",
       "fields[0].path: must be a string"},
      {R"({"fields":[{"name":"a","category":"engagement","template":["x"]}]})",
       "fields[0].template: must be a string"},
      {R"({"fields":[{"name":"a","category":"engagement","coalesce":[]}]})",
       "fields[0].coalesce: must be a non-empty array of paths"},
      {R"({"fields":[{"name":"a","category":"engagement","coalesce":["verb.id","a..b"]}]})",
       "fields[0].coalesce[1]: invalid path \"a..b\"..."},
      {R"({"fields":[{"name":"a","category":"engagement","coalesce":["verb.id",1]}]})",
       "fields[0].coalesce[1]: must be a string"},
      {R"({"fields":[{"name":"a","category":"engagement","value":{"x":1}}]})",
       "fields[0].value: must be a string, number, boolean or null"},
      {R"({"fields":[{"name":"a","path":"verb.id"}]})",
       "fields[0].category: required: \"education\" or \"engagement\""},
      {R"({"fields":[{"name":"a","path":"verb.id"},
                     {"name":"b","path":"verb.id","category":"both"}]})",
       "fields[0].category: required..."},
      {R"({"fields":[{"name":"a","category":"engagement","path":"verb.id"},
                     {"name":"b","category":"marketing","path":"verb.id"}]})",
       "fields[1].category: must be \"education\" or \"engagement\", not \"marketing\""},
      {R"({"fields":[{"name":"a","category":["education"],"path":"verb.id"}]})",
       "fields[0].category: must be \"education\" or \"engagement\", not [\"education\"]"},
      {R"({"fields":[{"name":"a","category":"engagement","path":"verb.id","to":"person"}]})",
       "fields[0].to: must be \"properties\" or \"contact\", not \"person\""},
      {R"({"fields":[{"name":"a","category":"engagement","path":"verb.id","free_text":"no"}]})",
       "fields[0].free_text: must be true or false"},
      {R"({"fields":[{"name":"a","category":"engagement","path":"verb.id","send_free_text":1}]})",
       "fields[0].send_free_text: must be true or false"},
      {R"({"fields":[{"name":"a","category":"engagement","path":"verb.id","colour":1}]})",
       "fields[0].colour: unknown key"},
      {R"({"fields":[{"name":"a","category":"engagement","path":"verb.id","transform":"x"}]})",
       "fields[0].transform: unknown transform \"x\"..."},
  };
  for (const Case& c : kCases) {
    INFO(c.config);
    std::string want = c.message;
    std::string got = ParseError(c.config);
    if (want.size() > 3 && want.compare(want.size() - 3, 3, "...") == 0) {
      want.resize(want.size() - 3);
      CHECK(got.substr(0, want.size()) == want);
    } else {
      CHECK(got == want);
    }
  }
}

TEST_CASE("Parse: allowed categories beyond the known ones are ignored", "[sync][mapping]") {
  auto m = MustParse("{}", 0xffu);
  CHECK(m->version() == MustParse("{}", kBoth)->version());
}

}  // namespace
}  // namespace lrs::sync
